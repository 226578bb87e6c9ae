/* native.h — the framing of ClickHouse's Native format: blocks.
 *
 * A block is VarUInt ncolumns, VarUInt nrows, then per column its name
 * (String), its type name (String) and its data in bulk: String is nrows
 * times (VarUInt length + bytes); fixed-width types are nrows little-endian
 * values; Nullable(T) is a null map (nrows bytes, 1 = NULL) followed by T's
 * column with a default value in the NULL rows; Tuple is its elements'
 * columns one after the other.  VarUInt and String are RowBinary's LEB128
 * and string (rowbinary.h), so they are not repeated here.
 *
 * This module owns the block and column headers, in both directions, and
 * the check that what ClickHouse sends has the declared argument types.
 * The column data is read by input.c and written by result.c, one row at a
 * time, because that is how rows reach and leave the row callbacks.
 *
 * Column names matter on the way back: ClickHouse takes the answer's column
 * by name (the function's <return_name>) and, finding no column of that
 * name, silently answers the type's defaults (seen in ClickHouse 26.7).
 * Type names are converted: ClickHouse casts a column of another type. */
#ifndef CDC_NATIVE_H
#define CDC_NATIVE_H

#include <stddef.h>
#include <stdint.h>

#include "chtype.h"
#include "io.h"

/* Longest column name and type name accepted (no allocation on a promise). */
#define NATIVE_MAX_NAME 4096
#define NATIVE_MAX_TYPE 4096

/* Reads ncolumns and nrows.  1 = read, 0 = input ended cleanly before the
 * block, -1 = cut or malformed (*why says how). */
int native_read_block_start(io_reader *r, uint64_t *ncolumns, uint64_t *nrows, const char **why);
/* Reads column `index` (0-based)'s name and type name and checks the type
 * against `want` (kind, Nullable and DateTime64 precision; a DateTime64's
 * zone does not change its ticks).  The name is copied (cut short) into
 * name[namecap] for later messages.  1 = ok, -1 = cut, too long or the wrong
 * type (err says which). */
int native_read_column_header(io_reader *r, int index, const chtype *want, char *name, size_t namecap, char *err,
                              size_t errcap);
/* 1 when the type name [s, s+n) carries the data of `want` (see above). */
int native_type_matches(const chtype *want, const char *s, size_t n);

void native_write_block_start(io_writer *w, uint64_t ncolumns, uint64_t nrows);
void native_write_column_header(io_writer *w, const char *name, const char *type);

#endif
