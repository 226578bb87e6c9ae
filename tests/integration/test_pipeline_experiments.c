/* test_pipeline_experiments.c — sql/experiments, applied as written (Kafka
 * source swapped for Null), fed ~24k generated outbox messages in blocks with
 * one block delivered twice; every number the tables and reports give is
 * checked against what the generator computed from its own model
 * (tests/gen/gen_experiments.h), and the captured Debezium fixtures go
 * through the same SQL. */
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

#define EXP_SEED 20240401
#define EXP_MESSAGES 24000
#define EXP_ROUNDED 0.0000501      /* the reports round ratios to 4 decimals */

static gen_exp_result exp_gen;
static int exp_loaded;

/* Generates, applies sql/experiments to database exp_main, streams the
 * messages in 4 blocks (block 1 delivered again), refreshes the daily view. */
static void exp_load(chs_session *s) {
    if (exp_loaded) {
        itest_exec(s, "USE exp_main");
        return;
    }
    gen_exp_config cfg = gen_exp_config_for(EXP_SEED, EXP_MESSAGES);
    gen_exp_generate(&cfg, &exp_gen);
    pipeline_apply(s, "experiments", "exp_main");
    pipeline_stream(s, "raw_events_kafka", &exp_gen.msgs, 4, 1);
    pipeline_refresh(s, "daily_stats_mv");
    exp_loaded = 1;
}

static const gen_exp_variant *exp_variant(uint32_t variant_id) {
    for (int i = 0; i < GEN_EXP_VARIANTS; i++)
        if (exp_gen.variants[i].variant_id == variant_id) return &exp_gen.variants[i];
    fail_msg("unknown variant %u", variant_id);
    return NULL;
}

static const gen_exp_variant *exp_control(const gen_exp_variant *v) {
    for (int i = 0; i < GEN_EXP_VARIANTS; i++)
        if (exp_gen.variants[i].experiment_id == v->experiment_id && !strcmp(exp_gen.variants[i].key, "control"))
            return &exp_gen.variants[i];
    fail_msg("no control for experiment %u", v->experiment_id);
    return NULL;
}

static double exp_num(const itest_table *t, size_t row, size_t col) { return strtod(itest_cell(t, row, col), NULL); }
static long long exp_int(const itest_table *t, size_t row, size_t col) { return strtoll(itest_cell(t, row, col), NULL, 10); }

/* A variant's row of experiment_performance: counts exact, ratios to the
 * report's rounding, lift and the z-test against the control. */
static void exp_check_performance_row(const itest_table *t, size_t r) {
    const gen_exp_variant *v = exp_variant((uint32_t)exp_int(t, r, 0)), *c = exp_control(v);
    assert_int_equal(exp_int(t, r, 1), v->users);
    assert_int_equal(exp_int(t, r, 2), v->exposures);
    assert_int_equal(exp_int(t, r, 3), v->clicks);
    assert_int_equal(exp_int(t, r, 4), v->conversions);
    double cr = (double)v->converters / (double)v->users, cr0 = (double)c->converters / (double)c->users;
    pipeline_assert_near(exp_num(t, r, 5), cr, EXP_ROUNDED, "conversion_rate");
    assert_int_equal(llround(exp_num(t, r, 6) * 100), v->revenue_cents);
    pipeline_assert_near(exp_num(t, r, 7), (double)v->revenue_cents / 100.0 / (double)v->users, EXP_ROUNDED, "revenue_per_user");
    assert_int_equal(exp_int(t, r, 12), v == c ? 4 : 0);   /* lift, z, p, significant: NULL for the control */
    if (v == c) return;
    double z, p;
    gen_exp_ztest(v->converters, v->users, c->converters, c->users, &z, &p);
    pipeline_assert_near(exp_num(t, r, 8), cr / cr0 - 1, EXP_ROUNDED, "lift");
    pipeline_assert_near(exp_num(t, r, 9), z, EXP_ROUNDED, "z_score");
    pipeline_assert_near(exp_num(t, r, 10), p, EXP_ROUNDED, "p_value");
    if (fabs(p - 0.05) > 0.001) assert_int_equal(exp_int(t, r, 11), p < 0.05);
}

static void test_performance_report(void **state) {
    chs_session *s = *state;
    exp_load(s);
    itest_table *t = itest_query_table(s,
        "SELECT variant_id, users, exposures, clicks, conversions, conversion_rate, revenue, revenue_per_user, "
        "lift, z_score, p_value, significant, isNull(lift) + isNull(z_score) + isNull(p_value) + isNull(significant) "
        "FROM experiment_performance ORDER BY variant_id");
    assert_int_equal(t->nrows, GEN_EXP_VARIANTS);
    for (size_t r = 0; r < t->nrows; r++) exp_check_performance_row(t, r);
    itest_table_free(t);
    /* For ordinary arms (both with conversions), the report's z-test is
     * ClickHouse's proportionsZTest(…, 'pooled'), which it replaced, to the
     * last reported digit. */
    int compared = 0;
    for (int i = 0; i < GEN_EXP_VARIANTS; i++) {
        const gen_exp_variant *v = &exp_gen.variants[i], *c = exp_control(v);
        compared += v != c && v->converters > 0 && c->converters > 0
                    && v->converters + c->converters < v->users + c->users;
    }
    assert_true(compared > 0);
    char want[32];
    snprintf(want, sizeof(want), "0\t%d\n", compared);
    itest_assert_query(s, want,
        "WITH a AS (SELECT experiment_id, variant_id, variant_key, uniqExactMerge(users) AS n, "
        "uniqExactMerge(converters) AS x FROM experiment_hourly_stats GROUP BY ALL), "
        "z AS (SELECT v.variant_id AS variant_id, proportionsZTest(v.x, c.x, v.n, c.n, 0.95, 'pooled') AS t "
        "FROM a AS v JOIN a AS c ON c.experiment_id = v.experiment_id AND c.variant_key = 'control' "
        "WHERE v.variant_key != 'control' AND v.x > 0 AND c.x > 0 AND v.x + c.x < v.n + c.n) "
        "SELECT countIf(NOT (abs(r.z_score - round(t.1, 4)) < 1e-9 AND abs(r.p_value - round(t.2, 4)) < 1e-9 "
        "AND isFinite(t.1) AND isFinite(t.2))), count() "
        "FROM experiment_performance AS r JOIN z USING (variant_id)");
}

static void test_journey_funnel(void **state) {
    chs_session *s = *state;
    exp_load(s);
    itest_buf want = {0};
    for (int i = 0; i < GEN_EXP_VARIANTS; i++) {
        const gen_exp_variant *v = &exp_gen.variants[i];
        itest_buf_printf(&want, "%u\t%s\t%llu\t%llu\t%llu\t%llu\t%llu\n", v->variant_id, v->key,
                         (unsigned long long)v->assigned, (unsigned long long)v->funnel[0],
                         (unsigned long long)v->funnel[1], (unsigned long long)v->funnel[2], (unsigned long long)v->funnel[3]);
    }
    itest_assert_query(s, want.p, "SELECT variant_id, variant_key, users, assigned, exposed, clicked, converted "
                                  "FROM user_journey_analysis ORDER BY variant_id");
    itest_buf_free(&want);
}

static void test_processed_tables(void **state) {
    chs_session *s = *state;
    exp_load(s);
    uint64_t exposures = 0, clicks = 0, conversions = 0;
    int64_t cents = 0;
    for (int i = 0; i < GEN_EXP_VARIANTS; i++) {
        exposures += exp_gen.variants[i].exposures;
        clicks += exp_gen.variants[i].clicks;
        conversions += exp_gen.variants[i].conversions;
        cents += exp_gen.variants[i].revenue_cents;
    }
    char want[256];
    snprintf(want, sizeof(want), "%llu\t%llu\t%llu\t%llu\t%llu\t%lld\t0\n", (unsigned long long)exp_gen.events,
             (unsigned long long)exp_gen.invalid_events, (unsigned long long)exposures, (unsigned long long)clicks,
             (unsigned long long)conversions, (long long)cents);
    /* outbox clean-up deletes and tombstones removed nothing; events before
     * their assignment are kept with is_valid = 0; materialized columns filled */
    itest_assert_query(s, want,
        "SELECT count(), countIf(is_valid = 0), countIf(is_exposure AND is_valid), countIf(is_click AND is_valid), "
        "countIf(is_conversion AND is_valid), toInt64(round(sumIf(value, is_conversion AND is_valid) * 100)), "
        "countIf(page = '' OR device NOT IN ('ios', 'android', 'web', 'tv') OR event_hour != toHour(timestamp) "
        "OR event_date != toDate(timestamp) OR score < 0 OR score > 1) FROM events_processed FINAL");
    itest_assert_scalar(s, exp_gen.assignments, "SELECT count() FROM assignments_processed FINAL");
    /* the outbox row's created_at (its commit), and updated_at = created_at (no processed_at) */
    char lag[64];
    snprintf(lag, sizeof(lag), "%lld\t0\n", (long long)exp_gen.created_lag_us);
    itest_assert_query(s, lag, "SELECT sum(toUnixTimestamp64Micro(created_at) - toUnixTimestamp64Micro(timestamp)), "
                               "countIf(updated_at != created_at) FROM events_processed FINAL");
    /* the re-delivered block and the duplicates did reach the table: FINAL collapses them */
    assert_true(itest_scalar(s, "SELECT count() FROM events_processed") > (long long)exp_gen.events);
}

static int exp_day_cmp(const void *a, const void *b) {
    const gen_exp_day *x = a, *y = b;
    if (x->variant != y->variant) return x->variant - y->variant;
    return x->day < y->day ? -1 : x->day > y->day;
}

static void test_hourly_daily_user_stats(void **state) {
    chs_session *s = *state;
    exp_load(s);
    itest_assert_scalar(s, exp_gen.hourly_groups,
                        "SELECT count() FROM (SELECT 1 FROM experiment_hourly_stats GROUP BY experiment_id, variant_id, hour)");
    qsort(exp_gen.days, exp_gen.ndays, sizeof(*exp_gen.days), exp_day_cmp);
    itest_buf want = {0};
    for (size_t i = 0; i < exp_gen.ndays; i++) {
        const gen_exp_day *d = &exp_gen.days[i];
        char day[24];
        gen_date(day, d->day);
        itest_buf_printf(&want, "%s\t%u\t%llu\t%llu\t%llu\t%llu\t%lld\n", day, exp_gen.variants[d->variant].variant_id,
                         (unsigned long long)d->users, (unsigned long long)d->exposures, (unsigned long long)d->clicks,
                         (unsigned long long)d->conversions, (long long)d->revenue_cents);
    }
    itest_assert_query(s, want.p, "SELECT day, variant_id, users, exposures, clicks, conversions, toInt64(round(revenue * 100)) "
                                  "FROM experiment_daily_stats ORDER BY variant_id, day");
    itest_buf_free(&want);
    uint64_t conversions = 0;
    int64_t cents = 0;
    for (int i = 0; i < GEN_EXP_VARIANTS; i++) conversions += exp_gen.variants[i].conversions, cents += exp_gen.variants[i].revenue_cents;
    char line[128];
    snprintf(line, sizeof(line), "%llu\t%llu\t%lld\n", (unsigned long long)exp_gen.user_rows, (unsigned long long)conversions,
             (long long)cents);
    itest_assert_query(s, line,
        "SELECT count(), sum(c), toInt64(round(sum(r) * 100)) FROM (SELECT uniqExactMerge(conversions) AS c, "
        "arraySum(maxMapMerge(revenue).2) AS r FROM user_experiment_stats GROUP BY experiment_id, variant_id, user_id)");
}

/* The real captured outbox messages, with and without the schema envelope:
 * five events (two of them in both files), deletes and tombstones ignored. */
static void test_real_fixtures(void **state) {
    chs_session *s = *state;
    pipeline_apply(s, "experiments", "exp_fixtures");
    /* the outbox row's own columns, read through the schema envelope */
    pipeline_insert_fixture(s, "raw_events_kafka", "with-schema/dbz.public.outbox_events.jsonl");
    itest_assert_query(s,
        "6f0a4c2e-1111-4a5b-8c9d-000000000001\t2024-04-01 08:00:30.000000\t2024-04-01 08:00:30.000000\n"
        "6f0a4c2e-1111-4a5b-8c9d-000000000003\t2024-04-02 09:00:05.000000\t2024-04-02 09:00:05.000000\n",
        "SELECT id, created_at, updated_at FROM events_processed FINAL ORDER BY id");
    pipeline_insert_fixture(s, "raw_events_kafka", "plain/dbzplain.public.outbox_events.jsonl");
    itest_assert_query(s,
        "6f0a4c2e-1111-4a5b-8c9d-000000000001\t42\tuser-a\t1\tcontrol\texposure\t2024-04-01 08:00:30.000000\t2024-04-01 08:00:00.000000\t/home\tios\t0\t0.5\tsess-1\t1\n"
        "6f0a4c2e-1111-4a5b-8c9d-000000000002\t42\tuser-b\t2\ttreatment\tconversion\t2024-04-01 08:02:00.000000\t2024-04-01 08:00:01.500000\t/checkout\tweb\t19.99\t0.87\tsess-2\t1\n"
        "6f0a4c2e-1111-4a5b-8c9d-000000000003\t42\tuser-c\t2\ttreatment\texposure\t2024-04-02 09:00:05.000000\t2024-04-02 09:00:00.000000\t/pricing\tandroid\t12.5\t0.25\tsess-3\t1\n"
        "6f0a4c2e-1111-4a5b-8c9d-000000000004\t44\tuser-ü \"quoted\"\t9\tv\\\\backslash\texposure\t2024-04-02 09:00:06.000000\t2024-04-02 09:00:00.000000\t\ttv\t0\t-1\tunknown\t1\n"
        "6f0a4c2e-1111-4a5b-8c9d-000000000005\t43\tuser-a\t7\tblue\texposure\t2024-04-03 10:00:00.000000\t2024-04-01 08:00:02.123000\t/\tweb\t3\t0.001\tsess-5\t1\n",
        "SELECT id, experiment_id, user_id, variant_id, variant_key, event_type, timestamp, assignment_at, "
        "page, device, value, score, session_id, is_valid FROM events_processed FINAL ORDER BY id");
    itest_assert_scalar(s, 0, "SELECT count() FROM events_dead_letters");
    itest_assert_scalar(s, 0, "SELECT count() FROM assignments_processed");
    itest_exec(s, "USE exp_main");
}

/* ---------------------------------------------- seed 002's analytics */

/* The dictionaries' sources, filled from the generator's experiments:
 * names 'Experiment 101', 'treatment of 101'; the split is even. */
static void exp_load_dictionaries(chs_session *s) {
    static int done;
    exp_load(s);
    if (done) return;
    done = 1;
    pipeline_dictionaries_from_tables(s);   /* src_experiments, src_variants, src_users */
    for (int i = 0; i < GEN_EXP_VARIANTS; i++) {
        const gen_exp_variant *v = &exp_gen.variants[i];
        if (v == exp_control(v))
            itest_exec(s, "INSERT INTO src_experiments VALUES (%u, 'Experiment %u', 'running')", v->experiment_id, v->experiment_id);
        itest_exec(s, "INSERT INTO src_variants VALUES (%u, %u, '%s', '%s of %u', %.17g)", v->variant_id, v->experiment_id,
                   v->key, v->key, v->experiment_id, v->intended_share);
    }
    itest_exec(s, "INSERT INTO src_users SELECT DISTINCT user_id, concat('Name of ', user_id), 'US' FROM events_processed");
}

/* "101\tExperiment 101\t1012\ttreatment\ttreatment of 101": a row's names. */
static void exp_names(itest_buf *b, const gen_exp_variant *v) {
    itest_buf_printf(b, "%u\tExperiment %u\t%u\t%s\t%s of %u", v->experiment_id, v->experiment_id, v->variant_id, v->key,
                     v->key, v->experiment_id);
}

/* A report with one row per variant, in variant order: its names, then
 * what `numbers` writes (from "\t" to the end of the line). */
static void exp_assert_named_variants(chs_session *s, void (*numbers)(itest_buf *, const gen_exp_variant *),
                                      const char *query) {
    itest_buf want = {0};
    for (int i = 0; i < GEN_EXP_VARIANTS; i++) {
        exp_names(&want, &exp_gen.variants[i]);
        numbers(&want, &exp_gen.variants[i]);
    }
    itest_assert_query(s, want.p, "%s", query);
    itest_buf_free(&want);
}

static void exp_users(itest_buf *b, const gen_exp_variant *v) {
    itest_buf_printf(b, "\t%llu\n", (unsigned long long)v->users);
}

static void exp_conversions_revenue(itest_buf *b, const gen_exp_variant *v) {
    itest_buf_printf(b, "\t%llu\t%lld\n", (unsigned long long)v->conversions, (long long)v->revenue_cents);
}

static void test_dictionaries(void **state) {
    chs_session *s = *state;
    exp_load_dictionaries(s);
    exp_assert_named_variants(s, exp_users, "SELECT experiment_id, experiment_name, variant_id, variant_key, variant_name, "
                                            "users FROM experiment_dashboard");
    itest_exec(s, "SELECT dictGet('users_dict', 'name', tuple('user-000001'))");
    /* loaded, with the pipeline's lifetime */
    itest_assert_query(s, "experiments_dict\tLOADED\t60\t300\nusers_dict\tLOADED\t60\t300\nvariants_dict\tLOADED\t60\t300\n",
                       "SELECT name, status, lifetime_min, lifetime_max FROM system.dictionaries "
                       "WHERE database = currentDatabase() ORDER BY name");
}

static void test_revenue_per_conversion(void **state) {
    chs_session *s = *state;
    exp_load_dictionaries(s);
    exp_assert_named_variants(s, exp_conversions_revenue,
                              "SELECT experiment_id, experiment_name, variant_id, variant_key, variant_name, conversions, "
                              "toInt64(round(revenue * 100)) FROM revenue_per_conversion");
    itest_table *t = itest_query_table(s, "SELECT variant_id, revenue_per_conversion FROM revenue_per_conversion");
    assert_int_equal(t->nrows, GEN_EXP_VARIANTS);
    for (size_t r = 0; r < t->nrows; r++) {
        const gen_exp_variant *v = exp_variant((uint32_t)exp_int(t, r, 0));
        assert_true(v->conversions > 0);
        pipeline_assert_near(exp_num(t, r, 1), (double)v->revenue_cents / 100.0 / (double)v->conversions, EXP_ROUNDED,
                             "revenue_per_conversion");
    }
    itest_table_free(t);
}

static void test_traffic_allocation(void **state) {
    chs_session *s = *state;
    exp_load_dictionaries(s);
    itest_table *t = itest_query_table(s, "SELECT variant_id, assigned, experiment_assigned, assigned_share, intended_share, "
                                          "share_difference FROM traffic_allocation");
    assert_int_equal(t->nrows, GEN_EXP_VARIANTS);
    for (size_t r = 0; r < t->nrows; r++) {
        const gen_exp_variant *v = exp_variant((uint32_t)exp_int(t, r, 0));
        uint64_t total = 0;
        for (int i = 0; i < GEN_EXP_VARIANTS; i++)
            if (exp_gen.variants[i].experiment_id == v->experiment_id) total += exp_gen.variants[i].assigned;
        double share = (double)v->assigned / (double)total;
        assert_int_equal(exp_int(t, r, 1), v->assigned);
        assert_int_equal(exp_int(t, r, 2), total);
        pipeline_assert_near(exp_num(t, r, 3), share, EXP_ROUNDED, "assigned_share");
        pipeline_assert_near(exp_num(t, r, 4), v->intended_share, 1e-12, "intended_share");
        pipeline_assert_near(exp_num(t, r, 5), share - v->intended_share, EXP_ROUNDED, "share_difference");
    }
    itest_table_free(t);
}

static void test_session_engagement(void **state) {
    chs_session *s = *state;
    exp_load_dictionaries(s);
    itest_table *t = itest_query_table(s, "SELECT variant_id, sessions, session_events, events_per_session, "
                                          "avg_session_duration_s FROM variant_engagement");
    assert_int_equal(t->nrows, GEN_EXP_VARIANTS);
    uint64_t sessions = 0;
    for (size_t r = 0; r < t->nrows; r++) {
        const gen_exp_variant *v = exp_variant((uint32_t)exp_int(t, r, 0));
        assert_int_equal(exp_int(t, r, 1), v->sessions);
        assert_int_equal(exp_int(t, r, 2), v->session_events);
        pipeline_assert_near(exp_num(t, r, 3), (double)v->session_events / (double)v->sessions, EXP_ROUNDED,
                             "events_per_session");
        pipeline_assert_near(exp_num(t, r, 4), (double)v->session_ms / 1000.0 / (double)v->sessions, EXP_ROUNDED,
                             "avg_session_duration_s");
        sessions += v->sessions;
    }
    itest_table_free(t);
    /* one row per session, each named through users_dict */
    char want[64];
    snprintf(want, sizeof(want), "%llu\t0\n", (unsigned long long)sessions);
    itest_assert_query(s, want, "SELECT count(), countIf(user_name != concat('Name of ', user_id)) FROM session_engagement");
}

static void test_conversion_cohorts(void **state) {
    chs_session *s = *state;
    exp_load_dictionaries(s);
    itest_buf want = {0};
    assert_true(exp_gen.ncohorts > GEN_EXP_VARIANTS);
    uint64_t cumulative = 0;
    for (size_t i = 0; i < exp_gen.ncohorts; i++) {
        const gen_exp_cohort *c = &exp_gen.cohorts[i];
        const gen_exp_variant *v = &exp_gen.variants[c->variant];
        char day[24];
        gen_date(day, c->day);
        if (i == 0 || c->variant != exp_gen.cohorts[i - 1].variant || c->day != exp_gen.cohorts[i - 1].day) cumulative = 0;
        cumulative += c->converters;
        exp_names(&want, v);
        itest_buf_printf(&want, "\t%s\t%llu\t%lld\t%llu\t%.4f\t%.4f\n", day, (unsigned long long)c->cohort_size,
                         (long long)c->days_since, (unsigned long long)c->converters,
                         (double)c->converters / (double)c->cohort_size, (double)cumulative / (double)c->cohort_size);
    }
    itest_assert_query(s, want.p, "SELECT experiment_id, experiment_name, variant_id, variant_key, variant_name, cohort_day, "
                                  "cohort_size, days_since_assignment, converters, toDecimalString(conversion_rate, 4), "
                                  "toDecimalString(cumulative_conversion_rate, 4) FROM conversion_cohorts");
    itest_buf_free(&want);
}

static int exp_line_cmp(const void *a, const void *b) { return strcmp(*(char *const *)a, *(char *const *)b); }

static void test_conversion_attribution(void **state) {
    chs_session *s = *state;
    exp_load_dictionaries(s);
    static const char *const models[] = {"first_touch", "last_touch"};
    char *lines[GEN_EXP_VARIANTS * 2 * (GEN_EXP_PAGES + 1)];
    size_t n = 0;
    for (int i = 0; i < GEN_EXP_VARIANTS; i++) {
        for (int m = 0; m < 2; m++) {
            uint64_t total = 0;
            for (int p = 0; p <= GEN_EXP_PAGES; p++) {
                const gen_exp_credit *c = &exp_gen.credits[i][m][p];
                total += c->conversions;
                if (!c->conversions) continue;
                itest_buf b = {0};
                itest_buf_printf(&b, "%u\t%s\t%s\t%llu\t%lld\n", exp_gen.variants[i].variant_id, models[m],
                                 p < GEN_EXP_PAGES ? gen_exp_pages[p] : "(none)", (unsigned long long)c->conversions,
                                 (long long)c->revenue_cents);
                lines[n++] = itest_buf_take(&b);
            }
            assert_int_equal(total, exp_gen.variants[i].conversions);   /* each conversion credited once per model */
        }
    }
    qsort(lines, n, sizeof(*lines), exp_line_cmp);
    itest_buf want = {0};
    for (size_t i = 0; i < n; i++) itest_buf_puts(&want, lines[i]), free(lines[i]);
    itest_assert_query(s, want.p, "SELECT variant_id, model, page, conversions, toInt64(round(revenue * 100)) "
                                  "FROM conversion_attribution");
    itest_buf_free(&want);
    itest_assert_scalar(s, 0, "SELECT countIf(experiment_name != concat('Experiment ', toString(experiment_id)) "
                              "OR variant_name != concat(variant_key, ' of ', toString(experiment_id))) FROM conversion_attribution");
}

/* ------------------------------------------------ undefined statistics */

/* One arm of a hand-made experiment: `users` users with one exposure each,
 * the first `converters` of them also with a conversion worth 10.00. */
typedef struct exp_arm {
    uint32_t experiment_id, variant_id;
    const char *key;
    unsigned users, converters;
} exp_arm;

static void exp_arm_messages(const exp_arm *a, itest_rows *rows) {
    static uint64_t lsn = 90000000;
    itest_buf msg = {0};
    for (unsigned u = 0; u < a->users; u++) {
        for (int conversion = 0; conversion <= (u < a->converters); conversion++) {
            itest_outbox o;
            memset(&o, 0, sizeof(o));
            o.op = 'c';
            o.lsn = ++lsn;
            o.tx_id = lsn / 8;
            o.source_ts_ms = o.ts_ms = 1714557600000;
            o.aggregate_id = a->variant_id * 1000 + u;
            o.experiment_id = a->experiment_id;
            o.variant_id = a->variant_id;
            snprintf(o.id, sizeof(o.id), "%u-%u-%d", a->variant_id, u, conversion);
            snprintf(o.user_id, sizeof(o.user_id), "user-%u-%u", a->experiment_id, u);
            snprintf(o.variant_key, sizeof(o.variant_key), "%s", a->key);
            snprintf(o.event_type, sizeof(o.event_type), "%s", conversion ? "conversion" : "exposure");
            snprintf(o.timestamp, sizeof(o.timestamp), "2024-05-01T10:%02u:%02u.000Z", u / 60, u % 60);
            snprintf(o.properties, sizeof(o.properties), "{\"page\":\"/\",\"device\":\"web\",\"value\":%s}",
                     conversion ? "10.00" : "0");
            itest_buf_clear(&msg);
            itest_outbox_write(NULL, &o, &msg);
            itest_rows_add(rows, msg.p, msg.n);
        }
    }
    itest_buf_free(&msg);
}

/* The pooled two-proportion z-test of x_t/n_t against x_c/n_c, computed
 * independently of the SQL (rearranged: the numerator exact in integers,
 *   z = (x_t n_c - x_c n_t) sqrt(N) / sqrt(X (N - X) n_t n_c),  X = x_t + x_c,
 *   N = n_t + n_c, which is (p_t - p_c) / se with se of the pooled rate).
 * 0 where the test is undefined (se = 0: X = 0 or X = N; or an empty arm). */
static int exp_ref_ztest(uint64_t x_t, uint64_t n_t, uint64_t x_c, uint64_t n_c, double *z, double *p) {
    uint64_t x = x_t + x_c, n = n_t + n_c;
    if (n_t == 0 || n_c == 0 || x == 0 || x == n) return 0;
    long double num = (long double)((int64_t)(x_t * n_c) - (int64_t)(x_c * n_t));
    *z = (double)(num * sqrtl((long double)n) / sqrtl((long double)x * (long double)(n - x) * (long double)n_t * (long double)n_c));
    *p = erfc(fabs(*z) / sqrt(2.0));
    return 1;
}

/* Hand-made experiments, among them arms where the z-test or the lift is not
 * defined: no control at all, nobody converted in either arm, every user of
 * both arms converted.  The report says NULL there (in Nullable columns),
 * never nan or inf.  An arm without conversions next to one with some is a
 * defined test (only the lift against a control without conversions is not),
 * and every number stays right. */
static void test_report_undefined_statistics(void **state) {
    chs_session *s = *state;
    static const exp_arm arms[] = {
        {901, 9011, "control", 40, 8},  {901, 9012, "treatment", 40, 0},    /* variant without conversions */
        {902, 9021, "control", 30, 0},  {902, 9022, "treatment", 30, 6},    /* control without conversions */
        {903, 9031, "control", 20, 0},  {903, 9032, "treatment", 20, 0},    /* neither converts: undefined */
        {904, 9041, "blue", 10, 3},                                         /* no control: undefined */
        {905, 9051, "control", 50, 10}, {905, 9052, "treatment", 50, 20},   /* a normal test */
        {906, 9061, "control", 5, 5},   {906, 9062, "treatment", 5, 5},     /* everyone converts: undefined */
        {907, 9071, "control", 957, 94}, {907, 9072, "treatment", 900, 0},  /* large arms, one without conversions */
        {908, 9081, "control", 25, 0},  {908, 9082, "treatment", 25, 25},   /* p_pool = 0.5, |z| large, p ~ 1e-12 */
        {909, 9091, "control", 30, 12}, {909, 9092, "treatment", 34, 34},   /* every variant user converts */
    };
    const size_t narms = sizeof(arms) / sizeof(arms[0]);
    pipeline_apply(s, "experiments", "exp_undefined");
    itest_rows rows = {0};
    for (size_t i = 0; i < narms; i++) exp_arm_messages(&arms[i], &rows);
    itest_insert_strings(s, "raw_events_kafka", "message", &rows);
    itest_rows_free(&rows);
    itest_assert_scalar(s, 0, "SELECT count() FROM events_dead_letters");
    itest_assert_query(s,
        "901\t9011\tcontrol\t40\t40\t0\t8\t0.2\t80\t2\t\\N\t\\N\t\\N\t\\N\n"
        "901\t9012\ttreatment\t40\t40\t0\t0\t0\t0\t0\t-1\t-2.9814\t0.0029\t1\n"
        "902\t9021\tcontrol\t30\t30\t0\t0\t0\t0\t0\t\\N\t\\N\t\\N\t\\N\n"
        "902\t9022\ttreatment\t30\t30\t0\t6\t0.2\t60\t2\t\\N\t2.582\t0.0098\t1\n"
        "903\t9031\tcontrol\t20\t20\t0\t0\t0\t0\t0\t\\N\t\\N\t\\N\t\\N\n"
        "903\t9032\ttreatment\t20\t20\t0\t0\t0\t0\t0\t\\N\t\\N\t\\N\t\\N\n"
        "904\t9041\tblue\t10\t10\t0\t3\t0.3\t30\t3\t\\N\t\\N\t\\N\t\\N\n"
        "905\t9051\tcontrol\t50\t50\t0\t10\t0.2\t100\t2\t\\N\t\\N\t\\N\t\\N\n"
        "905\t9052\ttreatment\t50\t50\t0\t20\t0.4\t200\t4\t1\t2.1822\t0.0291\t1\n"
        "906\t9061\tcontrol\t5\t5\t0\t5\t1\t50\t10\t\\N\t\\N\t\\N\t\\N\n"
        "906\t9062\ttreatment\t5\t5\t0\t5\t1\t50\t10\t0\t\\N\t\\N\t\\N\n"
        "907\t9071\tcontrol\t957\t957\t0\t94\t0.0982\t940\t0.9822\t\\N\t\\N\t\\N\t\\N\n"
        "907\t9072\ttreatment\t900\t900\t0\t0\t0\t0\t0\t-1\t-9.6496\t0\t1\n"
        "908\t9081\tcontrol\t25\t25\t0\t0\t0\t0\t0\t\\N\t\\N\t\\N\t\\N\n"
        "908\t9082\ttreatment\t25\t25\t0\t25\t1\t250\t10\t\\N\t7.0711\t0\t1\n"
        "909\t9091\tcontrol\t30\t30\t0\t12\t0.4\t120\t4\t\\N\t\\N\t\\N\t\\N\n"
        "909\t9092\ttreatment\t34\t34\t0\t34\t1\t340\t10\t1.5\t5.3275\t0\t1\n",
        "SELECT * FROM experiment_performance");
    /* every variant's z-test against the independent computation above:
     * NULL exactly where it is undefined, else z and p to the report's
     * rounding and significant = (p_value as reported) < 0.05 */
    itest_table *t = itest_query_table(s, "SELECT variant_id, isNull(z_score) + isNull(p_value) + isNull(significant), "
                                          "z_score, p_value, significant FROM experiment_performance "
                                          "WHERE variant_key != 'control' ORDER BY variant_id");
    size_t defined = 0;
    for (size_t r = 0; r < t->nrows; r++) {
        const exp_arm *v = NULL, *c = NULL;
        for (size_t i = 0; i < narms; i++) {
            if (arms[i].variant_id == (uint32_t)exp_int(t, r, 0)) v = &arms[i];
        }
        assert_non_null(v);
        for (size_t i = 0; i < narms; i++) {
            if (arms[i].experiment_id == v->experiment_id && !strcmp(arms[i].key, "control")) c = &arms[i];
        }
        double z = 0, p = 0;
        if (!c || !exp_ref_ztest(v->converters, v->users, c->converters, c->users, &z, &p)) {
            assert_int_equal(exp_int(t, r, 1), 3);          /* all three NULL */
            continue;
        }
        defined++;
        assert_int_equal(exp_int(t, r, 1), 0);
        pipeline_assert_near(exp_num(t, r, 2), z, EXP_ROUNDED, "z_score");
        pipeline_assert_near(exp_num(t, r, 3), p, EXP_ROUNDED, "p_value");
        assert_int_equal(exp_int(t, r, 4), round(p * 10000) / 10000 < 0.05);
        /* the generator's own z-test agrees where defined */
        double gz, gp;
        gen_exp_ztest(v->converters, v->users, c->converters, c->users, &gz, &gp);
        pipeline_assert_near(z, gz, 1e-9, "z (rearranged vs textbook)");
        pipeline_assert_near(p, gp, 1e-12, "p (rearranged vs textbook)");
    }
    assert_int_equal(t->nrows, 9);
    assert_int_equal(defined, 6);      /* 901, 902, 905, 907, 908, 909; not 903, 904, 906 */
    itest_table_free(t);
    /* no nan or inf anywhere, and the columns say they may be NULL */
    itest_assert_scalar(s, 0, "SELECT count() FROM experiment_performance WHERE NOT (isFinite(conversion_rate) "
                              "AND isFinite(revenue_per_user) AND isFinite(ifNull(lift, 0)) "
                              "AND isFinite(ifNull(z_score, 0)) AND isFinite(ifNull(p_value, 0)))");
    itest_assert_query(s, "Nullable(Float64)\tNullable(Float64)\tNullable(Float64)\tNullable(UInt8)\n",
                       "SELECT toTypeName(lift), toTypeName(z_score), toTypeName(p_value), toTypeName(significant) "
                       "FROM experiment_performance LIMIT 1");
}

/* --------------------------------------------- decode errors before op */

static int exp_setup(void **state) {
    *state = itest_open();
    return *state ? 0 : -1;
}

static int exp_teardown(void **state) {
    itest_close(*state);
    gen_exp_result_free(&exp_gen);
    return 0;
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_performance_report),
        cmocka_unit_test(test_journey_funnel),
        cmocka_unit_test(test_processed_tables),
        cmocka_unit_test(test_hourly_daily_user_stats),
        cmocka_unit_test(test_dictionaries),
        cmocka_unit_test(test_revenue_per_conversion),
        cmocka_unit_test(test_traffic_allocation),
        cmocka_unit_test(test_session_engagement),
        cmocka_unit_test(test_conversion_cohorts),
        cmocka_unit_test(test_conversion_attribution),
        cmocka_unit_test(test_real_fixtures),
        cmocka_unit_test(test_report_undefined_statistics),
    };
    return cmocka_run_group_tests(tests, exp_setup, exp_teardown);
}
