-- adtech / 03: dimensions, facts, dead letters.
--
-- Every table is idempotent: a re-delivered block writes the same (id,
-- version) again and ReplacingMergeTree keeps one.  Query with FINAL, or
-- through the *_live views and KPI views (05), which do.

-- One decoded change of any of the four tables (Null engine: rows only feed
-- the views on it).  `row` is the row image: after, or before for a delete.
CREATE TABLE IF NOT EXISTS adtech_changes
(
    message String,
    source_table LowCardinality(String),
    op LowCardinality(String),
    row String,
    version UInt64,                           -- source.lsn
    is_deleted UInt8,
    error String                              -- '' when the change can be applied, or for a tombstone
)
ENGINE = Null;

-- Dimensions: one row per id under FINAL; a delete (highest version,
-- is_deleted = 1) removes it.
CREATE TABLE IF NOT EXISTS advertiser_dim
(
    id Int64,
    name String,
    country LowCardinality(String),
    currency LowCardinality(String),
    is_active Bool,
    created_at DateTime64(6, 'UTC'),
    version UInt64,
    is_deleted UInt8
)
ENGINE = ReplacingMergeTree(version, is_deleted)
ORDER BY id;

CREATE TABLE IF NOT EXISTS campaign_dim
(
    id Int64,
    advertiser_id Int64,
    name String,
    status LowCardinality(String),
    daily_budget Decimal(14, 2),
    cpm_bid Decimal(10, 4),
    start_date Date32,
    end_date Nullable(Date32),
    created_at DateTime64(6, 'UTC'),
    version UInt64,
    is_deleted UInt8
)
ENGINE = ReplacingMergeTree(version, is_deleted)
ORDER BY id;

-- Facts, partitioned by month.  Updates (a corrected cost) replace the row:
-- same partition and key, higher version.  A delete's row image holds only
-- the id (REPLICA IDENTITY DEFAULT: every other column at its default), so
-- it cannot find the row's month partition: deletes go to fact_deletes
-- instead, and the *_live views leave those ids out.  Assumed, as in any ad
-- server: a fact's campaign and month never change.
CREATE TABLE IF NOT EXISTS impressions_fact
(
    id Int64,
    campaign_id Int64,
    request_id UUID,
    user_id Nullable(String),
    country LowCardinality(Nullable(String)),
    device LowCardinality(Nullable(String)),
    cost Decimal(12, 6),
    shown_at DateTime64(6, 'UTC'),
    version UInt64
)
ENGINE = ReplacingMergeTree(version)
PARTITION BY toYYYYMM(shown_at)
ORDER BY (campaign_id, id);

CREATE TABLE IF NOT EXISTS clicks_fact
(
    id Int64,
    impression_id Int64,
    campaign_id Int64,
    cpc Decimal(10, 4),
    clicked_at DateTime64(6, 'UTC'),
    version UInt64
)
ENGINE = ReplacingMergeTree(version)
PARTITION BY toYYYYMM(clicked_at)
ORDER BY (campaign_id, id);

CREATE TABLE IF NOT EXISTS fact_deletes
(
    table_name LowCardinality(String),        -- 'impressions' or 'clicks'
    id Int64,
    version UInt64
)
ENGINE = ReplacingMergeTree(version)
ORDER BY (table_name, id);

CREATE TABLE IF NOT EXISTS adtech_dead_letters
(
    message String,
    error String,
    received_at DateTime64(3, 'UTC') DEFAULT now64(3)
)
ENGINE = ReplacingMergeTree
ORDER BY cityHash64(message)
TTL toDateTime(received_at) + INTERVAL 30 DAY;

-- The seed's dimensional model (seed 004, "AdTech Data Pipeline"), with its
-- names and columns: dim_advertiser, dim_campaign, fact_impressions,
-- fact_clicks.  Its KPI objects (mv_*) are in 05.  Fed from the same
-- changes as the tables above, with the same guarantees: version = LSN, a
-- delete removes a dimension row, fact deletes go to fact_deletes.  Read
-- with FINAL, or through the mv_* views.
CREATE TABLE IF NOT EXISTS dim_advertiser
(
    advertiser_id Int64,
    name String,
    updated_at DateTime64(6, 'UTC'),
    created_at DateTime64(6, 'UTC'),
    version UInt64,
    is_deleted UInt8
)
ENGINE = ReplacingMergeTree(version, is_deleted)
ORDER BY advertiser_id;

CREATE TABLE IF NOT EXISTS dim_campaign
(
    campaign_id Int64,
    name String,
    bid Decimal(18, 2),                       -- numeric(p, 2): bid per impression
    budget Decimal(18, 2),
    start_date Date32,
    end_date Nullable(Date32),
    advertiser_id Int64,
    updated_at DateTime64(6, 'UTC'),
    created_at DateTime64(6, 'UTC'),
    version UInt64,
    is_deleted UInt8
)
ENGINE = ReplacingMergeTree(version, is_deleted)
ORDER BY campaign_id;

CREATE TABLE IF NOT EXISTS fact_impressions
(
    impression_id Int64,
    campaign_id Int64,
    event_date Date,
    event_time DateTime64(6, 'UTC'),
    created_at DateTime64(6, 'UTC'),
    version UInt64
)
ENGINE = ReplacingMergeTree(version)
PARTITION BY toYYYYMM(event_date)
ORDER BY (campaign_id, impression_id);

CREATE TABLE IF NOT EXISTS fact_clicks
(
    click_id Int64,
    campaign_id Int64,
    event_date Date,
    event_time DateTime64(6, 'UTC'),
    created_at DateTime64(6, 'UTC'),
    version UInt64
)
ENGINE = ReplacingMergeTree(version)
PARTITION BY toYYYYMM(event_date)
ORDER BY (campaign_id, click_id);
