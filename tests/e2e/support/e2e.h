/* e2e.h — support for the end-to-end tests (tests/e2e/test_e2e_*.c).
 *
 * The tests run against the real stack of tests/e2e/stack.sh (PostgreSQL,
 * Kafka, Kafka Connect with Debezium), which the ctest fixture brings up
 * before and down after them.  tests/e2e/ctest.sh runs each test program
 * with the stack's settings in its environment (stack.sh env: PGHOST,
 * PGPORT, PGPASSWORD, KAFKA_BOOTSTRAP, KAFKA_CLASSPATH, CDC_E2E_RUN_DIR...).
 *
 *   Processes    e2e_sh(): a shell command, stdout captured; psql and the
 *                Kafka command-line tools (java -cp $KAFKA_CLASSPATH) on top.
 *   ClickHouse   e2e_ch_open(): the embedded engine with a data path (the
 *                Kafka engine and MergeTree need one) and our functions;
 *                e2e_ch_kafka_connection(): the pipelines' named collection
 *                cdc_kafka (sql/kafka_connection.sql) on the stack's broker;
 *                e2e_ch_apply(): a SQL file with placeholders substituted.
 *   Comparison   e2e_compare(): one SELECT in PostgreSQL, one in ClickHouse,
 *                rows matched by key and compared cell by cell, each column
 *                with its own rule (exact text, float, decimal, rounded
 *                ratio, JSON semantics).  Values travel hex-encoded, so no
 *                escaping rule of either side can blur a difference.
 *   Replicas     e2e_ddl_replica_create(): a typed replica as debezium_ddl
 *                generates it from one message (issue 16), fed by a Kafka
 *                table; e2e_replica_compare(): the replicas of the eight
 *                tables of schema.sql against PostgreSQL, column by column,
 *                the cells that cannot be equal by design counted.
 *
 * Helpers that can fail take the cmocka route (print_error + fail) and so
 * must run inside a cmocka test, except where noted. */
#ifndef CDC_E2E_H
#define CDC_E2E_H

#include <stddef.h>

#include "chsession.h"
#include "files.h"
#include "itest.h"

#if defined(__GNUC__)
#define E2E_PRINTF(f, a) __attribute__((format(printf, f, a)))
#else
#define E2E_PRINTF(f, a)
#endif

/* ------------------------------------------------------------ basics */

/* Monotonic seconds. */
double e2e_now(void);
/* A required environment variable; NULL (and a message) when unset.  Works anywhere. */
const char *e2e_env(const char *name);
/* printf into a new malloc'd string. */
char *e2e_fmt(const char *fmt, ...) E2E_PRINTF(1, 2);
/* Writes `n` bytes to `path` (0 or -1).  Works anywhere. */
int e2e_write_file(const char *path, const void *data, size_t n);
/* Logs a progress line to stderr with the time since the first call. */
void e2e_log(const char *fmt, ...) E2E_PRINTF(1, 2);

/* ------------------------------------------------------------ processes */

/* Runs `sh -c CMD` (printf-style), stdin from /dev/null unless CMD redirects
 * it, stderr inherited.  stdout is captured into *out (malloc'd) when out is
 * not NULL, else inherited.  Returns the exit status, or -1.  Works anywhere. */
int e2e_sh(char **out, const char *fmt, ...) E2E_PRINTF(2, 3);

/* psql on the stack's database (PG* from the environment), ON_ERROR_STOP.
 * e2e_psql_file: runs a file with extra psql arguments (e.g. "-v x=y"); fails the test on error. */
void e2e_psql_file(const char *path, const char *extra_args);
/* Runs SQL text (written to a temp file); fails the test on error; returns psql -At output. */
char *e2e_psql(const char *fmt, ...) E2E_PRINTF(1, 2);

/* The prefix of a java command with the Kafka jars and quiet logging:
 * `java -Xmx256m ... -cp "$KAFKA_CLASSPATH"`.  Static storage. */
const char *e2e_java(void);

/* Every record of every topic (tools/DumpTopics.java: from offset 0, the raw bytes), once
 * topic wait[2i] holds a record containing wait[2i+1] (NULL-terminated pairs) for each
 * pair and the end offsets have been stable for 2 s; written to `path` and loaded into
 * ClickHouse table `table` (topic, partition, offset, key, value: created if needed,
 * emptied first).  Heartbeat topics do not delay it.  Fails the test on an error. */
void e2e_dump_topics(chs_session *s, const char *brokers, const char *table, const char *path, const char *const *wait);

/* ------------------------------------------------------------ ClickHouse */

/* The engine with our functions and data in data_path (created), working in an Atomic
 * database `e2e` (USE e2e); session_timezone is UTC.
 * NULL on failure (printed).  Works anywhere. */
chs_session *e2e_ch_open(const char *data_path);
/* The same with more of the engine's arguments (chs_open_args, NULL-terminated, or NULL):
 * e.g. "--config-file=FILE" (a server config: <named_collections>), "--logger.log=FILE"
 * with "--log-level=information", "--kafka.statistics_interval_ms=1000".  Works anywhere. */
chs_session *e2e_ch_open_args(const char *data_path, const char *const *extra);
/* sql/kafka_connection.sql as written but for its broker list: the named collection
 * cdc_kafka that every Kafka table of sql/ reads, on `brokers` (no authentication).
 * 0, or -1 (printed).  Works anywhere. */
int e2e_ch_kafka_connection(chs_session *s, const char *brokers);
/* The dir of the function binaries: $CDC_TEST_SCRIPTS_DIR, else the build's user_scripts. */
const char *e2e_scripts_dir(void);

/* The engine in a child process, for a test that kills it: this program re-executed
 * with --engine DATA_PATH [LOG_FILE] (main() must first call e2e_engine_main), answering
 * the returned attached session (chs_attach) through two pipes.  Every helper taking a
 * chs_session works with it; chs_pid() is the engine's process.  Returns once the engine
 * answers; NULL (printed) when it does not start.  chs_close() stops it.  Works anywhere. */
chs_session *e2e_engine_start(const char *data_path, const char *log_path);
/* main()'s first call: when argv is --engine ..., runs the engine until the test closes
 * its session and returns the exit status; otherwise returns -1. */
int e2e_engine_main(int argc, char **argv);

/* Polls missing(ctx, status) every 0.3 s until it returns 0 (then logs "<what>: <status>"),
 * logging the status every 5 s; fails the test after timeout_s.  `missing` says how much
 * is still to come (rows, partitions behind...) and appends a progress line to status. */
void e2e_wait_until(const char *what, double timeout_s, long long (*missing)(void *ctx, itest_buf *status), void *ctx);
/* The first line of a query's output (printf-style) as an integer; fails the test when
 * the query fails or gives no integer. */
long long e2e_ch_count(chs_session *s, const char *fmt, ...) E2E_PRINTF(2, 3);
/* Runs every statement of `path` after replacing each subst[2i] by subst[2i+1]
 * (NULL-terminated pairs).  Returns 0, or -1 at the first failing statement
 * (printed with ClickHouse's message).  Works anywhere. */
int e2e_ch_apply(chs_session *s, const char *path, const char *const *subst);

/* ------------------------------------------------------------ comparison */

/* Column rules, one character per column of both SELECTs:
 *   T  exact bytes                         F  float: strtod equal, or both NaN
 *   R  float computed differently: equal to 1e-9 (relative)
 *   D  decimal: equal numbers as text      J  JSON: equal documents (key order,
 *      ("0.0100" = "0.01", no rounding)       spacing, number spelling ignored)
 *   1..9  rounded: the ClickHouse value is PostgreSQL's exact value rounded to n
 *      places, in either rounding mode (|a - b| <= half a unit); PostgreSQL must
 *      give the unrounded value.  NaN and infinities must match. */
typedef struct e2e_cmp {
    const char *name;        /* for the report */
    const char *pg;          /* a SELECT; any column types (to_json text forms are compared) */
    const char *ch;          /* a SELECT; every column goes through toString() */
    const char *rules;       /* one rule per column */
    int nkey;                /* the first nkey columns identify a row (compared exactly) */
} e2e_cmp;

typedef struct e2e_cmp_result {
    size_t pg_rows, ch_rows, equal_rows;
    size_t missing, extra, differing;   /* rows only in PostgreSQL / only in ClickHouse / with a differing cell */
    size_t cells;                       /* cells compared */
} e2e_cmp_result;

/* Runs both queries and compares; prints a report (every difference, up to a
 * limit) and returns the number of rows that are not equal (0 = same).  Fails
 * the test when a query fails. */
size_t e2e_compare(chs_session *s, const e2e_cmp *c, e2e_cmp_result *r);

/* JSON equality: same structure, object members as sets (duplicates: the last
 * wins, like jsonb), numbers equal as doubles, strings equal after decoding.
 * 1 equal, 0 different, -1 when either is not JSON.  Works anywhere. */
int e2e_json_equal(const char *a, size_t an, const char *b, size_t bn);

/* 1 when objects a and b have the same members in the same order with the
 * same bytes, except the members listed in `except` (NULL-terminated; a name,
 * or "outer.inner" one level down), whose values may differ: what two
 * connectors write for one change, e.g. {"ts_ms", "source.name", NULL}.
 * 0 different, -1 when either is not JSON.  Non-objects: byte equality.
 * Works anywhere. */
int e2e_json_same_except(const char *a, size_t an, const char *b, size_t bn, const char *const *except);

/* ------------------------------------------------------------ generated replicas */

/* The eight tables of tests/e2e/schema.sql that the replicas follow (connector dbz:
 * topics dbz.public.<table>). */
#define E2E_NREPLICAS 8
extern const char *const e2e_replica_tables[E2E_NREPLICAS];

/* One typed replica generated by debezium_ddl (udf/README.md). */
typedef struct e2e_ddl_replica {
    const char *db;          /* the database the configured function names (--database; created by the caller) */
    const char *table;       /* the replica: the source table's name (--table's default {table}) */
    const char *fn;          /* the configured debezium_ddl, e.g. debezium_ddl_e2e (tests/e2e/ddl_function.xml) */
    const char *first;       /* a SELECT of one row (key, message): the message the DDL is made from */
    const char *kafka;       /* the Kafka table <db>.<kafka>, as the function's --kafka-table names it: */
    const char *brokers;     /*   message String, RawBLOB, reading `topic` from `brokers` */
    const char *topic;       /*   in consumer group `group` */
    const char *group;
    char *columns;           /* out: debezium_ddl's `columns` (malloc'd) */
    const char *kafka_settings; /* more Kafka table settings ("a = 1, b = 2", "" for none);
                                   NULL: kafka_flush_interval_ms = 500 (the tests' pace) */
    int no_tap;              /* 1: no tap (a benchmark measures the replica alone) */
} e2e_ddl_replica;

/* Calls r->fn on r->first's row, creates the Kafka table, then runs every statement of
 * create_table and create_view as generated, in order.  Just before the first statement
 * that reads the Kafka table (the one that starts consuming) it adds a tap,
 * <db>.<table>_tap (topic, partition, offset, key, message, op, version, error, extra,
 * changes = the number of schema changes the message showed): every message the stage
 * gets, so no block passes unseen (none with r->no_tap).  0, or -1 (printed: the function's error, or the
 * failing statement with ClickHouse's message).  Works anywhere. */
int e2e_ddl_replica_create(chs_session *s, e2e_ddl_replica *r);

/* udf/README.md's operator step after schema changes of replica db.table: every `alter`
 * of schema_changes FINAL, then the create_view of the newest message (fn on it), then
 * every `backfill` (mutations_sync = 2: done when it returns).  `between` (if not NULL)
 * runs after the alters, before the create_view: the window where the table has its new
 * columns and the views still the old ones.  Returns the number of changes applied;
 * fails the test on a failing statement. */
size_t e2e_ddl_operator_step(chs_session *s, const char *db, const char *fn, const char *table,
                             void (*between)(void *ctx), void *ctx);

/* Runs every statement of `sql` (';'-separated, the form debezium_ddl returns); `settings`
 * (e.g. "mutations_sync = 2", or NULL) is appended to each as a SETTINGS clause.  0, or -1
 * at the first failing statement (printed).  Works anywhere. */
int e2e_ch_run(chs_session *s, const char *sql, const char *settings);

/* The keys of PostgreSQL table `table` whose newest change is a delete are gone from
 * ClickHouse table `current` (e.g. ddl.<t>_current) and from PostgreSQL.  `changes` is a
 * SELECT of (id String, op String, version UInt64): every change of the table, id as
 * PostgreSQL prints it.  Prints the count (and a few of the keys); returns it; fails the
 * test when a key is still there. */
long long e2e_deletes_gone(chs_session *s, const char *table, const char *changes, const char *current);

/* What e2e_replica_compare() found, summed over the tables. */
typedef struct e2e_replica_result {
    size_t rows, cells, differ;   /* PostgreSQL rows and cells compared; rows not equal */
    size_t out_of_range;          /* cells whose value is in _extra: outside the column type's range */
    size_t null_arrays;           /* NULL arrays: [] in the column, null in _extra */
    size_t unavailable;           /* TOASTed values no change carried: NULL, listed in _unavailable */
    size_t truncated;             /* rows an unreported TRUNCATE removed in PostgreSQL only */
} e2e_replica_result;

/* Compares the generated replica of every table of e2e_replica_tables (<t>_current in the
 * current database) with PostgreSQL, every column.  By design some cells cannot be equal;
 * each is encoded the same way on both sides and counted, never left out:
 *   - a date outside Date32 (1900-01-01 .. 2299-12-31): "_extra <value>" from the replica's
 *     _extra, compared with PostgreSQL's date;
 *   - a NULL array: [] in the column, null in _extra, compared as NULL;
 *   - a TOASTed value the last change did not carry (listed in _unavailable):
 *     "_unavailable" on both sides, PostgreSQL's value required to be over 2 kB;
 *   - `truncated_table`'s rows up to `truncate_lsn` (a TRUNCATE the connector did not report,
 *     e.g. Debezium's default skipped.operations=t): left out of the comparison, counted,
 *     and required to be gone in PostgreSQL.  NULL / 0: none.
 * Prints every table's result; returns the number of rows not equal (0 = same). */
size_t e2e_replica_compare(chs_session *s, const char *truncated_table, unsigned long long truncate_lsn,
                           e2e_replica_result *r);

#endif
