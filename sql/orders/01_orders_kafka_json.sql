-- orders / 01: the Kafka sources.
--
-- Debezium's PostgreSQL connector (topic.prefix postgres-server, as in seed
-- 001) streams inventory.orders and inventory.products (the Debezium
-- tutorial's example database) to topics postgres-server.inventory.orders
-- and postgres-server.inventory.products: a snapshot (op r), then inserts
-- (c), updates (u) and deletes (d).
--
-- orders_kafka_json and its column `payload` are seed 001's names, so the
-- seed's statements that name them run here.  Its format is not the
-- seed's: kafka_format = 'RawBLOB' hands every message over as it is, where
-- the seed's JSONAsString refuses a message that is not JSON and stops the
-- consumer on it (the same message again after every restart).  With
-- RawBLOB nothing fails to parse in the engine: bad messages reach
-- orders_dead_letters with a reason.  Tombstones (null values) are skipped
-- by the Kafka engine.  See sql/README.md.
--
-- The broker list and its credentials come from the named collection
-- cdc_kafka (sql/kafka_connection.sql or the server's configuration, see
-- sql/README.md): this DDL holds no secret.  Edit the topics and groups for
-- your cluster.  Tests and the demo swap these engine clauses for
-- ENGINE = Null (see sql/README.md), so keep each statement free of
-- semicolons except the final one.
CREATE TABLE IF NOT EXISTS orders_kafka_json
(
    payload String
)
ENGINE = Kafka(cdc_kafka)
SETTINGS
    kafka_topic_list = 'postgres-server.inventory.orders',
    kafka_group_name = 'clickhouse_orders_group',
    kafka_format = 'RawBLOB'
    -- Production settings, as measured (sql/README.md, "Tune the settings"): uncomment.  They cannot be altered
    -- later (ALTER TABLE … MODIFY SETTING is refused by the Kafka engine):
    -- drop and create the table again, see "Tune the settings" in sql/README.md.
    -- , kafka_num_consumers = 1             -- more only with the partitions and the cores for them
    -- , kafka_max_block_size = 65536        -- messages per block: bigger blocks, fewer parts
    -- , kafka_handle_error_mode = 'stream'  -- RawBLOB never fails to parse, so 'default' is enough
    -- , kafka_poll_timeout_ms = 100         -- wait for messages before handing over a short block
    -- , kafka_flush_interval_ms = 1000      -- at most this long between blocks: the latency
;

CREATE TABLE IF NOT EXISTS products_kafka
(
    message String
)
ENGINE = Kafka(cdc_kafka)
SETTINGS
    kafka_topic_list = 'postgres-server.inventory.products',
    kafka_group_name = 'clickhouse_products_group',
    kafka_format = 'RawBLOB'
;
