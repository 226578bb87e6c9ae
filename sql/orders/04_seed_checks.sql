-- orders / 04: seed 001's consumer checks, on ClickHouse 26.
--
-- The seed's "Monitor consumer lag" and "Check all Kafka consumers" queries
-- read system.kafka_consumers columns that ClickHouse does not have (name,
-- status, assignments.high_water_mark).  This view answers both with the
-- seed's column names: the high-water mark and the lag come from
-- librdkafka's statistics (rdkafka_stat, every 3 s by default;
-- <kafka><statistics_interval_ms> in the server config), -1 while unknown.
-- The seed's system.text_log check needs <text_log> in the server config;
-- without it, kafka_consumer_errors (04_monitoring.sql) lists the
-- consumers' last exceptions.
CREATE VIEW IF NOT EXISTS kafka_consumer_status AS
SELECT database, table, consumer_id,
       if(is_currently_used, 'active', 'idle') AS status,
       topic, partition_id, current_offset,
       ifNull(JSONExtract(rdkafka_stat, 'topics', topic, 'partitions', toString(partition_id), 'hi_offset', 'Nullable(Int64)'), -1)
           AS high_water_mark,
       ifNull(JSONExtract(rdkafka_stat, 'topics', topic, 'partitions', toString(partition_id), 'consumer_lag', 'Nullable(Int64)'), -1)
           AS lag
FROM system.kafka_consumers
ARRAY JOIN assignments.topic AS topic, assignments.partition_id AS partition_id,
           assignments.current_offset AS current_offset
ORDER BY database, table, topic, partition_id;
