/* extract.h — payload_extract's engine: typed fields read from one message
 * by dot paths, in one pass when it can.
 *
 * A plan holds the fields (name, type, path relative to --path, or to the
 * event with "$.") and, compiled from them at start-up, one small tree of
 * every key any path names.  A row then takes one of two routes:
 *
 *  - the fast path: one validating walk over the message picks up the
 *    members the tree names, descends into the outbox payload string
 *    (decoded once) and walks it once;
 *  - the step-by-step lookups: dbz_decode, then json_lookup per path.
 *
 * The lookups are the definition: the fast path answers a row only when
 * its answer is provably the same bytes — a member missing or null, a path
 * stepping into an array or a scalar, a tombstone, invalid JSON, a message
 * whose shape the envelope rule (debezium.h) does not settle from the keys
 * picked, a logical decoding message (op "m", read as the record it
 * decodes to), and `--path @row` all go to the lookups.  Both follow
 * debezium.h's envelope rule; neither has one of its own. */
#ifndef CDC_EXTRACT_H
#define CDC_EXTRACT_H

#include "debezium.h"
#include "json.h"
#include "udf.h"

#define EX_MAX_FIELDS (UDF_MAX_RESULTS - 1)   /* the last result is `error` */
#define EX_MAX_NODES JSON_PICK_MAX_NODES

typedef struct ex_field {
    const char *name;
    const char *path;
    size_t path_len;
    int from_root;        /* "$.op": relative to the event, not --path */
} ex_field;

typedef struct ex_plan {
    const char *path;     /* --path: "" is the event, "@row" its row image */
    int nfields;
    ex_field fields[EX_MAX_FIELDS];
    const chtype *types;  /* one per field */
    dbz_options dbz;      /* the Debezium SMT properties given (--fields.null.include) */
    /* A runtime switch for tests and fuzzing: answer every row by the
     * lookups, the reference the fast path is compared with. */
    int lookups_only;
    unsigned long fast_rows;      /* rows the fast path answered */

    /* compiled by ex_compile; node 0 is the event, ENV the message with
     * children "payload" (whose children are the event's) and "schema" */
    int fast;
    json_pick_tree tree;
    int depth[EX_MAX_NODES];      /* segments from node 0 */
    json_pick picks[EX_MAX_NODES];
    int inner[EX_MAX_NODES];      /* per row: a string whose text was walked as an object */
    int base_node, op_node, payload_node;
    int env_node, env_payload, env_schema;
    int field_node[EX_MAX_FIELDS];
} ex_plan;

/* Once the fields and path are set: builds the tree (or leaves the plan to
 * the lookups when the paths do not fit it). */
void ex_compile(ex_plan *p);

/* Writes the row: every field, then the error text ("" when none). */
void ex_row(ex_plan *p, const char *msg, size_t n, res_writer *out, arena *a);

#endif
