-- adtech / 05: the KPI views.  Money is exact (Decimal, scale 6); ratios
-- are Float64 rounded to 6 decimals.

-- The facts as they are now: latest version of each row, deletes left out.
CREATE VIEW IF NOT EXISTS impressions_live AS
SELECT id, campaign_id, request_id, user_id, country, device, cost, shown_at
FROM impressions_fact FINAL
WHERE id NOT IN (SELECT id FROM fact_deletes WHERE table_name = 'impressions');

CREATE VIEW IF NOT EXISTS clicks_live AS
SELECT id, impression_id, campaign_id, cpc, clicked_at
FROM clicks_fact FINAL
WHERE id NOT IN (SELECT id FROM fact_deletes WHERE table_name = 'clicks');

-- Impressions and clicks per campaign and day (impressions by shown_at,
-- clicks by clicked_at); the KPI views below are built on it.
CREATE VIEW IF NOT EXISTS campaign_daily_performance AS
SELECT campaign_id, day,
       sum(impressions) AS impressions,
       sum(clicks) AS clicks,
       round(clicks / nullIf(impressions, 0), 6) AS ctr,
       sum(impression_spend) AS impression_spend,
       sum(click_spend) AS click_spend,
       impression_spend + click_spend AS spend
FROM
(
    SELECT campaign_id, toDate(shown_at) AS day, count() AS impressions, toUInt64(0) AS clicks,
           CAST(sum(cost) AS Decimal(38, 6)) AS impression_spend, toDecimal128(0, 6) AS click_spend
    FROM impressions_live
    GROUP BY campaign_id, day
    UNION ALL
    SELECT campaign_id, toDate(clicked_at) AS day, toUInt64(0) AS impressions, count() AS clicks,
           toDecimal128(0, 6) AS impression_spend, CAST(sum(cpc) AS Decimal(38, 6)) AS click_spend
    FROM clicks_live
    GROUP BY campaign_id, day
)
GROUP BY campaign_id, day
ORDER BY campaign_id, day;

CREATE VIEW IF NOT EXISTS daily_performance AS
SELECT day,
       sum(impressions) AS impressions,
       sum(clicks) AS clicks,
       round(clicks / nullIf(impressions, 0), 6) AS ctr,
       sum(impression_spend) AS impression_spend,
       sum(click_spend) AS click_spend,
       impression_spend + click_spend AS spend
FROM campaign_daily_performance
GROUP BY day
ORDER BY day;

-- Every campaign that exists (deleted ones are gone), with its totals.
CREATE VIEW IF NOT EXISTS campaign_ctr AS
SELECT c.id AS campaign_id, c.advertiser_id AS advertiser_id, c.name AS campaign, c.status AS status,
       t.impressions AS impressions, t.clicks AS clicks,
       round(t.clicks / nullIf(t.impressions, 0), 6) AS ctr
FROM campaign_dim AS c FINAL
LEFT JOIN
(
    SELECT campaign_id, sum(impressions) AS impressions, sum(clicks) AS clicks
    FROM campaign_daily_performance
    GROUP BY campaign_id
) AS t ON t.campaign_id = c.id
ORDER BY campaign_id;

-- Campaigns with clicks: avg_cpc = click spend / clicks, cost_per_click =
-- all spend (impressions and clicks) / clicks.
CREATE VIEW IF NOT EXISTS cost_per_click AS
SELECT campaign_id, clicks, click_spend, impression_spend,
       round(toFloat64(click_spend) / clicks, 6) AS avg_cpc,
       round(toFloat64(impression_spend + click_spend) / clicks, 6) AS cost_per_click
FROM
(
    SELECT campaign_id, sum(clicks) AS clicks, sum(click_spend) AS click_spend, sum(impression_spend) AS impression_spend
    FROM campaign_daily_performance
    GROUP BY campaign_id
)
WHERE clicks > 0
ORDER BY campaign_id;

-- Every advertiser that exists: its campaigns and their totals.
CREATE VIEW IF NOT EXISTS advertiser_overview AS
SELECT a.id AS advertiser_id, a.name AS advertiser, a.country AS country, a.is_active AS is_active,
       countIf(c.id != 0) AS campaigns,
       countIf(c.id != 0 AND c.status = 'active') AS active_campaigns,
       sum(t.impressions) AS impressions,
       sum(t.clicks) AS clicks,
       round(clicks / nullIf(impressions, 0), 6) AS ctr,
       sum(t.spend) AS spend
FROM advertiser_dim AS a FINAL
LEFT JOIN (SELECT id, advertiser_id, status FROM campaign_dim FINAL) AS c ON c.advertiser_id = a.id
LEFT JOIN
(
    SELECT campaign_id, sum(impressions) AS impressions, sum(clicks) AS clicks, sum(spend) AS spend
    FROM campaign_daily_performance
    GROUP BY campaign_id
) AS t ON t.campaign_id = c.id
GROUP BY a.id, a.name, a.country, a.is_active
ORDER BY advertiser_id;

-- The seed's KPI objects (seed 004), under its names and with the columns
-- its example queries read.  The seed builds them as materialized views
-- with SummingMergeTree and COUNT(DISTINCT …) over joins: in a stream those
-- add a partial count per block and get CTRs wrong.  Here they are views
-- over the seed's model (03) under FINAL, so they are exact at every moment.
-- Cost per click comes from bids, as in the seed: bid × impressions / clicks.

-- The seed's facts as they are now (deletes left out).
CREATE VIEW IF NOT EXISTS fact_impressions_live AS
SELECT impression_id, campaign_id, event_date, event_time, created_at
FROM fact_impressions FINAL
WHERE impression_id NOT IN (SELECT id FROM fact_deletes WHERE table_name = 'impressions');

CREATE VIEW IF NOT EXISTS fact_clicks_live AS
SELECT click_id, campaign_id, event_date, event_time, created_at
FROM fact_clicks FINAL
WHERE click_id NOT IN (SELECT id FROM fact_deletes WHERE table_name = 'clicks');

-- Impressions and clicks per campaign and event_date (each on its own day).
CREATE VIEW IF NOT EXISTS fact_campaign_days AS
SELECT campaign_id, event_date, sum(impressions) AS impressions, sum(clicks) AS clicks
FROM
(
    SELECT campaign_id, event_date, count() AS impressions, toUInt64(0) AS clicks
    FROM fact_impressions_live GROUP BY campaign_id, event_date
    UNION ALL
    SELECT campaign_id, event_date, toUInt64(0) AS impressions, count() AS clicks
    FROM fact_clicks_live GROUP BY campaign_id, event_date
)
GROUP BY campaign_id, event_date;

-- Every campaign that exists, with its advertiser's name and its totals.
CREATE VIEW IF NOT EXISTS mv_campaign_ctr AS
SELECT c.campaign_id AS campaign_id, c.name AS campaign_name, ifNull(a.name, '') AS advertiser_name,
       ifNull(t.impressions, 0) AS impressions, ifNull(t.clicks, 0) AS clicks,
       round(clicks / nullIf(impressions, 0), 6) AS ctr
FROM dim_campaign AS c FINAL
LEFT JOIN (SELECT advertiser_id, name FROM dim_advertiser FINAL) AS a ON a.advertiser_id = c.advertiser_id
LEFT JOIN
(
    SELECT campaign_id, sum(impressions) AS impressions, sum(clicks) AS clicks
    FROM fact_campaign_days GROUP BY campaign_id
) AS t ON t.campaign_id = c.campaign_id
SETTINGS join_use_nulls = 1;

-- Every day with impressions or clicks, over all campaigns.
CREATE VIEW IF NOT EXISTS mv_daily_performance AS
SELECT event_date, sum(impressions) AS impressions, sum(clicks) AS clicks,
       round(clicks / nullIf(impressions, 0), 6) AS daily_ctr
FROM fact_campaign_days
GROUP BY event_date;

-- Every (day, campaign that exists) with impressions or clicks.
CREATE VIEW IF NOT EXISTS mv_campaign_daily_performance AS
SELECT f.event_date AS event_date, f.campaign_id AS campaign_id, c.name AS campaign_name,
       f.impressions AS impressions, f.clicks AS clicks,
       round(f.clicks / nullIf(f.impressions, 0), 6) AS daily_ctr
FROM fact_campaign_days AS f
INNER JOIN (SELECT campaign_id, name FROM dim_campaign FINAL) AS c ON c.campaign_id = f.campaign_id;

-- Every campaign that exists: cost per click from its bid (bid ×
-- impressions / clicks, exact to 6 decimals, truncated; NULL without clicks).
CREATE VIEW IF NOT EXISTS mv_campaign_efficiency AS
SELECT campaign_id, campaign_name, bid_amount, impressions, clicks,
       CAST(bid_amount AS Decimal(38, 6)) * impressions / nullIf(clicks, 0) AS cost_per_click
FROM
(
    SELECT c.campaign_id AS campaign_id, c.name AS campaign_name, c.bid AS bid_amount,
           ifNull(t.impressions, 0) AS impressions, ifNull(t.clicks, 0) AS clicks
    FROM dim_campaign AS c FINAL
    LEFT JOIN
    (
        SELECT campaign_id, sum(impressions) AS impressions, sum(clicks) AS clicks
        FROM fact_campaign_days GROUP BY campaign_id
    ) AS t ON t.campaign_id = c.campaign_id
    SETTINGS join_use_nulls = 1
);

-- Every advertiser that exists: its campaigns (that exist), their budgets and totals.
CREATE VIEW IF NOT EXISTS mv_advertiser_performance AS
SELECT a.advertiser_id AS advertiser_id, a.name AS advertiser_name,
       count(c.campaign_id) AS campaign_count,
       CAST(ifNull(sum(c.budget), 0) AS Decimal(38, 2)) AS total_budget,
       ifNull(sum(c.impressions), 0) AS impressions,
       ifNull(sum(c.clicks), 0) AS clicks,
       round(clicks / nullIf(impressions, 0), 6) AS overall_ctr
FROM dim_advertiser AS a FINAL
LEFT JOIN
(
    SELECT d.campaign_id AS campaign_id, d.advertiser_id AS advertiser_id, d.budget AS budget,
           e.impressions AS impressions, e.clicks AS clicks
    FROM (SELECT campaign_id, advertiser_id, budget FROM dim_campaign FINAL) AS d
    INNER JOIN mv_campaign_efficiency AS e ON e.campaign_id = d.campaign_id
) AS c
    ON c.advertiser_id = a.advertiser_id
GROUP BY a.advertiser_id, a.name
SETTINGS join_use_nulls = 1;
