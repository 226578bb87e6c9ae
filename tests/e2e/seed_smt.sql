-- Rows of the SMT parity tables (schema.sql, "SMT parity") that exist before the
-- connectors start: every connector sends them as snapshot events (op "r"),
-- which the EventRouter routes like inserts.  Loaded after seed.sql by ctest.sh
-- and `capture.sh smt`.
\set ON_ERROR_STOP on

BEGIN;
INSERT INTO outbox (id, aggregatetype, aggregateid, type, payload, tenant, version, shard, occurred_at) VALUES
    ('0e5b0c1a-0000-4000-8000-000000000001', 'order', 'o-1', 'OrderCreated',
     '{"orderId": "o-1", "lines": [{"sku": "A-1", "qty": 2, "price": 9.5}, {"sku": "B-2", "qty": 1, "price": 100.0}], "paid": false}',
     'acme', 1, 1, '2024-06-01 10:00:00.123456'),
    ('0e5b0c1a-0000-4000-8000-000000000002', 'customer', 'c-7', 'CustomerRegistered',
     '{"customerId": 7, "name": "Zoë", "tags": ["new", "vip"], "address": null}',
     NULL, NULL, 2, NULL);
INSERT INTO outbox_text (id, aggregatetype, aggregateid, type, payload, tenant, version, shard, occurred_at) VALUES
    ('0e5b0c1a-0000-4000-8000-000000000101', 'order', 'o-2', 'OrderNote',
     '{"z": 1, "a": [true, false], "note": "keys stay in the order written"}', 'acme', 3, 0, '2024-06-01 10:00:01');
INSERT INTO profiles (id, email, name, score, visits, tags, avatar, settings, seen_at, bio) VALUES
    (1, 'ada@example.com', 'Ada', 12.50, 3, ARRAY['math', 'engines'], '\x89504e470d0a1a0a',
     '{"theme": "dark", "langs": ["en", "fr"]}', '2024-06-01 08:00:00+00', e2e_mid_text('bio-1')),
    (2, 'bob@example.com', 'Bob', 0.00, 0, '{}', NULL, '{}', NULL, 'short bio, stored inline'),
    (3, 'eve@example.com', NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL);
COMMIT;
