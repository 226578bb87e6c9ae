/* test_clickhouse_functions.c — every function, in ClickHouse, through real SQL.
 *
 * One embedded engine (libchdb) loads cdc_udfs_function.xml and the test-only
 * matrix_function.xml, so each function exists in six format x mode
 * variants: NAME (executable_pool + RowBinary), NAME_tsv (executable +
 * TabSeparated), NAME_pool_tsv (executable_pool + TabSeparated),
 * NAME_exec_rb (executable + RowBinary), NAME_pool_native (executable_pool
 * + Native) and NAME_exec_native (executable + Native).  What the tests
 * prove:
 *
 *   variants      the six variants give byte-identical results on the same
 *                 inputs, and those results are the expected values written
 *                 out here (op kinds, envelope, tombstones, MySQL versions,
 *                 JSON-in-string payloads, time zones, fractions, NULLs,
 *                 Date and Date32 results, also against ClickHouse's own
 *                 toDate / toDate32 of the same input);
 *                 every other variant's whole result equals RowBinary's row
 *                 for row (compared as text, so NULLs count) on every table
 *                 below: junk, damaged, differential and large blocks;
 *   large blocks  100k rows through each pool function in one query, cut
 *                 into many chunks: every row comes back, in order, right;
 *   mat. views    a Kafka-shaped Null table feeding a ReplacingMergeTree
 *                 (version, is_deleted) through debezium_unwrap and a
 *                 MergeTree through experiment_event: FINAL shows updates
 *                 applied (stale ones ignored), deletes and tombstones gone;
 *   differential  a seeded corpus of realistic Debezium outbox messages
 *                 decoded by our functions and by ClickHouse's own JSON and
 *                 date functions: zero rows differ;
 *   junk          invalid rows inside a block never fail the query or shift
 *                 rows; `error` is set exactly on the junk rows;
 *   damaged       every proper prefix of a message, and a message with
 *                 anything but whitespace after it, is an error for both
 *                 decoders;
 *   loading       system.user_defined_functions lists every function as
 *                 loaded, and each return_type is what the binary declares.
 *
 * $CDC_TEST_SCRIPTS_DIR runs the same tests against other binaries (the
 * sanitizer build's). */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <cmocka.h>

#include "itest.h"
#include "udfproc.h"

static const char *const FUNCTIONS[] = {"debezium_unwrap", "experiment_event", "payload_get",
                                        "is_valid_after_assignment", "is_valid_after_assignment_dt64", "outbox_route",
                                        "date_fields"};
#define NFUNCTIONS (sizeof(FUNCTIONS) / sizeof(FUNCTIONS[0]))

static double now_s(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* Runs sql_fmt (one %s: the variant suffix) for every variant; each output
 * must equal `expected`. */
static void assert_all_variants(chs_session *s, const char *expected, const char *sql_fmt) {
    for (size_t v = 0; v < ITEST_NVARIANTS; v++) itest_assert_query(s, expected, sql_fmt, itest_variants[v]);
}

/* Every variant's whole result equals the RowBinary variant's (itest_variants[0]),
 * row for row: `call` has two %s, the function's name suffix and the
 * argument list is fixed, e.g. "debezium_unwrap%s(message)".  Compared as
 * text, so a NULL against a value (or a default) is a difference too. */
static void assert_same_as_rowbinary(chs_session *s, const char *table, const char *call, const char *settings) {
    for (size_t v = 1; v < ITEST_NVARIANTS; v++) {
        char ours[512], ref[512];
        snprintf(ours, sizeof(ours), call, itest_variants[v]);
        snprintf(ref, sizeof(ref), call, itest_variants[0]);
        long long bad = itest_scalar(s, "SELECT countIf(toString(%s) != toString(%s)) FROM %s %s", ours, ref, table,
                                     settings ? settings : "");
        if (bad) print_error("%s: %lld rows differ from %s on %s\n", ours, bad, ref, table);
        assert_int_equal(bad, 0);
    }
}

/* Inserts (k, message) rows: k = 1, 2, … in order. */
static void insert_keyed(chs_session *s, const char *table, const char *const *messages, size_t n) {
    itest_buf rb = {0};
    for (size_t i = 0; i < n; i++) {
        itest_rb_u64(&rb, i + 1);
        itest_rb_string(&rb, messages[i], strlen(messages[i]));
    }
    char target[256];
    snprintf(target, sizeof(target), "%s (k, message)", table);
    itest_insert_rowbinary(s, target, "k UInt64, message String", &rb);
    itest_buf_free(&rb);
}

/* =========================================================== 1. variants */

#define PG_SOURCE(lsn, snapshot)                                                                                \
    "\"source\":{\"version\":\"3.1.3.Final\",\"connector\":\"postgresql\",\"name\":\"dbz\",\"ts_ms\":1700000000000," \
    "\"snapshot\":\"" snapshot "\",\"db\":\"cdc\",\"sequence\":\"[null,\\\"" #lsn "\\\"]\",\"schema\":\"public\","   \
    "\"table\":\"items\",\"txId\":753,\"lsn\":" #lsn ",\"xmin\":null}"

static const char *const UNWRAP_IN[] = {
    /* 1 c: insert */
    "{\"before\":null,\"after\":{\"id\":1,\"name\":\"caf\\u00e9 \\\"a\\\"\"}," PG_SOURCE(26574256, "false")
    ",\"transaction\":null,\"op\":\"c\",\"ts_ms\":1700000000123,\"ts_us\":1700000000123456}",
    /* 2 u: update with REPLICA IDENTITY FULL (both images) */
    "{\"before\":{\"id\":1,\"name\":\"old\"},\"after\":{\"id\":1,\"name\":\"new\"}," PG_SOURCE(26574300, "false")
    ",\"transaction\":{\"id\":\"753:26574300\",\"total_order\":2,\"data_collection_order\":1},\"op\":\"u\","
    "\"ts_ms\":1700000000200}",
    /* 3 d: delete (before only) */
    "{\"before\":{\"id\":1,\"name\":\"new\"},\"after\":null," PG_SOURCE(26574400, "false")
    ",\"transaction\":null,\"op\":\"d\",\"ts_ms\":1700000000300}",
    /* 4 r: snapshot read */
    "{\"before\":null,\"after\":{\"id\":2,\"name\":\"snap\"}," PG_SOURCE(26570000, "true")
    ",\"transaction\":null,\"op\":\"r\",\"ts_ms\":1700000000050}",
    /* 5 t: truncate (no images) */
    "{\"before\":null,\"after\":null," PG_SOURCE(26580000, "false") ",\"transaction\":null,\"op\":\"t\","
    "\"ts_ms\":1700000000400}",
    /* 6 m: logical decoding message, decoded as DecodeLogicalDecodingMessageContent does:
     *   op c, the content {"id":6,"note":null,"tags":["a"]} as after, its null member dropped */
    "{\"op\":\"m\",\"ts_ms\":1700000000500," PG_SOURCE(26590000, "false")
    ",\"message\":{\"prefix\":\"audit\",\"content\":\"eyJpZCI6Niwibm90ZSI6bnVsbCwidGFncyI6WyJhIl19\"}}",
    /* 7 c with the schema envelope */
    "{\"schema\":{\"type\":\"struct\",\"fields\":[{\"type\":\"string\",\"optional\":false,\"field\":\"op\"}],"
    "\"optional\":false,\"name\":\"dbz.public.items.Envelope\",\"version\":2},\"payload\":{\"before\":null,"
    "\"after\":{\"id\":3,\"name\":\"env\"}," PG_SOURCE(26600000, "false") ",\"op\":\"c\",\"ts_ms\":1700000000600}}",
    /* 8 tombstone as the Kafka engine hands it over */
    "",
    /* 9 tombstone written out by the JSON converter with schemas */
    "{\"schema\":null,\"payload\":null}",
    /* 10 MySQL: version from binlog file sequence and position */
    "{\"before\":null,\"after\":{\"id\":5},\"source\":{\"version\":\"2.7.0.Final\",\"connector\":\"mysql\","
    "\"name\":\"m\",\"ts_ms\":1700000000000,\"snapshot\":\"false\",\"db\":\"shop\",\"table\":\"orders\","
    "\"server_id\":1,\"file\":\"mysql-bin.000042\",\"pos\":1234,\"row\":0},\"op\":\"c\",\"ts_ms\":1700000000700}",
    /* 11 d with the envelope */
    "{\"schema\":{\"type\":\"struct\",\"name\":\"dbz.public.items.Envelope\"},\"payload\":{\"before\":{\"id\":3},"
    "\"after\":null," PG_SOURCE(26600100, "false") ",\"op\":\"d\",\"ts_ms\":1700000000800}}",
    /* 12 m whose content is not JSON ("hello"): the SMT fails on it; here op m, no row, an error */
    "{\"op\":\"m\",\"ts_ms\":1700000000900," PG_SOURCE(26590100, "false")
    ",\"message\":{\"prefix\":\"audit\",\"content\":\"aGVsbG8=\"}}",
};

static void test_unwrap_variants(void **state) {
    chs_session *s = *state;
    itest_exec(s, "CREATE TABLE unwrap_in (k UInt64, message String) ENGINE = Memory");
    insert_keyed(s, "unwrap_in", UNWRAP_IN, sizeof(UNWRAP_IN) / sizeof(UNWRAP_IN[0]));
    /* k op row before after is_deleted version db schema table lsn txid source_ts_ms snapshot ts_ms changed unchanged
     * unavailable has_error */
    static const char expected[] =
        "1\tc\t{\"id\":1,\"name\":\"caf\\\\u00e9 \\\\\"a\\\\\"\"}\t\t{\"id\":1,\"name\":\"caf\\\\u00e9 \\\\\"a\\\\\"\"}"
        "\t0\t26574256\tcdc\tpublic\titems\t26574256\t753\t1700000000000\tfalse\t1700000000123\t[]\t[]\t[]\t0\n"
        "2\tu\t{\"id\":1,\"name\":\"new\"}\t{\"id\":1,\"name\":\"old\"}\t{\"id\":1,\"name\":\"new\"}"
        "\t0\t26574300\tcdc\tpublic\titems\t26574300\t753\t1700000000000\tfalse\t1700000000200\t['name']\t['id']\t[]\t0\n"
        "3\td\t{\"id\":1,\"name\":\"new\"}\t{\"id\":1,\"name\":\"new\"}\t"
        "\t1\t26574400\tcdc\tpublic\titems\t26574400\t753\t1700000000000\tfalse\t1700000000300\t[]\t[]\t[]\t0\n"
        "4\tr\t{\"id\":2,\"name\":\"snap\"}\t\t{\"id\":2,\"name\":\"snap\"}"
        "\t0\t26570000\tcdc\tpublic\titems\t26570000\t753\t1700000000000\ttrue\t1700000000050\t[]\t[]\t[]\t0\n"
        "5\tt\t\t\t\t0\t26580000\tcdc\tpublic\titems\t26580000\t753\t1700000000000\tfalse\t1700000000400\t[]\t[]\t[]\t0\n"
        "6\tc\t{\"id\":6,\"tags\":[\"a\"]}\t\t{\"id\":6,\"tags\":[\"a\"]}"
        "\t0\t26590000\tcdc\tpublic\titems\t26590000\t753\t1700000000000\tfalse\t1700000000500\t[]\t[]\t[]\t0\n"
        "7\tc\t{\"id\":3,\"name\":\"env\"}\t\t{\"id\":3,\"name\":\"env\"}"
        "\t0\t26600000\tcdc\tpublic\titems\t26600000\t753\t1700000000000\tfalse\t1700000000600\t[]\t[]\t[]\t0\n"
        "8\t\t\t\t\t1\t0\t\t\t\t0\t0\t0\t\t0\t[]\t[]\t[]\t0\n"
        "9\t\t\t\t\t1\t0\t\t\t\t0\t0\t0\t\t0\t[]\t[]\t[]\t0\n"
        "10\tc\t{\"id\":5}\t\t{\"id\":5}\t0\t46179488367826\tshop\t\torders\t0\t0\t1700000000000\tfalse\t1700000000700\t[]\t[]\t[]\t0\n"
        "11\td\t{\"id\":3}\t{\"id\":3}\t\t1\t26600100\tcdc\tpublic\titems\t26600100\t753\t1700000000000\tfalse"
        "\t1700000000800\t[]\t[]\t[]\t0\n"
        "12\tm\t\t\t\t0\t26590100\tcdc\tpublic\titems\t26590100\t753\t1700000000000\tfalse\t1700000000900\t[]\t[]\t[]\t1\n";
    assert_all_variants(s, expected,
                        "SELECT k, r.op, r.row, r.before, r.after, r.is_deleted, r.version, r.source_db, "
                        "r.source_schema, r.source_table, r.source_lsn, r.source_tx_id, r.source_ts_ms, r.snapshot, "
                        "r.ts_ms, r.changed, r.unchanged, r.unavailable, r.error != '' "
                        "FROM (SELECT k, debezium_unwrap%s(message) AS r FROM unwrap_in) ORDER BY k");
    /* The whole tuples agree too (no field left out above). */
    assert_same_as_rowbinary(s, "unwrap_in", "debezium_unwrap%s(message)", NULL);
    itest_exec(s, "DROP TABLE unwrap_in");
}

/* The seed's outbox row as Debezium captured it (fixtures/debezium/plain). */
#define OUTBOX_PAYLOAD_1                                                                                          \
    "{\\\"id\\\" : \\\"6f0a4c2e-1111-4a5b-8c9d-000000000001\\\", \\\"experiment_id\\\" : 42, \\\"user_id\\\" : "     \
    "\\\"user-a\\\", \\\"variant_id\\\" : 1, \\\"variant_key\\\" : \\\"control\\\", \\\"event_type\\\" : "             \
    "\\\"exposure\\\", \\\"timestamp\\\" : \\\"2024-04-01T08:00:30.000Z\\\", \\\"assignment_at\\\" : "                \
    "\\\"2024-04-01T08:00:00.000Z\\\", \\\"properties\\\" : {\\\"page\\\" : \\\"/home\\\", \\\"device\\\" : "         \
    "\\\"ios\\\", \\\"value\\\" : 0, \\\"score\\\" : 0.5}, \\\"session_id\\\" : \\\"sess-1\\\"}"

static const char *const EXPERIMENT_IN[] = {
    /* 1 the captured snapshot row, bare change object */
    "{\"before\":null,\"after\":{\"id\":\"6f0a4c2e-1111-4a5b-8c9d-000000000001\",\"aggregate_type\":\"assignment\","
    "\"aggregate_id\":\"1\",\"event_type\":\"exposure\",\"payload\":\"" OUTBOX_PAYLOAD_1 "\","
    "\"created_at\":\"2024-04-01T08:00:30.000000Z\"}," PG_SOURCE(26574256, "first_in_data_collection")
    ",\"transaction\":null,\"op\":\"r\",\"ts_ms\":1795439204391}",
    /* 2 envelope; escapes in the payload: \" \\ \u00e9 and a surrogate pair; zone +02:00 with 7 fraction
     *   digits; assignment_at null; session_id null; experiment_id as a string */
    "{\"schema\":{\"type\":\"struct\",\"name\":\"dbz.public.outbox_events.Envelope\",\"version\":2},\"payload\":{"
    "\"before\":null,\"after\":{\"id\":\"e2\",\"aggregate_id\":\"2\",\"payload\":\"{\\\"id\\\":\\\"e2\\\","
    "\\\"experiment_id\\\":\\\"7\\\",\\\"user_id\\\":\\\"us\\\\\\\"er\\\\\\\\\\\\u00e9\\\\ud83d\\\\ude00\\\","
    "\\\"variant_id\\\":2,\\\"variant_key\\\":\\\"treatment\\\",\\\"event_type\\\":\\\"conversion\\\","
    "\\\"timestamp\\\":\\\"2024-04-01T10:00:30.1234567+02:00\\\",\\\"assignment_at\\\":null,"
    "\\\"properties\\\":{\\\"a\\\":[1,{\\\"b\\\":\\\"\\\\u00e9\\\"}]},\\\"session_id\\\":null}\"},"
    PG_SOURCE(26574300, "false") ",\"op\":\"c\",\"ts_ms\":1795439204400}}",
    /* 3 delete of an outbox row: no payload to extract, and no error (deletes are normal) */
    "{\"before\":{\"id\":\"e2\",\"aggregate_id\":\"\",\"payload\":\"\"},\"after\":null," PG_SOURCE(26574400, "false")
    ",\"op\":\"d\",\"ts_ms\":1795439204500}",
    /* 4 tombstone */
    "",
    /* 5 space separator and no zone; assignment_at at -05:00 */
    "{\"before\":null,\"after\":{\"id\":\"e5\",\"aggregate_id\":\"5\",\"payload\":\"{\\\"id\\\":\\\"e5\\\","
    "\\\"experiment_id\\\":4294967295,\\\"user_id\\\":\\\"\\\",\\\"variant_id\\\":0,\\\"variant_key\\\":\\\"B\\\","
    "\\\"event_type\\\":\\\"click\\\",\\\"timestamp\\\":\\\"2024-04-01 08:00:00.5\\\","
    "\\\"assignment_at\\\":\\\"2024-04-01T03:00:00-05:00\\\",\\\"properties\\\":{},\\\"session_id\\\":\\\"s5\\\"}\"},"
    PG_SOURCE(26574500, "false") ",\"op\":\"u\",\"ts_ms\":1795439204600}",
};

static void test_experiment_variants(void **state) {
    chs_session *s = *state;
    itest_exec(s, "CREATE TABLE experiment_in (k UInt64, message String) ENGINE = Memory");
    insert_keyed(s, "experiment_in", EXPERIMENT_IN, sizeof(EXPERIMENT_IN) / sizeof(EXPERIMENT_IN[0]));
    /* k id experiment_id user_id variant_id variant_key event_type timestamp assignment_at properties session_id
     * op aggregate_id has_error */
    static const char expected[] =
        "1\t6f0a4c2e-1111-4a5b-8c9d-000000000001\t42\tuser-a\t1\tcontrol\texposure\t2024-04-01 08:00:30.000000"
        "\t2024-04-01 08:00:00.000000\t{\"page\" : \"/home\", \"device\" : \"ios\", \"value\" : 0, \"score\" : 0.5}"
        "\tsess-1\tr\t1\t0\n"
        "2\te2\t7\tus\"er\\\\é😀\t2\ttreatment\tconversion\t2024-04-01 08:00:30.123456\t\\N"
        "\t{\"a\":[1,{\"b\":\"\\\\u00e9\"}]}\t\tc\t2\t0\n"
        "3\t\t0\t\t0\t\t\t1970-01-01 00:00:00.000000\t\\N\t\t\td\t\t0\n"
        "4\t\t0\t\t0\t\t\t1970-01-01 00:00:00.000000\t\\N\t\t\t\t\t0\n"
        "5\te5\t4294967295\t\t0\tB\tclick\t2024-04-01 08:00:00.500000\t2024-04-01 08:00:00.000000\t{}\ts5\tu\t5\t0\n";
    assert_all_variants(s, expected,
                        "SELECT k, e.id, e.experiment_id, e.user_id, e.variant_id, e.variant_key, e.event_type, "
                        "toString(e.timestamp, 'UTC'), toString(e.assignment_at, 'UTC'), e.properties, e.session_id, "
                        "e.op, e.aggregate_id, e.error != '' "
                        "FROM (SELECT k, experiment_event%s(message) AS e FROM experiment_in) ORDER BY k");
    assert_same_as_rowbinary(s, "experiment_in", "experiment_event%s(message)", NULL);
    itest_exec(s, "DROP TABLE experiment_in");
}

/* Date and Date32 results (matrix_function.xml's date_fields: d Date,
 * nd Nullable(Date), d32 Date32, nd32 Nullable(Date32), all from "d"):
 * Debezium's day numbers, date texts, date-times without and with a zone,
 * each end of each type and one day past it.  `how` says how ClickHouse
 * itself reads the same input: a day number (toDate(n) / toDate32(n)), a
 * text (toDate(s) / toDate32(s)), or an instant with a zone (its UTC day,
 * through parseDateTime64BestEffort); `in_date`, `in_date32` whether the
 * day is inside each type (ClickHouse's toDate would clamp the others; we
 * answer an error). */
static const struct date_case {
    const char *value;        /* the JSON value of "d"; NULL: no "d" */
    const char *how;          /* days, text, instant; none: nothing to compare */
    int in_date, in_date32;
} DATE_IN[] = {
    {"19969", "days", 1, 1},        {"\"19969\"", "days", 1, 1},         {"0", "days", 1, 1},
    {"65535", "days", 1, 1},        {"65536", "days", 0, 1},             {"-1", "days", 0, 1},
    {"-25567", "days", 0, 1},       {"120529", "days", 0, 1},            {"120530", "days", 0, 0},
    {"\"2025-09-03\"", "text", 1, 1}, {"\"2024-02-29\"", "text", 1, 1},   {"\"1969-12-31\"", "text", 0, 1},
    {"\"1900-01-01\"", "text", 0, 1}, {"\"2149-06-06\"", "text", 1, 1},   {"\"2149-06-07\"", "text", 0, 1},
    {"\"2299-12-31\"", "text", 0, 1}, {"\"1899-12-31\"", "text", 0, 0},   {"\"2025-09-03 10:30:00\"", "text", 1, 1},
    {"\"2025-09-03T10:30:00\"", "text", 1, 1},
    {"\"2025-09-03T23:30:00-05:00\"", "instant", 1, 1},
    {"\"1969-12-31T23:59:59.999999Z\"", "instant", 0, 1},
    {"null", "none", 1, 1},         {NULL, "none", 1, 1},                {"\"2025-13-45\"", "none", 0, 0},
};
#define NDATES (sizeof(DATE_IN) / sizeof(DATE_IN[0]))

static void test_date_variants(void **state) {
    chs_session *s = *state;
    const char *messages[NDATES];
    itest_buf kinds = {0};
    for (size_t i = 0; i < NDATES; i++) {
        itest_buf m = {0};
        if (DATE_IN[i].value) itest_buf_printf(&m, "{\"id\":%zu,\"d\":%s}", i + 1, DATE_IN[i].value);
        else itest_buf_printf(&m, "{\"id\":%zu}", i + 1);
        messages[i] = itest_buf_take(&m);
        itest_buf_printf(&kinds, "%s(%zu, '%s', %d, %d)", i ? ", " : "", i + 1, DATE_IN[i].how, DATE_IN[i].in_date,
                         DATE_IN[i].in_date32);
    }
    itest_exec(s, "CREATE TABLE date_in (k UInt64, message String) ENGINE = Memory");
    insert_keyed(s, "date_in", messages, NDATES);
    itest_exec(s, "CREATE TABLE date_kind (k UInt64, how String, in_date UInt8, in_date32 UInt8) ENGINE = Memory");
    itest_exec(s, "INSERT INTO date_kind VALUES %s", kinds.p);
    /* k d nd d32 nd32 has_error, the days from Python's datetime */
    static const char expected[] =
        "1\t2024-09-03\t2024-09-03\t2024-09-03\t2024-09-03\t0\n"
        "2\t2024-09-03\t2024-09-03\t2024-09-03\t2024-09-03\t0\n"
        "3\t1970-01-01\t1970-01-01\t1970-01-01\t1970-01-01\t0\n"
        "4\t2149-06-06\t2149-06-06\t2149-06-06\t2149-06-06\t0\n"
        "5\t1970-01-01\t\\N\t2149-06-07\t2149-06-07\t1\n"
        "6\t1970-01-01\t\\N\t1969-12-31\t1969-12-31\t1\n"
        "7\t1970-01-01\t\\N\t1900-01-01\t1900-01-01\t1\n"
        "8\t1970-01-01\t\\N\t2299-12-31\t2299-12-31\t1\n"
        "9\t1970-01-01\t\\N\t1970-01-01\t\\N\t1\n"
        "10\t2025-09-03\t2025-09-03\t2025-09-03\t2025-09-03\t0\n"
        "11\t2024-02-29\t2024-02-29\t2024-02-29\t2024-02-29\t0\n"
        "12\t1970-01-01\t\\N\t1969-12-31\t1969-12-31\t1\n"
        "13\t1970-01-01\t\\N\t1900-01-01\t1900-01-01\t1\n"
        "14\t2149-06-06\t2149-06-06\t2149-06-06\t2149-06-06\t0\n"
        "15\t1970-01-01\t\\N\t2149-06-07\t2149-06-07\t1\n"
        "16\t1970-01-01\t\\N\t2299-12-31\t2299-12-31\t1\n"
        "17\t1970-01-01\t\\N\t1970-01-01\t\\N\t1\n"
        "18\t2025-09-03\t2025-09-03\t2025-09-03\t2025-09-03\t0\n"
        "19\t2025-09-03\t2025-09-03\t2025-09-03\t2025-09-03\t0\n"
        "20\t2025-09-04\t2025-09-04\t2025-09-04\t2025-09-04\t0\n"
        "21\t1970-01-01\t\\N\t1969-12-31\t1969-12-31\t1\n"
        "22\t1970-01-01\t\\N\t1970-01-01\t\\N\t0\n"
        "23\t1970-01-01\t\\N\t1970-01-01\t\\N\t0\n"
        "24\t1970-01-01\t\\N\t1970-01-01\t\\N\t1\n";
    assert_all_variants(s, expected,
                        "SELECT k, r.d, r.nd, r.d32, r.nd32, r.error != '' "
                        "FROM (SELECT k, date_fields%s(message) AS r FROM date_in) ORDER BY k");
    assert_same_as_rowbinary(s, "date_in", "date_fields%s(message)", NULL);
    /* ClickHouse's own reading of each input: inside a type, the same day;
     * outside it, an error that says so, the default and NULL. */
    for (size_t v = 0; v < ITEST_NVARIANTS; v++)
        itest_assert_query(s, "[]\t21\n",
            "SELECT groupArrayIf(k, NOT coalesce(ok, 0)), countIf(how != 'none') FROM ("
            " SELECT k, how, r,"
            "  if(JSONType(message, 'd') = 'String', JSONExtractString(message, 'd'), JSONExtractRaw(message, 'd')) AS v,"
            "  multiIf(how = 'days', toDate(toInt64OrNull(v)), how = 'text', toDateOrNull(v),"
            "          toDate(parseDateTime64BestEffortOrNull(v, 6, 'UTC'))) AS ref,"
            "  multiIf(how = 'days', toDate32(toInt64OrNull(v)), how = 'text', toDate32OrNull(v),"
            "          toDate32(parseDateTime64BestEffortOrNull(v, 6, 'UTC'))) AS ref32,"
            "  if(in_date, r.d = ref AND r.nd = ref, r.d = toDate(0) AND isNull(r.nd)) "
            "  AND if(in_date32, r.d32 = ref32 AND r.nd32 = ref32, r.d32 = toDate32(0) AND isNull(r.nd32)) "
            "  AND if(in_date AND in_date32, r.error = '', r.error LIKE '%%is out of range for %%') AS ok"
            " FROM (SELECT k, message, date_fields%s(message) AS r FROM date_in) AS answers JOIN date_kind USING k"
            " WHERE how != 'none')",
            itest_variants[v]);
    itest_exec(s, "DROP TABLE date_in");
    itest_exec(s, "DROP TABLE date_kind");
    for (size_t i = 0; i < NDATES; i++) free((char *)messages[i]);
    itest_buf_free(&kinds);
}

static void test_payload_get_variants(void **state) {
    chs_session *s = *state;
    static const char *const in[][2] = {
        {"{\"a\":{\"b\":\"x\\\"y\"}}", "a.b"},
        {"{\"after\":{\"payload\":\"" OUTBOX_PAYLOAD_1 "\"}}", "after.payload.user_id"},
        {"{\"after\":{\"payload\":\"" OUTBOX_PAYLOAD_1 "\"}}", "after.payload.properties"},
        {"{\"after\":{\"payload\":\"" OUTBOX_PAYLOAD_1 "\"}}", "after.payload.experiment_id"},
        {"{\"arr\":[10,20,{\"k\":\"v\"}]}", "arr.2.k"},
        {"{\"a\":null}", "a"},
        {"{\"a\":1}", "b"},
        {"not json", "a"},
        {"{\"s\":\"\\u00e9\\ud83d\\ude00\\t\"}", "s"},
        {"{\"a\":true}", "a"},
        {"{\"a\":1.50}", "a"},
        {"{\"a\":{\"b\":1}}", ""},
        {"", "a"},
        {"{\"a\":{\"b\":[1,2]}}", "a.b.5"},
    };
    size_t n = sizeof(in) / sizeof(in[0]);
    itest_buf rb = {0};
    for (size_t i = 0; i < n; i++) {
        itest_rb_u64(&rb, i + 1);
        itest_rb_string(&rb, in[i][0], strlen(in[i][0]));
        itest_rb_string(&rb, in[i][1], strlen(in[i][1]));
    }
    itest_exec(s, "CREATE TABLE pg_in (k UInt64, json String, path String) ENGINE = Memory");
    itest_insert_rowbinary(s, "pg_in", "k UInt64, json String, path String", &rb);
    itest_buf_free(&rb);
    static const char expected[] =
        "1\tx\"y\n"
        "2\tuser-a\n"
        "3\t{\"page\" : \"/home\", \"device\" : \"ios\", \"value\" : 0, \"score\" : 0.5}\n"
        "4\t42\n"
        "5\tv\n"
        "6\t\\N\n"
        "7\t\\N\n"
        "8\t\\N\n"
        "9\té😀\\t\n"
        "10\ttrue\n"
        "11\t1.50\n"
        "12\t{\"a\":{\"b\":1}}\n"
        "13\t\\N\n"
        "14\t\\N\n";
    assert_all_variants(s, expected, "SELECT k, payload_get%s(json, path) FROM pg_in ORDER BY k");
    assert_same_as_rowbinary(s, "pg_in", "payload_get%s(json, path)", NULL);
    itest_exec(s, "DROP TABLE pg_in");
}

static void test_is_valid_variants(void **state) {
    chs_session *s = *state;
    itest_exec(s, "CREATE TABLE va_in (k UInt64, e Nullable(String), a Nullable(String)) ENGINE = Memory");
    itest_exec(s,
               "INSERT INTO va_in VALUES "
               "(1, '2024-04-01T08:00:30Z', '2024-04-01T08:00:00Z'), "            /* after */
               "(2, '2024-04-01T08:00:00Z', '2024-04-01T08:00:30Z'), "            /* before */
               "(3, '2024-04-01T10:00:00+02:00', '2024-04-01T08:00:00Z'), "       /* same instant, other zone */
               "(4, '2024-04-01T07:59:59.999999Z', '2024-04-01T08:00:00Z'), "     /* 1 us before */
               "(5, '2024-04-01T08:00:00.0000001Z', '2024-04-01T08:00:00Z'), "    /* 100 ns: truncated, equal */
               "(6, '2024-04-01T08:00:00.000001Z', '2024-04-01T08:00:00.0000019Z'), " /* equal at us */
               "(7, '2024-04-01T08:00:00Z', NULL), "                              /* no assignment */
               "(8, '2024-04-01T08:00:00Z', ''), "                                /* no assignment */
               "(9, NULL, '2024-04-01T08:00:00Z'), "                              /* no event time */
               "(10, 'garbage', '2024-04-01T08:00:00Z'), "
               "(11, '2024-04-01T08:00:00Z', 'garbage'), "
               "(12, '1711958400', '2024-04-01T08:00:00Z'), "                     /* epoch seconds, equal */
               "(13, '2024-04-01 08:00:00.5', '2024-04-01T08:00:00.6Z'), "
               "(14, NULL, NULL), "
               "(15, '2024-03-31T23:30:00-08:30', '2024-04-01T08:00:00Z'), "      /* equal across midnight */
               "(16, '2024-04-01T08:00:00.999Z', '2024-04-01T09:00:00+01:00')");  /* after */
    assert_all_variants(s,
                        "1\t1\n2\t0\n3\t1\n4\t0\n5\t1\n6\t1\n7\t1\n8\t1\n9\t0\n10\t0\n11\t0\n12\t1\n13\t0\n14\t1\n"
                        "15\t1\n16\t1\n",
                        "SELECT k, is_valid_after_assignment%s(e, a) FROM va_in ORDER BY k");
    assert_same_as_rowbinary(s, "va_in", "is_valid_after_assignment%s(e, a)", NULL);
    itest_exec(s, "DROP TABLE va_in");

    itest_exec(s,
               "CREATE TABLE va64_in (k UInt64, e Nullable(DateTime64(6, 'UTC')), a Nullable(DateTime64(6, 'UTC'))) "
               "ENGINE = Memory");
    itest_exec(s,
               "INSERT INTO va64_in VALUES "
               "(1, '2024-04-01 08:00:00.000001', '2024-04-01 08:00:00.000000'), "
               "(2, '2024-04-01 08:00:00.000000', '2024-04-01 08:00:00.000001'), "
               "(3, '2024-04-01 08:00:00.123456', '2024-04-01 08:00:00.123456'), "
               "(4, '2024-04-01 08:00:00', NULL), "
               "(5, NULL, '2024-04-01 08:00:00'), "
               "(6, NULL, NULL), "
               "(7, '1969-12-31 23:59:59.999999', '1970-01-01 00:00:00'), "
               "(8, '1970-01-01 00:00:00', '1969-12-31 23:59:59.999999'), "
               "(9, '2299-12-31 23:59:59.999999', '1900-01-01 00:00:00')");
    assert_all_variants(s, "1\t1\n2\t0\n3\t1\n4\t1\n5\t0\n6\t1\n7\t0\n8\t1\n9\t1\n",
                        "SELECT k, is_valid_after_assignment_dt64%s(e, a) FROM va64_in ORDER BY k");
    assert_same_as_rowbinary(s, "va64_in", "is_valid_after_assignment_dt64%s(e, a)", NULL);
    itest_exec(s, "DROP TABLE va64_in");
}

/* ======================================================= 2. large blocks */

#define BIG_ROWS 100000

static void test_large_blocks(void **state) {
    chs_session *s = *state;
    double t0 = now_s();
    /* Outbox-shaped messages built in SQL from k, so every row's answer is
     * known: ts = 1700000000 + k seconds + (k % 1000000) us; assignment
     * (k % 7 - 3) seconds before it, NULL when k % 5 = 0; one row in a
     * thousand carries a 20 kB property (pipe buffers fill mid-chunk). */
    itest_exec(s, "CREATE TABLE big (k UInt64, message String, ts String, ats Nullable(String)) "
                  "ENGINE = MergeTree ORDER BY k");
    itest_exec(s,
               "INSERT INTO big SELECT k, concat("
               "'{\"before\":null,\"after\":{\"id\":\"', toString(k), '\",\"aggregate_id\":\"', toString(k %% 977), "
               "'\",\"payload\":', toJSONString(concat("
               "  '{\"id\":\"ev-', toString(k), '\",\"experiment_id\":', toString(k %% 1000), "
               "  ',\"user_id\":\"u', toString(k), '\",\"variant_id\":', toString(k %% 3), "
               "  ',\"variant_key\":\"v', toString(k %% 3), '\",\"event_type\":\"click\",\"timestamp\":\"', ts, "
               "  '\",\"assignment_at\":', if(ats IS NULL, 'null', concat('\"', ats, '\"')), "
               "  ',\"properties\":{\"n\":', toString(k), if(k %% 1000 = 0, concat(',\"blob\":\"', repeat('x', 20000), '\"'), ''), "
               "  '},\"session_id\":\"s', toString(k), '\"}')), "
               "'},\"source\":{\"db\":\"cdc\",\"schema\":\"public\",\"table\":\"outbox_events\",\"lsn\":', "
               "toString(26000000 + k * 8), ',\"txId\":', toString(700 + intDiv(k, 10)), "
               "'},\"op\":\"c\",\"ts_ms\":', toString(1700000000000 + k), '}') AS message, ts, ats "
               "FROM (SELECT number AS k, "
               "  concat(replace(toString(toDateTime(1700000000 + k, 'UTC')), ' ', 'T'), '.', "
               "         leftPad(toString(k %% 1000000), 6, '0'), 'Z') AS ts, "
               "  if(k %% 5 = 0, NULL, concat(replace(toString(toDateTime(1700000000 + k - (k %% 7 - 3), 'UTC')), ' ', 'T'), "
               "         '.', leftPad(toString(k %% 1000000), 6, '0'), 'Z')) AS ats "
               "  FROM numbers(%d))",
               BIG_ROWS);
    itest_assert_scalar(s, BIG_ROWS, "SELECT count() FROM big");

    for (size_t v = 0; v < ITEST_NVARIANTS; v++) {
        const char *sfx = itest_variants[v];
        if (!strstr(sfx, "pool") && *sfx) continue;   /* the pool variants: "" and "_pool_tsv" */
        /* Each check counts every row and the rows that are wrong; several
         * chunks per query (max_block_size), in order (k matched to its answer). */
        itest_assert_query(s, "100000\t0\n",
                           "SELECT count(), countIf(d.op != 'c' OR d.source_lsn != 26000000 + k * 8 OR "
                           "d.version != 26000000 + k * 8 OR d.ts_ms != 1700000000000 + k OR "
                           "d.source_tx_id != 700 + intDiv(k, 10) OR d.source_table != 'outbox_events' OR "
                           "JSONExtractString(d.after, 'id') != toString(k) OR d.row != d.after OR d.is_deleted OR "
                           "d.error != '') "
                           "FROM (SELECT k, debezium_unwrap%s(message) AS d FROM big) SETTINGS max_block_size = 8192",
                           sfx);
        itest_assert_query(s, "100000\t0\n",
                           "SELECT count(), countIf(e.id != concat('ev-', toString(k)) OR e.experiment_id != k %% 1000 "
                           "OR e.user_id != concat('u', toString(k)) OR e.variant_id != k %% 3 OR "
                           "toUnixTimestamp64Micro(e.timestamp) != (1700000000 + k) * 1000000 + k %% 1000000 OR "
                           "isNull(e.assignment_at) != (k %% 5 = 0) OR "
                           "ifNull(toUnixTimestamp64Micro(e.assignment_at), 0) != if(k %% 5 = 0, 0, "
                           "  (1700000000 + k - (k %% 7 - 3)) * 1000000 + k %% 1000000) OR "
                           "JSONExtractUInt(e.properties, 'n') != k OR "
                           "length(e.properties) != length(toString(k)) + 6 + if(k %% 1000 = 0, 20010, 0) OR "
                           "e.session_id != concat('s', toString(k)) OR e.op != 'c' OR "
                           "e.aggregate_id != toString(k %% 977) OR e.error != '') "
                           "FROM (SELECT k, experiment_event%s(message) AS e FROM big) SETTINGS max_block_size = 8192",
                           sfx);
        itest_assert_query(s, "100000\t0\n",
                           "SELECT count(), countIf(isNull(g) OR g != concat('u', toString(k))) "
                           "FROM (SELECT k, payload_get%s(message, 'after.payload.user_id') AS g FROM big) "
                           "SETTINGS max_block_size = 8192",
                           sfx);
        itest_assert_query(s, "100000\t0\t65714\n",
                           "SELECT count(), countIf(r != if(ats IS NULL, 1, k %% 7 >= 3)), countIf(r = 1) "
                           "FROM (SELECT k, ats, is_valid_after_assignment%s(ts, ats) AS r FROM big) "
                           "SETTINGS max_block_size = 8192",
                           sfx);
        itest_assert_query(s, "100000\t0\t65714\n",
                           "SELECT count(), countIf(r != if(ats IS NULL, 1, k %% 7 >= 3)), countIf(r = 1) "
                           "FROM (SELECT k, ats, is_valid_after_assignment_dt64%s("
                           "  parseDateTime64BestEffort(ts, 6, 'UTC'), parseDateTime64BestEffortOrNull(ats, 6, 'UTC')) AS r "
                           "  FROM big) SETTINGS max_block_size = 8192",
                           sfx);
    }
    /* Every variant equals RowBinary row for row, in blocks of 8192 and in
     * the default (65,536-row) blocks, several Native answer blocks each. */
    static const char *const big_calls[] = {
        "debezium_unwrap%s(message)", "experiment_event%s(message)", "payload_get%s(message, 'after.payload.user_id')",
        "is_valid_after_assignment%s(ts, ats)",
        "is_valid_after_assignment_dt64%s(parseDateTime64BestEffort(ts, 6, 'UTC'), parseDateTime64BestEffortOrNull(ats, 6, 'UTC'))",
    };
    for (size_t c = 0; c < sizeof(big_calls) / sizeof(big_calls[0]); c++) {
        assert_same_as_rowbinary(s, "big", big_calls[c], "SETTINGS max_block_size = 8192");
        assert_same_as_rowbinary(s, "big", big_calls[c], NULL);
    }
    /* Spot checks with the default block size (larger chunks). */
    itest_assert_query(s,
                       "99999\tc\t26799992\t{\"id\":\"99999\",\"aggregate_id\":\"345\",\"payload\":"
                       "\"{\\\\\"id\\\\\":\\\\\"ev-99999\\\\\",\\\\\"experiment_id\\\\\":999,\\\\\"user_id\\\\\":"
                       "\\\\\"u99999\\\\\",\\\\\"variant_id\\\\\":0,\\\\\"variant_key\\\\\":\\\\\"v0\\\\\","
                       "\\\\\"event_type\\\\\":\\\\\"click\\\\\",\\\\\"timestamp\\\\\":"
                       "\\\\\"2023-11-16T01:59:59.099999Z\\\\\",\\\\\"assignment_at\\\\\":"
                       "\\\\\"2023-11-16T01:59:58.099999Z\\\\\",\\\\\"properties\\\\\":{\\\\\"n\\\\\":99999},"
                       "\\\\\"session_id\\\\\":\\\\\"s99999\\\\\"}\"}\n",
                       "SELECT k, d.op, d.version, d.after FROM (SELECT k, debezium_unwrap(message) AS d FROM big) "
                       "WHERE k = 99999");
    itest_assert_query(s,
                       "0\tev-0\t0\t2023-11-14 22:13:20.000000\t\\N\n"
                       "12346\tev-12346\t346\t2023-11-15 01:39:06.012346\t2023-11-15 01:39:04.012346\n"
                       "50000\tev-50000\t0\t2023-11-15 12:06:40.050000\t\\N\n",
                       "SELECT k, e.id, e.experiment_id, toString(e.timestamp, 'UTC'), toString(e.assignment_at, 'UTC') "
                       "FROM (SELECT k, experiment_event(message) AS e FROM big) WHERE k IN (0, 12346, 50000) ORDER BY k");
    itest_exec(s, "DROP TABLE big");
    printf("[ info     ] large blocks: %d rows x 5 functions x 3 pool variants, all %zu variants vs RowBinary, in %.1f s\n",
           BIG_ROWS, ITEST_NVARIANTS, now_s() - t0);
}

/* ================================================== 3. materialized views */

/* One outbox event for the materialized-view test, all values chosen. */
static void mv_event(itest_rows *rows, char op, const char *id, uint64_t lsn, uint32_t experiment_id,
                     const char *user_id, const char *ts, int envelope) {
    itest_rng r = {lsn};
    itest_outbox o;
    itest_outbox_random(&r, &o);
    o.op = op;
    o.envelope = envelope;
    o.lsn = lsn;
    o.source_ts_ms = 1700000000000LL + (int64_t)lsn;
    o.ts_ms = o.source_ts_ms + 5;
    o.aggregate_id = experiment_id;
    snprintf(o.id, sizeof(o.id), "%s", id);
    o.experiment_id = experiment_id;
    snprintf(o.user_id, sizeof(o.user_id), "%s", user_id);
    snprintf(o.timestamp, sizeof(o.timestamp), "%s", ts);
    itest_buf b = {0};
    itest_outbox_write(&r, &o, &b);
    itest_rows_add(rows, b.p, b.n);
    itest_buf_free(&b);
}

static void test_materialized_views(void **state) {
    chs_session *s = *state;
    /* The Kafka engine's shape: one String column per record value. */
    itest_exec(s, "CREATE TABLE outbox_queue (message String) ENGINE = Null");
    itest_exec(s,
               "CREATE TABLE outbox_rows (id String, aggregate_id String, payload String, op String, "
               "version UInt64, is_deleted UInt8, source_lsn UInt64, ts_ms Int64) "
               "ENGINE = ReplacingMergeTree(version, is_deleted) ORDER BY id");
    itest_exec(s,
               "CREATE MATERIALIZED VIEW outbox_rows_mv TO outbox_rows AS "
               "SELECT JSONExtractString(d.row, 'id') AS id, JSONExtractString(d.row, 'aggregate_id') AS aggregate_id, "
               "JSONExtractString(d.row, 'payload') AS payload, d.op AS op, d.version AS version, "
               "d.is_deleted AS is_deleted, d.source_lsn AS source_lsn, d.ts_ms AS ts_ms "
               "FROM (SELECT debezium_unwrap(message) AS d FROM outbox_queue) WHERE d.error = '' AND d.row != ''");
    itest_exec(s,
               "CREATE TABLE experiment_events (id String, experiment_id UInt32, user_id String, variant_id UInt32, "
               "variant_key String, event_type String, timestamp DateTime64(6, 'UTC'), "
               "assignment_at Nullable(DateTime64(6, 'UTC')), properties String, session_id String, op String) "
               "ENGINE = MergeTree ORDER BY (experiment_id, timestamp, id)");
    itest_exec(s,
               "CREATE MATERIALIZED VIEW experiment_events_mv TO experiment_events AS "
               "SELECT e.id AS id, e.experiment_id AS experiment_id, e.user_id AS user_id, e.variant_id AS variant_id, "
               "e.variant_key AS variant_key, e.event_type AS event_type, e.timestamp AS timestamp, "
               "e.assignment_at AS assignment_at, e.properties AS properties, e.session_id AS session_id, e.op AS op "
               "FROM (SELECT experiment_event(message) AS e FROM outbox_queue) WHERE e.error = '' AND e.op IN ('c', 'r', 'u')");

    itest_rows b1 = {0}, b2 = {0}, b3 = {0};
    /* batch 1: five inserts (one with the envelope) */
    mv_event(&b1, 'c', "id-1", 1000, 11, "alice", "2024-04-01T08:00:01Z", 0);
    mv_event(&b1, 'c', "id-2", 1010, 12, "bob", "2024-04-01T08:00:02Z", 1);
    mv_event(&b1, 'c', "id-3", 1020, 13, "carol", "2024-04-01T08:00:03Z", 0);
    mv_event(&b1, 'c', "id-4", 1030, 14, "dave", "2024-04-01T08:00:04Z", 0);
    mv_event(&b1, 'c', "id-5", 1040, 15, "erin", "2024-04-01T08:00:05Z", 0);
    /* batch 2: updates of 2 and 3, delete of 4 + its tombstone, a new row 6 */
    mv_event(&b2, 'u', "id-2", 2000, 12, "bob-v2", "2024-04-01T09:00:02Z", 0);
    mv_event(&b2, 'u', "id-3", 2010, 13, "carol-v2", "2024-04-01T09:00:03+01:00", 1);
    mv_event(&b2, 'd', "id-4", 2020, 14, "dave", "2024-04-01T08:00:04Z", 0);
    itest_rows_adds(&b2, "");
    mv_event(&b2, 'c', "id-6", 2030, 16, "frank", "2024-04-01T09:00:06.5Z", 0);
    /* batch 3: a second update of 2, a delete of 5 (envelope) + tombstone, and a
     * stale, redelivered update of 3 (lower LSN than the one applied) */
    mv_event(&b3, 'u', "id-2", 3000, 12, "bob-v3", "2024-04-01T10:00:02Z", 0);
    mv_event(&b3, 'd', "id-5", 3010, 15, "erin", "2024-04-01T08:00:05Z", 1);
    itest_rows_adds(&b3, "");
    mv_event(&b3, 'u', "id-3", 1500, 13, "carol-stale", "2024-04-01T08:30:03Z", 0);
    itest_insert_strings(s, "outbox_queue", "message", &b1);
    itest_insert_strings(s, "outbox_queue", "message", &b2);
    itest_insert_strings(s, "outbox_queue", "message", &b3);
    itest_rows_free(&b1);
    itest_rows_free(&b2);
    itest_rows_free(&b3);

    /* Every change landed (tombstones carry no row and are skipped) … */
    itest_assert_scalar(s, 12, "SELECT count() FROM outbox_rows");
    /* … and FINAL keeps the latest version of each id, without the deleted ones. */
    itest_assert_query(s,
                       "id-1\tc\t1000\t11\talice\n"
                       "id-2\tu\t3000\t12\tbob-v3\n"
                       "id-3\tu\t2010\t13\tcarol-v2\n"
                       "id-6\tc\t2030\t16\tfrank\n",
                       "SELECT id, op, version, aggregate_id, JSONExtractString(payload, 'user_id') "
                       "FROM outbox_rows FINAL ORDER BY id");
    itest_assert_query(s, "id-4\t1\t2020\nid-5\t1\t3010\n",
                       "SELECT id, is_deleted, version FROM outbox_rows WHERE is_deleted ORDER BY id");
    /* A merge keeps one row per id: the latest (deletes as is_deleted = 1
     * markers, which FINAL hides). */
    itest_exec(s, "OPTIMIZE TABLE outbox_rows FINAL");
    itest_assert_query(s, "id-1\t1000\t0\nid-2\t3000\t0\nid-3\t2010\t0\nid-4\t2020\t1\nid-5\t3010\t1\nid-6\t2030\t0\n",
                       "SELECT id, version, is_deleted FROM outbox_rows ORDER BY id");
    itest_assert_scalar(s, 4, "SELECT count() FROM outbox_rows FINAL");

    /* The experiment events: one row per event that carries a payload
     * (c and u), decoded and typed; deletes and tombstones are not events. */
    itest_assert_query(s,
                       "id-1\t11\talice\t2024-04-01 08:00:01.000000\tc\n"
                       "id-2\t12\tbob\t2024-04-01 08:00:02.000000\tc\n"
                       "id-2\t12\tbob-v2\t2024-04-01 09:00:02.000000\tu\n"
                       "id-2\t12\tbob-v3\t2024-04-01 10:00:02.000000\tu\n"
                       "id-3\t13\tcarol\t2024-04-01 08:00:03.000000\tc\n"
                       "id-3\t13\tcarol-stale\t2024-04-01 08:30:03.000000\tu\n"
                       "id-3\t13\tcarol-v2\t2024-04-01 08:00:03.000000\tu\n"
                       "id-4\t14\tdave\t2024-04-01 08:00:04.000000\tc\n"
                       "id-5\t15\terin\t2024-04-01 08:00:05.000000\tc\n"
                       "id-6\t16\tfrank\t2024-04-01 09:00:06.500000\tc\n",
                       "SELECT id, experiment_id, user_id, toString(timestamp, 'UTC'), op FROM experiment_events "
                       "ORDER BY id, user_id");
    itest_exec(s, "DROP TABLE experiment_events_mv");
    itest_exec(s, "DROP TABLE outbox_rows_mv");
    itest_exec(s, "DROP TABLE experiment_events");
    itest_exec(s, "DROP TABLE outbox_rows");
    itest_exec(s, "DROP TABLE outbox_queue");
}

/* ==================================================== 4. differential */

#define CORPUS_ROWS 6000
#define CORPUS_SEED 20240401u

/* One comparison: our field vs ClickHouse's reading of the same message.
 * In the query: m = message, p = the change object (payload of the envelope
 * or the message), pl = the outbox payload JSON text, e / d = our tuples. */
typedef struct diff_check { const char *name, *ok; } diff_check;

static const diff_check DIFF_EXPERIMENT[] = {
    {"id", "e.id = JSONExtractString(pl, 'id')"},
    {"experiment_id", "e.experiment_id = JSONExtractUInt(pl, 'experiment_id')"},
    {"user_id", "e.user_id = JSONExtractString(pl, 'user_id')"},
    {"variant_id", "e.variant_id = JSONExtractUInt(pl, 'variant_id')"},
    {"variant_key", "e.variant_key = JSONExtractString(pl, 'variant_key')"},
    {"event_type", "e.event_type = JSONExtractString(pl, 'event_type')"},
    {"timestamp", "toUnixTimestamp64Micro(e.timestamp) = "
                  "toUnixTimestamp64Micro(parseDateTime64BestEffortOrZero(JSONExtractString(pl, 'timestamp'), 6, 'UTC'))"},
    {"assignment_at", "ifNull(toUnixTimestamp64Micro(e.assignment_at), -1) = ifNull(toUnixTimestamp64Micro("
                      "parseDateTime64BestEffortOrNull(JSONExtract(pl, 'assignment_at', 'Nullable(String)'), 6, 'UTC')), -1)"},
    {"properties", "if(e.properties = '', '', JSONExtractRaw(concat('{\"p\":', e.properties, '}'), 'p')) = "
                   "JSONExtractRaw(pl, 'properties')"},
    {"session_id", "e.session_id = JSONExtractString(pl, 'session_id')"},
    {"op", "e.op = JSONExtractString(p, 'op')"},
    {"aggregate_id", "e.aggregate_id = JSONExtractString(p, 'after', 'aggregate_id')"},
    {"error", "e.error = ''"},
};

static const diff_check DIFF_UNWRAP[] = {
    {"op", "d.op = JSONExtractString(p, 'op')"},
    {"source_lsn", "d.source_lsn = JSONExtractUInt(p, 'source', 'lsn')"},
    {"version", "d.version = JSONExtractUInt(p, 'source', 'lsn')"},
    {"source_table", "d.source_table = JSONExtractString(p, 'source', 'table')"},
    {"source_db", "d.source_db = JSONExtractString(p, 'source', 'db')"},
    {"source_schema", "d.source_schema = JSONExtractString(p, 'source', 'schema')"},
    {"source_tx_id", "d.source_tx_id = JSONExtractUInt(p, 'source', 'txId')"},
    {"source_ts_ms", "d.source_ts_ms = JSONExtractInt(p, 'source', 'ts_ms')"},
    {"snapshot", "d.snapshot = JSONExtractString(p, 'source', 'snapshot')"},
    {"ts_ms", "d.ts_ms = JSONExtractInt(p, 'ts_ms')"},
    {"after", "if(d.after = '', 'null', JSONExtractRaw(concat('{\"p\":', d.after, '}'), 'p')) = JSONExtractRaw(p, 'after')"},
    /* with the schema envelope the ZonedTimestamp comes back normalised (UTC,
     * 6 fraction digits): the same instant, so compare it as one */
    {"before", "replaceRegexpOne(if(d.before = '', 'null', JSONExtractRaw(concat('{\"p\":', d.before, '}'), 'p')), "
               "'\"created_at\":\"[^\"]*\"', '') = "
               "replaceRegexpOne(JSONExtractRaw(p, 'before'), '\"created_at\":\"[^\"]*\"', '') AND "
               "parseDateTime64BestEffortOrZero(JSONExtractString(d.before, 'created_at'), 6) = "
               "parseDateTime64BestEffortOrZero(JSONExtractString(p, 'before', 'created_at'), 6)"},
    {"row", "d.row = if(d.op = 'd', d.before, d.after)"},
    {"is_deleted", "d.is_deleted = (JSONExtractString(p, 'op') = 'd')"},
    {"error", "d.error = ''"},
    /* our payload text is the column ClickHouse sees */
    {"after.payload", "JSONExtractString(d.after, 'payload') = pl"},
};

/* Counts, for every check, the rows where it fails; prints a few examples
 * of failing rows.  Returns the number of rows with any failure. */
static long long diff_run(chs_session *s, const char *fn, const diff_check *checks, size_t n, const char *alias) {
    itest_buf all = {0}, counts = {0};
    for (size_t i = 0; i < n; i++) {
        itest_buf_printf(&all, "%s(%s)", i ? " AND " : "", checks[i].ok);
        itest_buf_printf(&counts, "%scountIf(NOT (%s))", i ? ", " : "", checks[i].ok);
    }
    const char *from_fmt =
        "FROM (SELECT k, m, p, JSONExtractString(p, 'after', 'payload') AS pl, %s(m) AS %s FROM ("
        "  SELECT k, message AS m, if(JSONHas(m, 'schema') AND JSONHas(m, 'payload'), JSONExtractRaw(m, 'payload'), m) AS p "
        "  FROM corpus))";
    char from[1024];
    snprintf(from, sizeof(from), from_fmt, fn, alias);
    long long bad = itest_scalar(s, "SELECT countIf(NOT (%s)) %s", all.p, from);
    if (bad) {
        char *per = itest_query(s, "SELECT %s %s", counts.p, from);
        print_error("%s: %lld rows differ; per field:\n", fn, bad);
        const char *c = per;
        for (size_t i = 0; i < n; i++) {
            long long k = strtoll(c, (char **)&c, 10);
            if (k) print_error("  %-14s %lld\n", checks[i].name, k);
            if (*c) c++;
        }
        free(per);
        char *ex = itest_query(s, "SELECT k, m, %s %s WHERE NOT (%s) ORDER BY k LIMIT 3", alias, from, all.p);
        print_error("first rows:\n%.6000s\n", ex);
        free(ex);
    }
    itest_buf_free(&all);
    itest_buf_free(&counts);
    return bad;
}

static void test_differential(void **state) {
    chs_session *s = *state;
    double t0 = now_s();
    itest_rng r = {CORPUS_SEED};
    itest_buf rb = {0}, msg = {0};
    unsigned ops[128] = {0}, envelopes = 0, nulls = 0;
    for (unsigned k = 0; k < CORPUS_ROWS; k++) {
        itest_outbox o;
        itest_outbox_random(&r, &o);
        itest_buf_clear(&msg);
        itest_outbox_write(&r, &o, &msg);
        itest_rb_u64(&rb, k);
        itest_rb_string(&rb, msg.p, msg.n);
        ops[(unsigned char)o.op]++;
        envelopes += (unsigned)o.envelope;
        nulls += o.assignment_at[0] == 0;
    }
    itest_exec(s, "CREATE TABLE corpus (k UInt64, message String) ENGINE = MergeTree ORDER BY k");
    itest_insert_rowbinary(s, "corpus (k, message)", "k UInt64, message String", &rb);
    itest_buf_free(&rb);
    itest_buf_free(&msg);
    itest_assert_scalar(s, CORPUS_ROWS, "SELECT count() FROM corpus");
    /* The corpus is what it claims: every message valid JSON to ClickHouse, the
     * payload too (for the rows that have one). */
    itest_assert_scalar(s, CORPUS_ROWS, "SELECT countIf(isValidJSON(message)) FROM corpus");
    itest_assert_scalar(s, (long long)ops['d'],
                        "SELECT countIf(NOT isValidJSON(JSONExtractString(if(JSONHas(message, 'schema'), "
                        "JSONExtractRaw(message, 'payload'), message), 'after', 'payload'))) FROM corpus");

    long long total_bad = 0;
    for (size_t v = 0; v < ITEST_NVARIANTS; v++) {
        char fn[64];
        snprintf(fn, sizeof(fn), "experiment_event%s", itest_variants[v]);
        long long bad_e = diff_run(s, fn, DIFF_EXPERIMENT, sizeof(DIFF_EXPERIMENT) / sizeof(DIFF_EXPERIMENT[0]), "e");
        snprintf(fn, sizeof(fn), "debezium_unwrap%s", itest_variants[v]);
        long long bad_d = diff_run(s, fn, DIFF_UNWRAP, sizeof(DIFF_UNWRAP) / sizeof(DIFF_UNWRAP[0]), "d");
        printf("[ info     ] differential%-14s %d rows (c %u, r %u, u %u, d %u; %u with envelope; %u null "
               "assignment_at): experiment_event %lld, debezium_unwrap %lld mismatching rows\n",
               itest_variants[v], CORPUS_ROWS, ops['c'], ops['r'], ops['u'], ops['d'], envelopes, nulls, bad_e, bad_d);
        total_bad += bad_e + bad_d;
    }
    /* payload_get on the same corpus agrees with JSONExtract for a nested path. */
    long long bad_get = itest_scalar(
        s, "SELECT countIf(ifNull(payload_get(message, if(JSONHas(message, 'schema'), 'payload.after.payload.user_id', "
           "'after.payload.user_id')), '<null>') != if(JSONExtractString(message, 'op') = 'd' OR "
           "JSONExtractString(message, 'payload', 'op') = 'd', '<null>', JSONExtractString(JSONExtractString("
           "if(JSONHas(message, 'schema'), JSONExtractRaw(message, 'payload'), message), 'after', 'payload'), 'user_id'))) "
           "FROM corpus");
    printf("[ info     ] differential payload_get: %lld mismatching rows; %.1f s\n", bad_get, now_s() - t0);
    assert_int_equal(total_bad, 0);
    assert_int_equal(bad_get, 0);
    /* The other variants' whole tuples equal RowBinary's, row for row. */
    assert_same_as_rowbinary(s, "corpus", "experiment_event%s(message)", NULL);
    assert_same_as_rowbinary(s, "corpus", "debezium_unwrap%s(message)", NULL);
    assert_same_as_rowbinary(s, "corpus", "payload_get%s(message, 'after.payload.assignment_at')", NULL);
    itest_exec(s, "DROP TABLE corpus");
}

/* ============================================================= 5. junk */

/* BAD_PAYLOAD: a well-formed change event whose outbox payload is not JSON:
 * junk for experiment_event, a valid row for debezium_unwrap. */
enum { VALID, JUNK, TOMBSTONE, BAD_PAYLOAD };

static void test_junk_rows(void **state) {
    chs_session *s = *state;
    static const char garbage[] = "\0\xff\xfe\x80{\"op\":\0\"c\"\xc3\x28}\xf5\x80";
    itest_rng r = {7};
    itest_buf valid = {0};
    itest_outbox o;
    itest_outbox_random(&r, &o);
    o.op = 'c';
    o.envelope = 0;
    itest_outbox_write(&r, &o, &valid);
    struct { int kind; const char *s; size_t n; } junk[] = {
        {JUNK, "{\"op\":\"c\",\"after\":{\"id\":1}", 0},                        /* invalid JSON (unclosed) */
        {JUNK, "{op:c}", 0},                                                     /* invalid JSON */
        {TOMBSTONE, "", 0},                                                      /* tombstone */
        {JUNK, garbage, sizeof(garbage) - 1},                                    /* NUL bytes, invalid UTF-8 */
        {JUNK, valid.p, valid.n / 2},                                            /* truncated message */
        {JUNK, "[{\"op\":\"c\"}]", 0},                                          /* a JSON array */
        {JUNK, "{\"id\":\"6f0a4c2e-1111-4a5b-8c9d-000000000001\"}", 0},         /* a record key */
        {JUNK, "{\"schema\":{\"type\":\"struct\",\"fields\":[{\"type\":\"string\",\"optional\":false,"
               "\"field\":\"id\"}],\"optional\":false,\"name\":\"dbz.public.outbox_events.Key\"},"
               "\"payload\":{\"id\":\"6f0a4c2e\"}}", 0},                        /* a record key, with schema */
        {JUNK, "\"just a string\"", 0},
        {JUNK, "42", 0},
        {BAD_PAYLOAD, "{\"op\":\"c\",\"after\":{\"id\":\"bad\",\"payload\":\"{\\\"id\\\":\"}}", 0},
    };
    size_t njunk = sizeof(junk) / sizeof(junk[0]);
    /* valid rows with a known id and lsn around and between every junk row */
    itest_buf rbuf = {0};
    size_t k = 0, nvalid = 0;
    for (size_t rep = 0; rep < 3; rep++) {
        for (size_t j = 0; j <= njunk; j++) {
            for (int i = 0; i < 2; i++) {
                itest_outbox_random(&r, &o);
                o.op = i ? 'u' : 'c';
                o.lsn = 1000 + k;
                snprintf(o.id, sizeof(o.id), "valid-%zu", k);
                itest_buf m = {0};
                itest_outbox_write(&r, &o, &m);
                itest_rb_u64(&rbuf, k++);
                itest_rb_u8(&rbuf, VALID);
                itest_rb_string(&rbuf, m.p, m.n);
                itest_buf_free(&m);
                nvalid++;
            }
            if (j == njunk) break;
            itest_rb_u64(&rbuf, k++);
            itest_rb_u8(&rbuf, (uint8_t)junk[j].kind);
            itest_rb_string(&rbuf, junk[j].s, junk[j].n ? junk[j].n : strlen(junk[j].s));
        }
    }
    itest_exec(s, "CREATE TABLE junk (k UInt64, kind UInt8, message String) ENGINE = MergeTree ORDER BY k");
    itest_insert_rowbinary(s, "junk (k, kind, message)", "k UInt64, kind UInt8, message String", &rbuf);
    itest_buf_free(&rbuf);
    itest_buf_free(&valid);
    itest_assert_scalar(s, (long long)k, "SELECT count() FROM junk");
    itest_assert_scalar(s, (long long)nvalid, "SELECT countIf(kind = %d) FROM junk", VALID);

    char want[64];
    for (size_t v = 0; v < ITEST_NVARIANTS; v++) {
        /* count; rows whose error presence is wrong; tombstones not marked
         * deleted; valid rows decoded wrong; the bad-payload event not decoded;
         * junk rows that got values.  Blocks of 16: junk in every chunk. */
        snprintf(want, sizeof(want), "%zu\t0\t0\t0\t0\t0\n", k);
        itest_assert_query(s, want,
                           "SELECT count(), countIf((d.error != '') != (kind = %d)), "
                           "countIf(kind = %d AND NOT (d.is_deleted = 1 AND d.op = '' AND d.row = '')), "
                           "countIf(kind = %d AND NOT (d.op IN ('c', 'u') AND d.source_lsn = 1000 + k AND "
                           "  JSONExtractString(d.after, 'id') = concat('valid-', toString(k)))), "
                           "countIf(kind = %d AND NOT (d.op = 'c' AND JSONExtractString(d.row, 'id') = 'bad')), "
                           "countIf(kind = %d AND (d.op != '' OR d.row != '' OR d.version != 0 OR d.is_deleted)) "
                           "FROM (SELECT k, kind, debezium_unwrap%s(message) AS d FROM junk) SETTINGS max_block_size = 16",
                           JUNK, TOMBSTONE, VALID, BAD_PAYLOAD, JUNK, itest_variants[v]);
        snprintf(want, sizeof(want), "%zu\t0\t0\t0\t0\n", k);
        itest_assert_query(s, want,
                           "SELECT count(), countIf((e.error != '') != (kind IN (%d, %d))), "
                           "countIf(kind = %d AND NOT (e.id = '' AND e.op = '' AND isNull(e.assignment_at))), "
                           "countIf(kind = %d AND NOT (e.op IN ('c', 'u') AND e.id = concat('valid-', toString(k)) AND "
                           "  e.user_id LIKE 'user-%%' AND toYear(e.timestamp) BETWEEN 2020 AND 2026)), "
                           "countIf(kind IN (%d, %d) AND (e.id != '' OR e.experiment_id != 0 OR e.user_id != '')) "
                           "FROM (SELECT k, kind, experiment_event%s(message) AS e FROM junk) SETTINGS max_block_size = 16",
                           JUNK, BAD_PAYLOAD, TOMBSTONE, VALID, JUNK, BAD_PAYLOAD, itest_variants[v]);
        /* payload_get answers NULL for every junk row, the value for every valid one */
        snprintf(want, sizeof(want), "%zu\t0\n", k);
        itest_assert_query(s, want,
                           "SELECT count(), countIf(ifNull(g, 'NULL') != if(kind = %d, toString(1000 + k), 'NULL')) "
                           "FROM (SELECT k, kind, payload_get%s(message, if(JSONHas(message, 'schema'), "
                           "'payload.source.lsn', 'source.lsn')) AS g FROM junk) SETTINGS max_block_size = 16",
                           VALID, itest_variants[v]);
    }
    /* The reasons are sentences about the message, not defaults. */
    itest_assert_query(s,
                       "not a Debezium change event: a record key\n"
                       "not a Debezium change event: no \"op\" field (a record key, or other JSON)\n"
                       "not a Debezium change event: the message is a JSON array, not an object\n",
                       "SELECT DISTINCT debezium_unwrap(message).error AS e FROM junk WHERE e LIKE 'not a Debezium%%' "
                       "AND (e LIKE '%%record key%%' OR e LIKE '%%array%%') ORDER BY e");
    /* Junk in every chunk: each variant's whole answers equal RowBinary's. */
    static const char *const calls[] = {"debezium_unwrap%s(message)", "experiment_event%s(message)",
                                        "payload_get%s(message, 'after.id')", "is_valid_after_assignment%s(message, message)"};
    for (size_t c = 0; c < sizeof(calls) / sizeof(calls[0]); c++)
        assert_same_as_rowbinary(s, "junk", calls[c], "SETTINGS max_block_size = 16");
    itest_exec(s, "DROP TABLE junk");
}

/* Every proper prefix of a message (a record cut short anywhere) and the
 * message with something after it are errors for both decoders; trailing
 * whitespace is not. */
static void test_damaged_everywhere(void **state) {
    chs_session *s = *state;
    itest_rng r = {99};
    itest_buf rb = {0};
    size_t k = 0, expect_ok = 0;
    for (int envelope = 0; envelope < 2; envelope++) {
        itest_outbox o;
        itest_outbox_random(&r, &o);
        o.op = 'c';
        o.envelope = envelope;
        itest_buf m = {0};
        itest_outbox_write(&r, &o, &m);
        for (size_t len = 1; len < m.n; len++) {
            itest_rb_u64(&rb, k++);
            itest_rb_u8(&rb, 0);
            itest_rb_string(&rb, m.p, len);
        }
        static const char *const tails[] = {"}", ",", "x", "{}", "\n{}", "]"};
        for (size_t t = 0; t < sizeof(tails) / sizeof(tails[0]); t++) {
            itest_buf d = {0};
            itest_buf_put(&d, m.p, m.n);
            itest_buf_puts(&d, tails[t]);
            itest_rb_u64(&rb, k++);
            itest_rb_u8(&rb, 0);
            itest_rb_string(&rb, d.p, d.n);
            itest_buf_free(&d);
        }
        static const char nul_tail[] = {'\0'};
        itest_buf d = {0};
        itest_buf_put(&d, m.p, m.n);
        itest_buf_put(&d, nul_tail, 1);
        itest_rb_u64(&rb, k++);
        itest_rb_u8(&rb, 0);
        itest_rb_string(&rb, d.p, d.n);
        itest_buf_clear(&d);
        itest_buf_put(&d, m.p, m.n);
        itest_buf_puts(&d, " \r\n\t");
        itest_rb_u64(&rb, k++);
        itest_rb_u8(&rb, 1);      /* whole message + whitespace: fine */
        itest_rb_string(&rb, d.p, d.n);
        expect_ok++;
        itest_buf_free(&d);
        itest_buf_free(&m);
    }
    itest_exec(s, "CREATE TABLE damaged (k UInt64, ok UInt8, message String) ENGINE = MergeTree ORDER BY k");
    itest_insert_rowbinary(s, "damaged (k, ok, message)", "k UInt64, ok UInt8, message String", &rb);
    itest_buf_free(&rb);
    itest_assert_scalar(s, (long long)k, "SELECT count() FROM damaged");
    char want[64];
    snprintf(want, sizeof(want), "%zu\t0\t0\t%zu\n", k, expect_ok);
    for (size_t v = 0; v < ITEST_NVARIANTS; v++) {
        itest_assert_query(s, want,
                           "SELECT count(), countIf((d.error = '') != ok), countIf((e.error = '') != ok), "
                           "countIf(ok AND d.op = 'c' AND e.op = 'c' AND e.id != '') "
                           "FROM (SELECT ok, debezium_unwrap%s(message) AS d, experiment_event%s(message) AS e "
                           "FROM damaged)",
                           itest_variants[v], itest_variants[v]);
    }
    assert_same_as_rowbinary(s, "damaged", "debezium_unwrap%s(message)", NULL);
    assert_same_as_rowbinary(s, "damaged", "experiment_event%s(message)", NULL);
    printf("[ info     ] damaged messages: %zu rows, every one an error for both decoders\n", k - expect_ok);
    itest_exec(s, "DROP TABLE damaged");
}

/* ========================================================== 6. loading */

/* Runs `<scripts>/<command> --signature` (the command split on spaces, as
 * ClickHouse does with execute_direct) and returns its first output line. */
static char *binary_signature(const char *command) {
    char *copy = strdup(command);
    const char *argv[64];
    int argc = 0;
    for (char *t = strtok(copy, " "); t && argc < 62; t = strtok(NULL, " ")) argv[argc++] = t;
    argv[argc++] = "--signature";
    argv[argc] = NULL;
    udfproc_result r;
    char *text = NULL;
    if (udfproc_run(argv[0], argv + 1, NULL, 0, &r) == 0 && udfproc_code(&r) == 0) {
        text = tb_take(&r.out);
        char *nl = strchr(text, '\n');
        if (nl) *nl = 0;
    }
    udfproc_result_free(&r);
    free(copy);
    return text;
}

static void test_functions_loaded(void **state) {
    chs_session *s = *state;
    itest_buf names = {0}, expected = {0};
    /* The expected listing, sorted as ClickHouse sorts names (bytewise). */
    const char *all[NFUNCTIONS * ITEST_NVARIANTS];
    size_t n = 0;
    for (size_t f = 0; f < NFUNCTIONS; f++)
        for (size_t v = 0; v < ITEST_NVARIANTS; v++) {
            char *name = malloc(96);
            snprintf(name, 96, "%s%s", FUNCTIONS[f], itest_variants[v]);
            all[n++] = name;
        }
    for (size_t i = 1; i < n; i++)
        for (size_t j = i; j > 0 && strcmp(all[j - 1], all[j]) > 0; j--) {
            const char *t = all[j];
            all[j] = all[j - 1];
            all[j - 1] = t;
        }
    for (size_t i = 0; i < n; i++) {
        itest_buf_printf(&names, "%s'%s'", i ? ", " : "", all[i]);
        itest_buf_printf(&expected, "%s\tSuccess\t\n", all[i]);
    }
    itest_assert_query(s, expected.p,
                       "SELECT name, load_status, loading_error_message FROM system.user_defined_functions "
                       "WHERE name IN (%s) ORDER BY name",
                       names.p);
    /* Each function answers (a real process ran). */
    itest_assert_scalar(s, (long long)n, "SELECT count() FROM system.user_defined_functions WHERE load_status = 'Success' "
                               "AND name IN (%s)", names.p);

    /* The XML's return_type is exactly what the binary declares for its
     * command line: a mismatch would make ClickHouse misread the output. */
    itest_table *t = itest_query_table(s,
                                       "SELECT name, command, return_type FROM system.user_defined_functions "
                                       "WHERE name IN (%s) ORDER BY name",
                                       names.p);
    assert_int_equal(t->nrows, n);
    for (size_t i = 0; i < t->nrows; i++) {
        const char *name = itest_cell(t, i, 0), *command = itest_cell(t, i, 1), *rt = itest_cell(t, i, 2);
        char *sig = binary_signature(command);
        if (!sig || strcmp(sig, rt) != 0)
            print_error("%s: XML return_type %s\n  binary `%s --signature` says %s\n", name, rt, command,
                        sig ? sig : "(failed)");
        assert_non_null(sig);
        assert_string_equal(sig, rt);
        free(sig);
    }
    itest_table_free(t);
    for (size_t i = 0; i < n; i++) free((char *)all[i]);
    itest_buf_free(&names);
    itest_buf_free(&expected);
}

/* ================================================================ main */

static int group_setup(void **state) {
    chs_session *s = itest_open();
    if (!s) return -1;
    /* Results are printed in UTC whatever the machine's zone. */
    char *err = NULL;
    char *out = chs_query(s, "SET session_timezone = 'UTC'", NULL, NULL, &err);
    if (!out) {
        fprintf(stderr, "SET session_timezone failed: %s\n", err ? err : "?");
        free(err);
        itest_close(s);
        return -1;
    }
    free(out);
    *state = s;
    return 0;
}

static int group_teardown(void **state) {
    itest_close(*state);
    return 0;
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_functions_loaded),
        cmocka_unit_test(test_unwrap_variants),
        cmocka_unit_test(test_experiment_variants),
        cmocka_unit_test(test_date_variants),
        cmocka_unit_test(test_payload_get_variants),
        cmocka_unit_test(test_is_valid_variants),
        cmocka_unit_test(test_junk_rows),
        cmocka_unit_test(test_damaged_everywhere),
        cmocka_unit_test(test_materialized_views),
        cmocka_unit_test(test_differential),
        cmocka_unit_test(test_large_blocks),
    };
    return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
