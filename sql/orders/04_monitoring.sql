-- orders / 04: monitoring.  The two Kafka views cover every Kafka table on
-- the server (all pipelines), the dead-letter view this pipeline.

-- Consumer lag per partition: librdkafka's statistics (rdkafka_stat, every
-- 3 s by default; <kafka><statistics_interval_ms> in the server config).
-- lag = messages in the partition not yet read by this consumer (-1: unknown).
CREATE VIEW IF NOT EXISTS kafka_consumer_lag AS
SELECT database, table, consumer_id, topic, partition_id, current_offset,
       JSONExtract(rdkafka_stat, 'topics', topic, 'partitions', toString(partition_id), 'consumer_lag', 'Int64') AS lag,
       num_messages_read, last_poll_time, last_commit_time, num_commits,
       num_rebalance_assignments, num_rebalance_revocations, is_currently_used
FROM system.kafka_consumers
ARRAY JOIN assignments.topic AS topic, assignments.partition_id AS partition_id,
           assignments.current_offset AS current_offset
ORDER BY database, table, topic, partition_id;

-- The last exceptions of every consumer (a failing view, a broker problem).
CREATE VIEW IF NOT EXISTS kafka_consumer_errors AS
SELECT database, table, consumer_id, error_time, error
FROM system.kafka_consumers
ARRAY JOIN exceptions.time AS error_time, exceptions.text AS error
ORDER BY error_time DESC;

-- Dead letters of the last 24 hours by reason (the reason without the
-- details that vary per message).
CREATE VIEW IF NOT EXISTS orders_dead_letter_summary AS
SELECT replaceRegexpAll(error, '''[^'']*''', '''…''') AS reason,
       count() AS messages,
       min(received_at) AS first_seen,
       max(received_at) AS last_seen,
       any(message) AS example
FROM orders_dead_letters FINAL
WHERE received_at >= now64(3) - INTERVAL 1 DAY
GROUP BY reason
ORDER BY messages DESC;
