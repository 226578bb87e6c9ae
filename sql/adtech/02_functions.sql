-- adtech / 02: Debezium's column encodings, as SQL functions of a row image
-- (JSON text) and a column name.
--
-- Money (NUMERIC(p, s)) comes as a JSON string in one of two forms:
--   - decimal.handling.mode=precise (the default), without the schema
--     envelope: the unscaled integer as big-endian two's complement bytes,
--     base64-encoded ("CcQ=" = 2500 = 0.002500 at scale 6);
--   - decimal text ("0.002500"): what debezium_unwrap() renders from those
--     bytes when the message carries the schema envelope, and what
--     decimal.handling.mode=string writes.
-- Text always has a decimal point (these columns have a scale > 0) and
-- base64 never does.  JSON numbers (decimal.handling.mode=double) lose cents
-- and are refused.
--
-- Dates (io.debezium.time.Date) are days since 1970-01-01, or "2024-01-01"
-- when debezium_unwrap() decoded them with the schema.

-- The unscaled Int64 of decimal text or base64 at the column's scale (0 if invalid).
CREATE OR REPLACE FUNCTION debezium_decimal_unscaled AS (v, scale) ->
    if(match(v, '^-?[0-9]+\\.[0-9]+$'),
       reinterpretAsInt64(toDecimal64OrZero(v, scale)),
       toInt64(toInt128(reinterpretAsUInt64(reverse(tryBase64Decode(v))))
               - if(bitAnd(reinterpretAsUInt8(tryBase64Decode(v)), 128) != 0,        -- negative: sign-extend
                    bitShiftLeft(toInt128(1), 8 * length(tryBase64Decode(v))), toInt128(0))));

-- Column `key` of a row image as Decimal(18, scale) (columns of up to 18 digits).
CREATE OR REPLACE FUNCTION debezium_decimal AS (row, key, scale) ->
    reinterpret(debezium_decimal_unscaled(JSONExtractString(row, key), scale), concat('Decimal(18, ', toString(scale), ')'));

-- 1 when column `key` holds a decimal in one of the two forms (base64: 1 to 8 bytes).
CREATE OR REPLACE FUNCTION is_debezium_decimal AS (row, key) ->
    JSONType(row, key) = 'String'
    AND (match(JSONExtractString(row, key), '^-?[0-9]+\\.[0-9]+$')
         OR length(tryBase64Decode(JSONExtractString(row, key))) BETWEEN 1 AND 8);

-- Column `key` of a row image as a date; NULL when null or missing.
CREATE OR REPLACE FUNCTION debezium_date AS (row, key) ->
    multiIf(JSONType(row, key) = 'String', toDate32OrNull(JSONExtractString(row, key)),
            JSONType(row, key) IN ('Int64', 'UInt64'), toDate32(JSONExtractInt(row, key)),
            NULL);

-- 1 when column `key` is null, absent (a source without that column: the
-- seed's advertiser, campaign, impressions and clicks carry no money but bid
-- and budget) or a decimal in one of the two forms.
CREATE OR REPLACE FUNCTION is_absent_or_debezium_decimal AS (row, key) ->
    JSONType(row, key) = 'Null' OR is_debezium_decimal(row, key);

-- Column `key` of a row image as DateTime64(6, 'UTC'): ISO text (a
-- timestamptz, io.debezium.time.ZonedTimestamp) or microseconds since the
-- epoch (a timestamp, io.debezium.time.MicroTimestamp); NULL when absent.
CREATE OR REPLACE FUNCTION debezium_time AS (row, key) ->
    multiIf(JSONType(row, key) = 'String', parseDateTime64BestEffortOrNull(JSONExtractString(row, key), 6, 'UTC'),
            JSONType(row, key) IN ('Int64', 'UInt64'), fromUnixTimestamp64Micro(JSONExtractInt(row, key), 'UTC'),
            NULL);

-- When a fact happened: its `event_time` column, else `created_at` (the
-- seed's impressions and clicks), else `shown_at` / `clicked_at`.
CREATE OR REPLACE FUNCTION adtech_event_time AS (row) ->
    coalesce(debezium_time(row, 'event_time'), debezium_time(row, 'created_at'),
             debezium_time(row, 'shown_at'), debezium_time(row, 'clicked_at'),
             toDateTime64(0, 6, 'UTC'));
