/* test_timestamp.c — unit tests for udf/timestamp.c.
 *
 * Expected tick values were computed independently (Python's datetime) and
 * are written out literally, so a wrong calendar cannot agree with itself.
 * The int64 boundaries at nanosecond precision are checked on both sides
 * because that is where a year-9999 row meets a checked multiplication. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "timestamp.h"

/* ---------------------------------------------------------------- helpers */

/* The three parsers share one signature; each check names the one it ran. */
typedef int (*ts_parser)(const char *s, size_t n, int precision, int64_t *ticks, const char **why);

static int64_t parses(ts_parser parse, const char *name, const char *s, int precision) {
    int64_t t = 0;
    const char *why = NULL;
    int rc = parse(s, strlen(s), precision, &t, &why);
    if (rc != 0) print_error("%s(\"%s\") failed: %s\n", name, s, why ? why : "(null)");
    assert_int_equal(rc, 0);
    return t;
}

static void refuses(ts_parser parse, const char *name, const char *s, int precision, const char *reason) {
    int64_t t = 12345;
    const char *why = NULL;
    int rc = parse(s, strlen(s), precision, &t, &why);
    if (rc == 0) print_error("%s(\"%s\") accepted: %lld\n", name, s, (long long)t);
    assert_int_equal(rc, -1);
    assert_non_null(why);
    assert_string_equal(why, reason);
}

static int64_t iso_ok(const char *s, int precision) { return parses(ts_parse_iso, "ts_parse_iso", s, precision); }
static void iso_bad(const char *s, int precision, const char *reason) {
    refuses(ts_parse_iso, "ts_parse_iso", s, precision, reason);
}
static int64_t epoch_ok(const char *s, int precision) { return parses(ts_parse_epoch_text, "ts_parse_epoch_text", s, precision); }
static void epoch_bad(const char *s, int precision, const char *reason) {
    refuses(ts_parse_epoch_text, "ts_parse_epoch_text", s, precision, reason);
}
static int64_t any_ok(const char *s, int precision) { return parses(ts_parse, "ts_parse", s, precision); }

static void format_is(int64_t ticks, int precision, const char *want) {
    char buf[40];
    memset(buf, 'x', sizeof(buf));
    size_t n = ts_format(ticks, precision, buf);
    assert_string_equal(buf, want);
    assert_int_equal(n, strlen(want));
}

/* --------------------------------------------------------------- calendar */

static void test_days_known(void **state) {
    (void)state;
    assert_int_equal(ts_days_from_civil(1970, 1, 1), 0);
    assert_int_equal(ts_days_from_civil(1969, 12, 31), -1);
    assert_int_equal(ts_days_from_civil(2000, 3, 1), 11017);
    assert_int_equal(ts_days_from_civil(2024, 2, 29), 19782);
    assert_int_equal(ts_days_from_civil(1, 1, 1), -719162);
    assert_int_equal(ts_days_from_civil(0, 1, 1), -719528);
    assert_int_equal(ts_days_from_civil(0, 3, 1), -719468);
    assert_int_equal(ts_days_from_civil(9999, 12, 31), 2932896);
    assert_int_equal(ts_days_from_civil(-1, 12, 31), -719529);

    int64_t y;
    unsigned m, d;
    ts_civil_from_days(-719529, &y, &m, &d);
    assert_int_equal(y, -1);
    assert_int_equal(m, 12);
    assert_int_equal(d, 31);
}

static unsigned month_len(int64_t y, unsigned m) {
    static const unsigned len[12] = { 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };
    int leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
    return m == 2 && leap ? 29 : len[m - 1];
}

/* Every day of 1600..2400 (two full 400-year cycles plus the edges): the
 * day numbers are consecutive and both directions agree with a date that is
 * simply counted forward one day at a time. */
static void test_civil_roundtrip_exhaustive(void **state) {
    (void)state;
    int64_t expect = ts_days_from_civil(1600, 1, 1);
    long checked = 0;
    for (int64_t y = 1600; y <= 2400; y++) {
        for (unsigned m = 1; m <= 12; m++) {
            for (unsigned d = 1; d <= month_len(y, m); d++) {
                int64_t days = ts_days_from_civil(y, m, d);
                if (days != expect) print_error("%lld-%u-%u\n", (long long)y, m, d);
                assert_int_equal(days, expect);
                int64_t yy;
                unsigned mm, dd;
                ts_civil_from_days(days, &yy, &mm, &dd);
                assert_int_equal(yy, y);
                assert_int_equal(mm, m);
                assert_int_equal(dd, d);
                expect++;
                checked++;
            }
        }
    }
    assert_int_equal(checked, 801 * 365 + 195);   /* 195 leap years in 1600..2400 */
}

/* Out-of-contract inputs must not overflow (UBSan watches this test). */
static void test_civil_extremes(void **state) {
    (void)state;
    int64_t y;
    unsigned m, d;
    ts_civil_from_days(INT64_MAX, &y, &m, &d);
    assert_true(y > 0 && m >= 1 && m <= 12 && d >= 1 && d <= 31);
    ts_civil_from_days(INT64_MIN, &y, &m, &d);
    assert_true(y < 0 && m >= 1 && m <= 12 && d >= 1 && d <= 31);
    assert_true(ts_days_from_civil(INT64_MAX, 12, 31) > 0);
    assert_true(ts_days_from_civil(INT64_MIN, 1, 1) < 0);
    (void)ts_days_from_civil(2024, 4000000000u, 4000000000u);
}

/* ---------------------------------------------------------------- ISO-8601 */

static void test_iso_basic(void **state) {
    (void)state;
    assert_int_equal(iso_ok("2024-03-10T12:34:56.123456Z", 6), 1710074096123456LL);
    assert_int_equal(iso_ok("2024-03-10T12:34:56.123456Z", 3), 1710074096123LL);
    assert_int_equal(iso_ok("2024-03-10T12:34:56.123456Z", 0), 1710074096LL);
    assert_int_equal(iso_ok("2024-03-10T12:34:56.123456Z", 9), 1710074096123456000LL);
    assert_int_equal(iso_ok("1970-01-01T00:00:00Z", 6), 0);
    assert_int_equal(iso_ok("2024-03-10t12:34:56.123456z", 6), 1710074096123456LL);
}

static void test_iso_zones(void **state) {
    (void)state;
    const int64_t want = 1710074096123456LL;   /* 2024-03-10 12:34:56.123456 UTC */
    assert_int_equal(iso_ok("2024-03-10T18:04:56.123456+05:30", 6), want);
    assert_int_equal(iso_ok("2024-03-10T18:04:56.123456+0530", 6), want);
    assert_int_equal(iso_ok("2024-03-10T04:34:56.123456-0800", 6), want);
    assert_int_equal(iso_ok("2024-03-10T04:34:56.123456-08:00", 6), want);
    assert_int_equal(iso_ok("2024-03-10T14:34:56.123456+02", 6), want);
    assert_int_equal(iso_ok("2024-03-10T12:34:56.123456", 6), want);       /* no zone: UTC */
    assert_int_equal(iso_ok("2024-03-10T12:34:56.123456+00:00", 6), want);
    assert_int_equal(iso_ok("2024-03-10T12:34:56.123456-00", 6), want);
    /* A zone can move the instant across a day and a year boundary. */
    assert_int_equal(iso_ok("2024-01-01T01:00+23:59", 0), 1704070860LL - 86400);
    assert_int_equal(iso_ok("2023-12-31T22:01-23:59", 0), 1704146400LL);
    assert_int_equal(iso_ok("2024-01-01T00:00:00+01:00", 0), 1704063600LL);
    assert_int_equal(iso_ok("2023-12-31T19:00:00-05:00", 0), 1704067200LL);
}

static void test_iso_separators_and_short_forms(void **state) {
    (void)state;
    assert_int_equal(iso_ok("2024-03-10 12:34:56.123456", 6), 1710074096123456LL);
    assert_int_equal(iso_ok("2024-03-10 12:34:56", 6), 1710074096000000LL);
    assert_int_equal(iso_ok("2024-03-10 12:34", 0), 1710074040LL);
    assert_int_equal(iso_ok("2024-03-10T12:34Z", 0), 1710074040LL);
    assert_int_equal(iso_ok("2024-03-10T12:34+01", 0), 1710074040LL - 3600);
    assert_int_equal(iso_ok("2024-03-10", 6), 1710028800000000LL);      /* date only */
    assert_int_equal(iso_ok("1970-01-01", 0), 0);
    assert_int_equal(iso_ok("1969-12-31", 0), -86400);
}

static void test_iso_fraction(void **state) {
    (void)state;
    /* Nine digits, truncated (not rounded) to the target precision. */
    assert_int_equal(iso_ok("2024-03-10T12:34:56.123456789Z", 6), 1710074096123456LL);
    assert_int_equal(iso_ok("2024-03-10T12:34:56.999999999Z", 6), 1710074096999999LL);
    assert_int_equal(iso_ok("2024-03-10T12:34:56.999999999Z", 0), 1710074096LL);
    assert_int_equal(iso_ok("2024-03-10T12:34:56.123456789Z", 9), 1710074096123456789LL);
    /* Fewer digits are padded. */
    assert_int_equal(iso_ok("2024-03-10T12:34:56.5Z", 6), 1710074096500000LL);
    assert_int_equal(iso_ok("2024-03-10T12:34:56.05Z", 3), 1710074096050LL);
    assert_int_equal(iso_ok("2024-03-10T12:34:56.000Z", 6), 1710074096000000LL);
}

/* Before 1970 a dropped digit still moves the instant to the past. */
static void test_iso_negative_floor(void **state) {
    (void)state;
    assert_int_equal(iso_ok("1969-12-31T23:59:59.999999Z", 6), -1);
    assert_int_equal(iso_ok("1969-12-31T23:59:59.9999999Z", 6), -1);
    assert_int_equal(iso_ok("1969-12-31T23:59:59.9999999Z", 0), -1);
    assert_int_equal(iso_ok("1969-12-31T23:59:59.5Z", 0), -1);
    assert_int_equal(iso_ok("1969-12-31T23:59:58.5Z", 3), -1500);
    assert_int_equal(iso_ok("1900-01-01T00:00:00.000001Z", 6), -2208988800000000LL + 1);
    assert_int_equal(iso_ok("0000-01-01T00:00:00Z", 0), -62167219200LL);
}

static void test_iso_leap_years(void **state) {
    (void)state;
    assert_int_equal(iso_ok("2024-02-29", 0), 1709164800LL);
    assert_int_equal(iso_ok("2000-02-29", 0), 951782400LL);
    assert_int_equal(iso_ok("2024-12-31", 0), 1735603200LL);
    iso_bad("2023-02-29", 0, "day out of range");
    iso_bad("1900-02-29", 0, "day out of range");
    iso_bad("2100-02-29T00:00:00Z", 0, "day out of range");
    iso_bad("2024-02-30", 0, "day out of range");
    iso_bad("2024-04-31", 0, "day out of range");
    iso_bad("2024-01-00", 0, "day out of range");
    iso_bad("2024-01-32", 0, "day out of range");
}

/* Second 60 rolls over into the next minute; 24:00 is the next midnight. */
static void test_iso_leap_second_and_24h(void **state) {
    (void)state;
    assert_int_equal(iso_ok("2016-12-31T23:59:60Z", 0), 1483228800LL);
    assert_int_equal(iso_ok("2016-12-31T23:59:60.5Z", 3), 1483228800500LL);
    assert_int_equal(iso_ok("2016-12-31T23:59:60Z", 0), iso_ok("2017-01-01T00:00:00Z", 0));
    assert_int_equal(iso_ok("2024-01-01T24:00", 0), 1704153600LL);
    assert_int_equal(iso_ok("2024-01-01T24:00:00.000Z", 6), 1704153600000000LL);
    iso_bad("2024-01-01T24:00:01", 0, "hour out of range");
    iso_bad("2024-01-01T24:01", 0, "hour out of range");
    iso_bad("2024-01-01T24:00:00.1", 0, "hour out of range");
    iso_bad("2024-01-01T10:00:61", 0, "second out of range");
}

static void test_iso_rejects(void **state) {
    (void)state;
    iso_bad("", 6, "empty timestamp");
    iso_bad("abc", 6, "bad date, expected YYYY-MM-DD");
    iso_bad("2024-13-01", 6, "month out of range");
    iso_bad("2024-00-01", 6, "month out of range");
    iso_bad("2024-02-30", 6, "day out of range");
    iso_bad("2024-01-01T25:00", 6, "hour out of range");
    iso_bad("2024-01-01T10:60", 6, "minute out of range");
    iso_bad("2024-01-01T10:00+25:00", 6, "bad zone offset");
    iso_bad("2024-01-01T10:00+24:00", 6, "bad zone offset");
    iso_bad("2024-01-01T10:00+05:60", 6, "bad zone offset");
    iso_bad("2024-01-01T10:00+5", 6, "bad zone offset");
    iso_bad("2024-01-01T10:00+05:3", 6, "bad zone offset");
    iso_bad("2024-01-01T10:00+053", 6, "bad zone offset");
    iso_bad("2024-01-01T10:00+", 6, "bad zone offset");
    iso_bad("2024-01-01T10:00:00.", 6, "empty fraction");
    iso_bad("2024-01-01T10:00:00.Z", 6, "empty fraction");
    iso_bad("2024-01-01T10:00:00.1234567890", 6, "fraction longer than 9 digits");
    iso_bad("2024-01-01T10:00:00Zjunk", 6, "trailing characters");
    iso_bad("2024-01-01T10:00:00+01:00 ", 6, "trailing characters");
    iso_bad("2024-01-01T10:00:00 ", 6, "trailing characters");
    iso_bad("2024-01-01Z", 6, "trailing characters");
    iso_bad("2024-01-01x", 6, "trailing characters");
    iso_bad("2024-01-01T10:00.5", 6, "trailing characters");
    iso_bad("2024-01-01T", 6, "bad time, expected hh:mm[:ss[.f]]");
    iso_bad("2024-01-01T10", 6, "bad time, expected hh:mm[:ss[.f]]");
    iso_bad("2024-01-01T1:00", 6, "bad time, expected hh:mm[:ss[.f]]");
    iso_bad("2024-01-01T10:00:", 6, "bad time, expected hh:mm[:ss[.f]]");
    iso_bad("2024-01-01T10:00:5", 6, "bad time, expected hh:mm[:ss[.f]]");
    iso_bad(" 2024-01-01", 6, "bad date, expected YYYY-MM-DD");
    iso_bad("2024-1-01", 6, "bad date, expected YYYY-MM-DD");
    iso_bad("2024-01", 6, "bad date, expected YYYY-MM-DD");
    iso_bad("+2024-01-01", 6, "bad date, expected YYYY-MM-DD");
    iso_bad("2024-01-01", -1, "precision out of range");
    iso_bad("2024-01-01", 10, "precision out of range");

    /* Only the first n bytes are the timestamp. */
    int64_t t;
    const char *why;
    assert_int_equal(ts_parse_iso("2024-03-10 trailing", 10, 0, &t, &why), 0);
    assert_int_equal(t, 1710028800LL);
    assert_int_equal(ts_parse_iso("2024-03-10", 9, 0, &t, &why), -1);
}

/* int64 nanoseconds span 1677-09-21 00:12:43.145224192 .. 2262-04-11
 * 23:47:16.854775807; both ends are exact and one tick past each fails. */
static void test_iso_int64_range(void **state) {
    (void)state;
    assert_int_equal(iso_ok("2262-04-11T23:47:16.854775807Z", 9), INT64_MAX);
    iso_bad("2262-04-11T23:47:16.854775808Z", 9, "timestamp out of range");
    assert_int_equal(iso_ok("1677-09-21T00:12:43.145224192Z", 9), INT64_MIN);
    iso_bad("1677-09-21T00:12:43.145224191Z", 9, "timestamp out of range");
    iso_bad("1677-09-21T00:12:42Z", 9, "timestamp out of range");
    iso_bad("9999-12-31T23:59:59Z", 9, "timestamp out of range");
    iso_bad("0000-01-01", 9, "timestamp out of range");
    /* The whole 0000..9999 range fits at microseconds. */
    assert_int_equal(iso_ok("9999-12-31T23:59:59.999999Z", 6), 253402300799999999LL);
    assert_int_equal(iso_ok("0000-01-01T00:00:00Z", 6), -62167219200000000LL);
    assert_int_equal(iso_ok("0000-01-01T00:00:00+23:59", 6), -62167219200000000LL - 86340000000LL);
}

/* ------------------------------------------------------------------ epochs */

static void test_epoch_units(void **state) {
    (void)state;
    assert_int_equal(epoch_ok("1700000000", 6), 1700000000000000LL);
    assert_int_equal(epoch_ok("1700000000123", 6), 1700000000123000LL);
    assert_int_equal(epoch_ok("1700000000123456", 6), 1700000000123456LL);
    assert_int_equal(epoch_ok("1700000000123456789", 6), 1700000000123456LL);
    assert_int_equal(epoch_ok("1700000000123456789", 9), 1700000000123456789LL);
    assert_int_equal(epoch_ok("1700000000123456789", 0), 1700000000LL);
    assert_int_equal(epoch_ok("1700000000123", 0), 1700000000LL);
    /* Unit boundaries: 1e11 - 1 is seconds, 1e11 milliseconds, ... */
    assert_int_equal(epoch_ok("99999999999", 3), 99999999999000LL);
    assert_int_equal(epoch_ok("100000000000", 3), 100000000000LL);
    assert_int_equal(epoch_ok("99999999999999", 6), 99999999999999000LL);
    assert_int_equal(epoch_ok("100000000000000", 6), 100000000000000LL);
    assert_int_equal(epoch_ok("99999999999999999", 6), 99999999999999999LL);
    assert_int_equal(epoch_ok("100000000000000000", 6), 100000000000000LL);
    /* Leading zeros do not change the unit. */
    assert_int_equal(epoch_ok("0001700000000", 6), 1700000000000000LL);
    assert_int_equal(epoch_ok("0", 6), 0);
    assert_int_equal(epoch_ok("+5", 0), 5);
    assert_int_equal(epoch_ok("-0", 6), 0);
}

static void test_epoch_fraction(void **state) {
    (void)state;
    assert_int_equal(epoch_ok("1700000000.5", 6), 1700000000500000LL);
    assert_int_equal(epoch_ok("1700000000.25", 6), 1700000000250000LL);
    assert_int_equal(epoch_ok("1700000000.1234567891234", 6), 1700000000123456LL);
    assert_int_equal(epoch_ok("1700000000.1234567891234", 9), 1700000000123456789LL);
    assert_int_equal(epoch_ok("1700000000.999", 0), 1700000000LL);
    assert_int_equal(epoch_ok("1700000000123.5", 6), 1700000000123500LL);     /* ms */
    assert_int_equal(epoch_ok("1700000000123456.7", 6), 1700000000123456LL);  /* µs */
    assert_int_equal(epoch_ok("1700000000123456.7", 9), 1700000000123456700LL);
    assert_int_equal(epoch_ok("1700000000123456789.9", 9), 1700000000123456789LL);
    assert_int_equal(epoch_ok("0.000001", 6), 1);
    assert_int_equal(epoch_ok("0.0000019", 6), 1);
}

static void test_epoch_negative(void **state) {
    (void)state;
    assert_int_equal(epoch_ok("-5", 6), -5000000LL);
    assert_int_equal(epoch_ok("-1.5", 0), -2);
    assert_int_equal(epoch_ok("-1.5", 1), -15);
    assert_int_equal(epoch_ok("-0.0000001", 6), -1);
    assert_int_equal(epoch_ok("-0.000000", 6), 0);
    assert_int_equal(epoch_ok("-1700000000", 6), -1700000000000000LL);
    assert_int_equal(epoch_ok("-1700000000123", 6), -1700000000123000LL);
    assert_int_equal(epoch_ok("-1700000000123", 0), -1700000001LL);
    assert_int_equal(epoch_ok("-1700000000000", 0), -1700000000LL);
    assert_int_equal(epoch_ok("-1700000000123456789", 6), -1700000000123457LL);
}

static void test_epoch_range(void **state) {
    (void)state;
    assert_int_equal(epoch_ok("9223372036854775807", 9), INT64_MAX);
    epoch_bad("9223372036854775808", 9, "epoch out of range");
    assert_int_equal(epoch_ok("9223372036854775808", 6), 9223372036854775LL);
    assert_int_equal(epoch_ok("-9223372036854775808", 9), INT64_MIN);
    epoch_bad("-9223372036854775809", 9, "epoch out of range");
    epoch_bad("-9223372036854775808.1", 9, "epoch out of range");
    assert_int_equal(epoch_ok("-9223372036854775808.1", 6), -9223372036854776LL);
    /* The integer part is a digit string: it may exceed uint64 when the
     * result still fits. */
    assert_int_equal(epoch_ok("99999999999999999999", 0), 99999999999LL);
    assert_int_equal(epoch_ok("123456789012345678901234567", 0), 123456789012345678LL);
    epoch_bad("99999999999999999999", 9, "epoch out of range");
    epoch_bad("123456789012345678901234567890", 0, "epoch out of range");
    /* Seconds near 1e11 do not fit in nanoseconds. */
    epoch_bad("99999999999", 9, "epoch out of range");
    assert_int_equal(epoch_ok("9223372036", 9), 9223372036000000000LL);
    assert_int_equal(epoch_ok("9223372036.854775807", 9), INT64_MAX);
    epoch_bad("9223372036.854775808", 9, "epoch out of range");
    epoch_bad("9223372037", 9, "epoch out of range");
}

static void test_epoch_rejects(void **state) {
    (void)state;
    epoch_bad("", 6, "empty timestamp");
    epoch_bad("-", 6, "bad epoch number");
    epoch_bad("+", 6, "bad epoch number");
    epoch_bad(".5", 6, "bad epoch number");
    epoch_bad("abc", 6, "bad epoch number");
    epoch_bad("--1", 6, "bad epoch number");
    epoch_bad(" 1", 6, "bad epoch number");
    epoch_bad("1.", 6, "empty fraction");
    epoch_bad("1e5", 6, "trailing characters");
    epoch_bad("1.2.3", 6, "trailing characters");
    epoch_bad("17 ", 6, "trailing characters");
    epoch_bad("1", 10, "precision out of range");
}

static void test_from_epoch_int(void **state) {
    (void)state;
    assert_int_equal(ts_from_epoch_int(1700000000LL, 6), 1700000000000000LL);
    assert_int_equal(ts_from_epoch_int(1700000000123LL, 6), 1700000000123000LL);
    assert_int_equal(ts_from_epoch_int(1700000000123456LL, 6), 1700000000123456LL);
    assert_int_equal(ts_from_epoch_int(1700000000123456789LL, 6), 1700000000123456LL);
    assert_int_equal(ts_from_epoch_int(1700000000123456789LL, 9), 1700000000123456789LL);
    assert_int_equal(ts_from_epoch_int(0, 6), 0);
    assert_int_equal(ts_from_epoch_int(-5, 6), -5000000LL);
    assert_int_equal(ts_from_epoch_int(-1700000000123LL, 0), -1700000001LL);
    assert_int_equal(ts_from_epoch_int(-1700000000123456789LL, 6), -1700000000123457LL);
    assert_int_equal(ts_from_epoch_int(99999999999LL, 3), 99999999999000LL);
    assert_int_equal(ts_from_epoch_int(100000000000LL, 3), 100000000000LL);
    assert_int_equal(ts_from_epoch_int(INT64_MAX, 9), INT64_MAX);
    assert_int_equal(ts_from_epoch_int(INT64_MIN, 9), INT64_MIN);
    assert_int_equal(ts_from_epoch_int(INT64_MAX, 6), 9223372036854775LL);
    assert_int_equal(ts_from_epoch_int(INT64_MIN, 6), -9223372036854776LL);
    /* Saturation instead of overflow. */
    assert_int_equal(ts_from_epoch_int(99999999999LL, 9), INT64_MAX);
    assert_int_equal(ts_from_epoch_int(-99999999999LL, 9), INT64_MIN);
    assert_int_equal(ts_from_epoch_int(9223372037LL, 9), INT64_MAX);
    assert_int_equal(ts_from_epoch_int(9223372036LL, 9), 9223372036000000000LL);
    /* Precision outside 0..9 is clamped. */
    assert_int_equal(ts_from_epoch_int(1700000000LL, 12), 1700000000000000000LL);
    assert_int_equal(ts_from_epoch_int(1700000000LL, -3), 1700000000LL);
}

static void test_parse_dispatch(void **state) {
    (void)state;
    assert_int_equal(any_ok("1700000000", 6), 1700000000000000LL);
    assert_int_equal(any_ok("1700000000.5", 6), 1700000000500000LL);
    assert_int_equal(any_ok("-1.5", 0), -2);
    assert_int_equal(any_ok("+1700000000123", 6), 1700000000123000LL);
    assert_int_equal(any_ok("2024-03-10T12:34:56.123456Z", 6), 1710074096123456LL);
    assert_int_equal(any_ok("2024-03-10 12:34:56+00", 0), 1710074096LL);
    assert_int_equal(any_ok("2024-03-10", 0), 1710028800LL);
    /* A basic-format date is a plain number and so an epoch (seconds). */
    assert_int_equal(any_ok("20240310", 0), 20240310LL);

    int64_t t;
    const char *why = NULL;
    assert_int_equal(ts_parse("", 0, 6, &t, &why), -1);
    assert_string_equal(why, "empty timestamp");
    assert_int_equal(ts_parse("abc", 3, 6, &t, &why), -1);
    assert_string_equal(why, "bad date, expected YYYY-MM-DD");
    assert_int_equal(ts_parse("17.", 3, 6, &t, &why), -1);
    assert_string_equal(why, "empty fraction");
    assert_int_equal(ts_parse("1700000000x", 11, 6, &t, &why), -1);
    assert_string_equal(why, "bad date, expected YYYY-MM-DD");
    assert_int_equal(ts_parse("2024-03-10Tjunk", 15, 6, &t, &why), -1);
    assert_string_equal(why, "bad time, expected hh:mm[:ss[.f]]");
    assert_int_equal(ts_parse("99999999999", 11, 9, &t, &why), -1);
    assert_string_equal(why, "epoch out of range");
    /* why may be NULL. */
    assert_int_equal(ts_parse("abc", 3, 6, &t, NULL), -1);
}

/* -------------------------------------------------------------- conversion */

static void test_rescale(void **state) {
    (void)state;
    assert_int_equal(ts_rescale(1710074096123456LL, 6, 6), 1710074096123456LL);
    assert_int_equal(ts_rescale(1710074096123456LL, 6, 3), 1710074096123LL);
    assert_int_equal(ts_rescale(1710074096123456LL, 6, 0), 1710074096LL);
    assert_int_equal(ts_rescale(1710074096123456LL, 6, 9), 1710074096123456000LL);
    assert_int_equal(ts_rescale(1710074096LL, 0, 9), 1710074096000000000LL);
    /* Reducing floors, also for negatives. */
    assert_int_equal(ts_rescale(-1, 6, 0), -1);
    assert_int_equal(ts_rescale(-1000000, 6, 0), -1);
    assert_int_equal(ts_rescale(-1000001, 6, 0), -2);
    assert_int_equal(ts_rescale(-1500, 3, 1), -15);
    assert_int_equal(ts_rescale(-1501, 3, 1), -16);
    assert_int_equal(ts_rescale(INT64_MIN, 9, 0), -9223372037LL);
    assert_int_equal(ts_rescale(INT64_MAX, 9, 0), 9223372036LL);
    /* Growing saturates. */
    assert_int_equal(ts_rescale(INT64_MAX / 10, 0, 1), INT64_MAX / 10 * 10);
    assert_int_equal(ts_rescale(INT64_MAX / 10 + 1, 0, 1), INT64_MAX);
    assert_int_equal(ts_rescale(INT64_MIN / 10, 0, 1), INT64_MIN / 10 * 10);
    assert_int_equal(ts_rescale(INT64_MIN / 10 - 1, 0, 1), INT64_MIN);
    assert_int_equal(ts_rescale(253402300799LL, 0, 9), INT64_MAX);
    assert_int_equal(ts_rescale(-62167219200LL, 0, 9), INT64_MIN);
    assert_int_equal(ts_rescale(INT64_MIN, 0, 9), INT64_MIN);
    assert_int_equal(ts_rescale(0, 0, 9), 0);
}

static void test_format(void **state) {
    (void)state;
    format_is(1710074096123456LL, 6, "2024-03-10 12:34:56.123456");
    format_is(1710074096123LL, 3, "2024-03-10 12:34:56.123");
    format_is(1710074096LL, 0, "2024-03-10 12:34:56");
    format_is(1710074096000000005LL, 9, "2024-03-10 12:34:56.000000005");
    format_is(0, 6, "1970-01-01 00:00:00.000000");
    format_is(-1, 6, "1969-12-31 23:59:59.999999");
    format_is(-1, 0, "1969-12-31 23:59:59");
    format_is(-1500, 3, "1969-12-31 23:59:58.500");
    format_is(-86400, 0, "1969-12-31 00:00:00");
    format_is(-86401, 0, "1969-12-30 23:59:59");
    format_is(951782400LL, 0, "2000-02-29 00:00:00");
    format_is(-62167219200LL, 0, "0000-01-01 00:00:00");
    format_is(253402300799LL, 0, "9999-12-31 23:59:59");
    format_is(INT64_MAX, 9, "2262-04-11 23:47:16.854775807");
    format_is(INT64_MIN, 9, "1677-09-21 00:12:43.145224192");
    /* Years outside 0000..9999 keep their sign and digits. */
    format_is(253402300800LL, 0, "10000-01-01 00:00:00");
    format_is(-62167219201LL, 0, "-0001-12-31 23:59:59");
    format_is(INT64_MAX, 0, "292277026596-12-04 15:30:07");
    format_is(INT64_MIN, 0, "-292277022657-01-27 08:29:52");
    /* Precision outside 0..9 is clamped. */
    format_is(1710074096LL, -1, "2024-03-10 12:34:56");
}

/* The day of ISO text: the date's own day, or a timestamp's UTC day
 * (floored, before 1970 too); what ts_parse_iso refuses, refused alike.
 * Days from Python's date arithmetic. */
static void test_iso_day(void **state) {
    (void)state;
    static const struct { const char *text; int64_t day; } ok[] = {
        {"2025-09-03", 20334},
        {"2025-09-03 10:30:00", 20334},
        {"2025-09-03T23:59:59.999999999Z", 20334},
        {"2025-09-03T23:30:00-05:00", 20335},
        {"2025-09-03T01:00:00+02", 20333},
        {"2025-09-03T24:00:00", 20335},
        {"1970-01-01", 0},
        {"1969-12-31T23:59:59.999Z", -1},
        {"1900-01-01", -25567},
        {"0000-01-01", -719528},
    };
    for (size_t i = 0; i < sizeof(ok) / sizeof(ok[0]); i++) {
        int64_t day = 12345;
        const char *why = "unset";
        if (ts_parse_iso_day(ok[i].text, strlen(ok[i].text), &day, &why) != 0) fail_msg("%s: %s", ok[i].text, why);
        if (day != ok[i].day) fail_msg("%s: day %lld, want %lld", ok[i].text, (long long)day, (long long)ok[i].day);
    }
    int64_t day;
    const char *why = NULL;
    assert_int_equal(ts_parse_iso_day("2025-02-29", 10, &day, &why), -1);
    assert_string_equal(why, "day out of range");
    assert_int_equal(ts_parse_iso_day("20334", 5, &day, &why), -1);   /* a day number is not ISO text */
    assert_string_equal(why, "bad date, expected YYYY-MM-DD");
}

static void date_is(int64_t days, const char *want) {
    char buf[24];
    memset(buf, 'x', sizeof(buf));
    size_t n = ts_format_date(days, buf);
    assert_string_equal(buf, want);
    assert_int_equal(n, strlen(want));
}

static void test_format_date(void **state) {
    (void)state;
    date_is(0, "1970-01-01");
    date_is(-1, "1969-12-31");
    date_is(20334, "2025-09-03");
    date_is(19782, "2024-02-29");
    date_is(65535, "2149-06-06");
    date_is(-25567, "1900-01-01");
    date_is(120529, "2299-12-31");
    date_is(2932896, "9999-12-31");
    date_is(-719528, "0000-01-01");
    date_is(2932897, "10000-01-01");
    date_is(-719529, "-0001-12-31");
}

/* ts_format(ts_parse(x)) == x for text already in the output form, and
 * for other spellings it is the canonical form. */
static void test_roundtrip(void **state) {
    (void)state;
    static const char *const same6[] = {
        "1970-01-01 00:00:00.000000", "1969-12-31 23:59:59.999999",
        "1969-12-31 23:59:59.000001", "1969-01-01 00:00:00.000000",
        "9999-12-31 23:59:59.999999", "9999-12-31 00:00:00.000000",
        "0000-01-01 00:00:00.000000", "0000-02-29 12:00:00.000000",
        "0001-01-01 00:00:00.000000", "1600-02-29 23:59:59.999999",
        "1900-02-28 23:59:59.999999", "1900-03-01 00:00:00.000000",
        "2000-02-29 00:00:00.000001", "2024-02-29 13:14:15.161718",
        "2038-01-19 03:14:07.000000", "2038-01-19 03:14:08.000000",
        "2100-03-01 00:00:00.000000", "2400-02-29 06:30:00.500000",
        "1582-10-15 00:00:00.000000", "1677-09-21 00:12:43.145224",
    };
    for (size_t i = 0; i < sizeof(same6) / sizeof(same6[0]); i++) {
        char buf[40];
        int64_t t = any_ok(same6[i], 6);
        ts_format(t, 6, buf);
        assert_string_equal(buf, same6[i]);
    }

    static const struct { const char *in; int p; const char *out; } canon[] = {
        { "2024-03-10T12:34:56.123456789Z", 6, "2024-03-10 12:34:56.123456" },
        { "2024-03-10T18:04:56.1+05:30", 3, "2024-03-10 12:34:56.100" },
        { "2024-03-10", 0, "2024-03-10 00:00:00" },
        { "2024-01-01T00:30-0100", 0, "2024-01-01 01:30:00" },
        { "2024-01-01T00:30+0100", 0, "2023-12-31 23:30:00" },
        { "2016-12-31T23:59:60Z", 0, "2017-01-01 00:00:00" },
        { "2024-02-28T24:00", 0, "2024-02-29 00:00:00" },
        { "1700000000", 6, "2023-11-14 22:13:20.000000" },
        { "1700000000123456789", 9, "2023-11-14 22:13:20.123456789" },
        { "-1.5", 1, "1969-12-31 23:59:58.5" },
        { "2262-04-11T23:47:16.854775807Z", 9, "2262-04-11 23:47:16.854775807" },
    };
    for (size_t i = 0; i < sizeof(canon) / sizeof(canon[0]); i++) {
        char buf[40];
        ts_format(any_ok(canon[i].in, canon[i].p), canon[i].p, buf);
        assert_string_equal(buf, canon[i].out);
    }
}

/* Every hour of a few thousand scattered days, both directions. */
static void test_roundtrip_sweep(void **state) {
    (void)state;
    for (int64_t day = -719528; day <= 2932896; day += 997) {
        for (int64_t sec = 0; sec < 86400; sec += 3599) {
            int64_t t = (day * 86400 + sec) * 1000000 + (day * 7919 % 1000000 + 1000000) % 1000000;
            char buf[40], again[40];
            size_t n = ts_format(t, 6, buf);
            int64_t back = 0;
            const char *why = NULL;
            assert_int_equal(ts_parse(buf, n, 6, &back, &why), 0);
            assert_int_equal(back, t);
            ts_format(back, 6, again);
            assert_string_equal(again, buf);
        }
    }
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_days_known),
        cmocka_unit_test(test_civil_roundtrip_exhaustive),
        cmocka_unit_test(test_civil_extremes),
        cmocka_unit_test(test_iso_basic),
        cmocka_unit_test(test_iso_zones),
        cmocka_unit_test(test_iso_separators_and_short_forms),
        cmocka_unit_test(test_iso_fraction),
        cmocka_unit_test(test_iso_negative_floor),
        cmocka_unit_test(test_iso_leap_years),
        cmocka_unit_test(test_iso_leap_second_and_24h),
        cmocka_unit_test(test_iso_rejects),
        cmocka_unit_test(test_iso_int64_range),
        cmocka_unit_test(test_epoch_units),
        cmocka_unit_test(test_epoch_fraction),
        cmocka_unit_test(test_epoch_negative),
        cmocka_unit_test(test_epoch_range),
        cmocka_unit_test(test_epoch_rejects),
        cmocka_unit_test(test_from_epoch_int),
        cmocka_unit_test(test_parse_dispatch),
        cmocka_unit_test(test_rescale),
        cmocka_unit_test(test_format),
        cmocka_unit_test(test_iso_day),
        cmocka_unit_test(test_format_date),
        cmocka_unit_test(test_roundtrip),
        cmocka_unit_test(test_roundtrip_sweep),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
