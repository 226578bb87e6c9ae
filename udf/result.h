/* result.h — the output side: one result row per input row, in the
 * function's declared types, encoded in the chosen format.
 *
 * A row callback writes its fields in signature order with the typed calls
 * below; the writer knows each field's declared type, so it adds the
 * Nullable flag byte (RowBinary), quotes Tuple elements (TabSeparated) and
 * narrows integers to the declared width by itself.  The driver checks that
 * every row has exactly the declared number of fields. */
#ifndef CDC_RESULT_H
#define CDC_RESULT_H

#include <stddef.h>
#include <stdint.h>

#include "chtype.h"
#include "format.h"
#include "io.h"

typedef struct res_writer {
    io_writer *w;
    fmt_kind fmt;
    int tuple;            /* result is a Tuple of the types below */
    const chtype *types;
    int ntypes;
    int field;            /* fields written in the current row */
} res_writer;

void res_init(res_writer *r, io_writer *w, fmt_kind fmt, int tuple, const chtype *types, int ntypes);
void res_row_begin(res_writer *r);
/* Ends the row; returns the number of fields written (driver checks it). */
int res_row_end(res_writer *r);

void res_null(res_writer *r);                       /* NULL for Nullable, else the type's default */
void res_string(res_writer *r, const char *s, size_t n);
void res_int(res_writer *r, int64_t v);              /* any Int*, written at the declared width */
void res_uint(res_writer *r, uint64_t v);            /* any UInt*, Bool */
void res_float(res_writer *r, double v);
void res_bool(res_writer *r, int v);
void res_datetime64(res_writer *r, int64_t ticks);   /* ticks at the declared precision */
/* The declared type of the next field (for writers driven by a type list). */
static inline const chtype *res_next_type(const res_writer *r) { return &r->types[r->field]; }

#endif
