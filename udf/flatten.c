/* flatten.c — ExtractNewRecordState over one raw message (see flatten.h).
 *
 * Bottom up: the configuration (Debezium's property names, defaults and
 * parsing, including Java's String.split where the SMT splits lists), the
 * Connect schema read from the envelope's JSON, the field references of
 * add.fields / add.headers (AbstractExtractNewRecordState.FieldReference),
 * ExtractChangedRecordState's lists, and the record paths of
 * ExtractNewRecordState.doApply in the order it takes them. */
#include "flatten.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "debezium.h"
#include "hdrtext.h"
#include "json.h"
#include "jsonconv.h"

/* ----------------------------------------------------------- configuration */

enum {
    P_TOMBSTONE_MODE, P_DELETE_MODE, P_DROP_TOMBSTONES, P_ROUTE, P_FIELDS_PREFIX, P_FIELDS,
    P_HEADERS_PREFIX, P_HEADERS, P_REPLACE_NULL, P_DROP_HEADER, P_DROP_FROM_KEY, P_DROP_COMPATIBLE,
    P_CHANGED, P_UNCHANGED, P_COUNT
};

const char *const flat_properties[] = {
    "delete.tombstone.handling.mode", "delete.handling.mode", "drop.tombstones", "route.by.field",
    "add.fields.prefix", "add.fields", "add.headers.prefix", "add.headers", "replace.null.with.default",
    "drop.fields.header.name", "drop.fields.from.key", "drop.fields.keep.schema.compatible",
    "header.changed.name", "header.unchanged.name", NULL,
};

/* Debezium's defaults; NULL = none.  delete.tombstone.handling.mode has no
 * default: unset, the deprecated pair decides (drop deletes, drop tombstones). */
static const char *const flat_defaults[P_COUNT] = {
    NULL, "drop", "true", "", "__", "", "__", "", "true", NULL, "false", "true", NULL, NULL,
};

_Static_assert(P_COUNT <= sizeof(((flat_config *)0)->prop) / sizeof(const char *), "flat_config.prop too small");

static const char *flat_prop(const flat_config *c, int i) {
    return c->prop[i] ? c->prop[i] : flat_defaults[i];
}

void flat_config_init(flat_config *c) {
    memset(c, 0, sizeof(*c));
    arena_init(&c->mem);
}

void flat_config_free(flat_config *c) {
    arena_free(&c->mem);
}

int flat_config_set(flat_config *c, const char *name, const char *value, char *why, size_t cap) {
    for (int i = 0; flat_properties[i]; i++) {
        if (strcmp(name, flat_properties[i]) == 0) {
            c->prop[i] = value;
            return 0;
        }
    }
    snprintf(why, cap, "unknown property '%s'", name);
    return -1;
}

/* Java's String.trim(): every character up to U+0020 off both ends. */
static void flat_trim(const char **s, size_t *n) {
    while (*n && (unsigned char)(*s)[0] <= ' ') (*s)++, (*n)--;
    while (*n && (unsigned char)(*s)[*n - 1] <= ' ') (*n)--;
}

static int flat_blank(const char *s) {
    size_t n = s ? strlen(s) : 0;
    flat_trim(&s, &n);
    return n == 0;
}

/* A trimmed value equal to `word`, ignoring case (Debezium's enum parse). */
static int flat_is(const char *v, const char *word) {
    size_t n = strlen(v);
    flat_trim(&v, &n);
    return n == strlen(word) && strncasecmp(v, word, n) == 0;
}

static int flat_bool(const flat_config *c, int i, int *out, char *why, size_t cap) {
    const char *v = flat_prop(c, i);
    if (flat_is(v, "true") || flat_is(v, "false")) {
        *out = flat_is(v, "true");
        return 0;
    }
    snprintf(why, cap, "%s: '%s' is not true or false", flat_properties[i], v);
    return -1;
}

/* Java's String.split on one character: the pieces, trailing empty ones
 * removed (so "a," is one piece and "," none); no separator at all gives
 * the whole string, even an empty one. */
typedef struct flat_piece { const char *s; size_t n; } flat_piece;

static int flat_split(const char *s, size_t n, char sep, flat_piece *out, int max) {
    int k = 0, last_nonempty = 0;
    const char *p = s, *e = s + n;
    if (!memchr(s, sep, n)) {
        out[0].s = s, out[0].n = n;
        return 1;
    }
    for (;;) {
        const char *q = memchr(p, sep, (size_t)(e - p));
        if (!q) q = e;
        if (k == max) return -1;
        out[k].s = p, out[k].n = (size_t)(q - p);
        if (out[k++].n) last_nonempty = k;
        if (q == e) break;
        p = q + 1;
    }
    return last_nonempty;
}

/* FieldReference.determineStruct: where an unqualified name lives. */
static const char *flat_struct_of(const char *f, size_t n) {
    static const char *const top[] = {"op", "ts_ms", "ts_us", "ts_ns"};
    static const char *const tx[] = {"id", "data_collection_order", "total_order"};
    for (size_t i = 0; i < 4; i++)
        if (n == strlen(top[i]) && memcmp(f, top[i], n) == 0) return NULL;
    for (size_t i = 0; i < 3; i++)
        if (n == strlen(tx[i]) && memcmp(f, tx[i], n) == 0) return "transaction";
    if (n == 17 && memcmp(f, "updateDescription", 17) == 0) return "updateDescription";
    return "source";
}

static char *flat_cat(arena *a, const char *x, size_t xn, const char *y, size_t yn, const char *z, size_t zn) {
    char *s = arena_alloc(a, xn + yn + zn + 1);
    memcpy(s, x, xn);
    memcpy(s + xn, y, yn);
    memcpy(s + xn + yn, z, zn);
    s[xn + yn + zn] = 0;
    return s;
}

/* new FieldReference(prefix, item): "[struct.]field[:newname]". */
static int flat_ref_parse(flat_config *c, const char *prefix, flat_piece item, flat_ref *r, const char *prop, char *why,
                          size_t cap) {
    flat_piece parts[3] = {{0}}, splits[8] = {{0}};   /* zeroed: gcc -O3 cannot see that flat_split filled what np counts */
    int np = flat_split(item.s, item.n, ':', parts, 3);
    int ns = np > 0 ? flat_split(parts[0].s, parts[0].n, '.', splits, 8) : 0;
    if (np < 1 || np > 2 || ns < 1) {
        snprintf(why, cap, "%s: unexpected field name '%.*s'", prop, (int)item.n, item.s);
        return -1;
    }
    flat_piece f = ns == 1 ? splits[0] : splits[1];
    r->field = arena_strdup(&c->mem, f.s, f.n);
    r->strct = ns == 1 ? flat_struct_of(f.s, f.n) : arena_strdup(&c->mem, splits[0].s, splits[0].n);
    size_t pn = strlen(prefix);
    if (np == 2) r->name = flat_cat(&c->mem, prefix, pn, parts[1].s, parts[1].n, "", 0);
    else if (ns == 1) r->name = flat_cat(&c->mem, prefix, pn, f.s, f.n, "", 0);
    else {
        char *st = flat_cat(&c->mem, splits[0].s, splits[0].n, "_", 1, "", 0);
        r->name = flat_cat(&c->mem, prefix, pn, st, strlen(st), f.s, f.n);
    }
    return 0;
}

/* FieldReference.fromConfiguration: the list split on ',' and trimmed. */
static int flat_refs(flat_config *c, int list, int prefix, flat_ref *refs, int *nrefs, char *why, size_t cap) {
    const char *v = flat_prop(c, list);
    flat_piece items[FLAT_MAX_REFS];
    *nrefs = 0;
    if (!*v) return 0;
    int k = flat_split(v, strlen(v), ',', items, FLAT_MAX_REFS);
    if (k < 0) {
        snprintf(why, cap, "%s: more than %d entries", flat_properties[list], FLAT_MAX_REFS);
        return -1;
    }
    for (int i = 0; i < k; i++) {
        flat_trim(&items[i].s, &items[i].n);
        if (flat_ref_parse(c, flat_prop(c, prefix), items[i], &refs[i], flat_properties[list], why, cap) < 0) return -1;
    }
    *nrefs = k;
    return 0;
}

/* The two ways the SMT can be told how to treat deletes and tombstones. */
static int flat_delete_modes(flat_config *c, char *why, size_t cap) {
    const char *mode = flat_prop(c, P_TOMBSTONE_MODE), *legacy = flat_prop(c, P_DELETE_MODE);
    int drop_tombstones;
    if (flat_bool(c, P_DROP_TOMBSTONES, &drop_tombstones, why, cap) < 0) return -1;
    if (!flat_is(legacy, "drop") && !flat_is(legacy, "rewrite") && !flat_is(legacy, "none")) {
        snprintf(why, cap, "delete.handling.mode: '%s' is not one of drop, rewrite, none", legacy);
        return -1;
    }
    if (flat_blank(mode)) {   /* LegacyDeleteHandlingStrategy */
        c->keep_tombstones = !drop_tombstones;
        c->rewrite = flat_is(legacy, "rewrite");
        c->on_delete = c->rewrite ? FLAT_DELETE_REWRITE : flat_is(legacy, "none") ? FLAT_DELETE_NULL : FLAT_DELETE_DROP;
    } else if (flat_is(mode, "drop")) {
        c->on_delete = FLAT_DELETE_DROP;
    } else if (flat_is(mode, "tombstone")) {
        c->on_delete = FLAT_DELETE_NULL;
    } else if (flat_is(mode, "rewrite") || flat_is(mode, "rewrite-with-tombstone")) {
        c->on_delete = FLAT_DELETE_REWRITE;
        c->rewrite = 1;
        c->keep_tombstones = flat_is(mode, "rewrite-with-tombstone");
    } else {
        snprintf(why, cap, "delete.tombstone.handling.mode: '%s' is not one of drop, tombstone, rewrite, "
                 "rewrite-with-tombstone", mode);
        return -1;
    }
    return 0;
}

int flat_config_finish(flat_config *c, char *why, size_t cap) {
    int unused;
    c->keep_tombstones = c->rewrite = 0;
    if (flat_delete_modes(c, why, cap) < 0) return -1;
    if (flat_refs(c, P_FIELDS, P_FIELDS_PREFIX, c->fields, &c->nfields, why, cap) < 0) return -1;
    if (flat_refs(c, P_HEADERS, P_HEADERS_PREFIX, c->headers, &c->nheaders, why, cap) < 0) return -1;
    /* Validated as Debezium validates them; neither changes the bytes:
     * drop.fields.from.key acts on the record key, which is not answered,
     * and replace.null.with.default only matters for a null column with a
     * default, which the JSON converter (replace.null.with.default=true,
     * its default) already wrote as the default on the raw topic. */
    if (flat_bool(c, P_DROP_FROM_KEY, &unused, why, cap) < 0) return -1;
    if (flat_bool(c, P_REPLACE_NULL, &unused, why, cap) < 0) return -1;
    if (flat_bool(c, P_DROP_COMPATIBLE, &c->keep_schema_compatible, why, cap) < 0) return -1;
    const char *route = flat_prop(c, P_ROUTE);
    c->route_by_field = *route ? route : NULL;
    c->drop_header = flat_blank(c->prop[P_DROP_HEADER]) ? NULL : c->prop[P_DROP_HEADER];
    c->changed_header = flat_blank(c->prop[P_CHANGED]) ? NULL : c->prop[P_CHANGED];
    c->unchanged_header = flat_blank(c->prop[P_UNCHANGED]) ? NULL : c->prop[P_UNCHANGED];
    return 0;
}

/* ------------------------------------------------------------------ results */

void flat_result_init(flat_result *r) {
    memset(r, 0, sizeof(*r));
    buf_init(&r->value);
    buf_init(&r->hvalues);
    buf_init(&r->scratch);
}

void flat_result_free(flat_result *r) {
    buf_free(&r->value);
    buf_free(&r->hvalues);
    buf_free(&r->scratch);
}

/* The entries of one struct schema (flat_fields_of) or object
 * (flat_members_of) by name. */
typedef struct flat_fields {
    const char *start;          /* the schema's or object's first byte */
    json_value *name, *entry;   /* n of each, in the arena */
    size_t n, cap;
    json_value schema_name;     /* the schema's own "name"; JSON_NONE when it has none */
} flat_fields;

#define FLAT_KEEP_BYTES (1u << 20)   /* a result buffer's memory kept from one record to the next */
#define FLAT_CACHED_STRUCTS 8   /* schemas: envelope, source, transaction, image; objects: payload, source, transaction, image */

/* One record being answered. */
typedef struct flat_ctx {
    const flat_config *c;
    arena *a;
    flat_result *r;
    dbz_event ev;
    json_value schema;          /* the envelope's schema, JSON_NONE without one */
    flat_fields structs[FLAT_CACHED_STRUCTS];
    int nstructs;
} flat_ctx;

/* The SMT fails on this record (or there is no record): nothing but the reason. */
__attribute__((format(printf, 2, 3))) static void flat_fail(flat_ctx *x, const char *fmt, ...) {
    flat_result *r = x->r;
    va_list ap;
    r->value.len = r->hvalues.len = 0;
    r->nheaders = 0;
    r->topic = "", r->topic_len = 0;
    r->skip = r->is_tombstone = 0;
    va_start(ap, fmt);
    vsnprintf(r->error, sizeof(r->error), fmt, ap);
    va_end(ap);
}

static int flat_failed(const flat_ctx *x) {
    return x->r->error[0] != 0;
}

/* A header; its value is what the caller appends to hvalues next. */
static flat_header *flat_header_begin(flat_ctx *x, const char *name) {
    flat_result *r = x->r;
    flat_header *h = &r->headers[r->nheaders++];
    h->name = name;
    h->off = r->hvalues.len;
    return h;
}

static void flat_header_end(flat_ctx *x, flat_header *h, int is_null) {
    h->is_null = is_null;
    h->len = x->r->hvalues.len - h->off;
}

/* ------------------------------------------------------ the schema, as JSON */

/* The table of an object or struct schema starting at `start`: the one
 * this record built already, else a fresh one (*fresh set). */
static flat_fields *flat_table_slot(flat_ctx *x, const char *start, int *fresh) {
    for (int i = 0; i < x->nstructs; i++)
        if (x->structs[i].start == start) return *fresh = 0, &x->structs[i];
    flat_fields *f = &x->structs[x->nstructs < FLAT_CACHED_STRUCTS ? x->nstructs++ : FLAT_CACHED_STRUCTS - 1];
    memset(f, 0, sizeof(*f));
    f->start = start;
    *fresh = 1;
    return f;
}

static void flat_table_add(flat_ctx *x, flat_fields *f, const json_value *name, const json_value *entry) {
    if (f->n == f->cap) {
        size_t cap = f->cap ? 2 * f->cap : 16;
        json_value *names = arena_alloc(x->a, cap * sizeof(*names)), *entries = arena_alloc(x->a, cap * sizeof(*entries));
        if (f->n) memcpy(names, f->name, f->n * sizeof(*names)), memcpy(entries, f->entry, f->n * sizeof(*entries));
        f->name = names, f->entry = entries, f->cap = cap;
    }
    f->name[f->n] = *name;
    f->entry[f->n++] = *entry;
}

/* The first entry named `name` ([s, s+n)), or NULL. */
static const json_value *flat_table_find(const flat_fields *f, const char *name, size_t n) {
    for (size_t i = 0; i < f->n; i++)
        if (json_key_equals(&f->name[i], name, n)) return &f->entry[i];
    return NULL;
}

/* A struct schema's fields ({"type":"struct","fields":[{…,"field":"id"},…],
 * "name":…}), read once per record: an entry names itself last, after its
 * whole nested schema, so looking names up one by one would walk the
 * schema again each time. */
static const flat_fields *flat_fields_of(flat_ctx *x, const json_value *st) {
    json_value s = *st, k, v, el, fname;
    json_iter it, ai;
    json_error err;
    int fresh;
    flat_fields *f = flat_table_slot(x, st->start, &fresh);
    if (!fresh || s.type != JSON_OBJECT || json_iter_init(&it, &s, &err) < 0) return f;
    while (json_iter_member(&it, &k, &v) > 0) {
        if (json_key_equals(&k, "name", 4)) f->schema_name = v;
        if (!json_key_equals(&k, "fields", 6) || v.type != JSON_ARRAY || json_iter_init(&ai, &v, &err) < 0) continue;
        while (json_iter_element(&ai, &el) > 0) {
            json_value probe = el;
            if (el.type == JSON_OBJECT && json_find(&probe, "field", 5, &fname, &err) == JSON_FOUND)
                flat_table_add(x, f, &fname, &el);
        }
        json_iter_resume(&it, &v);
    }
    return f;
}

/* An object's members (walked: their ends known), read once per record. */
static const flat_fields *flat_members_of(flat_ctx *x, const json_value *obj) {
    json_value o = *obj, k, v;
    json_iter it;
    json_error err;
    int fresh;
    flat_fields *f = flat_table_slot(x, obj->start, &fresh);
    if (!fresh || o.type != JSON_OBJECT || json_iter_init(&it, &o, &err) < 0) return f;
    while (json_iter_member(&it, &k, &v) > 0) {
        if (json_finish(&v, &err) < 0) break;   /* validated already: never fails */
        json_iter_resume(&it, &v);
        flat_table_add(x, f, &k, &v);
    }
    return f;
}

/* The field entry `name` of struct schema `st`. */
static int flat_schema_field(flat_ctx *x, const json_value *st, const char *name, size_t n, json_value *out) {
    const json_value *e = flat_table_find(flat_fields_of(x, st), name, n);
    if (e) *out = *e;
    return e != NULL;
}

static int flat_schema_is(const json_value *field_schema, const char *member, const char *text) {
    json_value s = *field_schema, v;
    json_error err;
    if (s.type != JSON_OBJECT || json_find(&s, member, strlen(member), &v, &err) != JSON_FOUND) return 0;
    if (!text) return v.type == JSON_TRUE;
    return json_key_equals(&v, text, strlen(text));
}

/* SmtManager.isValidEnvelope: a change event, and with the schema envelope
 * a schema named "….Envelope".  A logical decoding message (op m) has its
 * own schema, io.debezium.connector.postgresql.MessageValue: this SMT alone
 * passes it on, whether or not dbz_decode turned it into the record
 * DecodeLogicalDecodingMessageContent would make. */
static int flat_is_envelope(flat_ctx *x) {
    if (x->ev.op == 'm' || x->ev.decoded_message) return 0;
    if (x->schema.type != JSON_OBJECT) return 1;
    json_value name = flat_fields_of(x, &x->schema)->schema_name;
    json_error err;
    const char *s;
    size_t n;
    if (name.type != JSON_STRING || json_string(&name, x->a, &s, &n, &err) < 0) return 0;
    return n >= 9 && memcmp(s + n - 9, ".Envelope", 9) == 0;
}

/* ------------------------------------------------------- field references */

/* A JSON null: the value of a field whose struct is null, or that an image lacks. */
static const char flat_null_text[] = "null";
static const json_value flat_null = {JSON_NULL, flat_null_text, flat_null_text + 4, flat_null_text + 4, 0, 0};

static int flat_member(flat_ctx *x, const json_value *obj, const char *name, json_value *out) {
    const json_value *e = obj->type == JSON_OBJECT ? flat_table_find(flat_members_of(x, obj), name, strlen(name)) : NULL;
    if (e) *out = *e;
    return e != NULL;
}

/* Does the event's schema have field `name` (in struct schema `st`, or, as
 * JSON, in object `obj`)?  Without the schema, a null struct's fields are
 * unknowable and taken to exist. */
static int flat_has(flat_ctx *x, const json_value *st, const json_value *obj, const char *name, json_value *fs) {
    json_value v;
    fs->type = JSON_NONE;
    if (x->schema.type == JSON_OBJECT) return flat_schema_field(x, st, name, strlen(name), fs);
    if (obj->type == JSON_NULL) return 1;
    return flat_member(x, obj, name, &v);
}

/* FieldReference.getSchema + getValue.  1: the field exists, *v is its
 * value (JSON null when its struct is null), *fs its schema entry when the
 * message has a schema; 0: the schema has no such field (nothing added);
 * -1: the SMT fails (the event has no such struct). */
static int flat_ref_value(flat_ctx *x, const flat_ref *ref, json_value *v, json_value *fs) {
    const json_value *payload = &x->ev.payload;
    json_value parent_schema = x->schema, sv;
    *v = flat_null;
    if (!ref->strct) {
        if (!flat_has(x, &x->schema, payload, ref->field, fs)) return 0;
        flat_member(x, payload, ref->field, v);
        return 1;
    }
    int in_envelope = x->schema.type == JSON_OBJECT ? flat_schema_field(x, &x->schema, ref->strct, strlen(ref->strct), &parent_schema)
                                                    : flat_member(x, payload, ref->strct, &sv);
    if (!in_envelope) return -1;
    if (!flat_member(x, payload, ref->strct, &sv)) sv = flat_null;
    if (x->schema.type == JSON_OBJECT && !flat_schema_is(&parent_schema, "type", "struct")) return -1;
    if (x->schema.type != JSON_OBJECT && sv.type != JSON_OBJECT && sv.type != JSON_NULL) return -1;
    if (flat_has(x, &parent_schema, &sv, ref->field, fs)) {
        if (sv.type == JSON_OBJECT) flat_member(x, &sv, ref->field, v);
        return 1;
    }
    /* Not in its struct: the SMT looks at the top level (a field another SMT added there). */
    if (!flat_has(x, &x->schema, payload, ref->field, fs)) return 0;
    if (sv.type == JSON_OBJECT) flat_member(x, payload, ref->field, v);
    return 1;
}

/* ----------------------------------------------------------------- headers */

/* makeHeaders: add.headers, for a change event or (op only) a tombstone. */
static void flat_add_headers(flat_ctx *x, int tombstone) {
    for (int i = 0; i < x->c->nheaders && !flat_failed(x); i++) {
        const flat_ref *ref = &x->c->headers[i];
        json_value v, fs;
        if (tombstone) {
            if (strcmp(ref->field, "op") != 0) continue;
            flat_header *h = flat_header_begin(x, ref->name);
            buf_putc(&x->r->hvalues, 'd');
            flat_header_end(x, h, 0);
            continue;
        }
        int rc = flat_ref_value(x, ref, &v, &fs);
        if (rc < 0) {
            flat_fail(x, "add.headers: the event has no struct '%s' for '%s' (the SMT fails on this record)", ref->strct,
                      ref->field);
            return;
        }
        if (rc == 0) continue;
        flat_header *h = flat_header_begin(x, ref->name);
        int is_null;
        char why[160];
        if (ht_text(&x->r->hvalues, &v, &fs, x->a, &is_null, why, sizeof(why)) < 0) {
            flat_fail(x, "add.headers: field '%s': %s", ref->field, why);
            return;
        }
        flat_header_end(x, h, is_null);
    }
}

/* ------------------------------------------ ExtractChangedRecordState's lists */

/* One of its list headers, as the header converter writes a List<String>. */
static void flat_names_header(flat_ctx *x, const char *name, const dbz_names *names) {
    flat_header *h = flat_header_begin(x, name);
    buf *hv = &x->r->hvalues;
    buf_putc(hv, '[');
    for (size_t i = 0; i < names->n; i++) {
        if (i) buf_putc(hv, ',');
        ht_string(hv, names->name[i].s, names->name[i].n);
    }
    buf_putc(hv, ']');
    flat_header_end(x, h, 0);
}

/* ExtractChangedRecordState, run before this SMT: its two headers, on every
 * envelope (lists empty unless the event has both images). */
static void flat_changed_headers(flat_ctx *x) {
    const flat_config *c = x->c;
    dbz_changes ch;
    if (!c->changed_header && !c->unchanged_header) return;
    if (dbz_changed_fields_smt(&x->ev, x->a, &ch) < 0) memset(&ch, 0, sizeof(ch));   /* walked already: cannot fail */
    if (c->changed_header) flat_names_header(x, c->changed_header, &ch.changed);
    if (c->unchanged_header) flat_names_header(x, c->unchanged_header, &ch.unchanged);
}

/* ------------------------------------------------------------ the value */

/* The names drop.fields.header.name lists: the first header of that name
 * (getHeaderByName), which must be one of ExtractChangedRecordState's lists.
 * Returns the list's bytes (Values syntax) or NULL when nothing is dropped;
 * fails the record when the header is another one (not a list). */
static const flat_header *flat_drop_list(flat_ctx *x) {
    const flat_config *c = x->c;
    if (!c->drop_header) return NULL;
    for (int i = 0; i < x->r->nheaders; i++) {
        const flat_header *h = &x->r->headers[i];
        if (strcmp(h->name, c->drop_header) != 0) continue;
        if (h->is_null) return NULL;
        int is_list = (c->changed_header && h->name == c->changed_header) ||
                      (c->unchanged_header && h->name == c->unchanged_header);
        if (!is_list) {
            flat_fail(x, "drop.fields.header.name: header '%s' is not a list of field names (the SMT fails on this record)",
                      h->name);
            return NULL;
        }
        return h->len > 2 ? h : NULL;   /* "[]": nothing to drop */
    }
    return NULL;
}

/* Is `name` in the list (its names are written as ht_string does)? */
static int flat_listed(flat_ctx *x, const flat_header *list, const char *name, size_t n) {
    buf *s = &x->r->scratch;
    s->len = 0;
    ht_string(s, name, n);
    const char *p = x->r->hvalues.p + list->off + 1, *e = x->r->hvalues.p + list->off + list->len - 1;
    while (p < e) {
        const char *q = p + 1;           /* p is at an opening quote */
        while (q < e && *q != '"') q += *q == '\\' ? 2 : 1;
        q++;
        if ((size_t)(q - p) == s->len && memcmp(p, s->p, s->len) == 0) return 1;
        p = q + 1;                       /* past the ',' */
    }
    return 0;
}

/* ReplaceField(exclude) as dropValueFields configures it. */
static int flat_dropped(flat_ctx *x, const flat_header *list, const json_value *image_schema, const char *name, size_t n) {
    if (!list || !flat_listed(x, list, name, n)) return 0;
    if (!x->c->keep_schema_compatible) return 1;
    json_value fs;
    return flat_schema_field(x, image_schema, name, n, &fs) && flat_schema_is(&fs, "optional", NULL);
}

/* route.by.field: the flattened struct's (or the delete's before image's) string field. */
static void flat_route(flat_ctx *x, const json_value *image, int deleted_field) {
    const char *field = x->c->route_by_field;
    json_value v;
    const char *s;
    size_t n;
    json_error err;
    if (!field) return;
    if (deleted_field && strcmp(field, "__deleted") == 0) {
        x->r->topic = "false", x->r->topic_len = 5;
        return;
    }
    if (!flat_member(x, image, field, &v)) {
        flat_fail(x, "route.by.field: the record has no field '%s' (the SMT fails on this record)", field);
        return;
    }
    if (v.type == JSON_NULL) return;
    if (v.type != JSON_STRING || json_string(&v, x->a, &s, &n, &err) < 0) {
        flat_fail(x, "route.by.field: field '%s' is not a string (the SMT fails on this record)", field);
        return;
    }
    flat_trim(&s, &n);
    if (n == 0) return;                     /* blank: setTopic keeps the topic */
    json_string(&v, x->a, &x->r->topic, &x->r->topic_len, &err);
}

static void flat_put_member(flat_ctx *x, int *first, const char *name, size_t n, const json_value *v) {
    buf *b = &x->r->value;
    if (!*first) buf_putc(b, ',');
    *first = 0;
    json_error err;
    jc_string(b, name, n);
    buf_putc(b, ':');
    jc_value(b, v, x->a, &err);   /* a walked message's strings decode */
}

/* The image's members, then __deleted (`deleted`: its JSON text, "\"true\""
 * or "\"false\"", or NULL), then add.fields (when `add`): the Struct the SMT
 * builds, as the converter writes it. */
static void flat_value(flat_ctx *x, const json_value *image, const json_value *image_schema, const char *deleted,
                       int add, const flat_header *drop) {
    json_value img = *image, k, v;
    json_iter it;
    json_error err;
    int first = 1;
    if (drop && !x->c->keep_schema_compatible) image_schema = NULL;
    if (drop && image_schema && image_schema->type != JSON_OBJECT) {
        flat_fail(x, "drop.fields.keep.schema.compatible: which fields are optional is known only from the schema "
                     "envelope, and the message has none");
        return;
    }
    if (deleted && flat_member(x, image, "__deleted", &v)) {
        flat_fail(x, "the record already has a field '__deleted' (the SMT fails on this record)");
        return;
    }
    buf_putc(&x->r->value, '{');
    json_iter_init(&it, &img, &err);
    while (json_iter_member(&it, &k, &v) > 0) {
        const char *kn;
        size_t kl;
        if (json_finish(&v, &err) < 0 || json_string(&k, x->a, &kn, &kl, &err) < 0) continue;
        json_iter_resume(&it, &v);
        if (flat_dropped(x, drop, image_schema, kn, kl)) continue;
        flat_put_member(x, &first, kn, kl, &v);
    }
    if (deleted) {
        json_value d = {JSON_STRING, deleted, deleted + strlen(deleted), deleted + strlen(deleted), 0, 0};
        flat_put_member(x, &first, "__deleted", 9, &d);
    }
    for (int i = 0; add && i < x->c->nfields; i++) {
        const flat_ref *ref = &x->c->fields[i];
        int rc = flat_ref_value(x, ref, &v, &k);
        if (rc < 0) {
            flat_fail(x, "add.fields: the event has no struct '%s' for '%s' (the SMT fails on this record)", ref->strct,
                      ref->field);
            return;
        }
        if (rc == 0) continue;
        int is_struct = x->schema.type == JSON_OBJECT ? flat_schema_is(&k, "type", "struct") : v.type == JSON_OBJECT;
        if (is_struct && v.type != JSON_NULL) {
            flat_fail(x, "add.fields: '%s' is a struct, which the SMT cannot add (it fails on this record)", ref->field);
            return;
        }
        json_value same;
        int dup = flat_member(x, image, ref->name, &same) || (deleted && strcmp(ref->name, "__deleted") == 0);
        for (int j = 0; j < i && !dup; j++) dup = strcmp(x->c->fields[j].name, ref->name) == 0;
        if (dup) {
            flat_fail(x, "add.fields: the record already has a field '%s' (the SMT fails on this record)", ref->name);
            return;
        }
        flat_put_member(x, &first, ref->name, strlen(ref->name), &v);
    }
    buf_putc(&x->r->value, '}');
}

/* ------------------------------------------------------------ the records */

/* The record as it came: the event (for a decoded logical decoding
 * message, the one in the message, not dbz_decode's rewrite of it). */
static void flat_pass_through(flat_ctx *x) {
    json_error err;
    json_value p = x->ev.payload;
    if (x->ev.decoded_message) {
        p = x->ev.root;
        if (x->schema.type == JSON_OBJECT && json_find(&x->ev.root, "payload", 7, &p, &err) != JSON_FOUND) return;
    }
    if (json_finish(&p, &err) == 0) jc_value(&x->r->value, &p, x->a, &err);
}

static void flat_tombstone(flat_ctx *x) {
    if (x->c->keep_tombstones) {
        flat_add_headers(x, 1);
        x->r->is_tombstone = 1;
    } else {
        x->r->skip = 1;
    }
}

/* The image's schema entry (with the schema envelope), else JSON_NONE. */
static json_value flat_image_schema(flat_ctx *x, const char *image) {
    json_value fs = {JSON_NONE, NULL, NULL, NULL, 0, 0};
    if (x->schema.type == JSON_OBJECT) flat_schema_field(x, &x->schema, image, strlen(image), &fs);
    return fs;
}

static void flat_upsert(flat_ctx *x) {
    const flat_config *c = x->c;
    json_value schema = flat_image_schema(x, "after");
    flat_route(x, &x->ev.after, c->rewrite);
    if (flat_failed(x)) return;
    const flat_header *drop = flat_drop_list(x);
    if (flat_failed(x)) return;
    flat_value(x, &x->ev.after, &schema, c->rewrite ? "\"false\"" : NULL, 1, drop);
}

static void flat_delete_record(flat_ctx *x) {
    const flat_config *c = x->c;
    if (c->on_delete == FLAT_DELETE_DROP) {
        x->r->skip = 1;
        return;
    }
    flat_route(x, &x->ev.before, 0);
    if (flat_failed(x)) return;
    if (c->on_delete == FLAT_DELETE_NULL) {
        /* The record keeps the image's schema with a null value: the
         * converter writes JSON null, not an empty (tombstone) value. */
        buf_put(&x->r->value, "null", 4);
        x->r->is_tombstone = 1;
        return;
    }
    /* A delete has no after image, so ExtractChangedRecordState's lists are empty: nothing is dropped. */
    json_value schema = flat_image_schema(x, "before");
    flat_value(x, &x->ev.before, &schema, "\"true\"", 1, NULL);
}

static void flat_change(flat_ctx *x) {
    flat_changed_headers(x);
    flat_add_headers(x, 0);
    if (flat_failed(x)) return;
    if (x->ev.after.type == JSON_OBJECT) flat_upsert(x);
    else if (x->ev.before.type != JSON_OBJECT) x->r->skip = 1;   /* a truncate: dropped */
    else flat_delete_record(x);
}

void flat_apply(const flat_config *c, const char *msg, size_t n, arena *a, flat_result *r) {
    flat_ctx x = {.c = c, .a = a, .r = r};
    /* emptied; what one huge record grew them to is given back */
    buf_clear(&r->value, FLAT_KEEP_BYTES);
    buf_clear(&r->hvalues, FLAT_KEEP_BYTES);
    buf_clear(&r->scratch, FLAT_KEEP_BYTES);
    r->nheaders = 0;
    r->topic = "", r->topic_len = 0;
    r->is_tombstone = r->skip = 0;
    r->error[0] = 0;
    switch (dbz_decode(msg, n, a, &x.ev)) {
    case DBZ_TOMBSTONE:
        flat_tombstone(&x);
        return;
    case DBZ_NOT_CHANGE:
        /* Not JSON: no record.  Any other message is not an envelope, and
         * the SMT passes it on as it is (heartbeats, transaction metadata). */
        if (x.ev.invalid) flat_fail(&x, "%s", x.ev.error);
        else flat_pass_through(&x);
        return;
    case DBZ_CHANGE:
        break;
    }
    x.schema = x.ev.schema;
    if (!flat_is_envelope(&x)) {
        flat_pass_through(&x);
        return;
    }
    /* An op that must carry an image and does not: not an event Debezium writes. */
    char why[sizeof(r->error)];
    if (dbz_missing_image(&x.ev, why, sizeof(why))) {
        flat_fail(&x, "%s", why);
        return;
    }
    flat_change(&x);
    if (r->skip) r->nheaders = 0, r->hvalues.len = 0;   /* a dropped record has no headers either */
}
