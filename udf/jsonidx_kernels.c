/* jsonidx_kernels.c — stage 1's kernels: 64 bytes in, bitmasks out.
 *
 * One kernel per instruction-set level (jsonidx.h's jidx_level); each one
 * turns the bytes into seven raw masks (bit i = byte i): backslash, quote,
 * whitespace, operator, control byte, '/' and byte >= 0x80.  What follows
 * from those masks is the same arithmetic for every level and lives here
 * once, as two inline steps each kernel calls:
 *
 *   jidx_escaped()  which bytes are escaped (by an odd run of backslashes);
 *   jidx_finish()   the token, check and give-up masks, from the quotes
 *                   that are real and the in-string mask.
 *
 * Between the two, each kernel computes the in-string mask its own way: a
 * carry-less multiply where the CPU has one (PCLMULQDQ), six shifts where it
 * does not.  Adding a level (NEON, AVX-512) means one classifier and one
 * entry in jidx_kernels[]; nothing else changes. */
#include "jsonidx.h"

#include <string.h>

#if defined(__x86_64__) || defined(_M_X64)
#define JIDX_X86 1
#include <immintrin.h>
#endif

/* The raw classification of one block. */
typedef struct jidx_raw {
    uint64_t backslash, quote, ws, op, ctl, slash, high;
} jidx_raw;

/* Which bytes are escaped.  A run of backslashes escapes every second
 * byte after its start: in `\\\"` the first backslash escapes the second
 * and the third escapes the quote.  So what a byte is depends on the parity
 * of its distance from the start of the run it ends, and that parity
 * is found for all runs at once by one addition:
 *
 *   bs        backslashes, less byte 0 when the previous block's last
 *             backslash escapes it (then it starts nothing);
 *   follows   bytes right after a backslash (and byte 0 when carried):
 *             the only bytes that can be escaped;
 *   odd_starts  the first backslash of each run that starts at an odd bit.
 *
 * bs + odd_starts: the carry runs through each odd-started run and stops
 * one past its end, clearing the run; runs that start at an even bit are
 * left as they were.  Shifted by one, that sum marks (for even-started
 * runs) the bytes after each backslash, which is where the even/odd
 * pattern must flip.  For a run starting at an even bit the escaped bytes
 * are at odd positions, for an odd start at even positions: EVEN ^ flip,
 * kept where a backslash precedes.  The addition's carry out of bit 63
 * happens exactly when an odd-started run reaches the end with an odd
 * length, i.e. its last backslash escapes the next block's byte 0. */
static inline __attribute__((always_inline)) uint64_t jidx_escaped(uint64_t backslash, jidx_carry *c) {
    const uint64_t EVEN = 0x5555555555555555ULL;
    uint64_t bs = backslash & ~c->escaped;
    uint64_t follows = bs << 1 | c->escaped;
    uint64_t odd_starts = bs & ~EVEN & ~follows;
    uint64_t sum;
    c->escaped = __builtin_add_overflow(odd_starts, bs, &sum);
    return (EVEN ^ (sum << 1)) & follows;
}

/* Everything after the in-string mask.  in_str covers each string from its
 * opening quote up to (not including) its closing quote; operators and
 * other bytes there are string contents.  A token is an operator outside
 * strings, a real quote (opening or closing), or the first byte of a run
 * of other bytes outside strings: a number, a literal, or junk the grammar
 * will refuse.  Every byte a value can end on is followed by a token or by
 * whitespace, which is what lets stage 2 skip from token to token. */
static inline __attribute__((always_inline)) void jidx_finish(const jidx_raw *r, uint64_t escaped, uint64_t quote,
                                                               uint64_t in_str, jidx_carry *c, jidx_masks *out) {
    uint64_t other = ~(r->ws | r->op | quote) & ~in_str;
    uint64_t other_starts = other & ~(other << 1 | c->other);
    c->other = other >> 63;
    out->tokens = (r->op & ~in_str) | quote | other_starts;
    /* \" \\ \/ need nothing more; every other escape is looked at once. */
    out->check_escape = escaped & in_str & ~(r->quote | r->backslash | r->slash);
    out->check_utf8 = r->high & in_str;
    out->give_up = r->ctl & in_str;
}

/* Bits from the first quote of each pair up to the second: prefix XOR,
 * by doubling shifts (log2(64) = 6 steps). */
static inline uint64_t jidx_prefix_xor(uint64_t x) {
    x ^= x << 1;
    x ^= x << 2;
    x ^= x << 4;
    x ^= x << 8;
    x ^= x << 16;
    x ^= x << 32;
    return x;
}

/* The common tail of every kernel: escapes, quotes, strings, tokens.
 * `clmul` says how the prefix XOR is computed (a constant after inlining). */
#define JIDX_TAIL(raw, c, out, PREFIX_XOR)                                  \
    do {                                                                    \
        uint64_t esc_ = jidx_escaped((raw).backslash, (c));                 \
        uint64_t quote_ = (raw).quote & ~esc_;                              \
        uint64_t in_str_ = PREFIX_XOR(quote_) ^ (c)->in_string;             \
        (c)->in_string = (uint64_t)((int64_t)in_str_ >> 63);               \
        jidx_finish(&(raw), esc_, quote_, in_str_, (c), (out));             \
    } while (0)

/* ------------------------------------------------------------- portable */

/* One class byte per input byte; bit k says mask k of jidx_raw. */
enum { C_BS = 1, C_QT = 2, C_WS = 4, C_OP = 8, C_CTL = 16, C_SLASH = 32, C_HIGH = 64 };

static unsigned char jidx_class[256];

static void jidx_class_init(void) {
    for (int i = 0; i < 0x20; i++) jidx_class[i] = C_CTL;
    for (int i = 0x80; i < 0x100; i++) jidx_class[i] = C_HIGH;
    jidx_class['\\'] = C_BS;
    jidx_class['"'] = C_QT;
    jidx_class['/'] = C_SLASH;
    jidx_class[' '] = C_WS;
    jidx_class['\t'] = C_WS | C_CTL;
    jidx_class['\n'] = C_WS | C_CTL;
    jidx_class['\r'] = C_WS | C_CTL;
    jidx_class[','] = jidx_class[':'] = jidx_class['['] = jidx_class[']'] = C_OP;
    jidx_class['{'] = jidx_class['}'] = C_OP;
}

static void jidx_kernel_portable(const unsigned char *p, jidx_carry *c, jidx_masks *out) {
    if (!jidx_class['\\']) jidx_class_init();
    jidx_raw r = {0};
    for (int i = 0; i < 64; i++) {
        unsigned k = jidx_class[p[i]];
        if (!k) continue;
        uint64_t bit = 1ULL << i;
        if (k & C_BS) r.backslash |= bit;
        if (k & C_QT) r.quote |= bit;
        if (k & C_WS) r.ws |= bit;
        if (k & C_OP) r.op |= bit;
        if (k & C_CTL) r.ctl |= bit;
        if (k & C_SLASH) r.slash |= bit;
        if (k & C_HIGH) r.high |= bit;
    }
    JIDX_TAIL(r, c, out, jidx_prefix_xor);
}

#ifdef JIDX_X86
/* ------------------------------------------------------------- SSE 4.2 */

/* Whitespace and operators by table lookup, two byte shuffles for both.
 * The four whitespace bytes have four different low nibbles (' ' 0x20,
 * '\t' 0x09, '\n' 0x0A, '\r' 0x0D): a 16-entry table indexed by the low
 * nibble holds the one whitespace byte with that nibble, and a byte is
 * whitespace when the table gives it back.  The six operators fold to four
 * with OR 0x20 ('[' -> '{', ']' -> '}'), again with four different low
 * nibbles (',' C, ':' A, '{' B, '}' D).  A byte >= 0x80 makes the shuffle
 * give 0, which equals no such byte.  Two control bytes fold onto operators
 * (0x0C -> ',', 0x1A -> ':'): outside strings they are junk either way (the
 * grammar refuses the token), inside strings stage 1 gives up on them. */
#define JIDX_OP_TABLE 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, ':', '{', ',', '}', 0, 0

/* Four 16-byte lanes, each compare giving 16 bits of a mask.  The level is
 * the build's baseline (CMakeLists.txt: -msse4.2), so nothing here needs a
 * target attribute; it has no carry-less multiply (PCLMULQDQ is not part of
 * x86-64-v2), so the prefix XOR is the shifts. */
static inline uint64_t jidx_m128(__m128i a, __m128i b, __m128i c, __m128i d) {
    return (uint64_t)(uint16_t)_mm_movemask_epi8(a) | (uint64_t)(uint16_t)_mm_movemask_epi8(b) << 16 |
           (uint64_t)(uint16_t)_mm_movemask_epi8(c) << 32 | (uint64_t)(uint16_t)_mm_movemask_epi8(d) << 48;
}

static void jidx_kernel_sse42(const unsigned char *p, jidx_carry *c, jidx_masks *out) {
    const __m128i ws_t = _mm_setr_epi8(' ', 0, 0, 0, 0, 0, 0, 0, 0, '\t', '\n', 0, 0, '\r', 0, 0);
    const __m128i op_t = _mm_setr_epi8(JIDX_OP_TABLE);
    const __m128i x20 = _mm_set1_epi8(0x20), x1f = _mm_set1_epi8(0x1F);
    const __m128i bs = _mm_set1_epi8('\\'), qt = _mm_set1_epi8('"'), sl = _mm_set1_epi8('/');
    __m128i m[7][4];
    for (int i = 0; i < 4; i++) {
        __m128i v = _mm_loadu_si128((const __m128i *)(p + 16 * i));
        __m128i f = _mm_or_si128(v, x20);
        m[0][i] = _mm_cmpeq_epi8(v, bs);
        m[1][i] = _mm_cmpeq_epi8(v, qt);
        m[2][i] = _mm_cmpeq_epi8(v, sl);
        m[3][i] = _mm_cmpeq_epi8(_mm_shuffle_epi8(ws_t, v), v);
        m[4][i] = _mm_cmpeq_epi8(_mm_shuffle_epi8(op_t, f), f);
        m[5][i] = _mm_cmpeq_epi8(_mm_max_epu8(v, x1f), x1f);   /* unsigned byte <= 0x1F */
        m[6][i] = v;                                            /* movemask takes the top bit */
    }
    jidx_raw r;
    r.backslash = jidx_m128(m[0][0], m[0][1], m[0][2], m[0][3]);
    r.quote = jidx_m128(m[1][0], m[1][1], m[1][2], m[1][3]);
    r.slash = jidx_m128(m[2][0], m[2][1], m[2][2], m[2][3]);
    r.ws = jidx_m128(m[3][0], m[3][1], m[3][2], m[3][3]);
    r.op = jidx_m128(m[4][0], m[4][1], m[4][2], m[4][3]);
    r.ctl = jidx_m128(m[5][0], m[5][1], m[5][2], m[5][3]);
    r.high = jidx_m128(m[6][0], m[6][1], m[6][2], m[6][3]);
    JIDX_TAIL(r, c, out, jidx_prefix_xor);
}

/* ---------------------------------------------------------- AVX2 + PCLMUL */

#define JIDX_TARGET_AVX2 __attribute__((target("avx2,pclmul")))

static inline JIDX_TARGET_AVX2 uint64_t jidx_m256(__m256i a, __m256i b) {
    return (uint64_t)(uint32_t)_mm256_movemask_epi8(a) | (uint64_t)(uint32_t)_mm256_movemask_epi8(b) << 32;
}

/* The prefix XOR as one carry-less multiply by all ones: bit i of the
 * product is the XOR of bits 0..i of x. */
static inline JIDX_TARGET_AVX2 uint64_t jidx_prefix_xor_clmul(uint64_t x) {
    __m128i prod = _mm_clmulepi64_si128(_mm_set_epi64x(0, (long long)x), _mm_set1_epi8((char)0xFF), 0);
    return (uint64_t)_mm_cvtsi128_si64(prod);
}

static JIDX_TARGET_AVX2 void jidx_kernel_avx2(const unsigned char *p, jidx_carry *c, jidx_masks *out) {
    /* the tables of the SSE 4.2 kernel, in both 128-bit lanes (the shuffle works per lane) */
    const __m256i ws_t = _mm256_setr_epi8(' ', 0, 0, 0, 0, 0, 0, 0, 0, '\t', '\n', 0, 0, '\r', 0, 0,
                                          ' ', 0, 0, 0, 0, 0, 0, 0, 0, '\t', '\n', 0, 0, '\r', 0, 0);
    const __m256i op_t = _mm256_setr_epi8(JIDX_OP_TABLE, JIDX_OP_TABLE);
    const __m256i x20 = _mm256_set1_epi8(0x20), x1f = _mm256_set1_epi8(0x1F);
    const __m256i bs = _mm256_set1_epi8('\\'), qt = _mm256_set1_epi8('"'), sl = _mm256_set1_epi8('/');
    const __m256i a = _mm256_loadu_si256((const __m256i *)p);
    const __m256i b = _mm256_loadu_si256((const __m256i *)(p + 32));
    const __m256i fa = _mm256_or_si256(a, x20), fb = _mm256_or_si256(b, x20);
    jidx_raw r;
    r.backslash = jidx_m256(_mm256_cmpeq_epi8(a, bs), _mm256_cmpeq_epi8(b, bs));
    r.quote = jidx_m256(_mm256_cmpeq_epi8(a, qt), _mm256_cmpeq_epi8(b, qt));
    r.slash = jidx_m256(_mm256_cmpeq_epi8(a, sl), _mm256_cmpeq_epi8(b, sl));
    r.ws = jidx_m256(_mm256_cmpeq_epi8(_mm256_shuffle_epi8(ws_t, a), a), _mm256_cmpeq_epi8(_mm256_shuffle_epi8(ws_t, b), b));
    r.op = jidx_m256(_mm256_cmpeq_epi8(_mm256_shuffle_epi8(op_t, fa), fa),
                     _mm256_cmpeq_epi8(_mm256_shuffle_epi8(op_t, fb), fb));
    r.ctl = jidx_m256(_mm256_cmpeq_epi8(_mm256_max_epu8(a, x1f), x1f), _mm256_cmpeq_epi8(_mm256_max_epu8(b, x1f), x1f));
    r.high = jidx_m256(a, b);
    JIDX_TAIL(r, c, out, jidx_prefix_xor_clmul);
}
#endif

/* Indexed by jidx_level; NULL where this build has no such kernel. */
const jidx_kernel jidx_kernels[JIDX_NLEVELS] = {
    [JIDX_PORTABLE] = jidx_kernel_portable,
#ifdef JIDX_X86
    [JIDX_SSE42] = jidx_kernel_sse42,
    [JIDX_AVX2] = jidx_kernel_avx2,
#endif
};
