/* javanum.c — Java 17's Double.toString and BigDecimal.toString (javanum.h).
 *
 * Double.toString develops decimal digits of the double's exact value
 * b = f × 2^e with the Steele–White method: scaled integers B (the value),
 * S (one unit of the first digit), M (half the gap to the neighbouring
 * doubles); each step takes the digit q = B / S and stops once the rest is
 * within M of either end ("low" / "high"), then rounds the last digit.
 * Java picks the width of that arithmetic by the operands' sizes — int,
 * long, or a big integer — and the narrow ones may wrap: the gap M is
 * multiplied by ten without a check, and a wrapped M changes where the
 * digits stop.  So this file repeats each width with the same wrapping
 * (unsigned arithmetic read back as signed), not one exact computation.
 * Doubles that are integers below 2^63 take Java's integer shortcut:
 * their exact digits, less those below the value's precision. */
#include "javanum.h"

#include <math.h>
#include <string.h>

/* Bit lengths of 5^i for i < 27 (the powers a long holds). */
static const int jn_five_bits[27] = {0,  3,  5,  7,  10, 12, 14, 17, 19, 21, 24, 26, 28, 31,
                                     33, 35, 38, 40, 42, 45, 47, 49, 52, 54, 56, 59, 61};

static uint64_t jn_pow5(int i) {
    uint64_t p = 1;
    while (i-- > 0) p *= 5;
    return p;
}

/* The digits being developed: at most 19 plus a carry. */
typedef struct jn_digits {
    char d[24];
    int n;
    int exp10;        /* the value is 0.d1d2… × 10^exp10 */
} jn_digits;

/* ---- big integers (the wide case), little-endian 32-bit words ---------- */

#define JN_WORDS 80   /* 2560 bits: B, S, M of the smallest subnormal need about 1200 */

typedef struct jn_big {
    uint32_t w[JN_WORDS];
    int n;            /* words in use; w[n-1] != 0 unless n == 0 */
} jn_big;

static void jn_big_trim(jn_big *a) {
    while (a->n > 0 && a->w[a->n - 1] == 0) a->n--;
}

static void jn_big_mul_small(jn_big *a, uint32_t m) {
    uint64_t carry = 0;
    for (int i = 0; i < a->n; i++) {
        uint64_t t = (uint64_t)a->w[i] * m + carry;
        a->w[i] = (uint32_t)t;
        carry = t >> 32;
    }
    if (carry && a->n < JN_WORDS) a->w[a->n++] = (uint32_t)carry;
}

static void jn_big_shl(jn_big *a, int bits) {
    if (a->n == 0 || bits <= 0) return;
    int words = bits / 32, rem = bits % 32;
    int n = a->n + words + 1;
    if (n > JN_WORDS) n = JN_WORDS;
    for (int i = n - 1; i >= 0; i--) {
        int src = i - words;
        uint32_t hi = src >= 0 && src < a->n ? a->w[src] : 0;
        uint32_t lo = src - 1 >= 0 && src - 1 < a->n ? a->w[src - 1] : 0;
        a->w[i] = rem ? (hi << rem) | (lo >> (32 - rem)) : hi;
    }
    a->n = n;
    jn_big_trim(a);
}

/* m × 5^p5 × 2^p2 */
static void jn_big_set(jn_big *a, uint64_t m, int p5, int p2) {
    memset(a, 0, sizeof(*a));
    a->w[0] = (uint32_t)m;
    a->w[1] = (uint32_t)(m >> 32);
    a->n = 2;
    jn_big_trim(a);
    for (; p5 >= 13; p5 -= 13) jn_big_mul_small(a, 1220703125u);   /* 5^13 */
    if (p5 > 0) jn_big_mul_small(a, (uint32_t)jn_pow5(p5));
    jn_big_shl(a, p2);
}

static int jn_big_cmp(const jn_big *a, const jn_big *b) {
    if (a->n != b->n) return a->n < b->n ? -1 : 1;
    for (int i = a->n - 1; i >= 0; i--)
        if (a->w[i] != b->w[i]) return a->w[i] < b->w[i] ? -1 : 1;
    return 0;
}

/* Compare t with x + y. */
static int jn_big_cmp_sum(const jn_big *t, const jn_big *x, const jn_big *y) {
    jn_big s;
    uint64_t carry = 0;
    int n = x->n > y->n ? x->n : y->n;
    memset(&s, 0, sizeof(s));
    for (int i = 0; i < n; i++) {
        uint64_t v = (uint64_t)(i < x->n ? x->w[i] : 0) + (i < y->n ? y->w[i] : 0) + carry;
        s.w[i] = (uint32_t)v;
        carry = v >> 32;
    }
    s.n = n;
    if (carry && n < JN_WORDS) s.w[s.n++] = (uint32_t)carry;
    return jn_big_cmp(t, &s);
}

static void jn_big_sub(jn_big *a, const jn_big *b) {   /* a >= b */
    int64_t borrow = 0;
    for (int i = 0; i < a->n; i++) {
        int64_t v = (int64_t)a->w[i] - (i < b->n ? b->w[i] : 0) - borrow;
        borrow = v < 0;
        a->w[i] = (uint32_t)(v + (borrow << 32));
    }
    jn_big_trim(a);
}

/* q = a / s (a digit), a = 10 × (a mod s). */
static int jn_big_digit(jn_big *a, const jn_big *s) {
    int q = 0;
    while (jn_big_cmp(a, s) >= 0) {
        jn_big_sub(a, s);
        q++;
    }
    jn_big_mul_small(a, 10);
    return q;
}

/* ---- digit development ------------------------------------------------- */

/* Java's estimate of floor(log10(value)), in double arithmetic as Java does
 * it: each step rounded to double (volatile: no fused multiply-add). */
static int jn_estimate_exp10(uint64_t fract, int bin_exp) {
    uint64_t one = (uint64_t)1023 << 52;
    double d2;
    volatile double t1, t2, t3, d;
    uint64_t bits = one | (fract & ((UINT64_C(1) << 52) - 1));
    memcpy(&d2, &bits, sizeof(d2));
    t1 = (d2 - 1.5) * 0.289529654;
    t2 = t1 + 0.176091259;
    t3 = (double)bin_exp * 0.301029995663981;
    d = t2 + t3;
    return (int)floor(d);
}

/* The last digit goes up by one, carrying through nines; all nines become
 * a 1 followed by zeros (the count of digits is kept, as Java keeps it). */
static void jn_round_up(jn_digits *g) {
    int i = g->n - 1;
    while (i > 0 && g->d[i] == '9') g->d[i--] = '0';
    if (g->d[i] == '9') {
        g->d[0] = '1';
        g->exp10++;
        return;
    }
    g->d[i]++;
}

/* An integer below 2^63: its digits, the last `insignificant` rounded off. */
static void jn_long_digits(jn_digits *g, uint64_t v, int insignificant) {
    char tmp[24];
    int n = 0, exp10 = insignificant;
    if (insignificant) {
        uint64_t p = 1;
        for (int i = 0; i < insignificant; i++) p *= 10;
        uint64_t residue = v % p;
        v /= p;
        if (residue >= p / 2) v++;
    }
    while (v % 10 == 0) {
        v /= 10;
        exp10++;
    }
    while (v) {
        tmp[n++] = (char)('0' + v % 10);
        v /= 10;
    }
    for (int i = 0; i < n; i++) g->d[i] = tmp[n - 1 - i];
    g->n = n;
    g->exp10 = exp10 + n;
}

/* How the development ended: the flags Java's rounding reads. */
typedef struct jn_end {
    int low, high;
    int64_t last_diff;   /* sign of 2B - 10S at the end (only read when low and high) */
} jn_end;

/* Whether the E notation is coming: then the first digit never ends it. */
static int jn_sci(int exp10) { return exp10 < -3 || exp10 >= 8; }

/* One width at a time, as Java: 32-bit, then 64-bit, with wrap-around. */
#define JN_DEVELOP(T, UT)                                                                  \
    static void jn_develop_##T(jn_digits *g, int *exp10, UT b, UT s, UT m, jn_end *e) {     \
        UT tens = s * 10;                                                                   \
        int q = (int)((T)b / (T)s);                                                         \
        b = 10 * (UT)((T)b % (T)s);                                                         \
        m *= 10;                                                                            \
        e->low = (T)b < (T)m;                                                               \
        e->high = (T)(b + m) > (T)tens;                                                     \
        if (q == 0 && !e->high) (*exp10)--;                                                 \
        else g->d[g->n++] = (char)('0' + q);                                                \
        if (jn_sci(*exp10)) e->low = e->high = 0;                                           \
        while (!e->low && !e->high) {                                                       \
            q = (int)((T)b / (T)s);                                                         \
            b = 10 * (UT)((T)b % (T)s);                                                     \
            m *= 10;                                                                        \
            if ((T)m > 0) {                                                                 \
                e->low = (T)b < (T)m;                                                       \
                e->high = (T)(b + m) > (T)tens;                                             \
            } else {                                                                        \
                e->low = e->high = 1;                                                       \
            }                                                                               \
            g->d[g->n++] = (char)('0' + q);                                                 \
        }                                                                                   \
        e->last_diff = (int64_t)(T)((b << 1) - tens);                                       \
    }
JN_DEVELOP(int32_t, uint32_t)
JN_DEVELOP(int64_t, uint64_t)

static void jn_develop_big(jn_digits *g, int *exp10, uint64_t fract, int b5, int b2, int s5, int s2, int m5,
                           int m2, jn_end *e) {
    jn_big b, s, m, tens;
    jn_big_set(&s, 1, s5, s2);
    jn_big_set(&b, fract, b5, b2);
    jn_big_set(&m, 1, m5 + 1, m2 + 1);      /* 10 M */
    jn_big_set(&tens, 1, s5 + 1, s2 + 1);   /* 10 S */
    int q = jn_big_digit(&b, &s);
    e->low = jn_big_cmp(&b, &m) < 0;
    e->high = jn_big_cmp_sum(&tens, &b, &m) <= 0;
    if (q == 0 && !e->high) (*exp10)--;
    else g->d[g->n++] = (char)('0' + q);
    if (jn_sci(*exp10)) e->low = e->high = 0;
    while (!e->low && !e->high && g->n < 20) {
        q = jn_big_digit(&b, &s);
        jn_big_mul_small(&m, 10);
        e->low = jn_big_cmp(&b, &m) < 0;
        e->high = jn_big_cmp_sum(&tens, &b, &m) <= 0;
        g->d[g->n++] = (char)('0' + q);
    }
    e->last_diff = 0;
    if (e->high && e->low) {
        jn_big_shl(&b, 1);
        e->last_diff = jn_big_cmp(&b, &tens);
    }
}

/* The digits of a positive finite double given as fract × 2^(bin_exp - 52),
 * fract's bit 52 set; nsig: significant bits (53, fewer for subnormals). */
static void jn_dtoa(jn_digits *g, uint64_t fract, int bin_exp, int nsig) {
    int tail = __builtin_ctzll(fract);
    int nfract = 53 - tail;
    int tiny = nfract - bin_exp - 1 > 0 ? nfract - bin_exp - 1 : 0;
    g->n = 0;
    if (bin_exp <= 62 && bin_exp >= -21 && tiny == 0 && nfract + jn_five_bits[0] < 64) {
        int insignificant = 0;
        if (bin_exp > nsig) {
            int p2 = bin_exp - nsig - 1;
            if (p2 > 1 && p2 < 64)
                for (uint64_t v = UINT64_C(1) << p2; v >= 10; v /= 10) insignificant++;
        }
        uint64_t v = bin_exp >= 52 ? fract << (bin_exp - 52) : fract >> (52 - bin_exp);
        jn_long_digits(g, v, insignificant);
        return;
    }
    int exp10 = jn_estimate_exp10(fract, bin_exp);
    int b5 = exp10 < 0 ? -exp10 : 0;
    int b2 = b5 + tiny + bin_exp;
    int s5 = exp10 > 0 ? exp10 : 0;
    int s2 = s5 + tiny;
    int m5 = b5, m2 = b2 - nsig;
    fract >>= tail;
    b2 -= nfract - 1;
    int common = b2 < s2 ? b2 : s2;
    b2 -= common, s2 -= common, m2 -= common;
    if (nfract == 1) m2 -= 1;
    if (m2 < 0) {
        b2 -= m2, s2 -= m2;
        m2 = 0;
    }
    int bbits = nfract + b2 + (b5 < 27 ? jn_five_bits[b5] : b5 * 3);
    int tenbits = s2 + 1 + (s5 + 1 < 27 ? jn_five_bits[s5 + 1] : (s5 + 1) * 3);
    jn_end e;
    if (bbits < 32 && tenbits < 32) {
        jn_develop_int32_t(g, &exp10, ((uint32_t)fract * (uint32_t)jn_pow5(b5)) << b2, (uint32_t)jn_pow5(s5) << s2,
                           (uint32_t)jn_pow5(m5) << m2, &e);
    } else if (bbits < 64 && tenbits < 64) {
        jn_develop_int64_t(g, &exp10, (fract * jn_pow5(b5)) << b2, jn_pow5(s5) << s2, jn_pow5(m5) << m2, &e);
    } else {
        jn_develop_big(g, &exp10, fract, b5, b2, s5, s2, m5, m2, &e);
    }
    g->exp10 = exp10 + 1;
    if (e.high && (!e.low || e.last_diff > 0 || (e.last_diff == 0 && ((g->d[g->n - 1] - '0') & 1))))
        jn_round_up(g);
}

/* Java's layout of the digits: plain between 10^-3 and 10^7, else E. */
static size_t jn_layout(const jn_digits *g, int negative, char *out) {
    char *p = out;
    int e = g->exp10;
    if (negative) *p++ = '-';
    if (e > 0 && e < 8) {
        int whole = g->n < e ? g->n : e;
        memcpy(p, g->d, (size_t)whole);
        p += whole;
        if (whole < e) {
            memset(p, '0', (size_t)(e - whole));
            p += e - whole;
            *p++ = '.';
            *p++ = '0';
        } else {
            *p++ = '.';
            if (whole < g->n) {
                memcpy(p, g->d + whole, (size_t)(g->n - whole));
                p += g->n - whole;
            } else {
                *p++ = '0';
            }
        }
    } else if (e <= 0 && e > -3) {
        *p++ = '0';
        *p++ = '.';
        memset(p, '0', (size_t)-e);
        p += -e;
        memcpy(p, g->d, (size_t)g->n);
        p += g->n;
    } else {
        *p++ = g->d[0];
        *p++ = '.';
        if (g->n > 1) {
            memcpy(p, g->d + 1, (size_t)(g->n - 1));
            p += g->n - 1;
        } else {
            *p++ = '0';
        }
        *p++ = 'E';
        int x = e - 1;
        if (e <= 0) {
            *p++ = '-';
            x = -e + 1;
        }
        if (x >= 100) *p++ = (char)('0' + x / 100);
        if (x >= 10) *p++ = (char)('0' + x / 10 % 10);
        *p++ = (char)('0' + x % 10);
    }
    return (size_t)(p - out);
}

size_t jn_double(double d, char out[JN_DOUBLE_MAX]) {
    uint64_t bits;
    memcpy(&bits, &d, sizeof(bits));
    int negative = (int)(bits >> 63);
    uint64_t fract = bits & ((UINT64_C(1) << 52) - 1);
    int bexp = (int)((bits >> 52) & 0x7ff);
    int nsig = 53;
    if (bexp == 0x7ff) {
        const char *s = fract ? "NaN" : negative ? "-Infinity" : "Infinity";
        memcpy(out, s, strlen(s));
        return strlen(s);
    }
    if (bexp == 0) {
        if (fract == 0) {
            memcpy(out, negative ? "-0.0" : "0.0", 4 - !negative);
            return (size_t)(4 - !negative);
        }
        int lz = __builtin_clzll(fract);
        int shift = lz - 11;
        fract <<= shift;
        bexp = 1 - shift;
        nsig = 64 - lz;
    } else {
        fract |= UINT64_C(1) << 52;
    }
    jn_digits g;
    jn_dtoa(&g, fract, bexp - 1023, nsig);
    return jn_layout(&g, negative, out);
}

size_t jn_bigdecimal(int negative, const char *digits, size_t ndigits, int32_t scale, char *out) {
    char *p = out;
    int64_t adjusted = -(int64_t)scale + (int64_t)ndigits - 1;
    if (negative && !(ndigits == 1 && digits[0] == '0')) *p++ = '-';
    if (scale == 0) {
        memcpy(p, digits, ndigits);
        return (size_t)(p - out) + ndigits;
    }
    if (scale > 0 && adjusted >= -6) {
        if ((size_t)scale >= ndigits) {
            *p++ = '0';
            *p++ = '.';
            memset(p, '0', (size_t)scale - ndigits);
            p += (size_t)scale - ndigits;
            memcpy(p, digits, ndigits);
            p += ndigits;
        } else {
            size_t whole = ndigits - (size_t)scale;
            memcpy(p, digits, whole);
            p += whole;
            *p++ = '.';
            memcpy(p, digits + whole, (size_t)scale);
            p += scale;
        }
        return (size_t)(p - out);
    }
    *p++ = digits[0];
    if (ndigits > 1) {
        *p++ = '.';
        memcpy(p, digits + 1, ndigits - 1);
        p += ndigits - 1;
    }
    if (adjusted != 0) {
        char tmp[24];
        int n = 0;
        uint64_t a = adjusted < 0 ? (uint64_t)(-adjusted) : (uint64_t)adjusted;
        *p++ = 'E';
        *p++ = adjusted < 0 ? '-' : '+';
        do {
            tmp[n++] = (char)('0' + a % 10);
            a /= 10;
        } while (a);
        while (n) *p++ = tmp[--n];
    }
    return (size_t)(p - out);
}
