-- campaigns / 03: decoded messages to their tables.

CREATE MATERIALIZED VIEW IF NOT EXISTS email_events_mv TO email_events AS
SELECT toUUID(campaign_id) AS campaign_id, toUUID(workspace_id) AS workspace_id, email,
       CAST(event_type AS Enum8('delivered' = 1, 'open' = 2, 'click' = 3, 'bounce' = 4, 'unsubscribe' = 5)) AS event_type,
       assumeNotNull(event_time) AS event_time, metadata
FROM email_events_decoded
WHERE error = '';

CREATE MATERIALIZED VIEW IF NOT EXISTS email_dead_letters_mv TO email_dead_letters AS
SELECT message, error
FROM email_events_decoded
WHERE error != '';

-- Both readiness topics, decoded once: campaign_event()'s error first, then
-- the rules of campaign_ref_error() (02).
CREATE MATERIALIZED VIEW IF NOT EXISTS campaign_ready_decode_mv TO campaign_ready_decoded AS
WITH campaign_event(message) AS e
SELECT message, stage, e.campaign_id AS campaign_id, e.workspace_id AS workspace_id,
       e.event_time AS event_time, e.metadata AS metadata,
       if(e.error != '', e.error, campaign_ref_error(e.campaign_id, e.workspace_id, e.event_time)) AS error
FROM campaign_ready_raw;

CREATE MATERIALIZED VIEW IF NOT EXISTS campaign_ready_events_mv TO campaign_ready_events AS
SELECT toUUID(campaign_id) AS campaign_id, toUUID(workspace_id) AS workspace_id,
       CAST(stage AS Enum8('audience_ready' = 1, 'template_ready' = 2)) AS stage,
       assumeNotNull(event_time) AS event_time, metadata
FROM campaign_ready_decoded
WHERE error = '';

-- The reason names the topic: a readiness message looks like an e-mail event.
CREATE MATERIALIZED VIEW IF NOT EXISTS campaign_ready_dead_letters_mv TO email_dead_letters AS
SELECT message, concat('campaign.', stage, ': ', error) AS error
FROM (SELECT message, stage, error FROM campaign_ready_decoded WHERE error != '');   -- filtered before the alias
