/* driver.c — command line, process set-up and the row loop (see driver.h). */
#include "driver.h"
#include "fatal.h"
#include "jsonidx.h"
#include "sandbox.h"

#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

#define UDF_PIPE_BYTES (1 << 20)

typedef struct udf_options {
    fmt_kind fmt;
    int chunked;
    const char *return_name;        /* Native: the answer column's name */
    int help, version, signature;
    int no_sandbox;
    const char *simd;               /* --simd: stage 1's kernel (jsonidx.h) */
    const char *sandbox_selftest;   /* hidden test hook, see sandbox.h */
} udf_options;

void udf_sig_arg(udf_signature *sig, const char *name, const char *type) {
    const char *why;
    if (sig->nargs == UDF_MAX_ARGS) fatal_exit(EXIT_USAGE, "too many arguments");
    if (chtype_parse(type, strlen(type), &sig->args[sig->nargs], &why) < 0)
        fatal_exit(EXIT_USAGE, "argument type '%s': %s", type, why);
    if (chtype_is_container(sig->args[sig->nargs].kind))
        fatal_exit(EXIT_USAGE, "argument type '%s': Array and Map are result types only", type);
    sig->arg_names[sig->nargs++] = name;
}

void udf_sig_result(udf_signature *sig, const char *name, const char *type) {
    const char *why;
    if (sig->nresults == UDF_MAX_RESULTS) fatal_exit(EXIT_USAGE, "too many result fields (at most %d)", UDF_MAX_RESULTS);
    if (chtype_parse(type, strlen(type), &sig->results[sig->nresults], &why) < 0)
        fatal_exit(EXIT_USAGE, "result type '%s': %s", type, why);
    sig->result_names[sig->nresults++] = name;
}

char *udf_return_type(const udf_signature *sig) {
    return chtype_result_type(sig->results, sig->result_names, sig->nresults, sig->tuple);
}

/* A UDF process must not keep the server's files open (sockets, parts). */
static void udf_close_inherited_fds(void) {
#ifdef SYS_close_range
    if (syscall(SYS_close_range, 3U, ~0U, 0U) == 0) return;
#endif
    long max = sysconf(_SC_OPEN_MAX);
    for (long fd = 3; fd < (max > 0 ? max : 1024); fd++) close((int)fd);
}

static void udf_usage(const udf_function *fn, const udf_signature *sig, const char *rt, FILE *out) {
    fprintf(out, "%s — %s\n\nusage: %s [--format TabSeparated|RowBinary|Native] [--chunked] [options]\n\n", fn->name,
            fn->summary, fn->name);
    fprintf(out, "SQL signature:\n  %s(", fn->name);
    for (int i = 0; i < sig->nargs; i++) {
        char t[96];
        chtype_format(&sig->args[i], t, sizeof(t));
        fprintf(out, "%s%s %s", i ? ", " : "", sig->arg_names[i], t);
    }
    fprintf(out, ") -> %s\n\n", rt);
    fprintf(out,
            "common options:\n"
            "  --format F     TabSeparated (default), RowBinary or Native: must match <format> in the XML\n"
            "  --chunked      executable_pool with <send_chunk_header>1</send_chunk_header>:\n"
            "                 each chunk starts with \"N\\n\" and is answered with exactly N rows\n"
            "  --return-name N\n"
            "                 Native: the answer's column name, which must equal <return_name> in\n"
            "                 the XML (default result): ClickHouse answers defaults for a column\n"
            "                 it does not find by that name, without an error\n"
            "  --signature    print the return type the function's XML must declare\n"
            "  --simd LEVEL   the JSON scanner's structural index: off (the default, the byte\n"
            "                 walker), auto (the best kernel this CPU has), avx2, sse42 or\n"
            "                 portable; in use: %s\n"
            "  --no-sandbox   do not confine the process with seccomp after start-up\n"
            "                 (kernels without seccomp, valgrind); see README \"Guarantees\"\n"
            "  --help, --version\n",
            jidx_active_name());
    if (fn->options_help) fprintf(out, "\n%s options:\n%s", fn->name, fn->options_help);
    fprintf(out, "\nexample:\n  echo '<row>' | %s --format TabSeparated\n", fn->name);
}

/* Removes the driver's options from argv, leaving the function's own. */
static int udf_parse_common(int *argc, char **argv, udf_options *o) {
    int out = 1;
    o->fmt = FMT_TSV;
    o->chunked = o->help = o->version = o->signature = o->no_sandbox = 0;
    o->sandbox_selftest = NULL;
    o->simd = NULL;
    o->return_name = "result";
    for (int i = 1; i < *argc; i++) {
        const char *a = argv[i];
        const char *fmt = NULL;
        if (!strcmp(a, "--format") && i + 1 < *argc) fmt = argv[++i];
        else if (!strncmp(a, "--format=", 9)) fmt = a + 9;
        else if (!strcmp(a, "--chunked") || !strcmp(a, "--send-chunk-header")) o->chunked = 1;
        else if (!strcmp(a, "--return-name") && i + 1 < *argc) o->return_name = argv[++i];
        else if (!strncmp(a, "--return-name=", 14)) o->return_name = a + 14;
        else if (!strcmp(a, "--help") || !strcmp(a, "-h")) o->help = 1;
        else if (!strcmp(a, "--version")) o->version = 1;
        else if (!strcmp(a, "--signature")) o->signature = 1;
        else if (!strcmp(a, "--no-sandbox")) o->no_sandbox = 1;
        else if (!strcmp(a, "--simd") && i + 1 < *argc) o->simd = argv[++i];
        else if (!strncmp(a, "--simd=", 7)) o->simd = a + 7;
        else if (!strncmp(a, "--sandbox-selftest=", 19)) o->sandbox_selftest = a + 19;
        else argv[out++] = argv[i];
        if (fmt) {
            int f = fmt_from_name(fmt);
            if (f < 0) {
                fprintf(stderr, "%s: unknown format '%s' (TabSeparated, RowBinary or Native)\n", argv[0], fmt);
                return -1;
            }
            o->fmt = (fmt_kind)f;
        }
    }
    *argc = out;
    argv[out] = NULL;
    return 0;
}

typedef struct udf_loop {
    const udf_function *fn;
    const udf_signature *sig;
    in_reader in;
    io_writer out;
    res_writer res;
    arena scratch;
    udf_value vals[UDF_MAX_ARGS];
} udf_loop;

/* Before a framing error ends the process: the rows answered so far go
 * out whole (Native's buffered ones as a block), never a partial row. */
static void udf_answer_whole_rows(udf_loop *l) {
    res_block_end(&l->res);
    io_flush(&l->out);
}

/* 1 = answered a row, 0 = input ended before it; framing errors exit. */
static int udf_one_row(udf_loop *l) {
    int rc = in_read_row(&l->in, l->vals);
    if (rc == 0) return 0;
    if (rc < 0) {
        udf_answer_whole_rows(l);
        fatal_exit(EXIT_FRAMING, "%s", l->in.error);
    }
    arena_reset(&l->scratch);
    size_t input_bytes = 0;
    for (int i = 0; i < l->sig->nargs; i++) input_bytes += l->vals[i].n;
    res_row_begin_sized(&l->res, input_bytes);
    l->fn->row(l->fn->self, l->vals, &l->res, &l->scratch);
    int fields = res_row_end(&l->res);
    if (fields != l->sig->nresults)
        fatal_exit(EXIT_SOFTWARE_BUG, "internal error: wrote %d result fields, signature has %d", fields, l->sig->nresults);
    return 1;
}

static void udf_block_end(udf_loop *l) {
    if (l->fn->block_end) l->fn->block_end(l->fn->self);
    res_block_end(&l->res);
    io_flush(&l->out);
}

static void udf_loop_rows(udf_loop *l) {
    while (udf_one_row(l)) {}
    udf_block_end(l);
}

static void udf_loop_chunks(udf_loop *l) {
    uint64_t rows;
    int rc;
    while ((rc = in_read_chunk_header(&l->in, &rows)) > 0) {
        for (uint64_t i = 0; i < rows; i++) {
            if (!udf_one_row(l)) {
                udf_answer_whole_rows(l);
                fatal_exit(EXIT_FRAMING, "chunk header announced %llu rows but input ended after %llu",
                           (unsigned long long)rows, (unsigned long long)i);
            }
        }
        udf_block_end(l);
    }
    if (rc < 0) fatal_exit(EXIT_FRAMING, "%s", l->in.error);
}

int udf_run(const udf_function *fn, int argc, char **argv) {
    udf_options o;
    udf_signature sig;
    char why[512] = "";
    memset(&sig, 0, sizeof(sig));
    fatal_progname = fn->name;
    if (udf_parse_common(&argc, argv, &o) < 0) return EXIT_USAGE;
    const char *simd_why = NULL;
    if (o.simd && jidx_select(o.simd, &simd_why) < 0) {   /* before the sandbox: the CPU is asked once */
        fprintf(stderr, "%s: --simd %s: %s\n", fn->name, o.simd, simd_why);
        return EXIT_USAGE;
    }
    if (fn->configure(fn->self, argc, argv, &sig, why, sizeof(why)) < 0) {
        fprintf(stderr, "%s: %s\n(try --help)\n", fn->name, why);
        return EXIT_USAGE;
    }
    char *return_type = udf_return_type(&sig);
    if (o.help || o.version || o.signature) {
        if (o.help) udf_usage(fn, &sig, return_type, stdout);
        else if (o.version)
            printf("%s %s (clickhouse-cdc-udfs; sandbox %s; JSON scanner %s)\n", fn->name, CDC_VERSION,
                   sandbox_mode(!o.no_sandbox), jidx_active_name());
        else puts(return_type);
        free(return_type);
        return 0;
    }

    udf_close_inherited_fds();
    signal(SIGPIPE, SIG_IGN);  /* a closed stdout is reported by write() as EPIPE */
    io_grow_pipe(0, UDF_PIPE_BYTES);
    io_grow_pipe(1, UDF_PIPE_BYTES);

    udf_loop l;
    l.fn = fn;
    l.sig = &sig;
    in_init(&l.in, 0, o.fmt, sig.args, sig.nargs);
    l.in.need_newline = o.chunked;
    io_writer_init(&l.out, 1);
    res_init(&l.res, &l.out, o.fmt, sig.tuple, sig.results, sig.nresults);
    res_native_column(&l.res, o.return_name, return_type);
    arena_init(&l.scratch);
    jidx_enabled();   /* the kernel chosen (CDC_SIMD or auto) before the sandbox */
    sandbox_enter(!o.no_sandbox, o.sandbox_selftest);
    if (o.chunked) udf_loop_chunks(&l);
    else udf_loop_rows(&l);
    arena_free(&l.scratch);
    res_free(&l.res);
    io_writer_free(&l.out);
    in_free(&l.in);
    free(return_type);
    return 0;
}
