/* tsv.h — ClickHouse's TabSeparated text encoding.
 *
 * Escaping is ClickHouse's own (WriteHelpers' writeAnyEscapedString): \t \n
 * \\ \r \0 \b \f \' on output; on input also \xHH, and any other "\c" reads
 * as c.  A field that is exactly \N is NULL.  Inside a Tuple, ClickHouse
 * writes each element in its *quoted* form: strings in single quotes with the
 * same escapes, NULL as the bare word NULL. */
#ifndef CDC_TSV_H
#define CDC_TSV_H

#include <stddef.h>

#include "io.h"

/* Unescape [s, s+n) in place; returns the new length (never longer). */
size_t tsv_unescape(char *s, size_t n);
/* 1 when the raw field is the NULL marker \N. */
static inline int tsv_is_null(const char *s, size_t n) { return n == 2 && s[0] == '\\' && s[1] == 'N'; }

void tsv_write_escaped(io_writer *w, const char *s, size_t n);
/* '…' with the same escaping: a string element of a Tuple. */
void tsv_write_quoted(io_writer *w, const char *s, size_t n);

#endif
