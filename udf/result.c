/* result.c — encodes result rows in TabSeparated, RowBinary or Native (see result.h). */
#include "result.h"
#include "fatal.h"
#include "native.h"
#include "rowbinary.h"
#include "timestamp.h"
#include "tsv.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Native column buffers holding more than this in all are given back after a block. */
#define RES_NATIVE_KEEP (2u * RES_NATIVE_BYTES)

void res_init(res_writer *r, io_writer *w, fmt_kind fmt, int tuple, const chtype *types, int ntypes) {
    memset(r, 0, sizeof(*r));
    r->w = w;
    r->fmt = fmt;
    r->tuple = tuple;
    r->types = types;
    r->ntypes = ntypes;
    if (fmt != FMT_NATIVE) return;
    r->cols = calloc((size_t)ntypes, sizeof(res_column));
    if (!r->cols) fatal_exit(EXIT_NOMEM, "out of memory");
    /* "T" or "Tuple(T1, T2, …)": the Native column's type when the driver
     * does not name it (ClickHouse casts an unnamed Tuple by position). */
    r->default_type = chtype_result_type(types, NULL, ntypes, tuple);
    r->name = "result";
    r->type_name = r->default_type;
}

void res_native_column(res_writer *r, const char *name, const char *type_name) {
    if (name) r->name = name;
    if (type_name) r->type_name = type_name;
}

void res_free(res_writer *r) {
    for (int i = 0; r->cols && i < r->ntypes; i++) {
        buf_free(&r->cols[i].data);
        buf_free(&r->cols[i].nulls);
        buf_free(&r->cols[i].offsets);
        buf_free(&r->cols[i].values);
    }
    buf_free(&r->elems);
    free(r->cols);
    free(r->default_type);
    r->cols = NULL;
    r->default_type = NULL;
}

/* ------------------------------------------------------------- Native */

/* One column's bytes, emptied as they go out: the null map first, an
 * Array's or Map's offsets before its elements, a Map's values last. */
static size_t res_native_column_out(res_writer *r, res_column *c, const chtype *t) {
    if (t->nullable) io_write(r->w, c->nulls.p, c->nulls.len);
    if (chtype_is_container(t->kind)) io_write(r->w, c->offsets.p, c->offsets.len);
    io_write(r->w, c->data.p, c->data.len);
    if (t->kind == CT_MAP_STRING) io_write(r->w, c->values.p, c->values.len);
    c->data.len = c->nulls.len = c->offsets.len = c->values.len = 0;
    c->elements = 0;
    return c->data.cap + c->nulls.cap + c->offsets.cap + c->values.cap;
}

/* The buffered rows as one block: header, then each column. */
static void res_native_emit(res_writer *r) {
    if (!r->rows) return;
    native_write_block_start(r->w, 1, r->rows);
    native_write_column_header(r->w, r->name, r->type_name);
    size_t held = 0;
    for (int i = 0; i < r->ntypes; i++) held += res_native_column_out(r, &r->cols[i], &r->types[i]);
    for (int i = 0; held > RES_NATIVE_KEEP && i < r->ntypes; i++) {
        buf_clear(&r->cols[i].data, 0);
        buf_clear(&r->cols[i].nulls, 0);
        buf_clear(&r->cols[i].offsets, 0);
        buf_clear(&r->cols[i].values, 0);
    }
    r->rows = 0;
    r->bytes = 0;
}

/* A value's bytes are RowBinary's (a Native column is its values back to
 * back): appended to the current field's column with one reserve, or
 * written straight out for a row written through. */
static void res_nat_le(res_writer *r, uint64_t v, int width) {
    if (r->direct) {
        rb_write_le(r->w, v, width);
        return;
    }
    buf *b = &r->cols[r->cur].data;
    char *p = buf_reserve(b, 8);
    for (int i = 0; i < width; i++) p[i] = (char)(v >> (8 * i));
    b->len += (size_t)width;
    r->bytes += (size_t)width;
}

/* A string (LEB128 length, bytes) appended to b, counted in the block's bytes. */
static void res_buf_string(res_writer *r, buf *b, const char *s, size_t n) {
    char *p = buf_reserve(b, n + 10);
    size_t k = rb_uleb128_encode(p, n);
    if (n) memcpy(p + k, s, n);
    b->len += k + n;
    r->bytes += k + n;
}

static void res_nat_string(res_writer *r, const char *s, size_t n) {
    if (r->direct) rb_write_string(r->w, s, n);
    else res_buf_string(r, &r->cols[r->cur].data, s, n);
}

/* A Nullable field's null-map byte. */
static void res_nat_null_flag(res_writer *r, char flag) {
    if (r->direct) {
        io_putc(r->w, flag);
        return;
    }
    buf_putc(&r->cols[r->cur].nulls, flag);
    r->bytes++;
}

/* --------------------------------------------------------------- rows */

void res_row_begin_sized(res_writer *r, size_t input_bytes) {
    r->field = 0;
    if (r->fmt == FMT_TSV && r->tuple) io_putc(r->w, '(');
    if (r->fmt == FMT_NATIVE && input_bytes >= RES_NATIVE_BYTES) {
        res_native_emit(r);
        native_write_block_start(r->w, 1, 1);
        native_write_column_header(r->w, r->name, r->type_name);
        r->direct = 1;
    }
}

int res_row_end(res_writer *r) {
    if (r->fmt == FMT_TSV) {
        if (r->tuple) io_putc(r->w, ')');
        io_putc(r->w, '\n');
    } else if (r->fmt == FMT_NATIVE) {
        if (r->direct) {
            r->direct = 0;
            r->bytes = 0;   /* a Map or Array written through was counted on its way out */
        } else if (++r->rows >= RES_NATIVE_ROWS || r->bytes >= RES_NATIVE_BYTES) {
            res_native_emit(r);
        }
    }
    return r->field;
}

void res_block_end(res_writer *r) {
    if (r->fmt == FMT_NATIVE) res_native_emit(r);
}

/* Starts a non-NULL field: the separator in text, the "not NULL" flag in
 * binary (RowBinary's flag byte, Native's null-map byte). */
static const chtype *res_open(res_writer *r) {
    r->cur = r->field < r->ntypes ? r->field : r->ntypes - 1;
    const chtype *t = &r->types[r->cur];
    if (r->fmt == FMT_TSV) {
        if (r->tuple && r->field) io_putc(r->w, ',');
    } else if (t->nullable) {
        if (r->fmt == FMT_NATIVE) res_nat_null_flag(r, 0);
        else io_putc(r->w, 0);
    }
    r->field++;
    return t;
}

/* Decimal text of v into the end of buf[24]; returns the first digit (or '-'). */
static char *res_u64_text(uint64_t v, char *end) {
    char *p = end;
    do {
        *--p = (char)('0' + v % 10);
        v /= 10;
    } while (v);
    return p;
}

static void res_write_i64_text(io_writer *w, int64_t v) {
    char digits[24], *end = digits + sizeof(digits);
    char *p = res_u64_text(v < 0 ? (uint64_t)0 - (uint64_t)v : (uint64_t)v, end);
    if (v < 0) *--p = '-';
    io_write(w, p, (size_t)(end - p));
}

void res_string(res_writer *r, const char *s, size_t n) {
    res_open(r);
    if (r->fmt == FMT_ROWBINARY) rb_write_string(r->w, s, n);
    else if (r->fmt == FMT_NATIVE) res_nat_string(r, s, n);
    else if (r->tuple) tsv_write_quoted(r->w, s, n);
    else tsv_write_escaped(r->w, s, n);
}

void res_int(res_writer *r, int64_t v) {
    const chtype *t = res_open(r);
    if (r->fmt == FMT_ROWBINARY) {
        rb_write_le(r->w, (uint64_t)v, chtype_width(t->kind));
        return;
    }
    if (r->fmt == FMT_NATIVE) {
        res_nat_le(r, (uint64_t)v, chtype_width(t->kind));
        return;
    }
    res_write_i64_text(r->w, v);
}

void res_uint(res_writer *r, uint64_t v) {
    const chtype *t = res_open(r);
    if (r->fmt == FMT_ROWBINARY) {
        rb_write_le(r->w, v, chtype_width(t->kind));
        return;
    }
    if (r->fmt == FMT_NATIVE) {
        res_nat_le(r, v, chtype_width(t->kind));
        return;
    }
    char digits[24];
    if (t->kind == CT_BOOL) {
        io_write(r->w, v ? "true" : "false", v ? 4 : 5);
    } else {
        char *p = res_u64_text(v, digits + sizeof(digits));
        io_write(r->w, p, (size_t)(digits + sizeof(digits) - p));
    }
}

void res_bool(res_writer *r, int v) {
    res_uint(r, v ? 1 : 0);
}

void res_float(res_writer *r, double v) {
    const chtype *t = res_open(r);
    if (r->fmt != FMT_TSV) {
        uint64_t bits;
        if (t->kind == CT_FLOAT32) {
            float f = (float)v;
            uint32_t b32;
            memcpy(&b32, &f, 4);
            bits = b32;
        } else {
            memcpy(&bits, &v, 8);
        }
        if (r->fmt == FMT_NATIVE) res_nat_le(r, bits, chtype_width(t->kind));
        else rb_write_le(r->w, bits, chtype_width(t->kind));
        return;
    }
    char text[40];
    int n = t->kind == CT_FLOAT32 ? snprintf(text, sizeof(text), "%.9g", (double)(float)v)
                                  : snprintf(text, sizeof(text), "%.17g", v);
    io_write(r->w, text, (size_t)n);
}

/* Date and Date32: the day number at the type's width in binary; as text
 * YYYY-MM-DD, quoted inside a Tuple (ClickHouse reads a Tuple's Date
 * elements only quoted).  The caller range-checks (convert.c): a day the
 * type cannot hold would be cut to its width here. */
void res_date(res_writer *r, int64_t days) {
    const chtype *t = res_open(r);
    if (r->fmt == FMT_ROWBINARY) {
        rb_write_le(r->w, (uint64_t)days, chtype_width(t->kind));
        return;
    }
    if (r->fmt == FMT_NATIVE) {
        res_nat_le(r, (uint64_t)days, chtype_width(t->kind));
        return;
    }
    char text[26];
    size_t n = ts_format_date(days, text + 1);
    if (r->tuple) {
        text[0] = text[n + 1] = '\'';
        io_write(r->w, text, n + 2);
    } else {
        io_write(r->w, text + 1, n);
    }
}

/* DateTime64 as text is written as its raw tick count, unquoted: ClickHouse
 * reads that form the same in every server time zone and for every value
 * (a quoted short number would be taken for a date, a calendar text would
 * be read in the server's zone). */
void res_datetime64(res_writer *r, int64_t ticks) {
    res_open(r);
    if (r->fmt == FMT_ROWBINARY) {
        rb_write_le(r->w, (uint64_t)ticks, 8);
        return;
    }
    if (r->fmt == FMT_NATIVE) {
        res_nat_le(r, (uint64_t)ticks, 8);
        return;
    }
    res_write_i64_text(r->w, ticks);
}

/* ------------------------------------------------- Array and Map */

static void res_list_begin(res_writer *r, char open) {
    res_open(r);
    r->nelems = 0;
    if (r->fmt == FMT_TSV) io_putc(r->w, open);
    else if (r->fmt == FMT_ROWBINARY) buf_clear(&r->elems, RES_NATIVE_BYTES);
}

/* One string of an element: quoted in text, else appended to `col` (Native)
 * or to the held elements (RowBinary).  Native buffers a row written
 * through as well: its offset must precede its elements. */
static void res_list_string(res_writer *r, buf *col, const char *s, size_t n) {
    if (r->fmt == FMT_TSV) tsv_write_quoted(r->w, s, n);
    else res_buf_string(r, r->fmt == FMT_NATIVE ? col : &r->elems, s, n);
}

static void res_list_end(res_writer *r, char close) {
    if (r->fmt == FMT_TSV) {
        io_putc(r->w, close);
    } else if (r->fmt == FMT_ROWBINARY) {
        rb_write_uleb128(r->w, r->nelems);
        io_write(r->w, r->elems.p, r->elems.len);
    } else {
        res_column *c = &r->cols[r->cur];
        c->elements += r->nelems;
        char *p = buf_reserve(&c->offsets, 8);
        for (int i = 0; i < 8; i++) p[i] = (char)(c->elements >> (8 * i));
        c->offsets.len += 8;
        r->bytes += 8;
        if (r->direct) res_native_column_out(r, c, &r->types[r->cur]);
    }
}

void res_array_begin(res_writer *r) {
    res_list_begin(r, '[');
}

void res_array_string(res_writer *r, const char *s, size_t n) {
    if (r->fmt == FMT_TSV && r->nelems) io_putc(r->w, ',');
    res_list_string(r, r->cols ? &r->cols[r->cur].data : NULL, s, n);
    r->nelems++;
}

void res_array_end(res_writer *r) {
    res_list_end(r, ']');
}

void res_map_begin(res_writer *r) {
    res_list_begin(r, '{');
}

void res_map_entry(res_writer *r, const char *k, size_t kn, const char *v, size_t vn) {
    if (r->fmt == FMT_TSV && r->nelems) io_putc(r->w, ',');
    res_list_string(r, r->cols ? &r->cols[r->cur].data : NULL, k, kn);
    if (r->fmt == FMT_TSV) io_putc(r->w, ':');
    res_list_string(r, r->cols ? &r->cols[r->cur].values : NULL, v, vn);
    r->nelems++;
}

void res_map_end(res_writer *r) {
    res_list_end(r, '}');
}

/* Native's NULL: the null-map byte, then the nested type's default value
 * (the column has a value in every row). */
static void res_nat_null(res_writer *r, const chtype *t) {
    res_nat_null_flag(r, 1);
    if (t->kind == CT_STRING) res_nat_string(r, "", 0);
    else res_nat_le(r, 0, chtype_width(t->kind));
}

void res_null(res_writer *r) {
    r->cur = r->field < r->ntypes ? r->field : r->ntypes - 1;
    const chtype *t = &r->types[r->cur];
    if (!t->nullable) {
        switch (t->kind) {
        case CT_STRING: res_string(r, "", 0); return;
        case CT_FLOAT32: case CT_FLOAT64: res_float(r, 0); return;
        case CT_DATE: case CT_DATE32: res_date(r, 0); return;
        case CT_DATETIME64: res_datetime64(r, 0); return;
        case CT_ARRAY_STRING: res_array_begin(r), res_array_end(r); return;
        case CT_MAP_STRING: res_map_begin(r), res_map_end(r); return;
        default:
            if (chtype_is_signed(t->kind)) res_int(r, 0);
            else res_uint(r, 0);
            return;
        }
    }
    if (r->fmt == FMT_ROWBINARY) {
        io_putc(r->w, 1);
    } else if (r->fmt == FMT_NATIVE) {
        res_nat_null(r, t);
    } else {
        if (r->tuple && r->field) io_putc(r->w, ',');
        if (r->tuple) io_write(r->w, "NULL", 4);
        else io_write(r->w, "\\N", 2);
    }
    r->field++;
}
