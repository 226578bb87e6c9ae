-- tests/e2e: instrumentation on the sql/experiments pipeline, applied after its tables and
-- before its consume view (so no block can pass unseen).  Every message the pipeline
-- decodes is also written here, unchanged, with what the pipeline made of it: the
-- test finds each Kafka record of the topic here exactly once.

CREATE TABLE e2e_experiments_tap
(
    message String,
    op LowCardinality(String),
    event_id String,
    experiment_id UInt32,
    user_id String,
    event_type LowCardinality(String),
    error String
)
ENGINE = MergeTree
ORDER BY tuple();

CREATE MATERIALIZED VIEW e2e_experiments_tap_mv TO e2e_experiments_tap AS
SELECT message, op, event_id, experiment_id, user_id, event_type, error
FROM experiment_events_decoded;
