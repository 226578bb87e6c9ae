/* input.c — decodes argument rows from TabSeparated, RowBinary or Native (see input.h). */
#include "input.h"
#include "native.h"
#include "rowbinary.h"
#include "timestamp.h"
#include "tsv.h"

#include <stdio.h>
#include <string.h>

void in_init(in_reader *in, int fd, fmt_kind fmt, const chtype *types, int ntypes) {
    io_reader_init(&in->io, fd);
    in->fmt = fmt;
    in->types = types;
    in->ntypes = ntypes;
    in->need_newline = 0;
    in->error = NULL;
    memset(&in->native, 0, sizeof(in->native));
    in->native.chunk_left = UINT64_MAX;
}

void in_free(in_reader *in) {
    io_reader_free(&in->io);
    buf_free(&in->native.held);
    buf_free(&in->native.cells);
    buf_free(&in->native.nulls);
}

static int in_fail(in_reader *in, const char *why) {
    in->error = why;
    return -1;
}

/* A DateTime64 argument in text: ClickHouse writes it as a calendar time in
 * the argument's declared zone (we declare 'UTC'), or it may be an epoch. */
static int in_text_datetime(in_reader *in, const chtype *t, udf_value *v) {
    const char *why;
    if (ts_parse(v->s, v->n, t->precision, &v->ticks, &why) < 0) {
        snprintf(in->error_buf, sizeof(in->error_buf), "bad DateTime64 argument '%.*s': %s", (int)(v->n < 40 ? v->n : 40), v->s, why);
        return in_fail(in, in->error_buf);
    }
    return 0;
}

/* TabSeparated: one line, fields split on tabs, unescaped in place. */
static int in_tsv_row(in_reader *in, udf_value *vals) {
    io_reader *r = &in->io;
    io_mark(r);
    long nl = io_find_newline(r);
    size_t len;
    if (nl < 0) {
        len = r->len - r->pos;  /* last line without '\n': accepted, typed by hand */
        if (len == 0) return 0;
        if (in->need_newline) return in_fail(in, "truncated TabSeparated row: input ended before its newline");
    } else {
        len = (size_t)nl;
    }
    char *line = r->buf + r->pos;
    r->pos += len + (nl >= 0);
    char *p = line, *end = line + len;
    for (int i = 0; i < in->ntypes; i++) {
        int last = i + 1 == in->ntypes;
        char *tab = memchr(p, '\t', (size_t)(end - p));
        if (!last && !tab) {
            snprintf(in->error_buf, sizeof(in->error_buf), "row has %d field(s), expected %d", i + 1, in->ntypes);
            return in_fail(in, in->error_buf);
        }
        if (last && tab) {
            snprintf(in->error_buf, sizeof(in->error_buf), "row has more than %d field(s)", in->ntypes);
            return in_fail(in, in->error_buf);
        }
        char *fe = last ? end : tab;
        udf_value *v = &vals[i];
        v->is_null = in->types[i].nullable && tsv_is_null(p, (size_t)(fe - p));
        v->s = p;
        v->n = v->is_null ? 0 : tsv_unescape(p, (size_t)(fe - p));
        if (!v->is_null && in->types[i].kind == CT_DATETIME64 && in_text_datetime(in, &in->types[i], v) < 0) return -1;
        p = fe + 1;
    }
    return 1;
}

static int in_rb_value(in_reader *in, const chtype *t, udf_value *v, size_t *off) {
    io_reader *r = &in->io;
    int rc;
    v->is_null = 0;
    if (t->nullable) {
        unsigned char flag;
        if ((rc = rb_read_fixed(r, &flag, 1)) <= 0) return rc;
        if (flag) {
            v->is_null = 1;
            v->n = 0;
            *off = 0;
            return 1;
        }
    }
    if (t->kind == CT_DATETIME64) {
        unsigned char b[8];
        if ((rc = rb_read_fixed(r, b, 8)) <= 0) return t->nullable ? -1 : rc;
        uint64_t u = 0;
        for (int i = 7; i >= 0; i--) u = u << 8 | b[i];
        v->ticks = (int64_t)u;
        *off = 0;
        v->n = 0;
        return 1;
    }
    rc = rb_read_string(r, off, &v->n);
    return rc == 0 && t->nullable ? -1 : rc;
}

/* RowBinary: values back to back; a value cut short is a framing error. */
static int in_rb_row(in_reader *in, udf_value *vals) {
    size_t offs[UDF_MAX_ARGS];
    io_mark(&in->io);
    for (int i = 0; i < in->ntypes; i++) {
        int rc = in_rb_value(in, &in->types[i], &vals[i], &offs[i]);
        if (rc == 0 && i == 0) return 0;
        if (rc <= 0) {
            snprintf(in->error_buf, sizeof(in->error_buf), "truncated RowBinary row: input ended inside argument %d", i + 1);
            return in_fail(in, in->error_buf);
        }
    }
    /* Pointers resolved only now: reading a later value may have moved the buffer. */
    for (int i = 0; i < in->ntypes; i++)
        if (in->types[i].kind == CT_STRING && !vals[i].is_null) vals[i].s = io_at(&in->io, offs[i]);
    return 1;
}

/* ------------------------------------------------------------- Native */

/* Where one value of a held (earlier) column is. */
typedef struct in_cell {
    size_t off, n;        /* String: bytes at held.p + off */
    int64_t ticks;        /* fixed-width: the value */
    int is_null;
} in_cell;

/* Held memory beyond this is given back after the block that needed it. */
#define IN_NATIVE_KEEP (1u << 20)
/* Null maps are read in pieces of this size. */
#define IN_NATIVE_PIECE (64u * 1024)

/* row < 0: in the column's null map. */
static int in_native_cut(in_reader *in, int col, const char *name, int64_t row) {
    if (row < 0)
        snprintf(in->error_buf, sizeof(in->error_buf),
                 "truncated Native block: input ended inside the null map of column %d ('%s')", col + 1, name);
    else
        snprintf(in->error_buf, sizeof(in->error_buf),
                 "truncated Native block: input ended inside column %d ('%s') at row %llu of %llu", col + 1, name,
                 (unsigned long long)row + 1, (unsigned long long)in->native.rows);
    return in_fail(in, in->error_buf);
}

/* n bytes appended to dst as they arrive (a row count claiming billions
 * costs memory only as the bytes come).  0 = done, -1 = input ended first. */
static int in_native_bytes(io_reader *r, buf *dst, uint64_t n) {
    while (n) {
        size_t want = n < IN_NATIVE_PIECE ? (size_t)n : IN_NATIVE_PIECE;
        io_mark(r);
        size_t have = io_need(r, want);
        if (have == 0) return -1;
        if (have > want) have = want;
        buf_put(dst, r->buf + r->pos, have);
        r->pos += have;
        n -= have;
    }
    return 0;
}

/* A fixed-width little-endian value, sign-extended for signed kinds. */
static int64_t in_le(const unsigned char *b, int width, int is_signed) {
    uint64_t u = 0;
    for (int i = width - 1; i >= 0; i--) u = u << 8 | b[i];
    if (is_signed && width < 8 && (u >> (8 * width - 1)) & 1) u |= ~(uint64_t)0 << (8 * width);
    return (int64_t)u;
}

/* One value of a Native column at the read position: a String's bytes stay
 * at *off from the mark; a fixed-width value goes to *ticks.  1, or -1 cut. */
static int in_native_value(io_reader *r, const chtype *t, size_t *off, size_t *n, int64_t *ticks) {
    int width = chtype_width(t->kind);
    io_mark(r);
    if (width == 0) return rb_read_string(r, off, n) > 0 ? 1 : -1;
    unsigned char b[8];
    if (rb_read_fixed(r, b, (size_t)width) <= 0) return -1;
    *ticks = in_le(b, width, chtype_is_signed(t->kind) || t->kind == CT_DATETIME64);
    *n = 0;
    return 1;
}

/* An earlier column, held whole for the block (see input.h). */
static int in_native_hold(in_reader *in, int col, const char *name) {
    io_reader *r = &in->io;
    in_native *nat = &in->native;
    const chtype *t = &in->types[col];
    /* Its null map borrows `nulls` (empty until the last column's) for the column's time. */
    if (t->nullable && in_native_bytes(r, &nat->nulls, nat->rows) < 0) return in_native_cut(in, col, name, -1);
    for (uint64_t row = 0; row < nat->rows; row++) {
        in_cell c = {nat->held.len, 0, 0, 0};
        int ok;
        if (chtype_width(t->kind) == 0) {
            /* Straight into held, piece by piece: the read buffer does not
             * grow for a held value (a 64 MB one costs 64 MB, not twice). */
            uint64_t len;
            io_mark(r);
            ok = rb_read_uleb128(r, &len) > 0 && in_native_bytes(r, &nat->held, len) == 0;
            c.n = nat->held.len - c.off;
        } else {
            size_t off;
            ok = in_native_value(r, t, &off, &c.n, &c.ticks) > 0;
        }
        if (!ok) return in_native_cut(in, col, name, (int64_t)row);
        c.is_null = t->nullable && nat->nulls.p[row];
        buf_put(&nat->cells, &c, sizeof(c));
    }
    nat->nulls.len = 0;
    return 1;
}

/* The next block's header, its earlier columns held, and the last column's
 * header and null map.  1 = ready (maybe 0 rows), 0 = clean end, -1. */
static int in_native_block(in_reader *in) {
    in_native *nat = &in->native;
    uint64_t ncols, nrows;
    const char *why;
    int rc = native_read_block_start(&in->io, &ncols, &nrows, &why);
    if (rc <= 0) return rc < 0 ? in_fail(in, why) : 0;
    if (ncols != (uint64_t)in->ntypes) {
        snprintf(in->error_buf, sizeof(in->error_buf), "Native block has %llu column(s), expected %d (the function's arguments)",
                 (unsigned long long)ncols, in->ntypes);
        return in_fail(in, in->error_buf);
    }
    if (nrows > nat->chunk_left) {
        snprintf(in->error_buf, sizeof(in->error_buf), "Native block of %llu rows, but its chunk header announced only %llu more",
                 (unsigned long long)nrows, (unsigned long long)nat->chunk_left);
        return in_fail(in, in->error_buf);
    }
    nat->rows = nrows;
    nat->row = 0;
    buf_clear(&nat->held, IN_NATIVE_KEEP);
    buf_clear(&nat->cells, IN_NATIVE_KEEP);
    buf_clear(&nat->nulls, IN_NATIVE_KEEP);
    for (int col = 0; col < in->ntypes; col++) {
        char name[sizeof(nat->last_name)];
        if (native_read_column_header(&in->io, col, &in->types[col], name, sizeof(name), in->error_buf,
                                      sizeof(in->error_buf)) < 0)
            return in_fail(in, in->error_buf);
        if (col + 1 < in->ntypes) {
            if (in_native_hold(in, col, name) < 0) return -1;
        } else {
            memcpy(nat->last_name, name, sizeof(name));
            if (in->types[col].nullable && in_native_bytes(&in->io, &nat->nulls, nrows) < 0)
                return in_native_cut(in, col, name, -1);
        }
    }
    return 1;
}

/* A row: the held columns' values, then the last column's value read now. */
static int in_native_row(in_reader *in, udf_value *vals) {
    in_native *nat = &in->native;
    while (nat->row == nat->rows) {
        int rc = in_native_block(in);
        if (rc <= 0) return rc;
    }
    int last = in->ntypes - 1;
    const in_cell *cells = (const in_cell *)nat->cells.p;
    for (int col = 0; col < last; col++) {
        const in_cell *c = &cells[(uint64_t)col * nat->rows + nat->row];
        vals[col] = (udf_value){c->is_null, nat->held.p ? nat->held.p + c->off : "", c->n, c->ticks};
    }
    size_t off = 0;
    udf_value *v = &vals[last];
    v->ticks = 0;
    if (in_native_value(&in->io, &in->types[last], &off, &v->n, &v->ticks) < 0)
        return in_native_cut(in, last, nat->last_name, (int64_t)nat->row);
    v->s = v->n ? io_at(&in->io, off) : "";
    v->is_null = in->types[last].nullable && nat->nulls.p[nat->row];
    nat->row++;
    if (nat->chunk_left != UINT64_MAX) nat->chunk_left--;
    return 1;
}

int in_read_row(in_reader *in, udf_value *vals) {
    switch (in->fmt) {
    case FMT_TSV: return in_tsv_row(in, vals);
    case FMT_ROWBINARY: return in_rb_row(in, vals);
    case FMT_NATIVE: return in_native_row(in, vals);
    }
    return in_fail(in, "unknown format");
}

int in_read_chunk_header(in_reader *in, uint64_t *rows) {
    io_reader *r = &in->io;
    io_mark(r);
    long nl = io_find_newline(r);
    if (nl < 0) {
        if (r->len == r->pos) return 0;
        return in_fail(in, "input ended inside a chunk header");
    }
    const char *p = r->buf + r->pos;
    uint64_t n = 0;
    if (nl == 0 || nl > 19) return in_fail(in, "bad chunk header: expected a row count and a newline");
    for (long i = 0; i < nl; i++) {
        if (p[i] < '0' || p[i] > '9') return in_fail(in, "bad chunk header: expected a row count and a newline");
        n = n * 10 + (uint64_t)(p[i] - '0');
    }
    r->pos += (size_t)nl + 1;
    *rows = n;
    if (in->fmt == FMT_NATIVE) in->native.chunk_left = n;
    return 1;
}
