/* ddl.h — the SQL of a typed replica, generated from one Debezium message.
 *
 * Owns debezium_ddl's text: from a change event with the JSON converter's
 * schema envelope and its record key, the statements that create
 *   - the replica, ReplacingMergeTree(version, is_deleted) ordered by the
 *     key, one typed column per row field (typemap.h) plus the metadata;
 *   - the shared tables schema_changes, dbz_dead_letters, dbz_truncates;
 *   - the views from the user's Kafka table: one debezium_typed call per
 *     message into a Null stage table, fanned out by materialized views to
 *     the replica, the dead letters, the schema changes and the truncates;
 *     and the view <t>_current (the table as it is now).
 * Every statement is idempotent (IF NOT EXISTS, ADD COLUMN IF NOT EXISTS,
 * MODIFY QUERY, CREATE OR REPLACE VIEW), so running a newer message's create_view after a schema
 * change swaps the views' queries in place without dropping a view.
 *
 * Names: every identifier is backquoted (tm_put_ident); a metadata column
 * whose name a source column already has is prefixed with '_' until unique. */
#ifndef CDC_DDL_H
#define CDC_DDL_H

#include <stddef.h>

#include "arena.h"
#include "buf.h"
#include "typemap.h"

typedef struct ddl_options {
    const char *database;       /* NULL: unqualified names */
    const char *table;          /* pattern of the replica's name: {schema}, {table} ("{table}") */
    const char *kafka_table;    /* pattern of the Kafka table's name ("{table}_kafka") */
    const char *order_by;       /* "a,b": the key columns, instead of the record key's */
    tm_options tm;
} ddl_options;

typedef struct ddl_result {
    buf create_table, create_view, columns;
    char error[320];            /* "" when the statements were generated */
} ddl_result;

void ddl_options_init(ddl_options *o);
/* One --name=value option of debezium_ddl: 1 when arg is one, 0 when it
 * is not, -1 with why when its value is wrong. */
int ddl_option(const char *arg, ddl_options *o, char *why, size_t cap);
#define DDL_OPTIONS_HELP                                                                         \
    "  --database=DB       qualify every table with DB (default: unqualified)\n"                    \
    "  --table=PATTERN     the replica's name; {schema} and {table} are the source's ({table})\n"   \
    "  --kafka-table=PATTERN  the Kafka table the view reads ({table}_kafka)\n"                    \
    "  --order-by=a,b      the key columns (default: the record key's members)\n"                  \
    "  --json-type=String|JSON  io.debezium.data.Json columns as String (default) or JSON\n"       \
    "  --enum-type=Enum|LowCardinality  io.debezium.data.Enum as Enum8/16 (default) or\n"          \
    "                      LowCardinality(String)\n"

void ddl_result_init(ddl_result *r);
void ddl_result_free(ddl_result *r);

/* Generate the statements for one message and its key (a schema envelope
 * or schemaless JSON object; empty when --order-by names the key).  On
 * failure r->error says why and the texts are empty. */
void ddl_generate(const ddl_options *o, const char *key, size_t kn, const char *msg, size_t mn, arena *a,
                  ddl_result *r);

#endif
