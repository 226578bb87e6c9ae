/* test_support.c — unit tests for the tests' own byte buffer and cursor
 * (tests/support/bytes.c): the binary tests read every answer through the
 * cursor, so a decoder that agreed with a wrong encoder would hide bugs.
 * LEB128 bytes below are written out by hand. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdlib.h>
#include <string.h>

#include "bytes.h"
#include "files.h"

static void test_leb128_by_hand(void **state) {
    (void)state;
    static const struct { uint64_t v; const char *bytes; size_t n; } cases[] = {
        {0, "\x00", 1}, {127, "\x7f", 1}, {128, "\x80\x01", 2}, {300, "\xac\x02", 2}, {16384, "\x80\x80\x01", 3},
        {UINT64_MAX, "\xff\xff\xff\xff\xff\xff\xff\xff\xff\x01", 10},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        tbuf b = {0};
        tb_leb128(&b, cases[i].v);
        assert_int_equal(b.n, cases[i].n);
        assert_memory_equal(b.p, cases[i].bytes, cases[i].n);
        tcursor c = tc_of(cases[i].bytes, cases[i].n);
        assert_true(tc_leb128(&c) == cases[i].v);
        assert_true(c.ok && c.p == c.end);
        tb_free(&b);
    }
}

/* Cut short, or longer than ten bytes: not a number, and the cursor stays failed. */
static void test_cursor_refuses_broken_input(void **state) {
    (void)state;
    tcursor c = tc_of("\x80\x80", 2);
    assert_true(tc_leb128(&c) == 0 && !c.ok);
    c = tc_of("\x80\x80\x80\x80\x80\x80\x80\x80\x80\x80\x01", 11);
    assert_true(tc_leb128(&c) == 0 && !c.ok);
    c = tc_of("\x05" "ab", 3);                      /* a string announcing 5 bytes, 2 follow */
    size_t n = 99;
    assert_null(tc_rb_string(&c, &n));
    assert_int_equal(n, 0);
    assert_false(c.ok);
    assert_null(tc_take(&c, 0));                   /* failed stays failed */
    c = tc_of("\x02" "hi" "\x04\x03\x02\x01", 7);
    assert_memory_equal(tc_rb_string(&c, &n), "hi", 2);
    assert_true(tc_le(&c, 4) == 0x01020304);
    assert_true(c.ok && c.p == c.end);
}

/* The buffer stays text: NUL-terminated after every append, printf included. */
static void test_buffer_is_text(void **state) {
    (void)state;
    tbuf b = {0};
    tb_puts(&b, "a");
    tb_printf(&b, "%d-%s", 42, "x");
    tb_putc(&b, '\n');
    tb_le(&b, 0x0a0b, 2);
    assert_int_equal(b.n, 8);
    assert_memory_equal(b.p, "a42-x\n\x0b\x0a", 9);   /* with the terminating NUL */
    assert_int_equal(tb_lines(&b), 2);
    tb_clear(&b);
    assert_int_equal(b.n, 0);
    assert_string_equal(b.p, "");
    char *s = tb_take(&b);
    assert_string_equal(s, "");
    assert_null(b.p);
    free(s);
}

static void test_file_read(void **state) {
    (void)state;
    size_t n = 0;
    assert_null(tfile_read(FIXTURES_DIR "/no-such-file", &n));
    char *p = tfile_read(FIXTURES_DIR "/debezium/manifest.json", &n);
    assert_non_null(p);
    assert_true(n > 0);
    assert_int_equal(p[n], 0);
    assert_int_equal(strlen(p), n);
    free(p);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_leb128_by_hand),
        cmocka_unit_test(test_cursor_refuses_broken_input),
        cmocka_unit_test(test_buffer_is_text),
        cmocka_unit_test(test_file_read),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
