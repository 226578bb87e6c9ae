/* chsql.c — run SQL in the embedded ClickHouse engine with our functions loaded.
 *
 *   chsql --scripts build/user_scripts --functions 'build/clickhouse-config/{cdc_udfs,matrix}_function.xml' \
 *         -q "SELECT debezium_unwrap('{\"op\":\"c\"}')" -f sql/experiments/02_tables.sql
 *
 * Statements run in order in one engine; each -q prints its result in
 * --format (default PrettyCompactMonoBlock).  Used by the demo and by hand. */
#include "chsession.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void chsql_usage(void) {
    fprintf(stderr,
            "usage: chsql --scripts DIR --functions GLOB [--path DATA_DIR] [--format F]\n"
            "             [--replace FROM=TO] (-q SQL | -f FILE.sql)...\n");
}

int main(int argc, char **argv) {
    const char *scripts = NULL, *functions = NULL, *path = NULL, *format = "PrettyCompactMonoBlock";
    char *from = NULL, *to = NULL;
    int first_action = 0;
    for (int i = 1; i < argc && !first_action; i++) {
        if (!strcmp(argv[i], "--scripts") && i + 1 < argc) scripts = argv[++i];
        else if (!strcmp(argv[i], "--functions") && i + 1 < argc) functions = argv[++i];
        else if (!strcmp(argv[i], "--path") && i + 1 < argc) path = argv[++i];
        else if (!strcmp(argv[i], "-q") || !strcmp(argv[i], "-f") || !strcmp(argv[i], "--format") || !strcmp(argv[i], "--replace")) first_action = i;
        else return chsql_usage(), 64;
    }
    if (!scripts || !functions || !first_action) return chsql_usage(), 64;
    chs_session *s = chs_open(scripts, functions, path);
    if (!s) return 1;
    int rc = 0;
    for (int i = first_action; i < argc && !rc; i++) {
        if (i + 1 >= argc) {
            chsql_usage();
            rc = 64;
        } else if (!strcmp(argv[i], "--format")) {
            format = argv[++i];
        } else if (!strcmp(argv[i], "--replace")) {
            from = argv[++i];
            to = strchr(from, '=');
            if (to) *to++ = 0;
        } else if (!strcmp(argv[i], "-f")) {
            rc = chs_exec_file(s, argv[++i], to ? from : NULL, to) ? 1 : 0;
        } else if (!strcmp(argv[i], "-q")) {
            char *err = NULL;
            size_t n;
            char *out = chs_query(s, argv[++i], format, &n, &err);
            if (!out) {
                fprintf(stderr, "chsql: %s\n", err);
                free(err);
                rc = 1;
            } else {
                fwrite(out, 1, n, stdout);
                free(out);
            }
        } else {
            chsql_usage();
            rc = 64;
        }
    }
    fflush(stdout);
    chs_close(s);
    return rc;
}
