/* test_framing.c — broken framing against the built binaries.
 *
 * What ClickHouse (or a broken pipe) can do to a UDF process's stdio:
 * RowBinary cut at every byte, a chunk header announcing more rows than
 * follow, stdin closed mid-row by a live writer, stdout closed by the
 * reader (SIGPIPE), 0-row chunks, malformed headers, a TabSeparated pool
 * row without its newline.  Each must end with exactly one stderr line
 * naming the program and the documented exit status (65 framing, 74 I/O),
 * within the hang guard of udfproc.h, and stdout must hold the complete
 * answers of the complete rows before the fault — never a partial row.
 * The same for Native: a block cut at every byte, blocks that do not add
 * up to their chunk header, the wrong column count or type. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "nativefmt.h"
#include "udfproc.h"

static const char *const rb_chunked[] = {"--format", "RowBinary", "--chunked", NULL};

/* payload_get rows and their RowBinary answers (Nullable(String)). */
static const struct { const char *json, *path, *answer; size_t answer_n; } rows[] = {
    {"{\"a\":\"x\"}", "a", "\x00\x01x", 3},
    {"{\"b\":[1,22]}", "b.1", "\x00\x02" "22", 4},
    {"{\"c\":null}", "c", "\x01", 1},
};
#define NROWS 3

static void add_row(tbuf *b, int i) {
    tb_rb_string(b, rows[i].json, strlen(rows[i].json));
    tb_rb_string(b, rows[i].path, strlen(rows[i].path));
}

static void assert_one_line(const udfproc_result *r, const char *prog, const char *text) {
    char want[512];
    snprintf(want, sizeof(want), "%s: %s\n", prog, text);
    if (r->err.n != strlen(want) || memcmp(r->err.p, want, r->err.n))
        fail_msg("stderr '%s', expected '%s'", r->err.p ? r->err.p : "", want);
}

static void assert_answers(const udfproc_result *r, int complete) {
    tbuf want = {0};
    for (int i = 0; i < complete; i++) tb_put(&want, rows[i].answer, rows[i].answer_n);
    if (r->out.n != want.n || (want.n && memcmp(r->out.p, want.p, want.n)))
        fail_msg("stdout holds %zu bytes, expected the %d complete answer(s) (%zu bytes)", r->out.n, complete, want.n);
    tb_free(&want);
}

/* Every prefix of a valid 3-row chunk: the process answers the rows it got
 * whole and then fails with one line — or, at a row boundary, reports the
 * short chunk. */
static void test_rowbinary_cut_at_every_byte(void **state) {
    (void)state;
    tbuf in = {0};
    size_t row_end[NROWS];
    tb_puts(&in, "3\n");
    for (int i = 0; i < NROWS; i++) {
        add_row(&in, i);
        row_end[i] = in.n;
    }
    for (size_t cut = 0; cut <= in.n; cut++) {
        udfproc_result r;
        assert_int_equal(udfproc_run("payload_get", rb_chunked, in.p, cut, &r), 0);
        int complete = 0;
        while (complete < NROWS && row_end[complete] <= cut) complete++;
        int at_boundary = cut == 2 || (complete > 0 && row_end[complete - 1] == cut);
        if (cut == 0 || cut == in.n) {
            assert_int_equal(udfproc_code(&r), 0);
            assert_int_equal(r.err.n, 0);
        } else if (cut < 2) {
            assert_int_equal(udfproc_code(&r), 65);
            assert_one_line(&r, "payload_get", "input ended inside a chunk header");
        } else if (at_boundary) {
            char msg[128];
            snprintf(msg, sizeof(msg), "chunk header announced 3 rows but input ended after %d", complete);
            assert_int_equal(udfproc_code(&r), 65);
            assert_one_line(&r, "payload_get", msg);
        } else {
            assert_int_equal(udfproc_code(&r), 65);
            assert_int_equal(tb_lines(&r.err), 1);
            assert_non_null(strstr(r.err.p, "payload_get: truncated RowBinary row: input ended inside argument "));
        }
        assert_answers(&r, complete);
        udfproc_result_free(&r);
    }
    tb_free(&in);
}

static void test_header_announces_more_rows(void **state) {
    (void)state;
    tbuf in = {0};
    tb_puts(&in, "5\n");
    add_row(&in, 0);
    add_row(&in, 1);
    udfproc_result r;
    assert_int_equal(udfproc_run("payload_get", rb_chunked, in.p, in.n, &r), 0);
    assert_int_equal(udfproc_code(&r), 65);
    assert_one_line(&r, "payload_get", "chunk header announced 5 rows but input ended after 2");
    assert_answers(&r, 2);
    udfproc_result_free(&r);
    tb_free(&in);
}

/* A live writer: one whole chunk answered (the process is in its loop),
 * then half a row and stdin closed. */
static void test_stdin_closed_mid_row(void **state) {
    (void)state;
    udfproc p;
    udfproc_result r;
    memset(&r, 0, sizeof(r));
    assert_int_equal(udfproc_spawn(&p, "payload_get", rb_chunked), 0);
    tbuf in = {0};
    tb_puts(&in, "1\n");
    add_row(&in, 0);
    assert_int_equal(udfproc_pump(&p, in.p, in.n, 0, &r), 0);
    while (r.out.n < rows[0].answer_n) {
        char buf[16];
        ssize_t got = read(p.out, buf, sizeof(buf));
        assert_true(got > 0);
        tb_put(&r.out, buf, (size_t)got);
    }
    in.n = 0;
    tb_puts(&in, "1\n");
    add_row(&in, 1);
    assert_int_equal(udfproc_pump(&p, in.p, in.n - 3, 1, &r), 0);  /* path "b.1" cut after its length */
    udfproc_finish(&p, &r);
    assert_int_equal(udfproc_code(&r), 65);
    assert_one_line(&r, "payload_get", "truncated RowBinary row: input ended inside argument 2");
    assert_answers(&r, 1);
    udfproc_result_free(&r);
    tb_free(&in);
}

/* The reader went away: the next flush meets EPIPE (SIGPIPE is ignored),
 * which is exit 74 with one line — in both execution modes. */
static void stdout_closed(const char *const *args, const char *input, size_t n) {
    udfproc p;
    udfproc_result r;
    memset(&r, 0, sizeof(r));
    assert_int_equal(udfproc_spawn(&p, "debezium_unwrap", args), 0);
    udfproc_close(&p.out);
    assert_int_equal(udfproc_pump(&p, input, n, 1, &r), 0);
    udfproc_finish(&p, &r);
    assert_int_equal(udfproc_code(&r), 74);
    assert_one_line(&r, "debezium_unwrap", "stdout closed by the reader before all rows were written");
    udfproc_result_free(&r);
}

static void test_stdout_closed_by_reader(void **state) {
    (void)state;
    const char *msg = "{\"op\":\"c\",\"after\":{\"id\":1}}";
    tbuf in = {0};
    tb_puts(&in, "1\n");
    tb_rb_string(&in, msg, strlen(msg));
    stdout_closed(rb_chunked, in.p, in.n);
    const char *tsv[] = {NULL};
    stdout_closed(tsv, "{}\n{}\n", 6);
    tb_free(&in);
}

static void test_zero_row_chunks(void **state) {
    (void)state;
    udfproc_result r;
    assert_int_equal(udfproc_run("payload_get", rb_chunked, "0\n", 2, &r), 0);
    assert_int_equal(udfproc_code(&r), 0);
    assert_int_equal(r.out.n, 0);
    assert_int_equal(r.err.n, 0);
    udfproc_result_free(&r);

    tbuf in = {0};
    tb_puts(&in, "0\n1\n");
    add_row(&in, 0);
    tb_puts(&in, "0\n0\n2\n");
    add_row(&in, 1);
    add_row(&in, 2);
    tb_puts(&in, "0\n");
    assert_int_equal(udfproc_run("payload_get", rb_chunked, in.p, in.n, &r), 0);
    assert_int_equal(udfproc_code(&r), 0);
    assert_int_equal(r.err.n, 0);
    assert_answers(&r, 3);
    udfproc_result_free(&r);
    tb_free(&in);
}

static void test_malformed_chunk_headers(void **state) {
    (void)state;
    static const char *const bad[] = {"x\n", "\n", "-1\n", "1 \n", "12345678901234567890\n"};
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        udfproc_result r;
        assert_int_equal(udfproc_run("payload_get", rb_chunked, bad[i], strlen(bad[i]), &r), 0);
        assert_int_equal(udfproc_code(&r), 65);
        assert_one_line(&r, "payload_get", "bad chunk header: expected a row count and a newline");
        assert_int_equal(r.out.n, 0);
        udfproc_result_free(&r);
    }
}

/* In pool mode a TabSeparated row always ends with '\n': without it the
 * row was cut, and is not answered from the fragment. */
static void test_tsv_pool_row_without_newline(void **state) {
    (void)state;
    const char *args[] = {"--chunked", NULL};
    udfproc_result r;
    const char *in = "2\n{\"a\":\"x\"}\ta\n{\"b\":[1,22]}\tb.";
    assert_int_equal(udfproc_run("payload_get", args, in, strlen(in), &r), 0);
    assert_int_equal(udfproc_code(&r), 65);
    assert_one_line(&r, "payload_get", "truncated TabSeparated row: input ended before its newline");
    assert_int_equal(r.out.n, 2);
    assert_memory_equal(r.out.p, "x\n", 2);
    udfproc_result_free(&r);

    const char *plain = "{\"a\":\"x\"}\ta";   /* executable mode: a hand-typed last line is a row */
    assert_int_equal(udfproc_run("payload_get", NULL, plain, strlen(plain), &r), 0);
    assert_int_equal(udfproc_code(&r), 0);
    assert_int_equal(r.out.n, 2);
    assert_memory_equal(r.out.p, "x\n", 2);
    udfproc_result_free(&r);
}

/* ------------------------------------------------------------- Native */

static const char *const native_chunked[] = {"--format", "Native", "--chunked", NULL};

/* "3\n" and one Native block of the 3 payload_get rows; row_end[i]: the
 * offset just after row i's `path`, the streamed column. */
static void native_input(tbuf *in, size_t *row_end, int nrows, const char *head) {
    tb_puts(in, head);
    tb_leb128(in, 2);
    tb_leb128(in, (uint64_t)nrows);
    tb_rb_string(in, "json", 4);
    tb_rb_string(in, "String", 6);
    for (int i = 0; i < nrows; i++) tb_rb_string(in, rows[i % NROWS].json, strlen(rows[i % NROWS].json));
    tb_rb_string(in, "path", 4);
    tb_rb_string(in, "String", 6);
    for (int i = 0; i < nrows; i++) {
        tb_rb_string(in, rows[i % NROWS].path, strlen(rows[i % NROWS].path));
        if (row_end) row_end[i] = in->n;
    }
}

/* stdout holds the complete rows' answers as Native blocks. */
static void assert_native_answers(const udfproc_result *r, int complete) {
    chtype t;
    const char *why = "";
    assert_int_equal(chtype_parse("Nullable(String)", 16, &t, &why), 0);
    tbuf back = {0}, want = {0};
    ntv_blocks info;
    if (ntv_answer_to_rowbinary(r->out.p, r->out.n, &t, 1, &back, &info, &why) < 0) fail_msg("stdout: %s", why);
    for (int i = 0; i < complete; i++) tb_put(&want, rows[i].answer, rows[i].answer_n);
    if (back.n != want.n || (want.n && memcmp(back.p, want.p, want.n)))
        fail_msg("stdout holds %llu rows, expected the %d complete answer(s)", (unsigned long long)info.total, complete);
    assert_true(info.total == (uint64_t)complete);
    tb_free(&back);
    tb_free(&want);
}

static void test_native_cut_at_every_byte(void **state) {
    (void)state;
    tbuf in = {0};
    size_t row_end[NROWS];
    native_input(&in, row_end, NROWS, "3\n");
    for (size_t cut = 0; cut <= in.n; cut++) {
        udfproc_result r;
        assert_int_equal(udfproc_run("payload_get", native_chunked, in.p, cut, &r), 0);
        int complete = 0;
        while (complete < NROWS && row_end[complete] <= cut) complete++;
        if (cut == 0 || cut == in.n) {
            assert_int_equal(udfproc_code(&r), 0);
            assert_int_equal(r.err.n, 0);
        } else if (cut < 2) {
            assert_int_equal(udfproc_code(&r), 65);
            assert_one_line(&r, "payload_get", "input ended inside a chunk header");
        } else if (cut == 2) {
            assert_int_equal(udfproc_code(&r), 65);
            assert_one_line(&r, "payload_get", "chunk header announced 3 rows but input ended after 0");
        } else {
            if (udfproc_code(&r) != 65) print_error("cut %zu: exit %d, stderr %s\n", cut, udfproc_code(&r), r.err.p);
            assert_int_equal(udfproc_code(&r), 65);
            assert_int_equal(tb_lines(&r.err), 1);
            assert_non_null(strstr(r.err.p, "payload_get: truncated Native block: input ended inside "));
        }
        assert_native_answers(&r, complete);
        udfproc_result_free(&r);
    }
    tb_free(&in);
}

static void native_fails(const tbuf *in, const char *msg, int complete) {
    udfproc_result r;
    assert_int_equal(udfproc_run("payload_get", native_chunked, in->p, in->n, &r), 0);
    assert_int_equal(udfproc_code(&r), 65);
    assert_one_line(&r, "payload_get", msg);
    assert_native_answers(&r, complete);
    udfproc_result_free(&r);
}

/* The chunk header and the blocks must agree on the row count. */
static void test_native_rows_against_chunk_header(void **state) {
    (void)state;
    tbuf in = {0};
    native_input(&in, NULL, 2, "5\n");
    native_fails(&in, "chunk header announced 5 rows but input ended after 2", 2);
    in.n = 0;
    native_input(&in, NULL, 3, "2\n");
    native_fails(&in, "Native block of 3 rows, but its chunk header announced only 2 more", 0);
    /* a chunk in two blocks is fine; the next chunk header must follow */
    in.n = 0;
    native_input(&in, NULL, 1, "3\n");
    native_input(&in, NULL, 2, "");
    native_input(&in, NULL, 3, "3\n");
    udfproc_result r;
    assert_int_equal(udfproc_run("payload_get", native_chunked, in.p, in.n, &r), 0);
    assert_int_equal(udfproc_code(&r), 0);
    assert_int_equal(r.err.n, 0);
    udfproc_result_free(&r);
    tb_free(&in);
}

static void test_native_wrong_columns(void **state) {
    (void)state;
    tbuf in = {0};
    tb_puts(&in, "1\n");
    tb_leb128(&in, 1);
    tb_leb128(&in, 1);
    tb_rb_string(&in, "json", 4);
    tb_rb_string(&in, "String", 6);
    tb_rb_string(&in, "{}", 2);
    native_fails(&in, "Native block has 1 column(s), expected 2 (the function's arguments)", 0);
    in.n = 0;
    tb_puts(&in, "1\n");
    tb_leb128(&in, 2);
    tb_leb128(&in, 1);
    tb_rb_string(&in, "json", 4);
    tb_rb_string(&in, "Nullable(String)", 16);
    native_fails(&in, "Native column 1 ('json') has type 'Nullable(String)', expected 'String'", 0);
    tb_free(&in);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_rowbinary_cut_at_every_byte),
        cmocka_unit_test(test_header_announces_more_rows),
        cmocka_unit_test(test_stdin_closed_mid_row),
        cmocka_unit_test(test_stdout_closed_by_reader),
        cmocka_unit_test(test_zero_row_chunks),
        cmocka_unit_test(test_malformed_chunk_headers),
        cmocka_unit_test(test_tsv_pool_row_without_newline),
        cmocka_unit_test(test_native_cut_at_every_byte),
        cmocka_unit_test(test_native_rows_against_chunk_header),
        cmocka_unit_test(test_native_wrong_columns),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
