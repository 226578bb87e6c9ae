/* gen_experiments.c — outbox events of A/B tests and their expected statistics (see gen_experiments.h). */
#include "gen_experiments.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

enum { EV_ASSIGNMENT, EV_EXPOSURE, EV_CLICK, EV_CONVERSION };
static const char *const exp_type_name[] = {"assignment", "exposure", "click", "conversion"};

typedef struct exp_variant_def {
    int experiment;                 /* index into exp_ids */
    uint32_t variant_id;
    const char *key;
    double p_convert;               /* conversion probability of a user who clicked */
} exp_variant_def;

static const uint32_t exp_ids[] = {101, 102, 103};
static const exp_variant_def exp_variants[GEN_EXP_VARIANTS] = {
    {0, 1011, "control", 0.25},   {0, 1012, "treatment", 0.34},
    {1, 1021, "control", 0.20},   {1, 1022, "blue", 0.21},      {1, 1023, "green", 0.29},
    {2, 1031, "control", 0.40},   {2, 1032, "treatment", 0.33},
};
const char *const gen_exp_pages[GEN_EXP_PAGES] = {"/home", "/pricing", "/checkout", "/docs", "/p/blue-mug", "/"};
static const char *const exp_devices[] = {"ios", "android", "web", "tv"};

/* One assignment of a user to a variant. */
typedef struct exp_assign {
    uint32_t id;                    /* assignments.id, the outbox aggregate_id */
    uint32_t user;
    int variant;
    int64_t at_us;
} exp_assign;

/* One outbox row (an event of any type). */
typedef struct exp_row {
    char id[37];
    uint32_t assign;                /* index into the assignment array */
    int type;
    int64_t ts_us;                  /* the event's own time (payload "timestamp") */
    int64_t commit_us;              /* when the outbox row was committed (created_at) */
    int64_t value_cents;
    int score;                      /* 0..100 -> 0.00..1.00 */
    int page, device, session;      /* session < 0: null; else the journey's 0, or 1 for a late conversion */
    int as_event;                   /* published as aggregate_type 'event' (seed 000), else under the assignment */
} exp_row;

typedef struct exp_model {
    gen_rng rng;
    const gen_exp_config *cfg;
    exp_assign *assign;
    size_t nassign, cap_assign;
    exp_row *rows;
    size_t nrows, cap_rows;
    int64_t t0, snapshot_at;
} exp_model;

gen_exp_config gen_exp_config_for(uint64_t seed, size_t messages) {
    /* about 8.2 messages per user: 1.8 assignments, 2.7 outbox rows each,
     * a third of the streamed rows followed by a clean-up delete and its tombstone */
    gen_exp_config c = {seed, messages / 8 + 10, 0.004, 0.005};
    return c;
}

/* ------------------------------------------------------------ the model */

static exp_row *exp_add_row(exp_model *m, uint32_t assign, int type, int64_t ts_us) {
    if (m->nrows == m->cap_rows) {
        m->cap_rows = m->cap_rows ? m->cap_rows * 2 : 4096;
        m->rows = realloc(m->rows, m->cap_rows * sizeof(*m->rows));
        if (!m->rows) abort();
    }
    exp_row *r = &m->rows[m->nrows++];
    memset(r, 0, sizeof(*r));
    gen_uuid(&m->rng, r->id);
    r->assign = assign;
    r->type = type;
    r->ts_us = ts_us / 1000 * 1000;           /* the payload carries milliseconds */
    r->score = (int)gen_below(&m->rng, 101);
    r->page = (int)gen_below(&m->rng, GEN_EXP_PAGES);
    r->device = (int)gen_below(&m->rng, sizeof(exp_devices) / sizeof(exp_devices[0]));
    r->session = gen_chance(&m->rng, 0.05) ? -1 : 0;
    r->as_event = type != EV_ASSIGNMENT && gen_chance(&m->rng, 0.5);
    /* Most rows are committed right away; some are uploaded hours later. */
    r->commit_us = r->ts_us + (gen_chance(&m->rng, 0.02) ? gen_range(&m->rng, 1, 30) * GEN_US_PER_HOUR
                                                         : gen_range(&m->rng, 5000, 900000));
    return r;
}

/* The events of one assignment: exposures, a click, a conversion, and now
 * and then an event stamped before the assignment. */
static void exp_user_journey(exp_model *m, uint32_t a) {
    gen_rng *g = &m->rng;
    const exp_assign *as = &m->assign[a];
    int64_t t = as->at_us;
    exp_add_row(m, a, EV_ASSIGNMENT, t);
    if (gen_chance(g, 0.04)) exp_add_row(m, a, EV_EXPOSURE, t - gen_range(g, 1, 7200) * GEN_US_PER_SEC);
    if (gen_chance(g, 0.01)) exp_add_row(m, a, EV_CLICK, t - gen_range(g, 1, 7200) * GEN_US_PER_SEC);
    if (!gen_chance(g, 0.85)) return;
    int exposures = 1 + gen_chance(g, 0.3) + gen_chance(g, 0.1);
    for (int i = 0; i < exposures; i++) exp_add_row(m, a, EV_EXPOSURE, t += gen_range(g, 5, 1800) * GEN_US_PER_SEC);
    if (!gen_chance(g, 0.4)) return;
    exp_add_row(m, a, EV_CLICK, t += gen_range(g, 2, 600) * GEN_US_PER_SEC);
    if (!gen_chance(g, exp_variants[as->variant].p_convert)) return;
    /* 15% convert a day or two later: outside the one-day funnel window, in a session of their own. */
    int late = gen_chance(g, 0.15);
    t += late ? gen_range(g, 26 * 3600, 60 * 3600) * GEN_US_PER_SEC : gen_range(g, 30, 10800) * GEN_US_PER_SEC;
    exp_row *r = exp_add_row(m, a, EV_CONVERSION, t);
    r->value_cents = gen_range(g, 500, 25000);
    if (late && r->session == 0) r->session = 1;
}

static void exp_build(exp_model *m) {
    uint32_t next_id = 1;
    for (uint32_t u = 0; u < m->cfg->users; u++) {
        for (int e = 0; e < 3; e++) {
            if (!gen_chance(&m->rng, 0.6)) continue;
            int first = -1, n = 0;
            for (int v = 0; v < GEN_EXP_VARIANTS; v++) {
                if (exp_variants[v].experiment != e) continue;
                if (first < 0) first = v;
                n++;
            }
            if (m->nassign == m->cap_assign) {
                m->cap_assign = m->cap_assign ? m->cap_assign * 2 : 4096;
                m->assign = realloc(m->assign, m->cap_assign * sizeof(*m->assign));
                if (!m->assign) abort();
            }
            exp_assign *as = &m->assign[m->nassign];
            as->id = next_id++;
            as->user = u;
            as->variant = first + (int)gen_below(&m->rng, (uint64_t)n);
            as->at_us = m->t0 + gen_range(&m->rng, 0, 7 * 86400 - 1) * GEN_US_PER_SEC + gen_range(&m->rng, 0, 999999);
            exp_user_journey(m, (uint32_t)m->nassign++);
        }
    }
}

/* ------------------------------------------------------------- messages */

static void exp_user_name(uint32_t u, char *out, size_t cap) {
    if (u % 997 == 5) snprintf(out, cap, "user-ü \"q%u\" \\%u", u, u);   /* quotes, backslash, UTF-8 */
    else snprintf(out, cap, "user-%06u", u);
}

/* The payload text, as PostgreSQL's json_build_object(...)::text writes it. */
static void exp_payload(const exp_model *m, const exp_row *r, gen_buf *out) {
    const exp_assign *as = &m->assign[r->assign];
    const exp_variant_def *v = &exp_variants[as->variant];
    char user[64], ts[40], at[40], session[40];
    exp_user_name(as->user, user, sizeof(user));
    gen_iso(ts, r->ts_us, 3);
    gen_iso(at, as->at_us / 1000 * 1000, 3);
    gen_printf(out, "{\"id\" : \"%s\", \"experiment_id\" : %u, \"user_id\" : ", r->id, exp_ids[v->experiment]);
    gen_json_str(out, user);
    gen_printf(out, ", \"variant_id\" : %u, \"variant_key\" : \"%s\", \"event_type\" : \"%s\", ", v->variant_id, v->key,
               exp_type_name[r->type]);
    gen_printf(out, "\"timestamp\" : \"%s\", \"assignment_at\" : \"%s\", ", ts, at);
    gen_printf(out, "\"properties\" : {\"page\" : \"%s\", \"device\" : \"%s\", \"value\" : ", gen_exp_pages[r->page],
               exp_devices[r->device]);
    if (r->type == EV_CONVERSION) gen_printf(out, "%lld.%02lld", (long long)(r->value_cents / 100), (long long)(r->value_cents % 100));
    else gen_puts(out, "0");
    gen_printf(out, ", \"score\" : %g}, \"session_id\" : ", r->score / 100.0);
    snprintf(session, sizeof(session), "sess-%u-%d", as->id, r->session);
    gen_json_str(out, r->session < 0 ? NULL : session);
    gen_puts(out, "}");
}

static void exp_after(const exp_model *m, const exp_row *r, const char *payload, gen_buf *out) {
    char created[40];
    gen_iso(created, r->commit_us, 6);
    if (r->as_event)   /* seed 000's shape: the event is its own aggregate */
        gen_printf(out, "{\"id\":\"%s\",\"aggregate_type\":\"event\",\"aggregate_id\":\"%s\",\"event_type\":\"EVENT_CREATED\",\"payload\":",
                   r->id, r->id);
    else
        gen_printf(out, "{\"id\":\"%s\",\"aggregate_type\":\"assignment\",\"aggregate_id\":\"%u\",\"event_type\":\"%s\",\"payload\":",
                   r->id, m->assign[r->assign].id, exp_type_name[r->type]);
    gen_json_str(out, payload);
    gen_printf(out, ",\"created_at\":\"%s\"}", created);
}

static int exp_row_by_commit(const void *a, const void *b) {
    const exp_row *x = a, *y = b;
    if (x->commit_us != y->commit_us) return x->commit_us < y->commit_us ? -1 : 1;
    return strcmp(x->id, y->id);
}

typedef struct exp_emit {
    gen_dbz conn;
    gen_buf payload, after, before, msg;
} exp_emit;

/* Adds one change message (and, for a change, maybe a later re-delivery). */
static void exp_add_change(exp_model *m, gen_msgs *out, int64_t order, gen_kind kind, const gen_buf *msg) {
    gen_msgs_add(out, order, kind, msg->p, msg->n);
    if (kind == GEN_CHANGE && gen_chance(&m->rng, m->cfg->duplicate_rate))
        gen_msgs_add(out, order + gen_range(&m->rng, 60, 7200) * GEN_US_PER_SEC, GEN_DUPLICATE, msg->p, msg->n);
}

static void exp_emit_row(exp_model *m, exp_emit *e, const exp_row *r, gen_change *ch, int64_t order, gen_msgs *out) {
    gen_buf_clear(&e->payload);
    gen_buf_clear(&e->after);
    gen_buf_clear(&e->msg);
    exp_payload(m, r, &e->payload);
    exp_after(m, r, e->payload.p, &e->after);
    ch->after = e->after.p;
    ch->before = NULL;
    gen_dbz_write(&e->msg, &e->conn, ch);
    exp_add_change(m, out, order, GEN_CHANGE, &e->msg);
}

static void exp_emit_cleanup(exp_emit *e, const exp_row *r, gen_change *ch, int64_t order, gen_msgs *out) {
    gen_buf_clear(&e->before);
    gen_buf_clear(&e->msg);
    gen_printf(&e->before,
               "{\"id\":\"%s\",\"aggregate_type\":\"\",\"aggregate_id\":\"\",\"event_type\":\"\",\"payload\":\"\","
               "\"created_at\":\"1970-01-01T00:00:00Z\"}",
               r->id);
    gen_dbz_next(&e->conn, ch);
    ch->op = 'd';
    ch->before = e->before.p;
    ch->after = NULL;
    ch->ts_us += 150;
    gen_dbz_write(&e->msg, &e->conn, ch);
    gen_msgs_add(out, order + 1, GEN_IGNORED, e->msg.p, e->msg.n);
    gen_msgs_add(out, order + 2, GEN_TOMBSTONE, "", 0);
}

/* Rows committed before the connector started: one snapshot transaction. */
static size_t exp_emit_snapshot(exp_model *m, exp_emit *e, gen_msgs *out) {
    size_t n = 0;
    while (n < m->nrows && m->rows[n].commit_us < m->snapshot_at) n++;
    gen_change ch = {.schema = "public", .table = "outbox_events", .op = 'r'};
    gen_dbz_begin(&e->conn, &ch);
    for (size_t i = 0; i < n; i++) {
        ch.snapshot = gen_dbz_snapshot_marker(i, n, 1, 1);
        ch.source_us = m->snapshot_at;
        ch.ts_us = m->snapshot_at + 200000 + (int64_t)i * 40;
        exp_emit_row(m, e, &m->rows[i], &ch, m->snapshot_at + (int64_t)i, out);
    }
    return n;
}

/* A row of another aggregate sharing the outbox (an experiment's settings):
 * the pipeline skips it, as seed 000's aggregate_type filter does. */
static void exp_emit_foreign(exp_model *m, exp_emit *e, const exp_row *r, int64_t order, gen_msgs *out) {
    char id[37];
    gen_uuid(&m->rng, id);
    gen_buf_clear(&e->after);
    gen_buf_clear(&e->msg);
    gen_printf(&e->after, "{\"id\":\"%s\",\"aggregate_type\":\"experiment\",\"aggregate_id\":\"101\","
               "\"event_type\":\"EXPERIMENT_UPDATED\",\"payload\":", id);
    gen_json_str(&e->after, "{\"id\" : 101, \"name\" : \"checkout button\", \"status\" : \"running\"}");
    gen_puts(&e->after, ",\"created_at\":\"2024-04-03T10:00:00.000000Z\"}");
    gen_change ch = {.schema = "public", .table = "outbox_events", .op = 'c', .snapshot = "false", .after = e->after.p};
    gen_dbz_begin(&e->conn, &ch);
    ch.source_us = r->commit_us;
    ch.ts_us = r->commit_us + 1000;
    gen_dbz_write(&e->msg, &e->conn, &ch);
    gen_msgs_add(out, order + 3, GEN_IGNORED, e->msg.p, e->msg.n);
}

/* Streaming: one transaction per row; a third are cleaned up in it. */
static void exp_emit_stream(exp_model *m, exp_emit *e, size_t from, gen_msgs *out) {
    for (size_t i = from; i < m->nrows; i++) {
        exp_row *r = &m->rows[i];
        gen_change ch = {.schema = "public", .table = "outbox_events", .op = 'c', .snapshot = "false"};
        gen_dbz_begin(&e->conn, &ch);
        ch.source_us = r->commit_us;
        ch.ts_us = r->commit_us + gen_range(&m->rng, 150000, 900000);
        int64_t order = ch.ts_us + gen_range(&m->rng, 0, 300) * GEN_US_PER_SEC;   /* partitions interleave */
        exp_emit_row(m, e, r, &ch, order, out);
        if (gen_chance(&m->rng, 0.35)) exp_emit_cleanup(e, r, &ch, order, out);
        if (gen_chance(&m->rng, 0.01)) exp_emit_foreign(m, e, r, order, out);
    }
}

/* Junk kinds beyond the common ones: outbox rows our SQL or functions reject. */
static void exp_junk(exp_model *m, exp_emit *e, unsigned kind, uint64_t serial, gen_buf *out) {
    char id[37], payload[512];
    gen_uuid(&m->rng, id);
    const char *ts = "2024-04-03T10:00:00.000Z";
    switch (kind) {
    case 0: snprintf(payload, sizeof(payload), "<event id=\"%llu\"/>", (unsigned long long)serial); break;
    case 1:
        snprintf(payload, sizeof(payload),
                 "{\"id\" : \"%s\", \"experiment_id\" : 101, \"user_id\" : \"user-x\", \"variant_id\" : 1011, "
                 "\"event_type\" : \"click\", \"timestamp\" : \"yesterday %llu\"}",
                 id, (unsigned long long)serial);
        break;
    case 2:
        snprintf(payload, sizeof(payload),
                 "{\"id\" : \"%s\", \"experiment_id\" : -%llu, \"user_id\" : \"user-x\", \"variant_id\" : 1011, "
                 "\"event_type\" : \"click\", \"timestamp\" : \"%s\"}",
                 id, (unsigned long long)serial + 1, ts);
        break;
    default:
        snprintf(payload, sizeof(payload),
                 "{\"id\" : \"%s\", \"experiment_id\" : 101, \"user_id\" : \"user-x\", \"variant_id\" : 1011, "
                 "\"variant_key\" : \"control\", \"event_type\" : \"hover\", \"timestamp\" : \"%s\", "
                 "\"assignment_at\" : null, \"properties\" : {}, \"session_id\" : null}",
                 id, ts);
        break;
    }
    gen_buf_clear(&e->after);
    gen_printf(&e->after, "{\"id\":\"%s\",\"aggregate_type\":\"assignment\",\"aggregate_id\":\"0\",\"event_type\":\"x\",\"payload\":", id);
    gen_json_str(&e->after, payload);
    gen_puts(&e->after, ",\"created_at\":\"2024-04-03T10:00:00.000000Z\"}");
    gen_change ch = {.schema = "public", .table = "outbox_events", .op = 'c', .snapshot = "false",
                     .after = e->after.p, .source_us = m->t0, .ts_us = m->t0 + 1000, .lsn = 1000 + serial, .txid = 1};
    gen_dbz_write(out, &e->conn, &ch);
}

static void exp_emit_junk(exp_model *m, exp_emit *e, gen_msgs *out) {
    size_t changes = gen_msgs_count(out, GEN_CHANGE);
    size_t n = (size_t)((double)changes * m->cfg->junk_rate) + 10;
    int64_t first = out->order[0], span = out->order[out->n - 1] - first + 1;
    for (size_t i = 0; i < n; i++) {
        unsigned kind = (unsigned)(i % (GEN_JUNK_COMMON_KINDS + 5));
        gen_buf_clear(&e->msg);
        if (kind < GEN_JUNK_COMMON_KINDS) {
            gen_junk_common(&e->msg, kind, i);
        } else if (kind < GEN_JUNK_COMMON_KINDS + 4) {
            exp_junk(m, e, kind - GEN_JUNK_COMMON_KINDS, i, &e->msg);
        } else {   /* TRUNCATE outbox_events: nothing to apply, but not silently dropped either */
            gen_change ch = {.schema = "public", .table = "outbox_events", .op = 't', .snapshot = "false",
                             .source_us = m->t0 + (int64_t)i, .ts_us = m->t0 + (int64_t)i + 1000, .lsn = 5000 + i, .txid = 2};
            gen_dbz_write(&e->msg, &e->conn, &ch);
        }
        gen_msgs_add(out, first + (int64_t)gen_below(&m->rng, (uint64_t)span), GEN_JUNK, e->msg.p, e->msg.n);
    }
}

/* ------------------------------------------------------------- expected */

typedef struct exp_hour_key { int variant; int64_t hour; } exp_hour_key;

static int exp_hour_cmp(const void *a, const void *b) {
    const exp_hour_key *x = a, *y = b;
    if (x->variant != y->variant) return x->variant - y->variant;
    return x->hour < y->hour ? -1 : x->hour > y->hour;
}

static int exp_row_by_assign_time(const void *a, const void *b) {
    const exp_row *x = a, *y = b;
    if (x->assign != y->assign) return x->assign < y->assign ? -1 : 1;
    if (x->ts_us != y->ts_us) return x->ts_us < y->ts_us ? -1 : 1;
    return x->type - y->type;
}

static int exp_valid(const exp_model *m, const exp_row *r) {
    return r->ts_us >= m->assign[r->assign].at_us / 1000 * 1000;
}

/* ClickHouse's windowFunnel (default mode) over one user's time-ordered
 * steps: level k needs a level k-1 chain whose first step is within the window. */
static int exp_funnel_level(const exp_row *rows, size_t n) {
    int64_t start[4];
    int have[4] = {0, 0, 0, 0};
    for (size_t i = 0; i < n; i++) {
        int step = rows[i].type;
        if (step == 0) {
            start[0] = rows[i].ts_us, have[0] = 1;
        } else if (have[step - 1] && rows[i].ts_us <= start[step - 1] + GEN_EXP_FUNNEL_WINDOW_US) {
            start[step] = start[step - 1], have[step] = 1;
            if (step == 3) return 4;
        }
    }
    for (int k = 4; k > 0; k--)
        if (have[k - 1]) return k;
    return 0;
}

static gen_exp_day *exp_day_slot(gen_exp_result *res, int64_t day, int variant) {
    for (size_t i = 0; i < res->ndays; i++)
        if (res->days[i].day == day && res->days[i].variant == variant) return &res->days[i];
    res->days = realloc(res->days, (res->ndays + 1) * sizeof(*res->days));
    if (!res->days) abort();
    gen_exp_day *d = &res->days[res->ndays++];
    memset(d, 0, sizeof(*d));
    d->day = day;
    d->variant = variant;
    return d;
}

/* Slot of (variant, day, days_since) in res->cohorts (few: a linear search). */
static gen_exp_cohort *exp_cohort_slot(gen_exp_result *res, int variant, int64_t day, int64_t days_since) {
    for (size_t i = 0; i < res->ncohorts; i++) {
        gen_exp_cohort *c = &res->cohorts[i];
        if (c->variant == variant && c->day == day && c->days_since == days_since) return c;
    }
    res->cohorts = realloc(res->cohorts, (res->ncohorts + 1) * sizeof(*res->cohorts));
    if (!res->cohorts) abort();
    gen_exp_cohort *c = &res->cohorts[res->ncohorts++];
    memset(c, 0, sizeof(*c));
    c->variant = variant, c->day = day, c->days_since = days_since;
    return c;
}

static int exp_cohort_cmp(const void *a, const void *b) {
    const gen_exp_cohort *x = a, *y = b;
    if (x->variant != y->variant) return x->variant - y->variant;
    if (x->day != y->day) return x->day < y->day ? -1 : 1;
    return x->days_since < y->days_since ? -1 : x->days_since > y->days_since;
}

/* (ts, id) order: which touch is first or last. */
static int exp_touch_cmp(const exp_row *x, const exp_row *y) {
    if (x->ts_us != y->ts_us) return x->ts_us < y->ts_us ? -1 : 1;
    return strcmp(x->id, y->id);
}

/* Seed 002's analytics for one assignment (rows[lo..hi), sorted by time):
 * its sessions, the days to its first valid conversion, and that
 * conversion's first and last touch. */
static void exp_expect_analytics(const exp_model *m, const exp_row *rows, size_t lo, size_t hi, gen_exp_result *res,
                                 uint64_t *cohort_sizes) {
    const exp_row *assignment = NULL, *conversion = NULL;
    int64_t first[2] = {0, 0}, last[2] = {0, 0};
    uint64_t events[2] = {0, 0};
    int variant = m->assign[rows[lo].assign].variant;
    gen_exp_variant *v = &res->variants[variant];
    for (size_t i = lo; i < hi; i++) {
        const exp_row *r = &rows[i];
        if (r->type == EV_ASSIGNMENT) assignment = r;
        if (r->type == EV_ASSIGNMENT || !exp_valid(m, r)) continue;
        if (r->type == EV_CONVERSION && !conversion) conversion = r;
        if (r->session < 0) continue;
        if (!events[r->session]++) first[r->session] = r->ts_us;
        last[r->session] = r->ts_us;
    }
    for (int k = 0; k < 2; k++) {
        if (!events[k]) continue;
        v->sessions++;
        v->session_events += events[k];
        v->session_ms += (last[k] - first[k]) / 1000;
    }
    int64_t day = gen_floor_div(assignment->ts_us, GEN_US_PER_DAY);
    cohort_sizes[variant * 64 + (day - gen_floor_div(m->t0, GEN_US_PER_DAY))]++;
    if (!conversion) return;
    exp_cohort_slot(res, variant, day, (conversion->ts_us - assignment->ts_us) / GEN_US_PER_DAY)->converters++;
    const exp_row *first_touch = NULL, *last_touch = NULL;
    for (size_t i = lo; i < hi; i++) {
        const exp_row *r = &rows[i];
        if ((r->type != EV_EXPOSURE && r->type != EV_CLICK) || !exp_valid(m, r) || r->ts_us >= conversion->ts_us) continue;
        if (!first_touch || exp_touch_cmp(r, first_touch) < 0) first_touch = r;
        if (!last_touch || exp_touch_cmp(r, last_touch) > 0) last_touch = r;
    }
    for (int model = 0; model < 2; model++) {
        const exp_row *t = model ? last_touch : first_touch;
        gen_exp_credit *c = &res->credits[variant][model][t ? t->page : GEN_EXP_PAGES];
        c->conversions++;
        c->revenue_cents += conversion->value_cents;
    }
}

/* The valid steps of one assignment (rows[lo..hi) sorted by time): totals,
 * distinct users per variant and per day, the funnel level. */
static void exp_expect_assignment(const exp_model *m, const exp_row *rows, size_t lo, size_t hi, gen_exp_result *res,
                                  exp_row *steps) {
    const exp_assign *as = &m->assign[rows[lo].assign];
    gen_exp_variant *v = &res->variants[as->variant];
    uint32_t days_seen = 0;
    size_t nsteps = 0;
    int any = 0, converted = 0;
    v->assigned++;
    res->assignments++;
    for (size_t i = lo; i < hi; i++) {
        const exp_row *r = &rows[i];
        if (r->type != EV_ASSIGNMENT) res->events++, res->created_lag_us += r->commit_us - r->ts_us;
        if (r->type != EV_ASSIGNMENT && !exp_valid(m, r)) res->invalid_events++;
        if (!exp_valid(m, r)) continue;
        steps[nsteps++] = *r;
        if (r->type == EV_ASSIGNMENT) continue;
        int64_t day = gen_floor_div(r->ts_us, GEN_US_PER_DAY);
        gen_exp_day *d = exp_day_slot(res, day, as->variant);
        uint32_t bit = 1u << (day - gen_floor_div(m->t0, GEN_US_PER_DAY));
        if (!(days_seen & bit)) d->users++;
        days_seen |= bit;
        any = 1;
        if (r->type == EV_EXPOSURE) v->exposures++, d->exposures++;
        if (r->type == EV_CLICK) v->clicks++, d->clicks++;
        if (r->type == EV_CONVERSION) {
            v->conversions++, d->conversions++;
            v->revenue_cents += r->value_cents, d->revenue_cents += r->value_cents;
            converted = 1;
        }
    }
    v->users += any;
    v->converters += converted;
    res->user_rows += any;
    int level = exp_funnel_level(steps, nsteps);
    for (int k = 0; k < level; k++) v->funnel[k]++;
}

static void exp_expect(exp_model *m, gen_exp_result *res) {
    exp_row *rows = malloc(m->nrows * sizeof(*rows)), *steps = malloc(m->nrows * sizeof(*steps));
    exp_hour_key *hours = malloc(m->nrows * sizeof(*hours));
    uint64_t *cohort_sizes = calloc(GEN_EXP_VARIANTS * 64, sizeof(*cohort_sizes));   /* [variant][day - t0's] */
    if (!rows || !steps || !hours || !cohort_sizes) abort();
    memcpy(rows, m->rows, m->nrows * sizeof(*rows));
    qsort(rows, m->nrows, sizeof(*rows), exp_row_by_assign_time);
    for (int v = 0; v < GEN_EXP_VARIANTS; v++) {
        res->variants[v].experiment_id = exp_ids[exp_variants[v].experiment];
        res->variants[v].variant_id = exp_variants[v].variant_id;
        res->variants[v].key = exp_variants[v].key;
        int n = 0;
        for (int w = 0; w < GEN_EXP_VARIANTS; w++) n += exp_variants[w].experiment == exp_variants[v].experiment;
        res->variants[v].intended_share = 1.0 / n;
    }
    size_t nhours = 0;
    for (size_t lo = 0, hi; lo < m->nrows; lo = hi) {
        for (hi = lo; hi < m->nrows && rows[hi].assign == rows[lo].assign; hi++) {
            if (rows[hi].type != EV_ASSIGNMENT && exp_valid(m, &rows[hi]))
                hours[nhours++] = (exp_hour_key){m->assign[rows[hi].assign].variant, gen_floor_div(rows[hi].ts_us, GEN_US_PER_HOUR)};
        }
        exp_expect_assignment(m, rows, lo, hi, res, steps);
        exp_expect_analytics(m, rows, lo, hi, res, cohort_sizes);
    }
    for (size_t i = 0; i < res->ncohorts; i++) {
        gen_exp_cohort *c = &res->cohorts[i];
        c->cohort_size = cohort_sizes[c->variant * 64 + (c->day - gen_floor_div(m->t0, GEN_US_PER_DAY))];
    }
    qsort(res->cohorts, res->ncohorts, sizeof(*res->cohorts), exp_cohort_cmp);
    free(cohort_sizes);
    qsort(hours, nhours, sizeof(*hours), exp_hour_cmp);
    for (size_t i = 0; i < nhours; i++) res->hourly_groups += i == 0 || exp_hour_cmp(&hours[i], &hours[i - 1]) != 0;
    free(rows);
    free(steps);
    free(hours);
}

/* ------------------------------------------------------------------ API */

void gen_exp_generate(const gen_exp_config *cfg, gen_exp_result *out) {
    exp_model m = {.rng = {cfg->seed}, .cfg = cfg};
    exp_emit e = {0};
    memset(out, 0, sizeof(*out));
    m.t0 = gen_utc(2024, 4, 1, 0, 0, 0);
    m.snapshot_at = m.t0 + 12 * GEN_US_PER_HOUR;
    exp_build(&m);
    qsort(m.rows, m.nrows, sizeof(*m.rows), exp_row_by_commit);
    gen_dbz_init(&e.conn, "experiments", "app", 26574256, 752);
    size_t snap = exp_emit_snapshot(&m, &e, &out->msgs);
    exp_emit_stream(&m, &e, snap, &out->msgs);
    gen_msgs_sort(&out->msgs);
    exp_emit_junk(&m, &e, &out->msgs);
    gen_msgs_sort(&out->msgs);
    exp_expect(&m, out);
    gen_buf_free(&e.payload);
    gen_buf_free(&e.after);
    gen_buf_free(&e.before);
    gen_buf_free(&e.msg);
    free(m.rows);
    free(m.assign);
}

void gen_exp_result_free(gen_exp_result *r) {
    gen_msgs_free(&r->msgs);
    free(r->days);
    free(r->cohorts);
    memset(r, 0, sizeof(*r));
}

void gen_exp_ztest(uint64_t x1, uint64_t n1, uint64_t x0, uint64_t n0, double *z, double *p_value) {
    double p1 = (double)x1 / (double)n1, p0 = (double)x0 / (double)n0;
    double p = (double)(x1 + x0) / (double)(n1 + n0);
    double se = sqrt(p * (1 - p) * (1.0 / (double)n1 + 1.0 / (double)n0));
    *z = (p1 - p0) / se;
    *p_value = erfc(fabs(*z) / sqrt(2.0));
}
