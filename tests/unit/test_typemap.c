/* test_typemap.c — unit tests for udf/typemap.c: every row of the type
 * mapping (udf/README.md), the type text parsed back, identifiers, and the
 * row text of values with the range checks that keep ClickHouse from
 * clamping.
 *
 * The mapping rows come from schemas the real connector wrote, captured in
 * tests/fixtures/debezium/with-schema (the `value` and `key` of each
 * record; type_zoo holds the awkward types).  Rows no fixture has — other
 * integer widths, float32, the millisecond and nanosecond times, Kafka
 * Connect's own logical types, decimals without a usable precision, the
 * options, structs, maps, arrays of other items — use hand-written
 * schemas, marked HAND below. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "debezium.h"
#include "fnrun.h"
#include "typemap.h"

#ifndef FIXTURES_DIR
#define FIXTURES_DIR "tests/fixtures"
#endif

/* ---------------------------------------------------------------- helpers */

/* "`a` T, `b` U" of a message's row schema. */
static char *columns_of_message(const char *msg, const tm_options *o) {
    arena a;
    dbz_event ev;
    tm_column *cols;
    size_t n;
    char why[256];
    buf b;
    arena_init(&a);
    buf_init(&b);
    assert_int_equal(dbz_decode(msg, strlen(msg), &a, &ev), DBZ_CHANGE);
    if (tm_envelope_columns(&ev.schema, o, &a, &cols, &n, why, sizeof(why)) < 0) fail_msg("%s", why);
    tm_format_columns(&b, cols, n);
    buf_putc(&b, 0);
    char *s = strdup(b.p);
    buf_free(&b);
    arena_free(&a);
    return s;
}

/* The type text of one hand-written field schema. */
static char *type_of_field(const char *field, const tm_options *o, int not_null) {
    arena a;
    json_value v;
    json_error e;
    tm_type t;
    char why[128];
    arena_init(&a);
    assert_int_equal(json_open(field, strlen(field), &v, &e), 0);
    assert_int_equal(tm_from_schema(&v, o, not_null, &a, &t, why, sizeof(why)), 0);
    char *s = strndup(t.text, t.text_len);
    arena_free(&a);
    return s;
}

static const tm_options defaults = {0, 0};

static void type_is(const char *field, const tm_options *o, const char *want) {
    char *got = type_of_field(field, o, 0);
    if (strcmp(got, want)) fail_msg("%s\n  maps to %s\n  want    %s", field, got, want);
    free(got);
}

/* ---------------------------------------------------------------- mapping from the fixtures */

static void test_type_zoo_columns(void **state) {
    (void)state;
    fixture_change f = fixture_first_change(FIXTURES_DIR, "type_zoo");
    char *cols = columns_of_message(f.value, &defaults);
    assert_string_equal(cols,
        "`id` Int32, "                                        /* int32, not optional */
        "`num_fixed` Nullable(Decimal(12, 4)), "              /* Decimal, precision 12 scale 4 */
        "`num_free` Nullable(String), "                       /* VariableScaleDecimal: exact text */
        "`ts` Nullable(DateTime64(6, 'UTC')), "               /* MicroTimestamp */
        "`ts_tz` Nullable(DateTime64(6, 'UTC')), "            /* ZonedTimestamp */
        "`d` Nullable(Date32), "                              /* io.debezium.time.Date */
        "`t` Nullable(Time64(6)), "                           /* MicroTime */
        "`doc` Nullable(String), "                            /* Json */
        "`uid` Nullable(UUID), "                              /* Uuid */
        "`flag` Nullable(Bool), "                             /* boolean */
        "`tags` Array(Nullable(String)), "                    /* array of optional string: no Nullable(Array) */
        "`mood` Nullable(Enum8('sad' = 1, 'ok' = 2, 'happy' = 3)), "   /* Enum, allowed order */
        "`small` Nullable(Int16), "                           /* int16 */
        "`big` Nullable(Int64), "                             /* int64 */
        "`dbl` Nullable(Float64), "                           /* double */
        "`bytes` Nullable(String), "                          /* bytes */
        "`span` Nullable(Int64), "                            /* MicroDuration: µs */
        "`big_text` Nullable(String)");                       /* string */
    free(cols);
    tm_options o = {1, 1};   /* --json-type=JSON --enum-type=LowCardinality */
    cols = columns_of_message(f.value, &o);
    assert_non_null(strstr(cols, "`doc` JSON, "));
    assert_non_null(strstr(cols, "`mood` LowCardinality(Nullable(String)), "));
    free(cols);
    free(f.key);
    free(f.value);
}

static void test_other_fixture_columns(void **state) {
    (void)state;
    static const struct { const char *table, *want; } cases[] = {
        {"campaign", "`id` Int64, `advertiser_id` Int64, `name` String, `status` String, "
                     "`daily_budget` Decimal(14, 2), `cpm_bid` Decimal(10, 4), `start_date` Date32, "
                     "`end_date` Nullable(Date32), `created_at` DateTime64(6, 'UTC')"},
        {"impressions", "`id` Int64, `campaign_id` Int64, `request_id` UUID, `user_id` Nullable(String), "
                        "`country` Nullable(String), `device` Nullable(String), `cost` Decimal(12, 6), "
                        "`shown_at` DateTime64(6, 'UTC')"},
        {"events", "`id` Int64, `experiment_id` Int64, `user_id` String, `variant_id` Nullable(Int64), "
                   "`event_type` String, `value` Nullable(Float64), `properties` Nullable(String), "
                   "`occurred_at` DateTime64(6, 'UTC')"},
        {"advertiser", "`id` Int64, `name` String, `country` String, `currency` String, `is_active` Bool, "
                       "`created_at` DateTime64(6, 'UTC')"},
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        fixture_change f = fixture_first_change(FIXTURES_DIR, cases[i].table);
        char *cols = columns_of_message(f.value, &defaults);
        if (strcmp(cols, cases[i].want)) fail_msg("%s: %s", cases[i].table, cols);
        free(cols);
        free(f.key);
        free(f.value);
    }
}

/* The key's schema (a struct of its own) maps alike. */
static void test_key_schema(void **state) {
    (void)state;
    fixture_change f = fixture_first_change(FIXTURES_DIR, "type_zoo");
    arena a;
    json_value root, schema, fields;
    json_error e;
    tm_column *cols;
    size_t n;
    char why[128];
    arena_init(&a);
    assert_int_equal(json_open(f.key, strlen(f.key), &root, &e), 0);
    assert_int_equal(json_find(&root, "schema", 6, &schema, &e), JSON_FOUND);
    assert_int_equal(json_find(&schema, "fields", 6, &fields, &e), JSON_FOUND);
    assert_int_equal(tm_struct_columns(&fields, &defaults, &a, &cols, &n, why, sizeof(why)), 0);
    assert_int_equal(n, 1);
    assert_memory_equal(cols[0].name, "id", 2);
    assert_string_equal(cols[0].type.text, "Int32");
    arena_free(&a);
    free(f.key);
    free(f.value);
}

/* ---------------------------------------------------------------- HAND: rows no fixture has */

#define F(type, extra) "{\"type\":\"" type "\",\"optional\":true" extra ",\"field\":\"c\"}"
#define NAMED(n) ",\"name\":\"" n "\""

static void test_hand_written_rows(void **state) {
    (void)state;
    static const struct { const char *field, *want; } rows[] = {
        {F("int8", ""), "Nullable(Int8)"},
        {F("int32", ""), "Nullable(Int32)"},
        {F("float", ""), "Nullable(Float32)"},
        {F("float32", ""), "Nullable(Float32)"},
        {F("float64", ""), "Nullable(Float64)"},
        {F("string", ""), "Nullable(String)"},
        {"{\"type\":\"int64\",\"optional\":false,\"field\":\"c\"}", "Int64"},
        {F("bytes", NAMED("org.apache.kafka.connect.data.Decimal") ",\"parameters\":{\"scale\":\"0\",\"connect.decimal.precision\":\"76\"}"), "Nullable(Decimal(76, 0))"},
        {F("bytes", NAMED("org.apache.kafka.connect.data.Decimal") ",\"parameters\":{\"scale\":\"2\",\"connect.decimal.precision\":\"77\"}"), "Nullable(String)"},
        {F("bytes", NAMED("org.apache.kafka.connect.data.Decimal") ",\"parameters\":{\"scale\":\"2\"}"), "Nullable(String)"},
        {F("bytes", NAMED("org.apache.kafka.connect.data.Decimal") ",\"parameters\":{\"scale\":2,\"connect.decimal.precision\":5}"), "Nullable(Decimal(5, 2))"},
        {F("int32", NAMED("org.apache.kafka.connect.data.Date")), "Nullable(Date32)"},
        {F("int32", NAMED("io.debezium.time.Time")), "Nullable(Time64(3))"},
        {F("int32", NAMED("org.apache.kafka.connect.data.Time")), "Nullable(Time64(3))"},
        {F("int64", NAMED("io.debezium.time.NanoTime")), "Nullable(Time64(9))"},
        {F("int64", NAMED("io.debezium.time.Timestamp")), "Nullable(DateTime64(3, 'UTC'))"},
        {F("int64", NAMED("org.apache.kafka.connect.data.Timestamp")), "Nullable(DateTime64(3, 'UTC'))"},
        {F("int64", NAMED("io.debezium.time.NanoTimestamp")), "Nullable(DateTime64(9, 'UTC'))"},
        {F("string", NAMED("io.debezium.data.Enum") ",\"parameters\":{\"allowed\":\"it's,a\\\\b\"}"),
         "Nullable(Enum8('it\\'s' = 1, 'a\\\\b' = 2))"},
        {F("string", NAMED("io.debezium.data.Enum")), "LowCardinality(Nullable(String))"},   /* no labels */
        {F("string", NAMED("io.debezium.data.Enum") ",\"parameters\":{\"allowed\":\"a,a\"}"), "LowCardinality(Nullable(String))"},
        {F("array", ",\"items\":{\"type\":\"int32\",\"optional\":false}"), "Array(Int32)"},
        {F("array", ",\"items\":{\"type\":\"bytes\",\"optional\":true}"), "Array(Nullable(String))"},
        {F("array", ",\"items\":{\"type\":\"array\",\"optional\":true,\"items\":{\"type\":\"int16\",\"optional\":true}}"),
         "Array(Array(Nullable(Int16)))"},
        {F("array", ",\"items\":{\"type\":\"int64\",\"optional\":true" NAMED("io.debezium.time.MicroTimestamp") "}"),
         "Array(Nullable(DateTime64(6, 'UTC')))"},
        {F("struct", ",\"fields\":[{\"type\":\"double\",\"field\":\"x\"}]" NAMED("io.debezium.data.geometry.Point")), "Nullable(String)"},
        {F("struct", ",\"fields\":[]"), "Nullable(String)"},
        {F("map", ",\"keys\":{\"type\":\"string\"},\"values\":{\"type\":\"string\"}"), "Nullable(String)"},
        {F("bytes", NAMED("io.debezium.data.Bits")), "Nullable(String)"},
        {F("int32", NAMED("io.debezium.time.Year")), "Nullable(String)"},
        {F("float64", NAMED("io.debezium.data.VariableScaleDecimal")), "Nullable(String)"},
    };
    for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) type_is(rows[i].field, &defaults, rows[i].want);

    /* Enum16 past 127 labels; JSON and LowCardinality by option; key columns never Nullable. */
    char field[4096];
    int k = snprintf(field, sizeof(field), "{\"type\":\"string\",\"optional\":false,\"name\":\"io.debezium.data.Enum\",\"parameters\":{\"allowed\":\"");
    for (int l = 0; l < 128; l++) k += snprintf(field + k, sizeof(field) - (size_t)k, "%sl%d", l ? "," : "", l);
    snprintf(field + k, sizeof(field) - (size_t)k, "\"},\"field\":\"c\"}");
    char *t = type_of_field(field, &defaults, 0);
    assert_true(!strncmp(t, "Enum16('l0' = 1, ", 17));
    assert_non_null(strstr(t, "'l127' = 128)"));
    free(t);
    tm_options json = {1, 0}, lowcard = {0, 1};
    type_is(F("string", NAMED("io.debezium.data.Json")), &json, "JSON");
    type_is(F("string", NAMED("io.debezium.data.Enum") ",\"parameters\":{\"allowed\":\"a,b\"}"), &lowcard,
            "LowCardinality(Nullable(String))");
    t = type_of_field(F("int32", ""), &defaults, 1);
    assert_string_equal(t, "Int32");
    free(t);
}

/* ---------------------------------------------------------------- type text parsed back */

static void roundtrip(const char *columns) {
    arena a;
    tm_column *cols;
    size_t n;
    char why[256];
    buf b;
    arena_init(&a);
    buf_init(&b);
    if (tm_parse_columns(columns, strlen(columns), &a, &cols, &n, why, sizeof(why)) < 0) fail_msg("%s: %s", columns, why);
    tm_format_columns(&b, cols, n);
    if (b.len != strlen(columns) || memcmp(b.p, columns, b.len)) fail_msg("%s\nwritten back as\n%.*s", columns, (int)b.len, b.p);
    buf_free(&b);
    arena_free(&a);
}

static void test_columns_roundtrip(void **state) {
    (void)state;
    static const char *const tables[] = {"type_zoo", "campaign", "impressions", "events", "advertiser",
                                         "assignments", "clicks", "outbox_events"};
    for (size_t i = 0; i < sizeof(tables) / sizeof(tables[0]); i++) {
        fixture_change f = fixture_first_change(FIXTURES_DIR, tables[i]);
        char *cols = columns_of_message(f.value, &defaults);
        roundtrip(cols);
        free(cols);
        tm_options all = {1, 1};
        cols = columns_of_message(f.value, &all);
        roundtrip(cols);
        free(cols);
        free(f.key);
        free(f.value);
    }
    roundtrip("`a\\`b` Int8, `c\\\\d` Enum16('x\\'y' = 1, 'z' = 2), `my col` Array(Array(Nullable(Decimal(76, 76)))), "
              "`ünï 列` LowCardinality(String), `t` Time64(9), `u` Nullable(DateTime64(0, 'UTC')), `j` JSON, "
              "`f` Float32, `b` Nullable(Bool)");
}

static void parse_fails(const char *columns, const char *why_has) {
    arena a;
    tm_column *cols;
    size_t n;
    char why[256];
    arena_init(&a);
    assert_int_equal(tm_parse_columns(columns, strlen(columns), &a, &cols, &n, why, sizeof(why)), -1);
    if (!strstr(why, why_has)) fail_msg("%s: '%s' lacks '%s'", columns, why, why_has);
    arena_free(&a);
}

static void test_columns_refused(void **state) {
    (void)state;
    parse_fails("id Int32", "cannot read a column at byte 0");
    parse_fails("`id` Int128", "at byte");
    parse_fails("`id` Int32 `x` Int8", "expected ','");
    parse_fails("`id` Nullable(Array(Int8))", "at byte");
    parse_fails("`id` Decimal(77, 1)", "at byte");
    parse_fails("`id` DateTime64(6, 'Europe/Paris')", "at byte");
    parse_fails("`id` Int32, `id` Int64", "listed twice");
    parse_fails("`unterminated Int32", "at byte");
    arena a;
    tm_column *cols;
    size_t n;
    char why[64];
    arena_init(&a);
    assert_int_equal(tm_parse_columns("", 0, &a, &cols, &n, why, sizeof(why)), 0);
    assert_int_equal(n, 0);
    arena_free(&a);
}

/* ---------------------------------------------------------------- identifiers */

static void test_identifiers(void **state) {
    (void)state;
    static const struct { const char *name, *quoted; } cases[] = {
        {"plain", "`plain`"},
        {"back`quote", "`back\\`quote`"},
        {"back\\slash", "`back\\\\slash`"},
        {"with space", "`with space`"},
        {"ünïcødé 列", "`ünïcødé 列`"},
        {"'single'", "`'single'`"},
        {"", "``"},
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        buf b;
        buf_init(&b);
        tm_put_ident(&b, cases[i].name, strlen(cases[i].name));
        buf_put(&b, " Int8", 5);
        assert_int_equal(b.len, strlen(cases[i].quoted) + 5);
        assert_memory_equal(b.p, cases[i].quoted, b.len - 5);
        arena a;
        tm_column *cols;
        size_t n;
        char why[128];
        arena_init(&a);
        assert_int_equal(tm_parse_columns(b.p, b.len, &a, &cols, &n, why, sizeof(why)), 0);
        assert_int_equal(n, 1);
        assert_int_equal(cols[0].name_len, strlen(cases[i].name));
        assert_memory_equal(cols[0].name, cases[i].name, cols[0].name_len);
        arena_free(&a);
        buf_free(&b);
    }
    buf b;
    buf_init(&b);
    tm_put_literal(&b, "it's a \\", 8);
    assert_int_equal(b.len, 12);
    assert_memory_equal(b.p, "'it\\'s a \\\\'", 12);
    buf_free(&b);
}

/* ---------------------------------------------------------------- values */

/* The row text of `value` (decoded JSON) for the column type `type`, or NULL when it does not fit. */
static char *value_as(const char *type, const char *value) {
    arena a;
    tm_column *cols;
    size_t n;
    char why[128], col[512];
    json_value v;
    json_error e;
    buf b;
    arena_init(&a);
    buf_init(&b);
    snprintf(col, sizeof(col), "`c` %s", type);
    if (tm_parse_columns(col, strlen(col), &a, &cols, &n, why, sizeof(why)) < 0) fail_msg("%s: %s", type, why);
    assert_int_equal(json_open(value, strlen(value), &v, &e), 0);
    assert_int_equal(json_finish(&v, &e), 0);
    int rc = tm_value(&b, &cols[0].type, &v, &a);
    char *out = rc == TM_FIT ? strndup(b.len ? b.p : "", b.len) : NULL;
    if (rc != TM_FIT) assert_int_equal(b.len, 0);
    buf_free(&b);
    arena_free(&a);
    return out;
}

static void fits(const char *type, const char *value, const char *want) {
    char *got = value_as(type, value);
    if (!got) fail_msg("%s does not fit %s", value, type);
    if (strcmp(got, want)) fail_msg("%s as %s: %s, want %s", value, type, got, want);
    free(got);
}

static void misfits(const char *type, const char *value) {
    char *got = value_as(type, value);
    if (got) fail_msg("%s fits %s as %s: it must go to extra", value, type, got);
}

static void test_values(void **state) {
    (void)state;
    fits("Int32", "2147483647", "2147483647");
    fits("Int32", "-2147483648", "-2147483648");
    misfits("Int32", "5000000000");        /* an int64 value in a declared Int32: never clamped */
    misfits("Int16", "32768");
    misfits("Int8", "-129");
    misfits("Int64", "9223372036854775808");
    misfits("Int64", "1.5");
    misfits("Int64", "\"12\"");
    fits("Float64", "0.1", "0.1");
    fits("Float64", "\"NaN\"", "\"NaN\"");
    fits("Float64", "\"-Infinity\"", "\"-Infinity\"");
    misfits("Float32", "1e39");
    misfits("Float64", "1e400");
    misfits("Float64", "\"abc\"");
    fits("Bool", "true", "true");
    misfits("Bool", "1");
    fits("String", "\"a\\nb\"", "\"a\\nb\"");
    fits("String", "{\"x\": [1, 2]}", "\"{\\\"x\\\": [1, 2]}\"");   /* a struct's JSON text, as a string */
    fits("String", "12", "\"12\"");
    fits("Decimal(12, 4)", "\"123.45\"", "\"123.4500\"");
    fits("Decimal(12, 4)", "\"-0.0001\"", "\"-0.0001\"");
    fits("Decimal(12, 4)", "\"123.45670\"", "\"123.4567\"");
    fits("Decimal(12, 4)", "\"99999999.9999\"", "\"99999999.9999\"");
    fits("Decimal(12, 4)", "\"00012\"", "\"12.0000\"");
    fits("Decimal(5, 0)", "42", "\"42\"");
    misfits("Decimal(12, 4)", "\"123.45678\"");      /* JSONExtract would cut the 8 */
    misfits("Decimal(12, 4)", "\"100000000\"");      /* 9 integer digits in 12 - 4 */
    misfits("Decimal(12, 4)", "\"1e5\"");
    misfits("Decimal(12, 4)", "\"12.\"");
    fits("Date32", "\"1900-01-01\"", "\"1900-01-01\"");
    fits("Date32", "\"2299-12-31\"", "\"2299-12-31\"");
    misfits("Date32", "\"9999-12-31\"");             /* JSONExtract would give 2299-12-31 */
    misfits("Date32", "\"1899-12-31\"");
    misfits("Date32", "2932896");                    /* a day number dbz_types could not spell */
    fits("Time64(6)", "\"07:08:09.123456\"", "\"07:08:09.123456\"");
    fits("Time64(6)", "\"-01:00:00.000000\"", "\"-01:00:00.000000\"");
    fits("Time64(6)", "\"838:59:59.000000\"", "\"838:59:59.000000\"");
    fits("Time64(3)", "\"01:02:03.123000\"", "\"01:02:03.123000\"");
    misfits("Time64(3)", "\"01:02:03.123456\"");
    misfits("Time64(6)", "\"1000:00:00.000000\"");
    fits("DateTime64(6, 'UTC')", "\"2024-05-06 07:08:09.123456\"", "\"2024-05-06 07:08:09.123456\"");
    fits("DateTime64(6, 'UTC')", "\"2024-05-06T05:08:09.123456Z\"", "\"2024-05-06 05:08:09.123456\"");
    fits("DateTime64(3, 'UTC')", "\"1900-01-01 00:00:00.000\"", "\"1900-01-01 00:00:00.000\"");
    fits("DateTime64(6, 'UTC')", "\"2299-12-31 23:59:59.999999\"", "\"2299-12-31 23:59:59.999999\"");
    misfits("DateTime64(6, 'UTC')", "\"1899-12-31 23:59:59.999999\"");   /* before 1900 */
    misfits("DateTime64(6, 'UTC')", "\"2300-01-01 00:00:00.000000\"");
    misfits("DateTime64(6, 'UTC')", "\"2024-05-06 07:08:09.1234567\"");
    misfits("DateTime64(6, 'UTC')", "\"infinity\"");
    misfits("DateTime64(6, 'UTC')", "-9223372036854775808");
    fits("UUID", "\"a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11\"", "\"a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11\"");
    misfits("UUID", "\"a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a1\"");
    misfits("UUID", "\"a0eebc99x9c0b-4ef8-bb6d-6bb9bd380a11\"");
    fits("Enum8('sad' = 1, 'ok' = 2)", "\"ok\"", "\"ok\"");
    misfits("Enum8('sad' = 1, 'ok' = 2)", "\"happy\"");
    fits("LowCardinality(String)", "\"happy\"", "\"happy\"");
    fits("JSON", "\"{\\\"a\\\": 1}\"", "{\"a\": 1}");
    misfits("JSON", "\"[1]\"");
    fits("JSON", "\"{\\\"k\\\": 18446744073709551615, \\\"f\\\": -1.5e300, \\\"s\\\": \\\"1e999 \\\\\\\" 99999999999999999999\\\"}\"",
         "{\"k\": 18446744073709551615, \"f\": -1.5e300, \"s\": \"1e999 \\\" 99999999999999999999\"}");
    misfits("JSON", "\"{\\\"k\\\": 100000000000000000000}\"");   /* the JSON type would default the whole row */
    misfits("JSON", "\"{\\\"k\\\": [1, -1e400]}\"");
    /* what the JSON type would change silently: to extra */
    misfits("JSON", "\"{\\\"b\\\": [true, null, 2.5]}\"");
    misfits("JSON", "\"{\\\"k\\\": 1, \\\"k\\\": 2}\"");
    misfits("JSON", "\"{\\\"a.b\\\": 1}\"");
    misfits("JSON", "\"{\\\"x\\\": {\\\"y\\\": [[1], [\\\"s\\\"], {}]}}\"");
    char deep[200] = "{\"d\": ";
    for (int i = 0; i < 65; i++) strcat(deep, "[");
    for (int i = 0; i < 65; i++) strcat(deep, "]");
    strcat(deep, "}");
    misfits("JSON", deep);
    fits("JSON", "{\"a\": [1, 2.5, null], \"o\": {\"t\": [true, false]}, \"s\": [\"x\", null]}",
         "{\"a\": [1, 2.5, null], \"o\": {\"t\": [true, false]}, \"s\": [\"x\", null]}");
    fits("Array(Nullable(Int32))", "[1, null, 3]", "[1,null,3]");
    misfits("Array(Int32)", "[1, null]");
    misfits("Array(Int8)", "[1, 300]");
    misfits("Array(Int8)", "null");                  /* a null array: [] in the column, null in extra */
    fits("Array(Date32)", "[\"2024-01-01\"]", "[\"2024-01-01\"]");
    fits("Nullable(Int32)", "null", "null");
    misfits("Int32", "null");
    /* bytes: base64 the view decodes; what it could not decode is kept out */
    arena a;
    json_value v;
    json_error e;
    tm_type t = {.kind = TM_STRING, .base64 = 1, .text = "String", .text_len = 6};
    buf b;
    arena_init(&a);
    buf_init(&b);
    assert_int_equal(json_open("\"3q2+7wA=\"", 10, &v, &e), 0);
    assert_int_equal(tm_value(&b, &t, &v, &a), TM_FIT);
    assert_int_equal(json_open("\"*notb64\"", 9, &v, &e), 0);
    assert_int_equal(tm_value(&b, &t, &v, &a), TM_MISFIT);
    assert_int_equal(b.len, 10);
    buf_free(&b);
    arena_free(&a);
}

static void test_envelope_errors(void **state) {
    (void)state;
    arena a;
    tm_column *cols;
    size_t n;
    char why[256];
    json_value none = {0}, s;
    json_error e;
    arena_init(&a);
    assert_int_equal(tm_envelope_columns(&none, &defaults, &a, &cols, &n, why, sizeof(why)), -1);
    assert_non_null(strstr(why, "value.converter.schemas.enable=true"));
    static const char no_row[] = "{\"type\":\"struct\",\"fields\":[{\"type\":\"string\",\"field\":\"op\"}]}";
    assert_int_equal(json_open(no_row, strlen(no_row), &s, &e), 0);
    assert_int_equal(tm_envelope_columns(&s, &defaults, &a, &cols, &n, why, sizeof(why)), -1);
    assert_non_null(strstr(why, "no \"after\" or \"before\""));
    /* only a before struct: its fields */
    static const char before_only[] = "{\"type\":\"struct\",\"fields\":[{\"type\":\"struct\",\"fields\":"
                                      "[{\"type\":\"int8\",\"field\":\"x\"}],\"field\":\"before\"}]}";
    assert_int_equal(json_open(before_only, strlen(before_only), &s, &e), 0);
    assert_int_equal(tm_envelope_columns(&s, &defaults, &a, &cols, &n, why, sizeof(why)), 0);
    assert_int_equal(n, 1);
    assert_string_equal(cols[0].type.text, "Int8");
    arena_free(&a);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_type_zoo_columns),
        cmocka_unit_test(test_other_fixture_columns),
        cmocka_unit_test(test_key_schema),
        cmocka_unit_test(test_hand_written_rows),
        cmocka_unit_test(test_columns_roundtrip),
        cmocka_unit_test(test_columns_refused),
        cmocka_unit_test(test_identifiers),
        cmocka_unit_test(test_values),
        cmocka_unit_test(test_envelope_errors),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
