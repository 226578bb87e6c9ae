/* fn_debezium_ddl.c — debezium_ddl(key String, message String)
 *   -> Tuple(create_table String, create_view String, columns String, error String).
 *
 * The SQL of a typed replica of the message's table (ddl.h): run
 * create_table, then create_view, and the Kafka table's messages land in
 * typed columns through debezium_typed.  The options say where the tables
 * go and how the two optional mappings are made (DDL_OPTIONS_HELP). */
#include "ddl.h"
#include "udf.h"

#include <stdio.h>
#include <string.h>

typedef struct ddl_state {
    ddl_options opts;
    ddl_result res;
} ddl_state;

static int ddlfn_configure(void *self, int argc, char **argv, udf_signature *sig, char *why, size_t cap) {
    ddl_state *st = self;
    ddl_options_init(&st->opts);
    ddl_result_init(&st->res);
    for (int i = 1; i < argc; i++) {
        int rc = ddl_option(argv[i], &st->opts, why, cap);
        if (rc < 0) return -1;
        if (rc == 0) {
            snprintf(why, cap, "unknown option '%s'", argv[i]);
            return -1;
        }
    }
    udf_sig_arg(sig, "key", "String");
    udf_sig_arg(sig, "message", "String");
    sig->tuple = 1;
    udf_sig_result(sig, "create_table", "String");
    udf_sig_result(sig, "create_view", "String");
    udf_sig_result(sig, "columns", "String");
    udf_sig_result(sig, "error", "String");
    return 0;
}

static void ddlfn_text(res_writer *out, const buf *b) { res_string(out, b->len ? b->p : "", b->len); }

static void ddlfn_row(void *self, const udf_value *args, res_writer *out, arena *a) {
    ddl_state *st = self;
    ddl_result *r = &st->res;
    ddl_generate(&st->opts, args[0].s, args[0].n, args[1].s, args[1].n, a, r);
    ddlfn_text(out, &r->create_table);
    ddlfn_text(out, &r->create_view);
    ddlfn_text(out, &r->columns);
    res_string(out, r->error, strlen(r->error));
}

static ddl_state ddlfn_state;

const udf_function debezium_ddl_udf = {
    .name = "debezium_ddl",
    .summary = "the CREATE statements of a typed replica of a Debezium message's table, and its views",
    .options_help = DDL_OPTIONS_HELP,
    .configure = ddlfn_configure,
    .row = ddlfn_row,
    .self = &ddlfn_state,
};
