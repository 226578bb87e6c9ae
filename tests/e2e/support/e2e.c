/* e2e.c — support for the end-to-end tests (see e2e.h). */
#include "e2e.h"

#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <setjmp.h>
#include <spawn.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include <cmocka.h>

#include "arena.h"
#include "itest.h"
#include "json.h"

extern char **environ;

#ifndef SCRIPTS_DIR
#error "SCRIPTS_DIR must be defined (tests/e2e/CMakeLists.txt)"
#endif
#ifndef FUNCTIONS_GLOB
#error "FUNCTIONS_GLOB must be defined (tests/e2e/CMakeLists.txt)"
#endif
#ifndef E2E_TOOLS_DIR
#error "E2E_TOOLS_DIR must be defined (tests/e2e/CMakeLists.txt)"
#endif
#ifndef SOURCE_DIR
#error "SOURCE_DIR must be defined (tests/e2e/CMakeLists.txt)"
#endif

/* ------------------------------------------------------------ basics */

double e2e_now(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

const char *e2e_env(const char *name) {
    const char *v = getenv(name);
    if (!v || !*v) {
        fprintf(stderr, "e2e: %s is not set: run the test through tests/e2e/ctest.sh (ctest -L e2e)\n", name);
        return NULL;
    }
    return v;
}

static char *e2e_vfmt(const char *fmt, va_list ap) {
    va_list ap2;
    va_copy(ap2, ap);
    int n = vsnprintf(NULL, 0, fmt, ap2);
    va_end(ap2);
    char *s = malloc((size_t)n + 1);
    if (!s) abort();
    vsnprintf(s, (size_t)n + 1, fmt, ap);
    return s;
}

char *e2e_fmt(const char *fmt, ...) {
    va_list ap;
    va_start(ap, fmt);
    char *s = e2e_vfmt(fmt, ap);
    va_end(ap);
    return s;
}

int e2e_write_file(const char *path, const void *data, size_t n) {
    FILE *f = fopen(path, "wb");
    if (!f) return -1;
    int ok = fwrite(data, 1, n, f) == n;
    ok &= fclose(f) == 0;
    return ok ? 0 : -1;
}

void e2e_log(const char *fmt, ...) {
    static double t0 = 0;
    if (t0 == 0) t0 = e2e_now();
    va_list ap;
    va_start(ap, fmt);
    char *s = e2e_vfmt(fmt, ap);
    va_end(ap);
    fprintf(stderr, "[e2e %6.1fs] %s\n", e2e_now() - t0, s);
    fflush(stderr);
    free(s);
}

/* ------------------------------------------------------------ processes */

int e2e_sh(char **out, const char *fmt, ...) {
    va_list ap;
    va_start(ap, fmt);
    char *cmd = e2e_vfmt(fmt, ap);
    va_end(ap);
    char *full = e2e_fmt("exec </dev/null; %s", cmd);
    free(cmd);
    fflush(stdout);
    fflush(stderr);
    FILE *p = popen(full, "r");
    if (!p) {
        fprintf(stderr, "e2e: popen failed: %s\n", strerror(errno));
        free(full);
        return -1;
    }
    size_t cap = 65536, len = 0, got;
    char *buf = malloc(cap);
    char tmp[65536];
    while ((got = fread(tmp, 1, sizeof(tmp), p)) > 0) {
        if (out) {
            while (cap - len < got + 1) buf = realloc(buf, cap *= 2);
            memcpy(buf + len, tmp, got);
            len += got;
        } else {
            fwrite(tmp, 1, got, stdout);
        }
    }
    buf[len] = 0;
    int st = pclose(p);
    free(full);
    if (out) *out = buf;
    else free(buf);
    if (st == -1) return -1;
    return WIFEXITED(st) ? WEXITSTATUS(st) : 128 + (WIFSIGNALED(st) ? WTERMSIG(st) : 0);
}

static const char *e2e_psql_bin(void) {
    static char bin[4096];
    if (!bin[0]) {
        const char *d = getenv("PG_BIN");
        snprintf(bin, sizeof(bin), "%s%spsql", d && *d ? d : "", d && *d ? "/" : "");
    }
    return bin;
}

void e2e_psql_file(const char *path, const char *extra_args) {
    char *out = NULL;
    int rc = e2e_sh(&out, "'%s' -X -q -v ON_ERROR_STOP=1 %s -f '%s' 2>&1", e2e_psql_bin(),
                    extra_args ? extra_args : "", path);
    if (rc != 0) {
        print_error("psql -f %s failed (exit %d):\n%s\n", path, rc, out);
        free(out);
        fail();
    }
    free(out);
}

char *e2e_psql(const char *fmt, ...) {
    va_list ap;
    va_start(ap, fmt);
    char *sql = e2e_vfmt(fmt, ap);
    va_end(ap);
    char path[] = "/tmp/cdc-e2e-sql-XXXXXX";
    int fd = mkstemp(path);
    if (fd < 0 || write(fd, sql, strlen(sql)) != (ssize_t)strlen(sql)) {
        print_error("cannot write a temp file for psql\n");
        fail();
    }
    close(fd);
    char *out = NULL;
    int rc = e2e_sh(&out, "'%s' -X -q -At -v ON_ERROR_STOP=1 -f '%s' 2>'%s.err'", e2e_psql_bin(), path, path);
    if (rc != 0) {
        char *ep = e2e_fmt("%s.err", path);
        char *err = tfile_read(ep, NULL);
        print_error("psql failed (exit %d): %s\nSQL: %.3000s\n", rc, err ? err : "?", sql);
        free(err);
        unlink(ep);
        free(ep);
        unlink(path);
        free(sql);
        free(out);
        fail();
    }
    char *ep = e2e_fmt("%s.err", path);
    unlink(ep);
    free(ep);
    unlink(path);
    free(sql);
    return out;
}

const char *e2e_java(void) {
    static char cmd[8192];
    if (!cmd[0]) {
        /* Quiet tools: the log4j 1.x (reload4j) binding logs errors only, to stderr. */
        const char *run = getenv("CDC_E2E_RUN_DIR");
        char props[4096];
        snprintf(props, sizeof(props), "%s/e2e-tools-log4j.properties", run && *run ? run : "/tmp");
        const char *text = "log4j.rootLogger=ERROR, err\n"
                           "log4j.appender.err=org.apache.log4j.ConsoleAppender\n"
                           "log4j.appender.err.Target=System.err\n"
                           "log4j.appender.err.layout=org.apache.log4j.PatternLayout\n"
                           "log4j.appender.err.layout.ConversionPattern=[%d] %p %m (%c)%n\n";
        e2e_write_file(props, text, strlen(text));
        snprintf(cmd, sizeof(cmd),
                 "java -Xmx256m -XX:+UseSerialGC -XX:TieredStopAtLevel=1 -Xshare:auto "
                 "-Dlog4j.configuration=file:%s -cp \"$KAFKA_CLASSPATH\"",
                 props);
    }
    return cmd;
}

void e2e_dump_topics(chs_session *s, const char *brokers, const char *table, const char *path, const char *const *wait) {
    double t = e2e_now();
    char *waits = e2e_fmt("%s", "");
    for (size_t i = 0; wait && wait[i] && wait[i + 1]; i += 2) {
        char *w = e2e_fmt("%s --wait-topic '%s' --wait-token '%s'", waits, wait[i], wait[i + 1]);
        free(waits);
        waits = w;
    }
    char *out = NULL;
    int rc = e2e_sh(&out, "%s '%s/DumpTopics.java' --bootstrap '%s' --out '%s' --timeout 180%s "
                          "--quiet-topic-prefix __debezium-heartbeat 2>&1",
                    e2e_java(), E2E_TOOLS_DIR, brokers, path, waits);
    free(waits);
    if (rc != 0) {
        print_error("DumpTopics failed (exit %d): %s\n", rc, out);
        free(out);
        fail();
    }
    free(out);
    itest_exec(s, "CREATE TABLE IF NOT EXISTS %s (topic LowCardinality(String), partition UInt32, offset UInt64, "
                  "key Nullable(String), value Nullable(String)) ENGINE = MergeTree ORDER BY (topic, partition, offset)",
               table);
    itest_exec(s, "TRUNCATE TABLE %s", table);
    itest_exec(s, "INSERT INTO %s SELECT topic, partition, offset, key, value FROM file('%s', 'JSONEachRow', "
                  "'topic String, partition UInt32, offset UInt64, key Nullable(String), value Nullable(String)') "
                  "SETTINGS input_format_skip_unknown_fields = 1",
               table, path);
    e2e_log("topics dumped: %lld records in %lld topic partitions (%.1fs)", e2e_ch_count(s, "SELECT count() FROM %s", table),
            e2e_ch_count(s, "SELECT uniqExact(topic, partition) FROM %s", table), e2e_now() - t);
}

/* ------------------------------------------------------------ ClickHouse */

long long e2e_ch_count(chs_session *s, const char *fmt, ...) {
    va_list ap;
    va_start(ap, fmt);
    char *sql = e2e_vfmt(fmt, ap);
    va_end(ap);
    long long v = itest_scalar(s, "%s", sql);
    free(sql);
    return v;
}

const char *e2e_scripts_dir(void) {
    const char *dir = getenv("CDC_TEST_SCRIPTS_DIR");
    return dir && *dir ? dir : SCRIPTS_DIR;
}

chs_session *e2e_ch_open(const char *data_path) {
    return e2e_ch_open_args(data_path, NULL);
}

chs_session *e2e_ch_open_args(const char *data_path, const char *const *extra) {
    const char *dir = e2e_scripts_dir();
    char probe[4096];
    snprintf(probe, sizeof(probe), "%s/debezium_unwrap", dir);
    if (access(probe, X_OK) != 0) {
        fprintf(stderr, "e2e: %s is not an executable (not built?)\n", probe);
        return NULL;
    }
    mkdir(data_path, 0755);
    chs_session *s = chs_open_args(dir, FUNCTIONS_GLOB, data_path, extra);
    if (!s) return NULL;
    /* With a data path, libchdb's `default` database has engine Overlay, which
     * refreshable materialized views (sql/experiments/05_daily.sql) refuse and where
     * DROP ... SYNC fails: work in an Atomic database, like a server's default. */
    if (chs_exec(s, "CREATE DATABASE IF NOT EXISTS e2e ENGINE = Atomic") != 0 || chs_exec(s, "USE e2e") != 0 ||
        chs_exec(s, "SET session_timezone = 'UTC'") != 0) {
        chs_close(s);
        return NULL;
    }
    return s;
}

int e2e_ch_apply(chs_session *s, const char *path, const char *const *subst) {
    char *text = tfile_read(path, NULL);
    if (!text) {
        fprintf(stderr, "e2e: cannot read %s\n", path);
        return -1;
    }
    for (size_t i = 0; subst && subst[i] && subst[i + 1]; i += 2) {
        char *r = chs_replace(text, subst[i], subst[i + 1]);
        free(text);
        text = r;
        if (!text) {
            fprintf(stderr, "e2e: out of memory applying %s\n", path);
            return -1;
        }
    }
    int rc = chs_split_sql(text, (int (*)(void *, const char *))chs_exec, s);
    if (rc) fprintf(stderr, "e2e: in %s\n", path);
    free(text);
    return rc ? -1 : 0;
}

int e2e_ch_kafka_connection(chs_session *s, const char *brokers) {
    static const char path[] = SOURCE_DIR "/sql/kafka_connection.sql", shipped[] = "'localhost:9092'";
    char *text = tfile_read(path, NULL);
    int found = text && strstr(text, shipped);
    free(text);
    if (!found) {   /* the file changed under the tests: the collection would name another broker */
        fprintf(stderr, "e2e: %s no longer holds %s: update e2e_ch_kafka_connection\n", path, shipped);
        return -1;
    }
    char *quoted = e2e_fmt("'%s'", brokers);
    const char *subst[] = {shipped, quoted, NULL};
    int rc = e2e_ch_apply(s, path, subst);
    free(quoted);
    return rc;
}

/* ------------------------------------------------------------ JSON equality */

typedef struct jmember {
    const char *key;
    size_t klen;
    size_t order;
    json_value val;
} jmember;

static int jmember_cmp(const void *a, const void *b) {
    const jmember *x = a, *y = b;
    size_t n = x->klen < y->klen ? x->klen : y->klen;
    int c = memcmp(x->key, y->key, n);
    if (c) return c;
    if (x->klen != y->klen) return x->klen < y->klen ? -1 : 1;
    return x->order < y->order ? -1 : x->order > y->order;
}

/* Members of an object, sorted by key, duplicates reduced to the last one.
 * Returns the count, or -1 on malformed JSON.  *out is malloc'd. */
static long jmembers(json_value *obj, arena *ar, jmember **out) {
    json_error err = {0};
    json_iter it;
    size_t cap = 8, n = 0;
    jmember *m = malloc(cap * sizeof(*m));
    json_value k, v;
    int rc;
    if (json_iter_init(&it, obj, &err) != 0) goto bad;
    while ((rc = json_iter_member(&it, &k, &v)) == 1) {
        if (json_finish(&v, &err) != 0) goto bad;
        json_iter_resume(&it, &v);
        if (n == cap) m = realloc(m, (cap *= 2) * sizeof(*m));
        if (json_string(&k, ar, &m[n].key, &m[n].klen, &err) != 0) goto bad;
        m[n].order = n;
        m[n].val = v;
        n++;
    }
    if (rc < 0) goto bad;
    qsort(m, n, sizeof(*m), jmember_cmp);
    size_t w = 0;
    for (size_t i = 0; i < n; i++) {
        if (i + 1 < n && m[i].klen == m[i + 1].klen && memcmp(m[i].key, m[i + 1].key, m[i].klen) == 0) continue;
        m[w++] = m[i];
    }
    *out = m;
    return (long)w;
bad:
    free(m);
    return -1;
}

static int jeq(json_value *a, json_value *b, arena *ar) {
    json_error err = {0};
    if (a->type != b->type) return 0;
    switch (a->type) {
    case JSON_NULL:
    case JSON_TRUE:
    case JSON_FALSE: return 1;
    case JSON_NUMBER: {
        double x = strtod(arena_strdup(ar, a->start, json_raw_len(a)), NULL);
        double y = strtod(arena_strdup(ar, b->start, json_raw_len(b)), NULL);
        return x == y;
    }
    case JSON_STRING: {
        const char *x, *y;
        size_t xn, yn;
        if (json_string(a, ar, &x, &xn, &err) || json_string(b, ar, &y, &yn, &err)) return -1;
        return xn == yn && memcmp(x, y, xn) == 0;
    }
    case JSON_ARRAY: {
        json_iter ia, ib;
        json_value va, vb;
        if (json_iter_init(&ia, a, &err) || json_iter_init(&ib, b, &err)) return -1;
        for (;;) {
            int ra = json_iter_element(&ia, &va), rb = json_iter_element(&ib, &vb);
            if (ra < 0 || rb < 0) return -1;
            if (ra != rb) return 0;
            if (ra == 0) return 1;
            if (json_finish(&va, &err) || json_finish(&vb, &err)) return -1;
            json_iter_resume(&ia, &va);
            json_iter_resume(&ib, &vb);
            int e = jeq(&va, &vb, ar);
            if (e != 1) return e;
        }
    }
    case JSON_OBJECT: {
        jmember *ma = NULL, *mb = NULL;
        long na = jmembers(a, ar, &ma), nb = jmembers(b, ar, &mb);
        int eq = na < 0 || nb < 0 ? -1 : na == nb;
        for (long i = 0; eq == 1 && i < na; i++) {
            if (ma[i].klen != mb[i].klen || memcmp(ma[i].key, mb[i].key, ma[i].klen) != 0) eq = 0;
            else eq = jeq(&ma[i].val, &mb[i].val, ar);
        }
        free(ma);
        free(mb);
        return eq;
    }
    default: return -1;
    }
}

int e2e_json_equal(const char *a, size_t an, const char *b, size_t bn) {
    json_value ra, rb;
    json_error err = {0};
    if (json_open(a, an, &ra, &err) || json_close(&ra, &err)) return -1;
    if (json_open(b, bn, &rb, &err) || json_close(&rb, &err)) return -1;
    /* json_close walked both: re-open so the walk starts fresh. */
    json_open(a, an, &ra, &err);
    json_open(b, bn, &rb, &err);
    arena ar;
    arena_init(&ar);
    int eq = jeq(&ra, &rb, &ar);
    arena_free(&ar);
    return eq;
}

/* The paths of `except` one level below `name` ("source.name" under "source"),
 * into `sub` (at most cap); whether `name` itself is listed. */
static int jexcept(const char *const *except, const json_value *key, const char **sub, size_t cap, size_t *nsub) {
    int whole = 0;
    *nsub = 0;
    for (size_t i = 0; except && except[i]; i++) {
        const char *dot = strchr(except[i], '.');
        size_t n = dot ? (size_t)(dot - except[i]) : strlen(except[i]);
        if (!json_key_equals(key, except[i], n)) continue;
        if (!dot) whole = 1;
        else if (*nsub + 1 < cap) sub[(*nsub)++] = dot + 1;
    }
    sub[*nsub] = NULL;
    return whole;
}

/* Members of objects a and b in lockstep: same keys in the same order, same
 * value bytes, except the listed ones. */
static int jsame(json_value *a, json_value *b, const char *const *except) {
    json_error err = {0};
    json_iter ia, ib;
    json_value ka, kb, va, vb;
    if (json_iter_init(&ia, a, &err) || json_iter_init(&ib, b, &err)) return -1;
    for (;;) {
        int ra = json_iter_member(&ia, &ka, &va), rb = json_iter_member(&ib, &kb, &vb);
        if (ra < 0 || rb < 0) return -1;
        if (ra != rb) return 0;
        if (ra == 0) return 1;
        if (json_raw_len(&ka) != json_raw_len(&kb) || memcmp(ka.start, kb.start, json_raw_len(&ka)) != 0) return 0;
        const char *sub[16];
        size_t nsub;
        int whole = jexcept(except, &ka, sub, 16, &nsub);
        int eq = 1;
        if (!whole && nsub && va.type == JSON_OBJECT && vb.type == JSON_OBJECT) {
            eq = jsame(&va, &vb, sub);
        } else {
            if (json_finish(&va, &err) || json_finish(&vb, &err)) return -1;
            if (!whole)
                eq = json_raw_len(&va) == json_raw_len(&vb) && memcmp(va.start, vb.start, json_raw_len(&va)) == 0;
        }
        if (eq != 1) return eq;
        json_iter_resume(&ia, &va);
        json_iter_resume(&ib, &vb);
    }
}

int e2e_json_same_except(const char *a, size_t an, const char *b, size_t bn, const char *const *except) {
    json_value ra, rb;
    json_error err = {0};
    if (json_validate(a, an, &err) || json_validate(b, bn, &err)) return -1;
    json_open(a, an, &ra, &err);
    json_open(b, bn, &rb, &err);
    if (ra.type != JSON_OBJECT || rb.type != JSON_OBJECT) return an == bn && memcmp(a, b, an) == 0;
    return jsame(&ra, &rb, except);
}

/* ------------------------------------------------------------ the engine in a child process */

/* The child's ends of the pipes: requests on fd 3, answers on fd 4 (stdin, stdout and
 * stderr stay the test's, so the engine's messages show in the test output). */
#define E2E_ENGINE_IN 3
#define E2E_ENGINE_OUT 4

int e2e_engine_main(int argc, char **argv) {
    if (argc < 2 || strcmp(argv[1], "--engine") != 0) return -1;
    if (argc != 3 && argc != 4) {
        fprintf(stderr, "usage: %s --engine DATA_PATH [LOG_FILE]\n", argv[0]);
        return 64;
    }
    char *log_arg = argc == 4 ? e2e_fmt("--logger.log=%s", argv[3]) : NULL;
    const char *extra[] = {log_arg, log_arg ? "--log-level=information" : NULL, NULL};
    chs_session *s = e2e_ch_open_args(argv[2], extra);
    free(log_arg);
    if (!s) return 1;
    int rc = chs_serve(s, E2E_ENGINE_IN, E2E_ENGINE_OUT);
    chs_close(s);
    return rc ? 1 : 0;
}

chs_session *e2e_engine_start(const char *data_path, const char *log_path) {
    int req[2], ans[2];
    if (pipe2(req, O_CLOEXEC) != 0) return NULL;
    if (pipe2(ans, O_CLOEXEC) != 0) {
        close(req[0]);
        close(req[1]);
        return NULL;
    }
    char *self = realpath("/proc/self/exe", NULL);
    char *argv[] = {self, "--engine", (char *)data_path, (char *)log_path, NULL};
    posix_spawn_file_actions_t fa;
    posix_spawn_file_actions_init(&fa);
    posix_spawn_file_actions_adddup2(&fa, req[0], E2E_ENGINE_IN);
    posix_spawn_file_actions_adddup2(&fa, ans[1], E2E_ENGINE_OUT);
    pid_t pid = 0;
    int rc = self ? posix_spawn(&pid, self, &fa, NULL, argv, environ) : -1;
    posix_spawn_file_actions_destroy(&fa);
    free(self);
    close(req[0]);
    close(ans[1]);
    if (rc != 0) {
        fprintf(stderr, "e2e: cannot start the engine process: %s\n", strerror(rc > 0 ? rc : errno));
        close(req[1]);
        close(ans[0]);
        return NULL;
    }
    chs_session *s = chs_attach(req[1], ans[0], pid);
    /* The first answer says the engine is up (or that it failed to start). */
    char *err = NULL;
    char *out = s ? chs_query(s, "SELECT 1", "TabSeparated", NULL, &err) : NULL;
    if (!out) {
        fprintf(stderr, "e2e: the engine process (pid %ld, data path %s) did not start: %s\n", (long)pid, data_path,
                err ? err : "?");
        free(err);
        chs_close(s);
        return NULL;
    }
    free(out);
    return s;
}

/* ------------------------------------------------------------ waiting */

void e2e_wait_until(const char *what, double timeout_s, long long (*missing)(void *ctx, itest_buf *status), void *ctx) {
    double t = e2e_now(), deadline = t + timeout_s, last_print = 0;
    for (;;) {
        itest_buf status = {0};
        long long n = missing(ctx, &status);
        const char *st = status.p ? status.p : "";
        if (n == 0) {
            e2e_log("%s:%s (%.1fs)", what, st, e2e_now() - t);
            itest_buf_free(&status);
            return;
        }
        if (e2e_now() > deadline) {
            print_error("not %s within %.0f s:%s\n", what, timeout_s, st);
            itest_buf_free(&status);
            fail();
        }
        if (e2e_now() - last_print > 5) {
            e2e_log("waiting until %s:%s", what, st);
            last_print = e2e_now();
        }
        itest_buf_free(&status);
        usleep(300 * 1000);
    }
}

/* ------------------------------------------------------------ comparison */

typedef struct crow {
    char **cell;     /* decoded bytes, NUL-terminated; NULL = SQL NULL */
    size_t *len;
    char *key;       /* the key cells' hex, tab-joined: the sort key */
} crow;

typedef struct ctable {
    crow *rows;
    size_t n, ncols;
} ctable;

static int hexval(int c) {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
}

/* Lines of tab-separated cells, each lowercase hex or \N. */
static int ctable_parse(const char *text, int nkey, ctable *t, char *why, size_t whycap) {
    memset(t, 0, sizeof(*t));
    size_t cap = 0;
    const char *p = text;
    while (*p) {
        const char *eol = strchr(p, '\n');
        if (!eol) eol = p + strlen(p);
        if (eol == p) {
            p = *eol ? eol + 1 : eol;
            continue;
        }
        if (t->n == cap) t->rows = realloc(t->rows, (cap = cap ? cap * 2 : 64) * sizeof(*t->rows));
        crow *r = &t->rows[t->n];
        size_t ncols = 1;
        for (const char *q = p; q < eol; q++) ncols += *q == '\t';
        if (t->n == 0) t->ncols = ncols;
        if (ncols != t->ncols) {
            snprintf(why, whycap, "row %zu has %zu columns, the first has %zu", t->n + 1, ncols, t->ncols);
            return -1;
        }
        r->cell = calloc(ncols, sizeof(char *));
        r->len = calloc(ncols, sizeof(size_t));
        const char *f = p;
        const char *key_end = p;
        for (size_t c = 0; c < ncols; c++) {
            const char *fe = memchr(f, '\t', (size_t)(eol - f));
            if (!fe) fe = eol;
            if (fe - f == 2 && f[0] == '\\' && f[1] == 'N') {
                r->cell[c] = NULL;
            } else {
                size_t hl = (size_t)(fe - f);
                if (hl % 2) {
                    snprintf(why, whycap, "row %zu column %zu: odd hex length", t->n + 1, c + 1);
                    return -1;
                }
                char *v = malloc(hl / 2 + 1);
                for (size_t i = 0; i < hl / 2; i++) {
                    int hi = hexval((unsigned char)f[2 * i]), lo = hexval((unsigned char)f[2 * i + 1]);
                    if (hi < 0 || lo < 0) {
                        snprintf(why, whycap, "row %zu column %zu: not hex: %.40s", t->n + 1, c + 1, f);
                        return -1;
                    }
                    v[i] = (char)(hi * 16 + lo);
                }
                v[hl / 2] = 0;
                r->cell[c] = v;
                r->len[c] = hl / 2;
            }
            if ((int)c == nkey - 1) key_end = fe;
            f = fe + 1;
        }
        r->key = strndup(p, (size_t)(key_end - p));
        for (char *k = r->key; *k; k++)
            if (*k >= 'A' && *k <= 'F') *k = (char)(*k - 'A' + 'a');
        t->n++;
        p = *eol ? eol + 1 : eol;
    }
    return 0;
}

static void ctable_free(ctable *t) {
    for (size_t i = 0; i < t->n; i++) {
        for (size_t c = 0; c < t->ncols; c++) free(t->rows[i].cell[c]);
        free(t->rows[i].cell);
        free(t->rows[i].len);
        free(t->rows[i].key);
    }
    free(t->rows);
}

static int crow_cmp(const void *a, const void *b) {
    return strcmp(((const crow *)a)->key, ((const crow *)b)->key);
}

/* A cell for messages: C-escaped, cut at 160 bytes. */
static void cell_show(const char *v, size_t n, char *out, size_t cap) {
    if (!v) {
        snprintf(out, cap, "NULL");
        return;
    }
    size_t o = 0;
    out[o++] = '"';
    for (size_t i = 0; i < n && o + 8 < cap; i++) {
        unsigned char c = (unsigned char)v[i];
        if (i == 160) {
            o += (size_t)snprintf(out + o, cap - o, "...(%zu bytes)", n);
            break;
        }
        if (c == '"' || c == '\\') {
            out[o++] = '\\';
            out[o++] = (char)c;
        } else if (c < 0x20 || c == 0x7f) {
            o += (size_t)snprintf(out + o, cap - o, "\\x%02x", c);
        } else {
            out[o++] = (char)c;
        }
    }
    if (o + 2 < cap) out[o++] = '"';
    out[o < cap ? o : cap - 1] = 0;
}

/* Decimal text without a sign on zero, leading '+', leading zeros or trailing fraction zeros. */
static int decimal_norm(const char *s, char *out, size_t cap) {
    size_t o = 0;
    int neg = 0;
    if (*s == '+' || *s == '-') neg = *s++ == '-';
    while (*s == '0' && s[1] >= '0' && s[1] <= '9') s++;
    const char *dot = strchr(s, '.');
    size_t ilen = dot ? (size_t)(dot - s) : strlen(s);
    if (ilen == 0) return -1;
    for (size_t i = 0; i < ilen; i++)
        if (s[i] < '0' || s[i] > '9') return -1;
    size_t flen = 0;
    if (dot) {
        flen = strlen(dot + 1);
        for (size_t i = 0; i < flen; i++)
            if (dot[1 + i] < '0' || dot[1 + i] > '9') return -1;
        while (flen && dot[flen] == '0') flen--;
    }
    int zero = ilen == 1 && s[0] == '0' && flen == 0;
    if (ilen + flen + 4 > cap) return -1;
    if (neg && !zero) out[o++] = '-';
    memcpy(out + o, s, ilen);
    o += ilen;
    if (flen) {
        out[o++] = '.';
        memcpy(out + o, dot + 1, flen);
        o += flen;
    }
    out[o] = 0;
    return 0;
}

static int parse_double(const char *s, double *d) {
    if (!s || !*s) return -1;
    char *end;
    errno = 0;
    *d = strtod(s, &end);
    return *end ? -1 : 0;
}

/* 1 when the two cells are equal under `rule`. */
static int cell_equal(char rule, const char *a, size_t an, const char *b, size_t bn) {
    if (!a || !b) return !a && !b;
    switch (rule) {
    case 'T': return an == bn && memcmp(a, b, an) == 0;
    case 'J': {
        if (an == bn && memcmp(a, b, an) == 0) return 1;
        return e2e_json_equal(a, an, b, bn) == 1;
    }
    case 'D': {
        char x[512], y[512];
        if (decimal_norm(a, x, sizeof(x)) || decimal_norm(b, y, sizeof(y))) return an == bn && memcmp(a, b, an) == 0;
        return strcmp(x, y) == 0;
    }
    case 'F':
    case 'R': {
        double x, y;
        if (parse_double(a, &x) || parse_double(b, &y)) return an == bn && memcmp(a, b, an) == 0;
        if (isnan(x) || isnan(y)) return isnan(x) && isnan(y);
        if (rule == 'F' || isinf(x) || isinf(y)) return x == y;
        return fabs(x - y) <= 1e-9 * fmax(1, fmax(fabs(x), fabs(y)));
    }
    default:
        if (rule >= '1' && rule <= '9') {
            /* a = PostgreSQL's exact value, b = ClickHouse's value rounded to n places:
             * any rounding (half even, half up) is within half a unit of the value. */
            double x, y;
            if (parse_double(a, &x) || parse_double(b, &y)) return an == bn && memcmp(a, b, an) == 0;
            if (isnan(x) || isnan(y)) return isnan(x) && isnan(y);
            if (isinf(x) || isinf(y)) return x == y;
            return fabs(x - y) <= 0.5 * pow(10, -(rule - '0')) * (1 + 1e-9) + 1e-12 * fabs(x);
        }
        return 0;
    }
}

static char *e2e_pg_rows_sql(const char *query) {
    /* Every column as text (to_json's text form; json keeps the column order and
     * duplicates), hex-encoded, tab-separated, \N for NULL. */
    return e2e_fmt("SELECT (SELECT string_agg(coalesce(encode(convert_to(value, 'UTF8'), 'hex'), '\\N'), E'\\t' "
                   "ORDER BY ordinality) FROM json_each_text(row_to_json(q)) WITH ORDINALITY) "
                   "FROM (%s) AS q;",
                   query);
}

size_t e2e_compare(chs_session *s, const e2e_cmp *c, e2e_cmp_result *res) {
    e2e_cmp_result r = {0};
    char *pg_sql = e2e_pg_rows_sql(c->pg);
    char *pg_out = e2e_psql("%s", pg_sql);
    free(pg_sql);
    char *ch_sql = e2e_fmt("SELECT * APPLY(x -> lower(hex(toString(x)))) FROM (%s) FORMAT TabSeparated", c->ch);
    char *err = NULL;
    char *ch_out = chs_query(s, ch_sql, "TabSeparated", NULL, &err);
    if (!ch_out) {
        print_error("%s: ClickHouse query failed: %s\nSQL: %s\n", c->name, err ? err : "?", ch_sql);
        free(err);
        free(ch_sql);
        free(pg_out);
        fail();
    }
    free(ch_sql);
    ctable pg, ch;
    char why[256];
    size_t ncols = strlen(c->rules);
    if (ctable_parse(pg_out, c->nkey, &pg, why, sizeof(why)) != 0) {
        print_error("%s: PostgreSQL output: %s\n", c->name, why);
        fail();
    }
    if (ctable_parse(ch_out, c->nkey, &ch, why, sizeof(why)) != 0) {
        print_error("%s: ClickHouse output: %s\n", c->name, why);
        fail();
    }
    free(pg_out);
    free(ch_out);
    if ((pg.n && pg.ncols != ncols) || (ch.n && ch.ncols != ncols)) {
        print_error("%s: %zu rules but PostgreSQL gives %zu columns and ClickHouse %zu\n", c->name, ncols, pg.ncols,
                    ch.ncols);
        fail();
    }
    qsort(pg.rows, pg.n, sizeof(crow), crow_cmp);
    qsort(ch.rows, ch.n, sizeof(crow), crow_cmp);
    r.pg_rows = pg.n;
    r.ch_rows = ch.n;
    size_t i = 0, j = 0, shown = 0;
    const size_t show_max = 40;
    char sa[512], sb[512];
    while (i < pg.n || j < ch.n) {
        int k = i >= pg.n ? 1 : j >= ch.n ? -1 : strcmp(pg.rows[i].key, ch.rows[j].key);
        if (k < 0 || k > 0) {
            crow *row = k < 0 ? &pg.rows[i++] : &ch.rows[j++];
            if (k < 0) r.missing++;
            else r.extra++;
            if (shown++ < show_max) {
                fprintf(stderr, "  %s: row only in %s:", c->name, k < 0 ? "PostgreSQL" : "ClickHouse");
                for (size_t col = 0; col < ncols; col++) {
                    cell_show(row->cell[col], row->len[col], sa, sizeof(sa));
                    fprintf(stderr, "%s%s", col ? " | " : " ", sa);
                }
                fprintf(stderr, "\n");
            }
            continue;
        }
        crow *a = &pg.rows[i++], *b = &ch.rows[j++];
        int row_ok = 1;
        for (size_t col = 0; col < ncols; col++) {
            r.cells++;
            if (cell_equal(c->rules[col], a->cell[col], a->len[col], b->cell[col], b->len[col])) continue;
            row_ok = 0;
            if (shown++ < show_max) {
                cell_show(a->cell[0], a->len[0], sa, sizeof(sa));
                fprintf(stderr, "  %s: key %s column %zu (rule %c) differs:\n", c->name, sa, col + 1, c->rules[col]);
                cell_show(a->cell[col], a->len[col], sa, sizeof(sa));
                cell_show(b->cell[col], b->len[col], sb, sizeof(sb));
                fprintf(stderr, "      PostgreSQL: %s\n      ClickHouse: %s\n", sa, sb);
            }
        }
        if (row_ok) r.equal_rows++;
        else r.differing++;
    }
    if (shown > show_max) fprintf(stderr, "  %s: ... %zu more differences not shown\n", c->name, shown - show_max);
    size_t bad = r.missing + r.extra + r.differing;
    fprintf(stderr, "  %-34s PostgreSQL %5zu rows, ClickHouse %5zu rows, %5zu equal (%zu cells)%s\n", c->name, r.pg_rows,
            r.ch_rows, r.equal_rows, r.cells, bad ? "  <-- DIFFERENT" : "");
    ctable_free(&pg);
    ctable_free(&ch);
    if (res) *res = r;
    return bad;
}

/* ------------------------------------------------------------ generated replicas */

const char *const e2e_replica_tables[E2E_NREPLICAS] = {"assignments", "events",      "outbox_events", "advertiser",
                                                       "campaign",    "impressions", "clicks",        "type_zoo"};

/* One String value of a query, its bytes as they are (RawBLOB), or NULL (printed). */
static char *e2e_ch_raw(chs_session *s, const char *sql) {
    char *err = NULL;
    char *out = chs_query(s, sql, "RawBLOB", NULL, &err);
    if (!out) {
        fprintf(stderr, "e2e: ClickHouse query failed: %s\nSQL: %s\n", err ? err : "?", sql);
        free(err);
    }
    return out;
}

typedef struct e2e_run_ctx {
    chs_session *s;
    const char *settings;
    const char *before;      /* run `tap` before the first statement containing this */
    const char *tap;
} e2e_run_ctx;

static int e2e_run_one(void *ctx, const char *stmt) {
    e2e_run_ctx *c = ctx;
    if (c->before && strstr(stmt, c->before)) {
        c->before = NULL;
        if (c->tap && e2e_ch_run(c->s, c->tap, NULL) != 0) return -1;
    }
    char *sql = c->settings ? e2e_fmt("%s SETTINGS %s", stmt, c->settings) : e2e_fmt("%s", stmt);
    char *err = NULL;
    char *out = chs_query(c->s, sql, "TabSeparated", NULL, &err);
    if (!out) fprintf(stderr, "e2e: statement failed: %s\nSQL: %s\n", err ? err : "?", sql);
    free(err);
    free(sql);
    int rc = out ? 0 : -1;
    free(out);
    return rc;
}

int e2e_ch_run(chs_session *s, const char *sql, const char *settings) {
    e2e_run_ctx c = {s, settings, NULL, NULL};
    char *text = e2e_fmt("%s", sql);
    int rc = chs_split_sql(text, e2e_run_one, &c);
    free(text);
    return rc ? -1 : 0;
}

int e2e_ddl_replica_create(chs_session *s, e2e_ddl_replica *r) {
    static const char *const parts[] = {"create_table", "create_view", "columns", "error"};
    char *val[4] = {0};
    int rc = 0;
    for (size_t i = 0; i < 4 && !rc; i++) {
        char *sql = e2e_fmt("SELECT tupleElement(%s(key, message), '%s') FROM (%s)", r->fn, parts[i], r->first);
        val[i] = e2e_ch_raw(s, sql);
        free(sql);
        rc = val[i] ? 0 : -1;
    }
    if (!rc && val[3][0]) {
        fprintf(stderr, "e2e: %s on the first message of %s: %s\n", r->fn, r->topic, val[3]);
        rc = -1;
    }
    if (!rc && (!val[0][0] || !val[1][0])) {
        fprintf(stderr, "e2e: %s on the first message of %s: no create_table or create_view\n", r->fn, r->topic);
        rc = -1;
    }
    if (!rc) {
        const char *more = r->kafka_settings ? r->kafka_settings : "kafka_flush_interval_ms = 500";
        char *kafka = e2e_fmt("CREATE TABLE `%s`.`%s` (message String) ENGINE = Kafka "
                              "SETTINGS kafka_broker_list = '%s', kafka_topic_list = '%s', kafka_group_name = '%s', "
                              "kafka_format = 'RawBLOB'%s%s",
                              r->db, r->kafka, r->brokers, r->topic, r->group, *more ? ", " : "", more);
        rc = chs_exec(s, kafka) ? -1 : 0;
        free(kafka);
    }
    if (!rc) rc = e2e_ch_run(s, val[0], NULL);
    if (!rc) {
        /* The consuming view names the Kafka table: the tap goes in before it, so no block passes unseen. */
        char *kafka_name = e2e_fmt("`%s`", r->kafka);
        char *tap = e2e_fmt(
            "CREATE TABLE `%s`.`%s_tap` (topic String, partition UInt64, offset UInt64, key String, message String, "
            "op String, version UInt64, error String, extra String, changes UInt64) "
            "ENGINE = MergeTree ORDER BY (topic, partition, offset);"
            "CREATE MATERIALIZED VIEW `%s`.`%s_tap_mv` TO `%s`.`%s_tap` AS "
            "SELECT _topic AS topic, _partition AS partition, _offset AS offset, _key AS key, _message AS message, "
            "op, version, _error AS error, _extra AS extra, length(_schema_changes) AS changes FROM `%s`.`%s_stage`",
            r->db, r->table, r->db, r->table, r->db, r->table, r->db, r->table);
        e2e_run_ctx c = {s, NULL, kafka_name, r->no_tap ? NULL : tap};
        char *text = e2e_fmt("%s", val[1]);
        rc = chs_split_sql(text, e2e_run_one, &c) ? -1 : 0;
        if (!rc && c.before) {
            fprintf(stderr, "e2e: create_view of %s never reads %s\n", r->table, kafka_name);
            rc = -1;
        }
        free(text);
        free(tap);
        free(kafka_name);
    }
    r->columns = rc ? NULL : val[2];
    if (rc) free(val[2]);
    free(val[0]);
    free(val[1]);
    free(val[3]);
    return rc;
}

size_t e2e_ddl_operator_step(chs_session *s, const char *db, const char *fn, const char *table,
                             void (*between)(void *ctx), void *ctx) {
    itest_table *t = itest_query_table(s, "SELECT alter, backfill, tupleElement(%s(key, message), 'create_view') "
                                          "FROM `%s`.schema_changes FINAL WHERE table = '%s' ORDER BY seen_at",
                                       fn, db, table);
    size_t n = t->nrows;
    for (size_t i = 0; i < n; i++) assert_int_equal(e2e_ch_run(s, itest_cell(t, i, 0), NULL), 0);
    if (between) between(ctx);
    if (n) assert_int_equal(e2e_ch_run(s, itest_cell(t, n - 1, 2), NULL), 0);
    for (size_t i = 0; i < n; i++)
        if (itest_cell(t, i, 1)[0]) assert_int_equal(e2e_ch_run(s, itest_cell(t, i, 1), "mutations_sync = 2"), 0);
    itest_table_free(t);
    return n;
}

long long e2e_deletes_gone(chs_session *s, const char *table, const char *changes, const char *current) {
    itest_table *t = itest_query_table(s,
        "SELECT count(), arrayStringConcat(arrayMap(x -> concat('''', x, ''''), groupArray(id)), ','), "
        "arrayStringConcat(arraySlice(arraySort(groupArray(id)), 1, 4), ' ') "
        "FROM (SELECT id FROM (%s) GROUP BY id HAVING argMax(op, version) = 'd')", changes);
    long long n = atoll(itest_cell(t, 0, 0));
    if (n > 0) {
        long long in_ch = e2e_ch_count(s, "SELECT count() FROM %s WHERE toString(id) IN (%s)", current, itest_cell(t, 0, 1));
        char *pg = e2e_psql("SELECT count(*) FROM %s WHERE id::text IN (%s)", table, itest_cell(t, 0, 1));
        fprintf(stderr, "  %-22s %4lld deleted (e.g. %s%s): in ClickHouse %lld, in PostgreSQL %s", table, n,
                itest_cell(t, 0, 2), n > 4 ? " ..." : "", in_ch, pg);
        assert_int_equal(in_ch, 0);
        assert_int_equal(atoll(pg), 0);
        free(pg);
    }
    itest_table_free(t);
    return n;
}

/* ------------------------------------------------------------ replicas vs PostgreSQL */

/* PostgreSQL's timestamptz as ClickHouse prints DateTime64(6, 'UTC'). */
#define PG_TS(c) "to_char(" c " AT TIME ZONE 'UTC', 'YYYY-MM-DD HH24:MI:SS.US')"

/* Every column of each table: the PostgreSQL side and the replica's (FROM %s: the
 * replica's rows, <t>_current), with the rules of e2e_compare. */
typedef struct e2e_replica_cmp {
    const char *table, *pg, *ch, *rules;
} e2e_replica_cmp;

static const e2e_replica_cmp e2e_replica_cmps[E2E_NREPLICAS] = {
    {"assignments",
     "SELECT id, experiment_id, user_id, variant_id, variant_key, " PG_TS("assigned_at") " FROM assignments",
     "SELECT id, experiment_id, user_id, variant_id, variant_key, assigned_at FROM %s", "TTTTTT"},
    {"events",
     "SELECT id, experiment_id, user_id, variant_id, event_type, value, properties, " PG_TS("occurred_at")
     ", session_id FROM events",
     "SELECT id, experiment_id, user_id, variant_id, event_type, value, properties, occurred_at, session_id FROM %s",
     "TTTTTFJTT"},
    {"outbox_events",
     "SELECT id, aggregate_type, aggregate_id, event_type, payload, " PG_TS("created_at") " FROM outbox_events",
     "SELECT id, aggregate_type, aggregate_id, event_type, payload, created_at FROM %s", "TTTTTT"},
    {"advertiser",
     "SELECT id, name, country, currency, is_active, " PG_TS("created_at") ", " PG_TS("updated_at") " FROM advertiser",
     "SELECT id, name, country, currency, is_active, created_at, updated_at FROM %s", "TTTTTTT"},
    {"campaign",
     "SELECT id, advertiser_id, name, status, daily_budget::text, cpm_bid::text, start_date, end_date, "
     PG_TS("created_at") ", bid::text, budget::text, " PG_TS("updated_at") " FROM campaign",
     "SELECT id, advertiser_id, name, status, toDecimalString(daily_budget, 2), toDecimalString(cpm_bid, 4), "
     "start_date, end_date, created_at, toDecimalString(bid, 2), toDecimalString(budget, 2), updated_at FROM %s",
     "TTTTTTTTTTTT"},
    {"impressions",
     "SELECT id, campaign_id, request_id, user_id, country, device, cost::text, " PG_TS("shown_at") ", "
     PG_TS("created_at") " FROM impressions",
     "SELECT id, campaign_id, request_id, user_id, country, device, toDecimalString(cost, 6), shown_at, created_at "
     "FROM %s",
     "TTTTTTTTT"},
    {"clicks",
     "SELECT id, impression_id, campaign_id, cpc::text, " PG_TS("clicked_at") ", " PG_TS("created_at") " FROM clicks",
     "SELECT id, impression_id, campaign_id, toDecimalString(cpc, 4), clicked_at, created_at FROM %s", "TTTTTT"},
    /* The awkward types.  Decimals as text with their scale; timestamps to the µs; jsonb
     * and text[] as JSON documents; double as a double (NaN, ±Infinity); interval as
     * Debezium's µs (a month = 30.4375 days, in double precision as Debezium computes it);
     * bytea as hex.  d, tags and big_text carry the by-design forms (see e2e.h); the
     * PostgreSQL side of big_text is completed with the ids listed in _unavailable. */
    {"type_zoo",
     "SELECT id, num_fixed::text, num_free::text, to_char(ts, 'YYYY-MM-DD HH24:MI:SS.US'), " PG_TS("ts_tz") ", "
     "CASE WHEN d NOT BETWEEN date '1900-01-01' AND date '2299-12-31' THEN '_extra ' || d::text ELSE d::text END, "
     "to_char(date '2000-01-01' + t, 'HH24:MI:SS.US'), doc, uid, flag, to_json(tags), mood::text, small, big, dbl, "
     "encode(bytes, 'hex'), "
     "trunc((((((extract(year FROM span) * 12 + extract(month FROM span))::float8 * 30.4375 "
     "+ extract(day FROM span)::float8) * 24 + extract(hour FROM span)::float8) * 60 "
     "+ extract(minute FROM span)::float8) * 60 + extract(second FROM span)::float8) * 1e6)::bigint, "
     "CASE WHEN id IN (%s) THEN '_unavailable' ELSE big_text END FROM type_zoo",
     "SELECT id, toDecimalString(num_fixed, 4), num_free, ts, ts_tz, "
     "if(JSONHas(_extra, 'd'), concat('_extra ', JSONExtractString(_extra, 'd')), toString(d)), t, doc, uid, flag, "
     "if(JSONHas(_extra, 'tags') AND JSONType(_extra, 'tags') = 'Null', NULL, toJSONString(tags)), mood, small, big, "
     "dbl, lower(hex(bytes)), span, if(has(_unavailable, 'big_text'), '_unavailable', big_text) FROM %s",
     "TTTTTTTJTTJTTTFTTT"},
};

size_t e2e_replica_compare(chs_session *s, const char *truncated_table, unsigned long long truncate_lsn,
                           e2e_replica_result *res) {
    e2e_replica_result r = {0};
    for (size_t i = 0; i < E2E_NREPLICAS; i++) {
        const e2e_replica_cmp *t = &e2e_replica_cmps[i];
        int truncated = truncated_table && truncate_lsn && strcmp(truncated_table, t->table) == 0;
        char *from = truncated ? e2e_fmt("(SELECT * FROM %s_current WHERE version > %llu)", t->table, truncate_lsn)
                               : e2e_fmt("%s_current", t->table);
        char *pg = NULL;
        if (strcmp(t->table, "type_zoo") == 0) {
            /* TOAST: the ids whose big_text no change carried (NULL, listed in _unavailable). */
            char *ids = e2e_ch_raw(s, "SELECT arrayStringConcat(groupArray(toString(id)), ',') FROM type_zoo_current "
                                      "WHERE has(_unavailable, 'big_text')");
            if (!ids) fail();
            size_t n = (size_t)e2e_ch_count(s, "SELECT countIf(has(_unavailable, 'big_text')) FROM type_zoo_current");
            if (n) {
                char *small = e2e_psql("SELECT count(*) FROM type_zoo WHERE id IN (%s) AND NOT length(big_text) > 2000",
                                       ids);
                fprintf(stderr, "  %-14s %zu TOASTed big_text no change carried (ids %s): listed in _unavailable, "
                                "over 2 kB in PostgreSQL (%lld are not)\n", t->table, n, ids, atoll(small));
                assert_int_equal(atoll(small), 0);
                free(small);
            }
            long long range = e2e_ch_count(s, "SELECT countIf(JSONHas(_extra, 'd')) FROM type_zoo_current");
            long long nulls = e2e_ch_count(s, "SELECT countIf(JSONHas(_extra, 'tags') AND JSONType(_extra, 'tags') = "
                                              "'Null') FROM type_zoo_current");
            fprintf(stderr, "  %-14s %lld date(s) outside Date32 kept in _extra, %lld NULL array(s) ([] + null in "
                            "_extra)\n", t->table, range, nulls);
            r.unavailable += n;
            r.out_of_range += (size_t)range;
            r.null_arrays += (size_t)nulls;
            pg = e2e_fmt(t->pg, n ? ids : "NULL");
            free(ids);
        } else {
            pg = e2e_fmt("%s", t->pg);
        }
        if (truncated) {
            /* Rows up to the TRUNCATE: still in the replica (nothing told it), gone in PostgreSQL. */
            char *sql = e2e_fmt("SELECT arrayStringConcat(groupArray(toString(id)), ',') FROM %s_current "
                                "WHERE version <= %llu", t->table, truncate_lsn);
            char *ids = e2e_ch_raw(s, sql);
            free(sql);
            if (!ids) fail();
            size_t n = 0;
            for (const char *p = ids; *p; p++) n += *p == ',';
            n += ids[0] != 0;
            char *in_pg = n ? e2e_psql("SELECT count(*) FROM %s WHERE id IN (%s)", t->table, ids) : e2e_fmt("0\n");
            fprintf(stderr, "  %-14s %zu row(s) older than the unreported TRUNCATE (LSN %llu, ids %.60s%s) left out: "
                            "in PostgreSQL %lld\n", t->table, n, truncate_lsn, ids, strlen(ids) > 60 ? "..." : "",
                    atoll(in_pg));
            assert_int_equal(atoll(in_pg), 0);
            r.truncated += n;
            free(in_pg);
            free(ids);
        }
        char *ch = e2e_fmt(t->ch, from);
        e2e_cmp c = {t->table, pg, ch, t->rules, 1};
        e2e_cmp_result one;
        r.differ += e2e_compare(s, &c, &one);
        r.rows += one.pg_rows;
        r.cells += one.cells;
        free(pg);
        free(ch);
        free(from);
    }
    if (res) *res = r;
    return r.differ;
}
