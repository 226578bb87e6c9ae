-- orders / 02: the current orders, and what could not be applied.

-- One decoded change (Null engine: rows only feed the views on it).
-- orders_change() reads the Debezium row image (after, or before for a
-- delete) with typed fields, and the change's op and LSN.
CREATE TABLE IF NOT EXISTS orders_changes
(
    message String,
    op LowCardinality(String),
    id Int32,
    order_date Int32,                         -- io.debezium.time.Date: days since 1970-01-01
    purchaser Int32,
    quantity Int32,
    product_id Int32,
    version UInt64,                           -- source.lsn: grows with every change
    source_ts_ms Int64,
    error String                              -- '' when the change can be applied, or for a tombstone
)
ENGINE = Null;

-- Query with FINAL: for each id the change with the highest version wins,
-- and if that change is a delete the order disappears.  A change delivered
-- twice or late (an older version after a newer one) changes nothing.
-- Deleted rows stay on disk until `OPTIMIZE TABLE orders_final FINAL CLEANUP`
-- (with allow_experimental_replacing_merge_with_cleanup = 1).
CREATE TABLE IF NOT EXISTS orders_final
(
    id Int32,
    order_date Date,
    purchaser Int32,
    quantity Int32,
    product_id Int32,
    version UInt64,
    is_deleted UInt8,
    op LowCardinality(String),
    source_ts DateTime64(3, 'UTC'),
    ingested_at DateTime64(3, 'UTC') DEFAULT now64(3)
)
ENGINE = ReplacingMergeTree(version, is_deleted)
ORDER BY id;

CREATE TABLE IF NOT EXISTS orders_dead_letters
(
    message String,
    error String,
    received_at DateTime64(3, 'UTC') DEFAULT now64(3)
)
ENGINE = ReplacingMergeTree
ORDER BY cityHash64(message)
TTL toDateTime(received_at) + INTERVAL 30 DAY;
