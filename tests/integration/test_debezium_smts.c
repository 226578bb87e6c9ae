/* test_debezium_smts.c — two of Debezium's SMTs computed inside ClickHouse,
 * in every format x mode variant of debezium_unwrap and in payload_extract
 * (orders_change, `--path @row`).
 *
 *   logical decoding messages  op "m" events (pg_logical_emit_message) are
 *                 the record DecodeLogicalDecodingMessageContent makes of
 *                 them: op "c", the base64 content decoded, parsed and
 *                 written as JSON as the SMT's JsonSchemaData and the JSON
 *                 converter write it (null members dropped), the message
 *                 block and its prefix gone — with and without the schema
 *                 envelope, transactional or not; content the SMT fails on
 *                 is a row with op "m", no row image and an error; a message
 *                 the SMT leaves alone stays op "m" without one;
 *   changed columns  ExtractChangedRecordState's lists for updates with a
 *                 full before image, in the after image's column order, and
 *                 TOASTed columns (the placeholder in any of its forms) in
 *                 `unavailable` only; empty lists for everything else. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "itest.h"

/* (k, message) rows, k = 1, 2, … in order. */
static void insert_keyed(chs_session *s, const char *table, const char *const *messages, size_t n) {
    itest_buf rb = {0};
    for (size_t i = 0; i < n; i++) {
        itest_rb_u64(&rb, i + 1);
        itest_rb_string(&rb, messages[i], strlen(messages[i]));
    }
    char target[128];
    snprintf(target, sizeof(target), "%s (k, message)", table);
    itest_exec(s, "CREATE TABLE %s (k UInt64, message String) ENGINE = Memory", table);
    itest_insert_rowbinary(s, target, "k UInt64, message String", &rb);
    itest_buf_free(&rb);
}

/* ========================================== logical decoding messages */

#define SOURCE(lsn, tx)                                                                                         \
    "\"source\":{\"version\":\"3.1.3.Final\",\"connector\":\"postgresql\",\"name\":\"dbz\",\"ts_ms\":1723115239782," \
    "\"snapshot\":\"false\",\"db\":\"shop\",\"sequence\":\"[null,\\\"" #lsn "\\\"]\",\"schema\":\"\",\"table\":\"\","  \
    "\"txId\":" #tx ",\"lsn\":" #lsn ",\"xmin\":null}"
/* Debezium's documented example's content:
 * {"id": 1, "item": "Debezium in Action", "status": "ENTERED", "quantity": 2, "totalPrice": 39.98} */
#define DOC_CONTENT                                                                                     \
    "eyJpZCI6IDEsICJpdGVtIjogIkRlYmV6aXVtIGluIEFjdGlvbiIsICJzdGF0dXMiOiAiRU5URVJFRCIsICJxdWFudGl0eSI6IDIs" \
    "ICJ0b3RhbFByaWNlIjogMzkuOTh9"
#define DOC_AFTER "{\"id\":1,\"item\":\"Debezium in Action\",\"status\":\"ENTERED\",\"quantity\":2,\"totalPrice\":39.98}"
#define MESSAGE_SCHEMA(name)                                                                                        \
    "{\"type\":\"struct\",\"fields\":[{\"type\":\"string\",\"optional\":false,\"field\":\"op\"},{\"type\":\"struct\"," \
    "\"fields\":[{\"type\":\"string\",\"optional\":true,\"field\":\"prefix\"},{\"type\":\"bytes\",\"optional\":true,"    \
    "\"field\":\"content\"}],\"optional\":false,\"name\":\"io.debezium.connector.postgresql.Message\",\"version\":1,"     \
    "\"field\":\"message\"}],\"optional\":false,\"name\":\"" name "\",\"version\":1}"

static const char *const LDM_IN[] = {
    /* 1 the documented example, transactional */
    "{\"op\":\"m\",\"ts_ms\":1723115240065," SOURCE(26997904, 756) ",\"transaction\":null,"
    "\"message\":{\"prefix\":\"test-prefix\",\"content\":\"" DOC_CONTENT "\"}}",
    /* 2 the same with the schema envelope */
    "{\"schema\":" MESSAGE_SCHEMA("io.debezium.connector.postgresql.MessageValue") ",\"payload\":{\"op\":\"m\","
    "\"ts_ms\":1723115240065," SOURCE(26997904, 756) ",\"transaction\":null,"
    "\"message\":{\"prefix\":\"test-prefix\",\"content\":\"" DOC_CONTENT "\"}}}",
    /* 3 non-transactional (no txId): {"a":null,"b":[],"c":{"d":null},"e":"x"}, nulls and [] dropped */
    "{\"op\":\"m\",\"ts_ms\":1723115240100," SOURCE(26997999, null) ",\"transaction\":null,"
    "\"message\":{\"prefix\":\"\",\"content\":\"eyJhIjpudWxsLCJiIjpbXSwiYyI6eyJkIjpudWxsfSwiZSI6IngifQ==\"}}",
    /* 4 content that is not JSON ("hello"): the SMT fails */
    "{\"op\":\"m\",\"ts_ms\":1723115240200," SOURCE(26998000, 757) ",\"transaction\":null,"
    "\"message\":{\"prefix\":\"p\",\"content\":\"aGVsbG8=\"}}",
    /* 5 an order as a message: orders_change reads it with --path @row
     *   {"id":10007,"order_date":"2024-01-02","purchaser":1001,"quantity":3,"product_id":107} */
    "{\"op\":\"m\",\"ts_ms\":1723115240300," SOURCE(26998100, 758) ",\"transaction\":null,"
    "\"message\":{\"prefix\":\"orders\",\"content\":\"eyJpZCI6MTAwMDcsIm9yZGVyX2RhdGUiOiIyMDI0LTAxLTAyIiwicHVyY2hhc2VyIjox"
    "MDAxLCJxdWFudGl0eSI6MywicHJvZHVjdF9pZCI6MTA3fQ==\"}}",
    /* 6 an envelope whose value schema is not PostgreSQL's message value: left alone */
    "{\"schema\":" MESSAGE_SCHEMA("other.Value") ",\"payload\":{\"op\":\"m\",\"ts_ms\":1," SOURCE(26998200, 759)
    ",\"message\":{\"prefix\":\"p\",\"content\":\"e30=\"}}}",
};

static void test_logical_decoding_messages(void **state) {
    chs_session *s = *state;
    insert_keyed(s, "ldm", LDM_IN, sizeof(LDM_IN) / sizeof(LDM_IN[0]));
    /* k op row before version tx_id is_deleted has_error */
    static const char expected[] =
        "1\tc\t" DOC_AFTER "\t\t26997904\t756\t0\t0\n"
        "2\tc\t" DOC_AFTER "\t\t26997904\t756\t0\t0\n"
        "3\tc\t{\"c\":{},\"e\":\"x\"}\t\t26997999\t0\t0\t0\n"
        "4\tm\t\t\t26998000\t757\t0\t1\n"
        "5\tc\t{\"id\":10007,\"order_date\":\"2024-01-02\",\"purchaser\":1001,\"quantity\":3,\"product_id\":107}\t\t26998100"
        "\t758\t0\t0\n"
        "6\tm\t\t\t26998200\t759\t0\t0\n";
    itest_assert_every_variant(s, expected, "debezium_unwrap",
                               "SELECT k, r.op, r.row, r.before, r.version, r.source_tx_id, r.is_deleted, r.error != '' "
                               "FROM (SELECT k, %s(message) AS r FROM ldm) ORDER BY k");
    itest_assert_query(s, "Unable to parse logical decoding message content JSON string \\'hello\\'\n",
                       "SELECT debezium_unwrap(message).error FROM ldm WHERE k = 4");
    /* payload_extract --path @row sees the same row, and $.op the SMT's op */
    static const char orders[] = "5\t10007\t2024-01-02\t1001\t3\t107\tc\t26998100\t\n";
    for (int tsv = 0; tsv < 2; tsv++)
        itest_assert_query(s, orders,
                           "SELECT k, o.id, o.order_date, o.purchaser, o.quantity, o.product_id, o.op, o.version, o.error "
                           "FROM (SELECT k, orders_change%s(message) AS o FROM ldm) WHERE k = 5",
                           tsv ? "_tsv" : "");
    itest_assert_query(s, "4\tm\t1\n",
                       "SELECT k, o.op, o.error LIKE 'Unable to parse logical decoding message content%%' "
                       "FROM (SELECT k, orders_change(message) AS o FROM ldm) WHERE k = 4");
    /* the prefix, which the SMT's record drops, is still in the raw message */
    itest_assert_query(s, "1\ttest-prefix\n5\torders\n",
                       "SELECT k, payload_get(message, 'message.prefix') FROM ldm WHERE k IN (1, 5) ORDER BY k");
    itest_exec(s, "DROP TABLE ldm");
}

/* ================================================== changed columns */

#define PLACEHOLDER "__debezium_unavailable_value"
#define UPD(before, after) \
    "{\"before\":" before ",\"after\":" after "," SOURCE(27000000, 800) ",\"transaction\":null,\"op\":\"u\",\"ts_ms\":1}"

static const char *const CHANGES_IN[] = {
    /* 1 Debezium's test: an update of name */
    UPD("{\"id\":1,\"name\":\"myRecord\"}", "{\"id\":1,\"name\":\"updatedRecord\"}"),
    /* 2 after's column order; before in another order; a column new in after */
    UPD("{\"qty\":2,\"id\":7,\"note\":null}", "{\"id\":7,\"note\":\"it's\",\"qty\":2,\"extra\":[1, 2]}"),
    /* 3 TOAST: the placeholder as text, bytea (base64), text[] */
    UPD("{\"id\":3,\"body\":\"long\",\"blob\":\"AQI=\",\"tags\":[\"a\"],\"v\":1}",
        "{\"id\":3,\"body\":\"" PLACEHOLDER "\",\"blob\":\"X19kZWJleml1bV91bmF2YWlsYWJsZV92YWx1ZQ==\",\"tags\":[\"" PLACEHOLDER
        "\"],\"v\":2}"),
    /* 4 with the schema envelope */
    "{\"schema\":{\"type\":\"struct\",\"name\":\"dbz.public.t.Envelope\"},\"payload\":"
    UPD("{\"id\":4,\"a\":\"x\"}", "{\"id\":4,\"a\":\"x\"}") "}",
    /* 5 create, 6 delete, 7 update without before (REPLICA IDENTITY DEFAULT): empty lists */
    "{\"before\":null,\"after\":{\"id\":5}," SOURCE(27000001, 801) ",\"op\":\"c\",\"ts_ms\":1}",
    "{\"before\":{\"id\":5},\"after\":null," SOURCE(27000002, 802) ",\"op\":\"d\",\"ts_ms\":1}",
    "{\"before\":null,\"after\":{\"id\":5,\"a\":1}," SOURCE(27000003, 803) ",\"op\":\"u\",\"ts_ms\":1}",
};

static void test_changed_columns(void **state) {
    chs_session *s = *state;
    insert_keyed(s, "chg", CHANGES_IN, sizeof(CHANGES_IN) / sizeof(CHANGES_IN[0]));
    static const char expected[] =
        "1\t['name']\t['id']\t[]\n"
        "2\t['note','extra']\t['id','qty']\t[]\n"
        "3\t['v']\t['id']\t['body','blob','tags']\n"
        "4\t[]\t['id','a']\t[]\n"
        "5\t[]\t[]\t[]\n"
        "6\t[]\t[]\t[]\n"
        "7\t[]\t[]\t[]\n";
    itest_assert_every_variant(s, expected, "debezium_unwrap",
                               "SELECT k, r.changed, r.unchanged, r.unavailable "
                               "FROM (SELECT k, %s(message) AS r FROM chg) ORDER BY k");
    /* what a replica does with them: the new value of a changed or
     * unchanged column, the kept one of an unavailable column */
    itest_assert_query(s, "long\t2\n",
                       "WITH debezium_unwrap(message) AS r "
                       "SELECT if(has(r.unavailable, 'body'), JSONExtractString(r.before, 'body'), "
                       "JSONExtractString(r.row, 'body')), JSONExtractInt(r.row, 'v') FROM chg WHERE k = 3");
    itest_exec(s, "DROP TABLE chg");
}

/* ================================================================ main */

static int setup(void **state) {
    *state = itest_open();
    return *state ? 0 : -1;
}

static int teardown(void **state) {
    itest_close(*state);
    return 0;
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_logical_decoding_messages),
        cmocka_unit_test(test_changed_columns),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
