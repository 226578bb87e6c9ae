/* fuzz_fn.c — libFuzzer target for one function's row decoder, built once
 * per function (FUZZ_FN_NAME) together with that function's udf/fn_*.c.
 *
 * The function's source is compiled with main renamed to fuzz_fn_main and
 * udf_run renamed to fuzz_fn_capture (tests/fuzz/CMakeLists.txt), so its own
 * main() hands us the udf_function exactly as the binary would run it, with
 * the command line the shipped XML uses.  Each input is one row: the whole
 * input is the first argument; a two-argument function gets the text after
 * the last newline as its second ("\N" is NULL for a Nullable argument).
 * Arguments are exact-size heap copies (ASan sees any over-read); the row is
 * answered in RowBinary, in TabSeparated and in Native (one block per row),
 * with the arena reused across inputs as the driver does, and must write
 * exactly the declared number of fields.  payload_extract's row is also
 * answered by a copy without its fast path (FUZZ_FN_SLOW,
 * fn_payload_extract_slow.c), and the two RowBinary answers must be equal. */
#include "fuzz_common.h"

#include "driver.h"
#include "result.h"

#ifndef FUZZ_FN_NAME
#error "FUZZ_FN_NAME must name the function"
#endif

int fuzz_fn_main(int argc, char **argv);
int fuzz_fn_capture(const udf_function *fn, int argc, char **argv);

static udf_function fuzz_fn;
static udf_signature fuzz_sig;
static arena fuzz_arena;

/* The options each function runs with in clickhouse-config/cdc_udfs_function.xml;
 * payload_extract gets experiment_event's fields plus one of every other type. */
static char *fuzz_argv_unwrap[] = {"debezium_unwrap", NULL};
static char *fuzz_argv_get[] = {"payload_get", NULL};
static char *fuzz_argv_valid[] = {"is_valid_after_assignment", NULL};
static char *fuzz_argv_extract[] = {
    "payload_extract", "--path", "after.payload",
    "--field", "id:String", "--field", "experiment_id:UInt32", "--field", "user_id:String",
    "--field", "variant_id:UInt32", "--field", "variant_key:String", "--field", "event_type:String",
    "--field", "timestamp:DateTime64(6)", "--field", "assignment_at:Nullable(DateTime64(6))",
    "--field", "properties:String", "--field", "session_id:String", "--field", "op:String=$.op",
    "--field", "aggregate_id:String=$.after.aggregate_id",
    "--field", "i8:Int8=properties.i8", "--field", "i64:Nullable(Int64)=properties.i64",
    "--field", "u64:UInt64=$.source.lsn", "--field", "f32:Float32=properties.value",
    "--field", "f64:Nullable(Float64)=properties.f", "--field", "b:Nullable(Bool)=properties.b",
    "--field", "ms:DateTime64(3, 'UTC')=$.ts_ms", "--field", "deep:String=properties.a.0.b",
    NULL,
};

#ifdef FUZZ_FN_SLOW
int fuzz_fn_slow_main(int argc, char **argv);
int fuzz_fn_slow_capture(const udf_function *fn, int argc, char **argv);
static udf_function fuzz_slow_fn;
static udf_signature fuzz_slow_sig;

int fuzz_fn_slow_capture(const udf_function *fn, int argc, char **argv) {
    char why[512] = "";
    fuzz_slow_fn = *fn;
    if (fn->configure(fn->self, argc, argv, &fuzz_slow_sig, why, sizeof(why)) < 0) fuzz_fail("configure: %s", why);
    return 0;
}

/* One row answered in RowBinary by fn, read back into *out (malloc'd). */
static size_t fuzz_answer_bytes(const udf_function *fn, const udf_signature *sig, const udf_value *vals,
                                char **out) {
    int fd = fuzz_memfd("", 0);
    io_writer w;
    res_writer res;
    io_writer_init(&w, fd);
    res_init(&res, &w, FMT_ROWBINARY, sig->tuple, sig->results, sig->nresults);
    arena_reset(&fuzz_arena);
    res_row_begin(&res);
    fn->row(fn->self, vals, &res, &fuzz_arena);
    res_row_end(&res);
    res_block_end(&res);
    res_free(&res);
    io_flush(&w);
    io_writer_free(&w);
    off_t n = lseek(fd, 0, SEEK_END);
    if (n < 0) fuzz_fail("lseek failed");
    *out = malloc((size_t)n + 1);
    if (!*out || pread(fd, *out, (size_t)n, 0) != n) fuzz_fail("reading the answer back failed");
    close(fd);
    return (size_t)n;
}

static void fuzz_fast_equals_slow(const udf_value *vals) {
    char *fast, *slow;
    size_t nf = fuzz_answer_bytes(&fuzz_fn, &fuzz_sig, vals, &fast);
    size_t ns = fuzz_answer_bytes(&fuzz_slow_fn, &fuzz_slow_sig, vals, &slow);
    if (nf != ns || memcmp(fast, slow, nf) != 0)
        fuzz_fail("fast path answered %zu bytes, the step-by-step lookups %zu, and they differ", nf, ns);
    free(fast);
    free(slow);
}
#endif

int fuzz_fn_capture(const udf_function *fn, int argc, char **argv) {
    char why[512] = "";
    fuzz_fn = *fn;
    if (fn->configure(fn->self, argc, argv, &fuzz_sig, why, sizeof(why)) < 0) fuzz_fail("configure: %s", why);
    return 0;
}

int LLVMFuzzerInitialize(int *argc, char ***argv) {
    (void)argc;
    (void)argv;
    char **args = !strcmp(FUZZ_FN_NAME, "debezium_unwrap") ? fuzz_argv_unwrap
                : !strcmp(FUZZ_FN_NAME, "payload_get")     ? fuzz_argv_get
                : !strcmp(FUZZ_FN_NAME, "payload_extract") ? fuzz_argv_extract
                                                           : fuzz_argv_valid;
    int n = 0;
    static char *copies[sizeof(fuzz_argv_extract) / sizeof(fuzz_argv_extract[0])];
    for (; args[n]; n++) copies[n] = strdup(args[n]);  /* configure may write into them, as into argv */
    copies[n] = NULL;
    fuzz_fn_main(n, copies);
    if (!fuzz_fn.row) fuzz_fail("%s did not call udf_run", FUZZ_FN_NAME);
#ifdef FUZZ_FN_SLOW
    static char *slow_copies[sizeof(fuzz_argv_extract) / sizeof(fuzz_argv_extract[0])];
    for (int i = 0; i < n; i++) slow_copies[i] = strdup(args[i]);
    slow_copies[n] = NULL;
    fuzz_fn_slow_main(n, slow_copies);
    if (!fuzz_slow_fn.row) fuzz_fail("the slow copy did not call udf_run");
#endif
    arena_init(&fuzz_arena);
    return 0;
}

static void fuzz_answer(const udf_value *vals, fmt_kind fmt) {
    static io_writer w;
    static int ready;
    res_writer res;
    if (!ready) io_writer_init(&w, fuzz_devnull());
    ready = 1;
    res_init(&res, &w, fmt, fuzz_sig.tuple, fuzz_sig.results, fuzz_sig.nresults);
    arena_reset(&fuzz_arena);
    res_row_begin(&res);
    fuzz_fn.row(fuzz_fn.self, vals, &res, &fuzz_arena);
    int fields = res_row_end(&res);
    if (fields != fuzz_sig.nresults) fuzz_fail("wrote %d fields, signature has %d", fields, fuzz_sig.nresults);
    res_block_end(&res);
    res_free(&res);
    w.len = 0;
}

static void fuzz_set_arg(udf_value *v, const chtype *t, const uint8_t *p, size_t n) {
    memset(v, 0, sizeof(*v));
    v->is_null = t->nullable && n == 2 && p[0] == '\\' && p[1] == 'N';
    v->s = fuzz_copy(p, n);
    v->n = v->is_null ? 0 : n;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    static unsigned long inputs;
    udf_value vals[UDF_MAX_ARGS];
    size_t first = size;
    if (fuzz_sig.nargs == 2) {
        const uint8_t *nl = size ? memrchr(data, '\n', size) : NULL;
        first = nl ? (size_t)(nl - data) : size;
        size_t rest = first < size ? first + 1 : size;
        fuzz_set_arg(&vals[1], &fuzz_sig.args[1], data + rest, size - rest);
    }
    fuzz_set_arg(&vals[0], &fuzz_sig.args[0], data, first);
    fuzz_answer(vals, FMT_ROWBINARY);
    fuzz_answer(vals, FMT_TSV);
    fuzz_answer(vals, FMT_NATIVE);
#ifdef FUZZ_FN_SLOW
    fuzz_fast_equals_slow(vals);
#endif
    if (++inputs % 1024 == 0 && fuzz_fn.block_end) fuzz_fn.block_end(fuzz_fn.self);
    for (int i = 0; i < fuzz_sig.nargs; i++) free((void *)vals[i].s);
    return 0;
}
