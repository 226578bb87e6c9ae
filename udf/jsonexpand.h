/* jsonexpand.h — the outbox EventRouter's table.expand.json.payload: a
 * payload string holding JSON becomes a Connect struct, and the JSON
 * converter writes that struct.
 *
 * What Debezium 3.1 does, step by step, and therefore what comes out:
 *  1. Only text starting with '{' or '[' is tried (no leading whitespace).
 *     Jackson reads the FIRST value and ignores what follows it; it refuses
 *     what strict JSON refuses, and values past its limits: nesting deeper
 *     than 1000, a number of more than 1000 digits, a string longer than
 *     20,000,000 characters, a member name longer than 50,000.  Duplicate
 *     names keep the first one's place and the last one's value.
 *  2. A schema is inferred (JsonSchemaData): strings, booleans; numbers as
 *     INT32 when the literal fits an int, INT64 when it fits a long,
 *     FLOAT64 otherwise (decimals, exponents and bigger integers); objects
 *     as structs of their members in order, leaving out members that are
 *     null (unless table.json.payload.null.behavior=optional_bytes makes
 *     them optional bytes) or empty arrays; arrays by their first non-null
 *     element, all non-null elements of one JSON type (and numbers of one
 *     schema), arrays of objects with the structs of all elements merged
 *     (a later element adds the fields the first lacks; a field first seen
 *     as bytes takes a later element's type).
 *  3. The value is converted under that schema: a struct writes every field
 *     of its schema, null for a member the object lacks; numbers re-written
 *     (-0 → 0, 1E2 → 100.0, doubles as Java's Double.toString).
 * A failure in 1 or 2 leaves the payload the string it was (the SMT logs a
 * warning): JX_KEPT.  A failure in 3 — a value that does not fit the schema,
 * e.g. an integer beyond the long range, an array element of another number
 * type inside nested arrays, a top-level array — leaves the record with a
 * schema its value does not match, and the converter fails on it:
 * JX_BROKEN.  The one payload whose schema is none, an empty top-level
 * array, stays the string with no schema at all: JX_NO_SCHEMA.
 *
 * Two differences, both where Debezium is itself unpredictable or the input
 * cannot come from PostgreSQL: arrays of objects of different shapes are
 * merged in array order, where Debezium merges them in the iteration order
 * of a Java HashSet (it changes from one JVM run to another); and a string
 * with a lone surrogate escape (which jsonb refuses) is not JSON here.
 *
 * The payload is held as a tree while it is converted: 16 bytes per value,
 * plus the member names of objects.  Recursion is bounded by the nesting
 * limit of 1000. */
#ifndef CDC_JSONEXPAND_H
#define CDC_JSONEXPAND_H

#include <stddef.h>

#include "arena.h"
#include "buf.h"

typedef enum jx_result { JX_EXPANDED, JX_KEPT, JX_NO_SCHEMA, JX_BROKEN } jx_result;

/* Scratch kept between rows: the stacks the tree is built on. */
typedef struct jx_ctx {
    buf stack;
} jx_ctx;

void jx_init(jx_ctx *cx);
void jx_free(jx_ctx *cx);

/* Expand the payload text [s, s+n) (valid UTF-8).  JX_EXPANDED appends the
 * converter's bytes of the expanded value to out; the other results append
 * nothing and say why in `why` (a Jackson or Connect failure, for a warning
 * or an error row). */
jx_result jx_expand(jx_ctx *cx, const char *s, size_t n, int nulls_as_bytes, arena *a, buf *out, char *why,
                    size_t cap);

#endif
