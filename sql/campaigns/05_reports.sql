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

-- When each campaign's audience and template became ready (the
-- campaign.audience_ready / campaign.template_ready topics) and when its
-- first e-mail was delivered; NULL for what has not happened yet.
CREATE VIEW IF NOT EXISTS campaign_readiness AS
SELECT r.workspace_id AS workspace_id, r.campaign_id AS campaign_id,
       r.audience_ready_at AS audience_ready_at, r.template_ready_at AS template_ready_at,
       d.first_delivered_at AS first_delivered_at
FROM
(
    SELECT workspace_id, campaign_id,
           minIfOrNull(event_time, stage = 'audience_ready') AS audience_ready_at,
           minIfOrNull(event_time, stage = 'template_ready') AS template_ready_at
    FROM campaign_ready_events FINAL
    GROUP BY workspace_id, campaign_id
) AS r
LEFT JOIN
(
    SELECT workspace_id, campaign_id, minOrNull(event_time) AS first_delivered_at
    FROM email_events FINAL
    WHERE event_type = 'delivered'
    GROUP BY workspace_id, campaign_id
) AS d USING (workspace_id, campaign_id)
ORDER BY workspace_id, campaign_id;
