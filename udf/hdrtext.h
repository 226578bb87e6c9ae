/* hdrtext.h — the bytes Kafka Connect's default header converter
 * (SimpleHeaderConverter) writes for a header value.
 *
 * SMTs that copy columns into headers (the outbox EventRouter's "id" and
 * its header placements, ExtractNewRecordState's add.headers) hand Connect
 * a value and its schema; SimpleHeaderConverter writes
 * Values.convertToString of it as UTF-8.  That text is not JSON:
 *   a string              its characters, unquoted
 *   a number, a boolean   Java's toString — the text the JSON converter
 *                         wrote into the message, kept as it is
 *   bytes                 base64 (as in the message)
 *   a Decimal             BigDecimal.toString of the decoded value ("12.30", "1E-7")
 *   a Connect Date, Time, Timestamp (time.precision.mode=connect)
 *                         "yyyy-MM-dd", "HH:mm:ss.SSS'Z'" or
 *                         "yyyy-MM-dd'T'HH:mm:ss.SSS'Z'" as Values picks
 *                         them (as a JVM in UTC writes them)
 *   a struct              {"name":value,…} in schema order, strings quoted
 *                         with only \ and " escaped, nested values as above
 *   an array, a map       [a,b] and {"k":v} the same way
 *   null                  no bytes at all (a header whose value is null)
 * The column's schema comes from the message's envelope; without the
 * envelope the JSON value's own type decides (so a Decimal shows its base64
 * text, and a map or struct its members in message order). */
#ifndef CDC_HDRTEXT_H
#define CDC_HDRTEXT_H

#include <stddef.h>

#include "arena.h"
#include "buf.h"
#include "json.h"

/* Append the header text of value v (a walked JSON value from the message)
 * whose Connect schema is the JSON object `schema` (type JSON_NONE when the
 * message has no envelope).  *is_null is set when the header value is
 * null.  Returns 0, or -1 with `why` when v contradicts its schema in a way
 * Connect could not have written (a Decimal that is not base64). */
int ht_text(buf *out, const json_value *v, const json_value *schema, arena *a, int *is_null, char *why, size_t cap);

/* A string as the header converter writes it inside a list, map or struct
 * (Values.escape): in quotes, only '\\' and '"' escaped. */
void ht_string(buf *out, const char *s, size_t n);

#endif
