/* chtype.c — parsing and printing of ClickHouse type names (see chtype.h). */
#include "chtype.h"
#include "fatal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const struct { const char *name; chtype_kind kind; } chtype_names[] = {
    {"String", CT_STRING},
    {"Int8", CT_INT8}, {"Int16", CT_INT16}, {"Int32", CT_INT32}, {"Int64", CT_INT64},
    {"UInt8", CT_UINT8}, {"UInt16", CT_UINT16}, {"UInt32", CT_UINT32}, {"UInt64", CT_UINT64},
    {"Float32", CT_FLOAT32}, {"Float64", CT_FLOAT64},
    {"Bool", CT_BOOL},
    {"Date", CT_DATE}, {"Date32", CT_DATE32},
    {"DateTime64", CT_DATETIME64},
    {"Array", CT_ARRAY_STRING}, {"Map", CT_MAP_STRING},
};
#define CHTYPE_NNAMES (sizeof(chtype_names) / sizeof(chtype_names[0]))

/* A switch, not a search of chtype_names: binary writers ask for every value. */
int chtype_width(chtype_kind k) {
    switch (k) {
    case CT_INT8: case CT_UINT8: case CT_BOOL: return 1;
    case CT_INT16: case CT_UINT16: case CT_DATE: return 2;
    case CT_INT32: case CT_UINT32: case CT_FLOAT32: case CT_DATE32: return 4;
    case CT_INT64: case CT_UINT64: case CT_FLOAT64: case CT_DATETIME64: return 8;
    case CT_STRING: case CT_ARRAY_STRING: case CT_MAP_STRING: return 0;
    }
    return 0;
}

/* ClickHouse's limits: Date is a UInt16 day number, Date32 spans
 * 1900-01-01 (-25567) to 2299-12-31 (120529). */
void chtype_day_range(chtype_kind k, int64_t *first, int64_t *last) {
    *first = k == CT_DATE32 ? -25567 : 0;
    *last = k == CT_DATE32 ? 120529 : 65535;
}

typedef struct { const char *p, *end; } chtype_cursor;

static void chtype_ws(chtype_cursor *c) {
    while (c->p < c->end && (*c->p == ' ' || *c->p == '\t')) c->p++;
}

static int chtype_eat(chtype_cursor *c, char ch) {
    chtype_ws(c);
    if (c->p < c->end && *c->p == ch) {
        c->p++;
        return 1;
    }
    return 0;
}

static size_t chtype_ident(chtype_cursor *c) {
    chtype_ws(c);
    const char *s = c->p;
    while (c->p < c->end && ((*c->p >= 'A' && *c->p <= 'Z') || (*c->p >= 'a' && *c->p <= 'z') || (*c->p >= '0' && *c->p <= '9')))
        c->p++;
    return (size_t)(c->p - s);
}

/* "(P)" or "(P, 'Zone')" after DateTime64. */
static int chtype_dt64_args(chtype_cursor *c, chtype *t, const char **why) {
    t->precision = 3;  /* ClickHouse's default when no precision is written */
    if (!chtype_eat(c, '(')) return 0;
    chtype_ws(c);
    if (c->p >= c->end || *c->p < '0' || *c->p > '9') return *why = "DateTime64 precision must be a digit 0-9", -1;
    t->precision = *c->p++ - '0';
    if (chtype_eat(c, ',')) {
        if (!chtype_eat(c, '\'')) return *why = "DateTime64 time zone must be quoted", -1;
        const char *z = c->p;
        while (c->p < c->end && *c->p != '\'') c->p++;
        size_t zn = (size_t)(c->p - z);
        if (c->p == c->end || zn == 0 || zn >= sizeof(t->tz)) return *why = "bad DateTime64 time zone", -1;
        memcpy(t->tz, z, zn);
        t->tz[zn] = 0;
        c->p++;
    }
    if (!chtype_eat(c, ')')) return *why = "expected ')' after DateTime64 arguments", -1;
    return 0;
}

/* "(String)" after Array, "(String, String)" after Map: containers of strings only. */
static int chtype_container_args(chtype_cursor *c, chtype *t, const char **why) {
    int n = t->kind == CT_MAP_STRING ? 2 : 1;
    if (!chtype_eat(c, '(')) return *why = "expected '(' after Array or Map", -1;
    for (int i = 0; i < n; i++) {
        if (i && !chtype_eat(c, ',')) return *why = "expected ',' between Map's key and value types", -1;
        chtype_ws(c);
        const char *name = c->p;
        if (chtype_ident(c) != 6 || memcmp(name, "String", 6) != 0)
            return *why = "only Array(String) and Map(String, String) are supported", -1;
    }
    if (!chtype_eat(c, ')')) return *why = "expected ')' closing Array( or Map(", -1;
    return 0;
}

static int chtype_base(chtype_cursor *c, chtype *t, const char **why) {
    chtype_ws(c);
    const char *name = c->p;
    size_t n = chtype_ident(c);
    for (size_t i = 0; i < CHTYPE_NNAMES; i++) {
        if (strlen(chtype_names[i].name) == n && memcmp(chtype_names[i].name, name, n) == 0) {
            t->kind = chtype_names[i].kind;
            if (chtype_is_container(t->kind)) return chtype_container_args(c, t, why);
            return t->kind == CT_DATETIME64 ? chtype_dt64_args(c, t, why) : 0;
        }
    }
    *why = "unsupported type (expected String, Int8-64, UInt8-64, Float32/64, Bool, Date, Date32, DateTime64(P), "
           "Nullable of one, Array(String) or Map(String, String))";
    return -1;
}

int chtype_parse(const char *s, size_t n, chtype *t, const char **why) {
    chtype_cursor c = {s, s + n};
    memset(t, 0, sizeof(*t));
    chtype_ws(&c);
    const char *save = c.p;
    size_t idn = chtype_ident(&c);
    if (idn == 8 && memcmp(save, "Nullable", 8) == 0 && chtype_eat(&c, '(')) {
        t->nullable = 1;
        if (chtype_base(&c, t, why) < 0) return -1;
        if (chtype_is_container(t->kind)) return *why = "Array and Map cannot be inside Nullable", -1;
        if (!chtype_eat(&c, ')')) return *why = "expected ')' closing Nullable(", -1;
    } else {
        c.p = save;
        if (chtype_base(&c, t, why) < 0) return -1;
    }
    chtype_ws(&c);
    if (c.p != c.end) return *why = "unexpected text after the type", -1;
    return 0;
}

size_t chtype_format(const chtype *t, char *buf, size_t cap) {
    const char *name = "?";
    for (size_t i = 0; i < CHTYPE_NNAMES; i++)
        if (chtype_names[i].kind == t->kind) name = chtype_names[i].name;
    char inner[96];
    if (t->kind == CT_DATETIME64 && t->tz[0])
        snprintf(inner, sizeof(inner), "DateTime64(%d, '%s')", t->precision, t->tz);
    else if (t->kind == CT_DATETIME64)
        snprintf(inner, sizeof(inner), "DateTime64(%d)", t->precision);
    else if (chtype_is_container(t->kind))
        snprintf(inner, sizeof(inner), "%s", t->kind == CT_MAP_STRING ? "Map(String, String)" : "Array(String)");
    else
        snprintf(inner, sizeof(inner), "%s", name);
    int len = t->nullable ? snprintf(buf, cap, "Nullable(%s)", inner) : snprintf(buf, cap, "%s", inner);
    return len < 0 ? 0 : (size_t)len < cap ? (size_t)len : cap - 1;
}

size_t chtype_format_result(const chtype *types, const char *const *names, int n, int tuple, char *buf,
                            size_t cap) {
    char t[96];
    if (!tuple) {
        chtype_format(&types[0], t, sizeof(t));
        return (size_t)snprintf(buf, cap, "%s", t);
    }
    /* snprintf with (NULL, 0) measures: past cap, only the length grows. */
    size_t len = (size_t)snprintf(buf, cap, "Tuple(");
    for (int i = 0; i < n; i++) {
        chtype_format(&types[i], t, sizeof(t));
        len += (size_t)snprintf(len < cap ? buf + len : NULL, len < cap ? cap - len : 0, "%s%s%s%s", i ? ", " : "",
                                names ? names[i] : "", names ? " " : "", t);
    }
    len += (size_t)snprintf(len < cap ? buf + len : NULL, len < cap ? cap - len : 0, ")");
    return len;
}

char *chtype_result_type(const chtype *types, const char *const *names, int n, int tuple) {
    size_t len = chtype_format_result(types, names, n, tuple, NULL, 0);
    char *s = malloc(len + 1);
    if (!s) fatal_exit(EXIT_NOMEM, "out of memory");
    chtype_format_result(types, names, n, tuple, s, len + 1);
    return s;
}
