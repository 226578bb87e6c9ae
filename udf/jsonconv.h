/* jsonconv.h — the bytes Kafka Connect's JSON converter writes
 * (org.apache.kafka.connect.json.JsonConverter, schemas.enable=false).
 *
 * The converter turns a Connect value into a Jackson tree and serializes
 * it with a default ObjectMapper: compact (no whitespace), strings escaped
 * the Jackson way (\" \\ \b \t \n \f \r, other control characters as
 * \u00XX in upper-case hex, characters beyond U+FFFF as their two UTF-16
 * surrogates escaped (\uD83D\uDE00: Jackson 2.16 writes each surrogate
 * of a Java string separately), everything else raw UTF-8, '/' included),
 * FLOAT64 as Java's Double.toString (javanum.h), and non-finite doubles as
 * the strings "NaN", "Infinity", "-Infinity".
 *
 * A column value that Debezium wrote into a change message went through
 * the same converter, so its JSON already holds the converter's bytes for
 * it; jc_value writes any JSON value in that canonical form (whitespace
 * dropped, strings re-escaped, numbers kept as written), so what comes out
 * is the converter's text whether the message was written compactly by
 * Connect or by hand.  SMTs that pass columns through (the outbox
 * EventRouter's key, payload and envelope fields) answer these bytes. */
#ifndef CDC_JSONCONV_H
#define CDC_JSONCONV_H

#include <stddef.h>

#include "arena.h"
#include "buf.h"
#include "json.h"

/* A string [s, s+n) of valid UTF-8, quoted and escaped. */
void jc_string(buf *b, const char *s, size_t n);

/* A FLOAT64. */
void jc_double(buf *b, double d);

/* A JSON value (a scalar, or a container already walked: end known) in the
 * converter's form.  Returns 0, or -1 with err when a string in it does not
 * decode (it cannot in a validated message). */
int jc_value(buf *b, const json_value *v, arena *a, json_error *err);

#endif
