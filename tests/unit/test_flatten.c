/* test_flatten.c — unit tests of udf/flatten.c, Debezium's
 * ExtractNewRecordState applied to one raw change message.
 *
 * The cases are Debezium's own: the examples of the "New Record State
 * Extraction" documentation (debezium.io, event-flattening.adoc of 3.1) and
 * the cases of its ExtractNewRecordStateTest (3.1.3), each restated over the
 * JSON the raw connector writes, with the bytes the SMT's record would carry
 * under the JSON converter (schemas.enable=false) written out by hand.
 * Then every captured Debezium message (tests/fixtures/debezium) is run in
 * rewrite mode and its value compared with the message's own image, read
 * independently with the JSON API. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "debezium.h"
#include "flatten.h"
#include "fnrun.h"
#include "json.h"

#ifndef FIXTURES_DIR
#define FIXTURES_DIR "tests/fixtures"
#endif

/* ------------------------------------------------------------- messages */

#define SOURCE                                                                                          \
    "{\"version\":\"3.1.3.Final\",\"connector\":\"postgresql\",\"name\":\"dbz\",\"ts_ms\":1588252618953," \
    "\"snapshot\":\"false\",\"db\":\"cdc\",\"sequence\":\"[null,\\\"1234\\\"]\",\"ts_us\":1588252618953000,"  \
    "\"ts_ns\":1588252618953000000,\"schema\":\"public\",\"table\":\"dummy\",\"txId\":571,\"lsn\":1234,\"xmin\":null}"
#define TX "{\"id\":\"571\",\"total_order\":42,\"data_collection_order\":42}"
#define TAIL(tx, op) ",\"source\":" SOURCE ",\"transaction\":" tx ",\"op\":\"" op "\",\"ts_ms\":1710032523000," \
                     "\"ts_us\":1710032523000123,\"ts_ns\":1710032523000123456}"
#define CREATE "{\"before\":null,\"after\":{\"id\":1,\"name\":\"myRecord\"}" TAIL("null", "c")
#define UPDATE "{\"before\":{\"id\":1,\"name\":\"myRecord\"},\"after\":{\"id\":1,\"name\":\"updatedRecord\"}" TAIL(TX, "u")
#define DELETE "{\"before\":{\"id\":1,\"name\":\"myRecord\"},\"after\":null" TAIL(TX, "d")
#define TRUNCATE "{\"before\":null,\"after\":null" TAIL("null", "t")
#define HEARTBEAT "{\"ts_ms\":1710032523000}"

/* The same create with the JSON converter's schema envelope; `name` is optional, `id` not. */
#define IMAGE_SCHEMA(field)                                                                                   \
    "{\"type\":\"struct\",\"fields\":[{\"type\":\"int8\",\"optional\":false,\"field\":\"id\"},{\"type\":\"string\"," \
    "\"optional\":true,\"field\":\"name\"},{\"type\":\"bytes\",\"optional\":true,\"name\":"                           \
    "\"org.apache.kafka.connect.data.Decimal\",\"version\":1,\"parameters\":{\"scale\":\"2\"},\"field\":\"amount\"}]," \
    "\"optional\":true,\"name\":\"dbz.public.dummy.Value\",\"field\":\"" field "\"}"
#define SOURCE_SCHEMA                                                                                         \
    "{\"type\":\"struct\",\"fields\":[{\"type\":\"string\",\"optional\":false,\"field\":\"db\"},{\"type\":\"int64\"," \
    "\"optional\":true,\"field\":\"lsn\"},{\"type\":\"string\",\"optional\":false,\"field\":\"table\"}],"            \
    "\"optional\":false,\"name\":\"io.debezium.connector.postgresql.Source\",\"field\":\"source\"}"
#define TX_SCHEMA                                                                                              \
    "{\"type\":\"struct\",\"fields\":[{\"type\":\"string\",\"optional\":false,\"field\":\"id\"},{\"type\":\"int64\"," \
    "\"optional\":false,\"field\":\"total_order\"}],\"optional\":true,\"name\":\"event.block\",\"field\":\"transaction\"}"
#define ENVELOPE_SCHEMA(name)                                                                                  \
    "{\"type\":\"struct\",\"fields\":[" IMAGE_SCHEMA("before") "," IMAGE_SCHEMA("after") "," SOURCE_SCHEMA "," TX_SCHEMA \
    ",{\"type\":\"string\",\"optional\":false,\"field\":\"op\"},{\"type\":\"int64\",\"optional\":true,"              \
    "\"field\":\"ts_ms\"}],\"optional\":false,\"name\":\"" name "\",\"version\":2}"
#define S_SOURCE "{\"db\":\"cdc\",\"lsn\":1234,\"table\":\"dummy\"}"
#define S_UPDATE                                                                                                   \
    "{\"schema\":" ENVELOPE_SCHEMA("dbz.public.dummy.Envelope") ",\"payload\":{\"before\":{\"id\":1,\"name\":\"a\","   \
    "\"amount\":\"AQ==\"},\"after\":{\"id\":1,\"name\":\"a\",\"amount\":\"Ag==\"},\"source\":" S_SOURCE                 \
    ",\"transaction\":null,\"op\":\"u\",\"ts_ms\":1710032523000}}"

/* ---------------------------------------------------------------- harness */

static arena scratch;
static flat_config cfg;
static flat_result res;

static int setup(void **state) {
    (void)state;
    arena_init(&scratch);
    flat_result_init(&res);
    return 0;
}

static int teardown(void **state) {
    (void)state;
    arena_free(&scratch);
    flat_result_free(&res);
    return 0;
}

/* Configures from "property=value" strings (NULL-terminated); returns
 * flat_config_finish's answer, `why` the reason. */
static int configure(const char *const *props, char *why, size_t cap) {
    static char copies[16][256];
    flat_config_free(&cfg);
    flat_config_init(&cfg);
    for (int i = 0; props[i]; i++) {
        snprintf(copies[i], sizeof(copies[i]), "%s", props[i]);
        char *eq = strchr(copies[i], '=');
        assert_non_null(eq);
        *eq = 0;
        if (flat_config_set(&cfg, copies[i], eq + 1, why, cap) < 0) return -1;
    }
    return flat_config_finish(&cfg, why, cap);
}

#define CONFIG(...)                                                    \
    do {                                                               \
        const char *const props_[] = {__VA_ARGS__, NULL};              \
        char why_[256];                                                \
        if (configure(props_, why_, sizeof(why_)) < 0) fail_msg("configuration: %s", why_); \
    } while (0)
#define DEFAULTS() CONFIG(NULL)

/* The headers as "name=value;…", a null value as "name=<null>". */
static const char *headers(void) {
    static char s[2048];
    size_t n = 0;
    s[0] = 0;
    for (int i = 0; i < res.nheaders; i++) {
        const flat_header *h = &res.headers[i];
        if (h->is_null) n += (size_t)snprintf(s + n, sizeof(s) - n, "%s%s=<null>", i ? ";" : "", h->name);
        else n += (size_t)snprintf(s + n, sizeof(s) - n, "%s%s=%.*s", i ? ";" : "", h->name, (int)h->len, h->len ? res.hvalues.p + h->off : "");
    }
    return s;
}

static void apply(const char *msg) {
    arena_reset(&scratch);
    flat_apply(&cfg, msg, strlen(msg), &scratch, &res);
}

/* One record's whole answer. */
static void answer_is(const char *msg, const char *value, const char *hdrs, const char *topic, int tombstone, int skip,
                      const char *error) {
    apply(msg);
    int ok = res.value.len == strlen(value) && (!res.value.len || memcmp(res.value.p, value, res.value.len) == 0) &&
             strcmp(headers(), hdrs) == 0 && res.topic_len == strlen(topic) && memcmp(res.topic, topic, res.topic_len) == 0 &&
             res.is_tombstone == tombstone && res.skip == skip && strcmp(res.error, error) == 0;
    if (!ok)
        print_error("%.200s\n-> value %.*s\n   headers %s\n   topic %.*s tombstone %d skip %d error \"%s\"\n", msg,
                    (int)res.value.len, res.value.len ? res.value.p : "", headers(), (int)res.topic_len, res.topic, res.is_tombstone, res.skip,
                    res.error);
    assert_true(ok);
}

#define VALUE(msg, value) answer_is(msg, value, "", "", 0, 0, "")
#define SKIPPED(msg) answer_is(msg, "", "", "", 0, 1, "")

static void error_is(const char *msg, const char *error) {
    answer_is(msg, "", "", "", 0, 0, error);
}

/* --------------------------------------------------- delete and tombstone modes */

/* Without delete.tombstone.handling.mode the deprecated pair decides, with
 * its defaults: deletes and tombstones are dropped (testDeleteDroppedByDefault). */
static void test_defaults(void **state) {
    (void)state;
    DEFAULTS();
    VALUE(CREATE, "{\"id\":1,\"name\":\"myRecord\"}");
    VALUE(UPDATE, "{\"id\":1,\"name\":\"updatedRecord\"}");
    SKIPPED(DELETE);
    SKIPPED("");
    SKIPPED(TRUNCATE);
}

static void test_mode_drop(void **state) {
    (void)state;
    CONFIG("delete.tombstone.handling.mode=drop");
    VALUE(CREATE, "{\"id\":1,\"name\":\"myRecord\"}");
    SKIPPED(DELETE);              /* testHandleDeleteDrop */
    SKIPPED("");                  /* testTombstoneDroppedConfigured */
    SKIPPED("null");
    SKIPPED("{\"schema\":null,\"payload\":null}");
}

/* tombstone: a delete keeps only a null value ("value": "null" in the
 * documentation); the connector's own tombstone is dropped. */
static void test_mode_tombstone(void **state) {
    (void)state;
    CONFIG("delete.tombstone.handling.mode=tombstone");
    answer_is(DELETE, "null", "", "", 1, 0, "");   /* testHandleDeleteNone: value null, schema kept */
    SKIPPED("");                                    /* testTombstoneForwardConfigured */
    SKIPPED(TRUNCATE);                              /* testTruncateDroppedByDefault */
    VALUE(CREATE, "{\"id\":1,\"name\":\"myRecord\"}");   /* testUnwrapCreateRecord */
}

/* rewrite: "__deleted": "true" on deletes, "false" on the rest (strings). */
static void test_mode_rewrite(void **state) {
    (void)state;
    CONFIG("delete.tombstone.handling.mode=rewrite");
    VALUE(DELETE, "{\"id\":1,\"name\":\"myRecord\",\"__deleted\":\"true\"}");      /* testHandleDeleteRewrite */
    VALUE(CREATE, "{\"id\":1,\"name\":\"myRecord\",\"__deleted\":\"false\"}");     /* testHandleCreateRewrite */
    VALUE(UPDATE, "{\"id\":1,\"name\":\"updatedRecord\",\"__deleted\":\"false\"}");
    SKIPPED("");
    SKIPPED(TRUNCATE);
    /* case and surrounding blanks do not matter to Debezium's enum parse */
    CONFIG("delete.tombstone.handling.mode= ReWrite ");
    VALUE(DELETE, "{\"id\":1,\"name\":\"myRecord\",\"__deleted\":\"true\"}");
}

static void test_mode_rewrite_with_tombstone(void **state) {
    (void)state;
    CONFIG("delete.tombstone.handling.mode=rewrite-with-tombstone", "add.headers=op,source.lsn");
    /* testAddHeadersHandleDeleteRewriteAndTombstone */
    answer_is(DELETE, "{\"id\":1,\"name\":\"myRecord\",\"__deleted\":\"true\"}", "__op=d;__source_lsn=1234", "", 0, 0, "");
    answer_is("", "", "__op=d", "", 1, 0, "");     /* a tombstone gets only the op header, "d" */
    answer_is("{\"schema\":null,\"payload\":null}", "", "__op=d", "", 1, 0, "");
    CONFIG("delete.tombstone.handling.mode=rewrite-with-tombstone", "add.fields=op,lsn");
    /* testAddFieldsHandleDeleteRewriteAndTombstone */
    VALUE(DELETE, "{\"id\":1,\"name\":\"myRecord\",\"__deleted\":\"true\",\"__op\":\"d\",\"__lsn\":1234}");
    answer_is("", "", "", "", 1, 0, "");
}

/* The deprecated options, as the documentation's first example sets them. */
static void test_legacy_options(void **state) {
    (void)state;
    CONFIG("drop.tombstones=false", "delete.handling.mode=rewrite", "add.fields=table,lsn");
    VALUE(DELETE, "{\"id\":1,\"name\":\"myRecord\",\"__deleted\":\"true\",\"__table\":\"dummy\",\"__lsn\":1234}");
    VALUE(CREATE, "{\"id\":1,\"name\":\"myRecord\",\"__deleted\":\"false\",\"__table\":\"dummy\",\"__lsn\":1234}");
    answer_is("", "", "", "", 1, 0, "");
    CONFIG("delete.handling.mode=none");
    answer_is(DELETE, "null", "", "", 1, 0, "");
    SKIPPED("");
    /* delete.tombstone.handling.mode takes precedence over the deprecated pair */
    CONFIG("delete.tombstone.handling.mode=drop", "delete.handling.mode=rewrite", "drop.tombstones=false");
    SKIPPED(DELETE);
    SKIPPED("");
    CONFIG("delete.tombstone.handling.mode=", "delete.handling.mode=rewrite");   /* blank: not set */
    VALUE(CREATE, "{\"id\":1,\"name\":\"myRecord\",\"__deleted\":\"false\"}");
}

/* ------------------------------------------------------------- add.fields */

/* The documentation's example: add.fields=op,table,lsn,source.ts_ms,
 * add.headers=db, delete.handling.mode=rewrite. */
static void test_documented_metadata(void **state) {
    (void)state;
    CONFIG("add.fields=op,table,lsn,source.ts_ms", "add.headers=db", "delete.handling.mode=rewrite");
    answer_is(CREATE,
              "{\"id\":1,\"name\":\"myRecord\",\"__deleted\":\"false\",\"__op\":\"c\",\"__table\":\"dummy\","
              "\"__lsn\":1234,\"__source_ts_ms\":1588252618953}",
              "__db=cdc", "", 0, 0, "");
    answer_is(DELETE,
              "{\"id\":1,\"name\":\"myRecord\",\"__deleted\":\"true\",\"__op\":\"d\",\"__table\":\"dummy\","
              "\"__lsn\":1234,\"__source_ts_ms\":1588252618953}",
              "__db=cdc", "", 0, 0, "");
}

/* testAddFields: blanks around entries are trimmed; `id` is transaction.id. */
static void test_add_fields_prefix(void **state) {
    (void)state;
    CONFIG("delete.tombstone.handling.mode=tombstone", "add.fields=op , lsn,id", "add.fields.prefix=prefix.");
    VALUE(UPDATE, "{\"id\":1,\"name\":\"updatedRecord\",\"prefix.op\":\"u\",\"prefix.lsn\":1234,\"prefix.id\":\"571\"}");
    CONFIG("add.fields=op", "add.fields.prefix=");
    VALUE(CREATE, "{\"id\":1,\"name\":\"myRecord\",\"op\":\"c\"}");
}

/* testAddFieldsSpecifyStruct, testAddTimestamp, testEnvelopeTimestampFieldsHandledCorrectly. */
static void test_add_fields_structs(void **state) {
    (void)state;
    CONFIG("add.fields=op,source.lsn,transaction.id,transaction.total_order");
    VALUE(UPDATE, "{\"id\":1,\"name\":\"updatedRecord\",\"__op\":\"u\",\"__source_lsn\":1234,\"__transaction_id\":\"571\","
                  "\"__transaction_total_order\":42}");
    CONFIG("add.fields=ts_ms,source.ts_ms,source.ts_us,source.ts_ns,ts_us,ts_ns");
    VALUE(CREATE, "{\"id\":1,\"name\":\"myRecord\",\"__ts_ms\":1710032523000,\"__source_ts_ms\":1588252618953,"
                  "\"__source_ts_us\":1588252618953000,\"__source_ts_ns\":1588252618953000000,"
                  "\"__ts_us\":1710032523000123,\"__ts_ns\":1710032523000123456}");
    /* a name of source's, unqualified: looked up in source */
    CONFIG("add.fields=table,schema,db,snapshot,sequence,txId,xmin");
    VALUE(CREATE, "{\"id\":1,\"name\":\"myRecord\",\"__table\":\"dummy\",\"__schema\":\"public\",\"__db\":\"cdc\","
                  "\"__snapshot\":\"false\",\"__sequence\":\"[null,\\\"1234\\\"]\",\"__txId\":571,\"__xmin\":null}");
}

/* testNewFieldAndHeaderMapping: field:newname, case kept, prefix in front. */
static void test_renames(void **state) {
    (void)state;
    CONFIG("delete.tombstone.handling.mode=tombstone",
           "add.fields=op:OP, lsn:LSN, id:ID, source.lsn:source_lsn, transaction.total_order:TOTAL_ORDER",
           "add.fields.prefix=",
           "add.headers=op, source.lsn:source_lsn, transaction.id:TXN_ID, transaction.total_order:TOTAL_ORDER",
           "add.headers.prefix=prefix.");
    answer_is(UPDATE,
              "{\"id\":1,\"name\":\"updatedRecord\",\"OP\":\"u\",\"LSN\":1234,\"ID\":\"571\",\"source_lsn\":1234,"
              "\"TOTAL_ORDER\":42}",
              "prefix.op=u;prefix.source_lsn=1234;prefix.TXN_ID=571;prefix.TOTAL_ORDER=42", "", 0, 0, "");
    /* the example: the nested source.ts_ms renamed */
    CONFIG("add.fields=source.ts_ms:event_ts,op");
    VALUE(CREATE, "{\"id\":1,\"name\":\"myRecord\",\"__event_ts\":1588252618953,\"__op\":\"c\"}");
}

/* testAddFieldsForMissingOptionalField / testNewNotDefaultField: a field of
 * a null struct is added as null; a name no schema has is not added. */
static void test_missing_fields(void **state) {
    (void)state;
    CONFIG("add.fields=op,lsn,id");
    VALUE(CREATE, "{\"id\":1,\"name\":\"myRecord\",\"__op\":\"c\",\"__lsn\":1234,\"__id\":null}");
    CONFIG("add.fields=notExisting,op:OP,source.nothere,transaction.total_order:T", "add.fields.prefix=");
    VALUE(UPDATE, "{\"id\":1,\"name\":\"updatedRecord\",\"OP\":\"u\",\"T\":42}");
    /* a null struct's fields are unknowable without the schema: taken to exist */
    VALUE(CREATE, "{\"id\":1,\"name\":\"myRecord\",\"OP\":\"c\",\"T\":null}");
    /* a name not in its struct but at the top level (as another SMT may add it) */
    CONFIG("add.fields=transaction.op");
    VALUE(UPDATE, "{\"id\":1,\"name\":\"updatedRecord\",\"__transaction_op\":\"u\"}");
    VALUE(CREATE, "{\"id\":1,\"name\":\"myRecord\",\"__transaction_op\":null}");   /* its struct is null */
}

/* ------------------------------------------------------------ add.headers */

static void test_headers(void **state) {
    (void)state;
    CONFIG("add.headers=op");                                  /* testAddHeader */
    answer_is(CREATE, "{\"id\":1,\"name\":\"myRecord\"}", "__op=c", "", 0, 0, "");
    CONFIG("add.headers=op , lsn,id");                         /* testAddHeaders */
    answer_is(UPDATE, "{\"id\":1,\"name\":\"updatedRecord\"}", "__op=u;__lsn=1234;__id=571", "", 0, 0, "");
    /* testAddHeadersForMissingOptionalField: a null header value */
    answer_is(CREATE, "{\"id\":1,\"name\":\"myRecord\"}", "__op=c;__lsn=1234;__id=<null>", "", 0, 0, "");
    /* testAddHeadersSpecifyStruct */
    CONFIG("add.headers=op,source.lsn,transaction.id,transaction.total_order", "add.headers.prefix=prefix.");
    answer_is(UPDATE, "{\"id\":1,\"name\":\"updatedRecord\"}",
              "prefix.op=u;prefix.source_lsn=1234;prefix.transaction_id=571;prefix.transaction_total_order=42", "", 0, 0, "");
    /* a string header is its text; a struct is written in Values' syntax */
    CONFIG("add.headers=sequence,transaction");
    answer_is(UPDATE, "{\"id\":1,\"name\":\"updatedRecord\"}",
              "__sequence=[null,\"1234\"];__transaction={\"id\":\"571\",\"total_order\":42,\"data_collection_order\":42}", "",
              0, 0, "");
    /* headers on a dropped record go with it */
    CONFIG("add.headers=op", "delete.tombstone.handling.mode=drop");
    SKIPPED(DELETE);
}

/* ---------------------------------------------------------- route.by.field */

static void test_route_by_field(void **state) {
    (void)state;
    CONFIG("delete.tombstone.handling.mode=tombstone", "route.by.field=name");
    answer_is(CREATE, "{\"id\":1,\"name\":\"myRecord\"}", "", "myRecord", 0, 0, "");          /* testAddTopicRoutingField */
    answer_is(UPDATE, "{\"id\":1,\"name\":\"updatedRecord\"}", "", "updatedRecord", 0, 0, "");  /* testUpdateTopicRoutingField */
    answer_is(DELETE, "null", "", "myRecord", 1, 0, "");                                       /* testDeleteTopicRoutingField */
    /* null or blank: the topic is kept */
    VALUE("{\"before\":null,\"after\":{\"id\":2,\"name\":null}" TAIL("null", "c"), "{\"id\":2,\"name\":null}");
    VALUE("{\"before\":null,\"after\":{\"id\":2,\"name\":\" \"}" TAIL("null", "c"), "{\"id\":2,\"name\":\" \"}");
    /* not a string, or no such column: Struct.getString throws */
    error_is("{\"before\":null,\"after\":{\"id\":2,\"name\":7}" TAIL("null", "c"),
             "route.by.field: field 'name' is not a string (the SMT fails on this record)");
    CONFIG("route.by.field=nothere");
    error_is(CREATE, "route.by.field: the record has no field 'nothere' (the SMT fails on this record)");
    /* the flattened struct includes __deleted */
    CONFIG("route.by.field=__deleted", "delete.tombstone.handling.mode=rewrite");
    answer_is(CREATE, "{\"id\":1,\"name\":\"myRecord\",\"__deleted\":\"false\"}", "", "false", 0, 0, "");
    error_is(DELETE, "route.by.field: the record has no field '__deleted' (the SMT fails on this record)");
}

/* ------------------------------------------------- records the SMT passes on */

static void test_not_envelopes(void **state) {
    (void)state;
    CONFIG("add.headers=op,source.lsn", "add.fields=op");
    /* testAddHeadersForNonEnvelopeRecord: unchanged, no header */
    VALUE(HEARTBEAT, HEARTBEAT);
    VALUE("{\"schema\":{\"type\":\"struct\",\"fields\":[{\"type\":\"int64\",\"optional\":false,\"field\":\"ts_ms\"}],"
          "\"optional\":false,\"name\":\"io.debezium.connector.common.Heartbeat\"},\"payload\":{\"ts_ms\":1}}",
          "{\"ts_ms\":1}");
    VALUE("{\"status\":\"BEGIN\",\"id\":\"571:1234\",\"event_count\":null,\"data_collections\":null,\"ts_ms\":1}",
          "{\"status\":\"BEGIN\",\"id\":\"571:1234\",\"event_count\":null,\"data_collections\":null,\"ts_ms\":1}");
    /* a logical decoding message has its own schema (MessageValue): passed on */
    VALUE("{\"op\":\"m\",\"ts_ms\":1,\"source\":" SOURCE ",\"transaction\":null,\"message\":{\"prefix\":\"p\","
          "\"content\":\"e30=\"}}",
          "{\"op\":\"m\",\"ts_ms\":1,\"source\":" SOURCE ",\"transaction\":null,\"message\":{\"prefix\":\"p\","
          "\"content\":\"e30=\"}}");
    /* testIgnoreUnknownRecord: a schema not named *.Envelope */
    VALUE("{\"schema\":{\"type\":\"struct\",\"fields\":[],\"name\":\"dummy.Unknown\"},\"payload\":{\"op\":\"c\","
          "\"after\":{\"id\":1}}}",
          "{\"op\":\"c\",\"after\":{\"id\":1}}");
    VALUE("{\"schema\":{\"type\":\"struct\",\"fields\":[]},\"payload\":{\"op\":\"c\",\"after\":{\"id\":1}}}",
          "{\"op\":\"c\",\"after\":{\"id\":1}}");
    /* passed on as the converter writes it: compact, strings re-escaped */
    VALUE(" { \"ts_ms\" : 1 , \"x\" : \"\\u00e9\\/\" } ", "{\"ts_ms\":1,\"x\":\"\xc3\xa9/\"}");
}

/* ------------------------------------------------------ the converter's bytes */

static void test_value_bytes(void **state) {
    (void)state;
    DEFAULTS();
    /* strings as Jackson writes them, whatever escapes the raw topic used */
    VALUE("{\"before\":null,\"after\":{\"s\":\"a\\u0009b\\/c\\u00e9\\u0001\",\"t\":\"\\\"q\\\"\"}" TAIL("null", "c"),
          "{\"s\":\"a\\tb/c\xc3\xa9\\u0001\",\"t\":\"\\\"q\\\"\"}");
    /* numbers, nested values and arrays as they came (compact) */
    VALUE("{\"before\":null,\"after\":{ \"d\" : 1.0E10, \"a\" : [ 1 , { \"x\" : null } ], \"e\":{} }" TAIL("null", "r"),
          "{\"d\":1.0E10,\"a\":[1,{\"x\":null}],\"e\":{}}");
    VALUE("{\"before\":null,\"after\":{}" TAIL("null", "c"), "{}");
    CONFIG("delete.tombstone.handling.mode=rewrite");
    VALUE("{\"before\":null,\"after\":{}" TAIL("null", "c"), "{\"__deleted\":\"false\"}");
    /* a 3 MB record answered whole; the memory it took is given back at the next one */
    size_t big = 3u << 20;
    char *msg = malloc(big + 200);
    assert_non_null(msg);
    int n = snprintf(msg, 200, "{\"op\":\"c\",\"after\":{\"s\":\"");
    memset(msg + n, 'x', big);
    snprintf(msg + n + big, 200, "\"},\"source\":{}}");
    apply(msg);
    assert_int_equal(res.value.len, big + 28);   /* {"s":"…","__deleted":"false"} */
    free(msg);
    VALUE("{\"before\":null,\"after\":{}" TAIL("null", "c"), "{\"__deleted\":\"false\"}");
    assert_true(res.value.cap <= (1u << 20));
}

/* With the schema envelope: logical types keep their wire encoding (the
 * converter writes them from the schema either way), and the schema says
 * which fields exist. */
static void test_schema_envelope(void **state) {
    (void)state;
    CONFIG("add.fields=op,lsn,transaction.id,transaction.nothere,source.nothere,ts_ms", "add.headers=table,transaction.id");
    answer_is(S_UPDATE, "{\"id\":1,\"name\":\"a\",\"amount\":\"Ag==\",\"__op\":\"u\",\"__lsn\":1234,\"__transaction_id\":null,"
                        "\"__ts_ms\":1710032523000}",
              "__table=dummy;__transaction_id=<null>", "", 0, 0, "");
    /* a header is written from the field's schema, as SimpleHeaderConverter
     * does: a Decimal as BigDecimal.toString, not its base64 (the value keeps it) */
    CONFIG("add.headers=after.amount,after.id,before.amount");
    answer_is(S_UPDATE, "{\"id\":1,\"name\":\"a\",\"amount\":\"Ag==\"}", "__after_amount=0.02;__after_id=1;__before_amount=0.01",
              "", 0, 0, "");
    /* a schema that is not an envelope's */
    VALUE("{\"schema\":" ENVELOPE_SCHEMA("dbz.public.dummy.Other") ",\"payload\":{\"op\":\"c\"}}", "{\"op\":\"c\"}");
}

/* ------------------------------- drop.fields.header.name with ExtractChangedRecordState */

static void test_drop_fields(void **state) {
    (void)state;
    /* ExtractChangedRecordState's headers alone: names in the after image's order */
    CONFIG("header.changed.name=Changed", "header.unchanged.name=Unchanged");
    answer_is(UPDATE, "{\"id\":1,\"name\":\"updatedRecord\"}", "Changed=[\"name\"];Unchanged=[\"id\"]", "", 0, 0, "");
    answer_is(CREATE, "{\"id\":1,\"name\":\"myRecord\"}", "Changed=[];Unchanged=[]", "", 0, 0, "");
    SKIPPED("");
    /* the TOAST placeholder is compared like any value, as the SMT compares it */
    answer_is("{\"before\":{\"id\":1,\"a\":\"old\",\"b\":\"__debezium_unavailable_value\"},\"after\":{\"id\":1,"
              "\"a\":\"__debezium_unavailable_value\",\"b\":\"__debezium_unavailable_value\"}" TAIL("null", "u"),
              "{\"id\":1,\"a\":\"__debezium_unavailable_value\",\"b\":\"__debezium_unavailable_value\"}",
              "Changed=[\"a\"];Unchanged=[\"id\",\"b\"]", "", 0, 0, "");
    /* dropping the unchanged columns: only the optional ones by default */
    CONFIG("header.unchanged.name=Unchanged", "drop.fields.header.name=Unchanged", "add.fields=op");
    answer_is(S_UPDATE, "{\"id\":1,\"amount\":\"Ag==\",\"__op\":\"u\"}", "Unchanged=[\"id\",\"name\"]", "", 0, 0, "");
    /* drop.fields.keep.schema.compatible=false: every listed field */
    CONFIG("header.unchanged.name=Unchanged", "drop.fields.header.name=Unchanged",
           "drop.fields.keep.schema.compatible=false", "drop.fields.from.key=true");
    answer_is(S_UPDATE, "{\"amount\":\"Ag==\"}", "Unchanged=[\"id\",\"name\"]", "", 0, 0, "");
    answer_is(UPDATE, "{\"name\":\"updatedRecord\"}", "Unchanged=[\"id\"]", "", 0, 0, "");
    /* which fields are optional only the schema says */
    CONFIG("header.unchanged.name=Unchanged", "drop.fields.header.name=Unchanged");
    error_is(UPDATE, "drop.fields.keep.schema.compatible: which fields are optional is known only from the schema "
                     "envelope, and the message has none");
    answer_is(CREATE, "{\"id\":1,\"name\":\"myRecord\"}", "Unchanged=[]", "", 0, 0, "");   /* an empty list drops nothing */
    /* dropping the changed ones; a header name nobody set drops nothing */
    CONFIG("header.changed.name=Changed", "drop.fields.header.name=Changed", "drop.fields.keep.schema.compatible=false");
    answer_is(UPDATE, "{\"id\":1}", "Changed=[\"name\"]", "", 0, 0, "");
    CONFIG("drop.fields.header.name=Changed");
    VALUE(UPDATE, "{\"id\":1,\"name\":\"updatedRecord\"}");
    /* a header that is not a list: the SMT's cast fails */
    CONFIG("add.headers=op", "drop.fields.header.name=__op");
    error_is(UPDATE, "drop.fields.header.name: header '__op' is not a list of field names (the SMT fails on this record)");
}

/* ------------------------------------------- records on which the SMT fails */

static void test_smt_failures(void **state) {
    (void)state;
    CONFIG("delete.tombstone.handling.mode=rewrite");
    error_is("{\"before\":null,\"after\":{\"id\":1,\"__deleted\":1}" TAIL("null", "c"),
             "the record already has a field '__deleted' (the SMT fails on this record)");
    CONFIG("add.fields=op,op");
    error_is(CREATE, "add.fields: the record already has a field '__op' (the SMT fails on this record)");
    CONFIG("add.fields=op:id", "add.fields.prefix=");
    error_is(CREATE, "add.fields: the record already has a field 'id' (the SMT fails on this record)");
    CONFIG("add.fields=source");     /* a struct: copySchemaBasics keeps none of its fields */
    error_is(CREATE, "add.fields: 'source' is a struct, which the SMT cannot add (it fails on this record)");
    CONFIG("add.fields=transaction");
    VALUE(CREATE, "{\"id\":1,\"name\":\"myRecord\",\"__transaction\":null}");   /* null fits any schema */
    CONFIG("add.fields=updateDescription");   /* MongoDB's struct, which a relational envelope lacks */
    error_is(CREATE, "add.fields: the event has no struct 'updateDescription' for 'updateDescription' (the SMT fails on this record)");
    CONFIG("add.headers=op.x");
    error_is(CREATE, "add.headers: the event has no struct 'op' for 'x' (the SMT fails on this record)");
    /* not JSON: no record at all */
    DEFAULTS();
    error_is("{\"op\":", "invalid JSON: unexpected end of input at byte 6");
    error_is("{\"before\":null,\"after\":null" TAIL("null", "c"), "op 'c' event without an \"after\" object");
}

/* --------------------------------------------------------- configuration */

static void config_fails(const char *const *props, const char *why) {
    char got[256];
    got[0] = 0;
    int rc = configure(props, got, sizeof(got));
    if (rc == 0 || strcmp(got, why) != 0) print_error("-> %d \"%s\"\n", rc, got);
    assert_int_equal(rc, -1);
    assert_string_equal(got, why);
}

#define CONFIG_FAILS(why, ...)                             \
    do {                                                   \
        const char *const props_[] = {__VA_ARGS__, NULL};  \
        config_fails(props_, why);                         \
    } while (0)

static void test_configuration(void **state) {
    (void)state;
    CONFIG_FAILS("unknown property 'delete.mode'", "delete.mode=drop");
    CONFIG_FAILS("delete.tombstone.handling.mode: 'none' is not one of drop, tombstone, rewrite, rewrite-with-tombstone",
                 "delete.tombstone.handling.mode=none");
    CONFIG_FAILS("delete.handling.mode: 'tombstone' is not one of drop, rewrite, none", "delete.handling.mode=tombstone");
    CONFIG_FAILS("drop.tombstones: 'yes' is not true or false", "drop.tombstones=yes");
    CONFIG_FAILS("drop.fields.keep.schema.compatible: '1' is not true or false", "drop.fields.keep.schema.compatible=1");
    CONFIG_FAILS("add.fields: unexpected field name 'a:b:c'", "add.fields=op,a:b:c");
    CONFIG_FAILS("add.headers: unexpected field name ':'", "add.headers=:");
    CONFIG_FAILS("add.fields: more than 32 entries",
                 "add.fields=a,b,c,d,e,f,g,h,i,j,k,l,m,n,o,p,q,r,s,t,u,v,w,x,y,z,aa,ab,ac,ad,ae,af,ag");
    /* Java's split: trailing empty entries vanish, "x:" is "x" */
    CONFIG("add.fields=op:,", "drop.tombstones= TRUE ");
    assert_int_equal(cfg.nfields, 1);
    assert_string_equal(cfg.fields[0].name, "__op");
    assert_null(cfg.fields[0].strct);
    CONFIG("add.fields=source.a.b:X,c.d", "add.fields.prefix=p_");
    assert_int_equal(cfg.nfields, 2);
    assert_string_equal(cfg.fields[0].strct, "source");
    assert_string_equal(cfg.fields[0].field, "a");
    assert_string_equal(cfg.fields[0].name, "p_X");
    assert_string_equal(cfg.fields[1].strct, "c");
    assert_string_equal(cfg.fields[1].name, "p_c_d");
    CONFIG("add.fields=total_order,data_collection_order,updateDescription,ts_us,lsn");
    assert_string_equal(cfg.fields[0].strct, "transaction");
    assert_string_equal(cfg.fields[1].strct, "transaction");
    assert_string_equal(cfg.fields[2].strct, "updateDescription");
    assert_null(cfg.fields[3].strct);
    assert_string_equal(cfg.fields[4].strct, "source");
}

/* ------------------------------------------------------ captured messages */

typedef struct sweep {
    size_t changes, passed, tombstones, truncates;
    buf want;
} sweep;

/* Rewrite mode over a real message: the value must be the image's own
 * bytes (the raw topic's converter wrote them compact, as the SMT's
 * would) with "__deleted" appended; tombstones and truncates dropped,
 * everything else passed on as its payload. */
static void sweep_one(void *ctx, const char *msg, size_t n) {
    sweep *s = ctx;
    dbz_event ev;
    arena_reset(&scratch);
    flat_apply(&cfg, msg, n, &scratch, &res);
    if (res.error[0]) fail_msg("%.200s: %s", msg, res.error);
    dbz_kind kind = dbz_decode(msg, n, &scratch, &ev);
    s->want.len = 0;
    if (kind == DBZ_TOMBSTONE || (kind == DBZ_CHANGE && ev.op == 't')) {
        assert_int_equal(res.skip, 1);
        assert_int_equal(res.value.len, 0);
        kind == DBZ_TOMBSTONE ? s->tombstones++ : s->truncates++;
        return;
    }
    assert_int_equal(res.skip, 0);
    if (kind == DBZ_CHANGE) {
        const json_value *img = ev.op == 'd' ? &ev.before : &ev.after;
        size_t len = json_raw_len(img);
        buf_put(&s->want, img->start, len - 1);
        if (len > 2) buf_putc(&s->want, ',');
        buf_put(&s->want, ev.op == 'd' ? "\"__deleted\":\"true\"}" : "\"__deleted\":\"false\"}",
                ev.op == 'd' ? 19 : 20);
        s->changes++;
    } else {
        buf_put(&s->want, ev.payload.start, json_raw_len(&ev.payload));
        s->passed++;
    }
    if (res.value.len != s->want.len || (s->want.len && memcmp(res.value.p, s->want.p, s->want.len) != 0))
        fail_msg("%.300s\n-> %.*s\nwanted %.*s", msg, (int)res.value.len, res.value.len ? res.value.p : "", (int)s->want.len,
                 s->want.len ? s->want.p : "");
}

static void test_captured_messages(void **state) {
    (void)state;
    CONFIG("delete.tombstone.handling.mode=rewrite");
    sweep s = {0};
    buf_init(&s.want);
    size_t plain = fixture_each(FIXTURES_DIR, "plain", 0, sweep_one, &s);
    size_t schema = fixture_each(FIXTURES_DIR, "with-schema", 0, sweep_one, &s);
    buf_free(&s.want);
    print_message("captured: %zu plain + %zu with schema: %zu changes, %zu passed on, %zu tombstones, %zu truncates\n",
                  plain, schema, s.changes, s.passed, s.tombstones, s.truncates);
    assert_int_equal(plain + schema, s.changes + s.passed + s.tombstones + s.truncates);
    assert_true(s.changes > 0 && s.passed > 0 && s.tombstones > 0 && s.truncates > 0);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_defaults),
        cmocka_unit_test(test_mode_drop),
        cmocka_unit_test(test_mode_tombstone),
        cmocka_unit_test(test_mode_rewrite),
        cmocka_unit_test(test_mode_rewrite_with_tombstone),
        cmocka_unit_test(test_legacy_options),
        cmocka_unit_test(test_documented_metadata),
        cmocka_unit_test(test_add_fields_prefix),
        cmocka_unit_test(test_add_fields_structs),
        cmocka_unit_test(test_renames),
        cmocka_unit_test(test_missing_fields),
        cmocka_unit_test(test_headers),
        cmocka_unit_test(test_route_by_field),
        cmocka_unit_test(test_not_envelopes),
        cmocka_unit_test(test_value_bytes),
        cmocka_unit_test(test_schema_envelope),
        cmocka_unit_test(test_drop_fields),
        cmocka_unit_test(test_smt_failures),
        cmocka_unit_test(test_configuration),
        cmocka_unit_test(test_captured_messages),
    };
    int rc = cmocka_run_group_tests(tests, setup, teardown);
    flat_config_free(&cfg);
    return rc;
}
