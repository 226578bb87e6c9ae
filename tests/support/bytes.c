/* bytes.c — the tests' byte buffer and byte cursor (see bytes.h). */
#include "bytes.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "rowbinary.h"

/* Room for `extra` more bytes and the terminating NUL. */
static void tb_reserve(tbuf *b, size_t extra) {
    if (b->n + extra + 1 <= b->cap) return;
    size_t cap = b->cap ? b->cap : 256;
    while (cap < b->n + extra + 1) cap *= 2;
    char *p = realloc(b->p, cap);
    if (!p) {
        fprintf(stderr, "test support: out of memory (%zu bytes)\n", cap);
        abort();
    }
    b->p = p;
    b->cap = cap;
}

void tb_put(tbuf *b, const void *s, size_t n) {
    tb_reserve(b, n);
    if (n) memcpy(b->p + b->n, s, n);
    b->n += n;
    b->p[b->n] = 0;
}

void tb_puts(tbuf *b, const char *s) { tb_put(b, s, strlen(s)); }

void tb_putc(tbuf *b, char c) { tb_put(b, &c, 1); }

void tb_vprintf(tbuf *b, const char *fmt, va_list ap) {
    va_list again;
    va_copy(again, ap);
    int n = vsnprintf(NULL, 0, fmt, ap);
    if (n < 0) abort();
    tb_reserve(b, (size_t)n);
    vsnprintf(b->p + b->n, (size_t)n + 1, fmt, again);
    va_end(again);
    b->n += (size_t)n;
}

void tb_printf(tbuf *b, const char *fmt, ...) {
    va_list ap;
    va_start(ap, fmt);
    tb_vprintf(b, fmt, ap);
    va_end(ap);
}

void tb_le(tbuf *b, uint64_t v, int width) {
    for (int i = 0; i < width; i++) tb_putc(b, (char)(v >> (8 * i)));
}

void tb_leb128(tbuf *b, uint64_t v) {
    char p[10];
    tb_put(b, p, rb_uleb128_encode(p, v));
}

void tb_rb_string(tbuf *b, const void *s, size_t n) {
    tb_leb128(b, n);
    tb_put(b, s, n);
}

int tb_lines(const tbuf *b) {
    int n = 0;
    for (size_t i = 0; i < b->n; i++) n += b->p[i] == '\n';
    return n;
}

void tb_clear(tbuf *b) {
    b->n = 0;
    if (b->p) b->p[0] = 0;
}

void tb_free(tbuf *b) {
    free(b->p);
    b->p = NULL;
    b->n = b->cap = 0;
}

char *tb_take(tbuf *b) {
    if (!b->p) tb_put(b, "", 0);
    char *p = b->p;
    b->p = NULL;
    b->n = b->cap = 0;
    return p;
}

uint64_t tc_leb128(tcursor *c) {
    uint64_t v = 0;
    for (int shift = 0; c->ok && shift < 64; shift += 7) {
        if (c->p >= c->end) break;
        unsigned char b = *c->p++;
        v |= (uint64_t)(b & 0x7f) << shift;
        if (!(b & 0x80)) return v;
    }
    c->ok = 0;
    return 0;
}

const unsigned char *tc_take(tcursor *c, uint64_t n) {
    if (!c->ok || (uint64_t)(c->end - c->p) < n) return c->ok = 0, (const unsigned char *)NULL;
    const unsigned char *at = c->p;
    c->p += n;
    return at;
}

const char *tc_rb_string(tcursor *c, size_t *n) {
    uint64_t len = tc_leb128(c);
    const unsigned char *s = tc_take(c, len);
    *n = s ? (size_t)len : 0;
    return (const char *)s;
}

uint64_t tc_le(tcursor *c, int width) {
    const unsigned char *b = tc_take(c, (uint64_t)width);
    uint64_t v = 0;
    for (int i = width - 1; b && i >= 0; i--) v = v << 8 | b[i];
    return v;
}
