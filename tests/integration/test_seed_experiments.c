/* test_seed_experiments.c — seeds 000 (experiments outbox) and 002
 * (experiments analytics), as their users wrote them, on sql/experiments.
 *
 * tests/fixtures/seeds/000 and 002 hold the seeds' text copied verbatim:
 * their CREATE statements, their example and troubleshooting queries and
 * seed 000's sample message.  The pipeline is applied, as a user holding the
 * seeds would, into the seeds' database experiments_analytics; it is fed
 * messages shaped exactly like the seed's sample (today's, for the seed's
 * `event_date = today()` query) plus generated volume
 * (tests/gen/gen_experiments.h); then every query of the seeds' files runs
 * verbatim, in order, and each result is compared with numbers computed
 * here from the messages fed, or from the generator's model.  Where a seed's
 * query cannot run on ClickHouse as written (a column that does not exist),
 * the test asserts that, and runs the equivalent sql/README.md gives. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "gen_experiments.h"
#include "itest.h"
#include "pipeline.h"

#define SEED_DB "experiments_analytics"
#define SEED_GEN_SEED 20260901
#define SEED_GEN_MESSAGES 6000

/* ------------------------------------------------------------ fixtures */

/* A fixture file's text (tests/fixtures/seeds/<rel>), read by the engine. */
static char *seed_fixture(chs_session *s, const char *rel) {
    return itest_query(s, "SELECT raw_blob FROM file('%s/seeds/%s', RawBLOB) FORMAT TSVRaw", FIXTURES_DIR, rel);
}

/* The statements of a fixture's SQL text, in order (comment-only pieces, as
 * after a file's last semicolon, are not statements). */
typedef struct seed_stmts {
    char *text;
    const char *v[32];
    size_t n;
} seed_stmts;

static int seed_has_code(const char *stmt) {
    for (const char *p = stmt; *p;) {
        while (*p == ' ' || *p == '\t' || *p == '\n' || *p == '\r') p++;
        if (p[0] == '-' && p[1] == '-') {
            p += strcspn(p, "\n");
            continue;
        }
        return *p != '\0';
    }
    return 0;
}

static int seed_collect(void *ctx, const char *stmt) {
    seed_stmts *st = ctx;
    if (!seed_has_code(stmt)) return 0;
    if (st->n == sizeof(st->v) / sizeof(st->v[0])) return -1;
    st->v[st->n++] = strdup(stmt);
    return 0;
}

static void seed_statements(chs_session *s, const char *rel, seed_stmts *st) {
    memset(st, 0, sizeof(*st));
    st->text = seed_fixture(s, rel);
    assert_int_equal(chs_split_sql(st->text, seed_collect, st), 0);
}

static void seed_statements_free(seed_stmts *st) {
    for (size_t i = 0; i < st->n; i++) free((char *)st->v[i]);
    free(st->text);
}

/* ------------------------------------------------ seed-shaped messages */

/* One outbox event of experiment 1, sent as seed 000's sample is: the same
 * message with its values replaced. */
typedef struct seed_event {
    const char *id, *user;
    uint32_t variant_id;
    const char *key, *type, *page;
    int value_cents, score;         /* score < 0: none in the properties */
    int second;                     /* seconds after 12:00:00 today (UTC) */
} seed_event;

/* The seed's sample itself (variant 2 'control', on 2025-09-29), then today's. */
static const seed_event seed_today[] = {
    {"evt_t01", "test_user", 2, "control", "exposure", "/home", 0, -1, 10},
    {"evt_t02", "test_user", 2, "control", "click", "/pricing", 0, 40, 25},
    {"evt_t03", "test_user", 2, "control", "conversion", "/checkout", 3999, 80, 70},
    {"evt_t04", "user_b", 3, "treatment", "exposure", "/home", 0, -1, 5},
    {"evt_t05", "user_b", 3, "treatment", "conversion", "/checkout", 1250, 60, 95},
    {"evt_t06", "user_c", 3, "treatment", "conversion", "/checkout", 500, 90, 130},
    {"evt_t07", "user_c", 3, "treatment", "click", "/docs", 0, -1, 100},
    {"evt_t08", "user_d", 2, "control", "exposure", "/", 0, -1, 200},
};
/* fed later: after DETACH/ATTACH, and after the view is dropped and recreated */
static const seed_event seed_late[] = {
    {"evt_t09", "user_e", 2, "control", "exposure", "/home", 0, -1, 300},
    {"evt_t10", "user_f", 3, "treatment", "exposure", "/home", 0, -1, 310},
};
/* sent in the schema envelope: one of ours, one of another aggregate */
static const seed_event seed_enveloped[] = {
    {"evt_e01", "user_g", 3, "treatment", "exposure", "/home", 0, -1, 400},
    {"evt_e02", "user_g", 3, "treatment", "exposure", "/home", 0, -1, 410},
};
static const seed_event seed_sample = {"event_866af50b", "test_user_123", 2, "control", "conversion", NULL, 3999, -1, 0};

static gen_exp_result seed_gen;
static char seed_day[16];           /* today (the engine's), YYYY-MM-DD */
static char *seed_sample_text;      /* sample_message.json */
static size_t seed_late_stored;     /* seed_late[0 .. this) reached events_processed */

static char *seed_replace(char *text, const char *from, const char *to) {
    char *out = chs_replace(text, from, to);
    assert_non_null(out);
    free(text);
    return out;
}

/* The sample message with e's values. */
static char *seed_message(const seed_event *e) {
    char *m = strdup(seed_sample_text), ts[48], at[48], created[48], variant[96], type[64], props[160];
    snprintf(ts, sizeof(ts), "%sT12:%02d:%02d.060313+00:00", seed_day, e->second / 60, e->second % 60);
    snprintf(at, sizeof(at), "%sT11:59:00.000000+00:00", seed_day);
    snprintf(created, sizeof(created), "%sT12:%02d:%02d.060313Z", seed_day, e->second / 60, e->second % 60);
    snprintf(variant, sizeof(variant), "\\\"variant_id\\\": %u, \\\"variant_key\\\": \\\"%s\\\"", e->variant_id, e->key);
    snprintf(type, sizeof(type), "\\\"event_type\\\": \\\"%s\\\"", e->type);
    int n = snprintf(props, sizeof(props), "{\\\\\\\"value\\\\\\\": %d.%02d, \\\\\\\"currency\\\\\\\": \\\\\\\"USD\\\\\\\", "
                     "\\\\\\\"page\\\\\\\": \\\\\\\"%s\\\\\\\"", e->value_cents / 100, e->value_cents % 100, e->page);
    if (e->score >= 0) n += snprintf(props + n, sizeof(props) - (size_t)n, ", \\\\\\\"score\\\\\\\": %d", e->score);
    snprintf(props + n, sizeof(props) - (size_t)n, "}");
    m = seed_replace(m, "event_866af50b", e->id);
    m = seed_replace(m, "test_user_123", e->user);
    m = seed_replace(m, "\\\"variant_id\\\": 2, \\\"variant_key\\\": \\\"control\\\"", variant);
    m = seed_replace(m, "\\\"event_type\\\": \\\"conversion\\\"", type);
    m = seed_replace(m, "2025-09-29T21:18:10.060313+00:00", ts);
    m = seed_replace(m, "2025-09-29T21:17:25.060313+00:00", at);
    m = seed_replace(m, "2025-09-29T21:18:10.060313Z", created);
    m = seed_replace(m, "{\\\\\\\"value\\\\\\\": 39.99, \\\\\\\"currency\\\\\\\": \\\\\\\"USD\\\\\\\"}", props);
    return m;
}

static void seed_feed(chs_session *s, const seed_event *events, size_t n) {
    itest_rows rows = {0};
    for (size_t i = 0; i < n; i++) {
        char *m = seed_message(&events[i]);
        assert_null(strstr(m, "event_866af50b"));     /* every value replaced */
        itest_rows_adds(&rows, m);
        free(m);
    }
    itest_insert_strings(s, "raw_events_kafka", "message", &rows);
    itest_rows_free(&rows);
}

/* The pipeline in experiments_analytics, fed the generated volume, the
 * seed's sample and today's seed-shaped events. */
static void seed_load(chs_session *s) {
    static int loaded;
    if (loaded) {
        itest_exec(s, "USE " SEED_DB);
        return;
    }
    loaded = 1;
    gen_exp_config cfg = gen_exp_config_for(SEED_GEN_SEED, SEED_GEN_MESSAGES);
    gen_exp_generate(&cfg, &seed_gen);
    pipeline_apply(s, "experiments", SEED_DB);
    pipeline_stream(s, "raw_events_kafka", &seed_gen.msgs, 2, 0);
    seed_sample_text = seed_fixture(s, "000/sample_message.json");
    seed_sample_text[strcspn(seed_sample_text, "\n")] = '\0';
    itest_rows rows = {0};
    itest_rows_adds(&rows, seed_sample_text);
    itest_insert_strings(s, "raw_events_kafka", "message", &rows);
    itest_rows_free(&rows);
    char *day = itest_query(s, "SELECT today() FORMAT TSVRaw");
    snprintf(seed_day, sizeof(seed_day), "%.10s", day);
    free(day);
    seed_feed(s, seed_today, sizeof(seed_today) / sizeof(seed_today[0]));
}

/* ---------------------------------------------------- seed 000: objects */

/* The seed's own CREATE statements, run verbatim (the Kafka engine swapped
 * for Null, as for ours) in experiments_analytics: its view finds nothing
 * in its own sample message (dotted JSON paths), and every column it
 * creates exists in ours, in the same order. */
static void test_seed_000_ddl(void **state) {
    chs_session *s = *state;
    seed_stmts st;
    itest_exec(s, "CREATE DATABASE " SEED_DB " ENGINE = Atomic");
    seed_statements(s, "000/ddl.sql", &st);
    assert_int_equal(st.n, 3);
    for (size_t i = 0; i < st.n; i++) {
        char *stmt = pipeline_swap_kafka(st.v[i]);
        itest_exec(s, "%s", stmt);
        free(stmt);
    }
    seed_statements_free(&st);
    char *sample = seed_fixture(s, "000/sample_message.json");
    sample[strcspn(sample, "\n")] = '\0';
    itest_rows rows = {0};
    itest_rows_adds(&rows, sample);
    itest_insert_strings(s, SEED_DB ".raw_events_kafka", "message", &rows);
    itest_rows_free(&rows);
    itest_assert_scalar(s, 0, "SELECT count() FROM " SEED_DB ".events_processed");
    char *lit = itest_sql_string(sample, strlen(sample));
    itest_assert_query(s, "\tevent_866af50b\tevent\n",
                       "SELECT JSONExtractString(%s, 'after.aggregate_id'), JSONExtractString(%s, 'after', 'aggregate_id'), "
                       "JSONExtractString(%s, 'after', 'aggregate_type')", lit, lit, lit);
    free(lit);
    free(sample);
    itest_exec(s, "CREATE DATABASE seed_000_ref ENGINE = Atomic");
    itest_exec(s, "CREATE TABLE seed_000_ref.columns ENGINE = Memory AS SELECT table, name, position FROM system.columns "
                  "WHERE database = '" SEED_DB "' AND table != 'events_kafka_mv'");
    assert_int_equal(itest_scalar(s, "SELECT count() FROM seed_000_ref.columns WHERE table = 'events_processed'"), 21);
    itest_exec(s, "DROP DATABASE " SEED_DB " SYNC");
    seed_load(s);
    itest_assert_query(s, "",
                       "SELECT table, name FROM seed_000_ref.columns AS seed LEFT ANTI JOIN "
                       "(SELECT table, name FROM system.columns WHERE database = '" SEED_DB "') AS ours USING (table, name)");
    itest_assert_scalar(s, 1,
                        "SELECT (SELECT groupArray(name) FROM (SELECT name FROM seed_000_ref.columns "
                        "WHERE table = 'events_processed' ORDER BY position)) = "
                        "(SELECT groupArray(name) FROM (SELECT name FROM system.columns WHERE database = '" SEED_DB "' "
                        "AND table = 'events_processed' AND name IN (SELECT name FROM seed_000_ref.columns) ORDER BY position))");
    itest_exec(s, "DROP DATABASE seed_000_ref SYNC");
    /* seed 002's objects, by name */
    itest_assert_scalar(s, 0,
                        "SELECT count() FROM (SELECT arrayJoin(['raw_events_kafka', 'events_processed', 'assignments_processed', "
                        "'experiment_hourly_stats', 'experiment_daily_stats', 'user_experiment_stats', 'events_processor_mv', "
                        "'assignments_processor_mv', 'hourly_stats_mv', 'daily_stats_mv', 'user_stats_mv', 'experiments_dict', "
                        "'variants_dict', 'users_dict', 'experiment_performance', 'user_journey_analysis', 'events_kafka_mv']) AS n) "
                        "WHERE n NOT IN (SELECT name FROM system.tables WHERE database = '" SEED_DB "')");
    /* seed 002's materialized columns */
    itest_assert_scalar(s, 6, "SELECT count() FROM system.columns WHERE database = '" SEED_DB "' AND table = 'events_processed' "
                              "AND default_kind = 'MATERIALIZED' AND name IN ('page', 'device', 'value', 'score', "
                              "'is_valid', 'is_conversion')");
}

/* --------------------------------------------------- seed 000: queries */

/* The seed's example query: today's events of experiment 1 per variant. */
static void seed_check_example(chs_session *s, const char *query) {
    itest_buf want = {0};
    const char *keys[] = {"control", "treatment"};
    for (int k = 0; k < 2; k++) {
        unsigned events = 0, conversions = 0, scores = 0;
        int cents = 0, score_sum = 0;
        for (size_t i = 0; i < sizeof(seed_today) / sizeof(seed_today[0]); i++) {
            const seed_event *e = &seed_today[i];
            if (strcmp(e->key, keys[k])) continue;
            events++;
            cents += e->value_cents;
            if (strcmp(e->type, "conversion")) continue;
            conversions++;
            scores++;
            score_sum += e->score < 0 ? 0 : e->score;
        }
        itest_buf_printf(&want, "%s\t%u\t%u\t%d\t%g\n", keys[k], events, conversions, cents, (double)score_sum / scores);
    }
    /* the seed's query has no ORDER BY: its rows, sorted, rounded as compared */
    itest_assert_query(s, want.p, "SELECT variant_key, total_events, conversions, toInt64(round(revenue * 100)), "
                                  "round(avg_score, 6) FROM (%s) ORDER BY variant_key", query);
    itest_buf_free(&want);
}

static void test_seed_000_queries(void **state) {
    chs_session *s = *state;
    seed_load(s);
    seed_stmts st;
    seed_statements(s, "000/queries.sql", &st);
    assert_int_equal(st.n, 9);
    char *err = NULL;
    /* 1: the example query, verbatim (its result checked through a subquery) */
    free(itest_query(s, "%s", st.v[0]));
    seed_check_example(s, st.v[0]);
    /* 2: system.tables has no is_readonly in ClickHouse 26; the equivalent */
    free(itest_try_query(s, &err, "%s", st.v[1]));
    assert_non_null(err);
    assert_non_null(strstr(err, "is_readonly"));
    free(err), err = NULL;
    itest_assert_query(s, "raw_events_kafka\tNull\t0\n",
                       "SELECT name, engine, total_rows FROM system.tables WHERE database = currentDatabase() "
                       "AND name = 'raw_events_kafka'");
    /* 3: system.part_log has no last_exception / rows_read / bytes_read (and the
     * embedded engine keeps no part_log): refused either way */
    free(itest_try_query(s, &err, "%s", st.v[2]));
    assert_non_null(err);
    free(err), err = NULL;
    /* 4, 5: restart the consumer, verbatim; the pipeline still takes messages */
    itest_exec(s, "%s", st.v[3]);
    itest_exec(s, "%s", st.v[4]);
    seed_feed(s, &seed_late[0], 1);
    itest_assert_scalar(s, 1, "SELECT count() FROM events_processed WHERE id = 'evt_t09'");
    seed_late_stored = 1;
    /* 6: no consumer without a broker */
    itest_assert_query(s, "", "%s", st.v[5]);
    /* 7: raw messages are not kept by the Kafka table (nor by its Null stand-in);
     * the unusable ones are, in the dead letters (sql/README.md's equivalent) */
    itest_assert_query(s, "", "%s", st.v[6]);
    itest_table *dead = itest_query_table(s, "SELECT message, JSONExtractString(message, 'after', 'aggregate_id') AS id, "
                                             "JSONExtractString(message, 'op') AS operation, error FROM events_dead_letters LIMIT 1");
    assert_int_equal(dead->nrows, 1);
    assert_true(itest_cell(dead, 0, 0)[0] != '\0' && itest_cell(dead, 0, 3)[0] != '\0');
    itest_table_free(dead);
    /* 8: the view exists, named as in the seed, reading the Kafka table */
    itest_table *t = itest_query_table(s, "%s", st.v[7]);
    assert_int_equal(t->nrows, 1);
    assert_string_equal(itest_cell(t, 0, 0), "events_kafka_mv");
    assert_string_equal(itest_cell(t, 0, 1), "MaterializedView");
    assert_non_null(strstr(itest_cell(t, 0, 2), "FROM " SEED_DB ".raw_events_kafka"));
    itest_table_free(t);
    /* 9: drop it, verbatim; recreate it from 07_consume.sql; messages flow again */
    itest_exec(s, "%s", st.v[8]);
    seed_feed(s, &seed_late[1], 1);
    itest_assert_scalar(s, 0, "SELECT count() FROM events_processed WHERE id = 'evt_t10'");
    assert_int_equal(chs_exec_file(s, SOURCE_DIR "/sql/experiments/07_consume.sql", NULL, NULL), 0);
    seed_feed(s, &seed_late[1], 1);
    itest_assert_scalar(s, 1, "SELECT count() FROM events_processed WHERE id = 'evt_t10'");
    seed_late_stored = 2;
    seed_statements_free(&st);
    /* the seed's sample: stored with the seed's columns and fallbacks */
    itest_assert_query(s, "event_866af50b\t1\ttest_user_123\t2\tcontrol\tconversion\t2025-09-29 21:18:10.060313\t"
                          "2025-09-29 21:17:25.060313\t39.99\t0\tsession_123\t1\t2025-09-29\t21\t"
                          "2025-09-29 21:18:10.060313\t2025-09-29 21:18:10.060313\n",
                       "SELECT id, experiment_id, user_id, variant_id, variant_key, event_type, timestamp, assignment_at, "
                       "value, score, session_id, is_valid, event_date, event_hour, created_at, updated_at "
                       "FROM events_processed WHERE id = 'event_866af50b'");
}

/* The outbox row's own columns (aggregate_type, created_at, processed_at)
 * read from a message in the schema envelope (schemas.enable=true), as
 * from a plain one: evt_e01 committed a minute after it happened and
 * processed at 13:00; evt_e02 belongs to another aggregate (skipped). */
static void test_seed_000_schema_envelope(void **state) {
    chs_session *s = *state;
    seed_load(s);
    itest_rows rows = {0};
    for (int i = 0; i < 2; i++) {
        char *m = seed_message(&seed_enveloped[i]), created[48], processed[64];
        snprintf(created, sizeof(created), "%sT12:0%d:%02d.060313Z", seed_day, seed_enveloped[i].second / 60,
                 seed_enveloped[i].second % 60);
        m = seed_replace(m, created, "2024-04-01T00:00:00.000000Z");   /* a placeholder, set below */
        snprintf(created, sizeof(created), "%sT12:%02d:%02d.000000Z", seed_day, seed_enveloped[i].second / 60 + 1,
                 seed_enveloped[i].second % 60);
        m = seed_replace(m, "2024-04-01T00:00:00.000000Z", created);
        snprintf(processed, sizeof(processed), "\"processed_at\": \"%sT13:00:00Z\"", seed_day);
        m = seed_replace(m, "\"processed_at\": null", processed);
        if (i == 1) m = seed_replace(m, "\"aggregate_type\": \"event\"", "\"aggregate_type\": \"experiment\"");
        itest_rows_addf(&rows, "{\"schema\":{\"type\":\"struct\",\"optional\":false,"
                               "\"name\":\"experiments.public.outbox_events.Envelope\"},\"payload\":%s}", m);
        free(m);
    }
    itest_insert_strings(s, "raw_events_kafka", "message", &rows);
    itest_rows_free(&rows);
    char want[256];
    snprintf(want, sizeof(want), "evt_e01\t%s 12:06:40.060313\t%s 12:07:40.000000\t%s 13:00:00.000000\n", seed_day, seed_day,
             seed_day);
    itest_assert_query(s, want, "SELECT id, timestamp, created_at, updated_at FROM events_processed "
                                "WHERE id IN ('evt_e01', 'evt_e02')");
    itest_assert_scalar(s, 0, "SELECT count() FROM events_dead_letters WHERE message LIKE '%%evt_e0%%'");
}

/* --------------------------------------------------- seed 002: queries */

/* Valid events of experiment 1 fed, per variant: users, exposures, clicks,
 * conversions, revenue (cents). */
static void seed_exp1_totals(uint32_t variant_id, unsigned out[5]) {
    const seed_event *all[16];
    size_t n = 0;
    all[n++] = &seed_sample;
    for (size_t i = 0; i < sizeof(seed_today) / sizeof(seed_today[0]); i++) all[n++] = &seed_today[i];
    for (size_t i = 0; i < seed_late_stored; i++) all[n++] = &seed_late[i];
    all[n++] = &seed_enveloped[0];
    memset(out, 0, 5 * sizeof(*out));
    for (size_t i = 0; i < n; i++) {
        const seed_event *e = all[i];
        if (e->variant_id != variant_id) continue;
        int seen = 0;
        for (size_t j = 0; j < i; j++) seen |= all[j]->variant_id == variant_id && !strcmp(all[j]->user, e->user);
        out[0] += !seen;
        out[1] += !strcmp(e->type, "exposure");
        out[2] += !strcmp(e->type, "click");
        if (!strcmp(e->type, "conversion")) out[3]++, out[4] += (unsigned)e->value_cents;
    }
}

static void test_seed_002_queries(void **state) {
    chs_session *s = *state;
    seed_load(s);
    seed_stmts st;
    seed_statements(s, "002/queries.sql", &st);
    assert_int_equal(st.n, 4);
    /* 1: the Kafka table holds nothing (on a server, a direct SELECT is refused);
     * what its consumers read is counted in system.kafka_consumers (none here) */
    itest_assert_scalar(s, 0, "%s", st.v[0]);
    itest_assert_scalar(s, 0, "SELECT count() + sum(num_messages_read) FROM system.kafka_consumers "
                              "WHERE database = '" SEED_DB "' AND table = 'raw_events_kafka'");
    /* 2: every event once, after the merges that collapse re-deliveries */
    itest_exec(s, "OPTIMIZE TABLE events_processed FINAL");
    size_t fed = 1 + sizeof(seed_today) / sizeof(seed_today[0]) + seed_late_stored + 1;   /* + evt_e01 */
    itest_assert_scalar(s, (long long)(seed_gen.events + fed), "%s", st.v[1]);
    /* 3: the dashboard: the generated variants and experiment 1's */
    itest_table *t = itest_query_table(s, "%s", st.v[2]);
    assert_int_equal(t->nrows, GEN_EXP_VARIANTS + 2);
    for (size_t r = 0; r < t->nrows; r++) {
        uint32_t variant_id = (uint32_t)strtoul(itest_cell(t, r, 1), NULL, 10);
        unsigned want[5];
        if (variant_id < 100) {
            seed_exp1_totals(variant_id, want);
        } else {
            const gen_exp_variant *v = NULL;
            for (int i = 0; i < GEN_EXP_VARIANTS; i++)
                if (seed_gen.variants[i].variant_id == variant_id) v = &seed_gen.variants[i];
            assert_non_null(v);
            unsigned g[5] = {(unsigned)v->users, (unsigned)v->exposures, (unsigned)v->clicks, (unsigned)v->conversions,
                             (unsigned)v->revenue_cents};
            memcpy(want, g, sizeof(want));
        }
        for (int c = 0; c < 4; c++) assert_int_equal(strtoul(itest_cell(t, r, 3 + (size_t)c), NULL, 10), want[c]);
        assert_int_equal(llround(strtod(itest_cell(t, r, 8), NULL) * 100), want[4]);
    }
    itest_table_free(t);
    /* 4: test_user's journey */
    itest_buf want = {0};
    for (size_t i = 0; i < sizeof(seed_today) / sizeof(seed_today[0]); i++) {
        const seed_event *e = &seed_today[i];
        if (strcmp(e->user, "test_user")) continue;
        itest_buf_printf(&want, "test_user\t%s\t%s 12:%02d:%02d.060313\t%s\t%g\n", e->type, seed_day, e->second / 60,
                         e->second % 60, e->page, e->value_cents / 100.0);
    }
    itest_assert_query(s, want.p, "%s", st.v[3]);
    itest_buf_free(&want);
    seed_statements_free(&st);
}

static int seed_setup(void **state) {
    *state = itest_open();
    return *state ? 0 : -1;
}

static int seed_teardown(void **state) {
    itest_close(*state);
    gen_exp_result_free(&seed_gen);
    free(seed_sample_text);
    return 0;
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_seed_000_ddl),
        cmocka_unit_test(test_seed_000_queries),
        cmocka_unit_test(test_seed_000_schema_envelope),
        cmocka_unit_test(test_seed_002_queries),
    };
    return cmocka_run_group_tests(tests, seed_setup, seed_teardown);
}
