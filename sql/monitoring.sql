-- monitoring: the views every pipeline gets.  One definition: each folder's
-- 00_monitoring.sql is a link to this file, applied first with the folder
-- into its database (nothing here needs the pipeline's tables to exist).
-- Everything here describes that database only.
--
-- A view cannot name its own database, and currentDatabase() in a view is
-- the reader's, so monitoring_scope records the database this file was
-- applied to (one row, written once by CREATE … AS SELECT); the views filter
-- on it and say the same from any session.

CREATE TABLE IF NOT EXISTS monitoring_scope
ENGINE = MergeTree ORDER BY tuple()
AS SELECT currentDatabase() AS database;

-- Consumer lag per partition of this database's Kafka tables: librdkafka's
-- statistics (rdkafka_stat, every 3 s by default; <kafka><statistics_interval_ms>
-- in the server config).  lag = messages in the partition not yet read by
-- this consumer (-1: unknown).
CREATE VIEW IF NOT EXISTS kafka_consumer_lag AS
SELECT database, table, consumer_id, topic, partition_id, current_offset,
       JSONExtract(rdkafka_stat, 'topics', topic, 'partitions', toString(partition_id), 'consumer_lag', 'Int64') AS lag,
       num_messages_read, last_poll_time, last_commit_time, num_commits,
       num_rebalance_assignments, num_rebalance_revocations, is_currently_used
FROM system.kafka_consumers
ARRAY JOIN assignments.topic AS topic, assignments.partition_id AS partition_id,
           assignments.current_offset AS current_offset
WHERE database = (SELECT any(database) FROM monitoring_scope)
ORDER BY table, topic, partition_id;

-- The last exceptions of each consumer (a failing view, a broker problem).
CREATE VIEW IF NOT EXISTS kafka_consumer_errors AS
SELECT database, table, consumer_id, error_time, error
FROM system.kafka_consumers
ARRAY JOIN exceptions.time AS error_time, exceptions.text AS error
WHERE database = (SELECT any(database) FROM monitoring_scope)
ORDER BY error_time DESC;

-- Consumers that stopped making progress: an exception newer than their last
-- commit (every block since then failed, a view or a function among them:
-- the Kafka engine reads the block again and again, so nothing is lost, but
-- nothing lands), or messages waiting (librdkafka's consumer_lag) with no
-- commit for 5 minutes.  Empty while all is well; see sql/README.md
-- (Operations) for what to do.
CREATE VIEW IF NOT EXISTS kafka_consumer_stalled AS
SELECT database, table, consumer_id, last_poll_time, last_commit_time,
       arrayMax(exceptions.time) AS last_error_time,
       exceptions.text[indexOf(exceptions.time, last_error_time)] AS last_error,
       arraySum(arrayMap((t, p) -> greatest(JSONExtract(rdkafka_stat, 'topics', t, 'partitions', toString(p),
                                                        'consumer_lag', 'Int64'), 0),
                         assignments.topic, assignments.partition_id)) AS lag
FROM system.kafka_consumers
WHERE database = (SELECT any(database) FROM monitoring_scope)
  AND ((notEmpty(exceptions.time) AND last_error_time > last_commit_time)
       OR (lag > 0 AND last_commit_time < now() - INTERVAL 5 MINUTE))
ORDER BY table, consumer_id;

-- Every dead-letter table of this database (*_dead_letters: this shape in
-- every pipeline, see sql/README.md), as one table; _table names the source.
-- The database is fixed when the table is created.
CREATE TABLE IF NOT EXISTS dead_letters
(
    message String,
    error String,
    received_at DateTime64(3, 'UTC')
)
ENGINE = Merge(currentDatabase(), '_dead_letters$');

-- Dead letters of the last 24 hours by table and reason (the reason without
-- the quoted details that vary per message).
CREATE VIEW IF NOT EXISTS dead_letter_summary AS
SELECT _table AS dead_letter_table,
       replaceRegexpAll(error, '''[^'']*''', '''…''') AS reason,
       count() AS messages,
       min(received_at) AS first_seen,
       max(received_at) AS last_seen,
       any(message) AS example
FROM dead_letters FINAL
WHERE received_at >= now64(3) - INTERVAL 1 DAY
GROUP BY dead_letter_table, reason
ORDER BY messages DESC, dead_letter_table, reason;

-- Size of each table on disk (active parts): many small parts mean blocks
-- that are too small (kafka_max_block_size, kafka_flush_interval_ms).
CREATE VIEW IF NOT EXISTS table_sizes AS
SELECT table,
       sum(rows) AS rows,
       count() AS parts,
       uniqExact(partition) AS partitions,
       sum(bytes_on_disk) AS bytes_on_disk,
       sum(data_uncompressed_bytes) AS uncompressed_bytes,
       round(sum(data_uncompressed_bytes) / nullIf(sum(data_compressed_bytes), 0), 2) AS compression_ratio
FROM system.parts
WHERE active AND database = (SELECT any(database) FROM monitoring_scope)
GROUP BY table
ORDER BY bytes_on_disk DESC, table;

-- When each table was last written (its newest active part): a table that
-- stops growing while its topic does points at the consumer.
CREATE VIEW IF NOT EXISTS table_freshness AS
SELECT table,
       max(modification_time) AS last_write,
       dateDiff('second', max(modification_time), now()) AS seconds_since_write,
       argMax(rows, modification_time) AS rows_in_last_part
FROM system.parts
WHERE active AND database = (SELECT any(database) FROM monitoring_scope)
GROUP BY table
ORDER BY table;
