-- tests/e2e: instrumentation on the sql/orders pipeline, applied after its tables and
-- before its consume views (so no block can pass unseen).  Every message each of its two
-- Kafka tables hands over is written here, unchanged, with what the pipeline made of it.

CREATE TABLE e2e_orders_tap
(
    message String,
    op LowCardinality(String),
    version UInt64,
    error String
)
ENGINE = MergeTree
ORDER BY tuple();

CREATE MATERIALIZED VIEW e2e_orders_tap_mv TO e2e_orders_tap AS
SELECT message, op, version, error
FROM orders_changes;

CREATE TABLE e2e_products_tap AS e2e_orders_tap;

CREATE MATERIALIZED VIEW e2e_products_tap_mv TO e2e_products_tap AS
SELECT message, op, version, error
FROM products_changes;
