/* gen_campaigns.h — e-mail campaign events as an e-mail service provider
 * posts them to a topic (plain JSON, not Debezium), and the numbers
 * sql/campaigns must report.
 *
 *   {"campaign_id":"<uuid>","workspace_id":"<uuid>","email":"…",
 *    "event_type":"delivered|open|click|bounce|unsubscribe",
 *    "event_time":"2024-06-03T10:15:00.123Z","metadata":{…}}
 *
 * Recipients of each campaign get `delivered` or `bounce`, may open (more
 * than once), click and unsubscribe over the following days.  Webhooks
 * arrive out of order and are retried (duplicates); junk is mixed in. */
#ifndef CDC_GEN_CAMPAIGNS_H
#define CDC_GEN_CAMPAIGNS_H

#include "gen.h"

#define GEN_CMP_CAMPAIGNS 12
#define GEN_CMP_TYPES 5             /* delivered open click bounce unsubscribe */

typedef struct gen_cmp_config {
    uint64_t seed;
    size_t recipients;              /* per campaign */
    double junk_rate, duplicate_rate;
} gen_cmp_config;

gen_cmp_config gen_cmp_config_for(uint64_t seed, size_t messages);

extern const char *const gen_cmp_type_name[GEN_CMP_TYPES];

typedef struct gen_cmp_campaign {
    char campaign_id[37], workspace_id[37];
    uint64_t events[GEN_CMP_TYPES];     /* events by type */
    uint64_t recipients[GEN_CMP_TYPES]; /* distinct e-mail addresses by type */
} gen_cmp_campaign;

/* Events of one (day, campaign, type): a row of email_daily_stats. */
typedef struct gen_cmp_day {
    int64_t day;
    int campaign, type;
    uint64_t events, recipients;
} gen_cmp_day;

typedef struct gen_cmp_result {
    gen_msgs msgs;
    gen_cmp_campaign campaigns[GEN_CMP_CAMPAIGNS];
    gen_cmp_day *days;
    size_t ndays;
    uint64_t events;                    /* rows of email_events */
} gen_cmp_result;

void gen_cmp_generate(const gen_cmp_config *cfg, gen_cmp_result *out);
void gen_cmp_result_free(gen_cmp_result *r);

#endif
