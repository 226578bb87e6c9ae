/* native.c — Native block and column headers (see native.h). */
#include "native.h"
#include "rowbinary.h"

#include <stdio.h>
#include <string.h>

int native_read_block_start(io_reader *r, uint64_t *ncolumns, uint64_t *nrows, const char **why) {
    io_mark(r);
    int rc = rb_read_uleb128(r, ncolumns);
    if (rc == 0) return 0;
    if (rc > 0) rc = rb_read_uleb128(r, nrows);
    if (rc <= 0) return *why = "truncated Native block: input ended inside the block header", -1;
    return 1;
}

/* One header string (name or type) of at most `max` bytes, at an offset from the mark. */
static int native_header_string(io_reader *r, size_t max, size_t *off, size_t *n) {
    uint64_t len;
    int rc = rb_read_uleb128(r, &len);
    if (rc <= 0) return -1;
    if (len > max) return -2;
    if (io_need(r, (size_t)len) < len) return -1;
    *off = io_offset(r);
    *n = (size_t)len;
    r->pos += (size_t)len;
    return 1;
}

int native_type_matches(const chtype *want, const char *s, size_t n) {
    chtype got;
    const char *why;
    if (chtype_parse(s, n, &got, &why) < 0) return 0;
    return got.kind == want->kind && got.nullable == want->nullable &&
           (want->kind != CT_DATETIME64 || got.precision == want->precision);
}

int native_read_column_header(io_reader *r, int index, const chtype *want, char *name, size_t namecap, char *err,
                              size_t errcap) {
    size_t name_off, name_n, type_off, type_n;
    io_mark(r);
    int rc = native_header_string(r, NATIVE_MAX_NAME, &name_off, &name_n);
    if (rc > 0) rc = native_header_string(r, NATIVE_MAX_TYPE, &type_off, &type_n);
    if (rc == -2) {
        snprintf(err, errcap, "bad Native block: column %d's name or type name is longer than %d bytes", index + 1,
                 NATIVE_MAX_NAME);
        return -1;
    }
    if (rc < 0) {
        snprintf(err, errcap, "truncated Native block: input ended inside the header of column %d", index + 1);
        return -1;
    }
    snprintf(name, namecap, "%.*s", (int)name_n, io_at(r, name_off));
    if (!native_type_matches(want, io_at(r, type_off), type_n)) {
        char t[96];
        chtype_format(want, t, sizeof(t));
        snprintf(err, errcap, "Native column %d ('%s') has type '%.*s', expected '%s'", index + 1, name,
                 (int)(type_n < 64 ? type_n : 64), io_at(r, type_off), t);
        return -1;
    }
    return 1;
}

void native_write_block_start(io_writer *w, uint64_t ncolumns, uint64_t nrows) {
    rb_write_uleb128(w, ncolumns);
    rb_write_uleb128(w, nrows);
}

void native_write_column_header(io_writer *w, const char *name, const char *type) {
    rb_write_string(w, name, strlen(name));
    rb_write_string(w, type, strlen(type));
}
