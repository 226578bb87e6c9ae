/* seedq.c — a seed's example queries, run verbatim and compared (see seedq.h). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "seedq.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "chsession.h"
#include "pipeline.h"

/* A statement of only comments and blanks: the text after a seed's last query. */
static int seedq_is_comment(const char *s) {
    while (*s) {
        if (*s == '-' && s[1] == '-') s += strcspn(s, "\n");
        else if (*s == ' ' || *s == '\t' || *s == '\n' || *s == '\r') s++;
        else return 0;
    }
    return 1;
}

static int seedq_add(void *ctx, const char *stmt) {
    seedq_list *q = ctx;
    if (seedq_is_comment(stmt)) return 0;
    char **grown = realloc(q->text, (q->n + 1) * sizeof(*q->text));
    if (!grown) return -1;
    q->text = grown;
    q->text[q->n] = strdup(stmt);
    return q->text[q->n++] ? 0 : -1;
}

int seedq_load(const char *seed, seedq_list *q) {
    char path[4096];
    snprintf(path, sizeof(path), "%s/tests/fixtures/seeds/%s/queries.sql", SOURCE_DIR, seed);
    memset(q, 0, sizeof(*q));
    char *text = pipeline_read(path);
    int rc = chs_split_sql(text, seedq_add, q);
    free(text);
    if (rc || q->n == 0) fprintf(stderr, "%s: no queries read\n", path);
    return rc || q->n == 0 ? -1 : 0;
}

void seedq_free(seedq_list *q) {
    for (size_t i = 0; i < q->n; i++) free(q->text[i]);
    free(q->text);
    memset(q, 0, sizeof(*q));
}

void seedq_tsv(itest_buf *b, const char *s) {
    for (; *s; s++) {
        if (*s == '\t') itest_buf_puts(b, "\\t");
        else if (*s == '\n') itest_buf_puts(b, "\\n");
        else if (*s == '\\') itest_buf_puts(b, "\\\\");
        else if (*s == '\'') itest_buf_puts(b, "\\'");
        else itest_buf_putc(b, *s);
    }
}

void seedq_ratio(itest_buf *b, unsigned long long num, unsigned long long den) {
    if (den) itest_buf_printf(b, "%.6f", (double)num / (double)den);
    else itest_buf_puts(b, "\\N");
}

static int seedq_number(const char *s, double *d) {
    char *end;
    if (!*s) return 0;
    *d = strtod(s, &end);
    return *end == 0;
}

static int seedq_str_cmp(const void *a, const void *b) { return strcmp(*(char *const *)a, *(char *const *)b); }

/* "[3,1,2]" as its sorted elements, joined by ',' (malloc'd). */
static char *seedq_sorted_array(const char *s) {
    size_t n = strlen(s), k = 0;
    char *copy = strdup(s), **items = malloc((n + 1) * sizeof(*items)), *out = malloc(n + 1);
    assert_true(copy && items && out);
    copy[n - 1] = 0;   /* the closing bracket */
    for (char *tok = strtok(copy + 1, ","); tok; tok = strtok(NULL, ",")) items[k++] = tok;
    qsort(items, k, sizeof(*items), seedq_str_cmp);
    out[0] = 0;
    for (size_t i = 0; i < k; i++) {
        if (i) strcat(out, ",");
        strcat(out, items[i]);
    }
    free(copy);
    free(items);
    return out;
}

/* Numbers to 1e-6; arrays as multisets (groupArray's order is the parts'
 * order); "*" in `want`: any value (now(), times the test cannot know). */
static int seedq_cells_equal(const char *got, const char *want) {
    double g, w;
    if (!strcmp(want, "*")) return 1;
    if (seedq_number(got, &g) && seedq_number(want, &w)) return fabs(g - w) <= 1.000001e-6;
    if (got[0] == '[' && want[0] == '[' && got[strlen(got) - 1] == ']' && want[strlen(want) - 1] == ']') {
        char *a = seedq_sorted_array(got), *b = seedq_sorted_array(want);
        int same = !strcmp(a, b);
        free(a);
        free(b);
        return same;
    }
    return strcmp(got, want) == 0;
}

static const itest_table *seedq_sort_table;

static int seedq_row_cmp(const void *a, const void *b) {
    const itest_table *t = seedq_sort_table;
    size_t ra = *(const size_t *)a, rb = *(const size_t *)b;
    for (size_t c = 0; c < t->ncols; c++) {
        int d = strcmp(t->cell[ra * t->ncols + c], t->cell[rb * t->ncols + c]);
        if (d) return d;
    }
    return 0;
}

/* Row indexes sorted by the first column (then the rest): the rows as a set. */
static size_t *seedq_sorted(const itest_table *t) {
    size_t *idx = malloc((t->nrows + 1) * sizeof(*idx));
    assert_non_null(idx);
    for (size_t i = 0; i < t->nrows; i++) idx[i] = i;
    seedq_sort_table = t;
    qsort(idx, t->nrows, sizeof(*idx), seedq_row_cmp);
    return idx;
}

static void seedq_assert_order(const itest_table *t, int col, int descending, const char *query) {
    double prev = 0, v;
    int have = 0;
    for (size_t r = 0; r < t->nrows; r++) {
        const char *cell = t->cell[r * t->ncols + (size_t)col];
        if (!strcmp(cell, "\\N") || !strcmp(cell, "N")) continue;   /* NULLs: not ordered among the values */
        if (!seedq_number(cell, &v)) {
            /* dates: ISO text orders as it compares */
            if (r > 0 && have) {
                int d = strcmp(cell, t->cell[(r - 1) * t->ncols + (size_t)col]);
                if (descending ? d > 0 : d < 0) fail_msg("row %zu out of order in:\n%s", r, query);
            }
            have = 1;
            continue;
        }
        if (have && (descending ? v > prev : v < prev)) fail_msg("row %zu out of order (%g after %g) in:\n%s", r, v, prev, query);
        prev = v;
        have = 1;
    }
}

void seedq_assert(chs_session *s, const char *query, const char *want_text, int order_col, int descending) {
    itest_table *got = itest_query_table(s, "%s", query);
    itest_table *want = itest_parse_tsv(want_text, strlen(want_text));
    assert_non_null(want);
    if (got->nrows != want->nrows || (got->nrows && got->ncols != want->ncols))
        fail_msg("%zu rows x %zu columns, want %zu x %zu, from:\n%s", got->nrows, got->ncols, want->nrows, want->ncols, query);
    size_t *gi = seedq_sorted(got), *wi = seedq_sorted(want);
    for (size_t r = 0; r < got->nrows; r++)
        for (size_t c = 0; c < got->ncols; c++) {
            const char *g = got->cell[gi[r] * got->ncols + c], *w = want->cell[wi[r] * want->ncols + c];
            if (!seedq_cells_equal(g, w)) fail_msg("row %s column %zu: got '%s', want '%s', from:\n%s", got->cell[gi[r] * got->ncols], c, g, w, query);
        }
    if (order_col >= 0) seedq_assert_order(got, order_col, descending, query);
    free(gi);
    free(wi);
    itest_table_free(got);
    itest_table_free(want);
}
