/* debezium.h — recognising and taking apart one Debezium change event.
 *
 * Accepts the JSON converter's two shapes: with the schema envelope
 * ({"schema":…,"payload":{…}}, also {"payload":{…}} alone) and without it
 * (the payload object itself).  One pass over the message collects the
 * members every consumer needs; before/after stay as views so callers can
 * copy them, descend into them, or decode them with the schema.
 *
 * Anything that is not a change event — invalid JSON, a record key,
 * transaction metadata, a heartbeat — is reported with a sentence saying
 * what it is, never silently defaulted.  Tombstones (empty message, `null`,
 * or an envelope whose payload is null) are their own kind: a delete marker
 * with no error. */
#ifndef CDC_DEBEZIUM_H
#define CDC_DEBEZIUM_H

#include <stddef.h>
#include <stdint.h>

#include "arena.h"
#include "json.h"

typedef enum dbz_kind { DBZ_CHANGE, DBZ_TOMBSTONE, DBZ_NOT_CHANGE } dbz_kind;

typedef struct dbz_text { const char *s; size_t n; } dbz_text;

typedef struct dbz_event {
    dbz_kind kind;
    char op;                      /* c u d r t m, or 0 */
    json_value root;              /* the whole message */
    json_value schema;            /* the envelope's schema; type JSON_NONE when absent */
    json_value payload;           /* the change object */
    json_value before, after;     /* JSON_NONE when absent; containers are walked (end known) */
    json_value source;
    dbz_text source_db, source_schema, source_table, snapshot;
    uint64_t source_lsn, source_tx_id;
    int64_t source_ts_ms, ts_ms;
    uint64_t version;             /* grows with the order of changes (see dbz_version) */
    char error[240];              /* empty unless kind == DBZ_NOT_CHANGE or a member was malformed */
} dbz_event;

/* Decode msg.  Always fills *ev; returns ev->kind. */
dbz_kind dbz_decode(const char *msg, size_t n, arena *a, dbz_event *ev);

/* Empty or whitespace only: a Kafka tombstone as the Kafka engine hands it over. */
int dbz_is_blank(const char *s, size_t n);

/* If root is a schema envelope, point *payload at its "payload" member and
 * *schema at its "schema" (JSON_NONE if absent) and return 1; else return 0
 * (-1 on malformed JSON, err filled). */
int dbz_envelope(json_value *root, json_value *payload, json_value *schema, json_error *err);

/* One pass over a change object (bare, or an envelope's payload): *row is
 * the image a ReplacingMergeTree keeps — after, or before for op 'd' —
 * JSON_NONE when absent; *op gets the op letter or 0.  0, or -1 (err). */
int dbz_row_object(json_value *event, json_value *row, char *op, json_error *err);

/* The row image a ReplacingMergeTree should keep: after, or before for a delete. */
const json_value *dbz_row_image(const dbz_event *ev);

#endif
