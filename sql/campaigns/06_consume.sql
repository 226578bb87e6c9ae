-- campaigns / 06: start consuming (last, so everything downstream exists).
--
-- campaign_event() types the fields in one pass; its errors (invalid JSON,
-- an unreadable event_time) and events that cannot be stored (ids that are
-- not UUIDs, no address, an unknown type, no time) go to email_dead_letters.
CREATE MATERIALIZED VIEW IF NOT EXISTS email_events_kafka_mv TO email_events_decoded AS
WITH campaign_event(message) AS e
SELECT message, e.campaign_id AS campaign_id, e.workspace_id AS workspace_id, e.email AS email,
       e.event_type AS event_type, e.event_time AS event_time, e.metadata AS metadata,
       multiIf(e.error != '', e.error,
               isNull(toUUIDOrNull(e.campaign_id)), concat('campaign_id is not a UUID: ''', e.campaign_id, ''''),
               isNull(toUUIDOrNull(e.workspace_id)), concat('workspace_id is not a UUID: ''', e.workspace_id, ''''),
               e.email = '', 'no email address',
               e.event_type NOT IN ('delivered', 'open', 'click', 'bounce', 'unsubscribe'),
                   concat('unknown event_type ''', e.event_type, ''''),
               isNull(e.event_time), 'no event_time',
               '') AS error
FROM email_events_kafka;
