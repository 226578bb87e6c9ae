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
 * Debezium row image: `after`, or `before` for a delete.
 *
 * Speed.  Every path (--path joined with each field's, and the "$." ones)
 * is compiled at start-up into one small tree of keys.  A row then takes
 * one pass over the message: the walk that validates the whole message is
 * the walk that picks up the members the tree names, descends into the
 * outbox payload string (decoded once) and walks it once.  A row this fast
 * path cannot answer exactly as the step-by-step lookups would — a member
 * missing or null, a path stepping into an array or a scalar, a tombstone,
 * invalid JSON, `--path @row` — is answered by those lookups instead
 * (pe_row_slow), so both give byte-identical results. */
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

/* The path tree (json_pick_node): node 0 is the event; every --path and
 * --field path is a chain of nodes below it.  Two more nodes describe the
 * schema envelope: ENV (the message) with children "payload" — whose
 * children are the event's — and "schema". */
#define PE_MAX_NODES JSON_PICK_MAX_NODES
typedef struct pe_config {
    const char *path;
    int nfields;
    pe_field fields[UDF_MAX_RESULTS - 1];
    const chtype *types;  /* the signature's result types */
    /* the fast path (see the header comment); fast = 0 turns it off */
    int fast;
    json_pick_tree tree;
    int depth[PE_MAX_NODES];      /* segments from node 0 */
    json_pick picks[PE_MAX_NODES];
    int inner[PE_MAX_NODES];      /* per row: a string whose text was walked as an object */
    int base_node;
    int env_node, env_payload, env_schema;
    int field_node[UDF_MAX_RESULTS - 1];
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

static void pe_compile(pe_config *c);

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
    pe_compile(c);
    return 0;
}

/* ------------------------------------------------------------ path tree */

static int pe_new_node(pe_config *c, const char *k, size_t len) {
    if (c->tree.nnodes == PE_MAX_NODES) return -1;
    int id = c->tree.nnodes++;
    json_pick_node *nd = &c->tree.nodes[id];
    nd->key = k;
    nd->key_len = len;
    nd->first_child = nd->next_sibling = -1;
    c->depth[id] = 0;
    return id;
}

/* Child of node `n` with key [k, k+len), created if absent; -1 when the tree is full. */
static int pe_child_of(pe_config *c, int n, const char *k, size_t len) {
    int last = -1;
    for (int ch = c->tree.nodes[n].first_child; ch >= 0; ch = c->tree.nodes[ch].next_sibling) {
        if (c->tree.nodes[ch].key_len == len && memcmp(c->tree.nodes[ch].key, k, len) == 0) return ch;
        last = ch;
    }
    int id = pe_new_node(c, k, len);
    if (id < 0) return -1;
    c->depth[id] = c->depth[n] + 1;
    if (last < 0) c->tree.nodes[n].first_child = id;
    else c->tree.nodes[last].next_sibling = id;
    return id;
}

/* The node a dot path leads to from node `from` (an empty path is `from`), or -1. */
static int pe_add_path(pe_config *c, int from, const char *path, size_t n) {
    if (n == 0) return from;
    const char *seg = path, *end = path + n;
    int at = from;
    for (;;) {
        const char *dot = memchr(seg, '.', (size_t)(end - seg));
        const char *se = dot ? dot : end;
        at = pe_child_of(c, at, seg, (size_t)(se - seg));
        if (at < 0 || !dot) return at;
        seg = dot + 1;
    }
}

static void pe_compile(pe_config *c) {
    c->tree.nnodes = 0;
    pe_new_node(c, "", 0);
    c->fast = strcmp(c->path, "@row") != 0;
#ifdef PE_FORCE_SLOW
    c->fast = 0;   /* the reference behaviour, for equivalence checks */
#endif
    if (!c->fast) return;
    c->base_node = pe_add_path(c, 0, c->path, strlen(c->path));
    if (c->base_node < 0) c->fast = 0;
    for (int i = 0; i < c->nfields && c->fast; i++) {
        const pe_field *f = &c->fields[i];
        c->field_node[i] = pe_add_path(c, f->from_root ? 0 : c->base_node, f->path, f->path_len);
        if (c->field_node[i] < 0) c->fast = 0;
    }
    /* The envelope's nodes: "payload" shares the event's children. */
    c->env_node = pe_new_node(c, "", 0);
    c->env_payload = pe_new_node(c, "payload", 7);
    c->env_schema = pe_new_node(c, "schema", 6);
    if (c->env_schema < 0) c->fast = 0;
    if (!c->fast) return;
    c->tree.nodes[c->env_node].first_child = c->env_payload;
    c->tree.nodes[c->env_payload].next_sibling = c->env_schema;
    c->tree.nodes[c->env_payload].first_child = c->tree.nodes[0].first_child;
    /* Picking follows JSON_PICK_DEPTH levels below a walked container
     * (the message, or a string's document): deeper trees take the slow path. */
    for (int i = 0; i < c->tree.nnodes; i++)
        if (c->depth[i] + 1 >= JSON_PICK_DEPTH) c->fast = 0;
    if (json_pick_index(&c->tree) < 0) c->fast = 0;
}

/* ------------------------------------------------------------ fast path */

/* One pass over the message.  1 = every field found (values in picks[]),
 * 0 = answer this row with the slow path. */
static int pe_fast(pe_config *c, const char *msg, size_t len, arena *a) {
    json_value root;
    json_error je;
    for (int i = 0; i < c->tree.nnodes; i++) {
        c->picks[i].count = 0;
        c->picks[i].val.type = JSON_NONE;
        c->picks[i].text = NULL;
        c->inner[i] = 0;
    }
    if (json_open(msg, len, &root, &je) < 0 || root.type != JSON_OBJECT) return 0;
    /* Envelope or bare event: the first key decides, as in dbz_envelope. */
    const char *k = root.start + 1;
    while (k < root.limit && (*k == ' ' || *k == '\n' || *k == '\r' || *k == '\t')) k++;
    int env = (size_t)(root.limit - k) > 9 && (!memcmp(k, "\"schema\"", 8) || !memcmp(k, "\"payload\"", 9));
    if (!env && k < root.limit && *k == '"') {
        /* an escaped first key ("\u0073chema") is judged by the slow path */
        const char *q = k + 1;
        while (q < root.limit && *q != '"' && *q != '\\') q++;
        if (q < root.limit && *q == '\\') return 0;
    }
    if (env) {
        int others = 0;
        if (json_finish_pick(&root, &c->tree, c->env_node, c->picks, &others, a, &je) < 0) return 0;
        const json_pick *pl = &c->picks[c->env_payload];
        if (others || pl->count != 1 || pl->val.type != JSON_OBJECT) return 0;
        c->picks[0] = *pl;
    } else {
        if (json_finish_pick(&root, &c->tree, 0, c->picks, NULL, a, &je) < 0) return 0;
        c->picks[0].val = root;
        c->picks[0].count = 1;
    }
    if (json_close(&root, &je) < 0) return 0;   /* walked: only the trailing bytes are checked */
    /* JSON held in strings, where paths go on below them: a node's subtree
     * has higher indices than the node, so one forward sweep also handles
     * strings inside strings. */
    for (int i = 1; i < c->env_node; i++) {
        json_pick *pk = &c->picks[i];
        if (!pk->count || c->tree.nodes[i].first_child < 0 || pk->val.type == JSON_OBJECT) continue;
        if (pk->val.type != JSON_STRING) return 0;          /* a step into an array, a scalar, null */
        const char *s = pk->text;
        size_t n = pk->text_len;
        json_value inner;
        if ((!s && json_string(&pk->val, a, &s, &n, &je) < 0) || json_open(s, n, &inner, &je) < 0 ||
            inner.type != JSON_OBJECT || json_finish_pick(&inner, &c->tree, i, c->picks, NULL, a, &je) < 0)
            return 0;
        c->inner[i] = 1;
    }
    const json_pick *base = &c->picks[c->base_node];
    if (!base->count || (base->val.type != JSON_OBJECT && !c->inner[c->base_node])) return 0;
    for (int i = 0; i < c->nfields; i++)
        if (!c->picks[c->field_node[i]].count) return 0;
    return 1;
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
    if (dbz_row_object(event, base, &op, &je) < 0) {
        snprintf(err, cap, "invalid JSON: %s", je.msg ? je.msg : "malformed");
        return -1;
    }
    /* A row change must carry its image (a delete under REPLICA IDENTITY
     * NOTHING has none): reported, as debezium_unwrap does. */
    if (base->type != JSON_OBJECT && op && strchr("crud", op)) {
        snprintf(err, cap, "op '%c' event without a \"%s\" object", op, op == 'd' ? "before" : "after");
        base->type = JSON_NONE;
        return -1;
    }
    return 0;
}

/* op 'd' or 't': a change event that carries no after image. */
static int pe_is_delete(json_value *event) {
    json_value op;
    json_error je = {0, 0};
    if (json_find(event, "op", 2, &op, &je) != JSON_FOUND || op.type != JSON_STRING || json_raw_len(&op) != 3) return 0;
    return op.start[1] == 'd' || op.start[1] == 't';
}

/* The step-by-step lookups: every row's exact answer, errors included. */
static void pe_row_slow(pe_config *c, const udf_value *args, res_writer *out, arena *a) {
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
    /* --path naming the outbox payload string: decoded here once, not once
     * per field (a 60 MB payload would otherwise be decoded ten times over,
     * each copy kept until the row ends).  Non-JSON text stays a string, for
     * the field lookups to report as they always have. */
    if (base.type == JSON_STRING) {
        json_value doc;
        json_error de = {0, 0};
        if (json_string_document(&base, a, &doc, &de) == JSON_FOUND) base = doc;
    }
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

static void pe_row(void *self, const udf_value *args, res_writer *out, arena *a) {
    pe_config *c = self;
    if (!c->fast || !pe_fast(c, args[0].s, args[0].n, a)) {
        arena_reset(a);
        return pe_row_slow(c, args, out, a);
    }
    char err[1024];
    err[0] = 0;
    for (int i = 0; i < c->nfields; i++) {
        const char *why;
        if (conv_write(out, &c->types[i], &c->picks[c->field_node[i]].val, a, &why) < 0)
            pe_note(err, sizeof(err), c->fields[i].name, why);
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
