-- campaigns / 01: the Kafka source.
--
-- The e-mail service posts one plain JSON object per event to topic
-- email_events (not Debezium):
--   {"campaign_id":"<uuid>","workspace_id":"<uuid>","email":"…",
--    "event_type":"delivered|open|click|bounce|unsubscribe",
--    "event_time":"2024-06-03T10:15:00.123Z","metadata":{…}}
--
-- kafka_format = 'RawBLOB' hands every message over as it is, so nothing
-- fails to parse in the engine: bad messages reach email_dead_letters.
--
-- Edit the broker list, topic and group for your cluster.  Tests and the
-- demo swap this engine clause for ENGINE = Null (see sql/README.md), so keep
-- this statement free of semicolons except the final one.
CREATE TABLE IF NOT EXISTS email_events_kafka
(
    message String
)
ENGINE = Kafka
SETTINGS
    kafka_broker_list = 'localhost:9092',
    kafka_topic_list = 'email_events',
    kafka_group_name = 'clickhouse_campaigns',
    kafka_format = 'RawBLOB'
    -- Production settings: uncomment and size them.
    -- , kafka_num_consumers = 2             -- at most the partition count and the server's cores
    -- , kafka_max_block_size = 65536        -- messages per block: bigger blocks, fewer parts
    -- , kafka_handle_error_mode = 'stream'  -- RawBLOB never fails to parse, so 'default' is enough
    -- , kafka_poll_timeout_ms = 500         -- wait for messages before handing over a short block
    -- , kafka_flush_interval_ms = 7500      -- at most this long between blocks
;
