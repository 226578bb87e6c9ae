/* test_fast_slow.c — payload_extract's one-pass fast path against its
 * step-by-step lookups, byte for byte, in the linked function object.
 *
 * The fast path (validating walk that picks the members, decoding the
 * outbox payload on the way) must answer every row exactly as the lookups
 * do; it hands a row over whenever it cannot.  Two plans of the same
 * payload_extract_udf object are configured with the same options, one
 * with extract.h's runtime switch `lookups_only`; both answer the same
 * messages — every real Debezium message of tests/fixtures (at least
 * FIXTURES_MIN of them; a line that does not parse fails the test), the
 * hidden envelope shapes, messages whose payloads take the fast decoder's
 * exits (non-ASCII, \\, \n, \u, control characters, strings near the end of
 * the buffer), order changes with dates in every form, and thousands of
 * seeded mutations of all of them — under several field lists, and their
 * answers must be identical.  The fast plan counts the rows it answered
 * itself: each field list must have had the fast path answer a share of
 * the rows, or agreeing would prove nothing. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "corpus.h"
#include "extract.h"
#include "fnrun.h"

#ifndef FIXTURES_DIR
#define FIXTURES_DIR "tests/fixtures"
#endif
/* Captured messages there are (tests/fixtures/debezium/manifest.json): fewer means files went missing. */
#define FIXTURES_MIN 100

/* Outbox events whose payload text takes each exit of the fast decoder,
 * with the payload at the start, middle and very end of the message. */
static void corpus_payloads(corpus *c) {
    static const char *texts[] = {
        "{\\\"id\\\":\\\"a\\\",\\\"user_id\\\":\\\"u1\\\",\\\"experiment_id\\\":7}",
        "{\\\"id\\\":\\\"caf\xc3\xa9\\\",\\\"user_id\\\":\\\"u1\\\"}",
        "{\\\"id\\\":\\\"back\\\\\\\\slash\\\",\\\"user_id\\\":\\\"u1\\\"}",
        "{\\\"id\\\":\\\"new\\\\nline\\\",\\\"user_id\\\":\\\"u1\\\"}",
        "{\\\"id\\\":\\\"\\\\u00e9\\\",\\\"user_id\\\":\\\"u1\\\"}",
        "{\\\"id\\\":\\\"a\\/b\\\",\\\"user_id\\\":\\\"u1\\\"}",
        "{\\\"id\\\":\\\"tab\there\\\",\\\"user_id\\\":\\\"u1\\\"}",
        "{\\\"id\\\":\\\"x\\\",\\\"user_id\\\":\\\"u1\\\"",
        "{\\\"id\\\":\\\"x\\\",\\\"user_id\\\":\\\"u1\\\"}trailing",
        "not json at all",
        "",
        "{\\\"id\\\":\\\"0123456789abcdef0123456789abcdef0123456789abcdef\\\",\\\"properties\\\":{\\\"page\\\":\\\"/p\\\"}}",
    };
    char text[4096];
    for (size_t i = 0; i < sizeof texts / sizeof *texts; i++) {
        int n;
        n = snprintf(text, sizeof text, "{\"before\":null,\"after\":{\"aggregate_id\":\"9\",\"payload\":\"%s\"},\"op\":\"c\"}",
                     texts[i]);
        corpus_add(c, text, (size_t)n);
        n = snprintf(text, sizeof text, "{\"op\":\"c\",\"after\":{\"payload\":\"%s\"}}", texts[i]);
        corpus_add(c, text, (size_t)n);
        n = snprintf(text, sizeof text, "{\"after\":{\"payload\":\"%s\",\"aggregate_id\":\"9\"},\"source\":{\"lsn\":1},\"op\":\"u\"}",
                     texts[i]);
        corpus_add(c, text, (size_t)n);
    }
}

/* The envelope shapes no connector writes but a message can have. */
static void corpus_shapes(corpus *c) {
    static const char *const shapes[] = {
        "{\"schema\":{},\"payload\":{\"op\":\"c\",\"after\":{\"id\":1}},\"source\":{}}",
        "{\"source\":{},\"payload\":{\"op\":\"c\",\"after\":{\"payload\":\"{\\\"id\\\":\\\"a\\\"}\"}}}",
        "{\"payload\":{\"op\":\"c\",\"after\":{\"id\":2}},\"op\":\"u\",\"after\":{\"id\":3}}",
        "{\"payload\":{\"op\":\"c\",\"after\":{\"id\":2}},\"x\":1}",
        "{\"after\":{\"id\":4},\"payload\":{\"op\":\"c\",\"after\":{\"id\":5}}}",
        "{\"schema\":{},\"payload\":null}",
        "{\"payload\":{\"op\":\"d\",\"before\":{\"id\":6}},\"schema\":{}}",
        /* campaign events: the fields at the event's top level */
        "{\"campaign_id\":\"c1\",\"workspace_id\":\"w1\",\"email\":\"a@example.com\",\"event_type\":\"open\","
        "\"event_time\":\"2024-05-01T10:00:00.123Z\",\"metadata\":{\"ua\":\"x\"}}",
        "{\"campaign_id\":\"c2\",\"workspace_id\":\"w1\",\"email\":\"b@example.com\",\"event_type\":\"click\","
        "\"event_time\":null,\"metadata\":\"{}\"}",
        "{\"schema\":{},\"payload\":{\"campaign_id\":\"c3\",\"workspace_id\":\"w2\",\"email\":\"\",\"event_type\":\"sent\","
        "\"event_time\":1714557600123,\"metadata\":[]}}",
        /* logical decoding messages: read as the record they decode to (op "c", the content as after),
         * which only the lookups build; content {"id":7,"payload":"{\"user_id\":\"u\"}","n":null} and "hi" */
        "{\"op\":\"m\",\"ts_ms\":1,\"source\":{\"lsn\":2},\"transaction\":null,\"message\":{\"prefix\":\"p\","
        "\"content\":\"eyJpZCI6NywicGF5bG9hZCI6IntcInVzZXJfaWRcIjpcInVcIn0iLCJuIjpudWxsfQ==\"}}",
        "{\"schema\":{\"name\":\"io.debezium.connector.postgresql.MessageValue\"},\"payload\":{\"op\":\"m\",\"ts_ms\":3,"
        "\"message\":{\"prefix\":\"p\",\"content\":\"eyJpZCI6NywicGF5bG9hZCI6IntcInVzZXJfaWRcIjpcInVcIn0iLCJuIjpudWxsfQ==\"}}}",
        "{\"op\":\"m\",\"ts_ms\":4,\"message\":{\"prefix\":\"p\",\"content\":\"aGk=\"}}",
    };
    for (size_t i = 0; i < sizeof shapes / sizeof *shapes; i++) corpus_add(c, shapes[i], strlen(shapes[i]));
}

/* Changes of inventory.orders with order_date in every form a Date field
 * meets: seed 001's text date, Debezium's day number (also as digits), a
 * timestamp, and values that are no date or out of range. */
static void corpus_orders(corpus *c) {
    static const char *const dates[] = {"\"2025-09-03\"", "19969", "\"19969\"", "-1", "\"2025-09-03T23:30:00-05:00\"",
                                        "\"2025-13-45\"", "\"yesterday\"", "65536", "1.5", "null", "\"1899-12-31\""};
    char text[512];
    for (size_t i = 0; i < sizeof dates / sizeof *dates; i++) {
        int n = snprintf(text, sizeof text,
                         "{\"before\":null,\"after\":{\"id\":%zu,\"order_date\":%s,\"purchaser\":1001,\"quantity\":5,"
                         "\"product_id\":102},\"source\":{\"lsn\":24023928},\"op\":\"c\",\"ts_ms\":1725356200454}",
                         10001 + i, dates[i]);
        corpus_add(c, text, (size_t)n);
        n = snprintf(text, sizeof text, "{\"schema\":{},\"payload\":{\"op\":\"u\",\"after\":{\"order_date\":%s,\"id\":%zu}}}",
                     dates[i], 20001 + i);
        corpus_add(c, text, (size_t)n);
    }
}

/* One plan of the payload_extract object, configured with `args`. */
typedef struct plan_case {
    ex_plan plan;
    fn_runner run;
} plan_case;

static void plan_open(plan_case *p, const char *const *args, int lookups_only) {
    memset(&p->plan, 0, sizeof(p->plan));
    p->plan.lookups_only = lookups_only;
    fn_open(&p->run, &payload_extract_udf, &p->plan, args);
}

static void test_fast_equals_slow(void **state) {
    (void)state;
    static const char *const field_lists[][40] = {
        /* experiment_event, as shipped */
        {"--path", "after.payload", "--field", "id:String", "--field",
         "experiment_id:UInt32", "--field", "user_id:String", "--field", "variant_id:UInt32", "--field",
         "variant_key:String", "--field", "event_type:String", "--field", "timestamp:DateTime64(6)", "--field",
         "assignment_at:Nullable(DateTime64(6))", "--field", "properties:String", "--field", "session_id:String",
         "--field", "op:String=$.op", "--field", "aggregate_id:String=$.after.aggregate_id", NULL},
        /* campaign_event, as shipped (fields at the event's top level) */
        {"--field", "campaign_id:String", "--field", "workspace_id:String",
         "--field", "email:String", "--field", "event_type:String", "--field", "event_time:Nullable(DateTime64(3))",
         "--field", "metadata:String", NULL},
        /* deeper paths, a path into the payload from the root, numbers */
        {"--path", "after", "--field", "page:String=payload.properties.page",
         "--field", "uid:Nullable(String)=payload.user_id", "--field", "lsn:UInt64=$.source.lsn", "--field",
         "id:Nullable(Int64)", "--field", "ts:Nullable(DateTime64(3))=$.ts_ms", NULL},
        /* two fields of the payload only */
        {"--path", "after.payload", "--field", "id:String", "--field", "user_id:String", NULL},
        /* the row image's columns: after, or before for a delete */
        {"--path", "after", "--field", "id:Nullable(Int64)", "--field", "op:String=$.op", NULL},
        /* the event's own members, which a logical decoding message has too (it is decoded first) */
        {"--field", "op:String=$.op", "--field", "ts:Int64=$.ts_ms", NULL},
        /* dates: type_zoo's io.debezium.time.Date day numbers and its ISO timestamp */
        {"--path", "after", "--field", "d:Nullable(Date)", "--field", "d32:Date32=d", "--field",
         "day:Nullable(Date32)=ts_tz", "--field", "id:Nullable(Int64)", NULL},
        /* orders_change's order_date, read from after */
        {"--path", "after", "--field", "id:Nullable(Int32)", "--field", "order_date:Date", "--field",
         "od32:Nullable(Date32)=order_date", "--field", "op:String=$.op", NULL},
    };
    /* Unmutated messages each list's fast path answers today (the corpus is
     * fixed): fewer means the fast path gave up on rows it used to take. */
    static const unsigned long min_fast[] = {7, 3, 7, 28, 64, 74, 13, 22};
    corpus c = {0};
    size_t fixtures = fixture_each(FIXTURES_DIR, "plain", 0, corpus_add_one, &c);
    fixtures += fixture_each(FIXTURES_DIR, "with-schema", 0, corpus_add_one, &c);
    if (fixtures < FIXTURES_MIN) fail_msg("%zu captured messages, expected at least %d", fixtures, FIXTURES_MIN);
    corpus_shapes(&c);
    corpus_payloads(&c);
    corpus_orders(&c);
    size_t base = c.n;
    corpus_mutate(&c, 40);
    print_message("%zu messages (%zu before mutation, %zu captured)\n", c.n, base, fixtures);
    arena a;
    arena_init(&a);
    for (size_t k = 0; k < sizeof field_lists / sizeof *field_lists; k++) {
        plan_case *fast = malloc(sizeof(*fast)), *slow = malloc(sizeof(*slow));
        assert_non_null(fast);
        assert_non_null(slow);
        plan_open(fast, field_lists[k], 0);
        plan_open(slow, field_lists[k], 1);
        unsigned long fast_on_originals = 0;
        for (size_t i = 0; i < c.n; i++) {
            unsigned long before = fast->plan.fast_rows;
            fn_answer(&fast->run, c.msg[i], c.len[i], &a);
            fn_answer(&slow->run, c.msg[i], c.len[i], &a);
            if (i < base) fast_on_originals += fast->plan.fast_rows - before;
            if (fast->run.cap.len != slow->run.cap.len || memcmp(fast->run.cap.data, slow->run.cap.data, fast->run.cap.len) != 0)
                fail_msg("field list %zu, message %zu (%zu bytes): fast and slow answers differ: %.*s", k, i, c.len[i],
                         (int)(c.len[i] > 300 ? 300 : c.len[i]), c.msg[i]);
        }
        assert_int_equal(slow->plan.fast_rows, 0);
        /* A fast path that never ran would agree too: it must have answered
         * the unmutated messages whose fields all exist (deletes, tombstones,
         * metadata and other tables' rows go to the lookups). */
        print_message("field list %zu: fast path answered %lu of %zu messages (%lu of %zu unmutated)\n", k,
                      fast->plan.fast_rows, c.n, fast_on_originals, base);
        if (fast_on_originals < min_fast[k])
            fail_msg("field list %zu: the fast path answered %lu unmutated messages, expected at least %lu", k,
                     fast_on_originals, min_fast[k]);
        fn_close(&fast->run);
        fn_close(&slow->run);
        free(fast);
        free(slow);
    }
    arena_free(&a);
    corpus_free(&c);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_fast_equals_slow),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
