/* fatal.h — the one way a UDF process dies: one clear stderr line, then exit.
 *
 * ClickHouse shows a UDF's stderr to the user (stderr_reaction), so the line
 * names the program and the reason.  Used only for a wrong command line,
 * broken framing, resource exhaustion and a refused sandbox; bad row data
 * never gets here.
 *
 * Exit statuses (sysexits.h numbering), the same for every function:
 *    0  input ended cleanly and every row was answered (also --help,
 *       --version, --signature)
 *   64  usage: unknown option, bad --field or type, too many fields
 *   65  framing: truncated row, wrong field count, short chunk, bad chunk
 *       header (the rows before it were answered whole)
 *   69  no sandbox: the seccomp filter could not be installed (a kernel
 *       without seccomp filters or the kill-process action, a container
 *       forbidding it); --no-sandbox runs without it
 *   70  internal error: an invariant of this program failed (a bug)
 *   71  out of memory
 *   74  I/O: reading stdin or writing stdout failed, or the reader closed
 *       stdout before every row was written
 *  128+N  killed by signal N; SIGSYS (159) is the sandbox stopping a
 *       forbidden system call */
#ifndef CDC_FATAL_H
#define CDC_FATAL_H

/* Exit statuses (see above; tests/GUARANTEES.md lists them too). */
enum {
    EXIT_USAGE = 64,        /* bad command line or configuration */
    EXIT_FRAMING = 65,      /* input framing broken: truncated row, short chunk */
    EXIT_NO_SANDBOX = 69,   /* the kernel refused the seccomp sandbox */
    EXIT_SOFTWARE_BUG = 70, /* an internal invariant failed */
    EXIT_NOMEM = 71,        /* out of memory */
    EXIT_IO = 74            /* read or write failure, stdout closed early */
};

/* The program name printed in front of every message; set by the driver. */
extern const char *fatal_progname;

_Noreturn void fatal_exit(int status, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* A warning line on stderr; the process keeps running. */
void warnx_line(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

#endif
