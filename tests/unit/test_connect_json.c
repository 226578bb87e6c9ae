/* test_connect_json.c — unit tests of udf/connect_json.c: a JSON document
 * through Debezium's JsonSchemaData and Kafka's JsonConverter
 * (schemas.enable=false), byte for byte; and values that keep their schema
 * through the converter and the header converter (SimpleHeaderConverter ->
 * Values.convertToString).
 *
 * The expected bytes follow the Java code path by hand: Jackson's tree
 * (a repeated name keeps its first place and its last value), the schema
 * toConnectSchema infers (nulls and empty arrays have none and are dropped,
 * int/long/double number schemas, one merged struct for an array of
 * objects), toConnectData and Struct.put's type checks (Debezium's
 * exceptions are errors here), and the converter's output (compact,
 * Jackson's string escapes, Double.toString).  For headers, Values'
 * embedded strings: quotes, only '\\' and '"' escaped. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "arena.h"
#include "buf.h"
#include "connect_json.h"

static arena scratch;

static int setup(void **state) {
    (void)state;
    arena_init(&scratch);
    return 0;
}

static int teardown(void **state) {
    (void)state;
    arena_free(&scratch);
    return 0;
}

static void expands_to(const char *doc, cj_nulls nulls, const char *want) {
    const char *out = NULL;
    size_t n = 0;
    char why[256] = "";
    int rc = cj_expand(doc, strlen(doc), nulls, &scratch, &out, &n, why, sizeof(why));
    if (rc != 0 || n != strlen(want) || memcmp(out, want, n) != 0)
        print_error("%s\n  -> rc %d: %.*s%s\n  wanted %s\n", doc, rc, rc ? 0 : (int)n, out ? out : "", why, want);
    assert_int_equal(rc, 0);
    assert_int_equal(n, strlen(want));
    assert_memory_equal(out, want, n);
    arena_reset(&scratch);
}

#define EXPANDS(doc, want) expands_to((doc), CJ_NULLS_IGNORE, (want))

static void fails_with(const char *doc, const char *reason) {
    const char *out = NULL;
    size_t n = 0;
    char why[256] = "";
    int rc = cj_expand(doc, strlen(doc), CJ_NULLS_IGNORE, &scratch, &out, &n, why, sizeof(why));
    if (rc != -1 || strcmp(why, reason) != 0)
        print_error("%s\n  -> rc %d: %s\n  wanted the error %s\n", doc, rc, rc ? why : "(accepted)", reason);
    assert_int_equal(rc, -1);
    assert_string_equal(why, reason);
    arena_reset(&scratch);
}

/* Debezium's documented example (decode-logical-decoding-message-content.adoc):
 * the decoded content, as the SMT's record carries it in `after`. */
static void test_documented_example(void **state) {
    (void)state;
    EXPANDS("{\"id\": 1, \"item\": \"Debezium in Action\", \"status\": \"ENTERED\", \"quantity\": 2, \"totalPrice\": 39.98}",
            "{\"id\":1,\"item\":\"Debezium in Action\",\"status\":\"ENTERED\",\"quantity\":2,\"totalPrice\":39.98}");
}

/* fields.null.include=false (the default): null members have no schema and
 * go; so do empty arrays, whatever the null behaviour. */
static void test_nulls_and_empty_arrays(void **state) {
    (void)state;
    EXPANDS("{\"a\":null,\"b\":1,\"c\":[],\"d\":{\"e\":null},\"f\":{}}", "{\"b\":1,\"d\":{},\"f\":{}}");
    expands_to("{\"a\":null,\"b\":1,\"c\":[],\"d\":{\"e\":null}}", CJ_NULLS_OPTIONAL_BYTES,
               "{\"a\":null,\"b\":1,\"d\":{\"e\":null}}");
    EXPANDS("{}", "{}");
    EXPANDS("{\"s\":[\"x\",null,\"y\"]}", "{\"s\":[\"x\",null,\"y\"]}");   /* a null element stays */
    expands_to("{\"n\":[null,null]}", CJ_NULLS_OPTIONAL_BYTES, "{\"n\":[null,null]}");
}

/* Jackson's tree: a repeated name keeps its first place, takes its last value. */
static void test_repeated_names(void **state) {
    (void)state;
    EXPANDS("{\"a\":1,\"b\":2,\"a\":\"three\"}", "{\"a\":\"three\",\"b\":2}");
    EXPANDS("{\"a\":1,\"a\":null}", "{}");
    /* many members: the hashed lookups keep the same rule */
    char doc[4096], want[4096];
    size_t d = 0, w = 0;
    d += (size_t)snprintf(doc + d, sizeof(doc) - d, "{");
    w += (size_t)snprintf(want + w, sizeof(want) - w, "{");
    for (int i = 0; i < 100; i++) d += (size_t)snprintf(doc + d, sizeof(doc) - d, "%s\"k%d\":%d", i ? "," : "", i, i);
    for (int i = 0; i < 100; i += 10) d += (size_t)snprintf(doc + d, sizeof(doc) - d, ",\"k%d\":%d", i, i + 1000);
    for (int i = 0; i < 100; i++)
        w += (size_t)snprintf(want + w, sizeof(want) - w, "%s\"k%d\":%d", i ? "," : "", i, i % 10 ? i : i + 1000);
    snprintf(doc + d, sizeof(doc) - d, "}");
    snprintf(want + w, sizeof(want) - w, "}");
    EXPANDS(doc, want);
}

/* int, long and double as Jackson reads them, written as the converter does. */
static void test_numbers(void **state) {
    (void)state;
    EXPANDS("{\"i\":-0,\"m\":-2147483648,\"l\":2147483648,\"x\":-9223372036854775808}",
            "{\"i\":0,\"m\":-2147483648,\"l\":2147483648,\"x\":-9223372036854775808}");
    EXPANDS("{\"a\":1.0,\"b\":1e2,\"c\":1E7,\"d\":9999999.0,\"e\":0.001,\"f\":0.00099,\"g\":1.5e-4,\"h\":-2.5E-10}",
            "{\"a\":1.0,\"b\":100.0,\"c\":1.0E7,\"d\":9999999.0,\"e\":0.001,\"f\":9.9E-4,\"g\":1.5E-4,\"h\":-2.5E-10}");
    EXPANDS("{\"a\":0.1,\"b\":-0.0,\"c\":123456.789,\"d\":1e400,\"e\":-1e400,\"f\":3.0e-5}",
            "{\"a\":0.1,\"b\":-0.0,\"c\":123456.789,\"d\":\"Infinity\",\"e\":\"-Infinity\",\"f\":3.0E-5}");
    fails_with("{\"big\":123456789012345678901234567890}",
               "field \"big\": 123456789012345678901234567890 is beyond the long range (a BigInteger no Connect struct takes)");
}

static void java_is(double d, const char *want) {
    char p[32];
    size_t n = cj_java_double(d, p);
    if (strcmp(p, want) != 0) print_error("%.17g -> %s, wanted %s\n", d, p, want);
    assert_string_equal(p, want);
    assert_int_equal(n, strlen(want));
}

/* Double.toString (Java 19 and later): shortest digits, at least two when one
 * would do and two are closer (4.9E-324), plain between 10^-3 and 10^7. */
static void test_java_double(void **state) {
    (void)state;
    java_is(1.0, "1.0");
    java_is(-1.5, "-1.5");
    java_is(0.1, "0.1");
    java_is(100.0, "100.0");
    java_is(1234567.0, "1234567.0");
    java_is(1e7, "1.0E7");
    java_is(12345678.9, "1.23456789E7");
    java_is(0.001, "0.001");
    java_is(0.0001, "1.0E-4");
    java_is(1e23, "1.0E23");
    java_is(9007199254740992.0, "9.007199254740992E15");
    java_is(4.9e-324, "4.9E-324");
    java_is(1.7976931348623157e308, "1.7976931348623157E308");
    java_is(2.2250738585072014E-308, "2.2250738585072014E-308");
    java_is(0.0, "0.0");
    java_is(-0.0, "-0.0");
    java_is(NAN, "NaN");
    java_is(-INFINITY, "-Infinity");
    java_is(39.98, "39.98");
    java_is(1.0 / 3.0, "0.3333333333333333");
}

/* Jackson's escapes: \" \\ and the short ones, \u00XX for other control
 * characters, a character beyond the BMP as its surrogate pair (captured:
 * "Grüße \uD83D\uDE00"), everything else (/, the BMP's non-ASCII, DEL) as
 * it is. */
static void test_strings(void **state) {
    (void)state;
    EXPANDS("{\"s\":\"a\\/b\\u00e9\\u0001\\t\\\"\\\\\\b\\f\\n\\r\\u001f\\u007f\\ud83d\\ude00\"}",
            "{\"s\":\"a/b\xc3\xa9\\u0001\\t\\\"\\\\\\b\\f\\n\\r\\u001F\x7f\\uD83D\\uDE00\"}");
    EXPANDS("{\"u\":\"Gr\xc3\xbc\xc3\x9f" "e \xf0\x9f\x98\x80\xf4\x8f\xbf\xbf\xf0\x90\x80\x80\"}",
            "{\"u\":\"Gr\xc3\xbc\xc3\x9f" "e \\uD83D\\uDE00\\uDBFF\\uDFFF\\uD800\\uDC00\"}");
    EXPANDS("{\"\\u00e9\\n\":\"k\"}", "{\"\xc3\xa9\\n\":\"k\"}");
    buf b = {0};
    cj_put_string(&b, "a\0b", 3);
    assert_int_equal(b.len, 10);
    assert_memory_equal(b.p, "\"a\\u0000b\"", 10);
    buf_free(&b);
}

/* An array of objects has one struct schema: every element's fields in
 * first-seen order; an element lacking one writes it as null. */
static void test_arrays(void **state) {
    (void)state;
    EXPANDS("{\"arr\":[{\"a\":1},{\"b\":\"x\"},null,{\"a\":2,\"b\":\"y\",\"c\":null}]}",
            "{\"arr\":[{\"a\":1,\"b\":null},{\"a\":null,\"b\":\"x\"},null,{\"a\":2,\"b\":\"y\"}]}");
    EXPANDS("{\"m\":[[1,2],[],[3]],\"b\":[true,false],\"o\":[{\"p\":{\"q\":1}},{\"p\":{\"r\":2}}]}",
            "{\"m\":[[1,2],[],[3]],\"b\":[true,false],\"o\":[{\"p\":{\"q\":1}},{\"p\":{\"q\":null}}]}");
    expands_to("{\"o\":[{\"a\":null},{\"a\":\"s\"}]}", CJ_NULLS_OPTIONAL_BYTES, "{\"o\":[{\"a\":null},{\"a\":\"s\"}]}");
}

/* Where Debezium throws, an error saying why. */
static void test_errors(void **state) {
    (void)state;
    fails_with("{\"a\":[1,2.5]}", "Field is not a homogenous array (1 x 2.5), different number types (INT32 x FLOAT64)");
    fails_with("{\"a\":[1,3000000000]}",
               "Field is not a homogenous array (1 x 3000000000), different number types (INT32 x INT64)");
    fails_with("{\"a\":[1,\"x\"]}", "Field is not a homogenous array (NUMBER x STRING)");
    fails_with("{\"a\":[null]}", "Array has unrecognized member schema (its first non-null element is missing: the array holds only nulls)");
    fails_with("{\"a\":[[],[1]]}", "Array has unrecognized member schema (its first non-null element is an empty array)");
    fails_with("{\"a\":[[1],[2.5]]}", "field \"a\": a FLOAT64 value where the schema inferred from the document says INT32");
    fails_with("{\"a\":[{\"x\":1},{\"x\":\"s\"}]}",
               "field \"x\": a STRING value where the schema inferred from the document says INT32");
    fails_with("[1]", "the document is a JSON array, not an object (no Connect struct)");
    fails_with("\"s\"", "the document is a JSON string, not an object (no Connect struct)");
    fails_with("{\"a\":", "invalid JSON: unexpected end of input");
    fails_with("{\"a\":tru}", "invalid JSON: invalid literal");
}

/* Objects of many members take the hashed lookups: an array whose
 * objects list twenty names in opposite orders (the merged struct keeps the
 * first order), and an array of 200 objects of one name each (every
 * element writes all 200 fields, 199 of them null). */
static void test_many_members(void **state) {
    (void)state;
    buf doc = {0}, want = {0};
    buf_put(&doc, "{\"o\":[{", 7);
    for (int i = 0; i < 20; i++) {
        char m[32];
        buf_put(&doc, m, (size_t)snprintf(m, sizeof(m), "%s\"k%d\":%d", i ? "," : "", i, i));
    }
    buf_put(&doc, "},{", 3);
    for (int i = 19; i >= 0; i--) {
        char m[32];
        buf_put(&doc, m, (size_t)snprintf(m, sizeof(m), "%s\"k%d\":%d", i < 19 ? "," : "", i, 100 + i));
    }
    buf_put(&doc, "}]}", 4);
    buf_put(&want, "{\"o\":[{", 7);
    for (int i = 0; i < 20; i++) {
        char m[32];
        buf_put(&want, m, (size_t)snprintf(m, sizeof(m), "%s\"k%d\":%d", i ? "," : "", i, i));
    }
    buf_put(&want, "},{", 3);
    for (int i = 0; i < 20; i++) {
        char m[32];
        buf_put(&want, m, (size_t)snprintf(m, sizeof(m), "%s\"k%d\":%d", i ? "," : "", i, 100 + i));
    }
    buf_put(&want, "}]}", 4);
    expands_to(doc.p, CJ_NULLS_IGNORE, want.p);
    doc.len = want.len = 0;

    buf_put(&doc, "{\"o\":[", 6);
    for (int i = 0; i < 200; i++) {
        char m[32];
        buf_put(&doc, m, (size_t)snprintf(m, sizeof(m), "%s{\"n%d\":\"v\"}", i ? "," : "", i));
    }
    buf_put(&doc, "]}", 3);
    buf_put(&want, "{\"o\":[", 6);
    for (int e = 0; e < 200; e++) {
        buf_put(&want, e ? ",{" : "{", e ? 2 : 1);
        for (int i = 0; i < 200; i++) {
            char m[32];
            buf_put(&want, m, (size_t)snprintf(m, sizeof(m), "%s\"n%d\":%s", i ? "," : "", i, i == e ? "\"v\"" : "null"));
        }
        buf_putc(&want, '}');
    }
    buf_put(&want, "]}", 3);
    expands_to(doc.p, CJ_NULLS_IGNORE, want.p);
    buf_free(&doc);
    buf_free(&want);
}

/* A large document of small values: a million numbers expand whole. */
static void test_large_document(void **state) {
    (void)state;
    buf doc = {0};
    buf_put(&doc, "{\"a\":[", 6);
    for (int i = 0; i < 1000000; i++) buf_put(&doc, i ? ",7" : "7", i ? 2 : 1);
    buf_put(&doc, "],\"b\":null}", 11);
    buf_putc(&doc, 0);
    const char *out;
    size_t n;
    char why[128] = "";
    assert_int_equal(cj_expand(doc.p, doc.len - 1, CJ_NULLS_IGNORE, &scratch, &out, &n, why, sizeof(why)), 0);
    assert_int_equal(n, doc.len - 1 - 9);   /* ,"b":null dropped */
    assert_memory_equal(out, doc.p, n - 1);
    assert_int_equal(out[n - 1], '}');
    arena_reset(&scratch);
    buf_free(&doc);
}

/* Jackson reads the first value and leaves the rest. */
static void test_trailing_ignored(void **state) {
    (void)state;
    EXPANDS("  {\"a\":1} and more", "{\"a\":1}");
    EXPANDS("{\"a\":1}}", "{\"a\":1}");
}

/* Jackson's nesting limit, 1000 levels: the document at the limit expands. */
static void test_depth_limit(void **state) {
    (void)state;
    for (int depth = 1000; depth <= 1001; depth++) {
        buf doc = {0}, want = {0};
        for (int i = 0; i < depth - 1; i++) buf_put(&doc, "{\"a\":", 5);
        buf_put(&doc, "{\"z\":1}", 7);
        for (int i = 0; i < depth - 1; i++) buf_putc(&doc, '}');
        buf_putc(&doc, 0);
        if (depth == 1000) {
            buf_put(&want, doc.p, doc.len);
            expands_to(doc.p, CJ_NULLS_IGNORE, want.p);
        } else {
            fails_with(doc.p, "document nesting depth exceeds the maximum allowed (1000)");
        }
        buf_free(&doc);
        buf_free(&want);
    }
}

/* -------------------------------------------- values that keep their schema */

static buf out;

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

static void test_put_string(void **state) {
    (void)state;
    out.len = 0;
    cj_put_string(&out, "a\"b\\c\x01\x1f\n/\xc3\xa9", 11);
    bytes_are("\"a\\\"b\\\\c\\u0001\\u001F\\n/\xc3\xa9\"", 26);
    out.len = 0;
    cj_put_string(&out, "\xf0\x9f\x98\x80", 4);
    bytes_are("\"\\uD83D\\uDE00\"", 14);
    out.len = 0;
    cj_put_string(&out, "", 0);
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
        cmocka_unit_test(test_documented_example),
        cmocka_unit_test(test_nulls_and_empty_arrays),
        cmocka_unit_test(test_repeated_names),
        cmocka_unit_test(test_numbers),
        cmocka_unit_test(test_java_double),
        cmocka_unit_test(test_strings),
        cmocka_unit_test(test_arrays),
        cmocka_unit_test(test_errors),
        cmocka_unit_test(test_many_members),
        cmocka_unit_test(test_large_document),
        cmocka_unit_test(test_trailing_ignored),
        cmocka_unit_test(test_depth_limit),
        cmocka_unit_test(test_compact_copy),
        cmocka_unit_test(test_jackson_escapes),
        cmocka_unit_test(test_put_string),
        cmocka_unit_test(test_header_scalars),
        cmocka_unit_test(test_header_containers),
    };
    int rc = cmocka_run_group_tests(tests, setup, teardown);
    buf_free(&out);
    return rc;
}
