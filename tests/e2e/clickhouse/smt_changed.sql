-- test_e2e_smt: debezium_unwrap's changed / unchanged columns applied to
-- connector @RAW@'s change events, paired with the records of the
-- ExtractChangedRecordState of connector smtchanged by change.  The SMT drops
-- nothing and adds its two headers (header.changed.name=changed,
-- header.unchanged.name=unchanged: JSON arrays of column names, as Connect's
-- SimpleHeaderConverter writes a list) to every envelope; messages and transaction
-- metadata pass through without them.  Its tombstones never reach ClickHouse's
-- Kafka engine, on either side.

CREATE TABLE smt.ours_smtchanged_@RAW@ ENGINE = MergeTree ORDER BY (topic, offset) AS
SELECT topic, partition, offset, key, value, hnames, hvalues, op, ident,
       endsWith(topic, '.transaction') OR op = 'm' AS passthrough,
       debezium_unwrap(value) AS f
FROM smt.raw_events
WHERE conn = '@RAW@' AND debezium
  AND (startsWith(tbl, 'public.') OR ('@RAW@' = 'dbzplain' AND (endsWith(topic, '.message') OR endsWith(topic, '.transaction'))));

CREATE TABLE smt.cmp_smtchanged_@RAW@ ENGINE = MergeTree ORDER BY tuple() AS
SELECT r.topic AS raw_topic, r.offset AS raw_offset, s.topic AS smt_topic, s.partition AS smt_partition,
       s.offset AS smt_offset,
       multiIf(r.ident = '', 'smt', s.ident = '', 'raw', 'both') AS side,
       toUInt8(0) AS skip,
       CAST(NULL, 'Nullable(String)') AS ours_value,
       s.value AS smt_value,
       side = 'both' AS b,
       r.op = 'r' AS snapshot,
       length(tupleElement(r.f, 'unavailable')) > 0 AS has_unavailable,
       if(r.passthrough, r.hnames, arrayConcat(r.hnames, ['changed', 'unchanged'])) AS want_names,
       if(r.passthrough, r.hvalues,
          arrayConcat(r.hvalues, [toJSONString(tupleElement(r.f, 'changed')), toJSONString(tupleElement(r.f, 'unchanged'))]))
           AS want_values,
       arrayFilter(x -> x != '', [
           multiIf(side = 'smt', 'no raw event', side = 'raw', 'dropped by the SMT', ''),
           if(b AND NOT r.passthrough AND tupleElement(r.f, 'error') != '', 'error', ''),
           if(b AND (s.hnames != want_names OR s.hvalues != want_values), 'headers', '')
       ]) AS diffs,
       1 AS fields
FROM smt.ours_smtchanged_@RAW@ AS r
FULL OUTER JOIN
(
    SELECT * FROM smt.smt_events
    WHERE conn = 'smtchanged'
      AND ('@RAW@' = 'dbzplain' OR NOT (endsWith(topic, '.message') OR endsWith(topic, '.transaction') OR startsWith(ident, 'trunc|')))
) AS s ON r.ident = s.ident
SETTINGS join_use_nulls = 0;
