/* test_native_answers.c — the four function binaries answering in Native
 * exactly what they answer in RowBinary, and --return-name.
 *
 * The binaries run as ClickHouse runs them (tests/support/udfproc.h); their
 * Native answers are turned back into RowBinary rows by the tests' own codec
 * (tests/support/nativefmt.h) and compared byte for byte; for every result
 * type, both are also compared with answer bytes written out by hand, so a
 * value wrong in both formats alike cannot pass.  The Native reader
 * and writer themselves are tested in process in tests/unit/test_native.c. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "capture.h"
#include "chtype.h"
#include "input.h"
#include "nativefmt.h"
#include "result.h"
#include "udfproc.h"

/* Runs `name args` on input; returns stdout (the caller frees); exit 0 and
 * an empty stderr are asserted unless allow_stderr. */
static tbuf run_ok(const char *name, const char *const *args, const tbuf *in, int allow_stderr) {
    udfproc_result r;
    assert_int_equal(udfproc_run(name, args, in->p, in->n, &r), 0);
    if (udfproc_code(&r) != 0 || (!allow_stderr && r.err.n))
        fail_msg("%s: exit %d, stderr %s", name, udfproc_code(&r), r.err.p ? r.err.p : "");
    tbuf out = r.out;
    tb_free(&r.err);
    return out;
}

/* The binary's declared return types (from --signature), parsed. */
static int signature_types(const char *name, const char *const *args, chtype *t, int max, char *sig, size_t sigcap) {
    const char *argv[64];
    int n = 0;
    for (; args[n] && n < 62; n++) argv[n] = args[n];
    argv[n++] = "--signature";
    argv[n] = NULL;
    tbuf none = {0};
    tbuf out = run_ok(name, argv, &none, 0);
    assert_true(out.n > 0 && out.p[out.n - 1] == '\n');
    out.p[--out.n] = 0;
    snprintf(sig, sigcap, "%s", out.p);
    int count = 0;
    if (strncmp(out.p, "Tuple(", 6) == 0) {
        /* "Tuple(name Type, name Type(…, …), …)": split on ", " at depth 1 */
        char *p = out.p + 6, *end = out.p + out.n - 1;
        while (p < end && count < max) {
            char *sp = strchr(p, ' ');
            assert_non_null(sp);
            char *q = sp + 1;
            int depth = 0;
            while (q < end && !(depth == 0 && *q == ',')) depth += (*q == '(') - (*q == ')'), q++;
            t[count++] = type_of((*q = 0, sp + 1));
            p = q + 2;
        }
    } else {
        t[count++] = type_of(out.p);
    }
    tb_free(&out);
    return count;
}

/* One function over RowBinary rows of its arguments: RowBinary (pool mode,
 * chunks of `chunk` rows) against Native in pool mode (same chunks, one
 * block each) and in executable mode (blocks of 3000 rows until the end).
 * The Native answers, turned back into rows, equal the RowBinary answer;
 * pool-mode blocks never straddle a chunk. */
static void same_as_rowbinary(const char *name, const char *const *fn_args, const char *const *arg_types, int nargs,
                              const tbuf *rows_rb, uint64_t nrows, uint64_t chunk) {
    chtype at[UDF_MAX_ARGS], rt[64];
    for (int i = 0; i < nargs; i++) at[i] = type_of(arg_types[i]);
    char sig[4096];
    int nres = signature_types(name, fn_args, rt, 64, sig, sizeof(sig));
    const char *argv[48];
    int n = 0;
    argv[n++] = "--format";
    argv[n++] = "RowBinary";
    argv[n++] = "--chunked";
    for (int i = 0; fn_args[i]; i++) argv[n++] = fn_args[i];
    argv[n] = NULL;

    /* pool mode: the same chunks, RowBinary and Native */
    tbuf in_rb = {0}, in_nat = {0};
    tcursor cur = tc_of(rows_rb->p, rows_rb->n);
    static const char *const names[] = {"a1", "a2", "a3", "a4"};
    for (uint64_t done = 0; done < nrows; done += chunk) {
        uint64_t k = nrows - done < chunk ? nrows - done : chunk;
        const unsigned char *from = cur.p;
        char head[32];
        snprintf(head, sizeof(head), "%llu\n", (unsigned long long)k);
        tb_puts(&in_rb, head);
        tb_puts(&in_nat, head);
        assert_int_equal(ntv_block_from_rowbinary(&in_nat, at, names, nargs, &cur, k), 0);
        tb_put(&in_rb, from, (size_t)(cur.p - from));
    }
    tbuf want = run_ok(name, argv, &in_rb, 1);
    argv[1] = "Native";
    tbuf got = run_ok(name, argv, &in_nat, 1);
    tbuf back = {0};
    ntv_blocks info;
    const char *why = "";
    if (ntv_answer_to_rowbinary(got.p, got.n, rt, nres, &back, &info, &why) < 0) fail_msg("%s: %s", name, why);
    bytes_are(back.p, back.n, want.p, want.n);
    assert_true(info.total == nrows);
    assert_string_equal(info.name, "result");
    assert_string_equal(info.type, sig);
    uint64_t sum = 0;
    for (size_t b = 0; b < info.count && b < 4096; b++) {
        assert_true(info.rows[b] > 0 && info.rows[b] <= RES_NATIVE_ROWS);
        uint64_t before = sum % chunk;
        sum += info.rows[b];
        assert_true(before + info.rows[b] <= chunk);    /* inside one chunk */
    }
    print_message("%s: %llu rows in chunks of %llu -> %zu Native answer blocks, equal to RowBinary\n", name,
                  (unsigned long long)nrows, (unsigned long long)chunk, info.count);
    tb_free(&got);
    tb_free(&back);

    /* executable mode: Native blocks of 3000 rows until the end of input */
    tbuf exec_in = {0};
    cur.p = (const unsigned char *)rows_rb->p;
    for (uint64_t done = 0; done < nrows; done += 3000)
        assert_int_equal(ntv_block_from_rowbinary(&exec_in, at, names, nargs, &cur, nrows - done < 3000 ? nrows - done : 3000), 0);
    argv[2] = "--no-sandbox";    /* (any harmless flag in --chunked's place) */
    got = run_ok(name, argv, &exec_in, 1);
    if (ntv_answer_to_rowbinary(got.p, got.n, rt, nres, &back, &info, &why) < 0) fail_msg("%s: %s", name, why);
    bytes_are(back.p, back.n, want.p, want.n);
    tb_free(&got);
    tb_free(&back);
    tb_free(&exec_in);
    tb_free(&want);
    tb_free(&in_rb);
    tb_free(&in_nat);
}

/* JSON literals every field of the every-type extraction takes in turn. */
static const char *const literals[] = {
    "0", "-1", "127", "-128", "255", "256", "65535", "-32769", "4294967295", "9223372036854775807",
    "18446744073709551615", "-9223372036854775808", "1.5", "-2.25e10", "1e400", "\"17\"", "\"abc\"", "true",
    "false", "null", "\"2024-04-01T08:00:30.123456Z\"", "1711958430", "\"1969-12-31 23:59:59.999\"", "{\"o\":1}",
    "[1,2]", "\"caf\\u00e9\"", "\"\"", NULL /* missing */};
#define NLIT (sizeof(literals) / sizeof(literals[0]))

/* payload_extract's fields of every result type, under the path "p". */
static const char *const fields[] = {
    "s:String", "ns:Nullable(String)", "i8:Int8", "i16:Int16", "i32:Int32", "i64:Int64", "u8:UInt8",
    "u16:UInt16", "u32:UInt32", "u64:UInt64", "f32:Float32", "f64:Float64", "b:Bool", "dt:DateTime64(6)",
    "ndt:Nullable(DateTime64(3))", "ni8:Nullable(Int8)", "ni64:Nullable(Int64)", "nu16:Nullable(UInt16)",
    "nf32:Nullable(Float32)", "nf64:Nullable(Float64)", "nb:Nullable(Bool)"};
#define NFIELDS (sizeof(fields) / sizeof(fields[0]))

/* The command line for them (2 * NFIELDS + 3 entries, NULL-terminated). */
static void every_field_args(const char **args) {
    int n = 0;
    args[n++] = "--path";
    args[n++] = "p";
    for (size_t i = 0; i < NFIELDS; i++) args[n++] = "--field", args[n++] = fields[i];
    args[n] = NULL;
}

static void test_binary_payload_extract_every_type(void **state) {
    (void)state;
    const char *args[2 * NFIELDS + 3];
    every_field_args(args);
    const size_t nf = NFIELDS;
    tbuf rows = {0}, msg = {0};
    uint64_t seed = 12345;
    const uint64_t nrows = 20000;
    for (uint64_t r = 0; r < nrows; r++) {
        msg.n = 0;
        tb_puts(&msg, r % 97 == 0 ? "{\"p\":" : "{\"op\":\"c\",\"p\":{");
        if (r % 97 == 0) tb_puts(&msg, "7");         /* the path reaches a number: every field errs */
        int first = 1;
        for (size_t i = 0; r % 97 && i < nf; i++) {
            seed = seed * 6364136223846793005ULL + 1442695040888963407ULL;
            const char *lit = literals[(seed >> 33) % NLIT];
            if (!lit) continue;
            char key[16];
            snprintf(key, sizeof(key), "%.*s", (int)(strchr(fields[i], ':') - fields[i]), fields[i]);
            char kv[128];
            snprintf(kv, sizeof(kv), "%s\"%s\":%s", first ? "" : ",", key, lit);
            tb_puts(&msg, kv);
            first = 0;
        }
        tb_puts(&msg, r % 97 ? "}}" : "}");
        tb_rb_string(&rows, msg.p, msg.n);
    }
    static const char *const one[] = {"String"};
    same_as_rowbinary("payload_extract", args, one, 1, &rows, nrows, 20000);
    same_as_rowbinary("payload_extract", args, one, 1, &rows, nrows, 777);
    tb_free(&rows);
    tb_free(&msg);
}

/* The same fields with values whose answer bytes are written out by hand
 * (little-endian numbers, IEEE 754 floats, DateTime64 ticks from Python's
 * datetime): a row with every field set, and a row with every field missing
 * (defaults, NULL for Nullable, as JSONExtract).  The RowBinary answer and
 * the Native answer (turned into rows) both equal them. */
static void test_binary_payload_extract_every_type_by_hand(void **state) {
    (void)state;
    const char *args[2 * NFIELDS + 3];
    every_field_args(args);
    static const char full[] =
        "{\"op\":\"c\",\"p\":{\"s\":\"ab\",\"ns\":null,\"i8\":-1,\"i16\":300,\"i32\":-70000,\"i64\":-9223372036854775808,"
        "\"u8\":255,\"u16\":258,\"u32\":4294967295,\"u64\":18446744073709551615,\"f32\":1.5,\"f64\":-0.5,\"b\":true,"
        "\"dt\":\"2024-04-01T08:00:30.123456Z\",\"ndt\":\"2024-04-01T08:00:30.123Z\",\"ni8\":-128,\"ni64\":42,"
        "\"nu16\":null,\"nf32\":0.25,\"nf64\":1.0,\"nb\":false}}";
    static const char empty[] = "{\"op\":\"c\",\"p\":{}}";
    static const char want[] =
        /* full */
        "\x02" "ab"                           /* s */
        "\x01"                                /* ns: NULL */
        "\xff"                                /* i8 -1 */
        "\x2c\x01"                            /* i16 300 */
        "\x90\xee\xfe\xff"                    /* i32 -70000 */
        "\x00\x00\x00\x00\x00\x00\x00\x80"    /* i64 min */
        "\xff"                                /* u8 255 */
        "\x02\x01"                            /* u16 258 */
        "\xff\xff\xff\xff"                    /* u32 max */
        "\xff\xff\xff\xff\xff\xff\xff\xff"    /* u64 max */
        "\x00\x00\xc0\x3f"                    /* f32 1.5 */
        "\x00\x00\x00\x00\x00\x00\xe0\xbf"    /* f64 -0.5 */
        "\x01"                                /* b true */
        "\xc0\x05\x19\x62\x04\x15\x06\x00"    /* dt 1711958430123456 us */
        "\x00" "\xab\x91\xac\x98\x8e\x01\x00\x00"   /* ndt 1711958430123 ms */
        "\x00" "\x80"                         /* ni8 -128 */
        "\x00" "\x2a\x00\x00\x00\x00\x00\x00\x00"   /* ni64 42 */
        "\x01"                                /* nu16: NULL */
        "\x00" "\x00\x00\x80\x3e"             /* nf32 0.25 */
        "\x00" "\x00\x00\x00\x00\x00\x00\xf0\x3f"   /* nf64 1.0 */
        "\x00" "\x00"                         /* nb false */
        "\x00"                                /* error: none */
        /* empty: defaults, NULL for Nullable */
        "\x00" "\x01" "\x00" "\x00\x00" "\x00\x00\x00\x00" "\x00\x00\x00\x00\x00\x00\x00\x00"
        "\x00" "\x00\x00" "\x00\x00\x00\x00" "\x00\x00\x00\x00\x00\x00\x00\x00"
        "\x00\x00\x00\x00" "\x00\x00\x00\x00\x00\x00\x00\x00" "\x00" "\x00\x00\x00\x00\x00\x00\x00\x00"
        "\x01" "\x01" "\x01" "\x01" "\x01" "\x01" "\x01"
        "\x00";
    tbuf rows = {0};
    tb_rb_string(&rows, full, sizeof full - 1);
    tb_rb_string(&rows, empty, sizeof empty - 1);

    const char *argv[64];
    int n = 0;
    argv[n++] = "--format";
    argv[n++] = "RowBinary";
    for (int i = 0; args[i]; i++) argv[n++] = args[i];
    argv[n] = NULL;
    tbuf got = run_ok("payload_extract", argv, &rows, 0);
    bytes_are(got.p, got.n, want, sizeof want - 1);
    tb_free(&got);

    chtype string = type_of("String"), rt[64];
    char sig[4096];
    int nres = signature_types("payload_extract", args, rt, 64, sig, sizeof(sig));
    assert_int_equal(nres, NFIELDS + 1);          /* and the error */
    static const char *const names[] = {"a1"};
    tbuf in_nat = {0}, back = {0};
    tcursor cur = tc_of(rows.p, rows.n);
    assert_int_equal(ntv_block_from_rowbinary(&in_nat, &string, names, 1, &cur, 2), 0);
    argv[1] = "Native";
    got = run_ok("payload_extract", argv, &in_nat, 0);
    ntv_blocks info;
    const char *why = "";
    if (ntv_answer_to_rowbinary(got.p, got.n, rt, nres, &back, &info, &why) < 0) fail_msg("%s", why);
    bytes_are(back.p, back.n, want, sizeof want - 1);
    tb_free(&got);
    tb_free(&back);
    tb_free(&in_nat);
    tb_free(&rows);
}

/* Every recorded Debezium message (tests/fixtures), each many times, plus
 * junk, through debezium_unwrap, debezium_flatten (headers: a Map) and payload_get. */
static void fixture_rows(tbuf *rows, uint64_t *nrows, int with_path) {
    static const char *const files[] = {"plain/dbzplain.public.outbox_events.jsonl", "plain/dbzplain.public.type_zoo.jsonl",
                                        "with-schema/dbz.public.type_zoo.jsonl", "with-schema/dbz.public.outbox_events.jsonl",
                                        "plain/dbzplain.transaction.jsonl", "plain/__debezium-heartbeat.dbzplain.jsonl"};
    static const char *const paths[] = {"after.payload", "payload.after.id", "source.lsn", "nope", "", "after.payload.user_id"};
    static const char *const junk[] = {"", "{", "not json", "[]", "{\"op\":\"c\",\"after\":{\"s\":\"\xff\"}}"};
    *nrows = 0;
    for (int rep = 0; rep < 40; rep++) {
        for (size_t f = 0; f < sizeof(files) / sizeof(files[0]); f++) {
            char path[1024];
            snprintf(path, sizeof(path), "%s/debezium/%s", FIXTURES_DIR, files[f]);
            FILE *fp = fopen(path, "r");
            assert_non_null(fp);
            char *line = NULL;
            size_t cap = 0;
            ssize_t len;
            while ((len = getline(&line, &cap, fp)) > 0) {
                if (line[len - 1] == '\n') len--;
                tb_rb_string(rows, line, (size_t)len);
                if (with_path) tb_rb_string(rows, paths[*nrows % 6], strlen(paths[*nrows % 6]));
                ++*nrows;
            }
            free(line);
            fclose(fp);
        }
        const char *j = junk[rep % 5];
        tb_rb_string(rows, j, strlen(j));
        if (with_path) tb_rb_string(rows, "a", 1);
        ++*nrows;
    }
}

static void test_binary_unwrap_and_get(void **state) {
    (void)state;
    tbuf rows = {0};
    uint64_t nrows;
    static const char *const none[] = {NULL};
    static const char *const one[] = {"String"};
    static const char *const two[] = {"String", "String"};
    fixture_rows(&rows, &nrows, 0);
    same_as_rowbinary("debezium_unwrap", none, one, 1, &rows, nrows, 1000);
    same_as_rowbinary("debezium_unwrap", none, one, 1, &rows, nrows, 7);
    static const char *const flatten[] = {"--delete.tombstone.handling.mode=rewrite-with-tombstone",
                                          "--add.headers=op,source.lsn,transaction.id", "--add.fields=op,source.ts_ms", NULL};
    same_as_rowbinary("debezium_flatten", flatten, one, 1, &rows, nrows, 1000);
    same_as_rowbinary("debezium_flatten", flatten, one, 1, &rows, nrows, 7);
    tb_free(&rows);
    fixture_rows(&rows, &nrows, 1);
    same_as_rowbinary("payload_get", none, two, 2, &rows, nrows, 1000);
    same_as_rowbinary("payload_get", none, two, 2, &rows, nrows, 3);
    tb_free(&rows);
}

static void test_binary_is_valid_after_assignment(void **state) {
    (void)state;
    static const char *const ts[] = {"2024-04-01T08:00:30Z", "2024-04-01T08:00:00Z", "2024-04-01T10:00:00+02:00", "",
                                     "garbage", "1711958400", "2024-04-01 08:00:00.5"};
    tbuf s = {0}, d = {0};
    uint64_t nrows = 5000;
    for (uint64_t r = 0; r < nrows; r++) {
        for (int a = 0; a < 2; a++) {
            uint64_t k = (r * 7 + (uint64_t)a * 3 + r / 7) % 9;
            if (k >= 7) {
                tb_put(&s, "\x01", 1);
                tb_put(&d, "\x01", 1);
                continue;
            }
            tb_put(&s, "\x00", 1);
            tb_rb_string(&s, ts[k], strlen(ts[k]));
            int64_t us = 1711958400000000LL + (int64_t)(k * 1000000) - (int64_t)(r % 3);
            tb_put(&d, "\x00", 1);
            for (int i = 0; i < 8; i++) tb_put(&d, &(char){(char)((uint64_t)us >> (8 * i))}, 1);
        }
    }
    static const char *const none[] = {NULL};
    static const char *const typed[] = {"--args", "DateTime64", NULL};
    static const char *const nstr[] = {"Nullable(String)", "Nullable(String)"};
    static const char *const ndt[] = {"Nullable(DateTime64(6, 'UTC'))", "Nullable(DateTime64(6, 'UTC'))"};
    same_as_rowbinary("is_valid_after_assignment", none, nstr, 2, &s, nrows, 512);
    same_as_rowbinary("is_valid_after_assignment", typed, ndt, 2, &d, nrows, 512);
    tb_free(&s);
    tb_free(&d);
}

/* --return-name renames the answer's column (ClickHouse finds it by the
 * XML's <return_name>); the type name is the signature's. */
static void test_binary_return_name(void **state) {
    (void)state;
    static const char *const args[] = {"--format", "Native", "--return-name", "is_valid", NULL};
    tbuf in = {0};
    static const char block[] = "\x02\x01\x01" "a\x10Nullable(String)\x00\x01x\x01" "b\x10Nullable(String)\x01\x00";
    tb_put(&in, block, sizeof(block) - 1);
    tbuf out = run_ok("is_valid_after_assignment", args, &in, 0);
    BYTES_ARE(out.p, out.n, "\x01\x01\x08is_valid\x05UInt8\x01");
    tb_free(&out);
    tb_free(&in);
}

int main(void) {
    signal(SIGPIPE, SIG_IGN);
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_binary_payload_extract_every_type),
        cmocka_unit_test(test_binary_payload_extract_every_type_by_hand),
        cmocka_unit_test(test_binary_unwrap_and_get),
        cmocka_unit_test(test_binary_is_valid_after_assignment),
        cmocka_unit_test(test_binary_return_name),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
