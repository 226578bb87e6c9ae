-- e2e test only: the PostgreSQL side of test_e2e_pipeline's checks.  tests/e2e/ctest.sh
-- loads it after schema.sql and before seed.sql.  Schema e2e is outside the connectors'
-- schema.include.list (public), so nothing of it reaches Kafka.
--
-- The experiments pipeline counts every event ever written to the outbox, but the
-- outbox itself forgets: the application deletes published rows.  To compute the
-- report "from PostgreSQL directly", a trigger copies every outbox insert into
-- e2e.outbox_log.  The views below compute, from PostgreSQL alone, what the
-- ClickHouse pipelines (sql/experiments, sql/adtech) must report.
\set ON_ERROR_STOP on
SET client_min_messages = warning;

CREATE SCHEMA e2e;

CREATE TABLE e2e.outbox_log (LIKE public.outbox_events);

CREATE FUNCTION e2e.log_outbox_insert() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO e2e.outbox_log SELECT NEW.*;
    RETURN NEW;
END
$$;

CREATE TRIGGER outbox_log AFTER INSERT ON public.outbox_events
    FOR EACH ROW EXECUTE FUNCTION e2e.log_outbox_insert();

-- Upper tail of the standard normal distribution, Q(z) = 1 - Phi(z), for z >= 0:
-- PostgreSQL 15 has no erf().  Hart's algorithm 5666 (1968) as given by G. West,
-- "Better approximations to cumulative normal functions" (2005): double precision.
CREATE FUNCTION e2e.norm_sf(z double precision) RETURNS double precision
LANGUAGE plpgsql IMMUTABLE STRICT AS $$
DECLARE
    x double precision := abs(z);
    e double precision;
    p double precision;
BEGIN
    IF x > 37 THEN
        p := 0;
    ELSE
        e := exp(-x * x / 2);
        IF x < 7.07106781186547 THEN
            p := e * ((((((0.0352624965998911 * x + 0.700383064443688) * x + 6.37396220353165) * x
                       + 33.912866078383) * x + 112.079291497871) * x + 221.213596169931) * x + 220.206867912376)
                 / (((((((0.0883883476483184 * x + 1.75566716318264) * x + 16.064177579207) * x
                        + 86.7807322029461) * x + 296.564248779674) * x + 637.333633378831) * x
                      + 793.826512519948) * x + 440.413735824752);
        ELSE
            p := e / (x + 1 / (x + 2 / (x + 3 / (x + 4 / (x + 0.65))))) / 2.506628274631;
        END IF;
    END IF;
    RETURN CASE WHEN z < 0 THEN 1 - p ELSE p END;
END
$$;

-- ===================================================================== experiments
-- Every outbox event ever inserted, its JSON payload taken apart.
CREATE VIEW e2e.outbox_parsed AS
SELECT p ->> 'id' AS event_id,
       o.aggregate_id,
       (p ->> 'experiment_id')::bigint AS experiment_id,
       p ->> 'user_id' AS user_id,
       (p ->> 'variant_id')::bigint AS variant_id,
       p ->> 'variant_key' AS variant_key,
       p ->> 'event_type' AS event_type,
       (p ->> 'timestamp')::timestamptz AS ts,
       (p ->> 'assignment_at')::timestamptz AS assignment_at,
       p -> 'properties' AS properties,
       coalesce(nullif(p ->> 'session_id', ''), 'unknown') AS session_id,
       coalesce((p -> 'properties' ->> 'value')::double precision, 0) AS value,
       (p ->> 'assignment_at') IS NULL
           OR (p ->> 'timestamp')::timestamptz >= (p ->> 'assignment_at')::timestamptz AS is_valid
FROM e2e.outbox_log AS o
CROSS JOIN LATERAL (SELECT o.payload::jsonb AS p) AS x;

-- events_processed: every event but assignments.
CREATE VIEW e2e.expected_events_processed AS
SELECT event_id, experiment_id, user_id, variant_id, variant_key, event_type,
       to_char(ts AT TIME ZONE 'UTC', 'YYYY-MM-DD HH24:MI:SS.US') AS ts,
       to_char(assignment_at AT TIME ZONE 'UTC', 'YYYY-MM-DD HH24:MI:SS.US') AS assignment_at,
       properties, session_id, is_valid::int AS is_valid
FROM e2e.outbox_parsed
WHERE event_type != 'assignment';

-- assignments_processed: the latest assignment of each user to each experiment.
CREATE VIEW e2e.expected_assignments_processed AS
SELECT DISTINCT ON (experiment_id, user_id)
       experiment_id, user_id, variant_id, variant_key,
       to_char(ts AT TIME ZONE 'UTC', 'YYYY-MM-DD HH24:MI:SS.US') AS assigned_at,
       aggregate_id::bigint AS assignment_id, event_id, ts
FROM e2e.outbox_parsed
WHERE event_type = 'assignment'
ORDER BY experiment_id, user_id, ts DESC;

-- Valid events per variant, as experiment_hourly_stats keeps them.
CREATE VIEW e2e.variant_totals AS
SELECT experiment_id, variant_id, variant_key,
       count(DISTINCT user_id) AS users,
       count(DISTINCT event_id) FILTER (WHERE event_type = 'exposure') AS exposures,
       count(DISTINCT event_id) FILTER (WHERE event_type = 'click') AS clicks,
       count(DISTINCT event_id) FILTER (WHERE event_type = 'conversion') AS conversions,
       count(DISTINCT user_id) FILTER (WHERE event_type = 'conversion') AS converters,
       coalesce(sum(value::numeric) FILTER (WHERE event_type = 'conversion'), 0) AS revenue
FROM e2e.outbox_parsed
WHERE event_type != 'assignment' AND is_valid
GROUP BY experiment_id, variant_id, variant_key;

-- experiment_performance (sql/experiments/06_reports.sql).  Ratios are exact (not
-- rounded): the test checks that ClickHouse's rounded value is a rounding of them.
-- NULL where the report defines no value: lift without a control or when the control
-- has no conversion; z_score, p_value and significant where the pooled two-proportion
-- z-test is undefined: no control, or a pooled rate of 0 or 1 (se = 0).  A side
-- without conversions next to one with conversions has a z-test (e.g. experiment 42:
-- control 0/1, treatment 1/2).  The z-test (pooled) is computed here.
CREATE VIEW e2e.expected_experiment_performance AS
WITH j AS (
    SELECT v.*, c.users AS c_users, c.converters AS c_converters
    FROM e2e.variant_totals AS v
    LEFT JOIN e2e.variant_totals AS c ON c.experiment_id = v.experiment_id AND c.variant_key = 'control'
), z AS (
    SELECT j.*,
           CASE WHEN c_users IS NULL OR users = 0 OR c_users = 0 THEN NULL
                ELSE (converters + c_converters)::float8 / (users + c_users) END AS pooled
    FROM j
), zz AS (
    SELECT z.*,
           CASE WHEN pooled IS NULL OR pooled * (1 - pooled) = 0 THEN NULL
                ELSE (converters::float8 / users - c_converters::float8 / c_users)
                     / sqrt(pooled * (1 - pooled) * (1.0 / users + 1.0 / c_users)) END AS zs
    FROM z
)
SELECT experiment_id, variant_id, variant_key, users, exposures, clicks, conversions,
       converters::numeric / users AS conversion_rate,
       revenue,
       revenue / users AS revenue_per_user,
       CASE WHEN variant_key = 'control' OR c_users IS NULL OR c_converters = 0 THEN NULL
            ELSE ((converters::numeric / users) / (c_converters::numeric / c_users) - 1)::text END AS lift,
       CASE WHEN variant_key = 'control' OR zs IS NULL THEN NULL ELSE zs::text END AS z_score,
       CASE WHEN variant_key = 'control' OR zs IS NULL THEN NULL
            ELSE (2 * e2e.norm_sf(abs(zs)))::text END AS p_value,
       CASE WHEN variant_key = 'control' OR zs IS NULL THEN NULL
            ELSE (round((2 * e2e.norm_sf(abs(zs)))::numeric, 4) < 0.05)::int END AS significant
FROM zz;

-- user_journey_analysis: the funnel assignment -> exposure -> click -> conversion, each
-- step at or after the previous one and within a day of the assignment.
CREATE VIEW e2e.expected_user_journey AS
WITH steps AS (
    SELECT experiment_id, variant_id, variant_key, user_id, ts, 'assignment' AS step
    FROM e2e.expected_assignments_processed
    UNION ALL
    SELECT experiment_id, variant_id, variant_key, user_id, ts, event_type
    FROM e2e.outbox_parsed
    WHERE event_type != 'assignment' AND is_valid
), members AS (
    SELECT DISTINCT experiment_id, variant_id, variant_key, user_id FROM steps
), levels AS (
    SELECT m.*,
           CASE WHEN EXISTS (
                    SELECT 1 FROM steps a
                    JOIN steps x ON (x.experiment_id, x.variant_id, x.variant_key, x.user_id) = (a.experiment_id, a.variant_id, a.variant_key, a.user_id)
                                AND x.step = 'exposure' AND x.ts >= a.ts AND x.ts <= a.ts + interval '1 day'
                    JOIN steps c ON (c.experiment_id, c.variant_id, c.variant_key, c.user_id) = (a.experiment_id, a.variant_id, a.variant_key, a.user_id)
                                AND c.step = 'click' AND c.ts >= x.ts AND c.ts <= a.ts + interval '1 day'
                    JOIN steps v ON (v.experiment_id, v.variant_id, v.variant_key, v.user_id) = (a.experiment_id, a.variant_id, a.variant_key, a.user_id)
                                AND v.step = 'conversion' AND v.ts >= c.ts AND v.ts <= a.ts + interval '1 day'
                    WHERE a.step = 'assignment'
                      AND (a.experiment_id, a.variant_id, a.variant_key, a.user_id) = (m.experiment_id, m.variant_id, m.variant_key, m.user_id)) THEN 4
                WHEN EXISTS (
                    SELECT 1 FROM steps a
                    JOIN steps x ON (x.experiment_id, x.variant_id, x.variant_key, x.user_id) = (a.experiment_id, a.variant_id, a.variant_key, a.user_id)
                                AND x.step = 'exposure' AND x.ts >= a.ts AND x.ts <= a.ts + interval '1 day'
                    JOIN steps c ON (c.experiment_id, c.variant_id, c.variant_key, c.user_id) = (a.experiment_id, a.variant_id, a.variant_key, a.user_id)
                                AND c.step = 'click' AND c.ts >= x.ts AND c.ts <= a.ts + interval '1 day'
                    WHERE a.step = 'assignment'
                      AND (a.experiment_id, a.variant_id, a.variant_key, a.user_id) = (m.experiment_id, m.variant_id, m.variant_key, m.user_id)) THEN 3
                WHEN EXISTS (
                    SELECT 1 FROM steps a
                    JOIN steps x ON (x.experiment_id, x.variant_id, x.variant_key, x.user_id) = (a.experiment_id, a.variant_id, a.variant_key, a.user_id)
                                AND x.step = 'exposure' AND x.ts >= a.ts AND x.ts <= a.ts + interval '1 day'
                    WHERE a.step = 'assignment'
                      AND (a.experiment_id, a.variant_id, a.variant_key, a.user_id) = (m.experiment_id, m.variant_id, m.variant_key, m.user_id)) THEN 2
                WHEN EXISTS (
                    SELECT 1 FROM steps a
                    WHERE a.step = 'assignment'
                      AND (a.experiment_id, a.variant_id, a.variant_key, a.user_id) = (m.experiment_id, m.variant_id, m.variant_key, m.user_id)) THEN 1
                ELSE 0 END AS level
    FROM members AS m
), counts AS (
    SELECT experiment_id, variant_id, variant_key,
           count(*) AS users,
           count(*) FILTER (WHERE level >= 1) AS assigned,
           count(*) FILTER (WHERE level >= 2) AS exposed,
           count(*) FILTER (WHERE level >= 3) AS clicked,
           count(*) FILTER (WHERE level >= 4) AS converted
    FROM levels
    GROUP BY experiment_id, variant_id, variant_key
)
SELECT experiment_id, variant_id, variant_key, users, assigned, exposed, clicked, converted,
       exposed::numeric / nullif(assigned, 0) AS exposure_rate,
       clicked::numeric / nullif(exposed, 0) AS click_rate,
       converted::numeric / nullif(clicked, 0) AS click_conversion_rate,
       converted::numeric / nullif(assigned, 0) AS conversion_rate
FROM counts;

-- experiment_daily_stats (the refreshable view of 05_daily.sql).
CREATE VIEW e2e.expected_daily_stats AS
SELECT (ts AT TIME ZONE 'UTC')::date AS day, experiment_id, variant_id, variant_key,
       count(DISTINCT user_id) AS users,
       count(DISTINCT event_id) FILTER (WHERE event_type = 'exposure') AS exposures,
       count(DISTINCT event_id) FILTER (WHERE event_type = 'click') AS clicks,
       count(DISTINCT event_id) FILTER (WHERE event_type = 'conversion') AS conversions,
       coalesce(sum(value::numeric) FILTER (WHERE event_type = 'conversion'), 0) AS revenue
FROM e2e.outbox_parsed
WHERE event_type != 'assignment' AND is_valid
GROUP BY 1, 2, 3, 4;

-- ===================================================================== ad tech
-- The KPI views of sql/adtech/05_kpis.sql, from the tables as they are now (ratios
-- exact, not rounded).
CREATE VIEW e2e.expected_campaign_daily AS
WITH i AS (
    SELECT campaign_id, (shown_at AT TIME ZONE 'UTC')::date AS day, count(*) AS impressions, sum(cost) AS spend
    FROM public.impressions GROUP BY 1, 2
), c AS (
    SELECT campaign_id, (clicked_at AT TIME ZONE 'UTC')::date AS day, count(*) AS clicks, sum(cpc) AS spend
    FROM public.clicks GROUP BY 1, 2
)
SELECT campaign_id, day,
       coalesce(i.impressions, 0) AS impressions,
       coalesce(c.clicks, 0) AS clicks,
       coalesce(c.clicks, 0)::numeric / nullif(coalesce(i.impressions, 0), 0) AS ctr,
       coalesce(i.spend, 0) AS impression_spend,
       coalesce(c.spend, 0) AS click_spend,
       coalesce(i.spend, 0) + coalesce(c.spend, 0) AS spend
FROM i FULL JOIN c USING (campaign_id, day);

CREATE VIEW e2e.expected_daily_performance AS
SELECT day, sum(impressions) AS impressions, sum(clicks) AS clicks,
       sum(clicks)::numeric / nullif(sum(impressions), 0) AS ctr,
       sum(impression_spend) AS impression_spend, sum(click_spend) AS click_spend, sum(spend) AS spend
FROM e2e.expected_campaign_daily
GROUP BY day;

CREATE VIEW e2e.expected_campaign_totals AS
SELECT campaign_id, sum(impressions) AS impressions, sum(clicks) AS clicks,
       sum(impression_spend) AS impression_spend, sum(click_spend) AS click_spend, sum(spend) AS spend
FROM e2e.expected_campaign_daily
GROUP BY campaign_id;

CREATE VIEW e2e.expected_campaign_ctr AS
SELECT c.id AS campaign_id, c.advertiser_id, c.name AS campaign, c.status,
       coalesce(t.impressions, 0) AS impressions, coalesce(t.clicks, 0) AS clicks,
       coalesce(t.clicks, 0)::numeric / nullif(coalesce(t.impressions, 0), 0) AS ctr
FROM public.campaign AS c
LEFT JOIN e2e.expected_campaign_totals AS t ON t.campaign_id = c.id;

CREATE VIEW e2e.expected_cost_per_click AS
SELECT campaign_id, clicks, click_spend, impression_spend,
       click_spend / clicks AS avg_cpc,
       (impression_spend + click_spend) / clicks AS cost_per_click
FROM e2e.expected_campaign_totals
WHERE clicks > 0;

CREATE VIEW e2e.expected_advertiser_overview AS
SELECT a.id AS advertiser_id, a.name AS advertiser, a.country, a.is_active,
       count(c.id) AS campaigns,
       count(c.id) FILTER (WHERE c.status = 'active') AS active_campaigns,
       coalesce(sum(t.impressions), 0) AS impressions,
       coalesce(sum(t.clicks), 0) AS clicks,
       coalesce(sum(t.clicks), 0)::numeric / nullif(coalesce(sum(t.impressions), 0), 0) AS ctr,
       coalesce(sum(t.spend), 0) AS spend
FROM public.advertiser AS a
LEFT JOIN public.campaign AS c ON c.advertiser_id = a.id
LEFT JOIN e2e.expected_campaign_totals AS t ON t.campaign_id = c.id
GROUP BY a.id, a.name, a.country, a.is_active;

-- Seed 004's KPI views (sql/adtech mv_*): facts on the day of their event
-- time (created_at, else shown_at / clicked_at); cost per click from the bid.
CREATE VIEW e2e.expected_seed_facts AS
SELECT campaign_id, (coalesce(created_at, shown_at) AT TIME ZONE 'UTC')::date AS event_date,
       1 AS impressions, 0 AS clicks
FROM public.impressions
UNION ALL
SELECT campaign_id, (coalesce(created_at, clicked_at) AT TIME ZONE 'UTC')::date, 0, 1
FROM public.clicks;

CREATE VIEW e2e.expected_seed_campaign_totals AS
SELECT campaign_id, sum(impressions) AS impressions, sum(clicks) AS clicks
FROM e2e.expected_seed_facts GROUP BY campaign_id;

CREATE VIEW e2e.expected_mv_campaign_ctr AS
SELECT c.id AS campaign_id, c.name AS campaign_name, coalesce(a.name, '') AS advertiser_name,
       coalesce(t.impressions, 0) AS impressions, coalesce(t.clicks, 0) AS clicks,
       coalesce(t.clicks, 0)::numeric / nullif(coalesce(t.impressions, 0), 0) AS ctr
FROM public.campaign AS c
LEFT JOIN public.advertiser AS a ON a.id = c.advertiser_id
LEFT JOIN e2e.expected_seed_campaign_totals AS t ON t.campaign_id = c.id;

CREATE VIEW e2e.expected_mv_daily_performance AS
SELECT event_date, sum(impressions) AS impressions, sum(clicks) AS clicks,
       sum(clicks)::numeric / nullif(sum(impressions), 0) AS daily_ctr
FROM e2e.expected_seed_facts GROUP BY event_date;

CREATE VIEW e2e.expected_mv_campaign_efficiency AS
SELECT c.id AS campaign_id, c.name AS campaign_name, c.bid AS bid_amount,
       coalesce(t.impressions, 0) AS impressions, coalesce(t.clicks, 0) AS clicks,
       trunc(c.bid * coalesce(t.impressions, 0) / nullif(coalesce(t.clicks, 0), 0), 6) AS cost_per_click
FROM public.campaign AS c
LEFT JOIN e2e.expected_seed_campaign_totals AS t ON t.campaign_id = c.id;

CREATE VIEW e2e.expected_mv_advertiser_performance AS
SELECT a.id AS advertiser_id, a.name AS advertiser_name, count(c.id) AS campaign_count,
       coalesce(sum(c.budget), 0) AS total_budget,
       coalesce(sum(t.impressions), 0) AS impressions, coalesce(sum(t.clicks), 0) AS clicks,
       coalesce(sum(t.clicks), 0)::numeric / nullif(coalesce(sum(t.impressions), 0), 0) AS overall_ctr
FROM public.advertiser AS a
LEFT JOIN public.campaign AS c ON c.advertiser_id = a.id
LEFT JOIN e2e.expected_seed_campaign_totals AS t ON t.campaign_id = c.id
GROUP BY a.id, a.name;
