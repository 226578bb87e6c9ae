/* fn_payload_extract.c — typed extraction configured on the command line.
 *
 *   payload_extract --path after.payload --field id:String
 *                   --field experiment_id:UInt32 --field value:Float64=properties.value
 *   -> Tuple(id String, experiment_id UInt32, value Float64, error String)
 *
 * One binary serves every event schema: the function's XML names the
 * fields.  Paths are dot-separated, descend into JSON held in strings (the
 * outbox payload), and are relative to the Debezium payload when the message
 * carries the schema envelope.  A field path starting with "$." is taken
 * from the event itself instead of from --path.  `--path @row` names the
 * Debezium row image: `after`, or `before` for a delete. */
#include "debezium.h"
#include "convert.h"
#include "driver.h"

#include <stdio.h>
#include <string.h>

typedef struct pe_field {
    const char *name;
    const char *path;
    size_t path_len;
    int from_root;        /* "$.op": relative to the event, not --path */
} pe_field;

typedef struct pe_config {
    const char *path;
    int nfields;
    pe_field fields[UDF_MAX_RESULTS - 1];
    const chtype *types;  /* the signature's result types */
} pe_config;

static const char pe_options[] =
    "  --path P            dot-separated path to the object the fields are read from\n"
    "                      (e.g. after.payload; JSON held in a string is descended into);\n"
    "                      @row = the Debezium row image (after, or before for a delete)\n"
    "  --field NAME:TYPE[=PATH]\n"
    "                      one result column (repeat).  TYPE: String, Int8-64, UInt8-64,\n"
    "                      Float32/64, Bool, DateTime64(P), or Nullable of one.\n"
    "                      PATH defaults to NAME, relative to --path; \"$.x\" reads x from the event\n";

/* NAME:TYPE[=PATH] -> signature entry and field.  The '=' is searched after
 * the type's closing parenthesis so "DateTime64(6, 'UTC')" stays whole. */
static int pe_parse_field(pe_config *c, udf_signature *sig, char *spec, char *why, size_t cap) {
    char *colon = strchr(spec, ':');
    if (!colon || colon == spec) {
        snprintf(why, cap, "--field '%s': expected NAME:TYPE[=PATH]", spec);
        return -1;
    }
    *colon = 0;
    char *type = colon + 1;
    char *close = strrchr(type, ')');
    char *eq = strchr(close ? close : type, '=');
    const char *path = spec;
    if (eq) {
        *eq = 0;
        path = eq + 1;
    }
    pe_field *f = &c->fields[c->nfields++];
    f->name = spec;
    f->from_root = strncmp(path, "$.", 2) == 0;
    f->path = f->from_root ? path + 2 : path;
    f->path_len = strlen(f->path);
    chtype t;
    const char *reason;
    if (chtype_parse(type, strlen(type), &t, &reason) < 0) {
        snprintf(why, cap, "--field %s: type '%s': %s", spec, type, reason);
        return -1;
    }
    udf_sig_result(sig, f->name, type);
    return 0;
}

static int pe_configure(void *self, int argc, char **argv, udf_signature *sig, char *why, size_t cap) {
    pe_config *c = self;
    udf_sig_arg(sig, "message", "String");
    sig->tuple = 1;
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        char *val = NULL;
        if ((!strcmp(a, "--path") || !strcmp(a, "--field")) && i + 1 < argc) val = argv[++i];
        else if (!strncmp(a, "--path=", 7)) val = argv[i] + 7, a = "--path";
        else if (!strncmp(a, "--field=", 8)) val = argv[i] + 8, a = "--field";
        if (!val) {
            snprintf(why, cap, "unknown option '%s'", argv[i]);
            return -1;
        }
        if (!strcmp(a, "--path")) {
            c->path = val;
        } else {
            if (c->nfields == UDF_MAX_RESULTS - 1) {
                snprintf(why, cap, "too many --field options (at most %d)", UDF_MAX_RESULTS - 1);
                return -1;
            }
            if (pe_parse_field(c, sig, val, why, cap) < 0) return -1;
        }
    }
    if (!c->path) c->path = "";
    udf_sig_result(sig, "error", "String");
    c->types = sig->results;
    return 0;
}

/* Appends "field 'x': reason" to the row's error text. */
static void pe_note(char *err, size_t cap, const char *field, const char *why) {
    size_t len = strlen(err);
    if (len + 4 >= cap) return;
    snprintf(err + len, cap - len, "%sfield '%s': %s", len ? "; " : "", field, why);
}

/* Every field at its default (NULL for Nullable), then the error text. */
static void pe_default_row(const pe_config *c, res_writer *out, const char *err) {
    json_value none = {0};
    const char *why;
    for (int i = 0; i < c->nfields; i++) conv_write(out, &c->types[i], &none, NULL, &why);
    res_string(out, err, strlen(err));
}

/* The object --path names, or JSON_NONE; -1 with `err` text on malformed JSON. */
static int pe_locate(json_value *from, const char *path, size_t n, arena *a, json_value *out, char *err, size_t cap) {
    json_error je = {0, 0};
    int rc = json_lookup(from, path, n, a, out, &je);
    if (rc == JSON_FOUND) return 0;
    out->type = JSON_NONE;
    if (rc == JSON_ERR) {
        snprintf(err, cap, "invalid JSON at '%.*s': %s", (int)n, path, je.msg ? je.msg : "malformed");
        return -1;
    }
    if (je.msg) snprintf(err, cap, "path '%.*s': %s", (int)n, path, je.msg);
    return 0;
}

/* The object the fields are read from: --path, or the row image for @row. */
static int pe_find_base(const pe_config *c, json_value *event, arena *a, json_value *base, char *err, size_t cap) {
    if (strcmp(c->path, "@row") != 0) return pe_locate(event, c->path, strlen(c->path), a, base, err, cap);
    json_error je = {0, 0};
    char op;
    if (dbz_row_object(event, base, &op, &je) == 0) return 0;
    snprintf(err, cap, "invalid JSON: %s", je.msg ? je.msg : "malformed");
    return -1;
}

/* op 'd' or 't': a change event that carries no after image. */
static int pe_is_delete(json_value *event) {
    json_value op;
    json_error je = {0, 0};
    if (json_find(event, "op", 2, &op, &je) != JSON_FOUND || op.type != JSON_STRING || json_raw_len(&op) != 3) return 0;
    return op.start[1] == 'd' || op.start[1] == 't';
}

static void pe_row(void *self, const udf_value *args, res_writer *out, arena *a) {
    pe_config *c = self;
    char err[1024] = "";
    json_value root, event, schema, base;
    json_error je = {0, 0};
    if (dbz_is_blank(args[0].s, args[0].n)) return pe_default_row(c, out, "");  /* a tombstone */
    int env = 0;
    /* The whole message must be JSON, not only the part the fields come
     * from: a message cut short or damaged after them is not an event. */
    if (json_open(args[0].s, args[0].n, &root, &je) < 0 || (env = dbz_envelope(&root, &event, &schema, &je)) < 0 ||
        json_close(&root, &je) < 0) {
        snprintf(err, sizeof(err), "invalid JSON: %s", je.msg ? je.msg : "malformed");
        return pe_default_row(c, out, err);
    }
    if (root.type == JSON_NULL || (env && event.type == JSON_NULL)) return pe_default_row(c, out, "");
    if (!env) event = root;
    if (pe_find_base(c, &event, a, &base, err, sizeof(err)) < 0) return pe_default_row(c, out, err);
    /* No object where --path points (a record key, other JSON): say so
     * rather than answer a row of defaults that looks like an event.  A
     * Debezium delete or truncate has no after image by nature: no error. */
    int deleting = -1;  /* looked up only when a path is missing */
    if (base.type == JSON_NONE && (deleting = pe_is_delete(&event))) err[0] = 0;
    else if (base.type == JSON_NONE && !err[0]) snprintf(err, sizeof(err), "path '%s' not found", c->path);
    for (int i = 0; i < c->nfields; i++) {
        const pe_field *f = &c->fields[i];
        json_value v = {0};
        json_value *from = f->from_root ? &event : &base;
        char ferr[256] = "";
        if (from->type != JSON_NONE) pe_locate(from, f->path, f->path_len, a, &v, ferr, sizeof(ferr));
        if (ferr[0] && deleting < 0) deleting = pe_is_delete(&event);
        if (ferr[0] && !deleting) pe_note(err, sizeof(err), f->name, ferr);
        const char *why;
        if (conv_write(out, &c->types[i], &v, a, &why) < 0) pe_note(err, sizeof(err), f->name, why);
    }
    res_string(out, err, strlen(err));
}

int main(int argc, char **argv) {
    static pe_config config;
    udf_function fn = {
        .name = "payload_extract",
        .summary = "typed extraction of the fields named on the command line, in one pass",
        .options_help = pe_options,
        .configure = pe_configure,
        .row = pe_row,
        .self = &config,
    };
    return udf_run(&fn, argc, argv);
}
