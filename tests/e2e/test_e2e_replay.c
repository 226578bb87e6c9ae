/* test_e2e_replay.c — the runbook's replay (sql/README.md, "Replay from an
 * offset") against the real broker of the e2e stack:
 *
 *   1. sql/campaigns, applied as written into the seed's database `campaigns`
 *      (its named collection cdc_kafka pointed at the stack, topics and group
 *      unique to the run), reads generated e-mail events (retried webhooks and junk
 *      included) from a 2-partition topic and readiness announcements from
 *      the two others;
 *   2. once the group has committed every offset, the stored events equal the
 *      generator's model, the junk is dead letters, and the monitoring view
 *      kafka_consumer_lag shows the real consumers at the end offsets;
 *   3. the runbook: DETACH every Kafka table of the group, reset the group's
 *      offsets to the earliest (Kafka's ConsumerGroupCommand), ATTACH again;
 *   4. once every message has been read again and committed, everything the
 *      pipeline stores or reports is the same under FINAL as before
 *      (pipeline_fingerprint), and the dead letters too. */
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
#include "gen_campaigns.h"
#include "itest.h"
#include "pipeline.h"

#ifndef SOURCE_DIR
#error "SOURCE_DIR must be defined"
#endif

#define REPLAY_MESSAGES 3000
#define REPLAY_PARTITIONS 2
#define REPLAY_WAIT_S 180

static struct {
    chs_session *s;
    const char *run_dir, *brokers;
    char *topic[3];              /* event_tracking, audience_ready, template_ready */
    char *group;
    gen_cmp_result gen;
    double t0;
} R;

static const char *const replay_kafka_tables[3] = {"queue", "audience_ready_queue", "template_ready_queue"};

static const gen_msgs *replay_msgs(int i) {
    return i == 0 ? &R.gen.msgs : i == 1 ? &R.gen.audience : &R.gen.templates;
}

static int group_setup(void **state) {
    (void)state;
    R.t0 = e2e_now();
    R.run_dir = e2e_env("CDC_E2E_RUN_DIR");
    R.brokers = e2e_env("KAFKA_BOOTSTRAP");
    if (!R.run_dir || !R.brokers || !e2e_env("KAFKA_CLASSPATH")) return -1;
    static const char *const names[3] = {"event_tracking", "audience_ready", "template_ready"};
    for (int i = 0; i < 3; i++) R.topic[i] = e2e_fmt("e2e.replay.%ld.%s", (long)getpid(), names[i]);
    R.group = e2e_fmt("e2e_replay_%ld", (long)getpid());
    gen_cmp_config cfg = gen_cmp_config_for(5150, REPLAY_MESSAGES);
    gen_cmp_generate(&cfg, &R.gen);
    char *data = e2e_fmt("%s/ch-replay", R.run_dir);
    R.s = e2e_ch_open(data);
    free(data);
    return R.s ? 0 : -1;
}

static int group_teardown(void **state) {
    (void)state;
    if (R.s) {
        for (int i = 0; i < 3; i++) {   /* the consumers leave their group before the engine closes */
            char *sql = e2e_fmt("DROP TABLE IF EXISTS campaigns.%s SYNC", replay_kafka_tables[i]);
            chs_exec(R.s, sql);
            free(sql);
        }
        chs_close(R.s);
    }
    for (int i = 0; i < 3; i++) free(R.topic[i]);
    free(R.group);
    gen_cmp_result_free(&R.gen);
    e2e_log("replay test done in %.1fs", e2e_now() - R.t0);
    return 0;
}

/* Kafka's tools, failing the test on a non-zero exit; the output (malloc'd). */
static char *replay_kafka_tool(const char *fmt, ...) ITEST_PRINTF(1, 2);
static char *replay_kafka_tool(const char *fmt, ...) {
    va_list ap;
    va_start(ap, fmt);
    itest_buf args = {0};
    itest_buf_vprintf(&args, fmt, ap);
    va_end(ap);
    char *out = NULL;
    int rc = e2e_sh(&out, "%s %s 2>&1", e2e_java(), args.p);
    if (rc != 0) {
        print_error("%s\nfailed (exit %d): %s\n", args.p, rc, out ? out : "");
        itest_buf_free(&args);
        free(out);
        fail();
    }
    itest_buf_free(&args);
    return out;
}

/* Applies sql/kafka_connection.sql (the stack's broker) and every file of
 * sql/campaigns into database campaigns, with this run's topics and group and
 * short flushes. */
static void replay_apply_pipeline(void) {
    itest_exec(R.s, "CREATE DATABASE campaigns ENGINE = Atomic");
    itest_exec(R.s, "USE campaigns");
    assert_int_equal(e2e_ch_kafka_connection(R.s, R.brokers), 0);
    char *group = e2e_fmt("kafka_group_name = '%s'", R.group);
    char *topics[3];
    for (int i = 0; i < 3; i++) topics[i] = e2e_fmt("kafka_topic_list = '%s'", R.topic[i]);
    const char *subst[] = {"kafka_group_name = 'clickhouse-consumer'", group,
                           "kafka_topic_list = 'campaign.event_tracking'", topics[0],
                           "kafka_topic_list = 'campaign.audience_ready'", topics[1],
                           "kafka_topic_list = 'campaign.template_ready'", topics[2],
                           "kafka_format = 'RawBLOB'", "kafka_format = 'RawBLOB', kafka_flush_interval_ms = 500",
                           NULL};
    glob_t g;
    assert_int_equal(glob(SOURCE_DIR "/sql/campaigns/*.sql", 0, NULL, &g), 0);   /* sorted by name */
    for (size_t f = 0; f < g.gl_pathc; f++) {
        int rc = e2e_ch_apply(R.s, g.gl_pathv[f], subst);
        if (rc) print_error("in %s\n", g.gl_pathv[f]);
        assert_int_equal(rc, 0);
    }
    globfree(&g);
    free(group);
    for (int i = 0; i < 3; i++) free(topics[i]);
}

/* Every message of m, one per line, into topic (no key: spread over the partitions). */
static void replay_produce(const char *topic, const gen_msgs *m) {
    char *path = e2e_fmt("%s/replay-%s.txt", R.run_dir, topic);
    FILE *f = fopen(path, "w");
    assert_non_null(f);
    for (size_t i = 0; i < m->n; i++) {
        size_t n;
        const char *msg = gen_msg(m, i, &n);
        assert_null(memchr(msg, '\n', n));
        fwrite(msg, 1, n, f);
        fputc('\n', f);
    }
    fclose(f);
    free(replay_kafka_tool("kafka.tools.ConsoleProducer --bootstrap-server '%s' --topic '%s' "
                           "--producer-property acks=all < '%s'", R.brokers, topic, path));
    free(path);
}

/* The group's committed offsets per the broker: 1 when every partition of
 * the three topics is committed at its end offset (the engine commits a
 * block after its views wrote it) and the ends add up to what was produced. */
static int replay_group_at_end(void) {
    char *out = NULL;
    int rc = e2e_sh(&out, "%s org.apache.kafka.tools.consumer.group.ConsumerGroupCommand --bootstrap-server '%s' "
                          "--describe --group '%s' 2>&1", e2e_java(), R.brokers, R.group);
    if (rc != 0) {
        free(out);
        return 0;
    }
    long long committed[3] = {0}, ends[3] = {0};
    int behind = 0;
    char *save = NULL;
    for (char *line = strtok_r(out, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
        char g[256], tp[256], cur[64], end[64], lag[64];
        int p;
        if (sscanf(line, "%255s %255s %d %63s %63s %63s", g, tp, &p, cur, end, lag) != 6 || strcmp(g, R.group)) continue;
        for (int i = 0; i < 3; i++) {
            if (strcmp(tp, R.topic[i])) continue;
            committed[i] += atoll(cur);   /* "-" (nothing committed) reads as 0 */
            ends[i] += atoll(end);
        }
        behind += strcmp(cur, end) != 0;
    }
    free(out);
    int done = !behind;
    for (int i = 0; i < 3; i++) done &= ends[i] == (long long)replay_msgs(i)->n && committed[i] == ends[i];
    return done;
}

static void replay_wait_consumed(const char *what) {
    double t = e2e_now();
    while (!replay_group_at_end()) {
        if (e2e_now() - t > REPLAY_WAIT_S) {
            print_error("%s: the group did not commit every offset within %d s\n", what, REPLAY_WAIT_S);
            fail();
        }
        sleep(1);
    }
    e2e_log("%s: every offset committed (%.1fs)", what, e2e_now() - t);
}

/* The stored events and dead letters are the model's: every junk message
 * of the three topics is a dead letter, and nothing else is. */
static void replay_assert_model(void) {
    itest_assert_scalar(R.s, R.gen.events, "SELECT count() FROM email_events FINAL");
    size_t junk = 0;
    for (int i = 0; i < 3; i++) junk += gen_msgs_count(replay_msgs(i), GEN_JUNK);
    itest_assert_scalar(R.s, junk, "SELECT count() FROM email_dead_letters FINAL");
    itest_assert_scalar(R.s, gen_msgs_count(&R.gen.msgs, GEN_JUNK),
                        "SELECT count() FROM email_dead_letters FINAL WHERE error NOT LIKE 'campaign.%%'");
    itest_assert_scalar(R.s, 2 * GEN_CMP_CAMPAIGNS - GEN_CMP_CAMPAIGNS / 4, "SELECT count() FROM campaign_ready_events FINAL");
}

static void test_replay_from_earliest_changes_nothing(void **state) {
    (void)state;
    for (int i = 0; i < 3; i++)   /* before the consumers subscribe */
        free(replay_kafka_tool("org.apache.kafka.tools.TopicCommand --bootstrap-server '%s' --create --topic '%s' "
                               "--partitions %d --replication-factor 1", R.brokers, R.topic[i], i == 0 ? REPLAY_PARTITIONS : 1));
    replay_apply_pipeline();
    e2e_log("sql/campaigns in database campaigns, group %s", R.group);
    for (int i = 0; i < 3; i++) replay_produce(R.topic[i], replay_msgs(i));
    e2e_log("produced %zu e-mail events, %zu + %zu announcements", R.gen.msgs.n, R.gen.audience.n, R.gen.templates.n);
    replay_wait_consumed("first read");
    replay_assert_model();
    char topic_rows[512];
    snprintf(topic_rows, sizeof(topic_rows), "%s\t0\n%s\t1\n", R.topic[0], R.topic[0]);

    /* the monitoring view on the real consumers: one row per partition of
     * this run's topic, the consumer that read every message.  (Positions
     * are not asserted: an idle consumer reports -1001, unknown.) */
    itest_assert_query(R.s, topic_rows, "SELECT topic, partition_id FROM kafka_consumer_lag WHERE table = 'queue' ORDER BY partition_id");
    /* At least every message: a block is read again after a rebalance or a failed insert
     * (at least once; seen once in about twenty runs: 2x, with the model above still exact). */
    long long first = itest_scalar(R.s, "SELECT max(num_messages_read) FROM kafka_consumer_lag WHERE table = 'queue'");
    if (first > (long long)R.gen.msgs.n) {
        char *why = itest_query(R.s, "SELECT sum(num_rebalance_assignments), groupArray(exceptions.text) FROM "
                                     "system.kafka_consumers WHERE database = 'campaigns' AND table = 'queue'");
        e2e_log("first read: %lld messages read for %zu (read again; rebalances, errors: %s)", first, R.gen.msgs.n, why);
        free(why);
    }
    assert_true(first >= (long long)R.gen.msgs.n);
    double t;
    char *before = pipeline_fingerprint(R.s, "campaigns");
    char *dead_before = itest_query(R.s, "SELECT message, error FROM email_dead_letters FINAL ORDER BY message");

    /* the runbook: stop every table of the group, reset, start */
    for (int i = 0; i < 3; i++) itest_exec(R.s, "DETACH TABLE campaigns.%s", replay_kafka_tables[i]);
    t = e2e_now();
    for (;;) {   /* the broker needs the members gone: retry while the group is still shutting down */
        char *reset = NULL;
        int rc = e2e_sh(&reset, "%s org.apache.kafka.tools.consumer.group.ConsumerGroupCommand --bootstrap-server '%s' "
                                "--group '%s' --all-topics --reset-offsets --to-earliest --execute 2>&1",
                        e2e_java(), R.brokers, R.group);
        int ok = rc == 0 && reset && !strstr(reset, "inactive") && !strstr(reset, "Error");
        if (ok) fprintf(stderr, "%s", reset);
        free(reset);
        if (ok) break;
        if (e2e_now() - t > 60) fail_msg("could not reset the offsets of group %s within 60 s", R.group);
        sleep(1);
    }
    assert_false(replay_group_at_end());   /* the committed offsets are back at 0 */
    for (int i = 0; i < 3; i++) itest_exec(R.s, "ATTACH TABLE campaigns.%s", replay_kafka_tables[i]);
    e2e_log("offsets of %s reset to the earliest, tables attached again", R.group);
    replay_wait_consumed("replay");

    /* read again: the new consumers read every message once more */
    long long read = itest_scalar(R.s, "SELECT sum(num_messages_read) FROM system.kafka_consumers "
                                       "WHERE database = 'campaigns' AND table = 'queue'");
    assert_true(read >= (long long)R.gen.msgs.n);
    char *after = pipeline_fingerprint(R.s, "campaigns");
    if (strcmp(before, after)) fail_msg("the replay changed what the pipeline stores or reports");
    itest_assert_query(R.s, dead_before, "SELECT message, error FROM email_dead_letters FINAL ORDER BY message");
    free(dead_before);
    replay_assert_model();
    e2e_log("replay: %zu messages read again, nothing changed under FINAL", R.gen.msgs.n);
    free(before);
    free(after);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_replay_from_earliest_changes_nothing),
    };
    return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
