-- test_e2e_smt: logical decoding messages (op "m") of connector @RAW@ through
-- debezium_unwrap and payload_extract --path @row (payload_extract_lmsg), paired
-- by LSN with the records of the DecodeLogicalDecodingMessageContent of connector
-- smtlmsg.  Scope: the prefixes smtlmsg captures (message.prefix.include.list=smt\..*);
-- the others ("raw.": content the SMT fails the task on) are checked apart: ours
-- must be an error row.  The value's "after" is compared in test_e2e_smt (C) with
-- ours.row as a JSON document; here op, source.lsn and payload_extract's fields.

CREATE TABLE smt.ours_smtlmsg_@RAW@ ENGINE = MergeTree ORDER BY (topic, offset) AS
SELECT topic, partition, offset, key, value, op, ident, prefix,
       match(prefix, '^(?i)smt\\..*$') AS captured,
       debezium_unwrap(value) AS f,
       payload_extract_lmsg(value) AS p
FROM smt.raw_events
WHERE conn = '@RAW@' AND debezium AND endsWith(topic, '.message');

CREATE TABLE smt.cmp_smtlmsg_@RAW@ ENGINE = MergeTree ORDER BY tuple() AS
SELECT r.topic AS raw_topic, r.offset AS raw_offset, s.topic AS smt_topic, s.partition AS smt_partition,
       s.offset AS smt_offset,
       multiIf(r.ident = '', 'smt', s.ident = '', 'raw', 'both') AS side,
       toUInt8(0) AS skip,
       tupleElement(r.f, 'row') AS ours_value,
       s.value AS smt_value,
       side = 'both' AS b,
       r.op = 'r' AS snapshot,
       arrayFilter(x -> x != '', [
           multiIf(side = 'smt', 'no raw event', side = 'raw', 'dropped by the SMT', ''),
           if(b AND tupleElement(r.f, 'error') != '', 'error', ''),
           if(b AND tupleElement(r.f, 'op') != JSONExtractString(s.value, 'op'), 'op', ''),
           if(b AND tupleElement(r.f, 'source_lsn') != JSONExtractUInt(s.value, 'source', 'lsn'), 'source_lsn', ''),
           if(b AND tupleElement(r.p, 'error') != '', 'payload_extract error', ''),
           if(b AND NOT isNotDistinctFrom(tupleElement(r.p, 'orderId'), JSONExtract(s.value, 'after', 'orderId', 'Nullable(String)')),
              'payload_extract orderId', ''),
           if(b AND NOT isNotDistinctFrom(tupleElement(r.p, 'event'), JSONExtract(s.value, 'after', 'event', 'Nullable(String)')),
              'payload_extract event', '')
       ]) AS diffs,
       6 AS fields
FROM (SELECT * FROM smt.ours_smtlmsg_@RAW@ WHERE captured) AS r
FULL OUTER JOIN (SELECT * FROM smt.smt_events WHERE conn = 'smtlmsg') AS s ON r.ident = s.ident
SETTINGS join_use_nulls = 0;
