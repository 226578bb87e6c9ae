/* dbz_types.h — a Debezium row image with its logical types decoded.
 *
 * With the JSON converter's schema envelope, Debezium writes many columns in
 * an encoding only the schema explains: a numeric is base64 of its unscaled
 * big-endian two's-complement value (the scale sits in the schema), a date is
 * a day count, a time or timestamp an integer of ms/µs/ns.  This module
 * reads the schema of the "before"/"after" structs once per message into a
 * small per-column table, then rewrites an image into a NEW JSON object text
 * in which every such column holds text ClickHouse reads directly:
 *
 *   org.apache.kafka.connect.data.Decimal    "-1234.5600"  exact, any size, `scale` digits
 *   io.debezium.data.VariableScaleDecimal    "3.14159…"    exact, its own scale
 *   io.debezium.time.Date (+ connect Date)   "YYYY-MM-DD"
 *   io.debezium.time.Time (+ connect Time)   "hh:mm:ss.fff"
 *   io.debezium.time.MicroTime               "hh:mm:ss.ffffff"
 *   io.debezium.time.NanoTime                "hh:mm:ss.fffffffff"
 *       (a duration: "-01:00:00.000000" and "838:59:59.000000" are kept whole)
 *   io.debezium.time.Timestamp (+ connect)   "YYYY-MM-DD hh:mm:ss.fff"        no zone: wall clock
 *   io.debezium.time.MicroTimestamp          "YYYY-MM-DD hh:mm:ss.ffffff"     no zone: wall clock
 *   io.debezium.time.NanoTimestamp           "YYYY-MM-DD hh:mm:ss.fffffffff"  no zone: wall clock
 *   io.debezium.time.ZonedTimestamp          "YYYY-MM-DDThh:mm:ss.ffffffZ"    UTC, 'Z' kept
 *   arrays of the above                      decoded element by element
 *
 * Choices:
 *  - ZonedTimestamp is an instant, so it keeps an explicit zone: it is
 *    normalised to UTC with 'Z' (6 fraction digits, 9 when the source has
 *    more than 6).  A string without a zone would be read in the session or
 *    column time zone by ClickHouse and silently shift; with 'Z' both
 *    parseDateTime64BestEffort and JSONExtract(…, 'DateTime64(6)') read the
 *    right instant whatever the time zone.  PostgreSQL's values come out byte
 *    for byte as Debezium wrote them; other connectors' offsets and fraction
 *    lengths become canonical.  A value that is not ISO-8601 ("infinity"), or
 *    that no four-digit UTC year holds, is copied unchanged.  The zone-less timestamp types are wall-clock values
 *    (PostgreSQL `timestamp`), so they carry no zone.
 *  - io.debezium.data.Json stays a JSON *string* holding the document, as
 *    Debezium wrote it: turning it into a nested value would change the
 *    column's JSON type between rows (a jsonb scalar "5" vs an object) and
 *    cost a full re-parse; JSONExtract on the string reads it fine.
 *  - Uuid, Enum, plain strings, numbers, booleans, bytes (base64), structs
 *    and maps, and every column the schema does not describe are copied
 *    byte for byte.  So are keys.  null stays null.  Dates and timestamps
 *    whose year falls outside 0000..9999 (PostgreSQL's ±infinity become such
 *    numbers) keep their number, since no ClickHouse type holds them.
 *  - Unchanged TOAST columns: Debezium writes its placeholder in the form of
 *    the column's type.  Every form 3.x uses — the string, base64 of its
 *    bytes (bytea, Decimal), a one-element text or uuid array, an integer
 *    array of its bytes — is written as the plain string DBZT_UNAVAILABLE, so
 *    one test (`= '__debezium_unavailable_value'` in SQL) finds every
 *    column whose previous value must be kept.  Only the default
 *    placeholder is known (connector option unavailable.value.placeholder
 *    left alone).
 *  - A value that contradicts its declared type (a Decimal that is not
 *    base64, a Date that is not an integer, a Decimal whose schema has no
 *    usable `scale`) is an error naming the column: the message is broken,
 *    and guessing would hide it.  null is never an error.
 *
 * Everything is written into the caller's arena; nothing is recursive (an
 * array's elements are scalars; nested arrays are copied as they are). */
#ifndef CDC_DBZ_TYPES_H
#define CDC_DBZ_TYPES_H

#include <stddef.h>

#include "arena.h"
#include "json.h"

/* Debezium's default unavailable.value.placeholder. */
#define DBZT_UNAVAILABLE "__debezium_unavailable_value"

/* The decoding rules for one struct's columns, built from its schema.
 * Lives in the arena it was built in. */
typedef struct dbzt_table dbzt_table;

/* One walk over an envelope schema (the message's "schema" object: a
 * struct whose "fields" include "before" and "after"): the column tables of
 * both images.  A table is NULL when the schema does not describe that
 * field (or envelope_schema is not an object); decoding with a NULL table
 * copies the image.  Debezium writes the same struct for before and after:
 * it is read once and both pointers are the same table (a byte-for-byte
 * repeat is not even scanned), and the walk stops as soon as both are
 * known.  Returns 0, or -1 with err when the schema is malformed JSON. */
int dbzt_tables(const json_value *envelope_schema, arena *a, const dbzt_table **before, const dbzt_table **after,
                char *err, size_t errcap);

/* Rewrite `image` (a walked or lazy JSON object) with its columns decoded;
 * *out (not NUL-terminated) lives in `a` — or, when no column of the table
 * needs decoding (or t is NULL), is the image's own text.  An image that is absent
 * (JSON_NONE) or not an object — null for a create's "before" — gives
 * *out = "" and *out_len = 0, as debezium_unwrap writes it.  Returns 0, or
 * -1 with err ("column \"x\": …") when a value contradicts its type. */
int dbzt_decode(const dbzt_table *t, const json_value *image, arena *a, const char **out, size_t *out_len,
                char *err, size_t errcap);

/* 1 when v is the placeholder in one of the forms above — the string,
 * base64 of its bytes, a one-element array of the string or of its uuid,
 * an array of its bytes as integers — whatever the column's type: a
 * message without the schema envelope does not say it. */
int dbzt_is_unavailable(const json_value *v);

/* Standard base64 (Connect's bytes in JSON), padding optional: 0 with
 * *out bytes in dst, which holds at least n/4*3+3; -1 if not base64. */
int dbzt_b64_decode(const char *s, size_t n, unsigned char *dst, size_t *out);

/* The unscaled value of a Connect Decimal as a message holds it (base64 of
 * a big-endian two's-complement integer): its sign and its decimal digits
 * (no leading zeros; "0" for zero), in the arena.  Returns 0, or -1 with a
 * static reason when the text is not base64 or holds no bytes. */
int dbzt_unscaled_digits(const char *b64, size_t n, arena *a, int *negative, const char **digits, size_t *nd,
                         const char **why);

#endif
