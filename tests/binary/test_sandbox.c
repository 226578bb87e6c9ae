/* test_sandbox.c — the seccomp sandbox (udf/sandbox.c) on the built binaries.
 *
 * Proves three things about every function binary: it answers rows
 * correctly while confined (small rows, a 16 MB row that makes malloc
 * mmap/mremap/munmap, stderr lines, a framing error's exit); the kernel
 * really has it confined (/proc/<pid>/status shows seccomp filter mode while
 * it serves a chunk); and a forbidden system call, made by the hidden
 * --sandbox-selftest hook right after start-up, kills it with SIGSYS —
 * while --no-sandbox lets the same call through; and a kernel that refuses
 * the filter gets its own exit status (69), not a crash or a bug's.
 * Sanitizer builds use the relaxed denylist (sandbox.c explains why), where
 * only the socket test applies: which filter a binary runs under is asked
 * of the binary itself (--version), not assumed from this test's build. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <errno.h>
#include <fcntl.h>
#include <seccomp.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include "udfproc.h"

static const char *const all_functions[] = {"debezium_unwrap", "debezium_flatten", "payload_extract", "payload_get", "is_valid_after_assignment", "debezium_ddl", "debezium_typed"};
#define NFUNCTIONS (sizeof(all_functions) / sizeof(all_functions[0]))

static void run_text(const char *name, const char *const *args, const char *in, udfproc_result *r) {
    assert_int_equal(udfproc_run(name, args, in, strlen(in), r), 0);
}

static void assert_output(const udfproc_result *r, const void *expected, size_t n) {
    if (r->out.n != n || memcmp(r->out.p, expected, n) != 0)
        fail_msg("stdout (%zu bytes) '%.*s' differs from the expected %zu bytes; stderr: %s", r->out.n,
                 (int)(r->out.n < 200 ? r->out.n : 200), r->out.p ? r->out.p : "", n, r->err.p ? r->err.p : "");
}

static void test_rows_answered_under_sandbox(void **state) {
    (void)state;
    udfproc_result r;
    run_text("debezium_unwrap", NULL, "{\"op\":\"c\",\"after\":{\"id\":1},\"source\":{\"lsn\":24023128}}\n", &r);
    const char *unwrap = "('c','{\"id\":1}','','{\"id\":1}',0,24023128,'','','',24023128,0,0,'',0,[],[],[],'')\n";
    assert_int_equal(udfproc_code(&r), 0);
    assert_output(&r, unwrap, strlen(unwrap));
    assert_int_equal(r.err.n, 0);
    udfproc_result_free(&r);

    const char *extract_args[] = {"--path", "after", "--field", "id:UInt32", NULL};
    run_text("payload_extract", extract_args, "{\"after\":{\"id\":\"7\"}}\n{\"after\":{\"id\":-1}}\n", &r);
    assert_int_equal(udfproc_code(&r), 0);
    const char *extract = "(7,'')\n(0,'field \\'id\\': \\'-1\\' is out of range for UInt32')\n";
    assert_output(&r, extract, strlen(extract));
    udfproc_result_free(&r);

    run_text("is_valid_after_assignment", NULL, "2024-01-02\t2024-01-01\n2024-01-01\t2024-01-02T00:00:00Z\n\\N\t\\N\n", &r);
    assert_int_equal(udfproc_code(&r), 0);
    assert_output(&r, "1\n0\n1\n", 6);
    udfproc_result_free(&r);

    const char *rb_args[] = {"--format", "RowBinary", "--chunked", NULL};
    tbuf in = {0};
    tb_puts(&in, "1\n");
    tb_rb_string(&in, "{\"a\":{\"b\":\"x\"}}", 15);
    tb_rb_string(&in, "a.b", 3);
    assert_int_equal(udfproc_run("payload_get", rb_args, in.p, in.n, &r), 0);
    assert_int_equal(udfproc_code(&r), 0);
    assert_output(&r, "\x00\x01x", 3);
    udfproc_result_free(&r);
    tb_free(&in);
}

/* 16 MB in one row: the reader, the arena and the writer all grow with
 * mmap/mremap and give memory back with munmap — all inside the filter. */
static void test_huge_row_under_sandbox(void **state) {
    (void)state;
    size_t big = 16u << 20;
    tbuf in = {0}, expect = {0}, json = {0};
    tb_puts(&json, "{\"a\":\"");
    char *payload = malloc(big);
    assert_non_null(payload);
    for (size_t i = 0; i < big; i++) payload[i] = (char)('a' + i % 26);
    tb_put(&json, payload, big);
    tb_puts(&json, "\"}");
    tb_puts(&in, "2\n");
    tb_rb_string(&in, json.p, json.n);
    tb_rb_string(&in, "a", 1);
    tb_rb_string(&in, "[5]", 3);
    tb_rb_string(&in, "0", 1);
    tb_put(&expect, "\x00", 1);
    tb_rb_string(&expect, payload, big);
    tb_put(&expect, "\x00\x01" "5", 3);
    const char *args[] = {"--format", "RowBinary", "--chunked", NULL};
    udfproc_result r;
    assert_int_equal(udfproc_run("payload_get", args, in.p, in.n, &r), 0);
    assert_int_equal(udfproc_code(&r), 0);
    assert_output(&r, expect.p, expect.n);
    udfproc_result_free(&r);
    tb_free(&in);
    tb_free(&expect);
    tb_free(&json);
    free(payload);
}

static void test_stderr_and_exit_paths_under_sandbox(void **state) {
    (void)state;
    udfproc_result r;
    run_text("payload_get", NULL, "not json\ta\n", &r);
    assert_int_equal(udfproc_code(&r), 0);
    assert_output(&r, "\\N\n", 3);
    assert_int_equal(tb_lines(&r.err), 1);
    assert_non_null(strstr(r.err.p, "payload_get: 1 row(s) in this block were not valid JSON"));
    udfproc_result_free(&r);

    run_text("payload_get", NULL, "only one field\n", &r);
    assert_int_equal(udfproc_code(&r), 65);
    assert_string_equal(r.err.p, "payload_get: row has 1 field(s), expected 2\n");
    udfproc_result_free(&r);
}

static void assert_killed_by_sigsys(const char *fn, const char *test) {
    char opt[64];
    snprintf(opt, sizeof(opt), "--sandbox-selftest=%s", test);
    const char *args[] = {opt, NULL};
    udfproc_result r;
    run_text(fn, args, "", &r);
    if (udfproc_code(&r) != 128 + SIGSYS)
        fail_msg("%s %s: status %d, expected death by SIGSYS; stderr: %s", fn, opt, udfproc_code(&r), r.err.p ? r.err.p : "");
    assert_int_equal(r.out.n, 0);
    udfproc_result_free(&r);
}

/* The sandbox a binary reports in --version: "allowlist", "denylist" or "off". */
static void sandbox_of(const char *fn, const char *extra, char *mode, size_t cap) {
    const char *args[] = {"--version", extra, NULL};
    udfproc_result r;
    run_text(fn, args, "", &r);
    assert_int_equal(udfproc_code(&r), 0);
    const char *at = r.out.p ? strstr(r.out.p, "sandbox ") : NULL;
    if (!at) fail_msg("%s --version does not say which sandbox: %s", fn, r.out.p ? r.out.p : "");
    at += strlen("sandbox ");
    size_t n = strcspn(at, ";)\n");
    snprintf(mode, cap, "%.*s", (int)n, at);
    udfproc_result_free(&r);
}

static void test_version_reports_the_sandbox(void **state) {
    (void)state;
    for (size_t i = 0; i < NFUNCTIONS; i++) {
        char mode[32], off[32];
        sandbox_of(all_functions[i], NULL, mode, sizeof(mode));
        if (strcmp(mode, "allowlist") != 0 && strcmp(mode, "denylist") != 0)
            fail_msg("%s: sandbox '%s'", all_functions[i], mode);
        sandbox_of(all_functions[i], "--no-sandbox", off, sizeof(off));
        assert_string_equal(off, "off");
    }
}

static void test_forbidden_call_kills(void **state) {
    (void)state;
    for (size_t i = 0; i < NFUNCTIONS; i++) {
        char mode[32];
        assert_killed_by_sigsys(all_functions[i], "socket");
        sandbox_of(all_functions[i], NULL, mode, sizeof(mode));
        if (!strcmp(mode, "denylist")) continue;   /* it admits open and exec (sandbox.c) */
        assert_killed_by_sigsys(all_functions[i], "open");
        assert_killed_by_sigsys(all_functions[i], "exec");
    }
}

static void test_no_sandbox_lets_the_call_through(void **state) {
    (void)state;
    const char *args[] = {"--no-sandbox", "--sandbox-selftest=socket", NULL};
    for (size_t i = 0; i < NFUNCTIONS; i++) {
        udfproc_result r;
        run_text(all_functions[i], args, "", &r);
        assert_int_equal(udfproc_code(&r), 70);
        assert_non_null(strstr(r.err.p, "sandbox self-test: forbidden call 'socket' was not stopped"));
        udfproc_result_free(&r);
    }
}

/* "Seccomp:" and "Seccomp_filters:" of a live process. */
static void proc_seccomp(pid_t pid, int *mode, int *filters) {
    char path[64], line[256];
    snprintf(path, sizeof(path), "/proc/%d/status", (int)pid);
    FILE *f = fopen(path, "r");
    assert_non_null(f);
    *mode = *filters = -1;
    while (fgets(line, sizeof(line), f)) {
        sscanf(line, "Seccomp: %d", mode);
        sscanf(line, "Seccomp_filters: %d", filters);
    }
    fclose(f);
}

/* Serves one chunk as a pool process would, then reports its seccomp state. */
static void serve_one_chunk(const char *extra, int *mode, int *filters) {
    const char *args[] = {"--format", "RowBinary", "--chunked", extra, NULL};
    udfproc p;
    udfproc_result r;
    memset(&r, 0, sizeof(r));
    assert_int_equal(udfproc_spawn(&p, "payload_get", args), 0);
    tbuf in = {0};
    tb_puts(&in, "1\n");
    tb_rb_string(&in, "{\"a\":7}", 7);
    tb_rb_string(&in, "a", 1);
    assert_int_equal(udfproc_pump(&p, in.p, in.n, 0, &r), 0);
    while (r.out.n < 3) {  /* the chunk's answer: the process is inside its row loop */
        char chunk[16];
        ssize_t got = read(p.out, chunk, sizeof(chunk));
        assert_true(got > 0);
        tb_put(&r.out, chunk, (size_t)got);
    }
    proc_seccomp(p.pid, mode, filters);
    udfproc_finish(&p, &r);
    assert_int_equal(udfproc_code(&r), 0);
    assert_output(&r, "\x00\x01" "7", 3);
    udfproc_result_free(&r);
    tb_free(&in);
}

static void test_kernel_reports_the_filter(void **state) {
    (void)state;
    int mode, filters;
    serve_one_chunk(NULL, &mode, &filters);
    assert_int_equal(mode, 2);     /* SECCOMP_MODE_FILTER */
    assert_int_equal(filters, 1);
    serve_one_chunk("--no-sandbox", &mode, &filters);
    assert_int_equal(mode, 0);
    assert_int_equal(filters, 0);
}

/* A kernel (or a container) that refuses seccomp: the binary is started
 * under a filter of our own that fails seccomp() and prctl(PR_SET_SECCOMP)
 * with ENOSYS, and must exit 69 with a line naming --no-sandbox. */
static void test_refused_sandbox_has_its_own_status(void **state) {
    (void)state;
    for (size_t i = 0; i < NFUNCTIONS; i++) {
        char path[1024];
        int err[2];
        snprintf(path, sizeof(path), "%s/%s", udfproc_dir(), all_functions[i]);
        assert_int_equal(pipe(err), 0);
        pid_t pid = fork();
        assert_true(pid >= 0);
        if (pid == 0) {
            scmp_filter_ctx ctx = seccomp_init(SCMP_ACT_ALLOW);
            struct scmp_arg_cmp set_seccomp = {0, SCMP_CMP_EQ, PR_SET_SECCOMP, 0};
            if (!ctx || seccomp_rule_add(ctx, SCMP_ACT_ERRNO(ENOSYS), SCMP_SYS(seccomp), 0) < 0 ||
                seccomp_rule_add_array(ctx, SCMP_ACT_ERRNO(ENOSYS), SCMP_SYS(prctl), 1, &set_seccomp) < 0 ||
                seccomp_load(ctx) < 0)
                _exit(120);
            int devnull = open("/dev/null", O_RDONLY);
            dup2(devnull, 0);
            dup2(devnull, 1);
            dup2(err[1], 2);
            execl(path, path, (char *)NULL);
            _exit(121);
        }
        close(err[1]);
        char text[1024];
        ssize_t n, len = 0;
        while (len < (ssize_t)sizeof(text) - 1 && (n = read(err[0], text + len, sizeof(text) - 1 - (size_t)len)) > 0) len += n;
        text[len] = 0;
        close(err[0]);
        int status;
        assert_int_equal(waitpid(pid, &status, 0), pid);
        if (!WIFEXITED(status) || WEXITSTATUS(status) != 69)
            fail_msg("%s: status %d (raw), expected exit 69; stderr: %s", all_functions[i], status, text);
        assert_non_null(strstr(text, "cannot install the seccomp sandbox"));
        assert_non_null(strstr(text, "--no-sandbox"));
    }
}

static void test_help_documents_no_sandbox(void **state) {
    (void)state;
    const char *args[] = {"--help", NULL};
    for (size_t i = 0; i < NFUNCTIONS; i++) {
        udfproc_result r;
        run_text(all_functions[i], args, "", &r);
        assert_int_equal(udfproc_code(&r), 0);
        assert_non_null(strstr(r.out.p, "--no-sandbox"));
        assert_null(strstr(r.out.p, "selftest"));  /* the test hook stays hidden */
        udfproc_result_free(&r);
    }
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_rows_answered_under_sandbox),
        cmocka_unit_test(test_huge_row_under_sandbox),
        cmocka_unit_test(test_stderr_and_exit_paths_under_sandbox),
        cmocka_unit_test(test_version_reports_the_sandbox),
        cmocka_unit_test(test_forbidden_call_kills),
        cmocka_unit_test(test_refused_sandbox_has_its_own_status),
        cmocka_unit_test(test_no_sandbox_lets_the_call_through),
        cmocka_unit_test(test_kernel_reports_the_filter),
        cmocka_unit_test(test_help_documents_no_sandbox),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
