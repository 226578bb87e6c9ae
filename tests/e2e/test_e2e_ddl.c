/* test_e2e_ddl.c — issue 16's proof: typed replicas that debezium_ddl generates from one
 * message, checked against PostgreSQL, with schema changes caught while streaming.
 *
 *   1. the workload: workload.sql and workload_e2e.sql (run here only when test_e2e_pipeline
 *      has not already run them on this stack), then workload_ddl.sql: a table of this test's
 *      own, with rows before and after ALTER TABLE ... ADD COLUMN, DROP COLUMN and int ->
 *      bigint; every topic dumped (tools/DumpTopics.java);
 *   2. for the eight tables of schema.sql and that one: the first message of
 *      dbz.public.<t> (key and value) through debezium_ddl (ddl_function.xml: database
 *      ddl), a Kafka table ddl.public_<t>_queue of our own (message String, RawBLOB, its own
 *      consumer group), create_table and create_view applied as generated, a tap on
 *      <t>_stage put in before the consuming view (like test_e2e_pipeline's taps);
 *      consumed to the end;
 *   3. per topic: messages = rows landed + dead letters, each message once, byte for byte;
 *   4. schema_changes FINAL: each change once, with its ALTER; nothing else reported;
 *   5. the operator step (udf/README.md): every alter, the newest message's create_view,
 *      every backfill; between the alters and the create_view, more changes are written
 *      and consumed (the table altered, the views still the old ones): none is lost;
 *   6. every replica's <t>_current equals PostgreSQL, every column (e2e_replica_compare:
 *      the cells that cannot be equal by design counted); the keys whose last change is a
 *      delete are gone;
 *   7. rows written after the operator step land in the new columns, no change reported. */
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

#ifndef SOURCE_DIR
#error "SOURCE_DIR must be defined"
#endif

#define E2E_DIR SOURCE_DIR "/tests/e2e"
#define DDL_DB "ddl"
#define DDL_FN "debezium_ddl_e2e"
#define NREPLICAS (E2E_NREPLICAS + 1)
#define WAIT_S 180

static struct {
    chs_session *s;
    const char *run_dir, *brokers;
    char *group;                  /* consumer group prefix, unique per run */
    char *evolve;                 /* workload_ddl.sql's table, unique per run */
    const char *table[NREPLICAS]; /* e2e_replica_tables, then evolve */
    char *columns[NREPLICAS];     /* debezium_ddl's columns for each */
    int created;                  /* replicas created (their Kafka tables exist) */
    int consumed, stepped;
    unsigned long long truncate_lsn;   /* TRUNCATE clicks, as connector dbzplain reported it */
    double t0;
} D;

/* ---------------------------------------------------------------- helpers */

#define ch_count(...) e2e_ch_count(D.s, __VA_ARGS__)

static long long pg_count(const char *sql) {
    char *out = e2e_psql("%s", sql);
    long long n = atoll(out);
    free(out);
    return n;
}

/* Every topic dumped once `token` is in dbz.public.e2e_marker, loaded into ddl.dump. */
static void dump_topics(const char *token) {
    char *path = e2e_fmt("%s/ddl-topics.jsonl", D.run_dir);
    const char *wait[] = {"dbz.public.e2e_marker", token, NULL};
    e2e_dump_topics(D.s, D.brokers, DDL_DB ".dump", path, wait);
    free(path);
}

/* workload_ddl.sql's phase (0 the changes, 1 during the operator step, 2 after it), then the dump. */
static void run_workload_ddl(int phase) {
    static const char *const what[] = {"schema changes", "during the operator step", "after the operator step"};
    char *token = e2e_fmt("e2e-ddl-%d-%ld", phase, (long)getpid());
    char *args = e2e_fmt("-v tbl=%s -v marker_token=%s -v phase=%d", D.evolve, token, phase);
    double t = e2e_now();
    e2e_psql_file(E2E_DIR "/workload_ddl.sql", args);
    e2e_log("workload_ddl.sql (%s) on %s done in %.1fs", what[phase], D.evolve, e2e_now() - t);
    dump_topics(token);
    free(args);
    free(token);
}

/* Non-null messages of table i's topic in the dump (tombstones make no row). */
static long long topic_messages(size_t i) {
    return ch_count("SELECT count() FROM " DDL_DB ".dump WHERE topic = 'dbz.public.%s' AND value IS NOT NULL", D.table[i]);
}

/* Messages of the replicas' topics not yet in their taps (e2e_wait_until's progress). */
static long long taps_missing(void *ctx, itest_buf *status) {
    (void)ctx;
    long long missing = 0;
    for (size_t i = 0; i < NREPLICAS; i++) {
        long long want = topic_messages(i), got = ch_count("SELECT count() FROM " DDL_DB ".`%s_tap`", D.table[i]);
        missing += want > got ? want - got : 0;
        itest_buf_printf(status, " %s %lld/%lld", D.table[i], got, want);
    }
    return missing;
}

/* Bounded wait until every tap holds every message of its topic. */
static void wait_consumed(void) {
    e2e_wait_until("consumed", WAIT_S, taps_missing, NULL);
}

/* ---------------------------------------------------------------- setup */

static int group_setup(void **state) {
    (void)state;
    D.t0 = e2e_now();
    D.run_dir = e2e_env("CDC_E2E_RUN_DIR");
    D.brokers = e2e_env("KAFKA_BOOTSTRAP");
    if (!D.run_dir || !D.brokers || !e2e_env("KAFKA_CLASSPATH") || !e2e_env("PGPORT")) return -1;
    D.group = e2e_fmt("e2e_ddl_%ld", (long)getpid());
    D.evolve = e2e_fmt("ddl_evolve_%ld", (long)getpid());
    for (size_t i = 0; i < E2E_NREPLICAS; i++) D.table[i] = e2e_replica_tables[i];
    D.table[E2E_NREPLICAS] = D.evolve;
    char *data = e2e_fmt("%s/ch-ddl", D.run_dir);
    e2e_log("opening ClickHouse (data path %s)", data);
    D.s = e2e_ch_open(data);
    free(data);
    if (!D.s) return -1;
    if (chs_exec(D.s, "CREATE DATABASE IF NOT EXISTS " DDL_DB " ENGINE = Atomic") != 0) return -1;
    return 0;
}

static int group_teardown(void **state) {
    (void)state;
    if (D.s) {
        /* The consumers leave their groups before the engine closes. */
        for (size_t i = 0; i < NREPLICAS; i++) {
            char *sql = e2e_fmt("DROP TABLE IF EXISTS " DDL_DB ".`public_%s_queue` SYNC", D.table[i]);
            chs_exec(D.s, sql);
            free(sql);
        }
        chs_close(D.s);
    }
    for (size_t i = 0; i < NREPLICAS; i++) free(D.columns[i]);
    free(D.group);
    free(D.evolve);
    e2e_log("ddl test done in %.1fs", e2e_now() - D.t0);
    return 0;
}

/* ---------------------------------------------------------------- 1. workload */

static void test_workload(void **state) {
    (void)state;
    /* test_e2e_pipeline runs the shared workload (it must be first: its checks count from
     * an empty stack); alone, this test runs it. */
    if (pg_count("SELECT count(*) FROM e2e_marker WHERE token LIKE 'e2e-final-%'") == 0) {
        e2e_log("workload.sql and workload_e2e.sql (test_e2e_pipeline has not run on this stack)");
        char *args = e2e_fmt("-v marker_token=e2e-first-ddl-%ld", (long)getpid());
        e2e_psql_file(E2E_DIR "/workload.sql", args);
        free(args);
        args = e2e_fmt("-v final_token=e2e-final-ddl-%ld", (long)getpid());
        e2e_psql_file(E2E_DIR "/workload_e2e.sql", args);
        free(args);
    } else {
        e2e_log("workload.sql and workload_e2e.sql already ran (test_e2e_pipeline)");
    }
    run_workload_ddl(0);
    /* TRUNCATE clicks (workload.sql T10): only connector dbzplain reports it. */
    char *v = itest_query(D.s, "SELECT max(JSONExtractUInt(value, 'source', 'lsn')) FROM " DDL_DB ".dump "
                               "WHERE topic = 'dbzplain.public.clicks' AND JSONExtractString(value, 'op') = 't'");
    D.truncate_lsn = strtoull(v, NULL, 10);
    free(v);
    assert_true(D.truncate_lsn > 0);
    assert_int_equal(ch_count("SELECT count() FROM " DDL_DB ".dump WHERE topic = 'dbz.public.clicks' "
                              "AND JSONExtractString(value, 'payload', 'op') = 't'"), 0);
}

/* ---------------------------------------------------------------- 2. generate, apply, consume */

static void test_generate_and_consume(void **state) {
    (void)state;
    double t = e2e_now();
    for (size_t i = 0; i < NREPLICAS; i++) {
        const char *tb = D.table[i];
        char *topic = e2e_fmt("dbz.public.%s", tb);
        char *group = e2e_fmt("%s_%s", D.group, tb);
        char *first = e2e_fmt("SELECT key, value AS message FROM " DDL_DB ".dump WHERE topic = '%s' "
                              "AND value IS NOT NULL ORDER BY partition, offset LIMIT 1", topic);
        char *kafka = e2e_fmt("public_%s_queue", tb);   /* ddl_function.xml's --kafka-table */
        e2e_ddl_replica r = {DDL_DB, tb, DDL_FN, first, kafka, D.brokers, topic, group, NULL, NULL, 0};
        int rc = e2e_ddl_replica_create(D.s, &r);
        if (rc == 0) {
            D.columns[i] = r.columns;
            D.created = (int)i + 1;
            long long off = ch_count("SELECT min(offset) FROM " DDL_DB ".dump WHERE topic = '%s' AND value IS NOT NULL",
                                     topic);
            e2e_log("%s: DDL from offset %lld, columns %s", tb, off, r.columns);
        }
        free(topic);
        free(group);
        free(first);
        free(kafka);
        assert_int_equal(rc, 0);
    }
    e2e_log("%d replicas generated and consuming (%.1fs)", D.created, e2e_now() - t);
    wait_consumed();
    D.consumed = 1;
}

/* ---------------------------------------------------------------- 3. counts */

/* messages = landed + dead letters, each once, byte for byte. */
static void check_counts(void) {
    fprintf(stderr, "  %-22s %8s %8s %6s %6s %6s %10s\n", "table", "messages", "landed", "dead", "dupes", "tombst",
            "bytes-diff");
    long long all = 0;
    for (size_t i = 0; i < NREPLICAS; i++) {
        const char *tb = D.table[i];
        long long messages = topic_messages(i);
        long long tombstones = ch_count("SELECT count() FROM " DDL_DB ".dump WHERE topic = 'dbz.public.%s' AND value IS NULL", tb);
        long long seen = ch_count("SELECT count() FROM " DDL_DB ".`%s_tap`", tb);
        long long landed = ch_count("SELECT countIf(error = '' AND op IN ('c', 'r', 'u', 'd')) FROM " DDL_DB ".`%s_tap`", tb);
        long long dead = ch_count("SELECT count() FROM " DDL_DB ".dbz_dead_letters WHERE topic = 'dbz.public.%s'", tb);
        long long dead_tap = ch_count("SELECT countIf(error != '') FROM " DDL_DB ".`%s_tap`", tb);
        long long dupes = seen - ch_count("SELECT uniqExact(topic, partition, offset) FROM " DDL_DB ".`%s_tap`", tb);
        long long diff = ch_count("SELECT count() FROM "
                                  "(SELECT value AS message, count() AS n FROM " DDL_DB ".dump WHERE topic = 'dbz.public.%s' "
                                  " AND value IS NOT NULL GROUP BY value) AS d "
                                  "FULL OUTER JOIN (SELECT message, count() AS n FROM " DDL_DB ".`%s_tap` GROUP BY message) AS s "
                                  "USING (message) WHERE d.n != s.n", tb, tb);
        fprintf(stderr, "  %-22s %8lld %8lld %6lld %6lld %6lld %10lld\n", tb, messages, landed, dead, dupes, tombstones, diff);
        assert_int_equal(messages, landed + dead);
        assert_int_equal(dead, dead_tap);
        assert_int_equal(seen, messages);
        assert_int_equal(dupes, 0);
        assert_int_equal(diff, 0);
        all += messages;
    }
    e2e_log("%lld messages in %d topics: each landed or a dead letter, once", all, NREPLICAS);
}

static void test_counts(void **state) {
    (void)state;
    if (!D.consumed) skip();
    check_counts();
    /* No change event is a dead letter (those there are test_e2e_pipeline's poison, if it ran). */
    itest_table *t = itest_query_table(D.s, "SELECT topic, error, count() FROM " DDL_DB ".dbz_dead_letters GROUP BY ALL ORDER BY ALL");
    for (size_t i = 0; i < t->nrows; i++)
        fprintf(stderr, "  dead letters: %s x %s: %s\n", itest_cell(t, i, 2), itest_cell(t, i, 0), itest_cell(t, i, 1));
    itest_table_free(t);
    assert_int_equal(ch_count("SELECT count() FROM " DDL_DB ".dbz_dead_letters WHERE startsWith(message, '{\"schema\"')"), 0);
}

/* ---------------------------------------------------------------- 4. schema changes */

typedef struct expected_change {
    const char *column;
    const char *alter;            /* what the ALTER must hold (after ALTER TABLE `ddl`.`<t>` ) */
} expected_change;

/* schema_changes FINAL of table `tb` holds exactly these changes, each once. */
static void check_changes(const char *tb, const expected_change *want, size_t n) {
    itest_table *t = itest_query_table(D.s, "SELECT column, change, alter, backfill FROM " DDL_DB ".schema_changes FINAL "
                                            "WHERE table = '%s' ORDER BY column", tb);
    for (size_t i = 0; i < t->nrows; i++)
        fprintf(stderr, "  %-22s %-10s %-32s %s\n%-36s backfill: %s\n", tb, itest_cell(t, i, 0), itest_cell(t, i, 1),
                itest_cell(t, i, 2), "", itest_cell(t, i, 3)[0] ? itest_cell(t, i, 3) : "(none)");
    assert_int_equal(t->nrows, n);
    char *prefix = e2e_fmt("ALTER TABLE `" DDL_DB "`.`%s` ", tb);
    for (size_t k = 0; k < n; k++) {
        int found = 0;
        for (size_t i = 0; i < t->nrows && !found; i++) {
            if (strcmp(itest_cell(t, i, 0), want[k].column) != 0) continue;
            found = 1;
            const char *alter = itest_cell(t, i, 2);
            if (strncmp(alter, prefix, strlen(prefix)) != 0 || !strstr(alter, want[k].alter)) {
                print_error("%s.%s: the ALTER is \"%s\", expected \"%s...%s...\"\n", tb, want[k].column, alter, prefix,
                            want[k].alter);
                fail();
            }
        }
        if (!found) {
            print_error("%s: no change reported for column %s\n", tb, want[k].column);
            fail();
        }
    }
    free(prefix);
    itest_table_free(t);
}

static int events_first_lacks_session_id(void) {
    return D.columns[1] && !strstr(D.columns[1], "`session_id`");
}

static void test_schema_changes(void **state) {
    (void)state;
    if (!D.consumed) skip();
    static const expected_change evolve[] = {
        {"color", "ADD COLUMN IF NOT EXISTS `color` Nullable(String)"},
        {"note", "DROP COLUMN IF EXISTS `note`"},
        {"qty", "MODIFY COLUMN `qty` Nullable(Int64)"},
    };
    static const expected_change events[] = {{"session_id", "ADD COLUMN IF NOT EXISTS `session_id` Nullable(String)"}};
    check_changes(D.evolve, evolve, 3);
    /* events' first message is a snapshot row, from before workload.sql's ADD COLUMN session_id. */
    assert_true(events_first_lacks_session_id());
    check_changes("events", events, 1);
    long long others = ch_count("SELECT count() FROM " DDL_DB ".schema_changes FINAL WHERE table NOT IN ('events', '%s')",
                                D.evolve);
    assert_int_equal(others, 0);
    /* Every message that showed a change landed (the row with its known columns): the
     * messages with a change report are all in the replica's tap without an error. */
    long long reported = ch_count("SELECT count() FROM " DDL_DB ".`%s_tap` WHERE changes > 0", D.evolve);
    long long reported_err = ch_count("SELECT count() FROM " DDL_DB ".`%s_tap` WHERE changes > 0 AND error != ''", D.evolve);
    e2e_log("schema changes: %s 3 (ADD, DROP, int -> bigint), events 1 (session_id), others 0; %lld messages of %s "
            "showed a change, %lld of them not landed", D.evolve, reported, D.evolve, reported_err);
    assert_true(reported > 0);
    assert_int_equal(reported_err, 0);
}

/* ---------------------------------------------------------------- 5. the operator step */

/* Between the operator step's ALTERs and its create_view: rows written now reach the
 * altered table through the old views (a dropped column still in their SELECT, the new
 * column's values and the wider integers in _extra, for the backfills). */
static void during_step(void *ctx) {
    (void)ctx;
    run_workload_ddl(1);
    wait_consumed();
    long long n = ch_count("SELECT count() FROM " DDL_DB ".`%s` WHERE id IN (6, 13, 14) AND version > "
                           "(SELECT max(version) FROM " DDL_DB ".`%s` WHERE id = 3)", D.evolve, D.evolve);
    e2e_log("during the operator step (ALTERs applied, old views): %lld of the 3 changes landed", n);
    assert_int_equal(n, 3);
}

static void test_operator_step(void **state) {
    (void)state;
    if (!D.consumed) skip();
    size_t n = e2e_ddl_operator_step(D.s, DDL_DB, DDL_FN, D.evolve, during_step, NULL);
    e2e_log("operator step on %s: %zu alters, the newest message's create_view, the backfills", D.evolve, n);
    assert_int_equal(n, 3);
    if (events_first_lacks_session_id()) {
        n = e2e_ddl_operator_step(D.s, DDL_DB, DDL_FN, "events", NULL, NULL);
        e2e_log("operator step on events: %zu alter, the newest message's create_view, the backfill", n);
        assert_int_equal(n, 1);
    }
    /* The replica's columns now: note gone, color added, qty Int64. */
    itest_assert_query(D.s, "color\tNullable(String)\nid\tInt32\nname\tString\nqty\tNullable(Int64)\n",
                       "SELECT name, type FROM system.columns WHERE database = '" DDL_DB "' AND table = '%s' "
                       "AND name IN ('id', 'name', 'qty', 'note', 'color') ORDER BY name", D.evolve);
    D.stepped = 1;
}

/* ---------------------------------------------------------------- 6. replicas = PostgreSQL */

static size_t compare_evolve(void) {
    char *pg = e2e_fmt("SELECT id, name, qty, color FROM %s", D.evolve);
    char *ch = e2e_fmt("SELECT id, name, qty, color FROM `%s_current`", D.evolve);
    e2e_cmp c = {D.evolve, pg, ch, "TTTT", 1};
    e2e_cmp_result r;
    size_t bad = e2e_compare(D.s, &c, &r);
    assert_true(r.pg_rows >= 9);
    free(pg);
    free(ch);
    return bad;
}

static void test_replicas_equal_postgres(void **state) {
    (void)state;
    if (!D.stepped) skip();
    itest_exec(D.s, "USE " DDL_DB);
    e2e_replica_result r;
    size_t bad = e2e_replica_compare(D.s, "clicks", D.truncate_lsn, &r);
    bad += compare_evolve();
    /* What _extra still holds, per table: only the by-design cells and the values the
     * backfills copied into their new columns. */
    for (size_t i = 0; i < NREPLICAS; i++) {
        char *keys = itest_query(D.s, "SELECT arrayStringConcat(arraySort(groupUniqArray(k)), ',') FROM "
                                      "(SELECT arrayJoin(JSONExtractKeys(_extra)) AS k FROM `%s_current`)", D.table[i]);
        keys[strcspn(keys, "\n")] = 0;
        if (keys[0]) fprintf(stderr, "  %-22s _extra holds: %s\n", D.table[i], keys);
        free(keys);
    }
    itest_exec(D.s, "USE e2e");
    e2e_log("replicas: %zu PostgreSQL rows, %zu cells compared (+ %s), %zu rows differ; by design: %zu date(s) in "
            "_extra, %zu NULL array(s), %zu TOASTed value(s) in _unavailable, %zu truncated row(s) the connector did "
            "not report", r.rows, r.cells, D.evolve, bad, r.out_of_range, r.null_arrays, r.unavailable, r.truncated);
    assert_int_equal(bad, 0);
    assert_int_equal(r.out_of_range, 2);   /* type_zoo 5: 9999-12-31; 6: 1899-12-31 (workload_ddl.sql) */
    assert_int_equal(r.null_arrays, 1);    /* type_zoo 6 (workload_ddl.sql) */
    assert_int_equal(r.unavailable, 1);    /* type_zoo 1: workload.sql T2 left big_text alone */
    assert_true(r.truncated >= 2);         /* clicks before workload.sql T10 */
}

/* The keys whose last change is a delete: gone in the replica and in PostgreSQL. */
static void test_deletes(void **state) {
    (void)state;
    if (!D.stepped) skip();
    long long deleted = 0;
    for (size_t i = 0; i < NREPLICAS; i++) {
        char *changes = e2e_fmt("SELECT trim(BOTH '\"' FROM JSONExtractRaw(key, 'payload', 'id')) AS id, op, version "
                                "FROM " DDL_DB ".`%s_tap` WHERE error = ''", D.table[i]);
        char *current = e2e_fmt(DDL_DB ".`%s_current`", D.table[i]);
        deleted += e2e_deletes_gone(D.s, D.table[i], changes, current);
        free(changes);
        free(current);
    }
    e2e_log("%lld deleted keys: gone in the replicas and in PostgreSQL", deleted);
    assert_true(deleted >= 10);
}

/* ---------------------------------------------------------------- 7. after the step */

static void test_after_step(void **state) {
    (void)state;
    if (!D.stepped) skip();
    size_t ev = NREPLICAS - 1;
    long long before = ch_count("SELECT count() FROM " DDL_DB ".`%s_tap`", D.evolve);
    run_workload_ddl(2);
    wait_consumed();
    check_counts();
    /* The new messages: typed columns only, nothing in _extra, no change reported. */
    long long fresh = ch_count("SELECT count() FROM " DDL_DB ".`%s_tap`", D.evolve) - before;
    long long odd = ch_count("SELECT count() FROM (SELECT * FROM " DDL_DB ".`%s_tap` ORDER BY offset DESC LIMIT %lld) "
                             "WHERE extra != '' OR changes != 0 OR error != ''", D.evolve, fresh);
    e2e_log("after the operator step: %lld new messages of %s, %lld with _extra, a change or an error", fresh, D.evolve, odd);
    assert_true(fresh >= 4);
    assert_int_equal(odd, 0);
    assert_int_equal(ch_count("SELECT count() FROM " DDL_DB ".schema_changes FINAL WHERE table = '%s'", D.table[ev]), 3);
    itest_exec(D.s, "USE " DDL_DB);
    size_t bad = compare_evolve();
    itest_exec(D.s, "USE e2e");
    assert_int_equal(bad, 0);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_workload),
        cmocka_unit_test(test_generate_and_consume),
        cmocka_unit_test(test_counts),
        cmocka_unit_test(test_schema_changes),
        cmocka_unit_test(test_operator_step),
        cmocka_unit_test(test_replicas_equal_postgres),
        cmocka_unit_test(test_deletes),
        cmocka_unit_test(test_after_step),
    };
    return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
