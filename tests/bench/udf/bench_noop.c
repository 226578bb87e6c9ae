/* bench_noop.c — the benchmark's no-op executable UDF: the I/O ceiling.
 *
 * Speaks exactly what experiment_event speaks on input (executable_pool,
 * send_chunk_header, RowBinary String rows) and answers one UInt8 0 per row
 * without looking at the message: what is left is the cost of ClickHouse
 * writing the block into a pipe, the kernel moving it, one reader taking it
 * out, and ClickHouse reading a tiny answer.  No decoder can beat it.
 *
 * With --answer-event it answers instead, for every row, one fixed
 * experiment_event row (its 13 columns, typical sizes): a decoder that
 * costs nothing.  What is left then is everything ClickHouse spends on an
 * executable UDF with that answer — the ceiling for experiment_event. */
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

/* One experiment_event answer in RowBinary: id, experiment_id UInt32,
 * user_id, variant_id UInt32, variant_key, event_type, timestamp
 * DateTime64(6), assignment_at Nullable(DateTime64(6)), properties,
 * session_id, op, aggregate_id, error. */
static size_t event_row(char *out) {
    static const char *const strings[] = {"4870322f-d2ca-4f6c-9881-bf201880c5cd", "user-73440", "B", "purchase",
                                          "{\"page\":\"/pricing\",\"device\":\"web\",\"value\":5,\"score\":0.4}",
                                          "sess-d59f15a6ab49d650", "c", "99480", ""};
    size_t n = 0;
    uint32_t u32 = 32;
    int64_t ts = 1710440141301000;
#define EV_STR(i) (out[n++] = (char)strlen(strings[i]), memcpy(out + n, strings[i], strlen(strings[i])), n += strlen(strings[i]))
#define EV_RAW(v) (memcpy(out + n, &(v), sizeof(v)), n += sizeof(v))
    EV_STR(0); EV_RAW(u32); EV_STR(1); EV_RAW(u32); EV_STR(2); EV_STR(3); EV_RAW(ts);
    out[n++] = 0; EV_RAW(ts);                      /* Nullable: not NULL, then the value */
    EV_STR(4); EV_STR(5); EV_STR(6); EV_STR(7); EV_STR(8);
    return n;
}

int main(int argc, char **argv) {
    static char zeros[CAP];
    static char answer[CAP];
    size_t row = 0, per = 0;              /* --answer-event: bytes per row, rows per buffer */
    if (argc > 1 && !strcmp(argv[1], "--answer-event")) {
        row = event_row(answer);
        per = CAP / row;
        for (size_t k = 1; k < per; k++) memcpy(answer + k * row, answer, row);
    }
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
            size_t n = row ? (left < per ? (size_t)left : per) : (left < CAP ? (size_t)left : CAP);
            put(row ? answer : zeros, row ? n * row : n);
            left -= n;
        }
    }
}
