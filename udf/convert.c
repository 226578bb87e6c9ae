/* convert.c — typed conversion of JSON values (see convert.h). */
#include "convert.h"
#include "timestamp.h"

#include <ctype.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

typedef struct conv_text { const char *s; size_t n; } conv_text;

/* A reason with a quoted excerpt of the value, allocated from the row arena. */
static int conv_fail(const char **why, arena *a, const conv_text *val, const char *fmt, ...) {
    char msg[160];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof(msg), fmt, ap);
    va_end(ap);
    size_t cap = sizeof(msg) + 64;
    char *out = arena_alloc(a, cap);
    int shown = (int)(val->n > 40 ? 40 : val->n);
    snprintf(out, cap, "'%.*s%s' %s", shown, val->s, val->n > 40 ? "…" : "", msg);
    *why = out;
    return -1;
}

/* The text a value stands for: a string's decoded contents, else its JSON. */
static int conv_text_of(const json_value *v, arena *a, conv_text *t, const char **why) {
    json_error err = {0, 0};
    if (v->type == JSON_STRING) {
        if (json_string(v, a, &t->s, &t->n, &err) == 0) return 0;
        *why = err.msg ? err.msg : "bad string";
        return -1;
    }
    json_value c = *v;
    if (json_finish(&c, &err) < 0) {
        *why = err.msg ? err.msg : "malformed JSON";
        return -1;
    }
    t->s = c.start;
    t->n = json_raw_len(&c);
    return 0;
}

/* Exact decimal integer text: optional sign, digits, nothing else. */
static int conv_parse_int(const conv_text *t, int *neg, uint64_t *mag) {
    size_t i = 0;
    uint64_t m = 0;
    *neg = 0;
    if (i < t->n && (t->s[i] == '-' || t->s[i] == '+')) *neg = t->s[i++] == '-';
    if (i == t->n) return -1;
    for (; i < t->n; i++) {
        unsigned d = (unsigned char)t->s[i] - '0';
        if (d > 9) return -1;
        if (m > (UINT64_MAX - d) / 10) return 1;
        m = m * 10 + d;
    }
    *mag = m;
    return 0;
}

/* Text to double; the whole text must be a number ("nan", "inf" allowed). */
static int conv_parse_double(const conv_text *t, arena *a, double *out) {
    if (t->n == 0 || t->n > 400) return -1;
    char *z = arena_strdup(a, t->s, t->n);
    char *end;
    *out = strtod(z, &end);
    /* strtod also skips leading whitespace and reads hexadecimal: neither is decimal text */
    return end == z + t->n && !isspace((unsigned char)t->s[0]) && !memchr(t->s, 'x', t->n) && !memchr(t->s, 'X', t->n) ? 0 : -1;
}

static void conv_int_range(chtype_kind k, int64_t *lo, uint64_t *hi) {
    int w = chtype_width(k);
    if (chtype_is_signed(k)) {
        *hi = w == 8 ? (uint64_t)INT64_MAX : (1ULL << (8 * w - 1)) - 1;
        *lo = w == 8 ? INT64_MIN : -(int64_t)(1ULL << (8 * w - 1));
    } else {
        *hi = w == 8 ? UINT64_MAX : (1ULL << (8 * w)) - 1;
        *lo = 0;
    }
}

static const char *conv_type_name(const chtype *t, arena *a) {
    char *name = arena_alloc(a, 96);
    chtype_format(t, name, 96);
    return name;
}

/* Integers are exact; integral decimals such as 5.0 or 1e3 are accepted
 * too.  Sign and magnitude are kept apart so that UInt64's maximum fits. */
static int conv_write_integer(res_writer *out, const chtype *t, const conv_text *txt, arena *a, const char **why) {
    int neg = 0;
    uint64_t mag = 0;
    int rc = conv_parse_int(txt, &neg, &mag);
    if (rc < 0) {
        double d;
        if (conv_parse_double(txt, a, &d) < 0 || d != floor(d)) {
            res_null(out);
            return conv_fail(why, a, txt, "is not an integer (for %s)", conv_type_name(t, a));
        }
        neg = d < 0;
        rc = fabs(d) >= 1.8446744073709552e19;  /* beyond every 64-bit integer: out of range */
        mag = rc ? 0 : (uint64_t)fabs(d);
    }
    int64_t lo;
    uint64_t hi;
    conv_int_range(t->kind, &lo, &hi);
    int fits = rc == 0 && (neg ? (mag == 0 || (lo < 0 && mag <= (uint64_t)0 - (uint64_t)lo)) : mag <= hi);
    if (!fits) {
        res_null(out);
        return conv_fail(why, a, txt, "is out of range for %s", conv_type_name(t, a));
    }
    if (chtype_is_signed(t->kind)) res_int(out, neg ? (int64_t)((uint64_t)0 - mag) : (int64_t)mag);
    else res_uint(out, mag);
    return 0;
}

static int conv_write_float(res_writer *out, const chtype *t, const conv_text *txt, arena *a, const char **why) {
    double d;
    if (conv_parse_double(txt, a, &d) < 0) {
        res_null(out);
        return conv_fail(why, a, txt, "is not a number (for %s)", conv_type_name(t, a));
    }
    res_float(out, d);
    return 0;
}

static int conv_write_bool(res_writer *out, const json_value *v, const conv_text *txt, arena *a, const char **why) {
    static const char *yes[] = {"true", "1", "t", "yes", "y", "on"};
    static const char *no[] = {"false", "0", "f", "no", "n", "off"};
    if (v->type == JSON_TRUE || v->type == JSON_FALSE) {
        res_bool(out, v->type == JSON_TRUE);
        return 0;
    }
    for (size_t i = 0; i < sizeof(yes) / sizeof(yes[0]); i++) {
        if (txt->n == strlen(yes[i]) && !strncasecmp(txt->s, yes[i], txt->n)) return res_bool(out, 1), 0;
        if (txt->n == strlen(no[i]) && !strncasecmp(txt->s, no[i], txt->n)) return res_bool(out, 0), 0;
    }
    res_null(out);
    return conv_fail(why, a, txt, "is not a boolean");
}

static int conv_write_datetime(res_writer *out, const chtype *t, const conv_text *txt, arena *a, const char **why) {
    int64_t ticks;
    const char *reason;
    if (ts_parse(txt->s, txt->n, t->precision, &ticks, &reason) < 0) {
        res_null(out);
        return conv_fail(why, a, txt, "is not a timestamp: %s", reason);
    }
    res_datetime64(out, ticks);
    return 0;
}

/* One element's text by the String rule (null is ''); a container is
 * walked, then the iterator goes on after it. */
static int conv_element_text(json_iter *it, json_value *el, arena *a, conv_text *t, json_error *err) {
    t->s = "";
    t->n = 0;
    if (el->type == JSON_NULL) return 0;
    if (el->type == JSON_STRING) return json_string(el, a, &t->s, &t->n, err);
    if (json_finish(el, err) < 0) return -1;
    if (el->type == JSON_OBJECT || el->type == JSON_ARRAY) json_iter_resume(it, el);
    t->s = el->start;
    t->n = json_raw_len(el);
    return 0;
}

/* Array(String) from a JSON array, Map(String, String) from an object:
 * each element, or each member's value, by the String rule. */
static int conv_write_container(res_writer *out, const chtype *t, const json_value *v, const conv_text *txt,
                                arena *a, const char **why) {
    int map = t->kind == CT_MAP_STRING;
    json_type want = map ? JSON_OBJECT : JSON_ARRAY;
    if (v->type != want) {
        res_null(out);
        return conv_fail(why, a, txt, "is a JSON %s, not a JSON %s (for %s)", json_type_name(v->type),
                         json_type_name(want), conv_type_name(t, a));
    }
    json_value c = *v, key, el;
    json_iter it;
    json_error err = {0, 0};
    conv_text k = {"", 0}, e;
    int rc = json_iter_init(&it, &c, &err);
    if (map) res_map_begin(out);
    else res_array_begin(out);
    while (rc == 0 && (rc = map ? json_iter_member(&it, &key, &el) : json_iter_element(&it, &el)) > 0) {
        rc = map ? json_string(&key, a, &k.s, &k.n, &err) : 0;
        if (rc == 0) rc = conv_element_text(&it, &el, a, &e, &err);
        if (rc == 0 && map) res_map_entry(out, k.s, k.n, e.s, e.n);
        else if (rc == 0) res_array_string(out, e.s, e.n);
    }
    if (map) res_map_end(out);
    else res_array_end(out);
    if (rc < 0) *why = err.msg ? err.msg : "malformed JSON";
    return rc < 0 ? -1 : 0;
}

/* The day a Date value names: Debezium's io.debezium.time.Date, a day
 * number since 1970-01-01 (a JSON number or a string of digits, negative
 * before 1970), or ISO-8601 text: a date, or a timestamp, whose UTC day it
 * is (the instant DateTime64 reads from the same text).  0; 1 for a day
 * number beyond int64; -1 with *reason. */
static int conv_day(const conv_text *txt, arena *a, int64_t *days, const char **reason) {
    int neg;
    uint64_t mag;
    double d;
    int rc = conv_parse_int(txt, &neg, &mag);
    if (rc > 0 || (rc == 0 && mag > (uint64_t)INT64_MAX)) return 1;
    if (rc == 0) {
        *days = neg ? -(int64_t)mag : (int64_t)mag;
        return 0;
    }
    if (ts_parse_iso_day(txt->s, txt->n, days, reason) == 0) return 0;
    if (conv_parse_double(txt, a, &d) == 0 && isfinite(d)) *reason = "a day number must be an integer in digits";
    return -1;
}

/* Date and Date32.  A day the type cannot hold is an error, never a day
 * wrapped or clamped into its range. */
static int conv_write_date(res_writer *out, const chtype *t, const conv_text *txt, arena *a, const char **why) {
    int64_t days, first, last;
    const char *reason;
    int rc = conv_day(txt, a, &days, &reason);
    if (rc < 0) {
        res_null(out);
        return conv_fail(why, a, txt, "is not a date (for %s): %s", conv_type_name(t, a), reason);
    }
    chtype_day_range(t->kind, &first, &last);
    if (rc > 0 || days < first || days > last) {
        char lo[24], hi[24];
        ts_format_date(first, lo);
        ts_format_date(last, hi);
        res_null(out);
        return conv_fail(why, a, txt, "is out of range for %s (%s to %s)", conv_type_name(t, a), lo, hi);
    }
    res_date(out, days);
    return 0;
}

int conv_write(res_writer *out, const chtype *t, const json_value *v, arena *a, const char **why) {
    conv_text txt;
    if (v->type == JSON_NONE || v->type == JSON_NULL) {
        res_null(out);
        return 0;
    }
    if (conv_text_of(v, a, &txt, why) < 0) {
        res_null(out);
        return -1;
    }
    if (t->kind == CT_STRING) {
        res_string(out, txt.s, txt.n);
        return 0;
    }
    if (chtype_is_container(t->kind)) return conv_write_container(out, t, v, &txt, a, why);
    if ((v->type == JSON_OBJECT || v->type == JSON_ARRAY) && t->kind != CT_STRING) {
        res_null(out);
        return conv_fail(why, a, &txt, "is a JSON %s, not a %s", json_type_name(v->type), conv_type_name(t, a));
    }
    switch (t->kind) {
    case CT_FLOAT32:
    case CT_FLOAT64: return conv_write_float(out, t, &txt, a, why);
    case CT_BOOL: return conv_write_bool(out, v, &txt, a, why);
    case CT_DATE:
    case CT_DATE32: return conv_write_date(out, t, &txt, a, why);
    case CT_DATETIME64: return conv_write_datetime(out, t, &txt, a, why);
    default:
        if (v->type == JSON_TRUE || v->type == JSON_FALSE) {
            conv_text b = {v->type == JSON_TRUE ? "1" : "0", 1};
            return conv_write_integer(out, t, &b, a, why);
        }
        return conv_write_integer(out, t, &txt, a, why);
    }
}
