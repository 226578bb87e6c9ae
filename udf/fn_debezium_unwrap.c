/* fn_debezium_unwrap.c — debezium_unwrap(message String) -> Tuple(op, row, …, error).
 *
 * One Debezium change event in, one flat row out: what a ReplacingMergeTree
 * needs (row image, version, is_deleted) plus the source coordinates, and
 * the columns an update changed, left alone or could not tell (TOAST),
 * as ExtractChangedRecordState sees them.  With the schema envelope, the
 * images carry decoded values (exact decimals, calendar dates and times)
 * instead of Debezium's wire encodings.  A logical decoding message is the
 * record DecodeLogicalDecodingMessageContent makes of it (debezium.h). */
#include "dbz_types.h"
#include "debezium.h"
#include "udf.h"

#include <stdio.h>
#include <string.h>

static const char *const unwrap_fields[][2] = {
    {"op", "String"},           {"row", "String"},          {"before", "String"},
    {"after", "String"},        {"is_deleted", "UInt8"},    {"version", "UInt64"},
    {"source_db", "String"},    {"source_schema", "String"}, {"source_table", "String"},
    {"source_lsn", "UInt64"},   {"source_tx_id", "UInt64"}, {"source_ts_ms", "Int64"},
    {"snapshot", "String"},     {"ts_ms", "Int64"},         {"changed", "Array(String)"},
    {"unchanged", "Array(String)"}, {"unavailable", "Array(String)"}, {"error", "String"},
};

static int unwrap_configure(void *self, int argc, char **argv, udf_signature *sig, char *why, size_t cap) {
    dbz_options *o = self;
    memset(o, 0, sizeof(*o));
    for (int i = 1; i < argc; i++) {
        int rc = dbz_option(argv[i], o, why, cap);
        if (rc < 0) return -1;
        if (rc == 0) {
            snprintf(why, cap, "unknown option '%s'", argv[i]);
            return -1;
        }
    }
    udf_sig_arg(sig, "message", "String");
    sig->tuple = 1;
    for (size_t i = 0; i < sizeof(unwrap_fields) / sizeof(unwrap_fields[0]); i++)
        udf_sig_result(sig, unwrap_fields[i][0], unwrap_fields[i][1]);
    return 0;
}

/* An object's JSON text, or '' when the image is absent or null. */
static void unwrap_json(res_writer *out, const json_value *v) {
    if (v->type == JSON_OBJECT && v->end) res_string(out, v->start, json_raw_len(v));
    else res_string(out, "", 0);
}

static void unwrap_text(res_writer *out, const dbz_text *t) {
    res_string(out, t->s ? t->s : "", t->s ? t->n : 0);
}

/* op, row, before, after: with the schema envelope, images with their
 * logical types decoded (dbz_types.h); else the images' own JSON text. */
static void unwrap_images(dbz_event *ev, res_writer *out, arena *a) {
    const char *before = NULL, *after = NULL;
    size_t before_n = 0, after_n = 0;
    int decoded = 0;
    if (ev->kind == DBZ_CHANGE && ev->schema.type == JSON_OBJECT && !ev->decoded_message) {
        const dbzt_table *tb, *ta;
        char why[sizeof(ev->error)];
        decoded = dbzt_tables(&ev->schema, a, &tb, &ta, why, sizeof(why)) == 0 &&
                  dbzt_decode(tb, &ev->before, a, &before, &before_n, why, sizeof(why)) == 0 &&
                  dbzt_decode(ta, &ev->after, a, &after, &after_n, why, sizeof(why)) == 0;
        if (!decoded && !ev->error[0]) snprintf(ev->error, sizeof(ev->error), "%s", why);
    }
    res_string(out, &ev->op, ev->op ? 1 : 0);
    if (!decoded) {
        unwrap_json(out, dbz_row_image(ev));
        unwrap_json(out, &ev->before);
        unwrap_json(out, &ev->after);
        return;
    }
    if (ev->op == 'd') res_string(out, before, before_n);
    else res_string(out, after, after_n);
    res_string(out, before, before_n);
    res_string(out, after, after_n);
}

static void unwrap_names(res_writer *out, const dbz_names *l) {
    res_array_begin(out);
    for (size_t i = 0; i < l->n; i++) res_array_string(out, l->name[i].s, l->name[i].n);
    res_array_end(out);
}

static void unwrap_row(void *self, const udf_value *args, res_writer *out, arena *a) {
    dbz_event ev;
    if (dbz_decode_with(args[0].s, args[0].n, a, &ev, self) != DBZ_CHANGE) {
        /* Not a change: every column at its default, only the reason kept. */
        dbz_kind kind = ev.kind;
        char error[sizeof(ev.error)];
        memcpy(error, ev.error, sizeof(error));
        memset(&ev, 0, sizeof(ev));
        ev.kind = kind;
        memcpy(ev.error, error, sizeof(error));
    }
    unwrap_images(&ev, out, a);
    res_uint(out, ev.kind == DBZ_TOMBSTONE || ev.op == 'd');
    res_uint(out, ev.version);
    unwrap_text(out, &ev.source_db);
    unwrap_text(out, &ev.source_schema);
    unwrap_text(out, &ev.source_table);
    res_uint(out, ev.source_lsn);
    res_uint(out, ev.source_tx_id);
    res_int(out, ev.source_ts_ms);
    unwrap_text(out, &ev.snapshot);
    res_int(out, ev.ts_ms);
    dbz_changes ch;
    dbz_changed_fields(&ev, a, &ch);   /* both images were walked by dbz_decode: cannot fail */
    unwrap_names(out, &ch.changed);
    unwrap_names(out, &ch.unchanged);
    unwrap_names(out, &ch.unavailable);
    res_string(out, ev.error, strlen(ev.error));
}

static dbz_options unwrap_options;

const udf_function debezium_unwrap_udf = {
    .name = "debezium_unwrap",
    .summary = "decode one Debezium change event (with or without the schema envelope) into typed columns",
    .options_help = DBZ_OPTIONS_HELP,
    .configure = unwrap_configure,
    .row = unwrap_row,
    .self = &unwrap_options,
};
