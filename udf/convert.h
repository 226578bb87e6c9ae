/* convert.h — one JSON value to one typed ClickHouse column value.
 *
 * The rules a data engineer expects from typed extraction: numbers and
 * booleans convert whether the JSON holds them as numbers or as strings
 * (5 and "5"); integers are exact and range-checked against the declared
 * width; DateTime64 accepts ISO-8601 text and epoch numbers; Date and
 * Date32 accept Debezium's day number and ISO-8601 text, and refuse a day
 * outside the type's range rather than wrap it; a String field
 * takes a string's decoded text or any other value's JSON text; missing or
 * null gives NULL for Nullable types, else the type's default; Array(String)
 * takes a JSON array and Map(String, String) an object, each element (each
 * member's value) by the String rule, null as ''.  A value that
 * cannot be converted is written as the default and the reason returned, so
 * the caller can put it in its `error` field and keep the row. */
#ifndef CDC_CONVERT_H
#define CDC_CONVERT_H

#include "arena.h"
#include "chtype.h"
#include "json.h"
#include "result.h"

/* v->type == JSON_NONE means missing.  Returns 0, or -1 with *why (a static
 * or arena string) after writing the default. */
int conv_write(res_writer *out, const chtype *t, const json_value *v, arena *a, const char **why);

#endif
