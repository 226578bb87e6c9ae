/* buf.h — a growable byte buffer, for the bytes the Native format must hold
 * back: the result columns of a block being built (result.c) and the
 * argument columns that precede the streamed one (input.c).
 *
 * Separate from io.h's buffers because those stand for a file descriptor;
 * these are plain memory that grows (twofold) as bytes are appended, never
 * on a promise, and can give memory back after an oversized block. */
#ifndef CDC_BUF_H
#define CDC_BUF_H

#include <stddef.h>
#include <stdint.h>
#include <string.h>

typedef struct buf {
    char *p;
    size_t len, cap;
} buf;

static inline void buf_init(buf *b) { b->p = NULL, b->len = b->cap = 0; }
void buf_free(buf *b);
/* The slow path of buf_reserve: grows the buffer. */
char *buf_grow(buf *b, size_t n);
/* Make room for n more bytes; returns where they go (commit with len += n). */
static inline char *buf_reserve(buf *b, size_t n) {
    return b->cap - b->len >= n ? b->p + b->len : buf_grow(b, n);
}
static inline void buf_put(buf *b, const void *p, size_t n) {
    if (b->cap - b->len < n) buf_grow(b, n);
    if (n) memcpy(b->p + b->len, p, n);
    b->len += n;
}
static inline void buf_putc(buf *b, char c) {
    if (b->cap == b->len) buf_grow(b, 1);
    b->p[b->len++] = c;
}
/* Empty it; memory beyond `keep` bytes of capacity is released. */
void buf_clear(buf *b, size_t keep);

#endif
