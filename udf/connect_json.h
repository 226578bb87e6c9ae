/* connect_json.h — the bytes Kafka Connect writes for a value, from the JSON
 * the value arrived in.
 *
 * Our functions answer "what would this Kafka Connect transform have put on
 * the topic", byte for byte, so they need Connect's two writers:
 *
 *  - the JSON converter (org.apache.kafka.connect.json.JsonConverter) with
 *    schemas.enable=false: Jackson's compact output of the value.  No
 *    whitespace; strings escape '"', '\\', and the control characters below
 *    0x20 (\b \t \n \f \r short, the others as \u00XX with upper-case hex);
 *    a character outside the BMP becomes its two surrogates, \uD83D\uDE00
 *    (Jackson's UTF-8 generator escapes each UTF-16 unit of the pair);
 *    '/', DEL and the rest of non-ASCII are written as they are (UTF-8).
 *    Numbers keep the text they came in: the converter that wrote the raw
 *    topic printed the same Java value the same way (Long.toString,
 *    Double.toString), and logical types (base64 decimals, epoch dates) are
 *    written from the record's schema, with or without schemas.enable, so a
 *    value carried over from a raw message keeps its wire encoding.
 *  - the default header converter (SimpleHeaderConverter), which writes
 *    Values.convertToString(value): a string's own text, a number's or a
 *    boolean's text, and for a list, map or struct the Values syntax — JSON
 *    punctuation, nested strings in quotes with only '\\' and '"' escaped
 *    (control characters raw).  A null value is a header with no bytes.
 *
 * The input is JSON text that json.h has validated (a walked json_value,
 * or a scalar); nothing here re-validates it.  Output is appended to a buf. */
#ifndef CDC_CONNECT_JSON_H
#define CDC_CONNECT_JSON_H

#include <stddef.h>

#include "arena.h"
#include "buf.h"
#include "json.h"

/* The JSON converter's bytes for the validated JSON text [s, s+n). */
void cj_json(buf *b, const char *s, size_t n, arena *a);
/* The JSON converter's bytes for a value: v must be a scalar or a walked container. */
static inline void cj_value(buf *b, const json_value *v, arena *a) { cj_json(b, v->start, json_raw_len(v), a); }
/* A JSON string holding the UTF-8 text [s, s+n), quoted as Jackson quotes it. */
void cj_string(buf *b, const char *s, size_t n);

/* The header converter's bytes for a value (a scalar or a walked
 * container).  Returns 1 when the value is null (nothing appended: Kafka
 * carries a null header value), else 0. */
int cj_header(buf *b, const json_value *v, arena *a);
/* A string as the header converter writes it inside a list, map or struct:
 * in quotes, '\\' and '"' escaped. */
void cj_header_string(buf *b, const char *s, size_t n);

#endif
