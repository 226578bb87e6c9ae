/* pipeline.c — applying sql/<pipeline> with the Kafka source swapped, and feeding it (see pipeline.h). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "pipeline.h"

#include <dirent.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#ifndef SOURCE_DIR
#define SOURCE_DIR "."
#endif
#ifndef FIXTURES_DIR
#define FIXTURES_DIR SOURCE_DIR "/tests/fixtures"
#endif

#define PIPELINE_KAFKA "ENGINE = Kafka"
#define PIPELINE_NULL "ENGINE = Null"

char *pipeline_swap_kafka(const char *stmt) {
    itest_buf out = {0};
    const char *p = stmt, *hit;
    while ((hit = strstr(p, PIPELINE_KAFKA))) {
        itest_buf_put(&out, p, (size_t)(hit - p));
        itest_buf_puts(&out, PIPELINE_NULL);
        const char *end = strchr(hit, ';');   /* the statement's end, or the text's */
        p = end ? end : hit + strlen(hit);
    }
    itest_buf_puts(&out, p);
    return itest_buf_take(&out);
}

char *pipeline_read(const char *path) {
    FILE *f = fopen(path, "rb");
    if (!f) {
        print_error("cannot open %s\n", path);
        fail();
    }
    itest_buf b = {0};
    char chunk[8192];
    size_t n;
    while ((n = fread(chunk, 1, sizeof(chunk), f)) > 0) itest_buf_put(&b, chunk, n);
    fclose(f);
    return itest_buf_take(&b);
}

static int pipeline_exec_stmt(void *ctx, const char *stmt) {
    char *err = NULL;
    char *out = chs_query(ctx, stmt, "TabSeparated", NULL, &err);
    if (!out) {
        print_error("statement failed:\n%s\nerror: %s\n", stmt, err ? err : "?");
        free(err);
        return -1;
    }
    free(out);
    return 0;
}

static int pipeline_name_cmp(const void *a, const void *b) {
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* The *.sql files of dir, sorted; *n set.  Names are malloc'd. */
static char **pipeline_sql_files(const char *dir, size_t *n) {
    DIR *d = opendir(dir);
    if (!d) {
        print_error("cannot open directory %s\n", dir);
        fail();
    }
    char **names = NULL;
    size_t count = 0;
    struct dirent *e;
    while ((e = readdir(d))) {
        size_t len = strlen(e->d_name);
        if (len < 5 || strcmp(e->d_name + len - 4, ".sql") != 0) continue;
        names = realloc(names, (count + 1) * sizeof(*names));
        names[count++] = strdup(e->d_name);
    }
    closedir(d);
    qsort(names, count, sizeof(*names), pipeline_name_cmp);
    *n = count;
    return names;
}

/* The file's text with the Kafka swap (malloc'd); relative paths from SOURCE_DIR. */
static char *pipeline_read_swapped(const char *path) {
    const char *dir = path[0] == '/' ? "" : SOURCE_DIR "/";
    size_t n = strlen(dir) + strlen(path) + 1;
    char *full = malloc(n);
    snprintf(full, n, "%s%s", dir, path);
    char *text = pipeline_read(full), *swapped = pipeline_swap_kafka(text);
    free(full);
    free(text);
    return swapped;
}

void pipeline_exec_file(chs_session *s, const char *path) { pipeline_exec_file_replacing(s, path, NULL, NULL); }

void pipeline_exec_file_replacing(chs_session *s, const char *path, const char *from, const char *to) {
    char *text = pipeline_read_swapped(path);
    if (from) {
        char *replaced = chs_replace(text, from, to);
        assert_non_null(replaced);
        free(text);
        text = replaced;
    }
    int rc = chs_split_sql(text, pipeline_exec_stmt, s);
    if (rc) print_error("in %s\n", path);
    assert_int_equal(rc, 0);
    free(text);
}

static int pipeline_collect_stmt(void *ctx, const char *stmt) {
    itest_rows_adds(ctx, stmt);
    return 0;
}

void pipeline_file_statements(const char *path, itest_rows *out) {
    char *text = pipeline_read_swapped(path);
    chs_split_sql(text, pipeline_collect_stmt, out);
    free(text);
}

void pipeline_apply(chs_session *s, const char *name, const char *db) {
    itest_exec(s, "DROP DATABASE IF EXISTS %s SYNC", db);
    itest_exec(s, "CREATE DATABASE %s ENGINE = Atomic", db);
    itest_exec(s, "USE %s", db);
    char dir[4096];
    snprintf(dir, sizeof(dir), "%s/sql/%s", SOURCE_DIR, name);
    size_t n;
    char **files = pipeline_sql_files(dir, &n);
    assert_true(n > 0);
    for (size_t i = 0; i < n; i++) {
        char path[4200];
        snprintf(path, sizeof(path), "%s/%s", dir, files[i]);
        pipeline_exec_file(s, path);
        free(files[i]);
    }
    free(files);
}

void pipeline_insert(chs_session *s, const char *table, const gen_msgs *m, size_t from, size_t to) {
    itest_rows rows = {0};
    for (size_t i = from; i < to && i < m->n; i++) {
        size_t len;
        const char *msg = gen_msg(m, i, &len);
        itest_rows_add(&rows, msg, len);
    }
    itest_insert_strings(s, table, NULL, &rows);
    itest_rows_free(&rows);
}

void pipeline_stream(chs_session *s, const char *table, const gen_msgs *m, size_t blocks, size_t again) {
    size_t per = (m->n + blocks - 1) / blocks;
    for (size_t b = 0; b < blocks; b++) pipeline_insert(s, table, m, b * per, (b + 1) * per);
    pipeline_insert(s, table, m, again * per, (again + 1) * per);
}

void pipeline_refresh(chs_session *s, const char *view) {
    itest_exec(s, "SYSTEM REFRESH VIEW %s", view);
    itest_exec(s, "SYSTEM WAIT VIEW %s", view);
}

void pipeline_assert_dead_letters(chs_session *s, const char *dead_table, const gen_msgs *m) {
    itest_rows junk = {0};
    for (size_t i = 0; i < m->n; i++) {
        size_t len;
        const char *msg = gen_msg(m, i, &len);
        if (m->kind[i] == GEN_JUNK) itest_rows_add(&junk, msg, len);
    }
    assert_true(junk.count > 0);
    itest_exec(s, "CREATE TABLE IF NOT EXISTS expected_junk (message String) ENGINE = Memory");
    itest_exec(s, "TRUNCATE TABLE expected_junk");
    itest_insert_strings(s, "expected_junk", "message", &junk);
    itest_assert_scalar(s, junk.count, "SELECT uniqExact(message) FROM expected_junk");
    itest_assert_scalar(s, junk.count, "SELECT count() FROM %s FINAL", dead_table);
    itest_assert_scalar(s, 0, "SELECT count() FROM expected_junk WHERE message NOT IN "
                              "(SELECT message FROM %s FINAL WHERE error != '')", dead_table);
    itest_rows_free(&junk);
}

void pipeline_insert_fixture(chs_session *s, const char *table, const char *rel) {
    itest_exec(s, "INSERT INTO %s SELECT JSONExtractString(line, 'value') FROM file('%s/debezium/%s', 'LineAsString', 'line String')",
               table, FIXTURES_DIR, rel);
}

void pipeline_assert_near_at(const char *file, int line, double got, double want, double tol, const char *what) {
    if (fabs(got - want) <= tol) return;
    print_error("%s: got %.9f, want %.9f (tolerance %g)\n", what, got, want, tol);
    _fail(file, line);
}

void pipeline_add_change(itest_rows *rows, const char *server, const char *db, const char *schema,
                         const char *table, const char *before, const char *lsn, char op) {
    itest_rows_addf(rows,
                    "{\"before\":%s,\"after\":null,\"source\":{\"version\":\"3.1.3.Final\",\"connector\":\"postgresql\","
                    "\"name\":\"%s\",\"ts_ms\":1714557600000,\"snapshot\":\"false\",\"db\":\"%s\",\"schema\":\"%s\","
                    "\"table\":\"%s\",\"txId\":77,\"lsn\":%s},\"transaction\":null,\"op\":\"%c\",\"ts_ms\":1714557600001}",
                    before, server, db, schema, table, lsn, op);
}

/* The views of sql/monitoring.sql: they describe the tables, so they change
 * with every insert and are left out of the fingerprint. */
#define PIPELINE_MONITORING_VIEWS "('kafka_consumer_lag', 'kafka_consumer_errors', 'kafka_consumer_stalled', 'dead_letter_summary', 'table_sizes', 'table_freshness')"

static int pipeline_line_cmp(const void *a, const void *b) { return strcmp(*(char *const *)a, *(char *const *)b); }

void pipeline_put_sorted_lines(itest_buf *out, const char *text) {
    char *copy = strdup(text), **lines = NULL, *save = NULL;
    size_t n = 0;
    for (char *l = strtok_r(copy, "\n", &save); l; l = strtok_r(NULL, "\n", &save)) {
        lines = realloc(lines, (n + 1) * sizeof(*lines));
        lines[n++] = l;
    }
    qsort(lines, n, sizeof(*lines), pipeline_line_cmp);
    for (size_t i = 0; i < n; i++) itest_buf_printf(out, "%s\n", lines[i]);
    free(lines);
    free(copy);
}

char *pipeline_fingerprint(chs_session *s, const char *db) {
    itest_table *refresh = itest_query_table(s, "SELECT view FROM system.view_refreshes WHERE database = '%s'", db);
    for (size_t i = 0; i < refresh->nrows; i++) pipeline_refresh(s, itest_cell(refresh, i, 0));
    itest_table_free(refresh);
    itest_table *t = itest_query_table(s,
        "SELECT name, engine = 'View' FROM system.tables WHERE database = '%s' AND name NOT IN " PIPELINE_MONITORING_VIEWS
        "  AND name != 'monitoring_scope' AND name NOT LIKE '%%dead_letters' "
        "  AND (engine = 'View' OR (engine LIKE '%%MergeTree' AND engine NOT LIKE 'Aggregating%%' AND engine != 'MergeTree')) "
        "ORDER BY name", db);
    assert_true(t->nrows >= 1);
    itest_buf out = {0};
    for (size_t i = 0; i < t->nrows; i++) {
        const char *name = itest_cell(t, i, 0);
        char *rows;
        if (!strcmp(itest_cell(t, i, 1), "1")) {
            rows = itest_query(s, "SELECT * FROM %s", name);
        } else {
            char *cols = itest_query(s, "SELECT arrayStringConcat(groupArray(concat('`', name, '`')), ', ') FROM system.columns "
                                        "WHERE database = '%s' AND table = '%s' "
                                        "AND NOT (default_kind != '' AND default_expression ILIKE '%%now%%') FORMAT TSVRaw", db, name);
            cols[strcspn(cols, "\n")] = 0;
            rows = itest_query(s, "SELECT %s FROM %s FINAL", cols, name);
            free(cols);
        }
        itest_buf_printf(&out, "== %s\n", name);
        pipeline_put_sorted_lines(&out, rows);
        free(rows);
    }
    itest_table_free(t);
    return itest_buf_take(&out);
}

/* One dictionary's source swapped, as pipeline_dictionaries_from_tables says. */
static void pipeline_dictionary_from_table(chs_session *s, const char *dict) {
    static const char pg[] = "SOURCE(POSTGRESQL(", tab[] = "TABLE '";
    char *ddl = itest_query(s, "SELECT create_table_query FROM system.tables WHERE database = currentDatabase() "
                               "AND name = '%s' FORMAT TSVRaw", dict);
    ddl[strcspn(ddl, "\n")] = '\0';
    char *src = strstr(ddl, pg);
    char *table = src ? strstr(src, tab) : NULL;
    char *end = table ? strstr(table, "))") : NULL;
    if (!end) {                          /* not a PostgreSQL source: left as it is */
        free(ddl);
        return;
    }
    table += strlen(tab);
    int tlen = (int)strcspn(table, "'");
    char *columns = itest_query(s, "SELECT arrayStringConcat(groupArray(concat('`', name, '` ', type)), ', ') "
                                   "FROM (SELECT name, type FROM system.columns WHERE database = currentDatabase() "
                                   "AND table = '%s' ORDER BY position) FORMAT TSVRaw", dict);
    columns[strcspn(columns, "\n")] = '\0';
    itest_exec(s, "CREATE TABLE IF NOT EXISTS src_%.*s (%s) ENGINE = Memory", tlen, table, columns);
    *src = '\0';
    const char *create = "CREATE DICTIONARY";
    const char *head = strncmp(ddl, create, strlen(create)) == 0 ? ddl + strlen(create) : NULL;
    assert_non_null(head);
    char *db = itest_query(s, "SELECT currentDatabase() FORMAT TSVRaw");
    db[strcspn(db, "\n")] = '\0';
    /* HOST by number: the default, 'localhost', is resolved, and a machine
     * without it in /etc/hosts (a minimal Debian root) fails the load. */
    itest_exec(s, "CREATE OR REPLACE DICTIONARY%s SOURCE(CLICKHOUSE(HOST '127.0.0.1' DB '%s' TABLE 'src_%.*s'))%s", head,
               db, tlen, table, end + 2);
    free(db);
    free(columns);
    free(ddl);
}

void pipeline_dictionaries_from_tables(chs_session *s) {
    char *names = itest_query(s, "SELECT name FROM system.tables WHERE database = currentDatabase() "
                                 "AND engine = 'Dictionary' ORDER BY name FORMAT TSVRaw");
    char *save = NULL;
    for (char *name = strtok_r(names, "\n", &save); name; name = strtok_r(NULL, "\n", &save))
        pipeline_dictionary_from_table(s, name);
    free(names);
}
