/* test_convert.c — unit tests of typed conversion (udf/convert.c).
 *
 * Each case converts one JSON value to one declared type through a real
 * res_writer in TabSeparated tuple mode, writing to a temp file, and checks
 * the exact text of the element (quoted strings, NULL, numbers, true/false,
 * DateTime64 as raw ticks, Date and Date32 as quoted YYYY-MM-DD) and, for a value that cannot be converted, the
 * exact reason, which must quote the value.  A few cases are repeated in
 * RowBinary to check the bytes the conversion picks (width, Nullable flag). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "arena.h"
#include "chtype.h"
#include "convert.h"
#include "io.h"
#include "json.h"
#include "result.h"
#include "capture.h"

/* ---------------------------------------------------------------- harness */

static capture out;
static arena scratch;
static char got[4096];       /* the tuple element written, without "(" and ")\n" */
static size_t got_len;
static char got_why[512];    /* the reason of the last failed conversion */

static int setup(void **state) {
    (void)state;
    cap_init(&out);
    arena_init(&scratch);
    return 0;
}

static int teardown(void **state) {
    (void)state;
    cap_free(&out);
    arena_free(&scratch);
    return 0;
}

/* Everything written since the last call; the capture is emptied. */
static size_t take_output(char *text, size_t cap) {
    cap_take(&out);
    assert_true(out.len < cap);
    memcpy(text, out.data, out.len + 1);
    cap_clear(&out);
    return out.len;
}

/* Converts `json` (NULL = missing) to `type` in format fmt; returns conv_write's
 * result and leaves the raw output in `raw` and the reason in got_why. */
static int convert_raw(const char *type, const char *json, fmt_kind fmt, char *raw, size_t cap, size_t *raw_len) {
    chtype t = type_of(type);
    json_value v;
    memset(&v, 0, sizeof(v));
    if (json) {
        json_error err = {0, 0};
        int rc = json_open(json, strlen(json), &v, &err);
        if (rc < 0) print_error("test JSON %s: %s\n", json, err.msg);
        assert_int_equal(rc, 0);
    }
    res_writer res;
    res_init(&res, &out.w, fmt, 1, &t, 1);
    res_row_begin(&res);
    const char *why = NULL;
    int rc = conv_write(&res, &t, &v, &scratch, &why);
    assert_int_equal(res_row_end(&res), 1);   /* exactly one field, converted or not */
    res_free(&res);
    got_why[0] = 0;
    if (rc < 0) {
        assert_non_null(why);
        snprintf(got_why, sizeof(got_why), "%s", why);
    }
    *raw_len = take_output(raw, cap);
    arena_reset(&scratch);
    return rc;
}

static int convert(const char *type, const char *json) {
    char raw[sizeof(got) + 8];
    size_t n;
    int rc = convert_raw(type, json, FMT_TSV, raw, sizeof(raw), &n);
    assert_true(n >= 3);
    assert_int_equal(raw[0], '(');
    assert_memory_equal(raw + n - 2, ")\n", 2);
    got_len = n - 3;
    memcpy(got, raw + 1, got_len);
    got[got_len] = 0;
    return rc;
}

static void conv_ok(const char *type, const char *json, const char *want) {
    int rc = convert(type, json);
    if (rc != 0 || strcmp(got, want) != 0)
        print_error("%s from %s: rc %d, wrote %s (%s), wanted %s\n", type, json ? json : "(missing)", rc, got, got_why, want);
    assert_int_equal(rc, 0);
    assert_string_equal(got, want);
    assert_string_equal(got_why, "");
}

static void conv_err(const char *type, const char *json, const char *want, const char *reason) {
    int rc = convert(type, json);
    if (rc != -1 || strcmp(got, want) != 0 || strcmp(got_why, reason) != 0)
        print_error("%s from %s: rc %d, wrote %s, reason \"%s\"; wanted %s, \"%s\"\n", type, json, rc, got, got_why,
                    want, reason);
    assert_int_equal(rc, -1);
    assert_string_equal(got, want);
    assert_string_equal(got_why, reason);
}

/* ----------------------------------------------------------------- String */

static void test_string_from_strings(void **state) {
    (void)state;
    conv_ok("String", "\"abc\"", "'abc'");
    conv_ok("String", "\"\"", "''");
    conv_ok("String", "\"it's\"", "'it\\'s'");
    conv_ok("String", "\"a\\tb\\n\\\\ \\u00e9 \\\"q\\\"\"", "'a\\tb\\n\\\\ \xc3\xa9 \"q\"'");
    conv_ok("String", "\"\\ud83d\\ude00\"", "'\xf0\x9f\x98\x80'");
    conv_ok("String", "\"\\u0000\"", "'\\0'");
    conv_ok("Nullable(String)", "\"\"", "''");   /* empty is not NULL */
    conv_ok("Nullable(String)", "\"x\"", "'x'");
}

static void test_string_from_other_json(void **state) {
    (void)state;
    conv_ok("String", "12.50", "'12.50'");       /* a number's JSON text, as written */
    conv_ok("String", "-0", "'-0'");
    conv_ok("String", "1e3", "'1e3'");
    conv_ok("String", "18446744073709551616", "'18446744073709551616'");
    conv_ok("String", "true", "'true'");
    conv_ok("String", "false", "'false'");
    conv_ok("String", "{\"a\": [1, 2], \"b\": {}}", "'{\"a\": [1, 2], \"b\": {}}'");
    conv_ok("String", "[1, \"x\", null]", "'[1, \"x\", null]'");
    conv_ok("String", "{\"s\":\"it's\\tx\"}", "'{\"s\":\"it\\'s\\\\tx\"}'");
    conv_ok("Nullable(String)", "{}", "'{}'");
}

static void test_string_missing_and_null(void **state) {
    (void)state;
    conv_ok("String", NULL, "''");
    conv_ok("String", "null", "''");
    conv_ok("Nullable(String)", NULL, "NULL");
    conv_ok("Nullable(String)", "null", "NULL");
}

/* An object that turns out malformed while being copied: the default and
 * the scanner's reason. */
static void test_string_from_malformed_object(void **state) {
    (void)state;
    assert_int_equal(convert("String", "{\"a\":}"), -1);
    assert_string_equal(got, "''");
    assert_true(strlen(got_why) > 0);
    assert_int_equal(convert("Nullable(String)", "[1,,2]"), -1);
    assert_string_equal(got, "NULL");
    assert_true(strlen(got_why) > 0);
}

/* ------------------------------------------------------------- containers */

/* Array(String) from a JSON array, Map(String, String) from an object:
 * elements and member values by the String rule (a string's text, other
 * JSON as written, null as ''), keys decoded; order kept. */
static void test_containers(void **state) {
    (void)state;
    conv_ok("Array(String)", "[\"a\", \"it's\", \"\\u00e9\\t\", 12.50, true, null, {\"x\": [1]}, [2, \"y\"]]",
            "['a','it\\'s','\xc3\xa9\\t','12.50','true','','{\"x\": [1]}','[2, \"y\"]']");
    conv_ok("Array(String)", "[]", "[]");
    conv_ok("Array(String)", " [ \"x\" ] ", "['x']");
    conv_ok("Array(String)", NULL, "[]");
    conv_ok("Array(String)", "null", "[]");
    conv_ok("Map(String, String)", "{\"k\": \"v\", \"n\": 2, \"z\": null, \"o\": {\"a\": 1}, \"\\u00e9'\": \"\"}",
            "{'k':'v','n':'2','z':'','o':'{\"a\": 1}','\xc3\xa9\\'':''}");
    conv_ok("Map(String, String)", "{}", "{}");
    conv_ok("Map(String, String)", NULL, "{}");
    /* duplicate keys are kept as they come: ClickHouse's Map keeps them too */
    conv_ok("Map(String, String)", "{\"k\": \"1\", \"k\": \"2\"}", "{'k':'1','k':'2'}");
    conv_err("Array(String)", "\"[1]\"", "[]", "'[1]' is a JSON string, not a JSON array (for Array(String))");
    conv_err("Array(String)", "{\"a\": 1}", "[]", "'{\"a\": 1}' is a JSON object, not a JSON array (for Array(String))");
    conv_err("Map(String, String)", "[[\"k\", \"v\"]]", "{}",
             "'[[\"k\", \"v\"]]' is a JSON array, not a JSON object (for Map(String, String))");
    conv_err("Map(String, String)", "7", "{}", "'7' is a JSON number, not a JSON object (for Map(String, String))");
    /* malformed inside: the default, and the scanner's reason */
    assert_int_equal(convert("Array(String)", "[1,,2]"), -1);
    assert_string_equal(got, "[]");
    assert_true(strlen(got_why) > 0);
}

/* --------------------------------------------------------------- integers */

typedef struct int_range { const char *type, *min, *max, *below, *above; } int_range;

static const int_range int_ranges[] = {
    {"Int8", "-128", "127", "-129", "128"},
    {"Int16", "-32768", "32767", "-32769", "32768"},
    {"Int32", "-2147483648", "2147483647", "-2147483649", "2147483648"},
    {"Int64", "-9223372036854775808", "9223372036854775807", "-9223372036854775809", "9223372036854775808"},
    {"UInt8", "0", "255", "-1", "256"},
    {"UInt16", "0", "65535", "-1", "65536"},
    {"UInt32", "0", "4294967295", "-1", "4294967296"},
    {"UInt64", "0", "18446744073709551615", "-1", "18446744073709551616"},
};

/* Both edges of every integer type are exact, from a number and from a
 * numeric string; one past either edge is an error naming value and type. */
static void test_integer_edges(void **state) {
    (void)state;
    for (size_t i = 0; i < sizeof(int_ranges) / sizeof(int_ranges[0]); i++) {
        const int_range *r = &int_ranges[i];
        char quoted[64], reason[128], nullable[32];
        snprintf(nullable, sizeof(nullable), "Nullable(%s)", r->type);
        conv_ok(r->type, r->min, r->min);
        conv_ok(r->type, r->max, r->max);
        snprintf(quoted, sizeof(quoted), "\"%s\"", r->min);
        conv_ok(r->type, quoted, r->min);
        snprintf(quoted, sizeof(quoted), "\"%s\"", r->max);
        conv_ok(r->type, quoted, r->max);
        conv_ok(nullable, r->max, r->max);

        snprintf(reason, sizeof(reason), "'%s' is out of range for %s", r->below, r->type);
        conv_err(r->type, r->below, "0", reason);
        snprintf(reason, sizeof(reason), "'%s' is out of range for %s", r->below, nullable);
        conv_err(nullable, r->below, "NULL", reason);
        snprintf(reason, sizeof(reason), "'%s' is out of range for %s", r->above, r->type);
        conv_err(r->type, r->above, "0", reason);
        snprintf(quoted, sizeof(quoted), "\"%s\"", r->above);
        conv_err(r->type, quoted, "0", reason);
        snprintf(reason, sizeof(reason), "'%s' is out of range for %s", r->above, nullable);
        conv_err(nullable, r->above, "NULL", reason);
    }
}

static void test_integer_forms(void **state) {
    (void)state;
    conv_ok("Int32", "0", "0");
    conv_ok("Int32", "-0", "0");
    conv_ok("UInt8", "-0", "0");
    conv_ok("Int32", "\"+7\"", "7");
    conv_ok("Int32", "\"-7\"", "-7");
    conv_ok("Int32", "\"007\"", "7");
    conv_ok("Int32", "5.0", "5");                /* integral decimals are accepted */
    conv_ok("Int32", "\"5.0\"", "5");
    conv_ok("Int32", "1e3", "1000");
    conv_ok("Int32", "\"1e3\"", "1000");
    conv_ok("Int32", "-2.5e1", "-25");
    conv_ok("UInt64", "1E19", "10000000000000000000");
    conv_ok("Int8", "true", "1");
    conv_ok("Int8", "false", "0");
    conv_ok("UInt64", "true", "1");
    conv_ok("Nullable(Int16)", "false", "0");
}

static void test_integer_errors(void **state) {
    (void)state;
    conv_err("Int32", "5.5", "0", "'5.5' is not an integer (for Int32)");
    conv_err("Int32", "\"5.5\"", "0", "'5.5' is not an integer (for Int32)");
    conv_err("Int32", "-0.5", "0", "'-0.5' is not an integer (for Int32)");
    conv_err("Nullable(Int32)", "5.5", "NULL", "'5.5' is not an integer (for Nullable(Int32))");
    conv_err("Int32", "\"abc\"", "0", "'abc' is not an integer (for Int32)");
    conv_err("Int32", "\"\"", "0", "'' is not an integer (for Int32)");
    conv_err("Int32", "\" 5\"", "0", "' 5' is not an integer (for Int32)");
    conv_err("Int32", "\"5 \"", "0", "'5 ' is not an integer (for Int32)");
    conv_err("Int32", "\"--5\"", "0", "'--5' is not an integer (for Int32)");
    conv_err("Int32", "\"nan\"", "0", "'nan' is not an integer (for Int32)");
    conv_err("UInt8", "-5.0", "0", "'-5.0' is out of range for UInt8");
    conv_err("Int64", "1e19", "0", "'1e19' is out of range for Int64");
    conv_err("Int32", "{\"a\":1}", "0", "'{\"a\":1}' is a JSON object, not a Int32");
    conv_err("Int32", "[1]", "0", "'[1]' is a JSON array, not a Int32");
    /* the value is quoted in the reason, cut at 40 bytes */
    conv_err("Int32", "\"abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ\"", "0",
             "'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMN…' is not an integer (for Int32)");
}

/* A number too large for any integer type is out of range, not "not an integer". */
static void test_integer_huge_decimal_is_out_of_range(void **state) {
    (void)state;
    conv_err("UInt64", "1e20", "0", "'1e20' is out of range for UInt64");
    conv_err("Int64", "-1e20", "0", "'-1e20' is out of range for Int64");
}

/* Only decimal text is a number: hexadecimal (which strtod would take) and
 * leading whitespace of any kind are refused alike. */
static void test_integer_rejects_hex_and_whitespace(void **state) {
    (void)state;
    conv_err("Int32", "\"0x10\"", "0", "'0x10' is not an integer (for Int32)");
    conv_err("Int32", "\"\\n5\"", "0", "'\n5' is not an integer (for Int32)");
    conv_err("Float64", "\"0x1p3\"", "0", "'0x1p3' is not a number (for Float64)");
    conv_err("Float64", "\"\\n1.5\"", "0", "'\n1.5' is not a number (for Float64)");
}

/* ------------------------------------------------------------------ floats */

static void test_floats(void **state) {
    (void)state;
    conv_ok("Float64", "1.5", "1.5");
    conv_ok("Float64", "\"1.5\"", "1.5");
    conv_ok("Float64", "5", "5");
    conv_ok("Float64", "-0", "-0");
    conv_ok("Float64", "0.1", "0.10000000000000001");
    conv_ok("Float64", "1e308", "1e+308");
    conv_ok("Float64", "-2.5E-3", "-0.0025000000000000001");   /* %.17g: exact round trip */
    conv_ok("Float64", "\"NaN\"", "nan");
    conv_ok("Float64", "\"nan\"", "nan");
    conv_ok("Float64", "\"Infinity\"", "inf");
    conv_ok("Float64", "\"-Infinity\"", "-inf");
    conv_ok("Float64", "\"inf\"", "inf");
    conv_ok("Float32", "0.1", "0.100000001");
    conv_ok("Float32", "\"Infinity\"", "inf");
    conv_ok("Float32", "3.4028234663852886e38", "3.40282347e+38");
    conv_ok("Nullable(Float64)", "0.25", "0.25");
    conv_ok("Float64", NULL, "0");
    conv_ok("Nullable(Float32)", NULL, "NULL");
    conv_ok("Nullable(Float32)", "null", "NULL");
}

static void test_float_errors(void **state) {
    (void)state;
    conv_err("Float64", "\"abc\"", "0", "'abc' is not a number (for Float64)");
    conv_err("Float64", "\"1.5x\"", "0", "'1.5x' is not a number (for Float64)");
    conv_err("Float64", "\" 1.5\"", "0", "' 1.5' is not a number (for Float64)");
    conv_err("Float64", "\"\"", "0", "'' is not a number (for Float64)");
    conv_err("Float32", "true", "0", "'true' is not a number (for Float32)");
    conv_err("Nullable(Float64)", "\"x\"", "NULL", "'x' is not a number (for Nullable(Float64))");
    conv_err("Float64", "{\"v\":1.5}", "0", "'{\"v\":1.5}' is a JSON object, not a Float64");
}

/* ------------------------------------------------------------------- Bool */

static void test_bools(void **state) {
    (void)state;
    static const char *const yes[] = {"true", "\"true\"", "\"TRUE\"", "\"True\"", "1", "\"1\"", "\"t\"",
                                      "\"yes\"", "\"YES\"", "\"y\"", "\"on\""};
    static const char *const no[] = {"false", "\"false\"", "\"FALSE\"", "0", "\"0\"", "\"f\"",
                                     "\"no\"", "\"n\"", "\"off\"", "\"Off\""};
    for (size_t i = 0; i < sizeof(yes) / sizeof(yes[0]); i++) conv_ok("Bool", yes[i], "true");
    for (size_t i = 0; i < sizeof(no) / sizeof(no[0]); i++) conv_ok("Bool", no[i], "false");
    conv_ok("Nullable(Bool)", "true", "true");
    conv_ok("Nullable(Bool)", NULL, "NULL");
    conv_ok("Bool", NULL, "false");
    conv_ok("Bool", "null", "false");
    conv_err("Bool", "2", "false", "'2' is not a boolean");
    conv_err("Bool", "1.0", "false", "'1.0' is not a boolean");
    conv_err("Bool", "\"maybe\"", "false", "'maybe' is not a boolean");
    conv_err("Bool", "\"\"", "false", "'' is not a boolean");
    conv_err("Bool", "\"yess\"", "false", "'yess' is not a boolean");
    conv_err("Nullable(Bool)", "\"maybe\"", "NULL", "'maybe' is not a boolean");
    conv_err("Bool", "[true]", "false", "'[true]' is a JSON array, not a Bool");
}

/* ------------------------------------------------------------- DateTime64 */

static void test_datetime64_iso(void **state) {
    (void)state;
    const char *iso = "\"2024-04-01T08:00:02.123456Z\"";
    conv_ok("DateTime64(3)", iso, "1711958402123");
    conv_ok("DateTime64(6)", iso, "1711958402123456");
    conv_ok("DateTime64(9)", iso, "1711958402123456000");
    conv_ok("DateTime64(0)", iso, "1711958402");
    conv_ok("DateTime64(6, 'UTC')", "\"2024-04-01 08:00:02\"", "1711958402000000");
    conv_ok("DateTime64(6)", "\"2024-04-01T10:00:02+02:00\"", "1711958402000000");
    conv_ok("DateTime64(6)", "\"2024-04-01\"", "1711929600000000");
    conv_ok("DateTime64(6)", "\"1969-12-31T23:59:59.999999Z\"", "-1");
    conv_ok("Nullable(DateTime64(6))", iso, "1711958402123456");
}

/* Epoch numbers: the unit is chosen by magnitude (s, ms, us). */
static void test_datetime64_epoch(void **state) {
    (void)state;
    conv_ok("DateTime64(6)", "1700000000", "1700000000000000");
    conv_ok("DateTime64(6)", "1700000000123", "1700000000123000");
    conv_ok("DateTime64(6)", "1700000000123456", "1700000000123456");
    conv_ok("DateTime64(3)", "1700000000123456", "1700000000123");
    conv_ok("DateTime64(9)", "1700000000123", "1700000000123000000");
    conv_ok("DateTime64(3)", "\"1700000000\"", "1700000000000");
    conv_ok("DateTime64(3)", "1700000000.5", "1700000000500");
    conv_ok("DateTime64(6)", "0", "0");
}

static void test_datetime64_missing_and_errors(void **state) {
    (void)state;
    conv_ok("DateTime64(6)", NULL, "0");
    conv_ok("DateTime64(6)", "null", "0");
    conv_ok("Nullable(DateTime64(6))", NULL, "NULL");
    conv_ok("Nullable(DateTime64(6, 'UTC'))", "null", "NULL");
    conv_err("DateTime64(6)", "\"not a date\"", "0", "'not a date' is not a timestamp: bad date, expected YYYY-MM-DD");
    conv_err("Nullable(DateTime64(6))", "\"2024-02-30\"", "NULL", "'2024-02-30' is not a timestamp: day out of range");
    conv_err("DateTime64(3)", "\"2024-04-01T25:00:00Z\"", "0", "'2024-04-01T25:00:00Z' is not a timestamp: hour out of range");
    conv_err("DateTime64(3)", "{\"t\":1}", "0", "'{\"t\":1}' is a JSON object, not a DateTime64(3)");
}

/* ------------------------------------------------------------ Date, Date32 */

/* Expected days and dates from Python's datetime (date(1970, 1, 1) +
 * timedelta(days=n)), not from our calendar code. */

/* Debezium's io.debezium.time.Date: a day number, as a number or digits. */
static void test_date_day_numbers(void **state) {
    (void)state;
    conv_ok("Date", "19969", "'2024-09-03'");
    conv_ok("Date", "\"19969\"", "'2024-09-03'");
    conv_ok("Date", "0", "'1970-01-01'");
    conv_ok("Date", "\"+19849\"", "'2024-05-06'");
    conv_ok("Nullable(Date)", "19969", "'2024-09-03'");
    conv_ok("Date32", "19969", "'2024-09-03'");
    conv_ok("Date32", "-1000", "'1967-04-07'");
    conv_ok("Date32", "\"-1000\"", "'1967-04-07'");
    conv_ok("Nullable(Date32)", "-1", "'1969-12-31'");
}

/* ISO-8601 text: a date, or a timestamp's UTC day (as DateTime64 reads it). */
static void test_date_iso_text(void **state) {
    (void)state;
    conv_ok("Date", "\"2025-09-03\"", "'2025-09-03'");          /* seed 001's sample event */
    conv_ok("Date", "\"2024-02-29\"", "'2024-02-29'");
    conv_ok("Date", "\"2025-09-03 10:30:00\"", "'2025-09-03'");
    conv_ok("Date", "\"2025-09-03T10:30:00Z\"", "'2025-09-03'");
    conv_ok("Date", "\"2025-09-03T23:30:00-05:00\"", "'2025-09-04'");   /* 04:30 UTC the next day */
    conv_ok("Date", "\"2025-09-03T00:30:00+02:00\"", "'2025-09-02'");
    conv_ok("Date", "\"2025-09-03T24:00:00\"", "'2025-09-04'");
    conv_ok("Date32", "\"1969-12-31T23:59:59.999999Z\"", "'1969-12-31'");
    conv_ok("Date32", "\"1950-06-15\"", "'1950-06-15'");
    conv_ok("Nullable(Date32)", "\"2299-12-31\"", "'2299-12-31'");
}

/* Both ends of each type, by day number and by text; one day past either
 * end is an error naming the value and the range, never a wrapped day. */
static void test_date_ranges(void **state) {
    (void)state;
    conv_ok("Date", "65535", "'2149-06-06'");
    conv_ok("Date", "\"2149-06-06\"", "'2149-06-06'");
    conv_ok("Date", "\"1970-01-01T00:00:00Z\"", "'1970-01-01'");
    conv_ok("Date32", "-25567", "'1900-01-01'");
    conv_ok("Date32", "120529", "'2299-12-31'");
    conv_ok("Date32", "\"1900-01-01\"", "'1900-01-01'");
    const char *date = "is out of range for Date (1970-01-01 to 2149-06-06)";
    const char *date32 = "is out of range for Date32 (1900-01-01 to 2299-12-31)";
    char reason[128];
    static const char *const date_out[] = {"65536", "-1", "\"2149-06-07\"", "\"1969-12-31\"", "\"1969-12-31T23:59:59Z\"",
                                           "99999999999999999999", "-9223372036854775808"};
    for (size_t i = 0; i < sizeof(date_out) / sizeof(date_out[0]); i++) {
        const char *v = date_out[i];
        size_t n = strlen(v), q = v[0] == '"';
        snprintf(reason, sizeof(reason), "'%.*s' %s", (int)(n - 2 * q), v + q, date);
        conv_err("Date", v, "'1970-01-01'", reason);
    }
    static const char *const date32_out[] = {"-25568", "120530", "\"1899-12-31\"", "\"2300-01-01\"", "65536000"};
    for (size_t i = 0; i < sizeof(date32_out) / sizeof(date32_out[0]); i++) {
        const char *v = date32_out[i];
        size_t n = strlen(v), q = v[0] == '"';
        snprintf(reason, sizeof(reason), "'%.*s' %s", (int)(n - 2 * q), v + q, date32);
        conv_err("Date32", v, "'1970-01-01'", reason);
    }
    conv_err("Nullable(Date)", "70000", "NULL", "'70000' is out of range for Nullable(Date) (1970-01-01 to 2149-06-06)");
}

static void test_date_missing_and_errors(void **state) {
    (void)state;
    conv_ok("Date", NULL, "'1970-01-01'");
    conv_ok("Date", "null", "'1970-01-01'");
    conv_ok("Date32", NULL, "'1970-01-01'");
    conv_ok("Nullable(Date)", NULL, "NULL");
    conv_ok("Nullable(Date32)", "null", "NULL");
    conv_err("Date", "\"2025-13-45\"", "'1970-01-01'", "'2025-13-45' is not a date (for Date): month out of range");
    conv_err("Date", "\"2025-02-29\"", "'1970-01-01'", "'2025-02-29' is not a date (for Date): day out of range");
    conv_err("Nullable(Date)", "\"yesterday\"", "NULL",
             "'yesterday' is not a date (for Nullable(Date)): bad date, expected YYYY-MM-DD");
    conv_err("Date32", "\"\"", "'1970-01-01'", "'' is not a date (for Date32): empty timestamp");
    conv_err("Date", "\"2025-09-03x\"", "'1970-01-01'", "'2025-09-03x' is not a date (for Date): trailing characters");
    conv_err("Date", "1.5", "'1970-01-01'", "'1.5' is not a date (for Date): a day number must be an integer in digits");
    conv_err("Date", "1e3", "'1970-01-01'", "'1e3' is not a date (for Date): a day number must be an integer in digits");
    conv_err("Date", "\" 19969\"", "'1970-01-01'", "' 19969' is not a date (for Date): bad date, expected YYYY-MM-DD");
    conv_err("Date", "true", "'1970-01-01'", "'true' is not a date (for Date): bad date, expected YYYY-MM-DD");
    conv_err("Date", "{\"d\":1}", "'1970-01-01'", "'{\"d\":1}' is a JSON object, not a Date");
}

/* ---------------------------------------------------------- RowBinary bytes */

static void conv_bytes_are(const char *type, const char *json, int rc_want, const char *want, size_t n) {
    char raw[256];
    size_t len;
    int rc = convert_raw(type, json, FMT_ROWBINARY, raw, sizeof(raw), &len);
    assert_int_equal(rc, rc_want);
    assert_int_equal(len, n);
    assert_memory_equal(raw, want, n);
}

#define CONV_BYTES_ARE(type, json, rc, lit) conv_bytes_are((type), (json), (rc), (lit), sizeof(lit) - 1)

static void test_rowbinary_bytes(void **state) {
    (void)state;
    CONV_BYTES_ARE("Int16", "\"-2\"", 0, "\xfe\xff");
    CONV_BYTES_ARE("UInt8", "255", 0, "\xff");
    CONV_BYTES_ARE("Nullable(UInt32)", "7", 0, "\x00\x07\x00\x00\x00");
    CONV_BYTES_ARE("Nullable(UInt32)", NULL, 0, "\x01");
    CONV_BYTES_ARE("Nullable(UInt32)", "4294967296", -1, "\x01");
    CONV_BYTES_ARE("Int64", "-1", 0, "\xff\xff\xff\xff\xff\xff\xff\xff");
    CONV_BYTES_ARE("Float32", "1.5", 0, "\x00\x00\xc0\x3f");
    CONV_BYTES_ARE("Float64", "\"-2\"", 0, "\x00\x00\x00\x00\x00\x00\x00\xc0");
    CONV_BYTES_ARE("Bool", "\"yes\"", 0, "\x01");
    CONV_BYTES_ARE("String", "12.5", 0, "\x04" "12.5");
    CONV_BYTES_ARE("Nullable(String)", "\"a\\u0000b\"", 0, "\x00\x03" "a\0b");
    CONV_BYTES_ARE("DateTime64(6)", "\"2024-04-01T08:00:02.123456Z\"", 0, "\xc0\xc6\x6d\x60\x04\x15\x06\x00");
    CONV_BYTES_ARE("Nullable(DateTime64(6))", "\"bad\"", -1, "\x01");
    CONV_BYTES_ARE("DateTime64(6)", "\"bad\"", -1, "\x00\x00\x00\x00\x00\x00\x00\x00");
    CONV_BYTES_ARE("Array(String)", "[\"ab\", 1]", 0, "\x02\x02" "ab" "\x01" "1");
    CONV_BYTES_ARE("Map(String, String)", "{\"k\": null}", 0, "\x01\x01" "k" "\x00");
    CONV_BYTES_ARE("Map(String, String)", "1", -1, "\x00");
    CONV_BYTES_ARE("Date", "\"2024-02-29\"", 0, "\x46\x4d");                    /* 19782 */
    CONV_BYTES_ARE("Nullable(Date)", "65535", 0, "\x00\xff\xff");
    CONV_BYTES_ARE("Nullable(Date)", "65536", -1, "\x01");
    CONV_BYTES_ARE("Date", "65536", -1, "\x00\x00");
    CONV_BYTES_ARE("Date32", "\"1950-06-15\"", 0, "\x1c\xe4\xff\xff");          /* -7140 */
    CONV_BYTES_ARE("Nullable(Date32)", "\"bad\"", -1, "\x01");
}

/* Missing values need no arena (payload_extract's default rows pass NULL). */
static void test_missing_without_arena(void **state) {
    (void)state;
    static const char *const types[] = {"Nullable(String)", "UInt32", "DateTime64(6)", "String", "Bool"};
    chtype t[5];
    for (int i = 0; i < 5; i++) t[i] = type_of(types[i]);
    res_writer res;
    res_init(&res, &out.w, FMT_TSV, 1, t, 5);
    res_row_begin(&res);
    json_value none;
    memset(&none, 0, sizeof(none));
    for (int i = 0; i < 5; i++) {
        const char *why = NULL;
        assert_int_equal(conv_write(&res, &t[i], &none, NULL, &why), 0);
    }
    assert_int_equal(res_row_end(&res), 5);
    res_free(&res);
    char raw[64];
    take_output(raw, sizeof(raw));
    assert_string_equal(raw, "(NULL,0,0,'',false)\n");
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_string_from_strings),
        cmocka_unit_test(test_string_from_other_json),
        cmocka_unit_test(test_string_missing_and_null),
        cmocka_unit_test(test_string_from_malformed_object),
        cmocka_unit_test(test_containers),
        cmocka_unit_test(test_integer_edges),
        cmocka_unit_test(test_integer_forms),
        cmocka_unit_test(test_integer_errors),
        cmocka_unit_test(test_integer_huge_decimal_is_out_of_range),
        cmocka_unit_test(test_integer_rejects_hex_and_whitespace),
        cmocka_unit_test(test_floats),
        cmocka_unit_test(test_float_errors),
        cmocka_unit_test(test_bools),
        cmocka_unit_test(test_datetime64_iso),
        cmocka_unit_test(test_datetime64_epoch),
        cmocka_unit_test(test_datetime64_missing_and_errors),
        cmocka_unit_test(test_date_day_numbers),
        cmocka_unit_test(test_date_iso_text),
        cmocka_unit_test(test_date_ranges),
        cmocka_unit_test(test_date_missing_and_errors),
        cmocka_unit_test(test_rowbinary_bytes),
        cmocka_unit_test(test_missing_without_arena),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
