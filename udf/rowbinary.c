/* rowbinary.c — RowBinary values (see rowbinary.h). */
#include "rowbinary.h"

#include <string.h>

int rb_read_uleb128(io_reader *r, uint64_t *v) {
    uint64_t x = 0;
    for (int i = 0; i < 10; i++) {
        if (io_need(r, 1) < 1) return i == 0 ? 0 : -1;
        unsigned char b = (unsigned char)r->buf[r->pos++];
        x |= (uint64_t)(b & 0x7f) << (7 * i);
        if (!(b & 0x80)) {
            *v = x;
            return 1;
        }
    }
    return -1;  /* more than 10 bytes: not a valid 64-bit LEB128 */
}

int rb_read_string(io_reader *r, size_t *off, size_t *n) {
    uint64_t len;
    int rc = rb_read_uleb128(r, &len);
    if (rc <= 0) return rc;
    if (len > SIZE_MAX / 2 || io_need(r, (size_t)len) < len) return -1;
    *off = io_offset(r);
    *n = (size_t)len;
    r->pos += (size_t)len;
    return 1;
}

int rb_read_fixed(io_reader *r, void *dst, size_t n) {
    size_t have = io_need(r, n);
    if (have < n) return have == 0 ? 0 : -1;
    memcpy(dst, r->buf + r->pos, n);
    r->pos += n;
    return 1;
}

void rb_write_uleb128(io_writer *w, uint64_t v) {
    io_commit(w, rb_uleb128_encode(io_reserve(w, 10), v));
}

void rb_write_string(io_writer *w, const char *s, size_t n) {
    rb_write_uleb128(w, n);
    io_write(w, s, n);
}

void rb_write_le(io_writer *w, uint64_t v, int bytes) {
    char *p = io_reserve(w, 8);
    for (int i = 0; i < bytes; i++) p[i] = (char)(v >> (8 * i));
    io_commit(w, (size_t)bytes);
}
