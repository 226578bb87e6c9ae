/* test_agreement.c — every function agrees on every message.
 *
 * debezium.h holds the one envelope rule; this test holds the functions to
 * it.  The linked function objects (udf.h) answer every captured message of
 * tests/fixtures/debezium (values and keys; a null value is a tombstone)
 * and the hidden shapes below, and must take the same decision about it:
 *
 *   - the op: debezium_unwrap's `op` column is payload_extract's `$.op`
 *     field (read from the event: the payload of an envelope), with its
 *     fast path and with its lookups only;
 *   - change or not: a change's row image (`--path @row`) is the row
 *     debezium_unwrap keeps, byte for byte when there is no schema to
 *     decode with; a message that is not a change has none;
 *   - delete or tombstone: debezium_unwrap's is_deleted is 1 exactly when
 *     payload_extract sees op 'd' or answers a tombstone (no value, no
 *     error);
 *   - a logical decoding message (op "m") is the record it decodes to for
 *     all of them: op "c" and the content as the row, or, undecodable, op
 *     "m" with no row and the reason in both errors (a message the SMT
 *     leaves alone has no row either, and no error in debezium_unwrap).
 *
 * payload_get and is_valid_after_assignment take no envelope decision:
 * payload_get reads the path it is given from the message as it is. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "extract.h"
#include "fnrun.h"
#include "rowbinary.h"

#ifndef FIXTURES_DIR
#define FIXTURES_DIR "tests/fixtures"
#endif
#define FIXTURES_MIN 100   /* captured values there are; keys come on top */

/* Shapes no connector writes, each decided by the envelope rule alone. */
static const char *const hidden_shapes[] = {
    "{\"schema\":{},\"payload\":{\"op\":\"c\",\"after\":{\"id\":1}},\"source\":{}}",
    "{\"source\":{\"lsn\":5},\"payload\":{\"op\":\"u\",\"after\":{\"id\":2}}}",
    "{\"payload\":{\"op\":\"c\",\"after\":{\"id\":3}},\"op\":\"u\",\"after\":{\"id\":4}}",
    "{\"payload\":{\"op\":\"c\",\"after\":{\"id\":5}},\"x\":1}",
    "{\"payload\":{\"op\":\"c\",\"after\":{\"id\":6}},\"ts_ms\":1}",
    "{\"after\":{\"id\":7},\"payload\":{\"op\":\"d\",\"before\":{\"id\":8}}}",
    "{\"schema\":{},\"payload\":{\"op\":\"d\",\"before\":{\"id\":9}},\"before\":{\"id\":10}}",
    "{\"payload\":{\"op\":\"r\",\"after\":{\"id\":11}},\"schema\":null}",
    "{\"schema\":{},\"payload\":null}",
    "{\"payload\":null,\"source\":{}}",
    "{\"payload\":[],\"op\":\"c\",\"after\":{\"id\":12}}",
    "{\"schema\":{},\"payload\":{\"op\":\"t\"}}",
    "{\"op\":\"d\",\"before\":{\"id\":13},\"payload\":\"x\"}",
    "null",
    "",
    /* logical decoding messages: read by every function as the record
     * DecodeLogicalDecodingMessageContent makes of them (op "c", the content
     * as after), or, where that SMT fails, as op "m" with no row */
    "{\"op\":\"m\",\"ts_ms\":1,\"source\":{\"lsn\":14,\"txId\":3},\"transaction\":null,"
    "\"message\":{\"prefix\":\"p\",\"content\":\"eyJhIjpudWxsLCJiIjpbXSwiYyI6eyJkIjpudWxsfSwiZSI6IngifQ==\"}}",
    "{\"message\":{\"prefix\":\"\",\"content\":\"e30=\"},\"op\":\"m\",\"source\":{\"lsn\":15,\"txId\":null}}",
    "{\"op\":\"m\",\"ts_ms\":1,\"source\":{\"lsn\":16},\"message\":{\"prefix\":\"p\",\"content\":\"aGk=\"}}",
    "{\"op\":\"m\",\"ts_ms\":1,\"message\":{\"prefix\":\"p\",\"content\":null}}",
    "{\"schema\":{\"type\":\"struct\",\"name\":\"io.debezium.connector.postgresql.MessageValue\"},"
    "\"payload\":{\"op\":\"m\",\"ts_ms\":1,\"message\":{\"prefix\":\"p\",\"content\":\"eyJhIjoxfQ==\"}}}",
    "{\"schema\":{\"type\":\"struct\",\"name\":\"other.Value\"},"
    "\"payload\":{\"op\":\"m\",\"ts_ms\":1,\"message\":{\"prefix\":\"p\",\"content\":\"eyJhIjoxfQ==\"}}}",
};

typedef struct messages {
    char **p;
    size_t *n;
    int *plain;            /* no schema envelope: row images compare byte for byte */
    size_t count, cap;
} messages;

static void add(messages *m, const char *s, size_t n, int plain) {
    if (m->count == m->cap) {
        m->cap = m->cap ? 2 * m->cap : 256;
        m->p = realloc(m->p, m->cap * sizeof(*m->p));
        m->n = realloc(m->n, m->cap * sizeof(*m->n));
        m->plain = realloc(m->plain, m->cap * sizeof(*m->plain));
        assert_true(m->p && m->n && m->plain);
    }
    m->p[m->count] = malloc(n ? n : 1);
    assert_non_null(m->p[m->count]);
    if (n) memcpy(m->p[m->count], s, n);
    m->n[m->count] = n;
    m->plain[m->count++] = plain;
}

static messages *adding;
static int adding_plain;

static void add_one(void *ctx, const char *msg, size_t n) {
    (void)ctx;
    add(adding, msg, n, adding_plain);
}

/* Every record's value and key bytes, as the Kafka engine hands them over. */
static size_t add_fixtures(messages *m, const char *sub) {
    adding = m;
    adding_plain = strcmp(sub, "plain") == 0;
    return fixture_each(FIXTURES_DIR, sub, 1, add_one, NULL);
}

/* A function's answer to one message, read back field by field. */
typedef struct runner {
    fn_runner run;
    io_reader in;
} runner;

static void runner_open(runner *r, const udf_function *fn, void *self, const char *const *args) {
    fn_open(&r->run, fn, self, args);
}

static void runner_close(runner *r) {
    fn_close(&r->run);
}

/* Answers one message; its fields are then read with next_string/next_fixed. */
static void runner_answer(runner *r, const char *msg, size_t n, arena *a) {
    fn_answer(&r->run, msg, n, a);
    assert_int_equal(lseek(r->run.cap.fd, 0, SEEK_SET), 0);
    io_reader_init(&r->in, r->run.cap.fd);
    io_mark(&r->in);
}

/* The next String field, NUL-terminated in memory from a (NULL for a Nullable's NULL). */
static char *next_string(runner *r, int nullable, arena *a) {
    size_t off, n;
    if (nullable) {
        unsigned char is_null;
        assert_int_equal(rb_read_fixed(&r->in, &is_null, 1), 1);
        if (is_null) return NULL;
    }
    assert_int_equal(rb_read_string(&r->in, &off, &n), 1);
    return arena_strdup(a, io_at(&r->in, off), n);
}

/* An Array's element count (its strings follow). */
static uint64_t next_leb128(runner *r) {
    uint64_t v = 0;
    assert_int_equal(rb_read_uleb128(&r->in, &v), 1);
    return v;
}

static uint64_t next_fixed(runner *r, size_t bytes) {
    uint64_t v = 0;
    unsigned char b[8];
    assert_int_equal(rb_read_fixed(&r->in, b, bytes), 1);
    for (size_t i = bytes; i-- > 0;) v = v << 8 | b[i];
    return v;
}

static void runner_done(runner *r) {
    assert_int_equal(io_need(&r->in, 1), 0);   /* nothing but the row */
    io_reader_free(&r->in);
}

/* debezium_unwrap's decision about one message. */
typedef struct unwrap_view { char *op, *row, *error; int is_deleted; } unwrap_view;

static void unwrap_read(runner *r, arena *a, unwrap_view *u) {
    u->op = next_string(r, 0, a);
    u->row = next_string(r, 0, a);
    next_string(r, 0, a);                          /* before */
    next_string(r, 0, a);                          /* after */
    u->is_deleted = (int)next_fixed(r, 1);
    next_fixed(r, 8);                              /* version */
    for (int i = 0; i < 3; i++) next_string(r, 0, a);   /* source_db, source_schema, source_table */
    for (int i = 0; i < 3; i++) next_fixed(r, 8);       /* source_lsn, source_tx_id, source_ts_ms */
    next_string(r, 0, a);                          /* snapshot */
    next_fixed(r, 8);                              /* ts_ms */
    for (int i = 0; i < 3; i++)                    /* changed, unchanged, unavailable */
        for (uint64_t e = 0, count = next_leb128(r); e < count; e++) next_string(r, 0, a);
    u->error = next_string(r, 0, a);
    runner_done(r);
}

/* payload_extract --path @row --field op:String=$.op --field row:Nullable(String)= */
typedef struct extract_view { char *op, *row, *error; } extract_view;

static void extract_read(runner *r, arena *a, extract_view *x) {
    x->op = next_string(r, 0, a);
    x->row = next_string(r, 1, a);
    x->error = next_string(r, 0, a);
    runner_done(r);
}

static void agree(const char *msg, size_t n, int plain, const unwrap_view *u, const extract_view *x, const char *which) {
    int change = u->op[0] != 0;
    int extract_tombstone = !x->op[0] && !x->row && !x->error[0];
    int ok = 1;
    const char *what = "";
    if (change && strcmp(u->op, x->op) != 0) ok = 0, what = "op";
    else if (change && u->op[0] != 't' && u->op[0] != 'm' && !x->row) ok = 0, what = "a change's row image";
    else if (u->op[0] == 'm' && (x->row || (u->error[0] && !x->error[0]))) ok = 0, what = "an undecoded message";
    else if (change && plain && x->row && u->row[0] && strcmp(u->row, x->row) != 0) ok = 0, what = "the row image";
    else if (u->is_deleted != (!strcmp(x->op, "d") || extract_tombstone)) ok = 0, what = "delete or tombstone";
    if (!ok)
        fail_msg("%s disagrees with debezium_unwrap on %s for %.*s\n  unwrap: op '%s' row '%.60s' is_deleted %d error '%s'"
                 "\n  extract: op '%s' row '%.60s' error '%s'",
                 which, what, (int)(n > 300 ? 300 : n), msg, u->op, u->row, u->is_deleted, u->error, x->op,
                 x->row ? x->row : "NULL", x->error);
}

static void test_every_function_agrees_on_every_message(void **state) {
    (void)state;
    messages m = {0};
    size_t values = add_fixtures(&m, "plain");
    values += add_fixtures(&m, "with-schema");
    if (values < FIXTURES_MIN) fail_msg("%zu captured messages, expected at least %d", values, FIXTURES_MIN);
    for (size_t i = 0; i < sizeof(hidden_shapes) / sizeof(hidden_shapes[0]); i++)
        add(&m, hidden_shapes[i], strlen(hidden_shapes[i]), 1);

    static const char *const no_args[] = {NULL};
    static const char *const extract_args[] = {"--path", "@row", "--field", "op:String=$.op", "--field",
                                               "row:Nullable(String)=", NULL};
    static const char *const fast_args[] = {"--field", "op:String=$.op", "--field", "row:Nullable(String)=after", NULL};
    static ex_plan lookups, fast;
    lookups.lookups_only = 1;
    runner unwrap, by_row, by_lookups, by_fast;
    runner_open(&unwrap, &debezium_unwrap_udf, debezium_unwrap_udf.self, no_args);
    runner_open(&by_row, &payload_extract_udf, payload_extract_udf.self, extract_args);
    runner_open(&by_lookups, &payload_extract_udf, &lookups, fast_args);
    runner_open(&by_fast, &payload_extract_udf, &fast, fast_args);
    arena a, keep;
    arena_init(&a);
    arena_init(&keep);
    for (size_t i = 0; i < m.count; i++) {
        unwrap_view u;
        extract_view x, xl, xf;
        arena_reset(&keep);
        runner_answer(&unwrap, m.p[i], m.n[i], &a);
        unwrap_read(&unwrap, &keep, &u);
        runner_answer(&by_row, m.p[i], m.n[i], &a);
        extract_read(&by_row, &keep, &x);
        agree(m.p[i], m.n[i], m.plain[i], &u, &x, "payload_extract --path @row");
        /* The event's op and delete decision, by either path of a plan
         * reading from the event: both answer alike (test_fast_slow.c),
         * and here they must also agree with debezium_unwrap. */
        runner_answer(&by_lookups, m.p[i], m.n[i], &a);
        extract_read(&by_lookups, &keep, &xl);
        runner_answer(&by_fast, m.p[i], m.n[i], &a);
        extract_read(&by_fast, &keep, &xf);
        int change = u.op[0] != 0;
        if ((change && (strcmp(u.op, xl.op) || strcmp(u.op, xf.op))) || strcmp(xl.op, xf.op))
            fail_msg("op: debezium_unwrap '%s', payload_extract '%s' (lookups) '%s' (fast) for %.*s", u.op, xl.op, xf.op,
                     (int)(m.n[i] > 300 ? 300 : m.n[i]), m.p[i]);
    }
    /* The fast path took part: most captured changes have an after image. */
    if (fast.fast_rows < values / 4) fail_msg("the fast path answered only %lu of %zu messages", fast.fast_rows, m.count);
    print_message("%zu messages (%zu captured values), %lu answered by the fast path\n", m.count, values, fast.fast_rows);
    runner_close(&unwrap);
    runner_close(&by_row);
    runner_close(&by_lookups);
    runner_close(&by_fast);
    arena_free(&a);
    arena_free(&keep);
    for (size_t i = 0; i < m.count; i++) free(m.p[i]);
    free(m.p);
    free(m.n);
    free(m.plain);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_every_function_agrees_on_every_message),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
