/* test_fast_slow.c — payload_extract's one-pass fast path against its
 * step-by-step lookups, byte for byte.
 *
 * The fast path (validating walk that picks the members, decoding the
 * outbox payload on the way) must answer every row exactly as the slow
 * path does; it hands a row over whenever it cannot.  The slow path alone
 * is built as payload_extract_slow (PE_FORCE_SLOW).  Both binaries read the
 * same messages — every real Debezium message of tests/fixtures, messages
 * whose payloads take the fast decoder's exits (non-ASCII, \\, \n, \u,
 * control characters, strings near the end of the buffer), and thousands of
 * seeded mutations of all of them — under several field lists, and their
 * answers must be identical. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "arena.h"
#include "json.h"
#include "udfproc.h"

#ifndef FIXTURES_DIR
#define FIXTURES_DIR "tests/fixtures"
#endif
#ifndef PE_SLOW_BINARY
#define PE_SLOW_BINARY "payload_extract_slow"
#endif

typedef struct corpus {
    char **msg;
    size_t *len;
    size_t n, cap;
} corpus;

static void corpus_add(corpus *c, const char *s, size_t n) {
    if (c->n == c->cap) {
        c->cap = c->cap ? 2 * c->cap : 256;
        c->msg = realloc(c->msg, c->cap * sizeof(*c->msg));
        c->len = realloc(c->len, c->cap * sizeof(*c->len));
        assert_non_null(c->msg);
        assert_non_null(c->len);
    }
    c->msg[c->n] = malloc(n ? n : 1);
    assert_non_null(c->msg[c->n]);
    memcpy(c->msg[c->n], s, n);
    c->len[c->n++] = n;
}

static void corpus_free(corpus *c) {
    for (size_t i = 0; i < c->n; i++) free(c->msg[i]);
    free(c->msg);
    free(c->len);
}

/* Every captured message: the "value" of each line of each fixture file. */
static void corpus_fixtures(corpus *c, const char *dir) {
    DIR *d = opendir(dir);
    assert_non_null(d);
    struct dirent *e;
    arena a;
    arena_init(&a);
    while ((e = readdir(d))) {
        if (!strstr(e->d_name, ".jsonl")) continue;
        char path[1024], line[1 << 16];
        snprintf(path, sizeof path, "%s/%s", dir, e->d_name);
        FILE *f = fopen(path, "r");
        assert_non_null(f);
        while (fgets(line, sizeof line, f)) {
            json_value root, v;
            json_error err;
            const char *s;
            size_t n;
            arena_reset(&a);
            if (json_open(line, strlen(line), &root, &err) < 0) continue;
            if (json_find(&root, "value", 5, &v, &err) != JSON_FOUND || v.type != JSON_STRING) continue;
            assert_int_equal(json_string(&v, &a, &s, &n, &err), 0);
            corpus_add(c, s, n);
        }
        fclose(f);
    }
    closedir(d);
    arena_free(&a);
}

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
    char buf[4096];
    for (size_t i = 0; i < sizeof texts / sizeof *texts; i++) {
        int n;
        n = snprintf(buf, sizeof buf, "{\"before\":null,\"after\":{\"aggregate_id\":\"9\",\"payload\":\"%s\"},\"op\":\"c\"}",
                     texts[i]);
        corpus_add(c, buf, (size_t)n);
        n = snprintf(buf, sizeof buf, "{\"op\":\"c\",\"after\":{\"payload\":\"%s\"}}", texts[i]);
        corpus_add(c, buf, (size_t)n);
        n = snprintf(buf, sizeof buf, "{\"after\":{\"payload\":\"%s\",\"aggregate_id\":\"9\"},\"source\":{\"lsn\":1},\"op\":\"u\"}",
                     texts[i]);
        corpus_add(c, buf, (size_t)n);
    }
}

/* Seeded single-byte changes, insertions and cuts of every message so far. */
static void corpus_mutate(corpus *c, int per_message) {
    static const char bytes[] = {'"', '\\', '{', '}', '[', ']', ',', ':', ' ', '0', 'n', 'u', '/', 'x',
                                 '\x01', '\x7f', '\xc3', '\xe9', '\xff'};
    unsigned seed = 2024;
    size_t originals = c->n;
    char *buf = malloc(1 << 20);
    assert_non_null(buf);
    for (size_t i = 0; i < originals; i++) {
        size_t n = c->len[i];
        if (n == 0 || n > (1 << 19)) continue;
        for (int k = 0; k < per_message; k++) {
            seed = seed * 1103515245u + 12345u;
            size_t at = (seed >> 8) % n;
            size_t m = n;
            memcpy(buf, c->msg[i], n);
            switch ((seed >> 4) % 4) {
            case 0:                                        /* change a byte */
            case 1:
                buf[at] = bytes[(seed >> 20) % sizeof bytes];
                break;
            case 2:                                        /* insert two bytes */
                memmove(buf + at + 2, buf + at, n - at);
                buf[at] = bytes[(seed >> 20) % sizeof bytes];
                buf[at + 1] = bytes[(seed >> 24) % sizeof bytes];
                m = n + 2;
                break;
            default:                                       /* cut */
                m = at;
                break;
            }
            corpus_add(c, buf, m);
        }
    }
    free(buf);
}

/* All messages as one RowBinary stream in chunks of at most 100 rows. */
static void corpus_input(const corpus *c, tbuf *in) {
    for (size_t i = 0; i < c->n; i += 100) {
        size_t rows = c->n - i < 100 ? c->n - i : 100;
        char head[32];
        snprintf(head, sizeof head, "%zu\n", rows);
        tb_puts(in, head);
        for (size_t r = 0; r < rows; r++) tb_rb_string(in, c->msg[i + r], c->len[i + r]);
    }
}

static void run_binary(const char *path, const char *const *args, const tbuf *in, udfproc_result *r) {
    const char *argv[64];
    int n = 0;
    argv[n++] = path;
    for (int i = 0; args[i]; i++) argv[n++] = args[i];
    argv[n] = NULL;
    udfproc p;
    memset(r, 0, sizeof(*r));
    assert_int_equal(udfproc_spawn_argv(&p, argv), 0);
    assert_int_not_equal(udfproc_pump(&p, in->p, in->n, 1, r), UDFPROC_HUNG);
    udfproc_finish(&p, r);
    assert_int_equal(udfproc_code(r), 0);
}

/* The first message on which the two answers differ, run alone. */
static void report_first_difference(const corpus *c, const char *fast, const char *const *args) {
    for (size_t i = 0; i < c->n; i++) {
        corpus one = {0};
        corpus_add(&one, c->msg[i], c->len[i]);
        tbuf in = {0};
        corpus_input(&one, &in);
        udfproc_result rf, rs;
        run_binary(fast, args, &in, &rf);
        run_binary(PE_SLOW_BINARY, args, &in, &rs);
        int same = rf.out.n == rs.out.n && memcmp(rf.out.p, rs.out.p, rf.out.n) == 0;
        udfproc_result_free(&rf);
        udfproc_result_free(&rs);
        tb_free(&in);
        if (!same) {
            print_error("message %zu (%zu bytes) answered differently: %.*s\n", i, c->len[i],
                        (int)(c->len[i] > 300 ? 300 : c->len[i]), one.msg[0]);
            corpus_free(&one);
            return;
        }
        corpus_free(&one);
    }
}

static void test_fast_equals_slow(void **state) {
    (void)state;
    static const char *const field_lists[][40] = {
        /* experiment_event, as shipped */
        {"--format", "RowBinary", "--chunked", "--path", "after.payload", "--field", "id:String", "--field",
         "experiment_id:UInt32", "--field", "user_id:String", "--field", "variant_id:UInt32", "--field",
         "variant_key:String", "--field", "event_type:String", "--field", "timestamp:DateTime64(6)", "--field",
         "assignment_at:Nullable(DateTime64(6))", "--field", "properties:String", "--field", "session_id:String",
         "--field", "op:String=$.op", "--field", "aggregate_id:String=$.after.aggregate_id", NULL},
        /* campaign_event, as shipped (fields at the event's top level) */
        {"--format", "RowBinary", "--chunked", "--field", "campaign_id:String", "--field", "workspace_id:String",
         "--field", "email:String", "--field", "event_type:String", "--field", "event_time:Nullable(DateTime64(3))",
         "--field", "metadata:String", NULL},
        /* deeper paths, a path into the payload from the root, numbers */
        {"--format", "RowBinary", "--chunked", "--path", "after", "--field", "page:String=payload.properties.page",
         "--field", "uid:Nullable(String)=payload.user_id", "--field", "lsn:UInt64=$.source.lsn", "--field",
         "id:Nullable(Int64)", "--field", "ts:Nullable(DateTime64(3))=$.ts_ms", NULL},
        /* two fields of the payload only */
        {"--format", "RowBinary", "--chunked", "--path", "after.payload", "--field", "id:String", "--field",
         "user_id:String", NULL},
    };
    corpus c = {0};
    corpus_fixtures(&c, FIXTURES_DIR "/debezium/plain");
    corpus_fixtures(&c, FIXTURES_DIR "/debezium/with-schema");
    corpus_payloads(&c);
    size_t base = c.n;
    corpus_mutate(&c, 40);
    print_message("%zu messages (%zu before mutation)\n", c.n, base);
    tbuf in = {0};
    corpus_input(&c, &in);
    char fast[1024];
    snprintf(fast, sizeof fast, "%s/payload_extract", udfproc_dir());
    for (size_t k = 0; k < sizeof field_lists / sizeof *field_lists; k++) {
        udfproc_result rf, rs;
        run_binary(fast, field_lists[k], &in, &rf);
        run_binary(PE_SLOW_BINARY, field_lists[k], &in, &rs);
        int same = rf.out.n == rs.out.n && memcmp(rf.out.p, rs.out.p, rf.out.n) == 0;
        if (!same) {
            report_first_difference(&c, fast, field_lists[k]);
            fail_msg("field list %zu: fast and slow answers differ (%zu vs %zu bytes)", k, rf.out.n, rs.out.n);
        }
        udfproc_result_free(&rf);
        udfproc_result_free(&rs);
    }
    tb_free(&in);
    corpus_free(&c);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_fast_equals_slow),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
