/* test_payload_get.c — payload_get's one-pass walk against its definition,
 * byte for byte, in the linked function object.
 *
 * payload_get answers json_lookup's value only when the whole message is
 * JSON (fn_payload_get.c); it does both in one validating walk that picks
 * the path's members.  The reference here is the definition written
 * plainly, as two steps: the lookup, then the whole message walked again
 * (json_close).  Both answer every captured message of tests/fixtures
 * (values and keys), hand-written shapes (arrays, JSON in strings, repeated
 * and escaped keys, scalars at the top, paths deeper than picking follows)
 * and thousands of seeded mutations of all of them, under paths reaching
 * the first member, deep members, missing ones, the outbox payload string,
 * array elements and the whole message.  Answers must be the same bytes,
 * and the rows each reports as not JSON the same number. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "corpus.h"
#include "fnrun.h"
#include "json.h"

#ifndef FIXTURES_DIR
#define FIXTURES_DIR "tests/fixtures"
#endif
/* Captured messages there are (tests/fixtures/debezium/manifest.json): fewer means files went missing. */
#define FIXTURES_MIN 100

/* ----------------------------------------------------------- reference */

static long reference_bad_rows;

/* payload_get as defined: the lookup, then the whole message walked. */
static void reference_row(void *self, const udf_value *args, res_writer *out, arena *a) {
    (void)self;
    json_value root, v;
    json_error err = {0, 0};
    const char *s;
    size_t n;
    int rc = json_open(args[0].s, args[0].n, &root, &err) < 0 ? JSON_ERR
                                                              : json_lookup(&root, args[1].s, args[1].n, a, &v, &err);
    if (rc == JSON_FOUND && v.type == JSON_STRING && json_string(&v, a, &s, &n, &err) < 0) rc = JSON_ERR;
    if (rc == JSON_FOUND && v.type != JSON_STRING && json_finish(&v, &err) < 0) rc = JSON_ERR;
    if (rc != JSON_ERR && json_close(&root, &err) < 0) rc = JSON_ERR;
    if (rc == JSON_FOUND && v.type != JSON_NULL) {
        if (v.type != JSON_STRING) s = v.start, n = json_raw_len(&v);
        res_string(out, s, n);
        return;
    }
    if (rc == JSON_ERR) reference_bad_rows++;
    res_null(out);
}

/* The rows payload_get's block_end reports as not JSON (0 when it says nothing). */
static long reported_bad_rows(void) {
    FILE *f = tmpfile();
    assert_non_null(f);
    fflush(stderr);
    int saved = dup(2);
    assert_true(saved >= 0);
    assert_true(dup2(fileno(f), 2) >= 0);
    payload_get_udf.block_end(payload_get_udf.self);
    fflush(stderr);
    dup2(saved, 2);
    close(saved);
    char line[512] = "";
    rewind(f);
    if (!fgets(line, sizeof line, f)) line[0] = 0;
    fclose(f);
    long rows = 0;
    const char *p = strstr(line, ": ");
    if (line[0] && (!p || sscanf(p + 2, "%ld row(s)", &rows) != 1)) fail_msg("unexpected report: %s", line);
    return rows;
}

/* ----------------------------------------------------------- corpus */

/* Shapes the fixtures lack, for the paths below. */
static void corpus_shapes(corpus *c) {
    static const char *const shapes[] = {
        "{\"a\":1,!!!",
        "{\"a\":1,\"b\":2} !!!",
        "{\"a\":{\"b\":1},\"a\":{\"b\":2}}",
        "{\"a\":1,\"a\":{\"b\":2}}",
        "{\"\\u0061\":{\"b\":\"\\u00e9\"},\"a\":0}",
        "{\"a\":[10,{\"b\":[20,21]},\"{\\\"b\\\":3}\"],\"c\":null}",
        "{\"a\":\"{\\\"b\\\":{\\\"c\\\":[1,2]}} trailing\",\"z\":1}",
        "{\"a\":\"{\\\"b\\\":1,!!!\"}",
        "{\"a\":\"{\\\"x\\\":1,!!!\\\"b\\\":2}\"}",
        "{\"a\":\"42\",\"b\":\"Alice\"}",
        "{\"a\":\"\\\"{\\\\\\\"b\\\\\\\":5}\\\"\"}",
        "{\"\":{\"\":7},\"a\":{\"\":8}}",
        "{\"0\":\"zero\",\"a\":{\"007\":1}}",
        "{\"a\":[0,1,2,3,4,5,6,\"seven\",[8,{\"b\":[]}]],\"a\":[]}",
        "[[1,[2,[3]]],{\"1\":\"one\"}]",
        "\"{\\\"a\\\":{\\\"b\\\":9}}\"",
        "[{\"a\":1},{\"b\":2}]",
        "42",
        "null",
        "  {\"a\" : { \"b\" : [ ] } }  ",
        "{\"after\":{\"payload\":\"{\\\"id\\\":\\\"x\\\",\\\"properties\\\":{\\\"page\\\":\\\"/p\\\"}}\"},\"op\":\"c\"}",
        "{\"after\":{\"payload\":\"{\\\"id\\\":\\\"x\\\"\"},\"op\":\"c\"}",
        "",
    };
    for (size_t i = 0; i < sizeof shapes / sizeof *shapes; i++) corpus_add(c, shapes[i], strlen(shapes[i]));
    /* Nesting deeper than picking follows (JSON_PICK_DEPTH), with an array and a string on the way. */
    char deep[1024];
    size_t n = 0;
    for (int i = 0; i < 40; i++) n += (size_t)snprintf(deep + n, sizeof deep - n, i == 35 ? "{\"a\":[" : "{\"a\":");
    n += (size_t)snprintf(deep + n, sizeof deep - n, "\"{\\\"a\\\":5}\"");
    for (int i = 0; i < 40; i++) n += (size_t)snprintf(deep + n, sizeof deep - n, i == 4 ? "]}" : "}");
    corpus_add(c, deep, n);
}

static void path_of_a(char *p, int segments, int index_at) {
    size_t n = 0;
    for (int i = 0; i < segments; i++) n += (size_t)sprintf(p + n, "%s%s", i ? "." : "", i == index_at ? "0" : "a");
}

/* ----------------------------------------------------------- test */

static void test_one_pass_equals_lookup_then_validate(void **state) {
    (void)state;
    static char deep41[256], deep36[256], deep20[256];
    path_of_a(deep41, 42, 36);       /* 40 objects, an array, the document in the string */
    path_of_a(deep36, 36, -1);       /* to the array */
    path_of_a(deep20, 20, -1);
    const char *const paths[] = {
        "",                          /* the whole message */
        "before", "schema", "a",     /* first members */
        "source.lsn", "payload.source.lsn", "payload.after.id",   /* deep */
        "nope", "source.nope", "a.b.c.d",                        /* missing */
        "after.payload", "after.payload.id", "after.payload.properties.page",  /* into the payload string */
        "payload.after.payload.user_id", "a.b", "a.b.c", "a.b.c.1", "b.a", "a.x",
        "schema.fields.0.field", "schema.fields.1.fields.2", "a.1.b.0", "a.2.b", "0.a", "1", "a.007", "0", "a.8.1.b", "a.9", "0.1.1.0", "1.1",
        "a.18446744073709551616", "a.00000000000000000000000000000000000007",
        "", ".", "a.", "..", "a..", "op", "ts_ms", "after.id", "id",
        deep41, deep36, deep20,
    };
    corpus c = {0};
    size_t fixtures = fixture_each(FIXTURES_DIR, "plain", 1, corpus_add_one, &c);
    fixtures += fixture_each(FIXTURES_DIR, "with-schema", 1, corpus_add_one, &c);
    if (fixtures < FIXTURES_MIN) fail_msg("%zu captured messages, expected at least %d", fixtures, FIXTURES_MIN);
    corpus_shapes(&c);
    size_t base = c.n;
    corpus_mutate(&c, 30);
    print_message("%zu messages (%zu before mutation, %zu captured values), %zu paths\n", c.n, base, fixtures,
                  sizeof paths / sizeof *paths);

    const udf_function reference = {
        .name = "payload_get_reference",
        .configure = payload_get_udf.configure,
        .row = reference_row,
    };
    static const char *const no_args[] = {NULL};
    fn_runner *one = malloc(sizeof(*one)), *two = malloc(sizeof(*two));
    assert_non_null(one);
    assert_non_null(two);
    fn_open(one, &payload_get_udf, payload_get_udf.self, no_args);
    fn_open(two, &reference, NULL, no_args);
    arena a;
    arena_init(&a);
    reported_bad_rows();
    size_t found = 0, invalid = 0;
    for (size_t k = 0; k < sizeof paths / sizeof *paths; k++) {
        reference_bad_rows = 0;
        for (size_t i = 0; i < c.n; i++) {
            udf_value args[2] = {{0, c.msg[i], c.len[i], 0}, {0, paths[k], strlen(paths[k]), 0}};
            fn_answer_args(one, args, &a);
            fn_answer_args(two, args, &a);
            if (one->cap.len != two->cap.len || memcmp(one->cap.data, two->cap.data, one->cap.len) != 0)
                fail_msg("path '%s', message %zu (%zu bytes): the one pass answers %zu bytes, the reference %zu: %.*s",
                         paths[k], i, c.len[i], one->cap.len, two->cap.len, (int)(c.len[i] > 300 ? 300 : c.len[i]),
                         c.msg[i]);
            found += two->cap.len > 1;   /* RowBinary Nullable: 1 byte for NULL */
        }
        long reported = reported_bad_rows();
        if (reported != reference_bad_rows)
            fail_msg("path '%s': %ld rows reported not JSON, the reference counts %ld", paths[k], reported,
                     reference_bad_rows);
        invalid += (size_t)reference_bad_rows;
    }
    /* Agreeing on NULL alone would prove little: both kinds of answer must be common. */
    print_message("%zu values found, %zu rows not JSON\n", found, invalid);
    if (found < c.n || invalid < c.n) fail_msg("too few values (%zu) or invalid rows (%zu) to compare", found, invalid);
    fn_close(one);
    fn_close(two);
    free(one);
    free(two);
    arena_free(&a);
    corpus_free(&c);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_one_pass_equals_lookup_then_validate),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
