/* test_outbox.c — outbox_route against Debezium's own EventRouter.
 *
 * tests/fixtures/outbox/eventrouter.jsonl holds, for every case of
 * cases.jsonl (Debezium's documented examples for each option, and the
 * edges of each rule), the raw change message Debezium writes — with and
 * without the schema envelope — and the record the real EventRouter 3.1.3
 * made of it, through the JSON converter, SimpleHeaderConverter and the
 * producer's checks (tests/e2e/tools/EventRouterOracle.java wrote it; run
 * offline, on Java 17 as the e2e stack's worker).  Each record must come
 * out equal: topic, key, value, headers, partition and timestamp byte for
 * byte; a dropped record is a skip row; a record the SMT or Connect fails
 * is an error row.  Both forms of the message are run, except for the
 * cases marked schema_only (a Decimal's header text, the timestamp's type:
 * only the schema tells).  The record's timestamp null (no ts_ms) is 0.
 *
 * Then the captures of the real stack (tests/fixtures/smt, written by
 * tests/e2e/capture.sh smt): every raw change event of the EventRouter
 * connectors, with and without the envelope, against the record the SMT
 * sent, as the fixtures' README says to compare them (the partition only
 * where the SMT chose it, the timestamp only where it came from a column,
 * the source record's own headers first).
 *
 * Then the configuration: every property's parsing, Debezium's defaults,
 * and the refusals (unknown property, bad values, a regex that does not
 * compile). */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "arena.h"
#include "files.h"
#include "json.h"
#include "outbox.h"

#define FIXTURE FIXTURES_DIR "/outbox/eventrouter.jsonl"

/* A member's string, decoded, NUL-terminated (arena); NULL when absent or null. */
static const char *str_member(json_value *obj, const char *name, arena *a, size_t *n) {
    json_value v;
    json_error err;
    const char *s;
    size_t len;
    if (json_find(obj, name, strlen(name), &v, &err) != JSON_FOUND || v.type != JSON_STRING) return NULL;
    if (json_string(&v, a, &s, &len, &err) < 0) fail_msg("fixture string does not decode");
    if (n) *n = len;
    return arena_strdup(a, s, len);
}

static int has_member(json_value *obj, const char *name, json_value *out) {
    json_error err;
    return json_find(obj, name, strlen(name), out, &err) == JSON_FOUND;
}

/* One case's configuration, from the fixture's "config" object. */
static void configure(outbox_config *c, json_value *config, arena *a) {
    json_iter it;
    json_value k, v;
    json_error err;
    char why[256];
    const char *ks, *vs;
    size_t kn, vn;
    outbox_config_defaults(c);
    assert_int_equal(json_iter_init(&it, config, &err), 0);
    while (json_iter_member(&it, &k, &v) > 0) {
        assert_int_equal(json_string(&k, a, &ks, &kn, &err), 0);
        assert_int_equal(json_string(&v, a, &vs, &vn, &err), 0);
        if (outbox_config_set(c, arena_strdup(a, ks, kn), arena_strdup(a, vs, vn), why, sizeof(why)) < 0)
            fail_msg("config %.*s: %s", (int)kn, ks, why);
    }
    if (outbox_config_finish(c, why, sizeof(why)) < 0) fail_msg("config: %s", why);
}

static int diffs;

__attribute__((format(printf, 3, 4))) static void differ(const char *name, const char *form, const char *fmt, ...) {
    va_list ap;
    fprintf(stderr, "DIFF %s (%s): ", name, form);
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fputc('\n', stderr);
    diffs++;
}

static int bytes_eq(const buf *b, const char *s, size_t n) { return b->len == n && (n == 0 || !memcmp(b->p, s, n)); }

/* The headers array [[name, value|null], …] against the row's. */
static void compare_headers(const char *name, const char *form, json_value *headers, const outbox_row *r, arena *a) {
    json_iter it, pit;
    json_value pair, k, v;
    json_error err;
    int i = 0;
    assert_int_equal(json_iter_init(&it, headers, &err), 0);
    while (json_iter_element(&it, &pair) > 0) {
        const char *ks, *vs;
        size_t kn, vn = 0;
        assert_int_equal(json_iter_init(&pit, &pair, &err), 0);
        assert_int_equal(json_iter_element(&pit, &k), 1);
        assert_int_equal(json_iter_element(&pit, &v), 1);
        assert_int_equal(json_string(&k, a, &ks, &kn, &err), 0);
        int is_null = v.type == JSON_NULL;
        if (!is_null) assert_int_equal(json_string(&v, a, &vs, &vn, &err), 0);
        while (json_iter_element(&pit, &k) > 0) {}
        json_iter_resume(&it, &pair);
        if (i >= r->nheaders) {
            differ(name, form, "header %.*s missing", (int)kn, ks);
            return;
        }
        const ob_header *h = &r->headers[i++];
        if (h->name_len != kn || memcmp(h->name, ks, kn) || h->is_null != is_null ||
            (!is_null && (h->len != vn || memcmp(r->hvals.p + h->off, vs, vn))))
            differ(name, form, "header %d: want %.*s=%.*s%s, got %.*s=%.*s%s", i, (int)kn, ks, (int)vn,
                   is_null ? "" : vs, is_null ? "(null)" : "", (int)h->name_len, h->name, (int)h->len,
                   r->hvals.p + h->off, h->is_null ? "(null)" : "");
    }
    if (i != r->nheaders) differ(name, form, "%d headers, want %d", r->nheaders, i);
}

static void compare(const char *name, const char *form, json_value *want, const outbox_row *r, arena *a) {
    json_value v;
    if (has_member(want, "dropped", &v)) {
        if (!r->skip) differ(name, form, "want dropped, got a record (error '%s')", r->error);
        return;
    }
    if (has_member(want, "error", &v)) {
        if (r->skip || !r->error[0])
            differ(name, form, "want the error %s, got skip=%d error '%s'", str_member(want, "error", a, NULL), r->skip,
                   r->error);
        return;
    }
    if (r->skip || r->error[0]) {
        differ(name, form, "want a record, got skip=%d error '%s'", r->skip, r->error);
        return;
    }
    size_t n;
    const char *s = str_member(want, "topic", a, &n);
    if (!bytes_eq(&r->topic, s, n)) differ(name, form, "topic '%s', got '%.*s'", s, (int)r->topic.len, r->topic.p);
    s = str_member(want, "key", a, &n);
    if (!s || !bytes_eq(&r->key, s, n)) differ(name, form, "key '%s', got '%.*s'", s, (int)r->key.len, r->key.p);
    s = str_member(want, "value", a, &n);
    if (!s ? !r->is_tombstone || r->value.len : r->is_tombstone || !bytes_eq(&r->value, s, n))
        differ(name, form, "value %s%s%s, got %s'%.*s'", s ? "'" : "", s ? s : "(tombstone)", s ? "'" : "",
               r->is_tombstone ? "(tombstone) " : "", (int)r->value.len, r->value.p);
    int64_t ts = 0;
    if (has_member(want, "timestamp", &v) && v.type == JSON_NUMBER) assert_int_equal(json_number_i64(&v, &ts), 0);
    if (r->timestamp != ts) differ(name, form, "timestamp %lld, got %lld", (long long)ts, (long long)r->timestamp);
    int64_t part = -1;
    if (has_member(want, "partition", &v) && v.type == JSON_NUMBER) assert_int_equal(json_number_i64(&v, &part), 0);
    if (r->has_partition != (part >= 0) || (part >= 0 && r->partition != part))
        differ(name, form, "partition %lld, got %d (%d)", (long long)part, r->partition, r->has_partition);
    assert_true(has_member(want, "headers", &v));
    compare_headers(name, form, &v, r, a);
}

static void test_eventrouter_fixtures(void **state) {
    (void)state;
    size_t len;
    char *text = tfile_read(FIXTURE, &len);
    arena a;
    outbox_row r;
    int cases = 0, runs = 0;
    assert_non_null(text);
    arena_init(&a);
    outbox_row_init(&r);
    diffs = 0;
    for (char *line = text, *next; line < text + len; line = next) {
        next = strchr(line, '\n');
        next = next ? next + 1 : text + len;
        if (next - line < 2) continue;
        json_value root, config, want, flag;
        json_error err;
        outbox_config c;
        arena_reset(&a);
        assert_int_equal(json_open(line, (size_t)(next - line), &root, &err), 0);
        const char *name = str_member(&root, "name", &a, NULL);
        assert_true(has_member(&root, "config", &config));
        assert_true(has_member(&root, "result", &want));
        configure(&c, &config, &a);
        int schema_only = has_member(&root, "schema_only", &flag) && flag.type == JSON_TRUE;
        static const char *const forms[] = {"message", "plain"};
        for (int f = 0; f < (schema_only ? 1 : 2); f++) {
            size_t mn = 0;
            const char *msg = str_member(&root, forms[f], &a, &mn);
            outbox_route(&c, msg ? msg : "", msg ? mn : 0, &a, &r);
            compare(name, forms[f], &want, &r, &a);
            runs++;
        }
        outbox_config_free(&c);
        cases++;
    }
    printf("eventrouter fixtures: %d cases, %d messages, %d differences\n", cases, runs, diffs);
    assert_true(cases >= 100);
    assert_int_equal(diffs, 0);
    outbox_row_free(&r);
    arena_free(&a);
    free(text);
}

/* ---- the real stack's captures ---------------------------------------------- */

/* Headers [{"key":…,"value":…|null},…] of a captured record, after the first `skip`. */
static void compare_captured_headers(const char *name, const char *form, json_value *headers, int skip,
                                     const outbox_row *r, arena *a) {
    json_iter it;
    json_value h, v;
    json_error err;
    int i = 0, k = 0;
    assert_int_equal(json_iter_init(&it, headers, &err), 0);
    while (json_iter_element(&it, &h) > 0) {
        size_t kn, vn = 0;
        const char *ks = str_member(&h, "key", a, &kn), *vs = str_member(&h, "value", a, &vn);
        int is_null = has_member(&h, "value", &v) && v.type == JSON_NULL;
        json_iter_resume(&it, &h);
        if (k++ < skip) continue;
        if (i >= r->nheaders) {
            differ(name, form, "header %s missing", ks);
            return;
        }
        const ob_header *o = &r->headers[i++];
        if (o->name_len != kn || memcmp(o->name, ks, kn) || o->is_null != is_null ||
            (!is_null && (o->len != vn || memcmp(r->hvals.p + o->off, vs, vn))))
            differ(name, form, "header %s=%s, got %.*s=%.*s", ks, vs ? vs : "(null)", (int)o->name_len, o->name,
                   (int)o->len, r->hvals.p + o->off);
    }
    if (i != r->nheaders) differ(name, form, "%d headers, want %d", r->nheaders, i);
}

static int count_elements(json_value *arr) {
    json_iter it;
    json_value v;
    json_error err;
    int n = 0;
    if (arr->type != JSON_ARRAY || json_iter_init(&it, arr, &err) < 0) return 0;
    while (json_iter_element(&it, &v) > 0) n++;
    return n;
}

/* One captured pair: the raw record's value through outbox_route, against the SMT's record. */
static void compare_captured(const outbox_config *c, json_value *pair, const char *form, json_value *raw_rec,
                             int line, outbox_row *r, arena *a) {
    json_value smt, v, headers;
    char name[64];
    size_t mn = 0, n;
    snprintf(name, sizeof(name), "line %d", line);
    const char *msg = str_member(raw_rec, "value", a, &mn);
    outbox_route(c, msg ? msg : "", msg ? mn : 0, a, r);
    assert_true(has_member(pair, "smt", &smt));
    if (smt.type == JSON_NULL) {
        if (!r->skip) differ(name, form, "the SMT dropped it, got a record (error '%s')", r->error);
        return;
    }
    if (r->skip || r->error[0]) {
        differ(name, form, "want a record, got skip=%d error '%s'", r->skip, r->error);
        return;
    }
    const char *s = str_member(&smt, "topic", a, &n);
    if (!bytes_eq(&r->topic, s, n)) differ(name, form, "topic '%s', got '%.*s'", s, (int)r->topic.len, r->topic.p);
    s = str_member(&smt, "key", a, &n);
    if (!s || !bytes_eq(&r->key, s, n)) differ(name, form, "key '%s', got '%.*s'", s, (int)r->key.len, r->key.p);
    s = str_member(&smt, "value", a, &n);
    if (!s ? !r->is_tombstone : r->is_tombstone || !bytes_eq(&r->value, s, n))
        differ(name, form, "value '%s', got '%.*s'", s ? s : "(tombstone)", (int)r->value.len, r->value.p);
    int64_t x;
    if (r->has_partition && (!has_member(&smt, "partition", &v) || json_number_i64(&v, &x) || x != r->partition))
        differ(name, form, "partition: ours %d", r->partition);
    /* The timestamp, where it comes from the row rather than from the connector's ts_ms. */
    if (c->field_timestamp) {
        json_value root, payload, after, col;
        json_error err;
        char path[160];
        assert_int_equal(json_open(msg, mn, &root, &err), 0);
        snprintf(path, sizeof(path), "after.%s", c->field_timestamp);
        int from_column = (json_lookup(&root, path, strlen(path), a, &col, &err) == JSON_FOUND ||
                           (json_find(&root, "payload", 7, &payload, &err) == JSON_FOUND &&
                            json_lookup(&payload, path, strlen(path), a, &col, &err) == JSON_FOUND)) &&
                          col.type == JSON_NUMBER;
        (void)after;
        if (from_column && (!has_member(&smt, "timestamp", &v) || json_number_i64(&v, &x) || x != r->timestamp))
            differ(name, form, "timestamp: ours %lld", (long long)r->timestamp);
    }
    json_value raw_headers;
    int skip = has_member(raw_rec, "headers", &raw_headers) ? count_elements(&raw_headers) : 0;
    if (has_member(&smt, "headers", &headers)) compare_captured_headers(name, form, &headers, skip, r, a);
    else if (r->nheaders) differ(name, form, "the SMT record has no headers, ours %d", r->nheaders);
}

/* The EventRouter connectors of tests/fixtures/smt/manifest.json and their pairs. */
static void test_real_stack_captures(void **state) {
    (void)state;
    size_t len;
    char *manifest = tfile_read(FIXTURES_DIR "/smt/manifest.json", &len);
    json_value root, files, file, config, k, v;
    json_iter it, cit;
    json_error err;
    arena a, ca;
    outbox_row r;
    int connectors = 0, pairs = 0, runs = 0, dropped = 0;
    assert_non_null(manifest);
    arena_init(&a);
    arena_init(&ca);
    outbox_row_init(&r);
    diffs = 0;
    assert_int_equal(json_open(manifest, len, &root, &err), 0);
    assert_true(has_member(&root, "files", &files));
    assert_int_equal(json_iter_init(&it, &files, &err), 0);
    while (json_iter_element(&it, &file) > 0) {
        const char *fname = str_member(&file, "file", &ca, NULL);
        assert_true(has_member(&file, "config", &config));
        const char *type = str_member(&config, "transforms.outbox.type", &ca, NULL);
        json_iter_resume(&it, &file);
        if (!type || strcmp(type, "io.debezium.transforms.outbox.EventRouter")) continue;
        outbox_config c;
        char why[256];
        outbox_config_defaults(&c);
        assert_int_equal(json_iter_init(&cit, &config, &err), 0);
        while (json_iter_member(&cit, &k, &v) > 0) {
            const char *ks, *vs;
            size_t kn, vn;
            assert_int_equal(json_string(&k, &ca, &ks, &kn, &err), 0);
            if (kn <= 18 || memcmp(ks, "transforms.outbox.", 18) || (kn == 22 && !memcmp(ks + 18, "type", 4))) continue;
            assert_int_equal(json_string(&v, &ca, &vs, &vn, &err), 0);
            if (outbox_config_set(&c, arena_strdup(&ca, ks + 18, kn - 18), arena_strdup(&ca, vs, vn), why, sizeof(why)) < 0)
                fail_msg("%s: %s", fname, why);
        }
        assert_int_equal(outbox_config_finish(&c, why, sizeof(why)), 0);
        char path[512];
        snprintf(path, sizeof(path), FIXTURES_DIR "/smt/%s", fname);
        char *text = tfile_read(path, &len);
        assert_non_null(text);
        int line = 0;
        for (char *l = text, *next; l < text + len; l = next) {
            next = strchr(l, '\n');
            next = next ? next + 1 : text + len;
            line++;
            json_value pair, raw, smt;
            arena_reset(&a);
            assert_int_equal(json_open(l, (size_t)(next - l), &pair, &err), 0);
            assert_true(has_member(&pair, "raw", &raw));
            compare_captured(&c, &pair, "raw", &raw, line, &r, &a);
            runs++;
            if (has_member(&pair, "raw_with_schema", &raw) && raw.type == JSON_OBJECT) {
                compare_captured(&c, &pair, "raw_with_schema", &raw, line, &r, &a);
                runs++;
            }
            dropped += has_member(&pair, "smt", &smt) && smt.type == JSON_NULL;
            pairs++;
        }
        free(text);
        outbox_config_free(&c);
        connectors++;
    }
    printf("real stack captures: %d EventRouter connectors, %d pairs (%d dropped by the SMT), %d messages, "
           "%d differences\n", connectors, pairs, dropped, runs, diffs);
    assert_int_equal(connectors, 2);
    assert_true(pairs > 50);
    assert_int_equal(diffs, 0);
    outbox_row_free(&r);
    arena_free(&a);
    arena_free(&ca);
    free(manifest);
}

/* ---- configuration ------------------------------------------------------------ */

static int set(outbox_config *c, const char *name, const char *value, char *why) {
    return outbox_config_set(c, name, value, why, 256);
}

static void test_defaults(void **state) {
    (void)state;
    outbox_config c;
    char why[256];
    outbox_config_defaults(&c);
    assert_string_equal(c.field_id, "id");
    assert_string_equal(c.field_key, "aggregateid");
    assert_string_equal(c.field_type, "type");
    assert_string_equal(c.field_payload, "payload");
    assert_null(c.field_timestamp);
    assert_string_equal(c.route_by_field, "aggregatetype");
    assert_string_equal(c.topic_regex, "(?<routedByValue>.*)");
    assert_string_equal(c.topic_replacement, "outbox.event.${routedByValue}");
    assert_int_equal(c.expand_json, 0);
    assert_int_equal(c.tombstone_on_empty, 0);
    assert_int_equal(c.error_on_missing, 1);
    assert_int_equal(c.invalid_op, OB_WARN);
    assert_int_equal(outbox_config_finish(&c, why, sizeof(why)), 0);
    assert_int_equal(c.only_headers, 1);
    outbox_config_free(&c);
}

static void test_config_values(void **state) {
    (void)state;
    outbox_config c;
    char why[256];
    outbox_config_defaults(&c);
    assert_int_equal(set(&c, "table.expand.json.payload", " TRUE ", why), 0);
    assert_int_equal(c.expand_json, 1);
    assert_int_equal(set(&c, "route.tombstone.on.empty.payload", "yes", why), -1);
    assert_non_null(strstr(why, "true or false"));
    assert_int_equal(set(&c, "table.op.invalid.behavior", "Error", why), 0);
    assert_int_equal(c.invalid_op, OB_ERROR);
    assert_int_equal(set(&c, "table.op.invalid.behavior", "skip", why), -1);
    assert_int_equal(set(&c, "table.json.payload.null.behavior", "optional_bytes", why), 0);
    assert_int_equal(c.nulls_as_bytes, 1);
    assert_int_equal(set(&c, "table.json.payload.null.behavior", "keep", why), -1);
    assert_int_equal(set(&c, "tracing.span.context.field", "x", why), -1);
    assert_string_equal(why, "unknown option '--tracing.span.context.field'");
    /* The documented placement forms, and the refused ones. */
    assert_int_equal(set(&c, "table.fields.additional.placement", "id:header,my-field:envelope:my-alias,p:partition,", why), 0);
    assert_int_equal(c.nextras, 3);
    assert_string_equal(c.extras[1].field, "my-field");
    assert_string_equal(c.extras[1].alias, "my-alias");
    assert_int_equal(c.extras[1].place, OB_ENVELOPE);
    assert_string_equal(c.extras[2].alias, "p");
    assert_int_equal(set(&c, "table.fields.additional.placement", "a", why), -1);
    assert_int_equal(set(&c, "table.fields.additional.placement", "a:header:b:c", why), -1);
    assert_int_equal(set(&c, "table.fields.additional.placement", "a:body", why), -1);
    assert_non_null(strstr(why, "unknown placement 'body'"));
    assert_int_equal(set(&c, "table.fields.additional.placement", "a:envelope:payload", why), 0);
    assert_int_equal(outbox_config_finish(&c, why, sizeof(why)), -1);
    assert_non_null(strstr(why, "'payload'"));
    assert_int_equal(set(&c, "table.fields.additional.placement", "a:envelope:x,b:envelope:x", why), 0);
    assert_int_equal(outbox_config_finish(&c, why, sizeof(why)), -1);
    assert_int_equal(set(&c, "table.fields.additional.placement", "a:envelope:x", why), 0);
    assert_int_equal(set(&c, "route.topic.regex", "(unclosed", why), 0);
    assert_int_equal(outbox_config_finish(&c, why, sizeof(why)), -1);
    assert_non_null(strstr(why, "--route.topic.regex=(unclosed"));
    assert_int_equal(set(&c, "route.topic.regex", "[a-z&&[^e]]", why), 0);
    assert_int_equal(outbox_config_finish(&c, why, sizeof(why)), -1);
    assert_non_null(strstr(why, "intersection"));
    assert_int_equal(set(&c, "route.topic.regex", "(.*)", why), 0);
    assert_int_equal(outbox_config_finish(&c, why, sizeof(why)), 0);
    assert_int_equal(c.only_headers, 0);
    outbox_config_free(&c);
}

/* Rows that are not outbox events: what the SMT does with each. */
static void test_not_events(void **state) {
    (void)state;
    outbox_config c;
    outbox_row r;
    arena a;
    char why[256];
    arena_init(&a);
    outbox_row_init(&r);
    outbox_config_defaults(&c);
    assert_int_equal(outbox_config_finish(&c, why, sizeof(why)), 0);
    outbox_route(&c, "", 0, &a, &r);   /* a tombstone */
    assert_int_equal(r.skip, 1);
    assert_string_equal(r.error, "");
    const char *hb = "{\"ts_ms\":1700000000000}";
    outbox_route(&c, hb, strlen(hb), &a, &r);   /* a heartbeat: passed on unchanged by the SMT */
    assert_int_equal(r.skip, 0);
    assert_non_null(strstr(r.error, "heartbeat"));
    outbox_route(&c, "{\"op\":", 6, &a, &r);
    assert_non_null(strstr(r.error, "invalid JSON"));
    assert_int_equal(r.topic.len + r.key.len + r.value.len + (size_t)r.nheaders, 0);
    outbox_config_free(&c);
    outbox_row_free(&r);
    arena_free(&a);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_eventrouter_fixtures),
        cmocka_unit_test(test_real_stack_captures),
        cmocka_unit_test(test_defaults),
        cmocka_unit_test(test_config_values),
        cmocka_unit_test(test_not_events),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
