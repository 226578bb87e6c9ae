/* json_walk.h — the second route to a JSON verdict, shared by the JSON unit
 * tests (tests/unit/test_json.c) and the JSON fuzz target (tests/fuzz/fuzz_json.c):
 * walk a document with iterators, decoding every key and string and
 * converting every number, and check the iterator protocol on the way.
 * Its verdict must equal json_validate()'s.
 *
 * With `self` set the walker descends into children itself and hands them
 * back with json_iter_resume(); otherwise it descends only into every other
 * child and lets the iterator skip the rest.  Recursion is fine here: the
 * scanner caps depth at JSON_MAX_DEPTH.
 *
 * The includer defines JSON_WALK_CHECK(cond, msg): how a broken property is
 * reported (a cmocka failure, a fuzz abort).  That is why this one piece of
 * tests/support stays a header: the fuzz build links no test library. */
#ifndef CDC_TEST_JSON_WALK_H
#define CDC_TEST_JSON_WALK_H

#include "arena.h"
#include "json.h"

#ifndef JSON_WALK_CHECK
#error "define JSON_WALK_CHECK(cond, msg) before including json_walk.h"
#endif

/* A scalar: strings decode (never longer than their raw span), numbers convert. */
static inline int json_walk_scalar(const json_value *v, arena *a, json_error *err) {
    if (v->type == JSON_STRING) {
        const char *s;
        size_t n;
        if (json_string(v, a, &s, &n, err) < 0) return -1;
        JSON_WALK_CHECK(n <= json_raw_len(v), "decoded string longer than its raw span");
    } else if (v->type == JSON_NUMBER) {
        int64_t i;
        uint64_t u;
        (void)json_number_i64(v, &i);
        (void)json_number_u64(v, &u);
    }
    return 0;
}

static inline int json_walk_value(json_value *v, arena *a, int self, json_error *err) {
    if (v->type != JSON_OBJECT && v->type != JSON_ARRAY) return json_walk_scalar(v, a, err);
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
                JSON_WALK_CHECK(json_key_equals(&key, s, n), "a key does not equal its own decoded text");
            }
        } else {
            r = json_iter_element(&it, &child);
        }
        if (r <= 0) break;
        if (self || (i & 1) == 0) {
            if (json_walk_value(&child, a, self, err) < 0) return -1;
            json_iter_resume(&it, &child);
        }
        i++;
    }
    if (r < 0) return -1;
    JSON_WALK_CHECK(v->end != NULL, "a container walked to its end has no end");
    JSON_WALK_CHECK(it.count == i, "the iterator's count differs from the items it produced");
    return 0;
}

/* The iterator route to a verdict: open, walk, only whitespace after.  0 or -1. */
static inline int json_walk_document(const char *p, size_t n, arena *a, int self, json_error *err) {
    json_value root;
    if (json_open(p, n, &root, err) < 0) return -1;
    if (json_walk_value(&root, a, self, err) < 0) return -1;
    return json_close(&root, err);
}

#endif
