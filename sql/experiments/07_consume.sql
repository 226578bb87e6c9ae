-- experiments / 07: start consuming.
--
-- The Kafka engine reads only while a materialized view is attached to it,
-- so this view comes last: every table and view downstream exists before the
-- first block arrives.
--
-- experiment_event() decodes the Debezium envelope and the outbox payload
-- (JSON text inside after.payload) in one pass.  What is not a usable
-- event gets a reason in `error` and goes to events_dead_letters:
--   - the function's own errors (invalid JSON, unparseable timestamps,
--     out-of-range numbers),
--   - JSON that is not a change event (heartbeats, transaction metadata,
--     anything without "op"),
--   - truncates and other ops, events without an id, unknown event types.
-- Not errors: tombstones, and the outbox clean-up deletes (op d: the
-- application deletes outbox rows once published, which retracts nothing).
CREATE MATERIALIZED VIEW IF NOT EXISTS raw_events_kafka_mv TO experiment_events_decoded AS
WITH experiment_event(message) AS e,
     e.op AS event_op
SELECT message,
       event_op AS op,
       e.id AS event_id,
       e.experiment_id AS experiment_id,
       e.user_id AS user_id,
       e.variant_id AS variant_id,
       e.variant_key AS variant_key,
       e.event_type AS event_type,
       e.timestamp AS timestamp,
       e.assignment_at AS assignment_at,
       e.properties AS properties,
       e.session_id AS session_id,
       e.aggregate_id AS assignment_id,
       -- e.error first: a message the function could not decode keeps its
       -- reason and reaches the dead letters, whatever its op says.
       multiIf(e.error != '', e.error,
               event_op = 'd', '',
               -- a tombstone: empty, null, or a schema envelope with a null payload
               event_op = '' AND length(message) < 4096
                   AND match(message, '^\\s*(null)?\\s*$|"payload"\\s*:\\s*null\\s*}\\s*$'), '',
               event_op = '', 'not a Debezium change event (no "op"): heartbeat, transaction metadata or other JSON',
               event_op NOT IN ('c', 'r', 'u'), concat('op ''', event_op, ''' is not applied to the outbox tables'),
               e.id = '', 'outbox payload without an "id"',
               e.event_type NOT IN ('assignment', 'exposure', 'click', 'conversion'),
                   concat('unknown event_type ''', e.event_type, ''''),
               '') AS error
FROM raw_events_kafka;
