-- adtech / 01: the Kafka source.
--
-- Debezium's PostgreSQL connector (topic.prefix postgres, as in seed 004)
-- writes one topic per table: postgres.public.advertiser,
-- postgres.public.campaign, postgres.public.impressions,
-- postgres.public.clicks.  One Kafka table reads
-- all four; each message says which table it belongs to (source.table).
--
-- kafka_format = 'RawBLOB' hands every message over as it is, so nothing
-- fails to parse in the engine: bad messages reach adtech_dead_letters.
-- Tombstones (null values) are skipped by the Kafka engine.
--
-- The broker list and its credentials come from the named collection
-- cdc_kafka (sql/kafka_connection.sql or the server's configuration, see
-- sql/README.md): this DDL holds no secret.  Edit the topics and group for
-- your cluster.  Tests and the demo swap this engine clause for ENGINE = Null
-- (see sql/README.md), so keep this statement free of semicolons except the
-- final one.
CREATE TABLE IF NOT EXISTS adtech_kafka
(
    message String
)
ENGINE = Kafka(cdc_kafka)
SETTINGS
    kafka_topic_list = 'postgres.public.advertiser,postgres.public.campaign,postgres.public.impressions,postgres.public.clicks',
    kafka_group_name = 'clickhouse_adtech',
    kafka_format = 'RawBLOB'
    -- Production settings, as measured (sql/README.md, "Tune the settings"): uncomment.
    -- , kafka_num_consumers = 1             -- more only with the partitions and the cores for them
    -- , kafka_max_block_size = 65536        -- messages per block: bigger blocks, fewer parts
    -- , kafka_handle_error_mode = 'stream'  -- RawBLOB never fails to parse, so 'default' is enough
    -- , kafka_poll_timeout_ms = 100         -- wait for messages before handing over a short block
    -- , kafka_flush_interval_ms = 1000      -- at most this long between blocks: the latency
;
