/* gen_campaigns.c — e-mail campaign events and their expected counts (see gen_campaigns.h). */
#include "gen_campaigns.h"

#include <stdlib.h>
#include <string.h>

enum { CMP_DELIVERED, CMP_OPEN, CMP_CLICK, CMP_BOUNCE, CMP_UNSUBSCRIBE };
const char *const gen_cmp_type_name[GEN_CMP_TYPES] = {"delivered", "open", "click", "bounce", "unsubscribe"};

typedef gen_cmp_event cmp_event;

typedef struct cmp_model {
    gen_rng rng;
    const gen_cmp_config *cfg;
    char workspaces[3][37];
    int64_t sent_at[GEN_CMP_CAMPAIGNS];
    int workspace_of[GEN_CMP_CAMPAIGNS];
    cmp_event *ev;
    size_t nev, cap;
    gen_buf msg;
} cmp_model;

gen_cmp_config gen_cmp_config_for(uint64_t seed, size_t messages) {
    /* about 1.95 events per recipient, plus duplicates and junk */
    gen_cmp_config c = {seed, messages / (GEN_CMP_CAMPAIGNS * 2) + 5, 0.01, 0.01};
    return c;
}

static void cmp_add(cmp_model *m, int campaign, uint32_t recipient, int type, int64_t us) {
    if (m->nev == m->cap) {
        m->cap = m->cap ? m->cap * 2 : 4096;
        m->ev = realloc(m->ev, m->cap * sizeof(*m->ev));
        if (!m->ev) abort();
    }
    m->ev[m->nev++] = (cmp_event){campaign, type, recipient, us / 1000 * 1000};
}

/* What one recipient of one campaign does; times strictly increase. */
static void cmp_recipient(cmp_model *m, int c, uint32_t r) {
    gen_rng *g = &m->rng;
    int64_t t = m->sent_at[c] + gen_range(g, 0, 1800) * GEN_US_PER_SEC + gen_range(g, 0, 999) * 1000;
    if (gen_chance(g, 0.04)) {
        cmp_add(m, c, r, CMP_BOUNCE, t);
        return;
    }
    cmp_add(m, c, r, CMP_DELIVERED, t);
    int opened = 0;
    if (gen_chance(g, 0.45)) {
        int opens = 1 + gen_chance(g, 0.35) + gen_chance(g, 0.15);
        for (int i = 0; i < opens; i++) cmp_add(m, c, r, CMP_OPEN, t += gen_range(g, 60, 36 * 3600) * GEN_US_PER_SEC);
        opened = 1;
    }
    if (opened && gen_chance(g, 0.35)) {
        int clicks = 1 + gen_chance(g, 0.25);
        for (int i = 0; i < clicks; i++) cmp_add(m, c, r, CMP_CLICK, t += gen_range(g, 2, 900) * GEN_US_PER_SEC);
    }
    if (gen_chance(g, 0.015)) cmp_add(m, c, r, CMP_UNSUBSCRIBE, t + gen_range(g, 5, 600) * GEN_US_PER_SEC);
}

static void cmp_build(cmp_model *m, gen_cmp_result *res) {
    for (int w = 0; w < 3; w++) gen_uuid(&m->rng, m->workspaces[w]);
    memcpy(m->workspaces[0], GEN_CMP_SEED_WORKSPACE, 37);
    for (int c = 0; c < GEN_CMP_CAMPAIGNS; c++) {
        gen_uuid(&m->rng, res->campaigns[c].campaign_id);
        if (c == 0) memcpy(res->campaigns[c].campaign_id, GEN_CMP_SEED_CAMPAIGN, 37);
        m->workspace_of[c] = c % 3;
        memcpy(res->campaigns[c].workspace_id, m->workspaces[c % 3], 37);
        m->sent_at[c] = gen_utc(2024, 6, 3, 8, 0, 0) + gen_range(&m->rng, 0, 6 * 24) * GEN_US_PER_HOUR;
        for (uint32_t r = 0; r < m->cfg->recipients; r++) cmp_recipient(m, c, r);
    }
}

void gen_cmp_email(uint32_t r, char *out, size_t cap) {
    if (r % 211 == 7) snprintf(out, cap, "o'neil.%u+news@example.org", r);     /* a quote in the address */
    else snprintf(out, cap, "reader%u@example.com", r);
}

static void cmp_metadata(cmp_model *m, const cmp_event *e, gen_buf *out) {
    switch (e->type) {
    case CMP_DELIVERED:
        gen_printf(out, "{\"message_id\":\"<%llx@mail.example.com>\",\"smtp_response\":\"250 2.0.0 OK\"}",
                   (unsigned long long)gen_next(&m->rng));
        break;
    case CMP_OPEN:
        gen_printf(out, "{\"user_agent\":\"Mozilla/5.0 (iPhone; CPU iPhone OS 17_4 like Mac OS X)\",\"ip\":\"203.0.113.%d\"}",
                   (int)gen_below(&m->rng, 250) + 1);
        break;
    case CMP_CLICK:
        gen_printf(out, "{\"url\":\"https://shop.example.com/sale?utm_campaign=c%d&utm_medium=email\",\"ip\":\"198.51.100.%d\"}",
                   e->campaign, (int)gen_below(&m->rng, 250) + 1);
        break;
    case CMP_BOUNCE:
        gen_puts(out, gen_chance(&m->rng, 0.7) ? "{\"bounce_type\":\"hard\",\"smtp_response\":\"550 5.1.1 user unknown\"}"
                                              : "{\"bounce_type\":\"soft\",\"smtp_response\":\"452 4.2.2 mailbox full\"}");
        break;
    default:
        gen_puts(out, gen_chance(&m->rng, 0.5) ? "{\"source\":\"list-unsubscribe\"}" : "{\"source\":\"footer-link\"}");
        break;
    }
}

static void cmp_event_json(cmp_model *m, const cmp_event *e, const gen_cmp_result *res, gen_buf *out) {
    char email[80], t[40];
    gen_cmp_email(e->recipient, email, sizeof(email));
    gen_iso(t, e->us, 3);
    gen_printf(out, "{\"campaign_id\":\"%s\",\"workspace_id\":\"%s\",\"email\":", res->campaigns[e->campaign].campaign_id,
               m->workspaces[m->workspace_of[e->campaign]]);
    gen_json_str(out, email);
    gen_printf(out, ",\"event_type\":\"%s\",\"event_time\":\"%s\",\"metadata\":", gen_cmp_type_name[e->type], t);
    cmp_metadata(m, e, out);
    gen_puts(out, "}");
}

static void cmp_emit(cmp_model *m, const gen_cmp_result *res, gen_msgs *out) {
    for (size_t i = 0; i < m->nev; i++) {
        gen_buf_clear(&m->msg);
        cmp_event_json(m, &m->ev[i], res, &m->msg);
        int64_t order = m->ev[i].us + gen_range(&m->rng, 1, 600) * GEN_US_PER_SEC;   /* webhooks arrive late, out of order */
        gen_msgs_add(out, order, GEN_CHANGE, m->msg.p, m->msg.n);
        if (gen_chance(&m->rng, m->cfg->duplicate_rate))   /* a retried webhook */
            gen_msgs_add(out, order + gen_range(&m->rng, 30, 3600) * GEN_US_PER_SEC, GEN_DUPLICATE, m->msg.p, m->msg.n);
    }
}

#define CMP_JUNK_HEAD "{\"campaign_id\":\"%s\",\"workspace_id\":\"%s\",\"email\":\"junk%zu@example.com\","

/* Junk: the common kinds plus events our function or SQL must refuse. */
static void cmp_junk(cmp_model *m, const gen_cmp_result *res, gen_msgs *out) {
    size_t n = (size_t)((double)gen_msgs_count(out, GEN_CHANGE) * m->cfg->junk_rate) + 10;
    int64_t first = out->order[0], span = out->order[out->n - 1] - first + 1;
    const char *cid = res->campaigns[0].campaign_id, *wid = res->campaigns[0].workspace_id;
    for (size_t i = 0; i < n; i++) {
        unsigned kind = (unsigned)(i % (GEN_JUNK_COMMON_KINDS + 5));
        gen_buf_clear(&m->msg);
        switch (kind) {
        case GEN_JUNK_COMMON_KINDS:        /* the function cannot read the time */
            gen_printf(&m->msg, CMP_JUNK_HEAD, cid, wid, i);
            gen_puts(&m->msg, "\"event_type\":\"open\",\"event_time\":\"last Tuesday\",\"metadata\":{}}");
            break;
        case GEN_JUNK_COMMON_KINDS + 1:    /* an event type we do not know */
            gen_printf(&m->msg, CMP_JUNK_HEAD, cid, wid, i);
            gen_puts(&m->msg, "\"event_type\":\"spam_complaint\",\"event_time\":\"2024-06-04T10:00:00.000Z\",\"metadata\":{}}");
            break;
        case GEN_JUNK_COMMON_KINDS + 2:    /* campaign_id is not a UUID */
            gen_printf(&m->msg, CMP_JUNK_HEAD, "summer-sale", wid, i);
            gen_puts(&m->msg, "\"event_type\":\"open\",\"event_time\":\"2024-06-04T10:00:00.000Z\",\"metadata\":{}}");
            break;
        case GEN_JUNK_COMMON_KINDS + 3:    /* no event_time */
            gen_printf(&m->msg, CMP_JUNK_HEAD, cid, wid, i);
            gen_puts(&m->msg, "\"event_type\":\"click\",\"metadata\":{\"url\":\"https://shop.example.com/\"}}");
            break;
        case GEN_JUNK_COMMON_KINDS + 4:    /* no e-mail address */
            gen_printf(&m->msg, "{\"campaign_id\":\"%s\",\"workspace_id\":\"%s\",\"event_type\":\"delivered\","
                       "\"event_time\":\"2024-06-04T10:00:%02zu.000Z\",\"metadata\":{\"n\":%zu}}", cid, wid, i % 60, i);
            break;
        default:
            gen_junk_common(&m->msg, kind, i);
        }
        gen_msgs_add(out, first + (int64_t)gen_below(&m->rng, (uint64_t)span), GEN_JUNK, m->msg.p, m->msg.n);
    }
}

/* A readiness message; a few are retried (the same message again). */
static void cmp_ready(cmp_model *m, const gen_cmp_result *res, int c, int64_t us, const char *metadata, gen_msgs *out) {
    char t[40];
    gen_iso(t, us, 3);
    gen_buf_clear(&m->msg);
    gen_printf(&m->msg, "{\"campaign_id\":\"%s\",\"workspace_id\":\"%s\",\"event_time\":\"%s\",\"metadata\":%s}",
               res->campaigns[c].campaign_id, res->campaigns[c].workspace_id, t, metadata);
    gen_msgs_add(out, us, GEN_CHANGE, m->msg.p, m->msg.n);
    if (c % 5 == 1) gen_msgs_add(out, us + GEN_US_PER_SEC, GEN_DUPLICATE, m->msg.p, m->msg.n);
}

/* Audience and template announcements before each campaign is sent, and
 * one message per topic without a campaign id. */
static void cmp_readiness(cmp_model *m, gen_cmp_result *res) {
    char meta[96];
    for (int c = 0; c < GEN_CMP_CAMPAIGNS; c++) {
        gen_cmp_campaign *k = &res->campaigns[c];
        k->audience_ready_us = m->sent_at[c] - gen_range(&m->rng, 1, 48 * 3600) * GEN_US_PER_SEC;
        snprintf(meta, sizeof(meta), "{\"audience_size\":%zu,\"segment\":\"seg-%d\"}", m->cfg->recipients, c);
        cmp_ready(m, res, c, k->audience_ready_us, meta, &res->audience);
        k->template_ready_us = -1;
        if (c % 4 == 3) continue;
        k->template_ready_us = m->sent_at[c] - gen_range(&m->rng, 1, 24 * 3600) * GEN_US_PER_SEC;
        snprintf(meta, sizeof(meta), "{\"template_id\":\"tpl-%d\",\"subject\":\"Welcome Email\"}", c);
        cmp_ready(m, res, c, k->template_ready_us, meta, &res->templates);
    }
    static const char audience_junk[] = "{\"workspace_id\":\"" GEN_CMP_SEED_WORKSPACE "\",\"event_time\":\"2024-06-01T00:00:00Z\","
                                        "\"metadata\":{\"audience_size\":0}}";
    static const char template_junk[] = "{\"workspace_id\":\"" GEN_CMP_SEED_WORKSPACE "\",\"event_time\":\"2024-06-01T00:00:00Z\","
                                        "\"metadata\":{\"template_id\":\"\"}}";
    gen_msgs_add(&res->audience, m->sent_at[0], GEN_JUNK, audience_junk, sizeof(audience_junk) - 1);
    gen_msgs_add(&res->templates, m->sent_at[0], GEN_JUNK, template_junk, sizeof(template_junk) - 1);
    gen_msgs_sort(&res->audience);
    gen_msgs_sort(&res->templates);
}

static int cmp_event_cmp(const void *a, const void *b) {
    const cmp_event *x = a, *y = b;
    if (x->campaign != y->campaign) return x->campaign - y->campaign;
    if (x->type != y->type) return x->type - y->type;
    int64_t dx = gen_floor_div(x->us, GEN_US_PER_DAY), dy = gen_floor_div(y->us, GEN_US_PER_DAY);
    if (dx != dy) return dx < dy ? -1 : 1;
    return x->recipient < y->recipient ? -1 : x->recipient > y->recipient;
}

/* Counts per campaign and type, and per (day, campaign, type), with
 * distinct recipients, from the events sorted by those keys. */
static void cmp_expect(cmp_model *m, gen_cmp_result *res) {
    qsort(m->ev, m->nev, sizeof(*m->ev), cmp_event_cmp);
    res->days = malloc((m->nev + 1) * sizeof(*res->days));
    if (!res->days) abort();
    uint8_t *seen = calloc((size_t)GEN_CMP_CAMPAIGNS * GEN_CMP_TYPES * m->cfg->recipients, 1);
    if (!seen) abort();
    for (int c = 0; c < GEN_CMP_CAMPAIGNS; c++) res->campaigns[c].first_delivered_us = INT64_MAX;
    for (size_t i = 0; i < m->nev; i++) {
        const cmp_event *e = &m->ev[i], *p = i ? &m->ev[i - 1] : NULL;
        int64_t day = gen_floor_div(e->us, GEN_US_PER_DAY);
        int new_day = !p || p->campaign != e->campaign || p->type != e->type || gen_floor_div(p->us, GEN_US_PER_DAY) != day;
        if (new_day) res->days[res->ndays++] = (gen_cmp_day){day, e->campaign, e->type, 0, 0};
        gen_cmp_day *d = &res->days[res->ndays - 1];
        d->events++;
        d->recipients += new_day || p->recipient != e->recipient;
        res->campaigns[e->campaign].events[e->type]++;
        if (e->type == CMP_DELIVERED && e->us < res->campaigns[e->campaign].first_delivered_us)
            res->campaigns[e->campaign].first_delivered_us = e->us;
        uint8_t *flag = &seen[((size_t)e->campaign * GEN_CMP_TYPES + (size_t)e->type) * m->cfg->recipients + e->recipient];
        res->campaigns[e->campaign].recipients[e->type] += !*flag;
        *flag = 1;
        res->events++;
    }
    free(seen);
}

void gen_cmp_generate(const gen_cmp_config *cfg, gen_cmp_result *out) {
    cmp_model m = {.rng = {cfg->seed}, .cfg = cfg};
    memset(out, 0, sizeof(*out));
    cmp_build(&m, out);
    cmp_emit(&m, out, &out->msgs);
    gen_msgs_sort(&out->msgs);
    cmp_junk(&m, out, &out->msgs);
    gen_msgs_sort(&out->msgs);
    cmp_expect(&m, out);
    cmp_readiness(&m, out);
    out->ev = m.ev;
    out->nev = m.nev;
    gen_buf_free(&m.msg);
}

void gen_cmp_result_free(gen_cmp_result *r) {
    gen_msgs_free(&r->msgs);
    gen_msgs_free(&r->audience);
    gen_msgs_free(&r->templates);
    free(r->ev);
    free(r->days);
    memset(r, 0, sizeof(*r));
}
