-- kafka_connection.sql: the Kafka connection of every pipeline, once per server.
--
-- Every Kafka table of sql/ (the 01_*.sql file of each folder) is
-- ENGINE = Kafka(cdc_kafka) SETTINGS kafka_topic_list = …, kafka_group_name = …,
-- kafka_format = 'RawBLOB': the broker list and the security settings come
-- from this named collection, and the table's own DDL keeps only what
-- belongs to the table.  SHOW CREATE TABLE and system.tables show the
-- collection's name, never a broker password.
--
-- A named collection belongs to the server, not to a database: run this
-- once, before the folders, as a user holding CREATE NAMED COLLECTION (a
-- users.xml user needs <named_collection_control>1</named_collection_control>).
-- A collection made by DDL is stored, values included, in the server's
-- data directory.  For a password, prefer the server's configuration
-- (clickhouse-config/cdc_kafka_collection.xml, in a file only the server
-- reads): same name, same keys, and then skip this file.  See sql/README.md,
-- "The Kafka connection".
--
-- Every key is NOT OVERRIDABLE: a table cannot replace it in its
-- ENGINE = Kafka(cdc_kafka, key = …) arguments.
CREATE NAMED COLLECTION IF NOT EXISTS cdc_kafka AS
    kafka_broker_list = 'localhost:9092' NOT OVERRIDABLE
    -- On a cluster with SASL authentication, add (sasl_ssl with TLS; the
    -- mechanism PLAIN, SCRAM-SHA-256 or SCRAM-SHA-512, as the broker has it):
    -- , kafka_security_protocol = 'sasl_ssl' NOT OVERRIDABLE
    -- , kafka_sasl_mechanism = 'SCRAM-SHA-256' NOT OVERRIDABLE
    -- , kafka_sasl_username = 'clickhouse' NOT OVERRIDABLE
    -- , kafka_sasl_password = '…' NOT OVERRIDABLE
;
