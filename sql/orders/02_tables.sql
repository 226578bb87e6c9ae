-- orders / 02: the seed's change log, the current orders and products, and
-- what could not be applied.

-- One decoded change (Null engine: rows only feed the views on it).
-- orders_change() reads the Debezium row image (after, or before for a
-- delete) with typed fields, and the change's op and LSN.
CREATE TABLE IF NOT EXISTS orders_changes
(
    message String,
    op LowCardinality(String),
    id Int32,
    order_date Date,                          -- orders_change reads io.debezium.time.Date (days) or "2025-09-03"
    purchaser Int32,
    quantity Int32,
    product_id Int32,
    version UInt64,                           -- source.lsn: grows with every change
    source_ts_ms Int64,
    error String                              -- '' when the change can be applied, or for a tombstone
)
ENGINE = Null;

-- Seed 001's target table, as the seed creates it: a log of the inserts,
-- updates and snapshot rows (operation_type c, u, r; deletes are not
-- logged), one row per change.  The seed's example queries read it.  It is
-- a plain MergeTree, so a block the Kafka engine delivers again after a
-- failure is logged twice; orders_current below is exact.  order_date is a
-- DateTime (midnight) instead of the seed's Date, so that the seed's sales
-- dashboard (toStartOfHour(order_date)) runs: see sql/README.md.
CREATE TABLE IF NOT EXISTS orders_final (
    order_id UInt32,
    order_date DateTime,
    purchaser UInt32,
    quantity UInt32,
    product_id UInt32,
    operation_type String,  -- INSERT, UPDATE, DELETE
    _synced_at DateTime DEFAULT now(),
    _partition_date Date DEFAULT today()
) ENGINE = MergeTree()
PARTITION BY _partition_date
ORDER BY (order_id, _synced_at)
SETTINGS index_granularity = 8192;

-- The orders as they are now.  Query with FINAL: for each id the change
-- with the highest version wins, and if that change is a delete the order
-- disappears.  A change delivered twice or late (an older version after a
-- newer one) changes nothing.  Deleted rows stay on disk until
-- `OPTIMIZE TABLE orders_current FINAL CLEANUP` (with
-- allow_experimental_replacing_merge_with_cleanup = 1).
CREATE TABLE IF NOT EXISTS orders_current
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

-- One decoded change of inventory.products (debezium_unwrap).
CREATE TABLE IF NOT EXISTS products_changes
(
    message String,
    op LowCardinality(String),
    row String,                               -- the row image: after, or before for a delete
    version UInt64,
    is_deleted UInt8,
    error String
)
ENGINE = Null;

-- The products as they are now (query with FINAL, or products_final).
-- price is numeric(10, 2): decimal text, as decimal.handling.mode=string
-- writes it and debezium_unwrap renders it from the schema envelope.
CREATE TABLE IF NOT EXISTS products_current
(
    product_id Int32,
    name String,
    description String,
    weight Float64,
    price Decimal(10, 2),
    stock Int32,
    version UInt64,
    is_deleted UInt8
)
ENGINE = ReplacingMergeTree(version, is_deleted)
ORDER BY product_id;

-- Seed 001's products_final (its sales-dashboard and inventory queries join
-- it): one row per product that exists.
CREATE VIEW IF NOT EXISTS products_final AS
SELECT product_id, name, description, weight, price, stock
FROM products_current FINAL;

CREATE TABLE IF NOT EXISTS orders_dead_letters
(
    message String,
    error String,
    received_at DateTime64(3, 'UTC') DEFAULT now64(3)
)
ENGINE = ReplacingMergeTree
ORDER BY cityHash64(message)
TTL toDateTime(received_at) + INTERVAL 30 DAY;
