/* flatten.h — Debezium's ExtractNewRecordState (3.1) applied to one raw
 * change message: the record the SMT would put on the topic.
 *
 * The input is what a connector without the SMT wrote (the JSON converter,
 * with or without the schema envelope); the answer is what the same
 * connector with the SMT would have written instead, under the JSON
 * converter with schemas.enable=false and the default header converter:
 *
 *   value         the record value's bytes: the `after` image (`before` for
 *                 a rewritten delete) member by member as the converter
 *                 writes them, then `__deleted` ("true"/"false", in the
 *                 rewrite modes), then add.fields in their order.  A value
 *                 the SMT makes null is the 4 bytes `null` (the record keeps
 *                 the image's schema, so the converter writes JSON null); a
 *                 tombstone the SMT passes on is no bytes.
 *   is_tombstone  the record's value is null (either of the two above).
 *   headers       the headers the SMT adds, in order (name, bytes; a null
 *                 header value is no bytes).  The raw record's own headers
 *                 are not in the message, so they are not here.
 *   topic         route.by.field's value, or empty: the topic is kept.
 *   skip          the SMT drops the record.
 *   error         why there is no answer: the SMT would fail on this record
 *                 (a missing route.by.field column, a name given twice, …)
 *                 or the message is not JSON.  Value and headers are then empty.
 *
 * What is an envelope is debezium.h's rule (ops c u d r t; with the schema
 * envelope, also a schema name ending in ".Envelope", as SmtManager checks).
 * The SMT passes every other record on unchanged — heartbeats, transaction
 * metadata, logical decoding messages (op m): their value is the message's
 * payload as the converter writes it, with no header added.  Truncates
 * (no before, no after) are dropped, as the SMT drops them.
 *
 * Which fields exist: with the schema envelope, the schema says (a field in
 * the schema but null in the value is added as null).  Without it, the JSON
 * converter wrote every field of the schema, so a member present is a field
 * and an absent one is not — except below a null struct (a snapshot's
 * `transaction`), whose fields cannot be seen and are taken to exist: they
 * are added as null, as Debezium adds transaction.id on a snapshot record.
 *
 * drop.fields.header.name needs a header holding field names; the raw
 * message has none, so the header comes from ExtractChangedRecordState run
 * before this SMT in the same chain, configured with its own properties
 * header.changed.name / header.unchanged.name (the documented pairing: drop
 * the unchanged columns of an update).  Those headers are then also in
 * `headers`, before the SMT's own.  drop.fields.keep.schema.compatible
 * (the default) drops only optional fields, which only the schema envelope
 * says: without it such a row is an error. */
#ifndef CDC_FLATTEN_H
#define CDC_FLATTEN_H

#include <stddef.h>

#include "arena.h"
#include "buf.h"

#define FLAT_MAX_REFS 32
#define FLAT_MAX_HEADERS (FLAT_MAX_REFS + 2)

typedef enum flat_delete { FLAT_DELETE_DROP, FLAT_DELETE_NULL, FLAT_DELETE_REWRITE } flat_delete;

/* One entry of add.fields / add.headers: "[struct.]field[:newname]". */
typedef struct flat_ref {
    const char *strct;          /* the struct hosting the field ("source", "transaction", …), or NULL for op, ts_* */
    const char *field;
    const char *name;           /* the added field's or header's name, prefix included */
} flat_ref;

typedef struct flat_config {
    /* The properties as given, NULL when not (Debezium's names and defaults,
     * see flatten.c's table); set with flat_config_set. */
    const char *prop[16];
    /* Resolved by flat_config_finish. */
    int keep_tombstones;        /* the connector's tombstones are passed on */
    flat_delete on_delete;
    int rewrite;                /* __deleted is added */
    flat_ref fields[FLAT_MAX_REFS], headers[FLAT_MAX_REFS];
    int nfields, nheaders;
    const char *route_by_field;            /* NULL: keep the topic */
    const char *drop_header;               /* drop.fields.header.name, NULL when unset */
    int keep_schema_compatible;
    const char *changed_header, *unchanged_header;   /* ExtractChangedRecordState's headers, NULL when unset */
    arena mem;                  /* the resolved names */
} flat_config;

/* Clears the configuration (every property at its default). */
void flat_config_init(flat_config *c);
void flat_config_free(flat_config *c);
/* One property: 0, or -1 with the reason (unknown property) in `why`. */
int flat_config_set(flat_config *c, const char *name, const char *value, char *why, size_t cap);
/* Checks the values and resolves them, as the SMT's configure() does: 0,
 * or -1 with the reason (a bad enum or boolean, a malformed field list). */
int flat_config_finish(flat_config *c, char *why, size_t cap);
/* The property names, NULL-terminated (for --help). */
extern const char *const flat_properties[];

typedef struct flat_header {
    const char *name;           /* lives in the configuration */
    size_t off, len;            /* the value's bytes in flat_result.hvalues */
    int is_null;
} flat_header;

typedef struct flat_result {
    buf value;
    buf hvalues;
    buf scratch;                /* working bytes (a name looked up in a list header) */
    flat_header headers[FLAT_MAX_HEADERS];
    int nheaders;
    const char *topic;          /* empty: the topic is kept */
    size_t topic_len;
    int is_tombstone, skip;
    char error[256];
} flat_result;

void flat_result_init(flat_result *r);
void flat_result_free(flat_result *r);

/* Applies the SMT to one message; fills *r (cleared first).  Memory for
 * the topic and decoded strings comes from `a`. */
void flat_apply(const flat_config *c, const char *msg, size_t n, arena *a, flat_result *r);

#endif
