-- experiments / 04: statistics kept up to date as events arrive.
--
-- Only valid events count (is_valid = 1: at or after the assignment).
--
-- The states are chosen so a re-delivered block changes nothing: counts are
-- distinct event ids (uniqExact), users are distinct user ids, and revenue is
-- a map from conversion id to its value (maxMap) summed when read.  A plain
-- count() or sum() state would count a re-delivered block twice.

CREATE TABLE IF NOT EXISTS experiment_hourly_stats
(
    experiment_id UInt32,
    variant_id UInt32,
    variant_key LowCardinality(String),
    hour DateTime('UTC'),
    users AggregateFunction(uniqExact, String),            -- user ids with a valid event
    exposures AggregateFunction(uniqExact, String),        -- event ids
    clicks AggregateFunction(uniqExact, String),           -- event ids
    conversions AggregateFunction(uniqExact, String),      -- event ids
    converters AggregateFunction(uniqExact, String),       -- user ids with a conversion
    revenue AggregateFunction(maxMap, Array(String), Array(Float64))   -- conversion id -> value
)
ENGINE = AggregatingMergeTree
PARTITION BY toYYYYMM(hour)
ORDER BY (experiment_id, variant_id, variant_key, hour);

CREATE MATERIALIZED VIEW IF NOT EXISTS hourly_stats_mv TO experiment_hourly_stats AS
SELECT experiment_id, variant_id, variant_key, toStartOfHour(timestamp) AS hour,
       uniqExactState(user_id) AS users,
       uniqExactStateIf(id, is_exposure = 1) AS exposures,
       uniqExactStateIf(id, is_click = 1) AS clicks,
       uniqExactStateIf(id, is_conversion = 1) AS conversions,
       uniqExactStateIf(user_id, is_conversion = 1) AS converters,
       maxMapStateIf([id], [value], is_conversion = 1) AS revenue
FROM events_processed
WHERE is_valid = 1
GROUP BY experiment_id, variant_id, variant_key, hour;

-- One row per user and variant: what that user did.
CREATE TABLE IF NOT EXISTS user_experiment_stats
(
    experiment_id UInt32,
    variant_id UInt32,
    variant_key LowCardinality(String),
    user_id String,
    first_event_at SimpleAggregateFunction(min, DateTime64(6, 'UTC')),
    last_event_at SimpleAggregateFunction(max, DateTime64(6, 'UTC')),
    events AggregateFunction(uniqExact, String),
    exposures AggregateFunction(uniqExact, String),
    clicks AggregateFunction(uniqExact, String),
    conversions AggregateFunction(uniqExact, String),
    revenue AggregateFunction(maxMap, Array(String), Array(Float64))
)
ENGINE = AggregatingMergeTree
ORDER BY (experiment_id, variant_id, variant_key, user_id);

CREATE MATERIALIZED VIEW IF NOT EXISTS user_stats_mv TO user_experiment_stats AS
SELECT experiment_id, variant_id, variant_key, user_id,
       min(timestamp) AS first_event_at,
       max(timestamp) AS last_event_at,
       uniqExactState(id) AS events,
       uniqExactStateIf(id, is_exposure = 1) AS exposures,
       uniqExactStateIf(id, is_click = 1) AS clicks,
       uniqExactStateIf(id, is_conversion = 1) AS conversions,
       maxMapStateIf([id], [value], is_conversion = 1) AS revenue
FROM events_processed
WHERE is_valid = 1
GROUP BY experiment_id, variant_id, variant_key, user_id;
