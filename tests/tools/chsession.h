/* chsession.h — one embedded ClickHouse engine (libchdb) per test process,
 * loaded with our function XML and binaries exactly as a server would load
 * them (--user_scripts_path, --user_defined_executable_functions_config).
 *
 * Every "in ClickHouse" test, the demo and the benchmarks talk to the engine
 * through this: real SQL, real executable UDF processes, no mock. */
#ifndef CDC_CHSESSION_H
#define CDC_CHSESSION_H

#include <stddef.h>

typedef struct chs_session chs_session;

/* scripts_dir: where the binaries are; functions_glob: the XML files;
 * data_path: NULL for an in-memory engine.  NULL on failure (stderr says why). */
chs_session *chs_open(const char *scripts_dir, const char *functions_glob, const char *data_path);
/* The same with more engine arguments: server config keys as --key=value (e.g.
 * "--kafka.statistics_interval_ms=1000"), NULL-terminated (at most 16), or NULL. */
chs_session *chs_open_args(const char *scripts_dir, const char *functions_glob, const char *data_path,
                           const char *const *extra);
/* Must be called before exit: with executable_pool processes alive, exiting
 * without closing crashes inside libchdb. */
void chs_close(chs_session *s);

/* Runs one statement.  Returns the output (malloc'd, NUL-terminated, *len
 * set if len != NULL) or NULL with *error (malloc'd) set. */
char *chs_query(chs_session *s, const char *sql, const char *format, size_t *len, char **error);
/* Runs one statement, discarding output; returns 0 or -1 (error printed to stderr). */
int chs_exec(chs_session *s, const char *sql);
/* Runs every statement of a SQL file (split on ';' outside quotes and
 * comments), with each occurrence of `from` replaced by `to` when from != NULL.
 * Returns 0 or -1 at the first failing statement (printed). */
int chs_exec_file(chs_session *s, const char *path, const char *from, const char *to);
/* Replaces every `from` (non-empty) with `to`; returns a new string (malloc'd), NULL when out of memory. */
char *chs_replace(const char *text, const char *from, const char *to);
/* Splits SQL text into statements; calls fn for each (trimmed, non-empty).
 * Stops and returns fn's value if non-zero. */
int chs_split_sql(char *text, int (*fn)(void *ctx, const char *stmt), void *ctx);
/* The first line of a query's TabSeparated output as an integer (for counts). */
long long chs_scalar(chs_session *s, const char *sql);

#endif
