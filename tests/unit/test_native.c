/* test_native.c — unit tests of the Native format: the block and column
 * headers (native.c), Native argument rows (input.c) and Native answer
 * blocks (result.c).  The binaries' Native answers are tested in
 * tests/binary/test_native_answers.c.
 *
 * Expected bytes are either written out by hand or produced by the tests'
 * own codec (nativefmt.h), which turns RowBinary rows into Native blocks and
 * back; our RowBinary reader and writer are tested in test_formats.c.
 * Readers run over a pipe fed by a child in odd-sized pieces, so values
 * straddle reads the way a ClickHouse block does. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <math.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "chtype.h"
#include "input.h"
#include "io.h"
#include "native.h"
#include "nativefmt.h"
#include "result.h"
#include "udfproc.h"
#include "capture.h"

/* ---------------------------------------------------------------- helpers */

/* A Native input reader over bytes, with the argument types given by name. */
typedef struct reader_case {
    udfproc_feeder f;
    chtype types[UDF_MAX_ARGS];
    in_reader in;
    udf_value v[UDF_MAX_ARGS];
} reader_case;

static void reader_open(reader_case *c, const void *bytes, size_t n, const char *const *types, int ntypes) {
    for (int i = 0; i < ntypes; i++) c->types[i] = type_of(types[i]);
    c->f = udfproc_feed(bytes, n, 4093);
    in_init(&c->in, c->f.fd, FMT_NATIVE, c->types, ntypes);
    memset(c->v, 0, sizeof(c->v));
}

static void reader_close(reader_case *c) {
    in_free(&c->in);
    udfproc_feed_done(&c->f);
}

static void val_is(const udf_value *v, const char *want, size_t n) {
    assert_false(v->is_null);
    assert_int_equal(v->n, n);
    assert_memory_equal(v->s, want, n);
}
#define VAL_IS(v, lit) val_is((v), (lit), sizeof(lit) - 1)

/* Reads `good` rows, then one that fails with `why`; closes the case. */
static void reads_then_fails(reader_case *c, int good, const char *why) {
    for (int i = 0; i < good; i++) assert_int_equal(in_read_row(&c->in, c->v), 1);
    assert_int_equal(in_read_row(&c->in, c->v), -1);
    assert_string_equal(c->in.error, why);
    reader_close(c);
}

/* Native bytes for blocks of the RowBinary rows in rb (nativefmt.h):
 * blocks[i] rows each, columns named a1, a2, … */
static void native_of(tbuf *out, const chtype *types, int ntypes, const tbuf *rb, const uint64_t *blocks,
                      size_t nblocks) {
    static const char *const names[] = {"a1", "a2", "a3", "a4", "a5", "a6", "a7", "a8"};
    tcursor c = tc_of(rb->p, rb->n);
    for (size_t b = 0; b < nblocks; b++) assert_int_equal(ntv_block_from_rowbinary(out, types, names, ntypes, &c, blocks[b]), 0);
    assert_true(c.p == c.end);
}


/* ============================================================ 1. headers */

static void test_header_bytes(void **state) {
    (void)state;
    capture c;
    cap_init(&c);
    native_write_block_start(&c.w, 1, 300);
    native_write_column_header(&c.w, "result", "Tuple(a UInt32, b String)");
    cap_take(&c);
    BYTES_ARE(c.data, c.len, "\x01\xac\x02\x06result\x19Tuple(a UInt32, b String)");
    cap_free(&c);
}

/* What a header reader makes of bytes (a pipe, one byte per write). */
static int read_header(const char *bytes, size_t n, const char *type, uint64_t *ncols, uint64_t *nrows, char *err,
                       size_t errcap, char *name, size_t namecap) {
    udfproc_feeder f = udfproc_feed(bytes, n, 1);
    io_reader r;
    io_reader_init(&r, f.fd);
    const char *why = "";
    int rc = native_read_block_start(&r, ncols, nrows, &why);
    snprintf(err, errcap, "%s", why);
    if (rc > 0) {
        chtype want = type_of(type);
        rc = native_read_column_header(&r, 0, &want, name, namecap, err, errcap);
    }
    io_reader_free(&r);
    udfproc_feed_done(&f);
    return rc;
}

static void test_header_reading(void **state) {
    (void)state;
    uint64_t nc = 0, nr = 0;
    char err[320], name[48];
    static const char ok[] = "\x02\xff\xff\x03\x07message\x1eNullable(DateTime64(6, 'UTC'))";
    assert_int_equal(read_header(ok, sizeof(ok) - 1, "Nullable(DateTime64(6))", &nc, &nr, err, sizeof(err), name, sizeof(name)), 1);
    assert_true(nc == 2 && nr == 65535);
    assert_string_equal(name, "message");
    /* nothing at all: a clean end */
    assert_int_equal(read_header("", 0, "String", &nc, &nr, err, sizeof(err), name, sizeof(name)), 0);
    /* cut in the block start */
    static const char *const cuts_start[] = {"\x01", "\x01\x80"};
    for (size_t i = 0; i < 2; i++) {
        assert_int_equal(read_header(cuts_start[i], strlen(cuts_start[i]), "String", &nc, &nr, err, sizeof(err), name, sizeof(name)), -1);
        assert_string_equal(err, "truncated Native block: input ended inside the block header");
    }
    /* cut anywhere in the column header */
    static const char col[] = "\x01\x02\x07message\x06String";
    for (size_t cut = 2; cut < sizeof(col) - 1; cut++) {
        assert_int_equal(read_header(col, cut, "String", &nc, &nr, err, sizeof(err), name, sizeof(name)), -1);
        assert_string_equal(err, "truncated Native block: input ended inside the header of column 1");
    }
    assert_int_equal(read_header(col, sizeof(col) - 1, "String", &nc, &nr, err, sizeof(err), name, sizeof(name)), 1);
    /* the wrong type, named with what was expected */
    assert_int_equal(read_header(col, sizeof(col) - 1, "Nullable(String)", &nc, &nr, err, sizeof(err), name, sizeof(name)), -1);
    assert_string_equal(err, "Native column 1 ('message') has type 'String', expected 'Nullable(String)'");
    /* a name longer than any column's, claimed: refused before it arrives */
    static const char longname[] = "\x01\x02\xff\xff\x03";
    assert_int_equal(read_header(longname, sizeof(longname) - 1, "String", &nc, &nr, err, sizeof(err), name, sizeof(name)), -1);
    assert_string_equal(err, "bad Native block: column 1's name or type name is longer than 4096 bytes");
}

static void test_type_matching(void **state) {
    (void)state;
    static const struct { const char *want, *got; int match; } cases[] = {
        {"String", "String", 1},
        {"String", "Nullable(String)", 0},
        {"Nullable(String)", "String", 0},
        {"String", "LowCardinality(String)", 0},
        {"String", "FixedString(3)", 0},
        {"DateTime64(6, 'UTC')", "DateTime64(6)", 1},          /* the zone does not change the ticks */
        {"DateTime64(6, 'UTC')", "DateTime64(6, 'Asia/Tokyo')", 1},
        {"DateTime64(6, 'UTC')", "DateTime64(3, 'UTC')", 0},   /* the precision does */
        {"Nullable(DateTime64(6, 'UTC'))", "Nullable(DateTime64(6, 'UTC'))", 1},
        {"UInt8", "Bool", 0},
        {"Int64", "Int64", 1},
        {"Int64", "UInt64", 0},
        {"String", "", 0},
        {"String", "String ", 1},
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        chtype want = type_of(cases[i].want);
        if (native_type_matches(&want, cases[i].got, strlen(cases[i].got)) != cases[i].match)
            fail_msg("%s vs '%s': expected %d", cases[i].want, cases[i].got, cases[i].match);
    }
}

/* ============================================================== 2. input */

static const char *const types4[] = {"String", "Nullable(String)", "DateTime64(6, 'UTC')", "Nullable(DateTime64(6, 'UTC'))"};

/* Row r of a 4-argument table: every kind, NULLs, empty strings, NUL bytes, negative ticks. */
static void row4(tbuf *rb, int r) {
    char s[32];
    int n = snprintf(s, sizeof(s), "row-%d", r);
    tb_rb_string(rb, r % 5 == 0 ? "" : s, r % 5 == 0 ? 0 : (size_t)n);
    if (r % 3 == 0) {
        tb_put(rb, "\x01", 1);
    } else {
        tb_put(rb, "\x00", 1);
        tb_rb_string(rb, "a\0b", r % 2 ? 3 : 0);
    }
    int64_t t = (int64_t)r * 1000003 - 5;
    for (int i = 0; i < 8; i++) tb_put(rb, &(char){(char)((uint64_t)t >> (8 * i))}, 1);
    if (r % 4 == 1) {
        tb_put(rb, "\x01", 1);
    } else {
        tb_put(rb, "\x00", 1);
        for (int i = 0; i < 8; i++) tb_put(rb, &(char){(char)((uint64_t)-t >> (8 * i))}, 1);
    }
}

static void row4_is(const udf_value *v, int r) {
    char s[32];
    int n = snprintf(s, sizeof(s), "row-%d", r);
    val_is(&v[0], r % 5 == 0 ? "" : s, r % 5 == 0 ? 0 : (size_t)n);
    assert_int_equal(v[1].is_null, r % 3 == 0);
    if (r % 3) val_is(&v[1], "a\0b", r % 2 ? 3 : 0);
    int64_t t = (int64_t)r * 1000003 - 5;
    assert_false(v[2].is_null);
    assert_int_equal(v[2].ticks, t);
    assert_int_equal(v[3].is_null, r % 4 == 1);
    if (r % 4 != 1) assert_int_equal(v[3].ticks, -t);
}

/* Blocks of 7, 0 and 13 rows, then the end: every value of every kind, the
 * earlier columns held and the last streamed. */
static void test_input_every_argument_kind(void **state) {
    (void)state;
    chtype t[4];
    for (int i = 0; i < 4; i++) t[i] = type_of(types4[i]);
    tbuf rb = {0}, in = {0};
    for (int r = 0; r < 20; r++) row4(&rb, r);
    native_of(&in, t, 4, &rb, (const uint64_t[]){7, 0, 13}, 3);
    reader_case c;
    reader_open(&c, in.p, in.n, types4, 4);
    for (int r = 0; r < 20; r++) {
        assert_int_equal(in_read_row(&c.in, c.v), 1);
        row4_is(c.v, r);
    }
    assert_int_equal(in_read_row(&c.in, c.v), 0);
    assert_int_equal(in_read_row(&c.in, c.v), 0);
    reader_close(&c);
    tb_free(&rb);
    tb_free(&in);
}

/* One argument column is streamed: a block of eight 4 MB messages goes
 * through a read buffer that holds about one of them, never the block. */
static void test_input_one_column_streams(void **state) {
    (void)state;
    const size_t big = 4u << 20;
    static const char *const one[] = {"String"};
    chtype t = type_of("String");
    char *blob = malloc(big);
    assert_non_null(blob);
    for (size_t i = 0; i < big; i++) blob[i] = (char)('a' + i % 26);
    tbuf rb = {0}, in = {0};
    for (int r = 0; r < 8; r++) tb_rb_string(&rb, blob, big - (size_t)r);
    native_of(&in, &t, 1, &rb, (const uint64_t[]){8}, 1);
    reader_case c;
    reader_open(&c, in.p, in.n, one, 1);
    size_t peak = 0;
    for (int r = 0; r < 8; r++) {
        assert_int_equal(in_read_row(&c.in, c.v), 1);
        val_is(&c.v[0], blob, big - (size_t)r);
        if (c.in.io.cap > peak) peak = c.in.io.cap;
    }
    assert_int_equal(in_read_row(&c.in, c.v), 0);
    print_message("8 x 4 MB in one Native block: read buffer peaked at %zu bytes\n", peak);
    assert_true(peak <= 2 * big + (1u << 20));        /* one value (doubling), not eight */
    assert_int_equal(c.in.native.held.cap, 0);        /* nothing held */
    reader_close(&c);
    tb_free(&rb);
    tb_free(&in);
    free(blob);
}

/* Two columns: the first is held for the block, in its own buffer; the
 * read buffer does not grow for it. */
static void test_input_earlier_column_held(void **state) {
    (void)state;
    const size_t big = 3u << 20;
    static const char *const two[] = {"String", "Nullable(String)"};
    chtype t[2] = {type_of(two[0]), type_of(two[1])};
    char *blob = malloc(big);
    assert_non_null(blob);
    for (size_t i = 0; i < big; i++) blob[i] = (char)('A' + i % 26);
    tbuf rb = {0}, in = {0};
    for (int r = 0; r < 4; r++) {
        tb_rb_string(&rb, blob, big - (size_t)r);
        tb_put(&rb, r == 2 ? "\x01" : "\x00", 1);
        if (r != 2) tb_rb_string(&rb, "tail", 4);
    }
    native_of(&in, t, 2, &rb, (const uint64_t[]){4}, 1);
    reader_case c;
    reader_open(&c, in.p, in.n, two, 2);
    for (int r = 0; r < 4; r++) {
        assert_int_equal(in_read_row(&c.in, c.v), 1);
        val_is(&c.v[0], blob, big - (size_t)r);
        assert_int_equal(c.v[1].is_null, r == 2);
        if (r != 2) VAL_IS(&c.v[1], "tail");
        assert_true(c.in.io.cap < (1u << 20));        /* the 12 MB are in held, not in the read buffer */
    }
    assert_true(c.in.native.held.len == 4 * big - 6);
    assert_int_equal(in_read_row(&c.in, c.v), 0);
    reader_close(&c);
    tb_free(&rb);
    tb_free(&in);
    free(blob);
}

/* Every proper prefix of two blocks (3 and 2 rows) of the 4 kinds: the rows
 * before the cut come out, then a clean end at a block boundary or one
 * framing error saying where the input ended. */
static void test_input_truncated_everywhere(void **state) {
    (void)state;
    chtype t[4];
    for (int i = 0; i < 4; i++) t[i] = type_of(types4[i]);
    tbuf rb = {0}, in = {0};
    for (int r = 0; r < 5; r++) row4(&rb, r + 1);
    native_of(&in, t, 4, &rb, (const uint64_t[]){3, 2}, 2);
    /* the first block's end: the end of the byte stream holding its 3 rows */
    tbuf first = {0};
    tcursor cur = tc_of(rb.p, rb.n);
    static const char *const names[] = {"a1", "a2", "a3", "a4"};
    assert_int_equal(ntv_block_from_rowbinary(&first, t, names, 4, &cur, 3), 0);
    for (size_t cut = 0; cut <= in.n; cut++) {
        reader_case c;
        reader_open(&c, in.p, cut, types4, 4);
        int rows = 0, rc;
        while ((rc = in_read_row(&c.in, c.v)) == 1) row4_is(c.v, ++rows);
        if (cut == 0 || cut == first.n || cut == in.n) {
            if (rc != 0) print_error("cut %zu: rc %d (%s)\n", cut, rc, c.in.error);
            assert_int_equal(rc, 0);
            assert_int_equal(rows, cut == 0 ? 0 : cut == first.n ? 3 : 5);
        } else {
            if (rc != -1) print_error("cut %zu: rc %d after %d rows\n", cut, rc, rows);
            assert_int_equal(rc, -1);
            assert_non_null(strstr(c.in.error, "truncated Native block: input ended inside "));
            /* a block's rows come out as its last column streams */
            if (cut < first.n) assert_true(rows < 3);
            else assert_true(rows >= 3 && rows < 5);
        }
        reader_close(&c);
    }
    /* two exact messages */
    reader_case c;
    reader_open(&c, in.p, 3, types4, 4);     /* ncolumns, nrows, then one byte of a1's name length */
    reads_then_fails(&c, 0, "truncated Native block: input ended inside the header of column 1");
    reader_open(&c, in.p, first.n - 1, types4, 4);
    reads_then_fails(&c, 2, "truncated Native block: input ended inside column 4 ('a4') at row 3 of 3");
    tb_free(&rb);
    tb_free(&in);
    tb_free(&first);
}

static void input_fails(const tbuf *in, const char *const *types, int ntypes, const char *error) {
    reader_case c;
    reader_open(&c, in->p, in->n, types, ntypes);
    int rc = in_read_row(&c.in, c.v);
    if (rc != -1) print_error("rc %d\n", rc);
    assert_int_equal(rc, -1);
    assert_string_equal(c.in.error, error);
    reader_close(&c);
}

static void test_input_framing_errors(void **state) {
    (void)state;
    static const char *const one[] = {"String"};
    static const char *const two[] = {"String", "String"};
    tbuf in = {0};
    /* two columns where one is declared */
    tb_puts(&in, "\x02\x01\x01" "a\x06String\x01x\x01" "b\x06String\x01y");
    input_fails(&in, one, 1, "Native block has 2 column(s), expected 1 (the function's arguments)");
    input_fails(&in, types4, 4, "Native block has 2 column(s), expected 4 (the function's arguments)");
    in.n = 0;
    /* the second column's type is not the declared one */
    tb_puts(&in, "\x02\x01\x04json\x06String\x01x\x04path\x05Int32");
    input_fails(&in, two, 2, "Native column 2 ('path') has type 'Int32', expected 'String'");
    in.n = 0;
    /* a held column cut in its null map */
    static const char cut_map[] = "\x02\x05\x01" "a\x10Nullable(String)\x00\x00";
    tb_put(&in, cut_map, sizeof(cut_map) - 1);
    static const char *const nstr2[] = {"Nullable(String)", "String"};
    input_fails(&in, nstr2, 2, "truncated Native block: input ended inside the null map of column 1 ('a')");
    tb_free(&in);
}

/* Chunk headers and blocks: a chunk in two blocks, a chunk of one block,
 * and a block larger than its chunk. */
static void test_input_chunks(void **state) {
    (void)state;
    static const char *const one[] = {"String"};
    chtype t = type_of("String");
    tbuf rb = {0}, in = {0};
    for (int r = 0; r < 6; r++) tb_rb_string(&rb, "abcdef", (size_t)r);
    tb_puts(&in, "4\n");
    tcursor c6 = tc_of(rb.p, rb.n);
    static const char *const names[] = {"message"};
    assert_int_equal(ntv_block_from_rowbinary(&in, &t, names, 1, &c6, 1), 0);
    assert_int_equal(ntv_block_from_rowbinary(&in, &t, names, 1, &c6, 3), 0);
    tb_puts(&in, "2\n");
    assert_int_equal(ntv_block_from_rowbinary(&in, &t, names, 1, &c6, 2), 0);
    reader_case c;
    reader_open(&c, in.p, in.n, one, 1);
    uint64_t rows;
    int r = 0;
    for (int chunk = 0; chunk < 2; chunk++) {
        assert_int_equal(in_read_chunk_header(&c.in, &rows), 1);
        assert_true(rows == (chunk ? 2u : 4u));
        for (uint64_t i = 0; i < rows; i++, r++) {
            assert_int_equal(in_read_row(&c.in, c.v), 1);
            val_is(&c.v[0], "abcdef", (size_t)r);
        }
    }
    assert_int_equal(in_read_chunk_header(&c.in, &rows), 0);
    reader_close(&c);

    /* "2\n" then a block of 3 rows: the block does not fit its chunk */
    in.n = 0;
    c6.p = (const unsigned char *)rb.p;
    tb_puts(&in, "2\n");
    assert_int_equal(ntv_block_from_rowbinary(&in, &t, names, 1, &c6, 3), 0);
    reader_open(&c, in.p, in.n, one, 1);
    assert_int_equal(in_read_chunk_header(&c.in, &rows), 1);
    reads_then_fails(&c, 0, "Native block of 3 rows, but its chunk header announced only 2 more");

    /* "4\n" then blocks of 2 and 3 rows: the second has one row too many */
    in.n = 0;
    c6.p = (const unsigned char *)rb.p;
    tb_puts(&in, "4\n");
    assert_int_equal(ntv_block_from_rowbinary(&in, &t, names, 1, &c6, 2), 0);
    assert_int_equal(ntv_block_from_rowbinary(&in, &t, names, 1, &c6, 3), 0);
    reader_open(&c, in.p, in.n, one, 1);
    assert_int_equal(in_read_chunk_header(&c.in, &rows), 1);
    reads_then_fails(&c, 2, "Native block of 3 rows, but its chunk header announced only 2 more");
    tb_free(&rb);
    tb_free(&in);
}

/* ============================================================= 3. result */

static const char *const all_types[] = {
    "String", "Nullable(String)", "Int8", "Int16", "Int32", "Int64", "UInt8", "UInt16", "UInt32", "UInt64",
    "Float32", "Float64", "Bool", "DateTime64(6)", "Nullable(DateTime64(3, 'UTC'))", "Nullable(Int32)",
    "Nullable(UInt64)", "Nullable(Float64)", "Nullable(Bool)", "Nullable(Int8)", "Nullable(Float32)", "Date",
    "Nullable(Date32)", "Array(String)", "Map(String, String)"};
#define NALL ((int)(sizeof(all_types) / sizeof(all_types[0])))
#define NSCALARS (NALL - 2)   /* all_types without the two containers at its end */

/* A Tuple of two rows by hand: nulls maps first, then each element's
 * column; NULL rows hold the nested default. */
static void test_result_block_bytes(void **state) {
    (void)state;
    static const char *const types[] = {"UInt32", "Nullable(String)", "Nullable(Int16)", "Bool"};
    writer_case c;
    writer_open(&c, FMT_NATIVE, 1, types, 4);
    res_native_column(&c.res, "result", "Tuple(a UInt32, b Nullable(String), c Nullable(Int16), d Bool)");
    res_writer *r = &c.res;
    res_row_begin(r);
    res_uint(r, 1);
    res_string(r, "xy", 2);
    res_null(r);
    res_bool(r, 1);
    assert_int_equal(res_row_end(r), 4);
    res_row_begin(r);
    res_uint(r, 0x01020304);
    res_null(r);
    res_int(r, -2);
    res_null(r);       /* non-nullable Bool: its default */
    assert_int_equal(res_row_end(r), 4);
    cap_take(&c.cap);
    assert_int_equal(c.cap.len, 0);   /* nothing before the block ends */
    res_block_end(r);
    res_block_end(r);                 /* nothing held: no empty block */
    cap_take(&c.cap);
    BYTES_ARE(c.cap.data, c.cap.len,
              "\x01\x02\x06result\x3eTuple(a UInt32, b Nullable(String), c Nullable(Int16), d Bool)"
              "\x01\x00\x00\x00" "\x04\x03\x02\x01"        /* a */
              "\x00\x01" "\x02xy" "\x00"                   /* b: null map, then "xy", "" */
              "\x01\x00" "\x00\x00" "\xfe\xff"             /* c: null map, then 0, -2 */
              "\x01\x00");                                 /* d */
    writer_close(&c);

    /* a single (non-Tuple) result, with the default name and type name */
    static const char *const one[] = {"Nullable(String)"};
    writer_open(&c, FMT_NATIVE, 0, one, 1);
    res_row_begin(&c.res);
    res_null(&c.res);
    res_row_end(&c.res);
    res_row_begin(&c.res);
    res_string(&c.res, "hi", 2);
    res_row_end(&c.res);
    res_block_end(&c.res);
    cap_take(&c.cap);
    BYTES_ARE(c.cap.data, c.cap.len, "\x01\x02\x06result\x10Nullable(String)" "\x01\x00" "\x00\x02hi");
    writer_close(&c);
}

/* Row r's value of type t, written by the typed call a row decoder would use. */
static void write_value(res_writer *r, const chtype *t, uint64_t x) {
    if (t->nullable && x % 4 == 0) {
        res_null(r);
        return;
    }
    switch (t->kind) {
    case CT_ARRAY_STRING:
    case CT_MAP_STRING: {
        /* 0 to 2 elements, so some rows are empty and offsets repeat */
        char s[32];
        if (t->kind == CT_MAP_STRING) res_map_begin(r);
        else res_array_begin(r);
        for (uint64_t e = 0; e < x % 3; e++) {
            int n = snprintf(s, sizeof(s), "'\t%llu", (unsigned long long)e);
            if (t->kind == CT_MAP_STRING) res_map_entry(r, s, (size_t)n, s + 1, e % 2 ? 0 : (size_t)n - 1);
            else res_array_string(r, s, e % 3 ? (size_t)n : 0);
        }
        if (t->kind == CT_MAP_STRING) res_map_end(r);
        else res_array_end(r);
        return;
    }
    case CT_STRING: {
        char s[64];
        int n = snprintf(s, sizeof(s), "v%llu\t\n\\'%s", (unsigned long long)x, x % 3 ? "é" : "");
        res_string(r, s, x % 7 == 0 ? 0 : (size_t)n);
        return;
    }
    case CT_FLOAT32: case CT_FLOAT64: res_float(r, x % 5 == 0 ? -INFINITY : (double)(int64_t)x / 3.0); return;
    case CT_BOOL: res_bool(r, (int)(x & 1)); return;
    case CT_DATETIME64: res_datetime64(r, (int64_t)x - (int64_t)(x >> 1) * 3); return;
    case CT_DATE: res_date(r, (int64_t)(x * 7919 % 65536)); return;
    case CT_DATE32: res_date(r, (int64_t)(x * 7919 % 146097) - 25567); return;
    default:
        if (chtype_is_signed(t->kind)) res_int(r, (int64_t)(x * 0x9E3779B97F4A7C15ULL));
        else res_uint(r, x * 0x9E3779B97F4A7C15ULL);
    }
}

/* Writes `rows` rows of types[0..ntypes) in fmt (ending with the
 * driver's block end) and returns the bytes. */
static void write_rows(tbuf *out, fmt_kind fmt, int tuple, const char *const *types, int ntypes, int rows,
                       size_t first_input_bytes) {
    writer_case c;
    writer_open(&c, fmt, tuple, types, ntypes);
    for (int row = 0; row < rows; row++) {
        res_row_begin_sized(&c.res, row == 0 ? first_input_bytes : 100);
        for (int i = 0; i < ntypes; i++) write_value(&c.res, &c.types[i], (uint64_t)row * 31 + (uint64_t)i);
        assert_int_equal(res_row_end(&c.res), ntypes);
    }
    res_block_end(&c.res);
    cap_take(&c.cap);
    tb_put(out, c.cap.data, c.cap.len);
    writer_close(&c);
}

/* Native, turned back into rows by the tests' codec, is the RowBinary
 * answer byte for byte: every type, Nullable with NULLs, Tuple and scalar,
 * and several blocks (20,000 rows: 8192 + 8192 + 3616).  The Tuple holds
 * the scalar types (with the containers too, a block would reach the byte
 * limit first); test_result_round_trip_containers has its own. */
static void test_result_round_trip_every_type(void **state) {
    (void)state;
    chtype t[NALL];
    for (int i = 0; i < NALL; i++) t[i] = type_of(all_types[i]);
    for (int tuple = 0; tuple < 2; tuple++) {
        int ntypes = tuple ? NSCALARS : 1;
        for (int single = 0; single < (tuple ? 1 : NALL); single++) {
            const chtype *types = tuple ? t : &t[single];
            tbuf rb = {0}, nat = {0}, back = {0};
            /* a scalar result of each type: write_rows writes all_types[0..1), so shift the table */
            if (tuple) {
                write_rows(&rb, FMT_ROWBINARY, 1, all_types, ntypes, 20000, 0);
                write_rows(&nat, FMT_NATIVE, 1, all_types, ntypes, 20000, 0);
            } else {
                writer_case c;
                for (int f = 0; f < 2; f++) {
                    writer_open(&c, f ? FMT_NATIVE : FMT_ROWBINARY, 0, &all_types[single], 1);
                    for (int row = 0; row < 300; row++) {
                        res_row_begin(&c.res);
                        write_value(&c.res, &c.types[0], (uint64_t)row);
                        res_row_end(&c.res);
                    }
                    res_block_end(&c.res);
                    cap_take(&c.cap);
                    tb_put(f ? &nat : &rb, c.cap.data, c.cap.len);
                    writer_close(&c);
                }
            }
            ntv_blocks info;
            const char *why = "";
            if (ntv_answer_to_rowbinary(nat.p, nat.n, types, ntypes, &back, &info, &why) < 0) fail_msg("%s", why);
            bytes_are(back.p, back.n, rb.p, rb.n);
            assert_string_equal(info.name, "result");
            char want_type[96];
            chtype_format(types, want_type, sizeof(want_type));
            if (tuple) {
                assert_int_equal(info.count, 3);
                assert_true(info.rows[0] == 8192 && info.rows[1] == 8192 && info.rows[2] == 3616);
                assert_true(strncmp(info.type, "Tuple(String, Nullable(String), Int8, ", 38) == 0);
            } else {
                assert_int_equal(info.count, 1);
                assert_true(info.total == 300);
                assert_string_equal(info.type, want_type);
            }
            tb_free(&rb);
            tb_free(&nat);
            tb_free(&back);
        }
    }
}

/* Array(String) and Map(String, String) in a Tuple, three rows by hand:
 * each container column is its UInt64 offsets (the end of each row's
 * elements, counted from the block's start), then its elements' String
 * column — a Map's keys column, then its values column. */
static void test_result_container_block_bytes(void **state) {
    (void)state;
    static const char *const types[] = {"Array(String)", "Map(String, String)", "String"};
    writer_case c;
    writer_open(&c, FMT_NATIVE, 1, types, 3);
    res_native_column(&c.res, "result", "Tuple(a Array(String), b Map(String, String), c String)");
    res_writer *r = &c.res;
    res_row_begin(r);
    res_array_begin(r);
    res_array_string(r, "x", 1);
    res_array_string(r, "yz", 2);
    res_array_end(r);
    res_map_begin(r);
    res_map_entry(r, "k", 1, "v", 1);
    res_map_end(r);
    res_string(r, "1", 1);
    assert_int_equal(res_row_end(r), 3);
    res_row_begin(r);
    res_null(r);
    res_null(r);
    res_string(r, "2", 1);
    assert_int_equal(res_row_end(r), 3);
    res_row_begin(r);
    res_array_begin(r);
    res_array_string(r, "w", 1);
    res_array_end(r);
    res_map_begin(r);
    res_map_entry(r, "k1", 2, "v1", 2);
    res_map_entry(r, "k2", 2, "", 0);
    res_map_end(r);
    res_string(r, "3", 1);
    assert_int_equal(res_row_end(r), 3);
    res_block_end(r);
    /* a second block: offsets start from 0 again */
    res_row_begin(r);
    res_array_begin(r);
    res_array_string(r, "v", 1);
    res_array_end(r);
    res_map_begin(r);
    res_map_entry(r, "a", 1, "b", 1);
    res_map_end(r);
    res_string(r, "4", 1);
    assert_int_equal(res_row_end(r), 3);
    res_block_end(r);
    cap_take(&c.cap);
    BYTES_ARE(c.cap.data, c.cap.len,
              "\x01\x03\x06result\x37Tuple(a Array(String), b Map(String, String), c String)"
              "\x02\x00\x00\x00\x00\x00\x00\x00" "\x02\x00\x00\x00\x00\x00\x00\x00"   /* a: offsets 2, 2, 3 */
              "\x03\x00\x00\x00\x00\x00\x00\x00"
              "\x01x" "\x02yz" "\x01w"                                                   /* a: elements */
              "\x01\x00\x00\x00\x00\x00\x00\x00" "\x01\x00\x00\x00\x00\x00\x00\x00"   /* b: offsets 1, 1, 3 */
              "\x03\x00\x00\x00\x00\x00\x00\x00"
              "\x01k" "\x02k1" "\x02k2"                                                  /* b: keys */
              "\x01v" "\x02v1" "\x00"                                                    /* b: values */
              "\x01" "1" "\x01" "2" "\x01" "3"                                                   /* c */
              "\x01\x01\x06result\x37Tuple(a Array(String), b Map(String, String), c String)"
              "\x01\x00\x00\x00\x00\x00\x00\x00" "\x01v"
              "\x01\x00\x00\x00\x00\x00\x00\x00" "\x01" "a" "\x01" "b"
              "\x01" "4");
    writer_close(&c);
}

/* A row written through (its input reaches the byte limit) with
 * containers: each one's offset still precedes its elements, and the
 * Native answer is the RowBinary one, row for row. */
static void test_result_containers_written_through(void **state) {
    (void)state;
    static const char *const types[] = {"Map(String, String)", "String", "Array(String)"};
    const size_t big = 2u << 20;
    char *s = malloc(big);
    assert_non_null(s);
    memset(s, 'm', big);
    tbuf nat = {0}, rb = {0}, back = {0};
    for (int f = 0; f < 2; f++) {
        writer_case c;
        writer_open(&c, f ? FMT_NATIVE : FMT_ROWBINARY, 1, types, 3);
        for (int row = 0; row < 5; row++) {
            int huge = row == 2;
            res_row_begin_sized(&c.res, huge ? big : 10);
            res_map_begin(&c.res);
            for (int e = 0; e < row; e++) res_map_entry(&c.res, s, (size_t)e + 1, s, huge ? big : 2);
            res_map_end(&c.res);
            res_string(&c.res, s, huge ? big : 3);
            res_array_begin(&c.res);
            for (int e = 0; e < row % 3; e++) res_array_string(&c.res, s, huge ? big : (size_t)e);
            res_array_end(&c.res);
            res_row_end(&c.res);
        }
        res_block_end(&c.res);
        cap_take(&c.cap);
        tb_put(f ? &nat : &rb, c.cap.data, c.cap.len);
        writer_close(&c);
    }
    chtype t[3] = {type_of(types[0]), type_of(types[1]), type_of(types[2])};
    ntv_blocks info;
    const char *why = "";
    if (ntv_answer_to_rowbinary(nat.p, nat.n, t, 3, &back, &info, &why) < 0) fail_msg("%s", why);
    bytes_are(back.p, back.n, rb.p, rb.n);
    assert_int_equal(info.count, 3);
    assert_true(info.rows[0] == 2 && info.rows[1] == 1 && info.rows[2] == 2);
    tb_free(&nat);
    tb_free(&rb);
    tb_free(&back);
    free(s);
}

/* The containers beside scalars over several blocks: each block's offsets
 * count from its own start (20,000 rows: 8192 + 8192 + 3616). */
static void test_result_round_trip_containers(void **state) {
    (void)state;
    static const char *const types[] = {"Array(String)", "Nullable(String)", "Map(String, String)", "UInt8",
                                        "Array(String)"};
    chtype t[5];
    for (int i = 0; i < 5; i++) t[i] = type_of(types[i]);
    tbuf rb = {0}, nat = {0}, back = {0};
    write_rows(&rb, FMT_ROWBINARY, 1, types, 5, 20000, 0);
    write_rows(&nat, FMT_NATIVE, 1, types, 5, 20000, 0);
    ntv_blocks info;
    const char *why = "";
    if (ntv_answer_to_rowbinary(nat.p, nat.n, t, 5, &back, &info, &why) < 0) fail_msg("%s", why);
    bytes_are(back.p, back.n, rb.p, rb.n);
    assert_int_equal(info.count, 3);
    assert_true(info.rows[0] == 8192 && info.rows[1] == 8192 && info.rows[2] == 3616);
    assert_string_equal(info.type, "Tuple(Array(String), Nullable(String), Map(String, String), UInt8, Array(String))");
    tb_free(&rb);
    tb_free(&nat);
    tb_free(&back);
}

/* One value of a hand-checked row: how the row decoder writes it, and its
 * bytes written out by hand (little-endian numbers, IEEE 754 floats, LEB128
 * string lengths; DateTime64 ticks and Date days from Python's datetime), without the
 * Nullable flag.  call 'n' is NULL. */
typedef struct hand_value {
    char call;                 /* s string, i int, u uint, f float, b bool, d datetime64, D date, n NULL */
    int64_t i;
    uint64_t u;
    double f;
    const char *s;
    const char *bytes;
    size_t n;
} hand_value;
#define HV(call, i, u, f, s, lit) {(call), (i), (u), (f), (s), (lit), sizeof(lit) - 1}
#define HNULL {'n', 0, 0, 0, NULL, "", 0}
#define ND(lit) (lit), sizeof(lit) - 1

static const struct hand_case {
    const char *type;
    hand_value row[2];
    const char *null_default;   /* a NULL row's bytes in a Native column (the nested default) */
    size_t null_n;
} hand_cases[] = {
    {"String", {HV('s', 0, 0, 0, "ab", "\x02" "ab"), HV('s', 0, 0, 0, "tab\t", "\x04" "tab\t")}, NULL, 0},
    {"Nullable(String)", {HNULL, HV('s', 0, 0, 0, "\xc3\xa9", "\x02\xc3\xa9")}, ND("\x00")},
    {"Int8", {HV('i', -1, 0, 0, NULL, "\xff"), HV('i', 127, 0, 0, NULL, "\x7f")}, NULL, 0},
    {"Int16", {HV('i', -2, 0, 0, NULL, "\xfe\xff"), HV('i', 300, 0, 0, NULL, "\x2c\x01")}, NULL, 0},
    {"Int32", {HV('i', -70000, 0, 0, NULL, "\x90\xee\xfe\xff"), HV('i', 0x01020304, 0, 0, NULL, "\x04\x03\x02\x01")}, NULL, 0},
    {"Int64", {HV('i', INT64_MIN, 0, 0, NULL, "\x00\x00\x00\x00\x00\x00\x00\x80"),
               HV('i', 1, 0, 0, NULL, "\x01\x00\x00\x00\x00\x00\x00\x00")}, NULL, 0},
    {"UInt8", {HV('u', 0, 255, 0, NULL, "\xff"), HV('u', 0, 0, 0, NULL, "\x00")}, NULL, 0},
    {"UInt16", {HV('u', 0, 65535, 0, NULL, "\xff\xff"), HV('u', 0, 258, 0, NULL, "\x02\x01")}, NULL, 0},
    {"UInt32", {HV('u', 0, 4294967295u, 0, NULL, "\xff\xff\xff\xff"), HV('u', 0, 65536, 0, NULL, "\x00\x00\x01\x00")}, NULL, 0},
    {"UInt64", {HV('u', 0, UINT64_MAX, 0, NULL, "\xff\xff\xff\xff\xff\xff\xff\xff"),
                HV('u', 0, (uint64_t)1 << 32, 0, NULL, "\x00\x00\x00\x00\x01\x00\x00\x00")}, NULL, 0},
    {"Float32", {HV('f', 0, 0, 1.5, NULL, "\x00\x00\xc0\x3f"), HV('f', 0, 0, -2.0, NULL, "\x00\x00\x00\xc0")}, NULL, 0},
    {"Float64", {HV('f', 0, 0, 1.0, NULL, "\x00\x00\x00\x00\x00\x00\xf0\x3f"),
                 HV('f', 0, 0, -0.5, NULL, "\x00\x00\x00\x00\x00\x00\xe0\xbf")}, NULL, 0},
    {"Bool", {HV('b', 1, 0, 0, NULL, "\x01"), HV('b', 0, 0, 0, NULL, "\x00")}, NULL, 0},
    {"DateTime64(6)", {HV('d', 1711958430123456, 0, 0, NULL, "\xc0\x05\x19\x62\x04\x15\x06\x00"),   /* 2024-04-01T08:00:30.123456Z */
                       HV('d', -1, 0, 0, NULL, "\xff\xff\xff\xff\xff\xff\xff\xff")}, NULL, 0},
    {"Nullable(DateTime64(3, 'UTC'))", {HNULL, HV('d', 1711958430123, 0, 0, NULL, "\xab\x91\xac\x98\x8e\x01\x00\x00")},
     ND("\x00\x00\x00\x00\x00\x00\x00\x00")},
    {"Nullable(Int32)", {HV('i', -1, 0, 0, NULL, "\xff\xff\xff\xff"), HNULL}, ND("\x00\x00\x00\x00")},
    {"Nullable(UInt64)", {HNULL, HV('u', 0, 42, 0, NULL, "\x2a\x00\x00\x00\x00\x00\x00\x00")}, ND("\x00\x00\x00\x00\x00\x00\x00\x00")},
    {"Nullable(Float64)", {HV('f', 0, 0, INFINITY, NULL, "\x00\x00\x00\x00\x00\x00\xf0\x7f"), HNULL},
     ND("\x00\x00\x00\x00\x00\x00\x00\x00")},
    {"Nullable(Bool)", {HV('b', 1, 0, 0, NULL, "\x01"), HNULL}, ND("\x00")},
    {"Nullable(Int8)", {HNULL, HV('i', -128, 0, 0, NULL, "\x80")}, ND("\x00")},
    {"Nullable(Float32)", {HV('f', 0, 0, 0.25, NULL, "\x00\x00\x80\x3e"), HNULL}, ND("\x00\x00\x00\x00")},
    {"Date", {HV('D', 20334, 0, 0, NULL, "\x6e\x4f"),                 /* 2025-09-03 */
              HV('D', 65535, 0, 0, NULL, "\xff\xff")}, NULL, 0},      /* 2149-06-06 */
    {"Nullable(Date)", {HNULL, HV('D', 0, 0, 0, NULL, "\x00\x00")}, ND("\x00\x00")},
    {"Date32", {HV('D', -25567, 0, 0, NULL, "\x21\x9c\xff\xff"),      /* 1900-01-01 */
                HV('D', 120529, 0, 0, NULL, "\xd1\xd6\x01\x00")}, NULL, 0},   /* 2299-12-31 */
    {"Nullable(Date32)", {HV('D', -7140, 0, 0, NULL, "\x1c\xe4\xff\xff"), HNULL},   /* 1950-06-15 */
     ND("\x00\x00\x00\x00")},
};

static void write_hand_value(res_writer *r, const hand_value *v) {
    switch (v->call) {
    case 'n': res_null(r); break;
    case 's': res_string(r, v->s, strlen(v->s)); break;
    case 'i': res_int(r, v->i); break;
    case 'u': res_uint(r, v->u); break;
    case 'f': res_float(r, v->f); break;
    case 'b': res_bool(r, (int)v->i); break;
    case 'D': res_date(r, v->i); break;
    default: res_datetime64(r, v->i); break;
    }
}

/* Every type as a scalar result, two rows each: the RowBinary and the
 * Native bytes equal the ones put together here from the hand-written
 * values (not from our writer or the tests' codec). */
static void test_result_every_type_by_hand(void **state) {
    (void)state;
    for (size_t k = 0; k < sizeof(hand_cases) / sizeof(hand_cases[0]); k++) {
        const struct hand_case *h = &hand_cases[k];
        int nullable = strncmp(h->type, "Nullable(", 9) == 0;
        size_t type_len = strlen(h->type);
        tbuf rb = {0}, nat = {0};
        tb_put(&nat, "\x01\x02\x06result", 9);          /* 1 column, 2 rows, named "result" */
        tb_rb_string(&nat, h->type, type_len);
        for (int row = 0; nullable && row < 2; row++) tb_putc(&nat, h->row[row].call == 'n');
        for (int row = 0; row < 2; row++) {
            const hand_value *v = &h->row[row];
            if (nullable) tb_putc(&rb, v->call == 'n');
            tb_put(&rb, v->bytes, v->n);
            if (v->call == 'n') tb_put(&nat, h->null_default, h->null_n);
            else tb_put(&nat, v->bytes, v->n);
        }
        for (int f = 0; f < 2; f++) {
            writer_case c;
            const char *types[] = {h->type};
            writer_open(&c, f ? FMT_NATIVE : FMT_ROWBINARY, 0, types, 1);
            for (int row = 0; row < 2; row++) {
                res_row_begin(&c.res);
                write_hand_value(&c.res, &h->row[row]);
                assert_int_equal(res_row_end(&c.res), 1);
            }
            res_block_end(&c.res);
            cap_take(&c.cap);
            print_message("%s, %s\n", h->type, f ? "Native" : "RowBinary");
            bytes_are(c.cap.data, c.cap.len, f ? nat.p : rb.p, f ? nat.n : rb.n);
            writer_close(&c);
        }
        tb_free(&rb);
        tb_free(&nat);
    }
}

/* The byte limit: 100 kB strings make a block every 11 rows (10 rows are
 * 1,000,030 bytes, under 1 MiB; the 11th crosses it), well before 8192. */
static void test_result_flush_at_byte_limit(void **state) {
    (void)state;
    static const char *const one[] = {"String"};
    const size_t big = 100000;
    char *s = malloc(big);
    assert_non_null(s);
    memset(s, 'q', big);
    writer_case c;
    writer_open(&c, FMT_NATIVE, 0, one, 1);
    size_t peak = 0;
    for (int row = 0; row < 50; row++) {
        res_row_begin_sized(&c.res, 200);
        res_string(&c.res, s, big);
        res_row_end(&c.res);
        if (c.res.cols[0].data.cap > peak) peak = c.res.cols[0].data.cap;
        if (row == 10) {
            cap_take(&c.cap);
            assert_true(c.cap.len > 11 * big);    /* the first block is out before the chunk ends */
        }
    }
    res_block_end(&c.res);
    cap_take(&c.cap);
    chtype t = type_of("String");
    tbuf back = {0};
    ntv_blocks info;
    const char *why = "";
    if (ntv_answer_to_rowbinary(c.cap.data, c.cap.len, &t, 1, &back, &info, &why) < 0) fail_msg("%s", why);
    assert_int_equal(info.count, 5);
    for (size_t b = 0; b < 4; b++) assert_true(info.rows[b] == 11);
    assert_true(info.rows[4] == 6);
    assert_true(peak <= 2 * RES_NATIVE_BYTES);
    writer_close(&c);
    tb_free(&back);
    free(s);
}

/* A row whose input reaches the byte limit is a block of its own, written
 * through: the rows before it go out first, its 5 MB answer never enters a
 * column buffer, and the rows after it start a new block. */
static void test_result_large_row_written_through(void **state) {
    (void)state;
    static const char *const types[] = {"String", "Nullable(DateTime64(6))", "String"};
    const size_t big = 5u << 20;
    char *s = malloc(big);
    assert_non_null(s);
    memset(s, 'z', big);
    tbuf nat = {0}, rb = {0}, back = {0};
    for (int f = 0; f < 2; f++) {
        writer_case c;
        writer_open(&c, f ? FMT_NATIVE : FMT_ROWBINARY, 1, types, 3);
        for (int row = 0; row < 5; row++) {
            int huge = row == 2;
            res_row_begin_sized(&c.res, huge ? big : 10);
            res_string(&c.res, s, huge ? big : 3);
            if (row % 2) res_null(&c.res);
            else res_datetime64(&c.res, row);
            res_string(&c.res, s, huge ? big : 1);
            res_row_end(&c.res);
            if (f) {
                assert_true(c.res.cols[0].data.cap < (1u << 20));
                assert_true(c.res.cols[2].data.cap < (1u << 20));
            }
        }
        res_block_end(&c.res);
        cap_take(&c.cap);
        tb_put(f ? &nat : &rb, c.cap.data, c.cap.len);
        writer_close(&c);
    }
    chtype t[3] = {type_of(types[0]), type_of(types[1]), type_of(types[2])};
    ntv_blocks info;
    const char *why = "";
    if (ntv_answer_to_rowbinary(nat.p, nat.n, t, 3, &back, &info, &why) < 0) fail_msg("%s", why);
    bytes_are(back.p, back.n, rb.p, rb.n);
    assert_int_equal(info.count, 3);
    assert_true(info.rows[0] == 2 && info.rows[1] == 1 && info.rows[2] == 2);
    tb_free(&nat);
    tb_free(&rb);
    tb_free(&back);
    free(s);
}

int main(void) {
    signal(SIGPIPE, SIG_IGN);
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_header_bytes),
        cmocka_unit_test(test_header_reading),
        cmocka_unit_test(test_type_matching),
        cmocka_unit_test(test_input_every_argument_kind),
        cmocka_unit_test(test_input_one_column_streams),
        cmocka_unit_test(test_input_earlier_column_held),
        cmocka_unit_test(test_input_truncated_everywhere),
        cmocka_unit_test(test_input_framing_errors),
        cmocka_unit_test(test_input_chunks),
        cmocka_unit_test(test_result_block_bytes),
        cmocka_unit_test(test_result_container_block_bytes),
        cmocka_unit_test(test_result_containers_written_through),
        cmocka_unit_test(test_result_round_trip_every_type),
        cmocka_unit_test(test_result_round_trip_containers),
        cmocka_unit_test(test_result_every_type_by_hand),
        cmocka_unit_test(test_result_flush_at_byte_limit),
        cmocka_unit_test(test_result_large_row_written_through),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
