/* tsv.c — TabSeparated escaping and unescaping (see tsv.h). */
#include "tsv.h"

#include <string.h>

#ifdef __SSE2__
#include <emmintrin.h>
#endif

/* Output escape for each byte: 0 = copy as is, else the letter after '\'. */
static const char tsv_escape_letter[256] = {
    ['\t'] = 't', ['\n'] = 'n', ['\r'] = 'r', ['\\'] = '\\', ['\0'] = '0',
    ['\b'] = 'b', ['\f'] = 'f', ['\''] = '\'',
};

static int tsv_hex(char c) {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
}

static char tsv_unescape_letter(char c) {
    switch (c) {
    case 't': return '\t';
    case 'n': return '\n';
    case 'r': return '\r';
    case '0': return '\0';
    case 'b': return '\b';
    case 'f': return '\f';
    case 'a': return '\a';
    case 'v': return '\v';
    case 'e': return '\x1b';
    default: return c;
    }
}

/* A message in TabSeparated carries every JSON backslash doubled (an
 * outbox payload: one every few bytes), so the text between escapes is
 * moved as runs, never byte by byte. */
size_t tsv_unescape(char *s, size_t n) {
    char *bs = memchr(s, '\\', n);
    if (!bs) return n;
    size_t in = (size_t)(bs - s), out = in;
    while (in < n) {
        /* s[in] is a backslash */
        if (in + 1 == n) {
            s[out++] = '\\';
            break;
        }
        char e = s[in + 1];
        int hi, lo;
        if (e == 'x' && in + 3 < n && (hi = tsv_hex(s[in + 2])) >= 0 && (lo = tsv_hex(s[in + 3])) >= 0) {
            s[out++] = (char)(hi * 16 + lo);
            in += 4;
        } else {
            s[out++] = tsv_unescape_letter(e);
            in += 2;
        }
        char *next = in < n ? memchr(s + in, '\\', n - in) : NULL;
        size_t run = (next ? (size_t)(next - s) : n) - in;
        memmove(s + out, s + in, run);
        out += run;
        in += run;
    }
    return out;
}

static inline void tsv_escape_at(io_writer *w, const char *s, size_t *run, size_t i) {
    char letter = tsv_escape_letter[(unsigned char)s[i]];
    if (!letter) return;
    io_write(w, s + *run, i - *run);
    char esc[2] = {'\\', letter};
    io_write(w, esc, 2);
    *run = i + 1;
}

void tsv_write_escaped(io_writer *w, const char *s, size_t n) {
    size_t run = 0, i = 0;
#if defined(__SSE2__)
    /* 16 bytes at a time: only control characters, '\\' and '\'' can need an escape */
    const __m128i ctl = _mm_set1_epi8(0x1F), bslash = _mm_set1_epi8('\\'), quote = _mm_set1_epi8('\'');
    for (; n - i >= 16; i += 16) {
        __m128i x = _mm_loadu_si128((const __m128i *)(const void *)(s + i));
        __m128i hit = _mm_or_si128(_mm_cmpeq_epi8(_mm_min_epu8(x, ctl), x),
                                   _mm_or_si128(_mm_cmpeq_epi8(x, bslash), _mm_cmpeq_epi8(x, quote)));
        unsigned m = (unsigned)_mm_movemask_epi8(hit);
        while (m) {
            tsv_escape_at(w, s, &run, i + (unsigned)__builtin_ctz(m));
            m &= m - 1;
        }
    }
#endif
    for (; i < n; i++) tsv_escape_at(w, s, &run, i);
    io_write(w, s + run, n - run);
}

void tsv_write_quoted(io_writer *w, const char *s, size_t n) {
    io_putc(w, '\'');
    tsv_write_escaped(w, s, n);
    io_putc(w, '\'');
}
