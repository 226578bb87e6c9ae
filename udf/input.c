/* input.c — decodes argument rows from TabSeparated or RowBinary (see input.h). */
#include "input.h"
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
}

void in_free(in_reader *in) {
    io_reader_free(&in->io);
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

int in_read_row(in_reader *in, udf_value *vals) {
    return in->fmt == FMT_TSV ? in_tsv_row(in, vals) : in_rb_row(in, vals);
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
    return 1;
}
