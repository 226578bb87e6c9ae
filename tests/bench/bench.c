/* bench.c — cdc_bench: our functions against ClickHouse's own JSON functions,
 * side by side, in one embedded ClickHouse process.
 *
 *   cdc_bench [--rows N] [--reps R] [--out DIR] [--work DIR] [--skip-engine] [--skip-standalone] [--only KEY,…] [--settings 'a = 1, …']
 *
 * A program that prints numbers, not a test (tests/bench/run.sh runs it).
 *
 * 1. Corpus: N seed-shaped outbox messages (corpus.h), once without and once
 *    with the schema envelope, written to RowBinary files; the standalone
 *    files (at most 250,000 rows) in both shapes, jsonb spacing and compact
 *    with toJSONString's escaping, the engine's tables in jsonb spacing.
 * 2. Standalone decoders: every binary reads a file holding its protocol
 *    (pool + RowBinary, or executable + TabSeparated) and writes /dev/null:
 *    GB/s per core (input bytes / CPU seconds), peak RSS, and the cost of
 *    one process spawn (executable mode starts one per block).  Beside
 *    experiment_event, issue 14's reference: simdjson doing the same job on
 *    the same file, DOM and On Demand (simdjson_ref.cpp, when CMake found
 *    Debian's libsimdjson-dev).
 * 3. In the engine: both corpora in MergeTree tables, then the same typed
 *    columns extracted by (a) the seed's nested JSONExtractString, (b) the
 *    best native SQL (one JSONExtract of the message, one of the payload),
 *    (c) experiment_event (executable_pool + RowBinary),
 *    experiment_event_tsv (executable + TabSeparated) and
 *    experiment_event_native (executable_pool + Native; bench_function.xml
 *    until the shipped XML chooses a format), (d) the same function
 *    in Python, (e) the I/O ceiling: a no-op UDF and `cat`.  Every variant
 *    is forced to materialise every column (sum of cityHash64 of the tuple),
 *    and (a)–(d) must produce the same checksum.  Measured at max_threads=1
 *    and at the engine's default.  UDF processes are watched from a thread
 *    (/proc) for their peak RSS and CPU time.  Then the typed replica row
 *    that debezium_ddl's generated view computes, against the same row in
 *    native SQL and from payload_extract configured by hand (issue 16).
 * 4. results.md, results.dat and chart.png (gnuplot) in --out. */
#include "chsession.h"
#include "corpus.h"
#include "jsonidx.h"
#include "stages.h"
#include "files.h"
#include "itest.h"
#include "rowbinary.h"

#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <limits.h>
#include <pthread.h>
#include <spawn.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/utsname.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#ifndef SCRIPTS_DIR
#error "SCRIPTS_DIR must be defined (tests/bench/CMakeLists.txt)"
#endif

extern char **environ;

/* ------------------------------------------------------------ utilities */

static double now_s(void) {
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

static _Noreturn void die(const char *fmt, ...) {
    va_list ap;
    va_start(ap, fmt);
    fprintf(stderr, "cdc_bench: ");
    vfprintf(stderr, fmt, ap);
    fprintf(stderr, "\n");
    va_end(ap);
    exit(1);
}

static void note(const char *fmt, ...) {
    va_list ap;
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fflush(stderr);
}

static char *xasprintf(const char *fmt, ...) {
    va_list ap;
    va_start(ap, fmt);
    itest_buf b = {0};
    itest_buf_vprintf(&b, fmt, ap);
    va_end(ap);
    return itest_buf_take(&b);
}

static void write_file(const char *path, const char *text, size_t n) {
    FILE *f = fopen(path, "wb");
    if (!f || fwrite(text, 1, n, f) != n || fclose(f) != 0) die("cannot write %s", path);
}

static double loadavg1(void) {
    double l = -1;
    FILE *f = fopen("/proc/loadavg", "r");
    if (f) {
        if (fscanf(f, "%lf", &l) != 1) l = -1;
        fclose(f);
    }
    return l;
}

static const char *loadavg_text(void) {
    static char buf[128];
    FILE *f = fopen("/proc/loadavg", "r");
    buf[0] = 0;
    if (f) {
        if (!fgets(buf, sizeof(buf), f)) buf[0] = 0;
        fclose(f);
    }
    char *sp = buf;
    for (int i = 0; i < 3 && sp; i++) sp = strchr(sp + 1, ' ');
    if (sp) *sp = 0;
    return buf;
}

static int cmp_double(const void *a, const void *b) {
    double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : x > y;
}

static double median(double *v, int n) {
    qsort(v, (size_t)n, sizeof(double), cmp_double);
    return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

/* ---------------------------------------------------------------- options */

static struct {
    uint64_t rows;
    int reps;
    const char *out_dir;
    char work[PATH_MAX];
    int skip_engine, skip_standalone;
    uint64_t block;              /* rows per chunk in the standalone input files */
    const char *only;            /* comma-separated variant keys to run (development), or NULL */
    /* Appended to every query.  The timed queries filter on NOT ignore(…):
     * moved to PREWHERE, that would make the engine evaluate it granule by
     * granule (8192 rows) instead of on the blocks read (~65,000 rows), and
     * so change what is measured. */
    const char *settings;
    char *settings_extra;        /* one experiment's own settings, or NULL */
} opt = {1000000, 3, BENCH_SOURCE_DIR, "", 0, 0, 65536, NULL, "optimize_move_to_prewhere = 0", NULL};

/* --------------------------------------------------- function XML lookups */

/* The <command> of function `name` in the XML text, split on spaces into
 * argv[0..] (argv[0] = the binary's path under dir).  Returns argc. */
static int xml_command(const char *xml, const char *name, const char *dir, char **argv, int cap) {
    char tag[256];
    snprintf(tag, sizeof(tag), "<name>%s</name>", name);
    const char *p = strstr(xml, tag);
    if (!p) die("function %s not found in the function XML", name);
    p = strstr(p, "<command>");
    if (!p) die("function %s has no <command>", name);
    p += 9;
    const char *e = strstr(p, "</command>");
    char *cmd = strndup(p, (size_t)(e - p));
    int argc = 0;
    for (char *tok = strtok(cmd, " "); tok && argc < cap - 1; tok = strtok(NULL, " ")) {
        argv[argc] = argc == 0 ? xasprintf("%s/%s", dir, tok) : strdup(tok);
        argc++;
    }
    argv[argc] = NULL;
    free(cmd);
    return argc;
}

/* --------------------------------------------------------------- processes */

typedef struct run_result {
    double wall, user, sys;
    long maxrss_kb;
    int status;
} run_result;

/* Runs argv with stdin from in_path and stdout to out_path. */
static run_result run_proc(char *const argv[], const char *in_path, const char *out_path, int poll_rss) {
    posix_spawn_file_actions_t fa;
    posix_spawn_file_actions_init(&fa);
    posix_spawn_file_actions_addopen(&fa, 0, in_path, O_RDONLY, 0);
    posix_spawn_file_actions_addopen(&fa, 1, out_path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
    run_result r = {0};
    pid_t pid;
    double t0 = now_s();
    if (posix_spawn(&pid, argv[0], &fa, NULL, argv, environ) != 0) die("cannot run %s", argv[0]);
    struct rusage ru;
    int st;
    /* ru_maxrss would be useless: a spawned child inherits the high-water
     * mark of this process (the engine library alone is >100 MB) across
     * exec.  VmHWM belongs to the child's own address space; it only
     * grows, so the last sample before exit is the peak (within 1 ms). */
    long hwm = 0;
    char status_path[64];
    snprintf(status_path, sizeof(status_path), "/proc/%d/status", (int)pid);
    for (;;) {
        pid_t w = wait4(pid, &st, poll_rss ? WNOHANG : 0, &ru);
        if (w < 0) die("wait4: %s", strerror(errno));
        if (w == pid) break;
        FILE *f = fopen(status_path, "r");
        if (f) {
            char line[256];
            while (fgets(line, sizeof(line), f))
                if (!strncmp(line, "VmHWM:", 6)) {
                    long kb = atol(line + 6);
                    if (kb > hwm) hwm = kb;
                }
            fclose(f);
        }
        struct timespec ts = {0, 1000 * 1000};
        nanosleep(&ts, NULL);
    }
    r.wall = now_s() - t0;
    r.user = (double)ru.ru_utime.tv_sec + (double)ru.ru_utime.tv_usec / 1e6;
    r.sys = (double)ru.ru_stime.tv_sec + (double)ru.ru_stime.tv_usec / 1e6;
    r.maxrss_kb = hwm;
    r.status = st;
    posix_spawn_file_actions_destroy(&fa);
    if (!WIFEXITED(st) || WEXITSTATUS(st) != 0) die("%s failed (status %d)", argv[0], st);
    return r;
}

/* ------------------------------------------------------------------ corpus */

typedef struct out_file {
    FILE *f;
    char path[PATH_MAX];
    uint64_t bytes;
} out_file;

static void of_open(out_file *o, const char *name) {
    snprintf(o->path, sizeof(o->path), "%s/%s", opt.work, name);
    o->f = fopen(o->path, "wb");
    if (!o->f) die("cannot create %s", o->path);
    setvbuf(o->f, NULL, _IOFBF, 1 << 20);
    o->bytes = 0;
}

static void of_put(out_file *o, const void *p, size_t n) {
    if (n && fwrite(p, 1, n, o->f) != n) die("cannot write %s", o->path);
    o->bytes += n;
}

static void of_leb(out_file *o, uint64_t v) {
    char b[10];
    of_put(o, b, rb_uleb128_encode(b, v));
}

static void of_rb_string(out_file *o, const char *s, size_t n) {
    of_leb(o, n);
    of_put(o, s, n);
}

static void of_close(out_file *o) {
    if (fclose(o->f) != 0) die("cannot write %s", o->path);
}

/* Chunk header of send_chunk_header mode, at the first row of each chunk. */
static void of_chunk(out_file *o, uint64_t row, uint64_t total) {
    if (row % opt.block) return;
    char h[32];
    uint64_t n = total - row < opt.block ? total - row : opt.block;
    of_put(o, h, (size_t)snprintf(h, sizeof(h), "%llu\n", (unsigned long long)n));
}

/* TabSeparated escaping as ClickHouse writes a String field. */
static void of_tsv(out_file *o, const char *s, size_t n) {
    size_t run = 0;
    for (size_t i = 0; i < n; i++) {
        const char *esc = NULL;
        switch (s[i]) {
        case '\\': esc = "\\\\"; break;
        case '\t': esc = "\\t"; break;
        case '\n': esc = "\\n"; break;
        case '\r': esc = "\\r"; break;
        case '\0': esc = "\\0"; break;
        default: continue;
        }
        of_put(o, s + run, i - run);
        of_put(o, esc, 2);
        run = i + 1;
    }
    of_put(o, s + run, n - run);
    of_put(o, "\n", 1);
}

/* Standalone input files exist for both shapes (corpus.h); the engine's
 * tables hold the jsonb shape only. */
static struct corpus_files {
    out_file ins[2];                          /* (k UInt64, message String) for INSERT … FROM file() */
    out_file ee_rb[CORPUS_NSHAPES][2];        /* experiment_event: chunked RowBinary */
    out_file ee_tsv[CORPUS_NSHAPES][2];       /* experiment_event_tsv: TabSeparated */
    out_file ee_small[CORPUS_NSHAPES];        /* first 10,000 rows, chunked RowBinary (RSS at small volume) */
    out_file pg_rb[CORPUS_NSHAPES];           /* payload_get: (message, path) */
    out_file iv_rb;                           /* is_valid_after_assignment: two Nullable(String) */
    uint64_t msg_bytes[2];                    /* the engine's corpora */
    uint64_t sa_bytes[CORPUS_NSHAPES][2];     /* the standalone rows, per shape */
} cf;

static uint64_t sa_rows;         /* rows in the standalone input files */
static const char *corpus_name[2] = {"outbox", "outbox + schema envelope"};
static const char *const shape_name[CORPUS_NSHAPES] = {"jsonb spacing", "compact, toJSONString escaping"};

/* Opens work/<corpus><shape>.<kind> (e.g. env.compact.ee.rb). */
static void of_open_shape(out_file *o, const char *corpus, int shape, const char *kind) {
    char name[64];
    snprintf(name, sizeof(name), "%s%s.%s", corpus, shape == CORPUS_COMPACT ? ".compact" : "", kind);
    of_open(o, name);
}

static void make_corpus(void) {
    double t0 = now_s();
    note("corpus: %llu rows x 2 ...", (unsigned long long)opt.rows);
    of_open(&cf.ins[0], "plain.ins.rb");
    of_open(&cf.ins[1], "env.ins.rb");
    for (int sh = 0; sh < CORPUS_NSHAPES; sh++) {
        of_open_shape(&cf.ee_rb[sh][0], "plain", sh, "ee.rb");
        of_open_shape(&cf.ee_rb[sh][1], "env", sh, "ee.rb");
        of_open_shape(&cf.ee_tsv[sh][0], "plain", sh, "ee.tsv");
        of_open_shape(&cf.ee_tsv[sh][1], "env", sh, "ee.tsv");
        of_open_shape(&cf.ee_small[sh], "small", sh, "ee.rb");
        of_open_shape(&cf.pg_rb[sh], "plain", sh, "pg.rb");
    }
    of_open(&cf.iv_rb, "plain.iv.rb");
    itest_buf m = {0};
    uint64_t small = opt.rows < 10000 ? opt.rows : 10000;
    sa_rows = opt.rows < 250000 ? opt.rows : 250000;   /* GB/s is a rate: the standalone files stay small */
    static const char pg_path[] = "after.payload.user_id";
    for (uint64_t i = 0; i < opt.rows; i++) {
        itest_outbox o;
        for (int env = 0; env < 2; env++) {
            for (int sh = 0; sh < CORPUS_NSHAPES; sh++) {
                if (sh != CORPUS_JSONB && i >= sa_rows) break;
                itest_buf_clear(&m);
                corpus_message(i, env, (corpus_shape)sh, &m, &o);
                if (sh == CORPUS_JSONB) {
                    cf.msg_bytes[env] += m.n;
                    unsigned char k[8];
                    for (int b = 0; b < 8; b++) k[b] = (unsigned char)(i >> (8 * b));
                    of_put(&cf.ins[env], k, 8);
                    of_rb_string(&cf.ins[env], m.p, m.n);
                }
                if (i >= sa_rows) continue;
                cf.sa_bytes[sh][env] += m.n;
                of_chunk(&cf.ee_rb[sh][env], i, sa_rows);
                of_rb_string(&cf.ee_rb[sh][env], m.p, m.n);
                of_tsv(&cf.ee_tsv[sh][env], m.p, m.n);
                if (env == 0 && i < small) {
                    of_chunk(&cf.ee_small[sh], i, small);
                    of_rb_string(&cf.ee_small[sh], m.p, m.n);
                }
                if (env == 0) {
                    of_chunk(&cf.pg_rb[sh], i, sa_rows);
                    of_rb_string(&cf.pg_rb[sh], m.p, m.n);
                    of_rb_string(&cf.pg_rb[sh], pg_path, sizeof(pg_path) - 1);
                }
                if (env == 0 && sh == CORPUS_JSONB) {   /* timestamps only: the shape does not apply */
                    of_chunk(&cf.iv_rb, i, sa_rows);
                    of_put(&cf.iv_rb, "", 1);
                    of_rb_string(&cf.iv_rb, o.timestamp, strlen(o.timestamp));
                    if (o.assignment_at[0]) {
                        of_put(&cf.iv_rb, "", 1);
                        of_rb_string(&cf.iv_rb, o.assignment_at, strlen(o.assignment_at));
                    } else {
                        of_put(&cf.iv_rb, "\1", 1);
                    }
                }
            }
        }
    }
    itest_buf_free(&m);
    for (int env = 0; env < 2; env++) of_close(&cf.ins[env]);
    for (int sh = 0; sh < CORPUS_NSHAPES; sh++) {
        for (int env = 0; env < 2; env++) {
            of_close(&cf.ee_rb[sh][env]);
            of_close(&cf.ee_tsv[sh][env]);
        }
        of_close(&cf.ee_small[sh]);
        of_close(&cf.pg_rb[sh]);
    }
    of_close(&cf.iv_rb);
    note(" %.1f s (%.0f / %.0f bytes per message; compact shape %.0f / %.0f)\n", now_s() - t0,
         (double)cf.msg_bytes[0] / (double)opt.rows, (double)cf.msg_bytes[1] / (double)opt.rows,
         (double)cf.sa_bytes[CORPUS_COMPACT][0] / (double)sa_rows, (double)cf.sa_bytes[CORPUS_COMPACT][1] / (double)sa_rows);
}

/* ------------------------------------------------------ standalone decoders */

typedef struct standalone_row {
    char what[96];
    char input[64];
    const char *shape;         /* shape_name[], or "-" where the shape does not apply */
    double mb, cpu, wall, gbps, mrows;
    long rss_kb;
    int reference;             /* 0: one of our decoders; issue 14's reference: 1 simdjson DOM, 2 On Demand */
    long long errors;          /* reference rows: messages simdjson rejected */
    char checksum[24];         /* reference rows: simdjson_ref's checksum of the fields */
} standalone_row;

static standalone_row sa[64];
static int nsa;
static double spawn_ms;

/* The reference (simdjson_ref.cpp), built only when CMake found Debian's
 * libsimdjson-dev.  Its --version: the library's version, the kernel
 * simdjson picked at run time, the one On Demand's inline code targets. */
#ifdef SIMDJSON_REF
static const char simdjson_ref[] = SIMDJSON_REF;
#else
static const char simdjson_ref[] = "";
#endif
static char ref_version[32], ref_kernel[32], ref_builtin[32];

/* Runs argv on `in` opt.reps times (stdout to out_path, or /dev/null) and
 * records the median CPU time as a row of the table. */
static standalone_row *standalone_one(const char *what, const char *input, const char *shape, char **argv,
                                      const out_file *in, uint64_t rows, const char *out_path) {
    if (nsa == (int)(sizeof(sa) / sizeof(sa[0]))) die("too many standalone rows");
    standalone_row *s = &sa[nsa++];
    snprintf(s->what, sizeof(s->what), "%s", what);
    snprintf(s->input, sizeof(s->input), "%s", input);
    s->shape = shape;
    double cpu[16], wall[16];
    long rss = 0;
    int reps = opt.reps < 16 ? opt.reps : 15;
    for (int i = 0; i < reps; i++) {
        run_result r = run_proc(argv, in->path, out_path ? out_path : "/dev/null", 1);
        cpu[i] = r.user + r.sys;
        wall[i] = r.wall;
        if (r.maxrss_kb > rss) rss = r.maxrss_kb;
    }
    s->cpu = median(cpu, reps);
    s->wall = median(wall, reps);
    s->mb = (double)in->bytes / 1e6;
    s->gbps = (double)in->bytes / s->cpu / 1e9;
    s->mrows = (double)rows / s->cpu / 1e6;
    s->rss_kb = rss;
    note("  %-40s %-28s %-30s %7.1f MB  cpu %6.3f s  %5.2f GB/s/core  %5.2f M rows/s  rss %5.1f MB\n", what, input,
         shape, s->mb, s->cpu, s->gbps, s->mrows, (double)rss / 1024);
    return s;
}

/* Asks simdjson_ref for its version and kernels; 0 when it was not built. */
static int ref_probe(void) {
    if (!simdjson_ref[0]) return 0;
    char out[PATH_MAX];
    snprintf(out, sizeof(out), "%s/simdjson_ref.out", opt.work);
    char *argv[] = {(char *)simdjson_ref, "--version", NULL};
    run_proc(argv, "/dev/null", out, 0);
    char *text = tfile_read(out, NULL);
    if (!text || sscanf(text, "%31s %31s %31s", ref_version, ref_kernel, ref_builtin) != 3)
        die("%s --version: unexpected answer", simdjson_ref);
    free(text);
    return 1;
}

/* One reference row: simdjson_ref (DOM or On Demand) on the file that
 * experiment_event's row reads; its answer must count every message. */
static void standalone_ref(int dom, int env, int sh, const char *input) {
    char what[96], out[PATH_MAX];
    snprintf(what, sizeof(what), "simdjson %s %s (reference)", ref_version, dom ? "DOM" : "On Demand");
    snprintf(out, sizeof(out), "%s/simdjson_ref.out", opt.work);
    char *argv[] = {(char *)simdjson_ref, dom ? "--dom" : "--ondemand", env ? "--envelope" : NULL, NULL};
    standalone_row *s = standalone_one(what, input, shape_name[sh], argv, &cf.ee_rb[sh][env], sa_rows, out);
    char *text = tfile_read(out, NULL);
    unsigned long long n, errors;
    if (!text || sscanf(text, "messages %llu errors %llu checksum %23s", &n, &errors, s->checksum) != 3)
        die("simdjson_ref: unexpected answer: %s", text ? text : "(none)");
    if (n != sa_rows) die("simdjson_ref read %llu messages of %llu", n, (unsigned long long)sa_rows);
    free(text);
    s->reference = dom ? 1 : 2;
    s->errors = (long long)errors;
    note("  %-40s messages rejected: %lld, checksum %s\n", "", s->errors, s->checksum);
}

static void standalone(const char *xml) {
    char *ee[64], *ee_tsv[64], *du[64], *pg[64], *iv[64];
    xml_command(xml, "experiment_event", SCRIPTS_DIR, ee, 64);
    xml_command(xml, "experiment_event_tsv", SCRIPTS_DIR, ee_tsv, 64);
    xml_command(xml, "debezium_unwrap", SCRIPTS_DIR, du, 64);
    xml_command(xml, "payload_get", SCRIPTS_DIR, pg, 64);
    xml_command(xml, "is_valid_after_assignment", SCRIPTS_DIR, iv, 64);
    int ref = ref_probe();
    note("standalone decoders (stdin = file, stdout = /dev/null; median of %d):\n", opt.reps);
    if (ref) note("  reference: simdjson %s, kernel %s at run time (On Demand's inline code: %s)\n", ref_version,
                  ref_kernel, ref_builtin);
    else note("  reference: simdjson_ref not built (no libsimdjson-dev when configured)\n");
    static const char *const rb_input[2] = {"outbox, pool+RowBinary", "envelope, pool+RowBinary"};
    static const char *const tsv_input[2] = {"outbox, TabSeparated", "envelope, TabSeparated"};
    for (int env = 0; env < 2; env++)
        for (int sh = 0; sh < CORPUS_NSHAPES; sh++) {
            standalone_one("payload_extract (experiment_event)", rb_input[env], shape_name[sh], ee, &cf.ee_rb[sh][env],
                           sa_rows, NULL);
            if (ref) {
                standalone_ref(1, env, sh, rb_input[env]);
                standalone_ref(0, env, sh, rb_input[env]);
            }
        }
    for (int env = 0; env < 2; env++)
        for (int sh = 0; sh < CORPUS_NSHAPES; sh++)
            standalone_one("payload_extract (experiment_event_tsv)", tsv_input[env], shape_name[sh], ee_tsv,
                           &cf.ee_tsv[sh][env], sa_rows, NULL);
    for (int sh = 0; sh < CORPUS_NSHAPES; sh++)
        standalone_one("payload_extract (experiment_event)", "outbox, first 10,000 rows", shape_name[sh], ee,
                       &cf.ee_small[sh], opt.rows < 10000 ? opt.rows : 10000, NULL);
    for (int env = 0; env < 2; env++)
        for (int sh = 0; sh < CORPUS_NSHAPES; sh++)
            standalone_one("debezium_unwrap", rb_input[env], shape_name[sh], du, &cf.ee_rb[sh][env], sa_rows, NULL);
    for (int sh = 0; sh < CORPUS_NSHAPES; sh++)
        standalone_one("payload_get (after.payload.user_id)", rb_input[0], shape_name[sh], pg, &cf.pg_rb[sh], sa_rows,
                       NULL);
    standalone_one("is_valid_after_assignment", "timestamps, pool+RowBinary", "-", iv, &cf.iv_rb, sa_rows, NULL);

    /* One spawn per block in executable mode: start, read an empty input, exit. */
    int n = 300;
    double t0 = now_s();
    for (int i = 0; i < n; i++) run_proc(ee_tsv, "/dev/null", "/dev/null", 0);
    spawn_ms = (now_s() - t0) / n * 1e3;
    note("  process spawn (experiment_event_tsv, empty input): %.3f ms each\n", spawn_ms);
}

/* The JSON scanner per level (udf/jsonidx.h): the byte walker alone (off, the
 * default) and each structural-index kernel this CPU has, on the two decoders
 * the scanner dominates; then where the time goes (stages.c), for the default
 * and the best kernel. */
static stages_result prof[8];
static char *prof_text;
static size_t prof_len;
static char prof_what[8][128];
static int nprof;

static void argv_with(char **dst, char *const *src, const char *a, const char *b, int cap) {
    int n = 0;
    while (src[n] && n < cap - 3) dst[n] = src[n], n++;
    dst[n++] = (char *)a;
    dst[n++] = (char *)b;
    dst[n] = NULL;
}

static void standalone_levels(const char *xml) {
    char *ee[64], *du[64], *args[68];
    xml_command(xml, "experiment_event", SCRIPTS_DIR, ee, 64);
    xml_command(xml, "debezium_unwrap", SCRIPTS_DIR, du, 64);
    note("the JSON scanner per level (--simd):\n");
    jidx_level best = JIDX_OFF;
    for (int l = JIDX_OFF; l < JIDX_NLEVELS; l++) {
        if (l == JIDX_AUTO || !jidx_level_supported((jidx_level)l)) continue;
        const char *name = jidx_level_name((jidx_level)l);
        char what[96];
        for (int f = 0; f < 2; f++) {
            argv_with(args, f ? du : ee, "--simd", name, 68);
            for (int env = 0; env < 2; env++)
                for (int sh = 0; sh < CORPUS_NSHAPES; sh++) {
                    snprintf(what, sizeof(what), "%s --simd %s",
                             f ? "debezium_unwrap" : "payload_extract (experiment_event)", name);
                    standalone_one(what, env ? "envelope, pool+RowBinary" : "outbox, pool+RowBinary", shape_name[sh],
                                   args, &cf.ee_rb[sh][env], sa_rows, NULL);
                }
        }
        best = (jidx_level)l;   /* the levels go up: the last is the best */
    }
    note("stage profile (perf):\n");
    jidx_level show[2] = {JIDX_OFF, best};
    for (int i = 0; i < (best == JIDX_OFF ? 1 : 2); i++) {
        const char *name = jidx_level_name(show[i]);
        for (int env = 0; env < 2; env++) {
            argv_with(args, ee, "--simd", name, 68);
            snprintf(prof_what[nprof], sizeof(prof_what[nprof]), "payload_extract --simd %s, %s, jsonb spacing", name,
                     env ? "envelope" : "outbox");
            stages_profile(args, cf.ee_rb[CORPUS_JSONB][env].path, opt.work, &prof[nprof]);
            note("  %-50s %s\n", prof_what[nprof], prof[nprof].why[0] ? prof[nprof].why : "done");
            nprof++;
        }
    }
}

/* ------------------------------------------------------ UDF process watcher */

/* A thread samples the engine's child processes (the UDFs) every few ms:
 * peak RSS (VmHWM) per command, and CPU time per process so that the CPU a
 * query cost in UDF processes can be added up (pool processes outlive the
 * query; executable ones are reaped by the engine into RUSAGE_CHILDREN). */
#define MAX_PROCS 256
typedef struct proc_seen {
    int pid;
    char comm[32];
    double cpu;          /* last seen utime + stime, seconds */
} proc_seen;

static struct {
    pthread_mutex_t mu;
    int run;
    proc_seen procs[MAX_PROCS];
    int nprocs;
    char rss_comm[16][32];
    long rss_kb[16];
    int nrss;
} watch = {PTHREAD_MUTEX_INITIALIZER, 1, {{0}}, 0, {{0}}, {0}, 0};

/* The scan in progress (one scanning thread at a time: the watcher, or
 * udf_cpu() from the main thread; each has its own). */
static __thread proc_seen watch_live[MAX_PROCS];

static void watch_rss(const char *comm, long kb) {
    for (int i = 0; i < watch.nrss; i++)
        if (!strcmp(watch.rss_comm[i], comm)) {
            if (kb > watch.rss_kb[i]) watch.rss_kb[i] = kb;
            return;
        }
    if (watch.nrss == 16) return;
    snprintf(watch.rss_comm[watch.nrss], 32, "%s", comm);
    watch.rss_kb[watch.nrss++] = kb;
}

/* One child seen by itest_for_each_child: kept if it is a UDF process. */
static void watch_one(void *ctx, const itest_child *c) {
    int *nlive = ctx;
    /* A child caught between the engine's vfork and its exec still
     * shares the engine's memory and carries its thread's name. */
    if (!strncmp(c->comm, "Query", 5) || !strncmp(c->comm, "SendToShell", 11)) return;
    if (*nlive < MAX_PROCS) {
        proc_seen *p = &watch_live[(*nlive)++];
        p->pid = c->pid;
        snprintf(p->comm, sizeof(p->comm), "%s", c->comm);
        p->cpu = c->cpu_s;
    }
    if (c->hwm_kb) {
        pthread_mutex_lock(&watch.mu);
        watch_rss(c->comm, c->hwm_kb);
        pthread_mutex_unlock(&watch.mu);
    }
}

static void watch_scan(void) {
    int nlive = 0;
    itest_for_each_child(watch_one, &nlive);
    /* Only live processes are kept: one that exited is counted, in full,
     * by RUSAGE_CHILDREN once the engine has reaped it. */
    pthread_mutex_lock(&watch.mu);
    memcpy(watch.procs, watch_live, sizeof(watch_live[0]) * (size_t)nlive);
    watch.nprocs = nlive;
    pthread_mutex_unlock(&watch.mu);
}

static void *watch_main(void *arg) {
    (void)arg;
    while (__atomic_load_n(&watch.run, __ATOMIC_RELAXED)) {
        watch_scan();
        struct timespec ts = {0, 20 * 1000 * 1000};
        nanosleep(&ts, NULL);
    }
    return NULL;
}

/* CPU seconds of UDF processes so far: live and exited (reaped) children. */
static double udf_cpu(void) {
    watch_scan();
    double total = 0;
    pthread_mutex_lock(&watch.mu);
    for (int i = 0; i < watch.nprocs; i++) total += watch.procs[i].cpu;
    pthread_mutex_unlock(&watch.mu);
    struct rusage ru;
    getrusage(RUSAGE_CHILDREN, &ru);
    total += (double)ru.ru_utime.tv_sec + (double)ru.ru_utime.tv_usec / 1e6 + (double)ru.ru_stime.tv_sec +
             (double)ru.ru_stime.tv_usec / 1e6;
    return total;
}

static double self_cpu(void) {
    struct rusage ru;
    getrusage(RUSAGE_SELF, &ru);
    return (double)ru.ru_utime.tv_sec + (double)ru.ru_utime.tv_usec / 1e6 + (double)ru.ru_stime.tv_sec +
           (double)ru.ru_stime.tv_usec / 1e6;
}

/* ------------------------------------------------------------- the engine */

static chs_session *S;
static double load_max = -1;   /* highest 1-minute load average seen */

static char *q_or_die(const char *sql) {
    char *err = NULL;
    char *out = chs_query(S, sql, "TabSeparated", NULL, &err);
    if (!out) {
        chs_close(S);
        die("query failed: %s\nSQL: %.3000s", err ? err : "?", sql);
    }
    return out;
}

/* The twelve typed columns every variant produces, in this order. */
static const char cols[] =
    "id, experiment_id, user_id, variant_id, variant_key, event_type, timestamp, assignment_at, properties, "
    "session_id, op, aggregate_id";

typedef struct variant {
    const char *key;           /* short id for results.dat */
    const char *label;
    int group;                 /* 'a'..'e', 0 = context */
    int checks;                /* must match the reference checksum */
    int slow;                  /* one timed run instead of opt.reps */
    char *sql[2];              /* per corpus: the timed query (count(), errors) */
    char *check[2];            /* per corpus: checksum query (checksum, count(), errors), or NULL */
} variant;

typedef struct measure {
    double secs, cpu_engine, cpu_udf;
    char checksum[64];
    long long rows, errors;
    int ok;                    /* checksum equals (a)'s */
} measure;

enum { MT_ONE, MT_DEFAULT, NMT };
#define NVAR 11
static variant V[NVAR];
static int nv;
static measure M[NVAR][2][NMT];
/* Rows per block read from the table: ClickHouse sizes them by bytes
 * (preferred_block_size_bytes, 1 MB by default: ~8,000 of these messages);
 * max_block_size alone does not make them smaller. */
#define NBS 2
static const char *const block_settings[NBS] = {"preferred_block_size_bytes = 1000000",
                                                "preferred_block_size_bytes = 1000000000"};
static double block_rows[NBS];                  /* measured rows per block */
static const int bs_variants[3] = {2, 3, 4};     /* (b), (c) pool + RowBinary, (c) executable + TSV */
static measure BS[3][NBS];
static int default_threads;
static char ch_version[64];
static double block_rows_avg[2];

static void add_variant(const char *key, const char *label, int group, int checks, int slow) {
    variant *v = &V[nv++];
    v->key = key;
    v->label = label;
    v->group = group;
    v->checks = checks;
    v->slow = slow;
}

/* JSONExtract of the payload's fields: types as in experiment_event. */
static const char payload_tuple[] =
    "Tuple(id String, experiment_id UInt32, user_id String, variant_id UInt32, variant_key String, "
    "event_type String, timestamp DateTime64(6, \\'UTC\\'), assignment_at Nullable(DateTime64(6, \\'UTC\\')), "
    "properties String, session_id String)";

static void build_queries(void) {
    add_variant("scan", "scan only: the messages read, nothing decoded", 0, 0, 0);
    add_variant("a_seed", "(a) seed: nested JSONExtractString per field", 'a', 1, 0);
    add_variant("b_native", "(b) native: JSONExtract(message, Tuple) + JSONExtract(payload, Tuple)", 'b', 1, 0);
    add_variant("c_pool_rb", "(c) experiment_event: executable_pool + RowBinary", 'c', 1, 0);
    add_variant("c_exec_tsv", "(c) experiment_event_tsv: executable + TabSeparated", 'c', 1, 0);
    add_variant("d_python", "(d) Python UDF: executable_pool + TabSeparated", 'd', 1, 1);
    add_variant("e_noop", "(e) I/O ceiling: no-op UDF (pool + RowBinary, reads and drops)", 'e', 0, 0);
    add_variant("e_cat", "(e) I/O ceiling: cat (pool + RowBinary, message echoed back)", 'e', 0, 0);
    add_variant("c_pool_native", "(c) experiment_event: executable_pool + Native", 'c', 1, 0);
    add_variant("e_answer", "(e) ceiling for (c): a decoder that costs nothing (pool + RowBinary, a fixed 13-column answer)",
                'e', 0, 0);
    for (int env = 0; env < 2; env++) {
        const char *t = env ? "bench.outbox_env" : "bench.outbox";
        const char *pre = env ? "'payload', " : "";     /* path prefix inside the envelope */
        char pl[128];
        snprintf(pl, sizeof(pl), "JSONExtractString(message, %s'after', 'payload')", pre);
        char *inner[NVAR] = {0};
        /* (a): what the seed wrote — the payload string extracted again for every field
         * (ClickHouse computes the identical inner call once per block, the outer ones all) */
        inner[1] = xasprintf(
            "SELECT "
            "JSONExtractString(%s, 'id') AS id, "
            "toUInt32(JSONExtractUInt(%s, 'experiment_id')) AS experiment_id, "
            "JSONExtractString(%s, 'user_id') AS user_id, "
            "toUInt32(JSONExtractUInt(%s, 'variant_id')) AS variant_id, "
            "JSONExtractString(%s, 'variant_key') AS variant_key, "
            "JSONExtractString(%s, 'event_type') AS event_type, "
            "parseDateTime64BestEffort(JSONExtractString(%s, 'timestamp'), 6, 'UTC') AS timestamp, "
            "parseDateTime64BestEffortOrNull(JSONExtractString(%s, 'assignment_at'), 6, 'UTC') AS assignment_at, "
            "JSONExtractRaw(%s, 'properties') AS properties, "
            "JSONExtractString(%s, 'session_id') AS session_id, "
            "JSONExtractString(message, %s'op') AS op, "
            "JSONExtractString(message, %s'after', 'aggregate_id') AS aggregate_id, '' AS error "
            "FROM %s",
            pl, pl, pl, pl, pl, pl, pl, pl, pl, pl, pre, pre, t);
        /* (b): one typed JSONExtract of the message, one of the payload */
        const char *mt = env ? "Tuple(payload Tuple(op String, after Tuple(aggregate_id String, payload String)))"
                             : "Tuple(op String, after Tuple(aggregate_id String, payload String))";
        const char *ev = env ? "tupleElement(m, 'payload')" : "m";
        inner[2] = xasprintf(
            "SELECT "
            "tupleElement(p, 'id') AS id, tupleElement(p, 'experiment_id') AS experiment_id, "
            "tupleElement(p, 'user_id') AS user_id, tupleElement(p, 'variant_id') AS variant_id, "
            "tupleElement(p, 'variant_key') AS variant_key, tupleElement(p, 'event_type') AS event_type, "
            "tupleElement(p, 'timestamp') AS timestamp, tupleElement(p, 'assignment_at') AS assignment_at, "
            "tupleElement(p, 'properties') AS properties, tupleElement(p, 'session_id') AS session_id, "
            "tupleElement(e, 'op') AS op, tupleElement(tupleElement(e, 'after'), 'aggregate_id') AS aggregate_id, "
            "'' AS error "
            "FROM (SELECT e, JSONExtract(tupleElement(tupleElement(e, 'after'), 'payload'), '%s') AS p "
            "FROM (SELECT %s AS e FROM (SELECT JSONExtract(message, '%s') AS m FROM %s)))",
            payload_tuple, ev, mt, t);
        /* (c), (d): the function's tuple, taken apart */
        static const char *const fns[] = {"experiment_event", "experiment_event_tsv", "experiment_event_py",
                                          "experiment_event_native", "bench_answer"};
        static const int fn_variant[] = {3, 4, 5, 8, 9};
        for (int f = 0; f < 5; f++)
            inner[fn_variant[f]] = xasprintf(
                "SELECT "
                "tupleElement(r, 'id') AS id, tupleElement(r, 'experiment_id') AS experiment_id, "
                "tupleElement(r, 'user_id') AS user_id, tupleElement(r, 'variant_id') AS variant_id, "
                "tupleElement(r, 'variant_key') AS variant_key, tupleElement(r, 'event_type') AS event_type, "
                "tupleElement(r, 'timestamp') AS timestamp, tupleElement(r, 'assignment_at') AS assignment_at, "
                "tupleElement(r, 'properties') AS properties, tupleElement(r, 'session_id') AS session_id, "
                "tupleElement(r, 'op') AS op, tupleElement(r, 'aggregate_id') AS aggregate_id, "
                "tupleElement(r, 'error') AS error FROM (SELECT %s(message) AS r FROM %s)",
                fns[f], t);
        /* Timed: count() over every column forced by ignore() (evaluated, never folded away).
         * Checked once, untimed: a checksum of the same columns in the same types. */
        for (int i = 1; i <= 9; i++) {
            if (!inner[i]) continue;
            V[i].sql[env] = xasprintf("SELECT count(), 0 FROM (%s) WHERE NOT ignore(%s)", inner[i], cols);
            V[i].check[env] = xasprintf(
                "SELECT sum(cityHash64(tuple(id, experiment_id, user_id, variant_id, variant_key, event_type, "
                "toDateTime64(timestamp, 6, 'UTC'), CAST(assignment_at, 'Nullable(DateTime64(6, \\'UTC\\'))'), "
                "properties, session_id, op, aggregate_id))), count(), countIf(error != '') FROM (%s)",
                inner[i]);
            free(inner[i]);
        }
        V[0].sql[env] = xasprintf("SELECT count(), 0 FROM %s WHERE NOT ignore(message)", t);
        V[6].sql[env] = xasprintf("SELECT count(), 0 FROM %s WHERE NOT ignore(bench_noop(message))", t);
        V[7].sql[env] = xasprintf("SELECT count(), 0 FROM %s WHERE NOT ignore(bench_cat(message))", t);
    }
}

/* Runs variant v on corpus env with max_threads mt (0 = default). */
static void run_query(const variant *v, int env, int mt, measure *m, int with_check) {
    char settings[512];
    snprintf(settings, sizeof(settings), "%s%s%s", opt.settings, opt.settings_extra ? ", " : "",
             opt.settings_extra ? opt.settings_extra : "");
    char *sql = mt ? xasprintf("%s SETTINGS max_threads = %d, %s", v->sql[env], mt, settings)
                   : xasprintf("%s SETTINGS %s", v->sql[env], settings);
    int reps = v->slow ? 1 : opt.reps;
    double secs[16], ce[16], cu[16];
    /* The checksum query (once per corpus, untimed) also warms up: pool
     * processes started, the table's pages in cache. */
    m->checksum[0] = 0;
    m->errors = 0;
    if (v->check[env] && with_check) {
        char *chk = mt ? xasprintf("%s SETTINGS max_threads = %d, %s", v->check[env], mt, settings)
                       : xasprintf("%s SETTINGS %s", v->check[env], settings);
        char *out = q_or_die(chk);
        char *tab = strchr(out, '\t');
        snprintf(m->checksum, sizeof(m->checksum), "%.*s", tab ? (int)(tab - out) : 0, out);
        char *tab2 = tab ? strchr(tab + 1, '\t') : NULL;
        m->errors = tab2 ? strtoll(tab2 + 1, NULL, 10) : -1;
        free(out);
        free(chk);
    } else if (!v->slow) {
        free(q_or_die(sql));                     /* warm-up */
    }
    char *out = NULL;
    for (int r = 0; r < reps && r < 16; r++) {
        free(out);
        double c0 = self_cpu(), u0 = udf_cpu(), t0 = now_s();
        out = q_or_die(sql);
        secs[r] = now_s() - t0;
        double u1 = udf_cpu();
        ce[r] = self_cpu() - c0;
        cu[r] = u1 - u0;
        double l = loadavg1();
        if (l > load_max) load_max = l;
    }
    m->secs = median(secs, reps);
    m->cpu_engine = median(ce, reps);
    m->cpu_udf = median(cu, reps);
    m->rows = strtoll(out, NULL, 10);
    free(out);
    free(sql);
}

static void load_tables(void) {
    double t0 = now_s();
    note("engine: loading the corpora into MergeTree ...");
    free(q_or_die("CREATE DATABASE IF NOT EXISTS bench"));
    for (int env = 0; env < 2; env++) {
        const char *t = env ? "bench.outbox_env" : "bench.outbox";
        char *sql = xasprintf("CREATE OR REPLACE TABLE %s (k UInt64, message String) ENGINE = MergeTree ORDER BY k", t);
        free(q_or_die(sql));
        free(sql);
        sql = xasprintf("INSERT INTO %s SELECT * FROM file('%s', 'RowBinary', 'k UInt64, message String')", t,
                        cf.ins[env].path);
        free(q_or_die(sql));
        free(sql);
        sql = xasprintf("OPTIMIZE TABLE %s FINAL", t);
        free(q_or_die(sql));
        free(sql);
        unlink(cf.ins[env].path);
        sql = xasprintf("SELECT count() FROM %s", t);
        long long n = chs_scalar(S, sql);
        free(sql);
        if (n != (long long)opt.rows) die("%s holds %lld rows, expected %llu", t, n, (unsigned long long)opt.rows);
        sql = xasprintf("SELECT avg(b) FROM (SELECT blockSize() AS b FROM %s WHERE NOT ignore(message)) SETTINGS %s", t,
                        opt.settings);
        char *out = q_or_die(sql);
        block_rows_avg[env] = atof(out);
        free(out);
        free(sql);
    }
    note(" %.1f s; rows per block read: %.0f / %.0f\n", now_s() - t0, block_rows_avg[0], block_rows_avg[1]);
}

/* ------------------------------------------------------------ typed replica (issue 16)
 * What the view debezium_ddl generates costs per message, on the envelope
 * corpus (the row image of outbox_events), against the two ways a user
 * would write the same replica by hand: the best native SQL (one typed
 * JSONExtract of the message) and payload_extract configured in the XML
 * with the row's columns (bench_replica_row).  The generated variant is the
 * view's own SELECT: debezium_typed with debezium_ddl's column list, then one
 * JSONExtract of its row into the Tuple of those columns.  All three must
 * give the same checksum of the eight columns. */
enum { RV_NATIVE, RV_CONFIGURED, RV_GENERATED, NRV };
static variant RV[NRV];
static measure RM[NRV][NMT];
static const char replica_cols[] = "id, aggregate_type, aggregate_id, event_type, payload, created_at, op, version";

/* s with every ' and \ escaped for a SQL string literal. */
static char *sql_quote(const char *s) {
    itest_buf b = {0};
    for (; *s; s++) {
        if (*s == '\'' || *s == '\\') itest_buf_puts(&b, "\\");
        itest_buf_printf(&b, "%c", *s);
    }
    return b.p ? b.p : xasprintf("%s", "");
}

static void replica_queries(void) {
    /* debezium_ddl's column list for the corpus's first message, as a user generates it */
    char *out = q_or_die("SELECT tupleElement(d, 'columns'), tupleElement(d, 'error') FROM (SELECT "
                         "debezium_ddl('{\"id\":\"k\"}', message) AS d FROM bench.outbox_env ORDER BY k LIMIT 1) "
                         "FORMAT TabSeparatedRaw");
    char *tab = strchr(out, '\t');
    if (!tab || tab[1] != '\n') die("debezium_ddl failed on the corpus: %s", out);
    *tab = 0;
    if (!strstr(out, "`created_at` DateTime64(6, 'UTC')") || !strstr(out, "`id` UUID"))
        die("debezium_ddl's columns are not the outbox_events row's: %s", out);
    char *colq = sql_quote(out);
    free(out);
    RV[RV_NATIVE] = (variant){"r_native", "(b) native SQL: one JSONExtract(message, Tuple) of the row image", 'b', 1, 0, {0}, {0}};
    RV[RV_CONFIGURED] = (variant){"r_configured", "payload_extract --path @row configured with the row's columns (XML)",
                                  'c', 1, 0, {0}, {0}};
    RV[RV_GENERATED] = (variant){"r_generated", "generated view: debezium_typed + JSONExtract(row, Tuple(columns))",
                                 'c', 1, 0, {0}, {0}};
    char *inner[NRV];
    inner[RV_NATIVE] = xasprintf(
        "SELECT toString(tupleElement(a, 'id')) AS id, tupleElement(a, 'aggregate_type') AS aggregate_type, "
        "tupleElement(a, 'aggregate_id') AS aggregate_id, tupleElement(a, 'event_type') AS event_type, "
        "tupleElement(a, 'payload') AS payload, "
        "parseDateTime64BestEffort(tupleElement(a, 'created_at'), 6, 'UTC') AS created_at, "
        "tupleElement(p, 'op') AS op, tupleElement(tupleElement(p, 'source'), 'lsn') AS version, '' AS error "
        "FROM (SELECT p, tupleElement(p, 'after') AS a FROM (SELECT tupleElement(JSONExtract(message, "
        "'Tuple(payload Tuple(op String, source Tuple(lsn UInt64), after Tuple(id UUID, aggregate_type String, "
        "aggregate_id String, event_type String, payload String, created_at String)))'), 'payload') AS p "
        "FROM bench.outbox_env))");
    inner[RV_CONFIGURED] = xasprintf(
        "SELECT tupleElement(r, 'id') AS id, tupleElement(r, 'aggregate_type') AS aggregate_type, "
        "tupleElement(r, 'aggregate_id') AS aggregate_id, tupleElement(r, 'event_type') AS event_type, "
        "tupleElement(r, 'payload') AS payload, toDateTime64(tupleElement(r, 'created_at'), 6, 'UTC') AS created_at, "
        "tupleElement(r, 'op') AS op, tupleElement(r, 'version') AS version, tupleElement(r, 'error') AS error "
        "FROM (SELECT bench_replica_row(message) AS r FROM bench.outbox_env)");
    inner[RV_GENERATED] = xasprintf(
        "SELECT toString(tupleElement(r, 'id')) AS id, tupleElement(r, 'aggregate_type') AS aggregate_type, "
        "tupleElement(r, 'aggregate_id') AS aggregate_id, tupleElement(r, 'event_type') AS event_type, "
        "tupleElement(r, 'payload') AS payload, tupleElement(r, 'created_at') AS created_at, "
        "tupleElement(d, 'op') AS op, tupleElement(d, 'version') AS version, tupleElement(d, 'error') AS error "
        "FROM (SELECT d, JSONExtract(tupleElement(d, 'row'), 'Tuple(%s)') AS r FROM "
        "(SELECT debezium_typed(message, '%s') AS d FROM bench.outbox_env))",
        colq, colq);
    for (int i = 0; i < NRV; i++) {
        RV[i].sql[1] = xasprintf("SELECT count(), 0 FROM (%s) WHERE NOT ignore(%s)", inner[i], replica_cols);
        RV[i].check[1] = xasprintf("SELECT sum(cityHash64(tuple(%s))), count(), countIf(error != '') FROM (%s)",
                                   replica_cols, inner[i]);
        free(inner[i]);
    }
    free(colq);
}

static void replica_bench(void) {
    if (opt.only && !strstr(opt.only, "replica")) return;
    replica_queries();
    for (int t = 0; t < NMT; t++) {
        int mt = t == MT_ONE ? 1 : 0;
        note("engine: typed replica rows (envelope), max_threads=%d (load %s)\n", mt ? 1 : default_threads,
             loadavg_text());
        for (int i = 0; i < NRV; i++) {
            measure *m = &RM[i][t];
            run_query(&RV[i], 1, mt, m, t == MT_ONE);
            if (t != MT_ONE) {
                snprintf(m->checksum, sizeof(m->checksum), "%s", RM[i][MT_ONE].checksum);
                m->errors = RM[i][MT_ONE].errors;
            }
            m->ok = m->checksum[0] && !strcmp(m->checksum, RM[RV_NATIVE][t].checksum) && m->rows == (long long)opt.rows;
            note("  %-72s %7.3f s %9.0f rows/s  cpu %.2f+%.2f s  sum %s%s\n", RV[i].label, m->secs,
                 (double)m->rows / m->secs, m->cpu_engine, m->cpu_udf, m->checksum, m->ok ? "" : "  MISMATCH");
        }
    }
}

static void engine(void) {
    build_queries();
    char *v = q_or_die("SELECT version()");
    snprintf(ch_version, sizeof(ch_version), "%.*s", (int)strcspn(v, "\n"), v);
    free(v);
    v = q_or_die("SELECT getSetting('max_threads')");
    default_threads = atoi(v);
    free(v);
    load_tables();
    pthread_t th;
    pthread_create(&th, NULL, watch_main, NULL);
    for (int env = 0; env < 2; env++) {
        for (int t = 0; t < NMT; t++) {
            int mt = t == MT_ONE ? 1 : 0;
            note("engine: %s, max_threads=%d (load %s)\n", corpus_name[env], mt ? 1 : default_threads, loadavg_text());
            for (int i = 0; i < nv; i++) {
                measure *m = &M[i][env][t];
                if (opt.only && i != 1 && !strstr(opt.only, V[i].key)) continue;
                /* the checksum does not depend on max_threads: checked once per corpus */
                run_query(&V[i], env, mt, m, t == MT_ONE);
                if (t != MT_ONE) {
                    snprintf(m->checksum, sizeof(m->checksum), "%s", M[i][env][MT_ONE].checksum);
                    m->errors = M[i][env][MT_ONE].errors;
                }
                m->ok = !V[i].checks || (m->checksum[0] && !strcmp(m->checksum, M[1][env][t].checksum));
                if (V[i].checks && m->rows != (long long)opt.rows) m->ok = 0;
                note("  %-72s %7.3f s %9.0f rows/s  cpu %.2f+%.2f s  sum %s%s%s\n", V[i].label, m->secs,
                     (double)m->rows / m->secs, m->cpu_engine, m->cpu_udf, m->checksum, m->ok ? "" : "  MISMATCH",
                     m->errors > 0 ? "  (rows with error)" : "");
            }
        }
    }
    /* Block size: how many rows one UDF round trip (pool) or one process
     * (executable) carries.  Outbox corpus, default max_threads. */
    for (int b = 0; b < NBS; b++) {
        char *sql = xasprintf("SELECT avg(b) FROM (SELECT blockSize() AS b FROM bench.outbox WHERE NOT ignore(message)) "
                              "SETTINGS %s, %s", opt.settings, block_settings[b]);
        char *out = q_or_die(sql);
        block_rows[b] = atof(out);
        free(out);
        free(sql);
        note("engine: outbox, %s: %.0f rows per block (load %s)\n", block_settings[b], block_rows[b], loadavg_text());
        for (int j = 0; j < 3; j++) {
            int i = bs_variants[j];
            if (opt.only && i != 1 && !strstr(opt.only, V[i].key)) continue;
            char *saved = opt.settings_extra;
            opt.settings_extra = xasprintf("%s", block_settings[b]);
            run_query(&V[i], 0, 0, &BS[j][b], 0);
            free(opt.settings_extra);
            opt.settings_extra = saved;
            note("  %-72s %7.3f s %9.0f rows/s  cpu %.2f+%.2f s\n", V[i].label, BS[j][b].secs,
                 (double)BS[j][b].rows / BS[j][b].secs, BS[j][b].cpu_engine, BS[j][b].cpu_udf);
        }
    }
    replica_bench();
    __atomic_store_n(&watch.run, 0, __ATOMIC_RELAXED);
    pthread_join(th, NULL);
}

/* Copies src to dst (mode 0755 when exec). */
static void copy_file(const char *src, const char *dst, int exec) {
    size_t n;
    char *text = tfile_read(src, &n);
    if (!text) die("cannot read %s", src);
    write_file(dst, text, n);
    free(text);
    if (exec) chmod(dst, 0755);
}

static char python_path[PATH_MAX];

/* The engine loads our XML and the bench's from one directory, and runs the
 * binaries from another, both prepared here (copies: the engine only runs
 * scripts that live in its user_scripts_path). */
static void engine_open(void) {
    char scripts[PATH_MAX], config[PATH_MAX], data[PATH_MAX], glob[PATH_MAX], src[PATH_MAX], dst[PATH_MAX];
    snprintf(scripts, sizeof(scripts), "%s/scripts", opt.work);
    snprintf(config, sizeof(config), "%s/config", opt.work);
    snprintf(data, sizeof(data), "%s/data", opt.work);
    mkdir(scripts, 0755);
    mkdir(config, 0755);
    static const char *const bins[] = {"payload_extract", "debezium_unwrap", "payload_get", "is_valid_after_assignment",
                                       "debezium_ddl", "debezium_typed"};
    for (size_t i = 0; i < sizeof(bins) / sizeof(bins[0]); i++) {
        snprintf(src, sizeof(src), "%s/%s", SCRIPTS_DIR, bins[i]);
        snprintf(dst, sizeof(dst), "%s/%s", scripts, bins[i]);
        copy_file(src, dst, 1);
    }
    snprintf(src, sizeof(src), "%s/bench_noop", BENCH_SCRIPTS_DIR);
    snprintf(dst, sizeof(dst), "%s/bench_noop", scripts);
    copy_file(src, dst, 1);
    snprintf(dst, sizeof(dst), "%s/cat", scripts);
    copy_file(access("/usr/bin/cat", X_OK) == 0 ? "/usr/bin/cat" : "/bin/cat", dst, 1);
    /* The Python UDF runs under Debian's interpreter when there is one. */
    snprintf(python_path, sizeof(python_path), "%s", access("/usr/bin/python3", X_OK) == 0 ? "/usr/bin/python3" : "/usr/bin/env python3");
    snprintf(src, sizeof(src), "%s/udf/experiment_event.py", BENCH_SOURCE_DIR);
    char *py = tfile_read(src, NULL);
    if (!py) die("cannot read %s", src);
    char *body = strchr(py, '\n');
    char *script = xasprintf("#!%s%s", python_path, body ? body : "\n");
    snprintf(dst, sizeof(dst), "%s/experiment_event.py", scripts);
    write_file(dst, script, strlen(script));
    chmod(dst, 0755);
    free(py);
    free(script);
    snprintf(dst, sizeof(dst), "%s/cdc_udfs_function.xml", config);
    copy_file(CDC_FUNCTIONS_XML, dst, 0);
    snprintf(src, sizeof(src), "%s/bench_function.xml", BENCH_SOURCE_DIR);
    snprintf(dst, sizeof(dst), "%s/bench_function.xml", config);
    copy_file(src, dst, 0);
    snprintf(glob, sizeof(glob), "%s/*_function.xml", config);
    S = chs_open(scripts, glob, data);
    if (!S) die("cannot open the embedded engine");
}

/* ---------------------------------------------------------------- results */

static int main_rc;
static char load_start[64], load_engine_start[64], load_end[64];

static void machine_text(itest_buf *b) {
    char model[256] = "?", line[512];
    long mem_kb = 0;
    FILE *f = fopen("/proc/cpuinfo", "r");
    if (f) {
        while (fgets(line, sizeof(line), f))
            if (!strncmp(line, "model name", 10) && strchr(line, ':')) {
                snprintf(model, sizeof(model), "%s", strchr(line, ':') + 2);
                model[strcspn(model, "\n")] = 0;
                break;
            }
        fclose(f);
    }
    f = fopen("/proc/meminfo", "r");
    if (f) {
        while (fgets(line, sizeof(line), f))
            if (!strncmp(line, "MemTotal:", 9)) mem_kb = atol(line + 9);
        fclose(f);
    }
    struct utsname u;
    uname(&u);
    itest_buf_printf(b, "| machine | %s, %ld cores, %.0f GiB RAM, Linux %s |\n", model, sysconf(_SC_NPROCESSORS_ONLN),
                     (double)mem_kb / 1048576.0, u.release);
}

static double rows_per_s(const measure *m) { return m->secs > 0 ? (double)m->rows / m->secs : 0; }

static void fmt_rate(char *buf, size_t cap, double r) {
    if (r >= 1e6) snprintf(buf, cap, "%.2f M", r / 1e6);
    else snprintf(buf, cap, "%.0f k", r / 1e3);
}

/* Verdict strings for the targets. */
static const char *yes(int ok) { return ok ? "**met**" : "**not met**"; }

static void write_results(void) {
    itest_buf b = {0};
    time_t now = time(NULL);
    char date[64];
    strftime(date, sizeof(date), "%Y-%m-%d %H:%M UTC", gmtime(&now));
    itest_buf_printf(&b, "# Benchmark results\n\nWritten by `tests/bench/run.sh` (the `cdc_bench` program) on %s.\n\n", date);
    itest_buf_puts(&b, "The functions in one engine, here; the whole pipeline under load (PostgreSQL, Debezium, Kafka, "
                       "the Kafka engine): [`results-e2e-load.md`](results-e2e-load.md) (`tests/bench/e2e-load.sh`).\n\n");
    itest_buf_puts(&b, "| | |\n|---|---|\n");
    machine_text(&b);
    itest_buf_printf(&b, "| ClickHouse | %s, embedded (libchdb, npm %s 26.7.3-stable.1), one process for every variant |\n",
                     ch_version[0] ? ch_version : "(engine not run)", CDC_LIBCHDB_PACKAGE);
    itest_buf_printf(&b, "| corpus | %llu seed-shaped outbox messages (%.0f bytes on average) and the same rows with the "
                         "schema envelope (%.0f bytes), each in a MergeTree table, the payload in jsonb spacing "
                         "(the engine's tables hold this shape only; the standalone decoders read both shapes) |\n",
                     (unsigned long long)opt.rows, (double)cf.msg_bytes[0] / (double)opt.rows,
                     (double)cf.msg_bytes[1] / (double)opt.rows);
    itest_buf_printf(&b, "| load average (1, 5, 15 min) | start %s; engine part start %s; end %s; highest 1-min during "
                         "the run %.2f |\n",
                     load_start, load_engine_start[0] ? load_engine_start : "-", load_end, load_max);
    itest_buf_printf(&b, "| timing | wall clock of the query, median of %d runs after a warm-up (the checksum query "
                         "or one run); Python: one run |\n",
                     opt.reps);
    if (!opt.skip_engine)
        itest_buf_printf(&b, "| engine settings | defaults (max_threads = %d, also measured at 1) plus `%s`; rows "
                             "per block read from the table: %.0f (outbox) / %.0f (envelope) |\n",
                         default_threads, opt.settings, block_rows_avg[0], block_rows_avg[1]);
    itest_buf_puts(&b, "\n");

    int ok_targets = 1;
    if (!opt.skip_engine) {
        for (int env = 0; env < 2; env++) {
            itest_buf_printf(&b, "## In ClickHouse: %s\n\n", corpus_name[env]);
            itest_buf_printf(&b, "Twelve typed columns per row (the ten payload fields, `op`, `aggregate_id`), the "
                                 "messages in the jsonb-spacing shape. Timed: "
                                 "`SELECT count() FROM (…) WHERE NOT ignore(<the 12 columns>)` (every column computed, "
                                 "nothing else); checked once, untimed: `sum(cityHash64(tuple(<the 12 columns>)))`, "
                                 "which must be equal for (a)–(d). Speed-up = time of (a) or (b) / time of the "
                                 "variant. CPU = seconds of the engine process + of the UDF processes.\n\n");
            itest_buf_printf(&b, "| variant | rows/s, max_threads=1 | vs (a) | vs (b) | rows/s, max_threads=%d | "
                                 "vs (a) | vs (b) | CPU s engine + UDF, max_threads=1 | same, max_threads=%d | checksum |\n",
                             default_threads, default_threads);
            itest_buf_puts(&b, "|---|--:|--:|--:|--:|--:|--:|--:|--:|---|\n");
            for (int i = 0; i < nv; i++) {
                itest_buf_printf(&b, "| %s |", V[i].label);
                for (int t = 0; t < NMT; t++) {
                    const measure *m = &M[i][env][t];
                    char r[32];
                    fmt_rate(r, sizeof(r), rows_per_s(m));
                    itest_buf_printf(&b, " %s | %.2f× | %.2f× |", r, M[1][env][t].secs / m->secs,
                                     M[2][env][t].secs / m->secs);
                }
                const measure *m = &M[i][env][MT_DEFAULT], *m1 = &M[i][env][MT_ONE];
                const char *sum = !V[i].checks ? "-" : (m->ok && m1->ok) ? "equal" : "**DIFFERS**";
                itest_buf_printf(&b, " %.2f + %.2f | %.2f + %.2f | %s |\n", m1->cpu_engine, m1->cpu_udf, m->cpu_engine,
                                 m->cpu_udf, sum);
                if (V[i].checks && !(m->ok && M[i][env][MT_ONE].ok)) main_rc = 1;
            }
            itest_buf_puts(&b, "\n");
        }
    }
    if (!opt.skip_engine) {
        itest_buf_printf(&b, "## Block size\n\nOutbox corpus, max_threads=%d, the same timed queries with the blocks "
                             "read from the table made larger (ClickHouse sizes them by `preferred_block_size_bytes`): "
                             "each block is one round trip to a pool process, or one process started in "
                             "`executable` mode.\n\n| variant |",
                         default_threads);
        for (int k = 0; k < NBS; k++)
            itest_buf_printf(&b, " rows/s, `%s` (%.0f rows per block) |", block_settings[k], block_rows[k]);
        itest_buf_puts(&b, "\n|---|");
        for (int k = 0; k < NBS; k++) itest_buf_puts(&b, "--:|");
        itest_buf_puts(&b, "\n");
        for (int j = 0; j < 3; j++) {
            itest_buf_printf(&b, "| %s |", V[bs_variants[j]].label);
            for (int k = 0; k < NBS; k++) {
                char r[32];
                fmt_rate(r, sizeof(r), rows_per_s(&BS[j][k]));
                itest_buf_printf(&b, " %s |", r);
            }
            itest_buf_puts(&b, "\n");
        }
        /* executable mode: extra time per extra block = one spawn and its round trip */
        double blocks_small = (double)opt.rows / (block_rows[0] > 0 ? block_rows[0] : 1);
        double blocks_big = (double)opt.rows / (block_rows[NBS - 1] > 0 ? block_rows[NBS - 1] : 1);
        double per_block_exec = (BS[2][0].secs - BS[2][NBS - 1].secs) / (blocks_small - blocks_big);
        double per_block_pool = (BS[1][0].secs - BS[1][NBS - 1].secs) / (blocks_small - blocks_big);
        char pool_txt[64];
        if (per_block_pool > 0) snprintf(pool_txt, sizeof(pool_txt), "%.2f ms", per_block_pool * 1e3);
        else snprintf(pool_txt, sizeof(pool_txt), "not measurable (smaller blocks were not slower)");
        char exec_txt[64];
        if (per_block_exec > 0) snprintf(exec_txt, sizeof(exec_txt), "%.2f ms", per_block_exec * 1e3);
        else snprintf(exec_txt, sizeof(exec_txt), "not measurable (smaller blocks were not slower)");
        itest_buf_printf(&b, "\nCost of one more block, from the two runs: executable + TabSeparated %s (a process "
                             "started, its pipes, its answer); pool + RowBinary %s (a round trip to a running "
                             "process).\n\n",
                         exec_txt, pool_txt);
    }
    if (!opt.skip_standalone) {
        itest_buf_puts(&b, "## Standalone decoders\n\nEach binary reads a file in its protocol on stdin and writes "
                           "/dev/null. GB/s per core = input bytes / CPU seconds (user + system) of the process.\n\n");
        itest_buf_printf(&b, "Every corpus in two shapes (`tests/bench/corpus.h`): *jsonb spacing* (`after.payload` as "
                             "PostgreSQL's jsonb prints it, `\"k\" : v, `; %.0f / %.0f bytes per message) and "
                             "*compact, toJSONString escaping* (no spaces, `/` written `\\/` in the payload and "
                             "again in the message; %.0f / %.0f bytes), %llu rows each.\n\n",
                         (double)cf.sa_bytes[CORPUS_JSONB][0] / (double)sa_rows,
                         (double)cf.sa_bytes[CORPUS_JSONB][1] / (double)sa_rows,
                         (double)cf.sa_bytes[CORPUS_COMPACT][0] / (double)sa_rows,
                         (double)cf.sa_bytes[CORPUS_COMPACT][1] / (double)sa_rows, (unsigned long long)sa_rows);
        itest_buf_puts(&b, "| binary | input | shape | MB | CPU s | GB/s per core | M rows/s per core | peak RSS |\n");
        itest_buf_puts(&b, "|---|---|---|--:|--:|--:|--:|--:|\n");
        for (int i = 0; i < nsa; i++)
            itest_buf_printf(&b, "| %s | %s | %s | %.1f | %.3f | %.2f | %.2f | %.1f MB |\n", sa[i].what, sa[i].input,
                             sa[i].shape, sa[i].mb, sa[i].cpu, sa[i].gbps, sa[i].mrows, (double)sa[i].rss_kb / 1024);
        if (ref_version[0]) {
            /* The same rows in every file: DOM's checksum is the same on all of them, On Demand's on
             * both corpora of a shape (it folds `properties`' raw text, which the shape changes). */
            itest_buf rejected = {0};
            const char *first_sum[3][CORPUS_NSHAPES] = {{NULL}};
            int sums_ok = 1;
            for (int i = 0; i < nsa; i++) {
                if (!sa[i].reference) continue;
                if (sa[i].errors)
                    itest_buf_printf(&rejected, "%s%s, %s, %s: %lld", rejected.n ? "; " : "", sa[i].what, sa[i].input,
                                     sa[i].shape, sa[i].errors);
                int group = sa[i].reference == 2 && sa[i].shape == shape_name[CORPUS_COMPACT];   /* DOM: one */
                const char **first = &first_sum[sa[i].reference][group];
                if (!*first) *first = sa[i].checksum;
                else if (strcmp(*first, sa[i].checksum)) sums_ok = 0;
            }
            if (!sums_ok) main_rc = 1;
            itest_buf_printf(&b, "\nThe simdjson rows are issue 14's reference: simdjson %s (Debian's `libsimdjson-dev`) "
                                 "doing `experiment_event`'s job on the same file (`tests/bench/simdjson_ref.cpp`: "
                                 "parse the message, take `after.payload`, parse that string, read the ten fields "
                                 "with simdjson's getters; no conversion, no output). DOM validates all of each "
                                 "message; On Demand indexes all of it but walks only what it looks up. Kernel "
                                 "picked at run time: `%s` (On Demand's inline code compiled for `%s`). Messages "
                                 "simdjson rejected: %s. Checksums of the ten fields: %s.\n",
                             ref_version, ref_kernel, ref_builtin, rejected.n ? rejected.p : "none",
                             sums_ok ? "DOM's the same on every file, On Demand's the same on both corpora of a "
                                       "shape (it folds `properties`' raw text, DOM its member count)"
                                     : "**DIFFER** (DOM's should be the same on every file, On Demand's on both "
                                       "corpora of a shape)");
            itest_buf_free(&rejected);
        } else {
            itest_buf_puts(&b, "\nNo simdjson reference rows: `libsimdjson-dev` was not found when the build was "
                               "configured (`tests/bench/run.sh` installs it).\n");
        }
        itest_buf_printf(&b, "\nOne process spawn (executable mode starts one per block): %.2f ms (start with "
                             "experiment_event_tsv's options, read an empty input, exit).\n\n",
                         spawn_ms);
        if (nprof) {
            itest_buf_puts(&b, "### Where the time goes: the stage profile\n\n`payload_extract` (experiment_event's "
                               "options) under `perf record` (cpu-clock samples): each stage's share of the CPU time, "
                               "nanoseconds and cycles per input byte (cycles at the TSC's nominal rate). Stages by "
                               "module (tests/bench/stages.c): *index* the structural index (stage 1, `--simd`), *walk* "
                               "the grammar and the picking (stage 2, or the byte walker), *decode* strings unescaped "
                               "(the payload), *convert* typed values, *output* the answer's format, *pipe* the "
                               "kernel's side and the input reader, *other* libc and the rest.\n\n");
            FILE *mf = open_memstream(&prof_text, &prof_len);
            stages_md_head(mf);
            for (int i = 0; i < nprof; i++) stages_md(mf, prof_what[i], &prof[i]);
            fclose(mf);
            itest_buf_puts(&b, prof_text);
            itest_buf_puts(&b, "\n");
            free(prof_text);
            prof_text = NULL;
        }
    }
    if (!opt.skip_engine) {
        if (RM[RV_GENERATED][MT_ONE].secs > 0) {
            itest_buf_printf(&b, "## Typed replica rows (debezium_ddl's generated view)\n\nEnvelope corpus, the row image "
                                 "of `outbox_events` as eight typed columns (`%s`): what the view `debezium_ddl` "
                                 "generates computes per message, against the same row written by hand in native SQL "
                                 "and with `payload_extract` configured in the XML. Same timing and checksum rules as "
                                 "above; speed-up = time of the variant named / time of this one.\n\n",
                             replica_cols);
            itest_buf_printf(&b, "| variant | rows/s, max_threads=1 | vs native | vs configured | rows/s, max_threads=%d "
                                 "| vs native | vs configured | CPU s engine + UDF, max_threads=1 | same, max_threads=%d "
                                 "| checksum |\n|---|--:|--:|--:|--:|--:|--:|--:|--:|---|\n",
                             default_threads, default_threads);
            for (int i = 0; i < NRV; i++) {
                itest_buf_printf(&b, "| %s |", RV[i].label);
                for (int t = 0; t < NMT; t++) {
                    char r[32];
                    fmt_rate(r, sizeof(r), rows_per_s(&RM[i][t]));
                    itest_buf_printf(&b, " %s | %.2f× | %.2f× |", r, RM[RV_NATIVE][t].secs / RM[i][t].secs,
                                     RM[RV_CONFIGURED][t].secs / RM[i][t].secs);
                }
                const measure *m1 = &RM[i][MT_ONE], *m = &RM[i][MT_DEFAULT];
                itest_buf_printf(&b, " %.2f + %.2f | %.2f + %.2f | %s |\n", m1->cpu_engine, m1->cpu_udf, m->cpu_engine,
                                 m->cpu_udf, m->ok && m1->ok ? "equal" : "**DIFFERS**");
                if (!(m->ok && m1->ok)) main_rc = 1;
            }
            itest_buf_puts(&b, "\n");
        }
        itest_buf_puts(&b, "## UDF processes in the engine\n\nPeak resident size (VmHWM) of every process the engine "
                           "started, by command, sampled every 20 ms over the whole run:\n\n| command | peak RSS |\n|---|--:|\n");
        for (int i = 0; i < watch.nrss; i++) {
            const char *c = watch.rss_comm[i];
            const char *what = !strcmp(c, "payload_extract") ? "payload_extract (experiment_event, _tsv, _native)"
                             : !strncmp(c, "experiment_even", 15) ? "python3 experiment_event.py (d)"
                             : !strcmp(c, "bench_noop") ? "bench_noop (e)"
                             : !strcmp(c, "cat") ? "cat (e)" : c;
            itest_buf_printf(&b, "| %s | %.1f MB |\n", what, (double)watch.rss_kb[i] / 1024);
        }
        itest_buf_puts(&b, "\n");
    }
    itest_buf_puts(&b, "## Targets\n\n| target | result | |\n|---|---|---|\n");
    if (!opt.skip_engine) {
        for (int t = 0; t < NMT; t++) {
            const measure *a = &M[1][0][t], *bb = &M[2][0][t], *c = &M[3][0][t];
            int mt = t == MT_ONE ? 1 : default_threads;
            double vb = bb->secs / c->secs, va = a->secs / c->secs;
            itest_buf_printf(&b, "| (c) ≥ 1.5× (b), outbox, max_threads=%d | %.2f× | %s |\n", mt, vb, yes(vb >= 1.5));
            itest_buf_printf(&b, "| (c) ≥ 4× (a), outbox, max_threads=%d | %.2f× | %s |\n", mt, va, yes(va >= 4));
            ok_targets &= vb >= 1.5 && va >= 4;
        }
        /* On a shared machine wall clock depends on what else runs; CPU
         * seconds (engine + UDF processes) per row do much less. */
        for (int t = 0; t < NMT; t++) {
            const measure *a = &M[1][0][t], *bb = &M[2][0][t], *c = &M[3][0][t];
            double ca = a->cpu_engine + a->cpu_udf, cb = bb->cpu_engine + bb->cpu_udf, cc = c->cpu_engine + c->cpu_udf;
            itest_buf_printf(&b, "| (for reference) CPU seconds of (b) / of (c), and of (a) / of (c), max_threads=%d | "
                                 "%.2f× and %.2f× | |\n",
                             t == MT_ONE ? 1 : default_threads, cb / cc, ca / cc);
        }
        /* How far any decoder could go: the free decoder (e) against (b). */
        for (int t = 0; t < NMT; t++) {
            const measure *bb = &M[2][0][t], *c = &M[3][0][t], *f = &M[9][0][t];
            if (f->secs <= 0) continue;
            itest_buf_printf(&b, "| (for reference) ceiling: a decoder that costs nothing would be %.2f× (b); (c) "
                                 "is %.0f%% of it, max_threads=%d | | |\n",
                             bb->secs / f->secs, 100 * f->secs / c->secs, t == MT_ONE ? 1 : default_threads);
        }
    }
    if (!opt.skip_standalone) {
        double worst = 1e9;
        long rss = 0;
        for (int i = 0; i < nsa; i++) {
            if (sa[i].reference) continue;
            if (sa[i].gbps < worst && strstr(sa[i].what, "is_valid") == NULL) worst = sa[i].gbps;
            if (sa[i].rss_kb > rss) rss = sa[i].rss_kb;
        }
        itest_buf_printf(&b, "| decoders ≥ 1.5 GB/s per core (message decoders) | slowest %.2f GB/s | %s |\n", worst,
                         yes(worst >= 1.5));
        itest_buf_printf(&b, "| ≤ 8 MB resident per UDF process (standalone, any volume) | largest %.1f MB | %s |\n",
                         (double)rss / 1024, yes(rss <= 8 * 1024));
    }
    if (!opt.skip_engine) {
        long rss = 0;
        for (int i = 0; i < watch.nrss; i++)
            if (!strcmp(watch.rss_comm[i], "payload_extract") && watch.rss_kb[i] > rss) rss = watch.rss_kb[i];
        itest_buf_printf(&b, "| ≤ 8 MB resident per UDF process (payload_extract in the engine) | %.1f MB | %s |\n",
                         (double)rss / 1024, yes(rss <= 8 * 1024));
    }
    (void)ok_targets;
    itest_buf_puts(&b, "\n![rows per second by variant](chart.png)\n");
    char path[PATH_MAX];
    snprintf(path, sizeof(path), "%s/results.md", opt.out_dir);
    write_file(path, b.p, b.n);
    note("wrote %s\n", path);
    itest_buf_free(&b);
}

/* results.dat and chart.png (gnuplot): rows/s of every variant, both
 * corpora, max_threads=1 and default. */
static void write_chart(void) {
    if (opt.skip_engine) return;
    itest_buf d = {0};
    itest_buf_printf(&d, "# variant outbox_mt1 outbox_mt%d envelope_mt1 envelope_mt%d (million rows/s)\n",
                     default_threads, default_threads);
    static const char *const short_label[NVAR] = {"scan only", "(a) seed SQL", "(b) native SQL",
                                                  "(c) pool+RowBinary", "(c) exec+TSV", "(d) Python",
                                                  "(e) no-op UDF", "(e) cat", "(c) pool+Native",
                                                  "(e) free decoder"};
    for (int i = 0; i < nv; i++) {
        itest_buf_printf(&d, "\"%s\"", short_label[i]);
        for (int env = 0; env < 2; env++)
            for (int t = 0; t < NMT; t++) itest_buf_printf(&d, " %.4f", rows_per_s(&M[i][env][t]) / 1e6);
        itest_buf_puts(&d, "\n");
    }
    char dat[PATH_MAX], gp[PATH_MAX], png[PATH_MAX];
    snprintf(dat, sizeof(dat), "%s/results.dat", opt.out_dir);
    snprintf(png, sizeof(png), "%s/chart.png", opt.out_dir);
    snprintf(gp, sizeof(gp), "%s/chart.gp", opt.work);
    write_file(dat, d.p, d.n);
    itest_buf_free(&d);
    char *script = xasprintf(
        "set terminal pngcairo size 1400,620 font 'DejaVu Sans,10'\n"
        "set output '%s'\n"
        "set multiplot layout 1,2 title 'Extracting 12 typed columns from Debezium outbox messages in ClickHouse %s "
        "(%llu rows, %ld cores)' font ',12'\n"
        "set style data histograms\n"
        "set style histogram clustered gap 1\n"
        "set style fill solid 0.85 border -1\n"
        "set boxwidth 0.9\n"
        "set ylabel 'million rows per second (higher is better)'\n"
        "set xtics rotate by -35 scale 0\n"
        "set grid ytics\n"
        "set key top left\n"
        "set yrange [0:*]\n"
        "set title 'outbox (%.0f bytes per message)'\n"
        "plot '%s' using 2:xtic(1) title 'max\\_threads=1' lc rgb '#4477aa', '' using 3 title 'max\\_threads=%d' lc rgb '#ee6677'\n"
        "set title 'outbox + schema envelope (%.0f bytes per message)'\n"
        "plot '%s' using 4:xtic(1) title 'max\\_threads=1' lc rgb '#4477aa', '' using 5 title 'max\\_threads=%d' lc rgb '#ee6677'\n"
        "unset multiplot\n",
        png, ch_version, (unsigned long long)opt.rows, sysconf(_SC_NPROCESSORS_ONLN),
        (double)cf.msg_bytes[0] / (double)opt.rows, dat, default_threads, (double)cf.msg_bytes[1] / (double)opt.rows, dat,
        default_threads);
    write_file(gp, script, strlen(script));
    free(script);
    char *cmd = xasprintf("gnuplot '%s'", gp);
    if (system(cmd) != 0) {
        note("gnuplot failed: no chart (apt-get install gnuplot-nox)\n");
        main_rc = main_rc ? main_rc : 2;
    } else {
        note("wrote %s\n", png);
    }
    free(cmd);
}

static int own_work;   /* the work directory is ours: removed at the end */

static int remove_one(const char *path, const struct stat *st, int flag, struct FTW *ftw) {
    (void)st;
    (void)flag;
    (void)ftw;
    return remove(path);
}

static void remove_tree(const char *dir) {
    nftw(dir, remove_one, 16, FTW_DEPTH | FTW_PHYS);
}

static void *load_watch(void *arg) {
    (void)arg;
    for (;;) {
        double l = loadavg1();
        if (l > load_max) load_max = l;
        sleep(5);
    }
    return NULL;
}

int main(int argc, char **argv) {
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        if (!strcmp(a, "--rows") && i + 1 < argc) opt.rows = strtoull(argv[++i], NULL, 10);
        else if (!strcmp(a, "--reps") && i + 1 < argc) opt.reps = atoi(argv[++i]);
        else if (!strcmp(a, "--out") && i + 1 < argc) opt.out_dir = argv[++i];
        else if (!strcmp(a, "--work") && i + 1 < argc) snprintf(opt.work, sizeof(opt.work), "%s", argv[++i]);
        else if (!strcmp(a, "--skip-engine")) opt.skip_engine = 1;
        else if (!strcmp(a, "--skip-standalone")) opt.skip_standalone = 1;
        else if (!strcmp(a, "--only") && i + 1 < argc) opt.only = argv[++i];
        else if (!strcmp(a, "--settings") && i + 1 < argc) opt.settings = argv[++i];
        else die("usage: cdc_bench [--rows N] [--reps R] [--out DIR] [--work DIR] [--skip-engine] [--skip-standalone] [--only KEY,…] [--settings 'a = 1, …']");
    }
    if (opt.reps < 1) opt.reps = 1;
    if (opt.rows < 1) opt.rows = 1;
    if (!opt.work[0]) {
        const char *tmp = getenv("TMPDIR");
        snprintf(opt.work, sizeof(opt.work), "%s/cdc-bench.XXXXXX", tmp && *tmp ? tmp : "/tmp");
        if (!mkdtemp(opt.work)) die("mkdtemp failed");
        own_work = 1;
    } else {
        mkdir(opt.work, 0755);
    }
    snprintf(load_start, sizeof(load_start), "%s", loadavg_text());
    pthread_t lt;
    pthread_create(&lt, NULL, load_watch, NULL);
    pthread_detach(lt);
    note("cdc_bench: work directory %s, load %s\n", opt.work, load_start);
    char *xml = tfile_read(CDC_FUNCTIONS_XML, NULL);
    if (!xml) die("cannot read %s", CDC_FUNCTIONS_XML);
    make_corpus();
    if (!opt.skip_standalone) {
        standalone(xml);
        standalone_levels(xml);
    }
    if (!opt.skip_engine) {
        snprintf(load_engine_start, sizeof(load_engine_start), "%s", loadavg_text());
        engine_open();
        engine();
        chs_close(S);
    }
    snprintf(load_end, sizeof(load_end), "%s", loadavg_text());
    write_results();
    write_chart();
    free(xml);
    if (own_work) remove_tree(opt.work);
    else note("work directory kept: %s\n", opt.work);
    return main_rc;
}
