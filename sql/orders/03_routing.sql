-- orders / 03: changes to the tables, failures to the dead letters.

-- The seed's materialized view (orders_mv), fed by our decoder instead of
-- JSONExtract: inserts, updates and snapshot rows, as the seed logs them.
-- order_date comes as a Date; orders_final keeps it as a DateTime
-- (midnight), see 02_tables.sql.
CREATE MATERIALIZED VIEW IF NOT EXISTS orders_mv TO orders_final AS
SELECT toUInt32(id) AS order_id, toDateTime(order_date) AS order_date, toUInt32(purchaser) AS purchaser,
       toUInt32(quantity) AS quantity, toUInt32(product_id) AS product_id, op AS operation_type,
       now() AS _synced_at, today() AS _partition_date
FROM orders_changes
WHERE error = '' AND op IN ('c', 'u', 'r');

-- A delete's row image holds only the key (REPLICA IDENTITY DEFAULT), which
-- is all ReplacingMergeTree needs: same id, higher version, is_deleted = 1.
CREATE MATERIALIZED VIEW IF NOT EXISTS orders_current_mv TO orders_current AS
SELECT id, order_date, purchaser, quantity, product_id, version,
       op = 'd' AS is_deleted, op,
       fromUnixTimestamp64Milli(source_ts_ms, 'UTC') AS source_ts
FROM orders_changes
WHERE error = '' AND op IN ('r', 'c', 'u', 'd');

CREATE MATERIALIZED VIEW IF NOT EXISTS products_current_mv TO products_current AS
SELECT JSONExtractInt(row, 'id') AS product_id,
       JSONExtractString(row, 'name') AS name,
       JSONExtractString(row, 'description') AS description,
       JSONExtractFloat(row, 'weight') AS weight,
       toDecimal64OrZero(JSONExtractString(row, 'price'), 2) AS price,
       JSONExtractInt(row, 'stock') AS stock,
       version, is_deleted
FROM products_changes
WHERE error = '' AND op IN ('r', 'c', 'u', 'd');

CREATE MATERIALIZED VIEW IF NOT EXISTS orders_dead_letters_mv TO orders_dead_letters AS
SELECT message, error
FROM orders_changes
WHERE error != '';

CREATE MATERIALIZED VIEW IF NOT EXISTS products_dead_letters_mv TO orders_dead_letters AS
SELECT message, error
FROM products_changes
WHERE error != '';
