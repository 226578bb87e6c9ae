/* nativefmt.c — the tests' own Native codec (see nativefmt.h). */
#include "nativefmt.h"

#include <stdlib.h>
#include <string.h>

/* The encoded bytes of one value (not its Nullable flag): LEB128 length +
 * bytes for String, the width for the rest.  Only scalars: a Native column
 * of an Array or a Map is not one value per row. */
static const unsigned char *ntv_value(tcursor *c, const chtype *t, size_t *n) {
    const unsigned char *start = c->p;
    int width = chtype_width(t->kind);
    if (width) tc_take(c, (uint64_t)width);
    else tc_take(c, tc_leb128(c));
    *n = (size_t)(c->p - start);
    return c->ok ? start : NULL;
}

/* A Native Array(String) or Map(String, String) column of nrows rows:
 * UInt64 offsets (each row's end, cumulative over the block), then the
 * String column of all elements (a Map: the keys column, then the values
 * column).  Row r's RowBinary value — LEB128 count, then the strings (key,
 * value, … for a Map) — is appended to out, at off[r * stride], len[r * stride] bytes. */
static int ntv_container_column(tcursor *c, const chtype *t, uint64_t nrows, tbuf *out, size_t *off, size_t *len,
                                size_t stride) {
    int map = t->kind == CT_MAP_STRING;
    uint64_t *ends = calloc(nrows ? nrows : 1, sizeof(*ends)), prev = 0;
    if (!ends) abort();
    for (uint64_t r = 0; r < nrows; r++) {
        ends[r] = tc_le(c, 8);
        if (c->ok && ends[r] < prev) c->ok = 0;
        prev = ends[r];
    }
    if (prev > (uint64_t)(c->end - c->p)) c->ok = 0;    /* each element takes a byte at least */
    uint64_t total = c->ok ? prev : 0;
    /* Each element's string, by column: keys (or the elements), then values. */
    const char **s = calloc(total ? 2 * total : 1, sizeof(*s));
    size_t *n = calloc(total ? 2 * total : 1, sizeof(*n));
    if (!s || !n) abort();
    for (uint64_t e = 0; e < (map ? 2 : 1) * total && c->ok; e++) s[e] = tc_rb_string(c, &n[e]);
    for (uint64_t r = 0, first = 0; r < nrows && c->ok; first = ends[r], r++) {
        off[r * stride] = out->n;
        tb_leb128(out, ends[r] - first);
        for (uint64_t e = first; e < ends[r]; e++) {
            tb_rb_string(out, s[e], n[e]);
            if (map) tb_rb_string(out, s[total + e], n[total + e]);
        }
        len[r * stride] = out->n - off[r * stride];
    }
    free(ends);
    free(s);
    free(n);
    return c->ok ? 0 : -1;
}

int ntv_block_from_rowbinary(tbuf *out, const chtype *types, const char *const *names, int ntypes,
                             tcursor *rb, uint64_t nrows) {
    for (int i = 0; i < ntypes; i++)
        if (chtype_is_container(types[i].kind)) return -1;   /* arguments are never containers */
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
                const unsigned char *f = tc_take(rb, 1);
                if (f && *f) {
                    null[k] = 1;
                    continue;
                }
            }
            at[k] = ntv_value(rb, &types[i], &len[k]);
        }
    tb_leb128(out, (uint64_t)ntypes);
    tb_leb128(out, nrows);
    for (int i = 0; i < ntypes && rb->ok; i++) {
        char tn[128];
        chtype_format(&types[i], tn, sizeof(tn));
        tb_rb_string(out, names[i], strlen(names[i]));
        tb_rb_string(out, tn, strlen(tn));
        if (types[i].nullable)
            for (uint64_t r = 0; r < nrows; r++) tb_put(out, &null[r * (size_t)ntypes + (size_t)i], 1);
        for (uint64_t r = 0; r < nrows; r++) {
            size_t k = (size_t)r * (size_t)ntypes + (size_t)i;
            if (!null[k]) {
                tb_put(out, at[k], len[k]);
            } else if (types[i].kind == CT_STRING) {
                tb_put(out, "", 1);                         /* the default: "" */
            } else {
                static const char zeros[8] = {0};
                tb_put(out, zeros, (size_t)chtype_width(types[i].kind));
            }
        }
    }
    free(at);
    free(len);
    free(null);
    return rb->ok ? 0 : -1;
}

int ntv_answer_to_rowbinary(const void *p, size_t n, const chtype *types, int ntypes, tbuf *rb,
                            ntv_blocks *info, const char **why) {
    tcursor c = tc_of(p, n);
    memset(info, 0, sizeof(*info));
    while (c.p < c.end) {
        uint64_t ncols = tc_leb128(&c), nrows = tc_leb128(&c);
        if (!c.ok) return *why = "cut in a block header", -1;
        if (ncols != 1) return *why = "a block with other than one column", -1;
        uint64_t nlen = tc_leb128(&c);
        const unsigned char *name = tc_take(&c, nlen);
        uint64_t tlen = tc_leb128(&c);
        const unsigned char *type = tc_take(&c, tlen);
        if (!c.ok || nlen >= sizeof(info->name) || tlen >= sizeof(info->type)) return *why = "bad column header", -1;
        memcpy(info->name, name, nlen);
        info->name[nlen] = 0;
        memcpy(info->type, type, tlen);
        info->type[tlen] = 0;
        /* Each element's column: null map (Nullable), then a value per row.
         * A container's rows are put together in `held` (off[] into it),
         * pointed at once no column can move it any more. */
        size_t cells = (size_t)nrows * (size_t)ntypes;
        const unsigned char **at = calloc(cells ? cells : 1, sizeof(*at));
        size_t *len = calloc(cells ? cells : 1, sizeof(*len)), *off = calloc(cells ? cells : 1, sizeof(*off));
        unsigned char *null = calloc(cells ? cells : 1, 1);
        tbuf held = {0};
        if (!at || !len || !off || !null) abort();
        for (int i = 0; i < ntypes && c.ok; i++) {
            if (chtype_is_container(types[i].kind)) {
                if (ntv_container_column(&c, &types[i], nrows, &held, off + i, len + i, (size_t)ntypes) < 0) c.ok = 0;
                continue;
            }
            if (types[i].nullable) {
                const unsigned char *map = tc_take(&c, nrows);
                for (uint64_t r = 0; map && r < nrows; r++) {
                    if (map[r] > 1) return free(at), free(len), free(off), free(null), tb_free(&held), *why = "null map byte not 0 or 1", -1;
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
                    if (!is_default) return free(at), free(len), free(off), free(null), tb_free(&held), *why = "a NULL row without the default value", -1;
                }
            }
        }
        if (c.ok) {
            for (uint64_t r = 0; r < nrows; r++)
                for (int i = 0; i < ntypes; i++) {
                    size_t k = (size_t)r * (size_t)ntypes + (size_t)i;
                    if (types[i].nullable) tb_put(rb, null[k] ? "\x01" : "\x00", 1);
                    if (chtype_is_container(types[i].kind)) tb_put(rb, held.p + off[k], len[k]);
                    else if (!null[k]) {
                        tb_put(rb, at[k], len[k]);
                    }
                }
        }
        free(at);
        free(len);
        free(off);
        free(null);
        tb_free(&held);
        if (!c.ok) return *why = "cut in a column's data", -1;
        if (info->count < sizeof(info->rows) / sizeof(info->rows[0])) info->rows[info->count] = nrows;
        info->count++;
        info->total += nrows;
    }
    return 0;
}
