/* hdrtext.c — SimpleHeaderConverter's text of a value (hdrtext.h). */
#include "hdrtext.h"

#include "dbz_types.h"
#include "javanum.h"
#include "timestamp.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Connect schemas nest as deep as the table's types do; a message that
 * nests deeper is not one Connect wrote. */
#define HT_MAX_DEPTH 64
#define HT_DAY_MS INT64_C(86400000)

typedef struct ht_ctx {
    buf *out;
    arena *a;
    json_error err;
    char *why;
    size_t cap;
} ht_ctx;

static int ht_fail(ht_ctx *c, const char *what) {
    snprintf(c->why, c->cap, "%s", what);
    return -1;
}

/* Member `key` of a schema object; type JSON_NONE when absent. */
static json_value ht_member(const json_value *schema, const char *key) {
    json_value obj = *schema, v;
    json_error err;
    v.type = JSON_NONE;
    if (obj.type != JSON_OBJECT || json_find(&obj, key, strlen(key), &v, &err) != JSON_FOUND) v.type = JSON_NONE;
    return v;
}

static int ht_is(const json_value *v, const char *lit) {
    return v->type == JSON_STRING && json_key_equals(v, lit, strlen(lit));
}

static int ht_decoded(ht_ctx *c, const json_value *v, const char **s, size_t *n) {
    if (json_string(v, c->a, s, n, &c->err) < 0) return ht_fail(c, "a string in the message does not decode");
    return 0;
}

void ht_string(buf *out, const char *s, size_t n) {
    buf_putc(out, '"');
    for (size_t i = 0; i < n; i++) {
        if (s[i] == '\\' || s[i] == '"') buf_putc(out, '\\');
        buf_putc(out, s[i]);
    }
    buf_putc(out, '"');
}

static int ht_decimal(ht_ctx *c, const json_value *v, const json_value *schema) {
    json_value params = ht_member(schema, "parameters"), scale_v = ht_member(&params, "scale");
    const char *s, *digits, *why;
    size_t n, nd;
    int neg;
    long scale = 0;
    if (scale_v.type == JSON_STRING) {
        const char *t;
        size_t tn;
        char tmp[16];
        if (ht_decoded(c, &scale_v, &t, &tn) < 0) return -1;
        if (tn == 0 || tn >= sizeof(tmp)) return ht_fail(c, "Decimal schema without a usable scale");
        memcpy(tmp, t, tn);
        tmp[tn] = 0;
        char *end;
        scale = strtol(tmp, &end, 10);
        if (*end) return ht_fail(c, "Decimal schema without a usable scale");
    }
    if (v->type != JSON_STRING) return ht_fail(c, "Decimal value is not a base64 string");
    if (ht_decoded(c, v, &s, &n) < 0) return -1;
    if (dbzt_unscaled_digits(s, n, c->a, &neg, &digits, &nd, &why) < 0) return ht_fail(c, why);
    char *p = buf_reserve(c->out, nd + 32);
    c->out->len += jn_bigdecimal(neg, digits, nd, (int32_t)scale, p);
    return 0;
}

/* java.util.Date through Values.dateFormatFor, in UTC. */
static int ht_date(ht_ctx *c, const json_value *v, int64_t unit_ms) {
    int64_t x, ms;
    char t[48];
    size_t k = 0;
    if (v->type != JSON_NUMBER || json_number_i64(v, &x) != 0) return ht_fail(c, "a Connect date or time is not an integer");
    ms = x * unit_ms;
    int64_t days = ms / HT_DAY_MS - (ms % HT_DAY_MS < 0), tod = ms - days * HT_DAY_MS;
    int date = ms >= HT_DAY_MS, time = ms < HT_DAY_MS || ms % HT_DAY_MS != 0;
    if (date) {
        int64_t y;
        unsigned mo, d;
        ts_civil_from_days(days, &y, &mo, &d);
        k += ts_put_uint(t + k, (uint64_t)(y < 0 ? -y : y), 4);
        t[k++] = '-';
        k += ts_put_uint(t + k, mo, 2);
        t[k++] = '-';
        k += ts_put_uint(t + k, d, 2);
        if (time) t[k++] = 'T';
    }
    if (time) {
        k += ts_put_uint(t + k, (uint64_t)(tod / 3600000), 2);
        t[k++] = ':';
        k += ts_put_uint(t + k, (uint64_t)(tod / 60000 % 60), 2);
        t[k++] = ':';
        k += ts_put_uint(t + k, (uint64_t)(tod / 1000 % 60), 2);
        t[k++] = '.';
        k += ts_put_uint(t + k, (uint64_t)(tod % 1000), 3);
        t[k++] = 'Z';
    }
    buf_put(c->out, t, k);
    return 0;
}

static int ht_value(ht_ctx *c, const json_value *v, const json_value *schema, int embedded, int depth);

/* Members of an object (a struct by its schema's fields, else in message
 * order) or elements of an array, each embedded. */
static int ht_struct(ht_ctx *c, const json_value *v, const json_value *schema, int depth) {
    json_value fields = ht_member(schema, "fields");
    json_iter it;
    json_value f, val, obj = *v;
    int rc, i = 0;
    buf_putc(c->out, '{');
    if (json_iter_init(&it, &fields, &c->err) < 0) return ht_fail(c, "a struct schema without fields");
    while ((rc = json_iter_element(&it, &f)) > 0) {
        json_value name = ht_member(&f, "field");
        const char *s;
        size_t n;
        if (name.type != JSON_STRING || ht_decoded(c, &name, &s, &n) < 0) return ht_fail(c, "a struct field without a name");
        if (i++) buf_putc(c->out, ',');
        ht_string(c->out, s, n);
        buf_putc(c->out, ':');
        if (json_find(&obj, s, n, &val, &c->err) != JSON_FOUND) val.type = JSON_NULL;
        if (ht_value(c, &val, &f, 1, depth + 1) < 0) return -1;
    }
    if (rc < 0) return ht_fail(c, "a struct schema does not parse");
    buf_putc(c->out, '}');
    return 0;
}

static int ht_container(ht_ctx *c, const json_value *v, const json_value *schema, int depth) {
    json_iter it;
    json_value k, val, obj = *v;
    json_value items = ht_member(schema, v->type == JSON_ARRAY ? "items" : "values");
    json_value keys = ht_member(schema, "keys"), type = ht_member(schema, "type");
    int rc, i = 0, is_obj = v->type == JSON_OBJECT;
    /* A map with keys that are not strings is an array of [key, value] pairs. */
    int pairs = !is_obj && ht_is(&type, "map");
    buf_putc(c->out, is_obj || pairs ? '{' : '[');
    if (json_iter_init(&it, &obj, &c->err) < 0) return ht_fail(c, "a container does not parse");
    for (;;) {
        rc = is_obj ? json_iter_member(&it, &k, &val) : json_iter_element(&it, &val);
        if (rc <= 0) break;
        if (i++) buf_putc(c->out, ',');
        if (is_obj) {
            const char *s;
            size_t n;
            if (ht_decoded(c, &k, &s, &n) < 0) return -1;
            ht_string(c->out, s, n);
            buf_putc(c->out, ':');
            if (ht_value(c, &val, &items, 1, depth + 1) < 0) return -1;
        } else if (pairs) {
            json_iter pit;
            json_value kv[2];
            if (val.type != JSON_ARRAY || json_iter_init(&pit, &val, &c->err) < 0 ||
                json_iter_element(&pit, &kv[0]) <= 0 || json_iter_element(&pit, &kv[1]) <= 0)
                return ht_fail(c, "a map entry is not a [key, value] pair");
            if (ht_value(c, &kv[0], &keys, 1, depth + 1) < 0) return -1;
            buf_putc(c->out, ':');
            if (ht_value(c, &kv[1], &items, 1, depth + 1) < 0) return -1;
            while (json_iter_element(&pit, &kv[0]) > 0) {}
            json_iter_resume(&it, &val);
            continue;
        } else {
            if (ht_value(c, &val, &items, 1, depth + 1) < 0) return -1;
        }
        if (val.type == JSON_OBJECT || val.type == JSON_ARRAY) json_iter_resume(&it, &val);
    }
    if (rc < 0) return ht_fail(c, "a container does not parse");
    buf_putc(c->out, is_obj || pairs ? '}' : ']');
    return 0;
}

static int ht_value(ht_ctx *c, const json_value *v, const json_value *schema, int embedded, int depth) {
    json_value name = ht_member(schema, "name"), type = ht_member(schema, "type");
    const char *s;
    size_t n;
    if (depth > HT_MAX_DEPTH) return ht_fail(c, "a value nests deeper than Connect schemas do");
    if (v->type == JSON_NULL || v->type == JSON_NONE) {
        buf_put(c->out, "null", 4);
        return 0;
    }
    if (ht_is(&name, "org.apache.kafka.connect.data.Decimal")) return ht_decimal(c, v, schema);
    if (ht_is(&name, "org.apache.kafka.connect.data.Date")) return ht_date(c, v, HT_DAY_MS);
    if (ht_is(&name, "org.apache.kafka.connect.data.Time") || ht_is(&name, "org.apache.kafka.connect.data.Timestamp"))
        return ht_date(c, v, 1);
    switch (v->type) {
    case JSON_STRING:
        if (ht_decoded(c, v, &s, &n) < 0) return -1;
        if (embedded) ht_string(c->out, s, n);
        else buf_put(c->out, s, n);
        return 0;
    case JSON_OBJECT:
        if (ht_is(&type, "struct")) return ht_struct(c, v, schema, depth);
        return ht_container(c, v, schema, depth);
    case JSON_ARRAY: return ht_container(c, v, schema, depth);
    default:   /* numbers and booleans: Java's toString is the message's text */
        buf_put(c->out, v->start, json_raw_len(v));
        return 0;
    }
}

int ht_text(buf *out, const json_value *v, const json_value *schema, arena *a, int *is_null, char *why, size_t cap) {
    ht_ctx c = {out, a, {NULL, NULL}, why, cap};
    *is_null = v->type == JSON_NULL || v->type == JSON_NONE;
    if (*is_null) return 0;
    size_t mark = out->len;
    if (ht_value(&c, v, schema, 0, 0) < 0) {
        out->len = mark;
        return -1;
    }
    return 0;
}
