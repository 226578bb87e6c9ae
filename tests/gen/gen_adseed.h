/* gen_adseed.h — Debezium topics of seed 004's AdTech source (advertiser,
 * campaign with bid, budget, start_date, end_date; impressions and clicks
 * with their event time in created_at) and the numbers the seed's KPI views
 * (sql/adtech, mv_*) must report.
 *
 * Shapes as the seed's connector writes them: topic prefix "postgres",
 * decimal.handling.mode=string (bid and budget as "12.50"), dates as days
 * since 1970-01-01, timestamps (PostgreSQL timestamp) as microseconds since
 * the epoch, advertiser times as ISO text (timestamptz).  The story: a
 * snapshot of advertisers and campaigns, then impressions and clicks over a
 * week, bid and budget changes, renames, one campaign deleted, some
 * impressions and clicks deleted (key-only "before" and a tombstone), some
 * messages delivered twice, junk mixed in. */
#ifndef CDC_GEN_ADSEED_H
#define CDC_GEN_ADSEED_H

#include "gen.h"

#define GEN_ADS_ADVERTISERS 6
#define GEN_ADS_CAMPAIGNS 24
#define GEN_ADS_DAYS 8

typedef struct gen_ads_campaign {
    int64_t id, advertiser_id;
    char name[48];
    int64_t bid_cents, budget_cents;
    int live;
    uint64_t impressions, clicks;   /* live facts */
} gen_ads_campaign;

typedef struct gen_ads_advertiser {
    int64_t id;
    char name[48];
    uint64_t campaigns;             /* live campaigns */
    int64_t budget_cents;           /* their budgets */
    uint64_t impressions, clicks;
} gen_ads_advertiser;

typedef struct gen_ads_day {
    int64_t day;                    /* days since 1970-01-01 */
    uint64_t impressions, clicks;   /* live facts of any campaign */
} gen_ads_day;

typedef struct gen_ads_result {
    gen_msgs msgs;
    gen_ads_advertiser advertisers[GEN_ADS_ADVERTISERS];
    gen_ads_campaign campaigns[GEN_ADS_CAMPAIGNS];
    gen_ads_day days[GEN_ADS_DAYS + 1];   /* clicks may land on the day after the last */
    uint64_t impressions, clicks, deleted_impressions, deleted_clicks;
} gen_ads_result;

/* About `impressions` impressions, 8% of them clicked. */
void gen_ads_generate(uint64_t seed, size_t impressions, gen_ads_result *out);
void gen_ads_result_free(gen_ads_result *r);

#endif
