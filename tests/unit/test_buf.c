/* test_buf.c — unit tests for udf/buf.c, the growable byte buffer behind the
 * Native format's held columns (result.c, input.c).
 *
 * What those callers rely on: appended bytes arrive in order across every
 * growth; buf_reserve hands out room that buf_put's bytes then follow; growth
 * never moves a buffer that has room; buf_clear keeps memory up to `keep` and
 * gives back more; and a size that cannot be represented ends the process
 * with the out-of-memory status instead of wrapping around. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "buf.h"
#include "fatal.h"

static void test_empty(void **state) {
    (void)state;
    buf b;
    buf_init(&b);
    assert_null(b.p);
    assert_int_equal(b.len, 0);
    assert_int_equal(b.cap, 0);
    buf_put(&b, NULL, 0);                 /* nothing to copy: no access through NULL */
    assert_int_equal(b.len, 0);
    buf_free(&b);
    assert_null(b.p);
}

/* 300,000 bytes by buf_put, buf_putc and buf_reserve in turn: every byte in
 * order, the capacity always covering the length. */
static void test_appends_in_order_across_growth(void **state) {
    (void)state;
    buf b;
    buf_init(&b);
    unsigned char want[300000];
    size_t n = 0;
    for (unsigned i = 0; n + 64 <= sizeof want; i++) {
        unsigned char chunk[61];
        size_t k = i % 61;
        for (size_t j = 0; j < k; j++) chunk[j] = (unsigned char)(i + j);
        switch (i % 3) {
        case 0: buf_put(&b, chunk, k); break;
        case 1:
            for (size_t j = 0; j < k; j++) buf_putc(&b, (char)chunk[j]);
            break;
        default: {
            char *at = buf_reserve(&b, k);
            memcpy(at, chunk, k);
            b.len += k;
        }
        }
        memcpy(want + n, chunk, k);
        n += k;
        assert_int_equal(b.len, n);
        assert_true(b.cap >= b.len);
    }
    assert_memory_equal(b.p, want, n);
    buf_free(&b);
}

/* Growth starts at 4096 bytes and doubles; with room left, neither a
 * reserve nor a put moves the bytes. */
static void test_growth_doubles_and_keeps_room(void **state) {
    (void)state;
    buf b;
    buf_init(&b);
    buf_putc(&b, 'a');
    assert_int_equal(b.cap, 4096);
    char *p = b.p;
    assert_ptr_equal(buf_reserve(&b, 4095), p + 1);
    buf_put(&b, "x", 1);
    assert_ptr_equal(b.p, p);
    assert_int_equal(b.cap, 4096);
    char big[5000] = {0};
    buf_put(&b, big, sizeof big);          /* 5002 bytes: 8192 */
    assert_int_equal(b.cap, 8192);
    buf_put(&b, big, sizeof big);          /* 10002 bytes: 16384 */
    assert_int_equal(b.cap, 16384);
    assert_memory_equal(b.p, "ax", 2);
    buf_free(&b);
}

/* buf_clear empties; memory up to `keep` stays, a larger buffer is freed. */
static void test_clear_keeps_or_releases(void **state) {
    (void)state;
    buf b;
    buf_init(&b);
    buf_put(&b, "hello", 5);
    char *p = b.p;
    buf_clear(&b, 4096);
    assert_int_equal(b.len, 0);
    assert_ptr_equal(b.p, p);
    assert_int_equal(b.cap, 4096);
    buf_put(&b, "hi", 2);
    assert_memory_equal(b.p, "hi", 2);
    buf_clear(&b, 4095);
    assert_int_equal(b.len, 0);
    assert_null(b.p);
    assert_int_equal(b.cap, 0);
    buf_put(&b, "again", 5);               /* usable after the release */
    assert_memory_equal(b.p, "again", 5);
    buf_free(&b);
}

/* In a child: a buffer holding `held` bytes asked for `more`.  Its exit status. */
static int grow_in_child(size_t held, size_t more) {
    pid_t pid = fork();
    assert_true(pid >= 0);
    if (pid == 0) {
        buf b;
        buf_init(&b);
        for (size_t i = 0; i < held; i++) buf_putc(&b, 'h');
        buf_grow(&b, more);
        _exit(0);
    }
    int st;
    assert_int_equal(waitpid(pid, &st, 0), pid);
    assert_true(WIFEXITED(st));
    return WEXITSTATUS(st);
}

/* A size whose doubling would wrap is refused with the out-of-memory
 * status, also when bytes are already held (len + n must not wrap). */
static void test_unrepresentable_size_is_out_of_memory(void **state) {
    (void)state;
    assert_int_equal(grow_in_child(0, SIZE_MAX), EXIT_NOMEM);
    assert_int_equal(grow_in_child(0, SIZE_MAX / 2 + 1), EXIT_NOMEM);
    assert_int_equal(grow_in_child(10, SIZE_MAX / 2 - 9), EXIT_NOMEM);
    assert_int_equal(grow_in_child(10, 100), 0);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_empty),
        cmocka_unit_test(test_appends_in_order_across_growth),
        cmocka_unit_test(test_growth_doubles_and_keeps_room),
        cmocka_unit_test(test_clear_keeps_or_releases),
        cmocka_unit_test(test_unrepresentable_size_is_out_of_memory),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
