-- Schema for the real end-to-end CDC stack (tests/e2e/stack.sh).
-- Loaded before the Debezium connectors start. Every table but profiles and
-- accounts keeps REPLICA IDENTITY DEFAULT (primary key only), so:
--   * UPDATE events carry no "before" image,
--   * DELETE events carry a "before" with only the key columns set,
--   * an UPDATE that does not touch an out-of-line TOASTed value carries the
--     placeholder "__debezium_unavailable_value" for that column.
-- Timestamps are explicit literals wherever possible so regenerated fixtures
-- differ only in LSNs / txIds / ts_ms.
\set ON_ERROR_STOP on
SET client_min_messages = warning;

-- ============================================================== experiments
CREATE TABLE assignments (
    id             bigint      PRIMARY KEY,
    experiment_id  bigint      NOT NULL,
    user_id        text        NOT NULL,
    variant_id     bigint      NOT NULL,
    variant_key    text        NOT NULL,
    assigned_at    timestamptz NOT NULL
);

CREATE TABLE events (
    id             bigint           PRIMARY KEY,
    experiment_id  bigint           NOT NULL,
    user_id        text             NOT NULL,
    variant_id     bigint,
    event_type     text             NOT NULL,
    value          double precision,
    properties     jsonb,
    occurred_at    timestamptz      NOT NULL
);

-- Transactional outbox. payload is JSON *text* (not jsonb), so in Kafka it is a
-- JSON string inside the Debezium JSON (double-encoded), like most real outboxes.
-- payload = {"id","experiment_id","user_id","variant_id","variant_key","event_type",
--            "timestamp","assignment_at","properties":{"page","device","value","score"},
--            "session_id"}
CREATE TABLE outbox_events (
    id              uuid        PRIMARY KEY,
    aggregate_type  text        NOT NULL,
    aggregate_id    text        NOT NULL,
    event_type      text        NOT NULL,
    payload         text        NOT NULL,
    created_at      timestamptz NOT NULL
);

-- Reference data of the experiments (seed 002): read by ClickHouse's
-- dictionaries experiments_dict, variants_dict and users_dict
-- (sql/experiments/05_dictionaries.sql) through the named collection
-- experiments_pg; test_e2e_dictionaries fills them.
CREATE TABLE experiments (
    id      bigint PRIMARY KEY,
    name    text   NOT NULL,
    status  text   NOT NULL
);

CREATE TABLE variants (
    id             bigint           PRIMARY KEY,
    experiment_id  bigint           NOT NULL REFERENCES experiments (id),
    key            text             NOT NULL,
    name           text             NOT NULL,
    traffic_share  double precision NOT NULL   -- the intended share of the experiment's users, 0..1
);

CREATE TABLE users (
    id       text PRIMARY KEY,
    name     text NOT NULL,
    country  text
);

-- ============================================================== adtech
-- Seed 004's source columns (advertiser: id, name, updated_at, created_at;
-- campaign: id, name, bid, budget, start_date, end_date, advertiser_id,
-- updated_at, created_at; impressions / clicks: id, campaign_id, created_at
-- = the event time), with the richer columns sql/adtech also reads.  The
-- seed's columns the older rows do not set take their defaults; facts
-- without created_at fall back to shown_at / clicked_at.
CREATE TABLE advertiser (
    id          bigint      PRIMARY KEY,
    name        text        NOT NULL,
    country     char(2)     NOT NULL,
    currency    char(3)     NOT NULL DEFAULT 'USD',
    is_active   boolean     NOT NULL DEFAULT true,
    created_at  timestamptz NOT NULL,
    updated_at  timestamptz NOT NULL DEFAULT '2024-01-01 00:00:00+00'
);

CREATE TABLE campaign (
    id             bigint         PRIMARY KEY,
    advertiser_id  bigint         NOT NULL REFERENCES advertiser (id),
    name           text           NOT NULL,
    status         text           NOT NULL,
    daily_budget   numeric(14, 2) NOT NULL,   -- money
    cpm_bid        numeric(10, 4) NOT NULL,   -- money per mille
    start_date     date           NOT NULL,
    end_date       date,
    created_at     timestamptz    NOT NULL,
    bid            numeric(10, 2) NOT NULL DEFAULT 0,   -- seed 004: bid per impression
    budget         numeric(12, 2) NOT NULL DEFAULT 0,   -- seed 004
    updated_at     timestamptz    NOT NULL DEFAULT '2024-01-01 00:00:00+00'
);

CREATE TABLE impressions (
    id           bigint         PRIMARY KEY,
    campaign_id  bigint         NOT NULL REFERENCES campaign (id),
    request_id   uuid           NOT NULL,
    user_id      text,
    country      char(2),
    device       text,
    cost         numeric(12, 6) NOT NULL,     -- money: price of this impression
    shown_at     timestamptz    NOT NULL,
    created_at   timestamptz                  -- seed 004: the event time
);

CREATE TABLE clicks (
    id             bigint         PRIMARY KEY,
    impression_id  bigint         NOT NULL REFERENCES impressions (id),
    campaign_id    bigint         NOT NULL REFERENCES campaign (id),
    cpc            numeric(10, 4) NOT NULL,   -- money: cost per click
    clicked_at     timestamptz    NOT NULL,
    created_at     timestamptz                -- seed 004: the event time
);

-- ============================================================== orders (seed 001)
-- The Debezium tutorial's inventory database as seed 001 uses it: orders,
-- and products with the price and stock its dashboard and inventory queries
-- read.  Only connector dbz reads schema inventory, and only
-- workload_e2e.sql writes it (the captured fixtures do not change).
CREATE SCHEMA inventory;

CREATE TABLE inventory.products (
    id           integer          PRIMARY KEY,
    name         text             NOT NULL,
    description  text,
    weight       double precision,
    price        numeric(10, 2)   NOT NULL,
    stock        integer          NOT NULL
);

CREATE TABLE inventory.orders (
    id          integer PRIMARY KEY,
    order_date  date    NOT NULL,
    purchaser   integer NOT NULL,
    quantity    integer NOT NULL,
    product_id  integer NOT NULL REFERENCES inventory.products (id)
);

-- ============================================================== awkward types
CREATE TYPE mood AS ENUM ('sad', 'ok', 'happy');

CREATE TABLE type_zoo (
    id          integer          PRIMARY KEY,
    num_fixed   numeric(12, 4),              -- Decimal (scale 4) -> base64 bytes
    num_free    numeric,                     -- VariableScaleDecimal {"scale","value"}
    ts          timestamp,                   -- MicroTimestamp (µs since epoch, no zone)
    ts_tz       timestamptz,                 -- ZonedTimestamp (ISO-8601 string, UTC)
    d           date,                        -- Date (days since epoch)
    t           time,                        -- MicroTime (µs since midnight)
    doc         jsonb,                       -- io.debezium.data.Json (JSON text in a string)
    uid         uuid,                        -- io.debezium.data.Uuid (string)
    flag        boolean,
    tags        text[],                      -- JSON array of strings
    mood        mood,                        -- io.debezium.data.Enum (string)
    small       smallint,
    big         bigint,
    dbl         double precision,            -- incl. NaN / Infinity
    bytes       bytea,                       -- base64 string
    span        interval,                    -- MicroDuration (µs)
    big_text    text                         -- > 8 kB, stored out of line (TOAST)
);
-- EXTERNAL = out-of-line TOAST without compression: the big value is guaranteed to
-- live in the TOAST table, so an UPDATE that does not touch it makes pgoutput send
-- "unchanged toast" and Debezium emit __debezium_unavailable_value.
ALTER TABLE type_zoo ALTER COLUMN big_text SET STORAGE EXTERNAL;

-- ============================================================== SMT parity (issue 11)
-- Read by the connectors of tests/e2e/connectors/smt*.properties (the real
-- Debezium SMTs) and, like every table, by dbz and dbzplain (the raw change
-- events our functions get).  Written only by seed_smt.sql and workload_smt.sql.

-- Debezium's default outbox columns (EventRouter's defaults: id, aggregatetype,
-- aggregateid, type, payload), plus columns for table.fields.additional.placement
-- (tenant, version, shard: header / envelope / partition) and
-- table.field.event.timestamp (occurred_at: a timestamp without zone, i.e.
-- Debezium's MicroTimestamp).  payload is jsonb and may be NULL.
CREATE TABLE outbox (
    id             uuid      PRIMARY KEY,
    aggregatetype  text      NOT NULL,
    aggregateid    text      NOT NULL,
    type           text      NOT NULL,
    payload        jsonb,
    tenant         text,
    version        integer,
    shard          integer,
    occurred_at    timestamp
);

-- The same columns with a text payload: the text is handed over as written
-- (non-JSON, empty, blank, leading blanks, JSON with trailing text), and
-- aggregateid may be NULL (a record without a key).
CREATE TABLE outbox_text (
    id             uuid      PRIMARY KEY,
    aggregatetype  text      NOT NULL,
    aggregateid    text,
    type           text      NOT NULL,
    payload        text,
    tenant         text,
    version        integer,
    shard          integer,
    occurred_at    timestamp
);

-- REPLICA IDENTITY FULL: updates and deletes carry the whole "before" row
-- (ExtractChangedRecordState compares it with "after").  bio is stored out of
-- line, so an update that leaves it alone sends Debezium's TOAST placeholder
-- in "after".
CREATE TABLE profiles (
    id        integer        PRIMARY KEY,
    email     text           NOT NULL,
    name      text,
    score     numeric(10, 2),
    visits    bigint,
    tags      text[],
    avatar    bytea,
    settings  jsonb,
    seen_at   timestamptz,
    bio       text
);
ALTER TABLE profiles ALTER COLUMN bio SET STORAGE EXTERNAL;

-- REPLICA IDENTITY USING INDEX on login: Debezium takes an update that changes
-- login for a key change (a delete of the key {"id":0} built from the old login
-- alone, with its tombstone, then a create); other updates carry no "before" and
-- an untouched out-of-line notes as Debezium's TOAST placeholder (with FULL,
-- Debezium fills the placeholder from the old row, so profiles never shows it).
CREATE TABLE accounts (
    id     integer PRIMARY KEY,
    login  text    NOT NULL,
    plan   text,
    notes  text
);
CREATE UNIQUE INDEX accounts_login_key ON accounts (login);
ALTER TABLE accounts ALTER COLUMN notes SET STORAGE EXTERNAL;

-- Written last by the workload: capture.sh waits for it on both connectors, so
-- every earlier change is known to have reached Kafka. Not kept as a fixture.
CREATE TABLE e2e_marker (
    id     integer PRIMARY KEY,
    token  text    NOT NULL
);

ALTER TABLE assignments   REPLICA IDENTITY DEFAULT;
ALTER TABLE events        REPLICA IDENTITY DEFAULT;
ALTER TABLE outbox_events REPLICA IDENTITY DEFAULT;
ALTER TABLE advertiser    REPLICA IDENTITY DEFAULT;
ALTER TABLE campaign      REPLICA IDENTITY DEFAULT;
ALTER TABLE impressions   REPLICA IDENTITY DEFAULT;
ALTER TABLE clicks        REPLICA IDENTITY DEFAULT;
ALTER TABLE type_zoo      REPLICA IDENTITY DEFAULT;
ALTER TABLE inventory.products REPLICA IDENTITY DEFAULT;
ALTER TABLE inventory.orders   REPLICA IDENTITY DEFAULT;
ALTER TABLE e2e_marker    REPLICA IDENTITY DEFAULT;
ALTER TABLE outbox        REPLICA IDENTITY DEFAULT;
ALTER TABLE outbox_text   REPLICA IDENTITY DEFAULT;
ALTER TABLE profiles      REPLICA IDENTITY FULL;
ALTER TABLE accounts      REPLICA IDENTITY USING INDEX accounts_login_key;

-- Deterministic ~8.2 kB incompressible-looking text (257 md5 hex digests).
CREATE FUNCTION e2e_big_text(seed text) RETURNS text LANGUAGE sql IMMUTABLE AS $$
    SELECT string_agg(md5(seed || i::text), '' ORDER BY i) FROM generate_series(1, 257) AS i
$$;

-- 2.4 kB of the same: over the ~2 kB TOAST threshold, so a column with STORAGE
-- EXTERNAL keeps it out of line (profiles.bio, accounts.notes).
CREATE FUNCTION e2e_mid_text(seed text) RETURNS text LANGUAGE sql IMMUTABLE AS $$
    SELECT left(e2e_big_text(seed), 2400)
$$;

-- Outbox payload builder (JSON text, keys in a stable order).
CREATE FUNCTION e2e_outbox_payload(
    p_id uuid, p_experiment_id bigint, p_user_id text, p_variant_id bigint, p_variant_key text,
    p_event_type text, p_ts timestamptz, p_assignment_at timestamptz,
    p_page text, p_device text, p_value numeric, p_score double precision, p_session_id text
) RETURNS text LANGUAGE sql IMMUTABLE AS $$
    SELECT json_build_object(
        'id', p_id,
        'experiment_id', p_experiment_id,
        'user_id', p_user_id,
        'variant_id', p_variant_id,
        'variant_key', p_variant_key,
        'event_type', p_event_type,
        'timestamp', to_char(p_ts AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"'),
        'assignment_at', to_char(p_assignment_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"'),
        'properties', json_build_object('page', p_page, 'device', p_device, 'value', p_value, 'score', p_score),
        'session_id', p_session_id
    )::text
$$;
