/* io.c — buffered fd reader and writer (see io.h). */
#include "io.h"
#include "fatal.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define IO_READ_CHUNK (256 * 1024)
#define IO_WRITE_BUF (256 * 1024)
/* A buffer grown beyond this for one huge row is released once the row is done. */
#define IO_KEEP_LIMIT (4 * 1024 * 1024)

void io_reader_init(io_reader *r, int fd) {
    r->fd = fd;
    r->cap = IO_READ_CHUNK * 2;
    r->buf = malloc(r->cap);
    if (!r->buf) fatal_exit(EXIT_NOMEM, "out of memory");
    r->mark = r->pos = r->len = 0;
    r->eof = 0;
}

void io_reader_free(io_reader *r) {
    free(r->buf);
    r->buf = NULL;
}

/* Drop bytes before the mark; shrink a buffer that one huge row blew up. */
static void io_compact(io_reader *r) {
    size_t keep = r->len - r->mark;
    if (r->mark) memmove(r->buf, r->buf + r->mark, keep);
    r->pos -= r->mark;
    r->len = keep;
    r->mark = 0;
    if (r->cap > IO_KEEP_LIMIT && keep < IO_READ_CHUNK) {
        char *nb = realloc(r->buf, IO_READ_CHUNK * 2);
        if (nb) {
            r->buf = nb;
            r->cap = IO_READ_CHUNK * 2;
        }
    }
}

static void io_grow(io_reader *r, size_t need) {
    size_t cap = r->cap;
    while (cap < need) cap *= 2;
    char *nb = realloc(r->buf, cap);
    if (!nb) fatal_exit(EXIT_NOMEM, "out of memory growing the input buffer to %zu bytes", cap);
    r->buf = nb;
    r->cap = cap;
}

/* One read() into free space; returns bytes read (0 at EOF).  The buffer
 * grows (twofold) only when the bytes of the current row fill it, never on
 * a promise: a RowBinary length prefix claiming gigabytes costs memory only
 * as the bytes arrive.  A buffer blown up by a huge row shrinks at the first
 * read of a later, smaller row. */
static size_t io_fill(io_reader *r) {
    if (r->eof) return 0;
    if (r->cap - r->len < IO_READ_CHUNK || (r->cap > IO_KEEP_LIMIT && r->len - r->mark < IO_READ_CHUNK)) io_compact(r);
    if (r->cap - r->len < IO_READ_CHUNK) io_grow(r, r->len + IO_READ_CHUNK);
    for (;;) {
        ssize_t got = read(r->fd, r->buf + r->len, r->cap - r->len);
        if (got > 0) {
            r->len += (size_t)got;
            return (size_t)got;
        }
        if (got == 0) {
            r->eof = 1;
            return 0;
        }
        if (errno == EINTR) continue;
        fatal_exit(EXIT_IO, "read from stdin failed: %s", strerror(errno));
    }
}

size_t io_need(io_reader *r, size_t n) {
    while (r->len - r->pos < n) {
        if (!io_fill(r)) break;
    }
    return r->len - r->pos;
}

long io_find_newline(io_reader *r) {
    size_t scanned = 0;
    for (;;) {
        const char *p = memchr(r->buf + r->pos + scanned, '\n', r->len - r->pos - scanned);
        if (p) return (long)(p - (r->buf + r->pos));
        scanned = r->len - r->pos;
        if (!io_fill(r)) return -1;
    }
}

void io_writer_init(io_writer *w, int fd) {
    w->fd = fd;
    w->cap = IO_WRITE_BUF;
    w->buf = malloc(w->cap);
    if (!w->buf) fatal_exit(EXIT_NOMEM, "out of memory");
    w->len = 0;
}

void io_writer_free(io_writer *w) {
    free(w->buf);
    w->buf = NULL;
}

static void io_write_all(int fd, const char *p, size_t n) {
    while (n) {
        ssize_t put = write(fd, p, n);
        if (put > 0) {
            p += put;
            n -= (size_t)put;
            continue;
        }
        if (put < 0 && errno == EINTR) continue;
        if (put < 0 && errno == EPIPE)
            fatal_exit(EXIT_IO, "stdout closed by the reader before all rows were written");
        fatal_exit(EXIT_IO, "write to stdout failed: %s", put < 0 ? strerror(errno) : "no progress");
    }
}

void io_flush(io_writer *w) {
    io_write_all(w->fd, w->buf, w->len);
    w->len = 0;
}

void io_write(io_writer *w, const void *p, size_t n) {
    if (n == 0) return;   /* p may be NULL then (an empty buffer's) */
    if (n <= w->cap - w->len) {
        memcpy(w->buf + w->len, p, n);
        w->len += n;
        return;
    }
    io_flush(w);
    if (n >= w->cap / 2) {
        io_write_all(w->fd, p, n);
        return;
    }
    memcpy(w->buf, p, n);
    w->len = n;
}

char *io_reserve(io_writer *w, size_t n) {
    if (w->cap - w->len < n) {
        io_flush(w);
        if (w->cap < n) {
            char *nb = realloc(w->buf, n);
            if (!nb) fatal_exit(EXIT_NOMEM, "out of memory growing the output buffer");
            w->buf = nb;
            w->cap = n;
        }
    }
    return w->buf + w->len;
}

void io_grow_pipe(int fd, int bytes) {
#ifdef F_SETPIPE_SZ
    (void)fcntl(fd, F_SETPIPE_SZ, bytes);
#else
    (void)fd;
    (void)bytes;
#endif
}
