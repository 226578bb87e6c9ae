-- adtech / 06: start consuming (last, so everything downstream exists).
--
-- debezium_unwrap() takes the envelope apart (with or without the schema):
-- op, row image, version (the LSN), is_deleted, and an error for anything
-- that is not a change event (invalid JSON, heartbeats, transaction
-- metadata, record keys, a delete without "before").  Also refused, with a
-- reason: truncates (not applied: run TRUNCATE yourself if you mean it),
-- tables outside the pipeline, and money that is not a decimal (a connector
-- running with decimal.handling.mode=double: JSON numbers lose cents).
-- Money columns a source does not have are not required.
-- Tombstones are not errors.
CREATE MATERIALIZED VIEW IF NOT EXISTS adtech_kafka_mv TO adtech_changes AS
WITH debezium_unwrap(message) AS d
SELECT message, d.source_table AS source_table, d.op AS op, d.row AS row, d.version AS version,
       d.is_deleted AS is_deleted,
       multiIf(d.error != '', d.error,
               d.op = '', '',                                   -- a tombstone
               d.op = 't', concat('truncate of ', d.source_table, ': not applied'),
               d.op NOT IN ('r', 'c', 'u', 'd'), concat('op ''', d.op, ''' is not applied'),
               d.source_table NOT IN ('advertiser', 'campaign', 'impressions', 'clicks'),
                   concat('table ', d.source_schema, '.', d.source_table, ' is not part of the adtech pipeline'),
               d.op = 'd', '',
               -- money columns are optional (the seed's source has only bid and
               -- budget), but one that is there must be an exact decimal
               d.source_table = 'impressions' AND NOT is_absent_or_debezium_decimal(d.row, 'cost'),
                   'impressions.cost is not a Debezium decimal (decimal.handling.mode precise or string)',
               d.source_table = 'clicks' AND NOT is_absent_or_debezium_decimal(d.row, 'cpc'),
                   'clicks.cpc is not a Debezium decimal (decimal.handling.mode precise or string)',
               d.source_table = 'campaign' AND NOT (is_absent_or_debezium_decimal(d.row, 'daily_budget')
                                                    AND is_absent_or_debezium_decimal(d.row, 'cpm_bid')),
                   'campaign.daily_budget or cpm_bid is not a Debezium decimal (decimal.handling.mode precise or string)',
               d.source_table = 'campaign' AND NOT (is_absent_or_debezium_decimal(d.row, 'bid')
                                                    AND is_absent_or_debezium_decimal(d.row, 'budget')),
                   'campaign.bid or budget is not a Debezium decimal (decimal.handling.mode precise or string)',
               '') AS error
FROM adtech_kafka;
