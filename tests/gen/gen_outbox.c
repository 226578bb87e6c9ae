/* gen_outbox.c — the outbox table's change events (see gen_outbox.h). */
#include "gen_outbox.h"

#include <stdlib.h>
#include <string.h>

#define OBX_AGGREGATES 40    /* aggregate ids per type */

const char *const gen_obx_type_name[GEN_OBX_TYPES] = {"order", "customer", "shipment", "invoice"};

static const char *const obx_event_types[GEN_OBX_TYPES][2] = {
    {"OrderCreated", "OrderShipped"}, {"CustomerRegistered", "CustomerMoved"},
    {"ShipmentDispatched", "ShipmentDelivered"}, {"InvoiceIssued", "InvoicePaid"}};

gen_obx_config gen_obx_config_for(uint64_t seed, size_t messages) {
    /* per event: its insert, the delete and tombstone of most, a few updates, duplicates and junk */
    gen_obx_config c = {seed, messages * 10 / 28 + 10, 0.02, 0.02, 0.05, 0.02};
    return c;
}

typedef struct obx_model {
    gen_rng rng;
    const gen_obx_config *cfg;
    gen_dbz conn;
    gen_buf row, payload, msg;
    unsigned char seen[GEN_OBX_TYPES][OBX_AGGREGATES];
    gen_obx_result *res;
} obx_model;

/* The row image; type < 0: a junk aggregatetype (null, or a topic Kafka refuses). */
static void obx_row(obx_model *m, const char *id, int type, int aggregate, int null_payload, const char *aggtype) {
    gen_buf_clear(&m->row);
    gen_buf_clear(&m->payload);
    gen_printf(&m->payload, "{\"amount\": %d, \"currency\": \"EUR\", \"lines\": [{\"sku\": \"A-%d\", \"qty\": %d}]}",
               (int)gen_range(&m->rng, 1, 9999), aggregate, (int)gen_range(&m->rng, 1, 5));
    gen_printf(&m->row, "{\"id\":\"%s\",\"aggregatetype\":", id);
    gen_json_str(&m->row, aggtype);
    gen_printf(&m->row, ",\"aggregateid\":\"%c-%d\",\"type\":\"%s\",\"payload\":", gen_obx_type_name[type < 0 ? 0 : type][0],
               aggregate, obx_event_types[type < 0 ? 0 : type][aggregate % 2]);
    if (null_payload) gen_puts(&m->row, "null");
    else gen_json_str(&m->row, m->payload.p);
    gen_puts(&m->row, "}");
}

static void obx_emit(obx_model *m, gen_change *ch, int64_t order, gen_kind kind) {
    gen_buf_clear(&m->msg);
    gen_dbz_write(&m->msg, &m->conn, ch);
    gen_msgs_add(&m->res->msgs, order, kind, m->msg.p, m->msg.n);
    if (kind == GEN_CHANGE && gen_chance(&m->rng, m->cfg->duplicate_rate))
        gen_msgs_add(&m->res->msgs, order + gen_range(&m->rng, 60, 3600) * GEN_US_PER_SEC, GEN_DUPLICATE, m->msg.p, m->msg.n);
}

static void obx_events(obx_model *m) {
    gen_change ch = {.schema = "public", .table = "outbox"};
    int64_t now = gen_utc(2024, 6, 3, 9, 0, 0);
    size_t snapshot = m->cfg->events / 10;
    char id[37];
    for (size_t i = 0; i < m->cfg->events; i++) {
        int type = (int)gen_below(&m->rng, GEN_OBX_TYPES), aggregate = (int)gen_below(&m->rng, OBX_AGGREGATES);
        int null_payload = gen_chance(&m->rng, m->cfg->null_payload_rate);
        gen_uuid(&m->rng, id);
        now += gen_range(&m->rng, 1, 30) * GEN_US_PER_SEC;
        gen_dbz_begin(&m->conn, &ch);
        ch.op = i < snapshot ? 'r' : 'c';
        ch.snapshot = i < snapshot ? gen_dbz_snapshot_marker(i, snapshot, 1, 1) : "false";
        ch.before = NULL;
        obx_row(m, id, type, aggregate, null_payload, gen_obx_type_name[type]);
        ch.after = m->row.p;
        ch.source_us = now;
        ch.ts_us = now + 1500;
        obx_emit(m, &ch, now, GEN_CHANGE);
        m->res->events[type]++;
        m->res->null_payloads += null_payload;
        if (!m->seen[type][aggregate]) m->seen[type][aggregate] = 1, m->res->aggregates[type]++;
        if (i < snapshot) continue;
        if (gen_chance(&m->rng, m->cfg->update_rate)) {   /* not an event: the SMT drops it */
            gen_dbz_begin(&m->conn, &ch);
            ch.op = 'u';
            ch.source_us = ch.ts_us = now + GEN_US_PER_SEC;
            obx_emit(m, &ch, now + GEN_US_PER_SEC, GEN_IGNORED);
            m->res->updates++;
        }
        if (gen_chance(&m->rng, 0.8)) {   /* published: the row is deleted, then its tombstone */
            gen_dbz_begin(&m->conn, &ch);
            char before[64];
            snprintf(before, sizeof(before), "{\"id\":\"%s\"}", id);
            ch.op = 'd';
            ch.before = before;
            ch.after = NULL;
            ch.source_us = ch.ts_us = now + 2 * GEN_US_PER_SEC;
            obx_emit(m, &ch, now + 2 * GEN_US_PER_SEC, GEN_IGNORED);
            gen_msgs_add(&m->res->msgs, now + 2 * GEN_US_PER_SEC + 1, GEN_TOMBSTONE, "", 0);
            m->res->deletes++;
        }
    }
}

/* Junk spread over the stream: the common kinds, and creates the SMT fails on. */
static void obx_junk(obx_model *m) {
    size_t n = (size_t)((double)m->cfg->events * m->cfg->junk_rate) + 3;
    int64_t first = gen_utc(2024, 6, 3, 9, 0, 0);
    gen_change ch = {.schema = "public", .table = "outbox", .op = 'c', .snapshot = "false"};
    char id[37];
    for (size_t i = 0; i < n; i++) {
        int64_t at = first + (int64_t)gen_below(&m->rng, (uint64_t)(m->cfg->events * 15 + 1)) * GEN_US_PER_SEC;
        gen_buf_clear(&m->msg);
        if (i % 3 == 0) {
            gen_junk_common(&m->msg, (unsigned)(i / 3), i);
            gen_msgs_add(&m->res->msgs, at, GEN_JUNK, m->msg.p, m->msg.n);
            continue;
        }
        gen_uuid(&m->rng, id);
        gen_dbz_begin(&m->conn, &ch);
        obx_row(m, id, -1, (int)i, 0, i % 3 == 1 ? NULL : "Order Service");
        ch.after = m->row.p;
        ch.source_us = at;
        ch.ts_us = at + 1500;
        gen_dbz_write(&m->msg, &m->conn, &ch);
        gen_msgs_add(&m->res->msgs, at, GEN_JUNK, m->msg.p, m->msg.n);
    }
}

void gen_obx_generate(const gen_obx_config *cfg, gen_obx_result *out) {
    obx_model m = {.rng = {cfg->seed}, .cfg = cfg, .res = out};
    memset(out, 0, sizeof(*out));
    gen_dbz_init(&m.conn, "dbserver1", "app", 26786048, 770);
    obx_events(&m);
    obx_junk(&m);
    gen_msgs_sort(&out->msgs);
    gen_buf_free(&m.row);
    gen_buf_free(&m.payload);
    gen_buf_free(&m.msg);
}

void gen_obx_result_free(gen_obx_result *r) {
    gen_msgs_free(&r->msgs);
    memset(r, 0, sizeof(*r));
}
