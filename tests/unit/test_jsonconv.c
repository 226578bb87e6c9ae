/* test_jsonconv.c — the JVM's number texts (udf/javanum.c), the JSON
 * converter's bytes (udf/jsonconv.c) and the header converter's text of a
 * value without a schema (udf/hdrtext.c; with schemas, test_outbox.c and
 * test_flatten_pairs.c hold it to captured headers).
 *
 * Double.toString is held to tests/fixtures/outbox/doubles-java17.txt,
 * 16,000 doubles written by Java 17 (tests/e2e/tools/DoubleToStringOracle.java):
 * random bits, subnormals, integers, powers of two, decimal literals,
 * the neighbours of the layout's boundaries.  Java 17's digits are not
 * always the shortest ones; the known ones are pinned by hand too.
 * BigDecimal.toString and the escapes are checked against texts Java and
 * Jackson wrote for the same values. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "files.h"
#include "hdrtext.h"
#include "javanum.h"
#include "json.h"
#include "jsonconv.h"

static void test_double_java17_fixture(void **state) {
    (void)state;
    size_t len;
    char *text = tfile_read(FIXTURES_DIR "/outbox/doubles-java17.txt", &len);
    int n = 0, bad = 0;
    assert_non_null(text);
    for (char *line = strtok(text, "\n"); line; line = strtok(NULL, "\n")) {
        char *sp = strchr(line, ' '), got[JN_DOUBLE_MAX + 1];
        uint64_t bits = strtoull(line, NULL, 16);
        double d;
        assert_non_null(sp);
        memcpy(&d, &bits, sizeof(d));
        got[jn_double(d, got)] = 0;
        if (strcmp(got, sp + 1) && bad++ < 10) fprintf(stderr, "%s: Java %s, ours %s\n", line, sp + 1, got);
        n++;
    }
    printf("Double.toString: %d values, %d differences\n", n, bad);
    assert_true(n > 15000);
    assert_int_equal(bad, 0);
    free(text);
}

static void expect_double(double d, const char *want) {
    char got[JN_DOUBLE_MAX + 1];
    got[jn_double(d, got)] = 0;
    assert_string_equal(got, want);
}

static void test_double_by_hand(void **state) {
    (void)state;
    expect_double(0.0, "0.0");
    expect_double(-0.0, "-0.0");
    expect_double(1.0, "1.0");
    expect_double(100.0, "100.0");
    expect_double(0.001, "0.001");
    expect_double(0.0001, "1.0E-4");
    expect_double(1e7, "1.0E7");
    expect_double(9999999.0, "9999999.0");
    expect_double(12345678.9, "1.23456789E7");
    expect_double(39.98, "39.98");
    expect_double(4.9e-324, "4.9E-324");
    expect_double(1.7976931348623157e308, "1.7976931348623157E308");
    expect_double(1.0 / 0.0, "Infinity");
    /* Java 17's integer digits: exact, not the shortest that reads back. */
    expect_double(8.1401636603E18, "8.1401636603000003E18");
    expect_double(2e23, "1.9999999999999998E23");
    expect_double(-1.5, "-1.5");
    expect_double(0.1, "0.1");
    expect_double(1234567.0, "1234567.0");
    expect_double(1e23, "9.999999999999999E22");   /* Java 17 wrote this; Java 19+ writes 1.0E23 */
    expect_double(9007199254740992.0, "9.007199254740992E15");
    expect_double(2.2250738585072014E-308, "2.2250738585072014E-308");
    expect_double(NAN, "NaN");
    expect_double(-INFINITY, "-Infinity");
    expect_double(1.0 / 3.0, "0.3333333333333333");
}

static void expect_bigdecimal(int neg, const char *digits, int32_t scale, const char *want) {
    char got[64];
    got[jn_bigdecimal(neg, digits, strlen(digits), scale, got)] = 0;
    assert_string_equal(got, want);
}

/* BigDecimal.toString, as Java writes new BigDecimal(unscaled, scale). */
static void test_bigdecimal(void **state) {
    (void)state;
    expect_bigdecimal(0, "123450", 2, "1234.50");
    expect_bigdecimal(1, "123450", 2, "-1234.50");
    expect_bigdecimal(0, "0", 2, "0.00");
    expect_bigdecimal(1, "0", 2, "0.00");
    expect_bigdecimal(0, "5", 0, "5");
    expect_bigdecimal(0, "1", 6, "0.000001");
    expect_bigdecimal(0, "1", 7, "1E-7");
    expect_bigdecimal(0, "0", 7, "0E-7");
    expect_bigdecimal(0, "123", 9, "1.23E-7");
    expect_bigdecimal(0, "12", -3, "1.2E+4");
    expect_bigdecimal(1, "7", -1, "-7E+1");
}

static void expect_escaped(const char *in, size_t n, const char *want) {
    buf b;
    buf_init(&b);
    jc_string(&b, in, n);
    assert_int_equal(b.len, strlen(want));
    assert_memory_equal(b.p, want, b.len);
    buf_free(&b);
}

/* Jackson 2.16's escapes: short ones, upper-case \u00XX, surrogates escaped,
 * the rest raw (DEL, U+2028, '/'). */
static void test_jackson_strings(void **state) {
    (void)state;
    expect_escaped("a\"b\\c/", 6, "\"a\\\"b\\\\c/\"");
    expect_escaped("\b\t\n\f\r", 5, "\"\\b\\t\\n\\f\\r\"");
    expect_escaped("\x01\x1f\x7f", 3, "\"\\u0001\\u001F\x7f\"");
    expect_escaped("\0", 1, "\"\\u0000\"");
    expect_escaped("\xc3\xa9\xe2\x80\xa8", 5, "\"\xc3\xa9\xe2\x80\xa8\"");
    expect_escaped("x\xf0\x9f\x98\x80y", 6, "\"x\\uD83D\\uDE00y\"");
    expect_escaped("a\0b", 3, "\"a\\u0000b\"");
    expect_escaped("a\"b\\c\x01\x1f\n/\xc3\xa9", 11, "\"a\\\"b\\\\c\\u0001\\u001F\\n/\xc3\xa9\"");
    expect_escaped("\xf4\x8f\xbf\xbf\xf0\x90\x80\x80", 8, "\"\\uDBFF\\uDFFF\\uD800\\uDC00\"");
    expect_escaped("", 0, "\"\"");
}

static void expect_rewritten(const char *json, const char *want) {
    json_value v;
    json_error err;
    arena a;
    buf b;
    arena_init(&a);
    buf_init(&b);
    assert_int_equal(json_open(json, strlen(json), &v, &err), 0);
    assert_int_equal(json_finish(&v, &err), 0);
    assert_int_equal(jc_value(&b, &v, &a, &err), 0);
    assert_int_equal(b.len, strlen(want));
    assert_memory_equal(b.p, want, b.len);
    buf_free(&b);
    arena_free(&a);
}

/* A value re-written in the converter's form: whitespace gone, strings as
 * Jackson escapes them, numbers as written. */
static void test_values(void **state) {
    (void)state;
    expect_rewritten("\"1\"", "\"1\"");
    expect_rewritten("123", "123");
    expect_rewritten(" { \"a\" : [ 1 , 2.50 , null , true ] ,\n\t\"b\" : \"x y\" } ",
                 "{\"a\":[1,2.50,null,true],\"b\":\"x y\"}");
    expect_rewritten("\"\\u00e9\\/\\ud83d\\ude00\"", "\"\xc3\xa9/\\uD83D\\uDE00\"");
    expect_rewritten("\"\xf0\x9f\x98\x80\"", "\"\\uD83D\\uDE00\"");
    expect_rewritten("{\"a\":1,\"b\":[true,false,null],\"c\":{\"d\":\"x\"}}", "{\"a\":1,\"b\":[true,false,null],\"c\":{\"d\":\"x\"}}");
    expect_rewritten(" { \"a\" : 1 ,\n\t\"b\" : [ 1.5E10 , -0.0 ] }\r\n", "{\"a\":1,\"b\":[1.5E10,-0.0]}");
    expect_rewritten("[\" a b \", \"\\n\"]", "[\" a b \",\"\\n\"]");   /* whitespace in strings is text */
    expect_rewritten("12345678901234567890", "12345678901234567890");
}

/* Escapes in the text are decoded and written again as Jackson writes them. */
static void test_values_reescaped(void **state) {
    (void)state;
    expect_rewritten("\"a\\/b\\u0041\"", "\"a/bA\"");
    expect_rewritten("\"\\b\\t\\n\\f\\r\\\"\\\\\"", "\"\\b\\t\\n\\f\\r\\\"\\\\\"");
    expect_rewritten("\"\\u0008\\u0009\\u000a\\u000C\\u000d\"", "\"\\b\\t\\n\\f\\r\"");
    expect_rewritten("\"\\u0001\\u001f\\u001F\\u0000\"", "\"\\u0001\\u001F\\u001F\\u0000\"");
    expect_rewritten("\"\\u007f\\u00e9\\u20ac\"", "\"\x7f\xc3\xa9\xe2\x82\xac\"");
    expect_rewritten("\"\xc3\xa9\"", "\"\xc3\xa9\"");
    /* outside the BMP: the surrogate pair, escaped unit by unit, whether the
     * raw text had the character or an escape (the captured type_zoo
     * message holds U+1F600 so, beside U+00FC in UTF-8) */
    expect_rewritten("\"\\ud83d\\ude00\"", "\"\\uD83D\\uDE00\"");
    expect_rewritten("\"a\xf0\x9f\x98\x80" "b\xf4\x8f\xbf\xbf\"", "\"a\\uD83D\\uDE00b\\uDBFF\\uDFFF\"");
    expect_rewritten("[\"\xf0\x90\x80\x80\"]", "[\"\\uD800\\uDC00\"]");
    expect_rewritten("{\"k\\u00e9y\":\"v\"}", "{\"k\xc3\xa9y\":\"v\"}");
}

/* The header converter's text of a value whose message has no schema
 * envelope (ht_text with no schema): is_null expected. */
static void expect_header(const char *json, const char *want, int is_null) {
    json_value v, none = {.type = JSON_NONE};
    json_error err;
    arena a;
    buf b;
    char why[128] = "";
    int got_null = -1;
    arena_init(&a);
    buf_init(&b);
    assert_int_equal(json_open(json, strlen(json), &v, &err), 0);
    assert_int_equal(json_finish(&v, &err), 0);
    assert_int_equal(ht_text(&b, &v, &none, &a, &got_null, why, sizeof(why)), 0);
    assert_int_equal(got_null, is_null);
    assert_int_equal(b.len, strlen(want));
    if (b.len) assert_memory_equal(b.p, want, b.len);
    buf_free(&b);
    arena_free(&a);
}

static void test_header_scalars(void **state) {
    (void)state;
    expect_header("\"c\"", "c", 0);
    expect_header("\"a\\\"b\\\\c\\n\"", "a\"b\\c\n", 0);   /* a string header is its own text */
    expect_header("1234", "1234", 0);
    expect_header("-1.5E-7", "-1.5E-7", 0);
    expect_header("true", "true", 0);
    expect_header("false", "false", 0);
    expect_header("null", "", 1);
    expect_header("\"\"", "", 0);                          /* empty, but not null */
}

/* Values' list / struct syntax: nested strings quoted, only \\ and \" escaped. */
static void test_header_containers(void **state) {
    (void)state;
    expect_header("[\"id\", \"name\"]", "[\"id\",\"name\"]", 0);
    expect_header("[]", "[]", 0);
    expect_header("[1,null,true]", "[1,null,true]", 0);
    expect_header("{\"id\":\"1:2\",\"total_order\":3}", "{\"id\":\"1:2\",\"total_order\":3}", 0);
    expect_header("[\"a\\\"b\", \"c\\\\d\", \"e\\nf\", \"\\u00e9\"]", "[\"a\\\"b\",\"c\\\\d\",\"e\nf\",\"\xc3\xa9\"]", 0);
    /* the header converter writes UTF-8, supplementary characters too */
    expect_header("[\"\\ud83d\\ude00\", \"\xf0\x9f\x98\x80\"]", "[\"\xf0\x9f\x98\x80\",\"\xf0\x9f\x98\x80\"]", 0);
    expect_header("\"\\ud83d\\ude00\"", "\xf0\x9f\x98\x80", 0);
    buf b;
    buf_init(&b);
    ht_string(&b, "x\"y\\z", 5);
    assert_int_equal(b.len, 9);
    assert_memory_equal(b.p, "\"x\\\"y\\\\z\"", 9);
    buf_free(&b);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_double_java17_fixture),
        cmocka_unit_test(test_double_by_hand),
        cmocka_unit_test(test_bigdecimal),
        cmocka_unit_test(test_jackson_strings),
        cmocka_unit_test(test_values),
        cmocka_unit_test(test_values_reescaped),
        cmocka_unit_test(test_header_scalars),
        cmocka_unit_test(test_header_containers),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
