-- experiments / 05: reference data from the application's PostgreSQL
-- (seed 002): experiment, variant and user names for the reports.
--
-- The connection and its credentials are not in this file: they come from
-- the named collection `experiments_pg`, defined by the server's
-- administrator (sql/README.md, "The experiments seeds"):
--
--   CREATE NAMED COLLECTION experiments_pg AS
--       host = 'postgres', port = 5432, database = 'experiments',
--       user = 'clickhouse_reader', password = '...';
--
-- or the same keys under <named_collections><experiments_pg> in the server
-- configuration.  The source tables (tests/e2e/schema.sql has them):
--   experiments(id bigint PRIMARY KEY, name text, status text)
--   variants(id bigint PRIMARY KEY, experiment_id bigint, key text, name text,
--            traffic_share double precision)   -- intended share, 0..1
--   users(id text PRIMARY KEY, name text, country text)
--
-- Each dictionary is reloaded at a random moment between 1 and 5 minutes
-- after the last load (LIFETIME), so renamed experiments or a new split show
-- up in the reports without a restart.  Nothing is read before the first
-- dictGet; a key that is not in PostgreSQL gives the attribute's default
-- ('' or 0).
CREATE DICTIONARY IF NOT EXISTS experiments_dict
(
    id UInt64,
    name String DEFAULT '',
    status String DEFAULT ''
)
PRIMARY KEY id
SOURCE(POSTGRESQL(NAME experiments_pg TABLE 'experiments'))
LAYOUT(HASHED())
LIFETIME(MIN 60 MAX 300);

CREATE DICTIONARY IF NOT EXISTS variants_dict
(
    id UInt64,
    experiment_id UInt64 DEFAULT 0,
    key String DEFAULT '',
    name String DEFAULT '',
    traffic_share Float64 DEFAULT 0
)
PRIMARY KEY id
SOURCE(POSTGRESQL(NAME experiments_pg TABLE 'variants'))
LAYOUT(HASHED())
LIFETIME(MIN 60 MAX 300);

CREATE DICTIONARY IF NOT EXISTS users_dict
(
    id String,
    name String DEFAULT '',
    country String DEFAULT ''
)
PRIMARY KEY id
SOURCE(POSTGRESQL(NAME experiments_pg TABLE 'users'))
LAYOUT(COMPLEX_KEY_HASHED())
LIFETIME(MIN 60 MAX 300);
