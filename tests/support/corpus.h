/* corpus.h — a growing list of test messages and their seeded mutations,
 * for the tests that answer every message two ways and compare
 * (test_fast_slow.c, test_payload_get.c).  Allocation failures are cmocka
 * failures of the calling test. */
#ifndef CDC_TEST_CORPUS_H
#define CDC_TEST_CORPUS_H

#include <stddef.h>

typedef struct corpus {
    char **msg;
    size_t *len;
    size_t n, cap;
} corpus;

/* A copy of [s, s+n). */
void corpus_add(corpus *c, const char *s, size_t n);
/* corpus_add as fixture_each's callback (ctx is the corpus). */
void corpus_add_one(void *ctx, const char *s, size_t n);
void corpus_free(corpus *c);

/* Seeded single-byte changes, two-byte insertions and cuts, per_message of
 * them for every message so far: the same corpus on every run. */
void corpus_mutate(corpus *c, int per_message);

#endif
