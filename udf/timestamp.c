/* timestamp.c — ISO-8601 and epoch text to integer ticks and back (see
 * timestamp.h).
 *
 * Everything is integer arithmetic on a proleptic Gregorian calendar, so the
 * result never depends on the locale, TZ or the host's time tables, and two
 * spellings of one instant always compare equal.  Every multiplication and
 * addition that can leave int64 is checked first: timestamps come from
 * untrusted rows, and a year-9999 value at nanosecond precision does not fit.
 *
 * Choices the header leaves open:
 *  - Second 60 (a leap second) is accepted and counted like any other
 *    second, so "23:59:60" is the same instant as the next day's "00:00:00".
 *    Unix time has no leap seconds; rolling over keeps the result monotonic.
 *  - "24:00" / "24:00:00[.000]" is the end of the day (next midnight); any
 *    other time in hour 24 is rejected.
 *  - Epoch text may carry a '+' as well as a '-'.  Its integer part is read
 *    as a digit string, not a machine integer, so only the *result* has to
 *    fit in int64.
 *  - Functions that cannot report an error (ts_from_epoch_int, ts_rescale,
 *    ts_format) clamp a precision outside 0..9 into that range, and the first
 *    two saturate to INT64_MIN / INT64_MAX instead of overflowing.
 *  - Every result is the floor of the exact value: digits below the target
 *    precision move a negative instant toward the past, never toward 1970. */
#include "timestamp.h"

#include <stdbool.h>

#define TS_MAX_PRECISION 9
#define TS_SECS_PER_DAY 86400

/* Days from 0000-03-01 to 1970-01-01: the calendar below counts years from
 * March so that the leap day is the last day of its year. */
#define TS_EPOCH_SHIFT 719468
#define TS_DAYS_PER_ERA 146097      /* 400 Gregorian years */

/* Far beyond any date an int64 of seconds can name (about 2.9e11 years), yet
 * small enough that the civil arithmetic cannot overflow int64. */
#define TS_YEAR_LIMIT ((int64_t)1 << 40)
#define TS_DAYS_LIMIT ((int64_t)1 << 50)

/* |INT64_MIN| as an unsigned magnitude. */
#define TS_MAG_LIMIT ((uint64_t)INT64_MAX + 1)

static const int64_t ts_pow10[19] = {
    1LL, 10LL, 100LL, 1000LL, 10000LL, 100000LL, 1000000LL, 10000000LL,
    100000000LL, 1000000000LL, 10000000000LL, 100000000000LL,
    1000000000000LL, 10000000000000LL, 100000000000000LL,
    1000000000000000LL, 10000000000000000LL, 100000000000000000LL,
    1000000000000000000LL
};

static int ts_fail(const char **why, const char *reason) {
    if (why) *why = reason;
    return -1;
}

static int ts_clamp_precision(int p) {
    return p < 0 ? 0 : p > TS_MAX_PRECISION ? TS_MAX_PRECISION : p;
}

static bool ts_is_digit(char c) {
    return c >= '0' && c <= '9';
}

/* Floor division and its non-negative remainder, for any a and b > 0.
 * Written with C's truncating '/' so that no intermediate can overflow
 * (q * b may not be representable when a is INT64_MIN). */
static int64_t ts_floor_divmod(int64_t a, int64_t b, int64_t *rem) {
    int64_t q = a / b, r = a % b;
    if (r < 0) {
        r += b;
        q--;
    }
    if (rem) *rem = r;
    return q;
}

/* a * m + add, or -1 when the result leaves int64.  m > 0, 0 <= add < m.
 * A negative a with a nonzero add is computed as (a + 1) * m - (m - add):
 * a * m alone may be below INT64_MIN while the sum is not (INT64_MIN itself
 * at nanosecond precision is "...:43" plus .145224192 s). */
static int ts_mul_add(int64_t a, int64_t m, int64_t add, int64_t *out) {
    if (a >= 0) {
        if (a > (INT64_MAX - add) / m) return -1;
        *out = a * m + add;
        return 0;
    }
    if (add == 0) {
        if (a < INT64_MIN / m) return -1;
        *out = a * m;
        return 0;
    }
    int64_t up = a + 1;                     /* <= 0 */
    if (up < INT64_MIN / m) return -1;
    int64_t t = up * m, back = m - add;     /* 0 < back < m */
    if (t < INT64_MIN + back) return -1;
    *out = t - back;
    return 0;
}

/* |v| without overflow, INT64_MIN included. */
static uint64_t ts_magnitude(int64_t v) {
    return v < 0 ? (uint64_t)(-(v + 1)) + 1 : (uint64_t)v;
}

/* Apply a sign to a magnitude; fails when the result leaves int64. */
static int ts_signed(uint64_t mag, bool neg, int64_t *out) {
    if (!neg) {
        if (mag > (uint64_t)INT64_MAX) return -1;
        *out = (int64_t)mag;
        return 0;
    }
    if (mag > TS_MAG_LIMIT) return -1;
    *out = mag == TS_MAG_LIMIT ? INT64_MIN : -(int64_t)mag;
    return 0;
}

/* ---------------------------------------------------------------- calendar */

int64_t ts_days_from_civil(int64_t y, unsigned m, unsigned d) {
    if (y > TS_YEAR_LIMIT) y = TS_YEAR_LIMIT;
    if (y < -TS_YEAR_LIMIT) y = -TS_YEAR_LIMIT;
    /* Start the year in March: January and February belong to the previous
     * year, and month lengths from March on follow a 153-days-per-5 rhythm. */
    int64_t mm = m;
    if (mm <= 2) {
        y--;
        mm += 9;
    } else {
        mm -= 3;
    }
    int64_t era = (y >= 0 ? y : y - 399) / 400;
    int64_t yoe = y - era * 400;                              /* 0..399 */
    int64_t doy = (153 * mm + 2) / 5 + (int64_t)d - 1;        /* 0..365 */
    int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;      /* 0..146096 */
    return era * TS_DAYS_PER_ERA + doe - TS_EPOCH_SHIFT;
}

void ts_civil_from_days(int64_t days, int64_t *y, unsigned *m, unsigned *d) {
    if (days > TS_DAYS_LIMIT) days = TS_DAYS_LIMIT;
    if (days < -TS_DAYS_LIMIT) days = -TS_DAYS_LIMIT;
    int64_t z = days + TS_EPOCH_SHIFT;
    int64_t era = (z >= 0 ? z : z - (TS_DAYS_PER_ERA - 1)) / TS_DAYS_PER_ERA;
    int64_t doe = z - era * TS_DAYS_PER_ERA;                  /* 0..146096 */
    /* Year of era: remove the leap days (one per 4 years, minus one per 100,
     * plus one per 400) before dividing by 365. */
    int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / (TS_DAYS_PER_ERA - 1)) / 365;
    int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);    /* 0..365 */
    int64_t mp = (5 * doy + 2) / 153;                         /* 0..11, March = 0 */
    *d = (unsigned)(doy - (153 * mp + 2) / 5 + 1);
    *m = (unsigned)(mp < 10 ? mp + 3 : mp - 9);
    *y = yoe + era * 400 + (*m <= 2);
}

static bool ts_is_leap(int64_t y) {
    return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

static unsigned ts_days_in_month(int64_t y, unsigned m) {
    static const unsigned len[12] = { 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };
    return m == 2 && ts_is_leap(y) ? 29 : len[m - 1];
}

/* ----------------------------------------------------------------- ISO-8601 */

/* Exactly `count` digits at s[*pos]; advances *pos.  False if fewer. */
static bool ts_fixed_digits(const char *s, size_t n, size_t *pos, int count, int *out) {
    int v = 0;
    for (int i = 0; i < count; i++) {
        if (*pos >= n || !ts_is_digit(s[*pos])) return false;
        v = v * 10 + (s[(*pos)++] - '0');
    }
    *out = v;
    return true;
}

/* Optional zone at s[*pos]: Z | z | ±hh:mm | ±hhmm | ±hh.  Stores the offset
 * east of UTC in seconds.  A position that holds no zone is left alone for
 * the caller's trailing-characters check. */
static int ts_parse_zone(const char *s, size_t n, size_t *pos, int64_t *offset, const char **why) {
    *offset = 0;
    if (*pos >= n) return 0;
    char c = s[*pos];
    if (c == 'Z' || c == 'z') {
        (*pos)++;
        return 0;
    }
    if (c != '+' && c != '-') return 0;
    (*pos)++;
    int hh, mm = 0;
    if (!ts_fixed_digits(s, n, pos, 2, &hh)) return ts_fail(why, "bad zone offset");
    if (*pos < n && s[*pos] == ':') {
        (*pos)++;
        if (!ts_fixed_digits(s, n, pos, 2, &mm)) return ts_fail(why, "bad zone offset");
    } else if (*pos < n && ts_is_digit(s[*pos])) {
        if (!ts_fixed_digits(s, n, pos, 2, &mm)) return ts_fail(why, "bad zone offset");
    }
    if (hh > 23 || mm > 59) return ts_fail(why, "bad zone offset");
    *offset = (int64_t)(hh * 3600 + mm * 60) * (c == '-' ? -1 : 1);
    return 0;
}

/* The first `precision` fraction digits as ticks, zero-padded when the text
 * has fewer; the rest are dropped, which floors because the fraction is
 * always added to a whole (possibly negative) second. */
static int64_t ts_fraction_ticks(const char *f, size_t len, int precision) {
    int64_t v = 0;
    for (int i = 0; i < precision; i++)
        v = v * 10 + ((size_t)i < len ? f[i] - '0' : 0);
    return v;
}

int ts_parse_iso(const char *s, size_t n, int precision, int64_t *ticks, const char **why) {
    if (precision < 0 || precision > TS_MAX_PRECISION) return ts_fail(why, "precision out of range");
    if (n == 0) return ts_fail(why, "empty timestamp");

    size_t pos = 0;
    int year, month, day;
    if (!ts_fixed_digits(s, n, &pos, 4, &year) || pos >= n || s[pos++] != '-' ||
        !ts_fixed_digits(s, n, &pos, 2, &month) || pos >= n || s[pos++] != '-' ||
        !ts_fixed_digits(s, n, &pos, 2, &day))
        return ts_fail(why, "bad date, expected YYYY-MM-DD");
    if (month < 1 || month > 12) return ts_fail(why, "month out of range");
    if (day < 1 || (unsigned)day > ts_days_in_month(year, (unsigned)month))
        return ts_fail(why, "day out of range");

    int hour = 0, minute = 0, second = 0;
    const char *frac = NULL;
    size_t frac_len = 0;
    int64_t offset = 0;
    if (pos < n) {
        char sep = s[pos];
        if (sep != 'T' && sep != 't' && sep != ' ') return ts_fail(why, "trailing characters");
        pos++;
        if (!ts_fixed_digits(s, n, &pos, 2, &hour) || pos >= n || s[pos++] != ':' ||
            !ts_fixed_digits(s, n, &pos, 2, &minute))
            return ts_fail(why, "bad time, expected hh:mm[:ss[.f]]");
        if (pos < n && s[pos] == ':') {
            pos++;
            if (!ts_fixed_digits(s, n, &pos, 2, &second))
                return ts_fail(why, "bad time, expected hh:mm[:ss[.f]]");
            if (pos < n && s[pos] == '.') {
                frac = s + ++pos;
                while (pos < n && ts_is_digit(s[pos])) pos++;
                frac_len = (size_t)(s + pos - frac);
                if (frac_len == 0) return ts_fail(why, "empty fraction");
                if (frac_len > TS_MAX_PRECISION) return ts_fail(why, "fraction longer than 9 digits");
            }
        }
        if (ts_parse_zone(s, n, &pos, &offset, why) != 0) return -1;
        if (pos != n) return ts_fail(why, "trailing characters");
    }

    if (hour > 24) return ts_fail(why, "hour out of range");
    if (minute > 59) return ts_fail(why, "minute out of range");
    if (second > 60) return ts_fail(why, "second out of range");
    if (hour == 24) {
        /* Only the end-of-day spelling 24:00:00(.0…) is an instant. */
        bool zero = minute == 0 && second == 0;
        for (size_t i = 0; i < frac_len; i++) zero = zero && frac[i] == '0';
        if (!zero) return ts_fail(why, "hour out of range");
    }

    /* Small enough here (|secs| < 4e11) that only the scaling can overflow. */
    int64_t secs = ts_days_from_civil(year, (unsigned)month, (unsigned)day) * TS_SECS_PER_DAY +
                   hour * 3600 + minute * 60 + second - offset;
    if (ts_mul_add(secs, ts_pow10[precision], ts_fraction_ticks(frac, frac_len, precision), ticks) != 0)
        return ts_fail(why, "timestamp out of range");
    return 0;
}

int ts_parse_iso_day(const char *s, size_t n, int64_t *days, const char **why) {
    int64_t secs;
    if (ts_parse_iso(s, n, 0, &secs, why) < 0) return -1;
    *days = ts_floor_divmod(secs, TS_SECS_PER_DAY, NULL);
    return 0;
}

/* ------------------------------------------------------------------- epochs */

/* Fraction digits of the unit a plain epoch number is written in, chosen by
 * how many significant digits its integer part has: up to 11 digits
 * (|v| < 1e11) is seconds, up to 14 milliseconds, up to 17 microseconds,
 * else nanoseconds.  Seconds reach 1e11 only in the year 5138, and the finer
 * units cross their lower bound in March 1973, so every instant from 1973 to
 * 5138 is read right whatever unit it was written in.  The price: a
 * millisecond (or finer) value before 1973-03-03 reads as a coarser unit. */
static int ts_epoch_unit(size_t sig_digits) {
    return sig_digits <= 11 ? 0 : sig_digits <= 14 ? 3 : sig_digits <= 17 ? 6 : 9;
}

int ts_parse_epoch_text(const char *s, size_t n, int precision, int64_t *ticks, const char **why) {
    if (precision < 0 || precision > TS_MAX_PRECISION) return ts_fail(why, "precision out of range");
    if (n == 0) return ts_fail(why, "empty timestamp");

    size_t pos = 0;
    bool neg = false;
    if (s[0] == '-' || s[0] == '+') {
        neg = s[0] == '-';
        pos++;
    }
    const char *ip = s + pos;
    while (pos < n && ts_is_digit(s[pos])) pos++;
    size_t il = (size_t)(s + pos - ip);
    if (il == 0) return ts_fail(why, "bad epoch number");
    const char *fp = NULL;
    size_t fl = 0;
    if (pos < n && s[pos] == '.') {
        fp = s + ++pos;
        while (pos < n && ts_is_digit(s[pos])) pos++;
        fl = (size_t)(s + pos - fp);
        if (fl == 0) return ts_fail(why, "empty fraction");
    }
    if (pos != n) return ts_fail(why, "trailing characters");

    while (il > 1 && *ip == '0') {     /* leading zeros do not make it bigger */
        ip++;
        il--;
    }
    /* The number is the digit string ip||fp with the decimal point after il
     * digits, in units of 10^-unit s.  Moving the point by (precision - unit)
     * places leaves `keep` leading digits as the whole-tick magnitude; any
     * nonzero digit after them is a remainder that pushes a negative value
     * one tick down (floor).  Digits past the text count as zeros. */
    long shift = (long)precision - ts_epoch_unit(il == 1 && *ip == '0' ? 0 : il);
    long keep = (long)il + shift;
    uint64_t mag = 0;
    bool rest = false;
    for (long i = 0; i < keep || (size_t)i < il + fl; i++) {
        char c = (size_t)i < il ? ip[i] : (size_t)i - il < fl ? fp[i - (long)il] : '0';
        int digit = c - '0';
        if (i >= keep) {
            if (!neg) break;           /* a positive value just drops them */
            if (digit != 0) {
                rest = true;
                break;
            }
            continue;
        }
        if (mag > (TS_MAG_LIMIT - (uint64_t)digit) / 10) return ts_fail(why, "epoch out of range");
        mag = mag * 10 + (uint64_t)digit;
    }
    if (neg && rest) mag++;                /* cannot wrap: mag <= 2^63 */
    if (ts_signed(mag, neg, ticks) != 0) return ts_fail(why, "epoch out of range");
    return 0;
}

/* Decimal digit count of v (1 for 0). */
static size_t ts_digit_count(uint64_t v) {
    size_t k = 1;
    while (v >= 10) {
        v /= 10;
        k++;
    }
    return k;
}

int64_t ts_from_epoch_int(int64_t v, int precision) {
    precision = ts_clamp_precision(precision);
    bool neg = v < 0;
    uint64_t mag = ts_magnitude(v);
    int shift = precision - ts_epoch_unit(v == 0 ? 0 : ts_digit_count(mag));
    if (shift >= 0) {
        uint64_t f = (uint64_t)ts_pow10[shift];
        if (mag > TS_MAG_LIMIT / f) return neg ? INT64_MIN : INT64_MAX;
        mag *= f;
    } else {
        uint64_t f = (uint64_t)ts_pow10[-shift];
        bool rest = mag % f != 0;
        mag = mag / f + (neg && rest);
    }
    int64_t out;
    if (ts_signed(mag, neg, &out) != 0) return neg ? INT64_MIN : INT64_MAX;
    return out;
}

/* A plain number: optional sign, digits, optional '.' and digits.  A lone
 * trailing '.' still counts, so that "17." is reported as an epoch error
 * rather than a confusing ISO one. */
static bool ts_is_plain_number(const char *s, size_t n) {
    size_t pos = 0;
    if (pos < n && (s[pos] == '-' || s[pos] == '+')) pos++;
    size_t start = pos;
    while (pos < n && ts_is_digit(s[pos])) pos++;
    if (pos == start) return false;
    if (pos < n && s[pos] == '.') {
        pos++;
        while (pos < n && ts_is_digit(s[pos])) pos++;
    }
    return pos == n;
}

int ts_parse(const char *s, size_t n, int precision, int64_t *ticks, const char **why) {
    if (n == 0) return ts_fail(why, "empty timestamp");
    if (ts_is_plain_number(s, n)) return ts_parse_epoch_text(s, n, precision, ticks, why);
    return ts_parse_iso(s, n, precision, ticks, why);
}

/* -------------------------------------------------------------- conversion */

int64_t ts_rescale(int64_t ticks, int from_precision, int to_precision) {
    int from = ts_clamp_precision(from_precision), to = ts_clamp_precision(to_precision);
    if (to == from) return ticks;
    if (to < from) return ts_floor_divmod(ticks, ts_pow10[from - to], NULL);
    int64_t out;
    if (ts_mul_add(ticks, ts_pow10[to - from], 0, &out) != 0) return ticks < 0 ? INT64_MIN : INT64_MAX;
    return out;
}

size_t ts_put_uint(char *p, uint64_t v, int width) {
    char tmp[20];
    int k = 0;
    do {
        tmp[k++] = (char)('0' + v % 10);
        v /= 10;
    } while (v);
    while (k < width) tmp[k++] = '0';
    for (int i = 0; i < k; i++) p[i] = tmp[k - 1 - i];
    return (size_t)k;
}

size_t ts_format_date(int64_t days, char *buf) {
    int64_t y;
    unsigned m, d;
    ts_civil_from_days(days, &y, &m, &d);
    /* Years outside 0000..9999 (huge epoch numbers, raw ticks) are printed
     * faithfully with sign and all digits rather than wrapped. */
    size_t len = 0;
    if (y < 0) buf[len++] = '-';
    len += ts_put_uint(buf + len, ts_magnitude(y), 4);
    buf[len++] = '-';
    len += ts_put_uint(buf + len, m, 2);
    buf[len++] = '-';
    len += ts_put_uint(buf + len, d, 2);
    buf[len] = '\0';
    return len;
}

size_t ts_format(int64_t ticks, int precision, char *buf) {
    precision = ts_clamp_precision(precision);
    int64_t frac, sod;
    int64_t secs = ts_floor_divmod(ticks, ts_pow10[precision], &frac);
    int64_t days = ts_floor_divmod(secs, TS_SECS_PER_DAY, &sod);
    /* The longest is "-292277022657-01-27 08:29:52" (precision 0; each
     * fraction digit costs a year digit), well inside 40 bytes. */
    size_t len = ts_format_date(days, buf);
    buf[len++] = ' ';
    len += ts_put_uint(buf + len, (uint64_t)(sod / 3600), 2);
    buf[len++] = ':';
    len += ts_put_uint(buf + len, (uint64_t)(sod / 60 % 60), 2);
    buf[len++] = ':';
    len += ts_put_uint(buf + len, (uint64_t)(sod % 60), 2);
    if (precision > 0) {
        buf[len++] = '.';
        len += ts_put_uint(buf + len, (uint64_t)frac, precision);
    }
    buf[len] = '\0';
    return len;
}
