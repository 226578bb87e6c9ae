-- campaigns / 05: per campaign.  Rates are over distinct recipients:
-- open_rate = addresses that opened / delivered, click_rate = addresses that
-- clicked / delivered, bounce_rate = bounced / (delivered + bounced).
CREATE VIEW IF NOT EXISTS campaign_performance AS
SELECT workspace_id, campaign_id,
       uniqExactIf(email, event_type = 'delivered') AS delivered,
       uniqExactIf(email, event_type = 'bounce') AS bounced,
       countIf(event_type = 'open') AS opens,
       uniqExactIf(email, event_type = 'open') AS unique_opens,
       countIf(event_type = 'click') AS clicks,
       uniqExactIf(email, event_type = 'click') AS unique_clicks,
       uniqExactIf(email, event_type = 'unsubscribe') AS unsubscribed,
       round(unique_opens / nullIf(delivered, 0), 4) AS open_rate,
       round(unique_clicks / nullIf(delivered, 0), 4) AS click_rate,
       round(bounced / nullIf(delivered + bounced, 0), 4) AS bounce_rate,
       min(event_time) AS first_event,
       max(event_time) AS last_event
FROM email_events FINAL
GROUP BY workspace_id, campaign_id
ORDER BY workspace_id, campaign_id;
