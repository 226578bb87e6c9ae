-- orders / 05: start consuming (last, so everything downstream exists).
--
-- Dead letters: the function's errors (invalid JSON, a value of the wrong
-- type, a heartbeat or transaction metadata on the topic, ...), changes
-- without a row image (a delete without "before": REPLICA IDENTITY NOTHING),
-- and truncates, which are not applied: run TRUNCATE TABLE orders_final
-- yourself if you mean it.  Tombstones are not errors.
CREATE MATERIALIZED VIEW IF NOT EXISTS orders_kafka_mv TO orders_changes AS
WITH orders_change(message) AS c
SELECT message, c.op AS op, ifNull(c.id, 0) AS id, c.order_date AS order_date, c.purchaser AS purchaser,
       c.quantity AS quantity, c.product_id AS product_id, c.version AS version, c.source_ts_ms AS source_ts_ms,
       -- c.error first: a message the function could not decode keeps its
       -- reason in the dead letters, whatever its op says.
       multiIf(c.error != '', c.error,
               c.op = 't', 'truncate: not applied to orders_final',
               -- a tombstone: empty, null, or a schema envelope with a null payload
               c.op = '' AND length(message) < 4096
                   AND match(message, '^\\s*(null)?\\s*$|"payload"\\s*:\\s*null\\s*}\\s*$'), '',
               c.op NOT IN ('r', 'c', 'u', 'd'), concat('not a Debezium change event (op ''', c.op, ''')'),
               isNull(c.id), concat('op ''', c.op, ''' without a row image (no "id")'),
               '') AS error
FROM orders_kafka;
