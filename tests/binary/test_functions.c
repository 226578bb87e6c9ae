/* test_functions.c — the built function binaries, run as ClickHouse runs
 * them: a child process with stdin, stdout and stderr on pipes.
 *
 * Covered for every binary: --help (mentions the SQL signature, which must
 * match the XML's arguments and return type), --version, --signature equal
 * to the <return_type> of every <function> in
 * clickhouse-config/cdc_udfs_function.xml (run with that function's own
 * <command> options), exact output bytes in TabSeparated and RowBinary, plain
 * mode (rows until EOF) and --chunked mode (N\n headers, a 0-row chunk), the
 * row-count invariant under junk rows (invalid JSON, empty, binary garbage
 * with NUL bytes, a 1 MB message), framing errors (exit 65, one stderr
 * line, no partial row) and bad command lines (exit 64).
 *
 * The parent feeds stdin and drains stdout and stderr in one poll() loop,
 * so large inputs and outputs cannot deadlock. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "bytes.h"
#include "udfproc.h"

#ifndef FIXTURES_DIR
#define FIXTURES_DIR "tests/fixtures"
#endif
#ifndef CDC_VERSION
#define CDC_VERSION "0.0.0"
#endif
#define FUNCTIONS_XML FIXTURES_DIR "/../../clickhouse-config/cdc_udfs_function.xml"

enum { EXIT_USAGE_WANT = 64, EXIT_FRAMING_WANT = 65 };

/* ----------------------------------------------------------- byte buffers */

static void b_cstr(tbuf *b, const char *s) { tb_rb_string(b, s, strlen(s)); }

/* A TabSeparated field as ClickHouse writes it: \ tab newline NUL escaped. */
static void b_tsv(tbuf *b, const char *s, size_t n) {
    for (size_t i = 0; i < n; i++) {
        switch (s[i]) {
        case '\\': tb_puts(b, "\\\\"); break;
        case '\t': tb_puts(b, "\\t"); break;
        case '\n': tb_puts(b, "\\n"); break;
        case '\0': tb_puts(b, "\\0"); break;
        default: tb_put(b, s + i, 1);
        }
    }
}

/* ------------------------------------------------------------- processes */

typedef struct proc {
    int status;        /* exit code, or 128 + signal */
    tbuf out, err;
} proc;

static void proc_free(proc *p) {
    tb_free(&p->out);
    tb_free(&p->err);
}

/* Runs the binary argv[0] with argv, feeding [in, in+n) to stdin. */
static void run(const char *const *argv, const void *in, size_t n, proc *p) {
    udfproc_result r;
    assert_int_equal(udfproc_run(argv[0], argv + 1, in, n, &r), 0);
    if (r.status == UDFPROC_HUNG) {   /* not a timing check, a guard against a stuck suite */
        print_error("%s did not finish\n", argv[0]);
        fail();
    }
    p->status = udfproc_code(&r);
    p->out = r.out;
    p->err = r.err;
    tb_put(&p->out, "", 0);      /* text even when empty */
    tb_put(&p->err, "", 0);
}

static void run_ok(const char *const *argv, const tbuf *in, proc *p) {
    run(argv, in ? in->p : NULL, in ? in->n : 0, p);
    if (p->status != 0) print_error("%s exited %d: %s\n", argv[0], p->status, p->err.p);
    assert_int_equal(p->status, 0);
}

static void out_is(const proc *p, const void *want, size_t n) {
    if (p->out.n != n || memcmp(p->out.p, want, n) != 0) {
        print_error("stdout (%zu bytes):\n%.*s\nwanted (%zu bytes):\n%.*s\n", p->out.n, (int)(p->out.n > 3000 ? 3000 : p->out.n),
                    p->out.p, n, (int)(n > 3000 ? 3000 : n), (const char *)want);
    }
    assert_int_equal(p->out.n, n);
    assert_memory_equal(p->out.p, want, n);
}

static void out_is_bytes(const proc *p, const tbuf *want) { out_is(p, want->p, want->n); }

/* Exit 65, exactly one stderr line "<fn>: <msg>", stdout exactly `out`. */
static void framing_error(const char *const *argv, const tbuf *in, const tbuf *out, const char *msg) {
    proc p;
    run(argv, in->p, in->n, &p);
    char want[512];
    snprintf(want, sizeof(want), "%s: %s\n", argv[0], msg);
    if (p.status != EXIT_FRAMING_WANT || strcmp(p.err.p, want) != 0)
        print_error("exit %d, stderr: %s\nwanted 65, %s", p.status, p.err.p, want);
    assert_int_equal(p.status, EXIT_FRAMING_WANT);
    assert_string_equal(p.err.p, want);
    out_is(&p, out ? out->p : "", out ? out->n : 0);
    proc_free(&p);
}

/* --------------------------------------------------- the functions' XML */

typedef struct xml_fn {
    char name[96], type[32], format[32], chunk_header[8];
    char ret[1024], command[2048];
    int nargs;
    char arg_type[8][96], arg_name[8][64];
} xml_fn;

static void xml_decode(char *s) {
    static const char *const ent[][2] = {{"&lt;", "<"}, {"&gt;", ">"}, {"&quot;", "\""}, {"&apos;", "'"}, {"&amp;", "&"}};
    char *w = s;
    for (char *r = s; *r;) {
        size_t i;
        for (i = 0; i < 5; i++) {
            size_t l = strlen(ent[i][0]);
            if (!strncmp(r, ent[i][0], l)) {
                *w++ = ent[i][1][0];
                r += l;
                break;
            }
        }
        if (i == 5) *w++ = *r++;
    }
    *w = 0;
}

/* Text of the first <tag>…</tag> in [p, end) into out; 0 if absent. */
static int xml_tag(const char *p, const char *end, const char *tag, char *out, size_t cap) {
    char open[64], close_[64];
    snprintf(open, sizeof(open), "<%s>", tag);
    snprintf(close_, sizeof(close_), "</%s>", tag);
    const char *a = strstr(p, open);
    if (!a || a >= end) return out[0] = 0, 0;
    a += strlen(open);
    const char *b = strstr(a, close_);
    assert_non_null(b);
    assert_true(b < end && (size_t)(b - a) < cap);
    memcpy(out, a, (size_t)(b - a));
    out[b - a] = 0;
    xml_decode(out);
    return 1;
}

static int load_xml(xml_fn *fns, int max) {
    FILE *f = fopen(FUNCTIONS_XML, "r");
    if (!f) print_error("cannot open %s\n", FUNCTIONS_XML);
    assert_non_null(f);
    static char text[1 << 17];
    size_t len = fread(text, 1, sizeof(text) - 1, f);
    fclose(f);
    text[len] = 0;
    int n = 0;
    for (char *p = text; (p = strstr(p, "<function>")); n++) {
        assert_true(n < max);
        char *end = strstr(p, "</function>");
        assert_non_null(end);
        xml_fn *x = &fns[n];
        memset(x, 0, sizeof(*x));
        /* arguments first, then blank them so their <name>/<type> are not the function's */
        for (char *a = p; (a = strstr(a, "<argument>")) && a < end;) {
            char *ae = strstr(a, "</argument>") + strlen("</argument>");
            assert_true(x->nargs < 8);
            assert_true(xml_tag(a, ae, "type", x->arg_type[x->nargs], sizeof(x->arg_type[0])));
            assert_true(xml_tag(a, ae, "name", x->arg_name[x->nargs], sizeof(x->arg_name[0])));
            x->nargs++;
            memset(a, ' ', (size_t)(ae - a));
        }
        assert_true(xml_tag(p, end, "name", x->name, sizeof(x->name)));
        assert_true(xml_tag(p, end, "type", x->type, sizeof(x->type)));
        assert_true(xml_tag(p, end, "format", x->format, sizeof(x->format)));
        assert_true(xml_tag(p, end, "return_type", x->ret, sizeof(x->ret)));
        assert_true(xml_tag(p, end, "command", x->command, sizeof(x->command)));
        xml_tag(p, end, "send_chunk_header", x->chunk_header, sizeof(x->chunk_header));
        p = end;
    }
    return n;
}

/* argv from a <command> (words split on spaces) plus extra words. */
typedef struct cmdline { char buf[2048]; const char *argv[64]; int argc; } cmdline;

static void cmd_split(cmdline *c, const char *command, const char *extra1, const char *extra2) {
    snprintf(c->buf, sizeof(c->buf), "%s", command);
    c->argc = 0;
    char *save;
    for (char *w = strtok_r(c->buf, " \t\n", &save); w; w = strtok_r(NULL, " \t\n", &save)) c->argv[c->argc++] = w;
    if (extra1) c->argv[c->argc++] = extra1;
    if (extra2) c->argv[c->argc++] = extra2;
    c->argv[c->argc] = NULL;
}

static xml_fn xml_fns[32];
static int xml_nfns;

/* The number of <function>s; the XML is read on first use. */
static int xml_count(void) {
    if (!xml_nfns) xml_nfns = load_xml(xml_fns, 32);
    return xml_nfns;
}

/* Runs a <function>'s <command> (plus `flag`) on `in`, as ClickHouse would; exit 0. */
static void xml_run(const xml_fn *x, const char *flag, const tbuf *in, cmdline *c, proc *p) {
    cmd_split(c, x->command, flag, NULL);
    run_ok(c->argv, in, p);
}

static const xml_fn *xml_find(const char *name) {
    for (int i = 0; i < xml_count(); i++)
        if (!strcmp(xml_fns[i].name, name)) return &xml_fns[i];
    print_error("no <function> named %s in the XML\n", name);
    fail();
    return NULL;
}

static int setup(void **state) {
    (void)state;
    signal(SIGPIPE, SIG_IGN);
    return 0;
}

/* ------------------------------------------------ help, version, signature */

static const char *const binaries[] = {"debezium_unwrap", "debezium_flatten", "payload_extract", "payload_get",
                                       "is_valid_after_assignment", "outbox_route", "debezium_ddl", "debezium_typed"};
#define NBIN (sizeof(binaries) / sizeof(binaries[0]))

static void test_xml_is_consistent(void **state) {
    (void)state;
    assert_int_equal(xml_count(), 22);
    int uses[NBIN] = {0};
    for (int i = 0; i < xml_count(); i++) {
        const xml_fn *x = &xml_fns[i];
        cmdline c;
        cmd_split(&c, x->command, NULL, NULL);
        size_t b;
        for (b = 0; b < NBIN && strcmp(c.argv[0], binaries[b]); b++) {}
        if (b == NBIN) print_error("%s runs unknown binary %s\n", x->name, c.argv[0]);
        assert_true(b < NBIN);
        uses[b]++;
        /* the command's --format and --chunked agree with the XML's own settings */
        char want_fmt[64];
        snprintf(want_fmt, sizeof(want_fmt), " --format %s", x->format);
        assert_non_null(strstr(x->command, want_fmt));
        int chunked = strstr(x->command, " --chunked") != NULL;
        assert_int_equal(chunked, !strcmp(x->chunk_header, "1"));
        assert_int_equal(chunked, !strcmp(x->type, "executable_pool"));
    }
    for (size_t b = 0; b < NBIN; b++) assert_true(uses[b] >= 2);   /* a pool and a TSV variant each */
}

/* Every <function>: its command plus --signature prints its <return_type>. */
static void test_signature_matches_xml(void **state) {
    (void)state;
    for (int i = 0; i < xml_count(); i++) {
        const xml_fn *x = &xml_fns[i];
        cmdline c;
        proc p;
        xml_run(x, "--signature", NULL, &c, &p);
        char want[1100];
        snprintf(want, sizeof(want), "%s\n", x->ret);
        if (strcmp(p.out.p, want)) print_error("%s: --signature printed\n%s\nXML says\n%s", x->name, p.out.p, want);
        assert_string_equal(p.out.p, want);
        assert_string_equal(p.err.p, "");
        proc_free(&p);
    }
}

/* Every <function>: --help exits 0 and shows the SQL signature made of the
 * XML's arguments and return type. */
static void test_help_shows_sql_signature(void **state) {
    (void)state;
    for (int i = 0; i < xml_count(); i++) {
        const xml_fn *x = &xml_fns[i];
        cmdline c;
        proc p;
        xml_run(x, "--help", NULL, &c, &p);
        char want[2048];
        int len = snprintf(want, sizeof(want), "SQL signature:\n  %s(", c.argv[0]);
        for (int a = 0; a < x->nargs; a++)
            len += snprintf(want + len, sizeof(want) - (size_t)len, "%s%s %s", a ? ", " : "", x->arg_name[a], x->arg_type[a]);
        snprintf(want + len, sizeof(want) - (size_t)len, ") -> %s\n", x->ret);
        if (!strstr(p.out.p, want)) print_error("%s --help:\n%s\nlacks\n%s", x->name, p.out.p, want);
        assert_non_null(strstr(p.out.p, want));
        assert_non_null(strstr(p.out.p, "--chunked"));
        assert_non_null(strstr(p.out.p, "--format"));
        assert_string_equal(p.err.p, "");
        proc_free(&p);
    }
    /* the function's own options are documented too */
    const char *const pe[] = {"payload_extract", "-h", NULL};
    proc p;
    run_ok(pe, NULL, &p);
    assert_non_null(strstr(p.out.p, "--field NAME:TYPE[=PATH]"));
    assert_non_null(strstr(p.out.p, "--path P"));
    proc_free(&p);
    const char *const va[] = {"is_valid_after_assignment", "--help", NULL};
    run_ok(va, NULL, &p);
    assert_non_null(strstr(p.out.p, "--args String|DateTime64"));
    proc_free(&p);
}

/* 63 fields with long names and types make a return type of about 7 kB:
 * --signature and --help print it whole (it was once cut at 4 kB). */
static void test_long_signature_not_cut(void **state) {
    (void)state;
    static char specs[63][160];
    const char *argv[2 + 2 * 63 + 1];
    size_t cap = 16384, len = 0;
    char *want = malloc(cap);
    assert_non_null(want);
    int n = 0;
    argv[n++] = "payload_extract";
    argv[n++] = "--signature";
    len += (size_t)snprintf(want + len, cap - len, "Tuple(");
    for (int i = 0; i < 63; i++) {
        char name[100];
        snprintf(name, sizeof(name), "field_%02d_%s", i, "with_a_name_long_enough_to_need_many_bytes_in_the_return_type_xxxxxxxxxx");
        snprintf(specs[i], sizeof(specs[i]), "%s:Nullable(DateTime64(6, 'UTC'))=a.b", name);
        argv[n++] = "--field";
        argv[n++] = specs[i];
        len += (size_t)snprintf(want + len, cap - len, "%s Nullable(DateTime64(6, 'UTC')), ", name);
    }
    argv[n] = NULL;
    len += (size_t)snprintf(want + len, cap - len, "error String)\n");
    assert_true(len > 6000 && len < cap);
    proc p;
    run_ok(argv, NULL, &p);
    assert_int_equal(p.out.n, len);
    assert_string_equal(p.out.p, want);
    proc_free(&p);
    argv[1] = "--help";
    run_ok(argv, NULL, &p);
    want[len - 1] = 0;   /* without its newline */
    assert_non_null(strstr(p.out.p, want));
    proc_free(&p);
    free(want);
}

static void test_version(void **state) {
    (void)state;
    for (size_t b = 0; b < NBIN; b++) {
        const char *const argv[] = {binaries[b], "--version", NULL};
        proc p;
        run_ok(argv, NULL, &p);
        char want[256];
        snprintf(want, sizeof(want), "%s %s (clickhouse-cdc-udfs; sandbox ", binaries[b], CDC_VERSION);
        assert_int_equal(strncmp(p.out.p, want, strlen(want)), 0);   /* the sandbox: test_sandbox.c */
        assert_string_equal(p.err.p, "");
        proc_free(&p);
    }
}

static void usage_error(const char *const *argv, const char *msg) {
    proc p;
    run(argv, "x\n", 2, &p);
    if (p.status != EXIT_USAGE_WANT || !strstr(p.err.p, msg)) print_error("%s: exit %d, stderr %s", argv[0], p.status, p.err.p);
    assert_int_equal(p.status, EXIT_USAGE_WANT);
    assert_non_null(strstr(p.err.p, msg));
    assert_int_equal(p.out.n, 0);
    proc_free(&p);
}

static void test_bad_command_line(void **state) {
    (void)state;
    for (size_t b = 0; b < NBIN; b++) {
        const char *const bogus[] = {binaries[b], "--bogus", NULL};
        usage_error(bogus, "unknown option '--bogus'");
        const char *const fmt[] = {binaries[b], "--format", "CSV", NULL};
        usage_error(fmt, "unknown format 'CSV' (TabSeparated, RowBinary or Native)");
        const char *const fmt2[] = {binaries[b], "--format=JSONEachRow", "--chunked", NULL};
        usage_error(fmt2, "unknown format 'JSONEachRow'");
    }
    const char *const a1[] = {"debezium_unwrap", "extra", NULL};
    usage_error(a1, "debezium_unwrap: unknown option 'extra'\n(try --help)\n");
    const char *const a2[] = {"payload_extract", "--field", "novalue", NULL};
    usage_error(a2, "--field 'novalue': expected NAME:TYPE[=PATH]");
    const char *const a3[] = {"payload_extract", "--field", "x:Int128", NULL};
    usage_error(a3, "--field x: type 'Int128': unsupported type");
    const char *const a3b[] = {"payload_extract", "--field", "x:Nullable(Array(String))", NULL};
    usage_error(a3b, "--field x: type 'Nullable(Array(String))': Array and Map cannot be inside Nullable");
    const char *const a3c[] = {"payload_extract", "--field", "x:Map(String,Int64)", NULL};
    usage_error(a3c, "--field x: type 'Map(String,Int64)': only Array(String) and Map(String, String) are supported");
    const char *const a4[] = {"payload_extract", "--path", NULL};
    usage_error(a4, "unknown option '--path'");
    const char *const a5[] = {"is_valid_after_assignment", "--args", "Int64", NULL};
    usage_error(a5, "unknown option '--args'");
    const char *const a6[] = {"payload_get", "--signature", "--chunked", "oops", NULL};
    usage_error(a6, "unknown option 'oops'");
}

/* ------------------------------------------------- expected-row builders */

/* Appends s as ClickHouse's quoted Tuple element: '…' with \ ' tab newline
 * CR NUL backspace form-feed escaped. */
static void b_quoted(tbuf *b, const char *s) {
    tb_puts(b, "'");
    for (; *s; s++) {
        const char *e = NULL;
        switch (*s) {
        case '\\': e = "\\\\"; break;
        case '\'': e = "\\'"; break;
        case '\t': e = "\\t"; break;
        case '\n': e = "\\n"; break;
        case '\r': e = "\\r"; break;
        case '\b': e = "\\b"; break;
        case '\f': e = "\\f"; break;
        }
        if (e) tb_puts(b, e);
        else tb_put(b, s, 1);
    }
    tb_puts(b, "'");
}

/* The elements of an Array(String) given as "a|b|c" ("" is the empty array). */
static int array_next(const char **v, const char **e, size_t *n) {
    if (!**v) return 0;
    const char *bar = strchr(*v, '|');
    *e = *v;
    *n = bar ? (size_t)(bar - *v) : strlen(*v);
    *v = bar ? bar + 1 : *v + *n;
    return 1;
}

/* One TabSeparated Tuple row: spec 's' = quoted string, 'r' = raw token,
 * 'A' = Array(String) from "a|b" (['a','b']). */
static void tsv_tuple(tbuf *b, const char *spec, ...) {
    va_list ap;
    va_start(ap, spec);
    tb_puts(b, "(");
    for (const char *k = spec; *k; k++) {
        if (k != spec) tb_puts(b, ",");
        const char *v = va_arg(ap, const char *);
        if (*k == 's') {
            b_quoted(b, v);
        } else if (*k == 'A') {
            const char *e;
            size_t n;
            tb_puts(b, "[");
            for (int i = 0; array_next(&v, &e, &n); i++) {
                char el[256];
                snprintf(el, sizeof(el), "%.*s", (int)n, e);
                if (i) tb_puts(b, ",");
                b_quoted(b, el);
            }
            tb_puts(b, "]");
        } else {
            tb_puts(b, v);
        }
    }
    tb_puts(b, ")\n");
    va_end(ap);
}

/* One RowBinary row: 's' string, 'z' Nullable(String) not NULL, 'N' NULL,
 * '1' '4' '8' fixed little-endian (uint64_t argument), 'n' Nullable 8-byte not NULL. */
static void rb_row(tbuf *b, const char *spec, ...) {
    va_list ap;
    va_start(ap, spec);
    for (const char *k = spec; *k; k++) {
        switch (*k) {
        case 's': b_cstr(b, va_arg(ap, const char *)); break;
        case 'z': tb_putc(b, 0); b_cstr(b, va_arg(ap, const char *)); break;
        case 'N': tb_putc(b, 1); break;
        case '1': tb_le(b, va_arg(ap, uint64_t), 1); break;
        case '4': tb_le(b, va_arg(ap, uint64_t), 4); break;
        case '8': tb_le(b, va_arg(ap, uint64_t), 8); break;
        case 'n': tb_putc(b, 0); tb_le(b, va_arg(ap, uint64_t), 8); break;
        case 'A': {   /* Array(String) from "a|b": the count, then the strings */
            const char *v = va_arg(ap, const char *), *e, *w = v;
            size_t n, count = 0;
            while (array_next(&w, &e, &n)) count++;
            tb_leb128(b, count);
            while (array_next(&v, &e, &n)) tb_rb_string(b, e, n);
            break;
        }
        default: fail();
        }
    }
    va_end(ap);
}

/* ------------------------------------------------------- output parsers */

typedef struct field { int is_null; char s[256]; size_t n; uint64_t u; } field;

static void field_set(field *f, const char *s, size_t n) {
    f->n = n;
    size_t k = n < sizeof(f->s) - 1 ? n : sizeof(f->s) - 1;
    memcpy(f->s, s, k);
    f->s[k] = 0;
}

/* One RowBinary row of `layout` (S string, z Nullable(String), 1 4 8 fixed,
 * n Nullable 8-byte, A Array(String), its elements joined by '|') at *pos;
 * 1 = parsed, 0 = end of output, -1 = malformed. */
static int rb_parse(const tbuf *out, size_t *pos, const char *layout, field *f) {
    if (*pos == out->n) return 0;
    tcursor c = tc_of(out->p + *pos, out->n - *pos);
    for (int i = 0; layout[i] && c.ok; i++) {
        char k = layout[i];
        memset(&f[i], 0, sizeof(f[i]));
        if ((k == 'z' || k == 'n') && (f[i].is_null = tc_le(&c, 1) != 0)) continue;
        if (k == 'M') {   /* Map(String, String): the entry count, then key, value, … */
            size_t n;
            f[i].u = tc_leb128(&c);
            for (uint64_t e = 0; e < 2 * f[i].u && c.ok; e++) tc_rb_string(&c, &n);
        } else if (k == 'A') {
            char joined[sizeof(f[i].s)];
            size_t jn = 0;
            for (uint64_t e = 0, count = tc_leb128(&c); e < count && c.ok; e++) {
                size_t n;
                const char *s = tc_rb_string(&c, &n);
                jn += (size_t)snprintf(joined + jn, sizeof(joined) - jn, "%s%.*s", e ? "|" : "", (int)n, s ? s : "");
                if (jn >= sizeof(joined)) jn = sizeof(joined) - 1;
            }
            field_set(&f[i], joined, jn);
        } else if (k == 'z' || k == 'S') {
            size_t n;
            const char *s = tc_rb_string(&c, &n);
            if (s) field_set(&f[i], s, n);
        } else {
            f[i].u = tc_le(&c, k == 'n' ? 8 : k - '0');
        }
    }
    if (!c.ok) return -1;
    *pos = (size_t)((const char *)c.p - out->p);
    return 1;
}

/* A TabSeparated Tuple line "(…)" into fields (strings unescaped); returns
 * the field count, or -1. */
static int tsv_parse(const char *line, size_t n, field *f, int max) {
    size_t p = 0;
    int nf = 0;
    if (n < 2 || line[0] != '(' || line[n - 1] != ')') return -1;
    p = 1;
    for (;;) {
        if (nf == max) return -1;
        field *x = &f[nf++];
        memset(x, 0, sizeof(*x));
        char tmp[sizeof(x->s)];
        size_t tn = 0, full = 0;   /* kept bytes, and the element's whole length */
        if (line[p] == '[') {   /* Array(String): its elements joined by '|' */
            for (p++; p < n && line[p] != ']'; p++) {
                if (line[p] == ',') {
                    if (tn < sizeof(tmp) - 1) tmp[tn++] = '|';
                    continue;
                }
                if (line[p] != '\'') return -1;
                for (p++; p < n && line[p] != '\''; p++)
                    if (tn < sizeof(tmp) - 1) tmp[tn++] = line[p] == '\\' && p + 1 < n ? line[++p] : line[p];
            }
            if (p >= n) return -1;
            p++;
            full = tn;
        } else if (line[p] == '\'') {
            for (p++; p < n && line[p] != '\''; p++, full++) {
                char c = line[p];
                if (c == '\\' && p + 1 < n) {
                    c = line[++p];
                    c = c == 't' ? '\t' : c == 'n' ? '\n' : c == 'r' ? '\r' : c == '0' ? '\0' : c == 'b' ? '\b' : c == 'f' ? '\f' : c;
                }
                if (tn < sizeof(tmp) - 1) tmp[tn++] = c;
            }
            if (p >= n) return -1;
            p++;
        } else {
            for (; p < n - 1 && line[p] != ','; p++, full++)
                if (tn < sizeof(tmp) - 1) tmp[tn++] = line[p];
            tmp[tn] = 0;
            if (!strcmp(tmp, "NULL")) x->is_null = 1;
            x->u = strtoull(tmp, NULL, 10);
        }
        field_set(x, tmp, tn);
        x->n = full;
        if (p == n - 1) return nf;
        if (line[p] != ',') return -1;
        p++;
    }
}

/* Splits TabSeparated output into lines; returns how many (all must end in '\n'). */
static int tsv_lines(const tbuf *out, const char **starts, size_t *lens, int max) {
    int n = 0;
    size_t a = 0;
    for (size_t i = 0; i < out->n; i++) {
        if (out->p[i] != '\n') continue;
        assert_true(n < max);
        starts[n] = out->p + a;
        lens[n++] = i - a;
        a = i + 1;
    }
    assert_int_equal(a, out->n);   /* no partial last line */
    return n;
}

/* ---------------------------------------------------------- messages */

#define EV_C_AFTER "{\"id\":1,\"name\":\"a\"}"
#define EV_C                                                                                              \
    "{\"before\":null,\"after\":" EV_C_AFTER ",\"source\":{\"db\":\"cdc\",\"schema\":\"public\",\"table\":\"users\"," \
    "\"snapshot\":\"false\",\"txId\":753,\"lsn\":26574256,\"ts_ms\":1700000000100},\"op\":\"c\",\"ts_ms\":1700000000200}"
#define EV_D "{\"before\":{\"id\":1},\"after\":null,\"source\":{\"lsn\":26574300},\"op\":\"d\"}"
/* backslashes, a quote and a tab inside JSON strings: escaping both ways */
#define EV_U_AFTER "{\"id\":2,\"s\":\"q\\\"t\\\\x\\ty'\",\"it's\":1}"
#define EV_U_BEFORE "{\"id\":2,\"it's\":1}"
#define EV_U "{\"before\":" EV_U_BEFORE ",\"after\":" EV_U_AFTER ",\"source\":{\"lsn\":26574400,\"snapshot\":true},\"op\":\"u\"}"
#define BAD_JSON "{"
#define BAD_JSON_ERROR "invalid JSON: unexpected end of input at byte 1"

static const char *const unwrap_msgs[] = {EV_C, "", EV_D, BAD_JSON, EV_U};
#define N_UNWRAP 5

static void unwrap_tsv_expected(tbuf *b) {
    tb_puts(b, "('c','" EV_C_AFTER "','','" EV_C_AFTER "',0,26574256,'cdc','public','users',26574256,753,1700000000100,'false',"
             "1700000000200,[],[],[],'')\n");
    tb_puts(b, "('','','','',1,0,'','','',0,0,0,'',0,[],[],[],'')\n");
    tb_puts(b, "('d','{\"id\":1}','{\"id\":1}','',1,26574300,'','','',26574300,0,0,'',0,[],[],[],'')\n");
    tb_puts(b, "('','','','',0,0,'','','',0,0,0,'',0,[],[],[],'" BAD_JSON_ERROR "')\n");
    tsv_tuple(b, "ssssrrsssrrrsrAAAs", "u", EV_U_AFTER, EV_U_BEFORE, EV_U_AFTER, "0", "26574400", "", "", "", "26574400",
              "0", "0", "true", "0", "s", "id|it's", "", "");
}

static void unwrap_rb_expected(tbuf *b) {
    /* op row before after is_deleted version db schema table lsn tx_id source_ts_ms snapshot ts_ms
     * changed unchanged unavailable error */
    const char *L = "ssss18sss888s8AAAs";
    rb_row(b, L, "c", EV_C_AFTER, "", EV_C_AFTER, (uint64_t)0, (uint64_t)26574256, "cdc", "public", "users", (uint64_t)26574256,
           (uint64_t)753, (uint64_t)1700000000100, "false", (uint64_t)1700000000200, "", "", "", "");
    rb_row(b, L, "", "", "", "", (uint64_t)1, (uint64_t)0, "", "", "", (uint64_t)0, (uint64_t)0, (uint64_t)0, "", (uint64_t)0,
           "", "", "", "");
    rb_row(b, L, "d", "{\"id\":1}", "{\"id\":1}", "", (uint64_t)1, (uint64_t)26574300, "", "", "", (uint64_t)26574300,
           (uint64_t)0, (uint64_t)0, "", (uint64_t)0, "", "", "", "");
    rb_row(b, L, "", "", "", "", (uint64_t)0, (uint64_t)0, "", "", "", (uint64_t)0, (uint64_t)0, (uint64_t)0, "", (uint64_t)0,
           "", "", "", BAD_JSON_ERROR);
    rb_row(b, L, "u", EV_U_AFTER, EV_U_BEFORE, EV_U_AFTER, (uint64_t)0, (uint64_t)26574400, "", "", "", (uint64_t)26574400,
           (uint64_t)0, (uint64_t)0, "true", (uint64_t)0, "s", "id|it's", "", "");
}

/* Input for a one-argument function: rows in the format, optionally split
 * into chunks of the given sizes (sizes may be 0; they must add up). */
static void one_arg_input(tbuf *b, int rowbinary, const char *const *msgs, int n, const int *chunks, int nchunks) {
    int row = 0;
    for (int c = 0; c < (chunks ? nchunks : 1); c++) {
        int rows = chunks ? chunks[c] : n;
        if (chunks) {
            char h[32];
            snprintf(h, sizeof(h), "%d\n", rows);
            tb_puts(b, h);
        }
        for (int i = 0; i < rows; i++, row++) {
            if (rowbinary) {
                b_cstr(b, msgs[row]);
            } else {
                b_tsv(b, msgs[row], strlen(msgs[row]));
                tb_puts(b, "\n");
            }
        }
    }
    assert_int_equal(row, n);
}

static const int five_in_chunks[] = {2, 0, 3};

static void test_unwrap_exact_output(void **state) {
    (void)state;
    tbuf want_tsv = {0}, want_rb = {0};
    unwrap_tsv_expected(&want_tsv);
    unwrap_rb_expected(&want_rb);
    for (int rowbinary = 0; rowbinary < 2; rowbinary++) {
        for (int chunked = 0; chunked < 2; chunked++) {
            tbuf in = {0};
            one_arg_input(&in, rowbinary, unwrap_msgs, N_UNWRAP, chunked ? five_in_chunks : NULL, 3);
            const char *const argv[] = {"debezium_unwrap", "--format", rowbinary ? "RowBinary" : "TabSeparated",
                                        chunked ? "--chunked" : NULL, NULL};
            proc p;
            run_ok(argv, &in, &p);
            out_is_bytes(&p, rowbinary ? &want_rb : &want_tsv);
            assert_string_equal(p.err.p, "");
            proc_free(&p);
            tb_free(&in);
        }
    }
    tb_free(&want_tsv);
    tb_free(&want_rb);
}

/* ------------------------------------------------------ payload_extract */

#define OUTBOX_PAYLOAD                                                                                          \
    "{\\\"id\\\" : \\\"6f0a4c2e-0001\\\", \\\"experiment_id\\\" : 42, \\\"user_id\\\" : \\\"user-a\\\", "            \
    "\\\"variant_id\\\" : 1, \\\"variant_key\\\" : \\\"control\\\", \\\"event_type\\\" : \\\"exposure\\\", "          \
    "\\\"timestamp\\\" : \\\"2024-04-01T08:00:30.000Z\\\", \\\"assignment_at\\\" : \\\"2024-04-01T08:00:00.000Z\\\", " \
    "\\\"properties\\\" : {\\\"page\\\" : \\\"/home\\\", \\\"value\\\" : 0}, \\\"session_id\\\" : \\\"sess-1\\\"}"
#define OUTBOX                                                                                                    \
    "{\"before\":null,\"after\":{\"id\":\"6f0a4c2e-0001\",\"aggregate_type\":\"assignment\",\"aggregate_id\":\"1\"," \
    "\"event_type\":\"exposure\",\"payload\":\"" OUTBOX_PAYLOAD "\"},\"source\":{\"lsn\":26574256},\"op\":\"r\","     \
    "\"ts_ms\":1795439204391}"
#define OUTBOX_BAD                                                                                              \
    "{\"op\":\"c\",\"after\":{\"payload\":\"{\\\"id\\\":\\\"x\\\",\\\"experiment_id\\\":\\\"abc\\\","            \
    "\\\"timestamp\\\":\\\"bad\\\",\\\"assignment_at\\\":null}\"}}"
#define OUTBOX_BAD_ERROR                                                                        \
    "field 'experiment_id': 'abc' is not an integer (for UInt32); field 'timestamp': 'bad' is not " \
    "a timestamp: bad date, expected YYYY-MM-DD"

static const char *const extract_msgs[] = {OUTBOX, OUTBOX_BAD, "", BAD_JSON, "{\"schema\":{},\"payload\":" OUTBOX "}"};

/* experiment_event's 13 columns */
#define EXTRACT_RB "s4s4ss8nsssss"

static void extract_tsv_expected(tbuf *b) {
    const char *good = "('6f0a4c2e-0001',42,'user-a',1,'control','exposure',1711958430000000,1711958400000000,"
                       "'{\"page\" : \"/home\", \"value\" : 0}','sess-1','r','1','')\n";
    tb_puts(b, good);
    tsv_tuple(b, "srsrssrrsssss", "x", "0", "", "0", "", "", "0", "NULL", "", "", "c", "", OUTBOX_BAD_ERROR);
    tb_puts(b, "('',0,'',0,'','',0,NULL,'','','','','')\n");
    tb_puts(b, "('',0,'',0,'','',0,NULL,'','','','','" BAD_JSON_ERROR "')\n");
    tb_puts(b, good);   /* the same event inside the schema envelope */
}

static void extract_rb_one_good(tbuf *b) {
    rb_row(b, EXTRACT_RB, "6f0a4c2e-0001", (uint64_t)42, "user-a", (uint64_t)1, "control", "exposure",
           (uint64_t)1711958430000000, (uint64_t)1711958400000000, "{\"page\" : \"/home\", \"value\" : 0}", "sess-1", "r",
           "1", "");
}

static void extract_rb_expected(tbuf *b) {
    extract_rb_one_good(b);
    rb_row(b, "s4s4ss8Nsssss", "x", (uint64_t)0, "", (uint64_t)0, "", "", (uint64_t)0, "", "", "c", "", OUTBOX_BAD_ERROR);
    rb_row(b, "s4s4ss8Nsssss", "", (uint64_t)0, "", (uint64_t)0, "", "", (uint64_t)0, "", "", "", "", "");
    rb_row(b, "s4s4ss8Nsssss", "", (uint64_t)0, "", (uint64_t)0, "", "", (uint64_t)0, "", "", "", "", BAD_JSON_ERROR);
    extract_rb_one_good(b);
}

/* payload_extract exactly as the XML's experiment_event functions run it. */
static void test_extract_exact_output(void **state) {
    (void)state;
    tbuf want_tsv = {0}, want_rb = {0};
    extract_tsv_expected(&want_tsv);
    extract_rb_expected(&want_rb);
    static const char *const names[] = {"experiment_event", "experiment_event_tsv"};
    for (int i = 0; i < 2; i++) {
        const xml_fn *x = xml_find(names[i]);
        int rowbinary = !strcmp(x->format, "RowBinary");
        int chunked = strstr(x->command, "--chunked") != NULL;
        assert_int_equal(rowbinary, i == 0);
        tbuf in = {0};
        one_arg_input(&in, rowbinary, extract_msgs, 5, chunked ? five_in_chunks : NULL, 3);
        cmdline c;
        proc p;
        xml_run(x, NULL, &in, &c, &p);
        out_is_bytes(&p, rowbinary ? &want_rb : &want_tsv);
        assert_string_equal(p.err.p, "");
        proc_free(&p);
        tb_free(&in);
    }
    tb_free(&want_tsv);
    tb_free(&want_rb);
}

/* ---------------------------------------------------------- payload_get */

static const char *const get_rows[][2] = {
    {"{\"a\":{\"b\":\"x\\ty\"}}", "a.b"},                 /* a string comes back decoded */
    {"{\"a\":{\"b\":5}}", "a.b"},
    {"{\"a\":{\"b\":{\"c\":[1, 2]}}}", "a.b"},            /* anything else as its JSON text */
    {"{\"a\":1}", "a.z"},                                 /* missing: NULL */
    {"{\"a\":null}", "a"},                                /* null: NULL */
    {"{\"payload\":\"{\\\"id\\\":7}\"}", "payload.id"},   /* JSON held in a string */
    {"{\"arr\":[10,20,30]}", "arr.1"},
    {"{\"a\":\"\"}", "a"},                                /* empty string is not NULL */
};
#define N_GET 8

static void get_input(tbuf *b, int rowbinary, int chunked) {
    if (chunked) tb_puts(b, "3\n");
    for (int i = 0; i < N_GET; i++) {
        if (chunked && i == 3) tb_puts(b, "0\n5\n");
        for (int k = 0; k < 2; k++) {
            if (rowbinary) {
                b_cstr(b, get_rows[i][k]);
            } else {
                b_tsv(b, get_rows[i][k], strlen(get_rows[i][k]));
                tb_puts(b, k ? "\n" : "\t");
            }
        }
    }
}

static void test_payload_get_exact_output(void **state) {
    (void)state;
    const char *want_tsv = "x\\ty\n5\n{\"c\":[1, 2]}\n\\N\n\\N\n7\n20\n\n";
    tbuf want_rb = {0};
    rb_row(&want_rb, "zzzNNzzz", "x\ty", "5", "{\"c\":[1, 2]}", "7", "20", "");
    for (int rowbinary = 0; rowbinary < 2; rowbinary++) {
        for (int chunked = 0; chunked < 2; chunked++) {
            tbuf in = {0};
            get_input(&in, rowbinary, chunked);
            const char *const argv[] = {"payload_get", "--format", rowbinary ? "RowBinary" : "TSV",
                                        chunked ? "--chunked" : NULL, NULL};
            proc p;
            run_ok(argv, &in, &p);
            if (rowbinary) out_is_bytes(&p, &want_rb);
            else out_is(&p, want_tsv, strlen(want_tsv));
            assert_string_equal(p.err.p, "");
            proc_free(&p);
            tb_free(&in);
        }
    }
    tb_free(&want_rb);
}

/* Broken JSON anywhere in the message is NULL, as JSONExtract answers,
 * even where the value asked for comes before the damage. */
static void test_payload_get_whole_message_valid(void **state) {
    (void)state;
    const char *in = "{\"a\":1,!!!\ta\n"                 /* damaged after the member */
                     "{\"a\":1,\"b\":[1,2}\ta\n"         /* a bracket that does not match */
                     "{\"a\":{\"x\":2}} trailing\ta.x\n"   /* text after the document */
                     "{\"a\":\"s\",\"a\":1}\ta\n"         /* valid: the first of two wins */
                     "{\"a\":1,\"b\":{}}\ta\n";           /* valid */
    const char *want = "\\N\n\\N\n\\N\ns\n1\n";
    const char *const argv[] = {"payload_get", NULL};
    tbuf b = {0};
    tb_puts(&b, in);
    proc p;
    run_ok(argv, &b, &p);
    out_is(&p, want, strlen(want));
    assert_non_null(strstr(p.err.p, "3 row(s) in this block were not valid JSON"));
    proc_free(&p);
    tb_free(&b);
}

/* ------------------------------------------------ is_valid_after_assignment */

/* event_ts, assignment_at (NULL = \N), expected answer */
static const struct { const char *ev, *as; char want; } va_rows[] = {
    {"2024-04-01T08:00:30Z", "2024-04-01T08:00:00Z", '1'},
    {"2024-04-01T07:59:59.999999Z", "2024-04-01T08:00:00Z", '0'},
    {"2024-04-01T08:00:00Z", "2024-04-01 08:00:00", '1'},             /* equal counts */
    {"2024-04-01T08:00:00Z", NULL, '1'},                              /* no assignment */
    {"whatever", "", '1'},                                            /* empty assignment */
    {"2024-04-01 10:00:00+02:00", "2024-04-01T08:00:00.000001Z", '0'}, /* compared in UTC, to the microsecond */
    {"1711958400000", "2024-04-01T08:00:00Z", '1'},                   /* epoch milliseconds */
    {NULL, "2024-04-01T08:00:00Z", '0'},
    {"garbage", "2024-04-01T08:00:00Z", '0'},                         /* reported once on stderr */
    {"2024-04-01T08:00:00Z", "not a time", '0'},                      /* counted in the same line */
};
#define N_VA 10

static void va_put(tbuf *b, int rowbinary, const char *v, int last) {
    if (rowbinary) {
        if (!v) tb_putc(b, 1);
        else tb_putc(b, 0), b_cstr(b, v);
        return;
    }
    if (!v) tb_puts(b, "\\N");
    else b_tsv(b, v, strlen(v));
    tb_puts(b, last ? "\n" : "\t");
}

static void test_is_valid_exact_output(void **state) {
    (void)state;
    char want_tsv[2 * N_VA + 1];
    tbuf want_rb = {0};
    for (int i = 0; i < N_VA; i++) {
        want_tsv[2 * i] = va_rows[i].want;
        want_tsv[2 * i + 1] = '\n';
        tb_putc(&want_rb, (unsigned)(va_rows[i].want - '0'));
    }
    want_tsv[2 * N_VA] = 0;
    const char *warn = "is_valid_after_assignment: 2 unparseable timestamp(s) in this block, answered 0 "
                       "(first: event_ts 'garbage' (bad date, expected YYYY-MM-DD))\n";
    for (int rowbinary = 0; rowbinary < 2; rowbinary++) {
        for (int chunked = 0; chunked < 2; chunked++) {
            tbuf in = {0};
            if (chunked) tb_puts(&in, "10\n");
            for (int i = 0; i < N_VA; i++) {
                va_put(&in, rowbinary, va_rows[i].ev, 0);
                va_put(&in, rowbinary, va_rows[i].as, 1);
            }
            const char *const argv[] = {"is_valid_after_assignment", "--format", rowbinary ? "RowBinary" : "TabSeparated",
                                        chunked ? "--chunked" : NULL, NULL};
            proc p;
            run_ok(argv, &in, &p);
            if (rowbinary) out_is_bytes(&p, &want_rb);
            else out_is(&p, want_tsv, strlen(want_tsv));
            assert_string_equal(p.err.p, warn);
            proc_free(&p);
            tb_free(&in);
        }
    }
    tb_free(&want_rb);
}

/* --args DateTime64: Nullable(DateTime64(6, 'UTC')) arguments, as text
 * calendar times in TabSeparated and as Int64 microseconds in RowBinary. */
static void test_is_valid_datetime64_args(void **state) {
    (void)state;
    static const char tsv[] = "2024-04-01 08:00:30.000000\t2024-04-01 08:00:00.000000\n"
                              "2024-04-01 07:59:59.999999\t2024-04-01 08:00:00.000000\n"
                              "\\N\t\\N\n"
                              "\\N\t2024-04-01 08:00:00\n"
                              "2024-04-01 08:00:00\t2024-04-01 08:00:00\n";
    const char *const targv[] = {"is_valid_after_assignment", "--args", "DateTime64", NULL};
    proc p;
    run(targv, tsv, sizeof(tsv) - 1, &p);
    assert_int_equal(p.status, 0);
    out_is(&p, "1\n0\n1\n0\n1\n", 10);
    proc_free(&p);

    tbuf in = {0};
    tb_puts(&in, "2\n");
    rb_row(&in, "nn", (uint64_t)1711958430000000, (uint64_t)1711958400000000);
    rb_row(&in, "nn", (uint64_t)1711958399999999, (uint64_t)1711958400000000);
    tb_puts(&in, "3\n");
    rb_row(&in, "NN");
    rb_row(&in, "Nn", (uint64_t)1711958400000000);
    rb_row(&in, "nN", (uint64_t)-5);
    const char *const rargv[] = {"is_valid_after_assignment", "--format", "RowBinary", "--chunked", "--args", "DateTime64", NULL};
    run_ok(rargv, &in, &p);
    out_is(&p, "\x01\x00\x01\x00\x01", 5);
    assert_string_equal(p.err.p, "");
    proc_free(&p);
    tb_free(&in);
}

/* ------------------------------------------- the row-count invariant */

#define BIG (1024 * 1024)

typedef struct junk { const char *s; size_t n; } junk;

static tbuf big_junk, big_valid;

/* Valid events mixed with every kind of junk; [5] is a valid 1 MB event. */
static int junk_rows(junk *j) {
    static const char garbage[] = "\x00\x01\xff\xfe{\"\x00]";
    if (!big_junk.n) {
        tb_puts(&big_junk, "{\"a\":\"");
        for (int i = 0; i < BIG; i++) tb_puts(&big_junk, "x");
        tb_puts(&big_valid, "{\"op\":\"c\",\"after\":{\"payload\":\"{\\\"id\\\":\\\"big\\\",\\\"properties\\\":\\\"");
        for (int i = 0; i < BIG; i++) tb_puts(&big_valid, "y");
        tb_puts(&big_valid, "\\\"}\"}}");
    }
    int n = 0;
    j[n++] = (junk){EV_C, strlen(EV_C)};
    j[n++] = (junk){"{\"op\":", 6};
    j[n++] = (junk){"", 0};
    j[n++] = (junk){garbage, sizeof(garbage) - 1};
    j[n++] = (junk){big_junk.p, big_junk.n};
    j[n++] = (junk){big_valid.p, big_valid.n};
    j[n++] = (junk){EV_C, strlen(EV_C)};
    j[n++] = (junk){"null x", 6};
    j[n++] = (junk){"[]", 2};
    j[n++] = (junk){"\xc3\x28 not UTF-8 \t\\ and a tab", 25};
    return n;
}
#define N_JUNK 10
static const int junk_chunks[] = {4, 0, 5, 1};
/* rows whose error field must be set; payload_extract also flags EV_C, which
 * has no after.payload to read its fields from */
static const int junk_is_bad[N_JUNK] = {0, 1, 0, 1, 1, 0, 0, 1, 1, 1};
static const int junk_is_bad_extract[N_JUNK] = {1, 1, 0, 1, 1, 0, 1, 1, 1, 1};
/* debezium_flatten passes valid JSON that is not a change event on ("[]"), as the SMT does */
static const int junk_is_bad_flatten[N_JUNK] = {0, 1, 0, 1, 1, 0, 0, 1, 0, 1};

static void junk_field(tbuf *b, int rowbinary, const junk *j) {
    if (rowbinary) tb_rb_string(b, j->s, j->n);
    else b_tsv(b, j->s, j->n);
}

/* The junk messages as rows of fn's arguments (payload_get gets "op" as
 * path; is_valid_after_assignment the message twice, each argument with its
 * Nullable(String) flag in RowBinary). */
static void junk_input_for(tbuf *b, int rowbinary, int chunked, const char *fn) {
    junk j[N_JUNK];
    assert_int_equal(junk_rows(j), N_JUNK);
    int nullable = !strcmp(fn, "is_valid_after_assignment");
    int row = 0;
    for (int c = 0; c < (chunked ? 4 : 1); c++) {
        int rows = chunked ? junk_chunks[c] : N_JUNK;
        if (chunked) {
            char h[16];
            snprintf(h, sizeof(h), "%d\n", rows);
            tb_puts(b, h);
        }
        for (int i = 0; i < rows; i++, row++) {
            if (rowbinary && nullable) tb_putc(b, 0);
            if (!strcmp(fn, "debezium_ddl")) {   /* the key, then the message */
                if (rowbinary) b_cstr(b, "{\"id\":1}");
                else tb_puts(b, "{\"id\":1}\t");
            }
            junk_field(b, rowbinary, &j[row]);
            if (!strcmp(fn, "payload_get")) {
                if (rowbinary) b_cstr(b, "op");
                else tb_puts(b, "\top");
            } else if (!strcmp(fn, "debezium_typed")) {
                if (rowbinary) b_cstr(b, "`id` Int64");
                else tb_puts(b, "\t`id` Int64");
            } else if (nullable) {
                if (rowbinary) tb_putc(b, 0), junk_field(b, 1, &j[row]);
                else tb_puts(b, "\t"), junk_field(b, 0, &j[row]);
            }
            if (!rowbinary) tb_puts(b, "\n");
        }
    }
    assert_int_equal(row, N_JUNK);
}

/* One output row's error text, per function and format; is_null etc. in f. */
static void check_junk_output(const char *fn, int rowbinary, const proc *p) {
    field f[24];
    int rows = 0;
    int ddl = !strcmp(fn, "debezium_ddl"), typed = !strcmp(fn, "debezium_typed");
    if (!strcmp(fn, "debezium_unwrap") || !strcmp(fn, "payload_extract") || ddl || typed) {
        int unwrap = !strcmp(fn, "debezium_unwrap");
        /* debezium_ddl: every junk row is an error (none has a schema);
         * debezium_typed: all but the tombstone. */
        static const int all_bad[N_JUNK] = {1, 1, 1, 1, 1, 1, 1, 1, 1, 1};
        static const int typed_bad[N_JUNK] = {1, 1, 0, 1, 1, 1, 1, 1, 1, 1};
        int nf = unwrap ? 18 : ddl ? 4 : typed ? 14 : 3;
        const char *layout = unwrap ? "SSSS18SSS888S8AAAS" : ddl ? "SSSS" : typed ? "SSS81SS8AAAAAS" : "SSS";
        const int *bad_rows = unwrap ? junk_is_bad : ddl ? all_bad : typed ? typed_bad : junk_is_bad_extract;
        size_t pos = 0;
        const char *ls[32];
        size_t ll[32];
        int nlines = rowbinary ? 0 : tsv_lines(&p->out, ls, ll, 32);
        for (;; rows++) {
            if (rowbinary) {
                int rc = rb_parse(&p->out, &pos, layout, f);
                assert_int_not_equal(rc, -1);
                if (rc == 0) break;
            } else {
                if (rows == nlines) break;
                assert_int_equal(tsv_parse(ls[rows], ll[rows], f, 24), nf);
            }
            assert_true(rows < N_JUNK);
            const field *err = &f[nf - 1];
            int bad = bad_rows[rows];
            if (bad != (err->n > 0)) print_error("%s row %d: error '%s'\n", fn, rows, err->s);
            assert_int_equal(bad, err->n > 0);
            if (unwrap && rows == 2) assert_true(f[4].u == 1);              /* the empty message is a tombstone */
            if (typed && rows == 2) assert_true(f[4].u == 1);               /* the tombstone deletes */
            if (ddl || typed) continue;
            if (unwrap && rows == 5) assert_int_equal(f[3].n, BIG + 50);    /* the 1 MB after image, whole */
            if (!unwrap && rows == 5) assert_int_equal(f[1].n, BIG);        /* properties: the 1 MB string */
            if (!unwrap && rows == 5) assert_string_equal(f[0].s, "big");
        }
    } else if (!strcmp(fn, "debezium_flatten")) {
        size_t pos = 0;
        const char *ls[32];
        size_t ll[32];
        int nlines = rowbinary ? 0 : tsv_lines(&p->out, ls, ll, 32);
        for (;; rows++) {
            if (rowbinary) {
                int rc = rb_parse(&p->out, &pos, "SMS11S", f);
                assert_int_not_equal(rc, -1);
                if (rc == 0) break;
            } else {
                if (rows == nlines) break;
                assert_int_equal(tsv_parse(ls[rows], ll[rows], f, 16), 6);
            }
            assert_true(rows < N_JUNK);
            if (junk_is_bad_flatten[rows] != (f[5].n > 0)) print_error("%s row %d: error '%s'\n", fn, rows, f[5].s);
            assert_int_equal(junk_is_bad_flatten[rows], f[5].n > 0);
            assert_true(f[4].u == (rows == 2));                            /* the tombstone is dropped */
            if (rows == 0 || rows == 6) assert_string_equal(f[0].s, EV_C_AFTER);
            if (rows == 5) assert_int_equal(f[0].n, BIG + 50);             /* the 1 MB after image, whole */
            if (rows == 8) assert_string_equal(f[0].s, "[]");              /* not an envelope: passed on */
        }
    } else if (!strcmp(fn, "payload_get")) {
        static const int is_c[N_JUNK] = {1, 0, 0, 0, 0, 1, 1, 0, 0, 0};
        size_t pos = 0;
        const char *ls[32];
        size_t ll[32];
        int nlines = rowbinary ? 0 : tsv_lines(&p->out, ls, ll, 32);
        for (;; rows++) {
            if (rowbinary) {
                int rc = rb_parse(&p->out, &pos, "z", f);
                assert_int_not_equal(rc, -1);
                if (rc == 0) break;
            } else {
                if (rows == nlines) break;
                f[0].is_null = ll[rows] == 2 && !memcmp(ls[rows], "\\N", 2);
                field_set(&f[0], ls[rows], ll[rows]);
            }
            assert_true(rows < N_JUNK);
            if (is_c[rows]) assert_string_equal(f[0].s, "c");
            else assert_true(f[0].is_null);
        }
        assert_non_null(strstr(p->err.p, "row(s) in this block were not valid JSON"));
    } else if (!strcmp(fn, "outbox_route")) {
        /* No junk row is an outbox event: the empty message is a tombstone
         * (skip), every other row an error; the headers map stays empty. */
        const char *ls[32];
        size_t ll[32];
        int nlines = rowbinary ? 0 : tsv_lines(&p->out, ls, ll, 32);
        tcursor c = tc_of(p->out.p, p->out.n);
        for (;; rows++) {
            size_t err_n, n;
            int skip;
            if (rowbinary) {
                if (c.p == c.end) break;
                for (int i = 0; i < 4; i++) tc_rb_string(&c, &n);
                tc_le(&c, 8);
                tc_rb_string(&c, &n);
                assert_int_equal(tc_leb128(&c), 0);
                if (!tc_le(&c, 1)) tc_le(&c, 4);
                tc_le(&c, 1);
                skip = (int)tc_le(&c, 1);
                tc_rb_string(&c, &err_n);
                assert_true(c.ok);
            } else {
                if (rows == nlines) break;
                int nf = tsv_parse(ls[rows], ll[rows], f, 16);
                assert_true(nf >= 10);
                skip = f[nf - 2].s[0] == '1';
                err_n = f[nf - 1].n;
            }
            assert_true(rows < N_JUNK);
            assert_int_equal(skip, rows == 2);
            assert_int_equal(err_n > 0, rows != 2);
        }
    } else {
        const char *want = rowbinary ? "\0\0\1\0\0\0\0\0\0\0" : "0\n0\n1\n0\n0\n0\n0\n0\n0\n0\n";
        rows = N_JUNK;
        out_is(p, want, rowbinary ? N_JUNK : 2 * N_JUNK);
        assert_non_null(strstr(p->err.p, "unparseable timestamp(s) in this block, answered 0"));
    }
    assert_int_equal(rows, N_JUNK);
}

/* Exactly one output row per input row, whatever the row holds, in both
 * formats and both modes; exit 0. */
static void test_junk_rows_keep_row_count(void **state) {
    (void)state;
    for (size_t b = 0; b < NBIN; b++) {
        for (int rowbinary = 0; rowbinary < 2; rowbinary++) {
            for (int chunked = 0; chunked < 2; chunked++) {
                tbuf in = {0};
                junk_input_for(&in, rowbinary, chunked, binaries[b]);
                cmdline c;
                if (!strcmp(binaries[b], "payload_extract"))
                    cmd_split(&c, "payload_extract --path after.payload --field id:String --field properties:String",
                              NULL, NULL);
                else
                    cmd_split(&c, binaries[b], NULL, NULL);
                c.argv[c.argc++] = "--format";
                c.argv[c.argc++] = rowbinary ? "RowBinary" : "TabSeparated";
                if (chunked) c.argv[c.argc++] = "--chunked";
                c.argv[c.argc] = NULL;
                proc p;
                run_ok(c.argv, &in, &p);
                check_junk_output(binaries[b], rowbinary, &p);
                proc_free(&p);
                tb_free(&in);
            }
        }
    }
    tb_free(&big_junk);
    tb_free(&big_valid);
}

/* A raw NUL byte and a lone trailing backslash in a TabSeparated field (not
 * what ClickHouse sends, but a row all the same). */
static void test_tsv_raw_bytes_keep_row_count(void **state) {
    (void)state;
    static const char in[] = "a\0b\n\\\n\xff\xfe\n";
    const char *const argv[] = {"debezium_unwrap", NULL};
    proc p;
    run(argv, in, sizeof(in) - 1, &p);
    assert_int_equal(p.status, 0);
    const char *ls[8];
    size_t ll[8];
    assert_int_equal(tsv_lines(&p.out, ls, ll, 8), 3);
    for (int i = 0; i < 3; i++) {
        field f[24];
        assert_int_equal(tsv_parse(ls[i], ll[i], f, 24), 18);
        assert_int_equal(strncmp(f[17].s, "invalid JSON: ", 14), 0);
    }
    proc_free(&p);
}

/* ------------------------------------------------------- framing errors */

static void test_truncated_rowbinary(void **state) {
    (void)state;
    const char *const unwrap[] = {"debezium_unwrap", "--format", "RowBinary", NULL};
    const char *const unwrap_chunked[] = {"debezium_unwrap", "--format", "RowBinary", "--chunked", NULL};
    tbuf in = {0}, out = {0};
    b_cstr(&in, EV_C);
    unwrap_rb_expected(&out);
    out.n = 0;   /* keep only the first expected row: rebuild it alone */
    rb_row(&out, "ssss18sss888s8AAAs", "c", EV_C_AFTER, "", EV_C_AFTER, (uint64_t)0, (uint64_t)26574256, "cdc", "public",
           "users", (uint64_t)26574256, (uint64_t)753, (uint64_t)1700000000100, "false", (uint64_t)1700000000200, "", "",
           "", "");
    size_t whole = in.n;
    tb_puts(&in, "\x05" "ab");            /* a string announcing 5 bytes, 2 follow */
    framing_error(unwrap, &in, &out, "truncated RowBinary row: input ended inside argument 1");
    in.n = whole;
    tb_puts(&in, "\x80");                 /* the length itself cut short */
    framing_error(unwrap, &in, &out, "truncated RowBinary row: input ended inside argument 1");

    tbuf cin = {0};                    /* the same inside a chunk */
    tb_puts(&cin, "2\n");
    b_cstr(&cin, EV_C);
    tb_puts(&cin, "\x09" "{}");
    framing_error(unwrap_chunked, &cin, &out, "truncated RowBinary row: input ended inside argument 1");
    tb_free(&cin);
    tb_free(&in);
    tb_free(&out);

    const char *const get[] = {"payload_get", "--format", "RowBinary", NULL};
    b_cstr(&in, "{\"a\":1}");
    b_cstr(&in, "a");
    b_cstr(&in, "{\"a\":2}");           /* the second argument never comes */
    rb_row(&out, "z", "1");
    framing_error(get, &in, &out, "truncated RowBinary row: input ended inside argument 2");
    tb_free(&in);
    tb_free(&out);

    const char *const va[] = {"is_valid_after_assignment", "--format", "RowBinary", NULL};
    tb_putc(&in, 1);
    tb_putc(&in, 1);
    tb_putc(&in, 0);                       /* "not NULL", then nothing */
    rb_row(&out, "1", (uint64_t)1);
    framing_error(va, &in, &out, "truncated RowBinary row: input ended inside argument 1");
    tb_free(&in);
    tb_free(&out);
}

static void test_short_chunk(void **state) {
    (void)state;
    const char *const tsv[] = {"debezium_unwrap", "--chunked", NULL};
    const char *const rb[] = {"debezium_unwrap", "--chunked", "--format", "RowBinary", NULL};
    tbuf in = {0}, out = {0};
    tb_puts(&in, "3\n" EV_C "\n\n");
    tb_puts(&out, "('c','" EV_C_AFTER "','','" EV_C_AFTER "',0,26574256,'cdc','public','users',26574256,753,1700000000100,"
                "'false',1700000000200,[],[],[],'')\n('','','','',1,0,'','','',0,0,0,'',0,[],[],[],'')\n");
    framing_error(tsv, &in, &out, "chunk header announced 3 rows but input ended after 2");
    tb_free(&in);
    tb_free(&out);

    tb_puts(&in, "1\n");
    b_cstr(&in, "");
    tb_puts(&in, "99999\n");
    rb_row(&out, "ssss18sss888s8AAAs", "", "", "", "", (uint64_t)1, (uint64_t)0, "", "", "", (uint64_t)0, (uint64_t)0,
           (uint64_t)0, "", (uint64_t)0, "", "", "", "");
    framing_error(rb, &in, &out, "chunk header announced 99999 rows but input ended after 0");
    tb_free(&in);
    tb_free(&out);
}

static void test_bad_chunk_header(void **state) {
    (void)state;
    const char *const tsv[] = {"debezium_unwrap", "--chunked", NULL};
    const char *const get[] = {"payload_get", "--chunked", "--format", "RowBinary", NULL};
    const char *bad = "bad chunk header: expected a row count and a newline";
    tbuf in = {0}, out = {0};
    tb_puts(&in, "abc\n" EV_C "\n");
    framing_error(tsv, &in, NULL, bad);
    tb_free(&in);
    tb_puts(&in, "1\n\n-1\n\n");          /* one good chunk first: its row is answered */
    tb_puts(&out, "('','','','',1,0,'','','',0,0,0,'',0,[],[],[],'')\n");
    framing_error(tsv, &in, &out, bad);
    tb_free(&in);
    tb_puts(&in, "1\n\n12");
    framing_error(tsv, &in, &out, "input ended inside a chunk header");
    tb_free(&in);
    tb_free(&out);

    tb_puts(&in, "1\n");
    b_cstr(&in, "{\"op\":\"r\"}");
    b_cstr(&in, "op");
    tb_puts(&in, "\x03" "a\nb");          /* RowBinary where a header should be */
    rb_row(&out, "z", "r");
    framing_error(get, &in, &out, bad);
    tb_free(&in);
    tb_free(&out);
}

static void test_tsv_framing(void **state) {
    (void)state;
    const char *const get[] = {"payload_get", NULL};
    tbuf in = {0}, out = {0};
    tb_puts(&in, "{\"a\":\"x\"}\ta\nonly one field\n{\"a\":1}\ta\n");
    tb_puts(&out, "x\n");
    framing_error(get, &in, &out, "row has 1 field(s), expected 2");
    tb_free(&in);
    tb_puts(&in, "{}\ta\tb\n");
    framing_error(get, &in, NULL, "row has more than 2 field(s)");
    tb_free(&in);
    tb_free(&out);

    const char *const va[] = {"is_valid_after_assignment", "--args", "DateTime64", NULL};
    tb_puts(&in, "2024-04-01 08:00:00\t\\N\nyesterday\t\\N\n");
    tb_puts(&out, "1\n");
    framing_error(va, &in, &out, "bad DateTime64 argument 'yesterday': bad date, expected YYYY-MM-DD");
    tb_free(&in);
    tb_free(&out);
}

/* No input at all: no output, exit 0, in every mode. */
static void test_empty_input(void **state) {
    (void)state;
    for (size_t b = 0; b < NBIN; b++) {
        for (int chunked = 0; chunked < 2; chunked++) {
            const char *const argv[] = {binaries[b], "--format", "RowBinary", chunked ? "--chunked" : NULL, NULL};
            proc p;
            run(argv, NULL, 0, &p);
            assert_int_equal(p.status, 0);
            assert_int_equal(p.out.n, 0);
            assert_string_equal(p.err.p, "");
            proc_free(&p);
        }
    }
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_xml_is_consistent),
        cmocka_unit_test(test_signature_matches_xml),
        cmocka_unit_test(test_help_shows_sql_signature),
        cmocka_unit_test(test_long_signature_not_cut),
        cmocka_unit_test(test_version),
        cmocka_unit_test(test_bad_command_line),
        cmocka_unit_test(test_unwrap_exact_output),
        cmocka_unit_test(test_extract_exact_output),
        cmocka_unit_test(test_payload_get_exact_output),
        cmocka_unit_test(test_payload_get_whole_message_valid),
        cmocka_unit_test(test_is_valid_exact_output),
        cmocka_unit_test(test_is_valid_datetime64_args),
        cmocka_unit_test(test_junk_rows_keep_row_count),
        cmocka_unit_test(test_tsv_raw_bytes_keep_row_count),
        cmocka_unit_test(test_truncated_rowbinary),
        cmocka_unit_test(test_short_chunk),
        cmocka_unit_test(test_bad_chunk_header),
        cmocka_unit_test(test_tsv_framing),
        cmocka_unit_test(test_empty_input),
    };
    return cmocka_run_group_tests(tests, setup, NULL);
}
