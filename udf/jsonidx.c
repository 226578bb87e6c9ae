/* jsonidx.c — stage 1's driver: which kernel runs, and the token stream.
 *
 * The kernel (jsonidx_kernels.c) is chosen once: jidx_select() from the
 * driver's --simd option before the sandbox, or "auto" on first use.  The
 * stream runs the kernel a few blocks ahead of the walker, checks what
 * bitmasks leave open (escapes other than \" \\ \/, UTF-8 sequences) with
 * json.c's own scalar checks, and turns each block's token mask into
 * offsets.  It never allocates: a document of any size streams through the
 * same fixed buffer. */
#include "jsonidx.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "json.h"

extern const jidx_kernel jidx_kernels[JIDX_NLEVELS];

static jidx_kernel jidx_active;           /* NULL: stage 1 off, the byte walker only */
static int jidx_active_level = JIDX_AUTO;  /* JIDX_AUTO until chosen */

static const char *const jidx_names[JIDX_NLEVELS] = {"portable", "sse42", "avx2"};

const char *jidx_level_name(jidx_level l) {
    if (l == JIDX_OFF) return "off";
    return l >= 0 && l < JIDX_NLEVELS ? jidx_names[l] : "auto";
}

int jidx_level_supported(jidx_level l) {
    if (l == JIDX_OFF) return 1;
    if (l < 0 || l >= JIDX_NLEVELS || !jidx_kernels[l]) return 0;
#if defined(__x86_64__) || defined(_M_X64)
    __builtin_cpu_init();
    if (l == JIDX_AVX2) return __builtin_cpu_supports("avx2") && __builtin_cpu_supports("pclmul");
    if (l == JIDX_SSE42) return __builtin_cpu_supports("sse4.2");
#endif
    return 1;
}

int jidx_use(jidx_level l) {
    if (!jidx_level_supported(l)) return -1;
    jidx_active = l == JIDX_OFF ? NULL : jidx_kernels[l];
    jidx_active_level = l;
    return 0;
}

static jidx_level jidx_best(void) {
    for (int l = JIDX_NLEVELS - 1; l > 0; l--)
        if (jidx_level_supported((jidx_level)l)) return (jidx_level)l;
    return JIDX_PORTABLE;
}

static int jidx_by_name(const char *name, jidx_level *l) {
    if (!strcmp(name, "auto")) return *l = jidx_best(), 0;
    if (!strcmp(name, "off")) return *l = JIDX_OFF, 0;
    for (int i = 0; i < JIDX_NLEVELS; i++)
        if (!strcmp(name, jidx_names[i])) return *l = (jidx_level)i, 0;
    return -1;
}

int jidx_select(const char *name, const char **why) {
    jidx_level l;
    if (jidx_by_name(name ? name : "auto", &l) < 0) {
        if (why) *why = "unknown level (auto, avx2, sse42, portable or off)";
        return -1;
    }
    if (jidx_use(l) < 0) {
        if (why) *why = "this CPU (or this build) does not have that level";
        return -1;
    }
    return 0;
}

/* The first use without a choice: CDC_SIMD when set (the tests run once
 * per level with it), else off.  Off is the default while the index walk is
 * slower than the byte walker on our corpora (tests/bench/results.md, the
 * per-level rows): a level is opt-in (--simd) until it wins. */
static void jidx_default(void) {
    const char *env = getenv("CDC_SIMD");
    const char *why = NULL;
    if (env && *env && jidx_select(env, &why) == 0) return;
    if (env && *env) fprintf(stderr, "CDC_SIMD=%s ignored: %s\n", env, why);
    jidx_use(JIDX_OFF);
}

int jidx_enabled(void) {
    if (jidx_active_level == JIDX_AUTO) jidx_default();
    return jidx_active != NULL;
}

const char *jidx_active_name(void) {
    jidx_enabled();
    return jidx_level_name((jidx_level)jidx_active_level);
}

/* ------------------------------------------------------------- the stream */

void jidx_seek(jidx_stream *s, const char *p) {
    s->next = p;
    memset(&s->carry, 0, sizeof(s->carry));
}

void jidx_begin(jidx_stream *s, const char *p, const char *limit) {
    s->limit = limit;
    s->give_up = 0;
    s->escape_done = s->utf8_done = p;
    jidx_seek(s, p);
}

/* The escapes a block's masks leave open, each checked as json.c checks
 * it; one that the previous check covered (the low half of a surrogate
 * pair) is passed over. */
static int jidx_check_escapes(jidx_stream *s, const char *block, uint64_t m) {
    for (; m; m &= m - 1) {
        const char *bs = block + __builtin_ctzll(m) - 1;   /* the backslash (the carry: possibly the last block's) */
        if (bs < s->escape_done) continue;
        const char *e = json_escape_end(bs, s->limit, NULL);
        if (!e) return -1;
        s->escape_done = e;
    }
    return 0;
}

/* Multi-byte UTF-8 sequences in strings: each lead byte checked with its
 * continuation bytes (which may lie in the next block). */
static int jidx_check_utf8(jidx_stream *s, const char *block, uint64_t m) {
    for (; m; m &= m - 1) {
        const char *q = block + __builtin_ctzll(m);
        if (q < s->utf8_done) continue;
        const char *e = json_utf8_end(q, s->limit, NULL);
        if (!e) return -1;
        s->utf8_done = e;
    }
    return 0;
}

jidx_cursor jidx_block(jidx_stream *s) {
    jidx_cursor c = {0, NULL};
    if (s->give_up || s->next >= s->limit) return c;
    const char *block = s->next;
    size_t left = (size_t)(s->limit - block);
    const unsigned char *in = (const unsigned char *)block;
    unsigned char pad[64];
    if (left < 64) {
        /* The last bytes, padded with spaces: whitespace adds no token. */
        memcpy(pad, block, left);
        memset(pad + left, ' ', 64 - left);
        in = pad;
    }
    jidx_masks b;
    jidx_active(in, &s->carry, &b);
    if (b.give_up || (b.check_escape && jidx_check_escapes(s, block, b.check_escape) < 0) ||
        (b.check_utf8 && jidx_check_utf8(s, block, b.check_utf8) < 0)) {
        s->give_up = 1;
        return c;
    }
    s->next = left < 64 ? s->limit : block + 64;
    c.mask = b.tokens;
    c.block = block;
    return c;
}
