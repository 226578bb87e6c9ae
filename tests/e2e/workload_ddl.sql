-- test_e2e_ddl only: schema changes while streaming, on a table of the test's own,
-- created in schema public so connector dbz (publication FOR ALL TABLES) carries it
-- from its first insert (no snapshot: it did not exist when the connectors started).
-- Every other e2e test names its tables, so this one is invisible to them.
-- psql variables: tbl (the table's name, unique per run), marker_token, phase:
--   0  create the table and run the three changes, with rows before and after each;
--   1  during the operator step, after its ALTERs and before the new create_view (the
--      replica has the new columns, the views still the old ones);
--   2  after the operator step.
\set ON_ERROR_STOP on
SELECT :phase = 1 AS during_step, :phase = 2 AS after_step \gset

\if :during_step
UPDATE :"tbl" SET color = 'navy', qty = 6000000000 WHERE id = 6;
INSERT INTO :"tbl" (id, name, qty, color) VALUES (13, 'thirteen', -6000000000, 'violet'), (14, 'fourteen', 14, NULL);
\elif :after_step
-- New rows and updates carry every column the new view knows.
INSERT INTO :"tbl" (id, name, qty, color) VALUES (11, 'eleven', 9000000000, 'pink'), (12, 'twelve', NULL, NULL);
UPDATE :"tbl" SET color = 'gold', qty = -2147483649 WHERE id = 5;
DELETE FROM :"tbl" WHERE id = 7;
\else
CREATE TABLE :"tbl" (
    id    integer PRIMARY KEY,
    name  text    NOT NULL,
    qty   integer,
    note  text
);

-- C0: rows with the first schema (the first message of the topic is the first insert).
INSERT INTO :"tbl" VALUES (1, 'one', 10, 'n1'), (2, 'two', 2147483647, NULL), (3, 'three', NULL, 'n3');
UPDATE :"tbl" SET qty = 11 WHERE id = 1;

-- C1: ADD COLUMN, then rows that carry it (and one that leaves it NULL).
ALTER TABLE :"tbl" ADD COLUMN color text;
INSERT INTO :"tbl" VALUES (4, 'four', 40, 'n4', 'red'), (5, 'five', -50, NULL, NULL);
UPDATE :"tbl" SET color = 'blue' WHERE id = 1;

-- C2: DROP COLUMN, then rows without it.
ALTER TABLE :"tbl" DROP COLUMN note;
INSERT INTO :"tbl" (id, name, qty, color) VALUES (6, 'six', 60, 'green'), (7, 'seven', NULL, 'grey');
UPDATE :"tbl" SET color = 'teal' WHERE id = 4;

-- C3: int -> bigint, then values past 2^31 (and one that still fits an int).
ALTER TABLE :"tbl" ALTER COLUMN qty TYPE bigint;
INSERT INTO :"tbl" (id, name, qty, color) VALUES (8, 'eight', 5000000000, 'black'), (9, 'nine', -3000000000, NULL),
    (10, 'ten', 7, 'white');
UPDATE :"tbl" SET qty = 2147483648 WHERE id = 2;
DELETE FROM :"tbl" WHERE id = 3;

-- type_zoo (one of the eight tables): a NULL array and a date before Date32's range, the
-- two cells of the workload's other awkward rows that none of them leaves in place.
INSERT INTO type_zoo (id, d, tags) VALUES (6, '1899-12-31', NULL) ON CONFLICT (id) DO NOTHING;
\endif

-- Last: the marker DumpTopics waits for (ids above the other workloads' 1 and 2).
INSERT INTO e2e_marker (id, token) SELECT greatest(coalesce(max(id), 0), 100) + 1, :'marker_token' FROM e2e_marker;
