/* test_debezium.c — unit tests of the Debezium event decoder (udf/debezium.c).
 *
 * Two kinds of evidence.  Hand-written messages pin each rule: the three
 * shapes (schema envelope, payload-only envelope, bare), every op, every
 * tombstone form, the exact sentence for each kind of non-change message,
 * the version and the source fields.  Then every real message captured from
 * Debezium (tests/fixtures/debezium, see its README) is decoded and checked
 * against what the message itself says, read independently with the JSON
 * API, and the per-kind counts are checked against manifest.json. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "arena.h"
#include "debezium.h"
#include "json.h"
#include "files.h"

#ifndef FIXTURES_DIR
#define FIXTURES_DIR "tests/fixtures"
#endif

/* ------------------------------------------------------------- messages */

#define SOURCE_PG                                                                                       \
    "{\"version\":\"3.1.3.Final\",\"connector\":\"postgresql\",\"name\":\"dbz\",\"ts_ms\":1700000000100," \
    "\"snapshot\":\"false\",\"db\":\"cdc\",\"sequence\":\"[null,\\\"26574256\\\"]\",\"schema\":\"public\","  \
    "\"table\":\"users\",\"txId\":753,\"lsn\":26574256,\"xmin\":null}"
#define AFTER "{\"id\":1,\"name\":\"a\\tb\",\"tags\":[1,{\"x\":null}]}"
#define BEFORE "{\"id\":1,\"name\":\"old\"}"
#define CHANGE_C                                                                                \
    "{\"before\":null,\"after\":" AFTER ",\"source\":" SOURCE_PG ",\"transaction\":null,\"op\":\"c\"," \
    "\"ts_ms\":1700000000200,\"ts_us\":1700000000200123}"
#define SCHEMA                                                                                               \
    "{\"type\":\"struct\",\"fields\":[{\"type\":\"struct\",\"fields\":[{\"type\":\"int32\",\"optional\":false," \
    "\"field\":\"id\"}],\"optional\":true,\"name\":\"dbz.public.users.Value\",\"field\":\"before\"}],"          \
    "\"optional\":false,\"name\":\"dbz.public.users.Envelope\",\"version\":2}"
#define KEY_SCHEMA                                                                                       \
    "{\"type\":\"struct\",\"fields\":[{\"type\":\"int32\",\"optional\":false,\"field\":\"id\"}],"          \
    "\"optional\":false,\"name\":\"dbz.public.users.Key\"}"

static arena scratch;
static dbz_event ev;

static int setup(void **state) {
    (void)state;
    arena_init(&scratch);
    return 0;
}

static int teardown(void **state) {
    (void)state;
    arena_free(&scratch);
    return 0;
}

static dbz_kind decode_n(const char *msg, size_t n) {
    arena_reset(&scratch);
    dbz_kind k = dbz_decode(msg, n, &scratch, &ev);
    assert_int_equal(k, ev.kind);
    return k;
}

static dbz_kind decode(const char *msg) {
    return decode_n(msg, strlen(msg));
}

static void span_is(const json_value *v, const char *want) {
    assert_non_null(v->end);
    size_t n = json_raw_len(v);
    if (n != strlen(want) || memcmp(v->start, want, n) != 0) print_error("span %.*s\nwanted %s\n", (int)n, v->start, want);
    assert_int_equal(n, strlen(want));
    assert_memory_equal(v->start, want, n);
}

static void text_is(const dbz_text *t, const char *want) {
    assert_int_equal(t->n, strlen(want));
    if (t->n) assert_memory_equal(t->s, want, t->n);
}

static void not_change(const char *msg, const char *error) {
    dbz_kind k = decode(msg);
    if (k != DBZ_NOT_CHANGE || strcmp(ev.error, error) != 0) print_error("%s\n-> kind %d, \"%s\"\n", msg, k, ev.error);
    assert_int_equal(k, DBZ_NOT_CHANGE);
    assert_string_equal(ev.error, error);
}

/* The fields CHANGE_C carries, whichever shape wraps it. */
static void is_change_c(void) {
    assert_int_equal(ev.kind, DBZ_CHANGE);
    assert_string_equal(ev.error, "");
    assert_int_equal(ev.op, 'c');
    assert_int_equal(ev.before.type, JSON_NULL);
    assert_int_equal(ev.after.type, JSON_OBJECT);
    span_is(&ev.after, AFTER);
    assert_ptr_equal(dbz_row_image(&ev), &ev.after);
    assert_int_equal(ev.source.type, JSON_OBJECT);
    span_is(&ev.source, SOURCE_PG);
    text_is(&ev.source_db, "cdc");
    text_is(&ev.source_schema, "public");
    text_is(&ev.source_table, "users");
    text_is(&ev.snapshot, "false");
    assert_true(ev.source_lsn == 26574256);
    assert_true(ev.source_tx_id == 753);
    assert_int_equal(ev.source_ts_ms, 1700000000100LL);
    assert_int_equal(ev.ts_ms, 1700000000200LL);
    assert_true(ev.version == 26574256);   /* PostgreSQL: the LSN */
}

/* ---------------------------------------------------------------- shapes */

static void test_bare_event(void **state) {
    (void)state;
    assert_int_equal(decode(CHANGE_C), DBZ_CHANGE);
    is_change_c();
    assert_int_equal(ev.schema.type, JSON_NONE);
    span_is(&ev.payload, CHANGE_C);    /* bare: the payload is the message */
    span_is(&ev.root, CHANGE_C);
}

static void test_schema_envelope(void **state) {
    (void)state;
    static const char msg[] = "{\"schema\":" SCHEMA ",\"payload\":" CHANGE_C "}";
    assert_int_equal(decode(msg), DBZ_CHANGE);
    is_change_c();
    assert_int_equal(ev.schema.type, JSON_OBJECT);
    span_is(&ev.schema, SCHEMA);
    assert_int_equal(ev.payload.type, JSON_OBJECT);
    span_is(&ev.payload, CHANGE_C);
    span_is(&ev.root, msg);

    /* member order does not matter, nor whitespace */
    assert_int_equal(decode("  {\"payload\" : " CHANGE_C " ,\n \"schema\":" SCHEMA "}\n"), DBZ_CHANGE);
    is_change_c();
    span_is(&ev.schema, SCHEMA);
}

static void test_payload_only_envelope(void **state) {
    (void)state;
    assert_int_equal(decode("{\"payload\":" CHANGE_C "}"), DBZ_CHANGE);
    is_change_c();
    assert_int_equal(ev.schema.type, JSON_NONE);
    span_is(&ev.payload, CHANGE_C);
    /* "schema": null is the converter's form for a schemaless value */
    assert_int_equal(decode("{\"schema\":null,\"payload\":" CHANGE_C "}"), DBZ_CHANGE);
    is_change_c();
}

/* ------------------------------------------------------------------- ops */

static void op_is(const char *msg, char op, const json_value *image) {
    dbz_kind k = decode(msg);
    if (k != DBZ_CHANGE || ev.error[0]) print_error("%s -> %d %s\n", msg, k, ev.error);
    assert_int_equal(k, DBZ_CHANGE);
    assert_int_equal(ev.op, op);
    assert_string_equal(ev.error, "");
    assert_ptr_equal(dbz_row_image(&ev), image);
}

static void test_every_op(void **state) {
    (void)state;
    op_is("{\"before\":null,\"after\":" AFTER ",\"source\":" SOURCE_PG ",\"op\":\"c\"}", 'c', &ev.after);
    span_is(&ev.after, AFTER);
    op_is("{\"before\":" BEFORE ",\"after\":" AFTER ",\"source\":" SOURCE_PG ",\"op\":\"u\"}", 'u', &ev.after);
    span_is(&ev.before, BEFORE);
    span_is(&ev.after, AFTER);
    op_is("{\"before\":" BEFORE ",\"after\":null,\"source\":" SOURCE_PG ",\"op\":\"d\"}", 'd', &ev.before);
    span_is(&ev.before, BEFORE);
    assert_int_equal(ev.after.type, JSON_NULL);
    op_is("{\"before\":null,\"after\":" AFTER ",\"source\":" SOURCE_PG ",\"op\":\"r\"}", 'r', &ev.after);
    op_is("{\"before\":null,\"after\":null,\"source\":" SOURCE_PG ",\"op\":\"t\"}", 't', &ev.after);
    assert_int_equal(ev.after.type, JSON_NULL);
    /* a logical decoding message: the record DecodeLogicalDecodingMessageContent makes of it */
    op_is("{\"op\":\"m\",\"ts_ms\":1,\"source\":" SOURCE_PG ",\"message\":{\"prefix\":\"p\",\"content\":\"eyJhIjoxfQ==\"}}",
          'c', &ev.after);
    span_is(&ev.after, "{\"a\":1}");
    assert_true(ev.version == 26574256);
    /* the op may come first, and escaped */
    op_is("{\"op\":\"\\u0064\",\"before\":" BEFORE "}", 'd', &ev.before);
}

/* ------------------------------------------- logical decoding messages */

/* Debezium's documented example (decode-logical-decoding-message-content.adoc),
 * the raw value as the JSON converter writes it. */
#define LDM_SOURCE                                                                                            \
    "{\"version\":\"3.0.0-SNAPSHOT\",\"connector\":\"postgresql\",\"name\":\"connector-name\","              \
    "\"ts_ms\":1723115239782,\"snapshot\":\"false\",\"db\":\"source-db\","                                  \
    "\"sequence\":\"[\\\"26997744\\\",\\\"26997904\\\"]\",\"ts_us\":1723115239782690,"                      \
    "\"ts_ns\":1723115239782690000,\"schema\":\"\",\"table\":\"\",\"txId\":756,\"lsn\":26997904,\"xmin\":null}"
#define LDM_CONTENT                                                                                    \
    "eyJpZCI6IDEsICJpdGVtIjogIkRlYmV6aXVtIGluIEFjdGlvbiIsICJzdGF0dXMiOiAiRU5URVJFRCIsICJxdWFudGl0eSI6IDIs" \
    "ICJ0b3RhbFByaWNlIjogMzkuOTh9"
#define LDM_AFTER "{\"id\":1,\"item\":\"Debezium in Action\",\"status\":\"ENTERED\",\"quantity\":2,\"totalPrice\":39.98}"
#define LDM(content) \
    "{\"op\":\"m\",\"ts_ms\":1723115240065,\"source\":" LDM_SOURCE ",\"transaction\":null," \
    "\"message\":{\"prefix\":\"test-prefix\",\"content\":" content "}}"
/* The message value's schema as the converter writes it with schemas.enable=true (source's fields cut). */
#define LDM_SCHEMA(name, content_type)                                                                            \
    "{\"type\":\"struct\",\"fields\":[{\"type\":\"string\",\"optional\":false,\"field\":\"op\"},"                 \
    "{\"type\":\"int64\",\"optional\":true,\"field\":\"ts_ms\"},{\"type\":\"struct\",\"fields\":[],"              \
    "\"optional\":false,\"name\":\"io.debezium.connector.postgresql.Source\",\"field\":\"source\"},"              \
    "{\"type\":\"struct\",\"fields\":[],\"optional\":true,\"name\":\"event.block\",\"version\":1,"                \
    "\"field\":\"transaction\"},{\"type\":\"struct\",\"fields\":[{\"type\":\"string\",\"optional\":true,"         \
    "\"field\":\"prefix\"},{\"type\":\"" content_type "\",\"optional\":true,\"field\":\"content\"}],"            \
    "\"optional\":false,\"name\":\"io.debezium.connector.postgresql.Message\",\"version\":1,\"field\":\"message\"}]," \
    "\"optional\":false,\"name\":\"" name "\",\"version\":1}"

/* The SMT's record: op "c", the content in after, the message block (and
 * its prefix) gone, every other member as it was; the value the converter
 * writes for it is the event's payload, byte for byte. */
static void test_logical_decoding_message(void **state) {
    (void)state;
    assert_int_equal(decode(LDM("\"" LDM_CONTENT "\"")), DBZ_CHANGE);
    assert_string_equal(ev.error, "");
    assert_int_equal(ev.op, 'c');
    assert_true(ev.decoded_message);
    span_is(&ev.after, LDM_AFTER);
    assert_ptr_equal(dbz_row_image(&ev), &ev.after);
    assert_int_equal(ev.before.type, JSON_NONE);
    span_is(&ev.payload, "{\"op\":\"c\",\"ts_ms\":1723115240065,\"source\":" LDM_SOURCE ",\"transaction\":null,"
                         "\"after\":" LDM_AFTER "}");
    span_is(&ev.root, LDM("\"" LDM_CONTENT "\""));
    span_is(&ev.message, "{\"prefix\":\"test-prefix\",\"content\":\"" LDM_CONTENT "\"}");
    assert_true(ev.source_lsn == 26997904 && ev.source_tx_id == 756 && ev.version == 26997904);
    assert_int_equal(ev.ts_ms, 1723115240065LL);
    text_is(&ev.source_db, "source-db");
    text_is(&ev.source_table, "");

    /* with the schema envelope: the payload becomes the SMT's record the same way */
    assert_int_equal(decode("{\"schema\":" LDM_SCHEMA("io.debezium.connector.postgresql.MessageValue", "bytes")
                            ",\"payload\":" LDM("\"" LDM_CONTENT "\"") "}"), DBZ_CHANGE);
    assert_string_equal(ev.error, "");
    assert_int_equal(ev.op, 'c');
    span_is(&ev.after, LDM_AFTER);
    span_is(&ev.payload, "{\"op\":\"c\",\"ts_ms\":1723115240065,\"source\":" LDM_SOURCE ",\"transaction\":null,"
                         "\"after\":" LDM_AFTER "}");

    /* a non-transactional message (no txId, no transaction block) is decoded alike; the
     * members come in any order, "after" last */
    assert_int_equal(decode("{\"message\":{\"content\":\"e30=\",\"prefix\":\"\"},\"source\":{\"txId\":null,\"lsn\":7},"
                            "\"op\":\"m\",\"ts_ms\":5}"), DBZ_CHANGE);
    assert_string_equal(ev.error, "");
    span_is(&ev.payload, "{\"source\":{\"txId\":null,\"lsn\":7},\"op\":\"c\",\"ts_ms\":5,\"after\":{}}");
    assert_true(ev.source_tx_id == 0 && ev.version == 7);
}

/* fields.null.include: the content's null members dropped (default) or kept. */
static void test_logical_decoding_message_nulls(void **state) {
    (void)state;
    static const char msg[] = LDM("\"eyJhIjpudWxsLCJiIjpbXSwiYyI6eyJkIjpudWxsfSwiZSI6IngifQ==\"");
    assert_int_equal(decode(msg), DBZ_CHANGE);
    span_is(&ev.after, "{\"c\":{},\"e\":\"x\"}");
    dbz_options keep = {1};
    arena_reset(&scratch);
    assert_int_equal(dbz_decode_with(msg, strlen(msg), &scratch, &ev, &keep), DBZ_CHANGE);
    span_is(&ev.after, "{\"a\":null,\"c\":{\"d\":null},\"e\":\"x\"}");

    dbz_options o = {0};
    char why[128] = "";
    assert_int_equal(dbz_option("--fields.null.include=true", &o, why, sizeof(why)), 1);
    assert_int_equal(o.fields_null_include, 1);
    assert_int_equal(dbz_option("--fields.null.include=FALSE", &o, why, sizeof(why)), 1);
    assert_int_equal(o.fields_null_include, 0);
    assert_int_equal(dbz_option("--fields.null.include=yes", &o, why, sizeof(why)), -1);
    assert_string_equal(why, "--fields.null.include: 'yes' is not true or false");
    assert_int_equal(dbz_option("--fields.null.include", &o, why, sizeof(why)), -1);
    assert_int_equal(dbz_option("--fields.null.includes=true", &o, why, sizeof(why)), 0);
    assert_int_equal(dbz_option("--path", &o, why, sizeof(why)), 0);
}

/* Where the SMT throws, the event stays op "m" without a row image, and
 * says why; payload_extract's @row reports the same sentence. */
static void ldm_fails(const char *msg, const char *error) {
    dbz_kind k = decode(msg);
    if (k != DBZ_CHANGE || ev.op != 'm' || strcmp(ev.error, error) != 0)
        print_error("%s\n-> kind %d op %c \"%s\"\n", msg, k, ev.op ? ev.op : '0', ev.error);
    assert_int_equal(k, DBZ_CHANGE);
    assert_int_equal(ev.op, 'm');
    assert_false(ev.decoded_message);
    assert_string_equal(ev.error, error);
    assert_int_equal(dbz_row_image(&ev)->type, JSON_NONE);
    char why[256];
    assert_int_equal(dbz_missing_image(&ev, why, sizeof(why)), 1);
    assert_string_equal(why, error);
}

static void test_logical_decoding_message_errors(void **state) {
    (void)state;
    ldm_fails(LDM("\"aGk=\""), "Unable to parse logical decoding message content JSON string 'hi'");
    ldm_fails(LDM("\"\""), "Unable to parse logical decoding message content JSON string ''");
    ldm_fails(LDM("\"IHt9\""), "Unable to parse logical decoding message content JSON string ' {}'");
    ldm_fails(LDM("\"WzEsMl0=\""),
              "logical decoding message content: the payload is a JSON array, which is not a struct");
    ldm_fails(LDM("\"W10=\""), "logical decoding message content: the payload's schema is none (an empty array)");
    ldm_fails(LDM("\"eyJiIjoxMjM0NTY3ODkwMTIzNDU2Nzg5MDEyMzQ1Njc4OTB9\""),
              "logical decoding message content: a value of the payload does not fit its inferred schema");
    ldm_fails(LDM("\"eyJhIjo=\""), "logical decoding message content: invalid JSON: unexpected end of input");
    ldm_fails(LDM("\"eyJuIjpbMSwyLjVdfQ==\""),
              "logical decoding message content: Field is not a homogenous array");
    ldm_fails(LDM("\"!!!!\""), "logical decoding message content is not base64");
    ldm_fails(LDM("null"), "logical decoding message without content");
    ldm_fails("{\"op\":\"m\",\"message\":{\"prefix\":\"p\"}}", "logical decoding message without content");
    ldm_fails(LDM("42"), "logical decoding message content is a JSON number, not base64 bytes");
    ldm_fails("{\"op\":\"m\",\"ts_ms\":1}", "op 'm' event without a \"message\" object");
    ldm_fails("{\"op\":\"m\",\"message\":\"x\"}", "op 'm' event without a \"message\" object");
    /* binary.handling.mode=base64 or hex: the content is a string in the schema, which the SMT refuses */
    ldm_fails("{\"schema\":" LDM_SCHEMA("io.debezium.connector.postgresql.MessageValue", "string")
              ",\"payload\":" LDM("\"eyJhIjoxfQ==\"") "}",
              "the content of a logical decoding message is non-binary (type \"string\", not bytes: "
              "binary.handling.mode must be bytes)");
    /* an envelope whose value schema is not PostgreSQL's message value: the SMT leaves it alone */
    assert_int_equal(decode("{\"schema\":" LDM_SCHEMA("other.Value", "bytes") ",\"payload\":" LDM("\"eyJhIjoxfQ==\"") "}"),
                     DBZ_CHANGE);
    assert_int_equal(ev.op, 'm');
    assert_string_equal(ev.error, "");
    char why[256];
    assert_int_equal(dbz_missing_image(&ev, why, sizeof(why)), 1);
    assert_string_equal(why, "op 'm' event that is not a PostgreSQL logical decoding message");
}

/* ------------------------------------------- ExtractChangedRecordState */

/* The three lists, each as "a|b|c", after decoding msg. */
static void changes_are(const char *msg, const char *changed, const char *unchanged, const char *unavailable) {
    dbz_changes c;
    assert_int_equal(decode(msg), DBZ_CHANGE);
    assert_int_equal(dbz_changed_fields(&ev, &scratch, &c), 0);
    const dbz_names *lists[3] = {&c.changed, &c.unchanged, &c.unavailable};
    const char *want[3] = {changed, unchanged, unavailable};
    for (int l = 0; l < 3; l++) {
        char got[512] = "";
        size_t len = 0;
        for (size_t i = 0; i < lists[l]->n; i++)
            len += (size_t)snprintf(got + len, sizeof(got) - len, "%s%.*s", i ? "|" : "", (int)lists[l]->name[i].n,
                                    lists[l]->name[i].s);
        if (strcmp(got, want[l]) != 0) print_error("%s\n list %d: %s, wanted %s\n", msg, l, got, want[l]);
        assert_string_equal(got, want[l]);
    }
}

#define UPD(before, after) "{\"before\":" before ",\"after\":" after ",\"source\":" SOURCE_PG ",\"op\":\"u\"}"

/* Debezium's own cases (ExtractChangedRecordStateTest, event-changes.adoc). */
static void test_changed_fields_documented(void **state) {
    (void)state;
    /* testAddUpdatedFieldToHeaders: an update of name */
    changes_are(UPD("{\"id\":1,\"name\":\"myRecord\"}", "{\"id\":1,\"name\":\"updatedRecord\"}"), "name", "id", "");
    /* testUpdateWithDefaultValues (DBZ-8721): null to a value is a change */
    changes_are(UPD("{\"id\":1,\"name\":null}", "{\"id\":1,\"name\":\"default_str\"}"), "name", "id", "");
    /* the documentation's UPDATE: both fields */
    changes_are(UPD("{\"field1\":\"oldvalue1\",\"field2\":\"oldvalue2\"}", "{\"field1\":\"newvalue1\",\"field2\":\"newvalue2\"}"),
                "field1|field2", "", "");
    /* testAddCreatedFieldToHeaders, and deletes, reads, truncates: empty lists */
    changes_are("{\"before\":null,\"after\":" AFTER ",\"source\":" SOURCE_PG ",\"op\":\"c\"}", "", "", "");
    changes_are("{\"before\":" BEFORE ",\"after\":null,\"source\":" SOURCE_PG ",\"op\":\"d\"}", "", "", "");
    changes_are("{\"before\":null,\"after\":" AFTER ",\"source\":" SOURCE_PG ",\"op\":\"r\"}", "", "", "");
    changes_are("{\"before\":null,\"after\":null,\"source\":" SOURCE_PG ",\"op\":\"t\"}", "", "", "");
    /* an update without a before image (REPLICA IDENTITY DEFAULT): empty, documented */
    changes_are("{\"before\":null,\"after\":" AFTER ",\"source\":" SOURCE_PG ",\"op\":\"u\"}", "", "", "");
    /* a decoded logical decoding message has no before image */
    changes_are("{\"op\":\"m\",\"message\":{\"prefix\":\"p\",\"content\":\"eyJhIjoxfQ==\"}}", "", "", "");
}

static void test_changed_fields_rules(void **state) {
    (void)state;
    /* after's order; before's columns found by name in any order; absent in before is null */
    changes_are(UPD("{\"c\":3,\"b\":2,\"a\":1}", "{\"a\":1,\"b\":20,\"c\":3,\"d\":null,\"e\":5}"), "b|e", "a|c|d", "");
    /* equal values written with other whitespace are equal; nested values compared whole */
    changes_are(UPD("{\"a\": [1, 2],\"o\":{\"x\" : \"a b\"},\"s\":\"q\\\"x\"}",
                    "{\"a\":[1,2],\"o\":{\"x\":\"a b\"},\"s\":\"q\\\"x\"}"), "", "a|o|s", "");
    changes_are(UPD("{\"a\":[1,2],\"o\":{\"x\":\"ab\"},\"n\":1.0,\"t\":true}",
                    "{\"a\":[2,1],\"o\":{\"x\":\"a b\"},\"n\":1,\"t\":\"true\"}"), "a|o|n|t", "", "");
    /* names are decoded */
    changes_are(UPD("{\"caf\\u00e9\":1}", "{\"caf\\u00e9\":2}"), "caf\xc3\xa9", "", "");
    /* a column of after only listed once, whatever before holds */
    changes_are(UPD("{\"x\":1,\"y\":2}", "{\"z\":1}"), "z", "", "");
    /* without the schema envelope and with it, alike */
    changes_are("{\"schema\":" SCHEMA ",\"payload\":" UPD("{\"id\":1,\"v\":\"a\"}", "{\"id\":1,\"v\":\"b\"}") "}", "v", "id", "");
}

/* TOAST: a column whose value Debezium could not read holds the
 * placeholder, in any form, in after (or before): unavailable only. */
static void test_changed_fields_unavailable(void **state) {
    (void)state;
    changes_are(UPD("{\"id\":1,\"big\":\"old text\",\"n\":1}",
                    "{\"id\":1,\"big\":\"__debezium_unavailable_value\",\"n\":2}"), "n", "id", "big");
    /* bytea (base64 of the placeholder), text[] (one element), int[] (its bytes), uuid[] */
    changes_are(UPD("{\"b\":\"AQI=\",\"t\":[\"x\"],\"i\":[1],\"u\":[\"x\"],\"k\":1}",
                    "{\"b\":\"X19kZWJleml1bV91bmF2YWlsYWJsZV92YWx1ZQ==\",\"t\":[\"__debezium_unavailable_value\"],"
                    "\"i\":[95,95,100,101,98,101,122,105,117,109,95,117,110,97,118,97,105,108,97,98,108,101,95,118,97,108,"
                    "117,101],\"u\":[\"b68a35a7-17ad-35b3-af2a-ae46edb4545a\"],\"k\":1}"),
                "", "k", "b|t|i|u");
    /* the placeholder in before, or in both */
    changes_are(UPD("{\"a\":\"__debezium_unavailable_value\",\"b\":\"__debezium_unavailable_value\"}",
                    "{\"a\":\"new\",\"b\":\"__debezium_unavailable_value\"}"), "", "", "a|b");
    /* near misses are values */
    changes_are(UPD("{\"a\":1,\"b\":1,\"c\":1}", "{\"a\":\"__debezium_unavailable_valu\",\"b\":[\"__debezium_unavailable_value\",\"x\"],"
                                               "\"c\":[95,95]}"), "a|b|c", "", "");
}

/* A change event missing the image its op needs keeps its kind and says so. */
static void test_missing_images(void **state) {
    (void)state;
    assert_int_equal(decode("{\"before\":null,\"after\":null,\"op\":\"c\"}"), DBZ_CHANGE);
    assert_string_equal(ev.error, "op 'c' event without an \"after\" object");
    assert_int_equal(decode("{\"op\":\"u\",\"before\":" BEFORE "}"), DBZ_CHANGE);
    assert_string_equal(ev.error, "op 'u' event without an \"after\" object");
    assert_int_equal(decode("{\"op\":\"r\",\"after\":[1]}"), DBZ_CHANGE);
    assert_string_equal(ev.error, "op 'r' event without an \"after\" object");
    assert_int_equal(decode("{\"before\":null,\"after\":null,\"op\":\"d\"}"), DBZ_CHANGE);
    assert_string_equal(ev.error, "op 'd' event without a \"before\" object (REPLICA IDENTITY?)");
}

/* ------------------------------------------------------------ tombstones */

static void tombstone(const char *msg, size_t n) {
    dbz_kind k = decode_n(msg, n);
    if (k != DBZ_TOMBSTONE) print_error("'%.*s' -> %d %s\n", (int)n, msg, k, ev.error);
    assert_int_equal(k, DBZ_TOMBSTONE);
    assert_string_equal(ev.error, "");
    assert_int_equal(ev.op, 0);
    assert_true(ev.version == 0);
}

static void test_tombstones(void **state) {
    (void)state;
    tombstone("", 0);
    tombstone(" ", 1);
    tombstone(" \t\r\n ", 5);
    tombstone("null", 4);
    tombstone(" null\n", 6);
    tombstone("{\"schema\":null,\"payload\":null}", 30);
    tombstone("{\"payload\":null}", 16);
    tombstone("{\"schema\":" SCHEMA ",\"payload\":null}", strlen("{\"schema\":" SCHEMA ",\"payload\":null}"));
    /* blank means whitespace only: a NUL byte or other text is broken JSON */
    assert_int_equal(decode_n(" x ", 3), DBZ_NOT_CHANGE);
    assert_true(ev.invalid);
    assert_int_equal(decode_n("\0", 1), DBZ_NOT_CHANGE);
    assert_true(ev.invalid);
}

/* "null" followed by more text is not a tombstone but broken JSON: a delete
 * marker must not come out of a garbled message. */
static void test_null_with_trailing_text_is_invalid(void **state) {
    (void)state;
    not_change("null x", "invalid JSON: trailing characters after document at byte 5");
    not_change("null}", "invalid JSON: trailing characters after document at byte 4");
    not_change("[1] 2", "invalid JSON: trailing characters after document at byte 4");
}

/* ---------------------------------------------------- non-change events */

static void test_invalid_json(void **state) {
    (void)state;
    not_change("{\"op\":\"c\",}", "invalid JSON: trailing comma at byte 10");
    not_change("{\"op\":\"c\"", "invalid JSON: unexpected end of input at byte 9");
    not_change("{op:c}", "invalid JSON: expected a string key at byte 1");
    not_change("{\"a\":1} x", "invalid JSON: trailing characters after document at byte 8");
    not_change("{\"op\":\"c\",\"after\":{}} x", "invalid JSON: trailing characters after document at byte 22");
    not_change("\xff", "invalid JSON: expected a value at byte 0");
    not_change("[1,", "invalid JSON: unexpected end of input at byte 3");
    /* broken inside the envelope's payload or schema */
    assert_int_equal(decode("{\"schema\":{\"a\":},\"payload\":" CHANGE_C "}"), DBZ_NOT_CHANGE);
    assert_int_equal(strncmp(ev.error, "invalid JSON: ", 14), 0);
    assert_int_equal(decode("{\"payload\":{\"op\":\"c\",\"after\":{\"id\":1,}}}"), DBZ_NOT_CHANGE);
    assert_int_equal(strncmp(ev.error, "invalid JSON: ", 14), 0);
    assert_int_equal(decode_n("{\"op\":\"c\"\0}", 11), DBZ_NOT_CHANGE);
    assert_int_equal(strncmp(ev.error, "invalid JSON: ", 14), 0);
}

static void test_record_keys(void **state) {
    (void)state;
    not_change("{\"schema\":" KEY_SCHEMA ",\"payload\":{\"id\":1}}", "not a Debezium change event: a record key");
    not_change("{\"id\":1}", "not a Debezium change event: no \"op\" field (a record key, or other JSON)");
    not_change("{\"payload\":{\"id\":1}}", "not a Debezium change event: no \"op\" field (a record key, or other JSON)");
    not_change("{}", "not a Debezium change event: no \"op\" field (a record key, or other JSON)");
}

static void test_transaction_metadata(void **state) {
    (void)state;
    not_change("{\"status\":\"BEGIN\",\"id\":\"755:26574336\",\"event_count\":null,\"data_collections\":null,"
               "\"ts_ms\":1795439204880}",
               "not a Debezium change event: transaction metadata (status BEGIN)");
    not_change("{\"status\":\"END\",\"id\":\"755:26576624\",\"event_count\":7,\"data_collections\":[{\"data_collection\":"
               "\"public.assignments\",\"event_count\":2}],\"ts_ms\":1795439204880}",
               "not a Debezium change event: transaction metadata (status END)");
    not_change("{\"schema\":{\"type\":\"struct\",\"name\":\"io.debezium.connector.common.TransactionMetadataValue\"},"
               "\"payload\":{\"status\":\"BEGIN\",\"id\":\"1:2\",\"event_count\":null,\"ts_ms\":1}}",
               "not a Debezium change event: transaction metadata (status BEGIN)");
}

static void test_heartbeats(void **state) {
    (void)state;
    not_change("{\"ts_ms\":1795439204406}", "not a Debezium change event: a heartbeat");
    not_change("{\"schema\":{\"type\":\"struct\",\"fields\":[{\"type\":\"int64\",\"optional\":false,\"field\":\"ts_ms\"}],"
               "\"optional\":false,\"name\":\"io.debezium.connector.common.Heartbeat\"},\"payload\":{\"ts_ms\":1}}",
               "not a Debezium change event: a heartbeat");
    /* ts_ms with other members is not a heartbeat */
    not_change("{\"ts_ms\":1,\"x\":2}", "not a Debezium change event: no \"op\" field (a record key, or other JSON)");
}

static void test_top_level_not_object(void **state) {
    (void)state;
    not_change("[1,2]", "not a Debezium change event: the message is a JSON array, not an object");
    not_change("[" CHANGE_C "]", "not a Debezium change event: the message is a JSON array, not an object");
    not_change("42", "not a Debezium change event: the message is a JSON number, not an object");
    not_change("-1.5e3", "not a Debezium change event: the message is a JSON number, not an object");
    not_change("\"{}\"", "not a Debezium change event: the message is a JSON string, not an object");
    not_change("true", "not a Debezium change event: the message is a JSON boolean, not an object");
}

/* The error names the op the message holds. */
static void test_unknown_op(void **state) {
    (void)state;
#define UNKNOWN_OP(v) "not a Debezium change event: unknown op value " v " (expected c, u, d, r, t or m)"
    not_change("{\"op\":\"x\",\"after\":{}}", UNKNOWN_OP("\"x\""));
    not_change("{\"op\":\"cc\",\"after\":{}}", UNKNOWN_OP("\"cc\""));
    not_change("{\"op\":\"\",\"after\":{}}", UNKNOWN_OP("\"\""));
    not_change("{\"op\":\"C\",\"after\":{}}", UNKNOWN_OP("\"C\""));
    not_change("{\"op\":1,\"after\":{}}", UNKNOWN_OP("1"));
    not_change("{\"op\":null,\"after\":{}}", UNKNOWN_OP("null"));
    not_change("{\"op\":{\"a\":1},\"after\":{}}", UNKNOWN_OP("object"));
    not_change("{\"payload\":{\"op\":\"z\"}}", UNKNOWN_OP("\"z\""));
    not_change("{\"op\":\"\\u0078y\"}", UNKNOWN_OP("\"xy\""));
    not_change("{\"op\":\"0123456789012345678901234567890123456789012\"}",
               UNKNOWN_OP("\"0123456789012345678901234567890123456789…\""));
#undef UNKNOWN_OP
}

/* ------------------------------------------------- version and source */

static void test_version(void **state) {
    (void)state;
    /* PostgreSQL: the LSN, exact to 64 bits */
    assert_int_equal(decode("{\"op\":\"c\",\"after\":{},\"source\":{\"lsn\":18446744073709551615},\"ts_ms\":5}"), DBZ_CHANGE);
    assert_true(ev.version == UINT64_MAX);
    assert_true(ev.source_lsn == UINT64_MAX);
    /* MySQL: binlog file sequence, then position */
    assert_int_equal(decode("{\"op\":\"u\",\"after\":{},\"source\":{\"file\":\"mysql-bin.000042\",\"pos\":1234},\"ts_ms\":5}"),
                     DBZ_CHANGE);
    assert_true(ev.version == ((42ULL << 40) | 1234));
    assert_int_equal(decode("{\"op\":\"u\",\"after\":{},\"source\":{\"file\":\"mysql-bin.000043\",\"pos\":4}}"), DBZ_CHANGE);
    assert_true(ev.version > ((42ULL << 40) | 1234));   /* a later binlog file orders later */
    /* otherwise the event time in microseconds: the envelope's, else the source's */
    assert_int_equal(decode("{\"op\":\"c\",\"after\":{},\"source\":{\"ts_ms\":1000},\"ts_ms\":1700000000200}"), DBZ_CHANGE);
    assert_true(ev.version == 1700000000200000ULL);
    assert_int_equal(decode("{\"op\":\"c\",\"after\":{},\"source\":{\"ts_ms\":1700000000100}}"), DBZ_CHANGE);
    assert_true(ev.version == 1700000000100000ULL);
    assert_int_equal(decode("{\"op\":\"c\",\"after\":{}}"), DBZ_CHANGE);
    assert_true(ev.version == 0);
    /* the with-schema envelope reads the same source */
    assert_int_equal(decode("{\"schema\":" SCHEMA ",\"payload\":{\"op\":\"d\",\"before\":{},\"source\":{\"lsn\":77}}}"),
                     DBZ_CHANGE);
    assert_true(ev.version == 77);
}

static void test_source_fields(void **state) {
    (void)state;
    assert_int_equal(decode("{\"op\":\"r\",\"after\":{},\"source\":{\"db\":\"d\\u00e9\",\"schema\":\"s\",\"table\":\"t\\\"q\","
                            "\"snapshot\":\"first_in_data_collection\",\"txId\":9,\"ts_ms\":-5},\"ts_ms\":7}"),
                     DBZ_CHANGE);
    text_is(&ev.source_db, "d\xc3\xa9");
    text_is(&ev.source_schema, "s");
    text_is(&ev.source_table, "t\"q");
    text_is(&ev.snapshot, "first_in_data_collection");
    assert_true(ev.source_tx_id == 9);
    assert_int_equal(ev.source_ts_ms, -5);
    assert_int_equal(ev.ts_ms, 7);
    /* snapshot as a boolean (older connectors) reads as its word */
    assert_int_equal(decode("{\"op\":\"r\",\"after\":{},\"source\":{\"snapshot\":true}}"), DBZ_CHANGE);
    text_is(&ev.snapshot, "true");
    assert_int_equal(decode("{\"op\":\"c\",\"after\":{},\"source\":{\"snapshot\":false}}"), DBZ_CHANGE);
    text_is(&ev.snapshot, "false");
    assert_int_equal(decode("{\"op\":\"c\",\"after\":{},\"source\":{\"snapshot\":null,\"txId\":null,\"lsn\":null}}"), DBZ_CHANGE);
    text_is(&ev.snapshot, "");
    assert_true(ev.source_tx_id == 0 && ev.source_lsn == 0);
    /* no source at all */
    assert_int_equal(decode("{\"op\":\"c\",\"after\":{}}"), DBZ_CHANGE);
    assert_int_equal(ev.source.type, JSON_NONE);
    text_is(&ev.source_db, "");
    text_is(&ev.source_table, "");
}

/* debezium.h's envelope rule: which object is the event. */
static void test_envelope_rule(void **state) {
    (void)state;
    static const struct {
        const char *msg;
        int env;              /* 1 = the payload is the event, 0 = the message is */
        dbz_kind kind;
        char op;
    } cases[] = {
        {"{\"schema\":" SCHEMA ",\"payload\":" CHANGE_C "}", 1, DBZ_CHANGE, 'c'},
        {"{\"payload\":" CHANGE_C "}", 1, DBZ_CHANGE, 'c'},
        {CHANGE_C, 0, DBZ_CHANGE, 'c'},
        {"{\"payload\":{\"op\":\"c\"},\"other\":1}", 0, DBZ_NOT_CHANGE, 0},
        {"{\"payload\":[1]}", 0, DBZ_NOT_CHANGE, 0},
        {"[1]", 0, DBZ_NOT_CHANGE, 0},
        /* known members beside the envelope's: still an envelope */
        {"{\"schema\":{},\"payload\":{\"op\":\"c\",\"after\":{\"id\":1}},\"source\":{}}", 1, DBZ_CHANGE, 'c'},
        /* an "op" or "ts_ms" at the top: the message is the event */
        {"{\"payload\":{\"op\":\"c\",\"after\":{}},\"op\":\"u\",\"after\":{}}", 0, DBZ_CHANGE, 'u'},
        {"{\"payload\":{\"op\":\"c\",\"after\":{}},\"ts_ms\":1}", 0, DBZ_NOT_CHANGE, 0},
    };
    arena a;
    arena_init(&a);
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        dbz_event e;
        arena_reset(&a);
        dbz_kind kind = dbz_decode(cases[i].msg, strlen(cases[i].msg), &a, &e);
        int env = e.payload.start != e.root.start;
        if (kind != cases[i].kind || env != cases[i].env || e.op != cases[i].op)
            fail_msg("%s: kind %d env %d op '%c' (%s)", cases[i].msg, kind, env, e.op ? e.op : '0', e.error);
        if (i == 0) {
            span_is(&e.payload, CHANGE_C);
            span_is(&e.schema, SCHEMA);
        }
        if (i == 1) assert_int_equal(e.schema.type, JSON_NONE);
    }
    static const char *const tombstones[] = {"{\"schema\":{},\"payload\":null}", "null", "", " \n"};
    for (size_t i = 0; i < sizeof(tombstones) / sizeof(tombstones[0]); i++) {
        dbz_event e;
        assert_int_equal(dbz_decode(tombstones[i], strlen(tombstones[i]), &a, &e), DBZ_TOMBSTONE);
        assert_string_equal(e.error, "");
    }
    static const char *const broken[] = {"{\"schema\":{\"a\":}", "{\"payload\":{\"op\":}}"};
    for (size_t i = 0; i < sizeof(broken) / sizeof(broken[0]); i++) {
        dbz_event e;
        assert_int_equal(dbz_decode(broken[i], strlen(broken[i]), &a, &e), DBZ_NOT_CHANGE);
        assert_true(e.invalid);
    }
    arena_free(&a);
}

/* ------------------------------------------------------ real messages */

static const char *const kind_names[] = {"c", "u", "d", "r", "t", "m", "tombstone", "BEGIN", "END", "heartbeat"};
#define NKINDS (sizeof(kind_names) / sizeof(kind_names[0]))

static size_t kind_index(const char *s, size_t n) {
    for (size_t i = 0; i < NKINDS; i++)
        if (strlen(kind_names[i]) == n && memcmp(kind_names[i], s, n) == 0) return i;
    print_error("unexpected kind '%.*s'\n", (int)n, s);
    fail();
    return 0;
}

/* Member `name` of obj decoded as a string (lookup path allowed), or NULL. */
static const char *str_at(json_value *obj, const char *path, arena *a, size_t *n) {
    json_value v;
    json_error err = {0, 0};
    const char *s;
    if (json_lookup(obj, path, strlen(path), a, &v, &err) != JSON_FOUND || v.type != JSON_STRING) return NULL;
    assert_int_equal(json_string(&v, a, &s, n, &err), 0);
    return s;
}

static uint64_t u64_at(json_value *obj, const char *path, arena *a) {
    json_value v;
    json_error err = {0, 0};
    uint64_t u = 0;
    assert_int_equal(json_lookup(obj, path, strlen(path), a, &v, &err), JSON_FOUND);
    assert_int_equal(v.type, JSON_NUMBER);
    assert_int_equal(json_number_u64(&v, &u), 0);
    return u;
}

static int64_t i64_at(json_value *obj, const char *path, arena *a) {
    json_value v;
    json_error err = {0, 0};
    int64_t i = 0;
    assert_int_equal(json_lookup(obj, path, strlen(path), a, &v, &err), JSON_FOUND);
    assert_int_equal(json_number_i64(&v, &i), 0);
    return i;
}

static void same_text(const dbz_text *t, const char *s, size_t n) {
    assert_non_null(s);
    assert_int_equal(t->n, n);
    assert_memory_equal(t->s, s, n);
}

/* The image member `name` of obj, walked, must be byte-identical to got. */
static void same_image(json_value *obj, const char *name, const json_value *got) {
    json_value v;
    json_error err = {0, 0};
    assert_int_equal(json_find(obj, name, strlen(name), &v, &err), JSON_FOUND);
    assert_int_equal(json_finish(&v, &err), 0);
    assert_int_equal(got->type, v.type);
    if (v.type != JSON_OBJECT) return;
    assert_int_equal(json_raw_len(got), json_raw_len(&v));
    assert_memory_equal(got->start, v.start, json_raw_len(&v));
}

/* A change topic's message: what dbz_decode found must be what it says. */
static void check_change(json_value *obj, const char *where, size_t *kind) {
    size_t on;
    const char *op = str_at(obj, "op", &scratch, &on);
    if (!op || on != 1 || !strchr("cudrt", op[0]) || ev.kind != DBZ_CHANGE || ev.op != op[0] || ev.error[0])
        print_error("%s: op %.*s -> kind %d op %c error \"%s\"\n", where, op ? (int)on : 4, op ? op : "none", ev.kind,
                    ev.op ? ev.op : '-', ev.error);
    assert_non_null(op);
    assert_int_equal(on, 1);
    assert_non_null(strchr("cudrt", op[0]));
    assert_int_equal(ev.kind, DBZ_CHANGE);
    assert_int_equal(ev.op, op[0]);
    assert_string_equal(ev.error, "");
    uint64_t lsn = u64_at(obj, "source.lsn", &scratch);
    assert_true(lsn > 0);
    assert_true(ev.version == lsn);
    assert_true(ev.source_lsn == lsn);
    assert_true(ev.source_tx_id == u64_at(obj, "source.txId", &scratch));
    assert_int_equal(ev.source_ts_ms, i64_at(obj, "source.ts_ms", &scratch));
    assert_int_equal(ev.ts_ms, i64_at(obj, "ts_ms", &scratch));
    size_t n;
    const char *s = str_at(obj, "source.db", &scratch, &n);
    same_text(&ev.source_db, s, n);
    s = str_at(obj, "source.schema", &scratch, &n);
    same_text(&ev.source_schema, s, n);
    s = str_at(obj, "source.table", &scratch, &n);
    same_text(&ev.source_table, s, n);
    s = str_at(obj, "source.snapshot", &scratch, &n);
    same_text(&ev.snapshot, s, n);
    same_image(obj, "before", &ev.before);
    same_image(obj, "after", &ev.after);
    if (op[0] == 'd') {
        assert_ptr_equal(dbz_row_image(&ev), &ev.before);
        assert_int_equal(ev.before.type, JSON_OBJECT);
    } else if (op[0] != 't') {
        assert_ptr_equal(dbz_row_image(&ev), &ev.after);
        assert_int_equal(ev.after.type, JSON_OBJECT);
    }
    *kind = kind_index(op, 1);
}

/* A record key is never taken for a change event. */
static void check_key(json_value *rec, int with_schema) {
    json_value key;
    json_error err = {0, 0};
    const char *k;
    size_t kn;
    static dbz_event kev;
    assert_int_equal(json_find(rec, "key", 3, &key, &err), JSON_FOUND);
    if (key.type == JSON_NULL) return;   /* truncate events have no key */
    assert_int_equal(json_string(&key, &scratch, &k, &kn, &err), 0);
    assert_int_equal(dbz_decode(k, kn, &scratch, &kev), DBZ_NOT_CHANGE);
    assert_string_equal(kev.error, with_schema ? "not a Debezium change event: a record key"
                                               : "not a Debezium change event: no \"op\" field (a record key, or other JSON)");
}

/* Decodes every record of one fixture file; counts them per kind. */
static size_t check_fixture_file(const char *rel, size_t counts[NKINDS]) {
    char path[512];
    snprintf(path, sizeof(path), "%s/debezium/%s", FIXTURES_DIR, rel);
    int with_schema = strncmp(rel, "with-schema/", 12) == 0;
    FILE *f = fopen(path, "r");
    if (!f) print_error("cannot open %s\n", path);
    assert_non_null(f);
    char *line = NULL;
    size_t cap = 0, records = 0;
    ssize_t len;
    while ((len = getline(&line, &cap, f)) > 0) {
        char where[600];
        json_value rec, val, doc, obj;
        json_error err = {0, 0};
        size_t tn, n, kind;
        const char *msg;
        arena_reset(&scratch);
        assert_int_equal(json_open(line, (size_t)len, &rec, &err), 0);
        const char *topic = str_at(&rec, "topic", &scratch, &tn);
        assert_non_null(topic);
        snprintf(where, sizeof(where), "%s record %zu (offset %llu)", rel, records, (unsigned long long)u64_at(&rec, "offset", &scratch));
        check_key(&rec, with_schema);
        assert_int_equal(json_find(&rec, "value", 5, &val, &err), JSON_FOUND);
        records++;
        /* The bytes the Kafka engine hands over: the value's text, and for
         * a null value (a tombstone) none — the record's own bytes either
         * way, decoded as every other record is. */
        if (val.type == JSON_NULL) {
            msg = val.start;
            n = 0;
        } else {
            assert_int_equal(val.type, JSON_STRING);
            assert_int_equal(json_string(&val, &scratch, &msg, &n, &err), 0);
        }
        dbz_decode(msg, n, &scratch, &ev);
        if (val.type == JSON_NULL) {
            assert_int_equal(ev.kind, DBZ_TOMBSTONE);
            assert_string_equal(ev.error, "");
            counts[kind_index("tombstone", 9)]++;
            continue;
        }
        assert_int_equal(json_open(msg, n, &doc, &err), 0);
        obj = doc;
        if (with_schema) assert_int_equal(json_find(&doc, "payload", 7, &obj, &err), JSON_FOUND);
        if (tn > 12 && memcmp(topic + tn - 12, ".transaction", 12) == 0) {
            size_t sn;
            const char *status = str_at(&obj, "status", &scratch, &sn);
            assert_non_null(status);
            char want[128];
            snprintf(want, sizeof(want), "not a Debezium change event: transaction metadata (status %.*s)", (int)sn, status);
            assert_int_equal(ev.kind, DBZ_NOT_CHANGE);
            assert_string_equal(ev.error, want);
            kind = kind_index(status, sn);
        } else if (strncmp(topic, "__debezium-heartbeat", 20) == 0) {
            assert_int_equal(ev.kind, DBZ_NOT_CHANGE);
            assert_string_equal(ev.error, "not a Debezium change event: a heartbeat");
            kind = kind_index("heartbeat", 9);
        } else {
            check_change(&obj, where, &kind);
        }
        counts[kind]++;
    }
    free(line);
    fclose(f);
    return records;
}

static size_t count_jsonl(const char *sub) {
    char path[512];
    snprintf(path, sizeof(path), "%s/debezium/%s", FIXTURES_DIR, sub);
    DIR *d = opendir(path);
    assert_non_null(d);
    size_t n = 0;
    struct dirent *e;
    while ((e = readdir(d))) {
        size_t l = strlen(e->d_name);
        if (l > 6 && strcmp(e->d_name + l - 6, ".jsonl") == 0) n++;
    }
    closedir(d);
    return n;
}

/* Every fixture file the manifest lists: each record checked, and the
 * counts per kind equal the manifest's. */
static void test_real_debezium_messages(void **state) {
    (void)state;
    size_t mlen;
    char path[512];
    snprintf(path, sizeof(path), "%s/debezium/manifest.json", FIXTURES_DIR);
    char *manifest = tfile_read(path, &mlen);
    if (!manifest) print_error("cannot read %s\n", path);
    assert_non_null(manifest);
    arena ma;
    arena_init(&ma);
    json_value root, files, entry;
    json_error err = {0, 0};
    json_iter it;
    assert_int_equal(json_open(manifest, mlen, &root, &err), 0);
    assert_int_equal(json_find(&root, "files", 5, &files, &err), JSON_FOUND);
    assert_int_equal(json_iter_init(&it, &files, &err), 0);
    size_t nfiles = 0, total[NKINDS] = {0}, records_total = 0;
    int rc;
    while ((rc = json_iter_element(&it, &entry)) == 1) {
        size_t fn, counts[NKINDS] = {0};
        const char *file = str_at(&entry, "file", &ma, &fn);
        assert_non_null(file);
        char rel[256];
        snprintf(rel, sizeof(rel), "%.*s", (int)fn, file);
        size_t records = check_fixture_file(rel, counts);
        assert_true(records == u64_at(&entry, "records_kept", &ma));
        json_value kinds, k, v;
        json_iter kit;
        size_t sum = 0;
        assert_int_equal(json_find(&entry, "kinds_kept", 10, &kinds, &err), JSON_FOUND);
        assert_int_equal(json_iter_init(&kit, &kinds, &err), 0);
        while ((rc = json_iter_member(&kit, &k, &v)) == 1) {
            const char *name;
            size_t nn;
            uint64_t want;
            assert_int_equal(json_string(&k, &ma, &name, &nn, &err), 0);
            assert_int_equal(json_number_u64(&v, &want), 0);
            size_t idx = kind_index(name, nn);
            if (counts[idx] != want) print_error("%s: %zu '%s', manifest says %llu\n", rel, counts[idx], kind_names[idx], (unsigned long long)want);
            assert_true(counts[idx] == want);
            sum += (size_t)want;
        }
        assert_int_equal(rc, 0);
        assert_true(sum == records);   /* no kind counted that the manifest does not list */
        for (size_t i = 0; i < NKINDS; i++) total[i] += counts[i];
        records_total += records;
        nfiles++;
    }
    assert_int_equal(rc, 0);
    assert_int_equal(nfiles, count_jsonl("plain") + count_jsonl("with-schema"));
    assert_true(records_total >= 100);
    /* the captured set exercises every kind but logical-decoding messages */
    for (size_t i = 0; i < NKINDS; i++) {
        if (!strcmp(kind_names[i], "m")) continue;
        if (!total[i]) print_error("no '%s' record in the fixtures\n", kind_names[i]);
        assert_true(total[i] > 0);
    }
    arena_free(&ma);
    free(manifest);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_bare_event),
        cmocka_unit_test(test_schema_envelope),
        cmocka_unit_test(test_payload_only_envelope),
        cmocka_unit_test(test_every_op),
        cmocka_unit_test(test_logical_decoding_message),
        cmocka_unit_test(test_logical_decoding_message_nulls),
        cmocka_unit_test(test_logical_decoding_message_errors),
        cmocka_unit_test(test_changed_fields_documented),
        cmocka_unit_test(test_changed_fields_rules),
        cmocka_unit_test(test_changed_fields_unavailable),
        cmocka_unit_test(test_missing_images),
        cmocka_unit_test(test_tombstones),
        cmocka_unit_test(test_null_with_trailing_text_is_invalid),
        cmocka_unit_test(test_invalid_json),
        cmocka_unit_test(test_record_keys),
        cmocka_unit_test(test_transaction_metadata),
        cmocka_unit_test(test_heartbeats),
        cmocka_unit_test(test_top_level_not_object),
        cmocka_unit_test(test_unknown_op),
        cmocka_unit_test(test_version),
        cmocka_unit_test(test_source_fields),
        cmocka_unit_test(test_envelope_rule),
        cmocka_unit_test(test_real_debezium_messages),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
