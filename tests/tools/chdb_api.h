/* chdb_api.h — the part of libchdb's C API the tests use.
 *
 * The npm package that ships libchdb.so carries no header, so the seven
 * entry points we call are declared here, as chDB's stable C API (2.x,
 * ClickHouse 26.7) defines them: connections are opened with
 * clickhouse-local's command-line arguments, and results are opaque. */
#ifndef CDC_CHDB_API_H
#define CDC_CHDB_API_H

#include <stddef.h>

typedef struct chdb_connection_ { void *internal_data; } *chdb_connection;
typedef struct chdb_result_ { void *internal_data; } chdb_result;

chdb_connection *chdb_connect(int argc, char **argv);
void chdb_close_conn(chdb_connection *conn);
chdb_result *chdb_query(chdb_connection conn, const char *query, const char *format);
char *chdb_result_buffer(chdb_result *result);
size_t chdb_result_length(chdb_result *result);
const char *chdb_result_error(chdb_result *result);
void chdb_destroy_query_result(chdb_result *result);

#endif
