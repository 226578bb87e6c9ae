/* test_formats.c — unit tests of the wire-format layer: io (buffered fd
 * reader/writer), tsv (escaping), rowbinary (LEB128, strings, fixed), chtype
 * (type names), input (argument rows and chunk headers) and result (typed
 * output rows).
 *
 * Readers run over real descriptors: a temp file for small inputs, and a pipe
 * fed by a child process in small odd-sized pieces for large ones, so reads
 * come back short and rows straddle buffer boundaries the way they do when
 * ClickHouse streams a block.  Writers write to a temp file that is read
 * back byte for byte. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <errno.h>
#include <inttypes.h>
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
#include "result.h"
#include "rowbinary.h"
#include "tsv.h"
#include "udfproc.h"
#include "capture.h"

/* ---------------------------------------------------------------- helpers */

static void write_all(int fd, const void *p, size_t n) {
    const char *c = p;
    while (n) {
        ssize_t w = write(fd, c, n);
        if (w < 0 && errno == EINTR) continue;
        if (w <= 0) return;  /* reader went away: the test decides what that means */
        c += w;
        n -= (size_t)w;
    }
}

/* A descriptor positioned at the start of a temp file holding [p, p+n). */
static int fd_with(const void *p, size_t n) {
    FILE *f = tmpfile();
    assert_non_null(f);
    int fd = dup(fileno(f));
    fclose(f);
    assert_true(fd >= 0);
    write_all(fd, p, n);
    assert_int_equal(lseek(fd, 0, SEEK_SET), 0);
    return fd;
}

/* Byte i of a test pattern that never contains '\n'. */
static char pat(size_t i) {
    char c = (char)((i * 2654435761u) >> 11);
    return c == '\n' ? 'N' : c;
}

static char *pattern(size_t n) {
    char *p = malloc(n ? n : 1);
    assert_non_null(p);
    for (size_t i = 0; i < n; i++) p[i] = pat(i);
    return p;
}

/* What was written since the last check is exactly [want, want+n). */
static void cap_is(capture *c, const void *want, size_t n) {
    cap_take(c);
    cap_clear(c);
    bytes_are(c->data, c->len, want, n);
}

#define CAP_IS(c, lit) cap_is((c), (lit), sizeof(lit) - 1)

/* ------------------------------------------------------------------- io */

/* One 5 MB value: the buffer grows to hold it whole, then the reader goes on
 * with small rows and gives the memory back. */
static void test_io_need_grows_for_5mb_value(void **state) {
    (void)state;
    const size_t big = 5 * 1024 * 1024, lines = 40000;
    size_t n = big + lines * 100;
    char *data = pattern(n);
    for (size_t i = 0; i < lines; i++) {
        char *line = data + big + i * 100;
        memset(line, 'a' + (int)(i % 26), 99);
        snprintf(line, 12, "line%07zu", i);
        line[11] = ' ';
        line[99] = '\n';
    }
    udfproc_feeder f = udfproc_feed(data, n, 65521);
    io_reader r;
    io_reader_init(&r, f.fd);

    io_mark(&r);
    assert_true(io_need(&r, big) >= big);
    assert_true(r.cap >= big);
    assert_memory_equal(r.buf + r.pos, data, big);
    r.pos += big;

    for (size_t i = 0; i < lines; i++) {
        io_mark(&r);
        long nl = io_find_newline(&r);
        assert_int_equal(nl, 99);
        assert_memory_equal(io_at(&r, 0), data + big + i * 100, 99);
        r.pos += 100;
    }
    assert_int_equal(io_find_newline(&r), -1);
    assert_int_equal(io_need(&r, 1), 0);
    assert_int_equal(io_need(&r, 1), 0);   /* at the end */
    /* "shrinks back afterwards": nothing near the 8 MB the value needed is kept */
    assert_true(r.cap <= 4 * 1024 * 1024);
    io_reader_free(&r);
    udfproc_feed_done(&f);
    free(data);
}

/* io_need at end of input returns what is there, not n. */
static void test_io_need_short_at_eof(void **state) {
    (void)state;
    int fd = fd_with("abcdef", 6);
    io_reader r;
    io_reader_init(&r, fd);
    io_mark(&r);
    assert_int_equal(io_need(&r, 100), 6);
    assert_memory_equal(r.buf + r.pos, "abcdef", 6);
    assert_true(io_need(&r, 1) > 0);
    r.pos += 6;
    assert_int_equal(io_need(&r, 1), 0);
    assert_int_equal(io_need(&r, 1), 0);   /* at the end */
    assert_true(r.eof);
    io_reader_free(&r);
    close(fd);

    fd = fd_with("", 0);
    io_reader_init(&r, fd);
    assert_int_equal(io_need(&r, 1), 0);   /* at the end */
    assert_int_equal(io_find_newline(&r), -1);
    io_reader_free(&r);
    close(fd);
}

/* Lines whose lengths sit on and around the read chunk (256 KB) and the
 * initial buffer (512 KB), read from a pipe in odd-sized pieces and from a
 * file in whole reads. */
static void test_io_find_newline_across_boundaries(void **state) {
    (void)state;
    static const size_t lens[] = {0, 1, 262143, 262144, 262145, 0, 524287, 524288, 524289, 700001, 3, 1048576};
    const size_t nlens = sizeof(lens) / sizeof(lens[0]);
    size_t n = 0;
    for (size_t i = 0; i < nlens; i++) n += lens[i] + 1;
    n += 3;  /* "end" without a newline */
    char *data = pattern(n);
    size_t at = 0;
    for (size_t i = 0; i < nlens; i++) {
        at += lens[i];
        data[at++] = '\n';
    }
    memcpy(data + at, "end", 3);

    for (int mode = 0; mode < 3; mode++) {
        udfproc_feeder f = {-1, -1};
        int fd;
        if (mode == 2) {
            fd = fd_with(data, n);
        } else {
            f = udfproc_feed(data, n, mode == 0 ? 4093 : 65537);
            fd = f.fd;
        }
        io_reader r;
        io_reader_init(&r, fd);
        size_t off = 0;
        for (size_t i = 0; i < nlens; i++) {
            io_mark(&r);
            long nl = io_find_newline(&r);
            assert_int_equal(nl, (long)lens[i]);
            assert_memory_equal(io_at(&r, 0), data + off, lens[i]);
            assert_int_equal(io_at(&r, (size_t)nl)[0], '\n');
            r.pos += (size_t)nl + 1;
            off += lens[i] + 1;
        }
        io_mark(&r);
        assert_int_equal(io_find_newline(&r), -1);
        assert_int_equal(io_need(&r, 1), 3);
        assert_memory_equal(r.buf + r.pos, "end", 3);
        r.pos += 3;
        assert_int_equal(io_need(&r, 1), 0);   /* at the end */
        io_reader_free(&r);
        if (mode == 2) close(fd);
        else udfproc_feed_done(&f);
    }
    free(data);
}

/* Offsets from the mark stay valid while the buffer is compacted (bytes
 * before the mark dropped) and grown (moved by realloc). */
static void test_io_marks_survive_compaction_and_growth(void **state) {
    (void)state;
    const size_t skip = 300000, mid = 1000000, tail = 2500000;
    size_t n = skip + 4 + mid + 3 + tail + 3;
    char *data = pattern(n);
    memcpy(data + skip, "HEAD", 4);
    memcpy(data + skip + 4 + mid, "MID", 3);
    memcpy(data + n - 3, "END", 3);
    udfproc_feeder f = udfproc_feed(data, n, 8191);
    io_reader r;
    io_reader_init(&r, f.fd);

    io_mark(&r);
    assert_true(io_need(&r, skip) >= skip);
    r.pos += skip;               /* the previous row, now done */
    io_mark(&r);                 /* the row of interest starts here */
    assert_true(io_need(&r, 4) >= 4);
    r.pos += 4;
    assert_true(io_need(&r, mid) >= mid);
    r.pos += mid;
    size_t off_mid = io_offset(&r);
    assert_int_equal(off_mid, 4 + mid);
    assert_true(io_need(&r, 3) >= 3);
    r.pos += 3;
    assert_true(io_need(&r, tail + 3) == tail + 3);   /* grows the buffer: it may move */
    r.pos += tail;
    size_t off_end = io_offset(&r);
    r.pos += 3;

    assert_int_equal(r.mark, 0);  /* compaction happened: the skipped row is gone */
    assert_memory_equal(io_at(&r, 0), "HEAD", 4);
    assert_memory_equal(io_at(&r, 4), data + skip + 4, mid);
    assert_memory_equal(io_at(&r, off_mid), "MID", 3);
    assert_memory_equal(io_at(&r, off_mid + 3), data + skip + 4 + mid + 3, tail);
    assert_memory_equal(io_at(&r, off_end), "END", 3);
    assert_int_equal(io_need(&r, 1), 0);   /* at the end */
    io_reader_free(&r);
    udfproc_feed_done(&f);
    free(data);
}

/* Writer: small writes buffer, a large write goes straight through, a
 * reservation larger than the buffer grows it; the bytes arrive in order. */
static void test_io_writer_orders_all_paths(void **state) {
    (void)state;
    capture c;
    cap_init(&c);
    size_t big = 3 * 1024 * 1024;
    char *blob = pattern(big);
    char *want = malloc(big + 1024 * 1024 + 64);
    size_t wn = 0;

    io_putc(&c.w, 'A');
    want[wn++] = 'A';
    io_write(&c.w, "bcd", 3);
    memcpy(want + wn, "bcd", 3), wn += 3;
    io_write(&c.w, blob, big);                       /* > cap/2: written directly after a flush */
    memcpy(want + wn, blob, big), wn += big;
    char *p = io_reserve(&c.w, 1024 * 1024);         /* > cap: the buffer grows */
    memcpy(p, blob + 7, 1024 * 1024);
    io_commit(&c.w, 1024 * 1024);
    memcpy(want + wn, blob + 7, 1024 * 1024), wn += 1024 * 1024;
    for (int i = 0; i < 40; i++) {                   /* io_putc across a full buffer */
        io_putc(&c.w, (char)('0' + i % 10));
        want[wn++] = (char)('0' + i % 10);
    }
    cap_is(&c, want, wn);
    io_write(&c.w, "", 0);
    CAP_IS(&c, "");
    free(want);
    free(blob);
    cap_free(&c);
}

/* ------------------------------------------------------------------ tsv */

static void unescape_is(const char *in, size_t n, const char *want, size_t wn) {
    char text[128];
    assert_true(n <= sizeof(text));
    memcpy(text, in, n);
    size_t got = tsv_unescape(text, n);
    assert_int_equal(got, wn);
    assert_memory_equal(text, want, wn);
}

#define UNESCAPE_IS(in, want) unescape_is((in), sizeof(in) - 1, (want), sizeof(want) - 1)

static void test_tsv_unescape_every_escape(void **state) {
    (void)state;
    UNESCAPE_IS("\\t", "\t");
    UNESCAPE_IS("\\n", "\n");
    UNESCAPE_IS("\\r", "\r");
    UNESCAPE_IS("\\0", "\0");
    UNESCAPE_IS("\\b", "\b");
    UNESCAPE_IS("\\f", "\f");
    UNESCAPE_IS("\\a", "\a");
    UNESCAPE_IS("\\v", "\v");
    UNESCAPE_IS("\\e", "\x1b");
    UNESCAPE_IS("\\\\", "\\");
    UNESCAPE_IS("\\'", "'");
    UNESCAPE_IS("\\\"", "\"");
    UNESCAPE_IS("\\/", "/");
    UNESCAPE_IS("\\q", "q");                       /* any other \c reads as c */
    UNESCAPE_IS("\\x41", "A");
    UNESCAPE_IS("\\x7e", "~");
    UNESCAPE_IS("\\xfF", "\xff");
    UNESCAPE_IS("\\x00", "\0");
    UNESCAPE_IS("\\x0a\\x09", "\n\t");
    UNESCAPE_IS("a\\tb\\nc\\\\d\\'e\\0f", "a\tb\nc\\d'e\0f");
    UNESCAPE_IS("\\x4", "x4");                     /* incomplete \x: the x is kept, as \c */
    UNESCAPE_IS("\\xZZ", "xZZ");
    UNESCAPE_IS("\\x4g", "x4g");
    UNESCAPE_IS("ab\\", "ab\\");                   /* a lone trailing backslash stays */
    UNESCAPE_IS("no escapes at all", "no escapes at all");
    UNESCAPE_IS("", "");
}

static void test_tsv_null_marker(void **state) {
    (void)state;
    assert_true(tsv_is_null("\\N", 2));
    assert_false(tsv_is_null("\\N ", 3));
    assert_false(tsv_is_null("N", 1));
    assert_false(tsv_is_null("\\n", 2));
    assert_false(tsv_is_null("NULL", 4));
    assert_false(tsv_is_null("", 0));
    assert_false(tsv_is_null("\\\\N", 3));
}

/* Every byte value alone: the eight specials come out as \letter, the other
 * 248 as themselves. */
static void test_tsv_write_escaped_every_byte(void **state) {
    (void)state;
    capture c;
    cap_init(&c);
    for (int b = 0; b < 256; b++) {
        char in = (char)b;
        tsv_write_escaped(&c.w, &in, 1);
        const char *esc = NULL;
        switch (b) {
        case '\t': esc = "\\t"; break;
        case '\n': esc = "\\n"; break;
        case '\r': esc = "\\r"; break;
        case '\\': esc = "\\\\"; break;
        case '\0': esc = "\\0"; break;
        case '\b': esc = "\\b"; break;
        case '\f': esc = "\\f"; break;
        case '\'': esc = "\\'"; break;
        }
        if (esc) cap_is(&c, esc, 2);
        else cap_is(&c, &in, 1);
    }
    static const char mixed[] = "a\tb\nc\\d'e\0f\r\b\fg";
    tsv_write_escaped(&c.w, mixed, sizeof(mixed) - 1);
    CAP_IS(&c, "a\\tb\\nc\\\\d\\'e\\0f\\r\\b\\fg");
    tsv_write_escaped(&c.w, "", 0);
    CAP_IS(&c, "");
    cap_free(&c);
}

static void test_tsv_write_quoted(void **state) {
    (void)state;
    capture c;
    cap_init(&c);
    tsv_write_quoted(&c.w, "it's", 4);
    CAP_IS(&c, "'it\\'s'");
    tsv_write_quoted(&c.w, "", 0);
    CAP_IS(&c, "''");
    tsv_write_quoted(&c.w, "a\tb\\\n\0", 6);
    CAP_IS(&c, "'a\\tb\\\\\\n\\0'");
    tsv_write_quoted(&c.w, "{\"k\":\"v\"}", 9);
    CAP_IS(&c, "'{\"k\":\"v\"}'");
    cap_free(&c);
}

/* All 256 bytes (twice, so every pair order occurs around specials) survive
 * escape then unescape, and the escaped form has no raw tab or newline. */
static void test_tsv_round_trip(void **state) {
    (void)state;
    char in[512];
    for (int i = 0; i < 512; i++) in[i] = (char)(i < 256 ? i : 511 - i);
    capture c;
    cap_init(&c);
    tsv_write_escaped(&c.w, in, sizeof(in));
    cap_take(&c);
    assert_null(memchr(c.data, '\t', c.len));
    assert_null(memchr(c.data, '\n', c.len));
    assert_null(memchr(c.data, '\0', c.len));
    assert_int_equal(c.len, 512 + 16);   /* 8 specials, each twice, one extra byte each */
    size_t n = tsv_unescape(c.data, c.len);
    assert_int_equal(n, sizeof(in));
    assert_memory_equal(c.data, in, sizeof(in));
    cap_free(&c);
}

/* ------------------------------------------------------------ rowbinary */

static void test_rb_write_uleb128_edges(void **state) {
    (void)state;
    capture c;
    cap_init(&c);
    rb_write_uleb128(&c.w, 0);
    CAP_IS(&c, "\x00");
    rb_write_uleb128(&c.w, 1);
    CAP_IS(&c, "\x01");
    rb_write_uleb128(&c.w, 127);
    CAP_IS(&c, "\x7f");
    rb_write_uleb128(&c.w, 128);
    CAP_IS(&c, "\x80\x01");
    rb_write_uleb128(&c.w, 300);
    CAP_IS(&c, "\xac\x02");
    rb_write_uleb128(&c.w, 16383);
    CAP_IS(&c, "\xff\x7f");
    rb_write_uleb128(&c.w, 16384);
    CAP_IS(&c, "\x80\x80\x01");
    rb_write_uleb128(&c.w, 1ULL << 63);
    CAP_IS(&c, "\x80\x80\x80\x80\x80\x80\x80\x80\x80\x01");
    rb_write_uleb128(&c.w, UINT64_MAX);
    CAP_IS(&c, "\xff\xff\xff\xff\xff\xff\xff\xff\xff\x01");
    cap_free(&c);
}

static void test_rb_read_uleb128_edges(void **state) {
    (void)state;
    static const uint64_t vals[] = {0, 1, 127, 128, 300, 16383, 16384, 2097151, 2097152, 1ULL << 63, UINT64_MAX};
    const size_t nv = sizeof(vals) / sizeof(vals[0]);
    capture c;
    cap_init(&c);
    for (size_t i = 0; i < nv; i++) rb_write_uleb128(&c.w, vals[i]);
    cap_take(&c);
    int fd = fd_with(c.data, c.len);
    io_reader r;
    io_reader_init(&r, fd);
    for (size_t i = 0; i < nv; i++) {
        uint64_t v = 12345;
        assert_int_equal(rb_read_uleb128(&r, &v), 1);
        assert_true(v == vals[i]);
    }
    uint64_t v = 777;
    assert_int_equal(rb_read_uleb128(&r, &v), 0);   /* clean EOF */
    assert_true(v == 777);
    io_reader_free(&r);
    close(fd);
    cap_free(&c);
}

static int read_uleb_from(const char *bytes, size_t n, uint64_t *v) {
    int fd = fd_with(bytes, n);
    io_reader r;
    io_reader_init(&r, fd);
    int rc = rb_read_uleb128(&r, v);
    io_reader_free(&r);
    close(fd);
    return rc;
}

static void test_rb_read_uleb128_truncated(void **state) {
    (void)state;
    uint64_t v;
    assert_int_equal(read_uleb_from("", 0, &v), 0);
    assert_int_equal(read_uleb_from("\x80", 1, &v), -1);
    assert_int_equal(read_uleb_from("\xff\xff", 2, &v), -1);
    assert_int_equal(read_uleb_from("\x80\x80\x80\x80\x80\x80\x80\x80\x80", 9, &v), -1);
    /* eleven bytes, continuation bit set on all ten first: not a 64-bit value */
    assert_int_equal(read_uleb_from("\x80\x80\x80\x80\x80\x80\x80\x80\x80\x80\x01", 11, &v), -1);
    /* redundant but legal encoding of 1 */
    assert_int_equal(read_uleb_from("\x81\x80\x00", 3, &v), 1);
    assert_true(v == 1);
}

static void test_rb_strings(void **state) {
    (void)state;
    capture c;
    cap_init(&c);
    rb_write_string(&c.w, "", 0);
    CAP_IS(&c, "\x00");
    rb_write_string(&c.w, "abc", 3);
    CAP_IS(&c, "\x03" "abc");
    rb_write_string(&c.w, "a\0b", 3);
    CAP_IS(&c, "\x03" "a\0b");

    char *long_s = pattern(200);
    rb_write_string(&c.w, "", 0);
    rb_write_string(&c.w, "abc", 3);
    rb_write_string(&c.w, long_s, 200);
    cap_take(&c);
    assert_int_equal(c.len, 1 + 4 + 2 + 200);
    assert_memory_equal(c.data + 5, "\xc8\x01", 2);   /* 200 = 0xc8 0x01 */
    int fd = fd_with(c.data, c.len);
    io_reader r;
    io_reader_init(&r, fd);
    io_mark(&r);
    size_t off[3], n[3];
    for (int i = 0; i < 3; i++) assert_int_equal(rb_read_string(&r, &off[i], &n[i]), 1);
    assert_int_equal(n[0], 0);
    assert_int_equal(n[1], 3);
    assert_int_equal(off[1], 2);
    assert_memory_equal(io_at(&r, off[1]), "abc", 3);
    assert_int_equal(n[2], 200);
    assert_int_equal(off[2], 7);
    assert_memory_equal(io_at(&r, off[2]), long_s, 200);
    size_t o, l;
    assert_int_equal(rb_read_string(&r, &o, &l), 0);   /* clean EOF */
    io_reader_free(&r);
    close(fd);
    free(long_s);
    cap_free(&c);

    static const struct { const char *b; size_t n; } truncated[] = {
        {"\x05" "ab", 3}, {"\x01", 1}, {"\x80", 1}, {"\xc8\x01", 2}, {"\xc8\x01xyz", 5},
    };
    for (size_t i = 0; i < sizeof(truncated) / sizeof(truncated[0]); i++) {
        fd = fd_with(truncated[i].b, truncated[i].n);
        io_reader_init(&r, fd);
        io_mark(&r);
        assert_int_equal(rb_read_string(&r, &o, &l), -1);
        io_reader_free(&r);
        close(fd);
    }
}

static void test_rb_fixed(void **state) {
    (void)state;
    capture c;
    cap_init(&c);
    rb_write_le(&c.w, 0x0102030405060708ULL, 1);
    CAP_IS(&c, "\x08");
    rb_write_le(&c.w, 0x0102030405060708ULL, 2);
    CAP_IS(&c, "\x08\x07");
    rb_write_le(&c.w, 0x0102030405060708ULL, 4);
    CAP_IS(&c, "\x08\x07\x06\x05");
    rb_write_le(&c.w, 0x0102030405060708ULL, 8);
    CAP_IS(&c, "\x08\x07\x06\x05\x04\x03\x02\x01");
    rb_write_le(&c.w, (uint64_t)-2, 8);
    CAP_IS(&c, "\xfe\xff\xff\xff\xff\xff\xff\xff");
    cap_free(&c);

    int fd = fd_with("\x01\x02\x03\x04\x05\x06", 6);
    io_reader r;
    io_reader_init(&r, fd);
    unsigned char b[8];
    assert_int_equal(rb_read_fixed(&r, b, 4), 1);
    assert_memory_equal(b, "\x01\x02\x03\x04", 4);
    assert_int_equal(rb_read_fixed(&r, b, 4), -1);  /* 2 of 4 tbuf */
    io_reader_free(&r);
    close(fd);

    fd = fd_with("", 0);
    io_reader_init(&r, fd);
    assert_int_equal(rb_read_fixed(&r, b, 8), 0);
    io_reader_free(&r);
    close(fd);
}

/* --------------------------------------------------------------- chtype */

static void parse_is(const char *s, chtype_kind kind, int nullable, int precision, const char *tz, const char *canon) {
    chtype t = type_of(s);
    assert_int_equal(t.kind, kind);
    assert_int_equal(t.nullable, nullable);
    if (kind == CT_DATETIME64) assert_int_equal(t.precision, precision);
    assert_string_equal(t.tz, tz);
    char text[128];
    size_t n = chtype_format(&t, text, sizeof(text));
    assert_string_equal(text, canon);
    assert_int_equal(n, strlen(canon));
    /* the canonical spelling parses back to the same type */
    chtype u = type_of(text);
    assert_int_equal(u.kind, t.kind);
    assert_int_equal(u.nullable, t.nullable);
    assert_int_equal(u.precision, t.precision);
    assert_string_equal(u.tz, t.tz);
}

static void test_chtype_parse_format_all(void **state) {
    (void)state;
    static const struct { const char *name; chtype_kind kind; int width; } all[] = {
        {"String", CT_STRING, 0},   {"Int8", CT_INT8, 1},       {"Int16", CT_INT16, 2},     {"Int32", CT_INT32, 4},
        {"Int64", CT_INT64, 8},     {"UInt8", CT_UINT8, 1},     {"UInt16", CT_UINT16, 2},   {"UInt32", CT_UINT32, 4},
        {"UInt64", CT_UINT64, 8},   {"Float32", CT_FLOAT32, 4}, {"Float64", CT_FLOAT64, 8}, {"Bool", CT_BOOL, 1},
        {"Date", CT_DATE, 2},       {"Date32", CT_DATE32, 4},
    };
    for (size_t i = 0; i < sizeof(all) / sizeof(all[0]); i++) {
        char nullable[64];
        snprintf(nullable, sizeof(nullable), "Nullable(%s)", all[i].name);
        parse_is(all[i].name, all[i].kind, 0, 0, "", all[i].name);
        parse_is(nullable, all[i].kind, 1, 0, "", nullable);
        assert_int_equal(chtype_width(all[i].kind), all[i].width);
    }
    assert_int_equal(chtype_width(CT_DATETIME64), 8);
    assert_true(chtype_is_signed(CT_INT8) && chtype_is_signed(CT_INT64));
    assert_false(chtype_is_signed(CT_UINT8) || chtype_is_signed(CT_STRING) || chtype_is_signed(CT_BOOL));
    assert_false(chtype_is_signed(CT_DATE) || chtype_is_signed(CT_DATE32));
    /* ClickHouse's own limits, as days since 1970-01-01 (Python's date arithmetic) */
    int64_t first, last;
    chtype_day_range(CT_DATE, &first, &last);
    assert_true(first == 0 && last == 65535);          /* 1970-01-01, 2149-06-06 */
    chtype_day_range(CT_DATE32, &first, &last);
    assert_true(first == -25567 && last == 120529);    /* 1900-01-01, 2299-12-31 */
}

static void test_chtype_datetime64(void **state) {
    (void)state;
    parse_is("DateTime64", CT_DATETIME64, 0, 3, "", "DateTime64(3)");
    parse_is("DateTime64(0)", CT_DATETIME64, 0, 0, "", "DateTime64(0)");
    parse_is("DateTime64(6)", CT_DATETIME64, 0, 6, "", "DateTime64(6)");
    parse_is("DateTime64(9)", CT_DATETIME64, 0, 9, "", "DateTime64(9)");
    parse_is("DateTime64(6, 'UTC')", CT_DATETIME64, 0, 6, "UTC", "DateTime64(6, 'UTC')");
    parse_is("DateTime64(3,'Europe/Amsterdam')", CT_DATETIME64, 0, 3, "Europe/Amsterdam", "DateTime64(3, 'Europe/Amsterdam')");
    parse_is("Nullable(DateTime64(6, 'UTC'))", CT_DATETIME64, 1, 6, "UTC", "Nullable(DateTime64(6, 'UTC'))");
    parse_is("Nullable(DateTime64(6))", CT_DATETIME64, 1, 6, "", "Nullable(DateTime64(6))");
    parse_is("Nullable(DateTime64)", CT_DATETIME64, 1, 3, "", "Nullable(DateTime64(3))");
    parse_is("  Nullable ( DateTime64 ( 6 ,\t'UTC' ) )  ", CT_DATETIME64, 1, 6, "UTC", "Nullable(DateTime64(6, 'UTC'))");
    parse_is(" UInt32 ", CT_UINT32, 0, 0, "", "UInt32");
}

static void parse_fails(const char *s, const char *reason) {
    chtype t;
    const char *why = NULL;
    int rc = chtype_parse(s, strlen(s), &t, &why);
    if (rc == 0) print_error("type '%s' was accepted\n", s);
    assert_int_equal(rc, -1);
    assert_non_null(why);
    assert_string_equal(why, reason);
}

static void test_chtype_errors(void **state) {
    (void)state;
    const char *unsupported =
        "unsupported type (expected String, Int8-64, UInt8-64, Float32/64, Bool, Date, Date32, DateTime64(P), "
        "Nullable of one, Array(String) or Map(String, String))";
    parse_fails("", unsupported);
    parse_fails("Foo", unsupported);
    parse_fails("string", unsupported);
    parse_fails("Int", unsupported);
    parse_fails("Int128", unsupported);
    parse_fails("DateTime", unsupported);
    parse_fails("Date16", unsupported);
    parse_fails("Date(3)", "unexpected text after the type");
    parse_fails("LowCardinality(String)", unsupported);
    parse_fails("Nullable", unsupported);
    parse_fails("Nullable(Nullable(String))", unsupported);
    parse_fails("Nullable()", unsupported);
    parse_fails("Nullable(String", "expected ')' closing Nullable(");
    parse_fails("Nullable(String) x", "unexpected text after the type");
    parse_fails("String)", "unexpected text after the type");
    parse_fails("Int8 x", "unexpected text after the type");
    parse_fails("DateTime64()", "DateTime64 precision must be a digit 0-9");
    parse_fails("DateTime64(x)", "DateTime64 precision must be a digit 0-9");
    parse_fails("DateTime64(-1)", "DateTime64 precision must be a digit 0-9");
    parse_fails("DateTime64(10)", "expected ')' after DateTime64 arguments");
    parse_fails("DateTime64(6", "expected ')' after DateTime64 arguments");
    parse_fails("DateTime64(6, UTC)", "DateTime64 time zone must be quoted");
    parse_fails("DateTime64(6, '')", "bad DateTime64 time zone");
    parse_fails("DateTime64(6, 'UTC)", "bad DateTime64 time zone");
    parse_fails("DateTime64(6, 'A_time_zone_name_that_is_far_too_long_for_the_buffer')", "bad DateTime64 time zone");
}

/* The two containers: strings only, never inside Nullable, spelled as
 * ClickHouse spells them. */
static void test_chtype_containers(void **state) {
    (void)state;
    parse_is("Array(String)", CT_ARRAY_STRING, 0, 0, "", "Array(String)");
    parse_is(" Array ( String ) ", CT_ARRAY_STRING, 0, 0, "", "Array(String)");
    parse_is("Map(String, String)", CT_MAP_STRING, 0, 0, "", "Map(String, String)");
    parse_is("Map(String,String)", CT_MAP_STRING, 0, 0, "", "Map(String, String)");
    parse_is("Map( String ,\tString )", CT_MAP_STRING, 0, 0, "", "Map(String, String)");
    assert_int_equal(chtype_width(CT_ARRAY_STRING), 0);
    assert_int_equal(chtype_width(CT_MAP_STRING), 0);
    assert_true(chtype_is_container(CT_ARRAY_STRING) && chtype_is_container(CT_MAP_STRING));
    assert_false(chtype_is_container(CT_STRING) || chtype_is_container(CT_DATETIME64));
    parse_fails("Nullable(Array(String))", "Array and Map cannot be inside Nullable");
    parse_fails("Nullable(Map(String, String))", "Array and Map cannot be inside Nullable");
    parse_fails("Array", "expected '(' after Array or Map");
    parse_fails("Array()", "only Array(String) and Map(String, String) are supported");
    parse_fails("Array(Int32)", "only Array(String) and Map(String, String) are supported");
    parse_fails("Array(Nullable(String))", "only Array(String) and Map(String, String) are supported");
    parse_fails("Map(String, UInt64)", "only Array(String) and Map(String, String) are supported");
    parse_fails("Map(String)", "expected ',' between Map's key and value types");
    parse_fails("Array(String", "expected ')' closing Array( or Map(");
    parse_fails("Map(String, String, String)", "expected ')' closing Array( or Map(");
    parse_fails("Array(String) x", "unexpected text after the type");
    /* a whole signature with them, as --signature prints it */
    chtype t[3] = {type_of("Array(String)"), type_of("Map(String,String)"), type_of("String")};
    static const char *const names[] = {"changed", "headers", "error"};
    char sig[128];
    chtype_format_result(t, names, 3, 1, sig, sizeof(sig));
    assert_string_equal(sig, "Tuple(changed Array(String), headers Map(String, String), error String)");
}

/* The formatter never overruns a small buffer and reports what fits. */
static void test_chtype_format_small_buffer(void **state) {
    (void)state;
    chtype t = type_of("Nullable(DateTime64(6, 'UTC'))");
    char text[10];
    memset(text, 'x', sizeof(text));
    size_t n = chtype_format(&t, text, sizeof(text));
    assert_int_equal(n, 9);
    assert_string_equal(text, "Nullable(");
}

/* ---------------------------------------------------------------- input */

typedef struct input_case {
    int fd;
    udfproc_feeder f;
    chtype types[UDF_MAX_ARGS];
    in_reader in;
    udf_value v[UDF_MAX_ARGS];
} input_case;

static void input_open(input_case *c, fmt_kind fmt, const void *bytes, size_t n, const char *const *types, int ntypes) {
    c->fd = fd_with(bytes, n);
    c->f.pid = -1;
    for (int i = 0; i < ntypes; i++) c->types[i] = type_of(types[i]);
    in_init(&c->in, c->fd, fmt, c->types, ntypes);
    memset(c->v, 0, sizeof(c->v));
}

static void input_close(input_case *c) {
    in_free(&c->in);
    if (c->f.pid > 0) udfproc_feed_done(&c->f);
    else close(c->fd);
}

static void val_is(const udf_value *v, const char *want, size_t n) {
    assert_false(v->is_null);
    assert_int_equal(v->n, n);
    assert_memory_equal(v->s, want, n);
}

#define VAL_IS(v, lit) val_is((v), (lit), sizeof(lit) - 1)

static void test_input_tsv_strings(void **state) {
    (void)state;
    static const char data[] = "plain\nwith\\ttab and \\\\ and \\n\n\nquote\\'s \\x41\nlast without newline";
    static const char *const types[] = {"String"};
    input_case c;
    input_open(&c, FMT_TSV, data, sizeof(data) - 1, types, 1);
    assert_int_equal(in_read_row(&c.in, c.v), 1);
    VAL_IS(&c.v[0], "plain");
    assert_int_equal(in_read_row(&c.in, c.v), 1);
    VAL_IS(&c.v[0], "with\ttab and \\ and \n");
    assert_int_equal(in_read_row(&c.in, c.v), 1);
    VAL_IS(&c.v[0], "");
    assert_int_equal(in_read_row(&c.in, c.v), 1);
    VAL_IS(&c.v[0], "quote's A");
    assert_int_equal(in_read_row(&c.in, c.v), 1);
    VAL_IS(&c.v[0], "last without newline");
    assert_int_equal(in_read_row(&c.in, c.v), 0);
    assert_int_equal(in_read_row(&c.in, c.v), 0);
    input_close(&c);
}

static void test_input_tsv_nullable_and_datetime(void **state) {
    (void)state;
    static const char data[] =
        "a\\tb\t2024-04-01 08:00:02.123456\t\\N\tx\n"
        "\\N\t1700000000\t2024-04-01T08:00:02Z\t\\N\n"
        "\t1970-01-01 00:00:00\t1969-12-31 23:59:59.999999\t\n";
    static const char *const types[] = {"Nullable(String)", "DateTime64(6, 'UTC')", "Nullable(DateTime64(6, 'UTC'))",
                                        "String"};
    input_case c;
    input_open(&c, FMT_TSV, data, sizeof(data) - 1, types, 4);
    assert_int_equal(in_read_row(&c.in, c.v), 1);
    VAL_IS(&c.v[0], "a\tb");
    assert_false(c.v[1].is_null);
    assert_int_equal(c.v[1].ticks, 1711958402123456LL);
    assert_true(c.v[2].is_null);
    VAL_IS(&c.v[3], "x");

    assert_int_equal(in_read_row(&c.in, c.v), 1);
    assert_true(c.v[0].is_null);
    assert_int_equal(c.v[1].ticks, 1700000000000000LL);
    assert_false(c.v[2].is_null);
    assert_int_equal(c.v[2].ticks, 1711958402000000LL);
    VAL_IS(&c.v[3], "N");          /* \N only means NULL for a Nullable argument */

    assert_int_equal(in_read_row(&c.in, c.v), 1);
    VAL_IS(&c.v[0], "");           /* empty is not NULL */
    assert_int_equal(c.v[1].ticks, 0);
    assert_int_equal(c.v[2].ticks, -1);
    VAL_IS(&c.v[3], "");
    assert_int_equal(in_read_row(&c.in, c.v), 0);
    input_close(&c);

    static const char *const dt3[] = {"DateTime64(3)"};
    input_open(&c, FMT_TSV, "2024-04-01 08:00:02.123456\n", 27, dt3, 1);
    assert_int_equal(in_read_row(&c.in, c.v), 1);
    assert_int_equal(c.v[0].ticks, 1711958402123LL);
    input_close(&c);
}

static void tsv_row_fails(const char *data, const char *const *types, int ntypes, const char *error) {
    input_case c;
    input_open(&c, FMT_TSV, data, strlen(data), types, ntypes);
    assert_int_equal(in_read_row(&c.in, c.v), -1);
    assert_non_null(c.in.error);
    assert_string_equal(c.in.error, error);
    input_close(&c);
}

static void test_input_tsv_framing_errors(void **state) {
    (void)state;
    static const char *const two[] = {"String", "String"};
    static const char *const three[] = {"String", "Nullable(String)", "String"};
    static const char *const one[] = {"String"};
    static const char *const dt[] = {"Nullable(DateTime64(6, 'UTC'))"};
    tsv_row_fails("only one\n", two, 2, "row has 1 field(s), expected 2");
    tsv_row_fails("a\tb\tc\n", two, 2, "row has more than 2 field(s)");
    tsv_row_fails("a\tb\n", three, 3, "row has 2 field(s), expected 3");
    tsv_row_fails("a\tb\n", one, 1, "row has more than 1 field(s)");
    tsv_row_fails("yesterday\n", dt, 1, "bad DateTime64 argument 'yesterday': bad date, expected YYYY-MM-DD");
    tsv_row_fails("2024-13-01 00:00:00\n", dt, 1, "bad DateTime64 argument '2024-13-01 00:00:00': month out of range");
    /* the excerpt of a long bad value is cut at 40 tbuf */
    tsv_row_fails("2024-01-01 00:00:00.0000000000000000000000000000000000000000\n", dt, 1,
                  "bad DateTime64 argument '2024-01-01 00:00:00.00000000000000000000': fraction longer than 9 digits");
    tsv_row_fails("\n", dt, 1, "bad DateTime64 argument '': empty timestamp");
}

static const char *const rb_types4[] = {"String", "Nullable(String)", "DateTime64(6, 'UTC')",
                                        "Nullable(DateTime64(6, 'UTC'))"};

static void test_input_rowbinary_rows(void **state) {
    (void)state;
    tbuf b = {0};
    tb_rb_string(&b, "abc", 3);                      /* row 1 */
    tb_putc(&b, 1);                              /* NULL */
    tb_le(&b, 1711958402123456ULL, 8);
    tb_putc(&b, 1);                              /* NULL */
    tb_rb_string(&b, "", 0);                         /* row 2 */
    tb_putc(&b, 0);
    tb_rb_string(&b, "x\0y\n", 4);
    tb_le(&b, (uint64_t)-1, 8);
    tb_putc(&b, 0);
    tb_le(&b, 7, 8);
    input_case c;
    input_open(&c, FMT_ROWBINARY, b.p, b.n, rb_types4, 4);
    assert_int_equal(in_read_row(&c.in, c.v), 1);
    VAL_IS(&c.v[0], "abc");
    assert_true(c.v[1].is_null);
    assert_false(c.v[2].is_null);
    assert_int_equal(c.v[2].ticks, 1711958402123456LL);
    assert_true(c.v[3].is_null);
    assert_int_equal(in_read_row(&c.in, c.v), 1);
    VAL_IS(&c.v[0], "");
    VAL_IS(&c.v[1], "x\0y\n");
    assert_int_equal(c.v[2].ticks, -1);
    assert_false(c.v[3].is_null);
    assert_int_equal(c.v[3].ticks, 7);
    assert_int_equal(in_read_row(&c.in, c.v), 0);   /* clean end between rows */
    input_close(&c);
    free(b.p);
}

/* A 3 MB middle argument makes the buffer grow between the first and the
 * last argument of a row: all three views must still show the right bytes. */
static void test_input_rowbinary_large_values_via_pipe(void **state) {
    (void)state;
    const size_t big = 3 * 1024 * 1024;
    char *blob = pattern(big);
    tbuf b = {0};
    for (int row = 0; row < 3; row++) {
        tb_rb_string(&b, "small", 5);
        tb_rb_string(&b, blob, big - (size_t)row);
        tb_putc(&b, 0);
        tb_rb_string(&b, "tail", 4);
    }
    static const char *const types[] = {"String", "String", "Nullable(String)"};
    input_case c;
    c.f = udfproc_feed(b.p, b.n, 10007);
    c.fd = c.f.fd;
    for (int i = 0; i < 3; i++) c.types[i] = type_of(types[i]);
    in_init(&c.in, c.fd, FMT_ROWBINARY, c.types, 3);
    for (int row = 0; row < 3; row++) {
        assert_int_equal(in_read_row(&c.in, c.v), 1);
        VAL_IS(&c.v[0], "small");
        val_is(&c.v[1], blob, big - (size_t)row);
        VAL_IS(&c.v[2], "tail");
    }
    assert_int_equal(in_read_row(&c.in, c.v), 0);
    input_close(&c);
    free(b.p);
    free(blob);
}

/* Every proper prefix of a valid row is a framing error naming the
 * argument the input ended in; the empty prefix is a clean end. */
static void test_input_rowbinary_truncated_everywhere(void **state) {
    (void)state;
    tbuf b = {0};
    tb_rb_string(&b, "abc", 3);            /* argument 1: bytes [0, 4) */
    tb_putc(&b, 0);                    /* argument 2: bytes [4, 8) */
    tb_rb_string(&b, "xy", 2);
    tb_le(&b, (uint64_t)-1, 8);      /* argument 3: bytes [8, 16) */
    tb_putc(&b, 0);                    /* argument 4: bytes [16, 25) */
    tb_le(&b, 7, 8);
    assert_int_equal(b.n, 25);
    for (size_t cut = 0; cut <= b.n; cut++) {
        input_case c;
        input_open(&c, FMT_ROWBINARY, b.p, cut, rb_types4, 4);
        int rc = in_read_row(&c.in, c.v);
        if (cut == 0) {
            assert_int_equal(rc, 0);
        } else if (cut == b.n) {
            assert_int_equal(rc, 1);
            assert_int_equal(c.v[3].ticks, 7);
        } else {
            int arg = cut < 4 ? 1 : cut < 8 ? 2 : cut < 16 ? 3 : 4;
            char want[100];
            snprintf(want, sizeof(want), "truncated RowBinary row: input ended inside argument %d", arg);
            if (rc != -1) print_error("cut at %zu: rc %d\n", cut, rc);
            assert_int_equal(rc, -1);
            assert_string_equal(c.in.error, want);
        }
        input_close(&c);
    }
    free(b.p);
}

static void header_is(const char *data, int rc_want, uint64_t rows_want, const char *error) {
    static const char *const one[] = {"String"};
    input_case c;
    input_open(&c, FMT_TSV, data, strlen(data), one, 1);
    uint64_t rows = 999;
    int rc = in_read_chunk_header(&c.in, &rows);
    if (rc != rc_want) print_error("header '%s': rc %d\n", data, rc);
    assert_int_equal(rc, rc_want);
    if (rc == 1) assert_true(rows == rows_want);
    if (rc == -1) assert_string_equal(c.in.error, error);
    input_close(&c);
}

static void test_input_chunk_headers(void **state) {
    (void)state;
    const char *bad = "bad chunk header: expected a row count and a newline";
    header_is("3\n", 1, 3, NULL);
    header_is("0\n", 1, 0, NULL);
    header_is("65505\nrest", 1, 65505, NULL);
    header_is("1234567890123456789\n", 1, 1234567890123456789ULL, NULL);
    header_is("", 0, 0, NULL);
    header_is("12", -1, 0, "input ended inside a chunk header");
    header_is("x\n", -1, 0, bad);
    header_is("\n", -1, 0, bad);
    header_is("-1\n", -1, 0, bad);
    header_is(" 1\n", -1, 0, bad);
    header_is("1 \n", -1, 0, bad);
    header_is("1\r\n", -1, 0, bad);
    header_is("12345678901234567890\n", -1, 0, bad);   /* 20 digits: more than any block */
}

/* Headers and rows interleave on one reader, in both formats. */
static void test_input_chunks_with_rows(void **state) {
    (void)state;
    static const char *const one[] = {"String"};
    static const char tsv[] = "2\na\nb\n0\n1\nc\n";
    input_case c;
    uint64_t rows;
    input_open(&c, FMT_TSV, tsv, sizeof(tsv) - 1, one, 1);
    assert_int_equal(in_read_chunk_header(&c.in, &rows), 1);
    assert_true(rows == 2);
    assert_int_equal(in_read_row(&c.in, c.v), 1);
    VAL_IS(&c.v[0], "a");
    assert_int_equal(in_read_row(&c.in, c.v), 1);
    VAL_IS(&c.v[0], "b");
    assert_int_equal(in_read_chunk_header(&c.in, &rows), 1);
    assert_true(rows == 0);
    assert_int_equal(in_read_chunk_header(&c.in, &rows), 1);
    assert_true(rows == 1);
    assert_int_equal(in_read_row(&c.in, c.v), 1);
    VAL_IS(&c.v[0], "c");
    assert_int_equal(in_read_chunk_header(&c.in, &rows), 0);
    input_close(&c);

    tbuf b = {0};
    tb_put(&b, "2\n", 2);
    tb_rb_string(&b, "10\n", 3);           /* a newline inside a RowBinary value is just a byte */
    tb_rb_string(&b, "", 0);
    tb_put(&b, "1\n", 2);
    tb_rb_string(&b, "z", 1);
    input_open(&c, FMT_ROWBINARY, b.p, b.n, one, 1);
    assert_int_equal(in_read_chunk_header(&c.in, &rows), 1);
    assert_true(rows == 2);
    assert_int_equal(in_read_row(&c.in, c.v), 1);
    VAL_IS(&c.v[0], "10\n");
    assert_int_equal(in_read_row(&c.in, c.v), 1);
    VAL_IS(&c.v[0], "");
    assert_int_equal(in_read_chunk_header(&c.in, &rows), 1);
    assert_true(rows == 1);
    assert_int_equal(in_read_row(&c.in, c.v), 1);
    VAL_IS(&c.v[0], "z");
    assert_int_equal(in_read_chunk_header(&c.in, &rows), 0);
    input_close(&c);
    free(b.p);
}

/* --------------------------------------------------------------- result */

/* One scalar result of `type`: the row written by `write`, then its text. */
#define SCALAR_IS(type, want, write_call)                          \
    do {                                                           \
        static const char *const ty_[] = {type};                   \
        writer_case c_;                                            \
        writer_open(&c_, FMT_TSV, 0, ty_, 1);                      \
        res_writer *r = &c_.res;                                   \
        res_row_begin(r);                                          \
        write_call;                                                \
        assert_int_equal(res_row_end(r), 1);                       \
        CAP_IS(&c_.cap, want);                                     \
        writer_close(&c_);                                          \
    } while (0)

static void test_result_tsv_scalar(void **state) {
    (void)state;
    SCALAR_IS("String", "plain\n", res_string(r, "plain", 5));
    SCALAR_IS("String", "a\\tb\\'c\\nd\\\\\\0\n", res_string(r, "a\tb'c\nd\\\0", 9));
    SCALAR_IS("String", "\n", res_string(r, "", 0));
    SCALAR_IS("Nullable(String)", "\\N\n", res_null(r));
    SCALAR_IS("Nullable(String)", "x\n", res_string(r, "x", 1));
    SCALAR_IS("Int8", "-128\n", res_int(r, -128));
    SCALAR_IS("Int64", "-9223372036854775808\n", res_int(r, INT64_MIN));
    SCALAR_IS("Int64", "9223372036854775807\n", res_int(r, INT64_MAX));
    SCALAR_IS("UInt8", "255\n", res_uint(r, 255));
    SCALAR_IS("UInt64", "18446744073709551615\n", res_uint(r, UINT64_MAX));
    SCALAR_IS("Nullable(UInt32)", "\\N\n", res_null(r));
    SCALAR_IS("Float64", "1.5\n", res_float(r, 1.5));
    SCALAR_IS("Float64", "0.10000000000000001\n", res_float(r, 0.1));
    SCALAR_IS("Float64", "-1.0000000000000001e+300\n", res_float(r, -1e300));
    SCALAR_IS("Float64", "nan\n", res_float(r, NAN));
    SCALAR_IS("Float64", "-inf\n", res_float(r, -INFINITY));
    SCALAR_IS("Float32", "0.100000001\n", res_float(r, 0.1));
    SCALAR_IS("Float32", "inf\n", res_float(r, 1e39));
    SCALAR_IS("Bool", "true\n", res_bool(r, 1));
    SCALAR_IS("Bool", "false\n", res_bool(r, 0));
    SCALAR_IS("Bool", "true\n", res_bool(r, 42));
    SCALAR_IS("DateTime64(6)", "1711958402123456\n", res_datetime64(r, 1711958402123456LL));
    SCALAR_IS("DateTime64(3, 'UTC')", "-1\n", res_datetime64(r, -1));
    SCALAR_IS("Nullable(DateTime64(6))", "\\N\n", res_null(r));
    SCALAR_IS("Date", "2025-09-03\n", res_date(r, 20334));
    SCALAR_IS("Date", "2149-06-06\n", res_date(r, 65535));
    SCALAR_IS("Date32", "1900-01-01\n", res_date(r, -25567));
    SCALAR_IS("Date32", "2299-12-31\n", res_date(r, 120529));
    SCALAR_IS("Nullable(Date32)", "\\N\n", res_null(r));
}

/* res_null on a type that is not Nullable writes the type's default. */
static void test_result_null_defaults(void **state) {
    (void)state;
    SCALAR_IS("String", "\n", res_null(r));
    SCALAR_IS("Int32", "0\n", res_null(r));
    SCALAR_IS("UInt64", "0\n", res_null(r));
    SCALAR_IS("Float64", "0\n", res_null(r));
    SCALAR_IS("Bool", "false\n", res_null(r));
    SCALAR_IS("DateTime64(6)", "0\n", res_null(r));
    SCALAR_IS("Date", "1970-01-01\n", res_null(r));
    SCALAR_IS("Date32", "1970-01-01\n", res_null(r));
}

static void test_result_tsv_tuple(void **state) {
    (void)state;
    static const char *const types[] = {"String",  "Nullable(String)", "Int32", "UInt64",        "Float64",
                                        "Bool",    "Bool",             "DateTime64(6)", "Nullable(Int8)", "String",
                                        "Float32"};
    writer_case c;
    writer_open(&c, FMT_TSV, 1, types, 11);
    res_writer *r = &c.res;
    res_row_begin(r);
    res_string(r, "it's\t{\"a\":1}", 12);
    res_null(r);
    res_int(r, -5);
    res_uint(r, 42);
    res_float(r, 1.5);
    res_bool(r, 1);
    res_bool(r, 0);
    res_datetime64(r, 1711958402123456LL);
    res_null(r);
    res_null(r);       /* non-nullable String: its default '' */
    res_float(r, 0.25);
    assert_int_equal(res_row_end(r), 11);
    res_row_begin(r);  /* the next row starts from field 0 again */
    res_string(r, "", 0);
    res_string(r, "\\", 1);
    res_int(r, 0);
    res_uint(r, 0);
    res_null(r);
    res_null(r);
    res_bool(r, 1);
    res_datetime64(r, 0);
    res_int(r, -1);
    res_string(r, "NULL", 4);
    res_float(r, -0.5);
    assert_int_equal(res_row_end(r), 11);
    CAP_IS(&c.cap, "('it\\'s\\t{\"a\":1}',NULL,-5,42,1.5,true,false,1711958402123456,NULL,'',0.25)\n"
                   "('','\\\\',0,0,0,false,true,0,-1,'NULL',-0.5)\n");
    writer_close(&c);
}

/* Dates: quoted inside a Tuple (ClickHouse reads no other form there),
 * UInt16 (Date) and Int32 (Date32) day numbers in RowBinary; a NULL Date
 * is NULL, a missing non-Nullable one 1970-01-01.  Day numbers from
 * Python's date arithmetic: 2025-09-03 is 20334, 1969-12-31 is -1. */
static void test_result_dates(void **state) {
    (void)state;
    static const char *const types[] = {"Date", "Nullable(Date)", "Date32", "Nullable(Date32)", "Date"};
    writer_case c;
    writer_open(&c, FMT_TSV, 1, types, 5);
    res_writer *r = &c.res;
    res_row_begin(r);
    res_date(r, 20334);
    res_null(r);
    res_date(r, -1);
    res_date(r, -25567);
    res_null(r);
    assert_int_equal(res_row_end(r), 5);
    CAP_IS(&c.cap, "('2025-09-03',NULL,'1969-12-31','1900-01-01','1970-01-01')\n");
    cap_free(&c.cap);

    writer_open(&c, FMT_ROWBINARY, 1, types, 5);
    r = &c.res;
    res_row_begin(r);
    res_date(r, 20334);
    res_date(r, 65535);
    res_date(r, -1);
    res_null(r);
    res_null(r);
    assert_int_equal(res_row_end(r), 5);
    CAP_IS(&c.cap, "\x6e\x4f"                /* 20334 */
                   "\x00\xff\xff"            /* not NULL, 65535 */
                   "\xff\xff\xff\xff"        /* -1 */
                   "\x01"                    /* NULL */
                   "\x00\x00");              /* the default day 0 */
    cap_free(&c.cap);
}

/* A one-element tuple still has its parentheses; a short row reports
 * how many fields it wrote. */
static void test_result_tuple_edges(void **state) {
    (void)state;
    static const char *const types[] = {"Nullable(String)", "UInt8"};
    writer_case c;
    writer_open(&c, FMT_TSV, 1, types, 1);
    res_row_begin(&c.res);
    res_null(&c.res);
    assert_int_equal(res_row_end(&c.res), 1);
    CAP_IS(&c.cap, "(NULL)\n");
    writer_close(&c);

    writer_open(&c, FMT_TSV, 1, types, 2);
    res_row_begin(&c.res);
    res_string(&c.res, "a", 1);
    assert_int_equal(res_row_end(&c.res), 1);
    CAP_IS(&c.cap, "('a')\n");
    writer_close(&c);
}

/* The containers in text: ClickHouse's ['a','b'] and {'k':'v'}, each
 * string quoted and escaped as a Tuple element; res_null is an empty one. */
static void write_tsv_containers(res_writer *r) {
    res_array_begin(r);
    res_array_string(r, "a", 1);
    res_array_string(r, "b\tc\n'd\\", 7);
    res_array_string(r, "", 0);
    res_array_end(r);
}

static void test_result_tsv_containers(void **state) {
    (void)state;
    SCALAR_IS("Array(String)", "['a','b\\tc\\n\\'d\\\\','']\n", write_tsv_containers(r));
    SCALAR_IS("Array(String)", "[]\n", res_null(r));
    SCALAR_IS("Map(String, String)", "{}\n", res_null(r));
    SCALAR_IS("Array(String)", "[]\n", (res_array_begin(r), res_array_end(r)));

    static const char *const types[] = {"String", "Array(String)", "Map(String, String)", "Array(String)", "UInt8"};
    writer_case c;
    writer_open(&c, FMT_TSV, 1, types, 5);
    res_writer *r = &c.res;
    res_row_begin(r);
    res_string(r, "x", 1);
    res_array_begin(r);
    res_array_string(r, "one", 3);
    res_array_string(r, "it's", 4);
    res_array_end(r);
    res_map_begin(r);
    res_map_entry(r, "k", 1, "v", 1);
    res_map_entry(r, "tab\t", 4, "", 0);
    res_map_end(r);
    res_null(r);
    res_uint(r, 1);
    assert_int_equal(res_row_end(r), 5);
    res_row_begin(r);
    res_string(r, "", 0);
    res_null(r);
    res_map_begin(r);
    res_map_entry(r, "", 0, "{\"a\":[1]}", 9);
    res_map_end(r);
    res_array_begin(r);
    res_array_string(r, "z", 1);
    res_array_end(r);
    res_uint(r, 0);
    assert_int_equal(res_row_end(r), 5);
    CAP_IS(&c.cap, "('x',['one','it\\'s'],{'k':'v','tab\\t':''},[],1)\n"
                   "('',[],{'':'{\"a\":[1]}'},['z'],0)\n");
    writer_close(&c);
}

/* RowBinary: the LEB128 count, then the strings (a Map's key, value, …). */
static void test_result_rowbinary_containers(void **state) {
    (void)state;
    static const char *const types[] = {"Array(String)", "Map(String, String)", "String"};
    writer_case c;
    writer_open(&c, FMT_ROWBINARY, 1, types, 3);
    res_writer *r = &c.res;
    res_row_begin(r);
    res_array_begin(r);
    res_array_string(r, "ab", 2);
    res_array_string(r, "", 0);
    res_array_end(r);
    res_map_begin(r);
    res_map_entry(r, "k", 1, "v", 1);
    res_map_entry(r, "k2", 2, "", 0);
    res_map_end(r);
    res_string(r, "z", 1);
    assert_int_equal(res_row_end(r), 3);
    CAP_IS(&c.cap, "\x02" "\x02" "ab" "\x00"
                   "\x02" "\x01" "k" "\x01" "v" "\x02" "k2" "\x00"
                   "\x01" "z");
    /* empty ones, by res_null and by begin/end */
    res_row_begin(r);
    res_null(r);
    res_map_begin(r);
    res_map_end(r);
    res_null(r);
    assert_int_equal(res_row_end(r), 3);
    CAP_IS(&c.cap, "\x00" "\x00" "\x00");
    /* 200 elements: a two-byte count */
    res_row_begin(r);
    res_array_begin(r);
    for (int i = 0; i < 200; i++) res_array_string(r, "q", 1);
    res_array_end(r);
    res_null(r);
    res_null(r);
    assert_int_equal(res_row_end(r), 3);
    cap_take(&c.cap);
    assert_int_equal(c.cap.len, 2 + 200 * 2 + 2);
    assert_memory_equal(c.cap.data, "\xc8\x01\x01q\x01q", 6);
    assert_memory_equal(c.cap.data + c.cap.len - 4, "\x01q\x00\x00", 4);
    writer_close(&c);
}

static void test_result_rowbinary_bytes(void **state) {
    (void)state;
    static const char *const types[] = {
        "String", "Nullable(String)", "Nullable(String)", "Int8",    "Int16",         "Int32",
        "Int64",  "UInt8",            "UInt16",           "UInt32",  "UInt64",        "Float32",
        "Float64", "Bool",            "DateTime64(6)",    "Nullable(DateTime64(6))", "Nullable(Int32)"};
    writer_case c;
    writer_open(&c, FMT_ROWBINARY, 1, types, 17);
    res_writer *r = &c.res;
    res_row_begin(r);
    res_string(r, "ab", 2);
    res_null(r);
    res_string(r, "x", 1);
    res_int(r, -1);
    res_int(r, -2);
    res_int(r, -3);
    res_int(r, INT64_MIN);
    res_uint(r, 255);
    res_uint(r, 65535);
    res_uint(r, 4294967295U);
    res_uint(r, UINT64_MAX);
    res_float(r, 1.5);
    res_float(r, -2.0);
    res_bool(r, 1);
    res_datetime64(r, 1711958402123456LL);
    res_null(r);
    res_int(r, 5);
    assert_int_equal(res_row_end(r), 17);
    CAP_IS(&c.cap, "\x02" "ab"
                   "\x01"
                   "\x00\x01" "x"
                   "\xff"
                   "\xfe\xff"
                   "\xfd\xff\xff\xff"
                   "\x00\x00\x00\x00\x00\x00\x00\x80"
                   "\xff"
                   "\xff\xff"
                   "\xff\xff\xff\xff"
                   "\xff\xff\xff\xff\xff\xff\xff\xff"
                   "\x00\x00\xc0\x3f"
                   "\x00\x00\x00\x00\x00\x00\x00\xc0"
                   "\x01"
                   "\xc0\xc6\x6d\x60\x04\x15\x06\x00"
                   "\x01"
                   "\x00\x05\x00\x00\x00");

    /* defaults of non-nullable types, and a second row with no framing between rows */
    res_row_begin(r);
    for (int i = 0; i < 17; i++) res_null(r);
    assert_int_equal(res_row_end(r), 17);
    CAP_IS(&c.cap, "\x00"
                   "\x01"
                   "\x01"
                   "\x00"
                   "\x00\x00"
                   "\x00\x00\x00\x00"
                   "\x00\x00\x00\x00\x00\x00\x00\x00"
                   "\x00"
                   "\x00\x00"
                   "\x00\x00\x00\x00"
                   "\x00\x00\x00\x00\x00\x00\x00\x00"
                   "\x00\x00\x00\x00"
                   "\x00\x00\x00\x00\x00\x00\x00\x00"
                   "\x00"
                   "\x00\x00\x00\x00\x00\x00\x00\x00"
                   "\x01"
                   "\x01");
    writer_close(&c);

    /* a scalar (not a tuple) in RowBinary has no framing either */
    static const char *const one[] = {"Nullable(String)"};
    writer_open(&c, FMT_ROWBINARY, 0, one, 1);
    res_row_begin(&c.res);
    res_string(&c.res, "hi", 2);
    res_row_end(&c.res);
    res_row_begin(&c.res);
    res_null(&c.res);
    res_row_end(&c.res);
    CAP_IS(&c.cap, "\x00\x02" "hi" "\x01");
    writer_close(&c);
}

int main(void) {
    signal(SIGPIPE, SIG_IGN);
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_io_need_grows_for_5mb_value),
        cmocka_unit_test(test_io_need_short_at_eof),
        cmocka_unit_test(test_io_find_newline_across_boundaries),
        cmocka_unit_test(test_io_marks_survive_compaction_and_growth),
        cmocka_unit_test(test_io_writer_orders_all_paths),
        cmocka_unit_test(test_tsv_unescape_every_escape),
        cmocka_unit_test(test_tsv_null_marker),
        cmocka_unit_test(test_tsv_write_escaped_every_byte),
        cmocka_unit_test(test_tsv_write_quoted),
        cmocka_unit_test(test_tsv_round_trip),
        cmocka_unit_test(test_rb_write_uleb128_edges),
        cmocka_unit_test(test_rb_read_uleb128_edges),
        cmocka_unit_test(test_rb_read_uleb128_truncated),
        cmocka_unit_test(test_rb_strings),
        cmocka_unit_test(test_rb_fixed),
        cmocka_unit_test(test_chtype_parse_format_all),
        cmocka_unit_test(test_chtype_datetime64),
        cmocka_unit_test(test_chtype_errors),
        cmocka_unit_test(test_chtype_containers),
        cmocka_unit_test(test_chtype_format_small_buffer),
        cmocka_unit_test(test_input_tsv_strings),
        cmocka_unit_test(test_input_tsv_nullable_and_datetime),
        cmocka_unit_test(test_input_tsv_framing_errors),
        cmocka_unit_test(test_input_rowbinary_rows),
        cmocka_unit_test(test_input_rowbinary_large_values_via_pipe),
        cmocka_unit_test(test_input_rowbinary_truncated_everywhere),
        cmocka_unit_test(test_input_chunk_headers),
        cmocka_unit_test(test_input_chunks_with_rows),
        cmocka_unit_test(test_result_tsv_scalar),
        cmocka_unit_test(test_result_null_defaults),
        cmocka_unit_test(test_result_tsv_tuple),
        cmocka_unit_test(test_result_tuple_edges),
        cmocka_unit_test(test_result_tsv_containers),
        cmocka_unit_test(test_result_rowbinary_containers),
        cmocka_unit_test(test_result_dates),
        cmocka_unit_test(test_result_rowbinary_bytes),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
