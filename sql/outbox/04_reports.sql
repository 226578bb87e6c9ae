-- outbox / 04: what was routed.

-- Events per topic, as the SMT's topics would hold them.
CREATE VIEW IF NOT EXISTS events_by_topic AS
SELECT topic, count() AS events, countIf(is_tombstone) AS tombstones, uniqExact(aggregate_id) AS aggregates,
       min(occurred_at) AS first_event_at, max(occurred_at) AS last_event_at
FROM outbox_events FINAL
GROUP BY topic;

-- Topics that no per-type table takes: add a table for them (02, 03).
CREATE VIEW IF NOT EXISTS unrouted_events AS
SELECT topic, count() AS events, max(occurred_at) AS last_event_at
FROM outbox_events FINAL
WHERE topic NOT IN ('outbox.event.order', 'outbox.event.customer', 'outbox.event.shipment')
GROUP BY topic;
