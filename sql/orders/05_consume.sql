-- orders / 05: start consuming (last, so everything downstream exists).
--
-- Dead letters: the function's errors (invalid JSON, a value of the wrong
-- type such as an order_date that is no date, a heartbeat or transaction
-- metadata on the topic, ...), changes without a row image (a delete
-- without "before": REPLICA IDENTITY NOTHING), and truncates, which are not
-- applied: run TRUNCATE TABLE orders_current yourself if you mean it.
-- Tombstones are not errors.  order_date arrives typed: orders_change reads
-- Debezium's day number and seed 001's "2025-09-03" alike.
CREATE MATERIALIZED VIEW IF NOT EXISTS orders_kafka_json_mv TO orders_changes AS
WITH orders_change(payload) AS c
SELECT payload AS message, c.op AS op, ifNull(c.id, 0) AS id, c.order_date AS order_date,
       c.purchaser AS purchaser, c.quantity AS quantity, c.product_id AS product_id, c.version AS version,
       c.source_ts_ms AS source_ts_ms,
       -- c.error first: a message the function could not decode keeps its
       -- reason in the dead letters, whatever its op says.
       multiIf(c.error != '', c.error,
               c.op = 't', 'truncate: not applied to orders_current',
               -- a tombstone: empty, null, or a schema envelope with a null payload
               c.op = '' AND length(payload) < 4096
                   AND match(payload, '^\\s*(null)?\\s*$|"payload"\\s*:\\s*null\\s*}\\s*$'), '',
               c.op NOT IN ('r', 'c', 'u', 'd'), concat('not a Debezium change event (op ''', c.op, ''')'),
               isNull(c.id), concat('op ''', c.op, ''' without a row image (no "id")'),
               '') AS error
FROM orders_kafka_json;

-- inventory.products: debezium_unwrap takes the envelope apart (with or
-- without the schema) and says why a message is not a change event.
CREATE MATERIALIZED VIEW IF NOT EXISTS products_kafka_mv TO products_changes AS
WITH debezium_unwrap(message) AS d
SELECT message, d.op AS op, d.row AS row, d.version AS version, d.is_deleted AS is_deleted,
       multiIf(d.error != '', d.error,
               d.op = '', '',                                   -- a tombstone
               d.op = 't', 'truncate of products: not applied to products_current',
               d.op NOT IN ('r', 'c', 'u', 'd'), concat('op ''', d.op, ''' is not applied'),
               d.source_table != 'products', concat('table ', d.source_schema, '.', d.source_table, ' is not inventory.products'),
               d.op = 'd', '',
               JSONType(d.row, 'price') != 'Null' AND NOT match(JSONExtractString(d.row, 'price'), '^-?[0-9]+(\\.[0-9]+)?$'),
                   'products.price is not decimal text (decimal.handling.mode=string, or the schema envelope)',
               '') AS error
FROM products_kafka;
