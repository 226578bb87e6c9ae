-- test_e2e_smt: debezium_flatten (@FN@) applied to connector @RAW@'s change
-- events, paired with the records of the ExtractNewRecordState of connector
-- @CONN@ by change (table, LSN, key; snapshot rows by table and key).
-- Scope: every table of schema public; with dbzplain also the messages and the
-- transaction metadata, which pass through the SMT (dbz has no transaction
-- metadata, so what passes through is not comparable with its events).
-- Topic: ours, or the raw topic under @CONN@'s prefix when ours is ''.  Headers:
-- the raw record's, then ours.  Key: the raw key (dbzplain's, same converter).
-- Snapshot rows: each connector takes its own snapshot, so what comes from its
-- source block (LSN, txId, source.ts_ms) is its own: the headers named in
-- @SNAPSHOT_HEADERS@ are not compared there (test_e2e_smt skips the value's
-- members alike).  END records name each message of their transaction by a Java
-- object's default toString ("...LogicalDecodingMessageMonitor$LogicalDecodingMessageId@<identity
-- hash>") and list the collections in hash order, which differ from JVM object to
-- object: such an END record is compared as smt_tx_canonical() makes it.

CREATE FUNCTION IF NOT EXISTS smt_tx_canonical AS (v) ->
    if(position(v, 'LogicalDecodingMessageId@') = 0, v,
       concat('{"status":', JSONExtractRaw(v, 'status'), ',"id":', JSONExtractRaw(v, 'id'),
              ',"event_count":', JSONExtractRaw(v, 'event_count'), ',"data_collections":[',
              arrayStringConcat(arraySort(arrayMap(x -> replaceRegexpAll(x, 'LogicalDecodingMessageId@[0-9a-f]+', 'LogicalDecodingMessageId@'),
                                                   JSONExtractArrayRaw(v, 'data_collections'))), ','),
              '],"ts_ms":', JSONExtractRaw(v, 'ts_ms'), '} (canonical)'));

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
       smt_tx_canonical(tupleElement(r.f, 'value')) AS ours_value,
       if(s.value IS NULL, NULL, smt_tx_canonical(assumeNotNull(s.value))) AS smt_value,
       side = 'both' AS b,
       r.op = 'r' AS snapshot,
       arrayMap((n, v) -> if(snapshot AND has(@SNAPSHOT_HEADERS@, n), '', v), s.hnames, s.hvalues) AS smt_hvalues,
       arrayMap((n, v) -> if(snapshot AND has(@SNAPSHOT_HEADERS@, n), '', v),
                arrayConcat(r.hnames, mapKeys(tupleElement(r.f, 'headers'))),
                arrayConcat(r.hvalues, mapValues(tupleElement(r.f, 'headers')))) AS want_hvalues,
       arrayFilter(x -> x != '', [
           multiIf(side = 'smt', 'no raw event', side = 'raw' AND skip = 0, 'not skipped',
                   b AND skip = 1, 'skipped', ''),
           if(b AND tupleElement(r.f, 'error') != '', 'error', ''),
           if(b AND s.topic != if(tupleElement(r.f, 'topic') = '', r.kept_topic, tupleElement(r.f, 'topic')), 'topic', ''),
           if(b AND '@RAW@' = 'dbzplain' AND s.key != r.key, 'key', ''),
           if(b AND (s.value IS NULL) != tupleElement(r.f, 'is_tombstone'), 'tombstone', ''),
           if(b AND smt_value IS NOT NULL AND assumeNotNull(smt_value) != ours_value, 'value', ''),
           if(b AND (s.hnames != arrayConcat(r.hnames, mapKeys(tupleElement(r.f, 'headers')))
                     OR smt_hvalues != want_hvalues), 'headers', '')
       ]) AS diffs,
       6 AS fields
FROM smt.ours_@CONN@_@RAW@ AS r
FULL OUTER JOIN
(
    SELECT * FROM smt.smt_events
    WHERE conn = '@CONN@'
      AND ('@RAW@' = 'dbzplain' OR NOT (endsWith(topic, '.message') OR endsWith(topic, '.transaction') OR startsWith(ident, 'trunc|')))
) AS s ON r.ident = s.ident
SETTINGS join_use_nulls = 0;
