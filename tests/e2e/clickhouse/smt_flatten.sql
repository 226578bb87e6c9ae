-- test_e2e_smt: debezium_flatten (@FN@) applied to connector @RAW@'s change
-- events, paired with the records of the ExtractNewRecordState of connector
-- @CONN@ by change (table, LSN, key; snapshot rows by table and key).
-- Scope: every table of schema public; with dbzplain also the messages and the
-- transaction metadata, which pass through the SMT (dbz has no transaction
-- metadata, so what passes through is not comparable with its events).
-- Topic: ours, or the raw topic under @CONN@'s prefix when ours is ''.  Headers:
-- the raw record's, then ours.  Key: the raw key (dbzplain's, same converter).

CREATE TABLE smt.ours_@CONN@_@RAW@ ENGINE = MergeTree ORDER BY (topic, offset) AS
SELECT topic, partition, offset, key, value, hnames, hvalues, op, ident,
       replaceOne(topic, '@RAW@.', '@CONN@.') AS kept_topic,
       @FN@(value) AS f
FROM smt.raw_events
WHERE conn = '@RAW@' AND debezium
  AND (startsWith(tbl, 'public.') OR ('@RAW@' = 'dbzplain' AND (endsWith(topic, '.message') OR endsWith(topic, '.transaction'))));

CREATE TABLE smt.cmp_@CONN@_@RAW@ ENGINE = MergeTree ORDER BY tuple() AS
SELECT r.topic AS raw_topic, r.offset AS raw_offset, s.topic AS smt_topic, s.partition AS smt_partition,
       s.offset AS smt_offset,
       multiIf(r.ident = '', 'smt', s.ident = '', 'raw', 'both') AS side,
       tupleElement(r.f, 'skip') AS skip,
       tupleElement(r.f, 'value') AS ours_value,
       s.value AS smt_value,
       side = 'both' AS b,
       arrayFilter(x -> x != '', [
           multiIf(side = 'smt', 'no raw event', side = 'raw' AND skip = 0, 'not skipped',
                   b AND skip = 1, 'skipped', ''),
           if(b AND tupleElement(r.f, 'error') != '', 'error', ''),
           if(b AND s.topic != if(tupleElement(r.f, 'topic') = '', r.kept_topic, tupleElement(r.f, 'topic')), 'topic', ''),
           if(b AND '@RAW@' = 'dbzplain' AND s.key != r.key, 'key', ''),
           if(b AND (s.value IS NULL) != tupleElement(r.f, 'is_tombstone'), 'tombstone', ''),
           if(b AND s.value IS NOT NULL AND assumeNotNull(s.value) != tupleElement(r.f, 'value'), 'value', ''),
           if(b AND (s.hnames != arrayConcat(r.hnames, mapKeys(tupleElement(r.f, 'headers')))
                     OR s.hvalues != arrayConcat(r.hvalues, mapValues(tupleElement(r.f, 'headers')))), 'headers', '')
       ]) AS diffs,
       6 AS fields
FROM smt.ours_@CONN@_@RAW@ AS r
FULL OUTER JOIN
(
    SELECT * FROM smt.smt_events
    WHERE conn = '@CONN@' AND ('@RAW@' = 'dbzplain' OR NOT (endsWith(topic, '.message') OR endsWith(topic, '.transaction')))
) AS s ON r.ident = s.ident
SETTINGS join_use_nulls = 0;
