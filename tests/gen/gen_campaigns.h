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
 * arrive out of order and are retried (duplicates); junk is mixed in.
 * Campaign 0 and its workspace carry the ids of seed 003's sample event.
 *
 * Before sending, the application announces each campaign's audience and
 * (for three campaigns in four) its template on topics of their own
 * (campaign.audience_ready, campaign.template_ready):
 *   {"campaign_id":"<uuid>","workspace_id":"<uuid>","event_time":"…","metadata":{…}} */
#ifndef CDC_GEN_CAMPAIGNS_H
#define CDC_GEN_CAMPAIGNS_H

#include "gen.h"

#define GEN_CMP_CAMPAIGNS 12
#define GEN_CMP_TYPES 5             /* delivered open click bounce unsubscribe */
#define GEN_CMP_SEED_CAMPAIGN "123e4567-e89b-12d3-a456-426614174000"   /* seed 003's sample event */
#define GEN_CMP_SEED_WORKSPACE "987e6543-e21b-32d1-a654-426614174999"

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
    int64_t audience_ready_us;          /* when the audience was announced */
    int64_t template_ready_us;          /* when the template was, or -1: not announced */
    int64_t first_delivered_us;         /* the first `delivered` event */
} gen_cmp_campaign;

/* One stored e-mail event (a row of email_events). */
typedef struct gen_cmp_event {
    int campaign, type;
    uint32_t recipient;
    int64_t us;                         /* event_time, whole milliseconds */
} gen_cmp_event;

/* Events of one (day, campaign, type): a row of email_daily_stats. */
typedef struct gen_cmp_day {
    int64_t day;
    int campaign, type;
    uint64_t events, recipients;
} gen_cmp_day;

typedef struct gen_cmp_result {
    gen_msgs msgs;                      /* topic campaign.event_tracking */
    gen_msgs audience, templates;       /* campaign.audience_ready, campaign.template_ready (with retries and junk) */
    gen_cmp_event *ev;                  /* the stored events, by campaign, type, day, recipient */
    size_t nev;
    gen_cmp_campaign campaigns[GEN_CMP_CAMPAIGNS];
    gen_cmp_day *days;
    size_t ndays;
    uint64_t events;                    /* rows of email_events */
} gen_cmp_result;

/* The address of recipient r (the same in every campaign). */
void gen_cmp_email(uint32_t r, char *out, size_t cap);

void gen_cmp_generate(const gen_cmp_config *cfg, gen_cmp_result *out);
void gen_cmp_result_free(gen_cmp_result *r);

#endif
