-- Changes for the SMT parity connectors (connectors/smt*.properties), made while
-- every connector streams.  Run by test_e2e_smt and `capture.sh smt` (after
-- workload.sql there).  Needs psql variable marker_token: the last statements
-- write it where each connector waits for it (e2e_marker, outbox, a message).
-- Every value is a literal, so regenerated fixtures differ only in LSNs, txIds,
-- ts_ms and uuids nobody reads.
\set ON_ERROR_STOP on

-- S1: outbox events with jsonb payloads.  PostgreSQL hands jsonb over normalised
-- (keys sorted by length, then bytes; numbers as written by numeric).  The
-- expanding EventRouter turns them into Connect structs: null members vanish,
-- an empty array member vanishes, arrays of objects get the union of their keys,
-- numbers become int32 / int64 / float64.  A payload it cannot expand (an array
-- of mixed types, int32 mixed with int64, not starting with '{' or '[') stays
-- the JSON string.  Left out, because Debezium cannot handle them: an integer
-- beyond 64 bits and a top-level array (the task fails), and arrays of objects
-- whose smaller key lists are not a prefix of the larger ones, as the payload text
-- orders them: the element schemas are merged in HashSet order, which changes
-- from JVM to JVM (jsonb sorts keys: {"qty","sku"} and {"sku"} come out either way).  NULL is an empty payload (a tombstone with
-- route.tombstone.on.empty.payload=true); '{}' and '""' are not.
BEGIN;
INSERT INTO outbox (id, aggregatetype, aggregateid, type, payload, tenant, version, shard, occurred_at) VALUES
    ('0e5b0c1a-0000-4000-8000-000000000011', 'order', 'o-10', 'OrderCreated',
     '{"orderId": "o-10", "total": 1234.5, "lines": [{"sku": "A-1", "qty": 2}, {"qty": 1}],
       "customer": {"id": 7, "name": "Zoë \"Z\" O''Neil", "emoji": "😀", "ctrl": "tab\tnl\n"},
       "big": 3000000000, "neg": -17, "tiny": 0.0000001, "wide": 12345678.9, "flag": true, "none": null,
       "empty_obj": {}, "empty_arr": [], "matrix": [[1, 2], [3]], "with nulls": [1, null, 2], "dash-key": "x"}',
     'acme', 2, 3, '2024-06-02 11:00:00.000001'),
    ('0e5b0c1a-0000-4000-8000-000000000012', 'order', 'o-10', 'OrderPaid', '{}', 'acme', 2, 3, '2024-06-02 11:00:01'),
    ('0e5b0c1a-0000-4000-8000-000000000013', 'order', 'o-11', 'OrderCancelled', NULL, 'globex', NULL, 0, NULL),
    ('0e5b0c1a-0000-4000-8000-000000000014', 'customer', 'c-8', 'CustomerNote', '""', NULL, 1, 1, '2024-06-02 11:00:02'),
    ('0e5b0c1a-0000-4000-8000-000000000015', 'customer', 'c-8', 'CustomerScore', '42', NULL, 1, 1, '2024-06-02 11:00:03'),
    ('0e5b0c1a-0000-4000-8000-000000000016', 'customer', 'c-8', 'CustomerNull', 'null', NULL, 1, 1, '2024-06-02 11:00:04'),
    ('0e5b0c1a-0000-4000-8000-000000000017', 'Order-Items', 'o-10', 'ItemsChanged',
     '{"mixed": [1, "two", 3.0], "ok": 1}', 'acme', 1, 2, '2024-06-02 11:00:05'),
    ('0e5b0c1a-0000-4000-8000-000000000018', 'Order-Items', 'o-10', 'ItemsCounted',
     '{"counts": [1, 3000000000]}', 'acme', 1, 2, '2024-06-02 11:00:06'),
    ('0e5b0c1a-0000-4000-8000-000000000019', 'shipment', 'o-10', 'Shipped',
     '{"parcels": [{"id": 1, "dims": {"w": 2.5}}, {"id": 2, "dims": {"w": 1.0}}, {}], "via": "ünïcødé"}',
     NULL, NULL, NULL, '1969-12-31 23:59:59.999999');
COMMIT;

-- S2: outbox events with text payloads, handed over exactly as written.
-- '' and '   ' are empty payloads for the EventRouter (trimmed); text that does not
-- start with '{' or '[' is not expanded; JSON text keeps its key order and its
-- number spellings when expanded (Jackson), and text after a JSON document is ignored.
BEGIN;
INSERT INTO outbox_text (id, aggregatetype, aggregateid, type, payload, tenant, version, shard, occurred_at) VALUES
    ('0e5b0c1a-0000-4000-8000-000000000111', 'order', 'o-20', 'Plain', 'not json at all', 'acme', 1, 0, '2024-06-03 09:00:00'),
    ('0e5b0c1a-0000-4000-8000-000000000112', 'order', 'o-20', 'Empty', '', 'acme', 1, 0, '2024-06-03 09:00:01'),
    ('0e5b0c1a-0000-4000-8000-000000000113', 'order', 'o-20', 'Blank', '   ', 'acme', 1, 0, '2024-06-03 09:00:02'),
    ('0e5b0c1a-0000-4000-8000-000000000114', 'order', 'o-20', 'Null', NULL, 'acme', 1, 0, '2024-06-03 09:00:03'),
    ('0e5b0c1a-0000-4000-8000-000000000115', 'order', 'o-20', 'Leading', '  {"a": 1}', 'acme', 1, 0, '2024-06-03 09:00:04'),
    ('0e5b0c1a-0000-4000-8000-000000000116', 'order', NULL, 'Numbers',
     '{"f":1.0,"e":1E2,"negzero":-0.0,"small":1e-7,"int":-0,"min":-9223372036854775808,"u":"\u00fc\ud83d\ude00","esc":"a\/b\\c\"d"}',
     'acme', 1, 1, '2024-06-03 09:00:05'),
    ('0e5b0c1a-0000-4000-8000-000000000117', 'order', 'o-20', 'Trailing', '{"a":1} and then some text', 'acme', 1, 1, '2024-06-03 09:00:06'),
    ('0e5b0c1a-0000-4000-8000-000000000118', 'order', 'o-20', 'Duplicate', '{"a":1,"b":2,"a":3}', 'acme', 1, 1, '2024-06-03 09:00:07'),
    ('0e5b0c1a-0000-4000-8000-000000000119', 'order', 'o-20', 'Broken', '{"a":', 'acme', 1, 1, '2024-06-03 09:00:08'),
    ('0e5b0c1a-0000-4000-8000-00000000011a', 'order', 'o-20', 'Pretty', E'{\n  "b" : [ 1, 2 ],\n  "a" : { }\n}', 'acme', 1, 1, '2024-06-03 09:00:09');
COMMIT;

-- S3: the outbox pattern as usually written (insert, then delete in the same
-- transaction: the delete is not an event), and an update of an outbox row
-- (table.op.invalid.behavior=warn: logged and dropped).
BEGIN;
INSERT INTO outbox (id, aggregatetype, aggregateid, type, payload, tenant, version, shard, occurred_at) VALUES
    ('0e5b0c1a-0000-4000-8000-000000000021', 'order', 'o-12', 'OrderCreated', '{"orderId": "o-12"}', 'acme', 1, 0, '2024-06-04 12:00:00');
DELETE FROM outbox WHERE id = '0e5b0c1a-0000-4000-8000-000000000021';
COMMIT;
UPDATE outbox SET payload = '{"orderId": "o-1", "paid": true}', version = 2 WHERE id = '0e5b0c1a-0000-4000-8000-000000000001';
DELETE FROM outbox_text WHERE id = '0e5b0c1a-0000-4000-8000-000000000101';

-- S4: profiles, REPLICA IDENTITY FULL (updates and deletes carry the whole row
-- before; Debezium fills an untouched TOASTed value of "after" from it).
-- ExtractChangedRecordState compares before and after column by column.
INSERT INTO profiles (id, email, name, score, visits, tags, avatar, settings, seen_at, bio) VALUES
    (4, 'joe@example.com', 'Joe', 1.25, 1, ARRAY['a'], '\x00', '{"a": 1}', '2024-06-05 00:00:00+00', e2e_mid_text('bio-4'));
-- bio not touched: "after" has the TOAST placeholder, "before" the whole text
UPDATE profiles SET visits = visits + 1, seen_at = '2024-06-05 01:00:00+00' WHERE id = 1;
-- bio rewritten: the whole new value is in "after"
UPDATE profiles SET bio = e2e_mid_text('bio-1-v2'), score = 13.00 WHERE id = 1;
-- nothing changes (every column set to its own value; avatar is NULL)
UPDATE profiles SET name = name, score = score WHERE id = 2;
-- the same bytea written again, numeric with the same value, NULL -> value, value -> NULL
UPDATE profiles SET avatar = '\x89504e470d0a1a0a', score = 12.5, name = NULL WHERE id = 1;
UPDATE profiles SET name = 'Eve', tags = ARRAY[]::text[], settings = '{"theme": "light"}' WHERE id = 3;
-- several rows in one statement and transaction
BEGIN;
UPDATE profiles SET visits = coalesce(visits, 0) + 10 WHERE id IN (2, 3, 4);
DELETE FROM profiles WHERE id = 4;
COMMIT;
-- primary-key change: delete (+ tombstone) of the old key, insert of the new one
UPDATE profiles SET id = 20, email = 'bob@example.org' WHERE id = 2;

-- accounts, REPLICA IDENTITY USING INDEX (login): a login change is a key change
-- for Debezium (delete of {"id":0} + create); notes (TOASTed) is the placeholder
-- when untouched.
INSERT INTO accounts (id, login, plan, notes) VALUES (1, 'ann', 'free', e2e_mid_text('notes-1')), (2, 'ben', NULL, 'short');
UPDATE accounts SET login = 'ann.b', plan = 'pro' WHERE id = 1;
UPDATE accounts SET plan = 'team' WHERE id = 1;
UPDATE accounts SET login = 'ben.c' WHERE id = 2;
DELETE FROM accounts WHERE id = 2;

-- S5: logical decoding messages.  Prefix "smt.": JSON objects the
-- DecodeLogicalDecodingMessageContent SMT turns into an op "c" event (null
-- members dropped).  Transactional ones arrive with their transaction (not at all
-- when it rolls back); non-transactional ones at once.
BEGIN;
SELECT pg_logical_emit_message(true, 'smt.order', '{"orderId": "o-30", "lines": [{"sku": "A-1", "qty": 2}, {"sku": "B-2", "note": null}], "total": 19.5, "paid": false, "note": null}');
INSERT INTO outbox (id, aggregatetype, aggregateid, type, payload, tenant, version, shard, occurred_at) VALUES
    ('0e5b0c1a-0000-4000-8000-000000000031', 'order', 'o-30', 'OrderCreated', '{"orderId": "o-30"}', 'acme', 1, 1, '2024-06-06 10:00:00');
SELECT pg_logical_emit_message(true, 'smt.order', '{"orderId":"o-31","n":1.0,"e":1E2,"big":3000000000,"u":"Grüße \ud83d\ude00","dup":1,"dup":2,"nested":{"empty":{},"arr":[]}}');
COMMIT;
SELECT pg_logical_emit_message(false, 'smt.audit', '{"event": "login", "ok": true, "user": {"id": 7}}');
SELECT pg_logical_emit_message(false, 'smt.audit', '{}'::text);
SELECT pg_logical_emit_message(true, 'smt.bytes', convert_to('{"bytes": "as bytea", "pi": 3.14159}', 'UTF8'));
SELECT pg_logical_emit_message(false, 'smt.trailing', '{"a": 1} then text');
BEGIN;
SELECT pg_logical_emit_message(false, 'smt.audit', '{"event": "sent although the transaction rolls back"}');
SELECT pg_logical_emit_message(true, 'smt.audit', '{"event": "never sent"}');
ROLLBACK;
-- Prefix "raw.": content the SMT fails the task on; only dbz and dbzplain capture it.
SELECT pg_logical_emit_message(false, 'raw.text', 'plain text, not JSON');
SELECT pg_logical_emit_message(false, 'raw.empty', '');
SELECT pg_logical_emit_message(false, 'raw.array', '[1, 2, 3]');
SELECT pg_logical_emit_message(false, 'raw.mixed', '{"a": [1, "x"]}');
SELECT pg_logical_emit_message(false, 'raw.bigint', '{"n": 123456789012345678901234567890}');
SELECT pg_logical_emit_message(false, 'raw.blank', ' {"a": 1}');
SELECT pg_logical_emit_message(false, 'raw.binary', '\xff00fe'::bytea);

-- S6: truncate (op "t" for the connectors with skipped.operations=none; the
-- EventRouter connectors skip it, as Debezium does by default).
TRUNCATE outbox_text;

-- Last: the marker, where each SMT connector can be seen to have caught up.
INSERT INTO e2e_marker (id, token) VALUES ((SELECT coalesce(max(id), 0) + 1 FROM e2e_marker), :'marker_token');
INSERT INTO outbox (id, aggregatetype, aggregateid, type, payload, tenant, version, shard, occurred_at) VALUES
    (md5(:'marker_token')::uuid, 'e2e_marker', 'marker', 'Marker', jsonb_build_object('token', :'marker_token'), NULL, NULL, 0, NULL);
SELECT pg_logical_emit_message(false, 'smt.marker', json_build_object('token', :'marker_token')::text);
