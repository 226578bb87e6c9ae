/* seedq.h — the example queries of a seed (design document), run verbatim.
 *
 * tests/fixtures/seeds/<NNN>/queries.sql holds a seed's example queries as
 * the seed prints them, one after another, each ending with `;`.  A seed's
 * pipeline test runs each one unchanged and compares its result with rows
 * the test computed itself: the same rows in any order (the seed's ORDER BY
 * may tie), numbers equal to 1e-6 (the views round ratios to 6 decimals),
 * arrays as multisets, "*" in the expected rows for any value (now()),
 * everything else byte for byte; then the column the query orders by must
 * be in that order. */
#ifndef CDC_SEEDQ_H
#define CDC_SEEDQ_H

#include <stddef.h>

#include "itest.h"

typedef struct seedq_list {
    char **text;                    /* each query as in the file (comments kept), without the `;` */
    size_t n;
} seedq_list;

/* Reads tests/fixtures/seeds/<seed>/queries.sql; -1 (printed) when it cannot. */
int seedq_load(const char *seed, seedq_list *q);
void seedq_free(seedq_list *q);

/* A string as TabSeparated writes it (\t \n \\ ' escaped). */
void seedq_tsv(itest_buf *b, const char *s);
/* A ratio with 6 decimals, or \N when the denominator is 0. */
void seedq_ratio(itest_buf *b, unsigned long long num, unsigned long long den);

/* Runs `query` (TabSeparated) and compares with `want` (TabSeparated rows)
 * as above; order_col < 0: no order to check.  Fails the running test. */
void seedq_assert(chs_session *s, const char *query, const char *want, int order_col, int descending);

#endif
