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
-- Not errors, skipped: tombstones, the outbox clean-up deletes (op d: the
-- application deletes outbox rows once published, which retracts nothing),
-- and rows of other aggregates sharing the outbox (aggregate_type other than
-- 'event' or 'assignment': seed 000's filter).
--
-- The outbox row's own columns (aggregate_type, event_type, created_at,
-- updated_at / processed_at) are read here from the row image, plain or in
-- the schema envelope.  Seed 000's fallbacks fill what the payload leaves
-- out: user_id, variant_key and session_id 'unknown', properties '{}', the
-- event type from the outbox row; a missing timestamp becomes the row's
-- created_at (the seed's now64() would give a re-delivered event another
-- time, hence another row).  sql/README.md lists every difference.
CREATE MATERIALIZED VIEW IF NOT EXISTS events_kafka_mv TO experiment_events_decoded AS
WITH experiment_event(message) AS e,
     e.op AS event_op,
     -- one parse of the message: the row image plain (.1) or in the schema envelope (.2.1)
     JSONExtract(message, 'Tuple(after Tuple(aggregate_type Nullable(String), event_type Nullable(String), created_at Nullable(String), updated_at Nullable(String), processed_at Nullable(String)), payload Tuple(after Tuple(aggregate_type Nullable(String), event_type Nullable(String), created_at Nullable(String), updated_at Nullable(String), processed_at Nullable(String))))') AS row_columns,
     if(isNotNull(row_columns.1.aggregate_type) OR isNotNull(row_columns.1.created_at), row_columns.1, row_columns.2.1) AS outbox,
     ifNull(outbox.aggregate_type, '') AS outbox_aggregate,
     if(e.event_type != '', e.event_type, ifNull(outbox.event_type, '')) AS event_type_or_row,
     parseDateTime64BestEffortOrNull(outbox.created_at, 6, 'UTC') AS row_created_at,
     -- a payload without a timestamp decodes as 1970-01-01 00:00:00
     if(e.timestamp = toDateTime64(0, 6, 'UTC'), ifNull(row_created_at, e.timestamp), e.timestamp) AS event_time
SELECT message,
       event_op AS op,
       e.id AS event_id,
       e.experiment_id AS experiment_id,
       if(e.user_id = '', 'unknown', e.user_id) AS user_id,
       e.variant_id AS variant_id,
       if(e.variant_key = '', 'unknown', e.variant_key) AS variant_key,
       event_type_or_row AS event_type,
       event_time AS timestamp,
       e.assignment_at AS assignment_at,
       if(e.properties = '', '{}', e.properties) AS properties,
       if(e.session_id = '', 'unknown', e.session_id) AS session_id,
       e.aggregate_id AS assignment_id,
       outbox_aggregate AS aggregate_type,
       ifNull(row_created_at, event_time) AS created_at,
       coalesce(parseDateTime64BestEffortOrNull(outbox.updated_at, 6, 'UTC'),
                parseDateTime64BestEffortOrNull(outbox.processed_at, 6, 'UTC'), row_created_at, event_time) AS updated_at,
       -- e.error first: a message the function could not decode keeps its
       -- reason and reaches the dead letters, whatever its op says; except a
       -- row that names another aggregate, which is not ours at all.
       multiIf(event_op IN ('c', 'r', 'u') AND outbox_aggregate NOT IN ('', 'event', 'assignment'), '',
               e.error != '', e.error,
               event_op = 'd', '',
               -- a tombstone: empty, null, or a schema envelope with a null payload
               event_op = '' AND length(message) < 4096
                   AND match(message, '^\\s*(null)?\\s*$|"payload"\\s*:\\s*null\\s*}\\s*$'), '',
               event_op = '', 'not a Debezium change event (no "op"): heartbeat, transaction metadata or other JSON',
               event_op NOT IN ('c', 'r', 'u'), concat('op ''', event_op, ''' is not applied to the outbox tables'),
               e.id = '', 'outbox payload without an "id"',
               event_type_or_row NOT IN ('assignment', 'exposure', 'click', 'conversion'),
                   concat('unknown event_type ''', event_type_or_row, ''''),
               '') AS error
FROM raw_events_kafka;
