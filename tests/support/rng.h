/* rng.h — the tests' seeded random numbers (prefix trng_): splitmix64, tiny,
 * and identical on every platform, so a seed reproduces a corpus or a
 * generated message stream byte for byte.  Used by the integration corpora
 * (itest) and the message generator (tests/gen).  Inline: the generator
 * draws several numbers per message. */
#ifndef CDC_TEST_RNG_H
#define CDC_TEST_RNG_H

#include <stdint.h>

typedef struct trng { uint64_t state; } trng;

static inline uint64_t trng_next(trng *r) {
    uint64_t z = (r->state += 0x9E3779B97F4A7C15ULL);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
    return z ^ (z >> 31);
}
/* Uniform in [0, n), n > 0 (the modulo bias is irrelevant for tests). */
static inline uint64_t trng_below(trng *r, uint64_t n) { return trng_next(r) % n; }
/* Uniform in [lo, hi]. */
static inline int64_t trng_range(trng *r, int64_t lo, int64_t hi) { return lo + (int64_t)trng_below(r, (uint64_t)(hi - lo + 1)); }
/* 1 with probability p (0..1). */
static inline int trng_chance(trng *r, double p) { return (double)(trng_next(r) >> 11) * 0x1.0p-53 < p; }
/* 1 with probability pct/100. */
static inline int trng_pct(trng *r, unsigned pct) { return trng_below(r, 100) < pct; }

#endif
