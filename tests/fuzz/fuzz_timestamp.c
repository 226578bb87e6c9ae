/* fuzz_timestamp.c — libFuzzer target for the timestamp parser (udf/timestamp.c).
 *
 * Input: one byte choosing the precision (0..9), then the text.  Besides
 * "no sanitizer finding" (the parser does checked 64-bit arithmetic on
 * hostile digits), checked properties: whatever ts_parse accepts, ts_format
 * prints and ts_parse_iso reads back to the same ticks (years 0000-9999,
 * what the ISO form can spell); ts_rescale down then up never increases the
 * value; and the first 8 bytes read as raw ticks round-trip the same way. */
#include "fuzz_common.h"

#include "timestamp.h"

static void fuzz_roundtrip(int64_t ticks, int precision) {
    char buf[48];
    size_t n = ts_format(ticks, precision, buf);
    if (n >= 40) fuzz_fail("ts_format wrote %zu bytes", n);
    if (buf[0] == '-' || n < 19 || buf[4] != '-') return;  /* year outside 0000..9999 */
    int64_t back;
    const char *why;
    if (ts_parse_iso(buf, n, precision, &back, &why) < 0)
        fuzz_fail("'%s' (from %lld) does not parse back: %s", buf, (long long)ticks, why);
    if (back != ticks) fuzz_fail("'%s': %lld became %lld", buf, (long long)ticks, (long long)back);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    if (size < 1) return 0;
    int precision = data[0] % 10;
    char *text = fuzz_copy(data + 1, size - 1);
    size_t n = size - 1;
    int64_t ticks;
    const char *why = NULL;
    if (ts_parse(text, n, precision, &ticks, &why) == 0) {
        fuzz_roundtrip(ticks, precision);
        int64_t down = ts_rescale(ticks, precision, 0);
        int64_t up = ts_rescale(down, 0, precision);
        if (up > ticks) fuzz_fail("rescale down and up grew %lld to %lld", (long long)ticks, (long long)up);
    } else if (!why) {
        fuzz_fail("rejected without a reason");
    }
    (void)ts_parse_iso(text, n, precision, &ticks, &why);
    (void)ts_parse_epoch_text(text, n, precision, &ticks, &why);
    if (n >= 8) {
        int64_t raw;
        memcpy(&raw, text, 8);
        fuzz_roundtrip(raw, precision);
        (void)ts_from_epoch_int(raw, precision);
    }
    free(text);
    return 0;
}
