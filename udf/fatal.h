/* fatal.h — the one way a UDF process dies: one clear stderr line, then exit.
 *
 * ClickHouse shows a UDF's stderr to the user (stderr_reaction), so the line
 * names the program and the reason.  Used only for broken framing and
 * resource exhaustion; bad row data never gets here. */
#ifndef CDC_FATAL_H
#define CDC_FATAL_H

/* Exit statuses, documented in README ("Guarantees"). */
enum {
    EXIT_USAGE = 64,     /* bad command line or configuration */
    EXIT_FRAMING = 65,   /* input framing broken: truncated row, short chunk */
    EXIT_IO = 74,        /* read/write failure other than a closed reader */
    EXIT_NOMEM = 71,     /* out of memory */
    EXIT_SOFTWARE_BUG = 70 /* an internal invariant failed */
};

/* The program name printed in front of every message; set by the driver. */
extern const char *fatal_progname;

_Noreturn void fatal(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
_Noreturn void fatal_exit(int status, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* A warning line on stderr; the process keeps running. */
void warnx_line(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

#endif
