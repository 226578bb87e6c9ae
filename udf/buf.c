/* buf.c — growable byte buffer (see buf.h). */
#include "buf.h"
#include "fatal.h"

#include <stdlib.h>

#define BUF_MIN_CAP 4096

void buf_free(buf *b) {
    free(b->p);
    buf_init(b);
}

char *buf_grow(buf *b, size_t n) {
    if (b->cap - b->len >= n) return b->p + b->len;
    if (n > SIZE_MAX / 2 - b->len) fatal_exit(EXIT_NOMEM, "out of memory: a buffer of more than %zu bytes", SIZE_MAX / 2);
    size_t cap = b->cap ? b->cap : BUF_MIN_CAP;
    while (cap < b->len + n) cap *= 2;
    char *np = realloc(b->p, cap);
    if (!np) fatal_exit(EXIT_NOMEM, "out of memory growing a buffer to %zu bytes", cap);
    b->p = np;
    b->cap = cap;
    return b->p + b->len;
}

void buf_clear(buf *b, size_t keep) {
    b->len = 0;
    if (b->cap > keep) buf_free(b);
}
