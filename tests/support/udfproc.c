/* udfproc.c — the tests' child-process runner (see udfproc.h). */
#include "udfproc.h"

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

const char *udfproc_dir(void) {
    const char *d = getenv("CDC_TEST_SCRIPTS_DIR");
    return d && *d ? d : USER_SCRIPTS_DIR;
}

int udfproc_spawn_argv(udfproc *p, const char *const *argv) {
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

int udfproc_spawn(udfproc *p, const char *name, const char *const *args) {
    char path[4096];
    size_t nargs = 0;
    while (args && args[nargs]) nargs++;
    const char **argv = calloc(nargs + 2, sizeof(*argv));   /* any number of options: no silent cut */
    if (!argv) return -1;
    snprintf(path, sizeof(path), "%s/%s", udfproc_dir(), name);
    argv[0] = path;
    for (size_t i = 0; i < nargs; i++) argv[i + 1] = args[i];
    int rc = udfproc_spawn_argv(p, argv);
    free(argv);
    return rc;
}

void udfproc_close(int *fd) {
    if (*fd >= 0) close(*fd);
    *fd = -1;
}

int udfproc_pump(udfproc *p, const void *data, size_t n, int close_in, udfproc_result *r) {
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
            if (got > 0) tb_put(i == 1 ? &r->out : &r->err, got_bytes, (size_t)got);
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

void udfproc_finish(udfproc *p, udfproc_result *r) {
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
            if (got > 0) tb_put(i == 0 ? &r->out : &r->err, got_bytes, (size_t)got);
            else udfproc_close(i == 0 ? &p->out : &p->err);
        }
    }
    while (waitpid(p->pid, &r->status, 0) < 0 && errno == EINTR) {}
}

int udfproc_run(const char *name, const char *const *args, const void *in, size_t n, udfproc_result *r) {
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

void udfproc_result_free(udfproc_result *r) {
    tb_free(&r->out);
    tb_free(&r->err);
}

int udfproc_code(const udfproc_result *r) {
    if (r->status == UDFPROC_HUNG) return UDFPROC_HUNG;
    if (WIFSIGNALED(r->status)) return 128 + WTERMSIG(r->status);
    return WEXITSTATUS(r->status);
}

/* A field of /proc/<pid>/status in kB ("VmHWM", "VmRSS"); -1 if absent.
 * VmHWM is the peak of the running program's own memory (ru_maxrss would
 * also count the forked parent's pages before exec). */
long udfproc_status_kb(pid_t pid, const char *field) {
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

udfproc_feeder udfproc_feed(const void *p, size_t n, size_t piece) {
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

void udfproc_feed_done(udfproc_feeder *f) {
    close(f->fd);
    waitpid(f->pid, NULL, 0);
}
