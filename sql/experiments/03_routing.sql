-- experiments / 03: decoded rows to their tables.

CREATE MATERIALIZED VIEW IF NOT EXISTS events_processed_mv TO events_processed AS
SELECT event_id, experiment_id, user_id, variant_id, variant_key, event_type, timestamp, assignment_at,
       properties, session_id
FROM experiment_events_decoded
WHERE error = '' AND op IN ('c', 'r', 'u') AND event_type != 'assignment';

CREATE MATERIALIZED VIEW IF NOT EXISTS assignments_processed_mv TO assignments_processed AS
SELECT experiment_id, user_id, variant_id, variant_key, timestamp AS assigned_at,
       toUInt64OrZero(assignment_id) AS assignment_id, event_id
FROM experiment_events_decoded
WHERE error = '' AND op IN ('c', 'r', 'u') AND event_type = 'assignment';

CREATE MATERIALIZED VIEW IF NOT EXISTS events_dead_letters_mv TO events_dead_letters AS
SELECT message, error
FROM experiment_events_decoded
WHERE error != '';
