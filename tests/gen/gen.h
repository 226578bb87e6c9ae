/* gen.h — the core of the message generator (tests/gen): seeded random
 * numbers, a byte builder with JSON string escaping, UTC time formatting,
 * UUIDs, the message list with its delivery order, and the Debezium
 * PostgreSQL change-event envelope.
 *
 * Every message shape is copied from the captured fixtures
 * (tests/fixtures/debezium/plain/: Debezium 3.1.3, pgoutput, JSON converter
 * with schemas.enable=false): member order, "source" block, snapshot markers,
 * key-only "before" images of deletes (REPLICA IDENTITY DEFAULT), tombstones.
 *
 * Determinism: the same seed gives byte-identical output on every platform
 * (splitmix64, integer time arithmetic, no locale, no libc time functions). */
#ifndef CDC_GEN_H
#define CDC_GEN_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "bytes.h"
#include "rng.h"

/* ------------------------------------------------------------------ PRNG */

/* The test-support library's splitmix64 (tests/support/rng.h). */
typedef trng gen_rng;
#define gen_next trng_next
#define gen_below trng_below
#define gen_range trng_range
#define gen_chance trng_chance

/* --------------------------------------------------------------- bytes */

/* The byte buffer is the test-support library's (tests/support/bytes.h). */
typedef tbuf gen_buf;
#define gen_put tb_put
#define gen_puts tb_puts
#define gen_printf tb_printf
#define gen_buf_clear tb_clear
#define gen_buf_free tb_free
/* A JSON string literal of s (quotes included), or null when s is NULL. */
void gen_json_str(gen_buf *b, const char *s);

/* ---------------------------------------------------------------- time */

#define GEN_US_PER_SEC 1000000LL
#define GEN_US_PER_HOUR (3600LL * GEN_US_PER_SEC)
#define GEN_US_PER_DAY (86400LL * GEN_US_PER_SEC)

/* Days since 1970-01-01 of a Gregorian date. */
int64_t gen_days_from_civil(int64_t y, int m, int d);
/* Microseconds since the epoch of a UTC date and time. */
int64_t gen_utc(int y, int mo, int d, int h, int mi, int s);
/* "2024-04-01T08:00:30.000Z" style: `frac` fraction digits (0..6), 'T'
 * between date and time, 'Z' at the end (years 0..9999).  out: 40 bytes. */
void gen_iso(char *out, int64_t us, int frac);
/* "2024-04-01" of a day number.  out: 24 bytes. */
void gen_date(char *out, int64_t day);
static inline int64_t gen_floor_div(int64_t a, int64_t b) { return a / b - ((a % b != 0) && ((a < 0) != (b < 0))); }

/* A Debezium "precise" decimal (decimal.handling.mode=precise, the default):
 * the unscaled value as the shortest big-endian two's complement bytes
 * (Java's BigInteger.toByteArray), base64-encoded, as a JSON string. */
void gen_json_decimal(gen_buf *b, int64_t unscaled);

/* A random version-4 UUID, lower case. */
void gen_uuid(gen_rng *r, char out[37]);

/* ------------------------------------------------------------ messages */

typedef enum gen_kind {
    GEN_CHANGE,       /* a change event (or plain event) the pipeline must apply */
    GEN_TOMBSTONE,    /* the empty value after a delete: ignored, not an error */
    GEN_IGNORED,      /* a valid message the pipeline skips on purpose (outbox clean-up deletes) */
    GEN_DUPLICATE,    /* an exact copy of an earlier message (at-least-once delivery) */
    GEN_JUNK          /* must end up in the dead-letter table */
} gen_kind;

typedef struct gen_msgs {
    gen_buf data;     /* every message back to back */
    size_t *off, *len;
    unsigned char *kind;
    int64_t *order;   /* delivery key: messages go out sorted by it (stable) */
    size_t n, cap;
} gen_msgs;

void gen_msgs_add(gen_msgs *m, int64_t order, gen_kind kind, const char *s, size_t n);
/* Message i; valid until the next add. */
const char *gen_msg(const gen_msgs *m, size_t i, size_t *n);
/* Puts the messages in delivery order (stable sort on `order`). */
void gen_msgs_sort(gen_msgs *m);
size_t gen_msgs_count(const gen_msgs *m, gen_kind kind);
/* One message per line, TabSeparated-escaped (\\ \t \n \r \0): the input of
 * `INSERT … SELECT * FROM file(path, 'TabSeparated', 'message String')`. */
int gen_msgs_write_tsv(const gen_msgs *m, FILE *f);
void gen_msgs_free(gen_msgs *m);

/* ------------------------------------------------- Debezium (PostgreSQL) */

/* One connector's running position: LSN and transaction ids grow with
 * every commit, as pgoutput reports them. */
typedef struct gen_dbz {
    const char *name;         /* topic.prefix, "source.name" */
    const char *db;           /* database name */
    uint64_t lsn, txid;
    uint64_t commit_lsn;      /* LSN of the last commit (first half of "sequence") */
} gen_dbz;

typedef struct gen_change {
    char op;                  /* r c u d */
    const char *schema, *table;
    const char *before;       /* JSON object text, or NULL for null */
    const char *after;
    const char *snapshot;     /* "first", "true", "last_in_data_collection", …; "false" when streaming */
    uint64_t lsn, txid;
    int64_t source_us;        /* when the change was committed */
    int64_t ts_us;            /* when Debezium processed it */
} gen_change;

void gen_dbz_init(gen_dbz *c, const char *name, const char *db, uint64_t first_lsn, uint64_t first_txid);
/* Starts a transaction: the next txid and LSN. */
void gen_dbz_begin(gen_dbz *c, gen_change *ch);
/* The next change inside the current transaction (LSN moves on). */
void gen_dbz_next(gen_dbz *c, gen_change *ch);
/* Appends the change event (bare envelope, as schemas.enable=false writes it). */
void gen_dbz_write(gen_buf *out, const gen_dbz *c, const gen_change *ch);
/* The snapshot marker of row i of n in one table (first table of the
 * snapshot when first_table, last table when last_table). */
const char *gen_dbz_snapshot_marker(size_t i, size_t n, int first_table, int last_table);

/* Typical junk found on a CDC topic: truncated JSON, plain text, a JSON
 * array, a heartbeat, transaction metadata.  `variant` picks the kind
 * (any value; taken modulo the number of kinds), `serial` makes it unique. */
void gen_junk_common(gen_buf *out, unsigned variant, uint64_t serial);
#define GEN_JUNK_COMMON_KINDS 5

#endif
