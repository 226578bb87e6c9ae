/* result.c — encodes result rows in TabSeparated or RowBinary (see result.h). */
#include "result.h"
#include "rowbinary.h"
#include "tsv.h"

#include <inttypes.h>
#include <stdio.h>
#include <string.h>

void res_init(res_writer *r, io_writer *w, fmt_kind fmt, int tuple, const chtype *types, int ntypes) {
    r->w = w;
    r->fmt = fmt;
    r->tuple = tuple;
    r->types = types;
    r->ntypes = ntypes;
    r->field = 0;
}

void res_row_begin(res_writer *r) {
    r->field = 0;
    if (r->fmt == FMT_TSV && r->tuple) io_putc(r->w, '(');
}

int res_row_end(res_writer *r) {
    if (r->fmt == FMT_TSV) {
        if (r->tuple) io_putc(r->w, ')');
        io_putc(r->w, '\n');
    }
    return r->field;
}

/* Starts a non-NULL field: the separator in text, the "not NULL" flag in binary. */
static const chtype *res_open(res_writer *r) {
    const chtype *t = &r->types[r->field < r->ntypes ? r->field : r->ntypes - 1];
    if (r->fmt == FMT_TSV) {
        if (r->tuple && r->field) io_putc(r->w, ',');
    } else if (t->nullable) {
        io_putc(r->w, 0);
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
    char buf[24], *end = buf + sizeof(buf);
    char *p = res_u64_text(v < 0 ? (uint64_t)0 - (uint64_t)v : (uint64_t)v, end);
    if (v < 0) *--p = '-';
    io_write(w, p, (size_t)(end - p));
}

void res_string(res_writer *r, const char *s, size_t n) {
    res_open(r);
    if (r->fmt == FMT_ROWBINARY) rb_write_string(r->w, s, n);
    else if (r->tuple) tsv_write_quoted(r->w, s, n);
    else tsv_write_escaped(r->w, s, n);
}

void res_int(res_writer *r, int64_t v) {
    const chtype *t = res_open(r);
    if (r->fmt == FMT_ROWBINARY) {
        rb_write_le(r->w, (uint64_t)v, chtype_width(t->kind));
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
    char buf[24];
    if (t->kind == CT_BOOL) {
        io_write(r->w, v ? "true" : "false", v ? 4 : 5);
    } else {
        char *p = res_u64_text(v, buf + sizeof(buf));
        io_write(r->w, p, (size_t)(buf + sizeof(buf) - p));
    }
}

void res_bool(res_writer *r, int v) {
    res_uint(r, v ? 1 : 0);
}

void res_float(res_writer *r, double v) {
    const chtype *t = res_open(r);
    if (r->fmt == FMT_ROWBINARY) {
        uint64_t bits;
        if (t->kind == CT_FLOAT32) {
            float f = (float)v;
            uint32_t b32;
            memcpy(&b32, &f, 4);
            bits = b32;
        } else {
            memcpy(&bits, &v, 8);
        }
        rb_write_le(r->w, bits, chtype_width(t->kind));
        return;
    }
    char buf[40];
    int n = t->kind == CT_FLOAT32 ? snprintf(buf, sizeof(buf), "%.9g", (double)(float)v)
                                  : snprintf(buf, sizeof(buf), "%.17g", v);
    io_write(r->w, buf, (size_t)n);
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
    res_write_i64_text(r->w, ticks);
}

void res_null(res_writer *r) {
    const chtype *t = &r->types[r->field < r->ntypes ? r->field : r->ntypes - 1];
    if (!t->nullable) {
        switch (t->kind) {
        case CT_STRING: res_string(r, "", 0); return;
        case CT_FLOAT32: case CT_FLOAT64: res_float(r, 0); return;
        case CT_DATETIME64: res_datetime64(r, 0); return;
        default:
            if (chtype_is_signed(t->kind)) res_int(r, 0);
            else res_uint(r, 0);
            return;
        }
    }
    if (r->fmt == FMT_ROWBINARY) {
        io_putc(r->w, 1);
    } else {
        if (r->tuple && r->field) io_putc(r->w, ',');
        if (r->tuple) io_write(r->w, "NULL", 4);
        else io_write(r->w, "\\N", 2);
    }
    r->field++;
}
