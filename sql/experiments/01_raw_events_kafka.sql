-- experiments / 01: the Kafka source.
--
-- Debezium's outbox_events table (PostgreSQL, JSON converter with
-- schemas.enable=false or true) arrives on topic experiments_events.  One row
-- per Kafka message: the raw bytes, decoded later by our functions.
--
-- kafka_format = 'RawBLOB' hands every message over as it is, whatever it
-- holds: broken JSON and plain text reach the dead-letter table instead of
-- failing the block.  (JSONAsString would reject them and stop the consumer
-- in the default error mode.)  Tombstones (null values) are skipped by the
-- Kafka engine itself.
--
-- The broker list and its credentials come from the named collection
-- cdc_kafka (sql/kafka_connection.sql or the server's configuration, see
-- sql/README.md): this DDL holds no secret.  Edit the topic and group for
-- your cluster.  Tests and the demo swap this engine clause for ENGINE = Null
-- (see sql/README.md), so keep this statement free of semicolons except the
-- final one.
CREATE TABLE IF NOT EXISTS raw_events_kafka
(
    message String
)
ENGINE = Kafka(cdc_kafka)
SETTINGS
    kafka_topic_list = 'experiments_events',
    kafka_group_name = 'clickhouse_analytics',
    kafka_format = 'RawBLOB'
    -- Production settings, as measured (sql/README.md, "Tune the settings"): uncomment.
    -- , kafka_num_consumers = 1             -- more only with the partitions and the cores for them
    -- , kafka_max_block_size = 65536        -- messages per block: bigger blocks, fewer parts
    -- , kafka_handle_error_mode = 'stream'  -- RawBLOB never fails to parse, so 'default' is enough
    -- , kafka_poll_timeout_ms = 100         -- wait for messages before handing over a short block
    -- , kafka_flush_interval_ms = 1000      -- at most this long between blocks: the latency
;
