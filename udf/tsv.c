/* tsv.c — TabSeparated escaping and unescaping (see tsv.h). */
#include "tsv.h"

#include <string.h>

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

size_t tsv_unescape(char *s, size_t n) {
    char *bs = memchr(s, '\\', n);
    if (!bs) return n;
    size_t in = (size_t)(bs - s), out = in;
    while (in < n) {
        char c = s[in];
        if (c != '\\' || in + 1 == n) {
            s[out++] = c;
            in++;
            continue;
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
    }
    return out;
}

void tsv_write_escaped(io_writer *w, const char *s, size_t n) {
    size_t run = 0;
    for (size_t i = 0; i < n; i++) {
        char letter = tsv_escape_letter[(unsigned char)s[i]];
        if (!letter) continue;
        io_write(w, s + run, i - run);
        char esc[2] = {'\\', letter};
        io_write(w, esc, 2);
        run = i + 1;
    }
    io_write(w, s + run, n - run);
}

void tsv_write_quoted(io_writer *w, const char *s, size_t n) {
    io_putc(w, '\'');
    tsv_write_escaped(w, s, n);
    io_putc(w, '\'');
}
