/* fatal.c — stderr reporting and process exit (see fatal.h). */
#include "fatal.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>

const char *fatal_progname = "cdc-udf";

static void vline(const char *fmt, va_list ap) {
    fprintf(stderr, "%s: ", fatal_progname);
    vfprintf(stderr, fmt, ap);
    fputc('\n', stderr);
    fflush(stderr);
}

void fatal_exit(int status, const char *fmt, ...) {
    va_list ap;
    va_start(ap, fmt);
    vline(fmt, ap);
    va_end(ap);
    exit(status);
}

void warnx_line(const char *fmt, ...) {
    va_list ap;
    va_start(ap, fmt);
    vline(fmt, ap);
    va_end(ap);
}
