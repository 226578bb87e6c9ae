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
 * Debezium row image: `after`, or `before` for a delete.  How a row is
 * answered, in one pass when possible, is extract.h's business. */
#include "debezium.h"
#include "extract.h"
#include "udf.h"

#include <stdio.h>
#include <string.h>

static const char pe_options[] =
    "  --path P            dot-separated path to the object the fields are read from\n"
    "                      (e.g. after.payload; JSON held in a string is descended into);\n"
    "                      @row = the Debezium row image (after, or before for a delete)\n"
    "  --field NAME:TYPE[=PATH]\n"
    "                      one result column (repeat).  TYPE: String, Int8-64, UInt8-64,\n"
    "                      Float32/64, Bool, Date, Date32, DateTime64(P), Nullable of one,\n"
    "                      Array(String) (a JSON array) or Map(String, String) (an object).\n"
    "                      PATH defaults to NAME, relative to --path; \"$.x\" reads x from the event\n"
    DBZ_OPTIONS_HELP;

/* NAME:TYPE[=PATH] -> signature entry and field.  The '=' is searched after
 * the type's closing parenthesis so "DateTime64(6, 'UTC')" stays whole. */
static int pe_parse_field(ex_plan *p, udf_signature *sig, char *spec, char *why, size_t cap) {
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
    ex_field *f = &p->fields[p->nfields++];
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
    ex_plan *p = self;
    int lookups_only = p->lookups_only;   /* the one setting made before configure */
    memset(p, 0, sizeof(*p));
    p->lookups_only = lookups_only;
    udf_sig_arg(sig, "message", "String");
    sig->tuple = 1;
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        char *val = NULL;
        if ((!strcmp(a, "--path") || !strcmp(a, "--field")) && i + 1 < argc) val = argv[++i];
        else if (!strncmp(a, "--path=", 7)) val = argv[i] + 7, a = "--path";
        else if (!strncmp(a, "--field=", 8)) val = argv[i] + 8, a = "--field";
        int smt = val ? 0 : dbz_option(a, &p->dbz, why, cap);
        if (smt < 0) return -1;
        if (smt) continue;
        if (!val) {
            snprintf(why, cap, "unknown option '%s'", argv[i]);
            return -1;
        }
        if (!strcmp(a, "--path")) {
            p->path = val;
        } else {
            if (p->nfields == EX_MAX_FIELDS) {
                snprintf(why, cap, "too many --field options (at most %d)", EX_MAX_FIELDS);
                return -1;
            }
            if (pe_parse_field(p, sig, val, why, cap) < 0) return -1;
        }
    }
    if (!p->path) p->path = "";
    udf_sig_result(sig, "error", "String");
    p->types = sig->results;
    ex_compile(p);
    return 0;
}

static void pe_row(void *self, const udf_value *args, res_writer *out, arena *a) {
    ex_row(self, args[0].s, args[0].n, out, a);
}

static ex_plan pe_plan;

const udf_function payload_extract_udf = {
    .name = "payload_extract",
    .summary = "typed extraction of the fields named on the command line, in one pass",
    .options_help = pe_options,
    .configure = pe_configure,
    .row = pe_row,
    .self = &pe_plan,
};
