/* test_flatten_pairs.c — debezium_flatten against Debezium's real
 * transforms, record by record.
 *
 * tests/fixtures/smt (captured by tests/e2e/capture.sh smt, see its
 * README) pairs every raw change event with the record the real SMT made of
 * it, in Kafka Connect 3.9.1 with Debezium 3.1.3.  For each connector whose
 * transform is ExtractNewRecordState, flat_apply is configured with that
 * connector's transforms.<alias>.* properties (manifest.json) and run on
 * the raw event — and on its schema-envelope twin where one was kept — and
 * must give:
 *
 *   a dropped record (`smt` null)  skip, no error;
 *   value                          the SMT record's bytes exactly; for a
 *                                  record passed on whole (messages,
 *                                  BEGIN/END) after blanking the members
 *                                  that depend on the connector, not the
 *                                  change (manifest connector_dependent_fields:
 *                                  top-level ts_ms/ts_us/ts_ns, source.name;
 *                                  for a schema-envelope twin also the
 *                                  transaction block, which its connector
 *                                  does not write);
 *   headers                        the SMT record's headers after the source
 *                                  record's own (__debezium.oldkey/newkey,
 *                                  which the raw record carries too), bytes
 *                                  and nulls exactly;
 *   topic                          the routed one, or, kept, the raw topic's
 *                                  (prefixes differ per connector).
 *
 * For the ExtractChangedRecordState connector the same is asked of the
 * headers debezium_flatten makes with header.changed.name /
 * header.unchanged.name (that SMT run first in its chain), on every change. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "files.h"
#include "flatten.h"
#include "json.h"

#ifndef FIXTURES_DIR
#define FIXTURES_DIR "tests/fixtures"
#endif

static arena scratch, recs;   /* flat_apply's; the records' decoded strings */
static flat_result res;

static int setup(void **state) {
    (void)state;
    arena_init(&scratch);
    arena_init(&recs);
    flat_result_init(&res);
    return 0;
}

static int teardown(void **state) {
    (void)state;
    arena_free(&scratch);
    arena_free(&recs);
    flat_result_free(&res);
    return 0;
}

/* ---------------------------------------------------------- the records */

typedef struct text { const char *s; size_t n; int null; } text;

typedef struct kheader { text key, value; } kheader;

/* One Kafka record of a fixture line: R = {"topic","value","headers",…}. */
typedef struct krecord {
    int present;
    text topic, value;
    kheader headers[16];
    int nheaders;
} krecord;

static text text_of(json_value *v) {
    text t = {"", 0, 1};
    json_error err;
    if (v->type == JSON_STRING) {
        assert_int_equal(json_string(v, &recs, &t.s, &t.n, &err), 0);
        t.null = 0;
    }
    return t;
}

static text member_text(json_value *obj, const char *name) {
    json_value v;
    json_error err;
    if (json_find(obj, name, strlen(name), &v, &err) != JSON_FOUND) return (text){"", 0, 1};
    return text_of(&v);
}

static void record_of(json_value *line, const char *name, krecord *r) {
    json_value v, hs, h;
    json_iter it;
    json_error err;
    memset(r, 0, sizeof(*r));
    if (json_find(line, name, strlen(name), &v, &err) != JSON_FOUND || v.type != JSON_OBJECT) return;
    r->present = 1;
    r->topic = member_text(&v, "topic");
    r->value = member_text(&v, "value");
    if (json_find(&v, "headers", 7, &hs, &err) != JSON_FOUND || hs.type != JSON_ARRAY) return;
    assert_int_equal(json_iter_init(&it, &hs, &err), 0);
    while (json_iter_element(&it, &h) > 0) {
        assert_true(r->nheaders < 16);
        r->headers[r->nheaders].key = member_text(&h, "key");
        r->headers[r->nheaders++].value = member_text(&h, "value");
    }
}

/* ------------------------------------------------- comparing with the SMT */

/* Members whose values depend on the connector, not the change, blanked. */
typedef struct blanks {
    const char *top[FLAT_MAX_REFS + 3];   /* top-level members, written as 0 */
    int ntop;
    int source_name;                      /* source.name, written as "" */
    int tx;                               /* the transaction block, written as null */
} blanks;

static int blanks_has(const blanks *b, const json_value *k) {
    for (int i = 0; i < b->ntop; i++)
        if (json_key_equals(k, b->top[i], strlen(b->top[i]))) return 1;
    return 0;
}

/* The JSON object text with the members of `b` blanked, the rest as it is. */
static void blank(buf *out, const char *s, size_t n, const blanks *b) {
    json_value root, k, v, sk, sv;
    json_iter it, sit;
    json_error err;
    out->len = 0;
    if (json_open(s, n, &root, &err) < 0 || root.type != JSON_OBJECT || json_iter_init(&it, &root, &err) < 0) {
        buf_put(out, s, n);
        return;
    }
    buf_putc(out, '{');
    int first = 1;
    while (json_iter_member(&it, &k, &v) > 0) {
        assert_int_equal(json_finish(&v, &err), 0);
        json_iter_resume(&it, &v);
        if (!first) buf_putc(out, ',');
        first = 0;
        buf_put(out, k.start, json_raw_len(&k));
        buf_putc(out, ':');
        if (blanks_has(b, &k)) {
            buf_putc(out, '0');
        } else if (b->tx && json_key_equals(&k, "transaction", 11)) {
            buf_put(out, "null", 4);
        } else if (b->source_name && json_key_equals(&k, "source", 6) && v.type == JSON_OBJECT) {
            int sfirst = 1;
            buf_putc(out, '{');
            assert_int_equal(json_iter_init(&sit, &v, &err), 0);
            while (json_iter_member(&sit, &sk, &sv) > 0) {
                assert_int_equal(json_finish(&sv, &err), 0);
                json_iter_resume(&sit, &sv);
                if (!sfirst) buf_putc(out, ',');
                sfirst = 0;
                buf_put(out, sk.start, json_raw_len(&sk));
                buf_putc(out, ':');
                if (json_key_equals(&sk, "name", 4)) buf_put(out, "\"\"", 2);
                else buf_put(out, sv.start, json_raw_len(&sv));
            }
            buf_putc(out, '}');
        } else {
            buf_put(out, v.start, json_raw_len(&v));
        }
    }
    buf_putc(out, '}');
}

/* A snapshot row is read by each connector in its own snapshot, at its own
 * position: the source fields that say where (lsn, txId, times, sequence,
 * xmin) differ between the raw connector's row and the SMT connector's. */
static int snapshot_position(const flat_ref *r) {
    static const char *const where[] = {"lsn", "txId", "ts_ms", "ts_us", "ts_ns", "sequence", "xmin"};
    if (!r->strct || strcmp(r->strct, "source") != 0) return 0;
    for (size_t i = 0; i < sizeof(where) / sizeof(where[0]); i++)
        if (!strcmp(r->field, where[i])) return 1;
    return 0;
}

/* A topic without its connector's prefix: "smtnew.public.t" -> "public.t". */
static text unprefixed(text t) {
    const char *dot = memchr(t.s, '.', t.n);
    if (dot) t.n -= (size_t)(dot + 1 - t.s), t.s = dot + 1;
    return t;
}

static int same(text a, const char *s, size_t n) {
    return a.n == n && (n == 0 || memcmp(a.s, s, n) == 0);
}

typedef struct tally {
    size_t compared, dropped, passed_on, snapshot_rows, tombstones, headers, with_schema;
} tally;

/* The raw event's op: c u d r t m; 0 for a tombstone or an event without
 * one (BEGIN/END). */
static char op_of(text raw_value) {
    json_value root, op, p;
    json_error err;
    if (raw_value.null || json_open(raw_value.s, raw_value.n, &root, &err) < 0) return 0;
    if (json_find(&root, "payload", 7, &p, &err) == JSON_FOUND && p.type == JSON_OBJECT) root = p;
    if (json_find(&root, "op", 2, &op, &err) != JSON_FOUND || op.type != JSON_STRING || json_raw_len(&op) != 3) return 0;
    return op.start[1];
}

#define MISMATCH(...)                                                                             \
    do {                                                                                          \
        print_error("%s line %d%s: ", file, line, with_schema ? " (with schema)" : "");           \
        print_error(__VA_ARGS__);                                                                 \
        print_error("\n  raw: %.300s\n", raw->value.null ? "(tombstone)" : raw->value.s);          \
        fail();                                                                                   \
    } while (0)

/* Our answer for the raw record `raw` against the SMT's record `smt`;
 * headers_only: ExtractChangedRecordState's headers (changes only). */
static void compare(const flat_config *cfg, const char *file, int line, const krecord *raw, const krecord *src,
                    const krecord *smt, int headers_only, int with_schema, tally *t) {
    static buf want, got;
    arena_reset(&scratch);
    flat_apply(cfg, raw->value.s, raw->value.null ? 0 : raw->value.n, &scratch, &res);
    if (res.error[0]) MISMATCH("error \"%s\"", res.error);
    char op = op_of(raw->value);
    int whole = !raw->value.null && (op == 0 || op == 'm');   /* passed on as it came */
    blanks b = {.ntop = 0};
    if (whole) {
        b.top[0] = "ts_ms", b.top[1] = "ts_us", b.top[2] = "ts_ns", b.ntop = 3;
        b.source_name = 1, b.tx = with_schema;
    } else if (op == 'r') {
        for (int i = 0; i < cfg->nfields; i++)
            if (snapshot_position(&cfg->fields[i])) b.top[b.ntop++] = cfg->fields[i].name;
    }
    if (headers_only) {
        if (raw->value.null || whole || res.skip) return;   /* the SMT adds them to changes only (a truncate's we drop) */
    } else if (!smt->present) {
        if (!res.skip) MISMATCH("the SMT dropped it, we did not: %.*s", (int)res.value.len, res.value.p);
        t->dropped++;
        t->compared++;
        return;
    } else {
        if (res.skip) MISMATCH("we dropped it, the SMT did not");
        if (smt->value.null) {
            if (!res.is_tombstone || res.value.len) MISMATCH("the SMT's record is a tombstone, ours is not");
            t->tombstones++;
        } else if (b.ntop || b.tx) {
            blank(&want, smt->value.s, smt->value.n, &b);
            blank(&got, res.value.p, res.value.len, &b);
            if (want.len != got.len || memcmp(want.p, got.p, want.len) != 0)
                MISMATCH("value (blanked)\n  ours: %.*s\n  smt:  %.*s", (int)got.len, got.p, (int)want.len, want.p);
            t->passed_on += whole;
            t->snapshot_rows += op == 'r';
        } else if (!same(smt->value, res.value.len ? res.value.p : "", res.value.len)) {
            MISMATCH("value\n  ours: %.*s\n  smt:  %.*s", (int)res.value.len, res.value.p, (int)smt->value.n, smt->value.s);
        }
        if (res.topic_len ? !same(smt->topic, res.topic, res.topic_len)
                          : !same(unprefixed(smt->topic), unprefixed(src->topic).s, unprefixed(src->topic).n))
            MISMATCH("topic '%.*s', the SMT's '%.*s'", (int)res.topic_len, res.topic, (int)smt->topic.n, smt->topic.s);
    }
    /* the SMT's headers: the source record's own first, then the ones it added */
    int own = src->nheaders;
    if (smt->nheaders < own) MISMATCH("the SMT record lacks the source record's headers");
    for (int i = 0; i < own; i++)
        if (!same(smt->headers[i].key, src->headers[i].key.s, src->headers[i].key.n))
            MISMATCH("header %d is not the source record's", i);
    if (smt->nheaders - own != res.nheaders) MISMATCH("%d headers, the SMT added %d", res.nheaders, smt->nheaders - own);
    for (int i = 0; i < res.nheaders; i++) {
        const flat_header *h = &res.headers[i];
        const kheader *w = &smt->headers[own + i];
        int position = 0;   /* a snapshot row's position: its name and nullness only */
        for (int j = 0; op == 'r' && j < cfg->nheaders; j++)
            position |= h->name == cfg->headers[j].name && snapshot_position(&cfg->headers[j]);
        if (!same(w->key, h->name, strlen(h->name)) || w->value.null != h->is_null ||
            (!position && !same(w->value, h->len ? res.hvalues.p + h->off : "", h->len)))
            MISMATCH("header %d: ours %s=%.*s%s, the SMT's %.*s=%.*s%s", i, h->name, (int)h->len,
                     h->len ? res.hvalues.p + h->off : "", h->is_null ? " (null)" : "", (int)w->key.n, w->key.s,
                     (int)w->value.n, w->value.s, w->value.null ? " (null)" : "");
    }
    t->headers += (size_t)res.nheaders;
    t->compared++;
    t->with_schema += with_schema;
}

/* ------------------------------------------------------------- the files */

/* Configures `cfg` from a connector's "transforms.<alias>.*"; returns the
 * transform's class name (NULL: not one of ours). */
static const char *configure(json_value *config, flat_config *cfg) {
    json_value k, v;
    json_iter it;
    json_error err;
    char why[256], prefix[128];
    text alias = member_text(config, "transforms");
    if (alias.null) return NULL;
    int pn = snprintf(prefix, sizeof(prefix), "transforms.%.*s.", (int)alias.n, alias.s);
    snprintf(why, sizeof(why), "%stype", prefix);
    text type = member_text(config, why);
    const char *smt = same(type, "io.debezium.transforms.ExtractNewRecordState", 44)       ? "ExtractNewRecordState"
                      : same(type, "io.debezium.transforms.ExtractChangedRecordState", 48) ? "ExtractChangedRecordState"
                                                                                          : NULL;
    if (!smt) return NULL;
    flat_config_init(cfg);
    assert_int_equal(json_iter_init(&it, config, &err), 0);
    while (json_iter_member(&it, &k, &v) > 0) {
        text key = text_of(&k), value = text_of(&v);
        if (key.n <= (size_t)pn || memcmp(key.s, prefix, (size_t)pn) != 0) continue;
        const char *prop = arena_strdup(&cfg->mem, key.s + pn, key.n - (size_t)pn);
        if (!strcmp(prop, "type")) continue;
        if (flat_config_set(cfg, prop, arena_strdup(&cfg->mem, value.s, value.n), why, sizeof(why)) < 0) fail_msg("%s", why);
    }
    if (flat_config_finish(cfg, why, sizeof(why)) < 0) fail_msg("%s", why);
    return smt;
}

static void run_file(const char *file, const flat_config *cfg, int headers_only, tally *t) {
    char path[512];
    snprintf(path, sizeof(path), "%s/smt/%s", FIXTURES_DIR, file);
    size_t n;
    char *data = tfile_read(path, &n);
    if (!data) fail_msg("cannot read %s", path);
    int line = 0;
    for (char *p = data, *nl; p < data + n; p = nl + 1) {
        nl = memchr(p, '\n', (size_t)(data + n - p));
        if (!nl) nl = data + n;
        line++;
        json_value rec;
        json_error err;
        krecord raw, twin, smt;
        arena_reset(&recs);
        if (json_open(p, (size_t)(nl - p), &rec, &err) < 0) fail_msg("%s line %d: not JSON", file, line);
        record_of(&rec, "raw", &raw);
        record_of(&rec, "raw_with_schema", &twin);
        record_of(&rec, "smt", &smt);
        assert_true(raw.present);
        compare(cfg, file, line, &raw, &raw, &smt, headers_only, 0, t);
        if (twin.present) compare(cfg, file, line, &twin, &raw, &smt, headers_only, 1, t);
    }
    free(data);
}

static void test_every_pair(void **state) {
    (void)state;
    char path[512];
    snprintf(path, sizeof(path), "%s/smt/manifest.json", FIXTURES_DIR);
    size_t n;
    char *manifest = tfile_read(path, &n);
    if (!manifest) fail_msg("cannot read %s", path);
    json_value root, files, f, config;
    json_iter it;
    json_error err;
    assert_int_equal(json_open(manifest, n, &root, &err), 0);
    assert_int_equal(json_find(&root, "files", 5, &files, &err), JSON_FOUND);
    assert_int_equal(json_iter_init(&it, &files, &err), 0);
    int connectors = 0;
    while (json_iter_element(&it, &f) > 0) {
        flat_config cfg;
        assert_int_equal(json_find(&f, "config", 6, &config, &err), JSON_FOUND);
        const char *smt = configure(&config, &cfg);
        if (!smt) continue;
        text file = member_text(&f, "file");
        char name[128];
        snprintf(name, sizeof(name), "%.*s", (int)file.n, file.s);
        tally t = {0};
        run_file(name, &cfg, !strcmp(smt, "ExtractChangedRecordState"), &t);
        print_message("%s (%s): %zu records compared (%zu with the schema envelope): %zu dropped, %zu passed on, "
                      "%zu snapshot rows, %zu tombstones, %zu headers\n",
                      name, smt, t.compared, t.with_schema, t.dropped, t.passed_on, t.snapshot_rows, t.tombstones,
                      t.headers);
        assert_true(t.compared > 0 && t.headers > 0);
        flat_config_free(&cfg);
        connectors++;
    }
    assert_int_equal(connectors, 3);   /* smtnew, smtdrop (ExtractNewRecordState), smtchanged */
    free(manifest);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_every_pair),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
