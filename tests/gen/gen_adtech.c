/* gen_adtech.c — ad-tech change events and the KPIs they add up to (see gen_adtech.h). */
#include "gen_adtech.h"

#include <stdlib.h>
#include <string.h>

#define AD_ADVERTISERS 20
#define AD_CAMPAIGNS 60             /* existing before the stream */
#define AD_NEW_CAMPAIGNS 10         /* created while streaming */
#define AD_DRAFTS 5                 /* created and deleted while streaming */
#define AD_MAX_ADVERTISERS (AD_ADVERTISERS + 1)
#define AD_MAX_CAMPAIGNS (AD_CAMPAIGNS + AD_NEW_CAMPAIGNS + AD_DRAFTS)

enum { T_ADVERTISER, T_CAMPAIGN, T_IMPRESSION, T_CLICK };
static const char *const ad_table[] = {"advertiser", "campaign", "impressions", "clicks"};

typedef enum ad_op_kind { OP_INSERT, OP_UPDATE, OP_DELETE } ad_op_kind;

/* One change, applied and emitted in commit-time order. */
typedef struct ad_op {
    int64_t us;
    int table;
    ad_op_kind kind;
    size_t target;                  /* index into the table's array */
} ad_op;

typedef struct ad_adv { int64_t id, created_us; char name[64], country[3], currency[4]; int is_active, state; } ad_adv;
typedef struct ad_cmp {
    int64_t id, created_us;
    size_t advertiser;
    char name[64], status[16];
    int64_t budget_cents, cpm_units;
    int32_t start_date, end_date;   /* end_date < 0: null */
    int state;                      /* 0 not yet, 1 live, 2 deleted */
} ad_cmp;
typedef struct ad_imp {
    int64_t id, shown_us, cost;
    size_t campaign;
    char request_id[37];
    int user, country, device;      /* < 0: null */
    int state, clicked;
} ad_imp;
typedef struct ad_clk { int64_t id, clicked_us, cpc_units; size_t impression; int state; } ad_clk;

typedef struct ad_model {
    gen_rng rng;
    const gen_ad_config *cfg;
    ad_adv adv[AD_MAX_ADVERTISERS];
    ad_cmp cmp[AD_MAX_CAMPAIGNS];
    ad_imp *imp;
    ad_clk *clk;
    size_t nimp, nclk, cap_clk;
    ad_op *ops;
    size_t nops, cap_ops;
    int64_t t0, snapshot_at, t_end;
    gen_dbz conn;
    gen_buf before, after, msg;
} ad_model;

static const char *const ad_adv_names[] = {"Acme Rockets", "Café Ünïcødé GmbH", "O'Reilly \"Books\"", "Nordlicht AB",
                                           "Blue Mug Co", "Kōbe Beef 株式会社", "Back\\slash & Sons"};
static const char *const ad_countries[] = {"US", "DE", "FR", "GB", "JP", "BR"};
static const char *const ad_devices[] = {"mobile", "desktop", "tablet", "ctv"};

gen_ad_config gen_ad_config_for(uint64_t seed, size_t messages) {
    /* about 1.05 messages per impression: clicks, deletes and tombstones,
     * corrections, dimension changes, duplicates and junk */
    gen_ad_config c = {seed, messages * 100 / 106 + 10, 0.003, 0.01};
    return c;
}

/* ------------------------------------------------------------ the model */

static void ad_add_op(ad_model *m, int64_t us, int table, ad_op_kind kind, size_t target) {
    if (m->nops == m->cap_ops) {
        m->cap_ops = m->cap_ops ? m->cap_ops * 2 : 4096;
        m->ops = realloc(m->ops, m->cap_ops * sizeof(*m->ops));
        if (!m->ops) abort();
    }
    m->ops[m->nops++] = (ad_op){us, table, kind, target};
}

static int64_t ad_between(ad_model *m, int64_t a, int64_t b) { return gen_range(&m->rng, a, b - 1); }

static void ad_build_dimensions(ad_model *m) {
    for (size_t a = 0; a < AD_MAX_ADVERTISERS; a++) {
        ad_adv *v = &m->adv[a];
        v->id = (int64_t)a + 1;
        snprintf(v->name, sizeof(v->name), "%s %zu", ad_adv_names[a % 7], a + 1);
        snprintf(v->country, sizeof(v->country), "%s", ad_countries[a % 6]);
        snprintf(v->currency, sizeof(v->currency), "%s", a % 6 == 1 ? "EUR" : a % 6 == 4 ? "JPY" : "USD");
        v->is_active = a % 5 != 3;
        v->created_us = a < AD_ADVERTISERS ? m->t0 - (int64_t)(40 - a) * GEN_US_PER_DAY : ad_between(m, m->snapshot_at, m->t_end - GEN_US_PER_DAY * 10);
        ad_add_op(m, v->created_us, T_ADVERTISER, OP_INSERT, a);
    }
    /* the extra advertiser never gets a campaign and is deleted again */
    ad_add_op(m, m->adv[AD_ADVERTISERS].created_us + ad_between(m, GEN_US_PER_HOUR, 5 * GEN_US_PER_DAY), T_ADVERTISER, OP_DELETE, AD_ADVERTISERS);
    for (size_t c = 0; c < AD_MAX_CAMPAIGNS; c++) {
        ad_cmp *k = &m->cmp[c];
        k->id = (int64_t)c + 11;
        k->advertiser = gen_below(&m->rng, AD_ADVERTISERS);
        int draft = c >= AD_CAMPAIGNS + AD_NEW_CAMPAIGNS;
        snprintf(k->name, sizeof(k->name), c % 9 == 4 ? "brand \"lift\" %zu" : "spring sale #%zu", c + 11);
        snprintf(k->status, sizeof(k->status), "%s", draft ? "draft" : c % 4 == 3 ? "paused" : "active");
        k->budget_cents = gen_range(&m->rng, 5000, 2500000);
        k->cpm_units = gen_range(&m->rng, 5000, 80000);
        k->created_us = c < AD_CAMPAIGNS ? m->t0 - (int64_t)(30 - c % 30) * GEN_US_PER_DAY
                                         : ad_between(m, m->snapshot_at - 10 * GEN_US_PER_DAY, m->t_end - 20 * GEN_US_PER_DAY);
        k->start_date = (int32_t)gen_floor_div(k->created_us, GEN_US_PER_DAY);
        k->end_date = gen_chance(&m->rng, 0.5) ? -1 : k->start_date + (int32_t)gen_range(&m->rng, 30, 400);
        ad_add_op(m, k->created_us, T_CAMPAIGN, OP_INSERT, c);
        if (draft) ad_add_op(m, k->created_us + ad_between(m, GEN_US_PER_HOUR, 3 * GEN_US_PER_DAY), T_CAMPAIGN, OP_DELETE, c);
    }
    for (int i = 0; i < 150; i++) {   /* dimension updates over the stream */
        int table = gen_chance(&m->rng, 0.4) ? T_ADVERTISER : T_CAMPAIGN;
        size_t target = table == T_ADVERTISER ? gen_below(&m->rng, AD_ADVERTISERS) : gen_below(&m->rng, AD_CAMPAIGNS + AD_NEW_CAMPAIGNS);
        int64_t at = table == T_CAMPAIGN && target >= AD_CAMPAIGNS ? m->cmp[target].created_us : m->t0;
        ad_add_op(m, ad_between(m, at + GEN_US_PER_HOUR, m->t_end), table, OP_UPDATE, target);
    }
}

/* A campaign that is not a draft and exists at time us. */
static size_t ad_pick_campaign(ad_model *m, int64_t us) {
    for (;;) {
        size_t c = gen_below(&m->rng, AD_CAMPAIGNS + AD_NEW_CAMPAIGNS);
        if (m->cmp[c].created_us < us) return c;
    }
}

static void ad_add_click(ad_model *m, size_t imp) {
    if (m->nclk == m->cap_clk) {
        m->cap_clk = m->cap_clk ? m->cap_clk * 2 : 1024;
        m->clk = realloc(m->clk, m->cap_clk * sizeof(*m->clk));
        if (!m->clk) abort();
    }
    ad_clk *k = &m->clk[m->nclk];
    k->id = 500000 + (int64_t)m->nclk;
    k->impression = imp;
    k->clicked_us = m->imp[imp].shown_us + gen_range(&m->rng, 1, 120) * GEN_US_PER_SEC + gen_range(&m->rng, 0, 999999);
    k->cpc_units = gen_range(&m->rng, 1000, 25000);
    k->state = 0;
    m->imp[imp].clicked = 1;
    ad_add_op(m, k->clicked_us, T_CLICK, OP_INSERT, m->nclk);
    if (gen_chance(&m->rng, 0.03))   /* fraud clean-up, a day or two later */
        ad_add_op(m, k->clicked_us + ad_between(m, GEN_US_PER_HOUR, 2 * GEN_US_PER_DAY), T_CLICK, OP_DELETE, m->nclk);
    m->nclk++;
}

static void ad_build_facts(ad_model *m) {
    m->nimp = m->cfg->impressions;
    m->imp = calloc(m->nimp + 1, sizeof(*m->imp));
    if (!m->imp) abort();
    for (size_t i = 0; i < m->nimp; i++) {
        ad_imp *p = &m->imp[i];
        p->id = 100 + (int64_t)i;
        p->shown_us = ad_between(m, m->t0, m->t_end - 3 * GEN_US_PER_DAY);
        p->campaign = ad_pick_campaign(m, p->shown_us);
        gen_uuid(&m->rng, p->request_id);
        p->user = gen_chance(&m->rng, 0.1) ? -1 : (int)gen_below(&m->rng, 50000);
        p->country = gen_chance(&m->rng, 0.1) ? -1 : (int)gen_below(&m->rng, 6);
        p->device = gen_chance(&m->rng, 0.1) ? -1 : (int)gen_below(&m->rng, 4);
        p->cost = gen_range(&m->rng, 200, 6000);
        ad_add_op(m, p->shown_us, T_IMPRESSION, OP_INSERT, i);
        if (gen_chance(&m->rng, 0.04)) ad_add_click(m, i);
        if (gen_chance(&m->rng, 0.005))   /* cost corrected by the billing job */
            ad_add_op(m, p->shown_us + ad_between(m, 60 * GEN_US_PER_SEC, GEN_US_PER_HOUR), T_IMPRESSION, OP_UPDATE, i);
        else if (!p->clicked && gen_chance(&m->rng, 0.002))   /* bot traffic removed */
            ad_add_op(m, p->shown_us + ad_between(m, 6 * GEN_US_PER_HOUR, 2 * GEN_US_PER_DAY), T_IMPRESSION, OP_DELETE, i);
    }
}

static int ad_op_cmp(const void *a, const void *b) {
    const ad_op *x = a, *y = b;
    if (x->us != y->us) return x->us < y->us ? -1 : 1;
    if (x->table != y->table) return x->table - y->table;
    return x->target < y->target ? -1 : x->target > y->target;
}

/* ------------------------------------------------------------- row JSON */

static void ad_advertiser_json(const ad_adv *v, gen_buf *out) {
    char t[40];
    gen_iso(t, v->created_us, 6);
    gen_printf(out, "{\"id\":%lld,\"name\":", (long long)v->id);
    gen_json_str(out, v->name);
    gen_printf(out, ",\"country\":\"%s\",\"currency\":\"%s\",\"is_active\":%s,\"created_at\":\"%s\"}", v->country,
               v->currency, v->is_active ? "true" : "false", t);
}

static void ad_campaign_json(const ad_model *m, const ad_cmp *k, gen_buf *out) {
    char t[40];
    gen_iso(t, k->created_us, 6);
    gen_printf(out, "{\"id\":%lld,\"advertiser_id\":%lld,\"name\":", (long long)k->id, (long long)m->adv[k->advertiser].id);
    gen_json_str(out, k->name);
    gen_printf(out, ",\"status\":\"%s\",\"daily_budget\":", k->status);
    gen_json_decimal(out, k->budget_cents);
    gen_puts(out, ",\"cpm_bid\":");
    gen_json_decimal(out, k->cpm_units);
    /* seed 004's columns (tests/e2e/schema.sql): bid numeric(10,2) (here the
     * CPM in cents), budget numeric(12,2) (a month of the daily budget) */
    gen_puts(out, ",\"bid\":");
    gen_json_decimal(out, k->cpm_units / 100);
    gen_puts(out, ",\"budget\":");
    gen_json_decimal(out, k->budget_cents * 30);
    gen_printf(out, ",\"start_date\":%d,\"end_date\":", k->start_date);
    if (k->end_date < 0) gen_puts(out, "null");
    else gen_printf(out, "%d", k->end_date);
    gen_printf(out, ",\"created_at\":\"%s\"}", t);
}

static void ad_impression_json(const ad_model *m, const ad_imp *p, gen_buf *out) {
    char t[40], user[16];
    snprintf(user, sizeof(user), "u-%d", p->user);
    gen_iso(t, p->shown_us, 6);
    gen_printf(out, "{\"id\":%lld,\"campaign_id\":%lld,\"request_id\":\"%s\",\"user_id\":", (long long)p->id,
               (long long)m->cmp[p->campaign].id, p->request_id);
    gen_json_str(out, p->user < 0 ? NULL : user);
    gen_puts(out, ",\"country\":");
    gen_json_str(out, p->country < 0 ? NULL : ad_countries[p->country]);
    gen_puts(out, ",\"device\":");
    gen_json_str(out, p->device < 0 ? NULL : ad_devices[p->device]);
    gen_puts(out, ",\"cost\":");
    gen_json_decimal(out, p->cost);
    gen_printf(out, ",\"shown_at\":\"%s\"}", t);
}

static void ad_click_json(const ad_model *m, const ad_clk *k, gen_buf *out) {
    char t[40];
    gen_iso(t, k->clicked_us, 6);
    gen_printf(out, "{\"id\":%lld,\"impression_id\":%lld,\"campaign_id\":%lld,\"cpc\":", (long long)k->id,
               (long long)m->imp[k->impression].id, (long long)m->cmp[m->imp[k->impression].campaign].id);
    gen_json_decimal(out, k->cpc_units);
    gen_printf(out, ",\"clicked_at\":\"%s\"}", t);
}

/* Row i of a table as the "after" image. */
static void ad_row_json(const ad_model *m, int table, size_t i, gen_buf *out) {
    switch (table) {
    case T_ADVERTISER: ad_advertiser_json(&m->adv[i], out); break;
    case T_CAMPAIGN: ad_campaign_json(m, &m->cmp[i], out); break;
    case T_IMPRESSION: ad_impression_json(m, &m->imp[i], out); break;
    default: ad_click_json(m, &m->clk[i], out); break;
    }
}

/* The "before" of a delete under REPLICA IDENTITY DEFAULT: the key, every
 * other NOT NULL column at its type's default, nullable columns null. */
static void ad_key_json(ad_model *m, int table, size_t i, gen_buf *out) {
    static const char *const rest[] = {
        ",\"name\":\"\",\"country\":\"\",\"currency\":\"\",\"is_active\":false,\"created_at\":\"1970-01-01T00:00:00Z\"}",
        ",\"advertiser_id\":0,\"name\":\"\",\"status\":\"\",\"daily_budget\":\"AA==\",\"cpm_bid\":\"AA==\",\"start_date\":0,"
        "\"end_date\":null,\"created_at\":\"1970-01-01T00:00:00Z\"}",
        ",\"campaign_id\":0,\"request_id\":\"\",\"user_id\":null,\"country\":null,\"device\":null,\"cost\":\"AA==\","
        "\"shown_at\":\"1970-01-01T00:00:00Z\"}",
        ",\"impression_id\":0,\"campaign_id\":0,\"cpc\":\"AA==\",\"clicked_at\":\"1970-01-01T00:00:00Z\"}"};
    int64_t id = table == T_ADVERTISER ? m->adv[i].id : table == T_CAMPAIGN ? m->cmp[i].id
               : table == T_IMPRESSION ? m->imp[i].id : m->clk[i].id;
    gen_printf(out, "{\"id\":%lld%s", (long long)id, rest[table]);
}

/* ------------------------------------------------------------- applying */

static int *ad_state(ad_model *m, int table, size_t i) {
    return table == T_ADVERTISER ? &m->adv[i].state : table == T_CAMPAIGN ? &m->cmp[i].state
         : table == T_IMPRESSION ? &m->imp[i].state : &m->clk[i].state;
}

static void ad_update(ad_model *m, const ad_op *op) {
    gen_rng *g = &m->rng;
    if (op->table == T_ADVERTISER) {
        ad_adv *v = &m->adv[op->target];
        size_t len = strlen(v->name), tag = strlen(" (renamed)");
        if (gen_chance(g, 0.7)) v->is_active = !v->is_active;
        else if (len > tag && !strcmp(v->name + len - tag, " (renamed)")) v->name[len - tag] = 0;
        else snprintf(v->name + len, sizeof(v->name) - len, "%s", " (renamed)");
    } else if (op->table == T_CAMPAIGN) {
        ad_cmp *k = &m->cmp[op->target];
        uint64_t what = gen_below(g, 3);
        if (what == 0) snprintf(k->status, sizeof(k->status), "%s", strcmp(k->status, "active") ? "active" : "paused");
        else if (what == 1) k->budget_cents = gen_range(g, 5000, 2500000);
        else k->cpm_units = gen_range(g, 5000, 80000);
    } else {
        m->imp[op->target].cost = gen_range(g, 100, 6000);
    }
}

/* Applies op to the state; 0 when it cannot apply (its row is gone). */
static int ad_apply(ad_model *m, const ad_op *op) {
    int *state = ad_state(m, op->table, op->target);
    if (op->kind == OP_INSERT) *state = 1;
    else if (*state != 1) return 0;
    else if (op->kind == OP_DELETE) *state = 2;
    else ad_update(m, op);
    return 1;
}

static void ad_emit(ad_model *m, const ad_op *op, gen_change *ch, int64_t order, gen_msgs *out) {
    gen_buf_clear(&m->before);
    gen_buf_clear(&m->after);
    gen_buf_clear(&m->msg);
    if (op->kind == OP_DELETE) ad_key_json(m, op->table, op->target, &m->before);
    else ad_row_json(m, op->table, op->target, &m->after);
    ch->table = ad_table[op->table];
    ch->before = op->kind == OP_DELETE ? m->before.p : NULL;
    ch->after = op->kind == OP_DELETE ? NULL : m->after.p;
    gen_dbz_write(&m->msg, &m->conn, ch);
    gen_msgs_add(out, order, GEN_CHANGE, m->msg.p, m->msg.n);
    if (gen_chance(&m->rng, m->cfg->duplicate_rate))
        gen_msgs_add(out, order + gen_range(&m->rng, 60, 7200) * GEN_US_PER_SEC, GEN_DUPLICATE, m->msg.p, m->msg.n);
    if (op->kind == OP_DELETE) gen_msgs_add(out, order + 1, GEN_TOMBSTONE, "", 0);
}

/* Everything committed before the connector started: one snapshot, table by table. */
static void ad_snapshot(ad_model *m, gen_msgs *out) {
    size_t n[4] = {AD_MAX_ADVERTISERS, AD_MAX_CAMPAIGNS, m->nimp, m->nclk};
    gen_change ch = {.schema = "public", .op = 'r'};
    gen_dbz_begin(&m->conn, &ch);
    int64_t seq = 0;
    for (int t = 0; t < 4; t++) {
        size_t live = 0, k = 0;
        for (size_t i = 0; i < n[t]; i++) live += *ad_state(m, t, i) == 1;
        for (size_t i = 0; i < n[t]; i++) {
            if (*ad_state(m, t, i) != 1) continue;
            ad_op op = {m->snapshot_at, t, OP_INSERT, i};
            ch.snapshot = gen_dbz_snapshot_marker(k++, live, t == 0, t == 3);
            ch.source_us = m->snapshot_at;
            ch.ts_us = m->snapshot_at + 250000 + seq * 20;
            ad_emit(m, &op, &ch, m->snapshot_at + seq++, out);
        }
    }
}

static void ad_stream(ad_model *m, size_t from, gen_msgs *out) {
    for (size_t i = from; i < m->nops; i++) {
        const ad_op *op = &m->ops[i];
        if (!ad_apply(m, op)) continue;
        gen_change ch = {.schema = "public", .snapshot = "false", .op = op->kind == OP_INSERT ? 'c' : op->kind == OP_UPDATE ? 'u' : 'd'};
        gen_dbz_begin(&m->conn, &ch);
        ch.source_us = op->us;
        ch.ts_us = op->us + gen_range(&m->rng, 100000, 900000);
        ad_emit(m, op, &ch, ch.ts_us + gen_range(&m->rng, 0, 60) * GEN_US_PER_SEC, out);   /* topics interleave */
    }
}

/* ----------------------------------------------------------------- junk */

static void ad_junk_one(ad_model *m, unsigned kind, size_t i, gen_buf *out) {
    gen_change ch = {.schema = "public", .table = "impressions", .snapshot = "false", .op = 'c', .lsn = 700000 + i,
                     .txid = 4, .source_us = m->snapshot_at, .ts_us = m->snapshot_at + 1000};
    char row[320];
    switch (kind) {
    case 0:   /* money as a JSON number: a connector running with decimal.handling.mode=double */
        snprintf(row, sizeof(row),
                 "{\"id\":%zu,\"campaign_id\":11,\"request_id\":\"0b6f6a3e-5d1c-4f5b-9a55-0e6f1d7d0001\",\"user_id\":null,"
                 "\"country\":null,\"device\":null,\"cost\":0.0025,\"shown_at\":\"2024-03-20T10:00:00.000000Z\"}",
                 900000000 + i);
        ch.after = row;
        break;
    case 1:   /* a table that is not part of the pipeline */
        snprintf(row, sizeof(row), "{\"id\":%zu,\"email\":\"someone@example.com\"}", i);
        ch.table = "users";
        ch.after = row;
        break;
    case 2: ch.table = "clicks", ch.op = 't'; break;   /* TRUNCATE clicks */
    case 3: ch.table = "clicks", ch.op = 'd'; break;   /* a delete without "before" */
    default:  /* the record key instead of the value */
        gen_printf(out,
                   "{\"schema\":{\"type\":\"struct\",\"fields\":[{\"type\":\"int64\",\"optional\":false,\"field\":\"id\"}],"
                   "\"optional\":false,\"name\":\"adtech.public.clicks.Key\"},\"payload\":{\"id\":%zu}}",
                   i);
        return;
    }
    gen_dbz_write(out, &m->conn, &ch);
}

static void ad_junk(ad_model *m, gen_msgs *out) {
    size_t n = (size_t)((double)gen_msgs_count(out, GEN_CHANGE) * m->cfg->junk_rate) + 10;
    int64_t first = out->order[0], span = out->order[out->n - 1] - first + 1;
    for (size_t i = 0; i < n; i++) {
        unsigned kind = (unsigned)(i % (GEN_JUNK_COMMON_KINDS + 5));
        gen_buf_clear(&m->msg);
        if (kind < GEN_JUNK_COMMON_KINDS) gen_junk_common(&m->msg, kind, i);
        else ad_junk_one(m, kind - GEN_JUNK_COMMON_KINDS, i, &m->msg);
        gen_msgs_add(out, first + (int64_t)gen_below(&m->rng, (uint64_t)span), GEN_JUNK, m->msg.p, m->msg.n);
    }
}

/* ------------------------------------------------------------- expected */

static gen_ad_day *ad_day(gen_ad_day **days, size_t *n, size_t *cap, int64_t campaign_id, int64_t day) {
    for (size_t i = *n; i > 0; i--)   /* recent entries first: facts come roughly in day order */
        if ((*days)[i - 1].campaign_id == campaign_id && (*days)[i - 1].day == day) return &(*days)[i - 1];
    if (*n == *cap) {
        *cap = *cap ? *cap * 2 : 256;
        *days = realloc(*days, *cap * sizeof(**days));
        if (!*days) abort();
    }
    gen_ad_day *d = &(*days)[(*n)++];
    memset(d, 0, sizeof(*d));
    d->campaign_id = campaign_id;
    d->day = day;
    return d;
}

static int ad_day_cmp(const void *a, const void *b) {
    const gen_ad_day *x = a, *y = b;
    if (x->campaign_id != y->campaign_id) return x->campaign_id < y->campaign_id ? -1 : 1;
    return x->day < y->day ? -1 : x->day > y->day;
}

static void ad_expect_dimensions(const ad_model *m, gen_ad_result *r) {
    r->advertisers = calloc(AD_MAX_ADVERTISERS, sizeof(*r->advertisers));
    r->campaigns = calloc(AD_MAX_CAMPAIGNS, sizeof(*r->campaigns));
    if (!r->advertisers || !r->campaigns) abort();
    r->nadvertisers = AD_MAX_ADVERTISERS;
    r->ncampaigns = AD_MAX_CAMPAIGNS;
    for (size_t a = 0; a < AD_MAX_ADVERTISERS; a++) {
        gen_ad_advertiser *v = &r->advertisers[a];
        v->id = m->adv[a].id;
        memcpy(v->name, m->adv[a].name, sizeof(v->name));
        memcpy(v->country, m->adv[a].country, sizeof(v->country));
        v->is_active = m->adv[a].is_active;
        v->live = m->adv[a].state == 1;
        r->deleted_advertisers += m->adv[a].state == 2;
    }
    for (size_t c = 0; c < AD_MAX_CAMPAIGNS; c++) {
        gen_ad_campaign *k = &r->campaigns[c];
        const ad_cmp *s = &m->cmp[c];
        k->id = s->id;
        k->advertiser_id = m->adv[s->advertiser].id;
        memcpy(k->name, s->name, sizeof(k->name));
        memcpy(k->status, s->status, sizeof(k->status));
        k->daily_budget_cents = s->budget_cents;
        k->cpm_bid_units = s->cpm_units;
        k->live = s->state == 1;
        r->deleted_campaigns += s->state == 2;
        if (!k->live) continue;
        r->advertisers[s->advertiser].campaigns++;
        r->advertisers[s->advertiser].active_campaigns += !strcmp(s->status, "active");
    }
}

static void ad_expect_facts(const ad_model *m, gen_ad_result *r) {
    size_t cap_cd = 0, cap_d = 0;
    for (size_t i = 0; i < m->nimp; i++) {
        const ad_imp *p = &m->imp[i];
        r->deleted_impressions += p->state == 2;
        if (p->state != 1) continue;
        gen_ad_campaign *k = &r->campaigns[p->campaign];
        int64_t day = gen_floor_div(p->shown_us, GEN_US_PER_DAY);
        k->impressions++, k->impression_spend += p->cost;
        r->impressions++;
        gen_ad_day *cd = ad_day(&r->campaign_days, &r->ncampaign_days, &cap_cd, k->id, day);
        gen_ad_day *d = ad_day(&r->days, &r->ndays, &cap_d, 0, day);
        cd->impressions++, cd->impression_spend += p->cost;
        d->impressions++, d->impression_spend += p->cost;
    }
    for (size_t i = 0; i < m->nclk; i++) {
        const ad_clk *c = &m->clk[i];
        r->deleted_clicks += c->state == 2;
        if (c->state != 1) continue;
        gen_ad_campaign *k = &r->campaigns[m->imp[c->impression].campaign];
        int64_t day = gen_floor_div(c->clicked_us, GEN_US_PER_DAY), spend = c->cpc_units * 100;
        k->clicks++, k->click_spend += spend;
        r->clicks++;
        gen_ad_day *cd = ad_day(&r->campaign_days, &r->ncampaign_days, &cap_cd, k->id, day);
        gen_ad_day *d = ad_day(&r->days, &r->ndays, &cap_d, 0, day);
        cd->clicks++, cd->click_spend += spend;
        d->clicks++, d->click_spend += spend;
    }
    qsort(r->campaign_days, r->ncampaign_days, sizeof(*r->campaign_days), ad_day_cmp);
    qsort(r->days, r->ndays, sizeof(*r->days), ad_day_cmp);
    for (size_t c = 0; c < r->ncampaigns; c++) {
        const gen_ad_campaign *k = &r->campaigns[c];
        gen_ad_advertiser *v = &r->advertisers[m->cmp[c].advertiser];
        v->impressions += k->impressions, v->clicks += k->clicks;
        v->spend += k->impression_spend + k->click_spend;
    }
}

/* ------------------------------------------------------------------ API */

void gen_ad_generate(const gen_ad_config *cfg, gen_ad_result *out) {
    ad_model m = {.rng = {cfg->seed}, .cfg = cfg};
    memset(out, 0, sizeof(*out));
    m.t0 = gen_utc(2024, 3, 1, 0, 0, 0);
    m.snapshot_at = m.t0 + 14 * GEN_US_PER_DAY;
    m.t_end = gen_utc(2024, 5, 1, 0, 0, 0);
    ad_build_dimensions(&m);
    ad_build_facts(&m);
    qsort(m.ops, m.nops, sizeof(*m.ops), ad_op_cmp);
    gen_dbz_init(&m.conn, "adtech", "adtech", 26574256, 752);
    size_t i = 0;
    for (; i < m.nops && m.ops[i].us < m.snapshot_at; i++) ad_apply(&m, &m.ops[i]);
    ad_snapshot(&m, &out->msgs);
    ad_stream(&m, i, &out->msgs);
    gen_msgs_sort(&out->msgs);
    ad_junk(&m, &out->msgs);
    gen_msgs_sort(&out->msgs);
    ad_expect_dimensions(&m, out);
    ad_expect_facts(&m, out);
    free(m.imp);
    free(m.clk);
    free(m.ops);
    gen_buf_free(&m.before);
    gen_buf_free(&m.after);
    gen_buf_free(&m.msg);
}

void gen_ad_result_free(gen_ad_result *r) {
    gen_msgs_free(&r->msgs);
    free(r->advertisers);
    free(r->campaigns);
    free(r->campaign_days);
    free(r->days);
    memset(r, 0, sizeof(*r));
}
