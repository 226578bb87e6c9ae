-- experiments / 03: decoded rows to their tables.
--
-- The view names are seed 002's.  Only the outbox's experiment aggregates
-- reach them: aggregate_type 'event' (the seeds' events) and 'assignment'
-- (assignments, and events published under their assignment); rows of other
-- aggregates sharing the outbox are skipped upstream (07_consume.sql), as
-- seed 000's aggregate_type filter does.

CREATE MATERIALIZED VIEW IF NOT EXISTS events_processor_mv TO events_processed AS
SELECT event_id AS id, experiment_id, user_id, variant_id, variant_key, event_type, timestamp, assignment_at,
       properties, session_id, created_at, updated_at
FROM experiment_events_decoded
WHERE error = '' AND op IN ('c', 'r', 'u') AND aggregate_type IN ('event', 'assignment') AND event_type != 'assignment';

CREATE MATERIALIZED VIEW IF NOT EXISTS assignments_processor_mv TO assignments_processed AS
SELECT experiment_id, user_id, variant_id, variant_key, timestamp AS assigned_at,
       toUInt64OrZero(assignment_id) AS assignment_id, event_id
FROM experiment_events_decoded
WHERE error = '' AND op IN ('c', 'r', 'u') AND aggregate_type IN ('event', 'assignment') AND event_type = 'assignment';

CREATE MATERIALIZED VIEW IF NOT EXISTS events_dead_letters_mv TO events_dead_letters AS
SELECT message, error
FROM experiment_events_decoded
WHERE error != '';
