-- campaigns / 01: the Kafka sources (seed 003: campaign e-mail events).
--
-- The application publishes one plain JSON object per message (not
-- Debezium), on one topic per kind of event:
--   campaign.event_tracking   e-mail events, read by `queue`:
--     {"campaign_id":"<uuid>","workspace_id":"<uuid>","email":"…",
--      "event_type":"delivered|open|click|bounce|unsubscribe",
--      "event_time":"2024-06-03T10:15:00.123456","metadata":{…}}
--   campaign.audience_ready   a campaign's audience is built, and
--   campaign.template_ready   its template is rendered, read by
--                             `audience_ready_queue` / `template_ready_queue`:
--     {"campaign_id":"<uuid>","workspace_id":"<uuid>",
--      "event_time":"…","metadata":{…}}
--
-- kafka_format = 'RawBLOB' hands every message over as it is, so nothing
-- fails to parse in the engine: bad messages reach email_dead_letters.
-- (The seed's `queue` declared timestamp/level/message columns with
-- JSONEachRow; its producer writes none of those keys.  See sql/README.md.)
--
-- The broker list and its credentials come from the named collection
-- cdc_kafka (sql/kafka_connection.sql or the server's configuration, see
-- sql/README.md): this DDL holds no secret.  Edit the topics and group for
-- your cluster.  Tests and the demo swap each engine clause for ENGINE = Null
-- (see sql/README.md), so keep these statements free of semicolons except the
-- final one.
CREATE TABLE IF NOT EXISTS queue
(
    message String
)
ENGINE = Kafka(cdc_kafka)
SETTINGS
    kafka_topic_list = 'campaign.event_tracking',
    kafka_group_name = 'clickhouse-consumer',
    kafka_format = 'RawBLOB'
    -- Production settings, as measured (sql/README.md, "Tune the settings"): uncomment.
    -- , kafka_num_consumers = 1             -- more only with the partitions and the cores for them
    -- , kafka_max_block_size = 65536        -- messages per block: bigger blocks, fewer parts
    -- , kafka_handle_error_mode = 'stream'  -- RawBLOB never fails to parse, so 'default' is enough
    -- , kafka_poll_timeout_ms = 100         -- wait for messages before handing over a short block
    -- , kafka_flush_interval_ms = 1000      -- at most this long between blocks: the latency
;

CREATE TABLE IF NOT EXISTS audience_ready_queue
(
    message String
)
ENGINE = Kafka(cdc_kafka)
SETTINGS
    kafka_topic_list = 'campaign.audience_ready',
    kafka_group_name = 'clickhouse-consumer',
    kafka_format = 'RawBLOB'
;

CREATE TABLE IF NOT EXISTS template_ready_queue
(
    message String
)
ENGINE = Kafka(cdc_kafka)
SETTINGS
    kafka_topic_list = 'campaign.template_ready',
    kafka_group_name = 'clickhouse-consumer',
    kafka_format = 'RawBLOB'
;
