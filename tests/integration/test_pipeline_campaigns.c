/* test_pipeline_campaigns.c — sql/campaigns, applied as written (Kafka
 * source swapped for Null), fed ~15k generated e-mail events (out of order,
 * retried webhooks, junk) in blocks with one block delivered twice: the
 * stored events, the daily per-type table and the campaign report must equal
 * what the generator counted (tests/gen/gen_campaigns.h), and every junk
 * message must be a dead letter. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "gen_campaigns.h"
#include "itest.h"
#include "pipeline.h"

#define CMP_SEED 603
#define CMP_MESSAGES 15000
#define CMP_ROUNDED 0.0000501      /* the report rounds rates to 4 decimals */

enum { DELIVERED, OPEN, CLICK, BOUNCE, UNSUBSCRIBE };

static gen_cmp_result cmp_gen;
static int cmp_loaded;

static void cmp_load(chs_session *s) {
    if (cmp_loaded) {
        itest_exec(s, "USE cmp_main");
        return;
    }
    gen_cmp_config cfg = gen_cmp_config_for(CMP_SEED, CMP_MESSAGES);
    gen_cmp_generate(&cfg, &cmp_gen);
    pipeline_apply(s, "campaigns", "cmp_main");
    pipeline_stream(s, "email_events_kafka", &cmp_gen.msgs, 3, 2);
    pipeline_refresh(s, "email_daily_stats_mv");
    cmp_loaded = 1;
}

static void test_events_stored_once(void **state) {
    chs_session *s = *state;
    cmp_load(s);
    assert_true(gen_msgs_count(&cmp_gen.msgs, GEN_DUPLICATE) > 50);
    itest_assert_scalar(s, cmp_gen.events, "SELECT count() FROM email_events FINAL");
    /* typed metadata columns: every click has its URL, every bounce its type */
    itest_assert_scalar(s, 0, "SELECT countIf((event_type = 'click' AND url NOT LIKE 'https://shop.example.com/%%') "
                              "OR (event_type = 'bounce' AND bounce_type NOT IN ('hard', 'soft'))) FROM email_events FINAL");
}

static int cmp_day_cmp(const void *a, const void *b) {
    const gen_cmp_day *x = a, *y = b;
    int c = strcmp(cmp_gen.campaigns[x->campaign].campaign_id, cmp_gen.campaigns[y->campaign].campaign_id);
    if (c) return c;
    if (x->type != y->type) return x->type - y->type;
    return x->day < y->day ? -1 : x->day > y->day;
}

static void test_daily_stats(void **state) {
    chs_session *s = *state;
    cmp_load(s);
    qsort(cmp_gen.days, cmp_gen.ndays, sizeof(*cmp_gen.days), cmp_day_cmp);
    itest_buf want = {0};
    for (size_t i = 0; i < cmp_gen.ndays; i++) {
        const gen_cmp_day *d = &cmp_gen.days[i];
        char day[24];
        gen_date(day, d->day);
        itest_buf_printf(&want, "%s\t%s\t%s\t%s\t%llu\t%llu\n", cmp_gen.campaigns[d->campaign].campaign_id,
                         gen_cmp_type_name[d->type], day, cmp_gen.campaigns[d->campaign].workspace_id,
                         (unsigned long long)d->events, (unsigned long long)d->recipients);
    }
    /* Enum8 sorts by value, which is the generator's type order */
    itest_assert_query(s, want.p, "SELECT campaign_id, event_type, day, workspace_id, events, recipients "
                                  "FROM email_daily_stats ORDER BY toString(campaign_id), event_type, day");
    itest_buf_free(&want);
}

static const gen_cmp_campaign *cmp_campaign(const char *id) {
    for (int c = 0; c < GEN_CMP_CAMPAIGNS; c++)
        if (!strcmp(cmp_gen.campaigns[c].campaign_id, id)) return &cmp_gen.campaigns[c];
    fail_msg("unknown campaign %s", id);
    return NULL;
}

static void test_campaign_report(void **state) {
    chs_session *s = *state;
    cmp_load(s);
    itest_table *t = itest_query_table(s, "SELECT campaign_id, workspace_id, delivered, bounced, opens, unique_opens, "
                                          "clicks, unique_clicks, unsubscribed, open_rate, click_rate, bounce_rate "
                                          "FROM campaign_performance");
    assert_int_equal(t->nrows, GEN_CMP_CAMPAIGNS);
    for (size_t r = 0; r < t->nrows; r++) {
        const gen_cmp_campaign *c = cmp_campaign(itest_cell(t, r, 0));
        assert_string_equal(itest_cell(t, r, 1), c->workspace_id);
        long long got[7];
        for (int i = 0; i < 7; i++) got[i] = strtoll(itest_cell(t, r, 2 + (size_t)i), NULL, 10);
        assert_int_equal(got[0], c->recipients[DELIVERED]);
        assert_int_equal(got[1], c->recipients[BOUNCE]);
        assert_int_equal(got[2], c->events[OPEN]);
        assert_int_equal(got[3], c->recipients[OPEN]);
        assert_int_equal(got[4], c->events[CLICK]);
        assert_int_equal(got[5], c->recipients[CLICK]);
        assert_int_equal(got[6], c->recipients[UNSUBSCRIBE]);
        double delivered = (double)c->recipients[DELIVERED];
        pipeline_assert_near(strtod(itest_cell(t, r, 9), NULL), (double)c->recipients[OPEN] / delivered, CMP_ROUNDED, "open_rate");
        pipeline_assert_near(strtod(itest_cell(t, r, 10), NULL), (double)c->recipients[CLICK] / delivered, CMP_ROUNDED, "click_rate");
        pipeline_assert_near(strtod(itest_cell(t, r, 11), NULL),
                             (double)c->recipients[BOUNCE] / (delivered + (double)c->recipients[BOUNCE]), CMP_ROUNDED, "bounce_rate");
    }
    itest_table_free(t);
}

static void test_dead_letters(void **state) {
    chs_session *s = *state;
    cmp_load(s);
    pipeline_assert_dead_letters(s, "email_dead_letters", &cmp_gen.msgs);
    itest_assert_scalar(s, (gen_msgs_count(&cmp_gen.msgs, GEN_JUNK) + 3) / 10,   /* junk kind 6 of 10 */
                        "SELECT count() FROM email_dead_letters FINAL WHERE error = 'unknown event_type ''spam_complaint'''");
}

/* Everything delivered once more: same events, same daily table. */
static void test_redelivery_changes_nothing(void **state) {
    chs_session *s = *state;
    cmp_load(s);
    pipeline_insert(s, "email_events_kafka", &cmp_gen.msgs, 0, cmp_gen.msgs.n);
    pipeline_refresh(s, "email_daily_stats_mv");
    test_events_stored_once(state);
    test_daily_stats(state);
    test_dead_letters(state);
}

static int cmp_setup(void **state) {
    *state = itest_open();
    return *state ? 0 : -1;
}

static int cmp_teardown(void **state) {
    itest_close(*state);
    gen_cmp_result_free(&cmp_gen);
    return 0;
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_events_stored_once),
        cmocka_unit_test(test_daily_stats),
        cmocka_unit_test(test_campaign_report),
        cmocka_unit_test(test_dead_letters),
        cmocka_unit_test(test_redelivery_changes_nothing),
    };
    return cmocka_run_group_tests(tests, cmp_setup, cmp_teardown);
}
