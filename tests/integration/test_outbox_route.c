/* test_outbox_route.c — outbox_route called from SQL in the real engine.
 *
 * Every message of the EventRouter fixtures (tests/fixtures/outbox, with
 * and without the envelope) and of the real stack's captures
 * (tests/fixtures/smt) goes through outbox_route in all six format × mode
 * definitions (the shipped pool + RowBinary and executable + TabSeparated,
 * and the test-only pool + TabSeparated, executable + RowBinary and both
 * Native ones), and every answer must be, field for field, what the same
 * function answers in process — which test_outbox.c holds equal to
 * Debezium's EventRouter.  So the engine reads the tuple, the Map of headers
 * and the Nullable partition as written, in every format.  Then the two
 * configurations of the e2e stack's EventRouter connectors, defined as
 * functions of their own (matrix_function.xml), over their connectors'
 * captured input. */
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
#include "itest.h"
#include "json.h"
#include "outbox.h"

/* The answer's fields as the query below prints them: strings in hex. */
#define OR_PROJECTION                                                                                          \
    "hex(o.topic), hex(o.key), hex(o.event_id), hex(o.event_type), o.timestamp, hex(o.payload), "              \
    "arrayStringConcat(arrayMap((k, v) -> concat(hex(k), ':', hex(v)), mapKeys(o.headers), mapValues(o.headers)), ','), " \
    "ifNull(toString(o.partition), 'N'), o.is_tombstone, o.skip, hex(o.error)"

static void or_hex(itest_buf *b, const char *s, size_t n) {
    for (size_t i = 0; i < n; i++) itest_buf_printf(b, "%02X", (unsigned char)s[i]);
}

/* One row of the expected answer, from the in-process function. */
static void or_expect(itest_buf *b, const outbox_row *r) {
    or_hex(b, r->topic.p, r->topic.len);
    itest_buf_puts(b, "\t");
    or_hex(b, r->key.p, r->key.len);
    itest_buf_puts(b, "\t");
    or_hex(b, r->event_id.p, r->event_id.len);
    itest_buf_puts(b, "\t");
    or_hex(b, r->event_type.p, r->event_type.len);
    itest_buf_printf(b, "\t%lld\t", (long long)r->timestamp);
    or_hex(b, r->value.p, r->value.len);
    itest_buf_puts(b, "\t");
    for (int i = 0; i < r->nheaders; i++) {
        if (i) itest_buf_puts(b, ",");
        or_hex(b, r->headers[i].name, r->headers[i].name_len);
        itest_buf_puts(b, ":");
        or_hex(b, r->hvals.p + r->headers[i].off, r->headers[i].len);
    }
    if (r->has_partition) itest_buf_printf(b, "\t%d", r->partition);
    else itest_buf_puts(b, "\tN");
    itest_buf_printf(b, "\t%d\t%d\t", r->is_tombstone, r->skip);
    or_hex(b, r->error, strlen(r->error));
    itest_buf_puts(b, "\n");
}

/* A member's string, decoded, into the arena (NULL when absent or null). */
static const char *or_str(json_value *obj, const char *name, arena *a, size_t *n) {
    json_value v;
    json_error err;
    const char *s;
    if (json_find(obj, name, strlen(name), &v, &err) != JSON_FOUND || v.type != JSON_STRING) return NULL;
    assert_int_equal(json_string(&v, a, &s, n, &err), 0);
    return s;
}

/* Every value of members `members` (a NULL-terminated list of paths of
 * one or two steps) of every line of the file. */
static void or_collect(const char *rel, const char *const *members, itest_rows *rows) {
    char path[512];
    size_t len;
    snprintf(path, sizeof(path), "%s/%s", FIXTURES_DIR, rel);
    char *text = tfile_read(path, &len);
    arena a;
    assert_non_null(text);
    arena_init(&a);
    for (char *l = text, *next; l < text + len; l = next) {
        next = strchr(l, '\n');
        next = next ? next + 1 : text + len;
        json_value root, obj;
        json_error err;
        arena_reset(&a);
        assert_int_equal(json_open(l, (size_t)(next - l), &root, &err), 0);
        for (int m = 0; members[m]; m++) {
            const char *dot = strchr(members[m], '.');
            size_t n;
            const char *s;
            if (dot) {
                obj = root;
                json_value sub;
                if (json_find(&obj, members[m], (size_t)(dot - members[m]), &sub, &err) != JSON_FOUND ||
                    sub.type != JSON_OBJECT)
                    continue;
                s = or_str(&sub, dot + 1, &a, &n);
                if (!s) s = "", n = 0;   /* a tombstone: the engine hands over an empty message */
            } else {
                s = or_str(&root, members[m], &a, &n);
                if (!s) continue;
            }
            itest_rows_add(rows, s, n);
        }
    }
    arena_free(&a);
    free(text);
}

/* What the function configured by `args` answers in process, row by row. */
static char *or_expected(const itest_rows *rows, const char *const *args) {
    outbox_config c;
    outbox_row r;
    arena a;
    itest_buf out = {0};
    char why[256];
    outbox_config_defaults(&c);
    for (int i = 0; args && args[i]; i += 2) assert_int_equal(outbox_config_set(&c, args[i], args[i + 1], why, sizeof(why)), 0);
    assert_int_equal(outbox_config_finish(&c, why, sizeof(why)), 0);
    outbox_row_init(&r);
    arena_init(&a);
    for (size_t i = 0; i < rows->count; i++) {
        size_t n;
        const char *m = itest_rows_get(rows, i, &n);
        arena_reset(&a);
        outbox_route(&c, m, n, &a, &r);
        or_expect(&out, &r);
    }
    outbox_row_free(&r);
    arena_free(&a);
    outbox_config_free(&c);
    return out.p;
}

/* The projection of every answer of function %s, in table order. */
#define OR_QUERY "SELECT " OR_PROJECTION " FROM (SELECT %s(message) AS o FROM or_messages) SETTINGS max_threads = 1"

static void or_check(chs_session *s, const char *fn, const char *expected, size_t rows) {
    itest_assert_query(s, expected, OR_QUERY, fn);
    fprintf(stderr, "%s: %zu rows as in process\n", fn, rows);
}

static void or_load(chs_session *s, const itest_rows *rows) {
    itest_exec(s, "DROP TABLE IF EXISTS or_messages");
    itest_exec(s, "CREATE TABLE or_messages (message String) ENGINE = Memory");
    itest_insert_strings(s, "or_messages", "message", rows);
}

static void test_every_variant_answers_as_in_process(void **state) {
    chs_session *s = *state;
    static const char *const fixture_members[] = {"message", "plain", NULL};
    static const char *const smt_members[] = {"raw.value", "raw_with_schema.value", NULL};
    itest_rows rows = {0};
    or_collect("outbox/eventrouter.jsonl", fixture_members, &rows);
    or_collect("smt/smtoutbox.jsonl", smt_members, &rows);
    or_collect("smt/smtoutboxx.jsonl", smt_members, &rows);
    assert_true(rows.count > 300);
    char *expected = or_expected(&rows, NULL);
    /* the answers are not all alike: events, drops and errors, headers beyond "id" */
    assert_non_null(strstr(expected, "\t0\t1\t\n"));
    or_load(s, &rows);
    itest_assert_every_variant(s, expected, "outbox_route", OR_QUERY);
    itest_assert_scalar(s, 0, "SELECT count() FROM (SELECT outbox_route(message) AS o FROM or_messages) "
                              "WHERE o.error = '' AND o.skip = 0 AND (o.topic = '' OR o.headers['id'] = '' AND o.event_id != '')");
    free(expected);
    itest_rows_free(&rows);
}

/* The e2e connectors' configurations, over their own connectors' input. */
static void test_connector_configurations(void **state) {
    chs_session *s = *state;
    static const char *const smt_members[] = {"raw.value", "raw_with_schema.value", NULL};
    static const char *const tomb[] = {"route.tombstone.on.empty.payload", "true", NULL};
    static const char *const expanded[] = {
        "table.expand.json.payload", "true",
        "table.fields.additional.placement", "type:header:eventType,version:header,tenant:envelope,aggregateid:envelope:aggregate,shard:partition",
        "table.field.event.timestamp", "occurred_at",
        "route.topic.regex", "(?<routedByValue>[a-z0-9_]+)",
        "route.topic.replacement", "outboxx.${routedByValue}",
        NULL};
    static const struct { const char *file, *fn; const char *const *args; } runs[] = {
        {"smt/smtoutbox.jsonl", "outbox_route_smtoutbox", tomb},
        {"smt/smtoutboxx.jsonl", "outbox_route_smtoutboxx", expanded},
    };
    for (size_t i = 0; i < sizeof(runs) / sizeof(runs[0]); i++) {
        itest_rows rows = {0};
        or_collect(runs[i].file, smt_members, &rows);
        char *expected = or_expected(&rows, runs[i].args);
        or_load(s, &rows);
        or_check(s, runs[i].fn, expected, rows.count);
        free(expected);
        itest_rows_free(&rows);
    }
    /* The expanded connector's records: its topics, its partitions from shard, its envelope. */
    itest_assert_query(s, "outboxx.order\n",
                       "SELECT DISTINCT o.topic FROM (SELECT outbox_route_smtoutboxx(message) AS o FROM or_messages) "
                       "WHERE o.topic LIKE 'outboxx.o%%'");
    itest_assert_scalar(s, 0, "SELECT count() FROM (SELECT outbox_route_smtoutboxx(message) AS o FROM or_messages) "
                              "WHERE o.skip = 0 AND o.error = '' AND NOT o.is_tombstone AND NOT startsWith(o.payload, '{\"payload\":')");
}

static int or_setup(void **state) {
    *state = itest_open();
    return *state ? 0 : -1;
}

static int or_teardown(void **state) {
    itest_close(*state);
    return 0;
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_every_variant_answers_as_in_process),
        cmocka_unit_test(test_connector_configurations),
    };
    return cmocka_run_group_tests(tests, or_setup, or_teardown);
}
