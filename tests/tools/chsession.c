/* chsession.c — the embedded engine for tests, demo and benchmarks (see chsession.h). */
#include "chsession.h"
#include "chdb_api.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct chs_session {
    chdb_connection *conn;
};

chs_session *chs_open(const char *scripts_dir, const char *functions_glob, const char *data_path) {
    return chs_open_args(scripts_dir, functions_glob, data_path, NULL);
}

chs_session *chs_open_args(const char *scripts_dir, const char *functions_glob, const char *data_path,
                           const char *const *extra) {
    enum { MAX_EXTRA = 16 };
    char a_scripts[4096], a_functions[4096], a_path[4096];
    char *argv[8 + MAX_EXTRA];
    int argc = 0;
    argv[argc++] = "clickhouse";
    snprintf(a_scripts, sizeof(a_scripts), "--user_scripts_path=%s", scripts_dir);
    snprintf(a_functions, sizeof(a_functions), "--user_defined_executable_functions_config=%s", functions_glob);
    argv[argc++] = a_scripts;
    argv[argc++] = a_functions;
    if (data_path) {
        snprintf(a_path, sizeof(a_path), "--path=%s", data_path);
        argv[argc++] = a_path;
    }
    for (int i = 0; extra && extra[i]; i++) {
        if (i == MAX_EXTRA) {
            fprintf(stderr, "chsession: more than %d extra arguments\n", MAX_EXTRA);
            return NULL;
        }
        argv[argc++] = (char *)extra[i];
    }
    argv[argc] = NULL;
    chdb_connection *conn = chdb_connect(argc, argv);
    if (!conn) {
        fprintf(stderr, "chsession: chdb_connect failed (scripts %s, functions %s)\n", scripts_dir, functions_glob);
        return NULL;
    }
    chs_session *s = calloc(1, sizeof(*s));
    s->conn = conn;
    return s;
}

void chs_close(chs_session *s) {
    if (!s) return;
    chdb_close_conn(s->conn);
    free(s);
}

char *chs_query(chs_session *s, const char *sql, const char *format, size_t *len, char **error) {
    chdb_result *r = chdb_query(*s->conn, sql, format ? format : "TabSeparated");
    if (!r) {
        if (error) *error = strdup("chdb_query returned no result");
        return NULL;
    }
    const char *e = chdb_result_error(r);
    if (e && *e) {
        if (error) *error = strdup(e);
        chdb_destroy_query_result(r);
        return NULL;
    }
    size_t n = chdb_result_length(r);
    char *out = malloc(n + 1);
    if (n) memcpy(out, chdb_result_buffer(r), n);
    out[n] = 0;
    if (len) *len = n;
    chdb_destroy_query_result(r);
    return out;
}

/* A statement's TabSeparated output, or NULL after printing the error. */
static char *chs_query_reported(chs_session *s, const char *sql) {
    char *err = NULL;
    char *out = chs_query(s, sql, "TabSeparated", NULL, &err);
    if (!out) {
        fprintf(stderr, "chsession: statement failed:\n%s\nerror: %s\n", sql, err ? err : "?");
        free(err);
    }
    return out;
}

int chs_exec(chs_session *s, const char *sql) {
    char *out = chs_query_reported(s, sql);
    int rc = out ? 0 : -1;
    free(out);
    return rc;
}

long long chs_scalar(chs_session *s, const char *sql) {
    char *out = chs_query_reported(s, sql);
    long long v = out ? strtoll(out, NULL, 10) : -1;
    free(out);
    return v;
}

/* Skips a quoted run starting at *p (the opening quote); returns past it. */
static char *chs_skip_quoted(char *p) {
    char q = *p++;
    while (*p && *p != q) p += (*p == '\\' && p[1]) ? 2 : 1;
    return *p ? p + 1 : p;
}

static int chs_emit(char *start, char *end, int (*fn)(void *, const char *), void *ctx) {
    while (start < end && strchr(" \t\r\n", *start)) start++;
    while (end > start && strchr(" \t\r\n", end[-1])) end--;
    if (start == end) return 0;
    char saved = *end;
    *end = 0;
    int rc = fn(ctx, start);
    *end = saved;
    return rc;
}

int chs_split_sql(char *text, int (*fn)(void *ctx, const char *stmt), void *ctx) {
    char *start = text, *p = text;
    int only_comments = 1;
    while (*p) {
        if (*p == '\'' || *p == '"' || *p == '`') {
            p = chs_skip_quoted(p);
            only_comments = 0;
        } else if (p[0] == '-' && p[1] == '-') {
            while (*p && *p != '\n') p++;
        } else if (p[0] == '/' && p[1] == '*') {
            char *e = strstr(p + 2, "*/");
            p = e ? e + 2 : p + strlen(p);
        } else if (*p == ';') {
            int rc = only_comments ? 0 : chs_emit(start, p, fn, ctx);
            if (rc) return rc;
            start = ++p;
            only_comments = 1;
        } else {
            if (!strchr(" \t\r\n", *p)) only_comments = 0;
            p++;
        }
    }
    return only_comments ? 0 : chs_emit(start, p, fn, ctx);
}

char *chs_replace(const char *text, const char *from, const char *to) {
    size_t fl = strlen(from), tl = strlen(to), count = 0;
    for (const char *p = strstr(text, from); p; p = strstr(p + fl, from)) count++;
    char *out = malloc(strlen(text) + count * (tl > fl ? tl - fl : 0) + 1), *o = out;
    if (!out) return NULL;
    const char *p = text, *hit;
    while ((hit = strstr(p, from))) {
        memcpy(o, p, (size_t)(hit - p));
        o += hit - p;
        memcpy(o, to, tl);
        o += tl;
        p = hit + fl;
    }
    strcpy(o, p);
    return out;
}

static int chs_exec_cb(void *ctx, const char *stmt) {
    return chs_exec(ctx, stmt);
}

int chs_exec_file(chs_session *s, const char *path, const char *from, const char *to) {
    FILE *f = fopen(path, "rb");
    if (!f) {
        fprintf(stderr, "chsession: cannot open %s\n", path);
        return -1;
    }
    fseek(f, 0, SEEK_END);
    long n = ftell(f);
    fseek(f, 0, SEEK_SET);
    char *text = n >= 0 ? malloc((size_t)n + 1) : NULL;
    if (!text) {
        fclose(f);
        fprintf(stderr, "chsession: cannot read %s\n", path);
        return -1;
    }
    size_t got = fread(text, 1, (size_t)n, f);
    text[got] = 0;
    fclose(f);
    if (from) {
        char *r = chs_replace(text, from, to);
        free(text);
        text = r;
    }
    if (!text) {
        fprintf(stderr, "chsession: out of memory reading %s\n", path);
        return -1;
    }
    int rc = chs_split_sql(text, chs_exec_cb, s);
    if (rc) fprintf(stderr, "chsession: in %s\n", path);
    free(text);
    return rc ? -1 : 0;
}
