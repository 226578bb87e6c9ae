/* connect_json.c — the JSON converter's and the header converter's bytes
 * (see connect_json.h): for one JSON document through JsonSchemaData, and
 * for values that keep their schema.
 *
 * Three passes, as Debezium makes them: the document into a tree (Jackson's
 * readTree: a repeated name keeps its place and takes the last value), the
 * tree's schema (toConnectSchema), then the tree written under that schema
 * (toConnectData, Struct.put's type checks, the converter's output). */
#include "connect_json.h"
#include "json.h"

#include <math.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct cj_ctx {
    arena *a;
    cj_nulls nulls;
    json_error jerr;
    char *why;
    size_t cap;
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

/* ------------------------------------------------- names, in order */

/* An ordered map from names to values: an object's members, a struct's
 * fields.  Hashed once it holds more than a few, so a document of many
 * members costs what it is long. */
typedef struct cj_map {
    const char **key;
    size_t *key_n;
    void **val;
    size_t n, cap;
    size_t *slot;       /* index + 1, 0 empty; nslots a power of two, at least 2n */
    size_t nslots;
} cj_map;

#define CJ_MAP_LINEAR 8

static size_t cj_hash(const char *s, size_t n) {
    uint64_t h = 1469598103934665603ULL;
    for (size_t i = 0; i < n; i++) h = (h ^ (unsigned char)s[i]) * 1099511628211ULL;
    return (size_t)h;
}

static long cj_map_find(const cj_map *m, const char *k, size_t kn) {
    if (!m->slot) {
        for (size_t i = 0; i < m->n; i++)
            if (m->key_n[i] == kn && memcmp(m->key[i], k, kn) == 0) return (long)i;
        return -1;
    }
    for (size_t i = cj_hash(k, kn) & (m->nslots - 1); m->slot[i]; i = (i + 1) & (m->nslots - 1)) {
        size_t at = m->slot[i] - 1;
        if (m->key_n[at] == kn && memcmp(m->key[at], k, kn) == 0) return (long)at;
    }
    return -1;
}

static void cj_map_index(cj_ctx *c, cj_map *m) {
    m->nslots = 16;
    while (m->nslots < 2 * m->cap) m->nslots *= 2;
    m->slot = arena_alloc(c->a, m->nslots * sizeof(*m->slot));
    memset(m->slot, 0, m->nslots * sizeof(*m->slot));
    for (size_t at = 0; at < m->n; at++) {
        size_t i = cj_hash(m->key[at], m->key_n[at]) & (m->nslots - 1);
        while (m->slot[i]) i = (i + 1) & (m->nslots - 1);
        m->slot[i] = at + 1;
    }
}

static void cj_map_append(cj_ctx *c, cj_map *m, const char *k, size_t kn, void *v) {
    if (m->n == m->cap) {
        size_t cap = m->cap ? 2 * m->cap : 4;
        const char **key = arena_alloc(c->a, cap * sizeof(*key));
        size_t *key_n = arena_alloc(c->a, cap * sizeof(*key_n));
        void **val = arena_alloc(c->a, cap * sizeof(*val));
        if (m->n) {
            memcpy(key, m->key, m->n * sizeof(*key));
            memcpy(key_n, m->key_n, m->n * sizeof(*key_n));
            memcpy(val, m->val, m->n * sizeof(*val));
        }
        m->key = key, m->key_n = key_n, m->val = val, m->cap = cap;
        m->slot = NULL;
    }
    m->key[m->n] = k;
    m->key_n[m->n] = kn;
    m->val[m->n++] = v;
    if (m->n > CJ_MAP_LINEAR) {
        if (!m->slot) {
            cj_map_index(c, m);
        } else {
            size_t i = cj_hash(k, kn) & (m->nslots - 1);
            while (m->slot[i]) i = (i + 1) & (m->nslots - 1);
            m->slot[i] = m->n;
        }
    }
}

/* ------------------------------------------------------------ the tree */

typedef enum cj_num { CJ_INT32, CJ_INT64, CJ_BIG, CJ_DOUBLE } cj_num;

typedef struct cj_node {
    json_type type;           /* JSON_TRUE and JSON_FALSE are both Jackson's BOOLEAN */
    cj_num num;
    int64_t i;                /* CJ_INT32, CJ_INT64 */
    double d;                 /* CJ_DOUBLE */
    const char *s;            /* a string's decoded bytes, a number's text */
    size_t n;
    cj_map members;           /* objects (values: cj_node *) */
    struct cj_node **kids;    /* arrays */
    size_t count, cap;
} cj_node;

static int cj_parse(cj_ctx *c, json_value *v, cj_node **out);

static int cj_parse_container(cj_ctx *c, json_value *v, cj_node *nd) {
    json_iter it;
    json_value k, e;
    int rc;
    if (v->depth + 1 > CJ_MAX_DEPTH)
        return cj_fail(c, "document nesting depth exceeds the maximum allowed (%d)", CJ_MAX_DEPTH);
    if (json_iter_init(&it, v, &c->jerr) < 0) return cj_json_fail(c);
    while ((rc = v->type == JSON_OBJECT ? json_iter_member(&it, &k, &e) : json_iter_element(&it, &e)) > 0) {
        cj_node *kid;
        if (cj_parse(c, &e, &kid) < 0) return -1;
        json_iter_resume(&it, &e);
        if (v->type == JSON_ARRAY) {
            if (nd->count == nd->cap) {
                size_t cap = nd->cap ? 2 * nd->cap : 4;
                cj_node **kids = arena_alloc(c->a, cap * sizeof(*kids));
                if (nd->count) memcpy(kids, nd->kids, nd->count * sizeof(*kids));
                nd->kids = kids, nd->cap = cap;
            }
            nd->kids[nd->count++] = kid;
            continue;
        }
        const char *name;
        size_t name_n;
        if (json_string(&k, c->a, &name, &name_n, &c->jerr) < 0) return cj_json_fail(c);
        long at = cj_map_find(&nd->members, name, name_n);
        if (at >= 0) nd->members.val[at] = kid;   /* the first place, the last value */
        else cj_map_append(c, &nd->members, name, name_n, kid);
    }
    return rc < 0 ? cj_json_fail(c) : 0;
}

static int cj_parse(cj_ctx *c, json_value *v, cj_node **out) {
    cj_node *nd = arena_alloc(c->a, sizeof(*nd));
    memset(nd, 0, sizeof(*nd));
    nd->type = v->type == JSON_FALSE ? JSON_TRUE : v->type;
    *out = nd;
    switch (v->type) {
    case JSON_NUMBER: {
        nd->s = v->start;
        nd->n = json_raw_len(v);
        int rc = json_number_i64(v, &nd->i);
        if (rc == 0) nd->num = nd->i >= INT32_MIN && nd->i <= INT32_MAX ? CJ_INT32 : CJ_INT64;
        else if (rc > 0) nd->num = CJ_BIG;
        else nd->num = CJ_DOUBLE, nd->d = strtod(arena_strdup(c->a, nd->s, nd->n), NULL);
        return 0;
    }
    case JSON_STRING: return json_string(v, c->a, &nd->s, &nd->n, &c->jerr) < 0 ? cj_json_fail(c) : 0;
    case JSON_TRUE: case JSON_FALSE:
        nd->i = v->type == JSON_TRUE;
        return 0;
    case JSON_OBJECT: case JSON_ARRAY: return cj_parse_container(c, v, nd);
    default: return 0;
    }
}

/* Jackson's JsonNodeType names, for messages. */
static const char *cj_kind(const cj_node *nd) {
    switch (nd->type) {
    case JSON_STRING: return "STRING";
    case JSON_NUMBER: return "NUMBER";
    case JSON_TRUE: return "BOOLEAN";
    case JSON_ARRAY: return "ARRAY";
    case JSON_OBJECT: return "OBJECT";
    default: return "NULL";
    }
}

/* ---------------------------------------------------------- the schema */

typedef enum cj_stype { CJS_STRING, CJS_BOOLEAN, CJS_INT32, CJS_INT64, CJS_FLOAT64, CJS_BYTES, CJS_ARRAY, CJS_STRUCT } cj_stype;

typedef struct cj_schema {
    cj_stype t;
    const struct cj_schema *elem;   /* ARRAY */
    cj_map fields;                  /* STRUCT (values: const cj_schema *) */
} cj_schema;

static const cj_schema cj_scalars[] = {{CJS_STRING, NULL, {0}}, {CJS_BOOLEAN, NULL, {0}}, {CJS_INT32, NULL, {0}},
                                       {CJS_INT64, NULL, {0}},  {CJS_FLOAT64, NULL, {0}}, {CJS_BYTES, NULL, {0}}};

static const char *cj_schema_name(const cj_schema *s) {
    static const char *const names[] = {"STRING", "BOOLEAN", "INT32", "INT64", "FLOAT64", "BYTES", "ARRAY", "STRUCT"};
    return names[s->t];
}

static const cj_schema *cj_number_schema(const cj_node *nd) {
    return &cj_scalars[nd->num == CJ_INT32 ? CJS_INT32 : nd->num == CJ_INT64 ? CJS_INT64 : CJS_FLOAT64];
}

static int cj_infer(cj_ctx *c, const cj_node *nd, const cj_schema **out);

/* mergeSchema: right's fields after left's; a field both have keeps
 * left's schema, unless that was the optional bytes of a null. */
static void cj_merge(cj_ctx *c, cj_schema *into, const cj_schema *right) {
    for (size_t i = 0; i < right->fields.n; i++) {
        const cj_schema *fs = right->fields.val[i];
        long at = cj_map_find(&into->fields, right->fields.key[i], right->fields.key_n[i]);
        if (at < 0) cj_map_append(c, &into->fields, right->fields.key[i], right->fields.key_n[i], (void *)fs);
        else if (((const cj_schema *)into->fields.val[at])->t == CJS_BYTES && fs->t != CJS_BYTES) into->fields.val[at] = (void *)fs;
    }
}

/* An array's element schema (toConnectSchemaWithCycles). */
static int cj_infer_elements(cj_ctx *c, const cj_node *arr, const cj_schema **out) {
    const cj_node *ref = NULL;
    const cj_schema *ref_num = NULL;
    for (size_t i = 0; i < arr->count; i++) {
        const cj_node *e = arr->kids[i];
        if (e->type == JSON_NULL) continue;
        if (!ref) ref = e;
        if (e->type != ref->type) return cj_fail(c, "Field is not a homogenous array (%s x %s)", cj_kind(ref), cj_kind(e));
        if (e->type == JSON_NUMBER) {
            if (!ref_num) ref_num = cj_number_schema(ref);
            if (cj_number_schema(e) != ref_num)
                return cj_fail(c, "Field is not a homogenous array (%.*s x %.*s), different number types (%s x %s)",
                               (int)(ref->n > 40 ? 40 : ref->n), ref->s, (int)(e->n > 40 ? 40 : e->n), e->s,
                               cj_schema_name(ref_num), cj_schema_name(cj_number_schema(e)));
        }
    }
    *out = NULL;
    if (ref && ref->type == JSON_OBJECT) {
        cj_schema *merged = arena_alloc(c->a, sizeof(*merged));
        memset(merged, 0, sizeof(*merged));
        merged->t = CJS_STRUCT;
        for (size_t i = 0; i < arr->count; i++) {
            const cj_schema *s;
            if (arr->kids[i]->type != JSON_OBJECT) continue;
            if (cj_infer(c, arr->kids[i], &s) < 0) return -1;
            cj_merge(c, merged, s);
        }
        *out = merged;
        return 0;
    }
    if (ref && cj_infer(c, ref, out) < 0) return -1;
    if (!ref && c->nulls == CJ_NULLS_OPTIONAL_BYTES) *out = &cj_scalars[CJS_BYTES];
    if (!*out) return cj_fail(c, "Array has unrecognized member schema (its first non-null element is %s)",
                              ref ? "an empty array" : "missing: the array holds only nulls");
    return 0;
}

/* toConnectSchema: NULL in *out when the value has none (null, []). */
static int cj_infer(cj_ctx *c, const cj_node *nd, const cj_schema **out) {
    *out = NULL;
    switch (nd->type) {
    case JSON_STRING: *out = &cj_scalars[CJS_STRING]; return 0;
    case JSON_TRUE: *out = &cj_scalars[CJS_BOOLEAN]; return 0;
    case JSON_NUMBER: *out = cj_number_schema(nd); return 0;
    case JSON_NULL:
        if (c->nulls == CJ_NULLS_OPTIONAL_BYTES) *out = &cj_scalars[CJS_BYTES];
        return 0;
    case JSON_ARRAY: {
        if (!nd->count) return 0;
        cj_schema *s = arena_alloc(c->a, sizeof(*s));
        memset(s, 0, sizeof(*s));
        s->t = CJS_ARRAY;
        if (cj_infer_elements(c, nd, &s->elem) < 0) return -1;
        *out = s;
        return 0;
    }
    case JSON_OBJECT: {
        cj_schema *s = arena_alloc(c->a, sizeof(*s));
        memset(s, 0, sizeof(*s));
        s->t = CJS_STRUCT;
        for (size_t i = 0; i < nd->members.n; i++) {
            const cj_schema *fs;
            if (cj_infer(c, nd->members.val[i], &fs) < 0) return -1;
            if (fs) cj_map_append(c, &s->fields, nd->members.key[i], nd->members.key_n[i], (void *)fs);
        }
        *out = s;
        return 0;
    }
    default: return 0;
    }
}

/* ------------------------------------------------------------ writing */

static void cj_puts(buf *b, const char *s) {
    buf_put(b, s, strlen(s));
}

/* A value Struct.put would refuse under its inferred schema. */
static int cj_mismatch(cj_ctx *c, const cj_node *nd, const cj_schema *s, const char *name, size_t name_n) {
    return cj_fail(c, "field \"%.*s\": a %s value where the schema inferred from the document says %s",
                   (int)(name_n > 60 ? 60 : name_n), name, nd->type == JSON_NUMBER && nd->num != CJ_DOUBLE ?
                   (nd->num == CJ_INT32 ? "INT32" : nd->num == CJ_INT64 ? "INT64" : "BigInteger") :
                   nd->type == JSON_NUMBER ? "FLOAT64" : cj_kind(nd), cj_schema_name(s));
}

static int cj_write(cj_ctx *c, const cj_node *nd, const cj_schema *s, const char *name, size_t name_n) {
    buf *b = &c->out;
    char num[32];
    if (!nd || nd->type == JSON_NULL) {
        cj_puts(b, "null");
        return 0;
    }
    switch (s->t) {
    case CJS_STRUCT:
        if (nd->type != JSON_OBJECT) return cj_mismatch(c, nd, s, name, name_n);
        buf_putc(b, '{');
        for (size_t i = 0; i < s->fields.n; i++) {
            if (i) buf_putc(b, ',');
            const char *fname = s->fields.key[i];
            size_t fname_n = s->fields.key_n[i];
            cj_put_string(b, fname, fname_n);
            buf_putc(b, ':');
            long at = cj_map_find(&nd->members, fname, fname_n);
            if (cj_write(c, at >= 0 ? nd->members.val[at] : NULL, s->fields.val[i], fname, fname_n) < 0) return -1;
        }
        buf_putc(b, '}');
        return 0;
    case CJS_ARRAY:
        if (nd->type != JSON_ARRAY) return cj_mismatch(c, nd, s, name, name_n);
        buf_putc(b, '[');
        for (size_t i = 0; i < nd->count; i++) {
            if (i) buf_putc(b, ',');
            if (cj_write(c, nd->kids[i], s->elem, name, name_n) < 0) return -1;
        }
        buf_putc(b, ']');
        return 0;
    case CJS_STRING:
        if (nd->type != JSON_STRING) return cj_mismatch(c, nd, s, name, name_n);
        cj_put_string(b, nd->s, nd->n);
        return 0;
    case CJS_BOOLEAN:
        if (nd->type != JSON_TRUE) return cj_mismatch(c, nd, s, name, name_n);
        cj_puts(b, nd->i ? "true" : "false");
        return 0;
    case CJS_INT32:
    case CJS_INT64:
        if (nd->type != JSON_NUMBER || nd->num != (s->t == CJS_INT32 ? CJ_INT32 : CJ_INT64))
            return cj_mismatch(c, nd, s, name, name_n);
        buf_put(b, num, (size_t)snprintf(num, sizeof(num), "%lld", (long long)nd->i));
        return 0;
    case CJS_FLOAT64:
        if (nd->type == JSON_NUMBER && nd->num == CJ_BIG)
            return cj_fail(c, "field \"%.*s\": %.*s is beyond the long range (a BigInteger no Connect struct takes)",
                           (int)(name_n > 60 ? 60 : name_n), name, (int)(nd->n > 60 ? 60 : nd->n), nd->s);
        if (nd->type != JSON_NUMBER || nd->num != CJ_DOUBLE) return cj_mismatch(c, nd, s, name, name_n);
        if (!isfinite(nd->d)) buf_putc(b, '"');
        buf_put(b, num, cj_java_double(nd->d, num));
        if (!isfinite(nd->d)) buf_putc(b, '"');
        return 0;
    default:
        return cj_mismatch(c, nd, s, name, name_n);
    }
}

static const char cj_hexdigits[] = "0123456789ABCDEF";

/* One UTF-16 unit as Jackson escapes it: \uXXXX, upper-case hex. */
static void cj_unit(buf *b, unsigned u) {
    char e[6] = {'\\', 'u', cj_hexdigits[u >> 12 & 15], cj_hexdigits[u >> 8 & 15], cj_hexdigits[u >> 4 & 15], cj_hexdigits[u & 15]};
    buf_put(b, e, sizeof(e));
}

void cj_put_string(buf *b, const char *s, size_t n) {
    buf_putc(b, '"');
    size_t run = 0;
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)s[i];
        if (c >= 0x20 && c != '"' && c != '\\' && (c < 0xF0 || n - i < 4)) continue;
        buf_put(b, s + run, i - run);
        if (c >= 0xF0) {
            /* Outside the BMP: Jackson escapes the surrogate pair the Java
             * string holds, each unit on its own (UTF8JsonGenerator). */
            unsigned cp = (unsigned)(c & 7) << 18 | (unsigned)(s[i + 1] & 0x3F) << 12 |
                          (unsigned)(s[i + 2] & 0x3F) << 6 | (unsigned)(s[i + 3] & 0x3F);
            cj_unit(b, 0xD800 + ((cp - 0x10000) >> 10));
            cj_unit(b, 0xDC00 + ((cp - 0x10000) & 0x3FF));
            i += 3;
            run = i + 1;
            continue;
        }
        run = i + 1;
        switch (c) {
        case '"': case '\\': buf_putc(b, '\\'), buf_putc(b, (char)c); break;
        case '\b': buf_put(b, "\\b", 2); break;
        case '\t': buf_put(b, "\\t", 2); break;
        case '\n': buf_put(b, "\\n", 2); break;
        case '\f': buf_put(b, "\\f", 2); break;
        case '\r': buf_put(b, "\\r", 2); break;
        default: cj_unit(b, c);
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
    cj_ctx c = {a, nulls, {0, 0}, why, cap, {NULL, 0, 0}};
    json_value root;
    cj_node *tree;
    const cj_schema *schema;
    if (json_open(s, n, &root, &c.jerr) < 0) return cj_json_fail(&c);
    if (cj_parse(&c, &root, &tree) < 0) return -1;
    if (tree->type != JSON_OBJECT)
        return cj_fail(&c, "the document is a JSON %s, not an object (no Connect struct)", json_type_name(root.type));
    if (cj_infer(&c, tree, &schema) < 0) return -1;
    int rc = cj_write(&c, tree, schema, "", 0);
    if (rc == 0) {
        char *copy = arena_alloc(a, c.out.len ? c.out.len : 1);
        memcpy(copy, c.out.p, c.out.len);
        *out = copy;
        *out_n = c.out.len;
    }
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
