/* connect_json.c — the JSON converter's and the header converter's bytes
 * (see connect_json.h): for one JSON document through JsonSchemaData, and,
 * at the end, for values that keep their schema.
 *
 * Three passes, as Debezium makes them: the document into a tree (Jackson's
 * readTree: a repeated name keeps its place and takes the last value), the
 * tree's schema (toConnectSchema), then the tree written under that schema
 * (toConnectData, Struct.put's type checks, the converter's output).
 *
 * The tree is one array of tokens, a value's subtree following it, 20 bytes
 * a value (the validating scanner has checked every byte; tokens only point
 * at the text), and an array of scalars only — the large part of most large
 * documents — has no tokens for its elements, which are read from its text.
 * A struct schema inferred from one object names its fields by that
 * object's keys; the merged struct of an array of objects is built once,
 * the elements' members only checked against it. */
#include "connect_json.h"
#include "fatal.h"
#include "json.h"

#include <math.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ------------------------------------------------------------ the tree */

#define CJ_REPEATED 1      /* a key whose name came earlier in its object: skipped */
#define CJ_ESCAPED 2       /* a string or key with a backslash escape */
#define CJ_FLAT 4          /* an array of scalars only: its elements are read from its text, not tokens */
#define CJ_EMPTY 8         /* an empty array */

typedef struct cj_tok {
    uint32_t start, len;   /* the value's JSON text in the document */
    uint32_t next;         /* the token after its subtree */
    uint32_t aux;          /* a key: the value token of its name's last occurrence (0: the one after it);
                              an object: 1 + where its member index starts in slots (0: none yet) */
    uint8_t type;          /* json_type; JSON_FALSE is folded into JSON_TRUE (Jackson's BOOLEAN) */
    uint8_t flags;
} cj_tok;

typedef struct cj_ctx {
    arena *a;
    cj_nulls nulls;
    const char *doc;
    json_error jerr;
    char *why;
    size_t cap;
    cj_tok *tok;
    uint32_t ntok, captok;
    uint32_t *slots;       /* objects' member indexes (open addressing, value token + 1) */
    size_t nslots, capslots;
    arena strings;         /* one decoded string at a time */
    buf out;
} cj_ctx;

static int cj_fail(cj_ctx *c, const char *fmt, ...) {
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(c->why, c->cap, fmt, ap);
    va_end(ap);
    return -1;
}

static int cj_json_fail(cj_ctx *c) {
    return cj_fail(c, "invalid JSON: %s", c->jerr.msg ? c->jerr.msg : "malformed");
}

static void *cj_grow(void *p, size_t *cap, size_t need, size_t size) {
    if (need <= *cap) return p;
    size_t n = *cap ? *cap : 256;
    while (n < need) n *= 2;
    void *q = realloc(p, n * size);
    if (!q) fatal_exit(EXIT_NOMEM, "out of memory expanding a JSON document");
    *cap = n;
    return q;
}

static uint32_t cj_push(cj_ctx *c, const json_value *v) {
    if (c->ntok == c->captok) {
        size_t cap = c->captok;
        c->tok = cj_grow(c->tok, &cap, (size_t)c->ntok + 1, sizeof(*c->tok));
        c->captok = (uint32_t)(cap < UINT32_MAX ? cap : UINT32_MAX);
    }
    cj_tok *t = &c->tok[c->ntok];
    t->start = (uint32_t)(v->start - c->doc);
    t->len = v->end ? (uint32_t)json_raw_len(v) : 0;
    t->next = c->ntok + 1;
    t->aux = 0;
    t->type = (uint8_t)(v->type == JSON_FALSE ? JSON_TRUE : v->type);
    t->flags = v->type == JSON_STRING && v->escaped ? CJ_ESCAPED : 0;
    return c->ntok++;
}

/* A key's or string's decoded bytes (zero-copy without escapes). */
static int cj_text(cj_ctx *c, const cj_tok *k, arena *a, const char **s, size_t *n) {
    if (!(k->flags & CJ_ESCAPED)) {
        *s = c->doc + k->start + 1;
        *n = k->len - 2;
        return 0;
    }
    json_value v = {JSON_STRING, c->doc + k->start, c->doc + k->start + k->len, c->doc + k->start + k->len, 0, 1};
    return json_string(&v, a, s, n, &c->jerr) < 0 ? cj_json_fail(c) : 0;
}

static size_t cj_hash(const char *s, size_t n) {
    uint64_t h = 1469598103934665603ULL;
    for (size_t i = 0; i < n; i++) h = (h ^ (unsigned char)s[i]) * 1099511628211ULL;
    return (size_t)h;
}

/* Objects: first, the members of o in order, skipping repeated names;
 * cj_member gives a member's value (its name's last occurrence). */
#define CJ_MEMBERS(c, o, k) for (uint32_t k = (o) + 1; k < (c)->tok[o].next; k = (c)->tok[k + 1].next)
static uint32_t cj_member_value(const cj_ctx *c, uint32_t k) {
    return c->tok[k].aux ? c->tok[k].aux : k + 1;
}

/* The member index of object o: names (decoded) to key tokens, built once
 * for an object of many members. */
static int cj_index(cj_ctx *c, uint32_t o, size_t members, size_t *at, size_t *n) {
    if (c->tok[o].aux) {
        *at = c->tok[o].aux - 1;
        for (*n = 16; *n < 2 * members; *n *= 2) {}
        return 0;
    }
    size_t size = 16;
    while (size < 2 * members) size *= 2;
    c->slots = cj_grow(c->slots, &c->capslots, c->nslots + size, sizeof(*c->slots));
    *at = c->nslots;
    *n = size;
    memset(c->slots + *at, 0, size * sizeof(*c->slots));
    c->nslots += size;
    c->tok[o].aux = (uint32_t)(*at + 1);
    CJ_MEMBERS(c, o, k) {
        if (c->tok[k].flags & CJ_REPEATED) continue;
        const char *s;
        size_t len;
        if (cj_text(c, &c->tok[k], c->a, &s, &len) < 0) return -1;
        size_t i = cj_hash(s, len) & (size - 1);
        while (c->slots[*at + i]) i = (i + 1) & (size - 1);
        c->slots[*at + i] = k + 1;
    }
    return 0;
}

/* The key token of o's member named [s, s+n), or 0. */
static int cj_find(cj_ctx *c, uint32_t o, const char *s, size_t n, uint32_t *key) {
    size_t members = 0;
    *key = 0;
    CJ_MEMBERS(c, o, k) members++;
    if (members <= 8) {
        CJ_MEMBERS(c, o, k) {
            const char *ks;
            size_t kn;
            if (c->tok[k].flags & CJ_REPEATED) continue;
            if (cj_text(c, &c->tok[k], &c->strings, &ks, &kn) < 0) return -1;
            int same = kn == n && memcmp(ks, s, n) == 0;
            arena_reset(&c->strings);
            if (same) return *key = k, 0;
        }
        return 0;
    }
    size_t at, size;
    if (cj_index(c, o, members, &at, &size) < 0) return -1;
    for (size_t i = cj_hash(s, n) & (size - 1); c->slots[at + i]; i = (i + 1) & (size - 1)) {
        uint32_t k = c->slots[at + i] - 1;
        const char *ks;
        size_t kn;
        if (cj_text(c, &c->tok[k], &c->strings, &ks, &kn) < 0) return -1;
        int same = kn == n && memcmp(ks, s, n) == 0;
        arena_reset(&c->strings);
        if (same) return *key = k, 0;
    }
    return 0;
}

/* Jackson's tree: a name repeated in object o keeps its first key's place
 * and gives it the last value; the later keys are skipped. */
static int cj_dedup(cj_ctx *c, uint32_t o, size_t members) {
    if (members < 2) return 0;
    size_t size = 16;
    while (size < 2 * members) size *= 2;
    uint32_t *seen = calloc(size, sizeof(*seen));
    if (!seen) fatal_exit(EXIT_NOMEM, "out of memory expanding a JSON document");
    int rc = 0;
    for (uint32_t k = o + 1; k < c->tok[o].next && rc == 0; k = c->tok[k + 1].next) {
        const char *s;
        size_t n;
        if ((rc = cj_text(c, &c->tok[k], c->a, &s, &n)) < 0) break;
        size_t i = cj_hash(s, n) & (size - 1);
        for (; seen[i]; i = (i + 1) & (size - 1)) {
            uint32_t first = seen[i] - 1;
            const char *fs;
            size_t fn;
            if ((rc = cj_text(c, &c->tok[first], c->a, &fs, &fn)) < 0) break;
            if (fn == n && memcmp(fs, s, n) == 0) {
                c->tok[k].flags |= CJ_REPEATED;
                c->tok[first].aux = k + 1;
                break;
            }
        }
        if (rc == 0 && !seen[i]) seen[i] = k + 1;
    }
    free(seen);
    return rc;
}

/* An array of scalars only (the common large one: numbers, strings) gets
 * no tokens for its elements.  The look stops at the first container, so
 * only the scalars before it are read twice. */
static int cj_flat_array(cj_ctx *c, json_value *v, uint32_t t) {
    json_iter it;
    json_value e;
    int rc;
    if (json_iter_init(&it, v, &c->jerr) < 0) return cj_json_fail(c);
    while ((rc = json_iter_element(&it, &e)) > 0)
        if (e.type == JSON_OBJECT || e.type == JSON_ARRAY) return 0;
    if (rc < 0) return cj_json_fail(c);
    c->tok[t].flags |= CJ_FLAT | (it.count ? 0 : CJ_EMPTY);
    c->tok[t].len = (uint32_t)json_raw_len(v);
    return 1;
}

static int cj_tokenize(cj_ctx *c, json_value *v) {
    uint32_t t = cj_push(c, v);
    if (v->type != JSON_OBJECT && v->type != JSON_ARRAY) return 0;
    if (v->depth + 1 > CJ_MAX_DEPTH)
        return cj_fail(c, "document nesting depth exceeds the maximum allowed (%d)", CJ_MAX_DEPTH);
    json_iter it;
    json_value k, e;
    int rc;
    size_t members = 0;
    if (v->type == JSON_ARRAY && (rc = cj_flat_array(c, v, t)) != 0) return rc < 0 ? -1 : 0;
    if (json_iter_init(&it, v, &c->jerr) < 0) return cj_json_fail(c);
    while ((rc = v->type == JSON_OBJECT ? json_iter_member(&it, &k, &e) : json_iter_element(&it, &e)) > 0) {
        if (v->type == JSON_OBJECT) cj_push(c, &k), members++;
        if (cj_tokenize(c, &e) < 0) return -1;
        json_iter_resume(&it, &e);
    }
    if (rc < 0) return cj_json_fail(c);
    c->tok[t].len = (uint32_t)json_raw_len(v);
    c->tok[t].next = c->ntok;
    return v->type == JSON_OBJECT ? cj_dedup(c, t, members) : 0;
}

/* ------------------------------------------------------------ numbers */

typedef enum cj_num { CJ_INT32, CJ_INT64, CJ_BIG, CJ_DOUBLE } cj_num;

static cj_num cj_number(const cj_ctx *c, const cj_tok *k, int64_t *i) {
    json_value v = {JSON_NUMBER, c->doc + k->start, c->doc + k->start + k->len, c->doc + k->start + k->len, 0, 0};
    int rc = json_number_i64(&v, i);
    if (rc == 0) return *i >= INT32_MIN && *i <= INT32_MAX ? CJ_INT32 : CJ_INT64;
    return rc > 0 ? CJ_BIG : CJ_DOUBLE;
}

/* Jackson's JsonNodeType names, for messages. */
static const char *cj_kind(const cj_tok *t) {
    switch (t->type) {
    case JSON_STRING: return "STRING";
    case JSON_NUMBER: return "NUMBER";
    case JSON_TRUE: return "BOOLEAN";
    case JSON_ARRAY: return "ARRAY";
    case JSON_OBJECT: return "OBJECT";
    default: return "NULL";
    }
}

/* The elements of array token a, one at a time: a flat array's read from
 * its text into a token of the cursor's own (index CJ_NO_TOKEN), another's
 * from the tree. */
#define CJ_NO_TOKEN UINT32_MAX

typedef struct cj_elems {
    cj_ctx *c;
    uint32_t a, e;
    json_value arr;
    json_iter it;
    cj_tok tmp;
} cj_elems;

static int cj_elems_init(cj_elems *x, cj_ctx *c, uint32_t a) {
    const cj_tok *t = &c->tok[a];
    x->c = c, x->a = a, x->e = a + 1;
    if (!(t->flags & CJ_FLAT)) return 0;
    const char *p = c->doc + t->start;
    x->arr = (json_value){JSON_ARRAY, p, NULL, p + t->len, 0, 0};
    return json_iter_init(&x->it, &x->arr, &c->jerr) < 0 ? cj_json_fail(c) : 0;
}

/* 1 with *tok and *index, 0 at the end, -1 on error. */
static int cj_elems_next(cj_elems *x, const cj_tok **tok, uint32_t *index) {
    cj_ctx *c = x->c;
    if (!(c->tok[x->a].flags & CJ_FLAT)) {
        if (x->e >= c->tok[x->a].next) return 0;
        *index = x->e;
        *tok = &c->tok[x->e];
        x->e = c->tok[x->e].next;
        return 1;
    }
    json_value v;
    int rc = json_iter_element(&x->it, &v);
    if (rc <= 0) return rc < 0 ? cj_json_fail(c) : 0;
    x->tmp.start = (uint32_t)(v.start - c->doc);
    x->tmp.len = (uint32_t)json_raw_len(&v);
    x->tmp.next = x->tmp.aux = 0;
    x->tmp.type = (uint8_t)(v.type == JSON_FALSE ? JSON_TRUE : v.type);
    x->tmp.flags = v.type == JSON_STRING && v.escaped ? CJ_ESCAPED : 0;
    *index = CJ_NO_TOKEN;
    *tok = &x->tmp;
    return 1;
}

/* ---------------------------------------------------------- the schema */

typedef enum cj_stype { CJS_STRING, CJS_BOOLEAN, CJS_INT32, CJS_INT64, CJS_FLOAT64, CJS_BYTES, CJS_ARRAY, CJS_STRUCT } cj_stype;

typedef struct cj_schema cj_schema;
struct cj_schema {
    cj_stype t;
    const cj_schema *elem;      /* ARRAY */
    /* STRUCT: n fields; inferred from one object (origin, its token), they are its
     * members with a schema, in order; merged, names of their own */
    uint32_t origin;
    int merged;
    size_t n, capn;
    const char **name;          /* merged */
    size_t *name_n;
    const cj_schema **field;
    uint32_t *key;              /* from one object: each field's key token */
    size_t *slot, nslots;       /* merged, past a few names: name hash -> index + 1 */
};

static const cj_schema cj_scalars[] = {{.t = CJS_STRING}, {.t = CJS_BOOLEAN}, {.t = CJS_INT32},
                                       {.t = CJS_INT64},  {.t = CJS_FLOAT64}, {.t = CJS_BYTES}};

static const char *cj_schema_name(const cj_schema *s) {
    static const char *const names[] = {"STRING", "BOOLEAN", "INT32", "INT64", "FLOAT64", "BYTES", "ARRAY", "STRUCT"};
    return names[s->t];
}

static const cj_schema *cj_number_schema(const cj_ctx *c, const cj_tok *t) {
    int64_t i;
    cj_num k = cj_number(c, t, &i);
    return &cj_scalars[k == CJ_INT32 ? CJS_INT32 : k == CJ_INT64 ? CJS_INT64 : CJS_FLOAT64];
}

static int cj_infer(cj_ctx *c, uint32_t t, int build, const cj_schema **out);

/* A scalar's schema; NULL for null (optional bytes under that behaviour). */
static const cj_schema *cj_scalar_schema(const cj_ctx *c, const cj_tok *k) {
    switch (k->type) {
    case JSON_STRING: return &cj_scalars[CJS_STRING];
    case JSON_TRUE: return &cj_scalars[CJS_BOOLEAN];
    case JSON_NUMBER: return cj_number_schema(c, k);
    default: return c->nulls == CJ_NULLS_OPTIONAL_BYTES ? &cj_scalars[CJS_BYTES] : NULL;
    }
}

/* A merged struct's field named [s, s+n): its index, or -1; hashed past
 * a few names (an array's one object may have thousands). */
static long cj_merged_find(const cj_schema *m, const char *s, size_t n) {
    if (!m->slot) {
        for (size_t i = 0; i < m->n; i++)
            if (m->name_n[i] == n && memcmp(m->name[i], s, n) == 0) return (long)i;
        return -1;
    }
    for (size_t i = cj_hash(s, n) & (m->nslots - 1); m->slot[i]; i = (i + 1) & (m->nslots - 1)) {
        size_t at = m->slot[i] - 1;
        if (m->name_n[at] == n && memcmp(m->name[at], s, n) == 0) return (long)at;
    }
    return -1;
}

static void cj_merged_slot(cj_schema *m, size_t at) {
    size_t i = cj_hash(m->name[at], m->name_n[at]) & (m->nslots - 1);
    while (m->slot[i]) i = (i + 1) & (m->nslots - 1);
    m->slot[i] = at + 1;
}

static void cj_merged_add(cj_ctx *c, cj_schema *m, const char *s, size_t n, const cj_schema *f) {
    if (m->n == m->capn) {
        size_t cap = m->capn ? 2 * m->capn : 8;
        const char **name = arena_alloc(c->a, cap * sizeof(*name));
        size_t *name_n = arena_alloc(c->a, cap * sizeof(*name_n));
        const cj_schema **field = arena_alloc(c->a, cap * sizeof(*field));
        if (m->n) {
            memcpy(name, m->name, m->n * sizeof(*name));
            memcpy(name_n, m->name_n, m->n * sizeof(*name_n));
            memcpy(field, m->field, m->n * sizeof(*field));
        }
        m->name = name, m->name_n = name_n, m->field = field, m->capn = cap;
    }
    m->name[m->n] = s;
    m->name_n[m->n] = n;
    m->field[m->n++] = f;
    if (m->n <= 8) return;
    if (m->slot && 2 * m->n <= m->nslots) {
        cj_merged_slot(m, m->n - 1);
        return;
    }
    for (m->nslots = 32; m->nslots < 4 * m->n; m->nslots *= 2) {}
    m->slot = arena_alloc(c->a, m->nslots * sizeof(*m->slot));
    memset(m->slot, 0, m->nslots * sizeof(*m->slot));
    for (size_t at = 0; at < m->n; at++) cj_merged_slot(m, at);
}

/* A struct's i-th field name. */
static int cj_field_name(cj_ctx *c, const cj_schema *s, size_t i, const char **name, size_t *n) {
    if (s->merged) return *name = s->name[i], *n = s->name_n[i], 0;
    return cj_text(c, &c->tok[s->key[i]], c->a, name, n);
}

/* mergeSchema, element by element, into the merged struct m: the fields
 * of object o after m's; a field both have keeps m's schema, unless that
 * was the optional bytes of a null.  A member whose schema m keeps is only
 * checked (Debezium infers it, and may throw), not built: an array of a
 * million objects costs one struct. */
static int cj_merge_object(cj_ctx *c, cj_schema *m, uint32_t o) {
    CJ_MEMBERS(c, o, k) {
        const char *name;
        size_t n;
        const cj_schema *fs;
        if (c->tok[k].flags & CJ_REPEATED) continue;
        if (cj_text(c, &c->tok[k], c->a, &name, &n) < 0) return -1;
        long at = cj_merged_find(m, name, n);
        int keep = at >= 0 && m->field[at]->t != CJS_BYTES;
        if (cj_infer(c, cj_member_value(c, k), !keep, &fs) < 0) return -1;
        if (!fs || keep) continue;
        if (at < 0) cj_merged_add(c, m, name, n, fs);
        else if (fs->t != CJS_BYTES) m->field[at] = fs;
    }
    return 0;
}

/* Stand-ins for a container's schema when it is only checked. */
static const cj_schema cj_checked[] = {{.t = CJS_ARRAY}, {.t = CJS_STRUCT}};

/* An array's element schema (toConnectSchemaWithCycles). */
static int cj_infer_elements(cj_ctx *c, uint32_t arr, int build, const cj_schema **out) {
    cj_elems x;
    const cj_tok *e;
    cj_tok ref;
    uint32_t ei, ref_index = CJ_NO_TOKEN;
    const cj_schema *ref_num = NULL;
    int have_ref = 0, rc;
    if (cj_elems_init(&x, c, arr) < 0) return -1;
    while ((rc = cj_elems_next(&x, &e, &ei)) > 0) {
        if (e->type == JSON_NULL) continue;
        if (!have_ref) ref = *e, ref_index = ei, have_ref = 1;
        if (e->type != ref.type) return cj_fail(c, "Field is not a homogenous array (%s x %s)", cj_kind(&ref), cj_kind(e));
        if (e->type == JSON_NUMBER) {
            if (!ref_num) ref_num = cj_number_schema(c, &ref);
            const cj_schema *num = cj_number_schema(c, e);
            if (num != ref_num)
                return cj_fail(c, "Field is not a homogenous array (%.*s x %.*s), different number types (%s x %s)",
                               (int)(ref.len > 40 ? 40 : ref.len), c->doc + ref.start, (int)(e->len > 40 ? 40 : e->len),
                               c->doc + e->start, cj_schema_name(ref_num), cj_schema_name(num));
        }
    }
    if (rc < 0) return -1;
    *out = NULL;
    if (have_ref && ref.type == JSON_OBJECT) {   /* a tree array: its elements are tokens */
        cj_schema *merged = NULL;
        if (build) {
            merged = arena_alloc(c->a, sizeof(*merged));
            memset(merged, 0, sizeof(*merged));
            merged->t = CJS_STRUCT;
            merged->merged = 1;
        }
        for (uint32_t k = arr + 1; k < c->tok[arr].next; k = c->tok[k].next) {
            const cj_schema *s;
            if (c->tok[k].type != JSON_OBJECT) continue;
            if (build ? cj_merge_object(c, merged, k) < 0 : cj_infer(c, k, 0, &s) < 0) return -1;
        }
        *out = build ? merged : &cj_checked[1];
        return 0;
    }
    if (have_ref && ref_index != CJ_NO_TOKEN && cj_infer(c, ref_index, build, out) < 0) return -1;
    if (have_ref && ref_index == CJ_NO_TOKEN) *out = cj_scalar_schema(c, &ref);
    if (!have_ref && c->nulls == CJ_NULLS_OPTIONAL_BYTES) *out = &cj_scalars[CJS_BYTES];
    if (!*out) return cj_fail(c, "Array has unrecognized member schema (its first non-null element is %s)",
                              have_ref ? "an empty array" : "missing: the array holds only nulls");
    return 0;
}

/* toConnectSchema: NULL in *out when the value has none (null, []). */
static int cj_infer(cj_ctx *c, uint32_t t, int build, const cj_schema **out) {
    *out = NULL;
    switch (c->tok[t].type) {
    case JSON_ARRAY: {
        const cj_schema *elem;
        if (c->tok[t].flags & CJ_EMPTY) return 0;
        if (cj_infer_elements(c, t, build, &elem) < 0) return -1;
        if (!build) return *out = &cj_checked[0], 0;
        cj_schema *s = arena_alloc(c->a, sizeof(*s));
        memset(s, 0, sizeof(*s));
        s->t = CJS_ARRAY;
        s->elem = elem;
        *out = s;
        return 0;
    }
    case JSON_OBJECT: {
        if (!build) {
            const cj_schema *fs;
            CJ_MEMBERS(c, t, k)
                if (!(c->tok[k].flags & CJ_REPEATED) && cj_infer(c, cj_member_value(c, k), 0, &fs) < 0) return -1;
            return *out = &cj_checked[1], 0;
        }
        size_t members = 0;
        CJ_MEMBERS(c, t, k) members += !(c->tok[k].flags & CJ_REPEATED);
        cj_schema *s = arena_alloc(c->a, sizeof(*s));
        memset(s, 0, sizeof(*s));
        s->t = CJS_STRUCT;
        s->origin = t;
        s->field = arena_alloc(c->a, (members ? members : 1) * sizeof(*s->field));
        s->key = arena_alloc(c->a, (members ? members : 1) * sizeof(*s->key));
        CJ_MEMBERS(c, t, k) {
            const cj_schema *fs;
            if (c->tok[k].flags & CJ_REPEATED) continue;
            if (cj_infer(c, cj_member_value(c, k), 1, &fs) < 0) return -1;
            if (!fs) continue;
            s->key[s->n] = k;
            s->field[s->n++] = fs;
        }
        *out = s;
        return 0;
    }
    default: *out = cj_scalar_schema(c, &c->tok[t]); return 0;
    }
}

/* ------------------------------------------------------------ writing */

static void cj_puts(buf *b, const char *s) {
    buf_put(b, s, strlen(s));
}

/* A value Struct.put would refuse under its inferred schema. */
static int cj_mismatch(cj_ctx *c, const cj_tok *t, const cj_schema *s, const char *name, size_t name_n) {
    const char *kind = cj_kind(t);
    if (t->type == JSON_NUMBER) {
        int64_t i;
        static const char *const nums[] = {"INT32", "INT64", "BigInteger", "FLOAT64"};
        kind = nums[cj_number(c, t, &i)];
    }
    return cj_fail(c, "field \"%.*s\": a %s value where the schema inferred from the document says %s",
                   (int)(name_n > 60 ? 60 : name_n), name, kind, cj_schema_name(s));
}

static int cj_write(cj_ctx *c, uint32_t t, const cj_schema *s, const char *name, size_t name_n);

/* A struct: every field, in the schema's order; an object the schema was
 * inferred from has them in its own order, another one is looked up. */
static int cj_write_struct(cj_ctx *c, uint32_t t, const cj_schema *s) {
    buf_putc(&c->out, '{');
    for (size_t i = 0; i < s->n; i++) {
        const char *fname;
        size_t fname_n;
        uint32_t key = 0;
        if (i) buf_putc(&c->out, ',');
        if (cj_field_name(c, s, i, &fname, &fname_n) < 0) return -1;
        cj_put_string(&c->out, fname, fname_n);
        buf_putc(&c->out, ':');
        if (!s->merged && s->origin == t) key = s->key[i];
        else if (cj_find(c, t, fname, fname_n, &key) < 0) return -1;
        if (!key) cj_puts(&c->out, "null");
        else if (cj_write(c, cj_member_value(c, key), s->field[i], fname, fname_n) < 0) return -1;
    }
    buf_putc(&c->out, '}');
    return 0;
}

/* A scalar (k is a token, or a flat array's element) under its schema. */
static int cj_write_scalar(cj_ctx *c, const cj_tok *k, const cj_schema *s, const char *name, size_t name_n) {
    buf *b = &c->out;
    char num[32];
    int64_t i;
    if (k->type == JSON_NULL) {
        cj_puts(b, "null");
        return 0;
    }
    switch (s->t) {
    case CJS_STRING: {
        const char *str;
        size_t n;
        if (k->type != JSON_STRING) return cj_mismatch(c, k, s, name, name_n);
        if (cj_text(c, k, &c->strings, &str, &n) < 0) return -1;
        cj_put_string(b, str, n);
        arena_reset(&c->strings);
        return 0;
    }
    case CJS_BOOLEAN:
        if (k->type != JSON_TRUE) return cj_mismatch(c, k, s, name, name_n);
        cj_puts(b, c->doc[k->start] == 't' ? "true" : "false");
        return 0;
    case CJS_INT32:
    case CJS_INT64:
        if (k->type != JSON_NUMBER || cj_number(c, k, &i) != (s->t == CJS_INT32 ? CJ_INT32 : CJ_INT64))
            return cj_mismatch(c, k, s, name, name_n);
        buf_put(b, num, (size_t)snprintf(num, sizeof(num), "%lld", (long long)i));
        return 0;
    case CJS_FLOAT64: {
        cj_num kind = k->type == JSON_NUMBER ? cj_number(c, k, &i) : CJ_INT32;
        if (k->type == JSON_NUMBER && kind == CJ_BIG)
            return cj_fail(c, "field \"%.*s\": %.*s is beyond the long range (a BigInteger no Connect struct takes)",
                           (int)(name_n > 60 ? 60 : name_n), name, (int)(k->len > 60 ? 60 : k->len), c->doc + k->start);
        if (k->type != JSON_NUMBER || kind != CJ_DOUBLE) return cj_mismatch(c, k, s, name, name_n);
        double d = strtod(arena_strdup(&c->strings, c->doc + k->start, k->len), NULL);
        arena_reset(&c->strings);
        if (!isfinite(d)) buf_putc(b, '"');
        buf_put(b, num, cj_java_double(d, num));
        if (!isfinite(d)) buf_putc(b, '"');
        return 0;
    }
    default:
        return cj_mismatch(c, k, s, name, name_n);
    }
}

static int cj_write(cj_ctx *c, uint32_t t, const cj_schema *s, const char *name, size_t name_n) {
    const cj_tok *k = &c->tok[t];
    if (k->type == JSON_NULL || (k->type != JSON_OBJECT && k->type != JSON_ARRAY))
        return cj_write_scalar(c, k, s, name, name_n);
    if (k->type == JSON_OBJECT && s->t == CJS_STRUCT) return cj_write_struct(c, t, s);
    if (k->type != JSON_ARRAY || s->t != CJS_ARRAY) return cj_mismatch(c, k, s, name, name_n);
    cj_elems x;
    const cj_tok *e;
    uint32_t ei;
    int rc, first = 1;
    if (cj_elems_init(&x, c, t) < 0) return -1;
    buf_putc(&c->out, '[');
    while ((rc = cj_elems_next(&x, &e, &ei)) > 0) {
        if (!first) buf_putc(&c->out, ',');
        first = 0;
        if (ei != CJ_NO_TOKEN ? cj_write(c, ei, s->elem, name, name_n) < 0 : cj_write_scalar(c, e, s->elem, name, name_n) < 0)
            return -1;
    }
    if (rc < 0) return -1;
    buf_putc(&c->out, ']');
    return 0;
}

void cj_put_string(buf *b, const char *s, size_t n) {
    static const char hex[] = "0123456789ABCDEF";
    size_t run = 0;
    buf_putc(b, '"');
    for (size_t i = 0; i < n; i++) {
        unsigned char ch = (unsigned char)s[i];
        char esc = 0;
        if (ch == '"' || ch == '\\') esc = (char)ch;
        else if (ch == '\b') esc = 'b';
        else if (ch == '\t') esc = 't';
        else if (ch == '\n') esc = 'n';
        else if (ch == '\f') esc = 'f';
        else if (ch == '\r') esc = 'r';
        else if (ch >= 0x20 && (ch < 0xF0 || i + 3 >= n)) continue;
        buf_put(b, s + run, i - run);
        run = i + 1;
        if (ch >= 0xF0) {   /* beyond the BMP: Jackson writes the UTF-16 surrogate pair, escaped */
            uint32_t cp = ((uint32_t)(ch & 7) << 18 | (uint32_t)(s[i + 1] & 0x3F) << 12 |
                           (uint32_t)(s[i + 2] & 0x3F) << 6 | (uint32_t)(s[i + 3] & 0x3F)) - 0x10000;
            uint32_t pair[2] = {0xD800 + (cp >> 10), 0xDC00 + (cp & 0x3FF)};
            for (int h = 0; h < 2; h++) {
                char u[6] = {'\\', 'u', hex[pair[h] >> 12], hex[pair[h] >> 8 & 15], hex[pair[h] >> 4 & 15], hex[pair[h] & 15]};
                buf_put(b, u, 6);
            }
            i += 3;
            run = i + 1;
        } else if (esc) {
            char e[2] = {'\\', esc};
            buf_put(b, e, 2);
        } else {
            char u[6] = {'\\', 'u', '0', '0', hex[ch >> 4], hex[ch & 15]};
            buf_put(b, u, 6);
        }
    }
    buf_put(b, s + run, n - run);
    buf_putc(b, '"');
}

/* Java's rule: plain decimal for 10^-3 <= |d| < 10^7, else d.dddE±n; the
 * fewest significant digits that read back as d — but when one digit
 * would do, the closest of one or two digits (Double.MIN_VALUE is 4.9E-324,
 * not 5.0E-324) — and at least one digit after the point. */
size_t cj_java_double(double d, char *p) {
    if (isnan(d)) return (size_t)snprintf(p, 32, "NaN");
    if (isinf(d)) return (size_t)snprintf(p, 32, "%sInfinity", d < 0 ? "-" : "");
    if (d == 0) return (size_t)snprintf(p, 32, "%s0.0", signbit(d) ? "-" : "");
    char sci[40];
    for (int prec = 2; prec <= 17; prec++) {   /* two digits, correctly rounded, are never farther than one */
        snprintf(sci, sizeof(sci), "%.*e", prec - 1, d);
        if (strtod(sci, NULL) == d) break;
    }
    /* sci: [-]D[.DDD]e±XX */
    char digits[24];
    size_t nd = 0;
    const char *q = sci + (sci[0] == '-');
    for (; *q && *q != 'e'; q++)
        if (*q != '.') digits[nd++] = *q;
    int exp10 = atoi(q + 1);
    while (nd > 1 && digits[nd - 1] == '0') nd--;
    size_t len = 0;
    if (d < 0) p[len++] = '-';
    double mag = fabs(d);
    if (mag >= 1e-3 && mag < 1e7) {
        if (exp10 >= 0) {
            for (int i = 0; i <= exp10; i++) p[len++] = (size_t)i < nd ? digits[i] : '0';
            p[len++] = '.';
            if ((size_t)exp10 + 1 >= nd) p[len++] = '0';
            for (size_t i = (size_t)exp10 + 1; i < nd; i++) p[len++] = digits[i];
        } else {
            p[len++] = '0';
            p[len++] = '.';
            for (int i = -1; i > exp10; i--) p[len++] = '0';
            for (size_t i = 0; i < nd; i++) p[len++] = digits[i];
        }
    } else {
        p[len++] = digits[0];
        p[len++] = '.';
        if (nd == 1) p[len++] = '0';
        for (size_t i = 1; i < nd; i++) p[len++] = digits[i];
        len += (size_t)snprintf(p + len, 32 - len, "E%d", exp10);
    }
    p[len] = 0;
    return len;
}

/* -------------------------------------------------------------- whole */

int cj_expand(const char *s, size_t n, cj_nulls nulls, arena *a, const char **out, size_t *out_n, char *why,
              size_t cap) {
    cj_ctx c;
    memset(&c, 0, sizeof(c));
    c.a = a, c.nulls = nulls, c.doc = s, c.why = why, c.cap = cap;
    arena_init(&c.strings);
    json_value root;
    const cj_schema *schema;
    int rc = -1;
    if (n >= UINT32_MAX) {
        cj_fail(&c, "document of %zu bytes is too large", n);
    } else if (json_open(s, n, &root, &c.jerr) < 0) {
        cj_json_fail(&c);
    } else if (root.type != JSON_OBJECT) {
        cj_fail(&c, "the document is a JSON %s, not an object (no Connect struct)", json_type_name(root.type));
    } else if (cj_tokenize(&c, &root) == 0 && cj_infer(&c, 0, 1, &schema) == 0 && cj_write(&c, 0, schema, "", 0) == 0) {
        char *copy = arena_alloc(a, c.out.len);
        memcpy(copy, c.out.p, c.out.len);
        *out = copy;
        *out_n = c.out.len;
        rc = 0;
    }
    free(c.tok);
    free(c.slots);
    arena_free(&c.strings);
    buf_free(&c.out);
    return rc;
}

/* ------------------------------------------ values that keep their schema */

/* How a writer quotes a decoded string: Jackson's, or Values' embedded form. */
typedef void (*cj_quote_fn)(buf *b, const char *s, size_t n);

void cj_header_string(buf *b, const char *s, size_t n) {
    buf_putc(b, '"');
    size_t run = 0;
    for (size_t i = 0; i < n; i++) {
        if (s[i] != '"' && s[i] != '\\') continue;
        buf_put(b, s + run, i - run);
        buf_putc(b, '\\');
        run = i;          /* the character itself starts the next run */
    }
    buf_put(b, s + run, n - run);
    buf_putc(b, '"');
}

static int cj_is_ws(char c) {
    return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

/* One pass over validated JSON text: whitespace outside strings dropped,
 * strings with escapes or characters outside the BMP decoded and quoted
 * again by `quote`, everything else (punctuation, numbers, literals, the
 * other strings — which hold nothing either writer escapes) copied as it is. */
static void cj_copy(buf *b, const char *s, size_t n, arena *a, cj_quote_fn quote) {
    const char *p = s, *e = s + n;
    while (p < e) {
        const char *run = p;
        while (p < e && *p != '"' && !cj_is_ws(*p)) p++;
        buf_put(b, run, (size_t)(p - run));
        if (p == e) break;
        if (*p != '"') {
            p++;
            continue;
        }
        const char *q = p + 1;
        int escaped = 0, requote = 0;
        while (q < e && *q != '"') {
            if (*q == '\\') escaped = 1, q++;
            else if ((unsigned char)*q >= 0xF0) requote = 1;
            q++;
        }
        const char *end = q < e ? q + 1 : e;
        json_value v = {JSON_STRING, p, end, e, 0, escaped};
        const char *text;
        size_t len;
        json_error err;
        if ((escaped || requote) && json_string(&v, a, &text, &len, &err) == 0) quote(b, text, len);
        else buf_put(b, p, (size_t)(end - p));
        p = end;
    }
}

void cj_json(buf *b, const char *s, size_t n, arena *a) {
    cj_copy(b, s, n, a, cj_put_string);
}

int cj_header(buf *b, const json_value *v, arena *a) {
    const char *text;
    size_t len;
    json_error err;
    switch (v->type) {
    case JSON_NULL:
    case JSON_NONE:
        return 1;
    case JSON_STRING:
        if (json_string(v, a, &text, &len, &err) == 0) buf_put(b, text, len);
        return 0;
    case JSON_OBJECT:
    case JSON_ARRAY:
        cj_copy(b, v->start, json_raw_len(v), a, cj_header_string);
        return 0;
    default:
        buf_put(b, v->start, json_raw_len(v));
        return 0;
    }
}
