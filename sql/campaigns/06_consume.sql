-- campaigns / 06: start consuming (last, so everything downstream exists).
--
-- campaign_event() types the fields in one pass.  Its errors (invalid JSON,
-- an unreadable event_time) come first, then the rules of
-- email_event_error() (02): the reason goes to email_dead_letters.

CREATE MATERIALIZED VIEW IF NOT EXISTS queue_mv TO email_events_decoded AS
WITH campaign_event(message) AS e
SELECT message, e.campaign_id AS campaign_id, e.workspace_id AS workspace_id, e.email AS email,
       e.event_type AS event_type, e.event_time AS event_time, e.metadata AS metadata,
       if(e.error != '', e.error, email_event_error(e.campaign_id, e.workspace_id, e.email, e.event_type, e.event_time)) AS error
FROM queue;

-- The readiness topics: tagged with their stage, decoded in 03.
CREATE MATERIALIZED VIEW IF NOT EXISTS audience_ready_queue_mv TO campaign_ready_raw AS
SELECT message, 'audience_ready' AS stage FROM audience_ready_queue;

CREATE MATERIALIZED VIEW IF NOT EXISTS template_ready_queue_mv TO campaign_ready_raw AS
SELECT message, 'template_ready' AS stage FROM template_ready_queue;
