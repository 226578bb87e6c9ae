-- campaigns / 02: the rules an event must meet, events, readiness and dead letters.

-- The rules, once, for both ways into email_events: the Kafka path routes a
-- message that breaks one to email_dead_letters with this reason (03, 06);
-- an application that inserts into email_events itself (the seed's direct
-- path) has its INSERT refused by the table's constraint, which calls the
-- same function.  '' when the event can be stored.  The ids must be UUIDs
-- other than the nil UUID (what a missing id becomes in a typed insert), the
-- time must be given (not 1970-01-01 00:00:00, what a missing time becomes).
CREATE OR REPLACE FUNCTION campaign_ref_error AS (campaign_id, workspace_id, event_time) ->
    multiIf(toUUIDOrZero(campaign_id) = toUUIDOrZero(''), concat('campaign_id is not a UUID: ''', campaign_id, ''''),
            toUUIDOrZero(workspace_id) = toUUIDOrZero(''), concat('workspace_id is not a UUID: ''', workspace_id, ''''),
            ifNull(toUnixTimestamp64Milli(event_time), 0) = 0, 'no event_time',
            '');

CREATE OR REPLACE FUNCTION email_event_error AS (campaign_id, workspace_id, email, event_type, event_time) ->
    multiIf(campaign_ref_error(campaign_id, workspace_id, event_time) != '', campaign_ref_error(campaign_id, workspace_id, event_time),
            email = '', 'no email address',
            event_type NOT IN ('delivered', 'open', 'click', 'bounce', 'unsubscribe'), concat('unknown event_type ''', event_type, ''''),
            '');

-- One decoded message of `queue` (Null engine: rows only feed the views on it).
CREATE TABLE IF NOT EXISTS email_events_decoded
(
    message String,
    campaign_id String,
    workspace_id String,
    email String,
    event_type String,
    event_time Nullable(DateTime64(3, 'UTC')),
    metadata String,
    error String                              -- '' when the event can be stored
)
ENGINE = Null;

-- The seed's table, its six columns first and in its order, so that the
-- seed's application inserts into it as it is (the direct path).
-- Stronger than the seed's MergeTree, and why (sql/README.md, seed 003):
--   - ReplacingMergeTree keyed on the event itself (workspace, campaign,
--     type, time, address): a retried webhook or a re-delivered Kafka block
--     collapses (query with FINAL, or SET final = 1, for exact counts before merges);
--   - event_time keeps milliseconds (DateTime64(3, 'UTC'));
--   - partitions by month, not by day (daily partitions make too many parts);
--   - the constraint: the same rules as the Kafka path.
CREATE TABLE IF NOT EXISTS email_events
(
    campaign_id UUID,
    workspace_id UUID,
    email String,
    event_type Enum8('delivered' = 1, 'open' = 2, 'click' = 3, 'bounce' = 4, 'unsubscribe' = 5),
    event_time DateTime64(3, 'UTC'),
    metadata String DEFAULT '',               -- JSON object text
    ingested_at DateTime64(3, 'UTC') DEFAULT now64(3),
    event_date Date MATERIALIZED toDate(event_time),
    url String MATERIALIZED JSONExtractString(metadata, 'url'),
    bounce_type LowCardinality(String) MATERIALIZED JSONExtractString(metadata, 'bounce_type'),
    CONSTRAINT valid_event CHECK email_event_error(toString(campaign_id), toString(workspace_id), email,
                                                   toString(event_type), event_time) = ''
)
ENGINE = ReplacingMergeTree
PARTITION BY toYYYYMM(event_time)
ORDER BY (workspace_id, campaign_id, event_type, event_time, email);

-- One message of audience_ready_queue or template_ready_queue, tagged with
-- its topic, and the same decoded (Null engine: rows only feed the views).
CREATE TABLE IF NOT EXISTS campaign_ready_raw
(
    message String,
    stage String                              -- 'audience_ready' or 'template_ready': the topic
)
ENGINE = Null;

CREATE TABLE IF NOT EXISTS campaign_ready_decoded
(
    message String,
    stage String,                             -- 'audience_ready' or 'template_ready': the topic
    campaign_id String,
    workspace_id String,
    event_time Nullable(DateTime64(3, 'UTC')),
    metadata String,
    error String
)
ENGINE = Null;

-- A campaign's audience or template became ready (once per campaign, stage
-- and time: a re-delivery collapses).
CREATE TABLE IF NOT EXISTS campaign_ready_events
(
    campaign_id UUID,
    workspace_id UUID,
    stage Enum8('audience_ready' = 1, 'template_ready' = 2),
    event_time DateTime64(3, 'UTC'),
    metadata String DEFAULT '',
    ingested_at DateTime64(3, 'UTC') DEFAULT now64(3),
    CONSTRAINT valid_ref CHECK campaign_ref_error(toString(campaign_id), toString(workspace_id), event_time) = ''
)
ENGINE = ReplacingMergeTree
ORDER BY (workspace_id, campaign_id, stage, event_time);

-- The same shape in every pipeline (sql/README.md, "Dead letters").
CREATE TABLE IF NOT EXISTS email_dead_letters
(
    message String,
    error String,
    received_at DateTime64(3, 'UTC') DEFAULT now64(3)
)
ENGINE = ReplacingMergeTree
ORDER BY cityHash64(message)
TTL toDateTime(received_at) + INTERVAL 30 DAY;
