/* fnrun.c — a function object run in-process (fnrun.h). */
#include <dirent.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fnrun.h"
#include "json.h"

/* args: the function's options, NULL-terminated (argv[0] is added). */
void fn_open(fn_runner *r, const udf_function *fn, void *self, const char *const *args) {
    char why[512] = "";
    int n = 0;
    memset(r, 0, sizeof(*r));
    r->fn = fn;
    r->self = self;
    r->argv[n++] = strdup(fn->name);
    for (int i = 0; args[i]; i++) r->argv[n++] = strdup(args[i]);   /* configure may write into them */
    if (fn->configure(self, n, r->argv, &r->sig, why, sizeof(why)) < 0) fail_msg("%s: %s", fn->name, why);
    cap_init(&r->cap);
    res_init(&r->res, &r->cap.w, FMT_ROWBINARY, r->sig.tuple, r->sig.results, r->sig.nresults);
}

void fn_close(fn_runner *r) {
    res_free(&r->res);
    cap_free(&r->cap);
    for (int i = 0; r->argv[i]; i++) free(r->argv[i]);
}

/* One message's answer: r->cap.data, r->cap.len (and the capture's file). */
void fn_answer(fn_runner *r, const char *msg, size_t n, arena *a) {
    udf_value v = {0, msg, n, 0};
    fn_answer_args(r, &v, a);
}

void fn_answer_args(fn_runner *r, const udf_value *args, arena *a) {
    cap_clear(&r->cap);
    arena_reset(a);
    res_row_begin(&r->res);
    r->fn->row(r->self, args, &r->res, a);
    assert_int_equal(res_row_end(&r->res), r->sig.nresults);
    cap_take(&r->cap);
}

size_t fixture_records(const char *path, void (*each)(void *ctx, const fixture_record *r), void *ctx) {
    FILE *f = fopen(path, "r");
    if (!f) fail_msg("cannot open %s", path);
    char *line = NULL;
    size_t cap = 0, count = 0;
    ssize_t len;
    arena a;
    arena_init(&a);
    while ((len = getline(&line, &cap, f)) > 0) {
        static const char *const members[] = {"value", "key"};
        json_value rec, v;
        json_error err;
        fixture_record r = {"", 0, 0, "", 0, 0};
        arena_reset(&a);
        if (json_open(line, (size_t)len, &rec, &err) < 0) fail_msg("%s: not a record: %.80s", path, line);
        for (int k = 0; k < 2; k++) {
            const char *s = "";
            size_t n = 0;
            if (json_find(&rec, members[k], strlen(members[k]), &v, &err) != JSON_FOUND ||
                (v.type != JSON_STRING && v.type != JSON_NULL))
                fail_msg("%s: a record without its %s: %.80s", path, members[k], line);
            if (v.type == JSON_STRING) assert_int_equal(json_string(&v, &a, &s, &n, &err), 0);
            if (k == 0) r.value = s, r.value_len = n, r.tombstone = v.type == JSON_NULL;
            else r.key = s, r.key_len = n, r.has_key = v.type == JSON_STRING;
        }
        each(ctx, &r);
        count++;
    }
    free(line);
    fclose(f);
    arena_free(&a);
    return count;
}

static void fixture_keep_first(void *ctx, const fixture_record *r) {
    fixture_change *f = ctx;
    if (f->value || r->tombstone) return;
    f->key = strndup(r->key, r->key_len);
    f->value = strndup(r->value, r->value_len);
}

fixture_change fixture_first_change(const char *fixtures_dir, const char *table) {
    char path[1024];
    fixture_change f = {NULL, NULL};
    snprintf(path, sizeof(path), "%s/debezium/with-schema/dbz.public.%s.jsonl", fixtures_dir, table);
    fixture_records(path, fixture_keep_first, &f);
    if (!f.value) fail_msg("%s holds no change event", path);
    return f;
}

char *fixture_message(const char *fields, const char *before, const char *after, char op, const char *table,
                      unsigned long long lsn) {
    static const char fmt[] =
        "{\"schema\":{\"type\":\"struct\",\"fields\":["
        "{\"type\":\"struct\",\"fields\":[%s],\"optional\":true,\"field\":\"before\"},"
        "{\"type\":\"struct\",\"fields\":[%s],\"optional\":true,\"field\":\"after\"},"
        "{\"type\":\"string\",\"optional\":false,\"field\":\"op\"}],\"optional\":false},"
        "\"payload\":{\"before\":%s,\"after\":%s,\"source\":{\"db\":\"shop\",\"schema\":\"public\",\"table\":%s,"
        "\"lsn\":%llu,\"ts_ms\":1700000000123},\"op\":\"%c\",\"ts_ms\":1700000000124}}";
    size_t n = sizeof(fmt) + 2 * strlen(fields) + strlen(before) + strlen(after) + strlen(table) + 24;
    char *s = malloc(n);
    if (!s) fail_msg("out of memory");
    snprintf(s, n, fmt, fields, fields, before, after, table, lsn, op);
    return s;
}

/* fixture_each's walk: a record's value, then its key. */
typedef struct fixture_each_ctx {
    void (*each)(void *ctx, const char *msg, size_t n);
    void *ctx;
    int keys;
} fixture_each_ctx;

static void fixture_each_record(void *ctx, const fixture_record *r) {
    fixture_each_ctx *c = ctx;
    c->each(c->ctx, r->value, r->value_len);
    if (c->keys && r->has_key) c->each(c->ctx, r->key, r->key_len);   /* a truncate's absent key is no message */
}

size_t fixture_each(const char *fixtures_dir, const char *sub, int keys,
                    void (*each)(void *ctx, const char *msg, size_t n), void *ctx) {
    char dir[512];
    snprintf(dir, sizeof(dir), "%s/debezium/%s", fixtures_dir, sub);
    DIR *d = opendir(dir);
    if (!d) fail_msg("cannot open %s", dir);
    size_t values = 0;
    struct dirent *e;
    fixture_each_ctx c = {each, ctx, keys};
    while ((e = readdir(d))) {
        size_t l = strlen(e->d_name);
        if (l < 6 || strcmp(e->d_name + l - 6, ".jsonl") != 0) continue;
        char path[1024];
        snprintf(path, sizeof(path), "%s/%s", dir, e->d_name);
        values += fixture_records(path, fixture_each_record, &c);
    }
    closedir(d);
    return values;
}
