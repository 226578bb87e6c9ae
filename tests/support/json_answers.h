/* json_answers.h — everything the JSON scanner answers about one document,
 * as text, so that two ways of scanning can be compared byte for byte.
 *
 * Stage 1's kernels (udf/jsonidx.h) must not change a single answer: the
 * unit test tests/unit/test_jsonidx.c and the fuzz target
 * tests/fuzz/fuzz_jsonidx.c run the same document under every level the
 * CPU has and under "off" (the byte walker alone, the reference) and
 * require identical text.  The text holds: json_validate's verdict, error
 * message and byte offset; a picking walk over a tree of member names
 * (every node's count, type, span, escape flag and decoded text); and a set
 * of dot-path lookups, including descent into JSON held in strings.
 *
 * A header, like json_walk.h: the fuzz build links no test library. */
#ifndef CDC_TEST_JSON_ANSWERS_H
#define CDC_TEST_JSON_ANSWERS_H

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "arena.h"
#include "json.h"

typedef struct json_answers {
    char text[1 << 15];
    size_t n;
} json_answers;

static inline void json_answers_put(json_answers *o, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static inline void json_answers_put(json_answers *o, const char *fmt, ...) {
    if (o->n >= sizeof(o->text) - 1) return;
    va_list ap;
    va_start(ap, fmt);
    int k = vsnprintf(o->text + o->n, sizeof(o->text) - o->n, fmt, ap);
    va_end(ap);
    if (k > 0) o->n += (size_t)k < sizeof(o->text) - o->n ? (size_t)k : sizeof(o->text) - 1 - o->n;
}

/* A pointer as an offset into the document, or "elsewhere" (an arena). */
static inline void json_answers_where(json_answers *o, const char *p, size_t n, const char *w) {
    if (!w) json_answers_put(o, "@-");
    else if (w >= p && w <= p + n) json_answers_put(o, "@%zu", (size_t)(w - p));
    else json_answers_put(o, "@elsewhere");
}

static inline void json_answers_err(json_answers *o, const char *p, size_t n, const json_error *e) {
    json_answers_put(o, " err=%s", e->msg ? e->msg : "-");
    json_answers_where(o, p, n, e->where);
}

static inline void json_answers_value(json_answers *o, const char *p, size_t n, const json_value *v) {
    json_answers_put(o, " %s", json_type_name(v->type));
    json_answers_where(o, p, n, v->start);
    json_answers_where(o, p, n, v->end);
    json_answers_put(o, " esc=%d", v->escaped);
}

/* The member names picked: every path's segments, as one tree. */
static const char *const json_answers_paths[] = {
    "after.payload.id", "after.payload.user_id", "after.payload.properties", "after.payload.0",
    "after.id", "source.lsn", "source.ts_ms", "op", "payload.after.payload.id", "payload.after.id",
    "payload.op", "0.a", "1", "a.b.c", "k.x",
};
#define JSON_ANSWERS_NPATHS (sizeof(json_answers_paths) / sizeof(json_answers_paths[0]))

static inline int json_answers_child(json_pick_tree *t, int parent, const char *k, size_t kn) {
    int *link = &t->nodes[parent].first_child;
    for (; *link >= 0; link = &t->nodes[*link].next_sibling)
        if (t->nodes[*link].key_len == kn && !memcmp(t->nodes[*link].key, k, kn)) return *link;
    int c = t->nnodes++;
    memset(&t->nodes[c], 0, sizeof(t->nodes[c]));
    t->nodes[c].key = k;
    t->nodes[c].key_len = kn;
    t->nodes[c].first_child = t->nodes[c].next_sibling = -1;
    *link = c;
    return c;
}

static inline void json_answers_tree(json_pick_tree *t) {
    memset(&t->nodes[0], 0, sizeof(t->nodes[0]));
    t->nodes[0].first_child = t->nodes[0].next_sibling = -1;
    t->nnodes = 1;
    for (size_t i = 0; i < JSON_ANSWERS_NPATHS; i++) {
        const char *s = json_answers_paths[i];
        int node = 0;
        while (*s) {
            const char *dot = strchr(s, '.');
            size_t kn = dot ? (size_t)(dot - s) : strlen(s);
            node = json_answers_child(t, node, s, kn);
            s += kn + (dot ? 1 : 0);
        }
    }
    json_pick_index(t);
}

static inline void json_answers_pick(json_answers *o, const char *p, size_t n, arena *a) {
    static json_pick_tree tree;
    static json_pick picks[JSON_PICK_MAX_NODES];
    if (!tree.nnodes) json_answers_tree(&tree);
    json_value root;
    json_error err = {0, 0};
    if (json_open(p, n, &root, &err) < 0 || (root.type != JSON_OBJECT && root.type != JSON_ARRAY)) return;
    memset(picks, 0, sizeof(picks[0]) * (size_t)tree.nnodes);
    int others = -1;
    int rc = json_finish_pick(&root, &tree, 0, picks, &others, a, &err);
    json_answers_put(o, "pick %d others %d", rc, others);
    if (rc < 0) {
        json_answers_err(o, p, n, &err);
        json_answers_put(o, "\n");
        return;   /* the picks of a failed walk are not an answer */
    }
    json_answers_where(o, p, n, root.end);
    json_answers_put(o, "\n");
    for (int i = 1; i < tree.nnodes; i++) {
        json_pick *k = &picks[i];
        json_answers_put(o, "  node %d count %d", i, k->count);
        if (k->count) json_answers_value(o, p, n, &k->val);
        if (k->text) json_answers_put(o, " text %zu:%.*s", k->text_len, (int)k->text_len, k->text);
        json_answers_put(o, "\n");
    }
}

static inline void json_answers_lookups(json_answers *o, const char *p, size_t n, arena *a) {
    for (size_t i = 0; i < JSON_ANSWERS_NPATHS; i++) {
        json_value root, out;
        json_error err = {0, 0};
        if (json_open(p, n, &root, &err) < 0) return;
        const char *path = json_answers_paths[i];
        int rc = json_lookup(&root, path, strlen(path), a, &out, &err);
        json_answers_put(o, "lookup %s %d", path, rc);
        if (rc == JSON_FOUND) {
            int f = json_finish(&out, &err);
            json_answers_put(o, " finish %d", f);
            if (f == 0) json_answers_value(o, p, n, &out);
        }
        if (rc != JSON_FOUND || err.msg) json_answers_err(o, p, n, &err);
        json_answers_put(o, "\n");
    }
}

/* Every answer about [p, p+n). */
static inline void json_answers_of(json_answers *o, const char *p, size_t n, arena *a) {
    o->n = 0;
    o->text[0] = 0;
    json_error err = {0, 0};
    int v = json_validate(p, n, &err);
    json_answers_put(o, "validate %d", v);
    if (v < 0) json_answers_err(o, p, n, &err);
    json_answers_put(o, "\n");
    arena_reset(a);
    json_answers_pick(o, p, n, a);
    arena_reset(a);
    json_answers_lookups(o, p, n, a);
    arena_reset(a);
}

#endif
