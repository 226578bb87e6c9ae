/* test_debezium_flatten.c — debezium_flatten called from SQL in the real
 * engine, which loads our XML and reads the answers (a Tuple holding a
 * Map) in every format x mode variant.
 *
 *   by hand      the shipped definitions (debezium_flatten, _tsv, Debezium's
 *                defaults) on one message of each kind, against
 *                ClickHouse's own text of the answer;
 *   oracle       every captured Debezium message (tests/fixtures/debezium)
 *                through flatten_rewrite* (rewrite, add.fields with a
 *                rename, add.headers), checked with ClickHouse's JSON
 *                functions against the message itself: every column of the
 *                image with its value, __deleted, the added fields, the
 *                headers, dropped tombstones and truncates, heartbeats and
 *                transaction metadata passed on as they came;
 *   transport    those messages plus 3,000 generated outbox events (with
 *                and without the schema envelope, astral-plane text,
 *                pretty-printed payloads) answered by the engine equal, byte
 *                for byte and header by header, what flat_apply answers in
 *                this process, in all six variants;
 *   routing      flatten_route (route.by.field, rewrite-with-tombstone) on
 *                the campaign table's messages: the topic is the row's
 *                status, the tombstones kept with their op header. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "flatten.h"
#include "fnrun.h"
#include "itest.h"

/* flatten_rewrite*'s command line (tests/integration/matrix_function.xml). */
static const char *const REWRITE[][2] = {
    {"delete.tombstone.handling.mode", "rewrite"},
    {"add.fields", "op,source.ts_ms:event_ts"},
    {"add.headers", "op,source.lsn,transaction.id"},
};

/* ============================================================ by hand */

#define HAND_CREATE                                                                                     \
    "{\"before\":null,\"after\":{\"id\":1,\"s\":\"tab\\there \\u00e9 \\ud83d\\ude00\"},\"source\":{\"lsn\":7," \
    "\"ts_ms\":5},\"transaction\":null,\"op\":\"c\",\"ts_ms\":6}"
#define HAND_DELETE "{\"before\":{\"id\":1},\"after\":null,\"source\":{\"lsn\":8},\"transaction\":null,\"op\":\"d\",\"ts_ms\":6}"

static void test_by_hand(void **state) {
    chs_session *s = *state;
    static const char *const msgs[] = {HAND_CREATE, HAND_DELETE, "", "{\"ts_ms\":1710032523000}", "{\"op\":"};
    itest_buf rb = {0};
    for (size_t i = 0; i < sizeof(msgs) / sizeof(msgs[0]); i++) {
        itest_rb_u64(&rb, i);
        itest_rb_string(&rb, msgs[i], strlen(msgs[i]));
    }
    itest_exec(s, "CREATE TABLE hand (k UInt64, message String) ENGINE = Memory");
    itest_insert_rowbinary(s, "hand", "k UInt64, message String", &rb);
    itest_buf_free(&rb);
    /* ClickHouse's text of each answer: the create flattened (strings as
     * Jackson writes them: the tab escaped, é as UTF-8, the emoji as its
     * surrogates), the delete and the tombstone dropped, the heartbeat
     * passed on, the broken message an error */
    const char *want = "('{\"id\":1,\"s\":\"tab\\\\there \xc3\xa9 \\\\uD83D\\\\uDE00\"}',{},'',0,0,'')\n"
                       "('',{},'',0,1,'')\n"
                       "('',{},'',0,1,'')\n"
                       "('{\"ts_ms\":1710032523000}',{},'',0,0,'')\n"
                       "('',{},'',0,0,'invalid JSON: unexpected end of input at byte 6')\n";
    itest_assert_query(s, want, "SELECT debezium_flatten(message) FROM hand ORDER BY k");
    itest_assert_query(s, want, "SELECT debezium_flatten_tsv(message) FROM hand ORDER BY k");
    /* the fields by name, as a materialized view would read them */
    itest_assert_query(s, "1\t0\t0\t\n",
                       "SELECT r.value = '{\"id\":1,\"s\":\"tab\\\\there \xc3\xa9 \\\\uD83D\\\\uDE00\"}', r.skip, "
                       "length(r.headers), r.topic FROM (SELECT debezium_flatten(message) AS r FROM hand WHERE k = 0)");
    itest_exec(s, "DROP TABLE hand");
}

/* ================================================ the captured messages */

static void collect(void *ctx, const char *msg, size_t n) {
    itest_rows_add(ctx, msg, n);
}

/* Every captured value, plain and with the schema envelope, as table `fx`
 * (message, and p: the Debezium payload, for ClickHouse's JSON functions). */
static size_t load_fixtures(chs_session *s, itest_rows *rows) {
    fixture_each(FIXTURES_DIR, "plain", 0, collect, rows);
    fixture_each(FIXTURES_DIR, "with-schema", 0, collect, rows);
    itest_exec(s, "DROP TABLE IF EXISTS fx");
    itest_exec(s, "CREATE TABLE fx (message String, p String MATERIALIZED if(JSONHas(message, 'payload') AND NOT "
                  "JSONHas(message, 'op'), JSONExtractRaw(message, 'payload'), message), op String MATERIALIZED "
                  "JSONExtractString(p, 'op')) ENGINE = Memory");
    itest_insert_strings(s, "fx", "message", rows);
    return rows->count;
}

static void test_oracle(void **state) {
    chs_session *s = *state;
    itest_rows rows = {0};
    size_t n = load_fixtures(s, &rows);
    itest_rows_free(&rows);
    /* the fixtures hold every kind this test reads */
    itest_assert_query(s, "1\t1\t1\t1\t1\t1\n",
                       "SELECT countIf(op = 'c') > 0, countIf(op = 'u') > 0, countIf(op = 'd') > 0, "
                       "countIf(op = 't') > 0, countIf(message = '') > 0, countIf(op = '') > 1 FROM fx");
    char want[64];
    snprintf(want, sizeof(want), "%zu\t0\t0\t0\t0\t0\n", n);
    itest_assert_every_variant(
        s, want, "flatten_rewrite",
        "SELECT count(), "
        /* a change: the image's columns, each with its value, then __deleted and the added fields */
        "countIf(op IN ('c', 'r', 'u', 'd') AND NOT (r.skip = 0 AND r.error = '' AND "
        "  JSONLength(r.value) = JSONLength(img) + 3 AND "
        "  arrayAll(k -> JSONExtractRaw(r.value, k) = JSONExtractRaw(img, k), JSONExtractKeys(img)) AND "
        "  arraySlice(JSONExtractKeys(r.value), -3) = ['__deleted', '__op', '__event_ts'] AND "
        "  JSONExtractString(r.value, '__deleted') = if(op = 'd', 'true', 'false') AND "
        "  JSONExtractString(r.value, '__op') = op AND "
        "  JSONExtract(r.value, '__event_ts', 'Int64') = JSONExtract(p, 'source', 'ts_ms', 'Int64'))), "
        /* its headers */
        "countIf(op IN ('c', 'r', 'u', 'd') AND NOT (mapKeys(r.headers) = ['__op', '__source_lsn', '__transaction_id'] AND "
        "  r.headers['__op'] = op AND r.headers['__source_lsn'] = toString(JSONExtract(p, 'source', 'lsn', 'UInt64')) AND "
        "  r.headers['__transaction_id'] = JSONExtractString(p, 'transaction', 'id'))), "
        /* tombstones and truncates dropped, nothing else */
        "countIf((message = '' OR op = 't') != (r.skip = 1 AND r.value = '' AND length(r.headers) = 0)), "
        /* heartbeats and transaction metadata passed on as they came (compact already) */
        "countIf(message != '' AND op = '' AND NOT (r.value = p AND r.skip = 0 AND length(r.headers) = 0)), "
        "countIf(r.error != '' OR r.topic != '' OR r.is_tombstone != 0) "
        "FROM (SELECT message, p, op, JSONExtractRaw(p, if(op = 'd', 'before', 'after')) AS img, "
        "%s(message) AS r FROM fx)");
    itest_exec(s, "DROP TABLE fx");
}

/* ============================================================ transport */

/* RowBinary of one expected answer: k, message, value, header names and values, topic, flags, error. */
static void expected_row(itest_buf *rb, uint64_t k, const char *msg, size_t n, const flat_result *r) {
    itest_rb_u64(rb, k);
    itest_rb_string(rb, msg, n);
    itest_rb_string(rb, r->value.p ? r->value.p : "", r->value.len);
    for (int side = 0; side < 2; side++) {
        tb_leb128(rb, (uint64_t)r->nheaders);
        for (int i = 0; i < r->nheaders; i++) {
            const flat_header *h = &r->headers[i];
            if (side == 0) itest_rb_string(rb, h->name, strlen(h->name));
            else itest_rb_string(rb, h->len ? r->hvalues.p + h->off : "", h->len);
        }
    }
    itest_rb_string(rb, r->topic, r->topic_len);
    itest_rb_u8(rb, (uint64_t)r->is_tombstone);
    itest_rb_u8(rb, (uint64_t)r->skip);
    itest_rb_string(rb, r->error, strlen(r->error));
}

static void test_transport(void **state) {
    chs_session *s = *state;
    flat_config cfg;
    flat_result res;
    char why[256];
    arena a;
    flat_config_init(&cfg);
    flat_result_init(&res);
    arena_init(&a);
    for (size_t i = 0; i < sizeof(REWRITE) / sizeof(REWRITE[0]); i++)
        assert_int_equal(flat_config_set(&cfg, REWRITE[i][0], REWRITE[i][1], why, sizeof(why)), 0);
    assert_int_equal(flat_config_finish(&cfg, why, sizeof(why)), 0);

    itest_rows msgs = {0};
    fixture_each(FIXTURES_DIR, "plain", 0, collect, &msgs);
    fixture_each(FIXTURES_DIR, "with-schema", 0, collect, &msgs);
    itest_rng rng = {20261205};
    itest_buf b = {0};
    for (int i = 0; i < 3000; i++) {
        itest_outbox o;
        itest_outbox_random(&rng, &o);
        itest_buf_clear(&b);
        itest_outbox_write(&rng, &o, &b);
        itest_rows_add(&msgs, b.p, b.n);
    }
    itest_buf_clear(&b);
    size_t headers = 0;
    for (size_t i = 0; i < msgs.count; i++) {
        size_t n;
        const char *m = itest_rows_get(&msgs, i, &n);
        arena_reset(&a);
        flat_apply(&cfg, m, n, &a, &res);
        headers += (size_t)res.nheaders;
        expected_row(&b, i, m, n, &res);
    }
    itest_exec(s, "CREATE TABLE exp (k UInt64, message String, value String, hk Array(String), hv Array(String), "
                  "topic String, tomb UInt8, skip UInt8, error String) ENGINE = Memory");
    itest_insert_rowbinary(s, "exp", "k UInt64, message String, value String, hk Array(String), hv Array(String), "
                                     "topic String, tomb UInt8, skip UInt8, error String", &b);
    assert_true(headers > 3 * 3000);
    char want[64];
    snprintf(want, sizeof(want), "%zu\t0\n", msgs.count);
    itest_assert_every_variant(s, want, "flatten_rewrite",
                               "SELECT count(), countIf(r.value != value OR mapKeys(r.headers) != hk OR "
                               "mapValues(r.headers) != hv OR r.topic != topic OR r.is_tombstone != tomb OR "
                               "r.skip != skip OR r.error != error) "
                               "FROM (SELECT *, %s(message) AS r FROM exp)");
    itest_exec(s, "DROP TABLE exp");
    itest_buf_free(&b);
    itest_rows_free(&msgs);
    arena_free(&a);
    flat_result_free(&res);
    flat_config_free(&cfg);
}

/* ============================================================== routing */

static void test_routing(void **state) {
    chs_session *s = *state;
    itest_rows rows = {0};
    load_fixtures(s, &rows);
    itest_rows_free(&rows);
    /* campaign rows: routed to their status (the captured ones have no
     * delete: routing by the before image is test_flatten's); tombstones
     * kept, with only the op header ("d") */
    itest_assert_query(
        s, "1\t1\t0\t0\n",
        "SELECT countIf(op IN ('c', 'r', 'u')) > 0, countIf(message = '') > 0, "
        "countIf(op IN ('c', 'r', 'u', 'd') AND NOT (r.topic = JSONExtractString(p, if(op = 'd', 'before', 'after'), "
        "'status') AND r.topic != '' AND r.headers = map('__op', op) AND r.error = '')), "
        "countIf(message = '' AND NOT (r.is_tombstone = 1 AND r.value = '' AND r.headers = map('__op', 'd') AND r.skip = 0)) "
        "FROM (SELECT message, p, op, flatten_route(message) AS r FROM fx WHERE message = '' OR "
        "JSONExtractString(p, 'source', 'table') = 'campaign')");
    itest_exec(s, "DROP TABLE fx");
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
        cmocka_unit_test(test_oracle),
        cmocka_unit_test(test_transport),
        cmocka_unit_test(test_routing),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
