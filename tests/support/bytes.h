/* bytes.h — bytes in memory for the tests: a growable buffer that builds
 * inputs and collects outputs (prefix tb_), and a bounded cursor that reads
 * encoded bytes back (prefix tc_).
 *
 * The tests' one byte buffer: the unit and binary tests, the integration and
 * e2e support, the generator, the bench and the soak all build on it.  It is
 * not the core's `buf` (udf/buf.h) because tests read what they collect as
 * text (strstr over a child's stderr): this one keeps p NUL-terminated.
 * LEB128 lengths are encoded by the core's rb_uleb128_encode; the cursor is
 * the one decoder of them from memory (the core's reads a file descriptor). */
#ifndef CDC_TEST_BYTES_H
#define CDC_TEST_BYTES_H

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#if defined(__GNUC__)
#define TB_PRINTF(f, a) __attribute__((format(printf, f, a)))
#else
#define TB_PRINTF(f, a)
#endif

typedef struct tbuf {
    char *p;              /* NUL-terminated (p[n] == 0) once anything was added */
    size_t n, cap;
} tbuf;

void tb_put(tbuf *b, const void *s, size_t n);
void tb_puts(tbuf *b, const char *s);
void tb_putc(tbuf *b, char c);
void tb_printf(tbuf *b, const char *fmt, ...) TB_PRINTF(2, 3);
void tb_vprintf(tbuf *b, const char *fmt, va_list ap);
/* v little-endian in `width` bytes (RowBinary's fixed-width numbers). */
void tb_le(tbuf *b, uint64_t v, int width);
/* An unsigned LEB128 number, and a RowBinary string (LEB128 length + bytes). */
void tb_leb128(tbuf *b, uint64_t v);
void tb_rb_string(tbuf *b, const void *s, size_t n);
/* Number of '\n' in the buffer (lines of a child's stderr). */
int tb_lines(const tbuf *b);
void tb_clear(tbuf *b);       /* n = 0, memory kept */
void tb_free(tbuf *b);
/* Takes the contents (malloc'd, NUL-terminated, never NULL) and empties the buffer. */
char *tb_take(tbuf *b);

/* A bounded cursor over bytes; ok turns 0 at the first read past the end
 * (or an over-long LEB128 number), and every read after that returns 0/NULL. */
typedef struct tcursor {
    const unsigned char *p, *end;
    int ok;
} tcursor;

static inline tcursor tc_of(const void *p, size_t n) {
    return (tcursor){(const unsigned char *)p, (const unsigned char *)p + n, 1};
}
uint64_t tc_leb128(tcursor *c);
/* n bytes at the cursor, or NULL when fewer remain. */
const unsigned char *tc_take(tcursor *c, uint64_t n);
/* A RowBinary string: its bytes and length *n, or NULL. */
const char *tc_rb_string(tcursor *c, size_t *n);
/* A little-endian number of `width` bytes. */
uint64_t tc_le(tcursor *c, int width);

#endif
