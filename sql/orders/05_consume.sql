-- orders / 05: start consuming (last, so everything downstream exists).
--
-- Dead letters: the function's errors (invalid JSON, a value of the wrong
-- type, a heartbeat or transaction metadata on the topic, ...), changes
-- without a row image (a delete without "before": REPLICA IDENTITY NOTHING),
-- and truncates, which are not applied: run TRUNCATE TABLE orders_current
-- yourself if you mean it.  Tombstones are not errors.
CREATE MATERIALIZED VIEW IF NOT EXISTS orders_kafka_mv TO orders_changes AS
WITH orders_change(message) AS c,
     -- order_date as Debezium sends it (days since 1970-01-01) or as text
     -- ("2025-09-03", seed 001's sample event); missing: 1970-01-01
     multiIf(c.order_date = '', toDate32('1970-01-01'),
             match(c.order_date, '^-?[0-9]{1,6}$'), addDays(toDate32('1970-01-01'), toInt32(c.order_date)),
             -- text: only a real calendar date (the round trip refuses 2025-13-45)
             toString(toDate32OrNull(c.order_date)) = c.order_date, toDate32OrNull(c.order_date),
             NULL) AS day
SELECT message, c.op AS op, ifNull(c.id, 0) AS id, ifNull(day, toDate32('1970-01-01')) AS order_date,
       c.purchaser AS purchaser, c.quantity AS quantity, c.product_id AS product_id, c.version AS version,
       c.source_ts_ms AS source_ts_ms,
       -- c.error first: a message the function could not decode keeps its
       -- reason in the dead letters, whatever its op says.
       multiIf(c.error != '', c.error,
               c.op = 't', 'truncate: not applied to orders_current',
               -- a tombstone: empty, null, or a schema envelope with a null payload
               c.op = '' AND length(message) < 4096
                   AND match(message, '^\\s*(null)?\\s*$|"payload"\\s*:\\s*null\\s*}\\s*$'), '',
               c.op NOT IN ('r', 'c', 'u', 'd'), concat('not a Debezium change event (op ''', c.op, ''')'),
               isNull(c.id), concat('op ''', c.op, ''' without a row image (no "id")'),
               isNull(day), concat('field ''order_date'': ''', c.order_date, ''' is not a date (days since 1970-01-01 or YYYY-MM-DD)'),
               '') AS error
FROM orders_kafka;

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
