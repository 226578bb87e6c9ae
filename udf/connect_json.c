/* connect_json.c — Kafka Connect's JSON converter and header converter bytes (see connect_json.h). */
#include "connect_json.h"

#include <string.h>

/* How a writer quotes a decoded string: Jackson's, or Values' embedded form. */
typedef void (*cj_quote_fn)(buf *b, const char *s, size_t n);

static const char cj_hex[] = "0123456789ABCDEF";

void cj_string(buf *b, const char *s, size_t n) {
    buf_putc(b, '"');
    size_t run = 0;
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)s[i];
        if (c >= 0x20 && c != '"' && c != '\\') continue;
        buf_put(b, s + run, i - run);
        run = i + 1;
        buf_putc(b, '\\');
        switch (c) {
        case '"': case '\\': buf_putc(b, (char)c); break;
        case '\b': buf_putc(b, 'b'); break;
        case '\t': buf_putc(b, 't'); break;
        case '\n': buf_putc(b, 'n'); break;
        case '\f': buf_putc(b, 'f'); break;
        case '\r': buf_putc(b, 'r'); break;
        default: {
            char u[5] = {'u', '0', '0', cj_hex[c >> 4], cj_hex[c & 15]};
            buf_put(b, u, sizeof(u));
        }
        }
    }
    buf_put(b, s + run, n - run);
    buf_putc(b, '"');
}

void cj_header_string(buf *b, const char *s, size_t n) {
    buf_putc(b, '"');
    size_t run = 0;
    for (size_t i = 0; i < n; i++) {
        if (s[i] != '"' && s[i] != '\\') continue;
        buf_put(b, s + run, i - run);
        buf_putc(b, '\\');
        run = i;          /* the character itself starts the next run */
    }
    buf_put(b, s + run, n - run);
    buf_putc(b, '"');
}

static int cj_is_ws(char c) {
    return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

/* One pass over validated JSON text: whitespace outside strings dropped,
 * strings with escapes decoded and quoted again by `quote`, everything
 * else (punctuation, numbers, literals, strings without escapes — which
 * hold nothing either writer escapes) copied as it is. */
static void cj_copy(buf *b, const char *s, size_t n, arena *a, cj_quote_fn quote) {
    const char *p = s, *e = s + n;
    while (p < e) {
        const char *run = p;
        while (p < e && *p != '"' && !cj_is_ws(*p)) p++;
        buf_put(b, run, (size_t)(p - run));
        if (p == e) break;
        if (*p != '"') {
            p++;
            continue;
        }
        const char *q = p + 1;
        int escaped = 0;
        while (q < e && *q != '"') {
            if (*q == '\\') escaped = 1, q++;
            q++;
        }
        const char *end = q < e ? q + 1 : e;
        json_value v = {JSON_STRING, p, end, e, 0, escaped};
        const char *text;
        size_t len;
        json_error err;
        if (escaped && json_string(&v, a, &text, &len, &err) == 0) quote(b, text, len);
        else buf_put(b, p, (size_t)(end - p));
        p = end;
    }
}

void cj_json(buf *b, const char *s, size_t n, arena *a) {
    cj_copy(b, s, n, a, cj_string);
}

int cj_header(buf *b, const json_value *v, arena *a) {
    const char *text;
    size_t len;
    json_error err;
    switch (v->type) {
    case JSON_NULL:
    case JSON_NONE:
        return 1;
    case JSON_STRING:
        if (json_string(v, a, &text, &len, &err) == 0) buf_put(b, text, len);
        return 0;
    case JSON_OBJECT:
    case JSON_ARRAY:
        cj_copy(b, v->start, json_raw_len(v), a, cj_header_string);
        return 0;
    default:
        buf_put(b, v->start, json_raw_len(v));
        return 0;
    }
}
