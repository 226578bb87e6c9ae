/* test_e2e_pipeline.c — the real thing, end to end:
 *
 *   PostgreSQL --pgoutput--> Debezium (Kafka Connect) --> Kafka --> ClickHouse's Kafka
 *   engine --> materialized views calling our functions --> MergeTree tables
 *
 * The stack (tests/e2e/stack.sh, started by the ctest fixture) has the seed rows in
 * its snapshot.  This program opens the embedded ClickHouse engine with a data path,
 * creates the pipelines of sql/experiments and sql/adtech, each twice (one database
 * reading the schema-envelope topics of connector dbz, one the schemaless topics of
 * connector dbzplain; the named collection cdc_kafka of sql/kafka_connection.sql pointed
 * at the stack), plus the test's own change
 * logs of both connectors (clickhouse/replica.sql), runs the workload in PostgreSQL,
 * produces poison messages straight into four topics,
 * runs more workload, dumps every topic (tools/DumpTopics.java), generates a typed
 * replica of every table from the first message of its dbz topic (debezium_ddl, as
 * test_e2e_ddl does: database ddl), waits until every consumer has read to the end
 * offsets and committed them (lag 0 on the broker), and then checks:
 *
 *   exactly once     every Kafka record of every consumed topic is in ClickHouse once,
 *                    byte for byte (tombstones: read, and skipped by the engine);
 *                    records = rows landed + dead letters (+ tombstones)
 *   tables           every PostgreSQL table equals its generated replica after FINAL
 *                    (<t>_current), every column, awkward types included (numeric(12,4),
 *                    numeric without scale, timestamp, timestamptz, date, time, jsonb, uuid,
 *                    boolean, text[], enum, bytea, interval, double NaN/Infinity), the
 *                    cells that cannot be equal by design counted (e2e_replica_compare)
 *   deletes          every deleted row (and the truncated table) is gone
 *   experiments      events, assignments, the report, the funnel and the daily roll-up
 *                    equal what PostgreSQL computes from its own rows
 *   ad tech          dimensions, facts and every KPI view equal PostgreSQL's
 *   poison           not-JSON and not-Debezium messages are dead letters, and the
 *                    messages produced after them were consumed
 *   two connectors   the schema and the schemaless connector delivered the same changes
 */
#include <glob.h>
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
#include "seedq.h"

#ifndef SOURCE_DIR
#error "SOURCE_DIR must be defined"
#endif

#define E2E_DIR SOURCE_DIR "/tests/e2e"

/* The eight tables of tests/e2e/schema.sql that the change logs and the replicas follow. */
#define tables e2e_replica_tables
#define NTABLES ((size_t)E2E_NREPLICAS)
/* The generated replicas: database and configured debezium_ddl (tests/e2e/ddl_function.xml). */
#define DDL_DB "ddl"
#define DDL_FN "debezium_ddl_e2e"

static const char poison_not_json[] = "this is not JSON {";
static const char poison_not_debezium[] = "{\"hello\":\"world\",\"items\":[1,2,3]}";

typedef struct consumer {
    const char *db;              /* ClickHouse database */
    const char *kafka_table;     /* the Kafka engine table */
    char *group;                 /* its consumer group */
    char *topics;                /* SQL list of its topics: 'a','b' */
    const char *seen_table;      /* where every message it hands over ends up */
} consumer;

/* One sql/ pipeline in its own database, reading one connector's topics. */
typedef struct pipeline {
    const char *dir;             /* sql/<dir> */
    const char *db;
    const char *prefix;          /* "dbz.public." (schema envelope) or "dbzplain.public." */
    const char *tap;             /* tests/e2e/clickhouse/<tap>, applied before the consume view */
} pipeline;

static const pipeline pipelines[] = {
    {"experiments", "experiments_dbz", "dbz.public.", "experiments_tap.sql"},
    {"experiments", "experiments_plain", "dbzplain.public.", "experiments_tap.sql"},
    {"adtech", "adtech_dbz", "dbz.public.", "adtech_tap.sql"},
    {"adtech", "adtech_plain", "dbzplain.public.", "adtech_tap.sql"},
};
#define NPIPELINES (sizeof(pipelines) / sizeof(pipelines[0]))
/* sql/orders (seed 001) in database orders_dbz, on connector dbz only (the
 * only one reading schema inventory): its two Kafka tables are the last two
 * consumers. */
#define ORDERS_DB "orders_dbz"
#define ORDERS_CONSUMER (2 + NPIPELINES)
/* The generated replicas' Kafka tables (ddl.public_<t>_queue: ddl_function.xml), one per table, last. */
#define DDL_CONSUMER (2 + NPIPELINES + 2)
#define NCONSUMERS (DDL_CONSUMER + NTABLES)

/* The topics poison is produced into: every consumer reads at least one of them. */
static const char *const poisoned[] = {"dbz.public.outbox_events", "dbzplain.public.outbox_events",
                                       "dbz.public.impressions", "dbzplain.public.impressions"};

static struct {
    chs_session *s;
    const char *run_dir;
    const char *brokers;
    char *group;                 /* consumer group prefix, unique per run */
    char *dump_path;
    int consumed;                /* 1 once every consumer reached the end offsets */
    double t0;
    consumer consumers[NCONSUMERS];
    char ddl_names[NTABLES][2][64];   /* the generated replicas' Kafka tables and taps */
} E;

/* ---------------------------------------------------------------- helpers */

static char *topic_list(const char *prefix, const char *const *names, size_t n, int sql) {
    itest_buf b = {0};
    for (size_t i = 0; i < n; i++)
        itest_buf_printf(&b, "%s%s%s%s%s", i ? "," : "", sql ? "'" : "", prefix, names[i], sql ? "'" : "");
    return itest_buf_take(&b);
}

static int cmp_str(const void *a, const void *b) {
    return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* Applies every .sql file of sql/<dir> in name order with the substitutions; `taps` (if not
 * NULL) goes in just before the last file, the one that starts consuming.  Every
 * substitution must match somewhere (else the SQL changed under the test).  Runs in
 * group setup: returns 0 or -1. */
static int apply_pipeline(const char *dir, const char *const *subst, const char *taps) {
    char *pattern = e2e_fmt("%s/sql/%s/*.sql", SOURCE_DIR, dir);
    glob_t g;
    int rc = glob(pattern, 0, NULL, &g);
    free(pattern);
    if (rc != 0 || g.gl_pathc < 2) {
        fprintf(stderr, "e2e: no SQL files in sql/%s\n", dir);
        if (rc == 0) globfree(&g);
        return -1;
    }
    qsort(g.gl_pathv, g.gl_pathc, sizeof(char *), cmp_str);
    for (size_t i = 0; subst[i]; i += 2) {
        int found = 0;
        for (size_t f = 0; f < g.gl_pathc && !found; f++) {
            char *text = tfile_read(g.gl_pathv[f], NULL);
            found = text && strstr(text, subst[i]);
            free(text);
        }
        if (!found) {
            fprintf(stderr, "e2e: sql/%s no longer contains \"%s\": update the test's substitutions\n", dir, subst[i]);
            globfree(&g);
            return -1;
        }
    }
    for (size_t f = 0; f < g.gl_pathc; f++) {
        if (f == g.gl_pathc - 1 && taps && e2e_ch_apply(E.s, taps, NULL) != 0) rc = -1;
        if (!rc && e2e_ch_apply(E.s, g.gl_pathv[f], subst) != 0) rc = -1;
        if (rc) break;
    }
    globfree(&g);
    return rc;
}

/* Creates pipeline `p` in its database, reading its connector's topics. */
static int create_pipeline(const pipeline *p, consumer *c) {
    static const char *const ad4[] = {"advertiser", "campaign", "impressions", "clicks"};
    static const char *const outbox[] = {"outbox_events"};
    int experiments = strcmp(p->dir, "experiments") == 0;
    char *use = e2e_fmt("USE %s", p->db);
    char *create = e2e_fmt("CREATE DATABASE %s ENGINE = Atomic", p->db);
    char *group_name = e2e_fmt("%s_%s", E.group, p->db);
    char *group = e2e_fmt("kafka_group_name = '%s'", group_name);
    char *topic = e2e_fmt("kafka_topic_list = '%soutbox_events'", p->prefix);
    char *tap = e2e_fmt("%s/clickhouse/%s", E2E_DIR, p->tap);
    /* kafka_flush_interval_ms: blocks every 0.5 s instead of 7.5 s (test speed only). */
    const char *fast = "kafka_format = 'RawBLOB', kafka_flush_interval_ms = 500";
    const char *subst_exp[] = {"kafka_topic_list = 'experiments_events'", topic,
                               "kafka_group_name = 'clickhouse_analytics'", group,
                               "kafka_format = 'RawBLOB'", fast, NULL};
    const char *subst_ad[] = {"postgres.public.", p->prefix,
                              "kafka_group_name = 'clickhouse_adtech'", group,
                              "kafka_format = 'RawBLOB'", fast, NULL};
    int rc = chs_exec(E.s, create) || chs_exec(E.s, use) ||
             apply_pipeline(p->dir, experiments ? subst_exp : subst_ad, tap) || chs_exec(E.s, "USE e2e");
    c->db = p->db;
    c->kafka_table = experiments ? "raw_events_kafka" : "adtech_kafka";
    c->group = group_name;
    c->topics = experiments ? topic_list(p->prefix, outbox, 1, 1) : topic_list(p->prefix, ad4, 4, 1);
    c->seen_table = experiments ? "e2e_experiments_tap" : "e2e_adtech_tap";
    free(use);
    free(create);
    free(group);
    free(topic);
    free(tap);
    return rc ? -1 : 0;
}

/* Creates sql/orders in ORDERS_DB, reading dbz.inventory.{orders,products}. */
static int create_orders_pipeline(consumer *orders, consumer *products) {
    char *og = e2e_fmt("%s_%s_orders", E.group, ORDERS_DB), *pg = e2e_fmt("%s_%s_products", E.group, ORDERS_DB);
    char *ogs = e2e_fmt("kafka_group_name = '%s'", og), *pgs = e2e_fmt("kafka_group_name = '%s'", pg);
    const char *subst[] = {"postgres-server.inventory.", "dbz.inventory.",
                           "kafka_group_name = 'clickhouse_orders_group'", ogs,
                           "kafka_group_name = 'clickhouse_products_group'", pgs,
                           "kafka_format = 'RawBLOB'", "kafka_format = 'RawBLOB', kafka_flush_interval_ms = 500", NULL};
    int rc = chs_exec(E.s, "CREATE DATABASE " ORDERS_DB " ENGINE = Atomic") || chs_exec(E.s, "USE " ORDERS_DB) ||
             apply_pipeline("orders", subst, E2E_DIR "/clickhouse/orders_tap.sql") || chs_exec(E.s, "USE e2e");
    *orders = (consumer){ORDERS_DB, "orders_kafka_json", og, e2e_fmt("'dbz.inventory.orders'"), "e2e_orders_tap"};
    *products = (consumer){ORDERS_DB, "products_kafka", pg, e2e_fmt("'dbz.inventory.products'"), "e2e_products_tap"};
    free(ogs);
    free(pgs);
    return rc ? -1 : 0;
}

static void use_db(const char *db) {
    itest_exec(E.s, "USE %s", db);
}

#define ch_count(...) e2e_ch_count(E.s, __VA_ARGS__)

static void require_consumed(void) {
    if (!E.consumed) skip();
}

/* ---------------------------------------------------------------- setup */

static int group_setup(void **state) {
    (void)state;
    E.t0 = e2e_now();
    E.run_dir = e2e_env("CDC_E2E_RUN_DIR");
    E.brokers = e2e_env("KAFKA_BOOTSTRAP");
    if (!E.run_dir || !E.brokers || !e2e_env("KAFKA_CLASSPATH") || !e2e_env("PGPORT")) return -1;
    E.group = e2e_fmt("e2e_%ld", (long)getpid());
    E.dump_path = e2e_fmt("%s/e2e-topics.jsonl", E.run_dir);

    char *data = e2e_fmt("%s/ch-pipeline", E.run_dir);
    e2e_log("opening ClickHouse (data path %s)", data);
    E.s = e2e_ch_open(data);
    free(data);
    if (!E.s || e2e_ch_kafka_connection(E.s, E.brokers) != 0) return -1;

    int rc = 0;
    for (size_t i = 0; i < NPIPELINES && !rc; i++) {
        e2e_log("sql/%s in database %s, reading %s*", pipelines[i].dir, pipelines[i].db, pipelines[i].prefix);
        rc = create_pipeline(&pipelines[i], &E.consumers[2 + i]);
    }
    if (!rc) {
        e2e_log("sql/orders in database %s, reading dbz.inventory.*", ORDERS_DB);
        rc = create_orders_pipeline(&E.consumers[ORDERS_CONSUMER], &E.consumers[ORDERS_CONSUMER + 1]);
    }
    char *dbz = topic_list("dbz.public.", tables, NTABLES, 0);
    char *plain = topic_list("dbzplain.public.", tables, NTABLES, 0);
    const char *replica_subst[] = {"@BROKERS@", E.brokers, "@GROUP@", E.group, "@DBZ_TOPICS@", dbz,
                                   "@PLAIN_TOPICS@", plain, "@FLUSH_MS@", "500", NULL};
    if (!rc) {
        e2e_log("tests/e2e/clickhouse/replica.sql in database e2e, reading dbz.public.* and dbzplain.public.*");
        rc = e2e_ch_apply(E.s, E2E_DIR "/clickhouse/replica.sql", replica_subst);
    }
    if (!rc) rc = chs_exec(E.s, "CREATE DATABASE " DDL_DB " ENGINE = Atomic");
    free(dbz);
    free(plain);
    E.consumers[0] = (consumer){"e2e", "e2e_dbz_kafka", e2e_fmt("%s_replica_dbz", E.group),
                                topic_list("dbz.public.", tables, NTABLES, 1), "e2e_dbz_log"};
    E.consumers[1] = (consumer){"e2e", "e2e_plain_kafka", e2e_fmt("%s_replica_plain", E.group),
                                topic_list("dbzplain.public.", tables, NTABLES, 1), "e2e_plain_log"};
    if (rc) {
        chs_close(E.s);
        E.s = NULL;
        return -1;
    }
    e2e_log("ClickHouse is consuming with %zu consumer groups (%.1fs)", (size_t)NCONSUMERS, e2e_now() - E.t0);
    return 0;
}

static int group_teardown(void **state) {
    (void)state;
    if (E.s) {
        /* Stop the consumers first (they leave their groups), then close. */
        for (size_t i = 0; i < NCONSUMERS; i++) {
            const consumer *c = &E.consumers[i];
            if (!c->kafka_table) continue;
            char *sql = e2e_fmt("DROP TABLE IF EXISTS %s.%s SYNC", c->db, c->kafka_table);
            chs_exec(E.s, sql);
            free(sql);
        }
        chs_close(E.s);
    }
    for (size_t i = 0; i < NCONSUMERS; i++) {
        free(E.consumers[i].topics);
        free(E.consumers[i].group);
    }
    free(E.group);
    free(E.dump_path);
    e2e_log("pipeline test done in %.1fs", e2e_now() - E.t0);
    return 0;
}

/* ---------------------------------------------------------------- workload */

/* Produces every line of `file` as one message into each topic (no key), one
 * ConsoleProducer per topic, in parallel. */
static void produce_lines(const char *const *topics, size_t n, const char *file) {
    itest_buf cmd = {0};
    itest_buf_puts(&cmd, "rc=0; pids=''; ");
    for (size_t i = 0; i < n; i++)
        itest_buf_printf(&cmd, "%s kafka.tools.ConsoleProducer --bootstrap-server '%s' --topic '%s' "
                               "--producer-property acks=all < '%s' 2>&1 & pids=\"$pids $!\"; ",
                         e2e_java(), E.brokers, topics[i], file);
    itest_buf_puts(&cmd, "for p in $pids; do wait $p || rc=1; done; exit $rc");
    char *out = NULL;
    int rc = e2e_sh(&out, "%s", cmd.p);
    itest_buf_free(&cmd);
    if (rc != 0) {
        print_error("ConsoleProducer failed (exit %d): %s\n", rc, out);
        free(out);
        fail();
    }
    free(out);
}

/* Partitions of `c` whose consumer position is behind the topic's end offset. */
static long long partitions_behind(const consumer *c) {
    return ch_count("SELECT count() FROM "
                    "(SELECT topic, partition, max(offset) + 1 AS end_offset FROM e2e_dump "
                    " WHERE topic IN (%s) GROUP BY topic, partition) AS d "
                    "LEFT JOIN "
                    "(SELECT a.1 AS topic, toUInt32(a.2) AS partition, a.3 AS position FROM system.kafka_consumers "
                    " ARRAY JOIN arrayZip(assignments.topic, assignments.partition_id, assignments.current_offset) AS a "
                    " WHERE database = '%s' AND table = '%s') AS k "
                    "ON k.topic = d.topic AND k.partition = d.partition "
                    "WHERE k.position < d.end_offset",
                    c->topics, c->db, c->kafka_table);
}

static long long records_expected(const consumer *c) {
    return ch_count("SELECT count() FROM e2e_dump WHERE topic IN (%s) AND value IS NOT NULL", c->topics);
}

/* Offsets per the broker: ConsumerGroupCommand --describe for our groups.  A partition
 * is `done` when its committed offset is the end offset.  ClickHouse's Kafka engine
 * commits after each block it writes; tombstones (null values) are read but make no
 * rows, so when a partition ENDS with tombstones (every Debezium delete is followed by
 * one) the committed offset stays right after the last non-null record until another
 * message arrives: those partitions are counted in `trailing`, and only when the
 * committed offset is exactly that.  Anything else is `bad`.  Returns bad. */
static int broker_offsets(int *parts, int *done, int *trailing, char **report) {
    char *out = NULL;
    int rc = e2e_sh(&out, "%s org.apache.kafka.tools.consumer.group.ConsumerGroupCommand --bootstrap-server '%s' "
                          "--describe --all-groups 2>&1",
                    e2e_java(), E.brokers);
    if (rc != 0) {
        print_error("ConsumerGroupCommand failed (exit %d): %s\n", rc, out);
        free(out);
        fail();
    }
    int bad = 0;
    *parts = *done = *trailing = 0;
    itest_buf rep = {0};
    char *save = NULL;
    for (char *line = strtok_r(out, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
        char group[256], topic[256], cur[64], end[64], lag[64];
        int partition;
        if (sscanf(line, "%255s %255s %d %63s %63s %63s", group, topic, &partition, cur, end, lag) != 6) continue;
        if (strncmp(group, E.group, strlen(E.group)) != 0) continue;
        (*parts)++;
        const char *verdict = "lag 0";
        if (strcmp(cur, end) == 0 && strcmp(lag, "0") == 0) {
            (*done)++;
        } else {
            long long after_last = ch_count("SELECT max(offset) + 1 FROM e2e_dump WHERE topic = '%s' AND partition = %d "
                                            "AND value IS NOT NULL", topic, partition);
            if (atoll(cur) == after_last && atoll(end) > after_last) {
                (*trailing)++;
                verdict = "trailing tombstones only";
            } else {
                bad++;
                verdict = "BEHIND";
            }
        }
        itest_buf_printf(&rep, "    %-26s %-30s p%d committed %4s end %4s lag %2s  %s\n", group, topic, partition, cur,
                         end, lag, verdict);
    }
    free(out);
    *report = itest_buf_take(&rep);
    return bad;
}

/* Partitions behind plus records not yet handed over, over every consumer
 * (e2e_wait_until's progress). */
static long long consumers_missing(void *ctx, itest_buf *status) {
    (void)ctx;
    long long behind = 0, missing = 0;
    for (size_t i = 0; i < NCONSUMERS; i++) {
        const consumer *c = &E.consumers[i];
        long long b = partitions_behind(c);
        long long want = records_expected(c), got = ch_count("SELECT count() FROM %s.%s", c->db, c->seen_table);
        behind += b;
        missing += want > got ? want - got : 0;
        itest_buf_printf(status, " %s.%s %lld/%lld%s", c->db, c->kafka_table, got, want, b ? " (behind)" : "");
    }
    return behind + missing;
}

static void test_workload_and_consume(void **state) {
    (void)state;
    double t;
    char *path, *args;

    e2e_log("workload.sql (snapshot rows are already in Kafka)");
    t = e2e_now();
    args = e2e_fmt("-v marker_token=e2e-first-%ld", (long)getpid());
    e2e_psql_file(E2E_DIR "/workload.sql", args);
    free(args);
    e2e_log("workload.sql done in %.1fs", e2e_now() - t);

    /* Poison, produced straight into topics the pipelines read: every consumer gets some. */
    path = e2e_fmt("%s/e2e-poison.txt", E.run_dir);
    char *poison = e2e_fmt("%s\n%s\n", poison_not_json, poison_not_debezium);
    assert_int_equal(e2e_write_file(path, poison, strlen(poison)), 0);
    free(poison);
    t = e2e_now();
    produce_lines(poisoned, sizeof(poisoned) / sizeof(poisoned[0]), path);
    free(path);
    e2e_log("poison (not JSON, not Debezium) produced into %s, %s, %s and %s (%.1fs)", poisoned[0], poisoned[1],
            poisoned[2], poisoned[3], e2e_now() - t);

    char *token = e2e_fmt("e2e-final-%ld", (long)getpid());
    t = e2e_now();
    args = e2e_fmt("-v final_token=%s", token);
    e2e_psql_file(E2E_DIR "/workload_e2e.sql", args);
    free(args);
    e2e_log("workload_e2e.sql done in %.1fs", e2e_now() - t);

    /* Every record of every topic, once the final marker is in both connectors' topics
     * and the end offsets have been stable for 2 s. */
    const char *wait[] = {"dbz.public.e2e_marker", token, "dbzplain.public.e2e_marker", token, NULL};
    e2e_dump_topics(E.s, E.brokers, "e2e_dump", E.dump_path, wait);
    free(token);

    /* The typed replicas, generated from the first message of each dbz topic (the
     * snapshot's; the Kafka tables read their topics from the start). */
    t = e2e_now();
    for (size_t i = 0; i < NTABLES; i++) {
        char *topic = e2e_fmt("dbz.public.%s", tables[i]);
        char *first = e2e_fmt("SELECT key, value AS message FROM e2e.e2e_dump WHERE topic = '%s' AND value IS NOT NULL "
                              "ORDER BY partition, offset LIMIT 1", topic);
        consumer *c = &E.consumers[DDL_CONSUMER + i];
        snprintf(E.ddl_names[i][0], sizeof(E.ddl_names[i][0]), "public_%s_queue", tables[i]);
        snprintf(E.ddl_names[i][1], sizeof(E.ddl_names[i][1]), "%s_tap", tables[i]);
        *c = (consumer){DDL_DB, E.ddl_names[i][0], e2e_fmt("%s_ddl_%s", E.group, tables[i]), e2e_fmt("'%s'", topic),
                        E.ddl_names[i][1]};
        e2e_ddl_replica r = {DDL_DB, tables[i], DDL_FN, first, E.ddl_names[i][0], E.brokers, topic, c->group, NULL, NULL, 0};
        int rc_ddl = e2e_ddl_replica_create(E.s, &r);
        free(r.columns);
        free(first);
        free(topic);
        assert_int_equal(rc_ddl, 0);
    }
    e2e_log("typed replicas of the %zu tables generated by debezium_ddl in database " DDL_DB " (%.1fs)", NTABLES,
            e2e_now() - t);

    /* Bounded wait: every consumer at the end offsets, every record handed over. */
    e2e_wait_until("consumed", 180, consumers_missing, NULL);

    /* As the broker sees it: the offsets are committed, not only read. */
    t = e2e_now();
    long long expected_parts = 0;
    for (size_t i = 0; i < NCONSUMERS; i++)
        expected_parts += ch_count("SELECT uniqExact(topic, partition) FROM e2e_dump WHERE topic IN (%s)", E.consumers[i].topics);
    int parts = 0, done = 0, trailing = 0, bad = 0;
    char *report = NULL;
    for (int attempt = 0; attempt < 15; attempt++) {
        free(report);
        bad = broker_offsets(&parts, &done, &trailing, &report);
        if (bad == 0 && parts == (int)expected_parts) break;
        sleep(1);
    }
    fprintf(stderr, "  consumer groups (broker view):\n%s", report);
    free(report);
    assert_int_equal(parts, expected_parts);
    assert_int_equal(bad, 0);
    e2e_log("committed offsets of the %zu consumer groups: %d partitions at the end offset (lag 0), %d stopped only "
            "before trailing tombstones (%.1fs)", (size_t)NCONSUMERS, done, trailing, e2e_now() - t);
    E.consumed = 1;
}

/* ---------------------------------------------------------------- exactly once */

static void test_exactly_once(void **state) {
    (void)state;
    require_consumed();
    fprintf(stderr, "  %-34s %8s %10s %8s %6s %6s %8s %10s\n", "consumer", "records", "tombstones", "landed", "dead",
            "dupes", "read", "bytes-diff");
    for (size_t i = 0; i < NCONSUMERS; i++) {
        const consumer *c = &E.consumers[i];
        long long records = ch_count("SELECT count() FROM e2e_dump WHERE topic IN (%s)", c->topics);
        long long tombstones = ch_count("SELECT count() FROM e2e_dump WHERE topic IN (%s) AND value IS NULL", c->topics);
        long long seen = ch_count("SELECT count() FROM %s.%s", c->db, c->seen_table);
        long long dead = ch_count("SELECT countIf(error != '') FROM %s.%s", c->db, c->seen_table);
        /* Each non-null record matched to one seen message with the same bytes (a
         * multiset join: the count of each distinct message must agree). */
        long long diff = ch_count("SELECT count() FROM "
                                  "(SELECT value AS message, count() AS n FROM e2e_dump WHERE topic IN (%s) AND value IS NOT NULL GROUP BY value) AS d "
                                  "FULL OUTER JOIN (SELECT message, count() AS n FROM %s.%s GROUP BY message) AS s USING (message) "
                                  "WHERE d.n != s.n",
                                  c->topics, c->db, c->seen_table);
        long long dupes = 0;
        if (i < 2 || i >= DDL_CONSUMER) /* the logs and the taps keep the coordinates: no offset twice */
            dupes = seen - ch_count("SELECT uniqExact(topic, partition, offset) FROM %s.%s", c->db, c->seen_table);
        long long read = ch_count("SELECT sum(num_messages_read) FROM system.kafka_consumers "
                                  "WHERE database = '%s' AND table = '%s'",
                                  c->db, c->kafka_table);
        char name[128];
        snprintf(name, sizeof(name), "%s.%s", c->db, c->kafka_table);
        fprintf(stderr, "  %-34s %8lld %10lld %8lld %6lld %6lld %8lld %10lld\n", name, records, tombstones, seen - dead,
                dead, dupes, read, diff);
        /* records = rows landed + dead letters + tombstones (null values: the engine reads
         * them, num_messages_read counts them, and hands nothing over). */
        assert_int_equal(seen, records - tombstones);
        assert_int_equal(diff, 0);
        assert_int_equal(dupes, 0);
        assert_int_equal(read, records);
    }
    /* The logs and the generated replicas' taps against their dead-letter tables. */
    assert_int_equal(ch_count("SELECT countIf(error != '') FROM e2e_dbz_log"), ch_count("SELECT count() FROM e2e_dbz_dead_letters"));
    long long ddl_dead = 0;
    for (size_t i = 0; i < NTABLES; i++)
        ddl_dead += ch_count("SELECT countIf(error != '') FROM " DDL_DB ".`%s`", E.ddl_names[i][1]);
    assert_int_equal(ddl_dead, ch_count("SELECT count() FROM " DDL_DB ".dbz_dead_letters"));
    assert_int_equal(ch_count("SELECT countIf(error != '') FROM e2e_plain_log"), ch_count("SELECT count() FROM e2e_plain_dead_letters"));

    for (size_t i = 0; i < NPIPELINES; i++) {
        const char *db = pipelines[i].db;
        if (strcmp(pipelines[i].dir, "experiments") == 0) {
            /* Every decoded message is an event row, an assignment, an outbox clean-up
             * delete, or a dead letter. */
            long long ev = ch_count("SELECT uniqExact(event_id) FROM %s.e2e_experiments_tap WHERE error = '' AND op IN ('c','r','u') AND event_type != 'assignment'", db);
            long long as = ch_count("SELECT uniqExact(experiment_id, user_id) FROM %s.e2e_experiments_tap WHERE error = '' AND op IN ('c','r','u') AND event_type = 'assignment'", db);
            long long rows = ch_count("SELECT countIf(error = '' AND op IN ('c','r','u')) FROM %s.e2e_experiments_tap", db);
            long long cleanup = ch_count("SELECT countIf(op = 'd') FROM %s.e2e_experiments_tap", db);
            long long dead = ch_count("SELECT countIf(error != '') FROM %s.e2e_experiments_tap", db);
            long long seen = ch_count("SELECT count() FROM %s.e2e_experiments_tap", db);
            long long ep = ch_count("SELECT count() FROM %s.events_processed FINAL", db);
            long long ap = ch_count("SELECT count() FROM %s.assignments_processed FINAL", db);
            long long dl = ch_count("SELECT count() FROM %s.events_dead_letters FINAL", db);
            fprintf(stderr, "  %s: %lld messages = %lld events and assignments + %lld clean-up deletes + %lld dead letters;"
                            " events_processed FINAL %lld (distinct ids %lld), assignments_processed FINAL %lld (%lld), dead letters %lld\n",
                    db, seen, rows, cleanup, dead, ep, ev, ap, as, dl);
            assert_int_equal(seen, rows + cleanup + dead);
            assert_int_equal(rows, ev + as);   /* no event delivered twice */
            assert_int_equal(ep, ev);
            assert_int_equal(ap, as);
            assert_int_equal(dl, dead);
        } else {
            /* Every change is applied (r c u d) or a dead letter. */
            long long seen = ch_count("SELECT count() FROM %s.e2e_adtech_tap", db);
            long long applied = ch_count("SELECT countIf(error = '' AND op IN ('r','c','u','d')) FROM %s.e2e_adtech_tap", db);
            long long dead = ch_count("SELECT countIf(error != '') FROM %s.e2e_adtech_tap", db);
            long long dl = ch_count("SELECT count() FROM %s.adtech_dead_letters FINAL", db);
            fprintf(stderr, "  %s: %lld messages = %lld changes applied + %lld dead letters (adtech_dead_letters %lld)\n", db,
                    seen, applied, dead, dl);
            assert_int_equal(seen, applied + dead);
            assert_int_equal(dl, dead);
        }
    }
}

/* ---------------------------------------------------------------- tables */

static void test_tables_equal_postgres(void **state) {
    (void)state;
    require_consumed();
    /* TRUNCATE clicks: connector dbz keeps Debezium's default skipped.operations=t and never
     * reports it; dbzplain did (e2e_truncates).  The operator records it where the generated
     * <t>_current looks for truncates (dbz_truncates, fed by the replica's own connector
     * when it emits them), and the replica hides the rows older than it. */
    itest_exec(E.s, "INSERT INTO " DDL_DB ".dbz_truncates (database, table, version) "
                    "SELECT 'public', source_table, version FROM e2e_truncates");
    /* events' first message predates workload.sql's ADD COLUMN session_id: the change was
     * reported once; the operator step (udf/README.md) adds the column and backfills it. */
    assert_int_equal(ch_count("SELECT count() FROM " DDL_DB ".schema_changes FINAL"), 1);
    assert_int_equal(e2e_ddl_operator_step(E.s, DDL_DB, DDL_FN, "events", NULL, NULL), 1);
    use_db(DDL_DB);
    e2e_replica_result r;
    size_t bad = e2e_replica_compare(E.s, NULL, 0, &r);
    use_db("e2e");
    e2e_log("tables: %zu PostgreSQL rows, %zu cells compared, %zu rows differ; by design: %zu date(s) in _extra, "
            "%zu NULL array(s), %zu TOASTed value(s) in _unavailable", r.rows, r.cells, bad, r.out_of_range,
            r.null_arrays, r.unavailable);
    assert_int_equal(bad, 0);
    assert_int_equal(r.out_of_range, 1);   /* type_zoo 5: 9999-12-31 */
    assert_int_equal(r.unavailable, 1);    /* type_zoo 1: workload.sql T2 left big_text alone */
}

/* ---------------------------------------------------------------- deletes, TOAST, truncate */

static void test_deletes_toast_truncate(void **state) {
    (void)state;
    require_consumed();
    /* Every key whose last change is a delete: gone from ClickHouse (FINAL) and from
     * PostgreSQL. */
    long long deleted = 0;
    for (size_t i = 0; i < NTABLES; i++) {
        char *changes = e2e_fmt("SELECT trim(BOTH '\"' FROM JSONExtractRaw(row, 'id')) AS id, op, version FROM e2e_dbz_log "
                                "WHERE source_table = '%s' AND error = '' AND op != ''", tables[i]);
        char *current = e2e_fmt(DDL_DB ".%s_current", tables[i]);
        deleted += e2e_deletes_gone(E.s, tables[i], changes, current);
        free(changes);
        free(current);
    }
    assert_true(deleted >= 10);
    e2e_log("%lld deleted rows: gone in ClickHouse and PostgreSQL", deleted);

    /* TOAST: the T2 update of type_zoo 1 carried Debezium's placeholder for big_text
     * (REPLICA IDENTITY DEFAULT: no before image to take it from).  The replica keeps no
     * value it was not sent: big_text is NULL in that version and listed in _unavailable;
     * PostgreSQL holds the 8,224-byte value. */
    long long placeholders = ch_count("SELECT count() FROM e2e_dbz_log WHERE source_table = 'type_zoo' AND "
                                      "JSONExtractString(row, 'big_text') = '__debezium_unavailable_value'");
    assert_true(placeholders >= 1);
    itest_assert_query(E.s, "1\t['big_text']\t1\n",
                       "SELECT id, _unavailable, isNull(big_text) FROM " DDL_DB ".type_zoo_current WHERE id = 1");
    char *pg = e2e_psql("SELECT length(big_text) FROM type_zoo WHERE id = 1");
    assert_int_equal(atoll(pg), 8224);
    free(pg);
    e2e_log("TOAST: %lld change(s) with the placeholder; type_zoo 1: big_text NULL, listed in _unavailable "
            "(PostgreSQL: 8224 bytes)", placeholders);

    /* TRUNCATE clicks: only the schemaless connector emits it (op t); once recorded in
     * dbz_truncates (test_tables_equal_postgres) the generated clicks_current hides every
     * clicks row older than it, and keeps the ones inserted after it. */
    assert_int_equal(ch_count("SELECT count() FROM e2e_truncates WHERE source_table = 'clicks'"), 1);
    long long before = ch_count("SELECT count() FROM " DDL_DB ".clicks FINAL WHERE is_deleted = 0 AND "
                                "version < (SELECT max(version) FROM e2e_truncates)");
    long long hidden = ch_count("SELECT count() FROM " DDL_DB ".clicks_current WHERE "
                                "version < (SELECT max(version) FROM e2e_truncates)");
    long long after = ch_count("SELECT count() FROM " DDL_DB ".clicks_current");
    e2e_log("TRUNCATE clicks: %lld older rows hidden (%lld shown), %lld newer rows kept", before, hidden, after);
    assert_true(before >= 2);
    assert_int_equal(hidden, 0);
    assert_true(after > 0);
}

/* ---------------------------------------------------------------- experiments */

static const e2e_cmp experiment_cmps[] = {
    {"events_processed",
     "SELECT event_id, experiment_id, user_id, variant_id, variant_key, event_type, ts, assignment_at, properties, "
     "session_id, is_valid FROM e2e.expected_events_processed",
     "SELECT id, experiment_id, user_id, variant_id, variant_key, event_type, timestamp, assignment_at, "
     "properties, session_id, is_valid FROM events_processed FINAL",
     "TTTTTTTTJTT", 1},
    {"assignments_processed",
     "SELECT experiment_id, user_id, variant_id, variant_key, assigned_at, assignment_id, event_id "
     "FROM e2e.expected_assignments_processed",
     "SELECT experiment_id, user_id, variant_id, variant_key, assigned_at, assignment_id, event_id "
     "FROM assignments_processed FINAL",
     "TTTTTTT", 2},
    {"experiment_performance",
     "SELECT experiment_id, variant_id, variant_key, users, exposures, clicks, conversions, conversion_rate, revenue, "
     "revenue_per_user, lift, z_score, p_value, significant FROM e2e.expected_experiment_performance",
     "SELECT experiment_id, variant_id, variant_key, users, exposures, clicks, conversions, conversion_rate, revenue, "
     "revenue_per_user, lift, z_score, p_value, significant FROM experiment_performance",
     "TTTTTTT424444T", 3},
    {"user_journey_analysis",
     "SELECT experiment_id, variant_id, variant_key, users, assigned, exposed, clicked, converted, exposure_rate, "
     "click_rate, click_conversion_rate, conversion_rate FROM e2e.expected_user_journey",
     "SELECT experiment_id, variant_id, variant_key, users, assigned, exposed, clicked, converted, exposure_rate, "
     "click_rate, click_conversion_rate, conversion_rate FROM user_journey_analysis",
     "TTTTTTTT4444", 3},
    {"experiment_daily_stats",
     "SELECT day, experiment_id, variant_id, variant_key, users, exposures, clicks, conversions, revenue "
     "FROM e2e.expected_daily_stats",
     "SELECT day, experiment_id, variant_id, variant_key, users, exposures, clicks, conversions, revenue "
     "FROM experiment_daily_stats FINAL",
     "TTTTTTTTR", 4},
};

static void test_experiment_report(void **state) {
    (void)state;
    require_consumed();
    size_t bad = 0;
    for (size_t p = 0; p < NPIPELINES; p++) {
        if (strcmp(pipelines[p].dir, "experiments") != 0) continue;
        fprintf(stderr, "  -- sql/experiments in %s (%s* topics)\n", pipelines[p].db, pipelines[p].prefix);
        use_db(pipelines[p].db);
        /* The daily roll-up is a refreshable view (every 5 minutes): refresh it now. */
        itest_exec(E.s, "SYSTEM REFRESH VIEW daily_stats_mv");
        itest_exec(E.s, "SYSTEM WAIT VIEW daily_stats_mv");
        for (size_t i = 0; i < sizeof(experiment_cmps) / sizeof(experiment_cmps[0]); i++)
            bad += e2e_compare(E.s, &experiment_cmps[i], NULL);
        /* The report is not empty: the experiments of workload_e2e.sql are all there. */
        assert_int_equal(ch_count("SELECT count() FROM experiment_performance WHERE experiment_id IN (100, 101)"), 5);
        if (p == 0) {
            char *report = itest_query_as(E.s, "PrettyCompactMonoBlock", NULL, "SELECT * FROM experiment_performance");
            fprintf(stderr, "  experiment_performance (ClickHouse, %s):\n%s", pipelines[p].db, report);
            free(report);
        }
        use_db("e2e");
    }
    assert_int_equal(bad, 0);
}

/* ---------------------------------------------------------------- ad tech */

static const e2e_cmp adtech_cmps[] = {
    {"advertiser_dim",
     "SELECT id, name, country, currency, is_active, "
     "to_char(created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD HH24:MI:SS.US') FROM advertiser",
     "SELECT id, name, country, currency, is_active, created_at FROM advertiser_dim FINAL", "TTTTTT", 1},
    {"campaign_dim",
     "SELECT id, advertiser_id, name, status, daily_budget::text, cpm_bid::text, start_date, end_date, "
     "to_char(created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD HH24:MI:SS.US') FROM campaign",
     "SELECT id, advertiser_id, name, status, toDecimalString(daily_budget, 2), toDecimalString(cpm_bid, 4), "
     "start_date, end_date, created_at FROM campaign_dim FINAL",
     "TTTTTTTTT", 1},
    {"impressions_live",
     "SELECT id, campaign_id, request_id, user_id, country, device, cost::text, "
     "to_char(shown_at AT TIME ZONE 'UTC', 'YYYY-MM-DD HH24:MI:SS.US') FROM impressions",
     "SELECT id, campaign_id, request_id, user_id, country, device, toDecimalString(cost, 6), shown_at "
     "FROM impressions_live",
     "TTTTTTTT", 1},
    {"clicks_live",
     "SELECT id, impression_id, campaign_id, cpc::text, "
     "to_char(clicked_at AT TIME ZONE 'UTC', 'YYYY-MM-DD HH24:MI:SS.US') FROM clicks",
     "SELECT id, impression_id, campaign_id, toDecimalString(cpc, 4), clicked_at FROM clicks_live", "TTTTT", 1},
    {"campaign_daily_performance",
     "SELECT campaign_id, day, impressions, clicks, ctr, impression_spend, click_spend, spend "
     "FROM e2e.expected_campaign_daily",
     "SELECT campaign_id, day, impressions, clicks, ctr, impression_spend, click_spend, spend "
     "FROM campaign_daily_performance",
     "TTTT6DDD", 2},
    {"daily_performance",
     "SELECT day, impressions, clicks, ctr, impression_spend, click_spend, spend FROM e2e.expected_daily_performance",
     "SELECT day, impressions, clicks, ctr, impression_spend, click_spend, spend FROM daily_performance", "TTT6DDD", 1},
    {"campaign_ctr",
     "SELECT campaign_id, advertiser_id, campaign, status, impressions, clicks, ctr FROM e2e.expected_campaign_ctr",
     "SELECT campaign_id, advertiser_id, campaign, status, impressions, clicks, ctr FROM campaign_ctr", "TTTTTT6", 1},
    {"cost_per_click",
     "SELECT campaign_id, clicks, click_spend, impression_spend, avg_cpc, cost_per_click "
     "FROM e2e.expected_cost_per_click",
     "SELECT campaign_id, clicks, click_spend, impression_spend, avg_cpc, cost_per_click FROM cost_per_click",
     "TTDD66", 1},
    {"advertiser_overview",
     "SELECT advertiser_id, advertiser, country, is_active, campaigns, active_campaigns, impressions, clicks, ctr, "
     "spend FROM e2e.expected_advertiser_overview",
     "SELECT advertiser_id, advertiser, country, is_active, campaigns, active_campaigns, impressions, clicks, ctr, "
     "spend FROM advertiser_overview",
     "TTTTTTTT6D", 1},
    /* seed 004's model and KPI views */
    {"dim_campaign",
     "SELECT id, name, bid::text, budget::text, start_date, end_date, advertiser_id, "
     "to_char(updated_at AT TIME ZONE 'UTC', 'YYYY-MM-DD HH24:MI:SS.US') FROM campaign",
     "SELECT campaign_id, name, toString(bid), toString(budget), start_date, end_date, advertiser_id, updated_at "
     "FROM dim_campaign FINAL",
     "TTDDTTTT", 1},
    {"mv_campaign_ctr",
     "SELECT campaign_id, campaign_name, advertiser_name, impressions, clicks, ctr FROM e2e.expected_mv_campaign_ctr",
     "SELECT campaign_id, campaign_name, advertiser_name, impressions, clicks, ctr FROM mv_campaign_ctr", "TTTTT6", 1},
    {"mv_daily_performance",
     "SELECT event_date, impressions, clicks, daily_ctr FROM e2e.expected_mv_daily_performance",
     "SELECT event_date, impressions, clicks, daily_ctr FROM mv_daily_performance", "TTT6", 1},
    {"mv_campaign_efficiency",
     "SELECT campaign_id, campaign_name, bid_amount, impressions, clicks, cost_per_click "
     "FROM e2e.expected_mv_campaign_efficiency",
     "SELECT campaign_id, campaign_name, bid_amount, impressions, clicks, cost_per_click FROM mv_campaign_efficiency",
     "TTDTTD", 1},
    {"mv_advertiser_performance",
     "SELECT advertiser_id, advertiser_name, campaign_count, total_budget, impressions, clicks, overall_ctr "
     "FROM e2e.expected_mv_advertiser_performance",
     "SELECT advertiser_id, advertiser_name, campaign_count, total_budget, impressions, clicks, overall_ctr "
     "FROM mv_advertiser_performance",
     "TTTDTT6", 1},
};

static void test_adtech_kpis(void **state) {
    (void)state;
    require_consumed();
    /* sql/adtech refuses truncates (a dead letter: "run TRUNCATE yourself if you mean
     * it"); only the schemaless connector emits them (dbz keeps Debezium's default
     * skipped.operations=t: its consumers never hear of the TRUNCATE).  The operator's
     * answer, done exactly in both databases: drop the clicks older than the truncate,
     * i.e. with a lower version (LSN; both connectors read the same WAL), and keep the
     * ones written after it. */
    char *v = itest_query(E.s, "SELECT debezium_unwrap(message).version FROM adtech_plain.adtech_dead_letters FINAL "
                               "WHERE error LIKE 'truncate of clicks%%'");
    long long lsn = atoll(v);
    free(v);
    assert_true(lsn > 0);
    assert_int_equal(ch_count("SELECT count() FROM adtech_dbz.adtech_dead_letters FINAL WHERE error LIKE 'truncate%%'"), 0);
    size_t bad = 0;
    for (size_t p = 0; p < NPIPELINES; p++) {
        if (strcmp(pipelines[p].dir, "adtech") != 0) continue;
        const char *db = pipelines[p].db;
        long long dropped = ch_count("SELECT count() FROM %s.clicks_fact FINAL WHERE version < %lld", db, lsn);
        itest_exec(E.s, "ALTER TABLE %s.clicks_fact DELETE WHERE version < %lld SETTINGS mutations_sync = 2", db, lsn);
        itest_exec(E.s, "ALTER TABLE %s.fact_clicks DELETE WHERE version < %lld SETTINGS mutations_sync = 2", db, lsn);
        fprintf(stderr, "  -- sql/adtech in %s (%s* topics): TRUNCATE clicks (LSN %lld) applied by hand, %lld older "
                        "clicks removed\n", db, pipelines[p].prefix, lsn, dropped);
        use_db(db);
        for (size_t i = 0; i < sizeof(adtech_cmps) / sizeof(adtech_cmps[0]); i++) bad += e2e_compare(E.s, &adtech_cmps[i], NULL);
        if (p == NPIPELINES - 1) {
            char *report = itest_query_as(E.s, "PrettyCompactMonoBlock", NULL, "SELECT * FROM advertiser_overview");
            fprintf(stderr, "  advertiser_overview (ClickHouse, %s):\n%s", db, report);
            free(report);
        }
        use_db("e2e");
    }
    assert_int_equal(bad, 0);
}

/* ---------------------------------------------------------------- orders (seed 001) */

static const e2e_cmp orders_cmps[] = {
    {"orders_current",
     "SELECT id, order_date, purchaser, quantity, product_id FROM inventory.orders",
     "SELECT id, order_date, purchaser, quantity, product_id FROM orders_current FINAL", "TTTTT", 1},
    {"products_final",
     "SELECT id, name, description, weight, price::text, stock FROM inventory.products",
     "SELECT product_id, name, nullIf(description, ''), weight, toString(price), stock FROM products_final",
     "TTTRDT", 1},
    /* seed 001's change log: the updates (O2) as they left the rows */
    {"orders_final updates",
     "SELECT id, order_date, purchaser, quantity, product_id FROM inventory.orders WHERE id IN (10001, 10002, 10003)",
     "SELECT order_id, toDate(order_date), purchaser, quantity, product_id FROM orders_final WHERE operation_type = 'u'",
     "TTTTT", 1},
};

static void test_orders_seed(void **state) {
    (void)state;
    require_consumed();
    use_db(ORDERS_DB);
    size_t bad = 0;
    for (size_t i = 0; i < sizeof(orders_cmps) / sizeof(orders_cmps[0]); i++) bad += e2e_compare(E.s, &orders_cmps[i], NULL);
    /* Two of seed 001's example queries, verbatim from its fixture, against what
     * workload_e2e.sql (O1, O2) wrote: the log holds each order as inserted
     * (quantity 1 + i % 5, product 101 + i % 6, dated today - i % 3) and the three
     * updated rows. */
    seedq_list q;
    assert_int_equal(seedq_load("001", &q), 0);
    const e2e_cmp seed_cmps[] = {
        {"seed 001: query-ready data",
         "SELECT to_char(current_date, 'YYYY-MM-DD 00:00:00'), count(*), sum(q) FROM "
         "(SELECT 1 + i % 5 AS q FROM generate_series(1, 40) AS i WHERE i % 3 = 0 "
         " UNION ALL SELECT quantity FROM inventory.orders WHERE id IN (10001, 10002, 10003) AND order_date = current_date) AS t",
         q.text[1], "TTT", 1},
        {"seed 001: live inventory tracking",
         "SELECT p.id, p.stock, -coalesce(s.sold, 0), p.stock - coalesce(s.sold, 0) FROM inventory.products AS p "
         "LEFT JOIN (SELECT 101 + i % 6 AS product_id, sum(1 + i % 5) AS sold FROM generate_series(1, 40) AS i GROUP BY 1) AS s "
         "ON s.product_id = p.id WHERE p.stock - coalesce(s.sold, 0) < 10",
         q.text[4], "TTTT", 1},
    };
    for (size_t i = 0; i < 2; i++) {
        e2e_cmp_result r;
        bad += e2e_compare(E.s, &seed_cmps[i], &r);
        assert_true(r.pg_rows > 0);
    }
    seedq_free(&q);
    /* every change applied or a dead letter; the log holds each insert and update once */
    long long changes = ch_count("SELECT countIf(error = '' AND op IN ('c', 'u')) FROM e2e_orders_tap");
    long long dead = ch_count("SELECT countIf(error != '') FROM e2e_orders_tap") +
                     ch_count("SELECT countIf(error != '') FROM e2e_products_tap");
    fprintf(stderr, "  -- sql/orders in %s: %lld inserts and updates logged in orders_final, %lld dead letters\n",
            ORDERS_DB, changes, dead);
    assert_int_equal(ch_count("SELECT count() FROM orders_final"), changes);
    assert_int_equal(ch_count("SELECT countIf(operation_type = 'c') FROM orders_final"), 40);   /* workload_e2e.sql O1 */
    assert_int_equal(ch_count("SELECT count() FROM orders_dead_letters FINAL"), dead);
    assert_int_equal(dead, 0);
    use_db("e2e");
    assert_int_equal(bad, 0);
}

/* ---------------------------------------------------------------- poison */

/* `table` holds the poison of `copies` topics (one not-JSON and one not-Debezium
 * message each) plus `extra` other dead letters, and nothing else. */
static void assert_poison(const char *table, const char *final, long long copies, long long extra) {
    long long total = ch_count("SELECT count() FROM %s %s", table, final);
    long long p1 = ch_count("SELECT count() FROM %s %s WHERE message = '%s'", table, final, poison_not_json);
    char *lit = itest_sql_string(poison_not_debezium, strlen(poison_not_debezium));
    long long p2 = ch_count("SELECT count() FROM %s %s WHERE message = %s", table, final, lit);
    free(lit);
    itest_table *t = itest_query_table(E.s, "SELECT error, count() FROM %s %s GROUP BY error ORDER BY error", table, final);
    fprintf(stderr, "  %-36s %lld dead letters (not JSON: %lld, not Debezium: %lld)\n", table, total, p1, p2);
    for (size_t i = 0; i < t->nrows; i++) fprintf(stderr, "      %s x %s\n", itest_cell(t, i, 1), itest_cell(t, i, 0));
    itest_table_free(t);
    assert_int_equal(p1, copies);
    assert_int_equal(p2, copies);
    assert_int_equal(total, 2 * copies + extra);
}

static void test_poison_dead_letters(void **state) {
    (void)state;
    require_consumed();
    /* The replica reads all four poisoned topics' connector: two each. */
    assert_poison("e2e.e2e_dbz_dead_letters", "", 2, 0);
    assert_poison("e2e.e2e_plain_dead_letters", "", 2, 0);
    assert_poison("experiments_dbz.events_dead_letters", "FINAL", 1, 0);
    assert_poison("experiments_plain.events_dead_letters", "FINAL", 1, 0);
    assert_poison("adtech_dbz.adtech_dead_letters", "FINAL", 1, 0);
    assert_poison("adtech_plain.adtech_dead_letters", "FINAL", 1, 1);   /* + the truncate */
    /* Consumption went on after the poison: every record after it in the same
     * partition reached each consumer. */
    for (size_t i = 0; i < NCONSUMERS; i++) {
        const consumer *c = &E.consumers[i];
        for (size_t k = 0; k < sizeof(poisoned) / sizeof(poisoned[0]); k++) {
            char *quoted = e2e_fmt("'%s'", poisoned[k]);
            int reads = strstr(c->topics, quoted) != NULL;
            if (!reads) {
                free(quoted);
                continue;
            }
            const char *after = "SELECT value FROM e2e_dump WHERE topic = %s AND value IS NOT NULL AND offset > "
                                "(SELECT max(offset) FROM e2e_dump WHERE topic = %s AND value = '%s')";
            char *q = e2e_fmt(after, quoted, quoted, poison_not_json);
            long long all = ch_count("SELECT count() FROM (%s)", q);
            long long got = ch_count("SELECT count() FROM (%s) WHERE value IN (SELECT message FROM %s.%s)", q, c->db,
                                     c->seen_table);
            fprintf(stderr, "  %-20s %-30s %4lld of %4lld messages after the poison consumed\n", c->db, poisoned[k], got, all);
            assert_true(all >= 100);
            assert_int_equal(got, all);
            free(q);
            free(quoted);
        }
    }
}

/* ---------------------------------------------------------------- the two connectors */

static void test_connectors_agree(void **state) {
    (void)state;
    require_consumed();
    /* Streaming changes carry the WAL position of the change, the same for both
     * connectors; snapshots are taken separately (each at its own LSN): compared by
     * count.  Truncates only exist on the schemaless connector. */
    long long streamed = ch_count("SELECT count() FROM e2e_dbz_log WHERE error = '' AND op IN ('c', 'u', 'd')");
    long long diff = ch_count(
        "SELECT count() FROM "
        "(SELECT source_table, op, version, count() AS n FROM e2e_dbz_log WHERE error = '' AND op IN ('c','u','d') GROUP BY ALL) AS a "
        "FULL OUTER JOIN "
        "(SELECT source_table, op, version, count() AS n FROM e2e_plain_log WHERE error = '' AND op IN ('c','u','d') GROUP BY ALL) AS b "
        "USING (source_table, op, version) WHERE a.n != b.n");
    long long snap_dbz = ch_count("SELECT count() FROM e2e_dbz_log WHERE op = 'r'");
    long long snap_plain = ch_count("SELECT count() FROM e2e_plain_log WHERE op = 'r'");
    e2e_log("connectors: %lld streamed changes identical on both (%lld differ); snapshot %lld / %lld rows", streamed,
            diff, snap_dbz, snap_plain);
    assert_int_equal(diff, 0);
    assert_int_equal(snap_dbz, snap_plain);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_workload_and_consume),
        cmocka_unit_test(test_exactly_once),
        cmocka_unit_test(test_tables_equal_postgres),
        cmocka_unit_test(test_deletes_toast_truncate),
        cmocka_unit_test(test_experiment_report),
        cmocka_unit_test(test_adtech_kpis),
        cmocka_unit_test(test_orders_seed),
        cmocka_unit_test(test_poison_dead_letters),
        cmocka_unit_test(test_connectors_agree),
    };
    return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
