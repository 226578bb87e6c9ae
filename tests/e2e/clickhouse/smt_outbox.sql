-- test_e2e_smt: outbox_route (@FN@) applied to connector @RAW@'s outbox events,
-- paired with the records of the EventRouter of connector @CONN@ by event id.
-- Scope: what @CONN@ hands its SMT: tables outbox and outbox_text, no truncates
-- (Debezium's default skipped.operations=t).  The EventRouter's default record
-- timestamp is its own connector's envelope ts_ms: it is compared only when it
-- comes from the event's column (@TS_FROM_COLUMN@), else ours must be the raw
-- event's ts_ms.  Our partition is compared when ours is not NULL (NULL: Kafka
-- hashed the key).  One row per raw event and per SMT record in smt.cmp_@CONN@_@RAW@.

CREATE TABLE smt.ours_@CONN@_@RAW@ ENGINE = MergeTree ORDER BY (topic, offset) AS
SELECT topic, partition, offset, key, value, hnames, hvalues, op,
       if(op IN ('c', 'r'), concat('event|', JSONExtractString(doc, 'after', 'id')),
          concat('none|', topic, '|', toString(offset))) AS ident,
       JSONExtractInt(doc, 'ts_ms') AS raw_ts_ms,
       @TS_FROM_COLUMN@ AS ts_from_column,
       @FN@(value) AS f
FROM smt.raw_events
WHERE conn = '@RAW@' AND debezium AND tbl IN ('public.outbox', 'public.outbox_text') AND op != 't';

CREATE TABLE smt.cmp_@CONN@_@RAW@ ENGINE = MergeTree ORDER BY tuple() AS
SELECT r.topic AS raw_topic, r.offset AS raw_offset, s.topic AS smt_topic, s.partition AS smt_partition,
       s.offset AS smt_offset,
       multiIf(r.ident = '', 'smt', s.ident = '', 'raw', 'both') AS side,
       tupleElement(r.f, 'skip') AS skip,
       tupleElement(r.f, 'payload') AS ours_value,
       s.value AS smt_value,
       side = 'both' AS b,
       r.op = 'r' AS snapshot,
       arrayFilter(x -> x != '', [
           multiIf(side = 'smt', 'no raw event', side = 'raw' AND skip = 0, 'not skipped',
                   b AND skip = 1, 'skipped', ''),
           if(b AND tupleElement(r.f, 'error') != '', 'error', ''),
           if(b AND s.topic != tupleElement(r.f, 'topic'), 'topic', ''),
           if(b AND s.key != tupleElement(r.f, 'key'), 'key', ''),
           if(b AND (s.value IS NULL) != tupleElement(r.f, 'is_tombstone'), 'tombstone', ''),
           if(b AND s.value IS NOT NULL AND assumeNotNull(s.value) != tupleElement(r.f, 'payload'), 'value', ''),
           if(b AND (s.hnames != arrayConcat(r.hnames, mapKeys(tupleElement(r.f, 'headers')))
                     OR s.hvalues != arrayConcat(r.hvalues, mapValues(tupleElement(r.f, 'headers')))), 'headers', ''),
           if(b AND tupleElement(r.f, 'partition') IS NOT NULL
                AND s.partition != assumeNotNull(tupleElement(r.f, 'partition')), 'partition', ''),
           if(b AND r.ts_from_column AND s.ts != tupleElement(r.f, 'timestamp'), 'timestamp', ''),
           if(b AND NOT r.ts_from_column AND tupleElement(r.f, 'timestamp') != r.raw_ts_ms, 'timestamp (ts_ms)', '')
       ]) AS diffs,
       10 AS fields
FROM smt.ours_@CONN@_@RAW@ AS r
FULL OUTER JOIN (SELECT * FROM smt.smt_events WHERE conn = '@CONN@') AS s ON r.ident = s.ident
SETTINGS join_use_nulls = 0;
