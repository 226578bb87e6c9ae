/* test_jsonidx.c — stage 1 (udf/jsonidx.h): every kernel gives the same answers.
 *
 * Two kinds of evidence.  The token stream of each kernel is compared with
 * a byte-at-a-time reading of the same definition (what a token is, which
 * bytes an odd run of backslashes escapes) on random text built from the
 * bytes that matter, at every alignment.  Then the whole scanner is run on
 * the same documents under every level this CPU has and under "off" (the
 * byte walker alone, the reference), and json_answers.h's text — verdicts,
 * error messages and offsets, picks, lookups — must be identical: the
 * JSONTestSuite, the Debezium fixtures and thousands of mutations of them,
 * and generated documents dense in escapes, UTF-8 and nesting.  The index
 * counters prove the index path ran and was not just given up. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "arena.h"
#include "files.h"
#include "json.h"
#include "json_answers.h"
#include "jsonidx.h"
#include "rng.h"

#ifndef JSON_TEST_SUITE_DIR
#define JSON_TEST_SUITE_DIR "../shared/data/json-test-suite/test_parsing"
#endif
#ifndef FIXTURES_DIR
#define FIXTURES_DIR "tests/fixtures"
#endif

static jidx_level levels[JIDX_NLEVELS];
static int nlevels;

static int setup(void **state) {
    (void)state;
    for (int l = 0; l < JIDX_NLEVELS; l++)
        if (jidx_level_supported((jidx_level)l)) levels[nlevels++] = (jidx_level)l;
    return 0;
}

/* ------------------------------------------------------------ the tokens */

static int is_ws(unsigned char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; }
static int is_op(unsigned char c) { return c && strchr("{}[],:", c) != NULL; }

/* The definition, one byte at a time: offsets of the tokens of [p, p+n). */
static size_t ref_tokens(const char *p, size_t n, uint32_t *out) {
    size_t k = 0;
    int in_str = 0, escaped = 0, other = 0;
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)p[i];
        int esc_here = escaped;
        escaped = c == '\\' && !esc_here;
        if (in_str) {
            if (c == '"' && !esc_here) in_str = 0, out[k++] = (uint32_t)i;
            continue;
        }
        if (c == '"' && !esc_here) {
            in_str = 1, other = 0, out[k++] = (uint32_t)i;
        } else if (is_ws(c)) {
            other = 0;
        } else if (is_op(c)) {
            other = 0, out[k++] = (uint32_t)i;
        } else {
            if (!other) out[k++] = (uint32_t)i;
            other = 1;
        }
    }
    return k;
}

static void test_tokens_random(void **state) {
    (void)state;
    static const char alphabet[] = "{}[],:\"\"\" a1-e./";   /* no control byte: inside a string it gives up */
    trng r = {42};
    char *buf = malloc(700);
    uint32_t *want = malloc(sizeof(uint32_t) * 700);
    int compared = 0;
    for (int iter = 0; iter < 20000; iter++) {
        size_t n = (size_t)trng_below(&r, 600) + 1;
        for (size_t i = 0; i < n; i++) {
            if (trng_pct(&r, 8) && i + 6 < n) {     /* a run of backslashes and what it escapes */
                for (int b = (int)trng_below(&r, 4); b >= 0; b--) buf[i++] = '\\';
                buf[i] = "\"\"/nt\\"[trng_below(&r, 5)];
            } else if (trng_pct(&r, 3)) {           /* a valid two-byte UTF-8 character */
                if (i + 1 < n) buf[i++] = (char)0xC3, buf[i] = (char)0xA9;
                else buf[i] = 'x';
            } else {
                buf[i] = alphabet[trng_below(&r, sizeof(alphabet) - 1)];
            }
        }
        char *p = malloc(n);   /* exactly n bytes: ASan sees a read past the end */
        memcpy(p, buf, n);
        size_t nw = ref_tokens(p, n, want);
        for (int li = 0; li < nlevels; li++) {
            assert_int_equal(jidx_use(levels[li]), 0);
            jidx_stream s;
            jidx_cursor cur = {0, NULL};
            jidx_begin(&s, p, p + n);
            size_t k = 0;
            const char *t;
            while ((t = jidx_take(&s, &cur)) != NULL) {
                if (k >= nw || (size_t)(t - p) != want[k])
                    fail_msg("iteration %d, %s: token %zu at %td, expected %s%u", iter, jidx_level_name(levels[li]), k,
                             t - p, k < nw ? "" : "none, ", k < nw ? want[k] : 0);
                k++;
            }
            if (s.give_up) continue;   /* an escape stage 1 leaves to the byte walker, e.g. \a */
            if (k != nw) fail_msg("iteration %d, %s: %zu tokens, expected %zu", iter, jidx_level_name(levels[li]), k, nw);
            compared++;
        }
        free(p);
    }
    free(buf);
    free(want);
    print_message("%d token streams equal to the definition (%d levels)\n", compared, nlevels);
    assert_true(compared > 4000 * nlevels);
}

/* ----------------------------------------------------------- the answers */

static json_answers reference, answer;
static arena scratch;

/* Every level answers [p, p+n) as "off" does. */
static void same_answers(const char *what, const char *p, size_t n) {
    assert_int_equal(jidx_use(JIDX_OFF), 0);
    json_answers_of(&reference, p, n, &scratch);
    for (int li = 0; li < nlevels; li++) {
        assert_int_equal(jidx_use(levels[li]), 0);
        json_answers_of(&answer, p, n, &scratch);
        if (answer.n != reference.n || memcmp(answer.text, reference.text, answer.n) != 0)
            fail_msg("%s (%zu bytes), %s: answers differ\n--- off:\n%.2000s\n--- %s:\n%.2000s", what, n,
                     jidx_level_name(levels[li]), reference.text, jidx_level_name(levels[li]), answer.text);
    }
}

/* The document at a few alignments: exactly sized, with whitespace around. */
static void same_answers_aligned(const char *what, const char *doc, size_t n) {
    for (size_t pad = 0; pad < 3; pad++) {
        size_t lead = pad * 21, tail = pad * 5;
        char *p = malloc(lead + n + tail + 1);
        memset(p, ' ', lead);
        memcpy(p + lead, doc, n);
        memset(p + lead + n, pad == 2 ? '\n' : ' ', tail);
        same_answers(what, p, lead + n + tail);
        free(p);
    }
}

static void index_ran(const char *what, unsigned long w0, unsigned long g0, unsigned long min_done) {
    unsigned long w, g;
    json_index_counts(&w, &g);
    print_message("%s: %lu walks by the index, %lu gave up to the byte walk\n", what, w - w0, g - g0);
    assert_true((w - w0) - (g - g0) >= min_done);
}

static void test_suite_same(void **state) {
    (void)state;
    DIR *d = opendir(JSON_TEST_SUITE_DIR);
    if (!d) {
        const char *ci = getenv("CI");
        if (ci && !strcmp(ci, "true")) fail_msg("cannot open %s (required when CI=true)", JSON_TEST_SUITE_DIR);
        print_message("SKIPPED: JSONTestSuite: %s is absent\n", JSON_TEST_SUITE_DIR);
        skip();
    }
    unsigned long w0, g0;
    json_index_counts(&w0, &g0);
    struct dirent *e;
    int files = 0;
    while ((e = readdir(d)) != NULL) {
        if (e->d_name[0] == '.' || !strstr(e->d_name, ".json")) continue;
        char path[4096];
        snprintf(path, sizeof path, "%s/%s", JSON_TEST_SUITE_DIR, e->d_name);
        size_t n;
        char *p = tfile_read(path, &n);
        assert_non_null(p);
        same_answers_aligned(e->d_name, p, n);
        free(p);
        files++;
    }
    closedir(d);
    print_message("JSONTestSuite: %d files, the same answers at every level\n", files);
    assert_true(files > 300);
    index_ran("JSONTestSuite", w0, g0, 50);
}

/* One random edit of a document: a byte replaced, inserted or removed. */
static size_t mutate(trng *r, char *p, size_t n, size_t cap) {
    static const char bytes[] = "\"\\{}[],: \x01\xc3\xa9\xff/u0e-.ntf";
    size_t at = n ? (size_t)trng_below(r, n) : 0;
    char c = bytes[trng_below(r, sizeof(bytes) - 1)];
    switch (trng_below(r, 3)) {
    case 0:
        if (n) p[at] = c;
        return n;
    case 1:
        if (n + 1 > cap) return n;
        memmove(p + at + 1, p + at, n - at);
        p[at] = c;
        return n + 1;
    default:
        if (!n) return n;
        memmove(p + at, p + at + 1, n - at - 1);
        return n - 1;
    }
}

static int fixture_paths(const char *dir, char paths[][512], int max, int n) {
    DIR *d = opendir(dir);
    if (!d) return n;
    struct dirent *e;
    while ((e = readdir(d)) != NULL && n < max) {
        if (e->d_name[0] == '.') continue;
        char path[512];
        snprintf(path, sizeof path, "%s/%s", dir, e->d_name);
        size_t l = strlen(e->d_name);
        if (l > 6 && !strcmp(e->d_name + l - 6, ".jsonl")) snprintf(paths[n++], 512, "%s", path);
        else if (!strchr(e->d_name, '.')) n = fixture_paths(path, paths, max, n);
    }
    closedir(d);
    return n;
}

static void fixture_mutated(trng *r, const char *what, const char *doc, size_t n);

static void test_fixtures_mutated(void **state) {
    (void)state;
    static char paths[400][512];
    int nf = fixture_paths(FIXTURES_DIR "/debezium", paths, 400, 0);
    assert_true(nf > 10);
    unsigned long w0, g0;
    json_index_counts(&w0, &g0);
    trng r = {7};
    int docs = 0;
    for (int f = 0; f < nf; f++) {
        size_t fn;
        char *file = tfile_read(paths[f], &fn);
        assert_non_null(file);
        /* each line a message: the first three of each file, mutated */
        for (char *line = file, *nl; line < file + fn && docs < 3 * (f + 1); line = nl + 1) {
            nl = memchr(line, '\n', (size_t)(file + fn - line));
            if (!nl) nl = file + fn;
            size_t n = (size_t)(nl - line);
            if (!n) continue;
            docs++;
            char *doc = malloc(n);
            memcpy(doc, line, n);
            fixture_mutated(&r, paths[f], doc, n);
            free(doc);
        }
        free(file);
    }
    print_message("%d messages of %d fixture files, each with 40 mutations: the same answers at every level\n", docs, nf);
    index_ran("fixtures", w0, g0, (unsigned long)docs);
}

static void fixture_mutated(trng *r, const char *what, const char *doc, size_t n) {
    {
        same_answers_aligned(what, doc, n);
        size_t cap = n + 64;
        char *m = malloc(cap);
        for (int k = 0; k < 40; k++) {
            memcpy(m, doc, n);
            size_t mn = n;
            for (int e = (int)trng_below(r, 3); e >= 0; e--) mn = mutate(r, m, mn, cap);
            char *exact = malloc(mn ? mn : 1);
            memcpy(exact, m, mn);
            same_answers(what, exact, mn);
            free(exact);
        }
        free(m);
    }
}

/* ------------------------------------------------- generated documents */

typedef struct gen { char *p; size_t n, cap; trng r; } gen;

static void g_put(gen *g, const char *s, size_t n) {
    if (g->n + n > g->cap) return;
    memcpy(g->p + g->n, s, n);
    g->n += n;
}
static void g_str(gen *g, const char *s) { g_put(g, s, strlen(s)); }

static void g_ws(gen *g) {
    static const char *const ws[] = {"", "", "", " ", " ", "\n  ", "\t", "\r\n"};
    g_str(g, ws[trng_below(&g->r, 8)]);
}

static void g_string(gen *g) {
    static const char *const parts[] = {
        "abc", "id", "user_id", "payload", "0", "\\\"", "\\\\", "\\/", "/", "\\n", "\\t", "\\b", "\\u0041",
        "\\u00e9", "\\ud83d\\ude00", "\xc3\xa9", "\xe2\x82\xac", "\xf0\x9f\x98\x80", "{\\\"k\\\" : 1}", ",", ":", "[",
        "}", "                                                  ",
        /* invalid now and then */
        "\\x", "\\ud800", "\\u12g4", "\x01", "\xc3", "\xed\xa0\x80", "\xff",
    };
    int nvalid = 24, nparts = (int)(sizeof(parts) / sizeof(parts[0]));
    g_put(g, "\"", 1);
    for (int k = (int)trng_below(&g->r, 8); k > 0; k--)
        g_str(g, parts[trng_pct(&g->r, 2) ? (int)trng_below(&g->r, (uint64_t)nparts) : (int)trng_below(&g->r, (uint64_t)nvalid)]);
    g_put(g, "\"", 1);
}

static void g_value(gen *g, int depth) {
    static const char *const scalars[] = {"0", "-1", "12345678901234567890", "1.5e-3", "true", "false", "null",
                                          "-0.0", "01", "1.", "tru", "nul", "1x", "-"};
    uint64_t k = trng_below(&g->r, 10);
    if (depth > 6 || k < 3) {
        g_str(g, scalars[trng_pct(&g->r, 3) ? trng_below(&g->r, 14) : trng_below(&g->r, 8)]);
    } else if (k < 6) {
        g_string(g);
    } else {
        int obj = k < 8;
        g_str(g, obj ? "{" : "[");
        for (int i = (int)trng_below(&g->r, 6); i > 0; i--) {
            g_ws(g);
            if (obj) {
                g_string(g);
                g_ws(g);
                g_str(g, ":");
                g_ws(g);
            }
            g_value(g, depth + 1);
            g_ws(g);
            if (i > 1 || trng_pct(&g->r, 1)) g_str(g, ",");
        }
        g_str(g, obj ? "}" : "]");
    }
}

static void test_generated(void **state) {
    (void)state;
    gen g = {malloc(1 << 16), 0, 1 << 16, {2026}};
    unsigned long w0, g0;
    json_index_counts(&w0, &g0);
    int valid = 0;
    for (int iter = 0; iter < 6000; iter++) {
        g.n = 0;
        g_ws(&g);
        /* Debezium-shaped now and then: the names the picks and lookups ask for */
        if (iter % 3 == 0) {
            g_str(&g, "{\"after\":{\"payload\":");
            g_string(&g);
            g_str(&g, ",\"id\":");
            g_value(&g, 1);
            g_str(&g, "},\"source\":");
            g_value(&g, 1);
            g_str(&g, ",\"op\":\"c\"}");
        } else {
            g_value(&g, 0);
        }
        g_ws(&g);
        char *p = malloc(g.n ? g.n : 1);
        memcpy(p, g.p, g.n);
        json_error err;
        valid += json_validate(p, g.n, &err) == 0;
        same_answers("generated", p, g.n);
        free(p);
    }
    free(g.p);
    print_message("6000 generated documents (%d valid): the same answers at every level\n", valid);
    assert_true(valid > 1500);
    index_ran("generated", w0, g0, 1000);
}

/* The outbox payload, deep and wide: the walk decodes the string and walks it by the index too. */
static void test_payload_documents(void **state) {
    (void)state;
    trng r = {99};
    char doc[8192], inner[4096];
    for (int iter = 0; iter < 2000; iter++) {
        size_t in = 0;
        in += (size_t)sprintf(inner + in, "{\\\"id\\\" : %d, \\\"user_id\\\" : \\\"u\\\\\\\"%d\\\", \\\"properties\\\" : {",
                              iter, (int)trng_below(&r, 1000));
        for (int k = (int)trng_below(&r, 20); k > 0; k--)
            in += (size_t)sprintf(inner + in, "\\\"k%d\\\" : [%d, \\\"v\\\\/\\u00e9\\\", null], ", k, k);
        in += (size_t)sprintf(inner + in, "\\\"end\\\" : true}}");
        size_t n = (size_t)snprintf(doc, sizeof doc, "{\"before\":null,\"after\":{\"id\":%d,\"payload\":\"%s\"},"
                                                     "\"source\":{\"lsn\":%d,\"ts_ms\":1700000000000},\"op\":\"c\"}",
                                    iter, inner, iter * 7);
        if (iter % 5 == 0) doc[trng_below(&r, n)] = "\"\\{}:,\x01"[trng_below(&r, 7)];   /* broken now and then */
        char *p = malloc(n);
        memcpy(p, doc, n);
        same_answers("payload", p, n);
        free(p);
    }
}

int main(void) {
    arena_init(&scratch);
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_tokens_random),
        cmocka_unit_test(test_suite_same),
        cmocka_unit_test(test_fixtures_mutated),
        cmocka_unit_test(test_generated),
        cmocka_unit_test(test_payload_documents),
    };
    int rc = cmocka_run_group_tests(tests, setup, NULL);
    arena_free(&scratch);
    return rc;
}
