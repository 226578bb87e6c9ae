/* test_adversarial.c — hostile rows through ClickHouse (the embedded engine).
 *
 * Kafka hands our functions whatever a producer wrote.  One table holds the
 * hostile messages — empty, NUL bytes, invalid UTF-8 (bad bytes, encoded
 * surrogates, overlong forms), 100,000-deep nesting, truncated escapes and
 * surrogates, numbers out of range for the declared type, duplicate keys,
 * wrong types at every step of a path — next to valid events, and every
 * function reads all of it in every format x mode variant.  Proven:
 *   - the query succeeds and returns exactly one row per input row, in
 *     order (the k column comes back intact next to each result);
 *   - debezium_unwrap's `error` is the exact sentence for each case, and
 *     experiment_event's names the same fault, with the row kept;
 *   - a single 64 MB message decodes, and the UDF process's peak resident
 *     memory (VmHWM of the executable_pool process, found among this
 *     process's children) stays under 32 MB + 3 x the largest row.
 * With $CDC_TEST_SCRIPTS_DIR (sanitizer binaries) the memory bound is only
 * reported: ASan's shadow memory and quarantine are not ours. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "itest.h"

/* Each case: the message (len 0 = strlen, unless empty), debezium_unwrap's
 * exact error, and a phrase experiment_event's error must hold ("" = none). */
typedef struct adv_case {
    const char *msg;
    size_t len;
    const char *unwrap_error;
    const char *extract_phrase;
} adv_case;

#define DEEP_DEPTH 100000
#define BIG_BYTES (64u << 20)

static const adv_case CASES[] = {
    {"", 0, "", ""},
    {"  \n", 0, "", ""},
    {"{\"op\":\"c\",\"after\":{\"id\":1}}\0", 28, "invalid JSON: trailing characters after document at byte 27", "trailing characters"},
    {"{\"op\":\"c\",\"after\":{\"s\":\"a\0b\"}}", 31, "invalid JSON: control character in string at byte 25", "control character"},
    {"\0", 1, "invalid JSON: expected a value at byte 0", "expected a value"},
    {"{\"op\":\"c\",\"after\":{\"s\":\"\xff\"}}", 0, "invalid JSON: invalid UTF-8 at byte 24", "invalid UTF-8"},
    {"{\"op\":\"c\",\"after\":{\"s\":\"\xed\xa0\x80\"}}", 0, "invalid JSON: invalid UTF-8 at byte 24", "invalid UTF-8"},
    {"{\"op\":\"c\",\"after\":{\"s\":\"\xc0\xaf\"}}", 0, "invalid JSON: invalid UTF-8 at byte 24", "invalid UTF-8"},
    {"{\"op\":\"c\",\"after\":{\"payload\":\"{}\"},\"zzz\":\"\xf8\x88\x80\x80\x80\"}", 0, "invalid JSON: invalid UTF-8 at byte 42", "invalid UTF-8"},
    {NULL, 0, "invalid JSON: nesting too deep at byte 1045", "nesting too deep"},   /* DEEP_DEPTH, built at setup */
    {"{\"op\":\"c\",\"after\":{\"s\":\"\\u12\"}}", 0, "invalid JSON: invalid \\u escape (expected 4 hex digits) at byte 24", "\\u escape"},
    {"{\"op\":\"c\",\"after\":{\"s\":\"abc\\", 0, "invalid JSON: unterminated string at byte 27", "unterminated string"},
    {"{\"op\":\"c\",\"after\":{\"s\":\"\\ud8", 0, "invalid JSON: unterminated string at byte 24", "unterminated string"},
    {"{\"op\":\"c\",\"after\":{\"s\":\"\\ud800\"}}", 0, "invalid JSON: lone surrogate at byte 24", "lone surrogate"},
    {"{\"op\":\"c\",\"after\":{\"s\":\"\\udc00\\ud800\"}}", 0, "invalid JSON: lone surrogate at byte 24", "lone surrogate"},
    {"{\"op\":\"c\",\"after\":{\"s\":\"\\ud800\\u0041\"}}", 0, "invalid JSON: lone surrogate at byte 24", "lone surrogate"},
    {"{\"op\":\"c\",\"after\":{\"s\":\"\\x41\"}}", 0, "invalid JSON: invalid escape at byte 24", "invalid escape"},
    {"{\"op\":\"c\",\"op\":\"d\",\"after\":{\"aggregate_id\":\"1\",\"payload\":\"{}\"}}", 0,
     "duplicate member \"op\" in the change event (the first is used)", ""},
    {"{\"op\":\"c\",\"after\":{\"id\":1},\"after\":{\"id\":2}}", 0, "duplicate member \"after\" in the change event (the first is used)",
     "path 'after.payload'"},
    {"{\"op\":\"c\",\"after\":{\"id\":1},\"source\":{\"lsn\":18446744073709551616}}", 0,
     "source.lsn is not an integer in the UInt64 range (taken as 0)", "path 'after.payload'"},
    {"{\"op\":\"c\",\"after\":{\"id\":1},\"source\":{\"lsn\":-5}}", 0, "source.lsn is not an integer in the UInt64 range (taken as 0)", "path 'after.payload'"},
    {"{\"op\":\"c\",\"after\":{\"id\":1},\"ts_ms\":1e400}", 0, "ts_ms is not an integer in the Int64 range (taken as 0)", "path 'after.payload'"},
    {"{\"op\":\"c\",\"after\":{\"id\":1},\"source\":\"pg\"}", 0, "\"source\" is not an object (ignored)", "path 'after.payload'"},
    {"{\"op\":5,\"after\":{}}", 0, "not a Debezium change event: unknown op value 5 (expected c, u, d, r, t or m)", "path 'after.payload'"},
    {"{\"op\":\"c\",\"after\":5}", 0, "op 'c' event without an \"after\" object", "path 'after.payload': path step reached a number"},
    {"{\"op\":\"c\",\"after\":\"x\"}", 0, "op 'c' event without an \"after\" object", "path 'after.payload': path step reached a string"},
    {"{\"op\":\"c\",\"after\":[1]}", 0, "op 'c' event without an \"after\" object", "path 'after.payload': path step into an array is not an index"},
    {"{\"op\":\"c\",\"after\":{\"payload\":7}}", 0, "", "field 'id': path 'id': path step reached a number"},
    {"{\"op\":\"c\",\"after\":{\"payload\":\"[1]\"}}", 0, "", "field 'id': path 'id': path step into an array is not an index"},
    {"{\"op\":\"c\",\"after\":{\"payload\":\"{\\\"experiment_id\\\":4294967296}\"}}", 0, "",
     "field 'experiment_id': '4294967296' is out of range for UInt32"},
    {"{\"op\":\"c\",\"after\":{\"payload\":\"{\\\"experiment_id\\\":-1,\\\"variant_id\\\":1e400}\"}}", 0, "",
     "field 'experiment_id': '-1' is out of range for UInt32; field 'variant_id': '1e400' is out of range for UInt32"},
    {"{\"op\":\"c\",\"after\":{\"payload\":\"{\\\"experiment_id\\\":{},\\\"timestamp\\\":true}\"}}", 0, "",
     "field 'experiment_id': '{}' is a JSON object, not a UInt32; field 'timestamp': 'true' is not a timestamp"},
    {"{\"op\":\"c\",\"after\":{\"payload\":\"{\\\"id\\\":\\\"\\\\ud800\\\"}\"}}", 0, "", "field 'id': invalid JSON at 'id': lone surrogate"},
    {"[]", 0, "not a Debezium change event: the message is a JSON array, not an object",
     "path 'after.payload': path step into an array is not an index"},
    {"{\"schema\":{},\"payload\":5}", 0, "not a Debezium change event: no \"op\" field (a record key, or other JSON)",
     "path 'after.payload' not found"},
    {"{\"op\":\"c\",\"after\":{\"aggregate_id\":\"7\",\"payload\":\"{\\\"id\\\":\\\"e1\\\",\\\"experiment_id\\\":3,"
     "\\\"timestamp\\\":\\\"2024-04-01T08:00:30Z\\\"}\"},\"source\":{\"lsn\":7}}", 0, "", ""},
};
#define NCASES (sizeof(CASES) / sizeof(CASES[0]))

static char *deep_message(size_t *n) {
    itest_buf b = {0};
    itest_buf_puts(&b, "{\"op\":\"c\",\"after\":{\"x\":");
    for (int i = 0; i < DEEP_DEPTH; i++) itest_buf_putc(&b, '[');
    for (int i = 0; i < DEEP_DEPTH; i++) itest_buf_putc(&b, ']');
    itest_buf_puts(&b, "}}");
    *n = b.n;
    return itest_buf_take(&b);
}

/* A valid outbox change event (lsn 9) of about `bytes`: half in an `after`
 * column, half in the experiment event's `properties` inside the payload
 * string, every field experiment_event reads present. */
static char *big_message(size_t bytes, size_t *n) {
    itest_buf b = {0};
    itest_buf_puts(&b, "{\"op\":\"c\",\"after\":{\"aggregate_id\":\"9\",\"blob\":\"");
    for (size_t i = 0; i < bytes / 2; i++) itest_buf_putc(&b, (char)('a' + i % 26));
    itest_buf_puts(&b, "\",\"payload\":\"{\\\"id\\\":\\\"big\\\",\\\"experiment_id\\\":9,\\\"user_id\\\":\\\"u\\\","
                       "\\\"variant_id\\\":2,\\\"variant_key\\\":\\\"b\\\",\\\"event_type\\\":\\\"click\\\","
                       "\\\"timestamp\\\":\\\"2024-04-01T08:00:30Z\\\",\\\"assignment_at\\\":\\\"2024-04-01T08:00:00Z\\\",\\\"session_id\\\":\\\"s\\\","
                       "\\\"properties\\\":{\\\"note\\\":\\\"");
    for (size_t i = 0; i < bytes / 2; i++) itest_buf_putc(&b, (char)('A' + i % 26));
    itest_buf_puts(&b, "\\\"}}\"},\"source\":{\"lsn\":9}}");
    *n = b.n;
    return itest_buf_take(&b);
}

/* The hostile table, created by the first test that needs it (the insert
 * helper reports failures through cmocka, so it runs inside a test). */
static void adv_table(chs_session *s) {
    static int loaded;
    if (loaded) return;
    itest_buf rows = {0};
    for (size_t k = 0; k < NCASES; k++) {
        size_t n = CASES[k].len ? CASES[k].len : (CASES[k].msg ? strlen(CASES[k].msg) : 0);
        char *deep = CASES[k].msg ? NULL : deep_message(&n);
        itest_rb_u64(&rows, k);
        itest_rb_string(&rows, deep ? deep : CASES[k].msg, n);
        free(deep);
    }
    itest_exec(s, "CREATE TABLE adv (k UInt64, message String) ENGINE = Memory");
    itest_insert_rowbinary(s, "adv (k, message)", "k UInt64, message String", &rows);
    itest_buf_free(&rows);
    loaded = 1;
}

static int setup(void **state) {
    *state = itest_open();
    return *state ? 0 : -1;
}

static int teardown(void **state) {
    itest_close(*state);
    return 0;
}

/* Every function, every variant: one result per row, k intact and in order. */
static void test_every_row_answered(void **state) {
    chs_session *s = *state;
    adv_table(s);
    static const char *const calls[] = {
        "debezium_unwrap%s(message).error", "experiment_event%s(message).error",
        "flatten_rewrite%s(message).error",
        "ifNull(payload_get%s(message, 'after.s'), '-')", "toString(is_valid_after_assignment%s(message, message))",
        "ifNull(payload_get%s('{\"a\":1}', message), '-')", "outbox_route%s(message).error",
        "debezium_typed%s(message, '`id` Int32, `e` Enum8(\\'a\\' = 1)').error",
    };
    for (size_t c = 0; c < sizeof(calls) / sizeof(calls[0]); c++) {
        for (size_t v = 0; v < ITEST_NVARIANTS; v++) {
            char expr[256];
            snprintf(expr, sizeof(expr), calls[c], itest_variants[v]);
            char expected[64];
            snprintf(expected, sizeof(expected), "%zu\t1\t1\n", NCASES);
            /* every result used (so none is pruned), and next to it the k
             * column: 0..N-1, each exactly once, in order */
            itest_assert_query(s, expected, "SELECT count(), groupArray(k) = range(%zu), sum(length(toString(r))) > 0 "
                                            "FROM (SELECT k, %s AS r FROM adv ORDER BY k)", NCASES, expr);
        }
    }
}

static void test_unwrap_errors_say_what_was_wrong(void **state) {
    chs_session *s = *state;
    adv_table(s);
    for (size_t v = 0; v < ITEST_NVARIANTS; v++) {
        itest_table *t = itest_query_table(s, "SELECT k, d.error, d.is_deleted FROM (SELECT k, debezium_unwrap%s(message) AS d FROM adv) ORDER BY k",
                                           itest_variants[v]);
        assert_int_equal(t->nrows, NCASES);
        for (size_t k = 0; k < NCASES; k++) {
            if (strcmp(itest_cell(t, k, 1), CASES[k].unwrap_error) != 0)
                fail_msg("variant '%s' row %zu: error '%s', expected '%s'", itest_variants[v], k, itest_cell(t, k, 1), CASES[k].unwrap_error);
        }
        assert_string_equal(itest_cell(t, 0, 2), "1");   /* "" and whitespace are tombstones */
        assert_string_equal(itest_cell(t, 1, 2), "1");
        itest_table_free(t);
    }
}

static void test_extract_errors_say_what_was_wrong(void **state) {
    chs_session *s = *state;
    adv_table(s);
    for (size_t v = 0; v < ITEST_NVARIANTS; v++) {
        itest_table *t = itest_query_table(s, "SELECT k, e.error, e.id, e.experiment_id FROM (SELECT k, experiment_event%s(message) AS e FROM adv) ORDER BY k",
                                           itest_variants[v]);
        assert_int_equal(t->nrows, NCASES);
        for (size_t k = 0; k < NCASES; k++) {
            const char *err = itest_cell(t, k, 1), *want = CASES[k].extract_phrase;
            if (*want ? strstr(err, want) == NULL : *err != 0)
                fail_msg("variant '%s' row %zu: error '%s', expected %s'%s'", itest_variants[v], k, err, *want ? "it to hold " : "", want);
        }
        assert_string_equal(itest_cell(t, NCASES - 1, 2), "e1");
        assert_string_equal(itest_cell(t, NCASES - 1, 3), "3");
        itest_table_free(t);
    }
}

/* Children of this process whose name starts with `comm`: the pool's UDF
 * processes.  pool_peak_kb() returns the largest VmHWM among them in kB (-1 if none). */
typedef struct pool_peak {
    const char *comm;
    long kb;
} pool_peak;

static void pool_peak_one(void *ctx, const itest_child *c) {
    pool_peak *p = ctx;
    if (!strncmp(c->comm, p->comm, strlen(c->comm)) && c->hwm_kb > 0 && c->hwm_kb > p->kb) p->kb = c->hwm_kb;
}

static long pool_peak_kb(const char *comm) {
    pool_peak p = {comm, -1};
    itest_for_each_child(pool_peak_one, &p);
    return p.kb;
}

static void test_64mb_message(void **state) {
    chs_session *s = *state;
    size_t n;
    char *big = big_message(BIG_BYTES, &n);
    itest_buf rows = {0};
    const char *small = "{\"op\":\"d\",\"before\":{\"id\":1},\"source\":{\"lsn\":8}}";
    itest_rb_u64(&rows, 0);
    itest_rb_string(&rows, small, strlen(small));
    itest_rb_u64(&rows, 1);
    itest_rb_string(&rows, big, n);
    itest_rb_u64(&rows, 2);
    itest_rb_string(&rows, small, strlen(small));
    itest_exec(s, "CREATE TABLE big (k UInt64, message String) ENGINE = Memory");
    itest_insert_rowbinary(s, "big (k, message)", "k UInt64, message String", &rows);
    itest_buf_free(&rows);
    const char *after = strstr(big, "\"after\":") + 8, *after_end = strstr(big, ",\"source\"");
    for (size_t v = 0; v < ITEST_NVARIANTS; v++) {
        char expected[256];
        snprintf(expected, sizeof(expected), "0\t0\t8\t1\t\n1\t%zu\t9\t0\t\n2\t0\t8\t1\t\n", (size_t)(after_end - after));
        itest_assert_query(s, expected, "SELECT k, length(d.after), d.version, d.is_deleted, d.error FROM "
                                        "(SELECT k, debezium_unwrap%s(message) AS d FROM big) ORDER BY k", itest_variants[v]);
        itest_assert_query(s, "0\t\t\t0\n1\tbig\t\t9\n2\t\t\t0\n",
                           "SELECT k, e.id, e.error, e.experiment_id FROM (SELECT k, experiment_event%s(message) AS e FROM big) ORDER BY k",
                           itest_variants[v]);
        itest_assert_query(s, "0\t-1\n1\t33554432\n2\t-1\n",
                           "SELECT k, ifNull(length(payload_get%s(message, 'after.blob')), -1) FROM big ORDER BY k", itest_variants[v]);
        itest_assert_query(s, "0\t0\n1\t0\n2\t0\n",
                           "SELECT k, is_valid_after_assignment%s(message, message) FROM big ORDER BY k", itest_variants[v]);
        /* the deletes are dropped as the EventRouter drops them; the big row lacks the column id */
        itest_assert_query(s, "0\t1\t\n1\t0\tid is not a valid field name\n2\t1\t\n",
                           "SELECT k, o.skip, o.error FROM (SELECT k, outbox_route%s(message) AS o FROM big) ORDER BY k", itest_variants[v]);
    }
    static const char *const binaries[] = {"debezium_unwrap", "payload_extract", "payload_get", "is_valid_after_assignment",
                                           "outbox_route"};
    long bound_kb = 32 * 1024 + 3 * (long)(n / 1024);
    const char *dir = getenv("CDC_TEST_SCRIPTS_DIR");
    for (size_t i = 0; i < sizeof(binaries) / sizeof(binaries[0]); i++) {
        long kb = pool_peak_kb(binaries[i]);
        print_message("64 MB message (%zu bytes): peak resident memory of the %s pool processes %ld kB (bound %ld kB)\n",
                      n, binaries[i], kb, bound_kb);
        assert_true(kb > 0);
        if (!dir || !*dir) assert_true(kb <= bound_kb);
    }
    itest_exec(s, "DROP TABLE big");
    free(big);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_every_row_answered),
        cmocka_unit_test(test_unwrap_errors_say_what_was_wrong),
        cmocka_unit_test(test_extract_errors_say_what_was_wrong),
        cmocka_unit_test(test_64mb_message),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
