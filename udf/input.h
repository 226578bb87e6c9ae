/* input.h — the input side: one row of arguments at a time, in the
 * function's declared argument types, decoded from the chosen format, plus
 * the `N\n` chunk header of executable_pool's send_chunk_header mode.
 *
 * Argument values are views into the read buffer (TabSeparated fields are
 * unescaped in place), valid until the next row is read.
 *
 * Native arrives by columns, but rows still leave one at a time: the last
 * argument column is streamed row by row from the read buffer exactly like
 * RowBinary (a block of 64 MB messages is never held whole), and the
 * columns before it — which ClickHouse sends first — are held for the
 * block: their bytes plus 32 bytes per row and column, e.g. payload_get's
 * `json` column of a 65,536-row block of 1 kB messages costs about 66 MB
 * where RowBinary costs one row.  One-argument functions hold nothing. */
#ifndef CDC_INPUT_H
#define CDC_INPUT_H

#include <stddef.h>
#include <stdint.h>

#include "buf.h"
#include "chtype.h"
#include "format.h"
#include "io.h"
#include "udf.h"

/* Native (see above): the block being read. */
typedef struct in_native {
    uint64_t rows, row;   /* the block's row count; the next row to hand out */
    uint64_t chunk_left;  /* pool mode: rows the chunk header still announces (else UINT64_MAX) */
    buf held;             /* the earlier columns' string bytes */
    buf cells;            /* where each earlier value is: in_cell[column * rows + row] */
    buf nulls;            /* the streamed (last) column's null map */
    char last_name[48];   /* the streamed column's name, for messages */
} in_native;

typedef struct in_reader {
    io_reader io;
    fmt_kind fmt;
    const chtype *types;
    int ntypes;
    int need_newline;     /* TabSeparated: a last line without '\n' is truncation
                             (pool mode), not a row typed by hand; 0 after in_init */
    in_native native;
    const char *error;    /* why the last call returned -1 */
    char error_buf[320];
} in_reader;

void in_init(in_reader *in, int fd, fmt_kind fmt, const chtype *types, int ntypes);
void in_free(in_reader *in);
/* 1 = a row was read into vals[0..ntypes), 0 = input ended cleanly before
 * the row, -1 = framing broken (in->error says how). */
int in_read_row(in_reader *in, udf_value *vals);
/* 1 = header read into *rows, 0 = input ended cleanly, -1 = bad header. */
int in_read_chunk_header(in_reader *in, uint64_t *rows);

#endif
