/* itest.h — shared support for the integration tests (tests/integration/test_*.c).
 *
 * Every integration test runs real SQL in one embedded ClickHouse engine per
 * process (tests/tools/chsession.h) that loads our function XML and runs our
 * binaries.  This module adds what every such test needs on top of it:
 *
 *   Session      itest_open()/itest_close(): the engine with our functions,
 *                binaries from $CDC_TEST_SCRIPTS_DIR when set (e.g. the
 *                sanitizer build's user_scripts) else the build's SCRIPTS_DIR.
 *   Queries      itest_query/itest_exec/itest_scalar/itest_query_table: SQL
 *                built printf-style; a failing statement fails the running
 *                cmocka test at the caller's file:line with ClickHouse's error.
 *   Asserts      itest_assert_query/itest_assert_scalar: exact output checks
 *                with the first differing line shown; itest_assert_every_variant:
 *                one query through all six format x mode variants of a function.
 *   Bulk input   itest_rows + itest_insert_strings(): many String rows (any
 *                bytes: NUL, invalid UTF-8, newlines) into a table in one
 *                INSERT through a RowBinary temp file read by file(); inserting
 *                into a Null-engine table fires its materialized views like a
 *                Kafka engine source would.
 *   Building     itest_buf (growable bytes, JSON string escaping),
 *                itest_sql_string (a safe SQL literal of any bytes),
 *                itest_rng (seeded splitmix64: reproducible corpora).
 *   Corpus       itest_outbox_*(): realistic Debezium (PostgreSQL, JSON
 *                converter) change events of an outbox table whose `payload`
 *                column holds the experiment event as JSON text, with or
 *                without the schema envelope.
 *
 * Usage (cmocka; one session for the whole group):
 *
 *   static int setup(void **state) { *state = itest_open(); return *state ? 0 : -1; }
 *   static int teardown(void **state) { itest_close(*state); return 0; }
 *   static void test_x(void **state) {
 *       chs_session *s = *state;
 *       itest_assert_scalar(s, 3, "SELECT count() FROM %s", "t");
 *   }
 *
 * SQL passed to the printf-style helpers is a format string: write a literal
 * '%' as "%%".  Strings returned by the helpers are malloc'd: free() them.
 * The query helpers may only be called from inside a cmocka test (they fail
 * through cmocka); itest_open/itest_close and the builders work anywhere. */
#ifndef CDC_ITEST_H
#define CDC_ITEST_H

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

#include "bytes.h"
#include "rng.h"
#include "chsession.h"

#if defined(__GNUC__)
#define ITEST_PRINTF(f, a) __attribute__((format(printf, f, a)))
#else
#define ITEST_PRINTF(f, a)
#endif

/* ------------------------------------------------------------- session */

/* Directory the engine runs our binaries from: $CDC_TEST_SCRIPTS_DIR if set
 * and non-empty, else the build's user_scripts (SCRIPTS_DIR). */
const char *itest_scripts_dir(void);
/* The function XML glob (FUNCTIONS_GLOB: ours plus the test-only matrix). */
const char *itest_functions_glob(void);

/* Opens the in-memory engine with our functions; NULL on failure (stderr
 * says why).  Prints the scripts directory in use to stderr when it was
 * overridden.  Call itest_close() before the process exits — always: with
 * pool processes alive, exiting without it crashes inside libchdb. */
chs_session *itest_open(void);
void itest_close(chs_session *s);

/* ------------------------------------------------------------- queries */

/* Runs the statement (printf-style) and returns its output in `format`
 * (NULL = TabSeparated), *len set when len != NULL.  On error: fails the
 * current test showing the SQL and ClickHouse's message. */
#define itest_query(s, ...) itest_query_at(__FILE__, __LINE__, (s), NULL, NULL, __VA_ARGS__)
#define itest_query_as(s, format, len, ...) itest_query_at(__FILE__, __LINE__, (s), (format), (len), __VA_ARGS__)
/* Runs a statement, discarding its output. */
#define itest_exec(s, ...) free(itest_query_at(__FILE__, __LINE__, (s), NULL, NULL, __VA_ARGS__))
/* The first line of the output as a signed integer; fails if it is not one. */
#define itest_scalar(s, ...) itest_scalar_at(__FILE__, __LINE__, (s), __VA_ARGS__)
/* Expects the statement to FAIL; returns ClickHouse's error text (malloc'd).
 * Fails the test if it succeeded. */
#define itest_query_error(s, ...) itest_query_error_at(__FILE__, __LINE__, (s), __VA_ARGS__)
/* Runs the statement; NULL + *error (malloc'd) on failure, never fails the test. */
char *itest_try_query(chs_session *s, char **error, const char *fmt, ...) ITEST_PRINTF(3, 4);

/* Exact output (TabSeparated, trailing newline included) must equal `expected`. */
#define itest_assert_query(s, expected, ...) itest_assert_query_at(__FILE__, __LINE__, (s), (expected), __VA_ARGS__)
/* The format x mode variants every function is defined in
 * (tests/integration/matrix_function.xml): the suffixes of its names, ""
 * being the shipped definition (JSONEachRow, pooled). */
#define ITEST_NVARIANTS ((size_t)6)
extern const char *const itest_variants[ITEST_NVARIANTS];
/* The engine answers `expected` through every variant of function `fn`:
 * `query` holds one %s, where the variant's name (fn and a suffix) goes
 * (a literal percent sign as %%).  Each name is printed once it passed. */
#define itest_assert_every_variant(s, expected, fn, query) \
    itest_assert_every_variant_at(__FILE__, __LINE__, (s), (expected), (fn), (query))
/* The first line of the output as an integer must equal `expected`. */
#define itest_assert_scalar(s, expected, ...) itest_assert_scalar_at(__FILE__, __LINE__, (s), (long long)(expected), __VA_ARGS__)

/* TabSeparated output parsed into unescaped cells (\t \n \\ \0 … decoded;
 * cell lengths kept, so NUL bytes survive). */
typedef struct itest_table {
    size_t nrows, ncols;        /* ncols: of the first row (all rows are checked to match) */
    char **cell;                /* nrows * ncols, row-major, each NUL-terminated */
    size_t *len;                /* byte length of each cell */
} itest_table;
#define itest_query_table(s, ...) itest_query_table_at(__FILE__, __LINE__, (s), __VA_ARGS__)
/* Cell (row, col); fails the test when out of range. */
const char *itest_cell(const itest_table *t, size_t row, size_t col);
void itest_table_free(itest_table *t);
/* Parses TabSeparated text; NULL if rows have differing column counts. */
itest_table *itest_parse_tsv(const char *text, size_t n);

/* --------------------------------------------------------- byte buffers */

/* The byte buffer is the test-support library's (tests/support/bytes.h);
 * the integration tests keep calling it by these names. */
typedef tbuf itest_buf;
#define itest_buf_put tb_put
#define itest_buf_puts tb_puts
#define itest_buf_putc tb_putc
#define itest_buf_printf tb_printf
#define itest_buf_vprintf tb_vprintf
#define itest_buf_clear tb_clear
#define itest_buf_free tb_free
#define itest_buf_take tb_take
/* A JSON string literal of [s, s+n) (quotes included): '"', '\\' and
 * control characters escaped (\n \t … or \u00XX); bytes >= 0x80 copied as
 * they are (the input should be UTF-8).  With ascii_only, every non-ASCII
 * UTF-8 sequence is written as \uXXXX (surrogate pairs above U+FFFF) instead. */
void itest_buf_json_string(itest_buf *b, const char *s, size_t n, int ascii_only);

/* A ClickHouse string literal of any bytes: '…' with ' and \ escaped and
 * every byte outside printable ASCII as \xHH.  malloc'd. */
char *itest_sql_string(const char *s, size_t n);

/* ------------------------------------------------------------ row lists */

typedef struct itest_rows {
    itest_buf data;             /* all rows back to back */
    size_t *off, *len;
    size_t count, cap;
} itest_rows;

void itest_rows_add(itest_rows *r, const void *s, size_t n);
void itest_rows_adds(itest_rows *r, const char *s);
void itest_rows_addf(itest_rows *r, const char *fmt, ...) ITEST_PRINTF(2, 3);
/* Row i (pointer valid until the next add), *n = its length. */
const char *itest_rows_get(const itest_rows *r, size_t i, size_t *n);
void itest_rows_free(itest_rows *r);

/* Inserts every row of `rows`, in order, as one String column `column` of
 * `table` ("t" or "db.t"; other columns take their defaults) with a single
 * INSERT … SELECT * FROM file(<temp RowBinary file>); column NULL: the
 * table's one column, whatever its name (a Kafka source's).  Fails the test
 * on error; returns the number of rows sent. */
#define itest_insert_strings(s, table, column, rows) \
    itest_insert_strings_at(__FILE__, __LINE__, (s), (table), (column), (rows))
/* General form: `rowbinary` holds rows already encoded as RowBinary for
 * `structure` (e.g. "k UInt64, message String"); the INSERT is
 * `INSERT INTO <target> SELECT * FROM file(<temp>, 'RowBinary', '<structure>')`
 * with target e.g. "t (k, message)". */
#define itest_insert_rowbinary(s, target, structure, rowbinary) \
    itest_insert_rowbinary_at(__FILE__, __LINE__, (s), (target), (structure), (rowbinary))
/* RowBinary encoders for itest_insert_rowbinary (the library's). */
#define itest_rb_string tb_rb_string
#define itest_rb_u64(b, v) tb_le((b), (v), 8)
#define itest_rb_i64(b, v) tb_le((b), (uint64_t)(v), 8)
#define itest_rb_u8(b, v) tb_le((b), (v), 1)

/* ------------------------------------------------------------------ PRNG */

/* The library's splitmix64 (tests/support/rng.h), by the names the tests use. */
typedef trng itest_rng;
#define itest_rng_next trng_next
#define itest_rng_below trng_below
#define itest_rng_pct trng_pct

/* --------------------------------------------------------- outbox corpus */

/* One Debezium change event of the seed's outbox table (public.outbox_events:
 * id, aggregate_type, aggregate_id, event_type, payload, created_at) as the
 * PostgreSQL connector writes it through the JSON converter.  Fill with
 * itest_outbox_random(), adjust, then itest_outbox_write(). */
typedef struct itest_outbox {
    char op;                    /* 'c', 'r', 'u' (after only) or 'd' (before only, after null) */
    int envelope;               /* 1: {"schema":…,"payload":{…}}; 0: the bare change object */
    int tx_metadata;            /* 1: "transaction":{…} (provide.transaction.metadata) else null */
    uint64_t lsn, tx_id;
    int64_t source_ts_ms, ts_ms;
    unsigned aggregate_id;
    /* The experiment event held (as JSON text) in after.payload. */
    char id[40];                /* UUID */
    uint32_t experiment_id, variant_id;
    char user_id[96], variant_key[64], event_type[32], session_id[64];
    char timestamp[48];         /* ISO-8601: T or space, 0–9 fraction digits, Z / ±hh:mm / none */
    char assignment_at[48];     /* same forms; "" = JSON null */
    char properties[512];       /* a JSON object's text */
    int payload_pretty;         /* PostgreSQL jsonb::text style `"k" : v, ` instead of compact */
    int payload_shuffle;        /* members of the payload in a random order */
    int ascii_escapes;          /* non-ASCII written as \uXXXX in the payload strings */
} itest_outbox;

/* A random, realistic event: op mostly c/r, some u and d; ~1/3 with the
 * envelope; strings with quotes, backslashes, control characters, accents,
 * CJK and astral-plane characters; timestamps in every accepted form. */
void itest_outbox_random(itest_rng *r, itest_outbox *o);
/* Appends the message (one Kafka record value) to out.  `r` only orders
 * the payload members when payload_shuffle is set. */
void itest_outbox_write(itest_rng *r, const itest_outbox *o, itest_buf *out);

/* ------------------------------------------------- implementation hooks */

char *itest_query_at(const char *file, int line, chs_session *s, const char *format, size_t *len, const char *fmt, ...)
    ITEST_PRINTF(6, 7);
long long itest_scalar_at(const char *file, int line, chs_session *s, const char *fmt, ...) ITEST_PRINTF(4, 5);
char *itest_query_error_at(const char *file, int line, chs_session *s, const char *fmt, ...) ITEST_PRINTF(4, 5);
void itest_assert_query_at(const char *file, int line, chs_session *s, const char *expected, const char *fmt, ...)
    ITEST_PRINTF(5, 6);
void itest_assert_scalar_at(const char *file, int line, chs_session *s, long long expected, const char *fmt, ...)
    ITEST_PRINTF(5, 6);
void itest_assert_every_variant_at(const char *file, int line, chs_session *s, const char *expected, const char *fn,
                                   const char *query);
itest_table *itest_query_table_at(const char *file, int line, chs_session *s, const char *fmt, ...) ITEST_PRINTF(4, 5);
size_t itest_insert_strings_at(const char *file, int line, chs_session *s, const char *table, const char *column,
                               const itest_rows *rows);
void itest_insert_rowbinary_at(const char *file, int line, chs_session *s, const char *target, const char *structure,
                               const itest_buf *rowbinary);

/* The processes this process started (the engine's UDF processes), from
 * /proc: for each, fn gets its pid, command name, CPU seconds so far (user +
 * system), peak and current resident size (VmHWM, VmRSS, kB; 0 if unknown). */
typedef struct itest_child {
    int pid;
    char comm[32];
    double cpu_s;
    long hwm_kb;
    long rss_kb;
} itest_child;
void itest_for_each_child(void (*fn)(void *ctx, const itest_child *c), void *ctx);
/* The same for the children of process `parent` (e.g. an engine in a child process). */
void itest_for_each_child_of(long parent, void (*fn)(void *ctx, const itest_child *c), void *ctx);

#endif
