/* test_jsonexpand.c — unit tests of udf/jsonexpand.c: a JSON document
 * through Debezium's JsonSchemaData and Kafka's JsonConverter
 * (schemas.enable=false), byte for byte, and the three ways it can fail to
 * expand (kept as the string, no schema, a broken record).  The outbox
 * EventRouter (test_outbox.c) and DecodeLogicalDecodingMessageContent
 * (test_smt_unwrap.c) are held to captured records on top of this.
 *
 * The expected bytes follow the Java code path by hand: Jackson's tree
 * (a repeated name keeps its first place and its last value), the schema
 * toConnectSchema infers (nulls and empty arrays have none and are dropped,
 * int/long/double number schemas, one merged struct for an array of
 * objects), toConnectData and Struct.put's type checks (Debezium's
 * exceptions are errors here), and the converter's output (compact,
 * Jackson's string escapes, Double.toString as Java 17 writes it). */
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
#include "jsonexpand.h"

static arena scratch;
static jx_ctx cx;
static buf out;

static int setup(void **state) {
    (void)state;
    arena_init(&scratch);
    jx_init(&cx);
    return 0;
}

static int teardown(void **state) {
    (void)state;
    arena_free(&scratch);
    jx_free(&cx);
    buf_free(&out);
    return 0;
}

/* jx_expand of the NUL-terminated doc into out (emptied first). */
static jx_result expand(const char *doc, size_t n, int nulls_as_bytes, char *why, size_t cap) {
    out.len = 0;
    why[0] = 0;
    return jx_expand(&cx, doc, n, nulls_as_bytes, &scratch, &out, why, cap);
}

static void expands_to(const char *doc, int nulls_as_bytes, const char *want) {
    char why[256];
    jx_result rc = expand(doc, strlen(doc), nulls_as_bytes, why, sizeof(why));
    if (rc != JX_EXPANDED || out.len != strlen(want) || memcmp(out.p, want, out.len) != 0)
        print_error("%s\n  -> %d: %.*s%s\n  wanted %s\n", doc, rc, (int)out.len, out.p ? out.p : "", why, want);
    assert_int_equal(rc, JX_EXPANDED);
    assert_int_equal(out.len, strlen(want));
    assert_memory_equal(out.p, want, out.len);
    arena_reset(&scratch);
}

#define EXPANDS(doc, want) expands_to((doc), 0, (want))

/* A document that does not expand: the outcome, nothing written, and the
 * reason (for the warning or the error row). */
static void fails_with(jx_result want, const char *doc, const char *reason) {
    char why[256];
    jx_result rc = expand(doc, strlen(doc), 0, why, sizeof(why));
    if (rc != want || strcmp(why, reason) != 0)
        print_error("%s\n  -> %d: %s\n  wanted %d: %s\n", doc, rc, why, want, reason);
    assert_int_equal(rc, want);
    assert_int_equal(out.len, 0);
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
    expands_to("{\"a\":null,\"b\":1,\"c\":[],\"d\":{\"e\":null}}", 1,
               "{\"a\":null,\"b\":1,\"d\":{\"e\":null}}");
    EXPANDS("{}", "{}");
    EXPANDS("{\"s\":[\"x\",null,\"y\"]}", "{\"s\":[\"x\",null,\"y\"]}");   /* a null element stays */
    expands_to("{\"n\":[null,null]}", 1, "{\"n\":[null,null]}");
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
    fails_with(JX_BROKEN, "{\"big\":123456789012345678901234567890}", "a value of the payload does not fit its inferred schema");
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
}

/* An array of objects has one struct schema: every element's fields in
 * first-seen order; an element lacking one writes it as null. */
static void test_arrays(void **state) {
    (void)state;
    EXPANDS("{\"arr\":[{\"a\":1},{\"b\":\"x\"},null,{\"a\":2,\"b\":\"y\",\"c\":null}]}",
            "{\"arr\":[{\"a\":1,\"b\":null},{\"a\":null,\"b\":\"x\"},null,{\"a\":2,\"b\":\"y\"}]}");
    EXPANDS("{\"m\":[[1,2],[],[3]],\"b\":[true,false],\"o\":[{\"p\":{\"q\":1}},{\"p\":{\"r\":2}}]}",
            "{\"m\":[[1,2],[],[3]],\"b\":[true,false],\"o\":[{\"p\":{\"q\":1}},{\"p\":{\"q\":null}}]}");
    expands_to("{\"o\":[{\"a\":null},{\"a\":\"s\"}]}", 1, "{\"o\":[{\"a\":null},{\"a\":\"s\"}]}");
}

/* Where Debezium fails, the outcome and why: kept as the string (Jackson or
 * JsonSchemaData refuse the document: the EventRouter logs a warning), no
 * schema at all (an empty top-level array), or broken (a value does not fit
 * the inferred schema: the converter fails on the record).  The op-m
 * decoding reports every one of them as its error. */
static void test_errors(void **state) {
    (void)state;
    fails_with(JX_NO_SCHEMA, "[]", "the payload's schema is none (an empty array)");
    fails_with(JX_KEPT, "{\"a\":[1,2.5]}", "Field is not a homogenous array");
    fails_with(JX_KEPT, "{\"a\":[1,3000000000]}", "Field is not a homogenous array");
    fails_with(JX_KEPT, "{\"a\":[1,\"x\"]}", "Field is not a homogenous array");
    fails_with(JX_KEPT, "{\"a\":[null]}", "Array has unrecognized member schema.");
    fails_with(JX_KEPT, "{\"a\":[[],[1]]}", "Array has unrecognized member schema.");
    fails_with(JX_BROKEN, "{\"a\":[[1],[2.5]]}", "a value of the payload does not fit its inferred schema");
    fails_with(JX_BROKEN, "{\"a\":[{\"x\":1},{\"x\":\"s\"}]}", "a value of the payload does not fit its inferred schema");
    fails_with(JX_BROKEN, "[1]", "the payload is a JSON array, which is not a struct");
    fails_with(JX_KEPT, "\"s\"", "Unable to parse payload starting with '\"'");
    fails_with(JX_KEPT, "{\"a\":", "invalid JSON: unexpected end of input");
    fails_with(JX_KEPT, "{\"a\":tru}", "invalid JSON: invalid literal");
    /* bytes an op-m message's base64 can hold: not UTF-8, not JSON */
    fails_with(JX_KEPT, "{\"a\":\"\xff\xfe\"}", "invalid JSON: invalid UTF-8");
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
    expands_to(doc.p, 0, want.p);
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
    expands_to(doc.p, 0, want.p);
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
    char why[128];
    assert_int_equal(expand(doc.p, doc.len - 1, 0, why, sizeof(why)), JX_EXPANDED);
    assert_int_equal(out.len, doc.len - 1 - 9);   /* ,"b":null dropped */
    assert_memory_equal(out.p, doc.p, out.len - 1);
    assert_int_equal(out.p[out.len - 1], '}');
    arena_reset(&scratch);
    buf_free(&doc);
}

/* Jackson reads the first value and leaves the rest; only text that starts
 * with '{' or '[' is tried at all. */
static void test_trailing_ignored(void **state) {
    (void)state;
    EXPANDS("{\"a\":1} and more", "{\"a\":1}");
    EXPANDS("{\"a\":1}}", "{\"a\":1}");
    fails_with(JX_KEPT, "  {\"a\":1}", "Unable to parse payload starting with ' '");
    fails_with(JX_KEPT, "", "Unable to parse an empty payload");
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
            expands_to(doc.p, 0, want.p);
        } else {
            fails_with(JX_KEPT, doc.p, "nesting depth exceeds the maximum allowed (1000)");
        }
        buf_free(&doc);
        buf_free(&want);
    }
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_documented_example),
        cmocka_unit_test(test_nulls_and_empty_arrays),
        cmocka_unit_test(test_repeated_names),
        cmocka_unit_test(test_numbers),
        cmocka_unit_test(test_strings),
        cmocka_unit_test(test_arrays),
        cmocka_unit_test(test_errors),
        cmocka_unit_test(test_many_members),
        cmocka_unit_test(test_large_document),
        cmocka_unit_test(test_trailing_ignored),
        cmocka_unit_test(test_depth_limit),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
