-- experiments / 05: daily roll-up of the hourly statistics.
--
-- A SummingMergeTree only adds, so it cannot be fed from the stream without
-- counting a re-delivered block twice.  A refreshable materialized view
-- rebuilds it from experiment_hourly_stats instead, every five minutes (it
-- replaces the table's contents atomically, so each key is written once and
-- `users`, which is not additive across days, stays exact).  Refreshable views
-- need an Atomic database: the server default.
CREATE TABLE IF NOT EXISTS experiment_daily_stats
(
    day Date,
    experiment_id UInt32,
    variant_id UInt32,
    variant_key LowCardinality(String),
    users UInt64,
    exposures UInt64,
    clicks UInt64,
    conversions UInt64,
    revenue Float64
)
ENGINE = SummingMergeTree((exposures, clicks, conversions, revenue))
ORDER BY (experiment_id, variant_id, variant_key, day);

CREATE MATERIALIZED VIEW IF NOT EXISTS daily_stats_mv
REFRESH EVERY 5 MINUTE
TO experiment_daily_stats AS
SELECT toDate(hour) AS day, experiment_id, variant_id, variant_key,
       uniqExactMerge(users) AS users,
       uniqExactMerge(exposures) AS exposures,
       uniqExactMerge(clicks) AS clicks,
       uniqExactMerge(conversions) AS conversions,
       arraySum(maxMapMerge(revenue).2) AS revenue
FROM experiment_hourly_stats
GROUP BY day, experiment_id, variant_id, variant_key;
