/* test_ddl.c — unit tests for udf/ddl.c, debezium_ddl's statements.
 *
 * The type_zoo message's statements are compared byte for byte with
 * tests/fixtures/ddl/type_zoo.sql (the in-ClickHouse test,
 * tests/integration/test_debezium_ddl.c, runs them); every other fixture
 * table must generate; hand-written messages pin the names (metadata
 * columns that collide with source columns, identifiers any PostgreSQL
 * name can be), the options, and each error. */
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
#include "files.h"
#include "fnrun.h"

#ifndef FIXTURES_DIR
#define FIXTURES_DIR "tests/fixtures"
#endif

/* ---------------------------------------------------------------- helpers */

typedef struct gen {
    ddl_options o;
    ddl_result r;
    arena a;
    char *table, *view, *columns;   /* NUL-terminated copies */
} gen;

/* Generate with options (NULL-terminated "--x=y" list). */
static void generate(gen *g, const char *const *opts, const char *key, const char *msg) {
    char why[256];
    memset(g, 0, sizeof(*g));
    ddl_options_init(&g->o);
    for (int i = 0; opts && opts[i]; i++)
        if (ddl_option(opts[i], &g->o, why, sizeof(why)) != 1) fail_msg("%s: %s", opts[i], why);
    ddl_result_init(&g->r);
    arena_init(&g->a);
    ddl_generate(&g->o, key, strlen(key), msg, strlen(msg), &g->a, &g->r);
    g->table = strndup(g->r.create_table.len ? g->r.create_table.p : "", g->r.create_table.len);
    g->view = strndup(g->r.create_view.len ? g->r.create_view.p : "", g->r.create_view.len);
    g->columns = strndup(g->r.columns.len ? g->r.columns.p : "", g->r.columns.len);
}

static void gen_free(gen *g) {
    free(g->table), free(g->view), free(g->columns);
    ddl_result_free(&g->r);
    arena_free(&g->a);
}

static void has(const char *text, const char *part) {
    if (!strstr(text, part)) fail_msg("missing: %s\nin: %.3000s", part, text);
}

static void fails_with(const char *const *opts, const char *key, const char *msg, const char *why) {
    gen g;
    generate(&g, opts, key, msg);
    if (!strstr(g.r.error, why)) fail_msg("error '%s' lacks '%s'", g.r.error, why);
    assert_string_equal(g.table, "");
    assert_string_equal(g.view, "");
    assert_string_equal(g.columns, "");
    gen_free(&g);
}

/* A create of public.<table> (a JSON string) whose row struct is `fields`. */
static char *message(const char *fields, const char *after, const char *table) {
    return fixture_message(fields, "null", after, 'c', table, 100);
}

#define COL(type, name) "{\"type\":\"" type "\",\"optional\":false,\"field\":\"" name "\"}"

/* ---------------------------------------------------------------- fixtures */

static void test_type_zoo_exact(void **state) {
    (void)state;
    fixture_change f = fixture_first_change(FIXTURES_DIR, "type_zoo");
    gen g;
    generate(&g, NULL, f.key, f.value);
    assert_string_equal(g.r.error, "");
    char path[1024];
    snprintf(path, sizeof(path), "%s/ddl/type_zoo.sql", FIXTURES_DIR);
    char *want = tfile_read(path, NULL);
    assert_non_null(want);
    /* the file: a comment line, "-- create_table", the text and ";", "-- create_view", the text and ";" */
    tbuf got = {0};
    tb_printf(&got, "-- debezium_ddl of the first type_zoo message (tests/unit/test_ddl.c checks it byte for byte)\n"
                    "-- create_table\n%s;\n-- create_view\n%s;\n", g.table, g.view);
    if (strcmp(got.p, want)) {
        size_t i = 0;
        while (got.p[i] && got.p[i] == want[i]) i++;
        fail_msg("type_zoo's statements differ from %s at byte %zu:\n got: %.200s\nwant: %.200s", path, i, got.p + i, want + i);
    }
    /* columns: what the Tuple holds and the view passes to debezium_typed */
    has(g.view, g.columns);
    assert_true(!strncmp(g.columns, "`id` Int32, `num_fixed` Nullable(Decimal(12, 4)), ", 50));
    tb_free(&got);
    free(want);
    gen_free(&g);
    free(f.key);
    free(f.value);
}

static void test_every_fixture_table(void **state) {
    (void)state;
    static const char *const tables[] = {"advertiser", "assignments", "campaign", "clicks", "events",
                                         "impressions", "outbox_events", "type_zoo"};
    for (size_t i = 0; i < sizeof(tables) / sizeof(tables[0]); i++) {
        fixture_change f = fixture_first_change(FIXTURES_DIR, tables[i]);
        gen g;
        generate(&g, NULL, f.key, f.value);
        if (g.r.error[0]) fail_msg("%s: %s", tables[i], g.r.error);
        char want[256];
        snprintf(want, sizeof(want), "CREATE TABLE IF NOT EXISTS `%s` (`id` ", tables[i]);
        assert_true(!strncmp(g.table, want, strlen(want)));
        has(g.table, "ENGINE = ReplacingMergeTree(`version`, `is_deleted`) ORDER BY (`id`);\n");
        snprintf(want, sizeof(want), "FROM `%s_kafka` AS `__k`;\nALTER TABLE `%s_kafka_mv` MODIFY QUERY ", tables[i], tables[i]);
        has(g.view, want);
        gen_free(&g);
        free(f.key);
        free(f.value);
    }
}

/* ---------------------------------------------------------------- names */

/* Source columns named like our metadata: ours get '_' prefixes until unique. */
static void test_metadata_collisions(void **state) {
    (void)state;
    char *msg = message(COL("int32", "id") "," COL("int64", "version") "," COL("string", "_version") ","
                        COL("string", "op") "," COL("string", "_key") "," COL("string", "__d") ","
                        COL("string", "message"),
                        "{\"id\":1,\"version\":2,\"_version\":\"v\",\"op\":\"x\",\"_key\":\"k\",\"__d\":\"d\",\"message\":\"m\"}",
                        "\"outbox\"");
    gen g;
    generate(&g, NULL, "{\"id\":1}", msg);
    assert_string_equal(g.r.error, "");
    has(g.table, "(`id` Int32, `version` Int64, `_version` String, `op` String, `_key` String, `__d` String, "
                 "`message` String, `__version` UInt64, `is_deleted` UInt8, `_op` LowCardinality(String), ");
    has(g.table, "ReplacingMergeTree(`__version`, `is_deleted`)");
    has(g.view, "FINAL WHERE `is_deleted` = 0 AND `__version` > ");
    has(g.view, "`___d`");
    has(g.view, "tupleElement(`___d`, 'version') AS `__version`");
    has(g.view, "tupleElement(`__r`, 'version') AS `version`");
    has(g.view, "`__k`.`_key` AS `__key`");
    has(g.view, "`__k`.`message` AS `_message`");
    has(g.view, "`_op` IN ('c', 'r', 'u', 'd')");
    has(g.view, "if(tupleElement(`__c`, 4) = '', '', concat('ALTER TABLE `outbox` ', tupleElement(`__c`, 4)))");
    gen_free(&g);
    free(msg);
    /* a source column `_extra`: the backfills read ours under its name */
    msg = message(COL("int32", "id") "," COL("string", "_extra"), "{\"id\":1,\"_extra\":\"x\"}", "\"t\"");
    generate(&g, NULL, "{\"id\":1}", msg);
    has(g.table, "`_extra` String, `version` UInt64, `is_deleted` UInt8, `op` LowCardinality(String), "
                 "`source_ts_ms` DateTime64(3, 'UTC'), `__extra` String, ");
    has(g.view, "concat('ALTER TABLE `t` ', replaceAll(tupleElement(`__c`, 4), '(_extra, ', '(`__extra`, '))");
    has(g.view, "tupleElement(`__d`, 'extra') AS `__extra`");
    gen_free(&g);
    free(msg);
}

/* Any PostgreSQL identifier: backquote, backslash, spaces, unicode, quotes. */
static void test_identifier_quoting(void **state) {
    (void)state;
    char *msg = message(COL("int32", "my `id`") "," COL("string", "back\\\\slash") "," COL("string", "ünï 列 'q'"),
                        "{\"my `id`\":1,\"back\\\\slash\":\"b\",\"ünï 列 'q'\":\"u\"}", "\"we`ird\\\\ tab ü\"");
    gen g;
    generate(&g, NULL, "{\"my `id`\":1}", msg);
    assert_string_equal(g.r.error, "");
    has(g.table, "CREATE TABLE IF NOT EXISTS `we\\`ird\\\\ tab ü` (`my \\`id\\`` Int32, `back\\\\slash` String, "
                 "`ünï 列 'q'` String, ");
    has(g.table, "ORDER BY (`my \\`id\\``)");
    has(g.view, "`table` = 'we`ird\\\\ tab ü')");
    assert_string_equal(g.columns, "`my \\`id\\`` Int32, `back\\\\slash` String, `ünï 列 'q'` String");
    has(g.view, "tupleElement(`__r`, 'ünï 列 \\'q\\'') AS `ünï 列 'q'`");
    has(g.view, "'`my \\\\`id\\\\`` Int32, `back\\\\\\\\slash` String, `ünï 列 \\'q\\'` String'");
    has(g.view, "concat('ALTER TABLE `we\\\\`ird\\\\\\\\ tab ü` ', ");
    has(g.view, "FROM `we\\`ird\\\\ tab ü_kafka` AS `__k`");
    gen_free(&g);
    free(msg);
}

/* ---------------------------------------------------------------- options */

static void test_options(void **state) {
    (void)state;
    char *msg = message(COL("int32", "a") "," COL("int32", "b") ","
                        "{\"type\":\"string\",\"optional\":true,\"name\":\"io.debezium.data.Json\",\"field\":\"j\"},"
                        "{\"type\":\"string\",\"optional\":true,\"name\":\"io.debezium.data.Enum\",\"parameters\":{\"allowed\":\"x,y\"},\"field\":\"e\"}",
                        "{\"a\":1,\"b\":2,\"j\":null,\"e\":null}", "\"t\"");
    const char *const opts[] = {"--database=db", "--table={schema}_{table}", "--kafka-table=k_{table}", "--order-by= b , a ",
                                "--json-type=JSON", "--enum-type=LowCardinality", NULL};
    gen g;
    generate(&g, opts, "", msg);
    assert_string_equal(g.r.error, "");
    has(g.table, "CREATE TABLE IF NOT EXISTS `db`.`public_t` (`a` Int32, `b` Int32, `j` JSON, `e` LowCardinality(Nullable(String)), ");
    has(g.table, "ORDER BY (`b`, `a`)");
    has(g.table, "CREATE TABLE IF NOT EXISTS `db`.`schema_changes` ");
    has(g.table, "CREATE TABLE IF NOT EXISTS `db`.`dbz_dead_letters` ");
    has(g.view, "CREATE OR REPLACE VIEW `db`.`public_t_current` AS SELECT * FROM `db`.`public_t` FINAL ");
    has(g.view, "FROM `db`.`k_t` AS `__k`");
    has(g.view, "SELECT 'db' AS `database`, 'public_t' AS `table`");
    has(g.view, "CREATE MATERIALIZED VIEW IF NOT EXISTS `db`.`public_t_mv` TO `db`.`public_t` AS ");
    gen_free(&g);
    /* the defaults: Enum8 and String */
    generate(&g, NULL, "{\"a\":1}", msg);
    has(g.columns, "`j` Nullable(String), `e` Nullable(Enum8('x' = 1, 'y' = 2))");
    gen_free(&g);
    free(msg);

    ddl_options o;
    char why[128];
    ddl_options_init(&o);
    assert_int_equal(ddl_option("--json-type=XML", &o, why, sizeof(why)), -1);
    has(why, "not String or JSON");
    assert_int_equal(ddl_option("--enum-type=Set", &o, why, sizeof(why)), -1);
    assert_int_equal(ddl_option("--table=", &o, why, sizeof(why)), -1);
    assert_int_equal(ddl_option("--tables=x", &o, why, sizeof(why)), 0);
    assert_int_equal(ddl_option("--order-by=", &o, why, sizeof(why)), 1);
    assert_null(o.order_by);
}

/* ---------------------------------------------------------------- errors */

static void test_errors(void **state) {
    (void)state;
    char *msg = message(COL("int32", "id"), "{\"id\":1}", "\"t\"");
    fails_with(NULL, "", msg, "a table without a primary key?): give the key columns with --order-by=a,b");
    fails_with(NULL, "null", msg, "--order-by=a,b");
    fails_with(NULL, "[1]", msg, "the record key is not a JSON object");
    fails_with(NULL, "{}", msg, "the record key has no members");
    fails_with(NULL, "{\"nope\":1}", msg, "key column \"nope\" is not a field of the row");
    const char *const order[] = {"--order-by=nope", NULL};
    fails_with(order, "{\"id\":1}", msg, "key column \"nope\" is not a field of the row");
    const char *const empty_order[] = {"--order-by=,", NULL};
    fails_with(empty_order, "{\"id\":1}", msg, "--order-by names no column");
    fails_with(NULL, "{\"id\":1}", "{\"before\":null,\"after\":{\"id\":1},\"op\":\"c\",\"source\":{\"table\":\"t\"}}",
               "value.converter.schemas.enable=true");
    fails_with(NULL, "{\"id\":1}", "", "a tombstone carries no schema");
    fails_with(NULL, "{\"id\":1}", "{\"schema\":null,\"payload\":null}", "a tombstone carries no schema");
    fails_with(NULL, "{\"id\":1}", "{\"op\":\"c\",", "invalid JSON");
    fails_with(NULL, "{\"id\":1}", "{\"status\":\"BEGIN\",\"id\":\"571:53195829\",\"event_count\":null}", "transaction");
    fails_with(NULL, "{\"id\":1}", "{\"ts_ms\":1700000000000}", "heartbeat");
    char *no_table = message(COL("int32", "id"), "{\"id\":1}", "\"\"");
    fails_with(NULL, "{\"id\":1}", no_table, "names no table");
    char *no_fields = message("", "{}", "\"t\"");
    fails_with(NULL, "{\"id\":1}", no_fields, "no fields");
    free(no_fields);
    free(no_table);
    free(msg);
    /* the key's own schema envelope: its payload's members */
    msg = message(COL("int32", "a") "," COL("int32", "b"), "{\"a\":1,\"b\":2}", "\"t\"");
    gen g;
    generate(&g, NULL, "{\"schema\":{\"type\":\"struct\"},\"payload\":{\"b\":2,\"a\":1}}", msg);
    assert_string_equal(g.r.error, "");
    has(g.table, "ORDER BY (`b`, `a`)");
    gen_free(&g);
    free(msg);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_type_zoo_exact),
        cmocka_unit_test(test_every_fixture_table),
        cmocka_unit_test(test_metadata_collisions),
        cmocka_unit_test(test_identifier_quoting),
        cmocka_unit_test(test_options),
        cmocka_unit_test(test_errors),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
