/* fuzz_json.c — libFuzzer target for the JSON scanner (udf/json.c).
 *
 * The input is one document.  Properties checked besides "no sanitizer
 * finding": the fast validator (json_validate) and a full walk with
 * iterators — once descending into every child, once letting the iterator
 * skip every other one — reach the same verdict; every key decodes to text
 * that json_key_equals accepts; and a set of dot-path lookups (including
 * descent into JSON held in strings) terminate with a consistent result. */
#include "fuzz_common.h"

#include "arena.h"
#include "json.h"

static const char *const fuzz_paths[] = {
    "after.payload.id", "after.payload", "payload.after.id", "0", "0.0.a", "a.b.c",
    "payload", "after.payload.properties.page", "", "source.lsn", "1.x",
};

static void fuzz_scalar(json_value *v, arena *a, json_error *err) {
    const char *s;
    size_t n;
    int64_t i;
    uint64_t u;
    double d;
    if (v->type == JSON_STRING && json_string(v, a, &s, &n, err) < 0)
        fuzz_fail("a validated string failed to decode: %s", err->msg);
    if (v->type == JSON_STRING && n > json_raw_len(v)) fuzz_fail("decoded string longer than its raw span");
    if (v->type == JSON_NUMBER) {
        (void)json_number_i64(v, &i);
        (void)json_number_u64(v, &u);
        (void)json_number_f64(v, &d);
    }
}

/* Recursion is bounded by JSON_MAX_DEPTH. */
static int fuzz_walk(json_value *v, arena *a, int self, json_error *err) {
    if (v->type != JSON_OBJECT && v->type != JSON_ARRAY) {
        fuzz_scalar(v, a, err);
        return 0;
    }
    json_iter it;
    json_value key, child;
    int r, i = 0;
    if (json_iter_init(&it, v, err) < 0) return -1;
    for (;;) {
        if (v->type == JSON_OBJECT) {
            r = json_iter_member(&it, &key, &child);
            if (r == 1) {
                const char *s;
                size_t n;
                if (json_string(&key, a, &s, &n, err) < 0) return -1;
                if (!json_key_equals(&key, s, n)) fuzz_fail("a key does not equal its own decoded text");
            }
        } else {
            r = json_iter_element(&it, &child);
        }
        if (r <= 0) break;
        if (self || (i & 1) == 0) {
            if (fuzz_walk(&child, a, self, err) < 0) return -1;
            json_iter_resume(&it, &child);
        }
        i++;
    }
    if (r < 0) return -1;
    if (!v->end) fuzz_fail("a container walked to its end has no end");
    if (it.count != i) fuzz_fail("iterator count %d, produced %d", it.count, i);
    return 0;
}

static int fuzz_walk_document(const char *p, size_t n, arena *a, int self) {
    json_value root;
    json_error err = {0, 0};
    if (json_open(p, n, &root, &err) < 0) return -1;
    if (fuzz_walk(&root, a, self, &err) < 0) return -1;
    return json_close(&root, &err);
}

static void fuzz_lookups(const char *p, size_t n, arena *a) {
    for (size_t i = 0; i < sizeof(fuzz_paths) / sizeof(fuzz_paths[0]); i++) {
        json_value root, out;
        json_error err = {0, 0};
        if (json_open(p, n, &root, &err) < 0) return;
        int rc = json_lookup(&root, fuzz_paths[i], strlen(fuzz_paths[i]), a, &out, &err);
        if (rc == JSON_ERR && !err.msg) fuzz_fail("lookup error without a message");
        if (rc == JSON_FOUND) {
            if (out.type == JSON_NONE) fuzz_fail("lookup found a value of no type");
            if (json_finish(&out, &err) == 0) fuzz_scalar(&out, a, &err);
        }
        arena_reset(a);
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    const char *p = (const char *)data;
    json_error err = {0, 0};
    arena a;
    arena_init(&a);
    int valid = json_validate(p, size, &err) == 0;
    if (!valid && !err.msg) fuzz_fail("invalid without a message");
    int walked_all = fuzz_walk_document(p, size, &a, 1) == 0;
    arena_reset(&a);
    int walked_some = fuzz_walk_document(p, size, &a, 0) == 0;
    arena_reset(&a);
    if (valid != walked_all || valid != walked_some)
        fuzz_fail("verdicts differ: validate %d, full walk %d, partial walk %d", valid, walked_all, walked_some);
    fuzz_lookups(p, size, &a);
    arena_free(&a);
    return 0;
}
