/* gen_adtech.h — Debezium topics of the ad-tech tables (advertiser,
 * campaign, impressions, clicks: tests/e2e/schema.sql) and the KPIs
 * sql/adtech must report.
 *
 * Shapes as the fixtures: money columns as "precise" decimals (base64 of the
 * unscaled value), dates as days since 1970-01-01, timestamptz as ISO text
 * with microseconds, updates without "before", deletes with a key-only
 * "before" and a tombstone.  The story: a snapshot of two weeks of data,
 * then streaming impressions and clicks, dimension updates (advertisers
 * switched off and on, campaigns paused, budgets and bids changed), new
 * campaigns, draft campaigns deleted, an advertiser deleted, impression
 * costs corrected, fraudulent clicks and some unclicked impressions deleted.
 * Clicks often arrive before their impressions (separate topics), some
 * messages are delivered twice, junk is mixed in. */
#ifndef CDC_GEN_ADTECH_H
#define CDC_GEN_ADTECH_H

#include "gen.h"

typedef struct gen_ad_config {
    uint64_t seed;
    size_t impressions;             /* impressions created */
    double junk_rate, duplicate_rate;
} gen_ad_config;

gen_ad_config gen_ad_config_for(uint64_t seed, size_t messages);

/* Money is kept exact in micro-units (scale 6): cost is numeric(12,6),
 * cpc numeric(10,4) (x100), budgets numeric(14,2). */
typedef struct gen_ad_campaign {
    int64_t id, advertiser_id;
    char name[64], status[16];
    int64_t daily_budget_cents, cpm_bid_units;   /* scale 2, scale 4 */
    int live;                       /* exists at the end (not deleted) */
    uint64_t impressions, clicks;   /* live facts */
    int64_t impression_spend, click_spend;       /* micro-units */
} gen_ad_campaign;

typedef struct gen_ad_advertiser {
    int64_t id;
    char name[64], country[3];
    int is_active, live;
    uint64_t campaigns, active_campaigns;        /* live campaigns; of which status 'active' */
    uint64_t impressions, clicks;
    int64_t spend;                  /* impression + click spend, micro-units */
} gen_ad_advertiser;

/* One (campaign, day), or a day over all campaigns (campaign_id 0). */
typedef struct gen_ad_day {
    int64_t campaign_id, day;
    uint64_t impressions, clicks;
    int64_t impression_spend, click_spend;
} gen_ad_day;

typedef struct gen_ad_result {
    gen_msgs msgs;
    gen_ad_advertiser *advertisers;
    size_t nadvertisers;
    gen_ad_campaign *campaigns;
    size_t ncampaigns;
    gen_ad_day *campaign_days;      /* sorted by campaign, day */
    size_t ncampaign_days;
    gen_ad_day *days;               /* totals, sorted by day */
    size_t ndays;
    uint64_t impressions, clicks;   /* live facts */
    uint64_t deleted_impressions, deleted_clicks, deleted_campaigns, deleted_advertisers;
} gen_ad_result;

void gen_ad_generate(const gen_ad_config *cfg, gen_ad_result *out);
void gen_ad_result_free(gen_ad_result *r);

#endif
