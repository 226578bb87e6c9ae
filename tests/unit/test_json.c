/* test_json.c — unit tests of the JSON scanner (udf/json.c).
 *
 * Two kinds of evidence.  The JSONTestSuite corpus pins the accept/reject
 * verdict on ~300 edge cases; each file is read into a buffer of exactly its
 * size so AddressSanitizer catches any read past the end.  Every verdict is
 * also reached a second way — walking the document with iterators, decoding
 * every string and number — and the two must agree, which checks the lazy
 * iterator path against the fast skipper.  The rest are value tests: lookups,
 * exact integers, string decoding, depth limits, iterator protocol and error
 * messages. */
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
#include "json.h"
#include "files.h"

#define JSON_WALK_CHECK(cond, msg) do { if (!(cond)) fail_msg("%s", (msg)); } while (0)
#include "json_walk.h"

#ifndef JSON_TEST_SUITE_DIR
#define JSON_TEST_SUITE_DIR "../shared/data/json-test-suite/test_parsing"
#endif

/* ---------------------------------------------------------------- helpers */

/* A heap copy of exactly n bytes (no terminator), so ASan sees overreads. */
static char *exact_copy(const char *s, size_t n) {
    char *p = malloc(n ? n : 1);
    assert_non_null(p);
    memcpy(p, s, n);
    return p;
}

static int validate_str(const char *s, json_error *err) {
    size_t n = strlen(s);
    char *p = exact_copy(s, n);
    int r = json_validate(p, n, err);
    free(p);
    return r;
}

/* The iterator route to a verdict (json_walk.h), in a fresh arena. */
static int walk_validate(const char *p, size_t n, int self, json_error *err) {
    arena a;
    arena_init(&a);
    int r = json_walk_document(p, n, &a, self, err);
    arena_free(&a);
    return r;
}

/* Run every JSONTestSuite file starting with `prefix` ("y_", "n_", "i_").
 * want: 0 must be accepted, -1 must be rejected, 1 either (no crash). */
static int run_suite(const char *prefix, int want) {
    DIR *d = opendir(JSON_TEST_SUITE_DIR);
    struct dirent *e;
    int files = 0, accepted = 0;
    if (!d) {
        /* The suite sits beside the clone in CI (../shared); a user's clone
         * has none.  CI must never skip it silently. */
        const char *ci = getenv("CI");
        if (ci && !strcmp(ci, "true")) fail_msg("cannot open %s (required when CI=true)", JSON_TEST_SUITE_DIR);
        print_message("SKIPPED: JSONTestSuite %s* cases: %s is absent (clone JSONTestSuite's test_parsing there, "
                      "or configure with -DCDC_JSON_TEST_SUITE_DIR=...)\n", prefix, JSON_TEST_SUITE_DIR);
        skip();
    }
    while ((e = readdir(d)) != NULL) {
        size_t nl = strlen(e->d_name);
        if (strncmp(e->d_name, prefix, 2) != 0 || nl < 5 || strcmp(e->d_name + nl - 5, ".json") != 0)
            continue;
        char path[4096];
        snprintf(path, sizeof path, "%s/%s", JSON_TEST_SUITE_DIR, e->d_name);
        size_t n;
        char *p = tfile_read(path, &n);
        assert_non_null(p);
        json_error err = {0};
        int r = json_validate(p, n, &err);
        if (want != 1 && r != want)
            fail_msg("%s: expected %s, got %s (%s)", e->d_name, want ? "reject" : "accept",
                     r ? "reject" : "accept", err.msg ? err.msg : "");
        if (r < 0) {
            if (!err.msg) fail_msg("%s: rejected without a message", e->d_name);
            if (err.where && (err.where < p || err.where > p + n))
                fail_msg("%s: error position outside the buffer", e->d_name);
        }
        for (int self = 0; self <= 1; self++) {
            json_error werr = {0};
            int w = walk_validate(p, n, self, &werr);
            if (w != r)
                fail_msg("%s: json_validate says %d but an iterator walk (self=%d) says %d (%s)",
                         e->d_name, r, self, w, werr.msg ? werr.msg : "");
        }
        accepted += r == 0;
        files++;
        free(p);
    }
    closedir(d);
    print_message("JSONTestSuite %s*: %d files, %d accepted, %d rejected\n", prefix, files,
                  accepted, files - accepted);
    return files;
}

static void test_suite_y(void **state) {
    (void)state;
    assert_true(run_suite("y_", 0) >= 90);
}

static void test_suite_n(void **state) {
    (void)state;
    assert_true(run_suite("n_", -1) >= 180);
}

static void test_suite_i(void **state) {
    (void)state;
    assert_true(run_suite("i_", 1) >= 30);
}

/* A Debezium-shaped envelope used by several tests. */
static const char DOC[] =
    "{\"schema\":{\"type\":\"struct\",\"fields\":[{\"type\":\"int64\",\"field\":\"id\"}]},"
    "\"before\":null,"
    "\"after\":{\"id\":42,\"name\":\"Z\\u00fcrich \\\"HQ\\\"\",\"score\":-3.5e2,"
    "\"tags\":[\"a\",{\"k\":[1,2,3]},\"c\"],\"active\":true,\"address\":{\"city\":\"Bern\",\"zip\":3000},"
    "\"payload\":\"{\\\"experiment_id\\\":\\\"exp-7\\\",\\\"inner\\\":\\\"{\\\\\\\"id\\\\\\\":99}\\\"}\"},"
    "\"source\":{\"lsn\":18446744073709551615,\"ts_ms\":1700000000123,\"db\":\"shop\"},"
    "\"op\":\"c\",\"ts_ms\":1700000000456}";

/* Look `path` up in DOC; returns the code and fills *out. */
static int lookup(const char *doc, const char *path, arena *a, json_value *out, json_error *err) {
    json_value root;
    assert_int_equal(json_open(doc, strlen(doc), &root, err), 0);
    return json_lookup(&root, path, strlen(path), a, out, err);
}

static void assert_str_value(const json_value *v, arena *a, const char *want) {
    const char *s;
    size_t n;
    json_error err = {0};
    assert_int_equal(v->type, JSON_STRING);
    assert_int_equal(json_string(v, a, &s, &n, &err), 0);
    assert_int_equal(n, strlen(want));
    assert_memory_equal(s, want, n);
}

/* `path` is found in doc and is the string `want`. */
static void found_str(const char *doc, const char *path, arena *a, const char *want) {
    json_value v;
    json_error err;
    assert_int_equal(lookup(doc, path, a, &v, &err), JSON_FOUND);
    assert_str_value(&v, a, want);
}

/* `path` is found in doc and is the integer `want`. */
static void found_i64(const char *doc, const char *path, arena *a, int64_t want) {
    json_value v;
    json_error err;
    int64_t i;
    assert_int_equal(lookup(doc, path, a, &v, &err), JSON_FOUND);
    assert_int_equal(json_number_i64(&v, &i), 0);
    assert_int_equal(i, want);
}

static void test_validate_doc(void **state) {
    (void)state;
    json_error err = {0};
    assert_int_equal(validate_str(DOC, &err), 0);
}

static void test_lookup_nested(void **state) {
    (void)state;
    arena a;
    json_value v;
    json_error err;
    int64_t i;
    uint64_t u;
    arena_init(&a);

    found_i64(DOC, "after.id", &a, 42);
    found_str(DOC, "after.address.city", &a, "Bern");
    assert_int_equal(lookup(DOC, "after.name", &a, &v, &err), JSON_FOUND);
    assert_true(v.escaped);
    assert_str_value(&v, &a, "Z\xc3\xbcrich \"HQ\"");
    assert_int_equal(lookup(DOC, "after.score", &a, &v, &err), JSON_FOUND);
    assert_int_equal(json_number_i64(&v, &i), -1);
    assert_int_equal(lookup(DOC, "source.lsn", &a, &v, &err), JSON_FOUND);
    assert_int_equal(json_number_u64(&v, &u), 0);
    assert_true(u == UINT64_MAX);
    assert_int_equal(json_number_i64(&v, &i), 1);
    assert_int_equal(lookup(DOC, "after.active", &a, &v, &err), JSON_FOUND);
    assert_int_equal(v.type, JSON_TRUE);
    assert_int_equal(lookup(DOC, "before", &a, &v, &err), JSON_FOUND);
    assert_int_equal(v.type, JSON_NULL);
    found_i64(DOC, "ts_ms", &a, 1700000000456);

    /* a container comes back lazy, and can be finished */
    assert_int_equal(lookup(DOC, "after.address", &a, &v, &err), JSON_FOUND);
    assert_int_equal(v.type, JSON_OBJECT);
    assert_null(v.end);
    assert_int_equal(json_finish(&v, &err), 0);
    assert_int_equal(v.end - v.start, (ptrdiff_t)strlen("{\"city\":\"Bern\",\"zip\":3000}"));

    /* empty path is the root */
    assert_int_equal(lookup(DOC, "", &a, &v, &err), JSON_FOUND);
    assert_ptr_equal(v.start, DOC);
    arena_free(&a);
}

static void test_lookup_arrays(void **state) {
    (void)state;
    arena a;
    json_value v;
    json_error err;
    int64_t i;
    arena_init(&a);
    found_str(DOC, "after.tags.0", &a, "a");
    found_str(DOC, "after.tags.2", &a, "c");
    found_i64(DOC, "after.tags.1.k.2", &a, 3);
    found_str(DOC, "schema.fields.0.field", &a, "id");
    assert_int_equal(lookup(DOC, "after.tags.3", &a, &v, &err), JSON_MISSING);
    assert_null(err.msg);
    assert_int_equal(lookup(DOC, "after.tags.99999999999999999999999", &a, &v, &err), JSON_MISSING);
    /* a digit segment is a plain key in an object */
    found_i64("{\"0\":{\"1\":7}}", "0.1", &a, 7);
    /* root array */
    assert_int_equal(lookup("[[],[10,[20]]]", "1.1.0", &a, &v, &err), JSON_FOUND);
    assert_int_equal(json_number_i64(&v, &i), 0);
    assert_int_equal(i, 20);
    arena_free(&a);
}

static void test_lookup_missing(void **state) {
    (void)state;
    arena a;
    json_value v;
    json_error err;
    const char *path;
    arena_init(&a);

    assert_int_equal(lookup(DOC, "after.nope", &a, &v, &err), JSON_MISSING);
    assert_null(err.msg);
    assert_int_equal(lookup(DOC, "nope.deeper", &a, &v, &err), JSON_MISSING);
    assert_null(err.msg);

    json_value root;
    path = "after.id.x";
    assert_int_equal(json_open(DOC, strlen(DOC), &root, &err), 0);
    assert_int_equal(json_lookup(&root, path, strlen(path), &a, &v, &err), JSON_MISSING);
    assert_string_equal(err.msg, "path step reached a number");
    assert_ptr_equal(err.where, path + 9);     /* the segment 'x' */

    assert_int_equal(lookup(DOC, "before.id", &a, &v, &err), JSON_MISSING);
    assert_string_equal(err.msg, "path step reached null");
    assert_int_equal(lookup(DOC, "after.active.x", &a, &v, &err), JSON_MISSING);
    assert_string_equal(err.msg, "path step reached a boolean");
    assert_int_equal(lookup(DOC, "after.tags.first", &a, &v, &err), JSON_MISSING);
    assert_string_equal(err.msg, "path step into an array is not an index");
    /* a plain string is not a document */
    assert_int_equal(lookup(DOC, "source.db.name", &a, &v, &err), JSON_MISSING);
    assert_string_equal(err.msg, "path step reached a string");
    /* a string holding a scalar is that scalar */
    assert_int_equal(lookup("{\"s\":\" 42 \"}", "s.x", &a, &v, &err), JSON_MISSING);
    assert_string_equal(err.msg, "path step reached a number");
    /* find on a non-object */
    assert_int_equal(json_open("[1]", 3, &root, &err), 0);
    assert_int_equal(json_find(&root, "a", 1, &v, &err), JSON_MISSING);
    arena_free(&a);
}

static void test_lookup_escaped_keys(void **state) {
    (void)state;
    static const char doc[] =
        "{\"pl\\u0061in\":1,\"q\\\"uote\":2,\"\\u00e9t\\u00e9\":3,\"\\ud83d\\ude00\":4,"
        "\"sl\\/ash\":5,\"\":6,\"abc\":7}";
    arena a;
    json_value v;
    json_error err;
    int64_t i;
    arena_init(&a);
    static const struct {
        const char *path;
        int64_t want;
    } cases[] = {
        {"plain", 1}, {"q\"uote", 2}, {"\xc3\xa9t\xc3\xa9", 3}, {"\xf0\x9f\x98\x80", 4},
        {"sl/ash", 5}, {"abc", 7},
    };
    for (size_t k = 0; k < sizeof cases / sizeof cases[0]; k++) {
        assert_int_equal(lookup(doc, cases[k].path, &a, &v, &err), JSON_FOUND);
        assert_int_equal(json_number_i64(&v, &i), 0);
        assert_int_equal(i, cases[k].want);
    }
    /* near misses must not match */
    assert_int_equal(lookup(doc, "plai", &a, &v, &err), JSON_MISSING);
    assert_int_equal(lookup(doc, "plainx", &a, &v, &err), JSON_MISSING);
    assert_int_equal(lookup(doc, "\xc3\xa9t", &a, &v, &err), JSON_MISSING);
    /* the empty key, reached by an empty segment */
    json_value root;
    assert_int_equal(json_open(doc, strlen(doc), &root, &err), 0);
    assert_int_equal(json_find(&root, "", 0, &v, &err), JSON_FOUND);
    assert_int_equal(json_number_i64(&v, &i), 0);
    assert_int_equal(i, 6);
    arena_free(&a);
}

static void test_lookup_json_in_string(void **state) {
    (void)state;
    arena a;
    json_value v;
    json_error err;
    int64_t i;
    arena_init(&a);
    /* one level: the outbox payload */
    found_str(DOC, "after.payload.experiment_id", &a, "exp-7");
    /* two levels: a string inside the payload holding JSON again */
    found_i64(DOC, "after.payload.inner.id", &a, 99);
    /* the payload itself, when the path ends on it, is the string */
    assert_int_equal(lookup(DOC, "after.payload", &a, &v, &err), JSON_FOUND);
    assert_int_equal(v.type, JSON_STRING);
    /* a whole document that is a string */
    assert_int_equal(lookup("\"[5,6]\"", "1", &a, &v, &err), JSON_FOUND);
    assert_int_equal(json_number_i64(&v, &i), 0);
    assert_int_equal(i, 6);
    assert_int_equal(lookup(DOC, "after.payload.nope", &a, &v, &err), JSON_MISSING);
    assert_null(err.msg);

    /* broken JSON inside the string: an error, reported at the outer string */
    static const char bad[] = "{\"p\":\"{\\\"a\\\":[1,}\"}";
    assert_int_equal(lookup(bad, "p.b", &a, &v, &err), JSON_ERR);
    assert_string_equal(err.msg, "trailing comma");
    assert_ptr_equal(err.where, bad + 5);
    arena_free(&a);
}

static void test_lookup_invalid_while_walking(void **state) {
    (void)state;
    arena a;
    json_value v;
    json_error err;
    arena_init(&a);
    static const char doc[] = "{\"a\":{\"b\":1 \"x\":2},\"c\":3}";
    assert_int_equal(lookup(doc, "c", &a, &v, &err), JSON_ERR);
    assert_string_equal(err.msg, "expected ',' or '}'");
    assert_ptr_equal(err.where, doc + 12);
    /* the walk stops at what it needs: a later defect is not seen */
    assert_int_equal(lookup("{\"a\":1,\"b\":[}", "a", &a, &v, &err), JSON_FOUND);
    assert_int_equal(lookup("{\"a\":1,\"b\":[}", "z", &a, &v, &err), JSON_ERR);
    assert_int_equal(lookup("{\"a\":1 , \"b\":2", "z", &a, &v, &err), JSON_ERR);
    assert_string_equal(err.msg, "unexpected end of input");
    arena_free(&a);
}

/* Open a one-number document and convert it. */
static int num_i64(const char *s, int64_t *out) {
    json_value v;
    json_error err;
    assert_int_equal(json_open(s, strlen(s), &v, &err), 0);
    assert_int_equal(v.type, JSON_NUMBER);
    return json_number_i64(&v, out);
}

static int num_u64(const char *s, uint64_t *out) {
    json_value v;
    json_error err;
    assert_int_equal(json_open(s, strlen(s), &v, &err), 0);
    return json_number_u64(&v, out);
}

static void test_numbers_exact(void **state) {
    (void)state;
    int64_t i = 0;
    uint64_t u = 0;
    assert_int_equal(num_u64("18446744073709551615", &u), 0);
    assert_true(u == UINT64_MAX);
    assert_int_equal(num_u64("18446744073709551616", &u), 1);
    assert_int_equal(num_u64("99999999999999999999", &u), 1);
    assert_int_equal(num_u64("0", &u), 0);
    assert_true(u == 0);
    assert_int_equal(num_u64("-0", &u), 0);
    assert_true(u == 0);
    assert_int_equal(num_u64("-1", &u), 1);
    assert_int_equal(num_u64("1.0", &u), -1);
    assert_int_equal(num_u64("1e3", &u), -1);

    assert_int_equal(num_i64("-9223372036854775808", &i), 0);
    assert_true(i == INT64_MIN);
    assert_int_equal(num_i64("-9223372036854775809", &i), 1);
    assert_int_equal(num_i64("9223372036854775807", &i), 0);
    assert_true(i == INT64_MAX);
    assert_int_equal(num_i64("9223372036854775808", &i), 1);
    assert_int_equal(num_i64("18446744073709551616", &i), 1);
    assert_int_equal(num_i64("-0", &i), 0);
    assert_true(i == 0);
    assert_int_equal(num_i64("-17", &i), 0);
    assert_true(i == -17);
    assert_int_equal(num_i64("0.5", &i), -1);
    assert_int_equal(num_i64("-2E+2", &i), -1);
    assert_int_equal(num_i64("12e-0", &i), -1);

    /* a non-number is "not an integer" */
    json_value v;
    json_error err;
    assert_int_equal(json_open("\"5\"", 3, &v, &err), 0);
    assert_int_equal(json_number_i64(&v, &i), -1);
    assert_int_equal(json_number_u64(&v, &u), -1);
}

static void test_numbers_grammar(void **state) {
    (void)state;
    static const char *good[] = {"0", "-0", "1", "-1", "10", "0.0", "1.25", "1e5", "1E5",
                                 "1e+5", "1e-5", "-0.0e-0", "123456789012345678901234567890"};
    static const char *bad[] = {"01", "-01", "+1", ".5", "5.", "1.e3", "1e", "1e+", "-", "--1",
                                "0x10", "1.5e", "Infinity", "NaN", "-Infinity", "1 2"};
    json_error err;
    for (size_t k = 0; k < sizeof good / sizeof good[0]; k++)
        if (validate_str(good[k], &err) != 0) fail_msg("rejected %s: %s", good[k], err.msg);
    for (size_t k = 0; k < sizeof bad / sizeof bad[0]; k++)
        if (validate_str(bad[k], &err) == 0) fail_msg("accepted %s", bad[k]);
    assert_int_equal(validate_str("01", &err), -1);
    assert_string_equal(err.msg, "leading zero in number");
}

/* Decode the single string document s. */
static void decode_one(const char *s, arena *a, const char **out, size_t *n) {
    json_value v;
    json_error err = {0};
    if (json_open(s, strlen(s), &v, &err) != 0) fail_msg("%s: %s", s, err.msg);
    assert_int_equal(json_string(&v, a, out, n, &err), 0);
}

static void test_string_decode(void **state) {
    (void)state;
    arena a;
    const char *s;
    size_t n;
    arena_init(&a);

    decode_one("\"caf\\u00e9\"", &a, &s, &n);
    assert_int_equal(n, 5);
    assert_memory_equal(s, "caf\xc3\xa9", 5);
    decode_one("\"\\ud83d\\ude00!\"", &a, &s, &n);     /* U+1F600 */
    assert_int_equal(n, 5);
    assert_memory_equal(s, "\xf0\x9f\x98\x80!", 5);
    decode_one("\"\\uDBFF\\uDFFF\"", &a, &s, &n);      /* U+10FFFF */
    assert_int_equal(n, 4);
    assert_memory_equal(s, "\xf4\x8f\xbf\xbf", 4);
    decode_one("\"\\u0000\\u007f\\u0800\\uffff\"", &a, &s, &n);
    assert_int_equal(n, 1 + 1 + 3 + 3);
    assert_memory_equal(s, "\0\x7f\xe0\xa0\x80\xef\xbf\xbf", 8);
    decode_one("\"\\\"\\\\\\/\\b\\f\\n\\r\\t\"", &a, &s, &n);
    assert_int_equal(n, 8);
    assert_memory_equal(s, "\"\\/\b\f\n\r\t", 8);
    decode_one("\"\xe6\x97\xa5\xe6\x9c\xac \\u65e5\"", &a, &s, &n);
    assert_int_equal(n, 10);
    assert_memory_equal(s, "\xe6\x97\xa5\xe6\x9c\xac \xe6\x97\xa5", 10);

    /* no escapes: zero-copy into the document */
    static const char plain[] = "  \"hello w\xc3\xb6rld\"";
    json_value v;
    json_error err;
    assert_int_equal(json_open(plain, strlen(plain), &v, &err), 0);
    assert_int_equal(v.escaped, 0);
    assert_int_equal(json_string(&v, &a, &s, &n, &err), 0);
    assert_ptr_equal(s, plain + 3);
    assert_int_equal(n, 12);
    decode_one("\"\"", &a, &s, &n);
    assert_int_equal(n, 0);

    /* not a string */
    assert_int_equal(json_open("1", 1, &v, &err), 0);
    assert_int_equal(json_string(&v, &a, &s, &n, &err), -1);
    arena_free(&a);
}

/* The wide string loops work on 16- and 8-byte blocks and settle some
 * escapes inside a block; put each kind of special byte at every offset
 * (including a block's last byte, where an escape straddles two blocks) and
 * check both the verdict and the decoded text. */
static void test_string_offsets(void **state) {
    (void)state;
    static const struct {
        const char *raw;      /* JSON text of the special part */
        const char *dec;      /* decoded bytes, NULL = must be rejected */
        size_t declen;
    } specials[] = {
        {"\\\"", "\"", 1},    {"\\\\", "\\", 1},   {"\\\\\\\"", "\\\"", 2},
        {"\\n", "\n", 1},     {"\\/", "/", 1},       {"\\u00e9", "\xc3\xa9", 2},
        {"\\ud83d\\ude00", "\xf0\x9f\x98\x80", 4}, {"\xc3\xa9", "\xc3\xa9", 2},
        {"\xf0\x9f\x98\x80", "\xf0\x9f\x98\x80", 4}, {"\\\\\\\\", "\\\\", 2},
        {"\\x", NULL, 0},      {"\x01", NULL, 0},     {"\\ud83d", NULL, 0},
        {"\xc3", NULL, 0},      {"\xed\xa0\x80", NULL, 0},
    };
    arena a;
    arena_init(&a);
    for (size_t k = 0; k < sizeof specials / sizeof specials[0]; k++) {
        for (size_t pre = 0; pre <= 40; pre++) {
            for (size_t post = 0; post <= 20; post += 5) {
                char doc[128], want[128];
                size_t n = 0, w = 0;
                doc[n++] = '"';
                for (size_t i = 0; i < pre; i++) doc[n++] = want[w++] = (char)('a' + i % 26);
                memcpy(doc + n, specials[k].raw, strlen(specials[k].raw));
                n += strlen(specials[k].raw);
                if (specials[k].dec) memcpy(want + w, specials[k].dec, specials[k].declen);
                w += specials[k].declen;
                for (size_t i = 0; i < post; i++) doc[n++] = want[w++] = 'z';
                doc[n++] = '"';
                char *p = exact_copy(doc, n);
                json_value v;
                json_error err = {0};
                int r = json_validate(p, n, &err);
                if (!specials[k].dec) {
                    if (r == 0) fail_msg("special #%zu at %zu accepted", k, pre);
                } else {
                    const char *s;
                    size_t len;
                    if (r != 0) fail_msg("special #%zu at %zu rejected: %s", k, pre, err.msg);
                    assert_int_equal(json_open(p, n, &v, &err), 0);
                    assert_ptr_equal(v.end, p + n);
                    assert_int_equal(json_string(&v, &a, &s, &len, &err), 0);
                    assert_int_equal(len, w);
                    assert_memory_equal(s, want, w);
                    assert_true(json_key_equals(&v, want, w));
                }
                free(p);
            }
        }
    }
    arena_free(&a);
}

static void expect_error(const char *doc, const char *msg) {
    json_error err = {0};
    if (validate_str(doc, &err) == 0) fail_msg("accepted: %s", doc);
    if (!err.msg || strcmp(err.msg, msg) != 0)
        fail_msg("%s: wanted \"%s\", got \"%s\"", doc, msg, err.msg ? err.msg : "(null)");
}

static void test_string_errors(void **state) {
    (void)state;
    expect_error("\"\\ud83d\"", "lone surrogate");
    expect_error("\"\\ude00\"", "lone surrogate");
    expect_error("\"\\ud83d\\u0041\"", "lone surrogate");
    expect_error("\"\\ud83dx\"", "lone surrogate");
    expect_error("\"\\ud83d\\ud83d\"", "lone surrogate");
    expect_error("\"\\ude00\\ud83d\"", "lone surrogate");
    expect_error("\"\\x\"", "invalid escape");
    expect_error("\"\\U0041\"", "invalid escape");
    expect_error("\"\\u00G1\"", "invalid \\u escape (expected 4 hex digits)");
    expect_error("\"\\u00", "unterminated string");
    expect_error("\"abc", "unterminated string");
    expect_error("\"abc\\", "unterminated string");
    expect_error("\"a\tb\"", "control character in string");
    expect_error("\"a\nb\"", "control character in string");
    expect_error("[\"0123456789abcdef0123\x01\"]", "control character in string");
    /* UTF-8: overlongs, surrogates, out of range, stray and truncated bytes */
    static const char *bad_utf8[] = {
        "\"\xc0\x80\"", "\"\xc1\xbf\"", "\"\xe0\x80\x80\"", "\"\xe0\x9f\xbf\"",
        "\"\xed\xa0\x80\"", "\"\xed\xbf\xbf\"", "\"\xf0\x80\x80\x80\"", "\"\xf0\x8f\xbf\xbf\"",
        "\"\xf4\x90\x80\x80\"", "\"\xf5\x80\x80\x80\"", "\"\xff\"", "\"\x80\"", "\"\xbf\"",
        "\"\xc3\"", "\"\xe2\x82\"", "\"\xf0\x9f\x98\"", "\"\xc3\x28\"", "\"\xe2\x28\xa1\"",
        "\"0123456789abcdefghij\xc3\"", "\"\xc3",
    };
    for (size_t k = 0; k < sizeof bad_utf8 / sizeof bad_utf8[0]; k++)
        expect_error(bad_utf8[k], "invalid UTF-8");
    static const char *good_utf8[] = {
        "\"\xc2\x80\"", "\"\xdf\xbf\"", "\"\xe0\xa0\x80\"", "\"\xed\x9f\xbf\"",
        "\"\xee\x80\x80\"", "\"\xef\xbf\xbf\"", "\"\xf0\x90\x80\x80\"", "\"\xf4\x8f\xbf\xbf\"",
        "\"\x7f\"", "\"Gr\xc3\xbc\xc3\x9f\x65 aus Z\xc3\xbcrich, \xe6\x97\xa5\xe6\x9c\xac \xf0\x9f\x98\x80\"",
    };
    json_error err;
    for (size_t k = 0; k < sizeof good_utf8 / sizeof good_utf8[0]; k++)
        if (validate_str(good_utf8[k], &err) != 0) fail_msg("rejected good UTF-8 #%zu: %s", k, err.msg);
}

static void test_structure_errors(void **state) {
    (void)state;
    expect_error("", "empty document");
    expect_error(" \n\t ", "empty document");
    expect_error("[1,]", "trailing comma");
    expect_error("[1, ]", "trailing comma");
    expect_error("{\"a\":1,}", "trailing comma");
    expect_error("{\"a\" 1}", "expected ':'");
    expect_error("{\"a\",1}", "expected ':'");
    expect_error("{1:1}", "expected a string key");
    expect_error("{\"a\":1", "unexpected end of input");
    expect_error("[", "unexpected end of input");
    expect_error("[1", "unexpected end of input");
    expect_error("{\"a\":", "unexpected end of input");
    expect_error("[1 2]", "expected ',' or ']'");
    expect_error("{\"a\":1 \"b\":2}", "expected ',' or '}'");
    expect_error("[1}", "expected ',' or ']'");
    expect_error("{\"a\":1]", "expected ',' or '}'");
    expect_error("[,1]", "expected a value");
    expect_error("{\"a\":}", "expected a value");
    expect_error("tru", "invalid literal");
    expect_error("True", "expected a value");
    expect_error("[nul]", "invalid literal");
    expect_error("{} x", "trailing characters after document");
    expect_error("[1]]", "trailing characters after document");
    expect_error("1 2", "trailing characters after document");
    expect_error("\"a\"\"b\"", "trailing characters after document");
    expect_error("truex", "trailing characters after document");
    expect_error("\xef\xbb\xbf{}", "expected a value");            /* no BOM */
    expect_error("[1]\x0b", "trailing characters after document"); /* VT is not whitespace */

    json_error err;
    assert_int_equal(validate_str(" {} \r\n\t", &err), 0);
    assert_int_equal(validate_str("[ 1 , { \"a\" : [ ] } , \"x\" ]", &err), 0);

    /* positions point at the offending byte */
    static const char doc[] = "{\"a\":[1,2,x]}";
    assert_int_equal(json_validate(doc, strlen(doc), &err), -1);
    assert_ptr_equal(err.where, doc + 10);
    /* a NULL buffer with no bytes is just empty */
    json_value v;
    assert_int_equal(json_open(NULL, 0, &v, &err), -1);
    assert_string_equal(err.msg, "empty document");
}

/* n nested arrays (or objects, `obj` set) around a 1. */
static char *nested(size_t n, int obj, size_t *len) {
    size_t cap = n * 6 + 2;
    char *p = malloc(cap), *q = p;
    assert_non_null(p);
    for (size_t k = 0; k < n; k++) {
        if (obj) {
            memcpy(q, "{\"a\":", 5);
            q += 5;
        } else {
            *q++ = '[';
        }
    }
    *q++ = '1';
    for (size_t k = 0; k < n; k++) *q++ = obj ? '}' : ']';
    *len = (size_t)(q - p);
    return p;
}

static void test_depth(void **state) {
    (void)state;
    json_error err;
    size_t n;
    char *p;
    for (int obj = 0; obj <= 1; obj++) {
        p = nested(JSON_MAX_DEPTH, obj, &n);
        assert_int_equal(json_validate(p, n, &err), 0);
        assert_int_equal(walk_validate(p, n, 1, &err), 0);
        free(p);
        p = nested(JSON_MAX_DEPTH + 1, obj, &n);
        assert_int_equal(json_validate(p, n, &err), -1);
        assert_string_equal(err.msg, "nesting too deep");
        /* the iterator route reaches the same limit */
        assert_int_equal(walk_validate(p, n, 1, &err), -1);
        assert_string_equal(err.msg, "nesting too deep");
        free(p);
    }
    /* a lookup down to the innermost value of the deepest legal document */
    arena a;
    arena_init(&a);
    p = nested(JSON_MAX_DEPTH, 1, &n);
    char path[2 * JSON_MAX_DEPTH];
    for (int k = 0; k < JSON_MAX_DEPTH; k++) {
        path[2 * k] = 'a';
        path[2 * k + 1] = '.';
    }
    json_value root, v;
    int64_t i;
    assert_int_equal(json_open(p, n, &root, &err), 0);
    assert_int_equal(json_lookup(&root, path, 2 * JSON_MAX_DEPTH - 1, &a, &v, &err), JSON_FOUND);
    assert_int_equal(v.depth, JSON_MAX_DEPTH);
    assert_int_equal(json_number_i64(&v, &i), 0);
    assert_int_equal(i, 1);
    free(p);
    arena_free(&a);
}

static void test_depth_hostile(void **state) {
    (void)state;
    json_error err;
    size_t n = 100000;
    char *p = malloc(2 * n);
    assert_non_null(p);
    memset(p, '[', n);
    assert_int_equal(json_validate(p, n, &err), -1);
    assert_string_equal(err.msg, "nesting too deep");
    assert_int_equal(walk_validate(p, n, 1, &err), -1);
    memset(p + n, ']', n);
    assert_int_equal(json_validate(p, 2 * n, &err), -1);
    assert_string_equal(err.msg, "nesting too deep");
    for (size_t k = 0; k < n; k++) p[k] = (k & 1) ? '[' : '{';
    assert_int_equal(json_validate(p, n, &err), -1);
    free(p);
}

static void test_iter_object(void **state) {
    (void)state;
    static const char doc[] = "{ \"a\" : 1, \"b\":{\"x\":[1,{\"y\":2}]}, \"c\":[], \"d\":\"s\" }";
    static const char *keys[] = {"a", "b", "c", "d"};
    static const json_type types[] = {JSON_NUMBER, JSON_OBJECT, JSON_ARRAY, JSON_STRING};
    json_value root, k, v;
    json_error err;
    json_iter it;
    int r, idx = 0;
    assert_int_equal(json_open(doc, strlen(doc), &root, &err), 0);
    assert_null(root.end);
    assert_int_equal(json_iter_init(&it, &root, &err), 0);
    while ((r = json_iter_member(&it, &k, &v)) == 1) {
        assert_true(idx < 4);
        assert_true(json_key_equals(&k, keys[idx], 1));
        assert_int_equal(k.type, JSON_STRING);
        assert_int_equal(k.end - k.start, 3);          /* quotes included */
        assert_int_equal(v.type, types[idx]);
        assert_int_equal(v.depth, 1);
        if (v.type == JSON_OBJECT || v.type == JSON_ARRAY) assert_null(v.end);  /* lazy */
        else assert_non_null(v.end);
        idx++;
    }
    assert_int_equal(r, 0);
    assert_int_equal(idx, 4);
    assert_int_equal(it.count, 4);
    assert_ptr_equal(root.end, doc + strlen(doc));
    /* a finished iterator stays finished */
    assert_int_equal(json_iter_member(&it, &k, &v), 0);
    /* wrong kind of step */
    assert_int_equal(json_iter_init(&it, &root, &err), 0);
    assert_int_equal(json_iter_element(&it, &v), -1);
    assert_string_equal(err.msg, "not an array");
    /* not a container */
    assert_int_equal(json_open("7", 1, &v, &err), 0);
    assert_int_equal(json_iter_init(&it, &v, &err), -1);
}

static void test_iter_array(void **state) {
    (void)state;
    static const char doc[] = "[[1,[2]],{},\"x\",null,[]]";
    static const json_type types[] = {JSON_ARRAY, JSON_OBJECT, JSON_STRING, JSON_NULL, JSON_ARRAY};
    json_value root, v;
    json_error err;
    json_iter it;
    int r, idx = 0;
    assert_int_equal(json_open(doc, strlen(doc), &root, &err), 0);
    assert_int_equal(json_iter_init(&it, &root, &err), 0);
    while ((r = json_iter_element(&it, &v)) == 1) assert_int_equal(v.type, types[idx++]);
    assert_int_equal(r, 0);
    assert_int_equal(idx, 5);
    assert_ptr_equal(root.end, doc + strlen(doc));
    /* empty containers */
    assert_int_equal(json_open("[ ]", 3, &root, &err), 0);
    assert_int_equal(json_iter_init(&it, &root, &err), 0);
    assert_int_equal(json_iter_element(&it, &v), 0);
    assert_int_equal(root.end - root.start, 3);
    /* a lazily skipped child that is broken stops the iteration */
    static const char bad[] = "[1,[2,,3],4]";
    assert_int_equal(json_open(bad, strlen(bad), &root, &err), 0);
    assert_int_equal(json_iter_init(&it, &root, &err), 0);
    assert_int_equal(json_iter_element(&it, &v), 1);
    assert_int_equal(json_iter_element(&it, &v), 1);
    assert_int_equal(v.type, JSON_ARRAY);
    assert_int_equal(json_iter_element(&it, &v), -1);
    assert_string_equal(err.msg, "expected a value");
    assert_ptr_equal(err.where, bad + 6);
    assert_int_equal(json_iter_element(&it, &v), -1);  /* and stays failed */
    assert_null(root.end);
}

static void test_iter_resume(void **state) {
    (void)state;
    static const char doc[] = "{\"rows\":[{\"id\":1},{\"id\":2}],\"n\":2,\"tail\":[9]}";
    json_value root, k, v, row, id, kk;
    json_error err;
    json_iter it, rows, cols;
    int64_t i, sum = 0;
    assert_int_equal(json_open(doc, strlen(doc), &root, &err), 0);
    assert_int_equal(json_iter_init(&it, &root, &err), 0);
    assert_int_equal(json_iter_member(&it, &k, &v), 1);
    assert_true(json_key_equals(&k, "rows", 4));
    /* walk the child ourselves, then hand it back */
    assert_int_equal(json_iter_init(&rows, &v, &err), 0);
    while (json_iter_element(&rows, &row) == 1) {
        assert_int_equal(json_iter_init(&cols, &row, &err), 0);
        assert_int_equal(json_iter_member(&cols, &kk, &id), 1);
        assert_int_equal(json_number_i64(&id, &i), 0);
        sum += i;
        assert_int_equal(json_iter_member(&cols, &kk, &id), 0);
        json_iter_resume(&rows, &row);
    }
    assert_non_null(v.end);
    assert_int_equal(sum, 3);
    json_iter_resume(&it, &v);
    assert_ptr_equal(it.p, v.end);
    assert_int_equal(json_iter_member(&it, &k, &v), 1);
    assert_true(json_key_equals(&k, "n", 1));
    assert_int_equal(json_iter_member(&it, &k, &v), 1);
    assert_true(json_key_equals(&k, "tail", 4));
    /* resuming with something not walked changes nothing: the iterator skips */
    json_value unwalked = v;
    json_iter_resume(&it, &unwalked);
    assert_ptr_equal(it.p, v.start);
    assert_int_equal(json_iter_member(&it, &k, &v), 0);
    assert_ptr_equal(root.end, doc + strlen(doc));
}

static void test_finish(void **state) {
    (void)state;
    static const char doc[] = " {\"a\":[1,2,{\"b\":null}],\"c\":\"}\"}  ";
    json_value root;
    json_error err;
    assert_int_equal(json_open(doc, strlen(doc), &root, &err), 0);
    assert_int_equal(root.type, JSON_OBJECT);
    assert_ptr_equal(root.start, doc + 1);
    assert_null(root.end);
    assert_int_equal(json_finish(&root, &err), 0);
    assert_ptr_equal(root.end, doc + strlen(doc) - 2);
    assert_int_equal(json_finish(&root, &err), 0);     /* idempotent */
    /* scalars are complete at once */
    assert_int_equal(json_open(" -12.5e3 ", 9, &root, &err), 0);
    assert_int_equal(root.end - root.start, 7);
    assert_int_equal(json_finish(&root, &err), 0);
    /* finishing a broken container */
    assert_int_equal(json_open("[1,2", 4, &root, &err), 0);
    assert_int_equal(json_finish(&root, &err), -1);
    assert_string_equal(err.msg, "unexpected end of input");
    assert_null(root.end);
}

static void test_close(void **state) {
    (void)state;
    json_value root, v;
    json_error err;
    json_iter it;
    /* lazy root: json_close walks it, then checks what follows */
    static const char ok[] = "{\"a\":[1,2]} \n";
    assert_int_equal(json_open(ok, strlen(ok), &root, &err), 0);
    assert_int_equal(json_close(&root, &err), 0);
    assert_ptr_equal(root.end, ok + strlen(ok) - 2);
    /* a root already walked by an iterator */
    static const char bad[] = "[1,2] 3";
    assert_int_equal(json_open(bad, strlen(bad), &root, &err), 0);
    assert_int_equal(json_iter_init(&it, &root, &err), 0);
    while (json_iter_element(&it, &v) == 1) {}
    assert_non_null(root.end);
    assert_int_equal(json_close(&root, &err), -1);
    assert_string_equal(err.msg, "trailing characters after document");
    assert_ptr_equal(err.where, bad + 6);
    /* scalar roots */
    assert_int_equal(json_open("true ", 5, &root, &err), 0);
    assert_int_equal(json_close(&root, &err), 0);
    assert_int_equal(json_open("1x", 2, &root, &err), 0);
    assert_int_equal(json_close(&root, &err), -1);
    /* a broken lazy root */
    assert_int_equal(json_open("{\"a\" 1}", 8, &root, &err), 0);
    assert_int_equal(json_close(&root, &err), -1);
    assert_string_equal(err.msg, "expected ':'");
}

static void test_key_equals(void **state) {
    (void)state;
    json_value k;
    json_error err;
    assert_int_equal(json_open("\"a\\u0062\\\\\"", 11, &k, &err), 0);
    assert_true(k.escaped);
    assert_true(json_key_equals(&k, "ab\\", 3));
    assert_false(json_key_equals(&k, "ab", 2));
    assert_false(json_key_equals(&k, "ab\\c", 4));
    assert_false(json_key_equals(&k, "ac\\", 3));
    assert_int_equal(json_open("\"abc\"", 5, &k, &err), 0);
    assert_true(json_key_equals(&k, "abc", 3));
    assert_false(json_key_equals(&k, "abd", 3));
    assert_false(json_key_equals(&k, "abcd", 4));
    assert_int_equal(json_open("\"\"", 2, &k, &err), 0);
    assert_true(json_key_equals(&k, NULL, 0));
    assert_int_equal(json_open("12", 2, &k, &err), 0);
    assert_false(json_key_equals(&k, "12", 2));
}

static void test_type_names(void **state) {
    (void)state;
    assert_string_equal(json_type_name(JSON_NULL), "null");
    assert_string_equal(json_type_name(JSON_TRUE), "boolean");
    assert_string_equal(json_type_name(JSON_FALSE), "boolean");
    assert_string_equal(json_type_name(JSON_NUMBER), "number");
    assert_string_equal(json_type_name(JSON_STRING), "string");
    assert_string_equal(json_type_name(JSON_OBJECT), "object");
    assert_string_equal(json_type_name(JSON_ARRAY), "array");
}

/* Every proper prefix of a valid document must be rejected without reading
 * past its end; single-byte mutations must get the same verdict from the
 * skipper and from the iterators. */
static void test_prefixes_and_mutations(void **state) {
    (void)state;
    size_t n = strlen(DOC);
    json_error err;
    for (size_t k = 0; k < n; k++) {
        char *p = exact_copy(DOC, k);
        assert_int_equal(json_validate(p, k, &err), -1);
        assert_int_equal(walk_validate(p, k, 1, &err), -1);
        free(p);
    }
    static const char bytes[] = {'"', '\\', '{', '}', '[', ']', ',', ':', ' ', '0', '-', 'e',
                                 '.', 'u', 'x', '\0', '\x1f', '\x80', '\xc3', '\xff'};
    int agree = 0;
    for (size_t k = 0; k < n; k++) {
        for (size_t b = 0; b < sizeof bytes; b++) {
            char *p = exact_copy(DOC, n);
            p[k] = bytes[b];
            int r = json_validate(p, n, &err);
            for (int self = 0; self <= 1; self++) {
                int w = walk_validate(p, n, self, &err);
                if (w != r) fail_msg("mutation at %zu to 0x%02x: validate %d, walk %d", k,
                                     (unsigned char)bytes[b], r, w);
            }
            agree++;
            free(p);
        }
    }
    print_message("%d mutations agreed\n", agree);
}

/* Strings built from tokens whose verdict and decoded bytes are known, at
 * every alignment: the 16- and 64-byte string scans (escapes settled inside
 * a block, a backslash carried across blocks, runs of backslashes) and the
 * shuffle-based unescaping must give exactly what a byte-at-a-time reading
 * of the tokens gives, in a string alone and inside an object. */
typedef struct str_token {
    const char *raw;     /* bytes inside the quotes */
    const char *dec;     /* decoded bytes, NULL when the token is invalid */
} str_token;

static const str_token str_tokens[] = {
    {"a", "a"}, {"bcdefghij", "bcdefghij"}, {"0123456789abcdef0123", "0123456789abcdef0123"}, {" ", " "},
    {"\\\"", "\""}, {"\\\"", "\""}, {"\\\"", "\""}, {"\\\\", "\\"}, {"\\/", "/"}, {"\\n", "\n"},
    {"\\t", "\t"}, {"\\u0041", "A"}, {"\\u00e9", "\xc3\xa9"}, {"\\ud83d\\ude00", "\xf0\x9f\x98\x80"},
    {"\xc3\xa9", "\xc3\xa9"}, {"{", "{"}, {":", ":"}, {",", ","}, {"\\\\\\\"", "\\\""}, {"/", "/"},
    /* invalid */
    {"\x01", NULL}, {"\xff", NULL}, {"\\x", NULL}, {"\\u12zz", NULL}, {"\\ud83dX", NULL}, {"\"", NULL},
    {"\xc3", NULL},
};
#define STR_VALID_TOKENS 20
/* The tokens of JSON held in a string (\", \/ and \\ escapes, and runs of
 * them: JSON escaped twice), for the strings that take the unescaping fast
 * path from start to end. */
static const unsigned str_payload_tokens[] = {0, 1, 2, 3, 4, 5, 6, 7, 8, 15, 16, 17, 18, 19};

static void test_string_tokens_random(void **state) {
    (void)state;
    unsigned seed = 12345;
    char raw[4096], dec[4096], doc[4200];
    arena a;
    arena_init(&a);
    /* the tree k -> x: "k" is a string a path goes on into */
    static json_pick_tree tree;
    json_pick picks[3];
    int fast_decoded = 0;
    tree.nnodes = 3;
    tree.nodes[0] = (json_pick_node){"", 0, 1, -1, 0, 0, 0};
    tree.nodes[1] = (json_pick_node){"k", 1, 2, -1, 0, 0, 0};
    tree.nodes[2] = (json_pick_node){"x", 1, -1, -1, 0, 0, 0};
    assert_int_equal(json_pick_index(&tree), 0);
    for (int iter = 0; iter < 30000; iter++) {
        size_t rn = 0, dn = 0;
        int valid = 1;
        int ntok = (int)((seed = seed * 1103515245u + 12345u) >> 16) % 160;
        int bad_at = (iter % 8 == 0) ? (int)((seed >> 8) % (unsigned)(ntok + 1)) : -1;
        for (int t = 0; t <= ntok; t++) {
            seed = seed * 1103515245u + 12345u;
            unsigned pick = (seed >> 16) % STR_VALID_TOKENS;
            if (iter % 2 && (seed >> 8) % 256)   /* mostly payload-like, now and then another escape */
                pick = str_payload_tokens[(seed >> 16) % (sizeof str_payload_tokens / sizeof *str_payload_tokens)];
            if (t == bad_at) pick = STR_VALID_TOKENS + (seed >> 20) % (sizeof str_tokens / sizeof *str_tokens - STR_VALID_TOKENS);
            const str_token *tk = &str_tokens[pick];
            size_t l = strlen(tk->raw);
            if (rn + l >= 3000) break;
            memcpy(raw + rn, tk->raw, l);
            rn += l;
            if (!tk->dec) {
                valid = 0;
                continue;
            }
            memcpy(dec + dn, tk->dec, strlen(tk->dec));
            dn += strlen(tk->dec);
        }
        /* "\xc3" then a token starting with a continuation byte cannot
         * occur: no valid token starts with one, so the verdict stands. */
        size_t pad = (size_t)iter % 67;
        for (int shape = 0; shape < 2; shape++) {
            size_t n = 0;
            memset(doc, ' ', pad);
            n = pad;
            if (shape) n += (size_t)sprintf(doc + n, "{\"k\":");
            doc[n++] = '"';
            memcpy(doc + n, raw, rn);
            n += rn;
            doc[n++] = '"';
            if (shape) n += (size_t)sprintf(doc + n, ",\"z\":1}");
            char *p = exact_copy(doc, n);
            json_error err;
            int r = json_validate(p, n, &err);
            if (r != (valid ? 0 : -1))
                fail_msg("iteration %d shape %d: validate %d, expected %s (%zu raw bytes)", iter, shape, r,
                         valid ? "valid" : "invalid", rn);
            if (shape) {
                /* the walk that picks "k" for a path going on below it
                 * decodes it on the way (json_pick.text) when it can */
                json_value root;
                arena_reset(&a);
                if (json_open(p, n, &root, &err) == 0) {
                    picks[0].count = picks[1].count = picks[2].count = 0;
                    picks[1].text = NULL;
                    int w = json_finish_pick(&root, &tree, 0, picks, NULL, &a, &err);
                    if (w != (valid ? 0 : -1)) fail_msg("iteration %d: picking walk %d, expected %s", iter, w, valid ? "valid" : "invalid");
                    if (valid && picks[1].text) {
                        fast_decoded++;
                        if (picks[1].text_len != dn || memcmp(picks[1].text, dec, dn) != 0)
                            fail_msg("iteration %d: decoded on the walk %zu bytes, expected %zu", iter, picks[1].text_len, dn);
                    }
                }
            }
            if (valid) {
                json_value root, v;
                assert_int_equal(json_open(p, n, &root, &err), 0);
                if (shape) assert_int_equal(json_find(&root, "k", 1, &v, &err), JSON_FOUND);
                else v = root;
                const char *s;
                size_t len;
                arena_reset(&a);
                assert_int_equal(json_string(&v, &a, &s, &len, &err), 0);
                if (len != dn || memcmp(s, dec, dn) != 0)
                    fail_msg("iteration %d shape %d: decoded %zu bytes, expected %zu", iter, shape, len, dn);
            }
            free(p);
        }
    }
    print_message("%d strings decoded during the walk\n", fast_decoded);
#if defined(__SSSE3__)
    assert_true(fast_decoded > 1000);
#else
    assert_int_equal(fast_decoded, 0);   /* decoding on the walk is the SSSE3 path (json.c) */
#endif
    arena_free(&a);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_suite_y),
        cmocka_unit_test(test_suite_n),
        cmocka_unit_test(test_suite_i),
        cmocka_unit_test(test_validate_doc),
        cmocka_unit_test(test_lookup_nested),
        cmocka_unit_test(test_lookup_arrays),
        cmocka_unit_test(test_lookup_missing),
        cmocka_unit_test(test_lookup_escaped_keys),
        cmocka_unit_test(test_lookup_json_in_string),
        cmocka_unit_test(test_lookup_invalid_while_walking),
        cmocka_unit_test(test_numbers_exact),
        cmocka_unit_test(test_numbers_grammar),
        cmocka_unit_test(test_string_decode),
        cmocka_unit_test(test_string_offsets),
        cmocka_unit_test(test_string_errors),
        cmocka_unit_test(test_structure_errors),
        cmocka_unit_test(test_depth),
        cmocka_unit_test(test_depth_hostile),
        cmocka_unit_test(test_iter_object),
        cmocka_unit_test(test_iter_array),
        cmocka_unit_test(test_iter_resume),
        cmocka_unit_test(test_finish),
        cmocka_unit_test(test_close),
        cmocka_unit_test(test_key_equals),
        cmocka_unit_test(test_type_names),
        cmocka_unit_test(test_prefixes_and_mutations),
        cmocka_unit_test(test_string_tokens_random),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
