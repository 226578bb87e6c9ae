/* nativefmt.h — the tests' own Native codec (prefix ntv_).
 *
 * Written from the format's description (udf/native.h) and not from our
 * reader and writer, so tests can check those against it: it turns RowBinary
 * rows into Native blocks (inputs for the binaries) and Native answer
 * blocks back into RowBinary rows (to compare a Native answer with the
 * RowBinary answer to the same rows, byte for byte).  Types are chtype
 * descriptors (chtype_parse is tested on its own in test_formats.c). */
#ifndef CDC_NATIVEFMT_H
#define CDC_NATIVEFMT_H

#include <stdint.h>

#include "bytes.h"
#include "chtype.h"

/* Appends one Native block of `nrows` rows, read as RowBinary rows of
 * types[0..ntypes) from *rb (advanced past them): column i is named
 * names[i] and typed by its canonical name.  Returns 0, or -1 if the
 * RowBinary rows are short. */
int ntv_block_from_rowbinary(tbuf *out, const chtype *types, const char *const *names, int ntypes, tcursor *rb,
                             uint64_t nrows);

/* What ntv_answer_to_rowbinary saw. */
typedef struct ntv_blocks {
    size_t count;
    uint64_t rows[4096];          /* rows of each block (the first 4096 blocks) */
    uint64_t total;
    char name[64], type[4096];    /* the last block's column name and type name */
} ntv_blocks;

/* Parses Native answer blocks — one column each, of `ntypes` types (a
 * Tuple's elements, or one type) — into RowBinary rows appended to rb.
 * Returns 0, or -1 with *why when the bytes are not such blocks. */
int ntv_answer_to_rowbinary(const void *p, size_t n, const chtype *types, int ntypes, tbuf *rb, ntv_blocks *info,
                            const char **why);

#endif
