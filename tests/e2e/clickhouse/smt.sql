-- test_e2e_smt's tables (database smt): every record of the raw change topics
-- (connectors dbzplain and dbz) and of the SMT connectors' topics
-- (tests/e2e/connectors/smt*.properties) read through ClickHouse's Kafka engine
-- with its virtual columns, next to DumpTopics.java's dump of the same topics
-- (the dump also has the tombstones, which the Kafka engine never hands over).
-- Each record gets the identity of the change it came from
-- (tests/fixtures/smt/README.md, "Matching rule"); smt_<connector>.sql pair
-- them up.  test_e2e_smt has loaded the dump into smt.dump before (the topic
-- lists come from it).  Placeholders: @BROKERS@, @GROUP@, @RAW_TOPICS@,
-- @SMT_TOPICS@, @FLUSH_MS@.

-- What the Kafka engine hands over: a null key is '', a null header value ''.
-- side: 'raw' or 'smt'; from_dump: the SMT tombstones added from the dump.
CREATE TABLE smt.records
(
    side LowCardinality(String),
    topic LowCardinality(String),
    partition UInt32,
    offset UInt64,
    key String,
    value Nullable(String),
    hnames Array(String),
    hvalues Array(String),
    ts Int64,
    from_dump UInt8 DEFAULT 0
)
ENGINE = MergeTree ORDER BY (side, topic, partition, offset);

CREATE TABLE smt.raw_kafka (value String)
ENGINE = Kafka
SETTINGS kafka_broker_list = '@BROKERS@', kafka_topic_list = '@RAW_TOPICS@', kafka_group_name = '@GROUP@_raw',
         kafka_format = 'RawBLOB', kafka_flush_interval_ms = @FLUSH_MS@;

CREATE MATERIALIZED VIEW smt.raw_mv TO smt.records AS
SELECT 'raw' AS side, _topic AS topic, _partition AS partition, _offset AS offset, _key AS key, value,
       _headers.name AS hnames, _headers.value AS hvalues, coalesce(toUnixTimestamp64Milli(_timestamp_ms), -1) AS ts
FROM smt.raw_kafka;

CREATE TABLE smt.smt_kafka (value String)
ENGINE = Kafka
SETTINGS kafka_broker_list = '@BROKERS@', kafka_topic_list = '@SMT_TOPICS@', kafka_group_name = '@GROUP@_smt',
         kafka_format = 'RawBLOB', kafka_flush_interval_ms = @FLUSH_MS@;

CREATE MATERIALIZED VIEW smt.smt_mv TO smt.records AS
SELECT 'smt' AS side, _topic AS topic, _partition AS partition, _offset AS offset, _key AS key, value,
       _headers.name AS hnames, _headers.value AS hvalues, coalesce(toUnixTimestamp64Milli(_timestamp_ms), -1) AS ts
FROM smt.smt_kafka;

-- The raw change events.  conn: dbzplain (bare envelope) or dbz (schema + payload);
-- doc: the envelope (for the identity only: our functions get `value`); tbl:
-- schema.table of a table topic; debezium: produced by Debezium (the pipeline
-- test also writes poison into some of these topics).
CREATE VIEW smt.raw_events AS
SELECT *,
       multiIf(endsWith(topic, '.transaction'), concat('tx|', status, '|', txid),
               op = 'm', concat('msg|', toString(lsn)),
               op = 't', concat('trunc|', tbl, '|', toString(lsn)),
               op = 'r', concat('snap|', tbl, '|', keyc),
               concat('chg|', tbl, '|', toString(lsn), '|', keyc)) AS ident
FROM
(
    SELECT topic, partition, offset, key, assumeNotNull(value) AS value, hnames, hvalues, ts,
           splitByChar('.', topic) AS parts, parts[1] AS conn,
           if(length(parts) = 3, concat(parts[2], '.', parts[3]), '') AS tbl,
           if(conn = 'dbz', JSONExtractRaw(value, 'payload'), value) AS doc,
           if(conn = 'dbz', JSONExtractRaw(key, 'payload'), key) AS keyc,
           JSONExtractString(doc, 'op') AS op,
           JSONExtractUInt(doc, 'source', 'lsn') AS lsn,
           JSONExtractString(doc, 'status') AS status,
           JSONExtractString(doc, 'id') AS txid,
           JSONExtractString(doc, 'message', 'prefix') AS prefix,
           isValidJSON(value) AND (JSONHas(doc, 'op') OR JSONHas(doc, 'status')) AS debezium
    FROM smt.records
    WHERE side = 'raw'
);

-- The SMT connectors' records.  conn: the connector (an EventRouter topic whose
-- aggregatetype did not match route.topic.regex is named after the aggregatetype:
-- 'Order-Items').  The identity comes from the record itself: header "id"
-- (EventRouter), __op/__lsn (smtnew's add.fields), cdc.op/cdc.lsn (smtdrop's
-- add.headers), the envelope (smtchanged, smtlmsg, and what passes through).
CREATE VIEW smt.smt_events AS
SELECT *,
       multiIf(conn IN ('smtoutbox', 'smtoutboxx'), concat('event|', hvalues[indexOf(hnames, 'id')]),
               endsWith(topic, '.transaction'), concat('tx|', JSONExtractString(v, 'status'), '|', JSONExtractString(v, 'id')),
               conn = 'smtlmsg' OR JSONExtractString(v, 'op') = 'm', concat('msg|', toString(JSONExtractUInt(v, 'source', 'lsn'))),
               conn = 'smtnew' AND JSONExtractString(v, '__op') = 'r', concat('snap|', tbl, '|', key),
               conn = 'smtnew', concat('chg|', tbl, '|', toString(JSONExtractUInt(v, '__lsn')), '|', key),
               conn = 'smtdrop' AND hvalues[indexOf(hnames, 'cdc.op')] = 'r', concat('snap|', tbl, '|', key),
               conn = 'smtdrop', concat('chg|', tbl, '|', hvalues[indexOf(hnames, 'cdc.lsn')], '|', key),
               JSONExtractString(v, 'op') = 't', concat('trunc|', tbl, '|', toString(JSONExtractUInt(v, 'source', 'lsn'))),
               JSONExtractString(v, 'op') = 'r', concat('snap|', tbl, '|', key),
               concat('chg|', tbl, '|', toString(JSONExtractUInt(v, 'source', 'lsn')), '|', key)) AS ident
FROM
(
    SELECT topic, partition, offset, key, value, coalesce(value, '') AS v, hnames, hvalues, ts, from_dump,
           splitByChar('.', topic) AS parts,
           multiIf(startsWith(topic, 'outbox.event.'), 'smtoutbox',
                   startsWith(topic, 'outboxx.') OR topic = 'Order-Items', 'smtoutboxx', parts[1]) AS conn,
           if(length(parts) = 3, concat(parts[2], '.', parts[3]), '') AS tbl
    FROM smt.records
    WHERE side = 'smt'
);
