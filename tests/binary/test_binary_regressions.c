/* test_binary_regressions.c — one test per bug found in the built binaries
 * (run as black boxes, as ClickHouse runs them), so none comes back.  The
 * bugs found in process are in tests/unit/test_regressions.c.
 *
 * Each test names the finding and asserts the fixed behaviour with real values. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "udfproc.h"

/* Review of payload_extract's slow path: with --path naming the outbox
 * payload string and fields missing from it, each field's lookup decoded
 * the whole payload again, every copy kept until the row ended — a 60 MB
 * payload peaked at 677 MB.  Now it is decoded once per row. */
static void test_payload_decoded_once_per_row(void **state) {
    (void)state;
    const char *args[] = {"--format", "RowBinary", "--chunked", "--path", "after.payload",
                          "--field", "id:String", "--field", "a:String", "--field", "b:String",
                          "--field", "c:String", "--field", "d:String", "--field", "e:String",
                          "--field", "f:String", "--field", "g:String", NULL};
    size_t blob = 32u << 20;
    /* The child starts before the input exists, so that its peak cannot
     * include the parent's pages it shared before exec. */
    udfproc p;
    udfproc_result r;
    memset(&r, 0, sizeof(r));
    assert_int_equal(udfproc_spawn(&p, "payload_extract", args), 0);
    tbuf msg = {0}, in = {0};
    tb_puts(&msg, "{\"op\":\"c\",\"after\":{\"payload\":\"{\\\"id\\\":\\\"x1\\\",\\\"blob\\\":\\\"");
    char *fill = malloc(blob);
    assert_non_null(fill);
    memset(fill, 'x', blob);
    tb_put(&msg, fill, blob);
    free(fill);
    tb_puts(&msg, "\\\"}\"}}");
    tb_puts(&in, "1\n");
    tb_rb_string(&in, msg.p, msg.n);
    assert_int_equal(udfproc_pump(&p, in.p, in.n, 0, &r), 0);
    /* Missing members are defaults, not errors (as JSONExtract): the answer
     * is "x1", seven empty strings and an empty error.  Wait for all of it,
     * then read the peak while the process waits for its next chunk. */
    static const char answer[] = "\002x1\0\0\0\0\0\0\0\0";
    while (r.out.n < sizeof answer - 1) {
        struct pollfd pf = {p.out, POLLIN, 0};
        assert_true(poll(&pf, 1, UDFPROC_HANG_SECONDS * 1000) == 1);
        char buf[4096];
        ssize_t got = read(p.out, buf, sizeof(buf));
        assert_true(got > 0);
        tb_put(&r.out, buf, (size_t)got);
    }
    long hwm_kb = udfproc_status_kb(p.pid, "VmHWM");
    udfproc_finish(&p, &r);
    assert_int_equal(udfproc_code(&r), 0);
    assert_int_equal(r.out.n, sizeof answer - 1);
    assert_memory_equal(r.out.p, answer, sizeof answer - 1);
    print_message("peak %ld MB for a %zu MB payload\n", hwm_kb >> 10, blob >> 20);
    /* the message, its read buffer's slack and one decoded copy; once per
     * field would be eight copies more.  Under AddressSanitizer freed memory
     * waits in a quarantine, so only the normal build can judge the peak. */
#if !defined(__SANITIZE_ADDRESS__)
    assert_true(hwm_kb > 0 && (size_t)hwm_kb < 4 * (blob >> 10));
#endif
    udfproc_result_free(&r);
    tb_free(&msg);
    tb_free(&in);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_payload_decoded_once_per_row),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
