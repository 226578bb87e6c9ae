/* corpus.c — seed-shaped outbox messages (see corpus.h). */
#include "corpus.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void corpus_ts(itest_rng *r, char *out, size_t cap) {
    unsigned month = 1 + (unsigned)itest_rng_below(r, 12), day = 1 + (unsigned)itest_rng_below(r, 28);
    unsigned hh = (unsigned)itest_rng_below(r, 24), mm = (unsigned)itest_rng_below(r, 60);
    unsigned ss = (unsigned)itest_rng_below(r, 60), ms = (unsigned)itest_rng_below(r, 1000);
    snprintf(out, cap, "2024-%02u-%02uT%02u:%02u:%02u.%03uZ", month, day, hh, mm, ss, ms);
}

/* Appends [s, s+n) with every '/' written as `\/` (toJSONString's escaping:
 * a '/' in JSON text can only be inside a string). */
static void corpus_put_slashes_escaped(itest_buf *out, const char *s, size_t n) {
    const char *end = s + n, *slash;
    while ((slash = memchr(s, '/', (size_t)(end - s))) != NULL) {
        itest_buf_put(out, s, (size_t)(slash - s));
        itest_buf_puts(out, "\\/");
        s = slash + 1;
    }
    itest_buf_put(out, s, (size_t)(end - s));
}

void corpus_message(uint64_t row, int envelope, corpus_shape shape, itest_buf *out, itest_outbox *row_out) {
    static const char *const event_types[] = {"exposure", "click", "conversion", "purchase", "view"};
    static const char *const variants[] = {"control", "treatment", "B"};
    static const char *const pages[] = {"/home", "/checkout", "/pricing", "/product/42", "/search"};
    static const char *const devices[] = {"ios", "android", "web"};
    static const char *const values[] = {"0", "19.99", "5", "120.5", "0.25"};
    itest_rng r = {0x5EED0000ULL + row * 0x9E3779B97F4A7C15ULL};
    itest_outbox o;
    memset(&o, 0, sizeof(o));
    unsigned k = (unsigned)itest_rng_below(&r, 100);
    o.op = k < 70 ? 'c' : k < 95 ? 'r' : 'u';
    o.envelope = envelope;
    o.tx_metadata = 0;
    o.lsn = 26000000 + row * 64 + itest_rng_below(&r, 64);
    o.tx_id = 700 + row / 4;
    o.source_ts_ms = 1711958400000LL + (int64_t)row * 37;
    o.ts_ms = o.source_ts_ms + (int64_t)itest_rng_below(&r, 500);
    o.aggregate_id = (unsigned)itest_rng_below(&r, 1000000);
    uint64_t a = itest_rng_next(&r), b = itest_rng_next(&r);
    snprintf(o.id, sizeof(o.id), "%08x-%04x-4%03x-%04x-%012llx", (unsigned)(a >> 32), (unsigned)(a >> 16) & 0xFFFF,
             (unsigned)a & 0xFFF, 0x8000 | ((unsigned)(b >> 48) & 0x3FFF), (unsigned long long)(b & 0xFFFFFFFFFFFFULL));
    o.experiment_id = 1 + (uint32_t)itest_rng_below(&r, 500);
    o.variant_id = (uint32_t)itest_rng_below(&r, 3);
    unsigned special = (unsigned)itest_rng_below(&r, 100);
    snprintf(o.user_id, sizeof(o.user_id), "user-%llu%s", (unsigned long long)itest_rng_below(&r, 10000000),
             special < 2 ? " \"vip\"" : special < 4 ? "-Zoë" : "");
    snprintf(o.variant_key, sizeof(o.variant_key), "%s", variants[o.variant_id]);
    snprintf(o.event_type, sizeof(o.event_type), "%s", event_types[itest_rng_below(&r, 5)]);
    if (itest_rng_pct(&r, 90))
        snprintf(o.session_id, sizeof(o.session_id), "sess-%016llx", (unsigned long long)itest_rng_next(&r));
    corpus_ts(&r, o.timestamp, sizeof(o.timestamp));
    if (itest_rng_pct(&r, 80)) corpus_ts(&r, o.assignment_at, sizeof(o.assignment_at));
    snprintf(o.properties, sizeof(o.properties), "{\"page\":\"%s\",\"device\":\"%s\",\"value\":%s,\"score\":0.%u}",
             pages[itest_rng_below(&r, 5)], devices[itest_rng_below(&r, 3)], values[itest_rng_below(&r, 5)],
             1 + (unsigned)itest_rng_below(&r, 9));
    o.payload_pretty = shape == CORPUS_JSONB;
    if (shape == CORPUS_JSONB) {
        itest_outbox_write(&r, &o, out);
    } else {
        /* The payload's only '/' are in `properties` (the page paths): escaped
         * there, the payload text is toJSONString's.  itest_outbox_write then
         * embeds it as a string (`\/` becomes `\\/`), and escaping every '/'
         * of the message once more gives toJSONString's `\\\/`. */
        itest_buf t = {0};
        corpus_put_slashes_escaped(&t, o.properties, strlen(o.properties));
        if (t.n >= sizeof(o.properties)) abort();
        memcpy(o.properties, t.p, t.n);
        o.properties[t.n] = 0;
        itest_buf_clear(&t);
        itest_outbox_write(&r, &o, &t);
        corpus_put_slashes_escaped(out, t.p, t.n);
        itest_buf_free(&t);
    }
    if (row_out) *row_out = o;
}
