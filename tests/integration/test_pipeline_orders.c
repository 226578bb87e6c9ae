/* test_pipeline_orders.c — sql/orders, applied as written (Kafka source
 * swapped for Null), fed ~15k generated Debezium changes of inventory.orders
 * (snapshot, inserts, updates, deletes with tombstones, duplicates, junk) in
 * blocks, the first block delivered again at the end so old versions arrive
 * after newer ones.  orders_current under FINAL must equal, row for row, the
 * table the generator's model ends with. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "gen_orders.h"
#include "itest.h"
#include "pipeline.h"

#define ORD_SEED 424242
#define ORD_MESSAGES 15000

static gen_ord_result ord_gen;
static int ord_loaded;

static void ord_load(chs_session *s) {
    if (ord_loaded) {
        itest_exec(s, "USE ord_main");
        return;
    }
    gen_ord_config cfg = gen_ord_config_for(ORD_SEED, ORD_MESSAGES);
    gen_ord_generate(&cfg, &ord_gen);
    pipeline_apply(s, "orders", "ord_main");
    pipeline_stream(s, "orders_kafka_json", &ord_gen.msgs, 3, 0);
    ord_loaded = 1;
}

/* The expected table, as TabSeparated rows ordered by id. */
static char *ord_expected_rows(void) {
    itest_buf want = {0};
    for (size_t i = 0; i < ord_gen.nlive; i++) {
        const gen_ord_row *r = &ord_gen.live[i];
        char day[24];
        gen_date(day, r->order_date);
        itest_buf_printf(&want, "%d\t%s\t%d\t%d\t%d\n", r->id, day, r->purchaser, r->quantity, r->product_id);
    }
    return itest_buf_take(&want);
}

static void test_final_table_equals_model(void **state) {
    chs_session *s = *state;
    ord_load(s);
    assert_true(ord_gen.updates > 1000 && ord_gen.deletes > 500 && ord_gen.snapshot_rows > 1000);
    char *want = ord_expected_rows();
    itest_assert_query(s, want, "SELECT id, order_date, purchaser, quantity, product_id FROM orders_current FINAL ORDER BY id");
    free(want);
}

static void test_deleted_orders_are_gone(void **state) {
    chs_session *s = *state;
    ord_load(s);
    itest_rows ids = {0};
    for (size_t i = 0; i < ord_gen.ndeleted; i++) itest_rows_addf(&ids, "%d", ord_gen.deleted[i]);
    itest_exec(s, "CREATE TABLE IF NOT EXISTS deleted_ids (message String) ENGINE = Memory");
    itest_insert_strings(s, "deleted_ids", "message", &ids);
    itest_rows_free(&ids);
    itest_assert_scalar(s, 0, "SELECT count() FROM orders_current FINAL WHERE id IN (SELECT toInt32(message) FROM deleted_ids)");
    /* without FINAL the delete markers are still there: they are what FINAL uses */
    itest_assert_scalar(s, ord_gen.ndeleted,
                        "SELECT uniqExact(id) FROM orders_current WHERE is_deleted = 1 AND id IN (SELECT toInt32(message) FROM deleted_ids)");
    char line[96];
    long long units = 0;
    for (size_t i = 0; i < ord_gen.nlive; i++) units += ord_gen.live[i].quantity;
    snprintf(line, sizeof(line), "%zu\t%lld\n", ord_gen.nlive, units);
    itest_assert_query(s, line, "SELECT count(), sum(quantity) FROM orders_current FINAL");
}

/* One junk kind in nine is a truncate: a dead letter with its own reason
 * (the dead letters and the monitoring views: test_pipelines.c). */
static void test_truncate_reason(void **state) {
    chs_session *s = *state;
    ord_load(s);
    size_t junk = gen_msgs_count(&ord_gen.msgs, GEN_JUNK);
    itest_assert_scalar(s, (junk + 1) / 9, "SELECT messages FROM dead_letter_summary "
                                           "WHERE reason = 'truncate: not applied to orders_current'");
}

static int ord_setup(void **state) {
    *state = itest_open();
    return *state ? 0 : -1;
}

static int ord_teardown(void **state) {
    itest_close(*state);
    gen_ord_result_free(&ord_gen);
    return 0;
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_final_table_equals_model),
        cmocka_unit_test(test_deleted_orders_are_gone),
        cmocka_unit_test(test_truncate_reason),
    };
    return cmocka_run_group_tests(tests, ord_setup, ord_teardown);
}
