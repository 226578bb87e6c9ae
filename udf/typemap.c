/* typemap.c — Connect field schemas to ClickHouse types, type text parsed
 * back, and values as exact row text (typemap.h).
 *
 * Three parts: reading a field schema (one pass over its members), writing
 * and parsing the type text (a small recursive descent over exactly the
 * types the mapping produces), and the value writers, one per kind, each
 * deciding whether the declared type holds the value exactly. */
#include "typemap.h"

#include <float.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dbz_types.h"
#include "jsonconv.h"

#define TM_IS(v, lit) ((v)->type == JSON_STRING && json_key_equals((v), lit, sizeof(lit) - 1))
#define TM_DEPTH 16            /* arrays of arrays deeper than this are String */
#define TM_MAX_LABELS 32767    /* Enum16 values 1..32767 */

/* ================================================================ schema */

typedef struct tm_read {
    json_value type, name, items, scale, precision, allowed;
    int optional;
} tm_read;

static int tm_fail(char *why, size_t cap, const char *what, const json_error *e) {
    if (cap) snprintf(why, cap, "%s%s%s", what, e && e->msg ? ": " : "", e && e->msg ? e->msg : "");
    return -1;
}

static int tm_read_params(json_value *p, tm_read *r, json_error *e) {
    json_iter it;
    json_value k, v;
    int rc;
    if (json_iter_init(&it, p, e) < 0) return -1;
    while ((rc = json_iter_member(&it, &k, &v)) > 0) {
        if (json_key_equals(&k, "scale", 5)) r->scale = v;
        else if (json_key_equals(&k, "connect.decimal.precision", 25)) r->precision = v;
        else if (json_key_equals(&k, "allowed", 7)) r->allowed = v;
    }
    return rc;
}

static int tm_read_field(json_value *obj, tm_read *r, json_error *e) {
    json_iter it;
    json_value k, v;
    int rc;
    memset(r, 0, sizeof(*r));
    if (json_iter_init(&it, obj, e) < 0) return -1;
    while ((rc = json_iter_member(&it, &k, &v)) > 0) {
        if (json_key_equals(&k, "type", 4)) r->type = v;
        else if (json_key_equals(&k, "optional", 8)) r->optional = v.type == JSON_TRUE;
        else if (json_key_equals(&k, "name", 4)) r->name = v;
        else if (json_key_equals(&k, "items", 5) && v.type == JSON_OBJECT) {
            r->items = v;
            if (json_finish(&r->items, e) < 0) return -1;
            json_iter_resume(&it, &r->items);
        } else if (json_key_equals(&k, "parameters", 10) && v.type == JSON_OBJECT) {
            if (tm_read_params(&v, r, e) < 0) return -1;
            json_iter_resume(&it, &v);
        }
    }
    return rc;
}

/* A parameter Connect writes as a string ("12"), or a number: 0..max, else -1. */
static int tm_param_int(const json_value *v, int max) {
    const char *p = v->start, *end = v->end;
    if (v->type == JSON_STRING) p++, end--;
    else if (v->type != JSON_NUMBER) return -1;
    if (p == end || end - p > 6) return -1;
    int x = 0;
    for (; p < end; p++) {
        if (*p < '0' || *p > '9') return -1;
        x = x * 10 + (*p - '0');
    }
    return x <= max ? x : -1;
}

/* Splits Debezium's comma-separated `allowed` list into the type's labels. */
static int tm_enum_labels(const json_value *allowed, arena *a, tm_type *t, json_error *e) {
    const char *s;
    size_t n;
    if (allowed->type != JSON_STRING || json_string(allowed, a, &s, &n, e) < 0 || n == 0) return -1;
    size_t count = 1;
    for (size_t i = 0; i < n; i++) count += s[i] == ',';
    if (count > TM_MAX_LABELS) return -1;
    t->labels = arena_alloc(a, count * sizeof(*t->labels));
    t->label_len = arena_alloc(a, count * sizeof(*t->label_len));
    t->nlabels = 0;
    for (size_t i = 0, start = 0; i <= n; i++) {
        if (i < n && s[i] != ',') continue;
        for (size_t j = 0; j < t->nlabels; j++)   /* a repeated label cannot be an Enum */
            if (t->label_len[j] == i - start && !memcmp(t->labels[j], s + start, i - start)) return -1;
        t->labels[t->nlabels] = s + start;
        t->label_len[t->nlabels++] = i - start;
        start = i + 1;
    }
    t->bits = t->nlabels <= 127 ? 8 : 16;
    return 0;
}

static const struct {
    const char *name;
    tm_kind kind;
    int param;            /* the precision; for TM_INT the bits */
} tm_logical[] = {
    {"io.debezium.time.Date", TM_DATE32, 0},           {"org.apache.kafka.connect.data.Date", TM_DATE32, 0},
    {"io.debezium.time.Time", TM_TIME64, 3},           {"org.apache.kafka.connect.data.Time", TM_TIME64, 3},
    {"io.debezium.time.MicroTime", TM_TIME64, 6},      {"io.debezium.time.NanoTime", TM_TIME64, 9},
    {"io.debezium.time.Timestamp", TM_DATETIME64, 3},  {"org.apache.kafka.connect.data.Timestamp", TM_DATETIME64, 3},
    {"io.debezium.time.MicroTimestamp", TM_DATETIME64, 6}, {"io.debezium.time.NanoTimestamp", TM_DATETIME64, 9},
    {"io.debezium.time.ZonedTimestamp", TM_DATETIME64, 6}, {"io.debezium.data.Uuid", TM_UUID, 0},
    {"io.debezium.time.MicroDuration", TM_INT, 64},
};

/* The kind of a field by its logical name; -1 when the name is not one of
 * ours (then: String, whatever the type, unless it has no name). */
static int tm_by_name(const tm_read *r, const tm_options *o, arena *a, tm_type *t, json_error *e) {
    for (size_t i = 0; i < sizeof(tm_logical) / sizeof(tm_logical[0]); i++) {
        if (!json_key_equals(&r->name, tm_logical[i].name, strlen(tm_logical[i].name))) continue;
        t->kind = tm_logical[i].kind;
        if (t->kind == TM_INT) t->bits = tm_logical[i].param;
        else t->precision = tm_logical[i].param;
        return 0;
    }
    if (TM_IS(&r->name, "org.apache.kafka.connect.data.Decimal")) {
        int p = r->precision.type ? tm_param_int(&r->precision, 1000) : -1;
        int s = r->scale.type ? tm_param_int(&r->scale, 1000) : -1;
        if (p >= 1 && p <= 76 && s >= 0 && s <= p) t->kind = TM_DECIMAL, t->precision = p, t->scale = s;
        else t->kind = TM_STRING;   /* exact text: no Decimal holds it */
        return 0;
    }
    if (TM_IS(&r->name, "io.debezium.data.Json")) {
        t->kind = o->json_type ? TM_JSON : TM_STRING;
        return 0;
    }
    if (TM_IS(&r->name, "io.debezium.data.Enum")) {
        if (o->enum_lowcard) t->kind = TM_LOWCARD;
        else t->kind = tm_enum_labels(&r->allowed, a, t, e) == 0 ? TM_ENUM : TM_LOWCARD;
        return 0;
    }
    if (r->name.type == JSON_STRING) {   /* VariableScaleDecimal, geometry, Bits, …: exact text */
        t->kind = TM_STRING;
        return 0;
    }
    return -1;
}

static int tm_by_type(const tm_read *r, tm_type *t) {
    static const struct { const char *type; tm_kind kind; int bits; } types[] = {
        {"int8", TM_INT, 8},        {"int16", TM_INT, 16},     {"int32", TM_INT, 32},   {"int64", TM_INT, 64},
        {"float32", TM_FLOAT, 32},  {"float", TM_FLOAT, 32},   {"float64", TM_FLOAT, 64}, {"double", TM_FLOAT, 64},
        {"boolean", TM_BOOL, 0},    {"string", TM_STRING, 0},  {"bytes", TM_STRING, 0},  {"array", TM_ARRAY, 0},
    };
    t->kind = TM_STRING;   /* struct, map, anything else: its JSON text */
    for (size_t i = 0; i < sizeof(types) / sizeof(types[0]); i++) {
        if (!json_key_equals(&r->type, types[i].type, strlen(types[i].type))) continue;
        t->kind = types[i].kind;
        t->bits = types[i].bits;
        t->base64 = TM_IS(&r->type, "bytes");
        break;
    }
    return 0;
}

static void tm_put_type(buf *b, const tm_type *t);

static void tm_put_base(buf *b, const tm_type *t) {
    char num[64];
    int k;
    switch (t->kind) {
    case TM_INT: k = snprintf(num, sizeof(num), "Int%d", t->bits); break;
    case TM_FLOAT: k = snprintf(num, sizeof(num), "Float%d", t->bits); break;
    case TM_BOOL: k = snprintf(num, sizeof(num), "Bool"); break;
    case TM_STRING: k = snprintf(num, sizeof(num), "String"); break;
    case TM_LOWCARD:
        k = snprintf(num, sizeof(num), t->nullable ? "LowCardinality(Nullable(String))" : "LowCardinality(String)");
        break;
    case TM_JSON: k = snprintf(num, sizeof(num), "JSON"); break;
    case TM_DECIMAL: k = snprintf(num, sizeof(num), "Decimal(%d, %d)", t->precision, t->scale); break;
    case TM_DATE32: k = snprintf(num, sizeof(num), "Date32"); break;
    case TM_TIME64: k = snprintf(num, sizeof(num), "Time64(%d)", t->precision); break;
    case TM_DATETIME64: k = snprintf(num, sizeof(num), "DateTime64(%d, 'UTC')", t->precision); break;
    case TM_UUID: k = snprintf(num, sizeof(num), "UUID"); break;
    case TM_ENUM:
        k = snprintf(num, sizeof(num), "Enum%d(", t->bits);
        buf_put(b, num, (size_t)k);
        for (size_t i = 0; i < t->nlabels; i++) {
            if (i) buf_put(b, ", ", 2);
            tm_put_literal(b, t->labels[i], t->label_len[i]);
            k = snprintf(num, sizeof(num), " = %zu", i + 1);
            buf_put(b, num, (size_t)k);
        }
        buf_putc(b, ')');
        return;
    case TM_ARRAY:
        buf_put(b, "Array(", 6);
        tm_put_type(b, t->item);
        buf_putc(b, ')');
        return;
    default: k = 0;
    }
    buf_put(b, num, (size_t)k);
}

/* Nullable wraps everything but Array, JSON and LowCardinality (which holds its own). */
static int tm_wraps_nullable(const tm_type *t) {
    return t->nullable && t->kind != TM_ARRAY && t->kind != TM_JSON && t->kind != TM_LOWCARD;
}

static void tm_put_type(buf *b, const tm_type *t) {
    if (tm_wraps_nullable(t)) buf_put(b, "Nullable(", 9);
    tm_put_base(b, t);
    if (tm_wraps_nullable(t)) buf_putc(b, ')');
}

static void tm_set_text(tm_type *t, arena *a) {
    buf b;
    buf_init(&b);
    tm_put_type(&b, t);
    t->text = arena_strdup(a, b.p, b.len);
    t->text_len = b.len;
    buf_free(&b);
}

void tm_drop_nullable(tm_type *t, arena *a) {
    if (!t->nullable) return;
    t->nullable = 0;
    tm_set_text(t, a);
}

static int tm_schema(json_value *field, const tm_options *o, int not_null, int depth, arena *a, tm_type *t,
                     json_error *e) {
    tm_read r;
    memset(t, 0, sizeof(*t));
    if (tm_read_field(field, &r, e) < 0) return -1;
    if (tm_by_name(&r, o, a, t, e) < 0) tm_by_type(&r, t);
    if (t->kind == TM_ARRAY) {
        t->item = arena_alloc(a, sizeof(*t->item));
        if (r.items.type != JSON_OBJECT || depth >= TM_DEPTH) {
            t->kind = TM_STRING;
        } else {
            if (tm_schema(&r.items, o, 0, depth + 1, a, t->item, e) < 0) return -1;
            if (t->item->kind == TM_ARRAY || t->item->kind == TM_JSON) t->item->nullable = 0;
            tm_set_text(t->item, a);
        }
    }
    t->nullable = r.optional && !not_null && t->kind != TM_ARRAY && t->kind != TM_JSON;
    tm_set_text(t, a);
    return 0;
}

int tm_from_schema(json_value *field, const tm_options *o, int not_null, arena *a, tm_type *t, char *why,
                   size_t cap) {
    json_error e = {0, 0};
    if (field->type != JSON_OBJECT) return tm_fail(why, cap, "a field schema is not an object", NULL);
    if (tm_schema(field, o, not_null, 0, a, t, &e) < 0) return tm_fail(why, cap, "invalid JSON in schema", &e);
    return 0;
}

int tm_struct_columns(json_value *fields, const tm_options *o, arena *a, tm_column **cols, size_t *n, char *why,
                      size_t cap) {
    json_iter it;
    json_value f, name;
    json_error e = {0, 0};
    size_t room = 0;
    int rc;
    *n = 0;
    *cols = NULL;
    if (json_iter_init(&it, fields, &e) < 0) return tm_fail(why, cap, "the schema's fields are not an array", NULL);
    while ((rc = json_iter_element(&it, &f)) > 0) {
        if (f.type != JSON_OBJECT) continue;
        json_value fv = f;
        if (json_finish(&fv, &e) < 0) break;
        json_iter_resume(&it, &fv);
        int found = json_find(&fv, "field", 5, &name, &e);
        if (found < 0) break;
        if (found == JSON_MISSING || name.type != JSON_STRING) continue;
        if (*n == room) *cols = arena_grow(a, *cols, *n, &room, sizeof(**cols));
        tm_column *c = &(*cols)[*n];
        if (json_string(&name, a, &c->name, &c->name_len, &e) < 0) break;
        if (tm_from_schema(&fv, o, 0, a, &c->type, why, cap) < 0) return -1;
        c->schema = fv;
        ++*n;
    }
    if (rc < 0 || e.msg) return tm_fail(why, cap, "invalid JSON in schema", &e);
    return 0;
}

/* The "fields" of the envelope entry named `which` ("after", "before"). */
static int tm_image_fields(json_value *schema, const char *which, json_value *fields, json_error *e) {
    json_value all, entry, name;
    json_iter it;
    int rc = json_find(schema, "fields", 6, &all, e);
    if (rc <= 0 || all.type != JSON_ARRAY) return rc < 0 ? -1 : 0;
    if (json_iter_init(&it, &all, e) < 0) return -1;
    while ((rc = json_iter_element(&it, &entry)) > 0) {
        if (entry.type != JSON_OBJECT) continue;
        if (json_finish(&entry, e) < 0) return -1;
        json_iter_resume(&it, &entry);
        if (json_find(&entry, "field", 5, &name, e) != JSON_FOUND || !json_key_equals(&name, which, strlen(which)))
            continue;
        rc = json_find(&entry, "fields", 6, fields, e);
        return rc < 0 ? -1 : rc == JSON_FOUND && fields->type == JSON_ARRAY;
    }
    return rc;
}

int tm_envelope_columns(const json_value *schema, const tm_options *o, arena *a, tm_column **cols, size_t *n,
                        char *why, size_t cap) {
    json_value s, fields;
    json_error e = {0, 0};
    int rc;
    *n = 0;
    if (!schema || schema->type != JSON_OBJECT)
        return tm_fail(why, cap,
                       "the message has no schema envelope: run the JSON converter with "
                       "value.converter.schemas.enable=true",
                       NULL);
    s = *schema;
    rc = tm_image_fields(&s, "after", &fields, &e);
    if (rc == 0) rc = tm_image_fields(&s, "before", &fields, &e);
    if (rc < 0) return tm_fail(why, cap, "invalid JSON in schema", &e);
    if (rc == 0) return tm_fail(why, cap, "the schema describes no \"after\" or \"before\" struct", NULL);
    return tm_struct_columns(&fields, o, a, cols, n, why, cap);
}

/* ================================================================ text */

void tm_put_ident(buf *b, const char *s, size_t n) {
    buf_putc(b, '`');
    for (size_t i = 0; i < n; i++) {
        if (s[i] == '`' || s[i] == '\\') buf_putc(b, '\\');
        buf_putc(b, s[i]);
    }
    buf_putc(b, '`');
}

void tm_put_literal(buf *b, const char *s, size_t n) {
    buf_putc(b, '\'');
    for (size_t i = 0; i < n; i++) {
        if (s[i] == '\'' || s[i] == '\\') buf_putc(b, '\\');
        buf_putc(b, s[i]);
    }
    buf_putc(b, '\'');
}

void tm_format_columns(buf *b, const tm_column *cols, size_t n) {
    for (size_t i = 0; i < n; i++) {
        if (i) buf_put(b, ", ", 2);
        tm_put_ident(b, cols[i].name, cols[i].name_len);
        buf_putc(b, ' ');
        buf_put(b, cols[i].type.text, cols[i].type.text_len);
    }
}

int tm_same(const tm_type *x, const tm_type *y) {
    return x->text_len == y->text_len && memcmp(x->text, y->text, x->text_len) == 0;
}

/* The parser of the types above: a cursor over the text. */
typedef struct tm_cursor {
    const char *p, *end;
    arena *a;
} tm_cursor;

static void tm_spaces(tm_cursor *c) {
    while (c->p < c->end && *c->p == ' ') c->p++;
}

static int tm_eat(tm_cursor *c, const char *lit) {
    size_t n = strlen(lit);
    tm_spaces(c);
    if ((size_t)(c->end - c->p) < n || memcmp(c->p, lit, n)) return 0;
    c->p += n;
    return 1;
}

static int tm_number(tm_cursor *c, int max) {
    int x = 0, digits = 0;
    tm_spaces(c);
    for (; c->p < c->end && *c->p >= '0' && *c->p <= '9' && digits < 6; c->p++, digits++) x = x * 10 + (*c->p - '0');
    return digits && x <= max ? x : -1;
}

/* A quoted text ('…' or `…`) with backslash escapes, decoded into the arena. */
static int tm_quoted(tm_cursor *c, char q, const char **s, size_t *n) {
    tm_spaces(c);
    if (c->p >= c->end || *c->p != q) return -1;
    char *out = arena_alloc(c->a, (size_t)(c->end - c->p) + 1);
    size_t k = 0;
    for (c->p++; c->p < c->end; c->p++) {
        if (*c->p == q) {
            c->p++;
            *s = out, *n = k;
            return 0;
        }
        if (*c->p == '\\' && ++c->p == c->end) break;
        out[k++] = *c->p;
    }
    return -1;
}

static int tm_parse_labels(tm_cursor *c, tm_type *t) {
    size_t room = 0, room2 = 0;
    do {
        if (t->nlabels == TM_MAX_LABELS) return -1;
        if (t->nlabels == room) {
            t->labels = arena_grow(c->a, t->labels, t->nlabels, &room, sizeof(*t->labels));
            t->label_len = arena_grow(c->a, t->label_len, t->nlabels, &room2, sizeof(*t->label_len));
        }
        if (tm_quoted(c, '\'', &t->labels[t->nlabels], &t->label_len[t->nlabels]) < 0) return -1;
        if (!tm_eat(c, "=") || tm_number(c, TM_MAX_LABELS) < 0) return -1;
        t->nlabels++;
    } while (tm_eat(c, ","));
    return tm_eat(c, ")") ? 0 : -1;
}

static int tm_parse_type(tm_cursor *c, int depth, tm_type *t);

static int tm_parse_base(tm_cursor *c, int depth, tm_type *t) {
    static const struct { const char *lit; tm_kind kind; int bits; } plain[] = {
        {"Int8", TM_INT, 8},         {"Int16", TM_INT, 16},     {"Int32", TM_INT, 32},    {"Int64", TM_INT, 64},
        {"Float32", TM_FLOAT, 32},   {"Float64", TM_FLOAT, 64}, {"Bool", TM_BOOL, 0},     {"String", TM_STRING, 0},
        {"JSON", TM_JSON, 0},        {"UUID", TM_UUID, 0},      {"Date32", TM_DATE32, 0},
    };
    if (tm_eat(c, "Array(")) {
        t->kind = TM_ARRAY;
        t->item = arena_alloc(c->a, sizeof(*t->item));
        return depth < TM_DEPTH && tm_parse_type(c, depth + 1, t->item) == 0 && tm_eat(c, ")") ? 0 : -1;
    }
    if (tm_eat(c, "LowCardinality(")) {
        t->kind = TM_LOWCARD;
        t->nullable = tm_eat(c, "Nullable(");
        if (!tm_eat(c, "String)")) return -1;
        return !t->nullable || tm_eat(c, ")") ? 0 : -1;
    }
    if (tm_eat(c, "Decimal(")) {
        t->kind = TM_DECIMAL;
        t->precision = tm_number(c, 76);
        if (t->precision < 1 || !tm_eat(c, ",")) return -1;
        t->scale = tm_number(c, t->precision);
        return t->scale >= 0 && tm_eat(c, ")") ? 0 : -1;
    }
    if (tm_eat(c, "Time64(")) {
        t->kind = TM_TIME64;
        t->precision = tm_number(c, 9);
        return t->precision >= 0 && tm_eat(c, ")") ? 0 : -1;
    }
    if (tm_eat(c, "DateTime64(")) {
        t->kind = TM_DATETIME64;
        t->precision = tm_number(c, 9);
        return t->precision >= 0 && tm_eat(c, ",") && tm_eat(c, "'UTC')") ? 0 : -1;
    }
    if (tm_eat(c, "Enum8(") || tm_eat(c, "Enum16(")) {
        t->kind = TM_ENUM;
        t->bits = c->p[-2] == '8' ? 8 : 16;
        return tm_parse_labels(c, t);
    }
    for (size_t i = 0; i < sizeof(plain) / sizeof(plain[0]); i++) {
        if (!tm_eat(c, plain[i].lit)) continue;
        t->kind = plain[i].kind;
        t->bits = plain[i].bits;
        return 0;
    }
    return -1;
}

static int tm_parse_type(tm_cursor *c, int depth, tm_type *t) {
    memset(t, 0, sizeof(*t));
    tm_spaces(c);
    const char *start = c->p;
    if (tm_eat(c, "Nullable(")) {
        if (tm_parse_base(c, depth, t) < 0 || !tm_eat(c, ")") || t->kind == TM_ARRAY || t->kind == TM_JSON ||
            t->kind == TM_LOWCARD)
            return -1;
        t->nullable = 1;
    } else if (tm_parse_base(c, depth, t) < 0) {
        return -1;
    }
    t->text = start;
    t->text_len = (size_t)(c->p - start);
    return 0;
}

int tm_parse_columns(const char *s, size_t n, arena *a, tm_column **cols, size_t *ncols, char *why, size_t cap) {
    tm_cursor c = {s, s + n, a};
    size_t room = 0;
    *ncols = 0;
    *cols = NULL;
    tm_spaces(&c);
    while (c.p < c.end) {
        if (*ncols == room) *cols = arena_grow(a, *cols, *ncols, &room, sizeof(**cols));
        tm_column *col = &(*cols)[*ncols];
        memset(col, 0, sizeof(*col));
        if (tm_quoted(&c, '`', &col->name, &col->name_len) < 0 || tm_parse_type(&c, 0, &col->type) < 0) {
            if (cap)
                snprintf(why, cap, "columns: cannot read a column at byte %zu (\"`name` Type, …\" as debezium_ddl writes it)",
                         (size_t)(c.p - s));
            return -1;
        }
        for (size_t i = 0; i < *ncols; i++) {
            if ((*cols)[i].name_len == col->name_len && !memcmp((*cols)[i].name, col->name, col->name_len)) {
                if (cap) snprintf(why, cap, "columns: column `%.*s` is listed twice", (int)(col->name_len > 64 ? 64 : col->name_len), col->name);
                return -1;
            }
        }
        ++*ncols;
        tm_spaces(&c);
        if (c.p < c.end && !tm_eat(&c, ",")) {
            if (cap) snprintf(why, cap, "columns: expected ',' at byte %zu", (size_t)(c.p - s));
            return -1;
        }
    }
    return 0;
}

/* ================================================================ values */

static void tm_raw(buf *b, const json_value *v) { buf_put(b, v->start, json_raw_len(v)); }

static int tm_int(buf *b, const tm_type *t, const json_value *v) {
    int64_t x;
    if (v->type != JSON_NUMBER || json_number_i64(v, &x) != 0) return TM_MISFIT;
    if (t->bits < 64) {
        int64_t lim = (int64_t)1 << (t->bits - 1);
        if (x < -lim || x >= lim) return TM_MISFIT;
    }
    tm_raw(b, v);
    return TM_FIT;
}

static int tm_float(buf *b, const tm_type *t, const json_value *v) {
    if (TM_IS(v, "NaN") || TM_IS(v, "Infinity") || TM_IS(v, "-Infinity")) {
        tm_raw(b, v);
        return TM_FIT;
    }
    if (v->type != JSON_NUMBER) return TM_MISFIT;
    char tmp[400];
    size_t n = json_raw_len(v);
    if (n >= sizeof(tmp)) return TM_MISFIT;
    memcpy(tmp, v->start, n);
    tmp[n] = 0;
    double d = strtod(tmp, NULL);
    if (!isfinite(d) || (t->bits == 32 && fabs(d) > FLT_MAX)) return TM_MISFIT;
    tm_raw(b, v);
    return TM_FIT;
}

/* A string's decoded text; 0, or -1 when v is not a string. */
static int tm_text(const json_value *v, arena *a, const char **s, size_t *n) {
    json_error e;
    return v->type == JSON_STRING && json_string(v, a, s, n, &e) == 0 ? 0 : -1;
}

static int tm_string(buf *b, const tm_type *t, const json_value *v, arena *a) {
    if (v->type == JSON_STRING) {
        if (t->base64) {   /* the view's base64Decode must not throw */
            const char *s;
            size_t n, out;
            if (tm_text(v, a, &s, &n) < 0 || dbzt_b64_decode(s, n, arena_alloc(a, n / 4 * 3 + 3), &out) < 0)
                return TM_MISFIT;
        }
        tm_raw(b, v);
    } else {
        jc_string(b, v->start, json_raw_len(v));
    }
    return TM_FIT;
}

/* A number the JSON type holds: an integer in Int64 or UInt64, or a finite
 * float (one beyond them turns the whole JSONExtract row into defaults). */
static int tm_json_number_fits(const json_value *v) {
    int64_t x;
    uint64_t u;
    int rc = json_number_i64(v, &x);
    if (rc == 1) return json_number_u64(v, &u) == 0;
    if (rc == 0) return 1;
    char tmp[64];
    size_t n = json_raw_len(v);
    if (n >= sizeof(tmp)) return 0;
    memcpy(tmp, v->start, n);
    tmp[n] = 0;
    return isfinite(strtod(tmp, NULL));
}

#define TM_JSON_MEMBERS 512   /* members of one object compared for repeats */
#define TM_JSON_DEPTH 64      /* deeper documents go to extra: the walk below recurses */

/* A document the JSON type keeps as it is, else 0: its rules would change
 * it silently — an array mixing kinds of values ([true, 2.5] loses the
 * true), a name repeated in an object (both dropped), a name with a dot (a
 * path), a number past the ranges above; or nesting deeper than
 * TM_JSON_DEPTH (the walk recurses). */
static int tm_json_keeps(json_value *v, int depth, arena *a) {
    json_iter it;
    json_value k, e;
    json_error err;
    int rc, kinds = 0;
    if (v->type == JSON_NUMBER) return tm_json_number_fits(v);
    if (v->type != JSON_OBJECT && v->type != JSON_ARRAY) return 1;
    if (depth > TM_JSON_DEPTH || json_iter_init(&it, v, &err) < 0) return 0;
    const char **names = NULL;
    size_t *lens = NULL, room = 0, room2 = 0;
    for (;;) {
        if (v->type == JSON_ARRAY) rc = json_iter_element(&it, &e);
        else rc = json_iter_member(&it, &k, &e);
        if (rc <= 0) return rc == 0;
        if (!tm_json_keeps(&e, depth + 1, a)) return 0;
        json_iter_resume(&it, &e);
        if (v->type == JSON_ARRAY) {
            if (e.type != JSON_NULL) kinds |= 1 << (e.type == JSON_FALSE ? JSON_TRUE : e.type);
            if (kinds & (kinds - 1)) return 0;
            continue;
        }
        const char *name;
        size_t n, i = (size_t)it.count - 1;
        if (i >= TM_JSON_MEMBERS || json_string(&k, a, &name, &n, &err) < 0 || memchr(name, '.', n)) return 0;
        for (size_t j = 0; j < i; j++)
            if (lens[j] == n && !memcmp(names[j], name, n)) return 0;
        if (i == room) {
            names = arena_grow(a, names, i, &room, sizeof(*names));
            lens = arena_grow(a, lens, i, &room2, sizeof(*lens));
        }
        names[i] = name, lens[i] = n;
    }
}

static int tm_json(buf *b, const json_value *v, arena *a) {
    const char *s;
    size_t n;
    json_error e;
    json_value doc;
    if (v->type == JSON_OBJECT) s = v->start, n = json_raw_len(v);
    else if (tm_text(v, a, &s, &n) < 0)
        return TM_MISFIT;
    if (json_open(s, n, &doc, &e) < 0 || doc.type != JSON_OBJECT || !tm_json_keeps(&doc, 0, a) ||
        json_close(&doc, &e) < 0)
        return TM_MISFIT;
    buf_put(b, s, n);
    return TM_FIT;
}

static int tm_digits(const char *s, size_t n) {
    for (size_t i = 0; i < n; i++)
        if (s[i] < '0' || s[i] > '9') return 0;
    return 1;
}

/* "-123.4500" (or an integer number) as Decimal(P, S): the fraction padded
 * or cut to S digits where only zeros are cut, at most P - S integer digits. */
static int tm_decimal(buf *b, const tm_type *t, const json_value *v, arena *a) {
    const char *s;
    size_t n;
    if (v->type == JSON_NUMBER) s = v->start, n = json_raw_len(v);
    else if (tm_text(v, a, &s, &n) < 0) return TM_MISFIT;
    int neg = n && s[0] == '-';
    s += neg, n -= (size_t)neg;
    const char *dot = memchr(s, '.', n);
    size_t ni = dot ? (size_t)(dot - s) : n, nf = dot ? n - ni - 1 : 0;
    const char *f = dot ? dot + 1 : s + n;
    if (ni == 0 || !tm_digits(s, ni) || !tm_digits(f, nf) || (dot && nf == 0)) return TM_MISFIT;
    while (ni > 1 && s[0] == '0') s++, ni--;
    while (nf > (size_t)t->scale && f[nf - 1] == '0') nf--;
    if (nf > (size_t)t->scale) return TM_MISFIT;
    int zero = ni == 1 && s[0] == '0';
    if (!zero && ni > (size_t)(t->precision - t->scale)) return TM_MISFIT;
    buf_putc(b, '"');
    if (neg) buf_putc(b, '-');
    buf_put(b, s, ni);
    if (t->scale) {
        buf_putc(b, '.');
        buf_put(b, f, nf);
        for (size_t i = nf; i < (size_t)t->scale; i++) buf_putc(b, '0');
    }
    buf_putc(b, '"');
    return TM_FIT;
}

static int tm_is_date(const char *s) {
    return tm_digits(s, 4) && s[4] == '-' && tm_digits(s + 5, 2) && s[7] == '-' && tm_digits(s + 8, 2);
}

static int tm_date32(buf *b, const json_value *v, arena *a) {
    const char *s;
    size_t n;
    if (tm_text(v, a, &s, &n) < 0 || n != 10 || !tm_is_date(s)) return TM_MISFIT;
    if (memcmp(s, "1900-01-01", 10) < 0 || memcmp(s, "2299-12-31", 10) > 0) return TM_MISFIT;
    tm_raw(b, v);
    return TM_FIT;
}

/* A fraction [f, f+n) held by `precision` digits: what is cut is zeros. */
static int tm_fraction_fits(const char *f, size_t n, int precision) {
    if (!tm_digits(f, n)) return 0;
    for (size_t i = (size_t)precision; i < n; i++)
        if (f[i] != '0') return 0;
    return 1;
}

/* [-]h…h:mm:ss[.f…], hours up to 999 (Time64's range). */
static int tm_time64(buf *b, const tm_type *t, const json_value *v, arena *a) {
    const char *s, *colon;
    size_t n;
    if (tm_text(v, a, &s, &n) < 0) return TM_MISFIT;
    const char *p = s + (n && s[0] == '-'), *end = s + n;
    if (!(colon = memchr(p, ':', (size_t)(end - p)))) return TM_MISFIT;
    size_t nh = (size_t)(colon - p);
    if (nh < 1 || nh > 3 || !tm_digits(p, nh) || end - colon < 6 || !tm_digits(colon + 1, 2) || colon[3] != ':' ||
        !tm_digits(colon + 4, 2))
        return TM_MISFIT;
    const char *rest = colon + 6;
    if (rest < end && (*rest != '.' || !tm_fraction_fits(rest + 1, (size_t)(end - rest - 1), t->precision)))
        return TM_MISFIT;
    tm_raw(b, v);
    return TM_FIT;
}

/* "YYYY-MM-DD hh:mm:ss[.f…]", or the zoned form with 'T' and 'Z' (UTC,
 * as dbz_types writes it): written in the first form, within 1900..2299. */
static int tm_datetime64(buf *b, const tm_type *t, const json_value *v, arena *a) {
    const char *s;
    size_t n;
    if (tm_text(v, a, &s, &n) < 0 || n < 19) return TM_MISFIT;
    int zoned = s[10] == 'T';
    if (zoned && s[n - 1] != 'Z') return TM_MISFIT;
    size_t len = n - (size_t)zoned;
    if (!tm_is_date(s) || (s[10] != ' ' && !zoned) || !tm_digits(s + 11, 2) || s[13] != ':' || !tm_digits(s + 14, 2) ||
        s[16] != ':' || !tm_digits(s + 17, 2))
        return TM_MISFIT;
    if (len > 19 && (s[19] != '.' || !tm_fraction_fits(s + 20, len - 20, t->precision))) return TM_MISFIT;
    if (memcmp(s, "1900-01-01", 10) < 0 || memcmp(s, "2299-12-31", 10) > 0) return TM_MISFIT;
    buf_putc(b, '"');
    buf_put(b, s, 10);
    buf_putc(b, ' ');
    buf_put(b, s + 11, len - 11);
    buf_putc(b, '"');
    return TM_FIT;
}

static int tm_uuid(buf *b, const json_value *v, arena *a) {
    const char *s;
    size_t n;
    if (tm_text(v, a, &s, &n) < 0 || n != 36) return TM_MISFIT;
    for (size_t i = 0; i < 36; i++) {
        int dash = i == 8 || i == 13 || i == 18 || i == 23;
        char ch = s[i];
        int hex = (ch >= '0' && ch <= '9') || (ch >= 'a' && ch <= 'f') || (ch >= 'A' && ch <= 'F');
        if (dash ? ch != '-' : !hex) return TM_MISFIT;
    }
    tm_raw(b, v);
    return TM_FIT;
}

static int tm_enum(buf *b, const tm_type *t, const json_value *v, arena *a) {
    const char *s;
    size_t n;
    if (tm_text(v, a, &s, &n) < 0) return TM_MISFIT;
    for (size_t i = 0; i < t->nlabels; i++) {
        if (t->label_len[i] == n && !memcmp(t->labels[i], s, n)) {
            tm_raw(b, v);
            return TM_FIT;
        }
    }
    return TM_MISFIT;
}

static int tm_array(buf *b, const tm_type *t, const json_value *v, arena *a) {
    json_value arr = *v, e;
    json_iter it;
    json_error err;
    size_t start = b->len;
    int rc;
    if (v->type != JSON_ARRAY || json_iter_init(&it, &arr, &err) < 0) return TM_MISFIT;
    buf_putc(b, '[');
    while ((rc = json_iter_element(&it, &e)) > 0) {
        if (json_finish(&e, &err) < 0) break;
        json_iter_resume(&it, &e);
        if (it.count > 1) buf_putc(b, ',');
        if (tm_value(b, t->item, &e, a) != TM_FIT) break;
    }
    if (rc != 0) {
        b->len = start;
        return TM_MISFIT;
    }
    buf_putc(b, ']');
    return TM_FIT;
}

int tm_value(buf *b, const tm_type *t, const json_value *v, arena *a) {
    if (v->type == JSON_NULL) {
        if (!t->nullable || t->kind == TM_ARRAY) return TM_MISFIT;
        buf_put(b, "null", 4);
        return TM_FIT;
    }
    switch (t->kind) {
    case TM_INT: return tm_int(b, t, v);
    case TM_FLOAT: return tm_float(b, t, v);
    case TM_BOOL:
        if (v->type != JSON_TRUE && v->type != JSON_FALSE) return TM_MISFIT;
        tm_raw(b, v);
        return TM_FIT;
    case TM_STRING:
    case TM_LOWCARD: return tm_string(b, t, v, a);
    case TM_JSON: return tm_json(b, v, a);
    case TM_DECIMAL: return tm_decimal(b, t, v, a);
    case TM_DATE32: return tm_date32(b, v, a);
    case TM_TIME64: return tm_time64(b, t, v, a);
    case TM_DATETIME64: return tm_datetime64(b, t, v, a);
    case TM_UUID: return tm_uuid(b, v, a);
    case TM_ENUM: return tm_enum(b, t, v, a);
    case TM_ARRAY: return tm_array(b, t, v, a);
    }
    return TM_MISFIT;
}
