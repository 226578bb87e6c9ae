-- experiments / 06: the reports.

-- Per experiment and variant.  users = users with a valid exposure, click or
-- conversion; conversion_rate = users who converted / users; lift = relative
-- change of the conversion rate against the variant keyed 'control'.
--
-- z_score and p_value: the pooled two-proportion z-test of the variant (x_t
-- converters among n_t users) against the control (x_c among n_c), computed
-- here rather than with proportionsZTest, which gives NaN as soon as one arm
-- has no conversion although the test is defined there:
--   p_pool  = (x_c + x_t) / (n_c + n_t)
--   se      = sqrt(p_pool * (1 - p_pool) * (1 / n_c + 1 / n_t))
--   z_score = (x_t / n_t - x_c / n_c) / se
--   p_value = erfc(|z_score| / sqrt(2))          (two-sided)
-- significant = p_value < 0.05 (p_value as reported, rounded to 4 decimals).
-- Where proportionsZTest(x_t, x_c, n_t, n_c, 0.95, 'pooled') gives a finite
-- answer, these are its numbers (the same to ~1e-15 before rounding).
--
-- lift, z_score, p_value and significant are Nullable, never NaN or inf:
--   - all four are NULL on the control's own row;
--   - lift is NULL when the control has no conversion (or the experiment has
--     no variant keyed 'control'): a change relative to 0 is undefined.  A
--     variant without conversions against a converting control has lift -1;
--   - z_score, p_value and significant are NULL only where the z-test is
--     undefined: se = 0, i.e. p_pool is 0 or 1 (nobody converted in either
--     arm, or every user of both arms converted), or an arm has no users, or
--     the experiment has no control.  An arm without conversions next to one
--     with conversions has a z_score and a p_value.
CREATE VIEW IF NOT EXISTS experiment_performance AS
WITH per_variant AS
(
    SELECT experiment_id, variant_id, variant_key,
           uniqExactMerge(users) AS users,
           uniqExactMerge(exposures) AS exposures,
           uniqExactMerge(clicks) AS clicks,
           uniqExactMerge(conversions) AS conversions,
           uniqExactMerge(converters) AS converters,
           arraySum(maxMapMerge(revenue).2) AS revenue
    FROM experiment_hourly_stats
    GROUP BY experiment_id, variant_id, variant_key
),
-- The terms of the z-test.  With no control the join gives c.users = 0 and these
-- are NaN or inf, but has_ztest is false then, and only has_ztest decides.
(c.converters + v.converters) / (c.users + v.users) AS ztest_p_pool,
sqrt(ztest_p_pool * (1 - ztest_p_pool) * (1 / c.users + 1 / v.users)) AS ztest_se,
(v.converters / v.users - c.converters / c.users) / ztest_se AS ztest_z,
erfc(abs(ztest_z) / sqrt(2)) AS ztest_p,
-- Defined iff se > 0: both arms have users, and 0 < x_c + x_t < n_c + n_t.
v.variant_key != 'control' AND v.users > 0 AND c.users > 0
    AND c.converters + v.converters > 0 AND c.converters + v.converters < c.users + v.users AS has_ztest
SELECT v.experiment_id AS experiment_id,
       v.variant_id AS variant_id,
       v.variant_key AS variant_key,
       v.users AS users,
       v.exposures AS exposures,
       v.clicks AS clicks,
       v.conversions AS conversions,
       round(v.converters / v.users, 4) AS conversion_rate,
       round(v.revenue, 2) AS revenue,
       round(v.revenue / v.users, 4) AS revenue_per_user,
       if(v.variant_key = 'control' OR c.converters = 0, NULL,
          round((v.converters / v.users) / (c.converters / c.users) - 1, 4)) AS lift,
       if(has_ztest, round(ztest_z, 4), NULL) AS z_score,
       if(has_ztest, round(ztest_p, 4), NULL) AS p_value,
       if(has_ztest, p_value < 0.05, NULL) AS significant
FROM per_variant AS v
LEFT JOIN (SELECT * FROM per_variant WHERE variant_key = 'control') AS c ON v.experiment_id = c.experiment_id
ORDER BY experiment_id, variant_id;

-- The funnel assignment -> exposure -> click -> conversion of each user
-- (windowFunnel: each step within one day of the assignment, in order),
-- counted per variant: how many users reached each step.
CREATE VIEW IF NOT EXISTS user_journey_analysis AS
SELECT experiment_id, variant_id, variant_key,
       count() AS users,
       countIf(level >= 1) AS assigned,
       countIf(level >= 2) AS exposed,
       countIf(level >= 3) AS clicked,
       countIf(level >= 4) AS converted,
       round(exposed / nullIf(assigned, 0), 4) AS exposure_rate,
       round(clicked / nullIf(exposed, 0), 4) AS click_rate,
       round(converted / nullIf(clicked, 0), 4) AS click_conversion_rate,
       round(converted / nullIf(assigned, 0), 4) AS conversion_rate
FROM
(
    SELECT experiment_id, variant_id, variant_key, user_id,
           windowFunnel(86400000000)(ts_us, step = 'assignment', step = 'exposure', step = 'click', step = 'conversion') AS level
    FROM
    (
        SELECT experiment_id, variant_id, variant_key, user_id,
               toUInt64(toUnixTimestamp64Micro(assigned_at)) AS ts_us, 'assignment' AS step
        FROM assignments_processed FINAL
        UNION ALL
        SELECT experiment_id, variant_id, variant_key, user_id,
               toUInt64(toUnixTimestamp64Micro(timestamp)) AS ts_us, toString(event_type) AS step
        FROM events_processed FINAL
        WHERE is_valid = 1
    )
    GROUP BY experiment_id, variant_id, variant_key, user_id
)
GROUP BY experiment_id, variant_id, variant_key
ORDER BY experiment_id, variant_id;
