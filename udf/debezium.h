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
 * with no error.
 *
 * Logical decoding messages (op "m", PostgreSQL's pg_logical_emit_message)
 * are decoded as Debezium's DecodeLogicalDecodingMessageContent SMT does,
 * so every function sees the record that SMT emits: op "c"; `after` the
 * message's content — base64 in the JSON, decoded, parsed as JSON and put
 * through JsonSchemaData and the JSON converter (jsonexpand.h: null
 * members dropped unless fields.null.include); the "message" block, and
 * with it the prefix, gone (the SMT also nulls the record key, which held
 * the prefix); every other member (ts_ms, source, transaction) as it was.
 * `payload` is then that record's value, `root` still the message as it
 * came.  Transactional and non-transactional messages are decoded alike
 * (the latter have no txId).  Where the SMT throws — content that is not
 * base64, does not start with '{' or '[', is not a JSON object Connect can
 * hold, or is missing; with the schema envelope, content that is not of
 * type bytes (binary.handling.mode other than bytes) — the event stays op
 * "m" without a row image, and `error` says why.  With the envelope, a
 * value schema not named io.debezium.connector.postgresql.MessageValue is
 * left alone, as the SMT leaves it. */
#ifndef CDC_DEBEZIUM_H
#define CDC_DEBEZIUM_H

#include <stddef.h>
#include <stdint.h>

#include "arena.h"
#include "json.h"

typedef enum dbz_kind { DBZ_CHANGE, DBZ_TOMBSTONE, DBZ_NOT_CHANGE } dbz_kind;

typedef struct dbz_text { const char *s; size_t n; } dbz_text;

/* Debezium SMT properties that change how an event is decoded. */
typedef struct dbz_options {
    int fields_null_include;      /* DecodeLogicalDecodingMessageContent fields.null.include (false) */
} dbz_options;

typedef struct dbz_event {
    dbz_kind kind;
    char op;                      /* c u d r t m, or 0 */
    json_value root;              /* the whole message */
    json_value schema;            /* the envelope's schema; type JSON_NONE when absent */
    json_value payload;           /* the event: the envelope's payload, else the message itself */
    json_value before, after;     /* JSON_NONE when absent; containers are walked (end known) */
    json_value source;
    json_value message;           /* op "m": the raw "message" block; JSON_NONE when absent */
    int decoded_message;          /* op "m" decoded to "c": after is the content, not described by the schema */
    dbz_text source_db, source_schema, source_table, snapshot;
    uint64_t source_lsn, source_tx_id;
    int64_t source_ts_ms, ts_ms;
    uint64_t version;             /* grows with the order of changes (see dbz_version) */
    int invalid;                  /* the message is not valid JSON (error says where) */
    char error[240];              /* empty unless kind == DBZ_NOT_CHANGE or a member was malformed */
} dbz_event;

/* Decode msg.  Always fills *ev; returns ev->kind.  dbz_decode_with takes
 * the SMT properties (NULL: Debezium's defaults). */
dbz_kind dbz_decode(const char *msg, size_t n, arena *a, dbz_event *ev);
dbz_kind dbz_decode_with(const char *msg, size_t n, arena *a, dbz_event *ev, const dbz_options *o);

/* Parses one --<property>=<value> argument of dbz_options into *o: 1 when
 * arg is one (0 when it is not), -1 with why for a bad value. */
int dbz_option(const char *arg, dbz_options *o, char *why, size_t cap);
/* The --help lines of those options. */
#define DBZ_OPTIONS_HELP                                                                     \
    "  --fields.null.include=true|false\n"                                                   \
    "                      DecodeLogicalDecodingMessageContent's property: keep the null\n" \
    "                      members of a logical decoding message's content (default\n"     \
    "                      false: dropped, as the SMT drops them)\n"

/* An event that must carry an image without it (c, r, u without an
 * "after" object, d without a "before" one, an "m" that was not decoded):
 * 1 with the sentence in `why` (which must not be ev->error), else 0. */
int dbz_missing_image(const dbz_event *ev, char *why, size_t cap);

/* ExtractChangedRecordState: the names of the columns an update changed
 * and left unchanged, for an event that has both a "before" and an "after"
 * object (an update with a full before image: PostgreSQL's REPLICA
 * IDENTITY FULL, MySQL) — otherwise all three lists are empty, as the SMT's
 * headers are.  Like the SMT: the columns are after's, in after's order;
 * each is compared with before's column of that name (absent is null), and
 * equal values (the same JSON, whitespace aside: the converter writes equal
 * values alike) are unchanged.  Unlike the SMT, which compares the TOAST
 * placeholder like any value (and so calls such a column changed), a
 * column holding DBZT_UNAVAILABLE in before or after, in any form
 * (dbz_types.h), is in `unavailable` only: its new value is unknown, and
 * a replica must keep the one it has.  Names are decoded, in the arena. */
typedef struct dbz_names {
    dbz_text *name;
    size_t n, cap;
} dbz_names;

typedef struct dbz_changes {
    dbz_names changed, unchanged, unavailable;
} dbz_changes;

/* Fills *c (empty lists when the event has not both images).  Returns 0,
 * or -1 when an image is malformed (cannot be: dbz_decode walked both). */
int dbz_changed_fields(const dbz_event *ev, arena *a, dbz_changes *c);
/* The SMT's own two lists, the ones its headers carry: the placeholder
 * compared like any value (`unavailable` stays empty). */
int dbz_changed_fields_smt(const dbz_event *ev, arena *a, dbz_changes *c);

/* op 'd' or 't': a change that has no after image by nature. */
int dbz_is_delete(const dbz_event *ev);

/* The row image a ReplacingMergeTree should keep: after, or before for a delete. */
const json_value *dbz_row_image(const dbz_event *ev);

#endif
