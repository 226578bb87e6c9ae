/* udfproc.h — running a built UDF binary as ClickHouse does: a child with
 * its stdin, stdout and stderr on pipes (header-only; prefix udfproc_).
 *
 * Shared by the tests that treat the binaries as black boxes
 * (test_sandbox.c, test_framing.c, test_regressions.c, tests/soak/).
 * udfproc_run() feeds all input while draining both outputs (no pipe
 * deadlock for any size), then reaps the child.  A child that neither
 * finishes nor makes progress for UDFPROC_HANG_SECONDS is killed and
 * reported as hung (status UDFPROC_HUNG) — a guard, not a timing assert. */
#ifndef CDC_UDFPROC_H
#define CDC_UDFPROC_H

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

#ifndef USER_SCRIPTS_DIR
#define USER_SCRIPTS_DIR "build/user_scripts"
#endif
#define UDFPROC_HANG_SECONDS 120
#define UDFPROC_HUNG (-2)

typedef struct udfproc {
    pid_t pid;
    int in, out, err;     /* our ends: write to in, read out and err; -1 when closed */
} udfproc;

typedef struct udfproc_buf {
    char *p;
    size_t n, cap;
} udfproc_buf;

typedef struct udfproc_result {
    int status;           /* waitpid status, or UDFPROC_HUNG */
    udfproc_buf out, err;
} udfproc_result;

/* $CDC_TEST_SCRIPTS_DIR when set (the sanitizer build's binaries), else the build's. */
static inline const char *udfproc_dir(void) {
    const char *d = getenv("CDC_TEST_SCRIPTS_DIR");
    return d && *d ? d : USER_SCRIPTS_DIR;
}

static inline void udfproc_append(udfproc_buf *b, const void *p, size_t n) {
    if (b->n + n + 1 > b->cap) {
        size_t cap = b->cap ? b->cap : 4096;
        while (cap < b->n + n + 1) cap *= 2;
        char *np = realloc(b->p, cap);
        if (!np) abort();
        b->p = np;
        b->cap = cap;
    }
    memcpy(b->p + b->n, p, n);
    b->n += n;
    b->p[b->n] = 0;
}

static inline void udfproc_buf_free(udfproc_buf *b) {
    free(b->p);
    b->p = NULL;
    b->n = b->cap = 0;
}

/* Starts argv[0] (a path; argv NULL-terminated) with its stdio on pipes.
 * Returns 0 or -1. */
static inline int udfproc_spawn_argv(udfproc *p, const char *const *argv) {
    int in[2], out[2], err[2];
    if (pipe2(in, O_CLOEXEC) || pipe2(out, O_CLOEXEC) || pipe2(err, O_CLOEXEC)) return -1;
    signal(SIGPIPE, SIG_IGN);  /* a child that died early must not kill the test */
    p->pid = fork();
    if (p->pid < 0) return -1;
    if (p->pid == 0) {
        dup2(in[0], 0);
        dup2(out[1], 1);
        dup2(err[1], 2);
        execvp(argv[0], (char *const *)argv);
        _exit(127);
    }
    close(in[0]);
    close(out[1]);
    close(err[1]);
    /* Non-blocking: a big write must never wait while the child waits for us to read. */
    fcntl(in[1], F_SETFL, fcntl(in[1], F_GETFL) | O_NONBLOCK);
    p->in = in[1];
    p->out = out[0];
    p->err = err[0];
    return 0;
}

/* Starts the binary `name` of udfproc_dir() with args (NULL-terminated,
 * without argv[0]).  Returns 0 or -1. */
static inline int udfproc_spawn(udfproc *p, const char *name, const char *const *args) {
    char path[4096];
    const char *argv[64];
    int n = 0;
    snprintf(path, sizeof(path), "%s/%s", udfproc_dir(), name);
    argv[n++] = path;
    for (; args && args[n - 1] && n < 63; n++) argv[n] = args[n - 1];
    argv[n] = NULL;
    return udfproc_spawn_argv(p, argv);
}

static inline void udfproc_close(int *fd) {
    if (*fd >= 0) close(*fd);
    *fd = -1;
}

/* Writes all of [data, data+n) to the child's stdin while draining its
 * outputs into r; stops early if the child closes stdin (EPIPE).  With
 * close_in, stdin is closed afterwards.  0, or UDFPROC_HUNG. */
static inline int udfproc_pump(udfproc *p, const void *data, size_t n, int close_in, udfproc_result *r) {
    const char *d = data;
    size_t off = 0;
    int eof_in = n == 0;
    while (!eof_in) {
        struct pollfd fds[3] = {{p->in, POLLOUT, 0}, {p->out, POLLIN, 0}, {p->err, POLLIN, 0}};
        int rc = poll(fds, 3, UDFPROC_HANG_SECONDS * 1000);
        if (rc == 0) return UDFPROC_HUNG;
        if (rc < 0 && errno == EINTR) continue;
        char got_bytes[65536];
        for (int i = 1; i < 3; i++) {
            if (fds[i].fd < 0 || !(fds[i].revents & (POLLIN | POLLHUP))) continue;
            ssize_t got = read(fds[i].fd, got_bytes, sizeof(got_bytes));
            if (got > 0) udfproc_append(i == 1 ? &r->out : &r->err, got_bytes, (size_t)got);
            else udfproc_close(i == 1 ? &p->out : &p->err);
        }
        if (fds[0].revents & (POLLERR | POLLHUP)) break;
        if (fds[0].revents & POLLOUT) {
            size_t chunk = n - off < 65536 ? n - off : 65536;
            ssize_t put = write(p->in, d + off, chunk);
            if (put < 0 && errno == EPIPE) break;
            if (put < 0 && errno != EAGAIN && errno != EINTR) break;
            if (put > 0) off += (size_t)put;
            eof_in = off == n;
        }
    }
    if (close_in) udfproc_close(&p->in);
    return 0;
}

/* Closes stdin (if open), drains both outputs to their end and reaps the child. */
static inline void udfproc_finish(udfproc *p, udfproc_result *r) {
    udfproc_close(&p->in);
    while (p->out >= 0 || p->err >= 0) {
        struct pollfd fds[2] = {{p->out, POLLIN, 0}, {p->err, POLLIN, 0}};
        int rc = poll(fds, 2, UDFPROC_HANG_SECONDS * 1000);
        if (rc == 0) {
            kill(p->pid, SIGKILL);
            waitpid(p->pid, NULL, 0);
            r->status = UDFPROC_HUNG;
            udfproc_close(&p->out);
            udfproc_close(&p->err);
            return;
        }
        if (rc < 0) continue;
        char got_bytes[65536];
        for (int i = 0; i < 2; i++) {
            if (fds[i].fd < 0 || !(fds[i].revents & (POLLIN | POLLHUP | POLLERR))) continue;
            ssize_t got = read(fds[i].fd, got_bytes, sizeof(got_bytes));
            if (got > 0) udfproc_append(i == 0 ? &r->out : &r->err, got_bytes, (size_t)got);
            else udfproc_close(i == 0 ? &p->out : &p->err);
        }
    }
    while (waitpid(p->pid, &r->status, 0) < 0 && errno == EINTR) {}
}

/* The whole exchange: start, feed input, close stdin, collect, reap.
 * Returns 0, or -1 when the binary could not be started. */
static inline int udfproc_run(const char *name, const char *const *args, const void *in, size_t n, udfproc_result *r) {
    udfproc p;
    memset(r, 0, sizeof(*r));
    if (udfproc_spawn(&p, name, args) < 0) return -1;
    if (udfproc_pump(&p, in, n, 1, r) == UDFPROC_HUNG) {
        kill(p.pid, SIGKILL);
        r->status = UDFPROC_HUNG;
    }
    udfproc_finish(&p, r);
    return 0;
}

static inline void udfproc_result_free(udfproc_result *r) {
    udfproc_buf_free(&r->out);
    udfproc_buf_free(&r->err);
}

/* Exit code, or 128 + signal for a killed child (the shell's convention). */
static inline int udfproc_code(const udfproc_result *r) {
    if (r->status == UDFPROC_HUNG) return UDFPROC_HUNG;
    if (WIFSIGNALED(r->status)) return 128 + WTERMSIG(r->status);
    return WEXITSTATUS(r->status);
}

/* A field of /proc/<pid>/status in kB ("VmHWM", "VmRSS"); -1 if absent.
 * VmHWM is the peak of the running program's own memory (ru_maxrss would
 * also count the forked parent's pages before exec). */
static inline long udfproc_status_kb(pid_t pid, const char *field) {
    char path[64], line[256];
    long kb = -1;
    size_t n = strlen(field);
    snprintf(path, sizeof(path), "/proc/%d/status", (int)pid);
    FILE *f = fopen(path, "r");
    if (!f) return -1;
    while (fgets(line, sizeof(line), f))
        if (!strncmp(line, field, n) && line[n] == ':') kb = atol(line + n + 1);
    fclose(f);
    return kb;
}

/* Number of '\n'-terminated lines in a buffer (stderr line counts). */
static inline int udfproc_lines(const udfproc_buf *b) {
    int n = 0;
    for (size_t i = 0; i < b->n; i++) n += b->p[i] == '\n';
    return n;
}

/* The read end of a pipe that a child process fills with [p, p+n) in
 * `piece`-byte writes, then closes: a reader meets short reads at every
 * piece boundary, as it does on ClickHouse's pipes. */
typedef struct udfproc_feeder { int fd; pid_t pid; } udfproc_feeder;

static inline udfproc_feeder udfproc_feed(const void *p, size_t n, size_t piece) {
    int fds[2];
    if (pipe(fds) != 0) abort();
    pid_t pid = fork();
    if (pid < 0) abort();
    if (pid == 0) {
        close(fds[0]);
        const char *c = p;
        for (size_t off = 0; off < n;) {
            ssize_t w = write(fds[1], c + off, n - off < piece ? n - off : piece);
            if (w <= 0) break;
            off += (size_t)w;
        }
        _exit(0);
    }
    close(fds[1]);
    return (udfproc_feeder){fds[0], pid};
}

static inline void udfproc_feed_done(udfproc_feeder *f) {
    close(f->fd);
    waitpid(f->pid, NULL, 0);
}

/* RowBinary encoding helpers for building inputs. */
static inline void udfproc_leb128(udfproc_buf *b, uint64_t v) {
    do {
        unsigned char c = v & 0x7f;
        v >>= 7;
        if (v) c |= 0x80;
        udfproc_append(b, &c, 1);
    } while (v);
}

static inline void udfproc_rb_string(udfproc_buf *b, const void *s, size_t n) {
    udfproc_leb128(b, n);
    udfproc_append(b, s, n);
}

static inline void udfproc_text(udfproc_buf *b, const char *s) {
    udfproc_append(b, s, strlen(s));
}

#endif
