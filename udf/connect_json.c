/* connect_json.c — Kafka Connect's JSON converter and header converter bytes (see connect_json.h). */
#include "connect_json.h"

#include <string.h>

/* How a writer quotes a decoded string: Jackson's, or Values' embedded form. */
typedef void (*cj_quote_fn)(buf *b, const char *s, size_t n);

static const char cj_hex[] = "0123456789ABCDEF";

/* One UTF-16 unit as Jackson escapes it: \uXXXX, upper-case hex. */
static void cj_unit(buf *b, unsigned u) {
    char e[6] = {'\\', 'u', cj_hex[u >> 12 & 15], cj_hex[u >> 8 & 15], cj_hex[u >> 4 & 15], cj_hex[u & 15]};
    buf_put(b, e, sizeof(e));
}

void cj_string(buf *b, const char *s, size_t n) {
    buf_putc(b, '"');
    size_t run = 0;
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)s[i];
        if (c >= 0x20 && c != '"' && c != '\\' && (c < 0xF0 || n - i < 4)) continue;
        buf_put(b, s + run, i - run);
        if (c >= 0xF0) {
            /* Outside the BMP: Jackson escapes the surrogate pair the Java
             * string holds, each unit on its own (UTF8JsonGenerator). */
            unsigned cp = (unsigned)(c & 7) << 18 | (unsigned)(s[i + 1] & 0x3F) << 12 |
                          (unsigned)(s[i + 2] & 0x3F) << 6 | (unsigned)(s[i + 3] & 0x3F);
            cj_unit(b, 0xD800 + ((cp - 0x10000) >> 10));
            cj_unit(b, 0xDC00 + ((cp - 0x10000) & 0x3FF));
            i += 3;
            run = i + 1;
            continue;
        }
        run = i + 1;
        switch (c) {
        case '"': case '\\': buf_putc(b, '\\'), buf_putc(b, (char)c); break;
        case '\b': buf_put(b, "\\b", 2); break;
        case '\t': buf_put(b, "\\t", 2); break;
        case '\n': buf_put(b, "\\n", 2); break;
        case '\f': buf_put(b, "\\f", 2); break;
        case '\r': buf_put(b, "\\r", 2); break;
        default: cj_unit(b, c);
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
 * strings with escapes or characters outside the BMP decoded and quoted
 * again by `quote`, everything else (punctuation, numbers, literals, the
 * other strings — which hold nothing either writer escapes) copied as it is. */
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
        int escaped = 0, requote = 0;
        while (q < e && *q != '"') {
            if (*q == '\\') escaped = 1, q++;
            else if ((unsigned char)*q >= 0xF0) requote = 1;
            q++;
        }
        const char *end = q < e ? q + 1 : e;
        json_value v = {JSON_STRING, p, end, e, 0, escaped};
        const char *text;
        size_t len;
        json_error err;
        if ((escaped || requote) && json_string(&v, a, &text, &len, &err) == 0) quote(b, text, len);
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
