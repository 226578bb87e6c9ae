/* test_pipeline_campaigns.c — sql/campaigns (seed 003), applied as written
 * (Kafka sources swapped for Null) into the seed's database `campaigns`.
 *
 * The Kafka path: the seed's sample messages (tests/fixtures/seeds/003),
 * then ~15k generated e-mail events (out of order, retried webhooks, junk) in
 * blocks with one block delivered twice, and the audience / template
 * announcements of their own topics.  The direct path: the same events
 * inserted into email_events by the application, as the seed's consumer
 * does, into a second database.  Both must hold the same rows and give the
 * same reports, equal to what the generator counted
 * (tests/gen/gen_campaigns.h); what the Kafka path dead-letters, the direct
 * path refuses.  The seed's CREATEs and example queries run verbatim from
 * the fixture files; each query's answer is computed here from the model. */
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
#define CMP_DB "campaigns"         /* the seed's CLICKHOUSE_SETTINGS database */
#define CMP_DIRECT_DB "campaigns_direct"
#define CMP_SEED_DIR "tests/fixtures/seeds/003/"
#define CMP_INSERT_COLUMNS "email_events (campaign_id, workspace_id, email, event_type, event_time, metadata)"

enum { DELIVERED, OPEN, CLICK, BOUNCE, UNSUBSCRIBE };

/* sample_messages.jsonl: two `delivered` events of user@example.com in the
 * seed's campaign (campaign 0), on 2025-09-03. */
#define CMP_SAMPLES 2
#define CMP_SAMPLE_DAY "2025-09-03"

static gen_cmp_result cmp_gen;
static int cmp_loaded;

/* Every message of the fixture file, one per line, into table (the Kafka path). */
static void cmp_insert_samples(chs_session *s, const char *table) {
    itest_exec(s, "INSERT INTO %s SELECT line FROM file('%s/" CMP_SEED_DIR "sample_messages.jsonl', 'LineAsString', 'line String')",
               table, SOURCE_DIR);
}

static void cmp_load(chs_session *s) {
    if (cmp_loaded) {
        itest_exec(s, "USE " CMP_DB);
        return;
    }
    gen_cmp_config cfg = gen_cmp_config_for(CMP_SEED, CMP_MESSAGES);
    gen_cmp_generate(&cfg, &cmp_gen);
    pipeline_apply(s, "campaigns", CMP_DB);
    cmp_insert_samples(s, "queue");
    pipeline_stream(s, "queue", &cmp_gen.msgs, 3, 2);
    pipeline_stream(s, "audience_ready_queue", &cmp_gen.audience, 2, 0);
    pipeline_stream(s, "template_ready_queue", &cmp_gen.templates, 2, 1);
    cmp_loaded = 1;
}

static uint64_t cmp_delivered(int c) { return cmp_gen.campaigns[c].recipients[DELIVERED] + (c == 0); }

static void test_events_stored_once(void **state) {
    chs_session *s = *state;
    cmp_load(s);
    assert_true(gen_msgs_count(&cmp_gen.msgs, GEN_DUPLICATE) > 50);
    itest_assert_scalar(s, cmp_gen.events + CMP_SAMPLES, "SELECT count() FROM email_events FINAL");
    /* typed metadata columns: every click has its URL, every bounce its type */
    itest_assert_scalar(s, 0, "SELECT countIf((event_type = 'click' AND url NOT LIKE 'https://shop.example.com/%%') "
                              "OR (event_type = 'bounce' AND bounce_type NOT IN ('hard', 'soft'))) FROM email_events FINAL");
    /* the samples as the seed's producer wrote them: Python's isoformat(), metadata text kept */
    itest_assert_query(s, "2025-09-03 10:15:00.123\t{\"subject\": \"Welcome Email\"}\n2025-09-03 10:16:00.000\t{\"subject\": \"Welcome Email\"}\n",
                       "SELECT event_time, metadata FROM email_events FINAL WHERE email = 'user@example.com' ORDER BY event_time");
}

static int cmp_day_cmp(const void *a, const void *b) {
    const gen_cmp_day *x = a, *y = b;
    int c = strcmp(cmp_gen.campaigns[x->campaign].campaign_id, cmp_gen.campaigns[y->campaign].campaign_id);
    if (c) return c;
    if (x->type != y->type) return x->type - y->type;
    return x->day < y->day ? -1 : x->day > y->day;
}

/* email_daily_stats, as TabSeparated rows ordered by campaign, type, day. */
static char *cmp_expected_daily(void) {
    qsort(cmp_gen.days, cmp_gen.ndays, sizeof(*cmp_gen.days), cmp_day_cmp);
    itest_buf want = {0};
    for (size_t i = 0; i < cmp_gen.ndays; i++) {
        const gen_cmp_day *d = &cmp_gen.days[i];
        const gen_cmp_campaign *c = &cmp_gen.campaigns[d->campaign];
        char day[24];
        gen_date(day, d->day);
        itest_buf_printf(&want, "%s\t%s\t%s\t%s\t%llu\t%llu\n", c->campaign_id, gen_cmp_type_name[d->type], day,
                         c->workspace_id, (unsigned long long)d->events, (unsigned long long)d->recipients);
        int last_of_delivered = (i + 1 == cmp_gen.ndays || cmp_gen.days[i + 1].campaign != d->campaign ||
                                 cmp_gen.days[i + 1].type != d->type);
        if (d->campaign == 0 && d->type == DELIVERED && last_of_delivered)   /* the samples: a later day */
            itest_buf_printf(&want, "%s\tdelivered\t" CMP_SAMPLE_DAY "\t%s\t%d\t1\n", c->campaign_id, c->workspace_id, CMP_SAMPLES);
    }
    return itest_buf_take(&want);
}

#define CMP_DAILY_QUERY "SELECT campaign_id, event_type, day, workspace_id, events, recipients " \
                        "FROM email_daily_stats ORDER BY toString(campaign_id), event_type, day"

static void test_daily_stats(void **state) {
    chs_session *s = *state;
    cmp_load(s);
    char *want = cmp_expected_daily();
    /* Enum8 sorts by value, which is the generator's type order */
    itest_assert_query(s, want, CMP_DAILY_QUERY);
    free(want);
}

static const gen_cmp_campaign *cmp_campaign(const char *id, int *index) {
    for (int c = 0; c < GEN_CMP_CAMPAIGNS; c++)
        if (!strcmp(cmp_gen.campaigns[c].campaign_id, id)) return *index = c, &cmp_gen.campaigns[c];
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
        int i = 0;
        const gen_cmp_campaign *c = cmp_campaign(itest_cell(t, r, 0), &i);
        assert_string_equal(itest_cell(t, r, 1), c->workspace_id);
        long long got[7];
        for (int k = 0; k < 7; k++) got[k] = strtoll(itest_cell(t, r, 2 + (size_t)k), NULL, 10);
        double delivered = (double)cmp_delivered(i);
        assert_int_equal(got[0], cmp_delivered(i));
        assert_int_equal(got[1], c->recipients[BOUNCE]);
        assert_int_equal(got[2], c->events[OPEN]);
        assert_int_equal(got[3], c->recipients[OPEN]);
        assert_int_equal(got[4], c->events[CLICK]);
        assert_int_equal(got[5], c->recipients[CLICK]);
        assert_int_equal(got[6], c->recipients[UNSUBSCRIBE]);
        pipeline_assert_near(strtod(itest_cell(t, r, 9), NULL), (double)c->recipients[OPEN] / delivered, CMP_ROUNDED, "open_rate");
        pipeline_assert_near(strtod(itest_cell(t, r, 10), NULL), (double)c->recipients[CLICK] / delivered, CMP_ROUNDED, "click_rate");
        pipeline_assert_near(strtod(itest_cell(t, r, 11), NULL),
                             (double)c->recipients[BOUNCE] / (delivered + (double)c->recipients[BOUNCE]), CMP_ROUNDED, "bounce_rate");
    }
    itest_table_free(t);
}

static void test_dead_letter_reasons(void **state) {
    chs_session *s = *state;
    cmp_load(s);
    itest_assert_scalar(s, (gen_msgs_count(&cmp_gen.msgs, GEN_JUNK) + 3) / 10,   /* junk kind 6 of 10 */
                        "SELECT count() FROM email_dead_letters FINAL WHERE error = 'unknown event_type ''spam_complaint'''");
    /* the readiness topics' junk, named by topic */
    itest_assert_query(s, "campaign.audience_ready: campaign_id is not a UUID: \\'\\'\n"
                          "campaign.template_ready: campaign_id is not a UUID: \\'\\'\n",
                       "SELECT error FROM email_dead_letters FINAL WHERE error LIKE 'campaign.%%' ORDER BY error");
}

/* ------------------------------------------------ the two other topics */

static char *cmp_sorted_lines(const char *text);

static void cmp_time_or_null(itest_buf *b, int64_t us) {
    char t[40];
    if (us < 0) {
        itest_buf_puts(b, "\\N");
        return;
    }
    gen_iso(t, us, 3);          /* 2024-06-03T10:15:00.123Z -> 2024-06-03 10:15:00.123 */
    t[10] = ' ';
    t[23] = 0;
    itest_buf_puts(b, t);
}

static void test_campaign_readiness(void **state) {
    chs_session *s = *state;
    cmp_load(s);
    itest_buf want = {0};
    for (int c = 0; c < GEN_CMP_CAMPAIGNS; c++) {
        const gen_cmp_campaign *k = &cmp_gen.campaigns[c];
        itest_buf_printf(&want, "%s\t", k->campaign_id);
        cmp_time_or_null(&want, k->audience_ready_us);
        itest_buf_putc(&want, '\t');
        cmp_time_or_null(&want, k->template_ready_us);
        itest_buf_putc(&want, '\t');
        cmp_time_or_null(&want, k->first_delivered_us);   /* the samples come later */
        itest_buf_putc(&want, '\n');
    }
    /* retried announcements and a re-delivered block collapse */
    itest_assert_scalar(s, 2 * GEN_CMP_CAMPAIGNS - GEN_CMP_CAMPAIGNS / 4, "SELECT count() FROM campaign_ready_events FINAL");
    char *sorted = cmp_sorted_lines(want.p);
    itest_assert_query(s, sorted, "SELECT campaign_id, audience_ready_at, template_ready_at, first_delivered_at "
                                  "FROM campaign_readiness ORDER BY toString(campaign_id)");
    free(sorted);
    itest_buf_free(&want);
}

/* ------------------------------------------------ the seed's own text */

/* The seed's CREATEs run as written (its daily uses the pre-20.x MergeTree
 * syntax, which ClickHouse 26 refuses by default): and every column the
 * seed declares on email_events and daily is in ours, under its name. */
static void test_seed_creates_verbatim(void **state) {
    chs_session *s = *state;
    cmp_load(s);
    itest_exec(s, "DROP DATABASE IF EXISTS seed003 SYNC");
    itest_exec(s, "CREATE DATABASE seed003");
    itest_exec(s, "USE seed003");
    itest_exec(s, "SET allow_deprecated_syntax_for_merge_tree = 1");
    pipeline_exec_file(s, CMP_SEED_DIR "creates.sql");
    itest_exec(s, "SET allow_deprecated_syntax_for_merge_tree = 0");
    itest_assert_scalar(s, 4, "SELECT count() FROM system.tables WHERE database = 'seed003' "
                              "AND name IN ('email_events', 'queue', 'daily', 'consumer')");
    /* names: all there; types: the same but for the milliseconds of event_time */
    itest_assert_query(s, "event_time\tDateTime\tDateTime64(3, \\'UTC\\')\n",
                       "SELECT name, s.type, o.type FROM system.columns AS s "
                       "LEFT JOIN (SELECT table, name, type FROM system.columns WHERE database = '" CMP_DB "') AS o "
                       "ON o.table = s.table AND o.name = s.name "
                       "WHERE s.database = 'seed003' AND s.table IN ('email_events', 'daily') AND s.type != o.type");
    itest_assert_scalar(s, 1, "SELECT count() FROM system.tables WHERE database = '" CMP_DB "' AND name = 'consumer' "
                              "AND engine = 'MaterializedView'");
    itest_exec(s, "DROP DATABASE seed003 SYNC");
    itest_exec(s, "USE " CMP_DB);
}

/* The lines of text, sorted (GROUP BY results have no order). */
static char *cmp_sorted_lines(const char *text) {
    itest_buf out = {0};
    pipeline_put_sorted_lines(&out, text);
    return out.p ? itest_buf_take(&out) : strdup("");
}

/* Query 1: every open of the seed's campaign, newest first. */
static char *cmp_expected_opens(void) {
    itest_buf want = {0};
    for (size_t i = 0; i < cmp_gen.nev; i++) {
        const gen_cmp_event *e = &cmp_gen.ev[i];
        if (e->campaign != 0 || e->type != OPEN) continue;
        char email[80];
        gen_cmp_email(e->recipient, email, sizeof(email));
        for (const char *c = email; *c; c++) {   /* TabSeparated escapes quotes */
            if (*c == '\'' || *c == '\\') itest_buf_putc(&want, '\\');
            itest_buf_putc(&want, *c);
        }
        itest_buf_putc(&want, '\t');
        cmp_time_or_null(&want, e->us);
        itest_buf_putc(&want, '\n');
    }
    return itest_buf_take(&want);
}

/* Queries 2 and 3: events per type over all campaigns and days. */
static char *cmp_expected_levels(void) {
    itest_buf want = {0};
    for (int t = 0; t < GEN_CMP_TYPES; t++) {
        uint64_t total = t == DELIVERED ? CMP_SAMPLES : 0;
        for (int c = 0; c < GEN_CMP_CAMPAIGNS; c++) total += cmp_gen.campaigns[c].events[t];
        itest_buf_printf(&want, "%s\t%llu\n", gen_cmp_type_name[t], (unsigned long long)total);
    }
    return itest_buf_take(&want);
}

/* The event_time column (the last) never increases from one line to the next. */
static void cmp_assert_newest_first(const char *text) {
    const char *prev = NULL, *line = text;
    while (*line) {
        const char *tab = strrchr(line, '\t'), *end = strchr(line, '\n');
        assert_non_null(tab);
        if (prev) assert_true(strncmp(tab, prev, (size_t)(end - tab)) <= 0);
        prev = tab;
        line = end + 1;
    }
}

/* Every example query of the seed, verbatim, in database db (the seed's
 * queries read email_events without FINAL: a user profile with final = 1
 * gives each event once, before merges as after). */
static void cmp_run_seed_queries(chs_session *s, const char *db) {
    itest_exec(s, "USE %s", db);
    itest_exec(s, "SET final = 1");
    itest_rows queries = {0};
    pipeline_file_statements(CMP_SEED_DIR "queries.sql", &queries);
    assert_int_equal(queries.count, 3);
    char *opens = cmp_expected_opens(), *levels = cmp_expected_levels();
    char *want[3] = {cmp_sorted_lines(opens), cmp_sorted_lines(levels), NULL};
    want[2] = want[1];
    assert_true(strlen(opens) > 1000);
    for (size_t q = 0; q < queries.count; q++) {
        size_t n;
        const char *sql = itest_rows_get(&queries, q, &n);
        char *got = itest_query(s, "%.*s", (int)n, sql), *sorted = cmp_sorted_lines(got);
        if (q == 0) cmp_assert_newest_first(got);
        if (strcmp(sorted, want[q])) fail_msg("seed query %zu:\n%.*s\ngot:\n%s\nwant:\n%s", q + 1, (int)n, sql, sorted, want[q]);
        free(sorted);
        free(got);
    }
    itest_exec(s, "SET final = 0");
    free(want[0]);
    free(want[1]);
    free(opens);
    free(levels);
    itest_rows_free(&queries);
}

static void test_seed_queries_verbatim(void **state) {
    chs_session *s = *state;
    cmp_load(s);
    cmp_run_seed_queries(s, CMP_DB);
    itest_exec(s, "USE " CMP_DB);
}

/* ------------------------------------------------ the direct path */

/* The application writes email_events itself (the seed's consumer:
 * campaign_id, workspace_id, email, event_type, event_time as received,
 * metadata as JSON text), in blocks, one of them twice.  JSONEachRow reads
 * the metadata object into the String column as its text. */
static void cmp_direct_insert(chs_session *s, size_t from, size_t to) {
    itest_buf body = {0};
    for (size_t i = from; i < to && i < cmp_gen.msgs.n; i++) {
        size_t n;
        const char *msg = gen_msg(&cmp_gen.msgs, i, &n);
        if (cmp_gen.msgs.kind[i] == GEN_JUNK) continue;
        itest_buf_put(&body, msg, n);
        itest_buf_putc(&body, '\n');
    }
    itest_exec(s, "INSERT INTO " CMP_INSERT_COLUMNS " FORMAT JSONEachRow\n%s", body.p);
    itest_buf_free(&body);
}

static int cmp_direct_loaded;

static void cmp_load_direct(chs_session *s) {
    cmp_load(s);
    if (cmp_direct_loaded) {
        itest_exec(s, "USE " CMP_DIRECT_DB);
        return;
    }
    pipeline_apply(s, "campaigns", CMP_DIRECT_DB);
    itest_exec(s, "INSERT INTO " CMP_INSERT_COLUMNS " SELECT * FROM file('%s/" CMP_SEED_DIR "sample_messages.jsonl', "
                  "'JSONEachRow', 'campaign_id String, workspace_id String, email String, event_type String, "
                  "event_time String, metadata String')", SOURCE_DIR);
    size_t n = cmp_gen.msgs.n, per = n / 3 + 1;
    for (size_t b = 0; b < 3; b++) cmp_direct_insert(s, b * per, (b + 1) * per);
    cmp_direct_insert(s, per, 2 * per);
    cmp_direct_loaded = 1;
}

/* Both paths hold the same events and give the same answers. */
static void test_direct_path_lands_in_the_same_tables(void **state) {
    chs_session *s = *state;
    cmp_load_direct(s);
    static const char cols[] = "campaign_id, workspace_id, email, event_type, event_time, metadata, event_date, url, bounce_type";
    itest_assert_scalar(s, cmp_gen.events + CMP_SAMPLES, "SELECT count() FROM email_events FINAL");
    itest_assert_scalar(s, 0, "SELECT count() FROM (SELECT %s FROM " CMP_DB ".email_events FINAL EXCEPT "
                              "SELECT %s FROM " CMP_DIRECT_DB ".email_events FINAL)", cols, cols);
    char *want = cmp_expected_daily();
    itest_assert_query(s, want, CMP_DAILY_QUERY);
    free(want);
    char *report = itest_query(s, "SELECT * FROM " CMP_DB ".campaign_performance");
    itest_assert_query(s, report, "SELECT * FROM " CMP_DIRECT_DB ".campaign_performance");
    free(report);
    cmp_run_seed_queries(s, CMP_DIRECT_DB);
    itest_exec(s, "USE " CMP_DB);
}

/* Every message the Kafka path dead-letters, written directly, is refused,
 * and nothing of it is stored. */
static void test_direct_path_refuses_what_kafka_dead_letters(void **state) {
    chs_session *s = *state;
    cmp_load_direct(s);
    long long stored = itest_scalar(s, "SELECT count() FROM email_events");   /* duplicates included */
    size_t refused = 0;
    for (size_t i = 0; i < cmp_gen.msgs.n; i++) {
        if (cmp_gen.msgs.kind[i] != GEN_JUNK) continue;
        size_t n;
        const char *msg = gen_msg(&cmp_gen.msgs, i, &n);
        char *err = itest_query_error(s, "INSERT INTO " CMP_INSERT_COLUMNS " FORMAT JSONEachRow\n%s\n", msg);
        free(err);
        refused++;
    }
    assert_int_equal(refused, gen_msgs_count(&cmp_gen.msgs, GEN_JUNK));
    itest_assert_scalar(s, stored, "SELECT count() FROM email_events");
    /* the rules' own reasons reach the application: a missing address, a missing time */
    char *err = itest_query_error(s, "INSERT INTO " CMP_INSERT_COLUMNS " VALUES ('" GEN_CMP_SEED_CAMPAIGN "', '"
                                     GEN_CMP_SEED_WORKSPACE "', '', 'open', now64(3), '')");
    assert_non_null(strstr(err, "valid_event"));
    free(err);
    err = itest_query_error(s, "INSERT INTO email_events (campaign_id, workspace_id, email, event_type) VALUES ('"
                               GEN_CMP_SEED_CAMPAIGN "', '" GEN_CMP_SEED_WORKSPACE "', 'a@example.com', 'open')");
    assert_non_null(strstr(err, "valid_event"));
    free(err);
    itest_exec(s, "USE " CMP_DB);
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
        cmocka_unit_test(test_dead_letter_reasons),
        cmocka_unit_test(test_campaign_readiness),
        cmocka_unit_test(test_seed_creates_verbatim),
        cmocka_unit_test(test_seed_queries_verbatim),
        cmocka_unit_test(test_direct_path_lands_in_the_same_tables),
        cmocka_unit_test(test_direct_path_refuses_what_kafka_dead_letters),
    };
    return cmocka_run_group_tests(tests, cmp_setup, cmp_teardown);
}
