/* test_e2e_scaleout.c — two ClickHouse engines in one consumer group share a topic.
 *
 * libchdb runs one engine per process, so this program is both sides: the test (engine
 * A, in this process) and, started by it with --consumer, engine B in a child process
 * with its own data path.  Both create the same Kafka table (same group, one consumer
 * each) and a materialized view decoding every message with debezium_unwrap() into a
 * MergeTree.  The test
 *
 *   1. creates a topic with 4 partitions (kafka-topics),
 *   2. waits until the group is stable: both engines assigned, the 4 partitions split
 *      between them with no overlap,
 *   3. produces N Debezium-like change events keyed {"id": i} (the default partitioner
 *      spreads the keys over the partitions),
 *   4. waits until A and B together hold N rows, then stops B, which hands its rows over,
 *   5. checks: the union is exactly the N ids, no id in both engines nor twice in one,
 *      every (partition, offset) once, each engine only read its own partitions, both
 *      read some, no rebalance happened while consuming, and the group's lag is 0. */
#include <errno.h>
#include <setjmp.h>
#include <signal.h>
#include <spawn.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>
#include <cmocka.h>

#include "e2e.h"
#include "itest.h"

extern char **environ;

#define SCALE_N 4000
#define SCALE_PARTITIONS 4

/* The tables both engines create.  `engine` tags the rows ('A' or 'B'). */
static char *scaleout_sql(const char *brokers, const char *topic, const char *group, const char *engine) {
    return e2e_fmt(
        "CREATE TABLE scale_kafka (message String) ENGINE = Kafka SETTINGS "
        "kafka_broker_list = '%s', kafka_topic_list = '%s', kafka_group_name = '%s', kafka_format = 'RawBLOB', "
        "kafka_num_consumers = 1, kafka_flush_interval_ms = 500;\n"
        "CREATE TABLE scale_rows (engine String, partition UInt32, offset UInt64, id UInt64, op String, "
        "version UInt64, error String) ENGINE = MergeTree ORDER BY (partition, offset);\n"
        "CREATE MATERIALIZED VIEW scale_mv TO scale_rows AS "
        "WITH debezium_unwrap(message) AS d "
        "SELECT '%s' AS engine, _partition AS partition, _offset AS offset, JSONExtractUInt(d.row, 'id') AS id, "
        "d.op AS op, d.version AS version, d.error AS error FROM scale_kafka;\n",
        brokers, topic, group, engine);
}

static int apply_sql(chs_session *s, const char *sql) {
    char *copy = strdup(sql);
    int rc = chs_split_sql(copy, (int (*)(void *, const char *))chs_exec, s);
    free(copy);
    return rc;
}

/* "p0,p2" — this engine's assigned partitions (sorted), or "" */
static char *assigned(chs_session *s) {
    char *err = NULL;
    char *out = chs_query(s,
                          "SELECT arrayStringConcat(arraySort(groupArray(toString(p))), ',') FROM system.kafka_consumers "
                          "ARRAY JOIN assignments.partition_id AS p WHERE database = currentDatabase() AND table = 'scale_kafka'",
                          "TabSeparated", NULL, &err);
    if (!out) {
        free(err);
        return strdup("");
    }
    out[strcspn(out, "\n")] = 0;
    return out;
}

static long long rebalances(chs_session *s) {
    return chs_scalar(s, "SELECT sum(num_rebalance_assignments) FROM system.kafka_consumers "
                         "WHERE database = currentDatabase() AND table = 'scale_kafka'");
}

/* ------------------------------------------------------------ engine B (child) */

static int consumer_main(int argc, char **argv) {
    if (argc != 8) {
        fprintf(stderr, "usage: %s --consumer DATA_PATH GROUP TOPIC STATUS_FILE STOP_FILE OUT_FILE\n", argv[0]);
        return 64;
    }
    const char *data = argv[2], *group = argv[3], *topic = argv[4], *status = argv[5], *stop = argv[6], *outp = argv[7];
    const char *brokers = e2e_env("KAFKA_BOOTSTRAP");
    if (!brokers) return 1;
    chs_session *s = e2e_ch_open(data);
    if (!s) return 1;
    char *sql = scaleout_sql(brokers, topic, group, "B");
    int rc = apply_sql(s, sql);
    free(sql);
    double deadline = e2e_now() + 300;
    char *tmp = e2e_fmt("%s.tmp", status);
    while (!rc && access(stop, F_OK) != 0 && e2e_now() < deadline) {
        char *parts = assigned(s);
        long long rows = chs_scalar(s, "SELECT count() FROM scale_rows");
        char *line = e2e_fmt("%s %lld %lld\n", *parts ? parts : "-", rows, rebalances(s));
        if (e2e_write_file(tmp, line, strlen(line)) == 0) rename(tmp, status);
        free(line);
        free(parts);
        usleep(200 * 1000);
    }
    free(tmp);
    if (!rc) {
        /* Stop consuming, then hand the rows over. */
        chs_exec(s, "DROP VIEW scale_mv SYNC");
        size_t n = 0;
        char *err = NULL;
        char *rows = chs_query(s, "SELECT engine, partition, offset, id, op, version, error FROM scale_rows",
                               "TabSeparated", &n, &err);
        if (!rows || e2e_write_file(outp, rows, n) != 0) {
            fprintf(stderr, "scaleout consumer: cannot write %s: %s\n", outp, err ? err : strerror(errno));
            rc = 1;
        }
        free(rows);
        free(err);
    }
    chs_close(s);
    return rc ? 1 : 0;
}

/* ------------------------------------------------------------ the test (engine A) */

static struct {
    chs_session *s;
    const char *run_dir, *brokers;
    char *topic, *group;
    pid_t child;
    char *status, *stop, *out;
    double t0;
} S;

static int group_setup(void **state) {
    (void)state;
    S.t0 = e2e_now();
    S.run_dir = e2e_env("CDC_E2E_RUN_DIR");
    S.brokers = e2e_env("KAFKA_BOOTSTRAP");
    if (!S.run_dir || !S.brokers || !e2e_env("KAFKA_CLASSPATH")) return -1;
    S.topic = e2e_fmt("e2e.scaleout.%ld", (long)getpid());
    S.group = e2e_fmt("e2e_scaleout_%ld", (long)getpid());
    S.status = e2e_fmt("%s/scaleout-b.status", S.run_dir);
    S.stop = e2e_fmt("%s/scaleout-b.stop", S.run_dir);
    S.out = e2e_fmt("%s/scaleout-b.tsv", S.run_dir);
    unlink(S.status);
    unlink(S.stop);
    unlink(S.out);
    return 0;
}

static void stop_child(void) {
    if (S.child <= 0) return;
    e2e_write_file(S.stop, "stop\n", 5);
    int st = 0;
    for (int i = 0; i < 600; i++) {   /* 60 s */
        pid_t r = waitpid(S.child, &st, WNOHANG);
        if (r == S.child) {
            S.child = 0;
            return;
        }
        usleep(100 * 1000);
    }
    fprintf(stderr, "scaleout: engine B (pid %ld) did not stop; killing it\n", (long)S.child);
    kill(S.child, SIGKILL);
    waitpid(S.child, &st, 0);
    S.child = 0;
}

static int group_teardown(void **state) {
    (void)state;
    stop_child();
    if (S.s) {
        chs_exec(S.s, "DROP VIEW IF EXISTS scale_mv SYNC");
        chs_close(S.s);
    }
    free(S.topic);
    free(S.group);
    free(S.status);
    free(S.stop);
    free(S.out);
    e2e_log("scale-out test done in %.1fs", e2e_now() - S.t0);
    return 0;
}

/* Engine B's last status line: partitions, rows, rebalances. */
static int child_status(char *parts, size_t cap, long long *rows, long long *rebal) {
    char *text = tfile_read(S.status, NULL);
    if (!text) return -1;
    char p[256];
    int ok = sscanf(text, "%255s %lld %lld", p, rows, rebal) == 3;
    free(text);
    if (!ok) return -1;
    snprintf(parts, cap, "%s", strcmp(p, "-") ? p : "");
    return 0;
}

static void test_two_engines_share_partitions(void **state) {
    (void)state;
    double t;
    char *out = NULL;

    /* 1. the topic */
    t = e2e_now();
    int rc = e2e_sh(&out, "%s org.apache.kafka.tools.TopicCommand --bootstrap-server '%s' --create --topic '%s' "
                          "--partitions %d --replication-factor 1 2>&1",
                    e2e_java(), S.brokers, S.topic, SCALE_PARTITIONS);
    if (rc != 0) {
        print_error("kafka-topics --create failed (exit %d): %s\n", rc, out);
        fail();
    }
    free(out);
    e2e_log("topic %s with %d partitions (%.1fs)", S.topic, SCALE_PARTITIONS, e2e_now() - t);

    /* 2. engine B in a child process, engine A here, same group */
    char *data_b = e2e_fmt("%s/ch-scaleout-b", S.run_dir);
    char *self = realpath("/proc/self/exe", NULL);
    char *argv_b[] = {self, "--consumer", data_b, S.group, S.topic, S.status, S.stop, S.out, NULL};
    assert_int_equal(posix_spawn(&S.child, self, NULL, NULL, argv_b, environ), 0);
    free(data_b);
    free(self);

    char *data_a = e2e_fmt("%s/ch-scaleout-a", S.run_dir);
    S.s = e2e_ch_open(data_a);
    free(data_a);
    assert_non_null(S.s);
    char *sql = scaleout_sql(S.brokers, S.topic, S.group, "A");
    assert_int_equal(apply_sql(S.s, sql), 0);
    free(sql);

    t = e2e_now();
    char parts_a[256] = "", parts_b[256] = "", last[512] = "";
    long long rows_b = 0, rebal_b = 0;
    int same = 0;
    for (;;) {
        char *pa = assigned(S.s);
        snprintf(parts_a, sizeof(parts_a), "%s", pa);
        free(pa);
        if (child_status(parts_b, sizeof(parts_b), &rows_b, &rebal_b) != 0) parts_b[0] = 0;
        /* Stable: both assigned, disjoint, together all four. */
        char all[512];
        snprintf(all, sizeof(all), "%s,%s", parts_a, parts_b);
        int n = 0, seen[SCALE_PARTITIONS] = {0}, dup = 0;
        for (char *p = all; *p; p++) {
            if (*p < '0' || *p > '9') continue;
            int v = (int)strtol(p, &p, 10);
            p--;
            if (v >= 0 && v < SCALE_PARTITIONS) {
                dup |= seen[v];
                seen[v] = 1;
                n++;
            }
        }
        /* ... and unchanged for a second (4 polls): no rebalance under way. */
        int ok = parts_a[0] && parts_b[0] && n == SCALE_PARTITIONS && !dup;
        same = ok && strcmp(all, last) == 0 ? same + 1 : 0;
        snprintf(last, sizeof(last), "%s", all);
        if (same >= 4) break;
        int status = 0;
        if (waitpid(S.child, &status, WNOHANG) == S.child) {
            S.child = 0;
            print_error("engine B exited before joining the group (status %d)\n", status);
            fail();
        }
        if (e2e_now() - t > 120) {
            print_error("the group did not settle within 120 s: A has [%s], B has [%s]\n", parts_a, parts_b);
            fail();
        }
        usleep(250 * 1000);
    }
    long long rebal_a0 = rebalances(S.s), rebal_b0 = rebal_b;
    e2e_log("group %s stable: engine A has partitions [%s], engine B [%s] (%.1fs)", S.group, parts_a, parts_b,
            e2e_now() - t);

    /* 3. N keyed Debezium-like change events */
    char *file = e2e_fmt("%s/scaleout-messages.txt", S.run_dir);
    FILE *f = fopen(file, "w");
    assert_non_null(f);
    for (int i = 1; i <= SCALE_N; i++)
        fprintf(f,
                "{\"id\":%d}\t{\"before\":null,\"after\":{\"id\":%d,\"name\":\"row-%d\",\"amount\":%d.%02d},"
                "\"source\":{\"version\":\"3.1.3.Final\",\"connector\":\"postgresql\",\"name\":\"e2e\","
                "\"ts_ms\":1717200000000,\"snapshot\":\"false\",\"db\":\"cdc\",\"schema\":\"public\","
                "\"table\":\"scaleout\",\"txId\":%d,\"lsn\":%d},\"op\":\"c\",\"ts_ms\":1717200000123}\n",
                i, i, i, i % 1000, i % 100, 1000 + i / 10, 50000000 + i * 64);
    fclose(f);
    t = e2e_now();
    rc = e2e_sh(&out, "%s kafka.tools.ConsoleProducer --bootstrap-server '%s' --topic '%s' "
                      "--property parse.key=true --property 'key.separator=\t' --producer-property acks=all "
                      "< '%s' 2>&1",
                e2e_java(), S.brokers, S.topic, file);
    if (rc != 0) {
        print_error("ConsoleProducer failed (exit %d): %s\n", rc, out);
        fail();
    }
    free(out);
    free(file);
    rc = e2e_sh(&out, "%s org.apache.kafka.tools.GetOffsetShell --bootstrap-server '%s' --topic '%s' 2>&1", e2e_java(),
                S.brokers, S.topic);
    assert_int_equal(rc, 0);
    long long in_topic = 0;
    int nonempty = 0;
    char *save = NULL;
    for (char *line = strtok_r(out, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
        char *colon = strrchr(line, ':');
        if (!colon || strncmp(line, S.topic, strlen(S.topic)) != 0) continue;
        long long end = atoll(colon + 1);
        in_topic += end;
        nonempty += end > 0;
        fprintf(stderr, "  %s\n", line);
    }
    free(out);
    e2e_log("%lld messages produced over %d partitions (%.1fs)", in_topic, nonempty, e2e_now() - t);
    assert_int_equal(in_topic, SCALE_N);
    assert_int_equal(nonempty, SCALE_PARTITIONS);

    /* 4. consume, then stop B and take its rows */
    t = e2e_now();
    long long rows_a = 0;
    for (;;) {
        rows_a = chs_scalar(S.s, "SELECT count() FROM scale_rows");
        if (child_status(parts_b, sizeof(parts_b), &rows_b, &rebal_b) != 0) rows_b = 0;
        if (rows_a + rows_b >= SCALE_N) break;
        if (e2e_now() - t > 120) {
            print_error("consumed only %lld (A) + %lld (B) of %d within 120 s\n", rows_a, rows_b, SCALE_N);
            fail();
        }
        usleep(250 * 1000);
    }
    sleep(2);   /* anything beyond N would show up now */
    rows_a = chs_scalar(S.s, "SELECT count() FROM scale_rows");
    long long rebal_a1 = rebalances(S.s);
    child_status(parts_b, sizeof(parts_b), &rows_b, &rebal_b);
    e2e_log("consumed: engine A %lld rows, engine B %lld rows (%.1fs)", rows_a, rows_b, e2e_now() - t);
    stop_child();
    itest_exec(S.s, "DROP VIEW scale_mv SYNC");
    itest_exec(S.s, "INSERT INTO scale_rows SELECT * FROM file('%s', 'TabSeparated', "
                    "'engine String, partition UInt32, offset UInt64, id UInt64, op String, version UInt64, error String')",
               S.out);

    /* 5. the union */
    itest_table *t_eng = itest_query_table(S.s,
        "SELECT engine, count(), uniqExact(id), arrayStringConcat(arraySort(groupUniqArray(toString(partition))), ','), "
        "countIf(error != '' OR op != 'c') FROM scale_rows GROUP BY engine ORDER BY engine");
    assert_int_equal(t_eng->nrows, 2);
    for (size_t i = 0; i < t_eng->nrows; i++)
        fprintf(stderr, "  engine %s: %s rows, %s distinct ids, partitions [%s], %s errors\n", itest_cell(t_eng, i, 0),
                itest_cell(t_eng, i, 1), itest_cell(t_eng, i, 2), itest_cell(t_eng, i, 3), itest_cell(t_eng, i, 4));
    /* each engine read exactly the partitions it was assigned */
    assert_string_equal(itest_cell(t_eng, 0, 3), parts_a);
    assert_string_equal(itest_cell(t_eng, 1, 3), parts_b);
    assert_true(atoll(itest_cell(t_eng, 0, 1)) > 0);
    assert_true(atoll(itest_cell(t_eng, 1, 1)) > 0);
    assert_string_equal(itest_cell(t_eng, 0, 4), "0");
    assert_string_equal(itest_cell(t_eng, 1, 4), "0");
    itest_table_free(t_eng);
    itest_assert_scalar(S.s, SCALE_N, "SELECT count() FROM scale_rows");
    itest_assert_scalar(S.s, SCALE_N, "SELECT uniqExact(id) FROM scale_rows");
    itest_assert_scalar(S.s, SCALE_N, "SELECT uniqExact(partition, offset) FROM scale_rows");
    itest_assert_scalar(S.s, 0, "SELECT count() FROM (SELECT id FROM scale_rows GROUP BY id HAVING uniqExact(engine) > 1)");
    itest_assert_scalar(S.s, SCALE_N, "SELECT countIf(id BETWEEN 1 AND %d) FROM scale_rows", SCALE_N);
    /* no rebalance while the messages were consumed */
    assert_int_equal(rebal_a1, rebal_a0);
    assert_int_equal(rebal_b, rebal_b0);

    /* the group's committed offsets are at the end (broker view) */
    int lag_ok = 0;
    for (int attempt = 0; attempt < 10 && !lag_ok; attempt++) {
        rc = e2e_sh(&out, "%s org.apache.kafka.tools.consumer.group.ConsumerGroupCommand --bootstrap-server '%s' "
                          "--describe --group '%s' 2>&1",
                    e2e_java(), S.brokers, S.group);
        int parts = 0, zero = 0;
        save = NULL;
        for (char *line = strtok_r(out, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
            char g[256], tp[256], cur[64], end[64], lag[64];
            int p;
            if (sscanf(line, "%255s %255s %d %63s %63s %63s", g, tp, &p, cur, end, lag) != 6 || strcmp(g, S.group)) continue;
            parts++;
            zero += strcmp(lag, "0") == 0;
            if (attempt == 0 || parts == zero) fprintf(stderr, "  %s\n", line);
        }
        free(out);
        lag_ok = parts == SCALE_PARTITIONS && zero == parts;
        if (!lag_ok) sleep(1);
    }
    assert_true(lag_ok);
    e2e_log("union: %d rows, %d distinct ids, no duplicates, lag 0", SCALE_N, SCALE_N);
}

int main(int argc, char **argv) {
    if (argc > 1 && strcmp(argv[1], "--consumer") == 0) return consumer_main(argc, argv);
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_two_engines_share_partitions),
    };
    return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
