-- e2e test only: more changes after workload.sql (which the fixtures also use), so the
-- experiment report and the ad-tech KPIs have real numbers to agree on.  Run by
-- test_e2e_pipeline after the poison messages, so it also shows that consumption goes
-- on after them.  Several transactions; deterministic (no now(), no random()).
-- Needs psql variable final_token: the last statement writes it to e2e_marker.
\set ON_ERROR_STOP on

-- ================================================================= experiments
-- Experiment 100: control (1) / treatment (2), users p-001..p-120.
-- Experiment 101: control (3) / blue (4) / green (5), users q-01..q-60.
-- Every change below reaches ClickHouse as an outbox event (JSON text in `payload`).

-- E1: assignments, and their outbox events (event_type 'assignment').
BEGIN;
INSERT INTO assignments (id, experiment_id, user_id, variant_id, variant_key, assigned_at)
SELECT 1000 + i, 100, 'p-' || lpad(i::text, 3, '0'),
       CASE WHEN i % 2 = 0 THEN 1 ELSE 2 END, CASE WHEN i % 2 = 0 THEN 'control' ELSE 'treatment' END,
       timestamptz '2024-06-01 00:00:00+00' + i * interval '17 minutes'
FROM generate_series(1, 120) AS i;
INSERT INTO assignments (id, experiment_id, user_id, variant_id, variant_key, assigned_at)
SELECT 2000 + i, 101, 'q-' || lpad(i::text, 2, '0'),
       3 + i % 3, (ARRAY['control', 'blue', 'green'])[1 + i % 3],
       timestamptz '2024-06-01 06:00:00+00' + i * interval '23 minutes'
FROM generate_series(1, 60) AS i;
INSERT INTO outbox_events (id, aggregate_type, aggregate_id, event_type, payload, created_at)
SELECT md5('e2e-assignment-' || a.id)::uuid, 'assignment', a.id::text, 'assignment',
       e2e_outbox_payload(md5('e2e-assignment-' || a.id)::uuid, a.experiment_id, a.user_id, a.variant_id,
                          a.variant_key, 'assignment', a.assigned_at, NULL, '/', 'web', NULL, NULL,
                          'sess-' || a.id),
       a.assigned_at
FROM assignments AS a
WHERE a.experiment_id IN (100, 101);
COMMIT;

-- E2: exposures 5 minutes after the assignment; every 15th user also has one 10 minutes
-- BEFORE the assignment (a stale client: is_valid = 0, left out of every statistic).
BEGIN;
INSERT INTO outbox_events (id, aggregate_type, aggregate_id, event_type, payload, created_at)
SELECT md5('e2e-exposure-' || a.id)::uuid, 'assignment', a.id::text, 'exposure',
       e2e_outbox_payload(md5('e2e-exposure-' || a.id)::uuid, a.experiment_id, a.user_id, a.variant_id,
                          a.variant_key, 'exposure', a.assigned_at + interval '5 minutes', a.assigned_at,
                          '/landing', (ARRAY['ios', 'android', 'web'])[1 + a.id % 3], NULL, (a.id % 4) * 0.25,
                          'sess-' || a.id),
       a.assigned_at + interval '5 minutes'
FROM assignments AS a
WHERE a.experiment_id IN (100, 101);
INSERT INTO outbox_events (id, aggregate_type, aggregate_id, event_type, payload, created_at)
SELECT md5('e2e-early-' || a.id)::uuid, 'assignment', a.id::text, 'exposure',
       e2e_outbox_payload(md5('e2e-early-' || a.id)::uuid, a.experiment_id, a.user_id, a.variant_id,
                          a.variant_key, 'exposure', a.assigned_at - interval '10 minutes', a.assigned_at,
                          '/landing', 'web', NULL, 0, 'sess-' || a.id),
       a.assigned_at - interval '10 minutes'
FROM assignments AS a
WHERE a.experiment_id IN (100, 101) AND a.id % 15 = 0;
COMMIT;

-- E3: clicks 12 minutes after the assignment (more in the treatment and in blue).
BEGIN;
INSERT INTO outbox_events (id, aggregate_type, aggregate_id, event_type, payload, created_at)
SELECT md5('e2e-click-' || a.id)::uuid, 'assignment', a.id::text, 'click',
       e2e_outbox_payload(md5('e2e-click-' || a.id)::uuid, a.experiment_id, a.user_id, a.variant_id,
                          a.variant_key, 'click', a.assigned_at + interval '12 minutes', a.assigned_at,
                          '/pricing', (ARRAY['ios', 'android', 'web'])[1 + a.id % 3], NULL, 0.5,
                          'sess-' || a.id),
       a.assigned_at + interval '12 minutes'
FROM assignments AS a
WHERE a.experiment_id IN (100, 101)
  AND ((a.variant_key = 'treatment' AND a.id % 3 != 0)
    OR (a.variant_key = 'control' AND a.id % 4 = 0)
    OR (a.variant_key = 'blue' AND a.id % 2 = 0)
    OR (a.variant_key = 'green' AND a.id % 5 = 0));
COMMIT;

-- E4: conversions 30 minutes after the assignment, with a value (multiples of 0.5: exact
-- in binary floating point too); every 25th user of experiment 100 also converts an
-- hour BEFORE the assignment (invalid).
BEGIN;
INSERT INTO outbox_events (id, aggregate_type, aggregate_id, event_type, payload, created_at)
SELECT md5('e2e-conversion-' || a.id)::uuid, 'assignment', a.id::text, 'conversion',
       e2e_outbox_payload(md5('e2e-conversion-' || a.id)::uuid, a.experiment_id, a.user_id, a.variant_id,
                          a.variant_key, 'conversion', a.assigned_at + interval '30 minutes', a.assigned_at,
                          '/checkout', (ARRAY['ios', 'android', 'web'])[1 + a.id % 3],
                          ((a.id % 7) + 1) * 2.5, 1, 'sess-' || a.id),
       a.assigned_at + interval '30 minutes'
FROM assignments AS a
WHERE a.experiment_id IN (100, 101)
  AND ((a.variant_key = 'treatment' AND a.id % 5 IN (1, 3))
    OR (a.variant_key = 'control' AND a.id % 10 = 0)
    OR (a.experiment_id = 101 AND a.id % 4 = 0));
INSERT INTO outbox_events (id, aggregate_type, aggregate_id, event_type, payload, created_at)
SELECT md5('e2e-early-conversion-' || a.id)::uuid, 'assignment', a.id::text, 'conversion',
       e2e_outbox_payload(md5('e2e-early-conversion-' || a.id)::uuid, a.experiment_id, a.user_id, a.variant_id,
                          a.variant_key, 'conversion', a.assigned_at - interval '1 hour', a.assigned_at,
                          '/checkout', 'web', 99.5, 1, 'sess-' || a.id),
       a.assigned_at - interval '1 hour'
FROM assignments AS a
WHERE a.experiment_id = 100 AND a.id % 25 = 0;
COMMIT;

-- E5: the outbox clean-up: published rows deleted (op "d" + tombstone).  It retracts
-- nothing: the events stay counted.
BEGIN;
DELETE FROM outbox_events
WHERE event_type IN ('assignment', 'exposure') AND created_at < timestamptz '2024-06-01 18:00:00+00';
COMMIT;

-- E6: an exposure of a user without an assignment (assignment_at null: valid).
INSERT INTO outbox_events (id, aggregate_type, aggregate_id, event_type, payload, created_at) VALUES
    (md5('e2e-orphan')::uuid, 'assignment', '0', 'exposure',
     e2e_outbox_payload(md5('e2e-orphan')::uuid, 100, 'p-999', 2, 'treatment', 'exposure',
                        '2024-06-02 12:00:00+00', NULL, '/landing', 'tv', NULL, 0.75, NULL),
     '2024-06-02 12:00:00+00');

-- ================================================================= ad tech
-- A1: a new advertiser with campaigns; a draft campaign and an advertiser that will be deleted.
BEGIN;
INSERT INTO advertiser (id, name, country, currency, is_active, created_at) VALUES
    (3, 'Northwind Traders', 'GB', 'GBP', true, '2024-05-01 10:00:00+00'),
    (4, 'Short-lived Ltd',   'FR', 'EUR', true, '2024-05-01 11:00:00+00');
INSERT INTO campaign (id, advertiser_id, name, status, daily_budget, cpm_bid, start_date, end_date, created_at,
                      bid, budget, updated_at) VALUES
    (13, 3, 'spring sale', 'active', 1500.00, 2.5000, '2024-05-01', '2024-06-30', '2024-05-01 10:05:00+00',
     0.25, 45000.00, '2024-05-01 10:05:00+00'),
    (14, 3, 'retargeting', 'active',  300.50, 4.1250, '2024-05-02', NULL,         '2024-05-02 09:00:00+00',
     1.10, 9000.50, '2024-05-02 09:00:00+00'),
    (15, 1, 'draft',       'draft',    10.00, 1.0000, '2024-05-03', NULL,         '2024-05-03 00:00:00+00',
     0.01, 10.00, '2024-05-03 00:00:00+00');
COMMIT;

-- A2: 200 impressions over three days, on four campaigns (created_at, seed 004's
-- event time, an hour after shown_at: a few land on the next day).
BEGIN;
INSERT INTO impressions (id, campaign_id, request_id, user_id, country, device, cost, shown_at, created_at)
SELECT 300 + i, (ARRAY[11, 12, 13, 14])[1 + i % 4], md5('e2e-imp-' || i)::uuid,
       CASE WHEN i % 9 = 0 THEN NULL ELSE 'v-' || (i % 37) END,
       (ARRAY['US', 'DE', 'GB', 'FR'])[1 + i % 4],
       (ARRAY['mobile', 'desktop', 'tv'])[1 + i % 3],
       round(0.0005 + (i % 13) * 0.000137, 6),
       timestamptz '2024-05-10 00:00:00+00' + i * interval '21 minutes',
       timestamptz '2024-05-10 01:00:00+00' + i * interval '21 minutes'
FROM generate_series(1, 200) AS i;
COMMIT;

-- A3: a click on every 5th impression.
BEGIN;
INSERT INTO clicks (id, impression_id, campaign_id, cpc, clicked_at, created_at)
SELECT 2000 + (id - 300) / 5, id, campaign_id, round(0.05 + (((id - 300) / 5) % 11) * 0.0125, 4),
       shown_at + (30 + (id - 300) % 50) * interval '1 second',
       created_at + (30 + (id - 300) % 50) * interval '1 second'
FROM impressions
WHERE id BETWEEN 301 AND 500 AND (id - 300) % 5 = 0;
COMMIT;

-- A4: dimension updates and cost corrections.
BEGIN;
UPDATE impressions SET cost = cost * 2 WHERE id BETWEEN 310 AND 314;
UPDATE campaign SET status = 'paused' WHERE id = 13;
UPDATE campaign SET daily_budget = 450.25, cpm_bid = 4.5, bid = 1.35, budget = 12000.00,
                    updated_at = '2024-05-12 08:00:00+00' WHERE id = 14;
UPDATE advertiser SET name = 'Northwind Traders Ltd', updated_at = '2024-05-12 08:00:00+00' WHERE id = 3;
UPDATE advertiser SET is_active = false WHERE id = 1;
COMMIT;

-- A5: fraudulent clicks, unclicked impressions, the draft campaign and an advertiser deleted.
BEGIN;
DELETE FROM clicks WHERE id IN (2003, 2007, 2011);
DELETE FROM impressions WHERE id IN (301, 302, 303);
DELETE FROM campaign WHERE id = 15;
DELETE FROM advertiser WHERE id = 4;
COMMIT;

-- A6: streaming goes on.
BEGIN;
INSERT INTO impressions (id, campaign_id, request_id, user_id, country, device, cost, shown_at)
SELECT 500 + i, 14, md5('e2e-imp-late-' || i)::uuid, 'v-late', 'GB', 'mobile', 0.001234,
       timestamptz '2024-05-13 00:00:00+00' + i * interval '1 minute'
FROM generate_series(1, 20) AS i;
INSERT INTO clicks (id, impression_id, campaign_id, cpc, clicked_at)
SELECT 2100 + i, 500 + i, 14, 0.0999, timestamptz '2024-05-13 00:00:30+00' + i * interval '1 minute'
FROM generate_series(1, 20, 4) AS i;
UPDATE advertiser SET is_active = true WHERE id = 1;
COMMIT;

-- ================================================================= orders (seed 001)
-- O1: products, and 40 orders dated today and the two days before.
BEGIN;
INSERT INTO inventory.products (id, name, description, weight, price, stock)
SELECT 100 + i, 'product ' || i, CASE WHEN i % 3 = 0 THEN NULL ELSE 'a product, "quoted"' END,
       0.25 + i, round(1.99 + i * 3.37, 2), 20 + i * 7
FROM generate_series(1, 6) AS i;
INSERT INTO inventory.orders (id, order_date, purchaser, quantity, product_id)
SELECT 10000 + i, current_date - (i % 3), 1001 + i % 4, 1 + i % 5, 101 + i % 6
FROM generate_series(1, 40) AS i;
COMMIT;

-- O2: updates, a repricing and a restock; deletes.
BEGIN;
UPDATE inventory.orders SET quantity = quantity + 10 WHERE id IN (10001, 10002, 10003);
UPDATE inventory.products SET price = 123.45 WHERE id = 101;
UPDATE inventory.products SET stock = 3 WHERE id = 102;
DELETE FROM inventory.orders WHERE id IN (10039, 10040);
COMMIT;

-- Last: the marker DumpTopics waits for on both connectors.
INSERT INTO e2e_marker (id, token) VALUES (2, :'final_token');
