/* gen_orders.c — inventory.orders change events and the final table they describe (see gen_orders.h). */
#include "gen_orders.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define ORD_FIRST_ID 10001

typedef struct ord_model {
    gen_rng rng;
    const gen_ord_config *cfg;
    gen_ord_row *rows;              /* by id - ORD_FIRST_ID */
    unsigned char *state;           /* 0 not created, 1 live, 2 deleted */
    int32_t *live_ids;              /* live ids, for picking one at random */
    size_t nlive, created;
    gen_dbz conn;
    gen_buf before, after, msg;
    int64_t now;                    /* commit time of the current transaction */
    gen_ord_result *res;
} ord_model;

gen_ord_config gen_ord_config_for(uint64_t seed, size_t messages) {
    /* about 2.1 messages per order: its insert or snapshot row, 0.6 updates,
     * 0.25 deletes with their tombstones, duplicates and junk */
    gen_ord_config c = {seed, messages * 10 / 21 + 10, 0.01, 0.01, gen_days_from_civil(2024, 5, 1), 60, 0.1};
    return c;
}

static void ord_json(ord_model *m, const gen_ord_row *r, gen_buf *out) {
    char day[24];
    if (r->order_date && gen_chance(&m->rng, m->cfg->text_date_rate)) {   /* seed 001's sample: "order_date": "2025-09-03" */
        gen_date(day, r->order_date);
        gen_printf(out, "{\"id\":%d,\"order_date\":\"%s\",\"purchaser\":%d,\"quantity\":%d,\"product_id\":%d}", r->id,
                   day, r->purchaser, r->quantity, r->product_id);
        return;
    }
    gen_printf(out, "{\"id\":%d,\"order_date\":%d,\"purchaser\":%d,\"quantity\":%d,\"product_id\":%d}", r->id,
               r->order_date, r->purchaser, r->quantity, r->product_id);
}

static void ord_random(ord_model *m, gen_ord_row *r, int32_t id) {
    r->id = id;
    r->order_date = (int32_t)(m->cfg->first_day + (int64_t)gen_below(&m->rng, (uint64_t)m->cfg->days));
    r->purchaser = 1001 + (int32_t)gen_below(&m->rng, 200);
    r->quantity = 1 + (int32_t)gen_below(&m->rng, 10);
    r->product_id = 101 + (int32_t)gen_below(&m->rng, 60);
}

/* A row of the change log (seed 001's orders_final). */
static void ord_log(ord_model *m, const gen_ord_row *r, char op) {
    gen_ord_result *res = m->res;
    if (res->nlog == res->caplog) {
        res->caplog = res->caplog ? 2 * res->caplog : 1024;
        res->log = realloc(res->log, res->caplog * sizeof(*res->log));
        if (!res->log) abort();
    }
    res->log[res->nlog++] = (gen_ord_log){*r, op};
}

/* Emits one change of the current transaction; may schedule a re-delivery. */
static void ord_emit(ord_model *m, gen_change *ch, gen_msgs *out, const gen_ord_row *after) {
    gen_buf_clear(&m->msg);
    gen_dbz_write(&m->msg, &m->conn, ch);
    int64_t order = ch->ts_us + gen_range(&m->rng, 0, 20) * GEN_US_PER_SEC;   /* partitions interleave */
    gen_msgs_add(out, order, GEN_CHANGE, m->msg.p, m->msg.n);
    if (after) ord_log(m, after, ch->op);
    if (gen_chance(&m->rng, m->cfg->duplicate_rate)) {
        gen_msgs_add(out, order + gen_range(&m->rng, 60, 7200) * GEN_US_PER_SEC, GEN_DUPLICATE, m->msg.p, m->msg.n);
        if (after) ord_log(m, after, ch->op);
    }
    if (ch->op == 'd') gen_msgs_add(out, order + 1, GEN_TOMBSTONE, "", 0);
}

static void ord_change(ord_model *m, gen_change *ch, char op, const gen_ord_row *before, const gen_ord_row *after) {
    gen_buf_clear(&m->before);
    gen_buf_clear(&m->after);
    if (before) ord_json(m, before, &m->before);
    if (after) ord_json(m, after, &m->after);
    ch->op = op;
    ch->before = before ? m->before.p : NULL;
    ch->after = after ? m->after.p : NULL;
}

static void ord_live_remove(ord_model *m, size_t slot) {
    m->live_ids[slot] = m->live_ids[--m->nlive];
}

/* One operation inside the current transaction. */
static void ord_operation(ord_model *m, gen_change *ch, gen_msgs *out) {
    uint64_t dice = gen_below(&m->rng, 100);
    const gen_ord_row *logged = NULL;   /* the row image seed 001's log keeps (not deletes) */
    if (m->created < m->cfg->orders && (dice < 45 || m->nlive == 0)) {
        int32_t id = ORD_FIRST_ID + (int32_t)m->created++;
        gen_ord_row *r = &m->rows[id - ORD_FIRST_ID];
        ord_random(m, r, id);
        m->state[id - ORD_FIRST_ID] = 1;
        m->live_ids[m->nlive++] = id;
        ord_change(m, ch, 'c', NULL, r);
        logged = r;
    } else if (m->nlive == 0) {
        return;
    } else if (dice < 85) {
        gen_ord_row *r = &m->rows[m->live_ids[gen_below(&m->rng, m->nlive)] - ORD_FIRST_ID];
        r->quantity = 1 + (int32_t)gen_below(&m->rng, 10);
        if (gen_chance(&m->rng, 0.2)) r->purchaser = 1001 + (int32_t)gen_below(&m->rng, 200);
        if (gen_chance(&m->rng, 0.1)) r->product_id = 101 + (int32_t)gen_below(&m->rng, 60);
        ord_change(m, ch, 'u', NULL, r);
        logged = r;
    } else {
        size_t slot = gen_below(&m->rng, m->nlive);
        int32_t id = m->live_ids[slot];
        gen_ord_row key = {id, 0, 0, 0, 0};   /* REPLICA IDENTITY DEFAULT: the key, the rest defaults */
        m->state[id - ORD_FIRST_ID] = 2;
        ord_live_remove(m, slot);
        ord_change(m, ch, 'd', &key, NULL);
    }
    ord_emit(m, ch, out, logged);
}

static void ord_snapshot(ord_model *m, gen_msgs *out, size_t n) {
    gen_change ch = {.schema = "inventory", .table = "orders", .op = 'r'};
    gen_dbz_begin(&m->conn, &ch);
    for (size_t i = 0; i < n; i++) {
        int32_t id = ORD_FIRST_ID + (int32_t)m->created++;
        gen_ord_row *r = &m->rows[id - ORD_FIRST_ID];
        ord_random(m, r, id);
        m->state[id - ORD_FIRST_ID] = 1;
        m->live_ids[m->nlive++] = id;
        ord_change(m, &ch, 'r', NULL, r);
        ch.snapshot = gen_dbz_snapshot_marker(i, n, 1, 1);
        ch.source_us = m->now;
        ch.ts_us = m->now + 300000 + (int64_t)i * 50;
        ord_emit(m, &ch, out, r);
    }
}

static void ord_stream(ord_model *m, gen_msgs *out) {
    while (m->created < m->cfg->orders) {
        m->now += gen_range(&m->rng, 200, 20000) * 1000;
        gen_change ch = {.schema = "inventory", .table = "orders", .snapshot = "false"};
        gen_dbz_begin(&m->conn, &ch);
        int ops = gen_chance(&m->rng, 0.2) ? 2 + (int)gen_below(&m->rng, 2) : 1;
        for (int i = 0; i < ops; i++) {
            if (i) gen_dbz_next(&m->conn, &ch);
            ch.source_us = m->now;
            ch.ts_us = m->now + gen_range(&m->rng, 100000, 800000);
            ord_operation(m, &ch, out);
        }
    }
}

/* Junk: the common kinds, plus change events the decoder must refuse. */
static void ord_junk(ord_model *m, gen_msgs *out) {
    size_t n = (size_t)((double)gen_msgs_count(out, GEN_CHANGE) * m->cfg->junk_rate) + 9;
    int64_t first = out->order[0], span = out->order[out->n - 1] - first + 1;
    for (size_t i = 0; i < n; i++) {
        unsigned kind = (unsigned)(i % (GEN_JUNK_COMMON_KINDS + 4));
        gen_change ch = {.schema = "inventory", .table = "orders", .snapshot = "false", .lsn = 900000 + i, .txid = 3,
                         .source_us = m->now, .ts_us = m->now + 1000};
        char text[160];
        gen_buf_clear(&m->msg);
        if (kind < GEN_JUNK_COMMON_KINDS) {
            gen_junk_common(&m->msg, kind, i);
        } else if (kind == GEN_JUNK_COMMON_KINDS) {        /* a delete without "before" (REPLICA IDENTITY NOTHING) */
            ch.op = 'd';
            gen_dbz_write(&m->msg, &m->conn, &ch);
        } else if (kind == GEN_JUNK_COMMON_KINDS + 1) {    /* an update without "after" */
            ch.op = 'u';
            gen_dbz_write(&m->msg, &m->conn, &ch);
        } else if (kind == GEN_JUNK_COMMON_KINDS + 2) {    /* TRUNCATE inventory.orders */
            ch.op = 't';
            gen_dbz_write(&m->msg, &m->conn, &ch);
        } else {                                           /* a value of the wrong type */
            snprintf(text, sizeof(text),
                     "{\"id\":%zu,\"order_date\":19850,\"purchaser\":1001,\"quantity\":\"lots\",\"product_id\":101}",
                     90000 + i);
            ch.op = 'c';
            ch.after = text;
            gen_dbz_write(&m->msg, &m->conn, &ch);
        }
        gen_msgs_add(out, first + (int64_t)gen_below(&m->rng, (uint64_t)span), GEN_JUNK, m->msg.p, m->msg.n);
    }
}

/* inventory.products: a snapshot, then price and stock changes. */
static void ord_products(ord_model *m, gen_ord_result *res) {
    gen_change ch = {.schema = "inventory", .table = "products", .op = 'r'};
    int64_t at = gen_utc(2024, 5, 1, 8, 0, 0);
    gen_dbz_begin(&m->conn, &ch);
    for (int pass = 0; pass < 2; pass++)
        for (int i = 0; i < GEN_ORD_PRODUCTS; i++) {
            gen_ord_product *p = &res->products[i];
            if (pass == 0) {
                p->id = GEN_ORD_FIRST_PRODUCT + i;
                snprintf(p->name, sizeof(p->name), "product %d", p->id);
                p->price_cents = gen_range(&m->rng, 99, 99999);
                p->stock = (int32_t)gen_range(&m->rng, 0, 400);
                ch.snapshot = gen_dbz_snapshot_marker((size_t)i, GEN_ORD_PRODUCTS, 1, 1);
            } else if (gen_chance(&m->rng, 0.3)) {   /* restocked or repriced */
                gen_dbz_begin(&m->conn, &ch);
                ch.op = 'u';
                ch.snapshot = "false";
                if (gen_chance(&m->rng, 0.5)) p->price_cents = gen_range(&m->rng, 99, 99999);
                p->stock = (int32_t)gen_range(&m->rng, 0, 400);
            } else {
                continue;
            }
            at += GEN_US_PER_SEC;
            gen_buf_clear(&m->after);
            gen_printf(&m->after, "{\"id\":%d,\"name\":\"%s\",\"description\":\"a %s\",\"weight\":%d.25,"
                                  "\"price\":\"%lld.%02lld\",\"stock\":%d}",
                       p->id, p->name, p->name, 1 + i % 9, (long long)(p->price_cents / 100), (long long)(p->price_cents % 100),
                       p->stock);
            ch.after = m->after.p;
            ch.source_us = at;
            ch.ts_us = at + 1000;
            gen_buf_clear(&m->msg);
            gen_dbz_write(&m->msg, &m->conn, &ch);
            gen_msgs_add(&res->product_msgs, at, GEN_CHANGE, m->msg.p, m->msg.n);
            if (pass == 0) gen_dbz_next(&m->conn, &ch);
        }
}

static void ord_expect(const ord_model *m, gen_ord_result *res) {
    res->live = malloc((m->created + 1) * sizeof(*res->live));
    res->deleted = malloc((m->created + 1) * sizeof(*res->deleted));
    if (!res->live || !res->deleted) abort();
    for (size_t i = 0; i < m->created; i++) {
        if (m->state[i] == 1) res->live[res->nlive++] = m->rows[i];
        if (m->state[i] == 2) res->deleted[res->ndeleted++] = m->rows[i].id;
    }
}

static void ord_count_ops(const gen_msgs *msgs, gen_ord_result *res) {
    for (size_t i = 0; i < msgs->n; i++) {
        if (msgs->kind[i] != GEN_CHANGE) continue;
        const char *op = strstr(gen_msg(msgs, i, NULL), "\"op\":\"");
        switch (op ? op[6] : 0) {
        case 'r': res->snapshot_rows++; break;
        case 'c': res->inserts++; break;
        case 'u': res->updates++; break;
        case 'd': res->deletes++; break;
        }
    }
}

void gen_ord_generate(const gen_ord_config *cfg, gen_ord_result *out) {
    ord_model m = {.rng = {cfg->seed}, .cfg = cfg, .res = out};
    memset(out, 0, sizeof(*out));
    m.rows = calloc(cfg->orders + 1, sizeof(*m.rows));
    m.state = calloc(cfg->orders + 1, 1);
    m.live_ids = calloc(cfg->orders + 1, sizeof(*m.live_ids));
    if (!m.rows || !m.state || !m.live_ids) abort();
    gen_dbz_init(&m.conn, "dbserver1", "postgres", 34567120, 1200);
    m.now = gen_utc(2024, 5, 1, 9, 0, 0);
    ord_products(&m, out);
    ord_snapshot(&m, &out->msgs, cfg->orders * 3 / 10);
    ord_stream(&m, &out->msgs);
    gen_msgs_sort(&out->msgs);
    ord_junk(&m, &out->msgs);
    gen_msgs_sort(&out->msgs);
    ord_expect(&m, out);
    ord_count_ops(&out->msgs, out);
    free(m.rows);
    free(m.state);
    free(m.live_ids);
    gen_buf_free(&m.before);
    gen_buf_free(&m.after);
    gen_buf_free(&m.msg);
}

void gen_ord_result_free(gen_ord_result *r) {
    gen_msgs_free(&r->msgs);
    gen_msgs_free(&r->product_msgs);
    free(r->log);
    free(r->live);
    free(r->deleted);
    memset(r, 0, sizeof(*r));
}
