/* gen_adseed.c — seed 004's AdTech source as Debezium messages, and the KPIs they describe (see gen_adseed.h). */
#include "gen_adseed.h"

#include <stdlib.h>
#include <string.h>

#define ADS_FIRST_CAMPAIGN 101

typedef struct ads_model {
    gen_rng rng;
    gen_dbz conn;
    gen_buf row, msg;
    int64_t now;                    /* commit time of the current change */
    gen_ads_result *res;
} ads_model;

typedef struct ads_fact {
    int64_t id, campaign_id, at_us;
    int live;
} ads_fact;

static void ads_emit(ads_model *m, const char *table, char op, const char *before, const char *after, gen_kind kind) {
    gen_change ch = {.schema = "public", .table = table, .op = op, .snapshot = op == 'r' ? "true" : "false"};
    gen_dbz_begin(&m->conn, &ch);
    ch.before = before;
    ch.after = after;
    ch.source_us = m->now;
    ch.ts_us = m->now + 200000;
    gen_buf_clear(&m->msg);
    gen_dbz_write(&m->msg, &m->conn, &ch);
    gen_msgs_add(&m->res->msgs, m->now, kind, m->msg.p, m->msg.n);
    if (kind == GEN_CHANGE && gen_chance(&m->rng, 0.01))
        gen_msgs_add(&m->res->msgs, m->now + gen_range(&m->rng, 1, 3600) * GEN_US_PER_SEC, GEN_DUPLICATE, m->msg.p, m->msg.n);
    if (op == 'd') gen_msgs_add(&m->res->msgs, m->now + 1, GEN_TOMBSTONE, "", 0);
}

static void ads_advertiser(ads_model *m, const gen_ads_advertiser *a, char op) {
    char iso[40];
    gen_buf_clear(&m->row);
    gen_printf(&m->row, "{\"id\":%lld,\"name\":", (long long)a->id);
    gen_json_str(&m->row, a->name);
    gen_iso(iso, m->now, 6);
    gen_printf(&m->row, ",\"updated_at\":\"%s\",\"created_at\":\"2024-03-01T08:00:00.000000Z\"}", iso);
    ads_emit(m, "advertiser", op, NULL, m->row.p, GEN_CHANGE);
}

static void ads_campaign(ads_model *m, const gen_ads_campaign *c, char op) {
    gen_buf_clear(&m->row);
    gen_printf(&m->row, "{\"id\":%lld,\"name\":", (long long)c->id);
    gen_json_str(&m->row, c->name);
    gen_printf(&m->row, ",\"bid\":\"%lld.%02lld\",\"budget\":\"%lld.%02lld\",\"start_date\":%lld,", (long long)(c->bid_cents / 100),
               (long long)(c->bid_cents % 100), (long long)(c->budget_cents / 100), (long long)(c->budget_cents % 100),
               (long long)gen_days_from_civil(2024, 3, 1));
    if (c->id % 3) gen_printf(&m->row, "\"end_date\":%lld,", (long long)gen_days_from_civil(2024, 6, 30));
    else gen_puts(&m->row, "\"end_date\":null,");
    gen_printf(&m->row, "\"advertiser_id\":%lld,\"updated_at\":%lld,\"created_at\":%lld}", (long long)c->advertiser_id,
               (long long)m->now, (long long)gen_utc(2024, 3, 1, 8, 30, 0));
    ads_emit(m, "campaign", op, NULL, m->row.p, GEN_CHANGE);
}

static void ads_fact_change(ads_model *m, const char *table, const ads_fact *f, char op) {
    char key[80];   /* the id as up to 20 digits */
    gen_buf_clear(&m->row);
    gen_printf(&m->row, "{\"id\":%lld,\"campaign_id\":%lld,\"created_at\":%lld}", (long long)f->id, (long long)f->campaign_id,
               (long long)f->at_us);
    snprintf(key, sizeof(key), "{\"id\":%lld,\"campaign_id\":0,\"created_at\":0}", (long long)f->id);
    if (op == 'd') ads_emit(m, table, 'd', key, NULL, GEN_CHANGE);
    else ads_emit(m, table, op, NULL, m->row.p, GEN_CHANGE);
}

static void ads_junk(ads_model *m) {
    char row[200];
    snprintf(row, sizeof(row), "{\"id\":999,\"name\":\"double mode\",\"bid\":1.5,\"budget\":\"10.00\",\"start_date\":19783,"
                               "\"end_date\":null,\"advertiser_id\":1,\"updated_at\":0,\"created_at\":0}");
    ads_emit(m, "campaign", 'c', NULL, row, GEN_JUNK);      /* decimal.handling.mode=double: a bid that lost its cents */
    ads_emit(m, "users", 'c', NULL, "{\"id\":1,\"email\":\"someone@example.com\"}", GEN_JUNK);
    ads_emit(m, "clicks", 't', NULL, NULL, GEN_JUNK);       /* TRUNCATE clicks: not applied */
    gen_buf_clear(&m->msg);
    gen_junk_common(&m->msg, 1, 7);
    gen_msgs_add(&m->res->msgs, m->now, GEN_JUNK, m->msg.p, m->msg.n);
}

static void ads_count(gen_ads_result *r, const ads_fact *f, size_t n, int clicks) {
    int64_t first_day = gen_days_from_civil(2024, 3, 4);
    for (size_t i = 0; i < n; i++) {
        if (!f[i].live) continue;
        gen_ads_campaign *c = &r->campaigns[f[i].campaign_id - ADS_FIRST_CAMPAIGN];
        gen_ads_day *d = &r->days[gen_floor_div(f[i].at_us, GEN_US_PER_DAY) - first_day];
        gen_ads_advertiser *a = &r->advertisers[c->advertiser_id - 1];
        if (clicks) c->clicks++, d->clicks++, r->clicks++;
        else c->impressions++, d->impressions++, r->impressions++;
        if (!c->live) continue;
        if (clicks) a->clicks++;
        else a->impressions++;
    }
}

void gen_ads_generate(uint64_t seed, size_t nimp, gen_ads_result *out) {
    memset(out, 0, sizeof(*out));
    ads_model m = {.rng = {seed}, .res = out, .now = gen_utc(2024, 3, 4, 0, 0, 0) - GEN_US_PER_HOUR};
    gen_dbz_init(&m.conn, "postgres", "adtech", 24000000, 700);
    for (int i = 0; i < GEN_ADS_ADVERTISERS; i++) {
        gen_ads_advertiser *a = &out->advertisers[i];
        a->id = i + 1;
        snprintf(a->name, sizeof(a->name), i == 2 ? "Café Ünïcødé %d" : "Advertiser %d", i + 1);
        ads_advertiser(&m, a, 'r');
    }
    for (int i = 0; i < GEN_ADS_CAMPAIGNS; i++) {
        gen_ads_campaign *c = &out->campaigns[i];
        c->id = ADS_FIRST_CAMPAIGN + i;
        c->advertiser_id = 1 + i % (GEN_ADS_ADVERTISERS - 1);   /* the last advertiser has no campaign */
        snprintf(c->name, sizeof(c->name), "campaign \"%d\"", i + 1);
        c->bid_cents = gen_range(&m.rng, 5, 450);
        c->budget_cents = gen_range(&m.rng, 10000, 900000);
        c->live = 1;
        ads_campaign(&m, c, 'r');
    }
    for (int i = 0; i < GEN_ADS_DAYS + 1; i++) out->days[i].day = gen_days_from_civil(2024, 3, 4) + i;
    ads_fact *imp = calloc(nimp + 1, sizeof(*imp)), *clk = calloc(nimp + 1, sizeof(*clk));
    if (!imp || !clk) abort();
    size_t nclk = 0;
    int64_t span = GEN_ADS_DAYS * GEN_US_PER_DAY - 2 * GEN_US_PER_HOUR;
    for (size_t i = 0; i < nimp; i++) {
        m.now = gen_utc(2024, 3, 4, 0, 0, 0) + (int64_t)((uint64_t)span / nimp * i) + gen_range(&m.rng, 0, 999999);
        imp[i] = (ads_fact){(int64_t)i + 1, ADS_FIRST_CAMPAIGN + (int64_t)gen_below(&m.rng, GEN_ADS_CAMPAIGNS), m.now, 1};
        ads_fact_change(&m, "impressions", &imp[i], 'c');
        if (gen_chance(&m.rng, 0.08)) {   /* clicked within two hours: maybe the next day */
            clk[nclk] = (ads_fact){(int64_t)nclk + 1, imp[i].campaign_id, m.now + gen_range(&m.rng, 1, 7200) * GEN_US_PER_SEC, 1};
            int64_t was = m.now;
            m.now = clk[nclk].at_us;
            ads_fact_change(&m, "clicks", &clk[nclk++], 'c');
            m.now = was;
        }
        if (i % (nimp / 12 + 1) == 0 && i) {   /* a bid or budget change, sometimes a rename */
            gen_ads_campaign *c = &out->campaigns[gen_below(&m.rng, GEN_ADS_CAMPAIGNS - 1)];
            c->bid_cents = gen_range(&m.rng, 5, 450);
            if (gen_chance(&m.rng, 0.5)) c->budget_cents = gen_range(&m.rng, 10000, 900000);
            if (gen_chance(&m.rng, 0.3)) snprintf(c->name, sizeof(c->name), "campaign %lld v%zu", (long long)c->id, i);
            ads_campaign(&m, c, 'u');
        }
        if (i == nimp / 2) {
            gen_ads_advertiser *a = &out->advertisers[1];
            snprintf(a->name, sizeof(a->name), "Advertiser 2 (renamed)");
            ads_advertiser(&m, a, 'u');
            gen_ads_campaign *gone = &out->campaigns[GEN_ADS_CAMPAIGNS - 1];   /* deleted: its facts stay in the daily totals */
            gone->live = 0;
            gen_buf_clear(&m.row);
            gen_printf(&m.row, "{\"id\":%lld,\"name\":\"\",\"bid\":null,\"budget\":null,\"start_date\":0,\"end_date\":null,"
                               "\"advertiser_id\":0,\"updated_at\":0,\"created_at\":0}", (long long)gone->id);
            ads_emit(&m, "campaign", 'd', m.row.p, NULL, GEN_CHANGE);
        }
    }
    for (size_t k = 0; k < 7; k++) {   /* fraud: clicks and their impressions deleted */
        m.now += GEN_US_PER_SEC;
        ads_fact *c = &clk[gen_below(&m.rng, nclk)], *i = &imp[gen_below(&m.rng, nimp)];
        if (c->live) c->live = 0, out->deleted_clicks++, ads_fact_change(&m, "clicks", c, 'd');
        if (i->live) i->live = 0, out->deleted_impressions++, ads_fact_change(&m, "impressions", i, 'd');
    }
    ads_junk(&m);
    gen_msgs_sort(&out->msgs);
    ads_count(out, imp, nimp, 0);
    ads_count(out, clk, nclk, 1);
    for (int i = 0; i < GEN_ADS_CAMPAIGNS; i++) {
        const gen_ads_campaign *c = &out->campaigns[i];
        if (!c->live) continue;
        out->advertisers[c->advertiser_id - 1].campaigns++;
        out->advertisers[c->advertiser_id - 1].budget_cents += c->budget_cents;
    }
    free(imp);
    free(clk);
    gen_buf_free(&m.row);
    gen_buf_free(&m.msg);
}

void gen_ads_result_free(gen_ads_result *r) {
    gen_msgs_free(&r->msgs);
    memset(r, 0, sizeof(*r));
}
