/* test_e2e_smt.c — our functions against Debezium's own single message transforms.
 *
 * The stack runs, beside the raw connectors dbz and dbzplain, one connector per SMT
 * (tests/e2e/connectors/smt*.properties): the outbox EventRouter plain and with its
 * JSON payload expanded, ExtractNewRecordState in rewrite and in drop mode,
 * DecodeLogicalDecodingMessageContent and ExtractChangedRecordState.  This program
 * runs workload_smt.sql, dumps every topic (tools/DumpTopics.java, with timestamps),
 * reads the raw topics and the SMT topics through ClickHouse's Kafka engine
 * (_topic, _key, _headers.name/.value, _timestamp_ms) and then, for every SMT
 * connector and both raw connectors, applies our function configured like the SMT
 * (tests/e2e/smt_function.xml; outbox_route's in tests/integration/matrix_function.xml)
 * to every raw event in the SMT's scope and pairs it with the SMT's record of the
 * same change (clickhouse/smt.sql: identities; clickhouse/smt_<family>.sql: the
 * pairing and the field by field comparison):
 *
 *   outbox       outbox_route: topic, key, value, tombstone, headers, partition,
 *                record timestamp
 *   flatten      debezium_flatten: topic, key, value, tombstone, headers
 *   changed      debezium_unwrap's changed/unchanged: the SMT's two headers
 *   messages     debezium_unwrap (op, source.lsn, row = the SMT's "after" as a JSON
 *                document) and payload_extract --path @row; content the SMT fails
 *                the task on must be an error row
 *
 * Values are compared byte for byte (the JSON converter's output is fixed), except
 * the members that belong to the connector rather than to the change: the envelope's
 * top-level ts_ms/ts_us/ts_ns and source.name (tests/fixtures/smt/README.md).  Every
 * SMT record must pair with a raw event, every raw event the SMT dropped must be a
 * row we mark skip, and no compared field may differ.  The counts are printed. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

#include "e2e.h"
#include "itest.h"
#include "json.h"

#ifndef SOURCE_DIR
#error "SOURCE_DIR must be defined"
#endif

#define E2E_DIR SOURCE_DIR "/tests/e2e"
#define SMT_WAIT_S 180
#define SMT_SHOW 8   /* differences printed per comparison */

/* Where each connector shows workload_smt.sql's last marker. */
static const char *const marker_topics[] = {
    "dbz.public.e2e_marker",     "dbzplain.public.e2e_marker", "smtnew.public.e2e_marker", "smtdrop.public.e2e_marker",
    "smtchanged.public.e2e_marker", "smtlmsg.message",         "outbox.event.e2e_marker",  "outboxx.e2e_marker"};

/* The raw topics, and the SMT connectors' topics (an EventRouter topic named after
 * an aggregatetype route.topic.regex does not match: 'Order-Items'). */
#define RAW_TOPICS_WHERE "(startsWith(topic, 'dbzplain.') OR startsWith(topic, 'dbz.'))"
#define SMT_TOPICS_WHERE                                                                                          \
    "(match(topic, '^smt(outbox|outboxx|new|drop|lmsg|changed)\\\\.') OR startsWith(topic, 'outbox.event.') " \
    "OR startsWith(topic, 'outboxx.') OR topic = 'Order-Items')"

/* The envelope's members that depend on the connector, not on the change. */
static const char *const connector_members[] = {"ts_ms", "ts_us", "ts_ns", "source.name", NULL};

/* Each connector takes its own snapshot: in snapshot rows, what comes from the
 * source block (LSN, txId, source.ts_ms) is the connector's own too.  Per SMT
 * connector: those members of the value (smtnew's add.fields) and headers. */
static const char *const smtnew_snapshot[] = {"ts_ms", "ts_us",          "ts_ns", "source.name",
                                               "__lsn", "__source_ts_ms", "__tx",  NULL};
#define SMTNEW_SNAPSHOT_HEADERS "['__position']"
#define SMTDROP_SNAPSHOT_HEADERS "['cdc.lsn']"
#define NO_SNAPSHOT_HEADERS "CAST([], 'Array(String)')"

static struct {
    chs_session *s;
    const char *run_dir, *brokers;
    char *group, *dump_path;
    int consumed;
    double t0;
} S;

static long long ch_count(const char *fmt, ...) ITEST_PRINTF(1, 2);
static long long ch_count(const char *fmt, ...) {
    va_list ap;
    va_start(ap, fmt);
    itest_buf sql = {0};
    itest_buf_vprintf(&sql, fmt, ap);
    va_end(ap);
    long long v = itest_scalar(S.s, "%s", sql.p);
    itest_buf_free(&sql);
    return v;
}

/* ---------------------------------------------------------------- setup */

/* workload_smt.sql, then every topic dumped once each connector shows its marker. */
static int run_workload_and_dump(void) {
    char *token = e2e_fmt("e2e-smt-%ld", (long)getpid());
    char *args = e2e_fmt("-v marker_token=%s", token);
    double t = e2e_now();
    e2e_psql_file(E2E_DIR "/workload_smt.sql", args);
    free(args);
    e2e_log("workload_smt.sql done in %.1fs", e2e_now() - t);

    itest_buf wait = {0};
    for (size_t i = 0; i < sizeof(marker_topics) / sizeof(marker_topics[0]); i++)
        itest_buf_printf(&wait, " --wait-topic %s --wait-token '%s'", marker_topics[i], token);
    t = e2e_now();
    char *out = NULL;
    int rc = e2e_sh(&out, "%s '%s/tools/DumpTopics.java' --bootstrap '%s' --out '%s' --timeout %d --timestamps%s "
                          "--quiet-topic-prefix __debezium-heartbeat 2>&1",
                    e2e_java(), E2E_DIR, S.brokers, S.dump_path, SMT_WAIT_S, wait.p);
    if (rc != 0) fprintf(stderr, "DumpTopics failed (exit %d): %s\n", rc, out ? out : "");
    free(out);
    itest_buf_free(&wait);
    free(token);
    if (rc == 0) e2e_log("every connector caught up, topics dumped (%.1fs)", e2e_now() - t);
    return rc == 0 ? 0 : -1;
}

/* A comma-separated list of the dump's topics matching `where`. */
static char *dump_topics(const char *where) {
    char *sql = e2e_fmt("SELECT arrayStringConcat(groupArray(topic), ',') FROM "
                        "(SELECT DISTINCT topic FROM smt.dump WHERE %s ORDER BY topic)", where);
    char *err = NULL, *out = itest_try_query(S.s, &err, "%s", sql);
    free(sql);
    if (!out) {
        fprintf(stderr, "listing topics: %s\n", err);
        free(err);
        return NULL;
    }
    out[strcspn(out, "\n")] = 0;
    return out;
}

static int group_setup(void **state) {
    (void)state;
    S.t0 = e2e_now();
    S.run_dir = e2e_env("CDC_E2E_RUN_DIR");
    S.brokers = e2e_env("KAFKA_BOOTSTRAP");
    if (!S.run_dir || !S.brokers || !e2e_env("KAFKA_CLASSPATH") || !e2e_env("PGPORT")) return -1;
    S.group = e2e_fmt("e2e_smt_%ld", (long)getpid());
    S.dump_path = e2e_fmt("%s/e2e-smt-topics.jsonl", S.run_dir);
    char *data = e2e_fmt("%s/ch-smt", S.run_dir);
    S.s = e2e_ch_open(data);
    free(data);
    if (!S.s || run_workload_and_dump() != 0) return -1;

    const char *dump_sql[] = {
        "CREATE DATABASE smt ENGINE = Atomic",
        "CREATE TABLE smt.dump (topic LowCardinality(String), partition UInt32, offset UInt64, key Nullable(String), "
        "value Nullable(String), headers Array(Tuple(key String, value Nullable(String))), timestamp Int64) "
        "ENGINE = MergeTree ORDER BY (topic, partition, offset)",
        NULL};
    for (size_t i = 0; dump_sql[i]; i++)
        if (chs_exec(S.s, dump_sql[i]) != 0) return -1;
    char *load = e2e_fmt("INSERT INTO smt.dump SELECT * FROM file('%s', 'JSONEachRow', 'topic String, partition UInt32, "
                         "offset UInt64, key Nullable(String), value Nullable(String), headers Array(Tuple(key String, "
                         "value Nullable(String))), timestamp Int64')",
                         S.dump_path);
    int rc = chs_exec(S.s, load);
    free(load);
    char *raw = rc ? NULL : dump_topics(RAW_TOPICS_WHERE), *smt = rc ? NULL : dump_topics(SMT_TOPICS_WHERE);
    if (raw && smt) {
        const char *subst[] = {"@BROKERS@", S.brokers, "@GROUP@", S.group, "@RAW_TOPICS@", raw,
                               "@SMT_TOPICS@", smt, "@FLUSH_MS@", "500", NULL};
        rc = e2e_ch_apply(S.s, E2E_DIR "/clickhouse/smt.sql", subst);
    } else {
        rc = -1;
    }
    free(raw);
    free(smt);
    if (rc == 0) e2e_log("ClickHouse reads the raw and the SMT topics (%.1fs)", e2e_now() - S.t0);
    return rc;
}

static int group_teardown(void **state) {
    (void)state;
    if (S.s) {   /* the consumers leave their groups before the engine closes */
        chs_exec(S.s, "DROP TABLE IF EXISTS smt.raw_kafka SYNC");
        chs_exec(S.s, "DROP TABLE IF EXISTS smt.smt_kafka SYNC");
        chs_close(S.s);
    }
    free(S.group);
    free(S.dump_path);
    e2e_log("SMT test done in %.1fs", e2e_now() - S.t0);
    return 0;
}

/* ---------------------------------------------------------------- consumption */

/* Every non-null record of the raw and SMT topics is in smt.records, as the dump has it. */
static void test_consumed(void **state) {
    (void)state;
    double t = e2e_now(), deadline = t + SMT_WAIT_S;
    long long want_raw = ch_count("SELECT count() FROM smt.dump WHERE value IS NOT NULL AND " RAW_TOPICS_WHERE);
    long long want_smt = ch_count("SELECT count() FROM smt.dump WHERE value IS NOT NULL AND " SMT_TOPICS_WHERE);
    long long got_raw = 0, got_smt = 0;
    for (;;) {
        got_raw = ch_count("SELECT count() FROM smt.records WHERE side = 'raw'");
        got_smt = ch_count("SELECT count() FROM smt.records WHERE side = 'smt'");
        if (got_raw >= want_raw && got_smt >= want_smt) break;
        if (e2e_now() > deadline) {
            print_error("ClickHouse read %lld/%lld raw and %lld/%lld SMT records within %d s\n", got_raw, want_raw,
                        got_smt, want_smt, SMT_WAIT_S);
            fail();
        }
        usleep(300 * 1000);
    }
    /* Byte for byte: key (null = ''), value, header names and values (null = ''), timestamp. */
    long long differ = ch_count(
        "SELECT count() FROM smt.records AS r LEFT JOIN smt.dump AS d "
        "ON r.topic = d.topic AND r.partition = d.partition AND r.offset = d.offset "
        "WHERE NOT (r.key = coalesce(d.key, '') AND r.value = d.value AND r.ts = d.timestamp "
        "AND r.hnames = arrayMap(h -> h.1, d.headers) AND r.hvalues = arrayMap(h -> coalesce(h.2, ''), d.headers))");
    long long dupes = ch_count("SELECT count() - uniqExact(topic, partition, offset) FROM smt.records");
    e2e_log("consumed: %lld raw and %lld SMT records, %lld differ from the dump, %lld twice (%.1fs)", got_raw, got_smt,
            differ, dupes, e2e_now() - t);
    assert_int_equal(got_raw, want_raw);
    assert_int_equal(got_smt, want_smt);
    assert_int_equal(differ, 0);
    assert_int_equal(dupes, 0);
    /* The EventRouter's tombstones (empty payloads) never reach the Kafka engine: from the dump. */
    itest_exec(S.s, "INSERT INTO smt.records (side, topic, partition, offset, key, value, hnames, hvalues, ts, from_dump) "
                    "SELECT 'smt', topic, partition, offset, coalesce(key, ''), NULL, arrayMap(h -> h.1, headers), "
                    "arrayMap(h -> coalesce(h.2, ''), headers), timestamp, 1 FROM smt.dump "
                    "WHERE value IS NULL AND (startsWith(topic, 'outbox.event.') OR startsWith(topic, 'outboxx.') "
                    "OR topic = 'Order-Items')");
    e2e_log("the EventRouters' %lld tombstones taken from the dump; tombstones elsewhere (none reach ClickHouse): "
            "%lld raw, %lld SMT",
            ch_count("SELECT count() FROM smt.records WHERE from_dump"),
            ch_count("SELECT count() FROM smt.dump WHERE value IS NULL AND " RAW_TOPICS_WHERE),
            ch_count("SELECT count() FROM smt.dump WHERE value IS NULL AND " SMT_TOPICS_WHERE
                     " AND NOT (startsWith(topic, 'outbox.event.') OR startsWith(topic, 'outboxx.') "
                     "OR topic = 'Order-Items')"));
    S.consumed = 1;
}

/* ---------------------------------------------------------------- comparison */

/* 1 when value `ours` equals the SMT's `smt` but for the connector's own members. */
static int same_but_connector(const char *ours, size_t on, const char *smt, size_t sn, const char *const *except) {
    return e2e_json_same_except(ours, on, smt, sn, except) == 1;
}

/* The SMT's "after" member (its raw bytes) equals `row` as a JSON document. */
static int after_equals_row(const char *row, size_t rn, const char *smt, size_t sn) {
    json_value root, after;
    json_error err = {0};
    if (json_open(smt, sn, &root, &err) || json_find(&root, "after", 5, &after, &err) != JSON_FOUND ||
        json_finish(&after, &err))
        return 0;
    return e2e_json_equal(row, rn, after.start, json_raw_len(&after)) == 1;
}

typedef enum { VALUE_BYTES, VALUE_AFTER, VALUE_NONE } value_rule;

/* Reads smt.cmp_<name>: counts, and every row with a difference.  A 'value'
 * difference is re-checked here: with VALUE_BYTES the values may differ only in
 * the connector's own members (in snapshot rows: those of `snapshot_except`);
 * with VALUE_AFTER our value (a row) must equal the SMT's "after" as a JSON
 * document.  Prints the summary and up to SMT_SHOW differences; returns the
 * number of differing rows. */
static long long smt_check(const char *name, value_rule rule, const char *const *snapshot_except) {
    long long pairs = ch_count("SELECT countIf(side = 'both') FROM smt.cmp_%s", name);
    long long dropped = ch_count("SELECT countIf(side = 'raw') FROM smt.cmp_%s", name);
    long long skips = ch_count("SELECT countIf(side != 'smt' AND skip = 1) FROM smt.cmp_%s", name);
    long long raw = ch_count("SELECT countIf(side != 'smt') FROM smt.cmp_%s", name);
    long long smt = ch_count("SELECT countIf(side != 'raw') FROM smt.cmp_%s", name);
    long long fields = ch_count("SELECT sum(fields) FROM smt.cmp_%s WHERE side = 'both'", name);
    itest_table *t = itest_query_table(
        S.s,
        "SELECT arrayStringConcat(diffs, ','), raw_topic, raw_offset, smt_topic, smt_offset, coalesce(ours_value, ''), "
        "coalesce(smt_value, ''), side = 'both' AND smt_value IS NOT NULL AND ours_value IS NOT NULL, snapshot "
        "FROM smt.cmp_%s WHERE length(diffs) > 0 OR (%d AND side = 'both') "
        "ORDER BY raw_topic, raw_offset, smt_topic, smt_offset",
        name, rule == VALUE_AFTER);
    long long differing = 0, connector_only = 0, values = 0;
    for (size_t i = 0; i < t->nrows; i++) {
        const char *diffs = itest_cell(t, i, 0);
        int both_values = itest_cell(t, i, 7)[0] == '1', snapshot = itest_cell(t, i, 8)[0] == '1';
        const char *const *except = snapshot && snapshot_except ? snapshot_except : connector_members;
        const char *ours = itest_cell(t, i, 5), *smtv = itest_cell(t, i, 6);
        size_t on = t->len[i * t->ncols + 5], sn = t->len[i * t->ncols + 6];
        itest_buf why = {0};
        itest_buf_puts(&why, diffs);
        if (rule == VALUE_AFTER && both_values) {
            values++;
            if (!after_equals_row(ours, on, smtv, sn)) itest_buf_printf(&why, "%s%s", why.n ? "," : "", "after");
        } else if (rule == VALUE_BYTES && strstr(diffs, "value") && both_values &&
                   same_but_connector(ours, on, smtv, sn, except)) {
            connector_only++;
            itest_buf_clear(&why);   /* the rest of the row's diffs, without "value" */
            const char *p = diffs;
            while (*p) {
                size_t n = strcspn(p, ",");
                if (!(n == 5 && strncmp(p, "value", 5) == 0))
                    itest_buf_printf(&why, "%s%.*s", why.n ? "," : "", (int)n, p);
                p += n + (p[n] == ',');
            }
        }
        if (why.n) {
            if (differing < SMT_SHOW)
                fprintf(stderr, "    %s: %s @%s -> %s @%s differs in %s\n      ours: %.300s\n      SMT:  %.300s\n", name,
                        itest_cell(t, i, 1), itest_cell(t, i, 2), itest_cell(t, i, 3), itest_cell(t, i, 4), why.p,
                        ours, smtv);
            differing++;
        }
        itest_buf_free(&why);
    }
    itest_table_free(t);
    e2e_log("%-22s %4lld raw events, %4lld SMT records: %4lld pairs compared (%lld fields%s), %lld dropped by the SMT, "
            "%lld marked skip; %lld values equal but for the connector's own members; %lld differ",
            name, raw, smt, pairs, fields + values, rule == VALUE_AFTER ? ", after as JSON" : "", dropped, skips,
            connector_only, differing);
    return differing + (dropped != skips);
}

/* Applies clickhouse/<file> for one (SMT connector, raw connector) pair and checks it. */
typedef struct smt_case {
    const char *file, *conn, *fn;
    const char *ts_from_column;          /* smt_outbox.sql: whether the record timestamp comes from the event */
    const char *snapshot_headers;        /* smt_flatten.sql: headers not compared in snapshot rows */
    const char *const *snapshot_except;  /* value members not compared in snapshot rows (NULL: connector_members) */
    value_rule rule;
} smt_case;

static long long smt_compare(const smt_case *c, const char *raw) {
    char *path = e2e_fmt("%s/clickhouse/%s", E2E_DIR, c->file);
    const char *subst[] = {"@CONN@", c->conn, "@FN@", c->fn, "@RAW@", raw,
                           "@TS_FROM_COLUMN@", c->ts_from_column ? c->ts_from_column : "0",
                           "@SNAPSHOT_HEADERS@", c->snapshot_headers ? c->snapshot_headers : NO_SNAPSHOT_HEADERS, NULL};
    int rc = e2e_ch_apply(S.s, path, subst);
    free(path);
    assert_int_equal(rc, 0);
    char *name = e2e_fmt("%s_%s", c->conn, raw);
    long long d = smt_check(name, c->rule, c->snapshot_except);
    free(name);
    return d;
}

static void require_consumed(void) {
    if (!S.consumed) skip();
}

/* Both raw connectors through one case. */
static long long smt_compare_both(const smt_case *c) {
    return smt_compare(c, "dbzplain") + smt_compare(c, "dbz");
}

static void test_outbox_plain(void **state) {
    (void)state;
    require_consumed();
    const smt_case c = {"smt_outbox.sql", "smtoutbox", "outbox_route_smtoutbox", "0", NULL, NULL, VALUE_BYTES};
    assert_int_equal(smt_compare_both(&c), 0);
}

static void test_outbox_expanded(void **state) {
    (void)state;
    require_consumed();
    const smt_case c = {"smt_outbox.sql", "smtoutboxx", "outbox_route_smtoutboxx",
                        "JSONType(doc, 'after', 'occurred_at') NOT IN ('Null', '')", NULL, NULL, VALUE_BYTES};
    assert_int_equal(smt_compare_both(&c), 0);
}

static void test_flatten_rewrite(void **state) {
    (void)state;
    require_consumed();
    const smt_case c = {"smt_flatten.sql", "smtnew", "debezium_flatten_smtnew", NULL, SMTNEW_SNAPSHOT_HEADERS,
                        smtnew_snapshot, VALUE_BYTES};
    assert_int_equal(smt_compare_both(&c), 0);
}

static void test_flatten_drop(void **state) {
    (void)state;
    require_consumed();
    const smt_case c = {"smt_flatten.sql", "smtdrop", "debezium_flatten_smtdrop", NULL, SMTDROP_SNAPSHOT_HEADERS, NULL,
                        VALUE_BYTES};
    assert_int_equal(smt_compare_both(&c), 0);
}

static void test_changed(void **state) {
    (void)state;
    require_consumed();
    const smt_case c = {"smt_changed.sql", "smtchanged", "debezium_unwrap", NULL, NULL, NULL, VALUE_NONE};
    long long d = 0;
    for (int i = 0; i < 2; i++) {
        const char *raw = i ? "dbz" : "dbzplain";
        d += smt_compare(&c, raw);
        e2e_log("  smtchanged_%s: %lld updates with a before image list columns; %lld rows with TOAST placeholders "
                "in `unavailable`",
                raw, ch_count("SELECT countIf(b AND JSONLength(want_values[-2]) > 0) FROM smt.cmp_smtchanged_%s", raw),
                ch_count("SELECT countIf(has_unavailable) FROM smt.cmp_smtchanged_%s", raw));
    }
    assert_int_equal(d, 0);
}

static void test_messages(void **state) {
    (void)state;
    require_consumed();
    const smt_case c = {"smt_lmsg.sql", "smtlmsg", "debezium_unwrap", NULL, NULL, NULL, VALUE_AFTER};
    long long d = 0;
    for (int i = 0; i < 2; i++) {
        const char *raw = i ? "dbz" : "dbzplain";
        d += smt_compare(&c, raw);
        /* What the SMT fails the task on (and smtlmsg therefore does not capture). */
        long long rejected = ch_count("SELECT count() FROM smt.ours_smtlmsg_%s WHERE NOT captured", raw);
        long long errors = ch_count("SELECT countIf(tupleElement(f, 'error') != '') FROM smt.ours_smtlmsg_%s "
                                    "WHERE NOT captured",
                                    raw);
        char *rows = itest_query(S.s,
                                 "SELECT prefix, tupleElement(f, 'op'), tupleElement(f, 'row') FROM smt.ours_smtlmsg_%s "
                                 "WHERE NOT captured AND tupleElement(f, 'error') = '' ORDER BY offset",
                                 raw);
        if (*rows) fprintf(stderr, "    content Debezium's SMT rejects, answered without an error:\n%s", rows);
        free(rows);
        e2e_log("  smtlmsg_%s: %lld messages the SMT would fail on (prefix raw.): %lld error rows", raw, rejected, errors);
        assert_true(rejected > 0);
        d += rejected - errors;
    }
    assert_int_equal(d, 0);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_consumed),        cmocka_unit_test(test_outbox_plain), cmocka_unit_test(test_outbox_expanded),
        cmocka_unit_test(test_flatten_rewrite), cmocka_unit_test(test_flatten_drop), cmocka_unit_test(test_changed),
        cmocka_unit_test(test_messages),
    };
    return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
