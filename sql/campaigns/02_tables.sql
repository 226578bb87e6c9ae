-- campaigns / 02: events and dead letters.

-- One decoded message (Null engine: rows only feed the views on it).
CREATE TABLE IF NOT EXISTS email_events_decoded
(
    message String,
    campaign_id String,
    workspace_id String,
    email String,
    event_type String,
    event_time Nullable(DateTime64(3, 'UTC')),
    metadata String,
    error String                              -- '' when the event can be stored
)
ENGINE = Null;

-- Events carry no id: an event is its (workspace, campaign, type, time,
-- address), which is also the key that collapses a retried webhook or a
-- re-delivered block (query with FINAL for exact counts before merges).
CREATE TABLE IF NOT EXISTS email_events
(
    workspace_id UUID,
    campaign_id UUID,
    event_type Enum8('delivered' = 1, 'open' = 2, 'click' = 3, 'bounce' = 4, 'unsubscribe' = 5),
    event_time DateTime64(3, 'UTC'),
    email String,
    metadata String,                          -- JSON object text
    ingested_at DateTime64(3, 'UTC') DEFAULT now64(3),
    event_date Date MATERIALIZED toDate(event_time),
    url String MATERIALIZED JSONExtractString(metadata, 'url'),
    bounce_type LowCardinality(String) MATERIALIZED JSONExtractString(metadata, 'bounce_type')
)
ENGINE = ReplacingMergeTree
PARTITION BY toYYYYMM(event_time)
ORDER BY (workspace_id, campaign_id, event_type, event_time, email);

CREATE TABLE IF NOT EXISTS email_dead_letters
(
    message String,
    error String,
    received_at DateTime64(3, 'UTC') DEFAULT now64(3)
)
ENGINE = ReplacingMergeTree
ORDER BY cityHash64(message)
TTL toDateTime(received_at) + INTERVAL 30 DAY;
