-- experiments / 02: where decoded events land.
--
-- Every target of a materialized view on the Kafka table is idempotent: when
-- any view fails, the Kafka engine re-reads the whole block, so rows already
-- written once are written again.  ReplacingMergeTree keyed on the event id
-- collapses them (query with FINAL for exact answers before merges).

-- One decoded message: what experiment_event() returns, plus the message
-- and why it cannot be used ('' when it can, or when it is a tombstone or an
-- outbox clean-up delete).  Null engine: rows only feed the views on it.
CREATE TABLE IF NOT EXISTS experiment_events_decoded
(
    message String,
    op LowCardinality(String),
    event_id String,
    experiment_id UInt32,
    user_id String,
    variant_id UInt32,
    variant_key String,
    event_type LowCardinality(String),
    timestamp DateTime64(6, 'UTC'),
    assignment_at Nullable(DateTime64(6, 'UTC')),
    properties String,
    session_id String,
    assignment_id String,
    -- the outbox row's own columns, next to its payload
    aggregate_type String,
    created_at DateTime64(6, 'UTC'),
    updated_at DateTime64(6, 'UTC'),
    error String
)
ENGINE = Null;

-- Exposures, clicks and conversions (every outbox event but assignments).
-- The columns are seed 000's, by name and in its order (sql/README.md, "The
-- experiments seeds"); the types are stricter where the seed loses data
-- (microseconds, UTC, Float64 values and scores).
CREATE TABLE IF NOT EXISTS events_processed
(
    id String,                                -- the event's id (payload id = outbox id)
    experiment_id UInt32,
    user_id String,
    variant_id UInt32,
    variant_key LowCardinality(String),
    event_type LowCardinality(String),
    timestamp DateTime64(6, 'UTC'),
    assignment_at Nullable(DateTime64(6, 'UTC')),
    properties String,                        -- JSON object text
    session_id String,
    page String MATERIALIZED JSONExtractString(properties, 'page'),
    device LowCardinality(String) MATERIALIZED JSONExtractString(properties, 'device'),
    value Float64 MATERIALIZED JSONExtractFloat(properties, 'value'),
    score Float64 MATERIALIZED JSONExtractFloat(properties, 'score'),
    is_conversion UInt8 MATERIALIZED event_type = 'conversion',
    is_click UInt8 MATERIALIZED event_type = 'click',
    is_exposure UInt8 MATERIALIZED event_type = 'exposure',
    -- 0 when the event happened before the user's assignment (client clocks,
    -- stale sessions): kept for inspection, left out of every statistic.
    is_valid UInt8 MATERIALIZED is_valid_after_assignment_dt64(timestamp, assignment_at),
    event_date Date MATERIALIZED toDate(timestamp),
    event_hour UInt8 MATERIALIZED toHour(timestamp),   -- the hour of the day, 0-23 (the seed's)
    created_at DateTime64(6, 'UTC'),          -- the outbox row's created_at
    updated_at DateTime64(6, 'UTC'),          -- its updated_at, else processed_at, else created_at
    ingested_at DateTime64(3, 'UTC') DEFAULT now64(3)
)
ENGINE = ReplacingMergeTree
PARTITION BY event_date
ORDER BY (experiment_id, user_id, timestamp, id);

-- The current assignment of each user to a variant of each experiment.
CREATE TABLE IF NOT EXISTS assignments_processed
(
    experiment_id UInt32,
    user_id String,
    variant_id UInt32,
    variant_key LowCardinality(String),
    assigned_at DateTime64(6, 'UTC'),
    assignment_id UInt64,                     -- assignments.id (the outbox aggregate_id)
    event_id String,                          -- the outbox event that announced it
    ingested_at DateTime64(3, 'UTC') DEFAULT now64(3)
)
ENGINE = ReplacingMergeTree(assigned_at)
ORDER BY (experiment_id, user_id);

-- Every message the pipeline cannot use, with the reason.  Keyed on the
-- message so a re-delivered block adds nothing.
CREATE TABLE IF NOT EXISTS events_dead_letters
(
    message String,
    error String,
    received_at DateTime64(3, 'UTC') DEFAULT now64(3)
)
ENGINE = ReplacingMergeTree
ORDER BY cityHash64(message)
TTL toDateTime(received_at) + INTERVAL 30 DAY;
