/* gen_orders.h — Debezium CDC of inventory.orders (the Debezium tutorial's
 * PostgreSQL example: id, order_date, purchaser, quantity, product_id) and
 * the table sql/orders must end with.
 *
 * Shapes as the PostgreSQL connector writes them with REPLICA IDENTITY
 * DEFAULT: a snapshot of the existing orders (op r), then inserts (c),
 * updates without a "before" image (u), deletes whose "before" holds only the
 * key with every other column at its default (d) followed by a tombstone.
 * order_date is io.debezium.time.Date (days since 1970-01-01), or for a
 * share of the rows "2025-09-03" text as in seed 001's sample event.  Some
 * transactions change several orders, some changes are delivered twice, late
 * and out of order; junk is mixed in (see gen_ord_generate).
 *
 * inventory.products (id, name, description, weight, price numeric(10,2)
 * as decimal text, stock) goes to its own topic: a snapshot, then price and
 * stock changes.  Besides the final tables, the result keeps the log of
 * changes seed 001's orders_final records (inserts, updates, snapshot rows,
 * each delivered copy). */
#ifndef CDC_GEN_ORDERS_H
#define CDC_GEN_ORDERS_H

#include "gen.h"

typedef struct gen_ord_config {
    uint64_t seed;
    size_t orders;                  /* order ids created (snapshot + inserts) */
    double junk_rate;               /* junk messages per change message */
    double duplicate_rate;          /* re-delivered change messages per change message */
    int64_t first_day, days;        /* order dates: first_day + [0, days) (days since 1970-01-01) */
    double text_date_rate;          /* share of row images with order_date as "YYYY-MM-DD" */
} gen_ord_config;

gen_ord_config gen_ord_config_for(uint64_t seed, size_t messages);

typedef struct gen_ord_row {
    int32_t id, order_date, purchaser, quantity, product_id;
} gen_ord_row;

#define GEN_ORD_PRODUCTS 60
#define GEN_ORD_FIRST_PRODUCT 101

typedef struct gen_ord_product {
    int32_t id, stock;
    int64_t price_cents;
    char name[32];
} gen_ord_product;

/* One row of seed 001's change log: a c, u or r change as delivered. */
typedef struct gen_ord_log {
    gen_ord_row row;
    char op;
} gen_ord_log;

typedef struct gen_ord_result {
    gen_msgs msgs;                  /* in delivery order */
    gen_msgs product_msgs;          /* topic of inventory.products */
    gen_ord_product products[GEN_ORD_PRODUCTS];
    gen_ord_log *log;               /* in generation order */
    size_t nlog, caplog;
    gen_ord_row *live;              /* the orders that exist at the end, by id */
    size_t nlive;
    int32_t *deleted;               /* ids that were deleted, ascending */
    size_t ndeleted;
    uint64_t snapshot_rows, inserts, updates, deletes;
} gen_ord_result;

void gen_ord_generate(const gen_ord_config *cfg, gen_ord_result *out);
void gen_ord_result_free(gen_ord_result *r);

#endif
