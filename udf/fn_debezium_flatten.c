/* fn_debezium_flatten.c — debezium_flatten(message String) -> Tuple(value, headers, topic, is_tombstone, skip, error).
 *
 * Debezium's ExtractNewRecordState applied in ClickHouse to the raw change
 * topic: configured with the SMT's own properties, one argv each
 * (`--delete.tombstone.handling.mode=rewrite --add.fields=op,source.ts_ms`),
 * Debezium's defaults otherwise.  The rules are flatten.h's. */
#include "flatten.h"
#include "udf.h"

#include <stdio.h>
#include <string.h>

static const char flatten_options[] =
    "  --PROPERTY=VALUE    one of ExtractNewRecordState's properties, Debezium's defaults otherwise:\n"
    "                      delete.tombstone.handling.mode, delete.handling.mode, drop.tombstones,\n"
    "                      route.by.field, add.fields, add.fields.prefix, add.headers, add.headers.prefix,\n"
    "                      drop.fields.header.name, drop.fields.from.key, drop.fields.keep.schema.compatible,\n"
    "                      replace.null.with.default; and ExtractChangedRecordState's header.changed.name,\n"
    "                      header.unchanged.name (that SMT run first, feeding drop.fields.header.name)\n";

typedef struct flatten_state {
    flat_config cfg;
    flat_result res;
} flatten_state;

static int flatten_configure(void *self, int argc, char **argv, udf_signature *sig, char *why, size_t cap) {
    flatten_state *st = self;
    flat_config_free(&st->cfg);   /* configured before (tests do): its memory goes */
    flat_result_free(&st->res);
    flat_config_init(&st->cfg);
    flat_result_init(&st->res);
    for (int i = 1; i < argc; i++) {
        char *eq = strchr(argv[i], '=');
        if (strncmp(argv[i], "--", 2) != 0 || !eq) {
            snprintf(why, cap, "unknown option '%s' (expected --PROPERTY=VALUE)", argv[i]);
            return -1;
        }
        *eq = 0;
        if (flat_config_set(&st->cfg, argv[i] + 2, eq + 1, why, cap) < 0) return -1;
    }
    if (flat_config_finish(&st->cfg, why, cap) < 0) return -1;
    udf_sig_arg(sig, "message", "String");
    sig->tuple = 1;
    udf_sig_result(sig, "value", "String");
    udf_sig_result(sig, "headers", "Map(String, String)");
    udf_sig_result(sig, "topic", "String");
    udf_sig_result(sig, "is_tombstone", "UInt8");
    udf_sig_result(sig, "skip", "UInt8");
    udf_sig_result(sig, "error", "String");
    return 0;
}

static void flatten_row(void *self, const udf_value *args, res_writer *out, arena *a) {
    flatten_state *st = self;
    flat_result *r = &st->res;
    flat_apply(&st->cfg, args[0].s, args[0].n, a, r);
    const char *hv = r->hvalues.p ? r->hvalues.p : "";   /* nothing written yet: no buffer either */
    res_string(out, r->value.p ? r->value.p : "", r->value.len);
    res_map_begin(out);
    for (int i = 0; i < r->nheaders; i++) {
        const flat_header *h = &r->headers[i];
        res_map_entry(out, h->name, strlen(h->name), hv + h->off, h->len);
    }
    res_map_end(out);
    res_string(out, r->topic, r->topic_len);
    res_uint(out, (uint64_t)r->is_tombstone);
    res_uint(out, (uint64_t)r->skip);
    res_string(out, r->error, strlen(r->error));
}

static flatten_state flatten_self;

const udf_function debezium_flatten_udf = {
    .name = "debezium_flatten",
    .summary = "Debezium's ExtractNewRecordState applied to one raw change message: the record the SMT would write",
    .options_help = flatten_options,
    .configure = flatten_configure,
    .row = flatten_row,
    .self = &flatten_self,
};
