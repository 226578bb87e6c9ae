/* fuzz_reader.h — the body of the three format-reader targets (fuzz_tsv.c,
 * fuzz_rowbinary.c, fuzz_native.c), which define FUZZ_TSV and FUZZ_NATIVE
 * (1 or 0) and include this.
 *
 * Input: one control byte, then the bytes ClickHouse would write to the
 * process's stdin.  Control bits 0-1 pick the argument types (those of our
 * functions: String; String, String; Nullable(String) x2; Nullable(DateTime64)
 * x2), bit 2 the executable_pool chunk headers.  Rows are read until the
 * input ends or the framing breaks, exactly as the driver does.  Checked
 * properties: every string value survives the format's own writer and
 * reader unchanged (Native: a one-row block written by result.c, read back
 * by input.c, then a clean end), and TabSeparated escaping never emits a
 * raw tab or newline (which would split or shift rows). */
#include "fuzz_common.h"

#include "input.h"
#include "io.h"
#include "result.h"
#include "rowbinary.h"
#include "tsv.h"

#ifndef FUZZ_NATIVE
#define FUZZ_NATIVE 0
#endif
#define FUZZ_FMT (FUZZ_TSV ? FMT_TSV : FUZZ_NATIVE ? FMT_NATIVE : FMT_ROWBINARY)

/* Readers and the writer live across inputs, as they live across rows and
 * chunks in a UDF process (and a fresh 512 KB buffer per input would make
 * the sanitizer's allocator the bottleneck). */
static void fuzz_reader_on(in_reader *in, int *ready, int fd, fmt_kind fmt, const chtype *types, int ntypes) {
    if (!*ready) in_init(in, fd, fmt, types, ntypes);
    *ready = 1;
    in->io.fd = fd;
    in->io.mark = in->io.pos = in->io.len = 0;
    in->io.eof = 0;
    in->fmt = fmt;
    in->types = types;
    in->ntypes = ntypes;
    in->error = NULL;
    in->native.rows = in->native.row = 0;       /* no Native block under way */
    in->native.chunk_left = UINT64_MAX;
}

static io_writer *fuzz_writer(void) {
    static io_writer w;
    static int ready;
    if (!ready) io_writer_init(&w, fuzz_devnull());
    ready = 1;
    w.len = 0;
    return &w;
}

static chtype fuzz_types[4][2];
static const int fuzz_ntypes[4] = {1, 2, 2, 2};

static void fuzz_init_types(void) {
    static int done;
    const char *why;
    static const char *const names[4][2] = {
        {"String", NULL},
        {"String", "String"},
        {"Nullable(String)", "Nullable(String)"},
        {"Nullable(DateTime64(6, 'UTC'))", "Nullable(DateTime64(6, 'UTC'))"},
    };
    if (done) return;
    for (int i = 0; i < 4; i++)
        for (int j = 0; j < fuzz_ntypes[i]; j++)
            if (chtype_parse(names[i][j], strlen(names[i][j]), &fuzz_types[i][j], &why) < 0) fuzz_fail("type: %s", why);
    done = 1;
}

#if FUZZ_TSV
static void fuzz_roundtrip(const char *s, size_t n) {
    io_writer *w = fuzz_writer();
    if (n >= w->cap / 4) return;
    tsv_write_escaped(w, s, n);
    if (memchr(w->buf, '\t', w->len) || memchr(w->buf, '\n', w->len)) fuzz_fail("escaped text holds a tab or newline");
    char *copy = fuzz_copy(w->buf, w->len);
    size_t m = tsv_unescape(copy, w->len);
    if (m != n || memcmp(copy, s, n)) fuzz_fail("TabSeparated round trip changed a %zu-byte value", n);
    free(copy);
    w->len = 0;
    tsv_write_quoted(w, s, n);
    if (memchr(w->buf, '\t', w->len) || memchr(w->buf, '\n', w->len)) fuzz_fail("quoted text holds a tab or newline");
    w->len = 0;
}
#elif FUZZ_NATIVE
static void fuzz_roundtrip(const char *s, size_t n) {
    static in_reader back;
    static int ready;
    io_writer *w = fuzz_writer();
    if (n >= w->cap / 2) return;
    res_writer res;
    res_init(&res, w, FMT_NATIVE, 0, &fuzz_types[0][0], 1);
    res_row_begin(&res);
    res_string(&res, s, n);
    res_row_end(&res);
    res_block_end(&res);
    res_free(&res);
    int fd = fuzz_memfd(w->buf, w->len);
    udf_value v;
    fuzz_reader_on(&back, &ready, fd, FMT_NATIVE, &fuzz_types[0][0], 1);
    if (in_read_row(&back, &v) != 1 || v.n != n || memcmp(v.s, s, n)) fuzz_fail("Native round trip changed a %zu-byte value", n);
    if (in_read_row(&back, &v) != 0) fuzz_fail("Native round trip: more than the one row written");
    close(fd);
    w->len = 0;
}
#else
static void fuzz_roundtrip(const char *s, size_t n) {
    static in_reader back;
    static int ready;
    io_writer *w = fuzz_writer();
    if (n >= w->cap / 2) return;
    rb_write_string(w, s, n);
    int fd = fuzz_memfd(w->buf, w->len);
    udf_value v;
    fuzz_reader_on(&back, &ready, fd, FMT_ROWBINARY, &fuzz_types[0][0], 1);
    if (in_read_row(&back, &v) != 1 || v.n != n || memcmp(v.s, s, n)) fuzz_fail("RowBinary round trip changed a %zu-byte value", n);
    close(fd);
    w->len = 0;
}
#endif

static void fuzz_check_row(const chtype *types, int ntypes, const udf_value *vals) {
    for (int i = 0; i < ntypes; i++)
        if (types[i].kind == CT_STRING && !vals[i].is_null) fuzz_roundtrip(vals[i].s, vals[i].n);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    static in_reader in;
    static int ready;
    if (size < 1) return 0;
    fuzz_init_types();
    int sel = data[0] & 3, chunked = data[0] & 4;
    int fd = fuzz_memfd(data + 1, size - 1);
    udf_value vals[UDF_MAX_ARGS];
    fuzz_reader_on(&in, &ready, fd, FUZZ_FMT, fuzz_types[sel], fuzz_ntypes[sel]);
    for (;;) {
        uint64_t rows = 1;
        if (chunked && in_read_chunk_header(&in, &rows) <= 0) break;
        uint64_t i = 0;
        int rc = 1;
        for (; i < rows && (rc = in_read_row(&in, vals)) == 1; i++) fuzz_check_row(fuzz_types[sel], fuzz_ntypes[sel], vals);
        if (rc < 0 && !in.error) fuzz_fail("framing error without a message");
        if (rc <= 0) break;
    }
    close(fd);
    return 0;
}
