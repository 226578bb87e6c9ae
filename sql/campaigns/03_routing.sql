-- campaigns / 03: decoded events to their tables.

CREATE MATERIALIZED VIEW IF NOT EXISTS email_events_mv TO email_events AS
SELECT toUUID(workspace_id) AS workspace_id, toUUID(campaign_id) AS campaign_id,
       CAST(event_type AS Enum8('delivered' = 1, 'open' = 2, 'click' = 3, 'bounce' = 4, 'unsubscribe' = 5)) AS event_type,
       assumeNotNull(event_time) AS event_time, email, metadata
FROM email_events_decoded
WHERE error = '';

CREATE MATERIALIZED VIEW IF NOT EXISTS email_dead_letters_mv TO email_dead_letters AS
SELECT message, error
FROM email_events_decoded
WHERE error != '';
