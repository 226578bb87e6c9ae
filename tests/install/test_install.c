/* test_install.c — the Debian package on a machine laid out like a
 * ClickHouse server (label install; root; tests/run-tests.sh runs it).
 *
 * A foreign executable UDF sits in the stock places first
 * (/etc/clickhouse-server/other_function.xml, its script in
 * /var/lib/clickhouse/user_scripts/).  Then, in order:
 *   1. dpkg -i the package (revision 1);
 *   2. the embedded engine starts with the stock server paths; every function
 *      of ours and the foreign one load with Success, and each of ours
 *      decodes a message;
 *   3. while a pool process of revision 1 serves a query, dpkg -i revision 2:
 *      the old process keeps answering until the query ends, and after
 *      SYSTEM RELOAD FUNCTIONS the next process runs the new binary;
 *   4. dpkg --purge leaves no file of ours, and the foreign UDF untouched.
 *
 * It refuses to touch a machine that already has those directories or the
 * package (a real server's): it reports a skip, and so does a run without
 * root.  With CI=true both are failures.  Everything it created it removes. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <errno.h>
#include <glob.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "chsession.h"
#include "itest.h"

#define ETC_DIR "/etc/clickhouse-server"
#define SCRIPTS_DIR "/var/lib/clickhouse/user_scripts"
#define OUR_XML ETC_DIR "/cdc_udfs_function.xml"
#define OTHER_XML ETC_DIR "/other_function.xml"
#define OTHER_SCRIPT SCRIPTS_DIR "/other_echo"

static const char OTHER_XML_TEXT[] =
    "<functions>\n"
    "    <function>\n"
    "        <type>executable</type>\n"
    "        <name>other_echo</name>\n"
    "        <return_type>String</return_type>\n"
    "        <argument><type>String</type></argument>\n"
    "        <format>TabSeparated</format>\n"
    "        <command>other_echo</command>\n"
    "    </function>\n"
    "</functions>\n";
static const char OTHER_SCRIPT_TEXT[] = "#!/bin/sh\nexec cat\n";

typedef struct {
    const char *skip_reason;  /* set: every test reports a skip */
    char deb[2][4096];        /* revision 1 and 2 */
    chs_session *s;
    pid_t old_pid;            /* the revision-1 pool process of the upgrade test */
} install_state;

/* ------------------------------------------------------------- helpers */

static int install_run(const char *fmt, ...) {
    char cmd[8192];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(cmd, sizeof cmd, fmt, ap);
    va_end(ap);
    print_message("$ %s\n", cmd);
    int rc = system(cmd);
    return rc == -1 ? -1 : WIFEXITED(rc) ? WEXITSTATUS(rc) : 128 + WTERMSIG(rc);
}

static int install_exists(const char *path) {
    struct stat st;
    return lstat(path, &st) == 0;
}

static void install_write(const char *path, const char *text, mode_t mode) {
    FILE *f = fopen(path, "w");
    assert_non_null(f);
    assert_int_equal(fputs(text, f) >= 0, 1);
    assert_int_equal(fclose(f), 0);
    assert_int_equal(chmod(path, mode), 0);
}

/* The whole file, NUL-terminated (malloc'd), or NULL. */
static char *install_slurp(const char *path) {
    FILE *f = fopen(path, "rb");
    if (!f) return NULL;
    size_t cap = 4096, n = 0;
    char *p = malloc(cap);
    size_t got;
    while (p && (got = fread(p + n, 1, cap - n - 1, f)) > 0) {
        n += got;
        if (n + 1 == cap) p = realloc(p, cap *= 2);
    }
    fclose(f);
    if (p) p[n] = 0;
    return p;
}

/* The engine's child process running `path` (other than `except`). */
typedef struct {
    const char *path;
    pid_t except, found;
    int deleted;           /* its executable was unlinked since it started */
} install_child;

static void install_match_child(void *ctx, const itest_child *c) {
    install_child *want = ctx;
    char link[64], exe[4096];
    snprintf(link, sizeof link, "/proc/%d/exe", c->pid);
    ssize_t n = readlink(link, exe, sizeof exe - 1);
    if (want->found || c->pid == want->except || n <= 0) return;
    exe[n] = 0;
    size_t len = strlen(want->path);
    if (strncmp(exe, want->path, len) != 0 || (exe[len] && strcmp(exe + len, " (deleted)") != 0)) return;
    want->found = c->pid;
    want->deleted = exe[len] != 0;
}

static pid_t install_find_child(const char *path, pid_t except, int *deleted) {
    install_child want = {path, except, 0, 0};
    itest_for_each_child(install_match_child, &want);
    if (deleted) *deleted = want.deleted;
    return want.found;
}

/* The name of every <function> of a function XML (its first <name>; the
 * arguments' come after it), one per line (malloc'd). */
static char *install_function_names(const char *xml_path, size_t *count) {
    char *xml = install_slurp(xml_path);
    assert_non_null(xml);
    char *names = calloc(1, strlen(xml) + 1);
    size_t used = 0;
    *count = 0;
    for (const char *p = xml; (p = strstr(p, "<function>")) != NULL;) {
        p = strstr(p, "<name>");
        assert_non_null(p);
        p += 6;
        const char *end = strstr(p, "</name>");
        assert_non_null(end);
        used += (size_t)sprintf(names + used, "%.*s\n", (int)(end - p), p);
        (*count)++;
        p = end;
    }
    free(xml);
    return names;
}

/* ---------------------------------------------------------------- setup */

static int install_setup(void **state) {
    static install_state st;
    *state = &st;
    const char *dir = getenv("CDC_INSTALL_PACKAGES_DIR");
    if (geteuid() != 0) {
        st.skip_reason = "needs root (it installs the package with dpkg)";
    } else if (install_exists(ETC_DIR) || install_exists("/var/lib/clickhouse") ||
               install_run("dpkg-query -W clickhouse-cdc-udfs >/dev/null 2>&1") == 0) {
        st.skip_reason = "this machine already has " ETC_DIR ", /var/lib/clickhouse or the package: "
                         "the test does not touch a real server";
    } else if (!dir) {
        st.skip_reason = "CDC_INSTALL_PACKAGES_DIR is not set (run it through ctest -L install)";
    }
    if (st.skip_reason) {
        const char *ci = getenv("CI");
        if (ci && !strcmp(ci, "true")) {
            fprintf(stderr, "test_install: %s (required when CI=true)\n", st.skip_reason);
            return -1;
        }
        return 0;
    }
    for (int r = 0; r < 2; r++) {
        char pattern[4096];
        glob_t g;
        snprintf(pattern, sizeof pattern, "%s/clickhouse-cdc-udfs_*-%d_*.deb", dir, r + 1);
        if (glob(pattern, 0, NULL, &g) != 0 || g.gl_pathc != 1) {
            fprintf(stderr, "test_install: want exactly one %s\n", pattern);
            return -1;
        }
        snprintf(st.deb[r], sizeof st.deb[r], "%s", g.gl_pathv[0]);
        globfree(&g);
    }
    /* The foreign UDF, named the stock way, installed before ours. */
    if (install_run("mkdir -p " ETC_DIR " " SCRIPTS_DIR) != 0) return -1;
    install_write(OTHER_XML, OTHER_XML_TEXT, 0644);
    install_write(OTHER_SCRIPT, OTHER_SCRIPT_TEXT, 0755);
    return 0;
}

static int install_teardown(void **state) {
    install_state *st = *state;
    if (st->skip_reason) return 0;
    if (st->s) chs_close(st->s);
    if (install_run("dpkg-query -W clickhouse-cdc-udfs >/dev/null 2>&1") == 0)
        install_run("dpkg --purge clickhouse-cdc-udfs >/dev/null");
    install_run("rm -rf " ETC_DIR " /var/lib/clickhouse");
    return 0;
}

static install_state *install_begin(void **state) {
    install_state *st = *state;
    if (st->skip_reason) {
        print_message("SKIPPED: %s\n", st->skip_reason);
        skip();
    }
    return st;
}

/* ---------------------------------------------------------------- tests */

static void test_dpkg_install(void **state) {
    install_state *st = install_begin(state);
    assert_int_equal(install_run("dpkg -i '%s'", st->deb[0]), 0);
    assert_int_equal(install_run("dpkg-query -W -f='${Status} ${Version}\\n' clickhouse-cdc-udfs | grep -qx 'install ok installed .*-1'"), 0);
    /* computed dependencies, the definitions a conffile */
    assert_int_equal(install_run("dpkg-query -W -f='${Depends}\\n' clickhouse-cdc-udfs | grep -q 'libseccomp2'"), 0);
    assert_int_equal(install_run("dpkg-query -W -f='${Conffiles}\\n' clickhouse-cdc-udfs | grep -q '" OUR_XML "'"), 0);
    /* No server setting is overridden: nothing in config.d. */
    assert_int_equal(install_run("dpkg-query -L clickhouse-cdc-udfs | grep -q /config.d/"), 1);
    assert_true(install_exists(SCRIPTS_DIR "/debezium_unwrap"));
    assert_true(install_exists(OTHER_XML));
}

/* One message each function of ours decodes; %s is the function's name
 * (plain or _tsv), the answer is one TabSeparated line. */
/* A change event with the schema envelope, as a SQL literal (debezium_ddl, debezium_typed). */
#define TYPED_MESSAGE                                                                                              \
    "'{\"schema\":{\"type\":\"struct\",\"fields\":[{\"type\":\"struct\",\"fields\":[{\"type\":\"int32\","       \
    "\"optional\":false,\"field\":\"id\"}],\"optional\":true,\"field\":\"after\"}]},\"payload\":{\"before\":null,"  \
    "\"after\":{\"id\":1},\"source\":{\"schema\":\"public\",\"table\":\"t\",\"lsn\":1},\"op\":\"c\"}}'"
static const struct {
    const char *base, *sql, *answer;
} DECODES[] = {
    {"debezium_unwrap",
     "SELECT tupleElement(d, 'op'), tupleElement(d, 'version'), tupleElement(d, 'error') FROM "
     "(SELECT %s('{\"op\":\"c\",\"after\":{\"id\":1},\"source\":{\"lsn\":24023128}}') AS d)",
     "c\t24023128\t\n"},
    {"debezium_flatten",
     "SELECT tupleElement(f, 'value'), tupleElement(f, 'skip'), tupleElement(f, 'error') FROM "
     "(SELECT %s('{\"op\":\"c\",\"after\":{\"id\":1},\"source\":{\"lsn\":24023128}}') AS f)",
     "{\"id\":1}\t0\t\n"},
    {"experiment_event",
     "SELECT tupleElement(e, 'id'), tupleElement(e, 'experiment_id'), tupleElement(e, 'aggregate_id'), tupleElement(e, 'error') FROM "
     "(SELECT %s('{\"op\":\"c\",\"after\":{\"aggregate_id\":\"a1\",\"payload\":\"{\\\\\"id\\\\\":\\\\\"e1\\\\\",\\\\\"experiment_id\\\\\":7}\"}}') AS e)",
     "e1\t7\ta1\t\n"},
    {"orders_change",
     "SELECT tupleElement(o, 'id'), tupleElement(o, 'order_date'), tupleElement(o, 'quantity'), tupleElement(o, 'version'), "
     "tupleElement(o, 'error') FROM "
     "(SELECT %s('{\"op\":\"u\",\"after\":{\"id\":5,\"order_date\":1,\"purchaser\":2,\"quantity\":3,\"product_id\":4},"
     "\"source\":{\"lsn\":9,\"ts_ms\":1}}') AS o)",
     "5\t1970-01-02\t3\t9\t\n"},
    {"campaign_event",
     "SELECT tupleElement(c, 'campaign_id'), tupleElement(c, 'event_time'), tupleElement(c, 'error') FROM "
     "(SELECT %s('{\"campaign_id\":\"c1\",\"workspace_id\":\"w\",\"email\":\"a@b\",\"event_type\":\"open\","
     "\"event_time\":\"2024-01-01T00:00:00Z\",\"metadata\":\"{}\"}') AS c)",
     "c1\t2024-01-01 00:00:00.000\t\n"},
    {"outbox_route",
     "SELECT tupleElement(o, 'topic'), tupleElement(o, 'key'), tupleElement(o, 'headers'), tupleElement(o, 'error') FROM "
     "(SELECT %s('{\"op\":\"c\",\"ts_ms\":1,\"after\":{\"id\":\"e1\",\"aggregatetype\":\"Order\",\"aggregateid\":\"7\","
     "\"type\":\"Created\",\"payload\":\"{}\"}}') AS o)",
     "outbox.event.Order\t\"7\"\t{'id':'e1'}\t\n"},
    {"debezium_ddl",
     "SELECT tupleElement(d, 'columns'), tupleElement(d, 'error') FROM (SELECT %s('{\"id\":1}', " TYPED_MESSAGE ") AS d)",
     "`id` Int32\t\n"},
    {"debezium_typed",
     "SELECT tupleElement(t, 'row'), tupleElement(t, 'error') FROM (SELECT %s(" TYPED_MESSAGE ", '`id` Int32') AS t)",
     "{\"id\":1}\t\n"},
    {"payload_get", "SELECT %s('{\"after\":{\"payload\":\"{\\\\\"page\\\\\":\\\\\"home\\\\\"}\"}}', 'after.payload.page')",
     "home\n"},
    {"is_valid_after_assignment",
     "SELECT %s('2024-01-02T00:00:00Z', '2024-01-01 00:00:00'), %s('2023-12-31T00:00:00Z', '2024-01-01 00:00:00')", "1\t0\n"},
    {"is_valid_after_assignment_dt64",
     "SELECT %s(toDateTime64('2024-01-02 00:00:00', 6, 'UTC'), toDateTime64('2024-01-01 00:00:00', 6, 'UTC')), "
     "%s(toDateTime64('2023-12-31 00:00:00', 6, 'UTC'), toDateTime64('2024-01-01 00:00:00', 6, 'UTC'))",
     "1\t0\n"},
};

static void test_every_function_loads_and_decodes(void **state) {
    install_state *st = install_begin(state);
    st->s = chs_open(SCRIPTS_DIR "/", ETC_DIR "/*_function.xml", NULL);
    assert_non_null(st->s);
    size_t n;
    char *names = install_function_names(OUR_XML, &n);
    assert_true(n >= 2 * (sizeof DECODES / sizeof DECODES[0]));
    char sql[8192];
    for (char *name = names, *nl; (nl = strchr(name, '\n')) != NULL; name = nl + 1) {
        *nl = 0;
        itest_assert_query(st->s, "Success\t\n",
                           "SELECT load_status, loading_error_message FROM system.user_defined_functions WHERE name = '%s'",
                           name);
        size_t len = strlen(name);
        if (len > 4 && !strcmp(name + len - 4, "_tsv")) len -= 4;
        size_t i = 0;
        while (i < sizeof DECODES / sizeof DECODES[0] &&
               (strlen(DECODES[i].base) != len || strncmp(DECODES[i].base, name, len) != 0))
            i++;
        if (i == sizeof DECODES / sizeof DECODES[0]) fail_msg("no message to decode for function '%s'", name);
        snprintf(sql, sizeof sql, DECODES[i].sql, name, name);
        itest_assert_query(st->s, DECODES[i].answer, "%s", sql);
    }
    free(names);
    /* The foreign UDF loaded beside ours, and answers. */
    itest_assert_query(st->s, "Success\t\n",
                       "SELECT load_status, loading_error_message FROM system.user_defined_functions WHERE name = 'other_echo'");
    itest_assert_query(st->s, "hello\n", "SELECT other_echo('hello')");
    itest_assert_scalar(st->s, n + 1, "SELECT count() FROM system.user_defined_functions WHERE load_status = 'Success'");
}

typedef struct {
    chs_session *s;
    char *answer, *error;
    volatile int done;
} install_query_job;

/* 2,000 rows through the pool function, in 20 blocks that each sleep 0.5 s
 * before the function sees them: the query is in flight for ~10 s. */
static const char SLOW_SQL[] =
    "SELECT count(), countIf(tupleElement(d, 'error') = '' AND tupleElement(d, 'version') = n) FROM "
    "(SELECT n, debezium_unwrap(m) AS d FROM "
    " (SELECT number AS n, concat('{\"op\":\"c\",\"after\":{\"id\":', toString(number), '},\"source\":{\"lsn\":', "
    "  toString(number), '}}') AS m FROM numbers(2000) WHERE sleepEachRow(0.005) = 0)) "
    "SETTINGS max_block_size = 100, max_threads = 1";

static void *install_query_thread(void *arg) {
    install_query_job *job = arg;
    job->answer = chs_query(job->s, SLOW_SQL, "TabSeparated", NULL, &job->error);
    job->done = 1;
    return NULL;
}

static void test_upgrade_while_serving(void **state) {
    install_state *st = install_begin(state);
    assert_non_null(st->s);
    const char *bin = SCRIPTS_DIR "/debezium_unwrap";
    install_query_job job = {st->s, NULL, NULL, 0};
    pthread_t t;
    assert_int_equal(pthread_create(&t, NULL, install_query_thread, &job), 0);
    /* The pool process of revision 1 serving the query. */
    pid_t old = 0;
    int deleted = 0;
    for (int i = 0; i < 600 && !old && !job.done; i++) {
        old = install_find_child(bin, 0, &deleted);
        if (!old) usleep(10000);
    }
    if (!old) fail_msg("no %s process appeared while the query ran", bin);
    assert_false(deleted);
    assert_int_equal(install_run("dpkg -i '%s'", st->deb[1]), 0);
    /* The upgrade is done while the query still runs: what follows is the old
     * process answering after its file was replaced. */
    if (job.done) fail_msg("the query ended before the upgrade did: the test proved nothing (make SLOW_SQL slower)");
    assert_int_equal(install_run("dpkg-query -W -f='${Version}\\n' clickhouse-cdc-udfs | grep -q -- '-2$'"), 0);
    assert_int_equal(install_find_child(bin, 0, &deleted), old);
    assert_true(deleted);
    pthread_join(t, NULL);
    if (!job.answer) fail_msg("the query served across the upgrade failed: %s", job.error ? job.error : "?");
    assert_string_equal(job.answer, "2000\t2000\n");
    free(job.answer);
    assert_int_equal(install_find_child(bin, 0, &deleted), old);   /* still in the pool, never restarted */
    st->old_pid = old;

    /* After the reload the operator is told to run, the next process is the new binary. */
    itest_exec(st->s, "SYSTEM RELOAD FUNCTIONS");
    itest_assert_query(st->s, "c\t7\t\n",
                       "SELECT tupleElement(d, 'op'), tupleElement(d, 'version'), tupleElement(d, 'error') FROM "
                       "(SELECT debezium_unwrap('{\"op\":\"c\",\"after\":{\"id\":1},\"source\":{\"lsn\":7}}') AS d)");
    pid_t fresh = install_find_child(bin, old, &deleted);
    assert_true(fresh > 0);
    assert_false(deleted);
    struct stat on_disk, running;
    char exe[64];
    snprintf(exe, sizeof exe, "/proc/%d/exe", (int)fresh);
    assert_int_equal(stat(bin, &on_disk), 0);
    assert_int_equal(stat(exe, &running), 0);
    assert_true(on_disk.st_ino == running.st_ino && on_disk.st_dev == running.st_dev);
}

static void test_purge(void **state) {
    install_state *st = install_begin(state);
    char list[4096];
    snprintf(list, sizeof list, "dpkg-query -L clickhouse-cdc-udfs > /tmp/cdc-install-files.%d", (int)getpid());
    assert_int_equal(install_run("%s", list), 0);
    chs_close(st->s);   /* the engine ends its UDF processes */
    st->s = NULL;
    assert_int_equal(install_run("dpkg --purge clickhouse-cdc-udfs"), 0);
    assert_int_not_equal(install_run("dpkg-query -W -f='${Status}\\n' clickhouse-cdc-udfs 2>/dev/null | grep -q installed"), 0);
    /* No file of ours is left (directories holding the foreign UDF stay). */
    snprintf(list, sizeof list, "/tmp/cdc-install-files.%d", (int)getpid());
    char *files = install_slurp(list);
    assert_non_null(files);
    unlink(list);
    size_t ours = 0;
    for (char *p = files, *nl; (nl = strchr(p, '\n')) != NULL; p = nl + 1) {
        *nl = 0;
        struct stat sb;
        if (lstat(p, &sb) == 0 && !S_ISDIR(sb.st_mode)) fail_msg("%s is left after the purge", p);
        ours++;
    }
    free(files);
    assert_true(ours >= 5);
    assert_int_equal(install_run("ls " OUR_XML "* " SCRIPTS_DIR "/debezium_unwrap* 2>/dev/null | grep -q ."), 1);
    /* The foreign UDF: untouched. */
    char *xml = install_slurp(OTHER_XML), *script = install_slurp(OTHER_SCRIPT);
    assert_non_null(xml);
    assert_non_null(script);
    assert_string_equal(xml, OTHER_XML_TEXT);
    assert_string_equal(script, OTHER_SCRIPT_TEXT);
    free(xml);
    free(script);
    struct stat sb;
    assert_int_equal(stat(OTHER_SCRIPT, &sb), 0);
    assert_int_equal(sb.st_mode & 07777, 0755);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_dpkg_install),
        cmocka_unit_test(test_every_function_loads_and_decodes),
        cmocka_unit_test(test_upgrade_while_serving),
        cmocka_unit_test(test_purge),
    };
    return cmocka_run_group_tests(tests, install_setup, install_teardown);
}
