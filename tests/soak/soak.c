/* soak.c — millions of rows through one debezium_unwrap process in
 * executable_pool mode (RowBinary, chunk headers), as ClickHouse drives it.
 *
 *   soak [--rows N] [--chunk ROWS] [--big-every N] [--valgrind PATH]
 *
 * Every row is generated from its index: change events (c/u/d) whose LSN is
 * index+1, and at fixed intervals invalid JSON, tombstones and a 5 MB event.
 * Every answered row is decoded and checked against its index — version,
 * op, is_deleted, error — so a lost, duplicated, reordered or wrong row
 * fails at once.  After each chunk (the process idle, waiting for the next
 * header) resident memory is sampled from /proc/<pid>/status; after a
 * warm-up tenth of the rows it must stay flat (end within 2 MB of the
 * warm-up sample) and the high-water mark within 64 MB plus three times the
 * largest row.  At the end stdin is closed: exit status 0 and an empty
 * stderr (an ASan/LSan build reports leaks there and fails the exit).
 * --valgrind runs the binary under valgrind's leak checker (--no-sandbox:
 * valgrind cannot run under a seccomp filter) and skips the memory bounds. */
#include <errno.h>
#include <inttypes.h>
#include <poll.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "udfproc.h"

#if defined(__SANITIZE_ADDRESS__)
#define SOAK_SANITIZED 1   /* ASan's quarantine grows RSS by design: report only */
#else
#define SOAK_SANITIZED 0
#endif
#define SOAK_BIG_BYTES (5u << 20)

typedef struct soak_opts {
    uint64_t rows, chunk, big_every;
    const char *valgrind;
} soak_opts;

typedef struct soak_row {
    const char *op, *error;
    size_t op_n, error_n;
    unsigned is_deleted;
    uint64_t version;
} soak_row;

static _Noreturn void soak_die(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static void soak_die(const char *fmt, ...) {
    va_list ap;
    va_start(ap, fmt);
    fputs("soak: FAILED: ", stderr);
    vfprintf(stderr, fmt, ap);
    fputc('\n', stderr);
    va_end(ap);
    exit(1);
}

/* ------------------------------------------------------------ input rows */

enum { SOAK_CHANGE, SOAK_INVALID, SOAK_TOMBSTONE, SOAK_BIG };

static int soak_kind(const soak_opts *o, uint64_t i) {
    if (i % o->big_every == o->big_every / 2) return SOAK_BIG;
    if (i % 1000 == 7) return SOAK_INVALID;
    if (i % 1000 == 13) return SOAK_TOMBSTONE;
    return SOAK_CHANGE;
}

static char soak_op(uint64_t i) {
    return "cud"[i % 3];
}

static void soak_message(const soak_opts *o, uint64_t i, tbuf *msg) {
    char image[256], head[1024];
    msg->n = 0;
    int kind = soak_kind(o, i);
    if (kind == SOAK_TOMBSTONE) return;
    if (kind == SOAK_INVALID) {
        snprintf(head, sizeof(head), "{\"op\":\"c\",\"after\":{\"id\":%" PRIu64 ",\"name\":\"trunc", i);
        tb_puts(msg, head);
        return;
    }
    char op = kind == SOAK_BIG ? 'c' : soak_op(i);
    snprintf(image, sizeof(image), "{\"id\":%" PRIu64 ",\"customer\":\"user-%" PRIu64 "\",\"amount\":%" PRIu64 ".%02u,\"note\":\"caf\\u00e9 \\\"q\\\"\"%s",
             i, i % 5000, i % 100000, (unsigned)(i % 100), kind == SOAK_BIG ? ",\"blob\":\"" : "}");
    snprintf(head, sizeof(head), "{\"before\":%s,\"after\":%s", op == 'd' ? image : "null", op == 'd' ? "null" : image);
    tb_puts(msg, head);
    if (kind == SOAK_BIG) {
        for (size_t k = 0; k < SOAK_BIG_BYTES; k += 64) tb_puts(msg, "0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ-_");
        tb_puts(msg, "\"}");
    }
    snprintf(head, sizeof(head),
             ",\"source\":{\"version\":\"2.5.0.Final\",\"connector\":\"postgresql\",\"name\":\"dbz\",\"ts_ms\":%" PRIu64
             ",\"snapshot\":\"false\",\"db\":\"app\",\"schema\":\"public\",\"table\":\"orders\",\"txId\":%" PRIu64
             ",\"lsn\":%" PRIu64 "},\"op\":\"%c\",\"ts_ms\":%" PRIu64 "}",
             1700000000000 + i, 1000 + i / 7, i + 1, op, 1700000000500 + i);
    tb_puts(msg, head);
}

/* ------------------------------------------------------------ output rows */

/* One debezium_unwrap result row; 0 when the bytes are not all there yet. */
static size_t soak_parse(const char *p, size_t n, soak_row *r) {
    tcursor c = tc_of(p, n);
    size_t skip;
    r->op = tc_rb_string(&c, &r->op_n);
    for (int i = 0; i < 3; i++) tc_rb_string(&c, &skip);            /* row, before, after */
    r->is_deleted = (unsigned)tc_le(&c, 1);
    r->version = tc_le(&c, 8);
    for (int i = 0; i < 3; i++) tc_rb_string(&c, &skip);            /* db, schema, table */
    for (int i = 0; i < 3; i++) tc_le(&c, 8);              /* lsn, tx id, source ts */
    tc_rb_string(&c, &skip);                                        /* snapshot */
    tc_le(&c, 8);                                          /* ts_ms */
    for (int i = 0; i < 3; i++)                                     /* changed, unchanged, unavailable */
        for (uint64_t e = 0, count = tc_leb128(&c); e < count && c.ok; e++) tc_rb_string(&c, &skip);
    r->error = tc_rb_string(&c, &r->error_n);
    return c.ok ? (size_t)((const char *)c.p - p) : 0;
}

static void soak_check(const soak_opts *o, uint64_t i, const soak_row *r) {
    int kind = soak_kind(o, i);
    if (kind == SOAK_TOMBSTONE) {
        if (!r->is_deleted || r->op_n || r->error_n) soak_die("row %" PRIu64 ": tombstone answered wrongly", i);
    } else if (kind == SOAK_INVALID) {
        if (r->error_n < 12 || memcmp(r->error, "invalid JSON", 12) || r->version)
            soak_die("row %" PRIu64 ": invalid JSON answered with error '%.*s'", i, (int)r->error_n, r->error);
    } else {
        char op = kind == SOAK_BIG ? 'c' : soak_op(i);
        if (r->error_n || r->version != i + 1 || r->op_n != 1 || r->op[0] != op || r->is_deleted != (op == 'd'))
            soak_die("row %" PRIu64 ": version %" PRIu64 " op '%.*s' error '%.*s'", i, r->version, (int)r->op_n, r->op,
                     (int)r->error_n, r->error);
    }
}

/* ------------------------------------------------------------ the process */

/* Sends one chunk and reads its answer, checking every row. */
static void soak_chunk(const soak_opts *o, udfproc *p, uint64_t first, uint64_t rows, tbuf *in, tbuf *out) {
    tbuf msg = {0};
    char header[32];
    in->n = 0;
    snprintf(header, sizeof(header), "%" PRIu64 "\n", rows);
    tb_puts(in, header);
    for (uint64_t i = first; i < first + rows; i++) {
        soak_message(o, i, &msg);
        tb_rb_string(in, msg.p ? msg.p : "", msg.n);
    }
    tb_free(&msg);
    size_t sent = 0, parsed = 0;
    uint64_t answered = 0;
    out->n = 0;
    while (answered < rows) {
        struct pollfd fds[3] = {{sent < in->n ? p->in : -1, POLLOUT, 0}, {p->out, POLLIN, 0}, {p->err, POLLIN, 0}};
        if (poll(fds, 3, UDFPROC_HANG_SECONDS * 1000) <= 0) soak_die("no progress for %d s at row %" PRIu64, UDFPROC_HANG_SECONDS, first + answered);
        if (fds[2].revents) {
            char buf[4096];
            ssize_t got = read(p->err, buf, sizeof(buf) - 1);
            soak_die("the process wrote to stderr or exited: %.*s", got > 0 ? (int)got : 0, buf);
        }
        if (fds[0].revents & POLLOUT) {
            size_t chunk = in->n - sent < (1u << 20) ? in->n - sent : (1u << 20);
            ssize_t put = write(p->in, in->p + sent, chunk);
            if (put < 0 && errno != EAGAIN && errno != EINTR) soak_die("write to the process failed: %s", strerror(errno));
            if (put > 0) sent += (size_t)put;
        }
        if (fds[1].revents & (POLLIN | POLLHUP)) {
            char buf[1 << 16];
            ssize_t got = read(p->out, buf, sizeof(buf));
            if (got <= 0) soak_die("stdout ended after %" PRIu64 " of %" PRIu64 " rows", first + answered, o->rows);
            tb_put(out, buf, (size_t)got);
            soak_row r;
            size_t used;
            while (answered < rows && (used = soak_parse(out->p + parsed, out->n - parsed, &r)) > 0) {
                soak_check(o, first + answered, &r);
                parsed += used;
                answered++;
            }
            if (parsed > (8u << 20)) {  /* keep the unparsed tail only */
                memmove(out->p, out->p + parsed, out->n - parsed);
                out->n -= parsed;
                parsed = 0;
            }
        }
    }
    if (parsed != out->n) soak_die("%zu bytes after the chunk's last row", out->n - parsed);
}

static void soak_parse_args(int argc, char **argv, soak_opts *o) {
    o->rows = 10000000;
    o->chunk = 65536;
    o->big_every = 1000000;
    o->valgrind = NULL;
    for (int i = 1; i < argc; i++) {
        if (i + 1 < argc && !strcmp(argv[i], "--rows")) o->rows = strtoull(argv[++i], NULL, 10);
        else if (i + 1 < argc && !strcmp(argv[i], "--chunk")) o->chunk = strtoull(argv[++i], NULL, 10);
        else if (i + 1 < argc && !strcmp(argv[i], "--big-every")) o->big_every = strtoull(argv[++i], NULL, 10);
        else if (i + 1 < argc && !strcmp(argv[i], "--valgrind")) o->valgrind = argv[++i];
        else soak_die("usage: soak [--rows N] [--chunk ROWS] [--big-every N] [--valgrind PATH]");
    }
    if (!o->chunk || !o->big_every) soak_die("--chunk and --big-every must be positive");
}

static void soak_spawn(const soak_opts *o, udfproc *p) {
    char path[4096];
    snprintf(path, sizeof(path), "%s/debezium_unwrap", udfproc_dir());
    const char *direct[] = {path, "--format", "RowBinary", "--chunked", NULL};
    const char *valgrind[] = {o->valgrind, "-q", "--leak-check=full", "--show-leak-kinds=definite,indirect",
                              "--errors-for-leak-kinds=definite,indirect", "--error-exitcode=99",
                              path, "--format", "RowBinary", "--chunked", "--no-sandbox", NULL};
    if (udfproc_spawn_argv(p, o->valgrind ? valgrind : direct) < 0) soak_die("cannot start %s", path);
}

int main(int argc, char **argv) {
    soak_opts o;
    udfproc p;
    tbuf in = {0}, out = {0};
    soak_parse_args(argc, argv, &o);
    soak_spawn(&o, &p);
    struct timespec t0, t1;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    long rss_warm = -1, rss_end = -1, rss_max = -1;
    uint64_t warm_rows = o.rows / 10;
    for (uint64_t first = 0; first < o.rows; first += o.chunk) {
        uint64_t rows = o.rows - first < o.chunk ? o.rows - first : o.chunk;
        soak_chunk(&o, &p, first, rows, &in, &out);
        long rss = udfproc_status_kb(p.pid, "VmRSS");
        if (first + rows >= warm_rows && rss_warm < 0) rss_warm = rss;
        if (rss > rss_max) rss_max = rss;
        rss_end = rss;
    }
    long hwm = udfproc_status_kb(p.pid, "VmHWM");
    udfproc_result r;
    memset(&r, 0, sizeof(r));
    udfproc_finish(&p, &r);
    clock_gettime(CLOCK_MONOTONIC, &t1);
    double secs = (double)(t1.tv_sec - t0.tv_sec) + (double)(t1.tv_nsec - t0.tv_nsec) / 1e9;
    printf("soak: %" PRIu64 " rows in %.1f s (%.0f rows/s)%s; RSS after warm-up %ld kB, at end %ld kB, max %ld kB; VmHWM %ld kB\n",
           o.rows, secs, (double)o.rows / secs, o.valgrind ? " under valgrind" : "", rss_warm, rss_end, rss_max, hwm);
    if (udfproc_code(&r) != 0 || r.err.n)
        soak_die("exit status %d, stderr: %s", udfproc_code(&r), r.err.n ? r.err.p : "(empty)");
    if (r.out.n) soak_die("%zu unexpected bytes after the last chunk", r.out.n);
    if (!o.valgrind && !SOAK_SANITIZED) {
        if (rss_end > rss_warm + 2048) soak_die("resident memory grew from %ld kB to %ld kB", rss_warm, rss_end);
        long bound = 64 * 1024 + 3 * (long)(SOAK_BIG_BYTES / 1024);
        if (hwm > bound) soak_die("peak resident memory %ld kB over the bound %ld kB", hwm, bound);
    }
    udfproc_result_free(&r);
    tb_free(&in);
    tb_free(&out);
    return 0;
}
