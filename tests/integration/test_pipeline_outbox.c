/* test_pipeline_outbox.c — sql/outbox, applied as written (Kafka source
 * swapped for Null): outbox_route in place of Debezium's EventRouter SMT,
 * routing outbox events into one table per aggregate type.
 *
 * ~12k generated change events of the outbox table (tests/gen/gen_outbox.h:
 * snapshot rows, inserts, the deletes and tombstones of published rows,
 * updates, null payloads, redeliveries, junk) in blocks with one delivered
 * twice: every event stored once, in its aggregate type's table, with the
 * record the SMT would send (topic, key, headers, timestamp); the rows the
 * SMT drops dropped; the junk in the dead letters.  Then the real stack's
 * raw outbox topic (tests/fixtures/smt/smtoutbox.jsonl): the pipeline
 * stores exactly the records the real EventRouter sent, topic, event id and
 * key alike. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "arena.h"
#include "files.h"
#include "gen_outbox.h"
#include "itest.h"
#include "json.h"
#include "pipeline.h"

#define OBX_SEED 8080
#define OBX_MESSAGES 12000
#define OBX_DB "pl_outbox"

static gen_obx_result obx_gen;
static int obx_loaded;

static void obx_load(chs_session *s) {
    if (!obx_loaded) {
        gen_obx_config cfg = gen_obx_config_for(OBX_SEED, OBX_MESSAGES);
        gen_obx_generate(&cfg, &obx_gen);
        pipeline_apply(s, "outbox", OBX_DB);
        pipeline_stream(s, "outbox_kafka", &obx_gen.msgs, 4, 1);
        obx_loaded = 1;
    }
    itest_exec(s, "USE " OBX_DB);
}

static void test_events_routed_by_aggregate_type(void **state) {
    chs_session *s = *state;
    obx_load(s);
    uint64_t total = 0;
    assert_true(gen_msgs_count(&obx_gen.msgs, GEN_DUPLICATE) > 50);
    assert_true(obx_gen.deletes > 1000 && obx_gen.updates > 50 && obx_gen.null_payloads > 10);
    for (int t = 0; t < GEN_OBX_TYPES; t++) {
        const char *type = gen_obx_type_name[t];
        total += obx_gen.events[t];
        itest_assert_scalar(s, obx_gen.events[t], "SELECT count() FROM outbox_events FINAL WHERE topic = 'outbox.event.%s'", type);
        itest_assert_query(s, "", "SELECT topic FROM events_by_topic WHERE topic = 'outbox.event.%s' AND (events != %llu OR aggregates != %llu)",
                           type, (unsigned long long)obx_gen.events[t], (unsigned long long)obx_gen.aggregates[t]);
        if (t < 3) {   /* order, customer, shipment have their own table */
            itest_assert_scalar(s, obx_gen.events[t], "SELECT count() FROM %s_events FINAL", type);
            itest_assert_scalar(s, obx_gen.aggregates[t], "SELECT uniqExact(aggregate_id) FROM %s_events FINAL", type);
        }
    }
    itest_assert_scalar(s, total, "SELECT count() FROM outbox_events FINAL");
    itest_assert_query(s, "outbox.event.invoice\n", "SELECT topic FROM unrouted_events");
    itest_assert_scalar(s, obx_gen.events[3], "SELECT events FROM unrouted_events");
}

/* What each stored event holds is the SMT's record. */
static void test_records_as_the_smt_sends_them(void **state) {
    chs_session *s = *state;
    obx_load(s);
    /* key: the aggregateid as the JSON converter writes a string; header id = the event id */
    itest_assert_scalar(s, 0, "SELECT count() FROM outbox_events FINAL WHERE key != concat('\"', aggregate_id, '\"') "
                              "OR headers != map('id', event_id) OR substring(aggregate_id, 1, 1) != substring(topic, 14, 1)");
    /* value: the jsonb payload as a JSON string; the payload column its document */
    itest_assert_scalar(s, obx_gen.null_payloads, "SELECT count() FROM outbox_events FINAL WHERE value = 'null' AND payload = 'null'");
    itest_assert_scalar(s, 0, "SELECT count() FROM outbox_events FINAL WHERE value != 'null' "
                              "AND (JSONExtractString(value) != payload OR JSONExtractString(payload, 'currency') != 'EUR')");
    /* timestamp: the event's ts_ms (when Debezium processed it), after its commit */
    itest_assert_scalar(s, 0, "SELECT count() FROM outbox_events FINAL WHERE occurred_at < '2024-06-03 09:00:00' "
                              "OR occurred_at > '2024-06-30 00:00:00' OR is_tombstone");
    itest_assert_scalar(s, 0, "SELECT count() FROM order_events FINAL WHERE event_type NOT IN ('OrderCreated', 'OrderShipped')");
}

static void test_dropped_and_dead_letters(void **state) {
    chs_session *s = *state;
    obx_load(s);
    pipeline_assert_dead_letters(s, "outbox_dead_letters", &obx_gen.msgs);
    itest_assert_query(s, "Topic name \"outbox.event.Order Service\" is illegal, it contains a character other than ASCII "
                          "alphanumerics, \\'.\\', \\'_\\' and \\'-\\'\n"
                          "aggregatetype is null: RegexRouter fails on a null topic\n",
                       "SELECT DISTINCT error FROM outbox_dead_letters FINAL WHERE message LIKE '{\"before\"%%' "
                       "AND error NOT LIKE 'invalid JSON%%' ORDER BY error");
    /* a re-delivery of every block changes nothing */
    char *before = pipeline_fingerprint(s, OBX_DB);
    pipeline_insert(s, "outbox_kafka", &obx_gen.msgs, 0, obx_gen.msgs.n);
    char *after = pipeline_fingerprint(s, OBX_DB);
    assert_string_equal(before, after);
    free(before);
    free(after);
}

/* The real stack's raw outbox topic through the pipeline: exactly the SMT's records. */
static void test_real_stack_topic(void **state) {
    chs_session *s = *state;
    size_t len;
    char *text = tfile_read(FIXTURES_DIR "/smt/smtoutbox.jsonl", &len);
    itest_rows raw = {0};
    itest_buf want = {0};
    arena a;
    assert_non_null(text);
    arena_init(&a);
    for (char *l = text, *next; l < text + len; l = next) {
        next = strchr(l, '\n');
        next = next ? next + 1 : text + len;
        json_value root, rec, smt, v, hs, h, id;
        json_error err;
        json_iter it;
        const char *m = "", *topic, *key, *ids = NULL;
        size_t mn = 0, tn, kn, idn = 0;
        arena_reset(&a);
        assert_int_equal(json_open(l, (size_t)(next - l), &root, &err), 0);
        assert_int_equal(json_find(&root, "raw", 3, &rec, &err), JSON_FOUND);
        if (json_find(&rec, "value", 5, &v, &err) == JSON_FOUND && v.type == JSON_STRING)
            assert_int_equal(json_string(&v, &a, &m, &mn, &err), 0);
        if (mn) itest_rows_add(&raw, m, mn);   /* the Kafka engine never hands over a tombstone */
        if (json_find(&root, "smt", 3, &smt, &err) != JSON_FOUND || smt.type != JSON_OBJECT) continue;
        assert_int_equal(json_find(&smt, "topic", 5, &v, &err), JSON_FOUND);
        assert_int_equal(json_string(&v, &a, &topic, &tn, &err), 0);
        assert_int_equal(json_find(&smt, "key", 3, &v, &err), JSON_FOUND);
        assert_int_equal(json_string(&v, &a, &key, &kn, &err), 0);
        assert_int_equal(json_find(&smt, "headers", 7, &hs, &err), JSON_FOUND);
        assert_int_equal(json_iter_init(&it, &hs, &err), 0);
        while (json_iter_element(&it, &h) > 0) {
            json_value k;
            if (json_find(&h, "key", 3, &k, &err) == JSON_FOUND && json_key_equals(&k, "id", 2) &&
                json_find(&h, "value", 5, &id, &err) == JSON_FOUND)
                assert_int_equal(json_string(&id, &a, &ids, &idn, &err), 0);
            json_iter_resume(&it, &h);
        }
        itest_buf_printf(&want, "%.*s\t%.*s\t%.*s\n", (int)tn, topic, (int)idn, ids, (int)kn, key);
    }
    pipeline_apply(s, "outbox", "pl_outbox_smt");
    itest_insert_strings(s, "outbox_kafka", "message", &raw);
    char *got = itest_query(s, "SELECT topic, event_id, key FROM outbox_events FINAL FORMAT TSVRaw");
    itest_buf sorted_want = {0}, sorted_got = {0};
    pipeline_put_sorted_lines(&sorted_want, want.p);
    pipeline_put_sorted_lines(&sorted_got, got);
    assert_string_equal(sorted_got.p, sorted_want.p);
    fprintf(stderr, "real stack: %zu raw messages, %d SMT records stored as sent\n", raw.count, tb_lines(&sorted_want));
    itest_assert_scalar(s, 0, "SELECT count() FROM outbox_dead_letters");
    free(got);
    itest_buf_free(&want);
    itest_buf_free(&sorted_want);
    itest_buf_free(&sorted_got);
    itest_rows_free(&raw);
    arena_free(&a);
    free(text);
}

static int obx_setup(void **state) {
    *state = itest_open();
    return *state ? 0 : -1;
}

static int obx_teardown(void **state) {
    itest_close(*state);
    gen_obx_result_free(&obx_gen);
    return 0;
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_events_routed_by_aggregate_type),
        cmocka_unit_test(test_records_as_the_smt_sends_them),
        cmocka_unit_test(test_dropped_and_dead_letters),
        cmocka_unit_test(test_real_stack_topic),
    };
    return cmocka_run_group_tests(tests, obx_setup, obx_teardown);
}
