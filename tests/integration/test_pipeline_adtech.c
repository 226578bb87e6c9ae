/* test_pipeline_adtech.c — sql/adtech, applied as written (Kafka source
 * swapped for Null), fed ~30k generated Debezium messages of the four
 * ad-tech topics (snapshot, streaming facts, dimension updates, deletes with
 * tombstones, clicks before their impressions, duplicates, junk) in blocks
 * with one block delivered twice.  The dimension tables and every KPI view
 * must equal what the generator computed from its model
 * (tests/gen/gen_adtech.h), money to the micro-unit; the captured fixtures
 * go through the same SQL. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "gen_adtech.h"
#include "itest.h"
#include "pipeline.h"

#define AD_SEED 31337
#define AD_MESSAGES 30000
#define AD_ROUNDED 0.000000501     /* the views round ratios to 6 decimals */

static gen_ad_result ad_gen;
static int ad_loaded;

static void ad_load(chs_session *s) {
    if (ad_loaded) {
        itest_exec(s, "USE ad_main");
        return;
    }
    gen_ad_config cfg = gen_ad_config_for(AD_SEED, AD_MESSAGES);
    gen_ad_generate(&cfg, &ad_gen);
    pipeline_apply(s, "adtech", "ad_main");
    pipeline_stream(s, "adtech_kafka", &ad_gen.msgs, 4, 2);
    ad_loaded = 1;
}

/* A string as TabSeparated writes it. */
static void ad_tsv(itest_buf *b, const char *s) {
    for (; *s; s++) {
        if (*s == '\t') itest_buf_puts(b, "\\t");
        else if (*s == '\\') itest_buf_puts(b, "\\\\");
        else if (*s == '\'') itest_buf_puts(b, "\\'");
        else itest_buf_putc(b, *s);
    }
}

static double ad_ratio(uint64_t a, uint64_t b) { return (double)a / (double)b; }

static void test_dimensions(void **state) {
    chs_session *s = *state;
    ad_load(s);
    assert_true(ad_gen.deleted_advertisers == 1 && ad_gen.deleted_campaigns == 5);
    itest_buf want = {0};
    for (size_t i = 0; i < ad_gen.nadvertisers; i++) {
        const gen_ad_advertiser *a = &ad_gen.advertisers[i];
        if (!a->live) continue;
        itest_buf_printf(&want, "%lld\t", (long long)a->id);
        ad_tsv(&want, a->name);
        itest_buf_printf(&want, "\t%s\t%s\n", a->country, a->is_active ? "true" : "false");
    }
    itest_assert_query(s, want.p, "SELECT id, name, country, is_active FROM advertiser_dim FINAL ORDER BY id");
    itest_buf_clear(&want);
    for (size_t i = 0; i < ad_gen.ncampaigns; i++) {
        const gen_ad_campaign *c = &ad_gen.campaigns[i];
        if (!c->live) continue;
        itest_buf_printf(&want, "%lld\t%lld\t%s\t%s\t%lld\t%lld\n", (long long)c->id, (long long)c->advertiser_id, c->name,
                         c->status, (long long)c->daily_budget_cents, (long long)c->cpm_bid_units);
    }
    itest_assert_query(s, want.p, "SELECT id, advertiser_id, name, status, toInt64(daily_budget * 100), toInt64(cpm_bid * 10000) "
                                  "FROM campaign_dim FINAL ORDER BY id");
    itest_buf_free(&want);
}

static void test_campaign_ctr(void **state) {
    chs_session *s = *state;
    ad_load(s);
    itest_buf want = {0};
    for (size_t i = 0; i < ad_gen.ncampaigns; i++) {
        const gen_ad_campaign *c = &ad_gen.campaigns[i];
        if (c->live)
            itest_buf_printf(&want, "%lld\t%llu\t%llu\n", (long long)c->id, (unsigned long long)c->impressions,
                             (unsigned long long)c->clicks);
    }
    itest_assert_query(s, want.p, "SELECT campaign_id, impressions, clicks FROM campaign_ctr ORDER BY campaign_id");
    itest_buf_free(&want);
    itest_table *t = itest_query_table(s, "SELECT campaign_id, ctr FROM campaign_ctr WHERE impressions > 0 ORDER BY campaign_id");
    for (size_t r = 0; r < t->nrows; r++) {
        long long id = strtoll(itest_cell(t, r, 0), NULL, 10);
        for (size_t i = 0; i < ad_gen.ncampaigns; i++)
            if (ad_gen.campaigns[i].id == id)
                pipeline_assert_near(strtod(itest_cell(t, r, 1), NULL),
                                     ad_ratio(ad_gen.campaigns[i].clicks, ad_gen.campaigns[i].impressions), AD_ROUNDED, "ctr");
    }
    itest_table_free(t);
}

/* days: campaign_id 0 rows are the totals of daily_performance. */
static void ad_assert_days(chs_session *s, const gen_ad_day *days, size_t n, const char *sql) {
    itest_buf want = {0};
    for (size_t i = 0; i < n; i++) {
        const gen_ad_day *d = &days[i];
        char day[24];
        gen_date(day, d->day);
        if (d->campaign_id) itest_buf_printf(&want, "%lld\t", (long long)d->campaign_id);
        itest_buf_printf(&want, "%s\t%llu\t%llu\t%lld\t%lld\t%lld\n", day, (unsigned long long)d->impressions,
                         (unsigned long long)d->clicks, (long long)d->impression_spend, (long long)d->click_spend,
                         (long long)(d->impression_spend + d->click_spend));
    }
    itest_assert_query(s, want.p, "%s", sql);
    itest_buf_free(&want);
}

static void test_daily_performance(void **state) {
    chs_session *s = *state;
    ad_load(s);
    ad_assert_days(s, ad_gen.days, ad_gen.ndays,
                   "SELECT day, impressions, clicks, toInt64(impression_spend * 1000000), toInt64(click_spend * 1000000), "
                   "toInt64(spend * 1000000) FROM daily_performance ORDER BY day");
    ad_assert_days(s, ad_gen.campaign_days, ad_gen.ncampaign_days,
                   "SELECT campaign_id, day, impressions, clicks, toInt64(impression_spend * 1000000), "
                   "toInt64(click_spend * 1000000), toInt64(spend * 1000000) FROM campaign_daily_performance "
                   "ORDER BY campaign_id, day");
    itest_table *t = itest_query_table(s, "SELECT ctr FROM daily_performance ORDER BY day");
    assert_int_equal(t->nrows, ad_gen.ndays);
    for (size_t r = 0; r < t->nrows; r++)
        pipeline_assert_near(strtod(itest_cell(t, r, 0), NULL), ad_ratio(ad_gen.days[r].clicks, ad_gen.days[r].impressions),
                             AD_ROUNDED, "daily ctr");
    itest_table_free(t);
}

static void test_cost_per_click(void **state) {
    chs_session *s = *state;
    ad_load(s);
    itest_table *t = itest_query_table(s, "SELECT campaign_id, clicks, toInt64(click_spend * 1000000), "
                                          "toInt64(impression_spend * 1000000), avg_cpc, cost_per_click "
                                          "FROM cost_per_click ORDER BY campaign_id");
    size_t r = 0;
    for (size_t i = 0; i < ad_gen.ncampaigns; i++) {
        const gen_ad_campaign *c = &ad_gen.campaigns[i];
        if (!c->clicks) continue;
        assert_true(r < t->nrows);
        assert_int_equal(strtoll(itest_cell(t, r, 0), NULL, 10), c->id);
        assert_int_equal(strtoll(itest_cell(t, r, 1), NULL, 10), c->clicks);
        assert_int_equal(strtoll(itest_cell(t, r, 2), NULL, 10), c->click_spend);
        assert_int_equal(strtoll(itest_cell(t, r, 3), NULL, 10), c->impression_spend);
        pipeline_assert_near(strtod(itest_cell(t, r, 4), NULL), (double)c->click_spend / 1e6 / (double)c->clicks, AD_ROUNDED, "avg_cpc");
        pipeline_assert_near(strtod(itest_cell(t, r, 5), NULL),
                             (double)(c->click_spend + c->impression_spend) / 1e6 / (double)c->clicks, AD_ROUNDED, "cost_per_click");
        r++;
    }
    assert_int_equal(r, t->nrows);
    itest_table_free(t);
}

static void test_advertiser_overview(void **state) {
    chs_session *s = *state;
    ad_load(s);
    itest_buf want = {0};
    for (size_t i = 0; i < ad_gen.nadvertisers; i++) {
        const gen_ad_advertiser *a = &ad_gen.advertisers[i];
        if (!a->live) continue;
        itest_buf_printf(&want, "%lld\t%s\t%llu\t%llu\t%llu\t%llu\t%lld\n", (long long)a->id, a->is_active ? "true" : "false",
                         (unsigned long long)a->campaigns, (unsigned long long)a->active_campaigns,
                         (unsigned long long)a->impressions, (unsigned long long)a->clicks, (long long)a->spend);
    }
    itest_assert_query(s, want.p, "SELECT advertiser_id, is_active, campaigns, active_campaigns, impressions, clicks, "
                                  "toInt64(spend * 1000000) FROM advertiser_overview ORDER BY advertiser_id");
    itest_buf_free(&want);
}

static void test_deleted_facts_left_out(void **state) {
    chs_session *s = *state;
    ad_load(s);
    assert_true(ad_gen.deleted_clicks > 5 && ad_gen.deleted_impressions > 5);
    itest_assert_scalar(s, ad_gen.impressions, "SELECT count() FROM impressions_live");
    itest_assert_scalar(s, ad_gen.clicks, "SELECT count() FROM clicks_live");
    /* the facts table still holds them: the deletes are separate rows */
    assert_true(itest_scalar(s, "SELECT count() FROM clicks_fact FINAL") > (long long)ad_gen.clicks);
    itest_assert_scalar(s, 0, "SELECT count() FROM clicks_live WHERE id IN (SELECT id FROM fact_deletes WHERE table_name = 'clicks')");
}

/* The real captured messages of the four tables, with and without the
 * schema envelope; values as tests/e2e/seed.sql and workload.sql wrote them. */
static void test_real_fixtures(void **state) {
    chs_session *s = *state;
    pipeline_apply(s, "adtech", "ad_fixtures");
    const char *tables[] = {"advertiser", "campaign", "impressions", "clicks"};
    for (int i = 0; i < 4; i++) {
        char rel[128];
        snprintf(rel, sizeof(rel), "plain/dbzplain.public.%s.jsonl", tables[i]);
        pipeline_insert_fixture(s, "adtech_kafka", rel);
        snprintf(rel, sizeof(rel), "with-schema/dbz.public.%s.jsonl", tables[i]);
        pipeline_insert_fixture(s, "adtech_kafka", rel);
    }
    itest_assert_query(s,
        "1\tAcme Rockets\tUS\tUSD\ttrue\t2024-01-02 03:04:05.123456\n"
        "2\tCafé Ünïcødé GmbH\tDE\tEUR\ttrue\t2024-02-29 23:59:59.000000\n",
        "SELECT id, name, country, currency, is_active, created_at FROM advertiser_dim FINAL ORDER BY id");
    /* campaign 11 after T2: active, budget 0.01 + 250.75, bid 3.1416 */
    itest_assert_query(s,
        "11\t1\tbrand \"lift\"\tactive\t250.76\t3.1416\t2024-01-01\t\\N\n"
        "12\t2\tevergreen\tactive\t999999999999.99\t123456.789\t1999-12-31\t2099-12-31\n",
        "SELECT id, advertiser_id, name, status, daily_budget, cpm_bid, start_date, end_date FROM campaign_dim FINAL ORDER BY id");
    itest_assert_query(s,
        "100\t11\tu-1\t0.0025\t2024-03-02 12:00:00.000001\n"
        "102\t12\t\\N\t123.456789\t2024-03-02 12:00:02.000000\n"
        "103\t11\tu-3\t0.000001\t2024-04-02 09:01:00.000000\n"
        "201\t12\tu-1\t0.001\t2024-04-04 00:00:01.000000\n",
        "SELECT id, campaign_id, user_id, cost, shown_at FROM impressions_live ORDER BY id");
    /* click 1001 (cpc -0.0100) was deleted; the truncate is not applied */
    itest_assert_query(s, "1000\t100\t0.35\n1002\t103\t1.2345\n", "SELECT id, impression_id, cpc FROM clicks_live ORDER BY id");
    itest_assert_query(s, "truncate of clicks: not applied\n", "SELECT error FROM adtech_dead_letters FINAL");
    itest_exec(s, "USE ad_main");
}

static int ad_setup(void **state) {
    *state = itest_open();
    return *state ? 0 : -1;
}

static int ad_teardown(void **state) {
    itest_close(*state);
    gen_ad_result_free(&ad_gen);
    return 0;
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_dimensions),
        cmocka_unit_test(test_campaign_ctr),
        cmocka_unit_test(test_daily_performance),
        cmocka_unit_test(test_cost_per_click),
        cmocka_unit_test(test_advertiser_overview),
        cmocka_unit_test(test_deleted_facts_left_out),
        cmocka_unit_test(test_real_fixtures),
    };
    return cmocka_run_group_tests(tests, ad_setup, ad_teardown);
}
