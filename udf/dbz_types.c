/* dbz_types.c — Debezium logical types to ClickHouse-readable text (see
 * dbz_types.h).
 *
 * Two phases per message: the schema of each image becomes a table of
 * columns (name, kind, scale or precision), then the image is walked once
 * and written out member by member, decoded where its column's kind says
 * so.  Decimals are converted by hand: the unscaled value is a big-endian
 * two's-complement integer of any length, turned into base-10^9 limbs
 * 32 bits at a time, so precision is never lost to a machine integer. */
#include "dbz_types.h"

#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "timestamp.h"

#define KEY_IS(k, lit) json_key_equals((k), lit, sizeof(lit) - 1)

/* Scales beyond this are refused: a scale is a count of zeros we may have to
 * write, and PostgreSQL's own limit is 16383. */
#define DBZT_MAX_SCALE 32767

/* Days from 1970-01-01 to 0000-01-01 and to 9999-12-31: the dates a
 * four-digit year can spell. */
#define DBZT_MIN_DAY (-719528)
#define DBZT_MAX_DAY 2932896

/* The placeholder as Debezium 3.x writes it into other types' columns. */
#define DBZT_UNAVAILABLE_B64 "X19kZWJleml1bV91bmF2YWlsYWJsZV92YWx1ZQ=="           /* bytea, Decimal */
#define DBZT_UNAVAILABLE_UUID "b68a35a7-17ad-35b3-af2a-ae46edb4545a"             /* uuid[]: UUID v3 of it */
#define DBZT_UNAVAILABLE_JSON "\"" DBZT_UNAVAILABLE "\""

enum dbzt_kind {
    DBZT_RAW = 0,      /* copied as it is */
    DBZT_BYTES,        /* base64, copied; only the placeholder is rewritten */
    DBZT_DECIMAL,      /* base64 unscaled value, scale from the schema */
    DBZT_NOSCALE,      /* a Decimal whose schema has no usable scale: values are errors */
    DBZT_VSDECIMAL,    /* {"scale": n, "value": base64} */
    DBZT_DATE,         /* days since the epoch */
    DBZT_TIME,         /* 10^-prec seconds since midnight */
    DBZT_TIMESTAMP,    /* 10^-prec seconds since the epoch, no zone */
    DBZT_ZONED,        /* ISO-8601 string with zone */
    DBZT_ARRAY         /* elements of item kind */
};

/* What a schema says about one value. */
typedef struct dbzt_spec {
    unsigned char kind;
    signed char prec;
    int32_t scale;
} dbzt_spec;

typedef struct dbzt_col {
    const char *name;
    size_t name_len;
    dbzt_spec spec;
    dbzt_spec item;       /* DBZT_ARRAY: its elements (never DBZT_ARRAY) */
} dbzt_col;

struct dbzt_table {
    dbzt_col *cols;
    size_t n, cap;
    int plain;            /* no column needs decoding: the image is its own output */
};

#define DBZT_NAME(lit) lit, sizeof(lit) - 1

static const struct {
    const char *name;
    size_t len;
    unsigned char kind;
    signed char prec;
} dbzt_names[] = {
    {DBZT_NAME("org.apache.kafka.connect.data.Decimal"), DBZT_DECIMAL, 0},
    {DBZT_NAME("io.debezium.data.VariableScaleDecimal"), DBZT_VSDECIMAL, 0},
    {DBZT_NAME("io.debezium.time.Date"), DBZT_DATE, 0},
    {DBZT_NAME("org.apache.kafka.connect.data.Date"), DBZT_DATE, 0},
    {DBZT_NAME("io.debezium.time.Time"), DBZT_TIME, 3},
    {DBZT_NAME("org.apache.kafka.connect.data.Time"), DBZT_TIME, 3},
    {DBZT_NAME("io.debezium.time.MicroTime"), DBZT_TIME, 6},
    {DBZT_NAME("io.debezium.time.NanoTime"), DBZT_TIME, 9},
    {DBZT_NAME("io.debezium.time.Timestamp"), DBZT_TIMESTAMP, 3},
    {DBZT_NAME("org.apache.kafka.connect.data.Timestamp"), DBZT_TIMESTAMP, 3},
    {DBZT_NAME("io.debezium.time.MicroTimestamp"), DBZT_TIMESTAMP, 6},
    {DBZT_NAME("io.debezium.time.NanoTimestamp"), DBZT_TIMESTAMP, 9},
    {DBZT_NAME("io.debezium.time.ZonedTimestamp"), DBZT_ZONED, 0},
};

static int dbzt_fail(char *err, size_t errcap, const char *what, const json_error *jerr) {
    if (errcap) snprintf(err, errcap, "%s%s%s", what, jerr ? ": " : "", jerr && jerr->msg ? jerr->msg : "");
    return -1;
}

/* ================================================================ schema */

/* Kafka Connect writes parameters as strings ("4"); a number is accepted too. */
static int dbzt_parse_scale(const json_value *v, int32_t *out) {
    const char *p = v->start, *e = v->end;
    if (v->type == JSON_STRING) p++, e--;
    else if (v->type != JSON_NUMBER) return -1;
    int neg = p < e && *p == '-';
    p += neg;
    if (p == e) return -1;
    int32_t s = 0;
    for (; p < e; p++) {
        if (*p < '0' || *p > '9' || s > DBZT_MAX_SCALE) return -1;
        s = s * 10 + (*p - '0');
    }
    if (s > DBZT_MAX_SCALE) return -1;
    *out = neg ? -s : s;
    return 0;
}

typedef struct dbzt_schema_read {
    const char *field;          /* "field": the column's name */
    size_t field_len;
    int is_array, is_bytes, has_scale;
    int32_t scale;
    const char *name;           /* "name": the logical type */
    size_t name_len;
    json_value items;           /* "items" of an array (lazy view) */
} dbzt_schema_read;

static int dbzt_read_parameters(json_value *params, dbzt_schema_read *r, json_error *jerr) {
    json_iter it;
    json_value k, v;
    int rc;
    if (json_iter_init(&it, params, jerr) < 0) return -1;
    while ((rc = json_iter_member(&it, &k, &v)) > 0)
        if (KEY_IS(&k, "scale")) r->has_scale = dbzt_parse_scale(&v, &r->scale) == 0 ? 1 : -1;
    return rc;
}

enum { DBZT_K_OTHER, DBZT_K_TYPE, DBZT_K_NAME, DBZT_K_FIELD, DBZT_K_PARAMETERS, DBZT_K_ITEMS };

/* Which member of a field schema key k is: one length switch and one
 * memcmp instead of a comparison per candidate (this runs per column per
 * message).  Kafka Connect never escapes these keys; an escaped one still
 * matches through json_key_equals. */
static int dbzt_schema_key(const json_value *k) {
    static const struct { const char *s; size_t n; int id; } keys[] = {
        {"type", 4, DBZT_K_TYPE}, {"name", 4, DBZT_K_NAME}, {"field", 5, DBZT_K_FIELD},
        {"items", 5, DBZT_K_ITEMS}, {"parameters", 10, DBZT_K_PARAMETERS},
    };
    size_t n = json_raw_len(k) - 2;
    for (size_t i = 0; i < sizeof(keys) / sizeof(keys[0]); i++) {
        if (k->escaped ? json_key_equals(k, keys[i].s, keys[i].n)
                       : n == keys[i].n && memcmp(k->start + 1, keys[i].s, n) == 0)
            return keys[i].id;
    }
    return DBZT_K_OTHER;
}

/* One pass over a field schema {type, optional, name?, parameters?, items?, field?}. */
static int dbzt_read_field(json_value *obj, arena *a, dbzt_schema_read *r, json_error *jerr) {
    json_iter it;
    json_value k, v;
    int rc;
    memset(r, 0, sizeof(*r));
    if (json_iter_init(&it, obj, jerr) < 0) return -1;
    while ((rc = json_iter_member(&it, &k, &v)) > 0) {
        switch (dbzt_schema_key(&k)) {
        case DBZT_K_TYPE:
            r->is_array = KEY_IS(&v, "array");
            r->is_bytes = KEY_IS(&v, "bytes");
            break;
        case DBZT_K_NAME:
            if (v.type == JSON_STRING && json_string(&v, a, &r->name, &r->name_len, jerr) < 0) return -1;
            break;
        case DBZT_K_FIELD:
            if (v.type == JSON_STRING && json_string(&v, a, &r->field, &r->field_len, jerr) < 0) return -1;
            break;
        case DBZT_K_PARAMETERS:
            if (v.type != JSON_OBJECT) break;
            if (dbzt_read_parameters(&v, r, jerr) < 0) return -1;
            json_iter_resume(&it, &v);
            break;
        case DBZT_K_ITEMS:
            if (v.type == JSON_OBJECT) r->items = v;
            break;
        }
    }
    return rc;
}

/* Kind of a read field schema; arrays only when allowed (a column, not an element). */
static void dbzt_classify(const dbzt_schema_read *r, int allow_array, dbzt_spec *sp) {
    memset(sp, 0, sizeof(*sp));
    for (size_t i = 0; r->name && i < sizeof(dbzt_names) / sizeof(dbzt_names[0]); i++) {
        if (dbzt_names[i].len == r->name_len && memcmp(dbzt_names[i].name, r->name, r->name_len) == 0) {
            sp->kind = dbzt_names[i].kind;
            sp->prec = dbzt_names[i].prec;
            break;
        }
    }
    if (sp->kind == DBZT_DECIMAL) {
        if (r->has_scale == 1) sp->scale = r->scale;
        else sp->kind = DBZT_NOSCALE;
    } else if (sp->kind == DBZT_RAW) {
        if (r->is_array && allow_array) sp->kind = DBZT_ARRAY;
        else if (r->is_bytes) sp->kind = DBZT_BYTES;
    }
}

static dbzt_col *dbzt_table_add(dbzt_table *t, arena *a) {
    if (t->n == t->cap) {
        size_t cap = t->cap ? t->cap * 2 : 32;
        dbzt_col *cols = arena_alloc(a, cap * sizeof(*cols));
        if (t->n) memcpy(cols, t->cols, t->n * sizeof(*cols));
        t->cols = cols;
        t->cap = cap;
    }
    return &t->cols[t->n++];
}

static int dbzt_add_column(dbzt_table *t, json_value *obj, arena *a, json_error *jerr) {
    dbzt_schema_read r;
    if (dbzt_read_field(obj, a, &r, jerr) < 0) return -1;
    if (!r.field) return 0;                       /* not a column: nothing to match it with */
    dbzt_col *c = dbzt_table_add(t, a);
    c->name = r.field;
    c->name_len = r.field_len;
    dbzt_classify(&r, 1, &c->spec);
    memset(&c->item, 0, sizeof(c->item));
    if (c->spec.kind == DBZT_ARRAY && r.items.type == JSON_OBJECT) {
        dbzt_schema_read ir;
        if (dbzt_read_field(&r.items, a, &ir, jerr) < 0) return -1;
        dbzt_classify(&ir, 0, &c->item);
    }
    if (c->spec.kind != DBZT_RAW) t->plain = 0;
    return 0;
}

/* The column table of a struct's "fields" array, walking it (fields->end is set). */
static dbzt_table *dbzt_table_build(json_value *fields, arena *a, json_error *jerr) {
    json_iter it;
    json_value e;
    int rc;
    dbzt_table *t = arena_alloc(a, sizeof(*t));
    memset(t, 0, sizeof(*t));
    t->plain = 1;
    if (json_iter_init(&it, fields, jerr) < 0) return NULL;
    while ((rc = json_iter_element(&it, &e)) > 0) {
        if (e.type != JSON_OBJECT) continue;
        if (dbzt_add_column(t, &e, a, jerr) < 0) return NULL;
        json_iter_resume(&it, &e);
    }
    return rc < 0 ? NULL : t;
}

/* State of the walk over the envelope's field entries.  Debezium writes
 * the same struct for before and after, so the first struct seen is built
 * and every later one is only compared with it, byte for byte. */
typedef struct dbzt_walk {
    const dbzt_table *image[2];   /* before, after */
    int found[2];
    const dbzt_table *built;      /* the struct built so far, and its text */
    json_value built_span;
    arena *a;
    json_error jerr;
} dbzt_walk;

/* The table for an entry's "fields" array v (walked here): *t is the one
 * built so far when v repeats it, a new one when none was built yet (*own),
 * else NULL.  0, or -1 on malformed JSON. */
static int dbzt_entry_table(dbzt_walk *w, json_value *v, const dbzt_table **t, int *own) {
    *own = 0;
    *t = NULL;
    if (w->built) {
        /* Same bytes as a validated array: the same array, no need to scan it. */
        size_t n = json_raw_len(&w->built_span);
        if ((size_t)(v->limit - v->start) >= n && memcmp(v->start, w->built_span.start, n) == 0) {
            v->end = v->start + n;
            *t = w->built;
            return 0;
        }
        return json_finish(v, &w->jerr) < 0 ? -1 : 0;
    }
    if (!(*t = dbzt_table_build(v, w->a, &w->jerr))) return -1;
    *own = 1;
    return 0;
}

/* One entry {type, fields?, optional, name?, field}: "field" comes last, so
 * a struct is read before it is known to be an image. */
static int dbzt_envelope_entry(dbzt_walk *w, json_value *entry) {
    json_iter it;
    json_value k, v, fields = {0};
    const dbzt_table *t = NULL;
    int rc, which = -1, own = 0;
    if (json_iter_init(&it, entry, &w->jerr) < 0) return -1;
    while ((rc = json_iter_member(&it, &k, &v)) > 0) {
        if (KEY_IS(&k, "fields") && v.type == JSON_ARRAY && fields.type == JSON_NONE) {
            fields = v;
            if (dbzt_entry_table(w, &fields, &t, &own) < 0) return -1;
            json_iter_resume(&it, &fields);
        } else if (KEY_IS(&k, "field")) {
            which = KEY_IS(&v, "before") ? 0 : KEY_IS(&v, "after") ? 1 : -1;
        }
    }
    if (rc < 0) return -1;
    if (which < 0 || fields.type != JSON_ARRAY) return 0;   /* a struct built for nothing is left in the arena */
    if (!t && !(t = dbzt_table_build(&fields, w->a, &w->jerr))) return -1;
    if (own) {
        w->built = t;
        w->built_span = fields;
    }
    w->image[which] = t;
    w->found[which] = 1;
    return 0;
}

int dbzt_tables(const json_value *envelope_schema, arena *a, const dbzt_table **before, const dbzt_table **after,
                char *err, size_t errcap) {
    dbzt_walk w;
    json_value s, fields, e;
    json_iter it;
    int rc;
    *before = *after = NULL;
    if (!envelope_schema || envelope_schema->type != JSON_OBJECT) return 0;
    memset(&w, 0, sizeof(w));
    w.a = a;
    s = *envelope_schema;
    rc = json_find(&s, "fields", 6, &fields, &w.jerr);
    if (rc == JSON_FOUND && fields.type == JSON_ARRAY) {
        if (json_iter_init(&it, &fields, &w.jerr) < 0) rc = -1;
        /* Stops once both images are known: source, op, … are never read. */
        while (rc >= 0 && !(w.found[0] && w.found[1]) && (rc = json_iter_element(&it, &e)) > 0) {
            if (e.type == JSON_OBJECT && dbzt_envelope_entry(&w, &e) < 0) rc = -1;
            json_iter_resume(&it, &e);
        }
    }
    if (rc < 0) return dbzt_fail(err, errcap, "invalid JSON in schema", &w.jerr);
    *before = w.image[0];
    *after = w.image[1];
    return 0;
}

/* ================================================================ output */

typedef struct dbzt_out {
    arena *a;
    char *p;
    size_t n, cap;
} dbzt_out;

static void dbzt_grow(dbzt_out *o, size_t need) {
    size_t cap = o->cap * 2;
    if (cap < o->n + need) cap = o->n + need;
    char *p = arena_alloc(o->a, cap);
    memcpy(p, o->p, o->n);
    o->p = p;
    o->cap = cap;
}

static inline char *dbzt_room(dbzt_out *o, size_t need) {
    if (o->cap - o->n < need) dbzt_grow(o, need);
    return o->p + o->n;
}

static inline void dbzt_put(dbzt_out *o, const char *s, size_t k) {
    memcpy(dbzt_room(o, k), s, k);
    o->n += k;
}

static inline void dbzt_putc(dbzt_out *o, char c) {
    *dbzt_room(o, 1) = c;
    o->n++;
}

/* Decimal digits of v, zero-padded to width; returns the count. */
static size_t dbzt_put_uint(dbzt_out *o, uint64_t v, int width) {
    size_t k = ts_put_uint(dbzt_room(o, 20), v, width);
    o->n += k;
    return k;
}

/* ================================================================ decoding */

typedef struct dbzt_ctx {
    dbzt_out out;
    arena *a;
    const dbzt_col *col;        /* column being written, for messages */
    char *err;
    size_t errcap;
    json_error jerr;
} dbzt_ctx;

static int dbzt_col_fail(dbzt_ctx *c, const char *what) {
    if (c->errcap)
        snprintf(c->err, c->errcap, "column \"%.*s\": %s", (int)(c->col->name_len > 64 ? 64 : c->col->name_len),
                 c->col->name, what);
    return -1;
}

static int dbzt_json_fail(dbzt_ctx *c) {
    return dbzt_fail(c->err, c->errcap, "invalid JSON in image", &c->jerr);
}

static int dbzt_put_raw(dbzt_ctx *c, json_value *v) {
    if (!v->end && json_finish(v, &c->jerr) < 0) return dbzt_json_fail(c);
    dbzt_put(&c->out, v->start, json_raw_len(v));
    return 0;
}

static int dbzt_str_is(const json_value *v, const char *lit, size_t n) {
    return v->type == JSON_STRING && json_key_equals(v, lit, n);
}

static int dbzt_b64_digit(unsigned char ch) {
    if (ch >= 'A' && ch <= 'Z') return ch - 'A';
    if (ch >= 'a' && ch <= 'z') return ch - 'a' + 26;
    if (ch >= '0' && ch <= '9') return ch - '0' + 52;
    if (ch == '+') return 62;
    if (ch == '/') return 63;
    return -1;
}

int dbzt_b64_decode(const char *s, size_t n, unsigned char *dst, size_t *out) {
    while (n && s[n - 1] == '=' && n % 4 != 1) n--;    /* at most the two a group can have */
    if (n % 4 == 1) return -1;
    size_t k = 0;
    uint32_t acc = 0;
    for (size_t i = 0; i < n; i++) {
        int d = dbzt_b64_digit((unsigned char)s[i]);
        if (d < 0) return -1;
        acc = acc << 6 | (uint32_t)d;
        if (i % 4 == 3) {
            dst[k++] = (unsigned char)(acc >> 16);
            dst[k++] = (unsigned char)(acc >> 8);
            dst[k++] = (unsigned char)acc;
            acc = 0;
        }
    }
    if (n % 4 == 2) dst[k++] = (unsigned char)(acc >> 4);
    if (n % 4 == 3) {
        dst[k++] = (unsigned char)(acc >> 10);
        dst[k++] = (unsigned char)(acc >> 2);
    }
    *out = k;
    return 0;
}

/* Decimal digits of an unsigned big-endian magnitude b[0..n), no leading
 * zero bytes.  Returns the digits (in the arena or in small[]). */
static const char *dbzt_big_digits(const unsigned char *b, size_t n, arena *a, char small[24], size_t *len) {
    if (n <= 8) {
        uint64_t v = 0;
        for (size_t i = 0; i < n; i++) v = v << 8 | b[i];
        int k = 24;
        do {
            small[--k] = (char)('0' + v % 10);
            v /= 10;
        } while (v);
        *len = (size_t)(24 - k);
        return small + k;
    }
    /* Little-endian base-10^9 limbs, fed 32 bits at a time (the first word
     * takes the n % 4 leading bytes). */
    uint32_t *limb = arena_alloc(a, (n * 3 / 10 + 2) * sizeof(*limb));
    size_t nl = 0, i = 0, first = n % 4 ? n % 4 : 4;
    while (i < n) {
        uint64_t carry = 0;
        for (size_t end = i + (i ? 4 : first); i < end; i++) carry = carry << 8 | b[i];
        for (size_t j = 0; j < nl; j++) {
            uint64_t t = ((uint64_t)limb[j] << 32) + carry;
            limb[j] = (uint32_t)(t % 1000000000u);
            carry = t / 1000000000u;
        }
        for (; carry; carry /= 1000000000u) limb[nl++] = (uint32_t)(carry % 1000000000u);
    }
    char *d = arena_alloc(a, nl * 9 + 1), top[10];
    size_t k = 0;
    int t = 10;
    for (uint32_t v = limb[nl - 1]; v; v /= 10) top[--t] = (char)('0' + v % 10);
    memcpy(d, top + t, (size_t)(10 - t));
    k = (size_t)(10 - t);
    for (size_t j = nl - 1; j-- > 0; k += 9) {
        uint32_t v = limb[j];
        for (int q = 8; q >= 0; q--, v /= 10) d[k + (size_t)q] = (char)('0' + v % 10);
    }
    *len = k;
    return d;
}

/* "-123.4500": digits placed around the decimal point as scale says. */
static void dbzt_put_scaled(dbzt_out *o, int neg, const char *d, size_t nd, int32_t scale) {
    int zero = nd == 1 && d[0] == '0';
    size_t s = scale > 0 ? (size_t)scale : (size_t)-(int64_t)scale;
    char *p = dbzt_room(o, nd + s + 5), *p0 = p;
    *p++ = '"';
    if (neg && !zero) *p++ = '-';
    if (scale <= 0) {
        memcpy(p, d, nd), p += nd;
        if (!zero) memset(p, '0', s), p += s;
    } else if (nd > s) {
        memcpy(p, d, nd - s), p += nd - s;
        *p++ = '.';
        memcpy(p, d + nd - s, s), p += s;
    } else {
        *p++ = '0', *p++ = '.';
        memset(p, '0', s - nd), p += s - nd;
        memcpy(p, d, nd), p += nd;
    }
    *p++ = '"';
    o->n += (size_t)(p - p0);
}

int dbzt_unscaled_digits(const char *s, size_t n, arena *a, int *negative, const char **digits, size_t *nd,
                         const char **why) {
    size_t nb;
    unsigned char small[48], *b = n <= 60 ? small : arena_alloc(a, n / 4 * 3 + 3);
    if (dbzt_b64_decode(s, n, b, &nb) < 0) return *why = "Decimal value is not valid base64", -1;
    if (nb == 0) return *why = "Decimal value has no bytes", -1;
    int neg = b[0] & 0x80;
    if (neg) {                                   /* magnitude = two's complement negation */
        unsigned carry = 1;
        for (size_t i = nb; i-- > 0;) {
            unsigned x = (unsigned)(unsigned char)~b[i] + carry;
            b[i] = (unsigned char)x;
            carry = x >> 8;
        }
    }
    size_t z = 0;
    while (z < nb - 1 && b[z] == 0) z++;
    char digits_small[24];
    const char *d = dbzt_big_digits(b + z, nb - z, a, digits_small, nd);
    /* Up to 8 bytes, dbzt_big_digits writes into digits_small, which dies
     * with this frame: copy those digits out. */
    *digits = nb - z <= 8 ? arena_strdup(a, d, *nd) : d;
    *negative = neg != 0;
    return 0;
}

/* A two's-complement big-endian unscaled value (base64 in v) with its scale. */
static int dbzt_put_decimal(dbzt_ctx *c, const json_value *v, int32_t scale) {
    const char *s, *d, *why;
    size_t n, nd;
    int neg;
    if (v->type != JSON_STRING) return dbzt_col_fail(c, "Decimal value is not a base64 string");
    if (json_string(v, c->a, &s, &n, &c->jerr) < 0) return dbzt_json_fail(c);
    if (dbzt_unscaled_digits(s, n, c->a, &neg, &d, &nd, &why) < 0) return dbzt_col_fail(c, why);
    dbzt_put_scaled(&c->out, neg, d, nd, scale);
    return 0;
}

/* {"scale": n, "value": base64}, members in any order. */
static int dbzt_put_vsdecimal(dbzt_ctx *c, json_value *v) {
    json_iter it;
    json_value k, m, value = {0};
    int64_t scale = 0;
    int rc, has_scale = 0;
    if (v->type != JSON_OBJECT) return dbzt_col_fail(c, "VariableScaleDecimal value is not an object");
    if (json_iter_init(&it, v, &c->jerr) < 0) return dbzt_json_fail(c);
    while ((rc = json_iter_member(&it, &k, &m)) > 0) {
        if (KEY_IS(&k, "scale")) has_scale = json_number_i64(&m, &scale) == 0 && scale >= -DBZT_MAX_SCALE &&
                                             scale <= DBZT_MAX_SCALE;
        else if (KEY_IS(&k, "value")) value = m;
    }
    if (rc < 0) return dbzt_json_fail(c);
    if (!has_scale) return dbzt_col_fail(c, "VariableScaleDecimal without a usable scale");
    if (value.type != JSON_STRING) return dbzt_col_fail(c, "VariableScaleDecimal without a base64 value");
    return dbzt_put_decimal(c, &value, (int32_t)scale);
}

static int dbzt_int(dbzt_ctx *c, const json_value *v, int64_t *x, const char *what) {
    if (v->type != JSON_NUMBER || json_number_i64(v, x) != 0) return dbzt_col_fail(c, what);
    return 0;
}

/* Text of ours (no escaping needed) as a JSON string. */
static void dbzt_put_quoted(dbzt_ctx *c, const char *s, size_t n) {
    char *p = dbzt_room(&c->out, n + 2);
    p[0] = '"';
    memcpy(p + 1, s, n);
    p[n + 1] = '"';
    c->out.n += n + 2;
}

static int dbzt_put_date(dbzt_ctx *c, json_value *v) {
    int64_t days;
    char buf[24];
    if (dbzt_int(c, v, &days, "Date value is not an integer") < 0) return -1;
    if (days < DBZT_MIN_DAY || days > DBZT_MAX_DAY) return dbzt_put_raw(c, v);
    dbzt_put_quoted(c, buf, ts_format_date(days, buf));
    return 0;
}

static const uint64_t dbzt_pow10[10] = {1, 10, 100, 1000, 10000, 100000, 1000000, 10000000, 100000000, 1000000000};

/* A time of day — or a duration, as MySQL's TIME is: sign and hours kept. */
static int dbzt_put_time(dbzt_ctx *c, json_value *v, int prec) {
    int64_t x;
    if (dbzt_int(c, v, &x, "Time value is not an integer") < 0) return -1;
    uint64_t mag = x < 0 ? (uint64_t)0 - (uint64_t)x : (uint64_t)x;
    uint64_t secs = mag / dbzt_pow10[prec], frac = mag % dbzt_pow10[prec];
    dbzt_putc(&c->out, '"');
    if (x < 0) dbzt_putc(&c->out, '-');
    dbzt_put_uint(&c->out, secs / 3600, 2);
    dbzt_putc(&c->out, ':');
    dbzt_put_uint(&c->out, secs / 60 % 60, 2);
    dbzt_putc(&c->out, ':');
    dbzt_put_uint(&c->out, secs % 60, 2);
    dbzt_putc(&c->out, '.');
    dbzt_put_uint(&c->out, frac, prec);
    dbzt_putc(&c->out, '"');
    return 0;
}

/* ts_format output is "YYYY-MM-DD hh:mm:ss…" exactly when the year has four digits. */
static int dbzt_four_digit_year(const char *buf) {
    return buf[0] != '-' && buf[4] == '-';
}

static int dbzt_put_timestamp(dbzt_ctx *c, json_value *v, int prec) {
    int64_t x;
    char buf[48];
    if (dbzt_int(c, v, &x, "Timestamp value is not an integer") < 0) return -1;
    size_t n = ts_format(x, prec, buf);
    if (!dbzt_four_digit_year(buf)) return dbzt_put_raw(c, v);
    dbzt_put_quoted(c, buf, n);
    return 0;
}

/* Fraction digits written in an ISO-8601 string (after the seconds). */
static size_t dbzt_fraction_digits(const char *s, size_t n) {
    const char *dot = n > 19 ? memchr(s + 19, '.', n - 19) : NULL;
    size_t k = 0;
    if (dot)
        for (const char *p = dot + 1; p < s + n && *p >= '0' && *p <= '9'; p++) k++;
    return k;
}

static int dbzt_put_zoned(dbzt_ctx *c, json_value *v) {
    const char *s, *why;
    size_t n;
    int64_t ticks;
    char buf[48];
    if (v->type != JSON_STRING) return dbzt_col_fail(c, "ZonedTimestamp value is not a string");
    if (json_string(v, c->a, &s, &n, &c->jerr) < 0) return dbzt_json_fail(c);
    int prec = dbzt_fraction_digits(s, n) > 6 ? 9 : 6;
    if (ts_parse_iso(s, n, prec, &ticks, &why) < 0) return dbzt_put_raw(c, v);   /* "infinity" and the like */
    size_t len = ts_format(ticks, prec, buf);
    if (!dbzt_four_digit_year(buf)) return dbzt_put_raw(c, v);
    buf[10] = 'T';
    char *p = dbzt_room(&c->out, len + 3);
    p[0] = '"';
    memcpy(p + 1, buf, len);
    p[len + 1] = 'Z';
    p[len + 2] = '"';
    c->out.n += len + 3;
    return 0;
}

/* One value of a known scalar kind (never DBZT_ARRAY). */
static int dbzt_put_scalar(dbzt_ctx *c, const dbzt_spec *sp, json_value *v) {
    if (v->type == JSON_NULL) {
        dbzt_put(&c->out, "null", 4);
        return 0;
    }
    if (v->type == JSON_STRING && sp->kind != DBZT_RAW &&
        (dbzt_str_is(v, DBZT_UNAVAILABLE, sizeof(DBZT_UNAVAILABLE) - 1) ||
         ((sp->kind == DBZT_BYTES || sp->kind == DBZT_DECIMAL) &&
          dbzt_str_is(v, DBZT_UNAVAILABLE_B64, sizeof(DBZT_UNAVAILABLE_B64) - 1)))) {
        dbzt_put(&c->out, DBZT_UNAVAILABLE_JSON, sizeof(DBZT_UNAVAILABLE_JSON) - 1);
        return 0;
    }
    switch (sp->kind) {
    case DBZT_DECIMAL: return dbzt_put_decimal(c, v, sp->scale);
    case DBZT_NOSCALE: return dbzt_col_fail(c, "Decimal schema without a usable scale parameter");
    case DBZT_VSDECIMAL: return dbzt_put_vsdecimal(c, v);
    case DBZT_DATE: return dbzt_put_date(c, v);
    case DBZT_TIME: return dbzt_put_time(c, v, sp->prec);
    case DBZT_TIMESTAMP: return dbzt_put_timestamp(c, v, sp->prec);
    case DBZT_ZONED: return dbzt_put_zoned(c, v);
    default: return dbzt_put_raw(c, v);
    }
}

static const unsigned char dbzt_placeholder_bytes[] = DBZT_UNAVAILABLE;

/* Tracks whether an array is one of Debezium's placeholder arrays. */
typedef struct dbzt_array_ph {
    int first_is_ph;     /* element 0 is the placeholder string (or its uuid) */
    int bytes_match;     /* elements so far are the placeholder's bytes as integers */
} dbzt_array_ph;

static void dbzt_array_ph_see(dbzt_array_ph *ph, int idx, const json_value *e) {
    int64_t x;
    if (idx == 0)
        ph->first_is_ph = dbzt_str_is(e, DBZT_UNAVAILABLE, sizeof(DBZT_UNAVAILABLE) - 1) ||
                          dbzt_str_is(e, DBZT_UNAVAILABLE_UUID, sizeof(DBZT_UNAVAILABLE_UUID) - 1);
    if (ph->bytes_match)
        ph->bytes_match = (size_t)idx < sizeof(DBZT_UNAVAILABLE) - 1 && e->type == JSON_NUMBER &&
                          json_number_i64(e, &x) == 0 && x == dbzt_placeholder_bytes[idx];
}

int dbzt_is_unavailable(const json_value *v) {
    if (dbzt_str_is(v, DBZT_UNAVAILABLE, sizeof(DBZT_UNAVAILABLE) - 1) ||
        dbzt_str_is(v, DBZT_UNAVAILABLE_B64, sizeof(DBZT_UNAVAILABLE_B64) - 1))
        return 1;
    if (v->type != JSON_ARRAY) return 0;
    json_value arr = *v, e;
    json_iter it;
    json_error err;
    dbzt_array_ph ph = {0, 1};
    int rc;
    if (json_iter_init(&it, &arr, &err) < 0) return 0;
    while ((rc = json_iter_element(&it, &e)) > 0) {
        if ((size_t)it.count > sizeof(DBZT_UNAVAILABLE) - 1) return 0;   /* longer than any placeholder */
        dbzt_array_ph_see(&ph, it.count - 1, &e);
    }
    return rc == 0 && ((it.count == 1 && ph.first_is_ph) || ((size_t)it.count == sizeof(DBZT_UNAVAILABLE) - 1 && ph.bytes_match));
}

static int dbzt_put_array(dbzt_ctx *c, const dbzt_col *col, json_value *v) {
    json_iter it;
    json_value e;
    int rc;
    dbzt_array_ph ph = {0, 1};
    if (v->type != JSON_ARRAY) return dbzt_put_scalar(c, &col->spec, v);   /* null, placeholder, other */
    size_t start = c->out.n;
    dbzt_putc(&c->out, '[');
    if (json_iter_init(&it, v, &c->jerr) < 0) return dbzt_json_fail(c);
    while ((rc = json_iter_element(&it, &e)) > 0) {
        if (it.count > 1) dbzt_putc(&c->out, ',');
        dbzt_array_ph_see(&ph, it.count - 1, &e);
        if (dbzt_put_scalar(c, &col->item, &e) < 0) return -1;
        json_iter_resume(&it, &e);
    }
    if (rc < 0) return dbzt_json_fail(c);
    dbzt_putc(&c->out, ']');
    if ((it.count == 1 && ph.first_is_ph) || ((size_t)it.count == sizeof(DBZT_UNAVAILABLE) - 1 && ph.bytes_match)) {
        c->out.n = start;
        dbzt_put(&c->out, DBZT_UNAVAILABLE_JSON, sizeof(DBZT_UNAVAILABLE_JSON) - 1);
    }
    return 0;
}

/* The column named by key k; the image's i-th member is usually the i-th column. */
static const dbzt_col *dbzt_column(const dbzt_table *t, const json_value *k, size_t hint) {
    if (hint < t->n && json_key_equals(k, t->cols[hint].name, t->cols[hint].name_len)) return &t->cols[hint];
    for (size_t i = 0; i < t->n; i++)
        if (i != hint && json_key_equals(k, t->cols[i].name, t->cols[i].name_len)) return &t->cols[i];
    return NULL;
}

static int dbzt_put_member(dbzt_ctx *c, const dbzt_table *t, size_t idx, json_value *k, json_value *v) {
    dbzt_put(&c->out, k->start, json_raw_len(k));
    dbzt_putc(&c->out, ':');
    const dbzt_col *col = dbzt_column(t, k, idx);
    if (!col || col->spec.kind == DBZT_RAW) return dbzt_put_raw(c, v);
    c->col = col;
    if (col->spec.kind == DBZT_ARRAY) return dbzt_put_array(c, col, v);
    return dbzt_put_scalar(c, &col->spec, v);
}

static int dbzt_copy_image(json_value *img, const char **out, size_t *out_len, char *err, size_t errcap) {
    json_error jerr = {0, 0};
    if (json_finish(img, &jerr) < 0) return dbzt_fail(err, errcap, "invalid JSON in image", &jerr);
    *out = img->start;
    *out_len = json_raw_len(img);
    return 0;
}

int dbzt_decode(const dbzt_table *t, const json_value *image, arena *a, const char **out, size_t *out_len,
                char *err, size_t errcap) {
    json_value img, k, v;
    json_iter it;
    int rc;
    *out = "";
    *out_len = 0;
    if (!image || image->type != JSON_OBJECT) return 0;
    img = *image;
    if (!t || t->plain) return dbzt_copy_image(&img, out, out_len, err, errcap);

    dbzt_ctx c = {.a = a, .err = err, .errcap = errcap, .jerr = {0, 0}};
    c.out.a = a;
    c.out.cap = (img.end ? json_raw_len(&img) : 256) * 3 / 2 + 64;
    c.out.p = arena_alloc(a, c.out.cap);
    dbzt_putc(&c.out, '{');
    if (json_iter_init(&it, &img, &c.jerr) < 0) return dbzt_json_fail(&c);
    while ((rc = json_iter_member(&it, &k, &v)) > 0) {
        if (it.count > 1) dbzt_putc(&c.out, ',');
        if (dbzt_put_member(&c, t, (size_t)it.count - 1, &k, &v) < 0) return -1;
        json_iter_resume(&it, &v);
    }
    if (rc < 0) return dbzt_json_fail(&c);
    dbzt_putc(&c.out, '}');
    *out = c.out.p;
    *out_len = c.out.n;
    return 0;
}
