-- orders / 03: changes to the table, failures to the dead letters.

-- A delete's row image holds only the key (REPLICA IDENTITY DEFAULT), which
-- is all ReplacingMergeTree needs: same id, higher version, is_deleted = 1.
CREATE MATERIALIZED VIEW IF NOT EXISTS orders_final_mv TO orders_final AS
SELECT id, toDate(order_date) AS order_date, purchaser, quantity, product_id, version,
       op = 'd' AS is_deleted, op,
       fromUnixTimestamp64Milli(source_ts_ms, 'UTC') AS source_ts
FROM orders_changes
WHERE error = '' AND op IN ('r', 'c', 'u', 'd');

CREATE MATERIALIZED VIEW IF NOT EXISTS orders_dead_letters_mv TO orders_dead_letters AS
SELECT message, error
FROM orders_changes
WHERE error != '';
