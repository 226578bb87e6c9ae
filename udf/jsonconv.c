/* jsonconv.c — the JSON converter's bytes (jsonconv.h). */
#include "jsonconv.h"

#include "javanum.h"

#include <string.h>

static const char jc_hex[] = "0123456789ABCDEF";

/* Jackson's escape for a byte below 0x80, or 0 when it is written as is. */
static char jc_short_escape(unsigned char c) {
    switch (c) {
    case '"': return '"';
    case '\\': return '\\';
    case '\b': return 'b';
    case '\t': return 't';
    case '\n': return 'n';
    case '\f': return 'f';
    case '\r': return 'r';
    default: return c < 0x20 ? 'u' : 0;
    }
}

/* \uXXXX, upper-case hex. */
static void jc_u_escape(buf *b, unsigned u) {
    char e[6] = {'\\', 'u', jc_hex[u >> 12 & 15], jc_hex[u >> 8 & 15], jc_hex[u >> 4 & 15], jc_hex[u & 15]};
    buf_put(b, e, sizeof(e));
}

void jc_string(buf *b, const char *s, size_t n) {
    size_t run = 0;
    buf_putc(b, '"');
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)s[i];
        if (c >= 0xF0 && n - i >= 4) {
            /* Outside the BMP: Java holds two surrogates, and Jackson 2.16
             * writes each as an escape (\uD83D\uDE00), not as UTF-8. */
            unsigned cp = (unsigned)(c & 7) << 18 | (unsigned)(s[i + 1] & 63) << 12 | (unsigned)(s[i + 2] & 63) << 6 |
                          (unsigned)(s[i + 3] & 63);
            buf_put(b, s + run, i - run);
            cp -= 0x10000;
            jc_u_escape(b, 0xD800 + (cp >> 10));
            jc_u_escape(b, 0xDC00 + (cp & 0x3FF));
            i += 3;
            run = i + 1;
            continue;
        }
        char e = c < 0x80 ? jc_short_escape(c) : 0;
        if (!e) continue;
        buf_put(b, s + run, i - run);
        run = i + 1;
        if (e == 'u') {
            jc_u_escape(b, c);
        } else {
            char two[2] = {'\\', e};
            buf_put(b, two, 2);
        }
    }
    buf_put(b, s + run, n - run);
    buf_putc(b, '"');
}

void jc_double(buf *b, double d) {
    char t[JN_DOUBLE_MAX];
    size_t n = jn_double(d, t);
    if (d != d || d - d != 0) {   /* NaN, ±Infinity: Jackson writes them as strings */
        jc_string(b, t, n);
        return;
    }
    buf_put(b, t, n);
}

/* The string starting at p (its opening quote) within [p, end): re-escaped
 * when it holds an escape or a character beyond U+FFFF, copied when not
 * (then it is already what Jackson writes).  Returns the byte after it, or
 * NULL. */
static const char *jc_copy_string(buf *b, const char *p, const char *end, arena *a, json_error *err) {
    const char *q = p + 1;
    int escaped = 0;
    while (q < end && *q != '"') {
        if (*q == '\\') {
            escaped = 1;
            q++;
        } else if ((unsigned char)*q >= 0xF0) {
            escaped = 1;
        }
        q++;
    }
    if (q >= end) {
        err->msg = "unterminated string";
        err->where = p;
        return NULL;
    }
    q++;
    if (!escaped) {
        buf_put(b, p, (size_t)(q - p));
        return q;
    }
    json_value v = {.type = JSON_STRING, .start = p, .end = q, .limit = end, .escaped = 1};
    const char *s;
    size_t n;
    if (json_string(&v, a, &s, &n, err) < 0) return NULL;
    jc_string(b, s, n);
    return q;
}

int jc_value(buf *b, const json_value *v, arena *a, json_error *err) {
    const char *p = v->start, *end = v->end;
    while (p < end) {
        const char *run = p;
        /* Structure, numbers and literals are copied; whitespace dropped. */
        while (p < end && *p != '"' && *p != ' ' && *p != '\t' && *p != '\n' && *p != '\r') p++;
        buf_put(b, run, (size_t)(p - run));
        if (p == end) break;
        if (*p == '"') {
            p = jc_copy_string(b, p, end, a, err);
            if (!p) return -1;
        } else {
            p++;
        }
    }
    return 0;
}
