/* udfproc.h — running a built UDF binary as ClickHouse does: a child with
 * its stdin, stdout and stderr on pipes (prefix udfproc_).
 *
 * The one child-process runner of the tests that treat the binaries as
 * black boxes (tests/binary/, tests/soak/) and of the unit tests that feed
 * a reader through a real pipe (udfproc_feed).  udfproc_run() feeds all
 * input while draining both outputs (no pipe deadlock for any size), then
 * reaps the child.  A child that neither finishes nor makes progress for
 * UDFPROC_HANG_SECONDS is killed and reported as hung (status UDFPROC_HUNG)
 * — a guard, not a timing assert. */
#ifndef CDC_UDFPROC_H
#define CDC_UDFPROC_H

#include <stddef.h>
#include <sys/types.h>

#include "bytes.h"

#define UDFPROC_HANG_SECONDS 120
#define UDFPROC_HUNG (-2)

typedef struct udfproc {
    pid_t pid;
    int in, out, err;     /* our ends: write to in, read out and err; -1 when closed */
} udfproc;

typedef struct udfproc_result {
    int status;           /* waitpid status, or UDFPROC_HUNG */
    tbuf out, err;
} udfproc_result;

/* $CDC_TEST_SCRIPTS_DIR when set (the sanitizer build's binaries), else the build's. */
const char *udfproc_dir(void);
/* Starts argv[0] (a path; argv NULL-terminated) with its stdio on pipes.
 * Returns 0 or -1. */
int udfproc_spawn_argv(udfproc *p, const char *const *argv);
/* Starts the binary `name` of udfproc_dir() with args (NULL-terminated,
 * without argv[0]).  Returns 0 or -1. */
int udfproc_spawn(udfproc *p, const char *name, const char *const *args);
/* Writes all of [data, data+n) to the child's stdin while draining its
 * outputs into r; stops early if the child closes stdin (EPIPE).  With
 * close_in, stdin is closed afterwards.  0, or UDFPROC_HUNG. */
int udfproc_pump(udfproc *p, const void *data, size_t n, int close_in, udfproc_result *r);
/* Closes one of our ends (in, out or err) and marks it closed. */
void udfproc_close(int *fd);
/* Closes stdin (if open), drains both outputs to their end and reaps the child. */
void udfproc_finish(udfproc *p, udfproc_result *r);
/* The whole exchange: start, feed input, close stdin, collect, reap.
 * Returns 0, or -1 when the binary could not be started. */
int udfproc_run(const char *name, const char *const *args, const void *in, size_t n, udfproc_result *r);
void udfproc_result_free(udfproc_result *r);
/* Exit code, or 128 + signal for a killed child (the shell's convention). */
int udfproc_code(const udfproc_result *r);
/* A field of /proc/<pid>/status in kB ("VmHWM", "VmRSS"); -1 if absent. */
long udfproc_status_kb(pid_t pid, const char *field);

/* The read end of a pipe that a child process fills with [p, p+n) in
 * `piece`-byte writes, then closes: a reader meets short reads at every
 * piece boundary, as it does on ClickHouse's pipes. */
typedef struct udfproc_feeder { int fd; pid_t pid; } udfproc_feeder;

udfproc_feeder udfproc_feed(const void *p, size_t n, size_t piece);
void udfproc_feed_done(udfproc_feeder *f);

#endif
