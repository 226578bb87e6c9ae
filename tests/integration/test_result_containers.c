/* test_result_containers.c — Array(String) and Map(String, String) results,
 * read by ClickHouse itself in every format x mode variant.
 *
 * The functions `containers*` (tests/integration/matrix_function.xml) are
 * payload_extract with a `tags Array(String)` and an `attrs Map(String,
 * String)` field, in the six variants of the other functions: pool and
 * executable, RowBinary, TabSeparated and Native.  What the engine proves:
 *
 *   by hand       rows with empty, one-element and many-element containers,
 *                 strings holding every byte TabSeparated escapes (tab,
 *                 newline, quote, backslash, NUL), non-ASCII text and JSON
 *                 punctuation, equal the SQL literals written out here, in
 *                 every variant; ClickHouse's own text form of one row is
 *                 checked too;
 *   differential  20,000 generated rows (many per block, so Native's
 *                 offsets accumulate across rows and restart per block)
 *                 equal ClickHouse's own JSONExtract(message, …,
 *                 'Array(String)') and '…Map(String, String)' in every
 *                 variant, and no row is lost. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "itest.h"

/* ============================================================ by hand */

/* A message, and its answer as SQL literals (ClickHouse parses these, not us). */
typedef struct hand_row {
    const char *msg;
    const char *tags, *attrs;   /* Array(String) and Map(String, String) literals */
    int error;                  /* 1: the error field is set */
} hand_row;

static const hand_row HAND[] = {
    {"{\"tags\":[\"a\",\"b\"],\"attrs\":{\"k\":\"v\",\"x\":\"y\"}}", "['a','b']", "map('k','v','x','y')", 0},
    {"{\"tags\":[],\"attrs\":{}}", "[]", "map()", 0},
    {"{}", "[]", "map()", 0},
    {"{\"tags\":[\"\"],\"attrs\":{\"\":\"\"}}", "['']", "map('','')", 0},
    {"{\"tags\":[\"tab\\there\",\"new\\nline\",\"it's\",\"back\\\\slash\",\"nul\\u0000byte\",\"\\\"q\\\"\"],"
     "\"attrs\":{\"it's\":\"a\\tb\",\"\\\\\":\"\\n\"}}",
     "['tab\\there','new\\nline','it\\'s','back\\\\slash','nul\\0byte','\"q\"']", "map('it\\'s','a\\tb','\\\\','\\n')", 0},
    {"{\"tags\":[\"caf\\u00e9\",\"\xe2\x82\xac\",\"\\ud83d\\ude00\",\"[1,2]\",\"{'k':'v'}\",\",\"],"
     "\"attrs\":{\"\xc3\xa9\":\"[\",\"}\":\"{\",\":\":\"'\"}}",
     "['caf\xc3\xa9','\xe2\x82\xac','\xf0\x9f\x98\x80','[1,2]','{\\'k\\':\\'v\\'}',',']",
     "map('\xc3\xa9','[','}','{',':','\\'')", 0},
    {"{\"tags\":[1,true,null,{\"a\":[1]}],\"attrs\":{\"n\":2.50,\"o\":{\"b\":null},\"z\":null}}",
     "['1','true','','{\"a\":[1]}']", "map('n','2.50','o','{\"b\":null}','z','')", 0},
    {"{\"tags\":\"not an array\",\"attrs\":[\"k\",\"v\"]}", "[]", "map()", 1},
    {"not json", "[]", "map()", 1},
};
#define NHAND (sizeof(HAND) / sizeof(HAND[0]))

static void test_by_hand(void **state) {
    chs_session *s = *state;
    itest_exec(s, "CREATE TABLE hand (k UInt64, message String, tags Array(String), attrs Map(String, String), "
                  "error UInt8) ENGINE = Memory");
    itest_buf values = {0};
    for (size_t i = 0; i < NHAND; i++) {
        char *msg = itest_sql_string(HAND[i].msg, strlen(HAND[i].msg));
        itest_buf_printf(&values, "%s(%zu, %s, %s, %s, %d)", i ? ", " : "", i + 1, msg, HAND[i].tags, HAND[i].attrs,
                         HAND[i].error);
        free(msg);
    }
    itest_exec(s, "INSERT INTO hand VALUES %s", values.p);
    itest_buf_free(&values);
    char expected[64];
    snprintf(expected, sizeof(expected), "%zu\t0\n", NHAND);
    /* every row answered, each equal to its literals */
    itest_assert_every_variant(s, expected, "containers",
                               "SELECT count(), countIf(r.tags != tags OR r.attrs != attrs OR (r.error != '') != error) "
                               "FROM (SELECT *, %s(message) AS r FROM hand)");
    /* the containers work as ClickHouse values: lengths, element access, keys */
    itest_assert_every_variant(s, "2\tb\ty\t['k','x']\n", "containers",
                               "SELECT length(r.tags), r.tags[2], r.attrs['x'], mapKeys(r.attrs) "
                               "FROM (SELECT k, %s(message) AS r FROM hand) WHERE k = 1");
    /* ClickHouse's own text form of what it read: in TabSeparated, each
     * string quoted and escaped once (as in a Tuple), not escaped again */
    itest_assert_every_variant(s,
                               "['tab\\there','new\\nline','it\\'s','back\\\\slash','nul\\0byte','\"q\"']"
                               "\t{'it\\'s':'a\\tb','\\\\':'\\n'}\n",
                               "containers", "SELECT r.tags, r.attrs FROM (SELECT k, %s(message) AS r FROM hand) WHERE k = 5");
    itest_exec(s, "DROP TABLE hand");
}

/* ======================================================== differential */

/* One random JSON string literal: pieces that stress every escape layer. */
static void random_json_string(itest_rng *r, itest_buf *b) {
    static const char *const pieces[] = {"a",  "Zz", " ",  "\\t", "\\n", "'",      "\\\\", "\\\"",  "\\u00e9",
                                         "\xc3\xa9", "\\ud83d\\ude00", ",", "[",  "]",   "{",  "}", ":", "\\u0000",
                                         "\\r", "=", "NULL", "\\\\N"};
    itest_buf_putc(b, '"');
    for (uint64_t n = itest_rng_below(r, 8); n; n--) itest_buf_puts(b, pieces[itest_rng_below(r, sizeof(pieces) / sizeof(pieces[0]))]);
    itest_buf_putc(b, '"');
}

/* {"tags":[…],"attrs":{…}} with 0 to 6 strings each (map keys distinct). */
static void random_message(itest_rng *r, itest_buf *b, uint64_t row) {
    itest_buf_puts(b, "{\"tags\":[");
    for (uint64_t n = itest_rng_below(r, 7), i = 0; i < n; i++) {
        if (i) itest_buf_putc(b, ',');
        random_json_string(r, b);
    }
    itest_buf_puts(b, "],\"attrs\":{");
    for (uint64_t n = itest_rng_below(r, 7), i = 0; i < n; i++) {
        itest_buf_printf(b, "%s\"k%llu.%llu", i ? "," : "", (unsigned long long)row, (unsigned long long)i);
        itest_buf_putc(b, '\'');
        itest_buf_puts(b, "\":");
        random_json_string(r, b);
    }
    itest_buf_puts(b, "}}");
}

static void test_differential(void **state) {
    chs_session *s = *state;
    const size_t rows = 20000;
    itest_rng rng = {20260105};
    itest_rows msgs = {0};
    itest_buf b = {0};
    for (size_t i = 0; i < rows; i++) {
        itest_buf_clear(&b);
        random_message(&rng, &b, i);
        itest_rows_add(&msgs, b.p, b.n);
    }
    itest_buf_free(&b);
    itest_exec(s, "CREATE TABLE gen (message String) ENGINE = Memory");
    itest_insert_strings(s, "gen", "message", &msgs);
    itest_rows_free(&msgs);
    /* the corpus is what it should be: valid JSON, containers not all empty */
    itest_assert_query(s, "20000\t20000\t1\n",
                       "SELECT count(), countIf(isValidJSON(message)), "
                       "sum(length(JSONExtract(message, 'tags', 'Array(String)'))) > 40000 FROM gen");
    itest_assert_every_variant(s, "20000\t0\n", "containers",
                               "SELECT count(), countIf(r.tags != JSONExtract(message, 'tags', 'Array(String)') OR "
                               "r.attrs != JSONExtract(message, 'attrs', 'Map(String, String)') OR r.error != '') "
                               "FROM (SELECT message, %s(message) AS r FROM gen)");
    itest_exec(s, "DROP TABLE gen");
}

/* ================================================================ main */

static int setup(void **state) {
    *state = itest_open();
    return *state ? 0 : -1;
}

static int teardown(void **state) {
    itest_close(*state);
    return 0;
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_by_hand),
        cmocka_unit_test(test_differential),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
