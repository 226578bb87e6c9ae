/* nativefmt.c — the tests' own Native codec (see nativefmt.h). */
#include "nativefmt.h"

#include <stdlib.h>
#include <string.h>

/* The encoded bytes of one value (not its Nullable flag): LEB128 length +
 * bytes for String, the width for the rest. */
static const unsigned char *ntv_value(tcursor *c, const chtype *t, size_t *n) {
    const unsigned char *start = c->p;
    int width = chtype_width(t->kind);
    if (width) tc_take(c, (uint64_t)width);
    else tc_take(c, tc_leb128(c));
    *n = (size_t)(c->p - start);
    return c->ok ? start : NULL;
}

int ntv_block_from_rowbinary(tbuf *out, const chtype *types, const char *const *names, int ntypes,
                             tcursor *rb, uint64_t nrows) {
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
        /* Each element's column: null map (Nullable), then a value per row. */
        size_t cells = (size_t)nrows * (size_t)ntypes;
        const unsigned char **at = calloc(cells ? cells : 1, sizeof(*at));
        size_t *len = calloc(cells ? cells : 1, sizeof(*len));
        unsigned char *null = calloc(cells ? cells : 1, 1);
        if (!at || !len || !null) abort();
        for (int i = 0; i < ntypes && c.ok; i++) {
            if (types[i].nullable) {
                const unsigned char *map = tc_take(&c, nrows);
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
                    if (types[i].nullable) tb_put(rb, null[k] ? "\x01" : "\x00", 1);
                    if (!null[k]) tb_put(rb, at[k], len[k]);
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
