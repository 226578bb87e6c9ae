-- tests/e2e: instrumentation on the sql/adtech pipeline, applied after its tables and
-- before its consume view (so no block can pass unseen).  Every message the pipeline
-- decodes is also written here, unchanged, with what the pipeline made of it: the
-- test finds each Kafka record of the topic here exactly once.

CREATE TABLE e2e_adtech_tap
(
    message String,
    source_table LowCardinality(String),
    op LowCardinality(String),
    version UInt64,
    is_deleted UInt8,
    error String
)
ENGINE = MergeTree
ORDER BY tuple();

CREATE MATERIALIZED VIEW e2e_adtech_tap_mv TO e2e_adtech_tap AS
SELECT message, source_table, op, version, is_deleted, error
FROM adtech_changes;
