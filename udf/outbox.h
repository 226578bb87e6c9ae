/* outbox.h — Debezium's outbox EventRouter (io.debezium.transforms.outbox,
 * Debezium 3.1) applied to one raw change message of the outbox table: the
 * record the SMT would send, as the bytes Kafka would hold.
 *
 * The rules, in the SMT's order:
 *  - a tombstone and a delete are dropped (skip); an update is dropped too,
 *    with an error text under table.op.invalid.behavior=error, and fails
 *    the record under =fatal; creates and snapshot reads are events;
 *  - the event's "after" row gives: the record key (column
 *    table.field.event.key, as the JSON converter writes its value), the
 *    header "id" (table.field.event.id), the value (column
 *    table.field.event.payload; expanded from a JSON string under
 *    table.expand.json.payload, jsonexpand.h), the timestamp (column
 *    table.field.event.timestamp read by its Debezium time type, else the
 *    event's ts_ms), and the topic: column route.by.field renamed by
 *    route.topic.regex / route.topic.replacement (javaregex.h);
 *  - table.fields.additional.placement puts more columns in headers, in an
 *    envelope around the payload ({"payload":…,"alias":…}: then the value
 *    is that struct), or sets the partition;
 *  - route.tombstone.on.empty.payload turns a null or blank payload into a
 *    tombstone (no value).
 * Where Connect or the producer would fail the record (a missing column, a
 * topic Kafka refuses, a negative timestamp, a payload that does not fit
 * its inferred schema), the row is an error with the reason.  A message
 * that is not a change event at all (a heartbeat) is an error too: the SMT
 * passes such records on unchanged, to their own topic.
 *
 * With the schema envelope, column types come from the schema (a Decimal's
 * header text, the timestamp's unit, the checks of getString and getInt32);
 * without it, from the JSON values (the timestamp column's number is read by
 * its magnitude: ms between 10^11 and 10^14, ns from 10^17, else µs).
 * No I/O here: fn_outbox_route.c reads rows and writes the answer. */
#ifndef CDC_OUTBOX_H
#define CDC_OUTBOX_H

#include <stddef.h>
#include <stdint.h>

#include "arena.h"
#include "buf.h"
#include "javaregex.h"
#include "jsonexpand.h"

#define OB_MAX_EXTRAS 64

typedef enum ob_placement { OB_HEADER, OB_ENVELOPE, OB_PARTITION } ob_placement;
typedef enum ob_invalid { OB_WARN, OB_ERROR, OB_FATAL } ob_invalid;

typedef struct ob_extra {
    const char *field, *alias;
    ob_placement place;
} ob_extra;

typedef struct outbox_config {
    /* Debezium's property values (pointers the caller keeps alive). */
    const char *field_id, *field_key, *field_type, *field_payload;
    const char *field_timestamp;        /* NULL: the event's ts_ms */
    const char *field_schema_version;   /* NULL: unset */
    const char *route_by_field, *topic_regex, *topic_replacement;
    int expand_json, nulls_as_bytes, tombstone_on_empty, error_on_missing;
    ob_invalid invalid_op;
    ob_extra extras[OB_MAX_EXTRAS];
    int nextras;
    /* Derived by outbox_config_finish. */
    int only_headers;                   /* no envelope placement: the value is the payload itself */
    jre *regex;
    char *placement_copy;               /* the extras' strings */
} outbox_config;

/* Debezium's defaults. */
void outbox_config_defaults(outbox_config *c);
/* One property, by Debezium's name.  Returns 0, or -1 with `why` (unknown
 * property, invalid value). */
int outbox_config_set(outbox_config *c, const char *name, const char *value, char *why, size_t cap);
/* After the last property: compiles the regex.  Returns 0 or -1 (why). */
int outbox_config_finish(outbox_config *c, char *why, size_t cap);
void outbox_config_free(outbox_config *c);

typedef struct ob_header {
    const char *name;
    size_t name_len;
    size_t off, len;      /* the value's bytes in outbox_row.hvals */
    int is_null;
} ob_header;

/* One row's answer; the buffers are kept between rows. */
typedef struct outbox_row {
    buf topic, key, value, event_id, event_type, hvals;
    int64_t timestamp;
    ob_header headers[OB_MAX_EXTRAS + 1];
    int nheaders;
    int has_partition;
    int32_t partition;
    int is_tombstone, skip;
    char error[320];
    /* scratch */
    buf payload;
    jx_ctx jx;
} outbox_row;

void outbox_row_init(outbox_row *r);
void outbox_row_free(outbox_row *r);

/* Route one raw message (the Kafka value of the outbox table's topic; empty
 * for a tombstone).  Always fills r: an error row has every field at its
 * default and the reason in r->error. */
void outbox_route(const outbox_config *c, const char *msg, size_t n, arena *a, outbox_row *r);

#endif
