/* test_pipeline_adtech_seed.c — seed 004 ("AdTech Data Pipeline") on
 * sql/adtech: the pipeline applied into the seed's database `analytics`,
 * fed the seed's source (advertiser, campaign with bid and budget,
 * impressions and clicks with created_at; tests/gen/gen_adseed.h) in blocks
 * with one block delivered twice.  Every example query of the seed runs
 * verbatim from tests/fixtures/seeds/004/queries.sql and must return what
 * the generator computed from its own model; none of the seed's source rows
 * is a dead letter. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "gen_adseed.h"
#include "itest.h"
#include "pipeline.h"
#include "seedq.h"

#define ADS_SEED 4004
#define ADS_IMPRESSIONS 12000

static gen_ads_result ads;
static seedq_list queries;

/* Campaign Performance Overview: campaign_id, campaign_name, advertiser_name, impressions, clicks, ctr. */
static void ads_want_campaign_ctr(itest_buf *b) {
    for (size_t i = 0; i < GEN_ADS_CAMPAIGNS; i++) {
        const gen_ads_campaign *c = &ads.campaigns[i];
        if (!c->live) continue;
        itest_buf_printf(b, "%lld\t", (long long)c->id);
        seedq_tsv(b, c->name);
        itest_buf_putc(b, '\t');
        seedq_tsv(b, ads.advertisers[c->advertiser_id - 1].name);
        itest_buf_printf(b, "\t%llu\t%llu\t", (unsigned long long)c->impressions, (unsigned long long)c->clicks);
        seedq_ratio(b, c->clicks, c->impressions);
        itest_buf_putc(b, '\n');
    }
}

/* Daily Performance Trend: event_date, impressions, clicks, daily_ctr. */
static void ads_want_daily(itest_buf *b) {
    for (size_t i = 0; i < GEN_ADS_DAYS + 1; i++) {
        const gen_ads_day *d = &ads.days[i];
        if (!d->impressions && !d->clicks) continue;
        char day[24];
        gen_date(day, d->day);
        itest_buf_printf(b, "%s\t%llu\t%llu\t", day, (unsigned long long)d->impressions, (unsigned long long)d->clicks);
        seedq_ratio(b, d->clicks, d->impressions);
        itest_buf_putc(b, '\n');
    }
}

/* Cost Per Click Analysis: campaign_id, campaign_name, bid_amount, impressions, clicks,
 * cost_per_click = bid × impressions / clicks, truncated to 6 decimals. */
static void ads_want_efficiency(itest_buf *b) {
    for (size_t i = 0; i < GEN_ADS_CAMPAIGNS; i++) {
        const gen_ads_campaign *c = &ads.campaigns[i];
        if (!c->live) continue;
        itest_buf_printf(b, "%lld\t", (long long)c->id);
        seedq_tsv(b, c->name);
        itest_buf_printf(b, "\t%lld.%02lld\t%llu\t%llu\t", (long long)(c->bid_cents / 100), (long long)(c->bid_cents % 100),
                         (unsigned long long)c->impressions, (unsigned long long)c->clicks);
        if (!c->clicks) {
            itest_buf_puts(b, "\\N\n");
            continue;
        }
        unsigned long long micro = (unsigned long long)c->bid_cents * 10000ULL * c->impressions / c->clicks;
        itest_buf_printf(b, "%llu.%06llu\n", micro / 1000000ULL, micro % 1000000ULL);
    }
}

/* Advertiser Summary: advertiser_id, advertiser_name, campaign_count, total_budget, impressions, clicks, overall_ctr. */
static void ads_want_advertisers(itest_buf *b) {
    for (size_t i = 0; i < GEN_ADS_ADVERTISERS; i++) {
        const gen_ads_advertiser *a = &ads.advertisers[i];
        itest_buf_printf(b, "%lld\t", (long long)a->id);
        seedq_tsv(b, a->name);
        itest_buf_printf(b, "\t%llu\t%lld.%02lld\t%llu\t%llu\t", (unsigned long long)a->campaigns,
                         (long long)(a->budget_cents / 100), (long long)(a->budget_cents % 100),
                         (unsigned long long)a->impressions, (unsigned long long)a->clicks);
        seedq_ratio(b, a->clicks, a->impressions);
        itest_buf_putc(b, '\n');
    }
}

static void test_seed_queries_verbatim(void **state) {
    chs_session *s = *state;
    assert_true(ads.impressions > 10000 && ads.clicks > 500 && ads.deleted_clicks > 0 && ads.deleted_impressions > 0);
    assert_int_equal(queries.n, 4);
    void (*want[4])(itest_buf *) = {ads_want_campaign_ctr, ads_want_daily, ads_want_efficiency, ads_want_advertisers};
    /* the column each query orders by, and whether descending */
    const int order_col[4] = {5, 0, 5, 6}, desc[4] = {1, 1, 0, 1};
    for (size_t q = 0; q < 4; q++) {
        itest_buf b = {0};
        want[q](&b);
        seedq_assert(s, queries.text[q], b.p, order_col[q], desc[q]);
        itest_buf_free(&b);
    }
}

static void test_seed_rows_are_not_dead_letters(void **state) {
    chs_session *s = *state;
    pipeline_assert_dead_letters(s, "adtech_dead_letters", &ads.msgs);
    itest_assert_scalar(s, 1, "SELECT count() FROM adtech_dead_letters FINAL WHERE error LIKE 'campaign.bid or budget is not a Debezium decimal%%'");
}

/* The seed's dimensional model holds what the source holds now. */
static void test_seed_model(void **state) {
    chs_session *s = *state;
    itest_buf b = {0};
    for (size_t i = 0; i < GEN_ADS_CAMPAIGNS; i++) {
        const gen_ads_campaign *c = &ads.campaigns[i];
        if (!c->live) continue;
        itest_buf_printf(&b, "%lld\t%lld\t%lld\t%lld\t%s\n", (long long)c->id, (long long)c->bid_cents,
                         (long long)c->budget_cents, (long long)c->advertiser_id, c->id % 3 ? "2024-06-30" : "\\N");
    }
    itest_assert_query(s, b.p, "SELECT campaign_id, toInt64(bid * 100), toInt64(budget * 100), advertiser_id, end_date "
                               "FROM analytics.dim_campaign FINAL ORDER BY campaign_id");
    itest_buf_clear(&b);
    for (size_t i = 0; i < GEN_ADS_ADVERTISERS; i++) {
        itest_buf_printf(&b, "%lld\t", (long long)ads.advertisers[i].id);
        seedq_tsv(&b, ads.advertisers[i].name);
        itest_buf_putc(&b, '\n');
    }
    itest_assert_query(s, b.p, "SELECT advertiser_id, name FROM analytics.dim_advertiser FINAL ORDER BY advertiser_id");
    itest_buf_free(&b);
    itest_assert_scalar(s, ads.impressions, "SELECT count() FROM analytics.fact_impressions_live");
    itest_assert_scalar(s, ads.clicks, "SELECT count() FROM analytics.fact_clicks_live");
    /* per campaign and day, campaigns that exist */
    unsigned long long imps = 0, clicks = 0;
    for (size_t i = 0; i < GEN_ADS_CAMPAIGNS; i++)
        if (ads.campaigns[i].live) imps += ads.campaigns[i].impressions, clicks += ads.campaigns[i].clicks;
    char line[64];
    snprintf(line, sizeof(line), "%llu\t%llu\n", imps, clicks);
    itest_assert_query(s, line, "SELECT sum(impressions), sum(clicks) FROM analytics.mv_campaign_daily_performance");
}

static int ads_setup(void **state) {
    chs_session *s = itest_open();
    if (!s) return -1;
    *state = s;
    if (seedq_load("004", &queries) < 0) return -1;
    gen_ads_generate(ADS_SEED, ADS_IMPRESSIONS, &ads);
    pipeline_apply(s, "adtech", "analytics");
    pipeline_stream(s, "adtech_kafka", &ads.msgs, 5, 1);
    return 0;
}

static int ads_teardown(void **state) {
    itest_close(*state);
    gen_ads_result_free(&ads);
    seedq_free(&queries);
    return 0;
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_seed_queries_verbatim),
        cmocka_unit_test(test_seed_rows_are_not_dead_letters),
        cmocka_unit_test(test_seed_model),
    };
    return cmocka_run_group_tests(tests, ads_setup, ads_teardown);
}
