/* test_dbz_types.c — unit tests for udf/dbz_types.c.
 *
 * Three layers.  Hand-made schemas pin every conversion rule and edge
 * (signs, scales, pre-epoch dates, durations, placeholders, errors).  Random
 * decimals of up to 300 bytes are checked against a deliberately slow,
 * independent conversion (repeated division of the byte string by ten).
 * Then every captured Debezium message is decoded — with-schema/ with its
 * own schema, plain/ (the same rows, plus a few the trimmed with-schema
 * files dropped) with the schema of the same topic — and compared column by
 * column against literals written from tests/e2e/seed.sql and workload.sql,
 * never against Debezium's encoding of them.  Columns of types that are not
 * decoded must come out byte for byte as they went in. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "arena.h"
#include "dbz_types.h"
#include "debezium.h"
#include "json.h"

/* ---------------------------------------------------------------- helpers */

/* An envelope schema whose before and after are the struct `cols`. */
static char *schema_of(const char *cols) {
    static const char fmt[] =
        "{\"type\":\"struct\",\"fields\":["
        "{\"type\":\"struct\",\"fields\":[%s],\"optional\":true,\"name\":\"t.Value\",\"field\":\"before\"},"
        "{\"type\":\"struct\",\"fields\":[%s],\"optional\":true,\"name\":\"t.Value\",\"field\":\"after\"},"
        "{\"type\":\"string\",\"optional\":false,\"field\":\"op\"}],\"optional\":false,\"name\":\"t.Envelope\"}";
    size_t n = sizeof(fmt) + 2 * strlen(cols);
    char *s = malloc(n);
    snprintf(s, n, fmt, cols, cols);
    return s;
}

/* Both steps of dbz_types.h for one field ("before" or "after"). */
static int decode_image(const json_value *schema, const char *field, const json_value *image, arena *a,
                        const char **out, size_t *out_len, char *err, size_t errcap) {
    const dbzt_table *before, *after;
    *out = "";
    *out_len = 0;
    if (dbzt_tables(schema, a, &before, &after, err, errcap) < 0) return -1;
    return dbzt_decode(strcmp(field, "before") == 0 ? before : after, image, a, out, out_len, err, errcap);
}

/* Decode image text with a schema whose after struct is `cols`; -1 on error (err filled). */
static int decode_with(const char *cols, const char *image, arena *a, char **out, char *err, size_t errcap) {
    char *schema = schema_of(cols);
    json_value s, img;
    json_error jerr;
    const char *o;
    size_t n;
    assert_int_equal(json_open(schema, strlen(schema), &s, &jerr), 0);
    assert_int_equal(json_open(image, strlen(image), &img, &jerr), 0);
    int rc = decode_image(&s, "after", &img, a, &o, &n, err, errcap);
    if (rc == 0) {
        *out = malloc(n + 1);
        memcpy(*out, o, n);
        (*out)[n] = 0;
    }
    free(schema);
    return rc;
}

static void decodes_to(const char *cols, const char *image, const char *want) {
    arena a;
    char *out = NULL, err[200] = "";
    arena_init(&a);
    int rc = decode_with(cols, image, &a, &out, err, sizeof(err));
    if (rc != 0) print_error("decode of %s failed: %s\n", image, err);
    assert_int_equal(rc, 0);
    if (strcmp(out, want) != 0) print_error("image %s\n  got  %s\n  want %s\n", image, out, want);
    assert_string_equal(out, want);
    json_error jerr;
    assert_int_equal(json_validate(out, strlen(out), &jerr), 0);
    free(out);
    arena_free(&a);
}

static void decode_fails(const char *cols, const char *image, const char *reason) {
    arena a;
    char *out = NULL, err[200] = "";
    arena_init(&a);
    int rc = decode_with(cols, image, &a, &out, err, sizeof(err));
    if (rc == 0) print_error("decode of %s accepted: %s\n", image, out);
    assert_int_equal(rc, -1);
    if (!strstr(err, reason)) print_error("error \"%s\" lacks \"%s\"\n", err, reason);
    assert_non_null(strstr(err, reason));
    free(out);
    arena_free(&a);
}

#define COL(type, name, extra) "{\"type\":\"" type "\",\"optional\":true," extra "\"field\":\"" name "\"}"
#define LOGICAL(n) "\"name\":\"" n "\",\"version\":1,"
#define DECIMAL(scale) LOGICAL("org.apache.kafka.connect.data.Decimal") \
    "\"parameters\":{\"scale\":\"" scale "\",\"connect.decimal.precision\":\"12\"},"

/* A one-column schema "x" of the given type, and its one-member image. */
static void value_is(const char *col, const char *value, const char *want) {
    char image[2048], expect[2048];
    snprintf(image, sizeof(image), "{\"x\":%s}", value);
    snprintf(expect, sizeof(expect), "{\"x\":%s}", want);
    decodes_to(col, image, expect);
}

#define DEC4 COL("bytes", "x", DECIMAL("4"))
#define DEC0 COL("bytes", "x", DECIMAL("0"))
#define VSD "{\"type\":\"struct\",\"fields\":[{\"type\":\"int32\",\"optional\":false,\"field\":\"scale\"}," \
            "{\"type\":\"bytes\",\"optional\":false,\"field\":\"value\"}],\"optional\":true," \
            LOGICAL("io.debezium.data.VariableScaleDecimal") "\"field\":\"x\"}"
#define PH "\"__debezium_unavailable_value\""

/* ---------------------------------------------------------------- decimals */

static void test_decimal_fixed_scale(void **state) {
    (void)state;
    value_is(DEC4, "\"ALxhTg==\"", "\"1234.5678\"");
    value_is(DEC4, "\"Bmih\"", "\"42.0001\"");
    value_is(DEC4, "\"/w==\"", "\"-0.0001\"");
    value_is(DEC4, "\"AA==\"", "\"0.0000\"");
    value_is(DEC4, "\"AOjUpQ//\"", "\"99999999.9999\"");
    value_is(DEC4, "\"nA==\"", "\"-0.0100\"");
    value_is(COL("bytes", "x", DECIMAL("2")), "\"WvMQej//\"", "\"999999999999.99\"");
    value_is(COL("bytes", "x", DECIMAL("6")), "\"CcQ=\"", "\"0.002500\"");
    value_is(COL("bytes", "x", DECIMAL("2")), "\"gA==\"", "\"-1.28\"");
    value_is(DEC4, "\"/xNg\"", "\"-6.0576\"");
    value_is(DEC4, "\"7CC0\"", "\"-130.2348\"");
    /* Trailing zeros belong to the column's scale and are kept. */
    value_is(DEC4, "\"AMNQ\"", "\"5.0000\"");
}

static void test_decimal_scale_zero_and_negative(void **state) {
    (void)state;
    value_is(DEC0, "\"AQ==\"", "\"1\"");
    value_is(DEC0, "\"AA==\"", "\"0\"");
    value_is(DEC0, "\"gA==\"", "\"-128\"");
    value_is(DEC0, "\"AIA=\"", "\"128\"");
    value_is(DEC0, "\"//8=\"", "\"-1\"");
    value_is(DEC0, "\"/wAA\"", "\"-65536\"");
    value_is(COL("bytes", "x", DECIMAL("-3")), "\"Bw==\"", "\"7000\"");
    value_is(COL("bytes", "x", DECIMAL("-3")), "\"AA==\"", "\"0\"");
    value_is(COL("bytes", "x", DECIMAL("-2")), "\"+Q==\"", "\"-700\"");
}

static void test_decimal_wide(void **state) {
    (void)state;
    /* Around the 64-bit and 128-bit boundaries; expected values from Python. */
    value_is(DEC0, "\"gAAAAAAAAAA=\"", "\"-9223372036854775808\"");
    value_is(DEC0, "\"AIAAAAAAAAAA\"", "\"9223372036854775808\"");
    value_is(DEC0, "\"/4AAAAAAAAAA\"", "\"-9223372036854775808\"");
    value_is(DEC0, "\"AQAAAAAAAAAA\"", "\"18446744073709551616\"");
    value_is(DEC0, "\"/wAAAAAAAAAA\"", "\"-18446744073709551616\"");
    value_is(DEC0, "\"AIAAAAAAAAAAAAAAAAAAAAA=\"", "\"170141183460469231731687303715884105728\"");
    value_is(DEC0, "\"gAAAAAAAAAAAAAAAAAAAAA==\"", "\"-170141183460469231731687303715884105728\"");
    value_is(DEC0, "\"/3////////////////////8=\"", "\"-170141183460469231731687303715884105729\"");
    value_is(DEC0, "\"SztMqFqGxHoJiiI//////w==\"", "\"99999999999999999999999999999999999999\"");
    value_is(COL("bytes", "x", DECIMAL("38")), "\"tMSzV6V5O4X2dd3AAAAAAQ==\"",
             "\"-0.99999999999999999999999999999999999999\"");
    value_is(COL("bytes", "x", DECIMAL("10")), "\"CHJ/Y2mq+DyhUCZ0evjH8ZbOPwrS\"",
             "\"1234567890123456789012345678901234567890.1234567890\"");
    /* Escaped solidus in the JSON string: decoded before base64. */
    value_is(DEC0, "\"\\/w==\"", "\"-1\"");
    /* Sign-extended (non-minimal) encodings. */
    value_is(DEC0, "\"AAAAAAAAAAAAAAAB\"", "\"1\"");
    value_is(DEC0, "\"////////////////\"", "\"-1\"");
}

static void test_variable_scale_decimal(void **state) {
    (void)state;
    value_is(VSD, "{\"scale\":35,\"value\":\"PIE/ZjbZhPJZW2o3KlPQ\"}", "\"3.14159265358979323846264338327950288\"");
    value_is(VSD, "{\"scale\":12,\"value\":\"+yFnrV5IHNnal0SmRew=\"}", "\"-98765432109876543210.123456789012\"");
    value_is(VSD, "{\"value\":\"AQ==\",\"scale\":20}", "\"0.00000000000000000001\"");
    value_is(VSD, "{\"scale\":0,\"value\":\"AA==\"}", "\"0\"");
    value_is(VSD, "null", "null");
}

/* ------------------------------------------ decimals against a slow reference */

static uint64_t rng_state = 0x9E3779B97F4A7C15ULL;
static uint32_t rng(void) {
    rng_state ^= rng_state << 13;
    rng_state ^= rng_state >> 7;
    rng_state ^= rng_state << 17;
    return (uint32_t)(rng_state >> 16);
}

static void b64_encode(const unsigned char *b, size_t n, char *out) {
    static const char al[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    size_t k = 0;
    for (size_t i = 0; i < n; i += 3) {
        uint32_t v = (uint32_t)b[i] << 16 | (i + 1 < n ? (uint32_t)b[i + 1] << 8 : 0) | (i + 2 < n ? b[i + 2] : 0);
        out[k++] = al[v >> 18 & 63];
        out[k++] = al[v >> 12 & 63];
        out[k++] = i + 1 < n ? al[v >> 6 & 63] : '=';
        out[k++] = i + 2 < n ? al[v & 63] : '=';
    }
    out[k] = 0;
}

/* Exact decimal text of the two's-complement bytes b at `scale`, by long
 * division of the magnitude by 10, one digit at a time. */
static void slow_decimal(const unsigned char *src, size_t n, int scale, char *out) {
    unsigned char b[400];
    char digits[1200];
    size_t nd = 0;
    int neg = src[0] & 0x80;
    memcpy(b, src, n);
    if (neg) {   /* magnitude = ~b + 1 */
        for (size_t i = 0; i < n; i++) b[i] = (unsigned char)~b[i];
        for (size_t i = n; i-- > 0;)
            if (++b[i] != 0) break;
    }
    for (;;) {
        int nonzero = 0;
        unsigned rem = 0;
        for (size_t i = 0; i < n; i++) {
            unsigned cur = rem * 256 + b[i];
            b[i] = (unsigned char)(cur / 10);
            rem = cur % 10;
            nonzero |= b[i];
        }
        digits[nd++] = (char)('0' + rem);
        if (!nonzero) break;
    }
    while ((int)nd <= scale) digits[nd++] = '0';   /* at least one digit before the point */
    size_t k = 0;
    int zero = 1;
    for (size_t i = 0; i < nd; i++) zero &= digits[i] == '0';
    if (neg && !zero) out[k++] = '-';
    for (size_t i = nd; i-- > 0;) {
        out[k++] = digits[i];
        if (scale > 0 && i == (size_t)scale) out[k++] = '.';
    }
    out[k] = 0;
}

static void test_decimal_random_against_reference(void **state) {
    (void)state;
    static const size_t lens[] = {1, 2, 3, 4, 5, 7, 8, 9, 12, 15, 16, 17, 31, 32, 33, 64, 100, 255, 300};
    for (size_t li = 0; li < sizeof(lens) / sizeof(lens[0]); li++) {
        for (int round = 0; round < 40; round++) {
            unsigned char b[300];
            char b64[420], want[1300], value[440], cols[200], scale_text[8];
            size_t n = lens[li];
            for (size_t i = 0; i < n; i++) b[i] = (unsigned char)rng();
            if (round % 5 == 0) b[0] = round % 10 == 0 ? 0x80 : 0x7f;   /* extremes of the width */
            if (round % 7 == 0) memset(b + 1, round % 14 ? 0xff : 0x00, n - 1);
            int scale = (int)(rng() % 45);
            b64_encode(b, n, b64);
            slow_decimal(b, n, scale, want + 1);
            want[0] = '"';
            strcat(want, "\"");
            snprintf(value, sizeof(value), "\"%s\"", b64);
            snprintf(scale_text, sizeof(scale_text), "%d", scale);
            snprintf(cols, sizeof(cols),
                     "{\"type\":\"bytes\",\"name\":\"org.apache.kafka.connect.data.Decimal\","
                     "\"parameters\":{\"scale\":\"%s\"},\"field\":\"x\"}", scale_text);
            value_is(cols, value, want);
        }
    }
}

/* A 2000-byte value: 4817 digits, checked against the reference. */
static void test_decimal_huge(void **state) {
    (void)state;
    size_t n = 2000;
    unsigned char *b = malloc(n);
    char *b64 = malloc(n * 2), *value = malloc(n * 2 + 8), *image = malloc(n * 2 + 16);
    for (size_t i = 0; i < n; i++) b[i] = (unsigned char)rng();
    b[0] |= 0x80;
    b64_encode(b, n, b64);
    /* The reference works on up to 400 bytes; check the head by a second route:
     * the digit count of a 2000-byte value is 4816 or 4817, and the text
     * round-trips through a base-10 -> base-256 conversion. */
    snprintf(value, n * 2 + 8, "\"%s\"", b64);
    arena a;
    char *out = NULL, err[200];
    arena_init(&a);
    snprintf(image, n * 2 + 16, "{\"x\":%s}", value);
    assert_int_equal(decode_with(DEC0, image, &a, &out, err, sizeof(err)), 0);
    const char *d = out + 7;                 /* {"x":"- */
    assert_memory_equal(out, "{\"x\":\"-", 7);
    size_t nd = strlen(d) - 2;               /* drop "} */
    assert_true(nd >= 4816 && nd <= 4817);
    /* Back to two's complement: magnitude in base 256, then negate. */
    unsigned char *back = calloc(n, 1);
    for (size_t i = 0; i < nd; i++) {
        unsigned carry = (unsigned)(d[i] - '0');
        for (size_t j = n; j-- > 0;) {
            unsigned cur = back[j] * 10u + carry;
            back[j] = (unsigned char)cur;
            carry = cur >> 8;
        }
    }
    for (size_t i = 0; i < n; i++) back[i] = (unsigned char)~back[i];
    for (size_t i = n; i-- > 0;)
        if (++back[i] != 0) break;
    assert_memory_equal(back, b, n);
    free(back), free(out), free(b), free(b64), free(value), free(image);
    arena_free(&a);
}

/* ------------------------------------------------------------ dates, times */

#define DATE COL("int32", "x", LOGICAL("io.debezium.time.Date"))
#define CDATE COL("int32", "x", LOGICAL("org.apache.kafka.connect.data.Date"))
#define TIME_MS COL("int32", "x", LOGICAL("io.debezium.time.Time"))
#define TIME_US COL("int64", "x", LOGICAL("io.debezium.time.MicroTime"))
#define TIME_NS COL("int64", "x", LOGICAL("io.debezium.time.NanoTime"))
#define TS_MS COL("int64", "x", LOGICAL("io.debezium.time.Timestamp"))
#define CTS_MS COL("int64", "x", LOGICAL("org.apache.kafka.connect.data.Timestamp"))
#define TS_US COL("int64", "x", LOGICAL("io.debezium.time.MicroTimestamp"))
#define TS_NS COL("int64", "x", LOGICAL("io.debezium.time.NanoTimestamp"))
#define ZONED COL("string", "x", LOGICAL("io.debezium.time.ZonedTimestamp"))

static void test_dates(void **state) {
    (void)state;
    value_is(DATE, "19849", "\"2024-05-06\"");
    value_is(DATE, "0", "\"1970-01-01\"");
    value_is(DATE, "-1", "\"1969-12-31\"");
    value_is(DATE, "-165", "\"1969-07-20\"");
    value_is(DATE, "-25567", "\"1900-01-01\"");
    value_is(DATE, "19782", "\"2024-02-29\"");
    value_is(DATE, "-719528", "\"0000-01-01\"");
    value_is(DATE, "2932896", "\"9999-12-31\"");
    value_is(CDATE, "10956", "\"1999-12-31\"");
    /* Outside four-digit years (PostgreSQL's ±infinity): the number stays. */
    value_is(DATE, "-719529", "-719529");
    value_is(DATE, "2932897", "2932897");
    value_is(DATE, "null", "null");
}

static void test_times(void **state) {
    (void)state;
    value_is(TIME_MS, "25689123", "\"07:08:09.123\"");
    value_is(TIME_US, "25689123456", "\"07:08:09.123456\"");
    value_is(TIME_US, "86399999999", "\"23:59:59.999999\"");
    value_is(TIME_US, "0", "\"00:00:00.000000\"");
    value_is(TIME_US, "86400000000", "\"24:00:00.000000\"");
    value_is(TIME_NS, "1", "\"00:00:00.000000001\"");
    value_is(COL("int32", "x", LOGICAL("org.apache.kafka.connect.data.Time")), "43200000", "\"12:00:00.000\"");
    /* MySQL TIME is a duration: sign and hours beyond 24 are kept. */
    value_is(TIME_US, "-3600000000", "\"-01:00:00.000000\"");
    value_is(TIME_US, "3020399000000", "\"838:59:59.000000\"");
    value_is(TIME_US, "-1", "\"-00:00:00.000001\"");
}

static void test_timestamps(void **state) {
    (void)state;
    value_is(TS_MS, "1714979289123", "\"2024-05-06 07:08:09.123\"");
    value_is(CTS_MS, "0", "\"1970-01-01 00:00:00.000\"");
    value_is(TS_US, "1714979289123456", "\"2024-05-06 07:08:09.123456\"");
    value_is(TS_US, "-1", "\"1969-12-31 23:59:59.999999\"");
    value_is(TS_US, "2147483648000000", "\"2038-01-19 03:14:08.000000\"");
    value_is(TS_US, "-2208988800000000", "\"1900-01-01 00:00:00.000000\"");
    value_is(TS_NS, "1714979289123456789", "\"2024-05-06 07:08:09.123456789\"");
    value_is(TS_NS, "-1", "\"1969-12-31 23:59:59.999999999\"");
    /* PostgreSQL 'infinity' as Debezium writes it: year 294247, number kept. */
    value_is(TS_US, "9223372036825200000", "9223372036825200000");
    value_is(TS_US, "-9223372036832400000", "-9223372036832400000");
}

static void test_zoned_timestamps(void **state) {
    (void)state;
    value_is(ZONED, "\"2024-05-06T05:08:09.123456Z\"", "\"2024-05-06T05:08:09.123456Z\"");
    value_is(ZONED, "\"2024-05-06T07:08:09.123456+02:00\"", "\"2024-05-06T05:08:09.123456Z\"");
    value_is(ZONED, "\"2024-05-06T05:08:09.5-07:30\"", "\"2024-05-06T12:38:09.500000Z\"");
    value_is(ZONED, "\"1970-01-01T00:00:00Z\"", "\"1970-01-01T00:00:00.000000Z\"");
    value_is(ZONED, "\"1900-01-01T00:00:00.000000Z\"", "\"1900-01-01T00:00:00.000000Z\"");
    value_is(ZONED, "\"2024-01-01T00:00:00.123456789Z\"", "\"2024-01-01T00:00:00.123456789Z\"");
    value_is(ZONED, "\"2262-04-11T23:47:16.854775Z\"", "\"2262-04-11T23:47:16.854775Z\"");
    value_is(ZONED, "\"9999-12-31T23:59:59.999999Z\"", "\"9999-12-31T23:59:59.999999Z\"");
    value_is(ZONED, "\"0000-01-01T00:30:00+01:00\"", "\"0000-01-01T00:30:00+01:00\"");   /* before year 0 in UTC */
    value_is(ZONED, "\"infinity\"", "\"infinity\"");
    value_is(ZONED, "\"-infinity\"", "\"-infinity\"");
}

/* ------------------------------------------------------- strings, arrays */

static void test_copied_types(void **state) {
    (void)state;
    static const char cols[] =
        COL("string", "doc", LOGICAL("io.debezium.data.Json")) ","
        COL("string", "uid", LOGICAL("io.debezium.data.Uuid")) ","
        "{\"type\":\"string\",\"optional\":true,\"name\":\"io.debezium.data.Enum\",\"version\":1,"
        "\"parameters\":{\"allowed\":\"sad,ok,happy\"},\"field\":\"mood\"},"
        COL("boolean", "flag", "") "," COL("int64", "big", "") "," COL("double", "dbl", "") ","
        COL("bytes", "bytes", "") "," COL("int64", "span", LOGICAL("io.debezium.time.MicroDuration")) ","
        COL("string", "s", "");
    decodes_to(cols,
               "{\"doc\":\"{\\\"a\\\": 1, \\\"u\\\": \\\"Gr\\u00fc\\u00dfe \\ud83d\\ude00\\\"}\","
               "\"uid\":\"a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11\",\"mood\":\"happy\",\"flag\":false,"
               "\"big\":-9223372036854775808,\"dbl\":1.5E-7,\"bytes\":\"3q2+7wA=\",\"span\":-36558000000000,"
               "\"s\":\"tab\\there \\\\ \\u0001\"}",
               "{\"doc\":\"{\\\"a\\\": 1, \\\"u\\\": \\\"Gr\\u00fc\\u00dfe \\ud83d\\ude00\\\"}\","
               "\"uid\":\"a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11\",\"mood\":\"happy\",\"flag\":false,"
               "\"big\":-9223372036854775808,\"dbl\":1.5E-7,\"bytes\":\"3q2+7wA=\",\"span\":-36558000000000,"
               "\"s\":\"tab\\there \\\\ \\u0001\"}");
    /* NaN / Infinity doubles are strings in Debezium JSON: unchanged. */
    value_is(COL("double", "x", ""), "\"NaN\"", "\"NaN\"");
}

#define TEXT_ARRAY "{\"type\":\"array\",\"items\":{\"type\":\"string\",\"optional\":true},\"optional\":true,\"field\":\"x\"}"
#define INT_ARRAY "{\"type\":\"array\",\"items\":{\"type\":\"int32\",\"optional\":true},\"optional\":true,\"field\":\"x\"}"
#define UUID_ARRAY "{\"type\":\"array\",\"items\":{\"type\":\"string\",\"optional\":true," \
    LOGICAL("io.debezium.data.Uuid") "\"x\":0},\"optional\":true,\"field\":\"x\"}"
#define DATE_ARRAY "{\"type\":\"array\",\"items\":{\"type\":\"int32\",\"optional\":true," \
    LOGICAL("io.debezium.time.Date") "\"x\":0},\"optional\":true,\"field\":\"x\"}"
#define DEC_ARRAY "{\"type\":\"array\",\"items\":{\"type\":\"bytes\",\"optional\":true," \
    DECIMAL("2") "\"x\":0},\"optional\":true,\"field\":\"x\"}"
#define VSD_ARRAY "{\"type\":\"array\",\"items\":{\"type\":\"struct\",\"optional\":true," \
    LOGICAL("io.debezium.data.VariableScaleDecimal") "\"x\":0},\"optional\":true,\"field\":\"x\"}"
#define ZONED_ARRAY "{\"type\":\"array\",\"items\":{\"type\":\"string\",\"optional\":true," \
    LOGICAL("io.debezium.time.ZonedTimestamp") "\"x\":0},\"optional\":true,\"field\":\"x\"}"
#define NESTED_ARRAY "{\"type\":\"array\",\"items\":{\"type\":\"array\",\"items\":{\"type\":\"int32\"," \
    LOGICAL("io.debezium.time.Date") "\"x\":0}},\"optional\":true,\"field\":\"x\"}"

static void test_arrays(void **state) {
    (void)state;
    value_is(TEXT_ARRAY, "[\"with,comma\",\"with \\\"quote\\\"\",null,\"\"]",
             "[\"with,comma\",\"with \\\"quote\\\"\",null,\"\"]");
    value_is(TEXT_ARRAY, "[]", "[]");
    value_is(TEXT_ARRAY, "[ \"a\" , \"b\" ]", "[\"a\",\"b\"]");
    value_is(INT_ARRAY, "[1,-2,3]", "[1,-2,3]");
    value_is(DATE_ARRAY, "[19849,null,-165]", "[\"2024-05-06\",null,\"1969-07-20\"]");
    value_is(DEC_ARRAY, "[\"AQ==\",\"nA==\",null]", "[\"0.01\",\"-1.00\",null]");
    value_is(VSD_ARRAY, "[{\"scale\":1,\"value\":\"Dw==\"},{\"scale\":0,\"value\":\"/w==\"}]", "[\"1.5\",\"-1\"]");
    value_is(ZONED_ARRAY, "[\"2024-05-06T07:08:09+02:00\"]", "[\"2024-05-06T05:08:09.000000Z\"]");
    /* Arrays of arrays are copied: no descent below one level. */
    value_is(NESTED_ARRAY, "[[1,2],[3]]", "[[1,2],[3]]");
    value_is(TEXT_ARRAY, "null", "null");
}

/* ------------------------------------------------------------ placeholder */

static void test_placeholder(void **state) {
    (void)state;
    /* The string itself, in any column, whatever its type. */
    value_is(COL("string", "x", ""), PH, PH);
    value_is(COL("string", "x", LOGICAL("io.debezium.data.Json")), PH, PH);
    value_is(DEC4, PH, PH);
    value_is(VSD, PH, PH);
    value_is(DATE, PH, PH);
    value_is(TS_US, PH, PH);
    value_is(ZONED, PH, PH);
    /* Escaped spelling of the same string. */
    value_is(DEC4, "\"\\u005f_debezium_unavailable_value\"", PH);
    /* bytea and Decimal: base64 of the placeholder's bytes. */
    value_is(COL("bytes", "x", ""), "\"X19kZWJleml1bV91bmF2YWlsYWJsZV92YWx1ZQ==\"", PH);
    value_is(DEC4, "\"X19kZWJleml1bV91bmF2YWlsYWJsZV92YWx1ZQ==\"", PH);
    /* ...but a plain string column holding that base64 text is a string. */
    value_is(COL("string", "x", ""), "\"X19kZWJleml1bV91bmF2YWlsYWJsZV92YWx1ZQ==\"",
             "\"X19kZWJleml1bV91bmF2YWlsYWJsZV92YWx1ZQ==\"");
    /* Arrays: text[] / uuid[] one element, int[] the bytes. */
    value_is(TEXT_ARRAY, "[" PH "]", PH);
    value_is(UUID_ARRAY, "[\"b68a35a7-17ad-35b3-af2a-ae46edb4545a\"]", PH);
    value_is(INT_ARRAY,
             "[95,95,100,101,98,101,122,105,117,109,95,117,110,97,118,97,105,108,97,98,108,101,95,118,97,108,117,101]",
             PH);
    value_is(TEXT_ARRAY, PH, PH);
    /* Not placeholders: a longer text[], a shorter or different int[]. */
    value_is(TEXT_ARRAY, "[" PH ",\"x\"]", "[" PH ",\"x\"]");
    value_is(INT_ARRAY, "[95,95,100]", "[95,95,100]");
    value_is(INT_ARRAY,
             "[95,95,100,101,98,101,122,105,117,109,95,117,110,97,118,97,105,108,97,98,108,101,95,118,97,108,117,102]",
             "[95,95,100,101,98,101,122,105,117,109,95,117,110,97,118,97,105,108,97,98,108,101,95,118,97,108,117,102]");
}

/* -------------------------------------------------- image shape and errors */

static void test_image_shape(void **state) {
    (void)state;
    static const char cols[] = COL("int32", "id", "") "," COL("int32", "d", LOGICAL("io.debezium.time.Date")) ","
                               COL("int32", "k\\\"ey", LOGICAL("io.debezium.time.Date"));
    /* Members out of schema order, an unknown member, an escaped key, nulls. */
    decodes_to(cols, "{\"extra\":{\"d\":1},\"k\\\"ey\":1,\"d\":0,\"id\":7,\"n\":null}",
               "{\"extra\":{\"d\":1},\"k\\\"ey\":\"1970-01-02\",\"d\":\"1970-01-01\",\"id\":7,\"n\":null}");
    decodes_to(cols, "{}", "{}");
    /* Whitespace between members is dropped, member text is not. */
    decodes_to(cols, "{ \"id\" : 1 , \"d\" : 2 }", "{\"id\":1,\"d\":\"1970-01-03\"}");

    /* No decodable column: the image itself, untouched. */
    decodes_to(COL("int32", "id", ""), "{ \"id\" : 1 }", "{ \"id\" : 1 }");

    /* Absent / null image and missing schema. */
    arena a;
    arena_init(&a);
    json_value none = {0}, nul, schema, img;
    json_error jerr;
    const char *out;
    size_t n;
    char err[200];
    assert_int_equal(json_open("null", 4, &nul, &jerr), 0);
    assert_int_equal(json_open("{\"a\":1}", 7, &img, &jerr), 0);
    assert_int_equal(dbzt_decode(NULL, &none, &a, &out, &n, err, sizeof(err)), 0);
    assert_int_equal(n, 0);
    assert_int_equal(dbzt_decode(NULL, &nul, &a, &out, &n, err, sizeof(err)), 0);
    assert_int_equal(n, 0);
    assert_int_equal(dbzt_decode(NULL, &img, &a, &out, &n, err, sizeof(err)), 0);
    assert_int_equal(n, 7);
    assert_memory_equal(out, "{\"a\":1}", 7);
    assert_int_equal(json_open("{\"type\":\"struct\"}", 17, &schema, &jerr), 0);
    const dbzt_table *b = (const dbzt_table *)&a, *af = (const dbzt_table *)&a;
    assert_int_equal(dbzt_tables(&schema, &a, &b, &af, err, sizeof(err)), 0);
    assert_null(b);
    assert_null(af);
    assert_int_equal(dbzt_tables(&none, &a, &b, &af, err, sizeof(err)), 0);
    assert_null(af);
    arena_free(&a);
}

static void test_errors(void **state) {
    (void)state;
    decode_fails(DEC4, "{\"x\":12}", "column \"x\": Decimal value is not a base64 string");
    decode_fails(DEC4, "{\"x\":\"@@@=\"}", "Decimal value is not valid base64");
    decode_fails(DEC4, "{\"x\":\"A\"}", "Decimal value is not valid base64");
    decode_fails(DEC4, "{\"x\":\"\"}", "Decimal value has no bytes");
    decode_fails(VSD, "{\"x\":{\"value\":\"AQ==\"}}", "VariableScaleDecimal without a usable scale");
    decode_fails(VSD, "{\"x\":{\"scale\":1}}", "VariableScaleDecimal without a base64 value");
    decode_fails(VSD, "{\"x\":{\"scale\":99999,\"value\":\"AQ==\"}}", "VariableScaleDecimal without a usable scale");
    decode_fails(VSD, "{\"x\":\"1.5\"}", "VariableScaleDecimal value is not an object");
    decode_fails(DATE, "{\"x\":\"2024-01-01\"}", "Date value is not an integer");
    decode_fails(DATE, "{\"x\":1.5}", "Date value is not an integer");
    decode_fails(TIME_US, "{\"x\":true}", "Time value is not an integer");
    decode_fails(TS_US, "{\"x\":99999999999999999999}", "Timestamp value is not an integer");
    decode_fails(ZONED, "{\"x\":1}", "ZonedTimestamp value is not a string");
    decode_fails(DATE_ARRAY, "{\"x\":[1,\"a\"]}", "column \"x\": Date value is not an integer");
    /* A Decimal needs its scale: without one, only null can be written. */
    decode_fails(COL("bytes", "x", LOGICAL("org.apache.kafka.connect.data.Decimal")), "{\"x\":\"AQ==\"}",
                 "column \"x\": Decimal schema without a usable scale parameter");
    decode_fails(COL("bytes", "x", DECIMAL("abc")), "{\"x\":\"AQ==\"}", "Decimal schema without a usable scale");
    decode_fails(COL("bytes", "x", DECIMAL("40000")), "{\"x\":\"AQ==\"}", "Decimal schema without a usable scale");
    value_is(COL("bytes", "x", LOGICAL("org.apache.kafka.connect.data.Decimal")), "null", "null");
    /* Malformed JSON in the schema or the image. */
    arena a;
    arena_init(&a);
    json_value sch, img;
    json_error jerr;
    const char *out;
    size_t n;
    char err[200];
    static const char bad_schema[] = "{\"fields\":[{\"fields\":[{\"field\":\"x\",}],\"field\":\"after\"}]}";
    assert_int_equal(json_open(bad_schema, strlen(bad_schema), &sch, &jerr), 0);
    assert_int_equal(json_open("{\"x\":1}", 7, &img, &jerr), 0);
    assert_int_equal(decode_image(&sch, "after", &img, &a, &out, &n, err, sizeof(err)), -1);
    assert_non_null(strstr(err, "invalid JSON in schema"));
    static const char bad_image[] = "{\"x\":1,\"y\":[1,}";
    char *cols = schema_of(DATE);
    assert_int_equal(json_open(cols, strlen(cols), &sch, &jerr), 0);
    assert_int_equal(json_open(bad_image, strlen(bad_image), &img, &jerr), 0);
    assert_int_equal(decode_image(&sch, "after", &img, &a, &out, &n, err, sizeof(err)), -1);
    assert_non_null(strstr(err, "invalid JSON in image"));
    free(cols);
    arena_free(&a);
}

/* ------------------------------------------------------------ the fixtures */

typedef struct messages {
    char **text;
    size_t *len;
    size_t count;
} messages;

static char *slurp(const char *path, size_t *len) {
    FILE *f = fopen(path, "rb");
    if (!f) print_error("cannot open %s\n", path);
    assert_non_null(f);
    fseek(f, 0, SEEK_END);
    long n = ftell(f);
    fseek(f, 0, SEEK_SET);
    char *buf = malloc((size_t)n + 1);
    assert_int_equal(fread(buf, 1, (size_t)n, f), (size_t)n);
    fclose(f);
    buf[n] = 0;
    *len = (size_t)n;
    return buf;
}

/* Every record's value (tombstones skipped) of one JSONL fixture. */
static void load_messages(const char *path, messages *m) {
    size_t len;
    char *buf = slurp(path, &len);
    arena a;
    arena_init(&a);
    memset(m, 0, sizeof(*m));
    for (char *line = buf, *nl; line < buf + len; line = nl + 1) {
        nl = memchr(line, '\n', (size_t)(buf + len - line));
        if (!nl) nl = buf + len;
        if (nl == line) continue;
        json_value root, v;
        json_error jerr;
        const char *s;
        size_t n;
        assert_int_equal(json_open(line, (size_t)(nl - line), &root, &jerr), 0);
        assert_int_equal(json_find(&root, "value", 5, &v, &jerr), JSON_FOUND);
        if (v.type != JSON_STRING) continue;
        assert_int_equal(json_string(&v, &a, &s, &n, &jerr), 0);
        m->text = realloc(m->text, (m->count + 1) * sizeof(*m->text));
        m->len = realloc(m->len, (m->count + 1) * sizeof(*m->len));
        m->text[m->count] = malloc(n + 1);
        memcpy(m->text[m->count], s, n);
        m->text[m->count][n] = 0;
        m->len[m->count++] = n;
    }
    arena_free(&a);
    free(buf);
}

static void free_messages(messages *m) {
    for (size_t i = 0; i < m->count; i++) free(m->text[i]);
    free(m->text);
    free(m->len);
}

/* Expected column values, written from the SQL that made the rows. */
typedef struct expect {
    const char *table;
    char op;              /* the image checked: before for 'd', else after */
    const char *id;       /* the row's "id" member, JSON text */
    const char *col;
    const char *json;     /* the decoded value, JSON text */
    int hits;
} expect;

#define U "\"6f0a4c2e-1111-4a5b-8c9d-00000000000"
static expect expects[] = {
    /* type_zoo row 1 (seed): ordinary values */
    {"type_zoo", 'r', "1", "num_fixed", "\"1234.5678\"", 0},
    {"type_zoo", 'r', "1", "num_free", "\"3.14159265358979323846264338327950288\"", 0},
    {"type_zoo", 'r', "1", "ts", "\"2024-05-06 07:08:09.123456\"", 0},
    {"type_zoo", 'r', "1", "ts_tz", "\"2024-05-06T05:08:09.123456Z\"", 0},        /* +02 */
    {"type_zoo", 'r', "1", "d", "\"2024-05-06\"", 0},
    {"type_zoo", 'r', "1", "t", "\"07:08:09.123456\"", 0},
    {"type_zoo", 'r', "1", "doc", "\"{\\\"a\\\": 1, \\\"b\\\": [true, null, 2.5], \\\"c\\\": {\\\"d\\\": \\\"e\\\"}}\"", 0},
    {"type_zoo", 'r', "1", "uid", "\"a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11\"", 0},
    {"type_zoo", 'r', "1", "flag", "true", 0},
    {"type_zoo", 'r', "1", "tags", "[\"red\",\"green\"]", 0},
    {"type_zoo", 'r', "1", "mood", "\"happy\"", 0},
    {"type_zoo", 'r', "1", "small", "1", 0},
    {"type_zoo", 'r', "1", "big", "9007199254740993", 0},
    {"type_zoo", 'r', "1", "dbl", "0.1", 0},
    {"type_zoo", 'r', "1", "bytes", "\"3q2+7wA=\"", 0},                            /* \xdeadbeef00 */
    {"type_zoo", 'r', "1", "span", "93784500000", 0},
    /* workload T2: big_text not touched -> TOAST placeholder */
    {"type_zoo", 'u', "1", "num_fixed", "\"42.0001\"", 0},
    {"type_zoo", 'u', "1", "flag", "false", 0},
    {"type_zoo", 'u', "1", "tags", "[\"red\",\"green\",\"blue\"]", 0},
    {"type_zoo", 'u', "1", "big_text", PH, 0},
    /* row 2: negatives, pre-epoch, NaN, escapes */
    {"type_zoo", 'r', "2", "num_fixed", "\"-0.0001\"", 0},
    {"type_zoo", 'r', "2", "num_free", "\"-98765432109876543210.123456789012\"", 0},
    {"type_zoo", 'r', "2", "ts", "\"1969-12-31 23:59:59.999999\"", 0},
    {"type_zoo", 'r', "2", "ts_tz", "\"1900-01-01T00:00:00.000000Z\"", 0},
    {"type_zoo", 'r', "2", "d", "\"1969-07-20\"", 0},
    {"type_zoo", 'r', "2", "t", "\"23:59:59.999999\"", 0},
    {"type_zoo", 'r', "2", "uid", "\"00000000-0000-0000-0000-000000000000\"", 0},
    {"type_zoo", 'r', "2", "flag", "false", 0},
    {"type_zoo", 'r', "2", "tags", "[\"with,comma\",\"with \\\"quote\\\"\",null,\"\"]", 0},
    {"type_zoo", 'r', "2", "mood", "\"sad\"", 0},
    {"type_zoo", 'r', "2", "small", "-32768", 0},
    {"type_zoo", 'r', "2", "big", "-9223372036854775808", 0},
    {"type_zoo", 'r', "2", "dbl", "\"NaN\"", 0},
    {"type_zoo", 'r', "2", "bytes", "\"\"", 0},
    {"type_zoo", 'r', "2", "big_text", "\"tab\\there, newline\\nthere, backslash \\\\ and a NUL-free control \\u0001 char\"", 0},
    /* workload T3 */
    {"type_zoo", 'u', "2", "mood", "\"ok\"", 0},
    {"type_zoo", 'u', "2", "num_free", "\"-98765432109876543210.123456789012\"", 0},
    /* row 3: all NULL, and its delete (before) */
    {"type_zoo", 'r', "3", "num_fixed", "null", 0},
    {"type_zoo", 'r', "3", "num_free", "null", 0},
    {"type_zoo", 'r', "3", "ts", "null", 0},
    {"type_zoo", 'r', "3", "ts_tz", "null", 0},
    {"type_zoo", 'r', "3", "d", "null", 0},
    {"type_zoo", 'r', "3", "t", "null", 0},
    {"type_zoo", 'r', "3", "tags", "null", 0},
    {"type_zoo", 'r', "3", "bytes", "null", 0},
    {"type_zoo", 'd', "3", "num_fixed", "null", 0},
    {"type_zoo", 'd', "3", "ts_tz", "null", 0},
    /* row 4 (plain only): zeros and empties */
    {"type_zoo", 'r', "4", "num_fixed", "\"0.0000\"", 0},
    {"type_zoo", 'r', "4", "num_free", "\"0\"", 0},
    {"type_zoo", 'r', "4", "ts", "\"2000-01-01 00:00:00.000000\"", 0},
    {"type_zoo", 'r', "4", "ts_tz", "\"2000-01-01T00:00:00.000000Z\"", 0},
    {"type_zoo", 'r', "4", "d", "\"2000-01-01\"", 0},
    {"type_zoo", 'r', "4", "t", "\"00:00:00.000000\"", 0},
    {"type_zoo", 'r', "4", "doc", "\"[]\"", 0},
    {"type_zoo", 'r', "4", "uid", "\"ffffffff-ffff-ffff-ffff-ffffffffffff\"", 0},
    {"type_zoo", 'r', "4", "tags", "[]", 0},
    {"type_zoo", 'r', "4", "dbl", "\"-Infinity\"", 0},
    {"type_zoo", 'r', "4", "bytes", "\"AA==\"", 0},
    {"type_zoo", 'r', "4", "big_text", "\"\"", 0},
    /* row 5 (workload T4): far edges */
    {"type_zoo", 'c', "5", "num_fixed", "\"99999999.9999\"", 0},
    {"type_zoo", 'c', "5", "num_free", "\"0.00000000000000000001\"", 0},
    {"type_zoo", 'c', "5", "ts", "\"2038-01-19 03:14:08.000000\"", 0},
    {"type_zoo", 'c', "5", "ts_tz", "\"2262-04-11T23:47:16.854775Z\"", 0},
    {"type_zoo", 'c', "5", "d", "\"9999-12-31\"", 0},
    {"type_zoo", 'c', "5", "t", "\"12:00:00.000000\"", 0},
    {"type_zoo", 'c', "5", "tags", "[\"x\"]", 0},
    {"type_zoo", 'c', "5", "mood", "\"happy\"", 0},
    {"type_zoo", 'c', "5", "small", "32767", 0},
    {"type_zoo", 'c', "5", "big", "9223372036854775807", 0},
    {"type_zoo", 'c', "5", "dbl", "\"Infinity\"", 0},
    {"type_zoo", 'c', "5", "bytes", "\"AQL/\"", 0},
    {"type_zoo", 'c', "5", "big_text", "\"short text, stored inline\"", 0},
    /* campaign: numeric(14,2), numeric(10,4), dates */
    {"campaign", 'r', "11", "daily_budget", "\"0.01\"", 0},
    {"campaign", 'r', "11", "cpm_bid", "\"0.0001\"", 0},
    {"campaign", 'r', "11", "start_date", "\"2024-01-01\"", 0},
    {"campaign", 'r', "11", "end_date", "null", 0},
    {"campaign", 'r', "11", "created_at", "\"2024-01-01T00:00:00.000000Z\"", 0},
    {"campaign", 'r', "11", "name", "\"brand \\\"lift\\\"\"", 0},
    {"campaign", 'r', "12", "daily_budget", "\"999999999999.99\"", 0},
    {"campaign", 'r', "12", "cpm_bid", "\"123456.7890\"", 0},
    {"campaign", 'r', "12", "start_date", "\"1999-12-31\"", 0},
    {"campaign", 'r', "12", "end_date", "\"2099-12-31\"", 0},
    {"campaign", 'r', "12", "created_at", "\"2023-12-31T23:59:59.999999Z\"", 0},
    {"campaign", 'u', "11", "daily_budget", "\"250.76\"", 0},                     /* 0.01 + 250.75 */
    {"campaign", 'u', "11", "cpm_bid", "\"3.1416\"", 0},
    {"campaign", 'u', "11", "status", "\"active\"", 0},
    /* impressions: numeric(12,6), uuid */
    {"impressions", 'r', "100", "cost", "\"0.002500\"", 0},
    {"impressions", 'r', "100", "shown_at", "\"2024-03-02T12:00:00.000001Z\"", 0},
    {"impressions", 'r', "100", "request_id", "\"0b6f6a3e-5d1c-4f5b-9a55-0e6f1d7d0001\"", 0},
    {"impressions", 'r', "102", "cost", "\"123.456789\"", 0},
    {"impressions", 'r', "102", "user_id", "null", 0},
    {"impressions", 'c', "103", "cost", "\"0.000001\"", 0},
    {"impressions", 'c', "201", "cost", "\"0.001000\"", 0},                       /* round(0.001 * 1, 6) */
    {"impressions", 'c', "201", "shown_at", "\"2024-04-04T00:00:01.000000Z\"", 0},
    /* clicks: numeric(10,4), a negative one, and a delete's before */
    {"clicks", 'r', "1000", "cpc", "\"0.3500\"", 0},
    {"clicks", 'r', "1000", "clicked_at", "\"2024-03-02T12:00:05.000000Z\"", 0},
    {"clicks", 'r', "1001", "cpc", "\"-0.0100\"", 0},
    {"clicks", 'c', "1002", "cpc", "\"1.2345\"", 0},
    /* REPLICA IDENTITY DEFAULT: Debezium fills NOT NULL non-key columns of a
     * delete's before with type defaults (0, "", epoch) — decoded as such. */
    {"clicks", 'd', "1001", "cpc", "\"0.0000\"", 0},
    {"clicks", 'd', "1001", "clicked_at", "\"1970-01-01T00:00:00.000000Z\"", 0},
    {"advertiser", 'r', "1", "created_at", "\"2024-01-02T03:04:05.123456Z\"", 0},
    {"advertiser", 'r', "1", "is_active", "true", 0},
    {"advertiser", 'u', "2", "is_active", "true", 0},
    {"advertiser", 'u', "2", "created_at", "\"2024-02-29T23:59:59.000000Z\"", 0},
    {"assignments", 'r', "1", "assigned_at", "\"2024-04-01T08:00:00.000000Z\"", 0},
    {"assignments", 'r', "2", "assigned_at", "\"2024-04-01T08:00:01.500000Z\"", 0},
    {"assignments", 'c', "5", "assigned_at", "\"2024-04-02T09:00:00.000001Z\"", 0},
    {"assignments", 'c', "5", "variant_key", "\"v\\\\backslash\"", 0},
    {"assignments", 'd', "3", "assigned_at", "\"1970-01-01T00:00:00.000000Z\"", 0},
    {"events", 'r', "2", "value", "19.99", 0},
    {"events", 'r', "2", "occurred_at", "\"2024-04-01T08:02:00.000000Z\"", 0},
    {"events", 'r', "2", "properties", "\"{\\\"page\\\": \\\"/checkout\\\", \\\"items\\\": [1, 2], \\\"device\\\": \\\"web\\\"}\"", 0},
    {"events", 'c', "3", "value", "1.5E-7", 0},
    {"events", 'c', "4", "session_id", "\"sess-9\"", 0},                          /* column added mid-stream */
    {"outbox_events", 'r', U "1\"", "created_at", "\"2024-04-01T08:00:30.000000Z\"", 0},
    {"outbox_events", 'd', U "1\"", "created_at", "\"1970-01-01T00:00:00.000000Z\"", 0},
};

/* Columns whose text may differ from the input; all others must not. */
static const char *const decoded_cols[][6] = {
    {"type_zoo", "num_fixed", "num_free", "ts", "d", "t"},   /* ts_tz, tags, big_text, bytes: as Debezium wrote them here */
    {"campaign", "daily_budget", "cpm_bid", "start_date", "end_date", NULL},
    {"impressions", "cost", NULL},
    {"clicks", "cpc", "clicked_at", NULL},
    {"assignments", "assigned_at", NULL},
    {"outbox_events", "created_at", NULL},
    {"advertiser", NULL},
    {"events", NULL},
};

static int may_change(const char *table, const json_value *key) {
    for (size_t i = 0; i < sizeof(decoded_cols) / sizeof(decoded_cols[0]); i++) {
        if (strcmp(decoded_cols[i][0], table) != 0) continue;
        for (size_t j = 1; j < 6 && decoded_cols[i][j]; j++)
            if (json_key_equals(key, decoded_cols[i][j], strlen(decoded_cols[i][j]))) return 1;
    }
    return 0;
}

static int raw_equal(const json_value *v, const char *text) {
    return json_raw_len(v) == strlen(text) && memcmp(v->start, text, strlen(text)) == 0;
}

/* Output vs input image: same keys in the same order, undecoded columns
 * byte-identical, decoded ones strings or null; then the expectations. */
static void check_image(const char *table, char op, const json_value *in_img, const char *out, size_t n, int *checked) {
    json_value in = *in_img, got, ki, vi, ko, vo;
    json_iter iti, ito;
    json_error jerr;
    assert_int_equal(json_validate(out, n, &jerr), 0);
    assert_int_equal(json_open(out, n, &got, &jerr), 0);
    assert_int_equal(json_iter_init(&iti, &in, &jerr), 0);
    assert_int_equal(json_iter_init(&ito, &got, &jerr), 0);
    json_value id = {0};
    for (;;) {
        int ri = json_iter_member(&iti, &ki, &vi), ro = json_iter_member(&ito, &ko, &vo);
        assert_int_equal(ri, ro);
        if (ri == 0) break;
        assert_int_equal(ri, 1);
        assert_int_equal(json_raw_len(&ki), json_raw_len(&ko));
        assert_memory_equal(ki.start, ko.start, json_raw_len(&ki));
        assert_int_equal(json_finish(&vi, &jerr), 0);
        assert_int_equal(json_finish(&vo, &jerr), 0);
        int same = json_raw_len(&vi) == json_raw_len(&vo) && memcmp(vi.start, vo.start, json_raw_len(&vi)) == 0;
        if (!same && !may_change(table, &ki))
            print_error("%s: column %.*s changed: %.*s -> %.*s\n", table, (int)json_raw_len(&ki), ki.start,
                        (int)json_raw_len(&vi), vi.start, (int)json_raw_len(&vo), vo.start);
        assert_true(same || may_change(table, &ki));
        if (!same) assert_true(vo.type == JSON_STRING || vo.type == JSON_NULL);
        if (json_key_equals(&ki, "id", 2)) id = vo;
        json_iter_resume(&iti, &vi);
        json_iter_resume(&ito, &vo);
    }
    assert_int_not_equal(id.type, JSON_NONE);
    for (size_t i = 0; i < sizeof(expects) / sizeof(expects[0]); i++) {
        expect *e = &expects[i];
        if (strcmp(e->table, table) != 0 || e->op != op || !raw_equal(&id, e->id)) continue;
        json_value v;
        assert_int_equal(json_find(&got, e->col, strlen(e->col), &v, &jerr), JSON_FOUND);
        assert_int_equal(json_finish(&v, &jerr), 0);
        if (!raw_equal(&v, e->json))
            print_error("%s %c id=%s %s: got %.*s, want %s\n", table, op, e->id, e->col, (int)json_raw_len(&v),
                        v.start, e->json);
        assert_true(raw_equal(&v, e->json));
        e->hits++;
        (*checked)++;
    }
}

/* Decode every change of `m` with `schema` (or each message's own when NULL). */
static int check_messages(const char *table, const messages *m, const json_value *schema) {
    int checked = 0;
    arena a;
    arena_init(&a);
    for (size_t i = 0; i < m->count; i++) {
        dbz_event ev;
        const dbzt_table *tb, *ta;
        char err[200] = "";
        const char *out;
        size_t n;
        arena_reset(&a);
        if (dbz_decode(m->text[i], m->len[i], &a, &ev) != DBZ_CHANGE || ev.op == 't') continue;
        const json_value *s = schema ? schema : &ev.schema;
        assert_int_equal(s->type, JSON_OBJECT);
        assert_int_equal(dbzt_tables(s, &a, &tb, &ta, err, sizeof(err)), 0);
        assert_non_null(tb);
        assert_non_null(ta);
        const json_value *img = ev.op == 'd' ? &ev.before : &ev.after;
        const dbzt_table *t = ev.op == 'd' ? tb : ta;
        int rc = dbzt_decode(t, img, &a, &out, &n, err, sizeof(err));
        if (rc != 0) print_error("%s message %zu: %s\n", table, i, err);
        assert_int_equal(rc, 0);
        check_image(table, ev.op, img, out, n, &checked);
        /* The other image: null here (REPLICA IDENTITY DEFAULT) -> "". */
        const json_value *other = ev.op == 'd' ? &ev.after : &ev.before;
        assert_int_equal(dbzt_decode(ev.op == 'd' ? ta : tb, other, &a, &out, &n, err, sizeof(err)), 0);
        if (other->type != JSON_OBJECT) assert_int_equal(n, 0);
    }
    arena_free(&a);
    return checked;
}

static const char *const fixture_tables[] = {
    "type_zoo", "campaign", "impressions", "clicks", "advertiser", "assignments", "events", "outbox_events",
};

static void test_fixtures(void **state) {
    (void)state;
    for (size_t i = 0; i < sizeof(expects) / sizeof(expects[0]); i++) expects[i].hits = 0;
    for (size_t t = 0; t < sizeof(fixture_tables) / sizeof(fixture_tables[0]); t++) {
        char path[1024];
        messages ws, pl;
        snprintf(path, sizeof(path), "%s/debezium/with-schema/dbz.public.%s.jsonl", FIXTURES_DIR, fixture_tables[t]);
        load_messages(path, &ws);
        snprintf(path, sizeof(path), "%s/debezium/plain/dbzplain.public.%s.jsonl", FIXTURES_DIR, fixture_tables[t]);
        load_messages(path, &pl);
        assert_true(ws.count > 0);
        int n_ws = check_messages(fixture_tables[t], &ws, NULL);

        /* plain/: the same topic's rows, decoded with the newest schema seen. */
        arena sa;
        arena_init(&sa);
        dbz_event last;
        assert_int_equal(dbz_decode(ws.text[ws.count - 1], ws.len[ws.count - 1], &sa, &last), DBZ_CHANGE);
        int n_pl = check_messages(fixture_tables[t], &pl, &last.schema);
        arena_free(&sa);
        assert_true(n_ws > 0 && n_pl > 0);
        free_messages(&ws);
        free_messages(&pl);
    }
    for (size_t i = 0; i < sizeof(expects) / sizeof(expects[0]); i++) {
        if (!expects[i].hits)
            print_error("never checked: %s %c id=%s %s\n", expects[i].table, expects[i].op, expects[i].id,
                        expects[i].col);
        assert_int_not_equal(expects[i].hits, 0);
    }
}

/* A with-schema message's before and after share one table; the schema of
 * an image that has its own struct gets its own. */
static void test_tables_shared(void **state) {
    (void)state;
    messages ws;
    char path[1024];
    snprintf(path, sizeof(path), "%s/debezium/with-schema/dbz.public.type_zoo.jsonl", FIXTURES_DIR);
    load_messages(path, &ws);
    arena a;
    arena_init(&a);
    dbz_event ev;
    const dbzt_table *tb, *ta;
    char err[200];
    assert_int_equal(dbz_decode(ws.text[0], ws.len[0], &a, &ev), DBZ_CHANGE);
    assert_int_equal(dbzt_tables(&ev.schema, &a, &tb, &ta, err, sizeof(err)), 0);
    assert_ptr_equal(tb, ta);
    const char *o1;
    size_t n1;
    arena_free(&a);
    free_messages(&ws);

    char *s = schema_of(COL("int32", "d", LOGICAL("io.debezium.time.Date")));
    /* Make the before struct differ: rename its column. */
    char *p = strstr(s, "\"field\":\"d\"");
    p[9] = 'e';
    json_value sv, img;
    json_error jerr;
    arena_init(&a);
    assert_int_equal(json_open(s, strlen(s), &sv, &jerr), 0);
    assert_int_equal(dbzt_tables(&sv, &a, &tb, &ta, err, sizeof(err)), 0);
    assert_ptr_not_equal(tb, ta);
    assert_int_equal(json_open("{\"d\":1,\"e\":1}", 13, &img, &jerr), 0);
    assert_int_equal(dbzt_decode(tb, &img, &a, &o1, &n1, err, sizeof(err)), 0);
    assert_int_equal(n1, strlen("{\"d\":1,\"e\":\"1970-01-02\"}"));
    assert_memory_equal(o1, "{\"d\":1,\"e\":\"1970-01-02\"}", n1);
    assert_int_equal(dbzt_decode(ta, &img, &a, &o1, &n1, err, sizeof(err)), 0);
    assert_memory_equal(o1, "{\"d\":\"1970-01-02\",\"e\":1}", n1);
    arena_free(&a);
    free(s);

    /* Another struct first (read, then dropped), after before before. */
    static const char other_first[] =
        "{\"type\":\"struct\",\"fields\":["
        "{\"type\":\"struct\",\"fields\":[" COL("int32", "d", LOGICAL("io.debezium.time.Date")) "],\"field\":\"source\"},"
        "{\"type\":\"struct\",\"fields\":[" COL("int32", "e", LOGICAL("io.debezium.time.Date")) "],\"field\":\"after\"},"
        "{\"type\":\"struct\",\"fields\":[" COL("int32", "e", LOGICAL("io.debezium.time.Date")) "],\"field\":\"before\"}]}";
    arena_init(&a);
    assert_int_equal(json_open(other_first, strlen(other_first), &sv, &jerr), 0);
    assert_int_equal(dbzt_tables(&sv, &a, &tb, &ta, err, sizeof(err)), 0);
    assert_ptr_equal(tb, ta);
    assert_int_equal(dbzt_decode(ta, &img, &a, &o1, &n1, err, sizeof(err)), 0);
    assert_memory_equal(o1, "{\"d\":1,\"e\":\"1970-01-02\"}", n1);
    arena_free(&a);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_decimal_fixed_scale),
        cmocka_unit_test(test_decimal_scale_zero_and_negative),
        cmocka_unit_test(test_decimal_wide),
        cmocka_unit_test(test_variable_scale_decimal),
        cmocka_unit_test(test_decimal_random_against_reference),
        cmocka_unit_test(test_decimal_huge),
        cmocka_unit_test(test_dates),
        cmocka_unit_test(test_times),
        cmocka_unit_test(test_timestamps),
        cmocka_unit_test(test_zoned_timestamps),
        cmocka_unit_test(test_copied_types),
        cmocka_unit_test(test_arrays),
        cmocka_unit_test(test_placeholder),
        cmocka_unit_test(test_image_shape),
        cmocka_unit_test(test_errors),
        cmocka_unit_test(test_fixtures),
        cmocka_unit_test(test_tables_shared),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
