-- Rows that exist BEFORE the connectors start: they reach Kafka through the
-- initial snapshot (op "r", source.snapshot = "first"/"true"/"last").
\set ON_ERROR_STOP on

BEGIN;
INSERT INTO advertiser (id, name, country, currency, is_active, created_at) VALUES
    (1, 'Acme Rockets',       'US', 'USD', true,  '2024-01-02 03:04:05.123456+00'),
    (2, 'Café Ünïcødé GmbH',  'DE', 'EUR', false, '2024-02-29 23:59:59+00');

INSERT INTO campaign (id, advertiser_id, name, status, daily_budget, cpm_bid, start_date, end_date, created_at) VALUES
    (11, 1, 'brand "lift"', 'paused', 0.01,         0.0001, '2024-01-01', NULL,         '2024-01-01 00:00:00+00'),
    (12, 2, 'evergreen',    'active', 999999999999.99, 123456.7890, '1999-12-31', '2099-12-31', '2023-12-31 23:59:59.999999+00');

INSERT INTO impressions (id, campaign_id, request_id, user_id, country, device, cost, shown_at) VALUES
    (100, 11, '0b6f6a3e-5d1c-4f5b-9a55-0e6f1d7d0001', 'u-1', 'US', 'mobile',  0.002500, '2024-03-02 12:00:00.000001+00'),
    (102, 12, '0b6f6a3e-5d1c-4f5b-9a55-0e6f1d7d0003', NULL,  NULL, NULL,      123.456789, '2024-03-02 12:00:02+00');

INSERT INTO clicks (id, impression_id, campaign_id, cpc, clicked_at) VALUES
    (1000, 100, 11, 0.3500, '2024-03-02 12:00:05+00'),
    (1001, 102, 12, -0.0100, '2024-03-02 12:00:09+00');   -- negative: refund/adjustment
COMMIT;

BEGIN;
INSERT INTO assignments (id, experiment_id, user_id, variant_id, variant_key, assigned_at) VALUES
    (1, 42, 'user-a', 1, 'control',   '2024-04-01 08:00:00+00'),
    (2, 42, 'user-b', 2, 'treatment', '2024-04-01 08:00:01.5+00'),
    (3, 43, 'user-a', 7, 'blue',      '2024-04-01 08:00:02.123456+00');

INSERT INTO events (id, experiment_id, user_id, variant_id, event_type, value, properties, occurred_at) VALUES
    (1, 42, 'user-a', 1, 'page_view', NULL,  '{"page": "/home", "device": "ios"}', '2024-04-01 08:01:00+00'),
    (2, 42, 'user-b', 2, 'purchase',  19.99, '{"page": "/checkout", "device": "web", "items": [1, 2]}', '2024-04-01 08:02:00+00');

INSERT INTO outbox_events (id, aggregate_type, aggregate_id, event_type, payload, created_at) VALUES
    ('6f0a4c2e-1111-4a5b-8c9d-000000000001', 'assignment', '1', 'exposure',
     e2e_outbox_payload('6f0a4c2e-1111-4a5b-8c9d-000000000001', 42, 'user-a', 1, 'control', 'exposure',
                        '2024-04-01 08:00:30+00', '2024-04-01 08:00:00+00', '/home', 'ios', 0, 0.5, 'sess-1'),
     '2024-04-01 08:00:30+00'),
    ('6f0a4c2e-1111-4a5b-8c9d-000000000002', 'assignment', '2', 'conversion',
     e2e_outbox_payload('6f0a4c2e-1111-4a5b-8c9d-000000000002', 42, 'user-b', 2, 'treatment', 'conversion',
                        '2024-04-01 08:02:00+00', '2024-04-01 08:00:01.5+00', '/checkout', 'web', 19.99, 0.87, 'sess-2'),
     '2024-04-01 08:02:00+00');
COMMIT;

BEGIN;
-- Row 1: ordinary values, big TOASTed text.
INSERT INTO type_zoo VALUES (
    1, 1234.5678, 3.14159265358979323846264338327950288,
    '2024-05-06 07:08:09.123456', '2024-05-06 07:08:09.123456+02', '2024-05-06', '07:08:09.123456',
    '{"a": 1, "b": [true, null, 2.5], "c": {"d": "e"}}', 'a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11',
    true, ARRAY['red', 'green'], 'happy',
    1, 9007199254740993, 0.1, '\xdeadbeef00', '1 day 02:03:04.5',
    e2e_big_text('row1'));
-- Row 2: edge values: negatives, pre-epoch date/time, NaN, escapes, unicode, NULL array element.
-- Short big_text here; the workload later replaces it with a big (TOASTed) value.
INSERT INTO type_zoo VALUES (
    2, -0.0001, -98765432109876543210.123456789012,
    '1969-12-31 23:59:59.999999', '1900-01-01 00:00:00+00', '1969-07-20', '23:59:59.999999',
    '{"quote": "say \"hi\"", "nl": "a\nb", "unicode": "Grüße ✓ 😀", "empty": {}, "arr": []}',
    '00000000-0000-0000-0000-000000000000',
    false, ARRAY['with,comma', 'with "quote"', NULL, ''], 'sad',
    -32768, -9223372036854775808, 'NaN', '\x', '-1 year -2 mons 3 days',
    E'tab\there, newline\nthere, backslash \\ and a NUL-free control \u0001 char');
-- Row 3: everything NULL except the key.
INSERT INTO type_zoo (id) VALUES (3);
-- Row 4: zeros / empties / infinities.
INSERT INTO type_zoo VALUES (
    4, 0, 0, '2000-01-01 00:00:00', '2000-01-01 00:00:00+00', '2000-01-01', '00:00:00',
    '[]', 'ffffffff-ffff-ffff-ffff-ffffffffffff',
    false, '{}', 'ok',
    0, 0, '-Infinity', '\x00', '0', '');
COMMIT;
