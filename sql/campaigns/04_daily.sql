-- campaigns / 04: events per day, campaign and type.
--
-- A SummingMergeTree only adds, so it cannot be fed from the stream without
-- counting a re-delivered block twice: a refreshable materialized view
-- rebuilds it from the deduplicated email_events every five minutes (the
-- new contents replace the old atomically).  Refreshable views need an
-- Atomic database: the server default.
CREATE TABLE IF NOT EXISTS email_daily_stats
(
    day Date,
    workspace_id UUID,
    campaign_id UUID,
    event_type Enum8('delivered' = 1, 'open' = 2, 'click' = 3, 'bounce' = 4, 'unsubscribe' = 5),
    events UInt64,
    recipients UInt64                         -- distinct addresses that day (not summed)
)
ENGINE = SummingMergeTree(events)
ORDER BY (workspace_id, campaign_id, event_type, day);

CREATE MATERIALIZED VIEW IF NOT EXISTS email_daily_stats_mv
REFRESH EVERY 5 MINUTE
TO email_daily_stats AS
SELECT toDate(event_time) AS day, workspace_id, campaign_id, event_type,
       count() AS events,
       uniqExact(email) AS recipients
FROM email_events FINAL
GROUP BY day, workspace_id, campaign_id, event_type;
