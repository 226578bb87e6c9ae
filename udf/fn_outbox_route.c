/* fn_outbox_route.c — outbox_route(message String) -> Tuple(topic, key, …, error).
 *
 * Debezium's outbox EventRouter computed in ClickHouse from the raw change
 * topic of the outbox table (outbox.h has the rules).  Configured with
 * Debezium's own property names and defaults, one argv each:
 *   outbox_route --route.by.field=aggregatetype --table.expand.json.payload=true */
#include "outbox.h"
#include "udf.h"

#include <stdio.h>
#include <string.h>

static const char ob_options[] =
    "  --<property>=<value>  one of the EventRouter's properties, Debezium's names and defaults:\n"
    "      table.field.event.id=id  table.field.event.key=aggregateid  table.field.event.type=type\n"
    "      table.field.event.payload=payload  table.field.event.timestamp (unset: the event's ts_ms)\n"
    "      table.field.event.schema.version  table.expand.json.payload=false\n"
    "      table.json.payload.null.behavior=ignore|optional_bytes\n"
    "      table.fields.additional.placement=column:header|envelope|partition[:alias],...\n"
    "      table.fields.additional.error.on.missing=true  table.op.invalid.behavior=warn|error|fatal\n"
    "      route.by.field=aggregatetype  route.topic.regex=(?<routedByValue>.*)\n"
    "      route.topic.replacement=outbox.event.${routedByValue}  route.tombstone.on.empty.payload=false\n";

static const char *const ob_fields[][2] = {
    {"topic", "String"},       {"key", "String"},         {"event_id", "String"},
    {"event_type", "String"},  {"timestamp", "Int64"},    {"payload", "String"},
    {"headers", "Map(String, String)"}, {"partition", "Nullable(Int32)"}, {"is_tombstone", "UInt8"},
    {"skip", "UInt8"},         {"error", "String"},
};

typedef struct ob_state {
    outbox_config cfg;
    outbox_row row;
    int ready;
} ob_state;

static ob_state ob_self;

static int ob_configure(void *self, int argc, char **argv, udf_signature *sig, char *why, size_t cap) {
    ob_state *s = self;
    if (s->ready) {
        outbox_config_free(&s->cfg);
        outbox_row_free(&s->row);
    }
    outbox_config_defaults(&s->cfg);
    outbox_row_init(&s->row);
    s->ready = 1;
    for (int i = 1; i < argc; i++) {
        char *eq = strchr(argv[i], '=');
        if (strncmp(argv[i], "--", 2) || !eq) {
            snprintf(why, cap, "unknown option '%s' (expected --<property>=<value>)", argv[i]);
            return -1;
        }
        *eq = 0;   /* argv outlives the configuration */
        int rc = outbox_config_set(&s->cfg, argv[i] + 2, eq + 1, why, cap);
        *eq = '=';
        if (rc < 0) return -1;
    }
    if (outbox_config_finish(&s->cfg, why, cap) < 0) return -1;
    udf_sig_arg(sig, "message", "String");
    sig->tuple = 1;
    for (size_t i = 0; i < sizeof(ob_fields) / sizeof(ob_fields[0]); i++)
        udf_sig_result(sig, ob_fields[i][0], ob_fields[i][1]);
    return 0;
}

/* A buffer's bytes (an unused buffer has no memory yet). */
static void ob_put(res_writer *out, const buf *b) { res_string(out, b->p ? b->p : "", b->len); }

static void ob_row(void *self, const udf_value *args, res_writer *out, arena *a) {
    ob_state *s = self;
    outbox_row *r = &s->row;
    outbox_route(&s->cfg, args[0].s, args[0].is_null ? 0 : args[0].n, a, r);
    ob_put(out, &r->topic);
    ob_put(out, &r->key);
    ob_put(out, &r->event_id);
    ob_put(out, &r->event_type);
    res_int(out, r->timestamp);
    ob_put(out, &r->value);
    res_map_begin(out);
    for (int i = 0; i < r->nheaders; i++)
        res_map_entry(out, r->headers[i].name, r->headers[i].name_len, r->hvals.p ? r->hvals.p + r->headers[i].off : "",
                      r->headers[i].len);
    res_map_end(out);
    if (r->has_partition) res_int(out, r->partition);
    else res_null(out);
    res_uint(out, (uint64_t)r->is_tombstone);
    res_uint(out, (uint64_t)r->skip);
    res_string(out, r->error, strlen(r->error));
}

const udf_function outbox_route_udf = {
    .name = "outbox_route",
    .summary = "Debezium's outbox EventRouter on one raw change message of the outbox table",
    .options_help = ob_options,
    .configure = ob_configure,
    .row = ob_row,
    .self = &ob_self,
};
