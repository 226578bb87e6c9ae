-- outbox / 03: routed events to their tables.
--
-- Rows the SMT drops (skip: deletes of published outbox rows, updates,
-- tombstones) are dropped here too.  A row with an error — a message that is
-- not a change event, a missing column, a topic Kafka would refuse — goes to
-- the dead letters with the reason.

CREATE MATERIALIZED VIEW IF NOT EXISTS outbox_events_mv TO outbox_events AS
SELECT r.event_id AS event_id, r.topic AS topic,
       -- the key as text: a JSON string's value, any other JSON as written
       if(JSONType(r.key) = 'String', JSONExtractString(r.key), r.key) AS aggregate_id,
       r.event_type AS event_type,
       fromUnixTimestamp64Milli(r.timestamp, 'UTC') AS occurred_at,
       -- the value is the payload column as the JSON converter writes it: a
       -- jsonb or text payload is a JSON string holding the document
       if(JSONType(r.payload) = 'String', JSONExtractString(r.payload), r.payload) AS payload,
       r.is_tombstone AS is_tombstone, r.key AS key, r.payload AS value, r.headers AS headers
FROM outbox_routed AS r
WHERE r.error = '' AND r.skip = 0;

-- One view per aggregate type, on outbox_events: each block stored there is
-- split by topic (route.topic.replacement's default, outbox.event.<type>).
CREATE MATERIALIZED VIEW IF NOT EXISTS order_events_mv TO order_events AS
SELECT event_id, aggregate_id, event_type, occurred_at, payload, is_tombstone
FROM outbox_events
WHERE topic = 'outbox.event.order';

CREATE MATERIALIZED VIEW IF NOT EXISTS customer_events_mv TO customer_events AS
SELECT event_id, aggregate_id, event_type, occurred_at, payload, is_tombstone
FROM outbox_events
WHERE topic = 'outbox.event.customer';

CREATE MATERIALIZED VIEW IF NOT EXISTS shipment_events_mv TO shipment_events AS
SELECT event_id, aggregate_id, event_type, occurred_at, payload, is_tombstone
FROM outbox_events
WHERE topic = 'outbox.event.shipment';

CREATE MATERIALIZED VIEW IF NOT EXISTS outbox_dead_letters_mv TO outbox_dead_letters AS
SELECT message, error
FROM outbox_routed
WHERE error != '';
