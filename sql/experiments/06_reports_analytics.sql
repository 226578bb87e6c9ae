-- experiments / 06 (after 06_reports.sql): the analytics seed 002 describes beyond the dashboard,
-- with names from the dictionaries (05_dictionaries.sql).  Only valid events
-- count (is_valid = 1: at or after the assignment).  sql/README.md defines
-- every column.

-- experiment_performance (06_reports.sql) with the experiment's and the
-- variant's names.
CREATE VIEW IF NOT EXISTS experiment_dashboard AS
SELECT experiment_id,
       dictGet('experiments_dict', 'name', toUInt64(experiment_id)) AS experiment_name,
       variant_id, variant_key,
       dictGet('variants_dict', 'name', toUInt64(variant_id)) AS variant_name,
       users, exposures, clicks, conversions, conversion_rate, revenue, revenue_per_user,
       lift, z_score, p_value, significant
FROM experiment_performance
ORDER BY experiment_id, variant_id;

-- Revenue per conversion: the sum of the valid conversions' values / their
-- number (NULL without conversions).
CREATE VIEW IF NOT EXISTS revenue_per_conversion AS
SELECT experiment_id,
       dictGet('experiments_dict', 'name', toUInt64(experiment_id)) AS experiment_name,
       variant_id, variant_key,
       dictGet('variants_dict', 'name', toUInt64(variant_id)) AS variant_name,
       conversions,
       round(revenue, 2) AS revenue,
       if(conversions = 0, NULL, round(revenue / conversions, 4)) AS revenue_per_conversion
FROM
(
    SELECT experiment_id, variant_id, variant_key,
           uniqExactMerge(conversions) AS conversions,
           arraySum(maxMapMerge(revenue).2) AS revenue
    FROM experiment_hourly_stats
    GROUP BY experiment_id, variant_id, variant_key
)
ORDER BY experiment_id, variant_id;

-- Traffic allocation: the share of an experiment's assigned users in each
-- variant, against the intended split (variants.traffic_share in
-- PostgreSQL).  A large share_difference on a large experiment is a sample
-- ratio mismatch: the assignment is broken, and so is every comparison.
CREATE VIEW IF NOT EXISTS traffic_allocation AS
SELECT experiment_id,
       dictGet('experiments_dict', 'name', toUInt64(experiment_id)) AS experiment_name,
       variant_id, variant_key,
       dictGet('variants_dict', 'name', toUInt64(variant_id)) AS variant_name,
       assigned,
       sum(assigned) OVER (PARTITION BY experiment_id) AS experiment_assigned,
       round(assigned / experiment_assigned, 4) AS assigned_share,
       dictGet('variants_dict', 'traffic_share', toUInt64(variant_id)) AS intended_share,
       round(assigned / experiment_assigned - intended_share, 4) AS share_difference
FROM
(
    SELECT experiment_id, variant_id, variant_key, count() AS assigned
    FROM assignments_processed FINAL
    GROUP BY experiment_id, variant_id, variant_key
)
ORDER BY experiment_id, variant_id;

-- Session engagement, one row per session of a user in a variant (events
-- without a session, session_id 'unknown', are not a session): its valid
-- events and its duration, first to last event, in seconds.
CREATE VIEW IF NOT EXISTS session_engagement AS
SELECT experiment_id, variant_id, variant_key, user_id,
       dictGet('users_dict', 'name', tuple(user_id)) AS user_name,
       session_id,
       count() AS events,
       min(timestamp) AS started_at,
       max(timestamp) AS ended_at,
       (toUnixTimestamp64Milli(ended_at) - toUnixTimestamp64Milli(started_at)) / 1000 AS duration_s
FROM events_processed FINAL
WHERE is_valid = 1 AND session_id != 'unknown'
GROUP BY experiment_id, variant_id, variant_key, user_id, session_id;

-- ... and per variant: sessions, valid events in them, events per session,
-- mean session duration (seconds).
CREATE VIEW IF NOT EXISTS variant_engagement AS
SELECT experiment_id,
       dictGet('experiments_dict', 'name', toUInt64(experiment_id)) AS experiment_name,
       variant_id, variant_key,
       dictGet('variants_dict', 'name', toUInt64(variant_id)) AS variant_name,
       count() AS sessions,
       sum(events) AS session_events,
       round(session_events / sessions, 4) AS events_per_session,
       round(avg(duration_s), 4) AS avg_session_duration_s
FROM session_engagement
GROUP BY experiment_id, variant_id, variant_key
ORDER BY experiment_id, variant_id;

-- Cohorts by assignment day: the users assigned to a variant on one day
-- (cohort_size), and how many of them first converted (valid conversion)
-- N whole days after their assignment (days_since_assignment: 24-hour
-- periods since assigned_at), with the cumulative conversion rate.  Only the
-- days with a first conversion have a row.
CREATE VIEW IF NOT EXISTS conversion_cohorts AS
WITH assigned AS
(
    SELECT experiment_id, user_id, variant_id, variant_key, assigned_at, toDate(assigned_at) AS cohort_day
    FROM assignments_processed FINAL
),
cohorts AS
(
    SELECT experiment_id, variant_id, cohort_day, count() AS cohort_size
    FROM assigned
    GROUP BY experiment_id, variant_id, cohort_day
),
first_conversions AS
(
    SELECT experiment_id, user_id, min(timestamp) AS converted_at
    FROM events_processed FINAL
    WHERE is_valid = 1 AND is_conversion = 1
    GROUP BY experiment_id, user_id
),
converted AS
(
    SELECT a.experiment_id AS experiment_id, a.variant_id AS variant_id, any(a.variant_key) AS variant_key,
           a.cohort_day AS cohort_day,
           intDiv(toUnixTimestamp64Micro(c.converted_at) - toUnixTimestamp64Micro(a.assigned_at), 86400000000)
               AS days_since_assignment,
           count() AS converters
    FROM assigned AS a
    INNER JOIN first_conversions AS c ON c.experiment_id = a.experiment_id AND c.user_id = a.user_id
    GROUP BY experiment_id, variant_id, cohort_day, days_since_assignment
)
SELECT v.experiment_id AS experiment_id,
       dictGet('experiments_dict', 'name', toUInt64(v.experiment_id)) AS experiment_name,
       v.variant_id AS variant_id, v.variant_key AS variant_key,
       dictGet('variants_dict', 'name', toUInt64(v.variant_id)) AS variant_name,
       v.cohort_day AS cohort_day,
       k.cohort_size AS cohort_size,
       v.days_since_assignment AS days_since_assignment,
       v.converters AS converters,
       round(v.converters / k.cohort_size, 4) AS conversion_rate,
       round(sum(v.converters) OVER (PARTITION BY v.experiment_id, v.variant_id, v.cohort_day
                                     ORDER BY v.days_since_assignment) / k.cohort_size, 4) AS cumulative_conversion_rate
FROM converted AS v
INNER JOIN cohorts AS k ON k.experiment_id = v.experiment_id AND k.variant_id = v.variant_id AND k.cohort_day = v.cohort_day
ORDER BY experiment_id, variant_id, cohort_day, days_since_assignment;

-- First-touch and last-touch attribution: each valid conversion is credited
-- to the page of the user's first (first_touch) and of the last (last_touch)
-- valid exposure or click in the experiment strictly before it (ties on time
-- broken by event id); '(none)' when there is none.  Per variant, model and
-- page: the conversions credited and their revenue.
CREATE VIEW IF NOT EXISTS conversion_attribution AS
WITH conversions AS
(
    SELECT experiment_id, variant_id, variant_key, user_id, id AS conversion_id, timestamp AS converted_at, value
    FROM events_processed FINAL
    WHERE is_valid = 1 AND is_conversion = 1
),
touches AS
(
    SELECT experiment_id, user_id, id AS touch_id, timestamp AS touched_at, page
    FROM events_processed FINAL
    WHERE is_valid = 1 AND event_type IN ('exposure', 'click')
),
credited AS
(
    SELECT c.experiment_id AS experiment_id, c.variant_id AS variant_id, c.variant_key AS variant_key,
           c.conversion_id AS conversion_id, any(c.value) AS value,
           countIf(t.touch_id != '' AND t.touched_at < c.converted_at) AS touches,
           argMinIf(t.page, (t.touched_at, t.touch_id), t.touch_id != '' AND t.touched_at < c.converted_at) AS first_page,
           argMaxIf(t.page, (t.touched_at, t.touch_id), t.touch_id != '' AND t.touched_at < c.converted_at) AS last_page
    FROM conversions AS c
    LEFT JOIN touches AS t ON t.experiment_id = c.experiment_id AND t.user_id = c.user_id
    GROUP BY experiment_id, variant_id, variant_key, conversion_id
)
SELECT experiment_id,
       dictGet('experiments_dict', 'name', toUInt64(experiment_id)) AS experiment_name,
       variant_id, variant_key,
       dictGet('variants_dict', 'name', toUInt64(variant_id)) AS variant_name,
       credit.1 AS model,
       credit.2 AS page,
       count() AS conversions,
       round(sum(value), 2) AS revenue
FROM credited
ARRAY JOIN [('first_touch', if(touches = 0, '(none)', first_page)),
            ('last_touch', if(touches = 0, '(none)', last_page))] AS credit
GROUP BY experiment_id, variant_id, variant_key, model, page
ORDER BY experiment_id, variant_id, model, page;
