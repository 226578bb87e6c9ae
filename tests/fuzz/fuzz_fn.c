/* fuzz_fn.c — libFuzzer target for one function's row decoder, built once
 * per function, linking the function's object (FUZZ_FN_OBJECT, udf.h) as
 * its binary does.
 *
 * The object is configured with the command line the shipped XML uses.
 * Each input is one row: the whole input is the first argument; a
 * two-argument function gets the text after the last newline as its second
 * ("\\N" is NULL for a Nullable argument).  Arguments are exact-size heap
 * copies (ASan sees any over-read); the row is answered in RowBinary, in
 * TabSeparated and in Native (one block per row), with the arena reused
 * across inputs as the driver does, and must write exactly the declared
 * number of fields.  payload_extract's row is also answered by a second
 * plan that takes the step-by-step lookups only (FUZZ_FN_LOOKUPS,
 * extract.h's runtime switch), and the two RowBinary answers must be
 * equal; at start-up a known message must be answered by the fast path,
 * so a fast path that never runs cannot pass for one that agrees. */
#include "fuzz_common.h"

#include "extract.h"
#include "udf.h"

#ifndef FUZZ_FN_OBJECT
#error "FUZZ_FN_OBJECT must name the function's object"
#endif

static const udf_function *const fuzz_fn = &FUZZ_FN_OBJECT;
static udf_signature fuzz_sig;
static arena fuzz_arena;

static char *fuzz_argv_unwrap[] = {"debezium_unwrap", NULL};
/* debezium_flatten with every rule on: rewrite, fields and headers from
 * every struct, a rename, routing, ExtractChangedRecordState's lists and
 * dropping by one of them. */
static char *fuzz_argv_flatten[] = {
    "debezium_flatten", "--delete.tombstone.handling.mode=rewrite-with-tombstone",
    "--add.fields=op,ts_ms,lsn,source.ts_ms:event_ts,id,transaction,updateDescription.x",
    "--add.headers=op,db,transaction.id,sequence,source", "--route.by.field=name",
    "--header.changed.name=C", "--header.unchanged.name=U", "--drop.fields.header.name=U", NULL};
static char *fuzz_argv_get[] = {"payload_get", NULL};
static char *fuzz_argv_typed[] = {"debezium_typed", NULL};
static char *fuzz_argv_ddl[] = {"debezium_ddl", "--database=db", "--table={schema}.{table}", NULL};
static char *fuzz_argv_valid[] = {"is_valid_after_assignment", NULL};
/* Every rule at once: expansion, every placement, the timestamp column, a regex route. */
static char *fuzz_argv_outbox[] = {
    "outbox_route", "--table.expand.json.payload=true", "--table.json.payload.null.behavior=optional_bytes",
    "--table.fields.additional.placement=type:header:eventType,aggregateid:envelope:agg,shard:partition,tenant:header",
    "--table.field.event.timestamp=occurred_at", "--route.topic.regex=(?<t>[a-z]+)(-(?<r>[a-z]+))?",
    "--route.topic.replacement=$r.${t}.x", "--route.tombstone.on.empty.payload=true", NULL,
};
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
    "--field", "day:Date=properties.day", "--field", "d32:Nullable(Date32)=$.after.order_date",
    NULL,
};

/* configure on its own copy of the arguments (it may write into them, as into argv). */
static void fuzz_configure(void *self, char **args, udf_signature *sig) {
    static char *copies[2][sizeof(fuzz_argv_extract) / sizeof(fuzz_argv_extract[0])];
    static int used;
    char why[512] = "";
    char **c = copies[used++];
    int n = 0;
    for (; args[n]; n++) c[n] = strdup(args[n]);
    c[n] = NULL;
    memset(sig, 0, sizeof(*sig));
    if (fuzz_fn->configure(self, n, c, sig, why, sizeof(why)) < 0) fuzz_fail("configure: %s", why);
}

#ifdef FUZZ_FN_LOOKUPS
static ex_plan fuzz_lookups_plan;
static udf_signature fuzz_lookups_sig;

/* One row answered in RowBinary with `self`, read back into *out (malloc'd). */
static size_t fuzz_answer_bytes(void *self, const udf_signature *sig, const udf_value *vals, char **out) {
    int fd = fuzz_memfd("", 0);
    io_writer w;
    res_writer res;
    io_writer_init(&w, fd);
    res_init(&res, &w, FMT_ROWBINARY, sig->tuple, sig->results, sig->nresults);
    arena_reset(&fuzz_arena);
    res_row_begin(&res);
    fuzz_fn->row(self, vals, &res, &fuzz_arena);
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

static void fuzz_fast_equals_lookups(const udf_value *vals) {
    char *fast, *slow;
    size_t nf = fuzz_answer_bytes(fuzz_fn->self, &fuzz_sig, vals, &fast);
    size_t ns = fuzz_answer_bytes(&fuzz_lookups_plan, &fuzz_lookups_sig, vals, &slow);
    if (nf != ns || memcmp(fast, slow, nf) != 0)
        fuzz_fail("fast path answered %zu bytes, the step-by-step lookups %zu, and they differ", nf, ns);
    free(fast);
    free(slow);
}

/* The fast path is live: an outbox event holding every field is answered by it. */
static void fuzz_require_fast_path(void) {
    static const char msg[] =
        "{\"before\":null,\"after\":{\"aggregate_id\":\"1\",\"payload\":\"{\\\"id\\\":\\\"e1\\\",\\\"experiment_id\\\":7,"
        "\\\"user_id\\\":\\\"u\\\",\\\"variant_id\\\":1,\\\"variant_key\\\":\\\"a\\\",\\\"event_type\\\":\\\"view\\\","
        "\\\"timestamp\\\":\\\"2024-04-01T08:00:30Z\\\",\\\"assignment_at\\\":null,\\\"session_id\\\":\\\"s\\\","
        "\\\"properties\\\":{\\\"i8\\\":1,\\\"i64\\\":2,\\\"value\\\":1.5,\\\"f\\\":2.5,\\\"b\\\":true,"
        "\\\"a\\\":{\\\"0\\\":{\\\"b\\\":\\\"x\\\"}},\\\"day\\\":\\\"2025-09-03\\\"}}\",\"order_date\":-1000},"
        "\"source\":{\"lsn\":1},\"op\":\"c\",\"ts_ms\":1}";
    udf_value v = {0, msg, sizeof(msg) - 1, 0};
    const ex_plan *plan = fuzz_fn->self;
    unsigned long before = plan->fast_rows;
    char *out;
    free((fuzz_answer_bytes(fuzz_fn->self, &fuzz_sig, &v, &out), out));
    if (plan->fast_rows != before + 1) fuzz_fail("the fast path did not answer an outbox event holding every field");
}
#endif


int LLVMFuzzerInitialize(int *argc, char ***argv) {
    (void)argc;
    (void)argv;
    const char *name = fuzz_fn->name;
    char **args = !strcmp(name, "debezium_unwrap") ? fuzz_argv_unwrap
                : !strcmp(name, "debezium_flatten") ? fuzz_argv_flatten
                : !strcmp(name, "payload_get")     ? fuzz_argv_get
                : !strcmp(name, "payload_extract") ? fuzz_argv_extract
                : !strcmp(name, "outbox_route")    ? fuzz_argv_outbox
                : !strcmp(name, "debezium_typed")  ? fuzz_argv_typed
                : !strcmp(name, "debezium_ddl")    ? fuzz_argv_ddl
                                                   : fuzz_argv_valid;
    fuzz_configure(fuzz_fn->self, args, &fuzz_sig);
    arena_init(&fuzz_arena);
#ifdef FUZZ_FN_LOOKUPS
    fuzz_lookups_plan.lookups_only = 1;
    fuzz_configure(&fuzz_lookups_plan, args, &fuzz_lookups_sig);
    fuzz_require_fast_path();
#endif
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
    fuzz_fn->row(fuzz_fn->self, vals, &res, &fuzz_arena);
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
#ifdef FUZZ_FN_LOOKUPS
    fuzz_fast_equals_lookups(vals);
#endif
    if (++inputs % 1024 == 0 && fuzz_fn->block_end) fuzz_fn->block_end(fuzz_fn->self);
    for (int i = 0; i < fuzz_sig.nargs; i++) free((void *)vals[i].s);
    return 0;
}
