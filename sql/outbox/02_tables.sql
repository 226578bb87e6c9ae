-- outbox / 02: where routed events land.
--
-- Every target of a view on the Kafka table is idempotent: when any view
-- fails, the Kafka engine reads the whole block again.  Events are keyed on
-- the outbox row's id (the EventRouter's header "id"), so a re-delivered
-- event collapses into the one stored (query with FINAL, or the views).

-- One routed message: what outbox_route() returns, plus the message.  Null
-- engine: rows only feed the views on it.
CREATE TABLE IF NOT EXISTS outbox_routed
(
    message String,
    topic String,
    key String,
    event_id String,
    event_type String,
    timestamp Int64,
    payload String,
    headers Map(String, String),
    partition Nullable(Int32),
    is_tombstone UInt8,
    skip UInt8,
    error String
)
ENGINE = Null;

-- Every event the SMT would have sent, whatever its aggregate type: the
-- record as Kafka would hold it (topic, key and value as the JSON
-- converter's bytes, headers, timestamp) and the event's own columns.
CREATE TABLE IF NOT EXISTS outbox_events
(
    event_id String,                          -- the outbox row's id
    topic LowCardinality(String),             -- outbox.event.<aggregatetype>
    aggregate_id String,                      -- the record key, as text
    event_type LowCardinality(String),
    occurred_at DateTime64(3, 'UTC'),         -- the record's timestamp
    payload String,                           -- the event's JSON document
    is_tombstone UInt8,                       -- an empty payload (route.tombstone.on.empty.payload=true)
    key String,                               -- the record's key bytes
    value String,                             -- the record's value bytes ('' for a tombstone)
    headers Map(String, String),
    ingested_at DateTime64(3, 'UTC') DEFAULT now64(3)
)
ENGINE = ReplacingMergeTree
PARTITION BY toYYYYMM(occurred_at)
ORDER BY (topic, event_id);

-- One table per aggregate type, as one topic per type would be with the SMT.
-- Add a table and its view (03_routing.sql) for each type you route; events
-- of other types stay in outbox_events (see the view unrouted_events).
CREATE TABLE IF NOT EXISTS order_events
(
    event_id String,
    aggregate_id String,
    event_type LowCardinality(String),
    occurred_at DateTime64(3, 'UTC'),
    payload String,
    is_tombstone UInt8,
    ingested_at DateTime64(3, 'UTC') DEFAULT now64(3)
)
ENGINE = ReplacingMergeTree
PARTITION BY toYYYYMM(occurred_at)
ORDER BY (aggregate_id, occurred_at, event_id);

CREATE TABLE IF NOT EXISTS customer_events AS order_events;
CREATE TABLE IF NOT EXISTS shipment_events AS order_events;

-- Messages outbox_route flags: the message, the reason, when it arrived
-- (one shape in every pipeline: sql/README.md, "Dead letters").
CREATE TABLE IF NOT EXISTS outbox_dead_letters
(
    message String,
    error String,
    received_at DateTime64(3, 'UTC') DEFAULT now64(3)
)
ENGINE = ReplacingMergeTree
ORDER BY cityHash64(message)
TTL toDateTime(received_at) + INTERVAL 30 DAY;
