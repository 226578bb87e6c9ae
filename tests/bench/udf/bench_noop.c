/* bench_noop.c — the benchmark's no-op executable UDF: the I/O ceiling.
 *
 * Speaks exactly what experiment_event speaks on input (executable_pool,
 * send_chunk_header, RowBinary String rows) and answers one UInt8 0 per row
 * without looking at the message: what is left is the cost of ClickHouse
 * writing the block into a pipe, the kernel moving it, one reader taking it
 * out, and ClickHouse reading a tiny answer.  No decoder can beat it. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <fcntl.h>

#define CAP (1 << 20)
static char buf[CAP];
static size_t pos, len;

static int fill(void) {
    if (pos < len) memmove(buf, buf + pos, len - pos);
    len -= pos;
    pos = 0;
    ssize_t got = read(0, buf + len, CAP - len);
    if (got <= 0) return 0;
    len += (size_t)got;
    return 1;
}

static int byte(unsigned char *c) {
    if (pos == len && !fill()) return 0;
    *c = (unsigned char)buf[pos++];
    return 1;
}

static void put(const char *p, size_t n) {
    while (n) {
        ssize_t w = write(1, p, n);
        if (w <= 0) exit(74);
        p += w;
        n -= (size_t)w;
    }
}

int main(void) {
    static char zeros[CAP];
#ifdef F_SETPIPE_SZ
    fcntl(0, F_SETPIPE_SZ, 1 << 20);
    fcntl(1, F_SETPIPE_SZ, 1 << 20);
#endif
    for (;;) {
        uint64_t rows = 0;
        unsigned char c;
        for (;;) {
            if (!byte(&c)) return 0;
            if (c == '\n') break;
            rows = rows * 10 + (uint64_t)(c - '0');
        }
        for (uint64_t i = 0; i < rows; i++) {
            uint64_t n = 0;
            int shift = 0;
            do {
                if (!byte(&c)) return 65;
                n |= (uint64_t)(c & 0x7f) << shift;
                shift += 7;
            } while (c & 0x80);
            while (n) {                      /* skip the message */
                if (pos == len && !fill()) return 65;
                size_t take = len - pos < n ? len - pos : (size_t)n;
                pos += take;
                n -= take;
            }
        }
        for (uint64_t left = rows; left;) {
            size_t n = left < CAP ? (size_t)left : CAP;
            put(zeros, n);
            left -= n;
        }
    }
}
