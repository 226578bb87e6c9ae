/* corpus.c — test messages and their seeded mutations (corpus.h). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdlib.h>
#include <string.h>

#include "corpus.h"

void corpus_add(corpus *c, const char *s, size_t n) {
    if (c->n == c->cap) {
        c->cap = c->cap ? 2 * c->cap : 256;
        c->msg = realloc(c->msg, c->cap * sizeof(*c->msg));
        c->len = realloc(c->len, c->cap * sizeof(*c->len));
        assert_non_null(c->msg);
        assert_non_null(c->len);
    }
    c->msg[c->n] = malloc(n ? n : 1);
    assert_non_null(c->msg[c->n]);
    memcpy(c->msg[c->n], s, n);
    c->len[c->n++] = n;
}

void corpus_add_one(void *ctx, const char *s, size_t n) {
    corpus_add(ctx, s, n);
}

void corpus_free(corpus *c) {
    for (size_t i = 0; i < c->n; i++) free(c->msg[i]);
    free(c->msg);
    free(c->len);
}

void corpus_mutate(corpus *c, int per_message) {
    static const char bytes[] = {'"', '\\', '{', '}', '[', ']', ',', ':', ' ', '0', 'n', 'u', '/', 'x',
                                 '\x01', '\x7f', '\xc3', '\xe9', '\xff'};
    unsigned seed = 2024;
    size_t originals = c->n;
    char *text = malloc(1 << 20);
    assert_non_null(text);
    for (size_t i = 0; i < originals; i++) {
        size_t n = c->len[i];
        if (n == 0 || n > (1 << 19)) continue;
        for (int k = 0; k < per_message; k++) {
            seed = seed * 1103515245u + 12345u;
            size_t at = (seed >> 8) % n;
            size_t m = n;
            memcpy(text, c->msg[i], n);
            switch ((seed >> 4) % 4) {
            case 0:                                        /* change a byte */
            case 1:
                text[at] = bytes[(seed >> 20) % sizeof bytes];
                break;
            case 2:                                        /* insert two bytes */
                memmove(text + at + 2, text + at, n - at);
                text[at] = bytes[(seed >> 20) % sizeof bytes];
                text[at + 1] = bytes[(seed >> 24) % sizeof bytes];
                m = n + 2;
                break;
            default:                                       /* cut */
                m = at;
                break;
            }
            corpus_add(c, text, m);
        }
    }
    free(text);
}
