/* test_regressions.c — one test per bug found by fuzzing (tests/fuzz) and by
 * the adversarial and framing tests, so none comes back: the bugs of the
 * modules, tested in process (the binaries' are in
 * tests/binary/test_binary_regressions.c).
 *
 * Each test names the finding, the input that showed it (the fuzz
 * reproducers also live in tests/fuzz/corpus/<target>/regress-*, replayed by
 * every fuzz run) and asserts the fixed behaviour with real values. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "arena.h"
#include "bytes.h"
#include "capture.h"
#include "debezium.h"
#include "fnrun.h"
#include "input.h"
#include "io.h"

static int memfd_of(const void *p, size_t n) {
    int fd = memfd_create("regression", MFD_CLOEXEC);
    assert_true(fd >= 0);
    const char *c = p;
    while (n) {
        ssize_t put = write(fd, c, n);
        assert_true(put > 0);
        c += put;
        n -= (size_t)put;
    }
    assert_int_equal(lseek(fd, 0, SEEK_SET), 0);
    return fd;
}

/* fuzz_rowbinary, oom-3eb3d425 / oom-d3693844: a RowBinary length prefix
 * claiming ~2^40 bytes made the reader realloc() the claimed size before a
 * single byte of it arrived (out of memory; with a reader kept across rows,
 * the buffer doubled on every read).  Now memory follows the bytes. */
static void test_length_prefix_promises_cost_nothing(void **state) {
    (void)state;
    tbuf in = {0};
    tb_leb128(&in, (uint64_t)1 << 40);
    char *bytes = calloc(1, 100000);
    tb_put(&in, bytes, 100000);
    int fd = memfd_of(in.p, in.n);
    chtype t = type_of("String");
    in_reader r;
    udf_value v;
    in_init(&r, fd, FMT_ROWBINARY, &t, 1);
    assert_int_equal(in_read_row(&r, &v), -1);
    assert_string_equal(r.error, "truncated RowBinary row: input ended inside argument 1");
    assert_true(r.io.cap <= 1024 * 1024);
    in_free(&r);
    close(fd);
    free(bytes);
    tb_free(&in);

    /* The fuzz reproducer itself: control byte 0x01 = (String, String). */
    static const unsigned char repro[] = {0xf7, 0xfe, 0xff, 0x84, 0x22, 0x31, 0x7d, 0x05, 0x61, 0x7d,
                                          0x05, 0x29, 0x61, 0x0a, 0x00, 0x0a, 0x00};
    chtype two[2] = {type_of("String"), type_of("String")};
    fd = memfd_of(repro, sizeof(repro));
    in_init(&r, fd, FMT_ROWBINARY, two, 2);
    assert_int_equal(in_read_row(&r, &v), -1);
    assert_true(r.io.cap <= 1024 * 1024);
    in_free(&r);
    close(fd);
}

/* Found with the soak and the 64 MB message: a buffer blown up by one huge
 * row was kept until enough small rows filled it.  Now the first read of a
 * later, small row gives the memory back. */
static void test_buffer_shrinks_after_a_huge_row(void **state) {
    (void)state;
    size_t big = 16u << 20;
    char *blob = malloc(big);
    assert_non_null(blob);
    memset(blob, 'x', big);
    tbuf in = {0};
    tb_rb_string(&in, blob, big);
    for (int i = 0; i < 3; i++) tb_rb_string(&in, "small", 5);
    int fd = memfd_of(in.p, in.n);
    chtype t = type_of("String");
    in_reader r;
    udf_value v;
    in_init(&r, fd, FMT_ROWBINARY, &t, 1);
    assert_int_equal(in_read_row(&r, &v), 1);
    assert_int_equal(v.n, big);
    assert_memory_equal(v.s, blob, 64);
    assert_true(r.io.cap >= big && r.io.cap <= 2 * big + 2 * 1024 * 1024);  /* grew with the row, at most twice it */
    for (int i = 0; i < 3; i++) {
        assert_int_equal(in_read_row(&r, &v), 1);
        assert_int_equal(v.n, 5);
        assert_memory_equal(v.s, "small", 5);
    }
    assert_int_equal(in_read_row(&r, &v), 0);
    assert_true(r.io.cap <= 1024 * 1024);
    in_free(&r);
    close(fd);
    free(blob);
    tb_free(&in);
}

/* test_framing: in executable_pool mode a TabSeparated row cut before its
 * newline (stdin closed mid-row) was answered from the fragment. */
static void test_tsv_pool_row_needs_its_newline(void **state) {
    (void)state;
    static const char text[] = "{\"a\":1}\ta\n{\"a\":2}\ta";
    chtype two[2] = {type_of("String"), type_of("String")};
    for (int strict = 0; strict <= 1; strict++) {
        int fd = memfd_of(text, sizeof(text) - 1);
        in_reader r;
        udf_value v[2];
        in_init(&r, fd, FMT_TSV, two, 2);
        r.need_newline = strict;
        assert_int_equal(in_read_row(&r, v), 1);
        assert_int_equal(in_read_row(&r, v), strict ? -1 : 1);
        if (strict) assert_string_equal(r.error, "truncated TabSeparated row: input ended before its newline");
        else assert_memory_equal(v[1].s, "a", 1);
        in_free(&r);
        close(fd);
    }
}

static void decode(const char *msg, dbz_event *ev) {
    arena a;
    arena_init(&a);
    dbz_decode(msg, strlen(msg), &a, ev);
    arena_free(&a);   /* only scalars and the error are read afterwards */
}

/* test_adversarial: a repeated envelope member silently took the last value
 * (op "c" then "d" answered a delete), unlike every lookup, which takes the
 * first.  Now the first is used and the repeat is named in `error`. */
static void test_duplicate_members_are_reported(void **state) {
    (void)state;
    dbz_event ev;
    decode("{\"op\":\"c\",\"op\":\"d\",\"before\":{\"id\":1},\"after\":{\"id\":2}}", &ev);
    assert_int_equal(ev.kind, DBZ_CHANGE);
    assert_int_equal(ev.op, 'c');
    assert_string_equal(ev.error, "duplicate member \"op\" in the change event (the first is used)");
    decode("{\"schema\":{},\"payload\":{\"op\":\"u\",\"after\":{\"id\":1},\"after\":{\"id\":22}}}", &ev);
    assert_int_equal(ev.op, 'u');
    assert_int_equal(json_raw_len(&ev.after), 8);   /* {"id":1} */
    assert_string_equal(ev.error, "duplicate member \"after\" in the change event (the first is used)");
    decode("{\"op\":\"c\",\"after\":{\"id\":1},\"source\":{\"lsn\":5}}", &ev);
    assert_string_equal(ev.error, "");
}

/* test_adversarial: numbers out of range for debezium_unwrap's UInt64/Int64
 * columns, and a non-object "source", became 0 with no error. */
static void test_out_of_range_numbers_are_reported(void **state) {
    (void)state;
    dbz_event ev;
    decode("{\"op\":\"c\",\"after\":{},\"source\":{\"lsn\":18446744073709551616}}", &ev);
    assert_int_equal(ev.kind, DBZ_CHANGE);
    assert_int_equal(ev.source_lsn, 0);
    assert_string_equal(ev.error, "source.lsn is not an integer in the UInt64 range (taken as 0)");
    decode("{\"op\":\"c\",\"after\":{},\"source\":{\"lsn\":18446744073709551615,\"txId\":-1}}", &ev);
    assert_true(ev.source_lsn == UINT64_MAX);
    assert_string_equal(ev.error, "source.txId is not an integer in the UInt64 range (taken as 0)");
    decode("{\"op\":\"c\",\"after\":{},\"ts_ms\":1.5}", &ev);
    assert_string_equal(ev.error, "ts_ms is not an integer in the Int64 range (taken as 0)");
    decode("{\"op\":\"c\",\"after\":{},\"source\":[1]}", &ev);
    assert_string_equal(ev.error, "\"source\" is not an object (ignored)");
    decode("{\"op\":\"c\",\"after\":{},\"source\":{\"lsn\":null,\"ts_ms\":null}}", &ev);
    assert_string_equal(ev.error, "");
}

/* fuzz_fn_debezium_flatten (regress-empty-map-*): a Map(String, String)
 * with no entries, before any row had one, wrote its empty element buffer
 * (RowBinary) and its empty key and value columns (Native) through
 * io_write(w, NULL, 0): memcpy from NULL, undefined even for 0 bytes
 * (UBSan stopped the process).  Zero bytes are now no write at all. */
static void test_empty_map_writes_nothing_from_null(void **state) {
    (void)state;
    int fd = memfd_of("", 0);
    io_writer w;
    io_writer_init(&w, fd);
    io_write(&w, NULL, 0);
    io_write(&w, "ab", 2);
    io_write(&w, NULL, 0);
    io_flush(&w);
    assert_int_equal(lseek(fd, 0, SEEK_END), 2);
    io_writer_free(&w);
    close(fd);
    /* the row that found it: a dropped tombstone, headers {} */
    static const char *const none[] = {NULL};
    fn_runner r;
    arena a;
    arena_init(&a);
    fn_open(&r, &debezium_flatten_udf, debezium_flatten_udf.self, none);
    fn_answer(&r, "", 0, &a);
    assert_int_equal(r.cap.len, 6);   /* value '', headers {}, topic '', is_tombstone 0, skip 1, error '' */
    assert_memory_equal(r.cap.data, "\0\0\0\0\1\0", 6);
    fn_answer(&r, "[1]", 3, &a);       /* passed on: value "[1]", headers {} */
    assert_int_equal(r.cap.len, 9);
    assert_memory_equal(r.cap.data, "\3[1]\0\0\0\0\0", 9);
    fn_close(&r);
    arena_free(&a);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_length_prefix_promises_cost_nothing),
        cmocka_unit_test(test_buffer_shrinks_after_a_huge_row),
        cmocka_unit_test(test_tsv_pool_row_needs_its_newline),
        cmocka_unit_test(test_duplicate_members_are_reported),
        cmocka_unit_test(test_out_of_range_numbers_are_reported),
        cmocka_unit_test(test_empty_map_writes_nothing_from_null),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
