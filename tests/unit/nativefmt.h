/* nativefmt.h — the tests' own Native codec (header-only; prefix ntv_).
 *
 * Written from the format's description (udf/native.h) and not from our
 * reader and writer, so tests can check those against it: it turns RowBinary
 * rows into Native blocks (inputs for the binaries) and Native answer
 * blocks back into RowBinary rows (to compare a Native answer with the
 * RowBinary answer to the same rows, byte for byte).  Types are chtype
 * descriptors (chtype_parse is tested on its own in test_formats.c).
 *
 * Shared by test_native.c and test_framing.c. */
#ifndef CDC_NATIVEFMT_H
#define CDC_NATIVEFMT_H

#include <stdint.h>
#include <string.h>

#include "chtype.h"
#include "udfproc.h"

/* A bounded cursor over bytes; ok turns 0 at the first read past the end. */
typedef struct ntv_cursor {
    const unsigned char *p, *end;
    int ok;
} ntv_cursor;

static inline uint64_t ntv_leb(ntv_cursor *c) {
    uint64_t v = 0;
    for (int shift = 0; shift < 64; shift += 7) {
        if (c->p >= c->end) return c->ok = 0, 0;
        unsigned char b = *c->p++;
        v |= (uint64_t)(b & 0x7f) << shift;
        if (!(b & 0x80)) return v;
    }
    return c->ok = 0, 0;
}

/* n bytes at the cursor (NULL, ok = 0, when fewer remain). */
static inline const unsigned char *ntv_take(ntv_cursor *c, uint64_t n) {
    if ((uint64_t)(c->end - c->p) < n) return c->ok = 0, (const unsigned char *)NULL;
    const unsigned char *at = c->p;
    c->p += n;
    return at;
}

/* The encoded bytes of one value (not its Nullable flag): LEB128 length +
 * bytes for String, the width for the rest. */
static inline const unsigned char *ntv_value(ntv_cursor *c, const chtype *t, size_t *n) {
    const unsigned char *start = c->p;
    int width = chtype_width(t->kind);
    if (width) ntv_take(c, (uint64_t)width);
    else ntv_take(c, ntv_leb(c));
    *n = (size_t)(c->p - start);
    return c->ok ? start : NULL;
}

static inline void ntv_type_name(const chtype *t, char *out, size_t cap) { chtype_format(t, out, cap); }

/* Appends one Native block of `nrows` rows, read as RowBinary rows of
 * types[0..ntypes) from *rb (advanced past them): column i is named
 * names[i] and typed by its canonical name.  Returns 0, or -1 if the
 * RowBinary rows are short. */
static inline int ntv_block_from_rowbinary(udfproc_buf *out, const chtype *types, const char *const *names, int ntypes,
                                           ntv_cursor *rb, uint64_t nrows) {
    /* Column-major needs each row's value positions first. */
    size_t cells = (size_t)nrows * (size_t)ntypes;
    const unsigned char **at = calloc(cells ? cells : 1, sizeof(*at));
    size_t *len = calloc(cells ? cells : 1, sizeof(*len));
    unsigned char *null = calloc(cells ? cells : 1, 1);
    if (!at || !len || !null) abort();
    for (uint64_t r = 0; r < nrows; r++)
        for (int i = 0; i < ntypes; i++) {
            size_t k = (size_t)r * (size_t)ntypes + (size_t)i;
            if (types[i].nullable) {
                const unsigned char *f = ntv_take(rb, 1);
                if (f && *f) {
                    null[k] = 1;
                    continue;
                }
            }
            at[k] = ntv_value(rb, &types[i], &len[k]);
        }
    udfproc_leb128(out, (uint64_t)ntypes);
    udfproc_leb128(out, nrows);
    for (int i = 0; i < ntypes && rb->ok; i++) {
        char tn[128];
        ntv_type_name(&types[i], tn, sizeof(tn));
        udfproc_rb_string(out, names[i], strlen(names[i]));
        udfproc_rb_string(out, tn, strlen(tn));
        if (types[i].nullable)
            for (uint64_t r = 0; r < nrows; r++) udfproc_append(out, &null[r * (size_t)ntypes + (size_t)i], 1);
        for (uint64_t r = 0; r < nrows; r++) {
            size_t k = (size_t)r * (size_t)ntypes + (size_t)i;
            if (!null[k]) {
                udfproc_append(out, at[k], len[k]);
            } else if (types[i].kind == CT_STRING) {
                udfproc_append(out, "", 1);                         /* the default: "" */
            } else {
                static const char zeros[8] = {0};
                udfproc_append(out, zeros, (size_t)chtype_width(types[i].kind));
            }
        }
    }
    free(at);
    free(len);
    free(null);
    return rb->ok ? 0 : -1;
}

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
static inline int ntv_answer_to_rowbinary(const void *p, size_t n, const chtype *types, int ntypes, udfproc_buf *rb,
                                          ntv_blocks *info, const char **why) {
    ntv_cursor c = {p, (const unsigned char *)p + n, 1};
    memset(info, 0, sizeof(*info));
    while (c.p < c.end) {
        uint64_t ncols = ntv_leb(&c), nrows = ntv_leb(&c);
        if (!c.ok) return *why = "cut in a block header", -1;
        if (ncols != 1) return *why = "a block with other than one column", -1;
        uint64_t nlen = ntv_leb(&c);
        const unsigned char *name = ntv_take(&c, nlen);
        uint64_t tlen = ntv_leb(&c);
        const unsigned char *type = ntv_take(&c, tlen);
        if (!c.ok || nlen >= sizeof(info->name) || tlen >= sizeof(info->type)) return *why = "bad column header", -1;
        memcpy(info->name, name, nlen);
        info->name[nlen] = 0;
        memcpy(info->type, type, tlen);
        info->type[tlen] = 0;
        /* Each element's column: null map (Nullable), then a value per row. */
        size_t cells = (size_t)nrows * (size_t)ntypes;
        const unsigned char **at = calloc(cells ? cells : 1, sizeof(*at));
        size_t *len = calloc(cells ? cells : 1, sizeof(*len));
        unsigned char *null = calloc(cells ? cells : 1, 1);
        if (!at || !len || !null) abort();
        for (int i = 0; i < ntypes && c.ok; i++) {
            if (types[i].nullable) {
                const unsigned char *map = ntv_take(&c, nrows);
                for (uint64_t r = 0; map && r < nrows; r++) {
                    if (map[r] > 1) return free(at), free(len), free(null), *why = "null map byte not 0 or 1", -1;
                    null[r * (size_t)ntypes + (size_t)i] = map[r];
                }
            }
            for (uint64_t r = 0; r < nrows && c.ok; r++) {
                size_t k = (size_t)r * (size_t)ntypes + (size_t)i;
                at[k] = ntv_value(&c, &types[i], &len[k]);
                /* A NULL row must hold the nested type's default. */
                if (c.ok && null[k]) {
                    int is_default = 1;
                    for (size_t b = 0; b < len[k]; b++) is_default &= at[k][b] == 0;
                    if (!is_default) return free(at), free(len), free(null), *why = "a NULL row without the default value", -1;
                }
            }
        }
        if (c.ok) {
            for (uint64_t r = 0; r < nrows; r++)
                for (int i = 0; i < ntypes; i++) {
                    size_t k = (size_t)r * (size_t)ntypes + (size_t)i;
                    if (types[i].nullable) udfproc_append(rb, null[k] ? "\x01" : "\x00", 1);
                    if (!null[k]) udfproc_append(rb, at[k], len[k]);
                }
        }
        free(at);
        free(len);
        free(null);
        if (!c.ok) return *why = "cut in a column's data", -1;
        if (info->count < sizeof(info->rows) / sizeof(info->rows[0])) info->rows[info->count] = nrows;
        info->count++;
        info->total += nrows;
    }
    return 0;
}

#endif
