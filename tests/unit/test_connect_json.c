/* test_connect_json.c — unit tests of udf/connect_json.c: the bytes Kafka
 * Connect's JSON converter (Jackson, compact) and its default header
 * converter (SimpleHeaderConverter -> Values.convertToString) write.
 *
 * The expected bytes are written out by hand from the two writers' rules:
 * Jackson's escape table (short escapes for \b \t \n \f \r, \u00XX with
 * upper-case hex for the other control characters, '/' and non-ASCII
 * untouched) and Values' embedded strings (quotes, only '\\' and '"'
 * escaped). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <string.h>

#include "connect_json.h"

static arena scratch;
static buf out;

static int setup(void **state) {
    (void)state;
    arena_init(&scratch);
    buf_init(&out);
    return 0;
}

static int teardown(void **state) {
    (void)state;
    arena_free(&scratch);
    buf_free(&out);
    return 0;
}

static void bytes_are(const char *want, size_t n) {
    if (out.len != n || memcmp(out.p, want, n) != 0) print_error("got  %.*s\nwant %.*s\n", (int)out.len, out.p, (int)n, want);
    assert_int_equal(out.len, n);
    assert_memory_equal(out.p, want, n);
}

/* The converter's bytes of a JSON document. */
static void json_is(const char *doc, const char *want) {
    json_value v;
    json_error err;
    out.len = 0;
    assert_int_equal(json_open(doc, strlen(doc), &v, &err), 0);
    assert_int_equal(json_finish(&v, &err), 0);
    cj_value(&out, &v, &scratch);
    bytes_are(want, strlen(want));
}

/* The header converter's bytes of a JSON document; is_null expected. */
static void header_is(const char *doc, const char *want, int is_null) {
    json_value v;
    json_error err;
    out.len = 0;
    assert_int_equal(json_open(doc, strlen(doc), &v, &err), 0);
    assert_int_equal(json_finish(&v, &err), 0);
    assert_int_equal(cj_header(&out, &v, &scratch), is_null);
    bytes_are(want, strlen(want));
}

static void test_compact_copy(void **state) {
    (void)state;
    json_is("{\"a\":1,\"b\":[true,false,null],\"c\":{\"d\":\"x\"}}", "{\"a\":1,\"b\":[true,false,null],\"c\":{\"d\":\"x\"}}");
    json_is(" { \"a\" : 1 ,\n\t\"b\" : [ 1.5E10 , -0.0 ] }\r\n", "{\"a\":1,\"b\":[1.5E10,-0.0]}");
    /* whitespace inside strings is text, not layout */
    json_is("[\" a b \", \"\\n\"]", "[\" a b \",\"\\n\"]");
    json_is("12345678901234567890", "12345678901234567890");
    json_is("\"plain\"", "\"plain\"");
}

static void test_jackson_escapes(void **state) {
    (void)state;
    /* \/ and \u0041 are decoded; '/' and 'A' need no escape */
    json_is("\"a\\/b\\u0041\"", "\"a/bA\"");
    /* the short escapes Jackson uses */
    json_is("\"\\b\\t\\n\\f\\r\\\"\\\\\"", "\"\\b\\t\\n\\f\\r\\\"\\\\\"");
    json_is("\"\\u0008\\u0009\\u000a\\u000C\\u000d\"", "\"\\b\\t\\n\\f\\r\"");
    /* other control characters: \u00XX, upper-case hex */
    json_is("\"\\u0001\\u001f\\u001F\\u0000\"", "\"\\u0001\\u001F\\u001F\\u0000\"");
    /* DEL and non-ASCII in the BMP are written as UTF-8 */
    json_is("\"\\u007f\\u00e9\\u20ac\"", "\"\x7f\xc3\xa9\xe2\x82\xac\"");
    json_is("\"\xc3\xa9\"", "\"\xc3\xa9\"");
    /* outside the BMP: the surrogate pair, escaped unit by unit, whether the
     * raw text had the character or an escape (the captured type_zoo
     * message holds U+1F600 so, beside U+00FC in UTF-8) */
    json_is("\"\\ud83d\\ude00\"", "\"\\uD83D\\uDE00\"");
    json_is("\"a\xf0\x9f\x98\x80" "b\xf4\x8f\xbf\xbf\"", "\"a\\uD83D\\uDE00b\\uDBFF\\uDFFF\"");
    json_is("[\"\xf0\x90\x80\x80\"]", "[\"\\uD800\\uDC00\"]");
    /* keys are strings too */
    json_is("{\"k\\u00e9y\":\"v\"}", "{\"k\xc3\xa9y\":\"v\"}");
}

static void test_cj_string(void **state) {
    (void)state;
    out.len = 0;
    cj_string(&out, "a\"b\\c\x01\x1f\n/\xc3\xa9", 11);
    bytes_are("\"a\\\"b\\\\c\\u0001\\u001F\\n/\xc3\xa9\"", 26);
    out.len = 0;
    cj_string(&out, "\xf0\x9f\x98\x80", 4);
    bytes_are("\"\\uD83D\\uDE00\"", 14);
    out.len = 0;
    cj_string(&out, "", 0);
    bytes_are("\"\"", 2);
}

static void test_header_scalars(void **state) {
    (void)state;
    header_is("\"c\"", "c", 0);
    header_is("\"a\\\"b\\\\c\\n\"", "a\"b\\c\n", 0);   /* a string header is its own text */
    header_is("1234", "1234", 0);
    header_is("-1.5E-7", "-1.5E-7", 0);
    header_is("true", "true", 0);
    header_is("false", "false", 0);
    header_is("null", "", 1);
    header_is("\"\"", "", 0);                          /* empty, but not null */
}

static void test_header_containers(void **state) {
    (void)state;
    /* Values' list / struct syntax: nested strings quoted, only \\ and \" escaped */
    header_is("[\"id\", \"name\"]", "[\"id\",\"name\"]", 0);
    header_is("[]", "[]", 0);
    header_is("[1,null,true]", "[1,null,true]", 0);
    header_is("{\"id\":\"1:2\",\"total_order\":3}", "{\"id\":\"1:2\",\"total_order\":3}", 0);
    header_is("[\"a\\\"b\", \"c\\\\d\", \"e\\nf\", \"\\u00e9\"]", "[\"a\\\"b\",\"c\\\\d\",\"e\nf\",\"\xc3\xa9\"]", 0);
    /* the header converter writes UTF-8, supplementary characters too */
    header_is("[\"\\ud83d\\ude00\", \"\xf0\x9f\x98\x80\"]", "[\"\xf0\x9f\x98\x80\",\"\xf0\x9f\x98\x80\"]", 0);
    header_is("\"\\ud83d\\ude00\"", "\xf0\x9f\x98\x80", 0);
    out.len = 0;
    cj_header_string(&out, "x\"y\\z", 5);
    bytes_are("\"x\\\"y\\\\z\"", 9);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_compact_copy),
        cmocka_unit_test(test_jackson_escapes),
        cmocka_unit_test(test_cj_string),
        cmocka_unit_test(test_header_scalars),
        cmocka_unit_test(test_header_containers),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
