-- campaigns / 04: events per day, campaign and type, streamed.
--
-- The seed streams its `daily` table from the Kafka table with a view named
-- `consumer` into a SummingMergeTree.  A sum counts a re-delivered block
-- twice, so here `consumer` streams from email_events (both the Kafka path
-- and direct inserts arrive there) into states that do not change when a
-- row arrives twice: the events are the distinct (address, time) pairs of
-- the key, the recipients the distinct addresses.
CREATE TABLE IF NOT EXISTS email_daily_state
(
    day Date,
    workspace_id UUID,
    campaign_id UUID,
    event_type Enum8('delivered' = 1, 'open' = 2, 'click' = 3, 'bounce' = 4, 'unsubscribe' = 5),
    events AggregateFunction(uniqExact, String, DateTime64(3, 'UTC')),
    recipients AggregateFunction(uniqExact, String)
)
ENGINE = AggregatingMergeTree
ORDER BY (workspace_id, campaign_id, event_type, day);

CREATE MATERIALIZED VIEW IF NOT EXISTS consumer TO email_daily_state AS
SELECT toDate(event_time) AS day, workspace_id, campaign_id, event_type,
       uniqExactState(email, event_time) AS events,
       uniqExactState(email) AS recipients
FROM email_events
GROUP BY day, workspace_id, campaign_id, event_type;

-- One row per day, campaign and type; recipients are distinct that day
-- (they do not add up over days).
CREATE VIEW IF NOT EXISTS email_daily_stats AS
SELECT day, workspace_id, campaign_id, event_type,
       uniqExactMerge(events) AS events,
       uniqExactMerge(recipients) AS recipients
FROM email_daily_state
GROUP BY day, workspace_id, campaign_id, event_type;

-- The seed's `daily` (day, level, total): level is the event type, total
-- the events of that type that day over all campaigns.  The seed's own
-- query runs on it unchanged:
--   SELECT level, sum(total) AS total_count FROM daily GROUP BY level;
CREATE VIEW IF NOT EXISTS daily AS
SELECT day, toString(event_type) AS level, sum(events) AS total
FROM email_daily_stats
GROUP BY day, level;
