/* pipeline.h — running a pipeline of sql/ in the embedded engine, for the
 * pipeline tests (tests/integration/test_pipeline_*.c).
 *
 * The files of sql/<pipeline>/ are applied as written, in file-name order,
 * into a fresh Atomic database (refreshable views need one; it is also the
 * server default).  The one substitution is the Kafka source: in every
 * statement containing `ENGINE = Kafka`, the text from there to the end of
 * the statement becomes `ENGINE = Null`.  The table keeps its columns, and
 * inserting into it fires the materialized views exactly as a block read
 * from Kafka would (tests/demo.sh does the same swap with sed; see
 * sql/README.md).
 *
 * Query helpers fail the running cmocka test on error (itest.h). */
#ifndef CDC_PIPELINE_H
#define CDC_PIPELINE_H

#include <stddef.h>

#include "gen.h"
#include "itest.h"

/* The statement with its Kafka engine clause swapped for ENGINE = Null
 * (a copy, malloc'd; unchanged when it has none). */
char *pipeline_swap_kafka(const char *stmt);

/* The embedded engine has no PostgreSQL: every dictionary of the current
 * database that reads SOURCE(POSTGRESQL(... TABLE 't')) is recreated, its
 * own CREATE otherwise unchanged (columns, layout, lifetime), to read a
 * Memory table src_<t> of the dictionary's columns, created empty here for
 * the test to fill.  e2e (test_e2e_dictionaries) reads the real PostgreSQL. */
void pipeline_dictionaries_from_tables(chs_session *s);

/* The whole file (malloc'd, NUL-terminated); fails the test when unreadable. */
char *pipeline_read(const char *path);

/* Creates database `db` (Atomic), makes it current, and applies
 * every .sql file of SOURCE_DIR/sql/<name>, in name order, with the Kafka swap. */
void pipeline_apply(chs_session *s, const char *name, const char *db);

/* Runs every statement of the file at `path` (absolute, or relative to
 * SOURCE_DIR), with the Kafka swap, in the current database. */
void pipeline_exec_file(chs_session *s, const char *path);
/* The same, with every `from` in the text replaced by `to` first. */
void pipeline_exec_file_replacing(chs_session *s, const char *path, const char *from, const char *to);

/* Appends each statement of the file at `path` (as pipeline_exec_file
 * finds it), unchanged but for the final `;`, to `out`. */
void pipeline_file_statements(const char *path, itest_rows *out);

/* Appends to `rows` a Debezium (PostgreSQL) change event without an after
 * image, as the connector writes a delete or truncate: server / db / schema /
 * table name the source, `before` and `lsn` are JSON text put in as given
 * (so that a test can write an LSN out of range), op is 'd' or 't'. */
void pipeline_add_change(itest_rows *rows, const char *server, const char *db, const char *schema,
                         const char *table, const char *before, const char *lsn, char op);

/* Inserts messages [from, to) of m, in delivery order, as one block, into
 * the one column of a Kafka source (`message`, or seed 001's `payload`). */
void pipeline_insert(chs_session *s, const char *table, const gen_msgs *m, size_t from, size_t to);

/* Inserts all of m in `blocks` blocks, then delivers block `again` a second
 * time (a Kafka re-delivery after a failed view), after the last block. */
void pipeline_stream(chs_session *s, const char *table, const gen_msgs *m, size_t blocks, size_t again);

/* SYSTEM REFRESH VIEW + SYSTEM WAIT VIEW: a refreshable view's table is current. */
void pipeline_refresh(chs_session *s, const char *view);

/* Every GEN_JUNK message of m is in `dead_table` (FINAL) with a non-empty
 * error, and nothing else is. */
void pipeline_assert_dead_letters(chs_session *s, const char *dead_table, const gen_msgs *m);

/* Inserts a fixture file's record values (tests/fixtures/debezium/<rel>;
 * a null value arrives as an empty message, like a tombstone) into table. */
void pipeline_insert_fixture(chs_session *s, const char *table, const char *rel);

/* Appends the lines of text to out, sorted (a GROUP BY's or FINAL's row
 * order is not part of its answer); each line ends in a newline. */
void pipeline_put_sorted_lines(itest_buf *out, const char *text);

/* Everything the pipeline in database db stores or reports, as text: every
 * view (but the monitoring ones) and every stored table under FINAL, rows
 * sorted, without the columns that record when a row arrived (DEFAULT now…).
 * Refreshable views are refreshed first.  Aggregate states are left to the
 * views that finalize them; dead letters (one row per message, received_at
 * changing) are left to pipeline_assert_dead_letters; a plain MergeTree is an
 * append-only change log (orders_final) that records every delivery, so it
 * has no FINAL and is left out — the views over it must still not change.
 * Equal before and after
 * a re-delivery or a replay: nothing changed. */
char *pipeline_fingerprint(chs_session *s, const char *db);

/* |got - want| <= tol, with a message naming `what` on failure. */
#define pipeline_assert_near(got, want, tol, what) \
    pipeline_assert_near_at(__FILE__, __LINE__, (got), (want), (tol), (what))
void pipeline_assert_near_at(const char *file, int line, double got, double want, double tol, const char *what);

#endif
