-- Changes made while both connectors are streaming (run by capture.sh after
-- `stack.sh up` reported streaming). Several transactions, each a distinct shape.
-- Needs psql variable marker_token (capture.sh passes -v marker_token=...).
\set ON_ERROR_STOP on

-- T1: inserts across tables in one transaction (op "c"), outbox with JSON text payload.
BEGIN;
INSERT INTO assignments (id, experiment_id, user_id, variant_id, variant_key, assigned_at) VALUES
    (4, 42, 'user-c', 2, 'treatment', '2024-04-02 09:00:00+00'),
    (5, 44, 'user-ü "quoted"', 9, 'v\backslash', '2024-04-02 09:00:00.000001+00');
INSERT INTO events (id, experiment_id, user_id, variant_id, event_type, value, properties, occurred_at) VALUES
    (3, 42, 'user-c', 2, 'click', 1.5e-7, '{"page": "/pricing", "device": "android", "nested": {"x": [1, {"y": null}]}}', '2024-04-02 09:00:05+00');
INSERT INTO outbox_events (id, aggregate_type, aggregate_id, event_type, payload, created_at) VALUES
    ('6f0a4c2e-1111-4a5b-8c9d-000000000003', 'assignment', '4', 'exposure',
     e2e_outbox_payload('6f0a4c2e-1111-4a5b-8c9d-000000000003', 42, 'user-c', 2, 'treatment', 'exposure',
                        '2024-04-02 09:00:05+00', '2024-04-02 09:00:00+00', '/pricing', 'android', 12.5, 0.25, 'sess-3'),
     '2024-04-02 09:00:05+00'),
    ('6f0a4c2e-1111-4a5b-8c9d-000000000004', 'assignment', '5', 'exposure',
     -- payload with nulls and unicode/escapes inside the JSON text
     e2e_outbox_payload('6f0a4c2e-1111-4a5b-8c9d-000000000004', 44, 'user-ü "quoted"', 9, 'v\backslash', 'exposure',
                        '2024-04-02 09:00:06+00', '2024-04-02 09:00:00.000001+00', NULL, 'tv', NULL, -1.0, NULL),
     '2024-04-02 09:00:06+00');
INSERT INTO impressions (id, campaign_id, request_id, user_id, country, device, cost, shown_at) VALUES
    (103, 11, '0b6f6a3e-5d1c-4f5b-9a55-0e6f1d7d0004', 'u-3', 'FR', 'tablet', 0.000001, '2024-04-02 09:01:00+00');
INSERT INTO clicks (id, impression_id, campaign_id, cpc, clicked_at) VALUES
    (1002, 103, 11, 1.2345, '2024-04-02 09:01:03+00');
COMMIT;

-- T2: updates (op "u"; REPLICA IDENTITY DEFAULT => "before" is null).
BEGIN;
UPDATE assignments SET variant_id = 1, variant_key = 'control' WHERE id = 4;
UPDATE campaign SET status = 'active', daily_budget = daily_budget + 250.75, cpm_bid = 3.1416 WHERE id = 11;
UPDATE advertiser SET is_active = true WHERE id = 2;
-- big_text is NOT touched: it stays in the TOAST table and arrives as
-- "__debezium_unavailable_value".
UPDATE type_zoo SET num_fixed = 42.0001, flag = NOT flag, tags = tags || ARRAY['blue'] WHERE id = 1;
COMMIT;

-- T3: update that writes a new big (TOASTed) value: the full value is in "after".
-- Single-statement autocommit transaction.
UPDATE type_zoo SET big_text = e2e_big_text('row2-v2'), mood = 'ok', doc = doc || '{"updated": true}' WHERE id = 2;

-- T4: insert a fresh awkward row while streaming.
BEGIN;
INSERT INTO type_zoo VALUES (
    5, 99999999.9999, 1e-20, '2038-01-19 03:14:08', '2262-04-11 23:47:16.854775+00', '9999-12-31', '12:00:00',
    '{"k": 1e100}', '123e4567-e89b-12d3-a456-426614174000',
    true, ARRAY['x'], 'happy', 32767, 9223372036854775807, 'Infinity', '\x0102ff', '1 mon 2 days 00:00:00.000001',
    'short text, stored inline');
COMMIT;

-- T5: deletes (op "d" + tombstone; "before" holds the key columns only).
BEGIN;
DELETE FROM clicks WHERE id = 1001;
DELETE FROM outbox_events WHERE id = '6f0a4c2e-1111-4a5b-8c9d-000000000001';
DELETE FROM type_zoo WHERE id = 3;
COMMIT;

-- T6: outbox pattern as usually implemented: insert and delete in the same transaction.
BEGIN;
INSERT INTO outbox_events (id, aggregate_type, aggregate_id, event_type, payload, created_at) VALUES
    ('6f0a4c2e-1111-4a5b-8c9d-000000000005', 'assignment', '3', 'exposure',
     e2e_outbox_payload('6f0a4c2e-1111-4a5b-8c9d-000000000005', 43, 'user-a', 7, 'blue', 'exposure',
                        '2024-04-03 10:00:00+00', '2024-04-01 08:00:02.123456+00', '/', 'web', 3, 1e-3, 'sess-5'),
     '2024-04-03 10:00:00+00');
DELETE FROM outbox_events WHERE id = '6f0a4c2e-1111-4a5b-8c9d-000000000005';
COMMIT;

-- T7: primary-key change: Debezium emits a delete (+ tombstone) for the old key and a
-- create for the new key, with __debezium.newkey / __debezium.oldkey headers.
UPDATE assignments SET id = 30 WHERE id = 3;

-- T8: schema change mid-stream: later events carry the new column.
ALTER TABLE events ADD COLUMN session_id text;
INSERT INTO events (id, experiment_id, user_id, variant_id, event_type, value, properties, occurred_at, session_id) VALUES
    (4, 42, 'user-a', 1, 'purchase', 42, '{"page": "/checkout", "device": "ios"}', '2024-04-03 11:00:00+00', 'sess-9');

-- T9: a larger transaction on the hot tables (many rows, fixtures keep a few).
BEGIN;
INSERT INTO impressions (id, campaign_id, request_id, user_id, country, device, cost, shown_at)
SELECT 200 + i, 12, md5('imp' || i)::uuid, 'u-' || i, 'US', CASE WHEN i % 2 = 0 THEN 'mobile' ELSE 'desktop' END,
       round(0.001 * i, 6), timestamptz '2024-04-04 00:00:00+00' + i * interval '1 second'
FROM generate_series(1, 20) AS i;
INSERT INTO events (id, experiment_id, user_id, variant_id, event_type, value, properties, occurred_at, session_id)
SELECT 100 + i, 42, 'user-' || i, 1 + i % 2, 'page_view', NULL, jsonb_build_object('page', '/p/' || i, 'device', 'web'),
       timestamptz '2024-04-04 00:00:00+00' + i * interval '1 second', 'sess-' || i
FROM generate_series(1, 20) AS i;
COMMIT;

-- T10: truncate (op "t" on dbzplain only; the default connector skips truncates).
TRUNCATE clicks;

-- Last: the marker capture.sh waits for on both connectors.
INSERT INTO e2e_marker (id, token) VALUES (1, :'marker_token');
