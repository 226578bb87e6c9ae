/* capture.h — the output side under test, for the cmocka tests (test_formats.c,
 * test_native.c, test_convert.c, ...): an io_writer over an in-memory file
 * whose bytes are read back and compared, a result writer over one for
 * declared result types, and ClickHouse types by name.  Failures are cmocka
 * failures of the calling test. */
#ifndef CDC_TEST_CAPTURE_H
#define CDC_TEST_CAPTURE_H

#include <stddef.h>

#include "chtype.h"
#include "io.h"
#include "result.h"

typedef struct capture {
    int fd;
    io_writer w;
    char *data;           /* what cap_take read back, NUL-terminated */
    size_t len;
} capture;

void cap_init(capture *c);
/* Flushes and reads back everything written so far (the file keeps it). */
void cap_take(capture *c);
/* Starts over: the next cap_take sees only what is written from now on. */
void cap_clear(capture *c);
void cap_free(capture *c);

/* Asserts [got, got+n) equals [want, want+wn), showing both in hex (the
 * first 400 bytes) when they differ. */
void bytes_are(const void *got, size_t n, const void *want, size_t wn);
#define BYTES_ARE(got, n, lit) bytes_are((got), (n), (lit), sizeof(lit) - 1)

/* A type by name; the name must parse. */
chtype type_of(const char *s);

/* A result writer in `fmt` for the types named, over a capture. */
typedef struct writer_case {
    capture cap;
    chtype types[64];
    res_writer res;
} writer_case;

void writer_open(writer_case *c, fmt_kind fmt, int tuple, const char *const *types, int ntypes);
void writer_close(writer_case *c);

#endif
