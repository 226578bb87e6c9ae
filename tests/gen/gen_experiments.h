/* gen_experiments.h — the A/B-testing outbox topic (experiments_events) and
 * the numbers sql/experiments must report for it.
 *
 * The model: users are assigned to a variant of each experiment (an
 * `assignment` outbox event), then may see the feature (`exposure`, one or
 * more), `click`, and `conversion` with a revenue value.  Every event is a
 * row of public.outbox_events (tests/e2e/schema.sql) whose `payload` text is
 * built like e2e_outbox_payload() builds it, captured by Debezium:
 *
 *   - as seed 000 writes them: events of aggregate_type 'event' (aggregate_id
 *     the event id) and assignments of aggregate_type 'assignment'; half the
 *     events are published under their assignment instead, as our e2e
 *     application does; rows of another aggregate sharing the outbox
 *     ('experiment') must be skipped;
 *   - a user's events of one assignment share a session, a conversion a day
 *     or more later has a session of its own, some events have none;
 *
 *   - rows committed before the connector started arrive as a snapshot (op r);
 *   - later rows as inserts (op c); about a third are deleted again in the
 *     same transaction by the outbox clean-up (op d + tombstone), which must
 *     NOT retract the event;
 *   - delivery is out of order: partitions interleave (minutes of jitter),
 *     some events are committed hours after they happened (late uploads), so
 *     events often arrive before their assignment;
 *   - some events happened before the user's assignment (client clocks): they
 *     are stored with is_valid = 0 and left out of every statistic;
 *   - some messages are delivered twice (at-least-once);
 *   - junk: broken JSON, text, heartbeats, transaction metadata, outbox rows
 *     whose payload is not JSON, has an unparseable timestamp, an
 *     out-of-range experiment id or an unknown event type, and truncates.
 *
 * The expected numbers are computed here from the model's own records (never
 * from the messages), with the definitions documented in sql/experiments. */
#ifndef CDC_GEN_EXPERIMENTS_H
#define CDC_GEN_EXPERIMENTS_H

#include "gen.h"

#define GEN_EXP_VARIANTS 7          /* variants over all experiments */
#define GEN_EXP_FUNNEL_WINDOW_US GEN_US_PER_DAY

typedef struct gen_exp_config {
    uint64_t seed;
    size_t users;                   /* each joins each experiment with probability 0.6 */
    double junk_rate;               /* junk messages per change message */
    double duplicate_rate;          /* re-delivered change messages per change message */
} gen_exp_config;

/* A config sized for about `messages` messages in total. */
gen_exp_config gen_exp_config_for(uint64_t seed, size_t messages);

/* Expected numbers of one variant.  "valid" = not before the assignment. */
typedef struct gen_exp_variant {
    uint32_t experiment_id, variant_id;
    const char *key;                /* variant_key; "control" is the baseline */
    uint64_t assigned;              /* users assigned */
    uint64_t users;                 /* users with a valid exposure, click or conversion */
    uint64_t exposures, clicks, conversions;   /* valid events */
    uint64_t converters;            /* users with a valid conversion */
    int64_t revenue_cents;          /* sum of the valid conversions' value */
    uint64_t funnel[4];             /* users whose windowFunnel level is >= 1, 2, 3, 4 */
    double intended_share;          /* the split the experiment intends: 1 / its variants */
    uint64_t sessions;              /* sessions with a valid event */
    uint64_t session_events;        /* valid events in them */
    int64_t session_ms;             /* the sum of their durations (first to last event) */
} gen_exp_variant;

/* seed 002's analytics: one (variant, assignment day, whole days to the
 * first valid conversion) of conversion_cohorts. */
typedef struct gen_exp_cohort {
    int variant;                    /* index into variants[] */
    int64_t day;                    /* the assignment day, days since 1970-01-01 */
    int64_t days_since;
    uint64_t cohort_size;           /* users assigned to the variant that day */
    uint64_t converters;
} gen_exp_cohort;

/* The pages events are shown on; attribution credits them. */
#define GEN_EXP_PAGES 6
extern const char *const gen_exp_pages[GEN_EXP_PAGES];

/* One variant's conversions credited to a page (GEN_EXP_PAGES: '(none)'),
 * by model (0: first touch, 1: last touch). */
typedef struct gen_exp_credit {
    uint64_t conversions;
    int64_t revenue_cents;
} gen_exp_credit;

/* One (day, variant) of experiment_daily_stats. */
typedef struct gen_exp_day {
    int64_t day;                    /* days since 1970-01-01 */
    int variant;                    /* index into variants[] */
    uint64_t users, exposures, clicks, conversions;
    int64_t revenue_cents;
} gen_exp_day;

typedef struct gen_exp_result {
    gen_msgs msgs;                  /* in delivery order */
    gen_exp_variant variants[GEN_EXP_VARIANTS];
    gen_exp_day *days;
    size_t ndays;
    uint64_t assignments;           /* rows of assignments_processed */
    uint64_t events;                /* rows of events_processed (all non-assignment events) */
    uint64_t invalid_events;        /* of which before their assignment (is_valid = 0) */
    uint64_t hourly_groups;         /* (experiment, variant, hour) with a valid event */
    uint64_t user_rows;             /* (experiment, variant, user) with a valid event */
    int64_t created_lag_us;         /* over events_processed: sum of created_at (the commit) - timestamp */
    gen_exp_cohort *cohorts;        /* sorted by variant, day, days_since */
    size_t ncohorts;
    gen_exp_credit credits[GEN_EXP_VARIANTS][2][GEN_EXP_PAGES + 1];
} gen_exp_result;

void gen_exp_generate(const gen_exp_config *cfg, gen_exp_result *out);
void gen_exp_result_free(gen_exp_result *r);

/* Two-proportion z-test with pooled variance (what proportionsZTest(…,
 * 'pooled') computes): successes/trials of a variant against the control. */
void gen_exp_ztest(uint64_t x1, uint64_t n1, uint64_t x0, uint64_t n0, double *z, double *p_value);

#endif
