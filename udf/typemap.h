/* typemap.h — Kafka Connect field schemas as ClickHouse column types, and
 * the row text that ClickHouse's JSONExtract reads exactly into them.
 *
 * Owns the type mapping of debezium_ddl and debezium_typed (the table in
 * udf/README.md): one function maps the JSON object of a Connect field
 * (type, optional, name, parameters, items) to a tm_type and its SQL text;
 * another parses that text back (the `columns` argument a generated view
 * passes to debezium_typed), so both functions agree by construction.
 *
 * Values: tm_value writes one value, already decoded by dbz_types.h (exact
 * decimal strings, calendar dates, times, timestamps), as text that
 * JSONExtract(row, 'Tuple(…)') reads into the declared type without loss —
 * or refuses it (TM_MISFIT) when the type cannot hold it exactly: a date
 * outside Date32's range, an integer beyond a narrower column, a decimal
 * with more digits than its column.  ClickHouse would clamp or zero such a
 * value silently; the caller keeps it elsewhere (debezium_typed's `extra`).
 *
 * Identifiers: every name is written backquoted, with backquote and
 * backslash escaped, so any PostgreSQL identifier is a valid ClickHouse one. */
#ifndef CDC_TYPEMAP_H
#define CDC_TYPEMAP_H

#include <stddef.h>

#include "arena.h"
#include "buf.h"
#include "json.h"

typedef enum tm_kind {
    TM_INT,          /* Int8..Int64 (bits) */
    TM_FLOAT,        /* Float32, Float64 (bits) */
    TM_BOOL,
    TM_STRING,       /* String: strings as they are, anything else as its JSON text */
    TM_LOWCARD,      /* LowCardinality(String): as String */
    TM_JSON,         /* the JSON type: the document inline */
    TM_DECIMAL,      /* Decimal(precision, scale) */
    TM_DATE32,
    TM_TIME64,       /* Time64(precision) */
    TM_DATETIME64,   /* DateTime64(precision, 'UTC') */
    TM_UUID,
    TM_ENUM,         /* Enum8 / Enum16 (bits) of labels, values 1..n */
    TM_ARRAY         /* Array(item) */
} tm_kind;

typedef struct tm_type {
    tm_kind kind;
    int nullable;
    int bits;                     /* TM_INT, TM_FLOAT, TM_ENUM */
    int precision, scale;         /* TM_DECIMAL; precision also TM_TIME64, TM_DATETIME64 */
    int base64;                   /* a String holding base64 bytes (Connect bytes): the view decodes it */
    const char **labels;          /* TM_ENUM: decoded labels */
    size_t *label_len, nlabels;
    struct tm_type *item;         /* TM_ARRAY */
    const char *text;             /* the ClickHouse type, e.g. "Nullable(Decimal(12, 4))" */
    size_t text_len;
} tm_type;

typedef struct tm_options {
    int json_type;                /* io.debezium.data.Json as the JSON type (else String) */
    int enum_lowcard;             /* io.debezium.data.Enum as LowCardinality(String) (else Enum8/16) */
} tm_options;

/* One column: its decoded name and its type. */
typedef struct tm_column {
    const char *name;
    size_t name_len;
    tm_type type;
    json_value schema;            /* the field schema it was mapped from (JSON_NONE when parsed from text) */
} tm_column;

/* The ClickHouse type of a Connect field schema (a JSON object).
 * `not_null` drops Nullable (key columns).  Everything lives in `a`.
 * Returns 0, or -1 with why (malformed JSON). */
int tm_from_schema(json_value *field, const tm_options *o, int not_null, arena *a, tm_type *t, char *why,
                   size_t cap);

/* The same type without Nullable (a key column); text rewritten in `a`. */
void tm_drop_nullable(tm_type *t, arena *a);

/* The columns of a struct schema's "fields" array, in order (fields
 * without a "field" name are skipped).  0, or -1 with why. */
int tm_struct_columns(json_value *fields, const tm_options *o, arena *a, tm_column **cols, size_t *n, char *why,
                      size_t cap);

/* The row columns an envelope schema (the message's "schema" object)
 * describes: its "after" struct's fields, else its "before" struct's.
 * -1 with why when schema is absent (the JSON converter ran with
 * schemas.enable=false) or describes no row struct. */
int tm_envelope_columns(const json_value *schema, const tm_options *o, arena *a, tm_column **cols, size_t *n,
                        char *why, size_t cap);

/* Parse a column list as tm_format_columns writes it ("`a` Int32, `b`
 * Nullable(String)") — the types tm_from_schema writes, nothing else.
 * 0, or -1 with why. */
int tm_parse_columns(const char *s, size_t n, arena *a, tm_column **cols, size_t *ncols, char *why, size_t cap);

/* "`name` Type, …" into b. */
void tm_format_columns(buf *b, const tm_column *cols, size_t n);

/* `name`, backquoted and escaped. */
void tm_put_ident(buf *b, const char *s, size_t n);
/* 'text', a SQL string literal (backslash and quote escaped). */
void tm_put_literal(buf *b, const char *s, size_t n);

/* Two types are the same column type (their text is). */
int tm_same(const tm_type *a, const tm_type *b);

enum { TM_FIT = 0, TM_MISFIT = 1 };

/* Append v (a decoded value, dbz_types.h; walked) as row text for type t:
 * TM_FIT, or TM_MISFIT with nothing appended when t cannot hold it
 * exactly.  null fits a Nullable type only. */
int tm_value(buf *b, const tm_type *t, const json_value *v, arena *a);

#endif
