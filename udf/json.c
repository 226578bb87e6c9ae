/* json.c — the single-pass, zero-copy JSON scanner (see json.h).
 *
 * This file owns every byte-level decision about JSON: what is whitespace,
 * what a valid string / number / literal is, how containers nest, and how a
 * dot path is followed.  Nothing here builds a tree; a value is a view into
 * the caller's buffer, and containers are walked only when someone needs
 * what lies beyond them.
 *
 * Layout, bottom up:
 *   scanners   json_scan_string / _number / _literal: validate one scalar and
 *              return the byte after it.  Strings are the hot path; they look
 *              at 16 bytes (SSE2) or 8 bytes (SWAR) per step for the few bytes
 *              that need attention: '"', '\\', < 0x20 and >= 0x80.
 *   walker     json_walk: validates a whole object/array with a goto
 *              state machine and an explicit stack of expected closing
 *              brackets (one byte per level) — no recursion, so a hostile
 *              100000-deep document costs a bounded stack and an error.
 *              Given a tree of member names it also picks them up on the
 *              way (json_finish_pick), so one validating pass also does the
 *              lookups; json_skip_container is the walk without a tree.
 *              With stage 1 on (--simd, jsonidx.h) the same walker goes
 *              by the structural index's tokens and gives up to the byte
 *              walk on anything but valid input.
 *   iterators  produce one member/element at a time, lazily.
 *   decoding   escapes -> UTF-8, exact integers.
 *   lookup     dot paths, including descent into JSON held in a string.
 *
 * Every read is bounds-checked against `limit`: buffers are not assumed to
 * be NUL-terminated and may end anywhere. */
#include "json.h"

#include <string.h>

#include "jsonidx.h"

#ifdef __SSE2__
#include <emmintrin.h>
#endif
#ifdef __SSSE3__
#include <tmmintrin.h>
#endif

/* ------------------------------------------------------------------ errors */

/* Errors are rare; keeping them out of line keeps the scanners small.
 * `where` is the offending byte, with three deliberate refinements: an
 * unterminated string points at its opening quote (the end of the buffer
 * says nothing); a JSON_MISSING reason from json_lookup points at the path
 * segment that could not be taken; an error inside JSON held in a string
 * points at that string's opening quote in the caller's buffer. */
static void json_fail(json_error *err, const char *msg, const char *where) {
    if (err) {
        err->msg = msg;
        err->where = where;
    }
}

const char *json_type_name(json_type t) {
    switch (t) {
    case JSON_NULL:   return "null";
    case JSON_FALSE:
    case JSON_TRUE:   return "boolean";
    case JSON_NUMBER: return "number";
    case JSON_STRING: return "string";
    case JSON_OBJECT: return "object";
    case JSON_ARRAY:  return "array";
    case JSON_NONE:   break;
    }
    return "nothing";
}

/* ----------------------------------------------------------- small tables */

/* RFC 8259 whitespace: space, tab, LF, CR — nothing else (no VT, FF, NBSP). */
static inline int json_is_ws(unsigned char c) {
    return c == ' ' || c == '\n' || c == '\r' || c == '\t';
}

/* Compact JSON (what Debezium emits) has no whitespace at all, so the first
 * test answers almost every call.  The second answers text written with
 * one space after ',' and around ':' — PostgreSQL's jsonb output, i.e. the
 * outbox payloads; the loop serves pretty-printed input. */
static inline const char *json_ws(const char *p, const char *lim) {
    if (p < lim && (unsigned char)*p > ' ') return p;
    if (lim - p >= 2 && *p == ' ' && (unsigned char)p[1] > ' ') return p + 1;
    while (p < lim && json_is_ws((unsigned char)*p)) p++;
    return p;
}

static inline int json_is_digit(char c) {
    return (unsigned char)(c - '0') < 10;
}

/* Value of a hex digit, or -1. */
static inline int json_hex(char c) {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
}

/* The 4 hex digits of a \uXXXX escape at p (caller checked they exist), or -1. */
static long json_hex4(const char *p) {
    int a = json_hex(p[0]), b = json_hex(p[1]), c = json_hex(p[2]), d = json_hex(p[3]);
    if ((a | b | c | d) < 0) return -1;
    return (long)a << 12 | b << 8 | c << 4 | d;
}

/* ---------------------------------------------------------------- strings */

/* One multi-byte UTF-8 sequence starting at p (*p >= 0x80).  Only shortest
 * forms of U+0080..U+10FFFF excluding the surrogates D800-DFFF are accepted
 * (RFC 3629 table 3-7): the second byte's range depends on the lead byte,
 * later bytes are plain continuation bytes.  Returns the byte after it. */
static const char *json_check_utf8(const char *p, const char *lim, json_error *err) {
    const unsigned char *s = (const unsigned char *)p;
    unsigned char c = s[0], lo = 0x80, hi = 0xBF;
    size_t need;

    if (c >= 0xC2 && c <= 0xDF) {
        need = 1;
    } else if (c >= 0xE0 && c <= 0xEF) {
        need = 2;
        if (c == 0xE0) lo = 0xA0;          /* overlong below U+0800 */
        else if (c == 0xED) hi = 0x9F;     /* UTF-16 surrogates */
    } else if (c >= 0xF0 && c <= 0xF4) {
        need = 3;
        if (c == 0xF0) lo = 0x90;          /* overlong below U+10000 */
        else if (c == 0xF4) hi = 0x8F;     /* above U+10FFFF */
    } else {
        goto bad;                          /* stray continuation, C0/C1, F5+ */
    }
    if ((size_t)(lim - p) <= need) goto bad;
    if (s[1] < lo || s[1] > hi) goto bad;
    for (size_t i = 2; i <= need; i++)
        if ((s[i] & 0xC0) != 0x80) goto bad;
    return p + need + 1;
bad:
    json_fail(err, "invalid UTF-8", p);
    return NULL;
}

/* Validate the escape at p (*p == '\\'); returns the byte after it.  A high
 * surrogate must be followed at once by an escaped low surrogate: a lone
 * half cannot be turned into UTF-8, so accepting it would only move the
 * error to whoever decodes the string. */
static const char *json_check_escape(const char *p, const char *lim, json_error *err) {
    if (lim - p < 2) goto eof;
    switch (p[1]) {
    case '"': case '\\': case '/': case 'b': case 'f': case 'n': case 'r': case 't':
        return p + 2;
    case 'u':
        break;
    default:
        json_fail(err, "invalid escape", p);
        return NULL;
    }
    if (lim - p < 6) goto eof;
    long cp = json_hex4(p + 2);
    if (cp < 0) {
        json_fail(err, "invalid \\u escape (expected 4 hex digits)", p);
        return NULL;
    }
    if (cp < 0xD800 || cp > 0xDFFF) return p + 6;
    if (cp <= 0xDBFF && lim - p >= 12 && p[6] == '\\' && p[7] == 'u') {
        long lo = json_hex4(p + 8);
        if (lo >= 0xDC00 && lo <= 0xDFFF) return p + 12;
    }
    json_fail(err, "lone surrogate", p);
    return NULL;
eof:
    json_fail(err, "unterminated string", p);
    return NULL;
}

const char *json_escape_end(const char *p, const char *lim, json_error *err) {
    return json_check_escape(p, lim, err);
}

const char *json_utf8_end(const char *p, const char *lim, json_error *err) {
    return json_check_utf8(p, lim, err);
}

/* Bytes a string scan can pass over without a second look: printable ASCII
 * other than '"' and '\\'.  Used for the short tail of a buffer. */
static inline int json_is_plain(unsigned char c) {
    return c >= 0x20 && c < 0x80 && c != '"' && c != '\\';
}

/* Word-at-a-time tricks need to know which byte of a loaded word comes
 * first in memory; they are used on little-endian machines only (every
 * target this project ships for), big-endian ones take the byte loops. */
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
#define JSON_LE 1
#define JSON_ONES 0x0101010101010101ULL
#define JSON_HIGH 0x8080808080808080ULL
#endif

#if !defined(__SSE2__) && defined(JSON_LE)
/* High bit set in each byte of x that is zero.  Borrows can also flag bytes
 * above a true zero byte, never below one, so the lowest flag is exact —
 * which is all a "find the first" scan needs. */
static inline uint64_t json_swar_zero(uint64_t x) {
    return (x - JSON_ONES) & ~x & JSON_HIGH;
}
#endif

/* The wide part of a string scan: skip bytes that need no attention and
 * return the first one that does ('"', '\\', a control character, or the
 * lead byte of non-ASCII UTF-8) — or the place where too few bytes remain
 * for a wide step.  *closed is set, and the byte after the quote returned,
 * when the wide step found the closing quote itself.
 *
 * With SSE2, two speeds.  Plain text goes 16 bytes a step: most strings
 * are keys and short values that one step settles.  From the first
 * backslash on, the string goes 64 bytes at a time as bit masks, and escapes are settled inside the block without a branch per
 * escape: JSON held in a string (the outbox payload) has a \" every ten
 * bytes or so, which a byte-at-a-time or escape-at-a-time loop pays for in
 * mispredicted branches.  A backslash escapes the next byte, so the escaped
 * bytes are the backslash mask shifted by one (plus one carried from the
 * previous block); a quote there is not the end.  Runs of backslashes
 * (\\ inside the text) and escapes other than \" are rare and go to the
 * scalar loop, which checks them one by one.  The SWAR fallback stops at
 * the first byte that needs attention. */
#if defined(__SSE2__)
/* The 16-bit mask of bytes of x equal to c. */
static inline unsigned json_eq16(__m128i x, __m128i c) {
    return (unsigned)_mm_movemask_epi8(_mm_cmpeq_epi8(x, c));
}

/* Bytes below 0x20 or above 0x7F: a signed compare finds both at once. */
static inline unsigned json_odd16(__m128i x, __m128i space) {
    return (unsigned)_mm_movemask_epi8(_mm_cmpgt_epi8(space, x));
}

/* The 64-byte loop; p is not an escaped byte.  Returns as described above. */
static inline const char *json_string_blocks(const char *p, const char *lim, int *escaped, int *closed) {
    const __m128i quote = _mm_set1_epi8('"');
    const __m128i bslash = _mm_set1_epi8('\\');
    const __m128i space = _mm_set1_epi8(' ');
    uint64_t carry = 0;                  /* 1: p[0] is escaped by the block before */
    while (lim - p >= 64) {
        uint64_t q = 0, bs = 0, odd = 0;
        for (int k = 0; k < 4; k++) {
            __m128i x = _mm_loadu_si128((const __m128i *)(const void *)(p + 16 * k));
            q |= (uint64_t)json_eq16(x, quote) << (16 * k);
            bs |= (uint64_t)json_eq16(x, bslash) << (16 * k);
            odd |= (uint64_t)json_odd16(x, space) << (16 * k);
        }
        if (bs & (bs << 1 | carry)) break;       /* a run of backslashes */
        uint64_t esc = bs << 1 | carry;          /* the escaped bytes */
        uint64_t stop = (q & ~esc) | odd | (esc & ~q);
        if (esc) *escaped = 1;
        if (stop) {
            unsigned i = (unsigned)__builtin_ctzll(stop);
            if (q >> i & ~esc >> i & 1) {
                *closed = 1;
                return p + i + 1;
            }
            /* an escape the scalar loop must check: hand it the backslash */
            return esc >> i & 1 ? p + i - 1 : p + i;
        }
        carry = bs >> 63;
        p += 64;
    }
    return carry ? p - 1 : p;                    /* a trailing backslash is the scalar loop's */
}
#endif

static inline const char *json_string_wide(const char *p, const char *lim, int *escaped,
                                           int *closed) {
#if defined(__SSE2__)
    while (lim - p >= 16) {
        __m128i x = _mm_loadu_si128((const __m128i *)(const void *)p);
        unsigned q = json_eq16(x, _mm_set1_epi8('"'));
        unsigned m = q | json_eq16(x, _mm_set1_epi8('\\')) | json_odd16(x, _mm_set1_epi8(' '));
        if (!m) {
            p += 16;
            continue;
        }
        unsigned i = (unsigned)__builtin_ctz(m);
        if (q >> i & 1) {
            *closed = 1;
            return p + i + 1;
        }
        if (p[i] != '\\') return p + i;
        return json_string_blocks(p + i, lim, escaped, closed);   /* escapes ahead */
    }
#elif defined(JSON_LE)
    while (lim - p >= 8) {
        uint64_t x;
        memcpy(&x, p, 8);
        /* bytes < 0x20 wrap to >= 0xE0 after the subtraction; bytes >= 0x80
         * carry their own high bit: either way the flag is set */
        uint64_t hit = json_swar_zero(x ^ (JSON_ONES * '"')) |
                       json_swar_zero(x ^ (JSON_ONES * '\\')) |
                       (((x - JSON_ONES * 0x20) | x) & JSON_HIGH);
        if (hit) return p + (__builtin_ctzll(hit) >> 3);
        p += 8;
    }
#else
    (void)lim;
#endif
    (void)escaped;
    (void)closed;
    return p;
}

/* Scan the string whose opening quote is at p; return the byte after the
 * closing quote.  Sets *escaped when a backslash escape is seen.  Forced
 * inline: strings are most of the bytes, and inside the skipper's loop the
 * SSE constants stay in registers instead of being reloaded per string
 * (measured: +3-5% on Debezium envelopes). */
static inline __attribute__((always_inline)) const char *json_scan_string(const char *p, const char *lim, int *escaped,
                                           json_error *err) {
    const char *open = p++;
    for (;;) {
        int closed = 0;
        p = json_string_wide(p, lim, escaped, &closed);
        if (closed) return p;
        /* the buffer's last few bytes; a no-op after a wide loop's hit */
        while (p < lim && json_is_plain((unsigned char)*p)) p++;
        if (p == lim) {
            json_fail(err, "unterminated string", open);
            return NULL;
        }
        switch (*p) {
        case '"':
            return p + 1;
        case '\\':
            *escaped = 1;
            /* JSON held in a string (outbox payloads) is mostly \" — take
             * the two common escapes without the full check */
            if (lim - p >= 2 && (p[1] == '"' || p[1] == '\\')) {
                p += 2;
                break;
            }
            p = json_check_escape(p, lim, err);
            if (!p) return NULL;
            break;
        default:
            if ((unsigned char)*p < 0x20) {
                json_fail(err, "control character in string", p);
                return NULL;
            }
            p = json_check_utf8(p, lim, err);
            if (!p) return NULL;
            break;
        }
    }
}

/* First non-digit in [p, lim), or lim.  Timestamps, LSNs and doubles run
 * to 11-17 digits, so eight are tested per step: a byte is a digit when its
 * high nibble is 3 and adding 6 does not carry out of its low nibble.  A
 * carry out of a byte >= 0xFA may flag the byte above it — only ever above
 * a true non-digit, so the lowest flag is exact. */
static inline const char *json_digits(const char *p, const char *lim) {
#if defined(JSON_LE)
    const uint64_t hi = 0xF0F0F0F0F0F0F0F0ULL, three = JSON_ONES * 0x30;
    while (lim - p >= 8) {
        uint64_t x;
        memcpy(&x, p, 8);
        uint64_t bad = ((x & hi) ^ three) | (((x + JSON_ONES * 6) & hi) ^ three);
        if (bad) return p + (__builtin_ctzll(bad) >> 3);
        p += 8;
    }
#endif
    while (p < lim && json_is_digit(*p)) p++;
    return p;
}

/* -?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?  — the byte after it.  What
 * follows the number is the caller's business (a delimiter check there
 * rejects "1x" and "01" alike, but "01" gets its own message here). */
static inline const char *json_scan_number(const char *p, const char *lim, json_error *err) {
    const char *start = p;
    if (*p == '-') p++;
    if (p == lim || !json_is_digit(*p)) goto bad;
    if (*p == '0') {
        p++;
        if (p < lim && json_is_digit(*p)) {
            json_fail(err, "leading zero in number", start);
            return NULL;
        }
    } else {
        p = json_digits(p + 1, lim);
    }
    if (p < lim && *p == '.') {
        p++;
        if (p == lim || !json_is_digit(*p)) goto bad;
        p = json_digits(p + 1, lim);
    }
    if (p < lim && (*p == 'e' || *p == 'E')) {
        p++;
        if (p < lim && (*p == '+' || *p == '-')) p++;
        if (p == lim || !json_is_digit(*p)) goto bad;
        p = json_digits(p + 1, lim);
    }
    return p;
bad:
    json_fail(err, "invalid number", start);
    return NULL;
}

/* true / false / null, spelled exactly (case matters). */
static inline const char *json_scan_literal(const char *p, const char *lim, json_type *type,
                                            json_error *err) {
    size_t room = (size_t)(lim - p);
    if (*p == 't' && room >= 4 && memcmp(p, "true", 4) == 0) {
        *type = JSON_TRUE;
        return p + 4;
    }
    if (*p == 'f' && room >= 5 && memcmp(p, "false", 5) == 0) {
        *type = JSON_FALSE;
        return p + 5;
    }
    if (*p == 'n' && room >= 4 && memcmp(p, "null", 4) == 0) {
        *type = JSON_NULL;
        return p + 4;
    }
    json_fail(err, "invalid literal", p);
    return NULL;
}

/* Message for a byte where a value should start.  "[1,]" deserves better
 * than "expected a value", so look back past whitespace for the comma. */
static const char *json_value_msg(const char *p, const char *floor) {
    if (*p == ']' || *p == '}') {
        const char *q = p;
        while (q > floor && json_is_ws((unsigned char)q[-1])) q--;
        if (q > floor && q[-1] == ',') return "trailing comma";
    }
    return "expected a value";
}

/* ------------------------------------------------------------- compaction */

#if defined(__SSSE3__)
/* Decoding JSON held in a string is dropping its escaping backslashes: a
 * byte compaction.  Each 8-byte half of a 16-byte block is gathered by one
 * SSSE3 shuffle whose indices come from a table indexed by the half's drop
 * mask, so a block costs the same whatever its number of escapes. */
static uint64_t json_compact_idx[256];   /* drop mask -> shuffle indices of the kept bytes */

static void json_compact_ready(void) {
    if (json_compact_idx[1]) return;      /* entry 1 is never 0 once built */
    for (unsigned m = 0; m < 256; m++) {
        uint64_t v = 0;
        unsigned k = 0;
        for (unsigned b = 0; b < 8; b++)
            if (!(m >> b & 1)) v |= (uint64_t)b << (8 * k++);
        for (; k < 8; k++) v |= (uint64_t)0x80 << (8 * k);   /* 0x80: the shuffle writes 0 */
        json_compact_idx[m] = v;
    }
}

/* Store the bytes of x whose bit in `drop` is clear at dst, in order;
 * returns how many.  dst needs 16 bytes of room. */
static inline size_t json_compact16(__m128i x, unsigned drop, char *dst) {
    unsigned lo = drop & 0xFF, hi = drop >> 8 & 0xFF;
    __m128i idx = _mm_set_epi64x((long long)(json_compact_idx[hi] + 0x0808080808080808ULL),
                                 (long long)json_compact_idx[lo]);
    __m128i y = _mm_shuffle_epi8(x, idx);
    size_t n = 8 - (size_t)__builtin_popcount(lo);
    _mm_storel_epi64((__m128i *)(void *)dst, y);
    _mm_storel_epi64((__m128i *)(void *)(dst + n), _mm_unpackhi_epi64(y, y));
    return n + 8 - (size_t)__builtin_popcount(hi);
}

/* Scan and decode in one pass the string whose opening quote is at p,
 * when it is JSON held in a string (the outbox payload the walk picks on
 * its way to the fields below it): a single read of its bytes instead of a
 * validating scan and then a decoding one.  Only the common case is taken:
 * printable ASCII with \", \/ and \\ escapes, within JSON_DECODE_INLINE_MAX
 * bytes of the buffer's end.  Anything else returns NULL and leaves the
 * string to the general scan (which reports errors) and json_string. */
#define JSON_DECODE_INLINE_MAX (64 * 1024)

/* Which bytes of a 16-byte lane are escaped, with runs of backslashes
 * resolved: in \\\" the first backslash escapes the second, the third the
 * quote.  A byte is escaped when it ends an odd run, so it is the parity of
 * its distance from the run's start that counts, and one addition finds it
 * for every run at once (jsonidx_kernels.c's jidx_escaped says how, on 64
 * bits; here in a 32-bit integer, bit 16 of the sum being the carry out).
 * *carry: 1 when byte 0 is escaped by the lane before; set for the next. */
static inline unsigned json_escaped16(unsigned bs, unsigned *carry) {
    if (__builtin_expect(!(bs & (bs << 1 | *carry)), 1)) {   /* no run (the usual lane): each backslash escapes the next byte */
        unsigned esc = (bs << 1 | *carry) & 0xFFFF;
        *carry = bs >> 15;
        return esc;
    }
    const unsigned even = 0x5555;
    bs &= ~*carry;
    unsigned follows = (bs << 1 | *carry) & 0xFFFF;
    unsigned odd_starts = bs & ~even & ~follows;
    unsigned sum = odd_starts + bs;
    *carry = sum >> 16 & 1;
    return (even ^ (sum << 1)) & follows & 0xFFFF;
}

static const char *json_scan_decode(const char *p, const char *lim, arena *a, const char **text,
                                    size_t *len, int *escaped) {
    const __m128i bslash = _mm_set1_epi8('\\');
    const __m128i quote = _mm_set1_epi8('"');
    const __m128i slash = _mm_set1_epi8('/');
    const __m128i space = _mm_set1_epi8(' ');
    const char *s = p + 1;
    if (lim - s > JSON_DECODE_INLINE_MAX) return NULL;
    char *dst = arena_alloc(a, (size_t)(lim - s) + 17);
    size_t n = 0;
    unsigned carry = 0, seen = 0;
    json_compact_ready();
    while (lim - s >= 16) {
        __m128i x = _mm_loadu_si128((const __m128i *)(const void *)s);
        unsigned bs = (unsigned)_mm_movemask_epi8(_mm_cmpeq_epi8(x, bslash));
        unsigned q = (unsigned)_mm_movemask_epi8(_mm_cmpeq_epi8(x, quote));
        /* \" \\ \/ decode to the escaped byte itself: drop the escaping backslash */
        unsigned ok = q | bs | (unsigned)_mm_movemask_epi8(_mm_cmpeq_epi8(x, slash));
        unsigned odd = (unsigned)_mm_movemask_epi8(_mm_cmpgt_epi8(space, x));
        unsigned esc = json_escaped16(bs, &carry);
        unsigned drop = bs & ~esc;                       /* the backslashes that escape */
        unsigned end = q & ~esc;
        unsigned stop = end | (esc & ~ok) | odd;
        seen |= bs;
        if (stop) {
            unsigned i = (unsigned)__builtin_ctz(stop);
            if (!(end >> i & 1)) return NULL;
            n += json_compact16(x, (drop | 0xFFFFu << i) & 0xFFFF, dst + n);
            dst[n] = 0;
            *text = dst;
            *len = n;
            *escaped = seen != 0;
            return s + i + 1;
        }
        n += json_compact16(x, drop, dst + n);
        s += 16;
    }
    return NULL;
}
#endif

/* ------------------------------------------------------------- containers */

/* A name's signature: its length and first seven bytes (as one integer). */
static inline uint64_t json_pick_sig(const char *k, size_t len, const char *lim) {
    uint64_t w = 0;
    size_t take = len < 7 ? len : 7;
#if defined(JSON_LE)
    if (lim - k >= 8) {
        memcpy(&w, k, 8);
        w &= take ? ~0ULL >> (64 - 8 * take) : 0;
    } else
#endif
    {
        (void)lim;
        for (size_t i = 0; i < take; i++) w |= (uint64_t)(unsigned char)k[i] << (8 * i);
    }
    return w << 8 | (len > 255 ? 255 : len);
}

/* The bytes of two names of length len after the seven the signature
 * holds.  Member names are short, so a loop beats a call to memcmp. */
static inline int json_same_tail(const char *a, const char *b, size_t len) {
    for (size_t i = 7; i < len; i++, a++, b++)
        if (*a != *b) return 0;
    return 1;
}

static inline unsigned json_pick_hash(int parent, uint64_t sig) {
    uint64_t h = (sig ^ (uint64_t)(unsigned)parent * 0xD6E8FEB86659FD93ULL) * 0x9E3779B97F4A7C15ULL;
    return (unsigned)(h >> 40) & (2 * JSON_PICK_MAX_NODES - 1);
}

static int json_segment_index(const char *s, size_t n, size_t *index);

int json_pick_index(json_pick_tree *t) {
    int links = 0;
    if (t->nnodes > JSON_PICK_MAX_NODES) return -1;
    for (int n = 0; n < t->nnodes; n++)
        for (int ch = t->nodes[n].first_child; ch >= 0 && links <= JSON_PICK_MAX_NODES; ch = t->nodes[ch].next_sibling)
            links++;
    if (links > JSON_PICK_MAX_NODES) return -1;       /* the table stays at most half full */
    for (int i = 0; i < 2 * JSON_PICK_MAX_NODES; i++) t->slot[i] = -1;
    for (int i = 0; i < t->nnodes; i++) t->nodes[i].parent = -1;
    for (int n = 0; n < t->nnodes; n++)
        for (int ch = t->nodes[n].first_child; ch >= 0; ch = t->nodes[ch].next_sibling) {
            json_pick_node *nd = &t->nodes[ch];
            if (nd->parent >= 0) continue;     /* shared children keep their first parent */
            nd->parent = n;
        }
    for (int i = 0; i < t->nnodes; i++) {
        json_pick_node *nd = &t->nodes[i];
        size_t index;
        nd->sig = json_pick_sig(nd->key, nd->key_len, nd->key);
        nd->index = json_segment_index(nd->key, nd->key_len, &index) ? index : SIZE_MAX;
    }
    /* One entry per (parent, child) link, children shared by two parents included. */
    for (int n = 0; n < t->nnodes; n++)
        for (int ch = t->nodes[n].first_child; ch >= 0; ch = t->nodes[ch].next_sibling) {
            unsigned h = json_pick_hash(n, t->nodes[ch].sig);
            while (t->slot[h] >= 0) h = (h + 1) & (2 * JSON_PICK_MAX_NODES - 1);
            t->slot[h] = n * JSON_PICK_MAX_NODES + ch;
        }
    return 0;
}

/* The child of node n whose name the key string [k, e) (quotes excluded) is, or -1. */
static inline int json_pick_match(const json_pick_tree *t, int n, const char *k, const char *e, const char *lim,
                                  int escaped) {
    if (escaped) {
        json_value key = {JSON_STRING, k - 1, e + 1, e + 1, 0, 1};
        for (int ch = t->nodes[n].first_child; ch >= 0; ch = t->nodes[ch].next_sibling)
            if (json_key_equals(&key, t->nodes[ch].key, t->nodes[ch].key_len)) return ch;
        return -1;
    }
    size_t len = (size_t)(e - k);
    uint64_t sig = json_pick_sig(k, len, lim);
    unsigned h = json_pick_hash(n, sig);
    for (int s; (s = t->slot[h]) >= 0; h = (h + 1) & (2 * JSON_PICK_MAX_NODES - 1)) {
        int ch = s % JSON_PICK_MAX_NODES;
        const json_pick_node *nd = &t->nodes[ch];
        if (s / JSON_PICK_MAX_NODES == n && nd->sig == sig && nd->key_len == len &&
            json_same_tail(nd->key + 7, k + 7, len))
            return ch;
    }
    return -1;
}

/* The child of node n that names element `index` of an array, or -1. */
static inline int json_pick_element(const json_pick_tree *t, int n, size_t index) {
    for (int ch = t->nodes[n].first_child; ch >= 0; ch = t->nodes[ch].next_sibling)
        if (t->nodes[ch].index == index) return ch;
    return -1;
}

/* What json_walk returns in index mode for anything it does not settle
 * itself (an error, the end of the input, a kernel that gave up): the
 * caller walks the container again byte by byte, which names the error. */
static const char json_give_up_mark;
#define JSON_GIVE_UP (&json_give_up_mark)

/* Whether [p, p+n) holds a backslash: in index mode the walker needs it
 * for the keys it matches and the strings it picks.  Keys are short, so one
 * or two words settle it without a call: a byte equal to '\\' is a zero
 * byte of x ^ 0x5C5C..., and (y - 0x0101...) & ~y & 0x8080... is non-zero
 * exactly when y has a zero byte. */
static inline int json_has_backslash(const char *p, size_t n) {
#if defined(JSON_LE)
    if (n <= 16) {
        if (n < 8) {
            while (n--)
                if (*p++ == '\\') return 1;
            return 0;
        }
        uint64_t a, b;
        memcpy(&a, p, 8);
        memcpy(&b, p + n - 8, 8);   /* overlaps a when n < 16 */
        a ^= JSON_ONES * '\\';
        b ^= JSON_ONES * '\\';
        return (((a - JSON_ONES) & ~a) | ((b - JSON_ONES) & ~b)) & JSON_HIGH ? 1 : 0;
    }
#endif
    return memchr(p, '\\', n) != NULL;
}

/* Bytes that may follow a number or a literal: whitespace, an operator or
 * a quote (which the grammar then refuses).  Anything else would continue
 * the scalar ("1x", "truex"): stage 2 leaves that to the byte walker. */
static const unsigned char json_delim[256] = {
    [' '] = 1, ['\t'] = 1, ['\n'] = 1, ['\r'] = 1, [','] = 1, [':'] = 1,
    ['['] = 1, [']'] = 1, ['{'] = 1, ['}'] = 1, ['"'] = 1,
};

/* The one validating walk over a container: the container whose opening
 * bracket is at p, at nesting depth `depth`; returns the byte after its
 * closing bracket.
 *
 * A state machine over four labels (open, key, value, after) with an explicit
 * stack holding the closing bracket each open level expects.  `level` counts
 * the containers open in this walk, so the innermost one is at depth
 * depth + level - 1 and a new one would be at depth + level.
 *
 * Two ways to move, one grammar.  In byte mode (ix == NULL) the walk reads
 * bytes: it skips whitespace and scans each string to its closing quote.
 * In index mode it reads stage 1's tokens (jsonidx.h): the next token is
 * the next byte that matters, a string runs from its opening quote token
 * to the closing quote token, and stage 1 has already checked what lies
 * inside.  Numbers and literals are scanned in both modes.  Index mode
 * settles only valid input: at the first thing that is not, it returns
 * JSON_GIVE_UP and the caller walks in byte mode, so every error keeps its
 * one message and offset.
 *
 * With a tree `t` it also picks (json_finish_pick): for the first
 * JSON_PICK_DEPTH levels it keeps the tree node whose children the current
 * object's keys are matched against (-1: nothing to pick there) and the node
 * the value being read belongs to.  Without one (t == NULL) it only
 * validates.  It is always inlined into its callers below, so the constant
 * NULLs remove the picking, or the index, at compile time: one walker in
 * the source, no cost for what a caller does not use. */
static inline __attribute__((always_inline)) const char *
json_walk(const char *p, const char *lim, int depth, const json_pick_tree *t, int root, json_pick *picks,
          int *others, arena *a, jidx_stream *ix, jidx_cursor *cursor, json_error *err) {
    const json_pick_node *nodes = t ? t->nodes : NULL;
    char closer[JSON_MAX_DEPTH];
    int level_node[JSON_PICK_DEPTH];     /* node matched against this level's keys or indices */
    size_t level_count[JSON_PICK_DEPTH]; /* arrays: elements begun so far */
    int level_pick[JSON_PICK_DEPTH];     /* node this level's container is the value of */
    const char *level_start[JSON_PICK_DEPTH];
    const char *floor = p;
    const char *msg;
    int level = 0;
    int escaped;
    int pick = -1;                       /* node of the value about to be read */
    json_type lit;
    const char *vstart;

/* p = the next token after q: the stream's next token, or the next byte
 * that is not whitespace. */
#define WALK_NEXT(q)                        \
    do {                                    \
        if (ix) {                           \
            p = jidx_take(ix, &cur);        \
            if (!p) goto give_up;           \
        } else {                            \
            p = json_ws((q), lim);          \
            if (p == lim) goto eof;         \
        }                                   \
    } while (0)

/* p at a string's opening quote -> the byte after its closing quote, and
 * `escaped` (in index mode found only when `need`: a key matched or a value
 * picked). */
#define WALK_STRING(need)                                                           \
    do {                                                                            \
        if (ix) {                                                                   \
            const char *q_ = jidx_take(ix, &cur);                                   \
            if (!q_) goto give_up;                                                  \
            escaped = (need) && json_has_backslash(p + 1, (size_t)(q_ - p - 1));     \
            p = q_ + 1;                                                             \
        } else {                                                                    \
            p = json_scan_string(p, lim, &escaped, err);                            \
            if (!p) return NULL;                                                    \
        }                                                                           \
    } while (0)

    /* The stream's cursor in this function's registers (a copy: nothing
     * outside the walk takes tokens meanwhile). */
    jidx_cursor cur = {0, NULL};
    if (ix) cur = *cursor;

    if (t && others) *others = 0;
    pick = -2;                           /* the walked container itself: node `root` */

open:                                   /* *p is '{' or '[' */
    if (depth + level >= JSON_MAX_DEPTH) {
        msg = "nesting too deep";
        goto fail;
    }
    if (t && level < JSON_PICK_DEPTH) {
        int n = pick == -2 ? root : pick;
        level_pick[level] = pick == -2 ? -1 : pick;
        level_start[level] = p;
        level_node[level] = (n >= 0 && nodes[n].first_child >= 0) ? n : -1;
        level_count[level] = 0;
    }
    closer[level++] = (char)(*p == '{' ? '}' : ']');
    WALK_NEXT(p + 1);
    if (*p == closer[level - 1]) goto close;
    if (closer[level - 1] == ']') goto element;

key:                                    /* object member: "key" : value */
    if (*p != '"') {
        msg = *p == '}' ? "trailing comma" : "expected a string key";
        goto fail;
    }
    {
        const char *kstart = p;
        int matching = t && level <= JSON_PICK_DEPTH && level_node[level - 1] >= 0;
        escaped = 0;
        WALK_STRING(matching);
        pick = -1;
        if (matching) {
            pick = json_pick_match(t, level_node[level - 1], kstart + 1, p - 1, lim, escaped);
            if (pick >= 0 && picks[pick].count++) pick = -1;      /* only the first occurrence */
            if (pick < 0 && level == 1 && others) ++*others;
        } else if (t && level == 1 && others) {
            ++*others;
        }
    }
    WALK_NEXT(p);
    if (*p != ':') {
        msg = "expected ':'";
        goto fail;
    }
    WALK_NEXT(p + 1);

    goto value;

element:                                /* array element: p < lim, at its first byte */
    pick = -1;
    if (t && level <= JSON_PICK_DEPTH && level_node[level - 1] >= 0)
        if ((pick = json_pick_element(t, level_node[level - 1], level_count[level - 1]++)) >= 0) picks[pick].count++;

value:                                  /* p < lim, at the first byte of a value */
    vstart = p;
    escaped = 0;
    switch (*p) {
    case '"':
        lit = JSON_STRING;
#if defined(__SSSE3__)
        if (t && a && pick >= 0 && nodes[pick].first_child >= 0) {
            const char *e = json_scan_decode(p, lim, a, &picks[pick].text, &picks[pick].text_len, &escaped);
            if (e) {
                p = e;
                if (ix) {                   /* stage 1 goes on after the string it need not classify */
                    jidx_seek(ix, e);
                    cur.mask = 0;
                }
                break;
            }
        }
#else
        (void)a;                         /* the decode-while-scanning needs SSSE3 */
#endif
        WALK_STRING(t && pick >= 0);
        break;
    case '{': case '[':
        goto open;
    case '-': case '0': case '1': case '2': case '3': case '4':
    case '5': case '6': case '7': case '8': case '9':
        p = json_scan_number(p, lim, err);
        lit = JSON_NUMBER;
        goto scalar_end;
    case 't': case 'f': case 'n':
        p = json_scan_literal(p, lim, &lit, err);
        goto scalar_end;
    default:
        msg = json_value_msg(p, floor);
        goto fail;
    }
    goto picked;

scalar_end:
    if (!p || (ix && p < lim && !json_delim[(unsigned char)*p])) {
        if (ix) goto give_up;
        return NULL;
    }

picked:
    if (t && pick >= 0) {
        json_value *pv = &picks[pick].val;
        pv->type = lit;
        pv->start = vstart;
        pv->end = p;
        pv->limit = lim;
        pv->depth = depth + level;
        pv->escaped = escaped;
    }

after:                                  /* a value just ended */
    WALK_NEXT(p);
    if (*p == ',') {
        WALK_NEXT(p + 1);
        if (closer[level - 1] == '}') goto key;
        goto element;
    }
    if (*p == closer[level - 1]) goto close;
    msg = closer[level - 1] == '}' ? "expected ',' or '}'" : "expected ',' or ']'";
    goto fail;

close:                                  /* *p is the innermost closing bracket */
    p++;
    if (--level < JSON_PICK_DEPTH && t && level_pick[level] >= 0) {
        json_value *pv = &picks[level_pick[level]].val;
        pv->type = closer[level] == '}' ? JSON_OBJECT : JSON_ARRAY;
        pv->start = level_start[level];
        pv->end = p;
        pv->limit = lim;
        pv->depth = depth + level;
        pv->escaped = 0;
    }
    if (level == 0) return p;
    goto after;

eof:
    msg = "unexpected end of input";
fail:
    if (ix) goto give_up;
    json_fail(err, msg, p);
    return NULL;
give_up:
    return JSON_GIVE_UP;
#undef WALK_NEXT
#undef WALK_STRING
}

/* How many walks went by the index, and how many of those gave up to the
 * byte walk (json_index_counts: the tests prove the index path runs, the
 * benchmark reports how often it does). */
static unsigned long json_idx_walks, json_idx_give_ups;

void json_index_counts(unsigned long *walks, unsigned long *give_ups) {
    *walks = json_idx_walks;
    *give_ups = json_idx_give_ups;
}

/* Below this many bytes left in the buffer a container is walked byte by
 * byte: one block of stage 1 costs about what the byte walk of a small
 * container does. */
#define JSON_INDEX_MIN 64

/* Validate a container (see json_walk): by the index, else byte by byte. */
static const char *json_skip_container(const char *p, const char *lim, int depth, json_error *err) {
    if (lim - p >= JSON_INDEX_MIN && jidx_enabled()) {
        jidx_stream ix;
        jidx_cursor cur = {0, NULL};
        jidx_begin(&ix, p, lim);
        json_idx_walks++;
        if (jidx_take(&ix, &cur) == p) {
            const char *e = json_walk(p, lim, depth, NULL, -1, NULL, NULL, NULL, &ix, &cur, err);
            if (e != JSON_GIVE_UP) return e;
        }
        json_idx_give_ups++;
    }
    return json_walk(p, lim, depth, NULL, -1, NULL, NULL, NULL, NULL, NULL, err);
}

/* Validate a container and pick the members tree `t` names below node
 * `root`.  A walk by the index that gives up has counted picks: they are
 * put back as the caller left them before the byte walk. */
static const char *json_skip_pick(const char *p, const char *lim, int depth, const json_pick_tree *t, int root,
                                  json_pick *picks, int *others, arena *a, json_error *err) {
    if (lim - p >= JSON_INDEX_MIN && jidx_enabled()) {
        json_pick saved[JSON_PICK_MAX_NODES];
        memcpy(saved, picks, (size_t)t->nnodes * sizeof(*picks));
        jidx_stream ix;
        jidx_cursor cur = {0, NULL};
        jidx_begin(&ix, p, lim);
        json_idx_walks++;
        if (jidx_take(&ix, &cur) == p) {
            const char *e = json_walk(p, lim, depth, t, root, picks, others, a, &ix, &cur, err);
            if (e != JSON_GIVE_UP) return e;
        }
        json_idx_give_ups++;
        memcpy(picks, saved, (size_t)t->nnodes * sizeof(*picks));
    }
    return json_walk(p, lim, depth, t, root, picks, others, a, NULL, NULL, err);
}

/* Produce the value starting at p (p < lim, not whitespace) at `depth`:
 * scalars are scanned and validated, containers only recorded. */
static inline __attribute__((always_inline)) int json_produce(const char *p, const char *lim, int depth,
                                                              json_value *v, json_error *err) {
    const char *e = NULL;
    v->start = p;
    v->end = NULL;
    v->limit = lim;
    v->depth = depth;
    v->escaped = 0;
    v->type = JSON_NONE;
    switch (*p) {
    case '{': case '[':
        if (depth >= JSON_MAX_DEPTH) {
            json_fail(err, "nesting too deep", p);
            return -1;
        }
        v->type = *p == '{' ? JSON_OBJECT : JSON_ARRAY;
        return 0;
    case '"':
        e = json_scan_string(p, lim, &v->escaped, err);
        if (!e) return -1;
        v->type = JSON_STRING;
        break;
    case '-': case '0': case '1': case '2': case '3': case '4':
    case '5': case '6': case '7': case '8': case '9':
        e = json_scan_number(p, lim, err);
        if (!e) return -1;
        v->type = JSON_NUMBER;
        break;
    case 't': case 'f': case 'n': {
        json_type t;
        e = json_scan_literal(p, lim, &t, err);
        if (!e) return -1;
        v->type = t;
        break;
    }
    default:
        json_fail(err, "expected a value", p);
        return -1;
    }
    v->end = e;
    return 0;
}

/* --------------------------------------------------------------- document */

int json_open(const char *p, size_t n, json_value *root, json_error *err) {
    const char *lim = p ? p + n : p;       /* NULL + 0 is undefined behaviour */
    const char *s = p ? json_ws(p, lim) : p;
    if (s == lim) {
        root->type = JSON_NONE;
        root->start = root->end = NULL;
        root->limit = lim;
        json_fail(err, "empty document", p);
        return -1;
    }
    return json_produce(s, lim, 0, root, err);
}

int json_finish(json_value *v, json_error *err) {
    if (v->end) return 0;
    if (v->type != JSON_OBJECT && v->type != JSON_ARRAY) {
        json_fail(err, "no value", v->start);
        return -1;
    }
    const char *e = json_skip_container(v->start, v->limit, v->depth, err);
    if (!e) return -1;
    v->end = e;
    return 0;
}

int json_finish_pick(json_value *v, const json_pick_tree *t, int root, json_pick *picks, int *others, arena *a,
                     json_error *err) {
    if (v->type != JSON_OBJECT && v->type != JSON_ARRAY) {
        json_fail(err, "no value", v->start);
        return -1;
    }
    const char *e = json_skip_pick(v->start, v->limit, v->depth, t, root, picks, others, a, err);
    if (!e) return -1;
    v->end = e;
    return 0;
}

int json_close(json_value *root, json_error *err) {
    if (json_finish(root, err) < 0) return -1;
    const char *rest = json_ws(root->end, root->limit);
    if (rest != root->limit) {
        json_fail(err, "trailing characters after document", rest);
        return -1;
    }
    return 0;
}

int json_validate(const char *p, size_t n, json_error *err) {
    json_value root;
    if (json_open(p, n, &root, err) < 0) return -1;
    return json_close(&root, err);
}

/* -------------------------------------------------------------- iterators */

/* The iterator is finished (p == NULL) after the closing bracket or an
 * error; later calls repeat the verdict: the owner's end is set only when
 * the closing bracket was reached. */

int json_iter_init(json_iter *it, json_value *c, json_error *err) {
    memset(it, 0, sizeof(*it));
    it->err = err;
    if (!c || (c->type != JSON_OBJECT && c->type != JSON_ARRAY)) {
        json_fail(err, "not an object or array", c ? c->start : NULL);
        return -1;
    }
    it->p = c->start + 1;
    it->limit = c->limit;
    it->owner = c;
    it->pending.type = JSON_NONE;
    it->depth = c->depth + 1;
    return 0;
}

/* Shared by members and elements; key is NULL for arrays. */
static int json_iter_next(json_iter *it, json_value *key, json_value *val) {
    json_error *err = it->err;
    const char *p = it->p, *lim = it->limit;
    const char *msg;
    char closer = it->owner->type == JSON_OBJECT ? '}' : ']';

    if (!p) return it->owner->end ? 0 : -1;
    /* Step over the previous item if it is a container nobody walked. */
    if (it->pending.type == JSON_OBJECT || it->pending.type == JSON_ARRAY) {
        p = json_skip_container(it->pending.start, lim, it->pending.depth, err);
        if (!p) goto failed;
    }
    it->pending.type = JSON_NONE;

    p = json_ws(p, lim);
    if (p == lim) goto eof;
    if (*p == closer) {
        it->owner->end = p + 1;
        it->p = NULL;
        return 0;
    }
    if (it->count > 0) {
        if (*p != ',') {
            msg = closer == '}' ? "expected ',' or '}'" : "expected ',' or ']'";
            goto fail;
        }
        p = json_ws(p + 1, lim);
        if (p == lim) goto eof;
    }
    if (key) {
        if (*p != '"') {
            msg = *p == '}' && it->count > 0 ? "trailing comma" : "expected a string key";
            goto fail;
        }
        /* a key is a string: scanned here without json_produce's dispatch */
        key->start = p;
        key->limit = lim;
        key->depth = it->depth;
        key->escaped = 0;
        key->type = JSON_STRING;
        key->end = p = json_scan_string(p, lim, &key->escaped, err);
        if (!p) goto failed;
        p = json_ws(p, lim);
        if (p == lim) goto eof;
        if (*p != ':') {
            msg = "expected ':'";
            goto fail;
        }
        p = json_ws(p + 1, lim);
        if (p == lim) goto eof;
    } else if (*p == ']' || *p == '}') {
        msg = json_value_msg(p, it->owner->start);
        goto fail;
    }
    if (json_produce(p, lim, it->depth, val, err) < 0) goto failed;
    it->pending = *val;
    it->p = val->end ? val->end : val->start;
    it->count++;
    return 1;

eof:
    msg = "unexpected end of input";
fail:
    json_fail(err, msg, p);
failed:
    it->p = NULL;
    return -1;
}

int json_iter_member(json_iter *it, json_value *key, json_value *val) {
    if (it->owner && it->owner->type != JSON_OBJECT) {
        json_fail(it->err, "not an object", it->owner->start);
        return -1;
    }
    if (!it->owner) return -1;
    return json_iter_next(it, key, val);
}

int json_iter_element(json_iter *it, json_value *val) {
    if (it->owner && it->owner->type != JSON_ARRAY) {
        json_fail(it->err, "not an array", it->owner->start);
        return -1;
    }
    if (!it->owner) return -1;
    return json_iter_next(it, NULL, val);
}

/* Only the pending container itself, and only once it is walked, may move
 * the iterator; anything else leaves it to skip the container itself. */
void json_iter_resume(json_iter *it, const json_value *walked) {
    if (it->p && walked && walked->end && walked->start == it->pending.start &&
        (it->pending.type == JSON_OBJECT || it->pending.type == JSON_ARRAY)) {
        it->p = walked->end;
        it->pending.type = JSON_NONE;
    }
}

/* --------------------------------------------------------------- decoding */

/* Decode the (already validated, but checked again: a json_value is a plain
 * struct anyone can fill) escape at p into UTF-8 in buf[4]; *n gets the byte
 * count.  Returns the byte after the escape, or NULL. */
static const char *json_decode_escape(const char *p, const char *lim, char buf[4], size_t *n) {
    if (lim - p < 2) return NULL;
    char c = p[1];
    *n = 1;
    switch (c) {
    case '"': case '\\': case '/': buf[0] = c; return p + 2;
    case 'b': buf[0] = '\b'; return p + 2;
    case 'f': buf[0] = '\f'; return p + 2;
    case 'n': buf[0] = '\n'; return p + 2;
    case 'r': buf[0] = '\r'; return p + 2;
    case 't': buf[0] = '\t'; return p + 2;
    case 'u': break;
    default: return NULL;
    }
    if (lim - p < 6) return NULL;
    long cp = json_hex4(p + 2);
    const char *next = p + 6;
    if (cp < 0 || (cp >= 0xDC00 && cp <= 0xDFFF)) return NULL;
    if (cp >= 0xD800 && cp <= 0xDBFF) {
        if (lim - p < 12 || p[6] != '\\' || p[7] != 'u') return NULL;
        long lo = json_hex4(p + 8);
        if (lo < 0xDC00 || lo > 0xDFFF) return NULL;
        cp = 0x10000 + ((cp - 0xD800) << 10) + (lo - 0xDC00);
        next = p + 12;
    }
    unsigned char *u = (unsigned char *)buf;
    if (cp < 0x80) {
        u[0] = (unsigned char)cp;
    } else if (cp < 0x800) {
        u[0] = (unsigned char)(0xC0 | cp >> 6);
        u[1] = (unsigned char)(0x80 | (cp & 0x3F));
        *n = 2;
    } else if (cp < 0x10000) {
        u[0] = (unsigned char)(0xE0 | cp >> 12);
        u[1] = (unsigned char)(0x80 | (cp >> 6 & 0x3F));
        u[2] = (unsigned char)(0x80 | (cp & 0x3F));
        *n = 3;
    } else {
        u[0] = (unsigned char)(0xF0 | cp >> 18);
        u[1] = (unsigned char)(0x80 | (cp >> 12 & 0x3F));
        u[2] = (unsigned char)(0x80 | (cp >> 6 & 0x3F));
        u[3] = (unsigned char)(0x80 | (cp & 0x3F));
        *n = 4;
    }
    return next;
}

/* A usable string view: type STRING with both quotes inside [start, end). */
static int json_is_string(const json_value *v) {
    return v && v->type == JSON_STRING && v->start && v->end && v->end - v->start >= 2;
}

#if defined(__SSSE3__)
/* Decoding for the strings that are JSON themselves (outbox payloads): an
 * escape every few bytes, nearly all of them \" (and \/, and \\ before
 * them where the text was escaped twice, as toJSONString does with \/).
 * Removing the escaping backslashes is a byte compaction (json_compact16),
 * 16 bytes at a time without a branch per escape.  A backslash that
 * escapes anything else — \n, \u... — returns (size_t)-1 and the caller
 * decodes the general way.  dst needs len + 8 bytes. */
static size_t json_unescape_quotes(const char *src, size_t len, char *dst) {
    const __m128i bslash = _mm_set1_epi8('\\');
    const __m128i quote = _mm_set1_epi8('"');
    const __m128i slash = _mm_set1_epi8('/');
    size_t i = 0, n = 0;
    unsigned carry = 0;                  /* 1: src[i] is escaped by the block before */
    json_compact_ready();
    while (len - i >= 16) {
        __m128i x = _mm_loadu_si128((const __m128i *)(const void *)(src + i));
        unsigned bs = (unsigned)_mm_movemask_epi8(_mm_cmpeq_epi8(x, bslash));
        unsigned ok = bs | (unsigned)_mm_movemask_epi8(_mm_or_si128(_mm_cmpeq_epi8(x, quote), _mm_cmpeq_epi8(x, slash)));
        unsigned esc = json_escaped16(bs, &carry);       /* the escaped bytes */
        if (esc & ~ok) return (size_t)-1;                /* \n, \u... */
        n += json_compact16(x, bs & ~esc, dst + n);
        i += 16;
    }
    for (; i < len; i++) {
        char c = src[i];
        if (carry) {
            if (c != '"' && c != '/' && c != '\\') return (size_t)-1;
            carry = 0;
        } else if (c == '\\') {
            carry = 1;
            continue;
        }
        dst[n++] = c;
    }
    return carry ? (size_t)-1 : n;
}
#endif

int json_string(const json_value *v, arena *a, const char **out, size_t *len, json_error *err) {
    if (!json_is_string(v)) {
        json_fail(err, "not a string", v ? v->start : NULL);
        return -1;
    }
    const char *p = v->start + 1, *e = v->end - 1;
    if (!v->escaped) {
        *out = p;
        *len = (size_t)(e - p);
        return 0;
    }
    /* Decoded bytes never outnumber raw ones: every escape is >= 2 bytes
     * and yields <= 1 byte per raw byte (\uXXXX: 6 -> <= 3, pairs 12 -> 4).
     * One extra byte keeps the result NUL-terminated for convenience, and
     * 16 more let the copy loop store whole blocks past the end. */
    char *dst = arena_alloc(a, (size_t)(e - p) + 17);
    size_t n = 0;
#if defined(__SSSE3__)
    if (e - p >= 64) {
        n = json_unescape_quotes(p, (size_t)(e - p), dst);
        if (n != (size_t)-1) {
            dst[n] = 0;
            *out = dst;
            *len = n;
            return 0;
        }
        n = 0;
    }
#endif
    while (p < e) {
#if defined(__SSE2__)
        /* JSON held in a string (the outbox payload) has an escape every
         * ten bytes or so: copy 16 bytes at a time, stop at a backslash */
        const __m128i bslash = _mm_set1_epi8('\\');
        while (e - p >= 16) {
            __m128i x = _mm_loadu_si128((const __m128i *)(const void *)p);
            _mm_storeu_si128((__m128i *)(void *)(dst + n), x);
            unsigned m = (unsigned)_mm_movemask_epi8(_mm_cmpeq_epi8(x, bslash));
            if (m) {
                unsigned k = (unsigned)__builtin_ctz(m);
                p += k;
                n += k;
                goto escape;
            }
            p += 16;
            n += 16;
        }
#endif
        {
            const char *bs = memchr(p, '\\', (size_t)(e - p));
            if (!bs) bs = e;
            memcpy(dst + n, p, (size_t)(bs - p));
            n += (size_t)(bs - p);
            p = bs;
        }
        if (p == e) break;
#if defined(__SSE2__)
    escape:
#endif
        if (e - p >= 2 && (p[1] == '"' || p[1] == '\\' || p[1] == '/')) {
            dst[n++] = p[1];
            p += 2;
            continue;
        }
        size_t k;
        const char *next = json_decode_escape(p, e, dst + n, &k);
        if (!next) {
            json_fail(err, "invalid escape", p);
            return -1;
        }
        n += k;
        p = next;
    }
    dst[n] = 0;
    *out = dst;
    *len = n;
    return 0;
}

int json_key_equals_decoded(const json_value *key, const char *s, size_t n) {
    if (!json_is_string(key)) return 0;
    const char *p = key->start + 1, *e = key->end - 1;
    if (!key->escaped) return (size_t)(e - p) == n && (n == 0 || memcmp(p, s, n) == 0);
    /* Compare run by run; escapes decode into a 4-byte scratch buffer. */
    size_t i = 0;
    while (p < e) {
        const char *bs = memchr(p, '\\', (size_t)(e - p));
        if (!bs) bs = e;
        size_t run = (size_t)(bs - p);
        if (run > n - i || (run && memcmp(p, s + i, run) != 0)) return 0;
        i += run;
        p = bs;
        if (p == e) break;
        char buf[4];
        size_t k;
        p = json_decode_escape(p, e, buf, &k);
        if (!p || k > n - i || memcmp(buf, s + i, k) != 0) return 0;
        i += k;
    }
    return i == n;
}

/* Digits of an integer-valued NUMBER as an unsigned magnitude.  Returns 0,
 * -1 when the text has a fraction or exponent (or v is not a number), 1 when
 * the magnitude exceeds 2^64-1.  Pure integer arithmetic: a double has only
 * 53 bits and would silently round an LSN. */
static int json_magnitude(const json_value *v, int *neg, uint64_t *mag) {
    if (!v || v->type != JSON_NUMBER || !v->start || !v->end) return -1;
    const char *p = v->start, *e = v->end;
    *neg = p < e && *p == '-';
    if (*neg) p++;
    if (p == e) return -1;
    for (const char *q = p; q < e; q++)
        if (!json_is_digit(*q)) return -1;
    uint64_t m = 0;
    for (; p < e; p++) {
        unsigned d = (unsigned)(*p - '0');
        if (m > (UINT64_MAX - d) / 10) return 1;
        m = m * 10 + d;
    }
    *mag = m;
    return 0;
}

int json_number_u64(const json_value *v, uint64_t *out) {
    int neg;
    uint64_t m;
    int r = json_magnitude(v, &neg, &m);
    if (r) return r;
    if (neg && m) return 1;                /* "-0" is zero and fits */
    *out = m;
    return 0;
}

int json_number_i64(const json_value *v, int64_t *out) {
    int neg;
    uint64_t m;
    int r = json_magnitude(v, &neg, &m);
    if (r) return r;
    if (neg) {
        if (m > (uint64_t)INT64_MAX + 1) return 1;
        /* -(m - 1) - 1 reaches INT64_MIN without overflowing */
        *out = m ? -(int64_t)(m - 1) - 1 : 0;
    } else {
        if (m > (uint64_t)INT64_MAX) return 1;
        *out = (int64_t)m;
    }
    return 0;
}

/* ----------------------------------------------------------------- lookup */

int json_find(json_value *obj, const char *name, size_t n, json_value *out, json_error *err) {
    if (!obj || obj->type != JSON_OBJECT) return JSON_MISSING;
    json_iter it;
    json_value key, val;
    int r;
    if (json_iter_init(&it, obj, err) < 0) return JSON_ERR;
    while ((r = json_iter_member(&it, &key, &val)) == 1) {
        if (json_key_equals(&key, name, n)) {
            *out = val;
            return JSON_FOUND;
        }
    }
    return r < 0 ? JSON_ERR : JSON_MISSING;
}

/* Element `index` of an array. */
static int json_index(json_value *arr, size_t index, json_value *out, json_error *err) {
    json_iter it;
    json_value val;
    int r;
    if (json_iter_init(&it, arr, err) < 0) return JSON_ERR;
    for (size_t i = 0; (r = json_iter_element(&it, &val)) == 1; i++) {
        if (i == index) {
            *out = val;
            return JSON_FOUND;
        }
    }
    return r < 0 ? JSON_ERR : JSON_MISSING;
}

/* Segment [s, s+n) as an array index: all digits, no overflow. */
static int json_segment_index(const char *s, size_t n, size_t *index) {
    size_t v = 0;
    if (n == 0) return 0;
    for (size_t i = 0; i < n; i++) {
        if (!json_is_digit(s[i])) return 0;
        unsigned d = (unsigned)(s[i] - '0');
        if (v > (SIZE_MAX - d) / 10) return 0;
        v = v * 10 + d;
    }
    *index = v;
    return 1;
}

/* The path stopped on a value it cannot step into: JSON_MISSING with a
 * reason.  err->where points at the segment inside the path (not into the
 * JSON), so a caller can print "path step 'x': ...". */
static int json_stuck(json_error *err, const char *msg, const char *segment) {
    json_fail(err, msg, segment);
    return JSON_MISSING;
}

/* Replace the string *cur by the document its text holds.  Text that opens
 * a container is taken as JSON whatever follows (walking it will report any
 * damage as JSON_ERR); text that is a complete scalar ("42") is taken as that
 * scalar; anything else ("Alice") is just a string the path cannot enter. */
static int json_descend(json_value *cur, arena *a, const char *segment, json_error *err) {
    const char *s;
    size_t n;
    if (json_string(cur, a, &s, &n, err) < 0) return JSON_ERR;
    const char *first = json_ws(s, s + n);
    if (first < s + n && (*first == '{' || *first == '[')) {
        return json_open(s, n, cur, err) < 0 ? JSON_ERR : JSON_FOUND;
    }
    if (json_validate(s, n, NULL) < 0) return json_stuck(err, "path step reached a string", segment);
    return json_open(s, n, cur, err) < 0 ? JSON_ERR : JSON_FOUND;
}

int json_string_document(const json_value *v, arena *a, json_value *doc, json_error *err) {
    const char *s;
    size_t n;
    if (json_string(v, a, &s, &n, err) < 0) return JSON_ERR;
    const char *first = json_ws(s, s + n);
    if (first == s + n || (*first != '{' && *first != '[')) return JSON_MISSING;
    return json_open(s, n, doc, err) < 0 ? JSON_ERR : JSON_FOUND;
}

/* Reason a value of type t cannot take a path step. */
static const char *json_stuck_msg(json_type t) {
    switch (t) {
    case JSON_NUMBER: return "path step reached a number";
    case JSON_NULL:   return "path step reached null";
    case JSON_TRUE:
    case JSON_FALSE:  return "path step reached a boolean";
    case JSON_ARRAY:  return "path step into an array is not an index";
    default:          return "path step reached nothing";
    }
}

/* Errors found inside a decoded string point into arena memory the caller
 * never saw; they are re-pointed at the outermost string's opening quote in
 * the caller's buffer (`anchor`). */
int json_lookup(json_value *root, const char *path, size_t n, arena *a, json_value *out,
                json_error *err) {
    const char *seg = path, *pend;
    const char *anchor = NULL;
    json_value cur = *root, next;
    int r;

    json_fail(err, NULL, NULL);
    if (n == 0) {
        *out = *root;
        return JSON_FOUND;
    }
    pend = path + n;
    for (;;) {
        const char *dot = memchr(seg, '.', (size_t)(pend - seg));
        const char *se = dot ? dot : pend;
        size_t sl = (size_t)(se - seg), index;

        if (cur.type == JSON_STRING) {
            /* Same segment, applied to the document inside the string. */
            if (!anchor) anchor = cur.start;
            r = json_descend(&cur, a, seg, err);
            if (r != JSON_FOUND) goto done;
            continue;
        }
        if (cur.type == JSON_OBJECT) {
            r = json_find(&cur, seg, sl, &next, err);
        } else if (cur.type == JSON_ARRAY && json_segment_index(seg, sl, &index)) {
            r = json_index(&cur, index, &next, err);
        } else {
            r = json_stuck(err, json_stuck_msg(cur.type), seg);
        }
        if (r != JSON_FOUND) goto done;
        cur = next;
        if (!dot) {
            *out = cur;
            return JSON_FOUND;
        }
        seg = dot + 1;
    }
done:
    if (r == JSON_ERR && anchor && err) err->where = anchor;
    return r;
}
