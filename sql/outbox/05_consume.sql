-- outbox / 05: start consuming.
--
-- The Kafka engine reads only while a materialized view is attached to it,
-- so this view comes last: every table and view downstream exists before the
-- first block arrives.
--
-- outbox_route() is Debezium's outbox EventRouter with its default
-- properties (clickhouse-config/cdc_udfs_function.xml; for other properties,
-- define a function of your own with them on its command line, as udf/README.md
-- shows).  Per message it answers the record the SMT would send — topic,
-- key, value, headers, timestamp — or skip = 1 where the SMT drops the
-- message (tombstones, deletes, updates), or a reason in `error`.
CREATE MATERIALIZED VIEW IF NOT EXISTS outbox_kafka_mv TO outbox_routed AS
SELECT message, o.topic AS topic, o.key AS key, o.event_id AS event_id, o.event_type AS event_type,
       o.timestamp AS timestamp, o.payload AS payload, o.headers AS headers, o.partition AS partition,
       o.is_tombstone AS is_tombstone, o.skip AS skip, o.error AS error
FROM (SELECT message, outbox_route(message) AS o FROM outbox_kafka);
