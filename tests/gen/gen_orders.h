/* gen_orders.h — Debezium CDC of inventory.orders (the Debezium tutorial's
 * PostgreSQL example: id, order_date, purchaser, quantity, product_id) and
 * the table sql/orders must end with.
 *
 * Shapes as the PostgreSQL connector writes them with REPLICA IDENTITY
 * DEFAULT: a snapshot of the existing orders (op r), then inserts (c),
 * updates without a "before" image (u), deletes whose "before" holds only the
 * key with every other column at its default (d) followed by a tombstone.
 * order_date is io.debezium.time.Date (days since 1970-01-01).  Some
 * transactions change several orders, some changes are delivered twice, late
 * and out of order; junk is mixed in (see gen_ord_generate). */
#ifndef CDC_GEN_ORDERS_H
#define CDC_GEN_ORDERS_H

#include "gen.h"

typedef struct gen_ord_config {
    uint64_t seed;
    size_t orders;                  /* order ids created (snapshot + inserts) */
    double junk_rate;               /* junk messages per change message */
    double duplicate_rate;          /* re-delivered change messages per change message */
} gen_ord_config;

gen_ord_config gen_ord_config_for(uint64_t seed, size_t messages);

typedef struct gen_ord_row {
    int32_t id, order_date, purchaser, quantity, product_id;
} gen_ord_row;

typedef struct gen_ord_result {
    gen_msgs msgs;                  /* in delivery order */
    gen_ord_row *live;              /* the orders that exist at the end, by id */
    size_t nlive;
    int32_t *deleted;               /* ids that were deleted, ascending */
    size_t ndeleted;
    uint64_t snapshot_rows, inserts, updates, deletes;
} gen_ord_result;

void gen_ord_generate(const gen_ord_config *cfg, gen_ord_result *out);
void gen_ord_result_free(gen_ord_result *r);

#endif
