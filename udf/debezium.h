/* debezium.h — recognising and taking apart one Debezium change event.
 *
 * Accepts the JSON converter's two shapes: with the schema envelope
 * ({"schema":…,"payload":{…}}, also {"payload":{…}} alone) and without it
 * (the payload object itself).  One pass over the message collects the
 * members every consumer needs; before/after stay as views so callers can
 * copy them, descend into them, or decode them with the schema.
 *
 * The envelope rule, the one every function follows (debezium_unwrap's
 * columns, payload_extract's paths and its one-pass fast path): a message
 * is an envelope when its top-level object has a "payload" member that is
 * an object or null, no "op" and no "ts_ms" member, and no member a change
 * event or an envelope does not have (the known ones: schema, payload,
 * before, after, source, op, ts_ms, status, id).  Its event is then the
 * payload; otherwise the event is the message itself.  So
 * {"schema":{},"payload":{"op":"c",…},"source":{}} is an envelope holding
 * a create, and {"payload":{…},"x":1} is a bare object.
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
    json_value payload;           /* the event: the envelope's payload, else the message itself */
    json_value before, after;     /* JSON_NONE when absent; containers are walked (end known) */
    json_value source;
    dbz_text source_db, source_schema, source_table, snapshot;
    uint64_t source_lsn, source_tx_id;
    int64_t source_ts_ms, ts_ms;
    uint64_t version;             /* grows with the order of changes (see dbz_version) */
    int invalid;                  /* the message is not valid JSON (error says where) */
    char error[240];              /* empty unless kind == DBZ_NOT_CHANGE or a member was malformed */
} dbz_event;

/* Decode msg.  Always fills *ev; returns ev->kind. */
dbz_kind dbz_decode(const char *msg, size_t n, arena *a, dbz_event *ev);

/* An op that must carry an image without it (c, r, u without an "after"
 * object, d without a "before" one): 1 with the sentence in `why`, else 0. */
int dbz_missing_image(const dbz_event *ev, char *why, size_t cap);

/* op 'd' or 't': a change that has no after image by nature. */
int dbz_is_delete(const dbz_event *ev);

/* The row image a ReplacingMergeTree should keep: after, or before for a delete. */
const json_value *dbz_row_image(const dbz_event *ev);

#endif
