/* input.h — the input side: one row of arguments at a time, in the
 * function's declared argument types, decoded from the chosen format, plus
 * the `N\n` chunk header of executable_pool's send_chunk_header mode.
 *
 * Argument values are views into the read buffer (TabSeparated fields are
 * unescaped in place), valid until the next row is read. */
#ifndef CDC_INPUT_H
#define CDC_INPUT_H

#include <stddef.h>
#include <stdint.h>

#include "chtype.h"
#include "format.h"
#include "io.h"

#define UDF_MAX_ARGS 8

typedef struct udf_value {
    int is_null;
    const char *s;        /* String: the bytes (not NUL-terminated) */
    size_t n;
    int64_t ticks;        /* DateTime64: ticks at the declared precision */
} udf_value;

typedef struct in_reader {
    io_reader io;
    fmt_kind fmt;
    const chtype *types;
    int ntypes;
    int need_newline;     /* TabSeparated: a last line without '\n' is truncation
                             (pool mode), not a row typed by hand; 0 after in_init */
    const char *error;    /* why the last call returned -1 */
    char error_buf[160];
} in_reader;

void in_init(in_reader *in, int fd, fmt_kind fmt, const chtype *types, int ntypes);
void in_free(in_reader *in);
/* 1 = a row was read into vals[0..ntypes), 0 = input ended cleanly before
 * the row, -1 = framing broken (in->error says how). */
int in_read_row(in_reader *in, udf_value *vals);
/* 1 = header read into *rows, 0 = input ended cleanly, -1 = bad header. */
int in_read_chunk_header(in_reader *in, uint64_t *rows);

#endif
