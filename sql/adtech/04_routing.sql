-- adtech / 04: each table's changes to its table; failures to the dead letters.

CREATE MATERIALIZED VIEW IF NOT EXISTS advertiser_dim_mv TO advertiser_dim AS
SELECT JSONExtractInt(row, 'id') AS id,
       JSONExtractString(row, 'name') AS name,
       JSONExtractString(row, 'country') AS country,
       JSONExtractString(row, 'currency') AS currency,
       JSONExtractBool(row, 'is_active') AS is_active,
       parseDateTime64BestEffortOrZero(JSONExtractString(row, 'created_at'), 6, 'UTC') AS created_at,
       version, is_deleted
FROM adtech_changes
WHERE error = '' AND source_table = 'advertiser' AND op IN ('r', 'c', 'u', 'd');

CREATE MATERIALIZED VIEW IF NOT EXISTS campaign_dim_mv TO campaign_dim AS
SELECT JSONExtractInt(row, 'id') AS id,
       JSONExtractInt(row, 'advertiser_id') AS advertiser_id,
       JSONExtractString(row, 'name') AS name,
       JSONExtractString(row, 'status') AS status,
       debezium_decimal(row, 'daily_budget', 2) AS daily_budget,
       debezium_decimal(row, 'cpm_bid', 4) AS cpm_bid,
       assumeNotNull(debezium_date(row, 'start_date')) AS start_date,
       debezium_date(row, 'end_date') AS end_date,
       parseDateTime64BestEffortOrZero(JSONExtractString(row, 'created_at'), 6, 'UTC') AS created_at,
       version, is_deleted
FROM adtech_changes
WHERE error = '' AND source_table = 'campaign' AND op IN ('r', 'c', 'u', 'd');

CREATE MATERIALIZED VIEW IF NOT EXISTS impressions_fact_mv TO impressions_fact AS
SELECT JSONExtractInt(row, 'id') AS id,
       JSONExtractInt(row, 'campaign_id') AS campaign_id,
       toUUIDOrZero(JSONExtractString(row, 'request_id')) AS request_id,
       JSONExtract(row, 'user_id', 'Nullable(String)') AS user_id,
       JSONExtract(row, 'country', 'Nullable(String)') AS country,
       JSONExtract(row, 'device', 'Nullable(String)') AS device,
       debezium_decimal(row, 'cost', 6) AS cost,
       parseDateTime64BestEffortOrZero(JSONExtractString(row, 'shown_at'), 6, 'UTC') AS shown_at,
       version
FROM adtech_changes
WHERE error = '' AND source_table = 'impressions' AND op IN ('r', 'c', 'u');

CREATE MATERIALIZED VIEW IF NOT EXISTS clicks_fact_mv TO clicks_fact AS
SELECT JSONExtractInt(row, 'id') AS id,
       JSONExtractInt(row, 'impression_id') AS impression_id,
       JSONExtractInt(row, 'campaign_id') AS campaign_id,
       debezium_decimal(row, 'cpc', 4) AS cpc,
       parseDateTime64BestEffortOrZero(JSONExtractString(row, 'clicked_at'), 6, 'UTC') AS clicked_at,
       version
FROM adtech_changes
WHERE error = '' AND source_table = 'clicks' AND op IN ('r', 'c', 'u');

-- The seed's model (03).
CREATE MATERIALIZED VIEW IF NOT EXISTS dim_advertiser_mv TO dim_advertiser AS
SELECT JSONExtractInt(row, 'id') AS advertiser_id,
       JSONExtractString(row, 'name') AS name,
       ifNull(debezium_time(row, 'updated_at'), toDateTime64(0, 6, 'UTC')) AS updated_at,
       ifNull(debezium_time(row, 'created_at'), toDateTime64(0, 6, 'UTC')) AS created_at,
       version, is_deleted
FROM adtech_changes
WHERE error = '' AND source_table = 'advertiser' AND op IN ('r', 'c', 'u', 'd');

CREATE MATERIALIZED VIEW IF NOT EXISTS dim_campaign_mv TO dim_campaign AS
SELECT JSONExtractInt(row, 'id') AS campaign_id,
       JSONExtractString(row, 'name') AS name,
       debezium_decimal(row, 'bid', 2) AS bid,
       debezium_decimal(row, 'budget', 2) AS budget,
       ifNull(debezium_date(row, 'start_date'), toDate32(0)) AS start_date,
       debezium_date(row, 'end_date') AS end_date,
       JSONExtractInt(row, 'advertiser_id') AS advertiser_id,
       ifNull(debezium_time(row, 'updated_at'), toDateTime64(0, 6, 'UTC')) AS updated_at,
       ifNull(debezium_time(row, 'created_at'), toDateTime64(0, 6, 'UTC')) AS created_at,
       version, is_deleted
FROM adtech_changes
WHERE error = '' AND source_table = 'campaign' AND op IN ('r', 'c', 'u', 'd');

CREATE MATERIALIZED VIEW IF NOT EXISTS fact_impressions_mv TO fact_impressions AS
SELECT JSONExtractInt(row, 'id') AS impression_id,
       JSONExtractInt(row, 'campaign_id') AS campaign_id,
       toDate(adtech_event_time(row)) AS event_date,
       adtech_event_time(row) AS event_time,
       ifNull(debezium_time(row, 'created_at'), adtech_event_time(row)) AS created_at,
       version
FROM adtech_changes
WHERE error = '' AND source_table = 'impressions' AND op IN ('r', 'c', 'u');

CREATE MATERIALIZED VIEW IF NOT EXISTS fact_clicks_mv TO fact_clicks AS
SELECT JSONExtractInt(row, 'id') AS click_id,
       JSONExtractInt(row, 'campaign_id') AS campaign_id,
       toDate(adtech_event_time(row)) AS event_date,
       adtech_event_time(row) AS event_time,
       ifNull(debezium_time(row, 'created_at'), adtech_event_time(row)) AS created_at,
       version
FROM adtech_changes
WHERE error = '' AND source_table = 'clicks' AND op IN ('r', 'c', 'u');

CREATE MATERIALIZED VIEW IF NOT EXISTS fact_deletes_mv TO fact_deletes AS
SELECT source_table AS table_name, JSONExtractInt(row, 'id') AS id, version
FROM adtech_changes
WHERE error = '' AND source_table IN ('impressions', 'clicks') AND op = 'd';

CREATE MATERIALIZED VIEW IF NOT EXISTS adtech_dead_letters_mv TO adtech_dead_letters AS
SELECT message, error
FROM adtech_changes
WHERE error != '';
