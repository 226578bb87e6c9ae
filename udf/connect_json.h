/* connect_json.h — the bytes Kafka Connect writes for a value that arrived
 * as JSON: the JSON converter (schemas.enable=false, Jackson's compact
 * output) and the default header converter (SimpleHeaderConverter).
 *
 * Two cases.  A value that keeps its schema through an SMT (an image's
 * column, a source field: ExtractNewRecordState's output) is written by the
 * converter as the raw topic's converter wrote it: numbers keep their text
 * (the same Java value printed the same way, Long.toString,
 * Double.toString), logical types keep their wire encoding (the converter
 * writes them from the schema with or without schemas.enable), and only
 * the layout is normalised — no whitespace, strings as Jackson escapes
 * them (cj_json, cj_value).  Headers are written by Values.convertToString:
 * a string's own text, a number's or boolean's text, a list, map or struct
 * in Values' syntax with nested strings in quotes and only '\\' and '"'
 * escaped, and a null value as no bytes at all (cj_header).
 *
 * Jackson's strings (cj_put_string): '"', '\\' and the control characters
 * below 0x20 escaped (\b \t \n \f \r short, the others \u00XX with
 * upper-case hex); a character outside the BMP written as its two UTF-16
 * surrogates, \uD83D\uDE00 (the UTF-8 generator of the Jackson 2.16 in Kafka
 * 3.9 escapes each unit of the pair — the captured type_zoo message holds
 * U+1F600 so); '/', DEL and the rest of non-ASCII as they are (UTF-8).
 *
 * The other case, a JSON document that
 * Debezium's SMTs parse: read by Jackson, turned into a Connect struct by
 * Debezium's JsonSchemaData, written back by Kafka's JsonConverter with
 * schemas.enable=false.  DecodeLogicalDecodingMessageContent does this to
 * a logical decoding message's content, the outbox EventRouter to its
 * payload with table.expand.json.payload=true; the bytes that come out
 * are not the bytes that went in, and a drop-in must write the same ones.
 *
 * What the round trip does (JsonSchemaData's rules, Debezium 3.1):
 *  - the schema is inferred from the document: a string is STRING, true and
 *    false BOOLEAN, an integer in the int range INT32, in the long range
 *    INT64, any other number FLOAT64; an object a STRUCT of its members in
 *    order; an array an ARRAY of the schema of its first non-null element;
 *  - members that are null, or empty arrays, have no schema and are dropped
 *    (with fields.null.include / table.json.payload.null.behavior
 *    optional_bytes, a null member stays, as null);
 *  - a member name repeated keeps its first place and its last value
 *    (Jackson's tree);
 *  - an array of objects gets one struct schema for all of them: the
 *    fields of every element, in first-seen order, and an element without
 *    one of them writes it as null.  (Debezium merges the elements' schemas
 *    through a HashSet, so for elements of differing shapes the order of
 *    the fields can differ between JVM runs; with one shape it cannot.)
 *  - the converter writes every struct field, compactly, strings escaped
 *    as Jackson does (characters beyond the BMP as escaped surrogate pairs), doubles as Java's Double.toString (shortest digits,
 *    as Java 19 and later print them; non-finite ones as the strings "NaN",
 *    "Infinity", "-Infinity"), integers as integers.
 *  - Where Debezium throws, this is an error with its reason: a document
 *    that is not an object; an array mixing kinds of values or number
 *    schemas ([1, 2.5], [1, 3000000000]); an array whose first non-null
 *    element has no schema ([null], [[], [1]]); a value that contradicts
 *    the schema inferred from an earlier one (the struct field "a" of an
 *    array's first element is a number, of a later one a string); an
 *    integer beyond the long range; nesting deeper than Jackson's limit of
 *    1000.
 *  - Jackson reads the first JSON value and ignores what follows it; so
 *    does cj_expand.  Invalid UTF-8 is an error here (Jackson would read
 *    it as U+FFFD after the SMT's new String()).
 *
 * Recursion follows the document's nesting, bounded by that limit of 1000
 * levels (a few hundred bytes of stack each). */
#ifndef CDC_CONNECT_JSON_H
#define CDC_CONNECT_JSON_H

#include <stddef.h>

#include "arena.h"
#include "buf.h"
#include "json.h"

/* Jackson's default StreamReadConstraints.maxNestingDepth. */
#define CJ_MAX_DEPTH 1000

typedef enum cj_nulls {
    CJ_NULLS_IGNORE,          /* JsonPayloadNullFieldBehavior.IGNORE: null members dropped */
    CJ_NULLS_OPTIONAL_BYTES   /* OPTIONAL_BYTES: null members kept (schema optional bytes) */
} cj_nulls;

/* The JSON converter's bytes for the document at the start of [s, s+n):
 * 0 with *out (arena memory, not NUL-terminated) and *out_n, or -1 with the
 * reason in why. */
int cj_expand(const char *s, size_t n, cj_nulls nulls, arena *a, const char **out, size_t *out_n, char *why,
              size_t cap);

/* A string's bytes (valid UTF-8) as the converter writes them: quoted;
 * \" \\ \b \t \n \f \r; other control characters \u00XX; a character
 * beyond the BMP as its escaped UTF-16 surrogate pair (\uD83D\uDE00, as
 * Jackson writes it); upper-case hex; the rest as is. */
void cj_put_string(buf *b, const char *s, size_t n);

/* The converter's bytes for the validated JSON text [s, s+n) of a value
 * that keeps its schema (above). */
void cj_json(buf *b, const char *s, size_t n, arena *a);
/* The same for a value: v must be a scalar or a walked container. */
static inline void cj_value(buf *b, const json_value *v, arena *a) { cj_json(b, v->start, json_raw_len(v), a); }

/* The header converter's bytes for a value (a scalar or a walked
 * container).  Returns 1 when the value is null (nothing appended: Kafka
 * carries a null header value), else 0. */
int cj_header(buf *b, const json_value *v, arena *a);
/* A string as the header converter writes it inside a list, map or struct:
 * in quotes, '\\' and '"' escaped. */
void cj_header_string(buf *b, const char *s, size_t n);

/* Java's Double.toString(d), as Jackson writes a double: into p[32];
 * returns the length.  NaN and the infinities as Java spells them. */
size_t cj_java_double(double d, char *p);

#endif
