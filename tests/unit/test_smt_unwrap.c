/* test_smt_unwrap.c — debezium_unwrap against records Debezium's own SMTs
 * made (tests/fixtures/smt, captured from Debezium 3.1.3 by
 * tests/e2e/capture.sh smt; see its README).
 *
 *   smtlmsg.jsonl     DecodeLogicalDecodingMessageContent: for every
 *                     message, from the raw event with and without the
 *                     schema envelope, debezium_unwrap's op is the SMT
 *                     record's, its row and after are the SMT record's
 *                     `after` byte for byte, and the record itself
 *                     (decoded payload) equals the SMT's value member by
 *                     member but for the values the README says depend on
 *                     the connector (top-level ts_ms, source.name);
 *   smtchanged.jsonl  ExtractChangedRecordState: the `changed` and
 *                     `unchanged` headers are debezium_unwrap's lists, in
 *                     order, for every event, with a TOAST column (listed
 *                     in `unavailable`) counted where the SMT put it; an
 *                     event the SMT gives no headers (messages, BEGIN/END)
 *                     has empty lists.
 * The counts compared are printed; a file whose lines are not the pairs its
 * manifest counts fails. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bytes.h"
#include "debezium.h"
#include "files.h"
#include "fnrun.h"
#include "json.h"

#ifndef FIXTURES_DIR
#define FIXTURES_DIR "tests/fixtures"
#endif

/* ------------------------------------------------------------ fixtures */

/* A string member path's decoded text (NULL: missing or null). */
static const char *member_text(json_value *obj, const char *k1, const char *k2, arena *a, size_t *n) {
    json_value v, w;
    json_error err;
    if (json_find(obj, k1, strlen(k1), &v, &err) != JSON_FOUND) return NULL;
    if (k2 && (v.type != JSON_OBJECT || json_find(&v, k2, strlen(k2), &w, &err) != JSON_FOUND)) return NULL;
    if (k2) v = w;
    if (v.type != JSON_STRING) return NULL;
    const char *s;
    assert_int_equal(json_string(&v, a, &s, n, &err), 0);
    return s;
}

/* Each line of tests/fixtures/smt/<name>.jsonl, parsed. */
typedef void (*line_fn)(void *ctx, json_value *line, arena *a);

static size_t each_line(const char *name, line_fn fn, void *ctx) {
    char path[512];
    snprintf(path, sizeof(path), "%s/smt/%s.jsonl", FIXTURES_DIR, name);
    size_t len;
    char *text = tfile_read(path, &len);
    if (!text) fail_msg("cannot read %s", path);
    arena a;
    arena_init(&a);
    size_t lines = 0;
    for (char *p = text, *nl; p < text + len; p = nl + 1) {
        nl = memchr(p, '\n', (size_t)(text + len - p));
        if (!nl) nl = text + len;
        if (nl == p) continue;
        json_value line;
        json_error err;
        assert_int_equal(json_open(p, (size_t)(nl - p), &line, &err), 0);
        arena_reset(&a);
        fn(ctx, &line, &a);
        lines++;
    }
    arena_free(&a);
    free(text);
    return lines;
}

/* The manifest's count of pairs kept in a file (its lines). */
static long manifest_pairs(const char *file) {
    char path[512];
    snprintf(path, sizeof(path), "%s/smt/manifest.json", FIXTURES_DIR);
    char *text = tfile_read(path, NULL);
    if (!text) fail_msg("cannot read %s", path);
    char key[128];
    snprintf(key, sizeof(key), "\"%s\"", file);
    const char *at = strstr(text, key);
    const char *kept = at ? strstr(at, "\"pairs_kept\"") : NULL;
    long n = kept ? strtol(strchr(kept, ':') + 1, NULL, 10) : -1;
    free(text);
    return n;
}

/* ------------------------------------------------------- our answers */

typedef struct unwrap_answer {
    char op[4];
    const char *row, *after, *error;
    size_t row_n, after_n, error_n;
    char lists[3][1024];   /* changed, unchanged, unavailable: names joined by '|' */
} unwrap_answer;

static void answer(fn_runner *r, const char *msg, size_t n, arena *a, unwrap_answer *u) {
    fn_answer(r, msg, n, a);
    tcursor c = tc_of(r->cap.data, r->cap.len);
    size_t len;
    const char *op = tc_rb_string(&c, &len);
    snprintf(u->op, sizeof(u->op), "%.*s", (int)(len < 3 ? len : 3), op ? op : "");
    u->row = tc_rb_string(&c, &u->row_n);
    tc_rb_string(&c, &len);                               /* before */
    u->after = tc_rb_string(&c, &u->after_n);
    tc_le(&c, 1);                                         /* is_deleted */
    tc_le(&c, 8);                                         /* version */
    for (int i = 0; i < 3; i++) tc_rb_string(&c, &len);   /* source_db, _schema, _table */
    for (int i = 0; i < 3; i++) tc_le(&c, 8);             /* source_lsn, _tx_id, _ts_ms */
    tc_rb_string(&c, &len);                               /* snapshot */
    tc_le(&c, 8);                                         /* ts_ms */
    for (int l = 0; l < 3; l++) {
        size_t at = 0;
        u->lists[l][0] = 0;
        for (uint64_t e = 0, count = tc_leb128(&c); e < count && c.ok; e++) {
            const char *s = tc_rb_string(&c, &len);
            at += (size_t)snprintf(u->lists[l] + at, sizeof(u->lists[l]) - at, "%s%.*s", e ? "|" : "", (int)len, s ? s : "");
            assert_true(at < sizeof(u->lists[l]));
        }
    }
    u->error = tc_rb_string(&c, &u->error_n);
    assert_true(c.ok && c.p == c.end);
}

/* ============================================== logical decoding messages */

typedef struct lmsg_ctx {
    fn_runner run;
    arena rows;           /* the answers' (fn_answer resets it); the line's text stays in the caller's */
    size_t pairs, with_schema;
} lmsg_ctx;

/* The SMT's value and our decoded record, member by member, but for what
 * depends on the connector: top-level ts_ms, source.name, and, for the raw
 * event of the connector with schemas (which runs without transaction
 * metadata), the transaction block. */
static void same_record(const char *ours, size_t ours_n, const char *smt, size_t smt_n, int with_schema) {
    json_value a, b, ka, va, kb, vb;
    json_iter ia, ib;
    json_error err;
    int ra, rb;
    assert_int_equal(json_open(ours, ours_n, &a, &err), 0);
    assert_int_equal(json_open(smt, smt_n, &b, &err), 0);
    assert_int_equal(json_iter_init(&ia, &a, &err), 0);
    assert_int_equal(json_iter_init(&ib, &b, &err), 0);
    while ((ra = json_iter_member(&ia, &ka, &va)) > 0 && (rb = json_iter_member(&ib, &kb, &vb)) > 0) {
        assert_int_equal(json_finish(&va, &err), 0);
        assert_int_equal(json_finish(&vb, &err), 0);
        json_iter_resume(&ia, &va);
        json_iter_resume(&ib, &vb);
        assert_int_equal(json_raw_len(&ka), json_raw_len(&kb));
        assert_memory_equal(ka.start, kb.start, json_raw_len(&ka));
        if (json_key_equals(&ka, "ts_ms", 5) || (with_schema && json_key_equals(&ka, "transaction", 11))) continue;
        if (json_key_equals(&ka, "source", 6)) {
            json_value sa = va, sb = vb, x, y, kx, ky;
            json_iter ix, iy;
            assert_int_equal(json_iter_init(&ix, &sa, &err), 0);
            assert_int_equal(json_iter_init(&iy, &sb, &err), 0);
            while (json_iter_member(&ix, &kx, &x) > 0) {
                assert_int_equal(json_iter_member(&iy, &ky, &y), 1);
                assert_true(json_key_equals(&kx, "name", 4) || (json_raw_len(&x) == json_raw_len(&y) &&
                                                               memcmp(x.start, y.start, json_raw_len(&x)) == 0));
            }
            continue;
        }
        if (json_raw_len(&va) != json_raw_len(&vb) || memcmp(va.start, vb.start, json_raw_len(&va)) != 0)
            fail_msg("member %.*s: ours %.*s, the SMT's %.*s", (int)json_raw_len(&ka), ka.start, (int)json_raw_len(&va),
                     va.start, (int)json_raw_len(&vb), vb.start);
    }
    assert_int_equal(ra, 0);
    assert_int_equal(json_iter_member(&ib, &kb, &vb), 0);
}

static void lmsg_line(void *ctx, json_value *line, arena *a) {
    lmsg_ctx *x = ctx;
    size_t raw_n, smt_n, schema_n;
    const char *raw = member_text(line, "raw", "value", a, &raw_n);
    const char *smt = member_text(line, "smt", "value", a, &smt_n);
    const char *with_schema = member_text(line, "raw_with_schema", "value", a, &schema_n);
    assert_non_null(raw);
    if (!smt) fail_msg("the SMT dropped a message the capture kept: %.200s", raw);
    json_value sv, after;
    json_error err;
    assert_int_equal(json_open(smt, smt_n, &sv, &err), 0);
    assert_int_equal(json_find(&sv, "after", 5, &after, &err), JSON_FOUND);
    assert_int_equal(json_finish(&after, &err), 0);
    for (int schema = 0; schema < 2; schema++) {
        const char *msg = schema ? with_schema : raw;
        size_t n = schema ? schema_n : raw_n;
        if (!msg) continue;
        unwrap_answer u;
        answer(&x->run, msg, n, &x->rows, &u);
        if (strcmp(u.op, "c") || u.error_n || u.after_n != json_raw_len(&after) ||
            memcmp(u.after, after.start, u.after_n) != 0)
            fail_msg("%s: op '%s' error '%.*s' after %.*s\n  the SMT's after: %.*s", schema ? "with schema" : "plain",
                     u.op, (int)u.error_n, u.error, (int)u.after_n, u.after, (int)json_raw_len(&after), after.start);
        assert_int_equal(u.row_n, u.after_n);
        assert_memory_equal(u.row, u.after, u.row_n);
        dbz_event ev;
        assert_int_equal(dbz_decode(msg, n, &x->rows, &ev), DBZ_CHANGE);
        same_record(ev.payload.start, json_raw_len(&ev.payload), smt, smt_n, schema);
        x->pairs++;
        x->with_schema += schema;
    }
}

static void test_decode_logical_decoding_message_content(void **state) {
    (void)state;
    static const char *const no_args[] = {NULL};
    lmsg_ctx x = {0};
    arena_init(&x.rows);
    fn_open(&x.run, &debezium_unwrap_udf, debezium_unwrap_udf.self, no_args);
    size_t lines = each_line("smtlmsg", lmsg_line, &x);
    fn_close(&x.run);
    arena_free(&x.rows);
    long want = manifest_pairs("smtlmsg.jsonl");
    if (want < 1 || (long)lines != want) fail_msg("%zu lines in smtlmsg.jsonl, the manifest says %ld pairs", lines, want);
    print_message("smtlmsg: %zu SMT records, %zu compared (%zu with the schema envelope), 0 differences\n", lines, x.pairs,
                  x.with_schema);
}

/* ============================================== changed columns */

typedef struct changed_ctx {
    fn_runner run;
    arena rows;
    size_t events, listed, unheaded;
} changed_ctx;

/* A header's list ["a","b"] as "a|b"; 0 when the header is absent. */
static int header_list(json_value *line, const char *name, arena *a, char *out, size_t cap) {
    json_value smt, headers, h, key, value;
    json_iter it;
    json_error err;
    out[0] = 0;
    if (json_find(line, "smt", 3, &smt, &err) != JSON_FOUND || json_find(&smt, "headers", 7, &headers, &err) != JSON_FOUND ||
        json_iter_init(&it, &headers, &err) < 0)
        return 0;
    while (json_iter_element(&it, &h) > 0) {
        if (json_find(&h, "key", 3, &key, &err) != JSON_FOUND || !json_key_equals(&key, name, strlen(name))) continue;
        const char *text;
        size_t n, at = 0;
        assert_int_equal(json_find(&h, "value", 5, &value, &err), JSON_FOUND);
        assert_int_equal(json_string(&value, a, &text, &n, &err), 0);
        json_value list, e;
        json_iter li;
        assert_int_equal(json_open(text, n, &list, &err), 0);
        assert_int_equal(json_iter_init(&li, &list, &err), 0);
        while (json_iter_element(&li, &e) > 0) {
            const char *s;
            size_t sn;
            assert_int_equal(json_string(&e, a, &s, &sn, &err), 0);
            at += (size_t)snprintf(out + at, cap - at, "%s%.*s", at ? "|" : "", (int)sn, s);
            assert_true(at < cap);
        }
        return 1;
    }
    return 0;
}

/* Where the SMT lists a TOAST column: changed when before and after differ
 * — which they do, the placeholder being no value — else unchanged.  The
 * captures have none (README: with a before image Debezium fills the
 * column), so this only states the documented relation. */
static void merge_unavailable(const unwrap_answer *u, char *changed, char *unchanged, size_t cap) {
    snprintf(changed, cap, "%s", u->lists[0]);
    snprintf(unchanged, cap, "%s", u->lists[1]);
    if (!u->lists[2][0]) return;
    size_t at = strlen(changed);
    snprintf(changed + at, cap - at, "%s%s", at ? "|" : "", u->lists[2]);
}

static void changed_line(void *ctx, json_value *line, arena *a) {
    changed_ctx *x = ctx;
    size_t raw_n, schema_n;
    const char *raw = member_text(line, "raw", "value", a, &raw_n);
    const char *with_schema = member_text(line, "raw_with_schema", "value", a, &schema_n);
    char smt_changed[1024], smt_unchanged[1024];
    int headed = header_list(line, "changed", a, smt_changed, sizeof(smt_changed));
    assert_int_equal(header_list(line, "unchanged", a, smt_unchanged, sizeof(smt_unchanged)), headed);
    for (int schema = 0; schema < 2; schema++) {
        const char *msg = schema ? with_schema : raw;
        size_t n = schema ? schema_n : raw_n;
        if (!msg && schema) continue;
        unwrap_answer u;
        answer(&x->run, msg ? msg : "", msg ? n : 0, &x->rows, &u);
        char changed[sizeof(u.lists)], unchanged[sizeof(u.lists)];
        merge_unavailable(&u, changed, unchanged, sizeof(changed));
        if (!headed) {
            /* messages and BEGIN/END pass the SMT without headers: no lists here either */
            if (u.lists[0][0] || u.lists[1][0] || u.lists[2][0])
                fail_msg("no headers from the SMT, but lists [%s] [%s] [%s] for %.200s", u.lists[0], u.lists[1], u.lists[2],
                         msg ? msg : "(tombstone)");
            x->unheaded++;
            continue;
        }
        if (strcmp(changed, smt_changed) || strcmp(unchanged, smt_unchanged))
            fail_msg("changed [%s] unchanged [%s] unavailable [%s], the SMT's changed [%s] unchanged [%s] for %.300s",
                     u.lists[0], u.lists[1], u.lists[2], smt_changed, smt_unchanged, msg ? msg : "(tombstone)");
        x->events++;
        x->listed += smt_changed[0] || smt_unchanged[0];
    }
}

static void test_extract_changed_record_state(void **state) {
    (void)state;
    static const char *const no_args[] = {NULL};
    changed_ctx x = {0};
    arena_init(&x.rows);
    fn_open(&x.run, &debezium_unwrap_udf, debezium_unwrap_udf.self, no_args);
    size_t lines = each_line("smtchanged", changed_line, &x);
    fn_close(&x.run);
    arena_free(&x.rows);
    long want = manifest_pairs("smtchanged.jsonl");
    if (want < 1 || (long)lines != want) fail_msg("%zu lines in smtchanged.jsonl, the manifest says %ld pairs", lines, want);
    if (x.listed == 0) fail_msg("no update in smtchanged.jsonl lists a column");
    print_message("smtchanged: %zu SMT records; %zu events compared with the headers (%zu with columns listed), "
                  "%zu without headers; 0 differences\n", lines, x.events, x.listed, x.unheaded);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_decode_logical_decoding_message_content),
        cmocka_unit_test(test_extract_changed_record_state),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
