/* jsonidx.h — stage 1 of the JSON scanner: the structural index.
 *
 * The walker in json.c used to look at every byte: skip whitespace, find the
 * end of each string 16 bytes at a time, stopping at every backslash.  On
 * Debezium's messages most bytes are string contents, and the outbox payload
 * is a string full of `\"`, so the walk paid per escape.  Stage 1 instead
 * classifies 64 bytes per step into bitmasks, without a branch per byte
 * (the method simdjson and yyjson made standard):
 *
 *   backslash, quote  -> which bytes an odd run of backslashes escapes, so the
 *                        real quotes; a prefix XOR of those is the in-string mask
 *   whitespace, operators ({}[],:) and the first byte of every run of other
 *                        bytes outside strings (a number, a literal, or junk)
 *                     -> the tokens: their offsets, in order, for stage 2
 *   control bytes, escapes, non-ASCII inside strings
 *                     -> checked here, so that stage 2 never looks inside a
 *                        string it does not decode.
 *
 * Stage 2 is json.c's walker: in index mode it takes each token from the
 * block's mask (jidx_take) instead of reading bytes to find it.
 *
 * The contract that keeps every answer exact: stage 1 is allowed to give up.
 * Whatever it cannot settle with bitmasks — an error of any kind, a `\u`
 * escape of a surrogate (the pair rule), invalid UTF-8 — makes the stream
 * report JIDX_GIVE_UP, and the walker redoes that container with the byte
 * walker, which yields the same answer and the same error text and offset
 * as before stage 1 existed.  Valid messages (nearly every message) never
 * take that path, so the error paths stay the old, tested ones.
 *
 * Kernels.  The byte classification is the only part that depends on the
 * instruction set: jsonidx_kernels.c holds one per level (AVX2 + PCLMUL,
 * SSE 4.2, portable C), chosen once at start-up by jidx_select(), before
 * the sandbox.  Memory: a stream is a fixed struct on the caller's stack
 * (no allocation), whatever the size of the document.
 *
 * Measured (tests/bench/results.md): on Debezium messages of 1-4 KB the
 * index walk is slower than the byte walker, whose cost is the grammar and
 * the picking per token rather than finding the tokens; so the default
 * level is "off" and the index is opt-in (--simd) until it wins. */
#ifndef CDC_JSONIDX_H
#define CDC_JSONIDX_H

#include <stddef.h>
#include <stdint.h>

/* The instruction-set levels, best last. */
typedef enum jidx_level {
    JIDX_OFF = -2,       /* no stage 1: the byte walker alone (the reference) */
    JIDX_AUTO = -1,      /* not chosen yet */
    JIDX_PORTABLE = 0,   /* plain C: compiles anywhere (aarch64 too) */
    JIDX_SSE42,          /* x86-64-v2, the level ClickHouse itself requires */
    JIDX_AVX2,           /* AVX2 + PCLMULQDQ (x86-64-v3) */
    JIDX_NLEVELS
} jidx_level;

/* Choose the kernel by name: "auto" (the best this CPU has), "avx2",
 * "sse42", "portable" or "off".  0, or -1 when the name is unknown or this
 * CPU lacks the level (*why says which).  Without a choice, the first use
 * takes the environment's CDC_SIMD, else "off" (jsonidx.c says why). */
int jidx_select(const char *name, const char **why);
/* Force a level (tests): 0, or -1 when this CPU or build lacks it. */
int jidx_use(jidx_level l);
int jidx_level_supported(jidx_level l);
const char *jidx_level_name(jidx_level l);
/* The level in use ("avx2", ..., "off"). */
const char *jidx_active_name(void);
/* 1 when stage 1 runs (the walker then goes by the index). */
int jidx_enabled(void);

/* What one 64-byte block yields (a kernel's output, see jsonidx_kernels.c). */
typedef struct jidx_masks {
    uint64_t tokens;        /* operators outside strings, every opening and closing quote,
                             * the first byte of each run of other bytes outside strings */
    uint64_t check_escape;  /* escaped bytes in strings other than '"', '\\' and '/':
                             * jsonidx.c checks these one by one (b f n r t, \uXXXX) */
    uint64_t check_utf8;    /* bytes >= 0x80 in strings: jsonidx.c checks the sequences */
    uint64_t give_up;       /* control bytes inside strings: an error stage 2 lets the byte walker name */
} jidx_masks;

/* What carries from one block to the next. */
typedef struct jidx_carry {
    uint64_t escaped;       /* 1: the next block's byte 0 is escaped */
    uint64_t in_string;     /* all ones: the next block starts inside a string */
    uint64_t other;         /* 1: the block ended inside a run of other bytes */
} jidx_carry;

typedef void (*jidx_kernel)(const unsigned char *p, jidx_carry *c, jidx_masks *out);

/* Stage 1 over [start, limit), one block at a time as the walker asks.  The
 * tokens are not copied anywhere: a block's token mask goes to the walker
 * as it is, and the walker takes the bits one by one (jidx_take) from a
 * cursor held in its own registers. */
typedef struct jidx_stream {
    const char *limit;
    const char *next;        /* first byte not classified yet */
    int give_up;             /* 1 once a block held something only the byte walker settles */
    jidx_carry carry;
    const char *escape_done; /* escapes and UTF-8 sequences are checked up to here */
    const char *utf8_done;   /*   (a \uD800\uDC00 pair or a sequence can cross blocks) */
} jidx_stream;

/* The tokens of one block not taken yet: bit i is block[i]. */
typedef struct jidx_cursor {
    uint64_t mask;
    const char *block;       /* NULL: the end of the input, or stage 1 gave up */
} jidx_cursor;

/* Start the stream at p (stage 2 begins there: outside any string).
 * Only when jidx_enabled(). */
void jidx_begin(jidx_stream *s, const char *p, const char *limit);
/* Restart the stream at p, a byte known to be outside strings (after a
 * string the walker scanned itself); the caller empties its cursor. */
void jidx_seek(jidx_stream *s, const char *p);
/* The next block's tokens (mask 0 for a block inside a long string);
 * block NULL at the end of the input or when stage 1 gave up. */
jidx_cursor jidx_block(jidx_stream *s);

/* The next token, or NULL at the end of the input or when stage 1 gave up
 * (s->give_up tells which).  Inlined into the walker, so the cursor stays in
 * registers: a token costs a count of trailing zeros and a bit cleared. */
static inline __attribute__((always_inline)) const char *jidx_take(jidx_stream *s, jidx_cursor *c) {
    while (!c->mask) {
        *c = jidx_block(s);
        if (!c->block) return NULL;
    }
    const char *t = c->block + __builtin_ctzll(c->mask);
    c->mask &= c->mask - 1;
    return t;
}

#endif
