/* result.h — the output side: one result row per input row, in the
 * function's declared types, encoded in the chosen format.
 *
 * A row callback writes its fields in signature order with the typed calls
 * below; the writer knows each field's declared type, so it adds the
 * Nullable flag byte (RowBinary), quotes Tuple elements (TabSeparated) and
 * narrows integers to the declared width by itself.  The driver checks that
 * every row has exactly the declared number of fields.
 *
 * Native is columnar, so there the writer appends each field to its
 * column's buffer (a null map beside it for Nullable) and emits the rows
 * as one Native block — one column named as the XML's <return_name>, of the
 * declared return type — when the driver ends a block (res_block_end) or
 * when RES_NATIVE_ROWS rows or RES_NATIVE_BYTES bytes are buffered,
 * whichever comes first.  ClickHouse reads blocks until it has a chunk's
 * rows, so a chunk may be answered in several blocks; buffering stays near
 * 1 MB whatever the block size.  A row whose input alone reaches
 * RES_NATIVE_BYTES is a block of its own, written through as it is
 * produced (with one row, column order is row order): a 64 MB message costs
 * what it costs in RowBinary, not its answer held in memory once more.
 *
 * Array(String) and Map(String, String) fields are written element by
 * element between a begin and an end call; the count need not be known in
 * advance.  RowBinary: the LEB128 count, then the strings (a Map: key,
 * value, key, value…), so the elements are held until the end call.
 * TabSeparated: ClickHouse's text form ['a','b'] and {'k':'v'}, each string
 * quoted and escaped as a Tuple element is.  Native: the column of an
 * Array is its UInt64 offsets (cumulative over the block) followed by the
 * String column of all elements; a Map is Array(Tuple(String, String)) on
 * the wire: offsets, then the keys column, then the values column. */
#ifndef CDC_RESULT_H
#define CDC_RESULT_H

#include <stddef.h>
#include <stdint.h>

#include "buf.h"
#include "chtype.h"
#include "format.h"
#include "io.h"

#define RES_NATIVE_ROWS 8192
#define RES_NATIVE_BYTES (1u << 20)

/* Native: one column of the block being built. */
typedef struct res_column {
    buf data;             /* the values, in Native's bulk encoding (a Map's keys) */
    buf nulls;            /* Nullable: the null map, one byte per row */
    buf offsets;          /* Array, Map: UInt64 end of each row's elements */
    buf values;           /* Map: the values column */
    uint64_t elements;    /* Array, Map: elements in the block so far */
} res_column;

typedef struct res_writer {
    io_writer *w;
    fmt_kind fmt;
    int tuple;            /* result is a Tuple of the types below */
    const chtype *types;
    int ntypes;
    int field;            /* fields written in the current row */
    int cur;              /* index of the type of the field being written */
    /* Native */
    const char *name, *type_name;   /* the answer column's name and type (res_native_column) */
    res_column *cols;     /* ntypes columns */
    uint64_t rows;        /* rows buffered */
    size_t bytes;         /* bytes buffered */
    int direct;           /* the current row is a block of its own, written through */
    /* Array, Map being written */
    uint64_t nelems;      /* elements so far */
    buf elems;            /* RowBinary: the elements, until the count is known */
    char *default_type;   /* the type name used when res_native_column gave none */
} res_writer;

void res_init(res_writer *r, io_writer *w, fmt_kind fmt, int tuple, const chtype *types, int ntypes);
/* Native: the answer column's name (<return_name>) and type name (the
 * declared return type, e.g. "Tuple(a UInt32, b String)"); both must
 * outlive the writer.  Defaults: "result", and the single type's name. */
void res_native_column(res_writer *r, const char *name, const char *type_name);
void res_free(res_writer *r);
/* Starts a row; input_bytes (the size of the row's arguments) lets Native
 * write a huge row through (see above); 0 when unknown. */
void res_row_begin_sized(res_writer *r, size_t input_bytes);
static inline void res_row_begin(res_writer *r) { res_row_begin_sized(r, 0); }
/* Ends the row; returns the number of fields written (driver checks it). */
int res_row_end(res_writer *r);
/* The driver's block (chunk) ends: Native emits the rows it holds.  The
 * caller flushes the io_writer. */
void res_block_end(res_writer *r);

void res_null(res_writer *r);                       /* NULL for Nullable, else the type's default */
void res_string(res_writer *r, const char *s, size_t n);
void res_int(res_writer *r, int64_t v);              /* any Int*, written at the declared width */
void res_uint(res_writer *r, uint64_t v);            /* any UInt*, Bool */
void res_float(res_writer *r, double v);
void res_bool(res_writer *r, int v);
void res_date(res_writer *r, int64_t days);          /* Date, Date32: days since 1970-01-01, in the type's range */
void res_datetime64(res_writer *r, int64_t ticks);   /* ticks at the declared precision */

/* Array(String): begin, one call per element, end.  Map(String, String):
 * begin, one call per entry, end.  res_null writes an empty one. */
void res_array_begin(res_writer *r);
void res_array_string(res_writer *r, const char *s, size_t n);
void res_array_end(res_writer *r);
void res_map_begin(res_writer *r);
void res_map_entry(res_writer *r, const char *k, size_t kn, const char *v, size_t vn);
void res_map_end(res_writer *r);

#endif
