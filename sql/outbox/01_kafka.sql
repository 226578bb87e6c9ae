-- outbox / 01: the Kafka source.
--
-- The raw change topic of the outbox table: Debezium's PostgreSQL connector
-- WITHOUT the EventRouter SMT, JSON converter with schemas.enable=false or
-- true.  outbox_route (05_consume.sql) computes in ClickHouse the record the
-- SMT would have sent, so Connect needs no transform and every consumer of
-- the raw topic still sees the raw changes.
--
-- kafka_format = 'RawBLOB' hands every message over whole, whatever it holds:
-- broken JSON reaches the dead letters instead of failing the block.
-- Tombstones (null values) are skipped by the Kafka engine itself.
--
-- The broker list and its credentials come from the named collection
-- cdc_kafka (sql/kafka_connection.sql or the server's configuration, see
-- sql/README.md): this DDL holds no secret.  Edit the topic and group for
-- your cluster.  Tests swap this engine clause for ENGINE = Null (see
-- sql/README.md), so keep this statement free of semicolons except the final
-- one.
CREATE TABLE IF NOT EXISTS outbox_kafka
(
    message String
)
ENGINE = Kafka(cdc_kafka)
SETTINGS
    kafka_topic_list = 'dbserver1.public.outbox',
    kafka_group_name = 'clickhouse_outbox',
    kafka_format = 'RawBLOB'
    -- Production settings, as measured (sql/README.md, "Tune the settings"): uncomment.
    -- , kafka_num_consumers = 1             -- more only with the partitions and the cores for them
    -- , kafka_max_block_size = 65536        -- messages per block: bigger blocks, fewer parts
    -- , kafka_poll_timeout_ms = 100         -- wait for messages before handing over a short block
    -- , kafka_flush_interval_ms = 1000      -- at most this long between blocks: the latency
;
