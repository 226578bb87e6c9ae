/* jsonexpand.c — table.expand.json.payload (jsonexpand.h).
 *
 * Three steps, as Debezium takes them: read the text into a tree as Jackson
 * does (jx_build), infer the Connect schema of the tree as JsonSchemaData
 * does (jx_infer), then convert and write the tree under that schema as
 * Connect's Struct and the JSON converter do (jx_write). */
#include "jsonexpand.h"

#include "json.h"
#include "jsonconv.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Jackson 2.16's default StreamReadConstraints. */
#define JX_MAX_DEPTH 1000
#define JX_MAX_NUMBER_DIGITS 1000
#define JX_MAX_STRING 20000000
#define JX_MAX_NAME 50000

/* Lookups in an object go through a sorted index above this many members. */
#define JX_LINEAR_LOOKUP 8

/* ---- the tree ------------------------------------------------------------ */

enum { JN_NULL, JN_FALSE, JN_TRUE, JN_INT, JN_LONG, JN_BIG, JN_DOUBLE, JN_STRING, JN_OBJECT, JN_ARRAY };

typedef struct jx_name {
    const char *s;
    uint32_t n;
    uint32_t pos;         /* the member's place (dedup and sorting) */
} jx_name;

struct jx_obj;
typedef struct jx_node {
    uint8_t t;
    uint32_t n;           /* string: bytes; object, array: members or elements */
    union {
        int64_t i;
        double d;
        const char *s;
        struct jx_node *kids;      /* array */
        struct jx_obj *obj;        /* object */
    } v;
} jx_node;

typedef struct jx_obj {
    jx_node *kids;
    jx_name *names;
    const jx_name *sorted;   /* by name, for lookups (NULL: few members) */
} jx_obj;

/* One child on the build stack: the node and, in an object, its name. */
typedef struct jx_slot {
    jx_node node;
    jx_name name;
} jx_slot;

typedef struct jx_build_ctx {
    jx_ctx *cx;
    arena *a;
    json_error err;
    char *why;
    size_t cap;
} jx_build_ctx;

void jx_init(jx_ctx *cx) { buf_init(&cx->stack); }
void jx_free(jx_ctx *cx) { buf_free(&cx->stack); }

static int jx_fail(char *why, size_t cap, const char *msg) {
    snprintf(why, cap, "%s", msg);
    return -1;
}

/* Length in Java chars (UTF-16 units) of valid UTF-8, when it may exceed max. */
static int jx_longer_than(const char *s, size_t n, size_t max) {
    size_t units = 0;
    if (n <= max) return 0;
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)s[i];
        if ((c & 0xC0) != 0x80) units += c >= 0xF0 ? 2 : 1;
    }
    return units > max;
}

static int jx_number(jx_build_ctx *b, const json_value *v, jx_node *out) {
    const char *p = v->start;
    size_t len = json_raw_len(v), digits = 0;
    int is_float = 0;
    for (size_t i = 0; i < len; i++) {
        if (p[i] >= '0' && p[i] <= '9') digits++;
        else if (p[i] == '.' || p[i] == 'e' || p[i] == 'E') is_float = 1;
    }
    if (digits > JX_MAX_NUMBER_DIGITS) return jx_fail(b->why, b->cap, "number longer than 1000 digits");
    if (is_float) {
        char *t = arena_strdup(b->a, p, len);
        out->t = JN_DOUBLE;
        out->v.d = strtod(t, NULL);
        return 0;
    }
    int64_t x;
    if (json_number_i64(v, &x) != 0) {
        out->t = JN_BIG;
        return 0;
    }
    out->t = x >= INT32_MIN && x <= INT32_MAX ? JN_INT : JN_LONG;
    out->v.i = x;
    return 0;
}

static int jx_build(jx_build_ctx *b, json_value *v, int depth, jx_node *out);

static int jx_name_cmp(const void *x, const void *y) {
    const jx_name *l = x, *r = y;
    size_t n = l->n < r->n ? l->n : r->n;
    int c = memcmp(l->s, r->s, n);
    if (c) return c;
    if (l->n != r->n) return l->n < r->n ? -1 : 1;
    return l->pos < r->pos ? -1 : l->pos > r->pos;
}

/* Jackson's ObjectNode: a repeated name keeps its first place and takes the
 * last value.  Also builds the sorted index for lookups. */
static void jx_object_dedup(arena *a, jx_obj *o, uint32_t *n) {
    if (*n < 2) return;
    jx_name *idx = arena_alloc(a, *n * sizeof(*idx));
    memcpy(idx, o->names, *n * sizeof(*idx));
    qsort(idx, *n, sizeof(*idx), jx_name_cmp);
    uint32_t dups = 0;
    for (uint32_t i = 1; i < *n; i++) {
        if (idx[i].n != idx[i - 1].n || memcmp(idx[i].s, idx[i - 1].s, idx[i].n)) continue;
        /* idx[i] repeats the run's first: its value moves there, its slot goes. */
        uint32_t first = i - 1;
        while (first > 0 && idx[first - 1].n == idx[i].n && !memcmp(idx[first - 1].s, idx[i].s, idx[i].n)) first--;
        o->kids[idx[first].pos] = o->kids[idx[i].pos];
        o->names[idx[i].pos].s = NULL;
        dups++;
    }
    if (dups) {
        uint32_t k = 0;
        for (uint32_t i = 0; i < *n; i++) {
            if (!o->names[i].s) continue;
            o->kids[k] = o->kids[i];
            o->names[k] = o->names[i];
            o->names[k].pos = k;
            k++;
        }
        *n = k;
        if (k > JX_LINEAR_LOOKUP) {
            memcpy(idx, o->names, k * sizeof(*idx));
            qsort(idx, k, sizeof(*idx), jx_name_cmp);
        }
    }
    if (*n > JX_LINEAR_LOOKUP) o->sorted = idx;
}

/* A container: its children are built onto the stack, then moved to the arena. */
static int jx_container(jx_build_ctx *b, json_value *v, int depth, jx_node *out) {
    json_iter it;
    json_value key, val;
    size_t mark = b->cx->stack.len;
    int is_obj = v->type == JSON_OBJECT, rc;
    if (depth > JX_MAX_DEPTH) return jx_fail(b->why, b->cap, "nesting depth exceeds the maximum allowed (1000)");
    if (json_iter_init(&it, v, &b->err) < 0) goto bad_json;
    for (;;) {
        jx_slot slot;
        memset(&slot, 0, sizeof(slot));
        rc = is_obj ? json_iter_member(&it, &key, &val) : json_iter_element(&it, &val);
        if (rc < 0) goto bad_json;
        if (rc == 0) break;
        if (is_obj) {
            size_t kn;
            if (json_string(&key, b->a, &slot.name.s, &kn, &b->err) < 0) goto bad_json;
            if (jx_longer_than(slot.name.s, kn, JX_MAX_NAME))
                return jx_fail(b->why, b->cap, "member name longer than 50000 characters");
            slot.name.n = (uint32_t)kn;
            slot.name.pos = (uint32_t)((b->cx->stack.len - mark) / sizeof(jx_slot));
        }
        if (jx_build(b, &val, depth + 1, &slot.node) < 0) return -1;
        if (val.type == JSON_OBJECT || val.type == JSON_ARRAY) json_iter_resume(&it, &val);
        buf_put(&b->cx->stack, &slot, sizeof(slot));
    }
    uint32_t n = (uint32_t)((b->cx->stack.len - mark) / sizeof(jx_slot));
    /* An empty container pushed nothing: the stack may still be unallocated (NULL). */
    const jx_slot *slots = n ? (const jx_slot *)(b->cx->stack.p + mark) : NULL;
    jx_node *kids = arena_alloc(b->a, (n ? n : 1) * sizeof(*kids));
    for (uint32_t i = 0; i < n; i++) kids[i] = slots[i].node;
    if (is_obj) {
        jx_obj *o = arena_alloc(b->a, sizeof(*o));
        o->kids = kids;
        o->names = arena_alloc(b->a, (n ? n : 1) * sizeof(*o->names));
        o->sorted = NULL;
        for (uint32_t i = 0; i < n; i++) o->names[i] = slots[i].name;
        jx_object_dedup(b->a, o, &n);
        out->t = JN_OBJECT;
        out->v.obj = o;
    } else {
        out->t = JN_ARRAY;
        out->v.kids = kids;
    }
    out->n = n;
    b->cx->stack.len = mark;
    return 0;
bad_json:
    snprintf(b->why, b->cap, "invalid JSON: %s", b->err.msg ? b->err.msg : "malformed");
    return -1;
}

static int jx_build(jx_build_ctx *b, json_value *v, int depth, jx_node *out) {
    switch (v->type) {
    case JSON_NULL: out->t = JN_NULL; return 0;
    case JSON_FALSE: out->t = JN_FALSE; return 0;
    case JSON_TRUE: out->t = JN_TRUE; return 0;
    case JSON_NUMBER: return jx_number(b, v, out);
    case JSON_STRING: {
        size_t n;
        if (json_string(v, b->a, &out->v.s, &n, &b->err) < 0) {
            snprintf(b->why, b->cap, "invalid JSON: %s", b->err.msg);
            return -1;
        }
        if (jx_longer_than(out->v.s, n, JX_MAX_STRING))
            return jx_fail(b->why, b->cap, "string longer than 20000000 characters");
        out->t = JN_STRING;
        out->n = (uint32_t)n;
        return 0;
    }
    default: return jx_container(b, v, depth, out);
    }
}

/* ---- the schema ---------------------------------------------------------- */

enum { JS_STRUCT, JS_ARRAY, JS_STRING, JS_BOOLEAN, JS_INT32, JS_INT64, JS_FLOAT64, JS_BYTES };

typedef struct jx_schema jx_schema;
typedef struct jx_field {
    const char *name;
    uint32_t n;
    const jx_schema *s;
} jx_field;

struct jx_schema {
    uint8_t t;
    uint32_t nfields;
    const jx_schema *items;   /* array */
    jx_field *fields;         /* struct */
};

static const jx_schema js_string = {JS_STRING, 0, NULL, NULL}, js_boolean = {JS_BOOLEAN, 0, NULL, NULL},
                       js_int32 = {JS_INT32, 0, NULL, NULL}, js_int64 = {JS_INT64, 0, NULL, NULL},
                       js_float64 = {JS_FLOAT64, 0, NULL, NULL}, js_bytes = {JS_BYTES, 0, NULL, NULL};

typedef struct jx_infer_ctx {
    arena *a;
    int nulls_as_bytes;
    char *why;
    size_t cap;
} jx_infer_ctx;

static int jx_infer(jx_infer_ctx *c, const jx_node *node, const jx_schema **out);

static const jx_schema *jx_number_schema(const jx_node *n) {
    return n->t == JN_INT ? &js_int32 : n->t == JN_LONG ? &js_int64 : &js_float64;
}

/* The JSON type Jackson compares array elements by. */
static int jx_kind(const jx_node *n) {
    switch (n->t) {
    case JN_FALSE: case JN_TRUE: return JN_TRUE;
    case JN_INT: case JN_LONG: case JN_BIG: case JN_DOUBLE: return JN_INT;
    default: return n->t;
    }
}

static int jx_schema_eq(const jx_schema *x, const jx_schema *y) {
    if (x == y) return 1;
    if (!x || !y || x->t != y->t) return 0;
    if (x->t == JS_ARRAY) return jx_schema_eq(x->items, y->items);
    if (x->t != JS_STRUCT || x->nfields != y->nfields) return 0;
    for (uint32_t i = 0; i < x->nfields; i++) {
        const jx_field *f = &x->fields[i], *g = &y->fields[i];
        if (f->n != g->n || memcmp(f->name, g->name, f->n) || !jx_schema_eq(f->s, g->s)) return 0;
    }
    return 1;
}

/* JsonSchemaData.mergeSchema: right's new fields appended; a field first
 * seen as bytes takes right's type. */
static const jx_schema *jx_merge(arena *a, const jx_schema *left, const jx_schema *right) {
    if (!left) return right;
    jx_schema *m = arena_alloc(a, sizeof(*m));
    *m = *left;
    m->fields = arena_alloc(a, (left->nfields + right->nfields + 1) * sizeof(jx_field));
    memcpy(m->fields, left->fields, left->nfields * sizeof(jx_field));
    for (uint32_t i = 0; i < right->nfields; i++) {
        const jx_field *f = &right->fields[i];
        uint32_t j = 0;
        while (j < m->nfields && (m->fields[j].n != f->n || memcmp(m->fields[j].name, f->name, f->n))) j++;
        if (j == m->nfields) m->fields[m->nfields++] = *f;
        else if (!jx_schema_eq(m->fields[j].s, f->s) && m->fields[j].s->t == JS_BYTES && f->s->t != JS_BYTES)
            m->fields[j].s = f->s;
    }
    return m;
}

/* toConnectSchemaWithCycles: the schema of a non-empty array's elements. */
static int jx_infer_items(jx_infer_ctx *c, const jx_node *arr, const jx_schema **out) {
    const jx_node *ref = NULL;
    const jx_node *kids = arr->v.kids;
    for (uint32_t i = 0; i < arr->n; i++) {
        const jx_node *e = &kids[i];
        if (e->t == JN_NULL) continue;
        if (!ref) ref = e;
        if (jx_kind(e) != jx_kind(ref) || (jx_kind(ref) == JN_INT && jx_number_schema(e) != jx_number_schema(ref)))
            return jx_fail(c->why, c->cap, "Field is not a homogenous array");
    }
    if (ref && ref->t == JN_OBJECT) {
        /* The distinct struct schemas of the elements, merged (in array order). */
        const jx_schema **seen = arena_alloc(c->a, arr->n * sizeof(*seen));
        uint32_t nseen = 0;
        const jx_schema *merged = NULL;
        for (uint32_t i = 0; i < arr->n; i++) {
            const jx_schema *s;
            if (kids[i].t != JN_OBJECT) continue;
            if (jx_infer(c, &kids[i], &s) < 0) return -1;
            uint32_t j = 0;
            while (j < nseen && !jx_schema_eq(seen[j], s)) j++;
            if (j < nseen) continue;
            seen[nseen++] = s;
            merged = jx_merge(c->a, merged, s);
        }
        *out = merged;
        return 0;
    }
    static const jx_node null_node = {JN_NULL, 0, {0}};
    if (jx_infer(c, ref ? ref : &null_node, out) < 0) return -1;
    if (!*out) return jx_fail(c->why, c->cap, "Array has unrecognized member schema.");
    return 0;
}

/* JsonSchemaData.toConnectSchema; *out NULL: no schema (the member is left out). */
static int jx_infer(jx_infer_ctx *c, const jx_node *node, const jx_schema **out) {
    *out = NULL;
    switch (node->t) {
    case JN_NULL: *out = c->nulls_as_bytes ? &js_bytes : NULL; return 0;
    case JN_FALSE: case JN_TRUE: *out = &js_boolean; return 0;
    case JN_STRING: *out = &js_string; return 0;
    case JN_INT: case JN_LONG: case JN_BIG: case JN_DOUBLE: *out = jx_number_schema(node); return 0;
    case JN_ARRAY: {
        if (node->n == 0) return 0;
        jx_schema *s = arena_alloc(c->a, sizeof(*s));
        memset(s, 0, sizeof(*s));
        s->t = JS_ARRAY;
        if (jx_infer_items(c, node, &s->items) < 0) return -1;
        *out = s;
        return 0;
    }
    default: {
        const jx_obj *o = node->v.obj;
        jx_schema *s = arena_alloc(c->a, sizeof(*s));
        memset(s, 0, sizeof(*s));
        s->t = JS_STRUCT;
        s->fields = arena_alloc(c->a, (node->n ? node->n : 1) * sizeof(jx_field));
        for (uint32_t i = 0; i < node->n; i++) {
            const jx_schema *fs;
            if (jx_infer(c, &o->kids[i], &fs) < 0) return -1;
            if (!fs) continue;
            if (o->names[i].n == 0) return jx_fail(c->why, c->cap, "fieldName cannot be null.");
            s->fields[s->nfields++] = (jx_field){o->names[i].s, o->names[i].n, fs};
        }
        *out = s;
        return 0;
    }
    }
}

/* ---- conversion and writing ------------------------------------------------ */

static const jx_node *jx_lookup(const jx_node *obj, const char *name, uint32_t n) {
    const jx_obj *o = obj->v.obj;
    if (o->sorted) {
        jx_name key = {name, n, 0};
        size_t lo = 0, hi = obj->n;
        while (lo < hi) {
            size_t mid = (lo + hi) / 2;
            const jx_name *m = &o->sorted[mid];
            size_t k = m->n < n ? m->n : n;
            int cmp = memcmp(m->s, key.s, k);
            if (!cmp) cmp = m->n < n ? -1 : m->n > n;
            if (!cmp) return &o->kids[m->pos];
            if (cmp < 0) lo = mid + 1;
            else hi = mid;
        }
        return NULL;
    }
    for (uint32_t i = 0; i < obj->n; i++)
        if (o->names[i].n == n && !memcmp(o->names[i].s, name, n)) return &o->kids[i];
    return NULL;
}

static int jx_write(const jx_node *node, const jx_schema *s, buf *out);

static int jx_write_struct(const jx_node *node, const jx_schema *s, buf *out) {
    buf_putc(out, '{');
    for (uint32_t i = 0; i < s->nfields; i++) {
        const jx_field *f = &s->fields[i];
        const jx_node *v = jx_lookup(node, f->name, f->n);
        if (i) buf_putc(out, ',');
        jc_string(out, f->name, f->n);
        buf_putc(out, ':');
        if (!v) buf_put(out, "null", 4);
        else if (jx_write(v, f->s, out) < 0) return -1;
    }
    buf_putc(out, '}');
    return 0;
}

/* The node's value put under schema s, as Struct.put validates it. */
static int jx_write(const jx_node *node, const jx_schema *s, buf *out) {
    char t[24];
    switch (node->t) {
    case JN_NULL: buf_put(out, "null", 4); return 0;   /* every inferred schema is optional */
    case JN_FALSE: case JN_TRUE:
        if (s->t != JS_BOOLEAN) return -1;
        if (node->t == JN_TRUE) buf_put(out, "true", 4);
        else buf_put(out, "false", 5);
        return 0;
    case JN_STRING:
        if (s->t != JS_STRING) return -1;
        jc_string(out, node->v.s, node->n);
        return 0;
    case JN_INT: case JN_LONG:
        if (s->t != (node->t == JN_INT ? JS_INT32 : JS_INT64)) return -1;
        buf_put(out, t, (size_t)snprintf(t, sizeof(t), "%lld", (long long)node->v.i));
        return 0;
    case JN_DOUBLE:
        if (s->t != JS_FLOAT64) return -1;
        jc_double(out, node->v.d);
        return 0;
    case JN_BIG: return -1;   /* a BigDecimal fits no inferred schema */
    case JN_ARRAY:
        if (s->t != JS_ARRAY) return -1;
        buf_putc(out, '[');
        for (uint32_t i = 0; i < node->n; i++) {
            if (i) buf_putc(out, ',');
            if (jx_write(&node->v.kids[i], s->items, out) < 0) return -1;
        }
        buf_putc(out, ']');
        return 0;
    default:
        if (s->t != JS_STRUCT) return -1;
        return jx_write_struct(node, s, out);
    }
}

jx_result jx_expand(jx_ctx *cx, const char *s, size_t n, int nulls_as_bytes, arena *a, buf *out, char *why,
                    size_t cap) {
    json_value root;
    jx_node tree;
    const jx_schema *schema;
    if (n == 0 || (s[0] != '{' && s[0] != '[')) {
        if (n == 0) snprintf(why, cap, "Unable to parse an empty payload");
        else snprintf(why, cap, "Unable to parse payload starting with '%c'", s[0]);
        return JX_KEPT;
    }
    jx_build_ctx b = {cx, a, {NULL, NULL}, why, cap};
    cx->stack.len = 0;
    /* Jackson reads the first value only: what follows it is never looked at. */
    if (json_open(s, n, &root, &b.err) < 0 || jx_build(&b, &root, 1, &tree) < 0) {
        if (b.err.msg && !why[0]) snprintf(why, cap, "invalid JSON: %s", b.err.msg);
        return JX_KEPT;
    }
    jx_infer_ctx ic = {a, nulls_as_bytes, why, cap};
    if (jx_infer(&ic, &tree, &schema) < 0) return JX_KEPT;
    if (!schema) {
        snprintf(why, cap, "the payload's schema is none (an empty array)");
        return JX_NO_SCHEMA;
    }
    size_t mark = out->len;
    if (tree.t != JN_OBJECT || jx_write_struct(&tree, schema, out) < 0) {
        out->len = mark;
        snprintf(why, cap, "%s", tree.t != JN_OBJECT ? "the payload is a JSON array, which is not a struct"
                                                     : "a value of the payload does not fit its inferred schema");
        return JX_BROKEN;
    }
    return JX_EXPANDED;
}
