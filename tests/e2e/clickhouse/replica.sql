-- tests/e2e: the e2e test's own ClickHouse objects (the pipelines under test come from
-- sql/experiments and sql/adtech).  A typed replica of every PostgreSQL table of
-- tests/e2e/schema.sql, built from the real Debezium topics through the Kafka engine and
-- debezium_unwrap(), so test_e2e_pipeline can compare it with PostgreSQL column by column.
--
-- Placeholders, filled in by the test: @BROKERS@, @GROUP@ (consumer group prefix),
-- @DBZ_TOPICS@ (the schema-envelope topics dbz.public.<table>), @PLAIN_TOPICS@ (the
-- schemaless topics dbzplain.public.<table>), @FLUSH_MS@.
--
--   dbz.public.*       --Kafka-->  e2e_dbz_log  (every message: topic/partition/offset, the
--                                   bytes, what debezium_unwrap made of it)
--                                    |--> <table>_replica  ReplacingMergeTree(version, is_deleted)
--                                    |     typed columns, decoded logical types
--                                    '--> e2e_dbz_dead_letters (error != '')
--   dbzplain.public.*  --Kafka-->  e2e_plain_log (same)  --> e2e_truncates (op 't': only the
--                                   schemaless connector emits truncates) and its dead letters
--
-- <table>_current: the replica as it is now: FINAL (latest version, deletes gone), rows
-- older than the table's last TRUNCATE left out (version = the change's LSN; both
-- connectors read the same WAL, so LSNs compare across them), and for type_zoo the
-- TOASTed big_text restored when an update carried Debezium's placeholder.
--
-- Every materialized view here only uses functions that cannot throw on bad input
-- (JSONExtract*, *OrNull): a failing view would make the Kafka engine re-read the block.

-- ------------------------------------------------------------------ change logs
CREATE TABLE e2e_dbz_kafka (message String)
ENGINE = Kafka
SETTINGS kafka_broker_list = '@BROKERS@', kafka_topic_list = '@DBZ_TOPICS@',
         kafka_group_name = '@GROUP@_replica_dbz', kafka_format = 'RawBLOB',
         kafka_flush_interval_ms = @FLUSH_MS@;

CREATE TABLE e2e_plain_kafka (message String)
ENGINE = Kafka
SETTINGS kafka_broker_list = '@BROKERS@', kafka_topic_list = '@PLAIN_TOPICS@',
         kafka_group_name = '@GROUP@_replica_plain', kafka_format = 'RawBLOB',
         kafka_flush_interval_ms = @FLUSH_MS@;

CREATE TABLE e2e_dbz_log
(
    topic LowCardinality(String),
    partition UInt32,
    offset UInt64,
    message String,
    op LowCardinality(String),
    row String,
    version UInt64,
    is_deleted UInt8,
    source_table LowCardinality(String),
    error String,
    received_at DateTime64(3, 'UTC') DEFAULT now64(3)
)
ENGINE = MergeTree
ORDER BY (topic, partition, offset);

CREATE TABLE e2e_plain_log AS e2e_dbz_log;

CREATE TABLE e2e_dbz_dead_letters
(
    topic LowCardinality(String),
    partition UInt32,
    offset UInt64,
    message String,
    error String
)
ENGINE = MergeTree
ORDER BY (topic, partition, offset);

CREATE TABLE e2e_plain_dead_letters AS e2e_dbz_dead_letters;

CREATE TABLE e2e_truncates
(
    source_table LowCardinality(String),
    version UInt64
)
ENGINE = MergeTree
ORDER BY (source_table, version);

-- ------------------------------------------------------------------ typed replicas
CREATE TABLE assignments_replica
(
    id Int64,
    experiment_id Int64,
    user_id String,
    variant_id Int64,
    variant_key String,
    assigned_at DateTime64(6, 'UTC'),
    version UInt64,
    is_deleted UInt8
)
ENGINE = ReplacingMergeTree(version, is_deleted)
ORDER BY id;

-- session_id was added mid-stream (ALTER TABLE): older events simply lack it (NULL).
CREATE TABLE events_replica
(
    id Int64,
    experiment_id Int64,
    user_id String,
    variant_id Nullable(Int64),
    event_type String,
    value Nullable(Float64),
    properties Nullable(String),              -- jsonb: the JSON text
    occurred_at DateTime64(6, 'UTC'),
    session_id Nullable(String),
    version UInt64,
    is_deleted UInt8
)
ENGINE = ReplacingMergeTree(version, is_deleted)
ORDER BY id;

CREATE TABLE outbox_events_replica
(
    id UUID,
    aggregate_type String,
    aggregate_id String,
    event_type String,
    payload String,                           -- JSON text kept byte for byte
    created_at DateTime64(6, 'UTC'),
    version UInt64,
    is_deleted UInt8
)
ENGINE = ReplacingMergeTree(version, is_deleted)
ORDER BY id;

CREATE TABLE advertiser_replica
(
    id Int64,
    name String,
    country String,
    currency String,
    is_active Bool,
    created_at DateTime64(6, 'UTC'),
    version UInt64,
    is_deleted UInt8
)
ENGINE = ReplacingMergeTree(version, is_deleted)
ORDER BY id;

CREATE TABLE campaign_replica
(
    id Int64,
    advertiser_id Int64,
    name String,
    status String,
    daily_budget Decimal(14, 2),
    cpm_bid Decimal(10, 4),
    start_date Date32,
    end_date Nullable(Date32),
    created_at DateTime64(6, 'UTC'),
    version UInt64,
    is_deleted UInt8
)
ENGINE = ReplacingMergeTree(version, is_deleted)
ORDER BY id;

CREATE TABLE impressions_replica
(
    id Int64,
    campaign_id Int64,
    request_id UUID,
    user_id Nullable(String),
    country Nullable(String),
    device Nullable(String),
    cost Decimal(12, 6),
    shown_at DateTime64(6, 'UTC'),
    version UInt64,
    is_deleted UInt8
)
ENGINE = ReplacingMergeTree(version, is_deleted)
ORDER BY id;

CREATE TABLE clicks_replica
(
    id Int64,
    impression_id Int64,
    campaign_id Int64,
    cpc Decimal(10, 4),
    clicked_at DateTime64(6, 'UTC'),
    version UInt64,
    is_deleted UInt8
)
ENGINE = ReplacingMergeTree(version, is_deleted)
ORDER BY id;

-- The awkward types.  Where a ClickHouse type cannot hold PostgreSQL's whole range the
-- decoded text is kept: numeric without a scale (any precision and scale per value), and
-- date (PostgreSQL goes to year 5874897; Date32 stops at 2299-12-31, and the data has
-- 9999-12-31).
CREATE TABLE type_zoo_replica
(
    id Int32,
    num_fixed Nullable(Decimal(12, 4)),       -- numeric(12,4): "1234.5678"
    num_free Nullable(String),                -- numeric: exact decimal text
    ts Nullable(DateTime64(6, 'UTC')),        -- timestamp: wall clock, kept as if UTC
    ts_tz Nullable(DateTime64(6, 'UTC')),     -- timestamptz: an instant ("...Z")
    d Nullable(String),                       -- date: "YYYY-MM-DD"
    t Nullable(Time64(6)),                    -- time: "hh:mm:ss.ffffff"
    doc Nullable(String),                     -- jsonb: JSON text
    uid Nullable(UUID),
    flag Nullable(Bool),
    tags Array(Nullable(String)),             -- text[] (NULL array: [] and tags_is_null)
    tags_is_null UInt8,
    mood Nullable(Enum8('sad' = 1, 'ok' = 2, 'happy' = 3)),
    small Nullable(Int16),
    big Nullable(Int64),
    dbl Nullable(Float64),                    -- NaN / Infinity arrive as strings
    bytes Nullable(String),                   -- bytea: base64 decoded to the raw bytes
    span Nullable(Int64),                     -- interval: µs (Debezium: 1 month = 30.4375 days)
    big_text Nullable(String),                -- '__debezium_unavailable_value' when TOAST was not sent
    big_text_unavailable UInt8,
    version UInt64,
    is_deleted UInt8
)
ENGINE = ReplacingMergeTree(version, is_deleted)
ORDER BY id;

-- The last value of big_text that Debezium actually sent, per id: what an update that did
-- not touch the TOASTed column (placeholder) leaves in place.
CREATE TABLE type_zoo_big_text
(
    id Int32,
    big_text Nullable(String),
    version UInt64
)
ENGINE = ReplacingMergeTree(version)
ORDER BY id;

-- ------------------------------------------------------------------ routing
CREATE MATERIALIZED VIEW assignments_replica_mv TO assignments_replica AS
SELECT JSONExtract(row, 'id', 'Int64') AS id,
       JSONExtract(row, 'experiment_id', 'Int64') AS experiment_id,
       JSONExtractString(row, 'user_id') AS user_id,
       JSONExtract(row, 'variant_id', 'Int64') AS variant_id,
       JSONExtractString(row, 'variant_key') AS variant_key,
       parseDateTime64BestEffortOrZero(JSONExtractString(row, 'assigned_at'), 6, 'UTC') AS assigned_at,
       version, is_deleted
FROM e2e_dbz_log
WHERE error = '' AND source_table = 'assignments' AND op IN ('r', 'c', 'u', 'd');

CREATE MATERIALIZED VIEW events_replica_mv TO events_replica AS
SELECT JSONExtract(row, 'id', 'Int64') AS id,
       JSONExtract(row, 'experiment_id', 'Int64') AS experiment_id,
       JSONExtractString(row, 'user_id') AS user_id,
       JSONExtract(row, 'variant_id', 'Nullable(Int64)') AS variant_id,
       JSONExtractString(row, 'event_type') AS event_type,
       JSONExtract(row, 'value', 'Nullable(Float64)') AS value,
       JSONExtract(row, 'properties', 'Nullable(String)') AS properties,
       parseDateTime64BestEffortOrZero(JSONExtractString(row, 'occurred_at'), 6, 'UTC') AS occurred_at,
       JSONExtract(row, 'session_id', 'Nullable(String)') AS session_id,
       version, is_deleted
FROM e2e_dbz_log
WHERE error = '' AND source_table = 'events' AND op IN ('r', 'c', 'u', 'd');

CREATE MATERIALIZED VIEW outbox_events_replica_mv TO outbox_events_replica AS
SELECT toUUIDOrZero(JSONExtractString(row, 'id')) AS id,
       JSONExtractString(row, 'aggregate_type') AS aggregate_type,
       JSONExtractString(row, 'aggregate_id') AS aggregate_id,
       JSONExtractString(row, 'event_type') AS event_type,
       JSONExtractString(row, 'payload') AS payload,
       parseDateTime64BestEffortOrZero(JSONExtractString(row, 'created_at'), 6, 'UTC') AS created_at,
       version, is_deleted
FROM e2e_dbz_log
WHERE error = '' AND source_table = 'outbox_events' AND op IN ('r', 'c', 'u', 'd');

CREATE MATERIALIZED VIEW advertiser_replica_mv TO advertiser_replica AS
SELECT JSONExtract(row, 'id', 'Int64') AS id,
       JSONExtractString(row, 'name') AS name,
       JSONExtractString(row, 'country') AS country,
       JSONExtractString(row, 'currency') AS currency,
       JSONExtractBool(row, 'is_active') AS is_active,
       parseDateTime64BestEffortOrZero(JSONExtractString(row, 'created_at'), 6, 'UTC') AS created_at,
       version, is_deleted
FROM e2e_dbz_log
WHERE error = '' AND source_table = 'advertiser' AND op IN ('r', 'c', 'u', 'd');

-- debezium_unwrap has already turned the base64 decimals into exact decimal text and the
-- day counts into dates: plain JSONExtract reads them into the typed columns.
CREATE MATERIALIZED VIEW campaign_replica_mv TO campaign_replica AS
SELECT JSONExtract(row, 'id', 'Int64') AS id,
       JSONExtract(row, 'advertiser_id', 'Int64') AS advertiser_id,
       JSONExtractString(row, 'name') AS name,
       JSONExtractString(row, 'status') AS status,
       JSONExtract(row, 'daily_budget', 'Decimal(14, 2)') AS daily_budget,
       JSONExtract(row, 'cpm_bid', 'Decimal(10, 4)') AS cpm_bid,
       toDate32OrZero(JSONExtractString(row, 'start_date')) AS start_date,
       toDate32OrNull(JSONExtract(row, 'end_date', 'Nullable(String)')) AS end_date,
       parseDateTime64BestEffortOrZero(JSONExtractString(row, 'created_at'), 6, 'UTC') AS created_at,
       version, is_deleted
FROM e2e_dbz_log
WHERE error = '' AND source_table = 'campaign' AND op IN ('r', 'c', 'u', 'd');

CREATE MATERIALIZED VIEW impressions_replica_mv TO impressions_replica AS
SELECT JSONExtract(row, 'id', 'Int64') AS id,
       JSONExtract(row, 'campaign_id', 'Int64') AS campaign_id,
       toUUIDOrZero(JSONExtractString(row, 'request_id')) AS request_id,
       JSONExtract(row, 'user_id', 'Nullable(String)') AS user_id,
       JSONExtract(row, 'country', 'Nullable(String)') AS country,
       JSONExtract(row, 'device', 'Nullable(String)') AS device,
       JSONExtract(row, 'cost', 'Decimal(12, 6)') AS cost,
       parseDateTime64BestEffortOrZero(JSONExtractString(row, 'shown_at'), 6, 'UTC') AS shown_at,
       version, is_deleted
FROM e2e_dbz_log
WHERE error = '' AND source_table = 'impressions' AND op IN ('r', 'c', 'u', 'd');

CREATE MATERIALIZED VIEW clicks_replica_mv TO clicks_replica AS
SELECT JSONExtract(row, 'id', 'Int64') AS id,
       JSONExtract(row, 'impression_id', 'Int64') AS impression_id,
       JSONExtract(row, 'campaign_id', 'Int64') AS campaign_id,
       JSONExtract(row, 'cpc', 'Decimal(10, 4)') AS cpc,
       parseDateTime64BestEffortOrZero(JSONExtractString(row, 'clicked_at'), 6, 'UTC') AS clicked_at,
       version, is_deleted
FROM e2e_dbz_log
WHERE error = '' AND source_table = 'clicks' AND op IN ('r', 'c', 'u', 'd');

CREATE MATERIALIZED VIEW type_zoo_replica_mv TO type_zoo_replica AS
SELECT JSONExtract(row, 'id', 'Int32') AS id,
       JSONExtract(row, 'num_fixed', 'Nullable(Decimal(12, 4))') AS num_fixed,
       JSONExtract(row, 'num_free', 'Nullable(String)') AS num_free,
       JSONExtract(row, 'ts', 'Nullable(DateTime64(6, \'UTC\'))') AS ts,
       JSONExtract(row, 'ts_tz', 'Nullable(DateTime64(6, \'UTC\'))') AS ts_tz,
       JSONExtract(row, 'd', 'Nullable(String)') AS d,
       JSONExtract(row, 't', 'Nullable(Time64(6))') AS t,
       JSONExtract(row, 'doc', 'Nullable(String)') AS doc,
       JSONExtract(row, 'uid', 'Nullable(UUID)') AS uid,
       JSONExtract(row, 'flag', 'Nullable(Bool)') AS flag,
       JSONExtract(row, 'tags', 'Array(Nullable(String))') AS tags,
       JSONType(row, 'tags') != 'Array' AS tags_is_null,
       JSONExtract(row, 'mood', 'Nullable(Enum8(\'sad\' = 1, \'ok\' = 2, \'happy\' = 3))') AS mood,
       JSONExtract(row, 'small', 'Nullable(Int16)') AS small,
       JSONExtract(row, 'big', 'Nullable(Int64)') AS big,
       JSONExtract(row, 'dbl', 'Nullable(Float64)') AS dbl,
       if(JSONType(row, 'bytes') = 'String', tryBase64Decode(JSONExtractString(row, 'bytes')), NULL) AS bytes,
       JSONExtract(row, 'span', 'Nullable(Int64)') AS span,
       JSONExtract(row, 'big_text', 'Nullable(String)') AS big_text,
       ifNull(big_text = '__debezium_unavailable_value', 0) AS big_text_unavailable,
       version, is_deleted
FROM e2e_dbz_log
WHERE error = '' AND source_table = 'type_zoo' AND op IN ('r', 'c', 'u', 'd');

CREATE MATERIALIZED VIEW type_zoo_big_text_mv TO type_zoo_big_text AS
SELECT id, big_text, version
FROM type_zoo_replica
WHERE is_deleted = 0 AND big_text_unavailable = 0;

CREATE MATERIALIZED VIEW e2e_dbz_dead_letters_mv TO e2e_dbz_dead_letters AS
SELECT topic, partition, offset, message, error
FROM e2e_dbz_log
WHERE error != '';

CREATE MATERIALIZED VIEW e2e_plain_dead_letters_mv TO e2e_plain_dead_letters AS
SELECT topic, partition, offset, message, error
FROM e2e_plain_log
WHERE error != '';

CREATE MATERIALIZED VIEW e2e_truncates_mv TO e2e_truncates AS
SELECT source_table, version
FROM e2e_plain_log
WHERE error = '' AND op = 't';

-- ------------------------------------------------------------------ current state
CREATE VIEW assignments_current AS
SELECT * FROM assignments_replica FINAL
WHERE version > (SELECT max(version) FROM e2e_truncates WHERE source_table = 'assignments');

CREATE VIEW events_current AS
SELECT * FROM events_replica FINAL
WHERE version > (SELECT max(version) FROM e2e_truncates WHERE source_table = 'events');

CREATE VIEW outbox_events_current AS
SELECT * FROM outbox_events_replica FINAL
WHERE version > (SELECT max(version) FROM e2e_truncates WHERE source_table = 'outbox_events');

CREATE VIEW advertiser_current AS
SELECT * FROM advertiser_replica FINAL
WHERE version > (SELECT max(version) FROM e2e_truncates WHERE source_table = 'advertiser');

CREATE VIEW campaign_current AS
SELECT * FROM campaign_replica FINAL
WHERE version > (SELECT max(version) FROM e2e_truncates WHERE source_table = 'campaign');

CREATE VIEW impressions_current AS
SELECT * FROM impressions_replica FINAL
WHERE version > (SELECT max(version) FROM e2e_truncates WHERE source_table = 'impressions');

CREATE VIEW clicks_current AS
SELECT * FROM clicks_replica FINAL
WHERE version > (SELECT max(version) FROM e2e_truncates WHERE source_table = 'clicks');

CREATE VIEW type_zoo_current AS
SELECT r.id AS id, r.num_fixed AS num_fixed, r.num_free AS num_free, r.ts AS ts, r.ts_tz AS ts_tz,
       r.d AS d, r.t AS t, r.doc AS doc, r.uid AS uid, r.flag AS flag, r.tags AS tags,
       r.tags_is_null AS tags_is_null, r.mood AS mood, r.small AS small, r.big AS big, r.dbl AS dbl,
       r.bytes AS bytes, r.span AS span,
       if(r.big_text_unavailable = 1, b.big_text, r.big_text) AS big_text,
       r.big_text_unavailable AS big_text_was_unavailable,
       r.version AS version
FROM (SELECT * FROM type_zoo_replica FINAL
      WHERE version > (SELECT max(version) FROM e2e_truncates WHERE source_table = 'type_zoo')) AS r
LEFT JOIN (SELECT id, big_text FROM type_zoo_big_text FINAL) AS b ON b.id = r.id;

-- ------------------------------------------------------------------ start consuming
-- Last, so everything downstream exists before the first block.
CREATE MATERIALIZED VIEW e2e_dbz_kafka_mv TO e2e_dbz_log AS
WITH debezium_unwrap(message) AS d
SELECT _topic AS topic, _partition AS partition, _offset AS offset, message,
       d.op AS op, d.row AS row, d.version AS version, d.is_deleted AS is_deleted,
       d.source_table AS source_table, d.error AS error
FROM e2e_dbz_kafka;

CREATE MATERIALIZED VIEW e2e_plain_kafka_mv TO e2e_plain_log AS
WITH debezium_unwrap(message) AS d
SELECT _topic AS topic, _partition AS partition, _offset AS offset, message,
       d.op AS op, d.row AS row, d.version AS version, d.is_deleted AS is_deleted,
       d.source_table AS source_table, d.error AS error
FROM e2e_plain_kafka;
