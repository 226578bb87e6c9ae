/* rowbinary.h — ClickHouse's RowBinary encoding.
 *
 * Strings are an unsigned LEB128 length followed by the bytes; fixed-width
 * numbers are little-endian; Nullable(T) is one flag byte (1 = NULL) followed
 * by T when the flag is 0; Bool is one byte; DateTime64 is Int64 ticks; a
 * Tuple is its elements in order with no framing of its own. */
#ifndef CDC_ROWBINARY_H
#define CDC_ROWBINARY_H

#include <stddef.h>
#include <stdint.h>

#include "io.h"

/* Readers return 1 on success, 0 when input ended before the first byte,
 * -1 when it ended part-way (a truncated value). */
int rb_read_uleb128(io_reader *r, uint64_t *v);
/* A string's bytes stay at offset *off from the row mark (see io.h). */
int rb_read_string(io_reader *r, size_t *off, size_t *n);
int rb_read_fixed(io_reader *r, void *dst, size_t n);

/* Encodes v into p[0..10); returns the number of bytes used. */
static inline size_t rb_uleb128_encode(char *p, uint64_t v) {
    size_t i = 0;
    do {
        unsigned char b = v & 0x7f;
        v >>= 7;
        p[i++] = (char)(b | (v ? 0x80 : 0));
    } while (v);
    return i;
}

void rb_write_uleb128(io_writer *w, uint64_t v);
void rb_write_string(io_writer *w, const char *s, size_t n);
void rb_write_le(io_writer *w, uint64_t v, int bytes);

#endif
