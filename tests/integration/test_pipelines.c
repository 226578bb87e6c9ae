/* test_pipelines.c — what every pipeline of sql/ must do, one table of the
 * five (experiments, orders, campaigns, adtech, outbox), each applied as written
 * (Kafka source swapped for Null) and fed its generator's messages exactly as
 * its own test_pipeline_<name>.c feeds them, which checks the numbers:
 *
 *   - every junk message is a dead letter, and nothing else is; the shared
 *     monitoring views (sql/monitoring.sql) count them, and measure every
 *     table as the tables themselves count;
 *   - every block delivered again, in reverse order (old versions after
 *     new), changes no stored row and no view;
 *   - a message the decoding function flags goes to the dead letters with
 *     that error, whatever its op says (a delete skipped, a truncate
 *     refused), and nothing else is stored;
 *   - the Kafka lag and error views compute from rows shaped like
 *     system.kafka_consumers (the embedded engine has no Kafka consumer),
 *     for this database only.
 *
 * The names read from each pipeline are in pl_pipelines[]. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "gen_adtech.h"
#include "gen_campaigns.h"
#include "gen_experiments.h"
#include "gen_orders.h"
#include "gen_outbox.h"
#include "itest.h"
#include "pipeline.h"

/* The generated messages of one pipeline (the seeds and sizes of its own
 * test): the generator's result without its expected numbers. */
#define PL_GENERATOR(fn, gen, seed, messages)                 \
    static void fn(gen_msgs *out) {                           \
        gen##_config c = gen##_config_for((seed), (messages)); \
        gen##_result r;                                       \
        gen##_generate(&c, &r);                               \
        *out = r.msgs;                                        \
        memset(&r.msgs, 0, sizeof(r.msgs));                   \
        gen##_result_free(&r);                                \
    }
PL_GENERATOR(pl_gen_experiments, gen_exp, 20240401, 24000)
PL_GENERATOR(pl_gen_orders, gen_ord, 424242, 15000)
PL_GENERATOR(pl_gen_campaigns, gen_cmp, 603, 15000)
PL_GENERATOR(pl_gen_adtech, gen_ad, 31337, 30000)
PL_GENERATOR(pl_gen_outbox, gen_obx, 8080, 12000)

/* Deletes whose row image still holds an outbox payload the function cannot
 * decode, and the ordinary clean-up delete (after null: skipped, no dead letter). */
static void pl_errors_experiments(itest_rows *rows) {
    static const char source[] =
        "\"source\":{\"version\":\"3.1.3.Final\",\"connector\":\"postgresql\",\"name\":\"dbzplain\",\"ts_ms\":1714557600000,"
        "\"snapshot\":\"false\",\"db\":\"cdc\",\"schema\":\"public\",\"table\":\"outbox_events\",\"txId\":9001,\"lsn\":%u}";
    static const char *const payloads[] = {
        "{\"id\" : \"e-bad-number\", \"experiment_id\" : \"abc\", \"user_id\" : \"u\", \"variant_id\" : 1, "
        "\"variant_key\" : \"control\", \"event_type\" : \"click\", \"timestamp\" : \"2024-05-01T10:00:00Z\"}",
        "{\"id\" : \"e-bad-time\", \"experiment_id\" : 7, \"user_id\" : \"u\", \"variant_id\" : 1, "
        "\"variant_key\" : \"control\", \"event_type\" : \"click\", \"timestamp\" : \"yesterday\"}",
    };
    itest_buf msg = {0};
    for (unsigned i = 0; i < 3; i++) {
        itest_buf_clear(&msg);
        if (i < 2) {
            itest_buf_printf(&msg, "{\"before\":{\"id\":\"d%u\"},\"after\":{\"id\":\"d%u\",\"aggregate_id\":\"7\",\"payload\":", i, i);
            itest_buf_json_string(&msg, payloads[i], strlen(payloads[i]), 0);
            itest_buf_puts(&msg, "},");
        } else {
            itest_buf_puts(&msg, "{\"before\":{\"id\":\"d9\"},\"after\":null,");
        }
        itest_buf_printf(&msg, source, 700 + i);
        itest_buf_puts(&msg, ",\"op\":\"d\",\"ts_ms\":1714557600001}");
        itest_rows_add(rows, msg.p, msg.n);
    }
    itest_buf_free(&msg);
}

static void pl_errors_orders(itest_rows *rows) {
    pipeline_add_change(rows, "dbserver1", "postgres", "inventory", "orders", "null", "18446744073709551616", 't');                 /* LSN out of range */
    pipeline_add_change(rows, "dbserver1", "postgres", "inventory", "orders", "null", "34500000", 't');                             /* a plain truncate */
    pipeline_add_change(rows, "dbserver1", "postgres", "inventory", "orders", "{\"id\":10001,\"quantity\":\"lots\"}", "34500001", 'd');  /* a value of the wrong type */
}

static void pl_errors_adtech(itest_rows *rows) {
    pipeline_add_change(rows, "adtech", "adtech", "public", "clicks", "null", "18446744073709551616", 't');   /* LSN out of range */
    pipeline_add_change(rows, "adtech", "adtech", "public", "clicks", "{\"id\":5}", "-3", 'd');               /* LSN negative */
    pipeline_add_change(rows, "adtech", "adtech", "public", "clicks", "null", "34500000", 't');               /* a plain truncate */
}

/* A truncate (no after row: the EventRouter fails on it) and a create whose
 * row lacks the route.by.field column; deletes have no error to show, the
 * SMT drops them before reading anything. */
static void pl_errors_outbox(itest_rows *rows) {
    pipeline_add_change(rows, "dbserver1", "app", "public", "outbox", "null", "26900000", 't');
    itest_rows_adds(rows, "{\"before\":null,\"after\":{\"id\":\"0e5b0c1a-0000-4000-8000-0000000000ff\",\"aggregateid\":\"o-1\","
                          "\"type\":\"OrderCreated\",\"payload\":\"{}\"},\"source\":{\"version\":\"3.1.3.Final\","
                          "\"connector\":\"postgresql\",\"name\":\"dbserver1\",\"ts_ms\":1717405200000,\"snapshot\":\"false\","
                          "\"db\":\"app\",\"schema\":\"public\",\"table\":\"outbox\",\"txId\":800,\"lsn\":26900001},"
                          "\"op\":\"c\",\"ts_ms\":1717405200001}");
}

typedef struct pl_pipeline {
    const char *name;                       /* sql/<name> */
    const char *db;
    const char *kafka;                      /* the Kafka source the generator's messages go to */
    const char *dead_letters;               /* where its junk goes */
    void (*generate)(gen_msgs *out);
    size_t blocks, again;                   /* as its own test streams them */
    void (*decode_errors)(itest_rows *rows);   /* NULL: its messages have no op */
    const char *decode_expected;            /* SELECT error, op FROM dead_letters ORDER BY error, message */
    gen_msgs msgs;
    int loaded;
} pl_pipeline;

static pl_pipeline pl_pipelines[] = {
    {.name = "experiments", .db = "pl_experiments", .kafka = "raw_events_kafka", .dead_letters = "events_dead_letters",
     .generate = pl_gen_experiments, .blocks = 4, .again = 1, .decode_errors = pl_errors_experiments,
     .decode_expected = "field \\'experiment_id\\': \\'abc\\' is not an integer (for UInt32)\td\n"
                        "field \\'timestamp\\': \\'yesterday\\' is not a timestamp: bad date, expected YYYY-MM-DD\td\n"},
    {.name = "orders", .db = "pl_orders", .kafka = "orders_kafka_json", .dead_letters = "orders_dead_letters",
     .generate = pl_gen_orders, .blocks = 3, .again = 0, .decode_errors = pl_errors_orders,
     .decode_expected = "field \\'quantity\\': \\'lots\\' is not an integer (for Int32)\td\n"
                        "field \\'version\\': \\'18446744073709551616\\' is out of range for UInt64\tt\n"
                        "truncate: not applied to orders_current\tt\n"},
    {.name = "campaigns", .db = "pl_campaigns", .kafka = "queue", .dead_letters = "email_dead_letters",
     .generate = pl_gen_campaigns, .blocks = 3, .again = 2},
    {.name = "adtech", .db = "pl_adtech", .kafka = "adtech_kafka", .dead_letters = "adtech_dead_letters",
     .generate = pl_gen_adtech, .blocks = 4, .again = 2, .decode_errors = pl_errors_adtech,
     .decode_expected = "source.lsn is not an integer in the UInt64 range (taken as 0)\tt\n"   /* "before":null sorts first */
                        "source.lsn is not an integer in the UInt64 range (taken as 0)\td\n"
                        "truncate of clicks: not applied\tt\n"},
    {.name = "outbox", .db = "pl_outbox", .kafka = "outbox_kafka", .dead_letters = "outbox_dead_letters",
     .generate = pl_gen_outbox, .blocks = 4, .again = 1, .decode_errors = pl_errors_outbox,
     .decode_expected = "Only Struct objects supported for [Read Outbox Event], found: null\tt\n"
                        "aggregatetype is not a valid field name\tc\n"},
};
#define PL_COUNT (sizeof(pl_pipelines) / sizeof(pl_pipelines[0]))

static void pl_load(chs_session *s, pl_pipeline *p) {
    if (!p->loaded) {
        p->generate(&p->msgs);
        pipeline_apply(s, p->name, p->db);
        pipeline_dictionaries_from_tables(s);   /* empty: names read as '' */
        pipeline_stream(s, p->kafka, &p->msgs, p->blocks, p->again);
        p->loaded = 1;
    }
    itest_exec(s, "USE %s", p->db);
}

/* The dead letters are the junk, and the monitoring views count them and
 * measure every table as the tables themselves count. */
static void pl_assert_dead_letters_and_sizes(chs_session *s, const pl_pipeline *p) {
    pipeline_assert_dead_letters(s, p->dead_letters, &p->msgs);
    size_t junk = gen_msgs_count(&p->msgs, GEN_JUNK);
    itest_assert_query(s, "", "SELECT dead_letter_table FROM dead_letter_summary WHERE dead_letter_table != '%s'", p->dead_letters);
    itest_assert_scalar(s, junk, "SELECT sum(messages) FROM dead_letter_summary");
    itest_assert_scalar(s, 0, "SELECT count() FROM dead_letter_summary WHERE example NOT IN (SELECT message FROM %s)", p->dead_letters);
    /* table_sizes.rows: the rows in active parts, duplicates before merges included = count() */
    itest_table *t = itest_query_table(s, "SELECT table, rows FROM table_sizes");
    assert_true(t->nrows >= 3);
    for (size_t i = 0; i < t->nrows; i++)
        itest_assert_scalar(s, strtoll(itest_cell(t, i, 1), NULL, 10), "SELECT count() FROM %s", itest_cell(t, i, 0));
    itest_table_free(t);
    itest_assert_scalar(s, 0, "SELECT count() FROM system.tables WHERE database = '%s' AND engine LIKE '%%MergeTree' AND total_rows > 0 "
                              "AND name NOT IN (SELECT table FROM table_sizes)", p->db);
    itest_assert_query(s, "", "SELECT table FROM table_freshness WHERE table NOT IN (SELECT table FROM table_sizes) "
                              "OR seconds_since_write < 0");
}

static void test_dead_letters(void **state) {
    chs_session *s = *state;
    for (size_t i = 0; i < PL_COUNT; i++) {
        pl_load(s, &pl_pipelines[i]);
        pl_assert_dead_letters_and_sizes(s, &pl_pipelines[i]);
    }
}

/* Every block again, in reverse order: all old versions, no change. */
static void test_redelivery_changes_nothing(void **state) {
    chs_session *s = *state;
    for (size_t i = 0; i < PL_COUNT; i++) {
        pl_pipeline *p = &pl_pipelines[i];
        pl_load(s, p);
        char *before = pipeline_fingerprint(s, p->db);
        size_t per = p->msgs.n / p->blocks + 1;
        for (size_t b = p->blocks; b > 0; b--) pipeline_insert(s, p->kafka, &p->msgs, (b - 1) * per, b * per);
        char *after = pipeline_fingerprint(s, p->db);
        if (strcmp(before, after)) fail_msg("%s: a re-delivery changed what the pipeline stores or reports", p->name);
        free(before);
        free(after);
        pl_assert_dead_letters_and_sizes(s, p);
    }
}

/* A message the function flags with an error goes to the dead letters with
 * that error, whatever its op: a truncate whose LSN cannot be read says so,
 * not only "truncate: not applied"; a plain truncate keeps that reason; a
 * delete is not skipped; and nothing else is stored. */
static void test_decode_error_wins_over_op(void **state) {
    chs_session *s = *state;
    for (size_t i = 0; i < PL_COUNT; i++) {
        const pl_pipeline *p = &pl_pipelines[i];
        if (!p->decode_errors) continue;
        char db[64];
        snprintf(db, sizeof(db), "%s_errors", p->db);
        pipeline_apply(s, p->name, db);
        itest_rows rows = {0};
        p->decode_errors(&rows);
        itest_insert_strings(s, p->kafka, NULL, &rows);
        itest_rows_free(&rows);
        itest_assert_query(s, p->decode_expected,
                           "SELECT error, extract(message, '\"op\":\"(.)\"') FROM %s FINAL ORDER BY error, message", p->dead_letters);
        itest_assert_query(s, "", "SELECT name FROM system.tables WHERE database = '%s' AND engine LIKE '%%MergeTree' "
                                  "AND name NOT LIKE '%%dead_letters' AND name != 'monitoring_scope' AND total_rows > 0", db);
        itest_exec(s, "DROP DATABASE %s SYNC", db);
    }
}

/* Two consumers of this database's Kafka table and one of another
 * database's, in a table shaped like system.kafka_consumers; the two views
 * are applied from sql/monitoring.sql reading it instead. */
static void test_kafka_monitoring_views(void **state) {
    chs_session *s = *state;
    for (size_t i = 0; i < PL_COUNT; i++) {
        const pl_pipeline *p = &pl_pipelines[i];
        pl_load(s, &pl_pipelines[i]);
        itest_exec(s, "DROP VIEW kafka_consumer_lag");
        itest_exec(s, "DROP VIEW kafka_consumer_errors");
        itest_exec(s, "DROP VIEW kafka_consumer_stalled");
        itest_exec(s, "CREATE TABLE kafka_consumers_sample AS system.kafka_consumers ENGINE = Memory");
        /* c-1: an error after its last commit (stalled); c-2: lag, committed just now
         * (not stalled); c-4: lag, nothing committed for an hour (stalled). */
        itest_exec(s,
            "INSERT INTO kafka_consumers_sample (database, table, consumer_id, assignments.topic, assignments.partition_id, "
            "assignments.current_offset, assignments.intent_size, exceptions.time, exceptions.text, num_messages_read, rdkafka_stat, "
            "last_commit_time) VALUES "
            "('%s', '%s', 'c-1', ['t1', 't1'], [0, 1], [100, 250], [NULL, NULL], ['2024-06-03 10:00:00', '2024-06-03 11:00:00'], "
            "  ['Broker: Unknown topic', 'Cannot parse input'], 350, "
            "  '{\"topics\":{\"t1\":{\"partitions\":{\"0\":{\"consumer_lag\":5},\"1\":{\"consumer_lag\":-1}}}}}', "
            "  '2024-06-03 10:30:00'), "
            "('%s', '%s', 'c-2', ['t1'], [2], [7], [NULL], [], [], 7, "
            "  '{\"topics\":{\"t1\":{\"partitions\":{\"2\":{\"consumer_lag\":1200}}}}}', now()), "
            "('elsewhere', '%s', 'c-3', ['t9'], [0], [1], [NULL], ['2024-06-03 12:00:00'], ['not ours'], 1, "
            "  '{\"topics\":{\"t9\":{\"partitions\":{\"0\":{\"consumer_lag\":99}}}}}', '2024-06-03 10:30:00'), "
            "('%s', '%s', 'c-4', [], [], [], [], [], [], 0, '{}', now() - INTERVAL 1 HOUR)",
            p->db, p->kafka, p->db, p->kafka, p->kafka, p->db, p->kafka);
        pipeline_exec_file_replacing(s, "sql/monitoring.sql", "system.kafka_consumers", "kafka_consumers_sample");
        itest_assert_query(s, "c-1\tt1\t0\t100\t5\nc-1\tt1\t1\t250\t-1\nc-2\tt1\t2\t7\t1200\n",
                           "SELECT consumer_id, topic, partition_id, current_offset, lag FROM kafka_consumer_lag");
        itest_assert_scalar(s, 1205, "SELECT sum(lag) FROM kafka_consumer_lag WHERE lag >= 0");
        itest_assert_query(s, "c-1\t2024-06-03 11:00:00\tCannot parse input\nc-1\t2024-06-03 10:00:00\tBroker: Unknown topic\n",
                           "SELECT consumer_id, error_time, error FROM kafka_consumer_errors");
        itest_assert_query(s, "c-1\t2024-06-03 11:00:00\tCannot parse input\t5\n",
                           "SELECT consumer_id, last_error_time, last_error, lag FROM kafka_consumer_stalled");
        /* the same from another database: the views keep to theirs */
        itest_exec(s, "USE default");
        itest_assert_scalar(s, 3, "SELECT count() FROM %s.kafka_consumer_lag", p->db);
        itest_exec(s, "USE %s", p->db);
        itest_exec(s, "DROP VIEW kafka_consumer_lag");
        itest_exec(s, "DROP VIEW kafka_consumer_errors");
        itest_exec(s, "DROP VIEW kafka_consumer_stalled");
        itest_exec(s, "DROP TABLE kafka_consumers_sample");
        pipeline_exec_file(s, "sql/monitoring.sql");
    }
}

static int pl_setup(void **state) {
    *state = itest_open();
    return *state ? 0 : -1;
}

static int pl_teardown(void **state) {
    itest_close(*state);
    for (size_t i = 0; i < PL_COUNT; i++) gen_msgs_free(&pl_pipelines[i].msgs);
    return 0;
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_dead_letters),
        cmocka_unit_test(test_redelivery_changes_nothing),
        cmocka_unit_test(test_decode_error_wins_over_op),
        cmocka_unit_test(test_kafka_monitoring_views),
    };
    return cmocka_run_group_tests(tests, pl_setup, pl_teardown);
}
