/* test_debezium_typed.c — debezium_typed, in process: every captured
 * message against the columns debezium_ddl declares for its table, values
 * a declared type cannot hold going to `extra` (never clamped), each kind
 * of schema change with its exact ALTER and backfill clauses, TOAST, and
 * the error rows. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "bytes.h"
#include "ddl.h"
#include "fnrun.h"

#ifndef FIXTURES_DIR
#define FIXTURES_DIR "tests/fixtures"
#endif

/* ---------------------------------------------------------------- running it */

/* One answer, decoded from RowBinary; the change arrays joined as
 * "column|change|alter|backfill\n" lines, unavailable as "a,b". */
typedef struct answer {
    char *op, *row, *extra, *schema, *table, *error;
    uint64_t version;
    int is_deleted;
    int64_t ts;
    tbuf changes, unavailable;
} answer;

static char *rb_str(tcursor *c) {
    size_t n;
    const char *s = tc_rb_string(c, &n);
    assert_true(c->ok);
    return strndup(s, n);
}

static void rb_strings(tcursor *c, char **out, uint64_t *n) {
    *n = tc_leb128(c);
    for (uint64_t i = 0; i < *n && i < 64; i++) out[i] = rb_str(c);
}

static void decode_answer(const fn_runner *r, answer *a) {
    tcursor c = tc_of(r->cap.data, r->cap.len);
    memset(a, 0, sizeof(*a));
    a->op = rb_str(&c), a->row = rb_str(&c), a->extra = rb_str(&c);
    a->version = tc_le(&c, 8);
    a->is_deleted = (int)tc_le(&c, 1);
    a->schema = rb_str(&c), a->table = rb_str(&c);
    a->ts = (int64_t)tc_le(&c, 8);
    char *parts[4][64];
    uint64_t n[4];
    for (int k = 0; k < 4; k++) rb_strings(&c, parts[k], &n[k]);
    for (int k = 1; k < 4; k++) assert_int_equal(n[k], n[0]);
    for (uint64_t i = 0; i < n[0]; i++) {
        tb_printf(&a->changes, "%s|%s|%s|%s\n", parts[0][i], parts[1][i], parts[2][i], parts[3][i]);
        for (int k = 0; k < 4; k++) free(parts[k][i]);
    }
    char *u[64];
    uint64_t nu;
    rb_strings(&c, u, &nu);
    for (uint64_t i = 0; i < nu; i++) {
        tb_printf(&a->unavailable, "%s%s", i ? "," : "", u[i]);
        free(u[i]);
    }
    a->error = rb_str(&c);
    assert_true(c.ok && c.p == c.end);
    if (!a->changes.p) tb_puts(&a->changes, "");
    if (!a->unavailable.p) tb_puts(&a->unavailable, "");
}

static void answer_free(answer *a) {
    free(a->op), free(a->row), free(a->extra), free(a->schema), free(a->table), free(a->error);
    tb_free(&a->changes);
    tb_free(&a->unavailable);
}

static fn_runner runner;
static arena scratch;

static int setup(void **state) {
    (void)state;
    static const char *const none[] = {NULL};
    fn_open(&runner, &debezium_typed_udf, debezium_typed_udf.self, none);
    arena_init(&scratch);
    return 0;
}

static int teardown(void **state) {
    (void)state;
    fn_close(&runner);
    arena_free(&scratch);
    return 0;
}

static void typed(const char *msg, size_t n, const char *columns, answer *out) {
    udf_value args[2] = {{0, msg, n, 0}, {0, columns, strlen(columns), 0}};
    fn_answer_args(&runner, args, &scratch);
    decode_answer(&runner, out);
}

static void typed_msg(const char *fields, const char *before, const char *after, char op, const char *columns,
                      answer *out) {
    char *m = fixture_message(fields, before, after, op, "\"t\"", 100);
    typed(m, strlen(m), columns, out);
    free(m);
}

#define COL(type, name) "{\"type\":\"" type "\",\"optional\":false,\"field\":\"" name "\"}"
#define OPT(type, name) "{\"type\":\"" type "\",\"optional\":true,\"field\":\"" name "\"}"

/* ---------------------------------------------------------------- the fixtures */

typedef struct table_run {
    const char *table;
    char *columns;           /* debezium_ddl's, from the table's first message */
    int rows, tombstones, with_extra, with_changes, with_unavailable;
    tbuf extras;             /* every non-empty extra, one a line */
} table_run;

static void columns_from_ddl(void *ctx, const fixture_record *r) {
    table_run *t = ctx;
    if (t->columns || r->tombstone) return;
    ddl_options o;
    ddl_result res;
    arena a;
    ddl_options_init(&o);
    ddl_result_init(&res);
    arena_init(&a);
    ddl_generate(&o, r->key, r->key_len, r->value, r->value_len, &a, &res);
    assert_string_equal(res.error, "");
    t->columns = strndup(res.columns.p, res.columns.len);
    ddl_result_free(&res);
    arena_free(&a);
}

static void run_record(void *ctx, const fixture_record *r) {
    table_run *t = ctx;
    answer a;
    typed(r->value, r->value_len, t->columns, &a);
    if (a.error[0]) fail_msg("%s: %s", t->table, a.error);
    if (r->tombstone) {
        assert_string_equal(a.op, "");
        assert_int_equal(a.is_deleted, 1);
        assert_string_equal(a.row, "");
        t->tombstones++;
    } else {
        assert_true(strchr("crud", a.op[0]) != NULL);
        assert_true(a.row[0] == '{');
        assert_string_equal(a.table, t->table);
        assert_string_equal(a.schema, "public");
        assert_true(a.version > 0);
        assert_int_equal(a.is_deleted, a.op[0] == 'd');
        t->rows++;
    }
    if (a.extra[0]) t->with_extra++, tb_printf(&t->extras, "%s\n", a.extra);
    if (a.changes.n) t->with_changes++;
    if (a.unavailable.n) t->with_unavailable++;
    answer_free(&a);
}

static void test_fixtures(void **state) {
    (void)state;
    static const struct {
        const char *table;
        int extra, changes, unavailable;
        const char *extras;
    } want[] = {
        {"advertiser", 0, 0, 0, NULL},
        {"assignments", 0, 0, 0, NULL},
        {"campaign", 0, 0, 0, NULL},
        {"clicks", 0, 0, 0, NULL},
        /* session_id came with an ALTER TABLE ADD COLUMN in the workload: the column is added */
        {"events", 2, 2, 0, "{\"session_id\":\"sess-9\"}\n{\"session_id\":\"sess-1\"}\n"},
        {"impressions", 0, 0, 0, NULL},
        {"outbox_events", 0, 0, 0, NULL},
        /* id 3's null array (insert, delete); 9999-12-31 is past Date32; big_text was TOASTed and unchanged */
        {"type_zoo", 3, 0, 1, "{\"tags\":null}\n{\"d\":\"9999-12-31\"}\n{\"tags\":null}\n"},
    };
    for (size_t i = 0; i < sizeof(want) / sizeof(want[0]); i++) {
        table_run t = {want[i].table, NULL, 0, 0, 0, 0, 0, {0}};
        char path[1024];
        snprintf(path, sizeof(path), "%s/debezium/with-schema/dbz.public.%s.jsonl", FIXTURES_DIR, t.table);
        fixture_records(path, columns_from_ddl, &t);
        fixture_records(path, run_record, &t);
        assert_true(t.rows > 0);
        if (t.with_extra != want[i].extra || t.with_changes != want[i].changes ||
            t.with_unavailable != want[i].unavailable)
            fail_msg("%s: %d extra, %d with changes, %d with unavailable\n%s", t.table, t.with_extra, t.with_changes,
                     t.with_unavailable, t.extras.p ? t.extras.p : "");
        if (want[i].extras) assert_string_equal(t.extras.p, want[i].extras);
        free(t.columns);
        tb_free(&t.extras);
    }
}

typedef struct rows_ctx {
    tbuf *rows;
    const char *columns;
} rows_ctx;

static void collect_rows(void *c, const fixture_record *r) {
    rows_ctx *ctx = c;
    answer a;
    typed(r->value, r->value_len, ctx->columns, &a);
    if (a.row[0]) tb_printf(ctx->rows, "%s\n", a.row);
    answer_free(&a);
}

/* The rows of type_zoo, exactly. */
static void test_type_zoo_rows(void **state) {
    (void)state;
    table_run t = {"type_zoo", NULL, 0, 0, 0, 0, 0, {0}};
    char path[1024];
    snprintf(path, sizeof(path), "%s/debezium/with-schema/dbz.public.type_zoo.jsonl", FIXTURES_DIR);
    fixture_records(path, columns_from_ddl, &t);
    tbuf rows = {0};
    rows_ctx ctx = {&rows, t.columns};
    fixture_records(path, collect_rows, &ctx);
    static const char want[] =
        "{\"id\":1,\"num_fixed\":\"1234.5678\",\"num_free\":\"3.14159265358979323846264338327950288\","
        "\"ts\":\"2024-05-06 07:08:09.123456\",\"ts_tz\":\"2024-05-06 05:08:09.123456\",\"d\":\"2024-05-06\","
        "\"t\":\"07:08:09.123456\",\"doc\":\"{\\\"a\\\": 1, \\\"b\\\": [true, null, 2.5], \\\"c\\\": {\\\"d\\\": \\\"e\\\"}}\","
        "\"uid\":\"a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11\",\"flag\":true,\"tags\":[\"red\",\"green\"],\"mood\":\"happy\","
        "\"small\":1,\"big\":9007199254740993,\"dbl\":0.1,\"bytes\":\"3q2+7wA=\",\"span\":93784500000,\"big_text\":";
    assert_true(!strncmp(rows.p, want, sizeof(want) - 1));
    /* id 5: every extreme but the date held; the date in extra */
    const char *five = strstr(rows.p, "{\"id\":5,");
    assert_non_null(five);
    static const char want5[] =
        "{\"id\":5,\"num_fixed\":\"99999999.9999\",\"num_free\":\"0.00000000000000000001\","
        "\"ts\":\"2038-01-19 03:14:08.000000\",\"ts_tz\":\"2262-04-11 23:47:16.854775\","
        "\"t\":\"12:00:00.000000\",";
    assert_true(!strncmp(five, want5, sizeof(want5) - 1));
    assert_non_null(strstr(five, "\"dbl\":\"Infinity\",\"bytes\":\"AQL/\",\"span\":2802600000001,\"big_text\":\"short text, stored inline\"}"));
    /* id 2: NaN, -32768, the smallest Int64, a null inside an array */
    assert_non_null(strstr(rows.p, "\"tags\":[\"with,comma\",\"with \\\"quote\\\"\",null,\"\"],\"mood\":\"sad\",\"small\":-32768,"
                                   "\"big\":-9223372036854775808,\"dbl\":\"NaN\",\"bytes\":\"\""));
    /* id 3: all null */
    assert_non_null(strstr(rows.p, "{\"id\":3,\"num_fixed\":null,\"num_free\":null,\"ts\":null,"));
    /* the TOASTed update: big_text left out */
    assert_non_null(strstr(rows.p, "\"span\":93784500000}\n"));
    tb_free(&rows);
    free(t.columns);
}

/* ---------------------------------------------------------------- out of range: extra, never clamped */

static void test_out_of_range(void **state) {
    (void)state;
    answer a;
    /* a timestamp before 1900 */
    typed_msg(COL("int32", "id") ",{\"type\":\"int64\",\"optional\":true,\"name\":\"io.debezium.time.MicroTimestamp\",\"field\":\"ts\"}",
              "null", "{\"id\":1,\"ts\":-2300000000000000}", 'c', "`id` Int32, `ts` Nullable(DateTime64(6, 'UTC'))", &a);
    assert_string_equal(a.error, "");
    assert_string_equal(a.row, "{\"id\":1}");
    assert_string_equal(a.extra, "{\"ts\":\"1897-02-11 15:06:40.000000\"}");
    assert_string_equal(a.changes.p, "");
    answer_free(&a);
    /* an Int64 value in a declared Int32: the type change, and the value in extra */
    typed_msg(COL("int32", "id") "," COL("int64", "n"), "null", "{\"id\":1,\"n\":5000000000}", 'c', "`id` Int32, `n` Int32", &a);
    assert_string_equal(a.row, "{\"id\":1}");
    assert_string_equal(a.extra, "{\"n\":5000000000}");
    assert_string_equal(a.changes.p, "n|type Int32 -> Int64|MODIFY COLUMN `n` Int64|"
                                     "UPDATE `n` = JSONExtract(_extra, 'n', 'Int64') WHERE JSONHas(_extra, 'n')\n");
    answer_free(&a);
    /* the same change with a value the Int32 holds: in row */
    typed_msg(COL("int32", "id") "," COL("int64", "n"), "null", "{\"id\":1,\"n\":7}", 'c', "`id` Int32, `n` Int32", &a);
    assert_string_equal(a.row, "{\"id\":1,\"n\":7}");
    assert_string_equal(a.extra, "");
    assert_non_null(strstr(a.changes.p, "type Int32 -> Int64"));
    answer_free(&a);
    /* a null array: [] in the column, null in extra */
    typed_msg(COL("int32", "id") ",{\"type\":\"array\",\"items\":{\"type\":\"string\",\"optional\":true},\"optional\":true,\"field\":\"tags\"}",
              "null", "{\"id\":1,\"tags\":null}", 'c', "`id` Int32, `tags` Array(Nullable(String))", &a);
    assert_string_equal(a.row, "{\"id\":1}");
    assert_string_equal(a.extra, "{\"tags\":null}");
    answer_free(&a);
}

static void test_date32_first_day(void **state) {
    (void)state;
    answer a;
    typed_msg(COL("int32", "id") ",{\"type\":\"int32\",\"optional\":true,\"name\":\"io.debezium.time.Date\",\"field\":\"d\"}",
              "null", "{\"id\":1,\"d\":-25567}", 'c', "`id` Int32, `d` Nullable(Date32)", &a);
    assert_string_equal(a.row, "{\"id\":1,\"d\":\"1900-01-01\"}");
    answer_free(&a);
    typed_msg(COL("int32", "id") ",{\"type\":\"int32\",\"optional\":true,\"name\":\"io.debezium.time.Date\",\"field\":\"d\"}",
              "null", "{\"id\":1,\"d\":-25568}", 'c', "`id` Int32, `d` Nullable(Date32)", &a);
    assert_string_equal(a.row, "{\"id\":1}");
    assert_string_equal(a.extra, "{\"d\":\"1899-12-31\"}");
    answer_free(&a);
}

/* ---------------------------------------------------------------- schema changes */

static void test_schema_changes(void **state) {
    (void)state;
    answer a;
    /* added */
    typed_msg(COL("int32", "id") "," OPT("string", "note"), "null", "{\"id\":1,\"note\":\"hi\"}", 'c', "`id` Int32", &a);
    assert_string_equal(a.row, "{\"id\":1}");
    assert_string_equal(a.extra, "{\"note\":\"hi\"}");
    assert_string_equal(a.changes.p, "note|added: Nullable(String)|ADD COLUMN IF NOT EXISTS `note` Nullable(String)|"
                                     "UPDATE `note` = JSONExtract(_extra, 'note', 'Nullable(String)') WHERE JSONHas(_extra, 'note')\n");
    answer_free(&a);
    /* dropped */
    typed_msg(COL("int32", "id"), "null", "{\"id\":1}", 'c', "`id` Int32, `gone` Nullable(String)", &a);
    assert_string_equal(a.row, "{\"id\":1}");
    assert_string_equal(a.changes.p, "gone|dropped|DROP COLUMN IF EXISTS `gone`|\n");
    answer_free(&a);
    /* Enum label list changed */
    typed_msg(COL("int32", "id") ",{\"type\":\"string\",\"optional\":true,\"name\":\"io.debezium.data.Enum\","
              "\"parameters\":{\"allowed\":\"sad,ok,happy\"},\"field\":\"mood\"}",
              "null", "{\"id\":1,\"mood\":\"happy\"}", 'c', "`id` Int32, `mood` Nullable(Enum8('sad' = 1, 'ok' = 2))", &a);
    assert_string_equal(a.row, "{\"id\":1}");
    assert_string_equal(a.extra, "{\"mood\":\"happy\"}");
    assert_string_equal(a.changes.p,
        "mood|type Nullable(Enum8('sad' = 1, 'ok' = 2)) -> Nullable(Enum8('sad' = 1, 'ok' = 2, 'happy' = 3))|"
        "MODIFY COLUMN `mood` Nullable(Enum8('sad' = 1, 'ok' = 2, 'happy' = 3))|"
        "UPDATE `mood` = JSONExtract(_extra, 'mood', 'Nullable(Enum8(\\'sad\\' = 1, \\'ok\\' = 2, \\'happy\\' = 3))') "
        "WHERE JSONHas(_extra, 'mood')\n");
    answer_free(&a);
    /* optional changed (NOT NULL dropped) */
    typed_msg(COL("int32", "id") "," OPT("int64", "n"), "null", "{\"id\":1,\"n\":null}", 'c', "`id` Int32, `n` Int64", &a);
    assert_string_equal(a.row, "{\"id\":1}");
    assert_string_equal(a.extra, "{\"n\":null}");
    assert_string_equal(a.changes.p, "n|type Int64 -> Nullable(Int64)|MODIFY COLUMN `n` Nullable(Int64)|"
                                     "UPDATE `n` = JSONExtract(_extra, 'n', 'Nullable(Int64)') WHERE JSONHas(_extra, 'n')\n");
    answer_free(&a);
    /* bytes added: the backfill decodes base64 as the view does */
    typed_msg(COL("int32", "id") "," OPT("bytes", "b"), "null", "{\"id\":1,\"b\":\"AQL/\"}", 'c', "`id` Int32", &a);
    assert_string_equal(a.changes.p, "b|added: Nullable(String)|ADD COLUMN IF NOT EXISTS `b` Nullable(String)|"
                                     "UPDATE `b` = base64Decode(JSONExtract(_extra, 'b', 'Nullable(String)')) WHERE JSONHas(_extra, 'b')\n");
    answer_free(&a);
    /* no change: the same types; names that need quoting */
    typed_msg(COL("int32", "my `id`"), "null", "{\"my `id`\":1}", 'c', "`my \\`id\\`` Int32", &a);
    assert_string_equal(a.row, "{\"my `id`\":1}");
    assert_string_equal(a.changes.p, "");
    answer_free(&a);
}

/* A non-Nullable Enum the row cannot fill gets its first label (JSONExtract
 * throws on an empty Enum); the value is in extra and the change reported. */
static void test_enum_not_null(void **state) {
    (void)state;
    answer a;
    typed_msg(COL("int32", "id") ",{\"type\":\"string\",\"optional\":false,\"name\":\"io.debezium.data.Enum\","
              "\"parameters\":{\"allowed\":\"a,b,c\"},\"field\":\"e\"}",
              "null", "{\"id\":1,\"e\":\"c\"}", 'c', "`id` Int32, `e` Enum8('a' = 1, 'b' = 2)", &a);
    assert_string_equal(a.row, "{\"id\":1,\"e\":\"a\"}");
    assert_string_equal(a.extra, "{\"e\":\"c\"}");
    assert_non_null(strstr(a.changes.p, "e|type Enum8('a' = 1, 'b' = 2) -> Enum8('a' = 1, 'b' = 2, 'c' = 3)|"));
    answer_free(&a);
    /* an error row too: JSONExtract reads its row as well */
    typed("{", 1, "`id` Int32, `e` Enum8('a' = 1, 'b' = 2)", &a);
    assert_string_equal(a.row, "{\"e\":\"a\"}");
    assert_true(a.error[0] != 0);
    answer_free(&a);
}

/* ---------------------------------------------------------------- TOAST */

static void test_toast(void **state) {
    (void)state;
    answer a;
    /* no before image: left out, listed */
    typed_msg(COL("int32", "id") "," OPT("string", "txt") "," OPT("bytes", "b"), "null",
              "{\"id\":1,\"txt\":\"__debezium_unavailable_value\",\"b\":\"X19kZWJleml1bV91bmF2YWlsYWJsZV92YWx1ZQ==\"}", 'u',
              "`id` Int32, `txt` Nullable(String), `b` Nullable(String)", &a);
    assert_string_equal(a.row, "{\"id\":1}");
    assert_string_equal(a.unavailable.p, "txt,b");
    assert_string_equal(a.extra, "");
    assert_string_equal(a.changes.p, "");
    answer_free(&a);
    /* REPLICA IDENTITY FULL: the before image holds the value */
    typed_msg(COL("int32", "id") "," OPT("string", "txt"), "{\"id\":1,\"txt\":\"the real one\"}",
              "{\"id\":1,\"txt\":\"__debezium_unavailable_value\"}", 'u', "`id` Int32, `txt` Nullable(String)", &a);
    assert_string_equal(a.row, "{\"id\":1,\"txt\":\"the real one\"}");
    assert_string_equal(a.unavailable.p, "");
    answer_free(&a);
    /* an image repeating a TOASTed member: each listed */
    typed_msg(COL("int32", "id") "," OPT("string", "t"), "null",
              "{\"id\":1,\"t\":\"__debezium_unavailable_value\",\"t\":\"__debezium_unavailable_value\","
              "\"t\":\"__debezium_unavailable_value\"}", 'u', "`id` Int32, `t` Nullable(String)", &a);
    assert_string_equal(a.unavailable.p, "t,t,t");
    answer_free(&a);
    /* a delete's row is its before image */
    typed_msg(COL("int32", "id") "," OPT("string", "txt"), "{\"id\":1,\"txt\":\"x\"}", "null", 'd', "`id` Int32, `txt` Nullable(String)", &a);
    assert_string_equal(a.op, "d");
    assert_int_equal(a.is_deleted, 1);
    assert_string_equal(a.row, "{\"id\":1,\"txt\":\"x\"}");
    answer_free(&a);
}

/* ---------------------------------------------------------------- errors and other events */

static void test_errors(void **state) {
    (void)state;
    answer a;
    static const char plain[] = "{\"before\":null,\"after\":{\"id\":1},\"op\":\"c\",\"source\":{\"table\":\"t\"}}";
    typed(plain, sizeof(plain) - 1, "`id` Int32", &a);
    assert_non_null(strstr(a.error, "value.converter.schemas.enable=true"));
    assert_string_equal(a.row, "");
    assert_string_equal(a.op, "");
    answer_free(&a);
    typed("{\"op\":\"c\",", 10, "`id` Int32", &a);
    assert_non_null(strstr(a.error, "invalid JSON"));
    answer_free(&a);
    char *m = fixture_message(COL("int32", "id"), "null", "{\"id\":1}", 'c', "\"t\"", 100);
    typed(m, strlen(m), "`id` Int32,", &a);   /* a trailing comma is fine */
    assert_string_equal(a.error, "");
    answer_free(&a);
    typed(m, strlen(m), "`id` Int33", &a);
    assert_non_null(strstr(a.error, "columns: cannot read a column at byte"));
    assert_string_equal(a.row, "");
    answer_free(&a);
    typed(m, strlen(m), "`id` Int32", &a);   /* the cache follows the argument */
    assert_string_equal(a.error, "");
    assert_string_equal(a.row, "{\"id\":1}");
    assert_string_equal(a.op, "c");
    assert_string_equal(a.table, "t");
    assert_int_equal(a.ts, 1700000000123);
    answer_free(&a);
    free(m);
    /* tombstones: a delete marker, no error */
    typed("", 0, "`id` Int32", &a);
    assert_string_equal(a.error, "");
    assert_int_equal(a.is_deleted, 1);
    assert_string_equal(a.op, "");
    answer_free(&a);
    /* a truncate: op t, no row */
    static const char trunc[] = "{\"schema\":{\"type\":\"struct\",\"fields\":[]},\"payload\":{\"before\":null,\"after\":null,"
                                "\"source\":{\"schema\":\"public\",\"table\":\"t\",\"lsn\":5},\"op\":\"t\",\"ts_ms\":1}}";
    typed(trunc, sizeof(trunc) - 1, "`id` Int32", &a);
    assert_string_equal(a.error, "");
    assert_string_equal(a.op, "t");
    assert_string_equal(a.row, "");
    assert_true(a.version > 0);
    answer_free(&a);
    /* a schema that describes no row, after one that did (the schema cache follows the bytes) */
    static const char no_row[] = "{\"schema\":{\"type\":\"struct\",\"fields\":[{\"type\":\"string\",\"field\":\"op\"}]},"
                                 "\"payload\":{\"after\":{\"id\":1},\"source\":{\"table\":\"t\"},\"op\":\"c\"}}";
    typed(no_row, sizeof(no_row) - 1, "`id` Int32", &a);
    assert_non_null(strstr(a.error, "no \"after\" or \"before\" struct"));
    answer_free(&a);
    typed(no_row, sizeof(no_row) - 1, "`id` Int32", &a);   /* cached, the same answer */
    assert_non_null(strstr(a.error, "no \"after\" or \"before\" struct"));
    answer_free(&a);
    /* a heartbeat, transaction metadata: not changes */
    typed("{\"ts_ms\":1700000000000}", 23, "`id` Int32", &a);
    assert_non_null(strstr(a.error, "heartbeat"));
    answer_free(&a);
    /* a create without its after image */
    m = fixture_message(COL("int32", "id"), "null", "null", 'c', "\"t\"", 100);
    typed(m, strlen(m), "`id` Int32", &a);
    assert_non_null(strstr(a.error, "without an \"after\" object"));
    answer_free(&a);
    free(m);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_fixtures),
        cmocka_unit_test(test_type_zoo_rows),
        cmocka_unit_test(test_out_of_range),
        cmocka_unit_test(test_date32_first_day),
        cmocka_unit_test(test_schema_changes),
        cmocka_unit_test(test_enum_not_null),
        cmocka_unit_test(test_toast),
        cmocka_unit_test(test_errors),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
