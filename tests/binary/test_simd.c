/* test_simd.c — the built binaries' --simd option (udf/jsonidx.h).
 *
 * --version names the JSON scanner's level in use, an unknown or
 * unsupported level is a usage error that says why, and every level this
 * CPU has answers every Debezium fixture message with the same bytes as
 * the byte walker alone (--simd off), in debezium_unwrap and payload_get. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "fnrun.h"
#include "jsonidx.h"
#include "udfproc.h"

#ifndef FIXTURES_DIR
#define FIXTURES_DIR "tests/fixtures"
#endif

static void test_version_names_the_level(void **state) {
    (void)state;
    for (int l = JIDX_OFF; l < JIDX_NLEVELS; l++) {
        if (l == JIDX_AUTO || !jidx_level_supported((jidx_level)l)) continue;
        const char *args[] = {"--simd", jidx_level_name((jidx_level)l), "--version", NULL};
        udfproc_result r;
        assert_int_equal(udfproc_run("payload_get", args, "", 0, &r), 0);
        assert_int_equal(udfproc_code(&r), 0);
        char want[64];
        snprintf(want, sizeof want, "JSON scanner %s)", jidx_level_name((jidx_level)l));
        if (!r.out.p || !strstr(r.out.p, want)) fail_msg("--version does not say '%s': %s", want, r.out.p ? r.out.p : "");
        udfproc_result_free(&r);
    }
}

static void test_unknown_level_is_a_usage_error(void **state) {
    (void)state;
    const char *args[] = {"--simd", "avx9", NULL};
    udfproc_result r;
    assert_int_equal(udfproc_run("debezium_unwrap", args, "", 0, &r), 0);
    assert_int_equal(udfproc_code(&r), 64);
    if (!r.err.p || !strstr(r.err.p, "--simd avx9: unknown level")) fail_msg("stderr: %s", r.err.p ? r.err.p : "");
    udfproc_result_free(&r);
}

/* TabSeparated rows: each fixture message escaped, then `suffix` (more columns). */
typedef struct tsv_rows { buf b; const char *suffix; size_t n; } tsv_rows;

static void add_row(void *ctx, const char *msg, size_t n) {
    tsv_rows *t = ctx;
    for (size_t i = 0; i < n; i++) {
        char c = msg[i];
        if (c == '\\') buf_put(&t->b, "\\\\", 2);
        else if (c == '\t') buf_put(&t->b, "\\t", 2);
        else if (c == '\n') buf_put(&t->b, "\\n", 2);
        else buf_putc(&t->b, c);
    }
    buf_put(&t->b, t->suffix, strlen(t->suffix));
    t->n++;
}

static void same_rows(const char *fn, const char *suffix) {
    tsv_rows t = {.suffix = suffix};
    buf_init(&t.b);
    fixture_each(FIXTURES_DIR, "plain", 0, add_row, &t);
    fixture_each(FIXTURES_DIR, "with-schema", 0, add_row, &t);
    assert_true(t.n > 100);
    udfproc_result ref;
    const char *off[] = {"--simd", "off", NULL};
    assert_int_equal(udfproc_run(fn, off, t.b.p, t.b.len, &ref), 0);
    assert_int_equal(udfproc_code(&ref), 0);
    for (int l = 0; l < JIDX_NLEVELS; l++) {
        if (!jidx_level_supported((jidx_level)l)) continue;
        const char *args[] = {"--simd", jidx_level_name((jidx_level)l), NULL};
        udfproc_result r;
        assert_int_equal(udfproc_run(fn, args, t.b.p, t.b.len, &r), 0);
        assert_int_equal(udfproc_code(&r), 0);
        if (r.out.n != ref.out.n || memcmp(r.out.p, ref.out.p, r.out.n) != 0)
            fail_msg("%s --simd %s: %zu bytes answered, --simd off %zu", fn, jidx_level_name((jidx_level)l), r.out.n,
                     ref.out.n);
        udfproc_result_free(&r);
    }
    print_message("%s: %zu messages, the same %zu bytes at every level\n", fn, t.n, ref.out.n);
    udfproc_result_free(&ref);
    buf_free(&t.b);
}

static void test_same_rows_every_level(void **state) {
    (void)state;
    same_rows("debezium_unwrap", "\n");
    same_rows("payload_get", "\tafter.id\n");
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_version_names_the_level),
        cmocka_unit_test(test_unknown_level_is_a_usage_error),
        cmocka_unit_test(test_same_rows_every_level),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
