/* fn_debezium_typed.c — debezium_typed(message String, columns String)
 *   -> Tuple(op, row, extra, version, is_deleted, source_schema, source_table, source_ts_ms,
 *            change_columns, changes, change_alters, change_backfills, unavailable, error).
 *
 * The row image of one change event as text that JSONExtract(row,
 * 'Tuple(<columns>)') reads exactly into the replica's declared columns
 * (typemap.h), for the view debezium_ddl generates: one function for every
 * table, since the columns come in as an argument (constant per view,
 * parsed once and kept while its bytes stay the same).
 *
 * The message's own schema is compared with the declared columns, field by
 * field: a value the declared type holds goes into `row`; anything else —
 * a field the columns lack, a value out of the declared type's range, a
 * null array — goes into `extra` with its exact text, so nothing is lost,
 * and every difference of schema is one change with the ALTER clause that
 * fixes it (the view completes it with the table's name).  Schema changes
 * come as four parallel arrays (the result writers have no Array(Tuple));
 * the view zips them.  Unchanged TOASTed values (dbz_types.h) take the
 * before image's value when it has one (REPLICA IDENTITY FULL), else stay
 * out of `row` and are listed in `unavailable`. */
#include "dbz_types.h"
#include "debezium.h"
#include "jsonconv.h"
#include "typemap.h"
#include "udf.h"

#include <stdio.h>
#include <string.h>

static const char *const typed_fields[][2] = {
    {"op", "String"},           {"row", "String"},           {"extra", "String"},
    {"version", "UInt64"},      {"is_deleted", "UInt8"},     {"source_schema", "String"},
    {"source_table", "String"}, {"source_ts_ms", "Int64"},   {"change_columns", "Array(String)"},
    {"changes", "Array(String)"}, {"change_alters", "Array(String)"}, {"change_backfills", "Array(String)"},
    {"unavailable", "Array(String)"}, {"error", "String"},
};

/* The declared columns, kept between rows. */
typedef struct typed_columns {
    char *text;                 /* the argument's bytes (in mem) */
    size_t len;
    int valid;                  /* text holds a parsed argument */
    arena mem;
    tm_column *cols;
    size_t n;
    char error[240];            /* why the argument does not parse, or "" */
} typed_columns;

/* seen[] of a declared column: in the message's schema, written into row. */
enum { TYPED_IN_SCHEMA = 1, TYPED_IN_ROW = 2 };

/* One schema change: four parallel strings. */
typedef struct typed_change {
    const char *column, *change, *alter, *backfill;
} typed_change;

typedef struct typed_row_state {
    buf row, extra, tmp;
    typed_change *changes;
    size_t nchanges, changes_cap;
    dbz_text *unavailable;
    size_t nunavailable, unavailable_cap;
    char error[320];
} typed_row_state;

/* What the last message's schema says — its row columns and dbz_types'
 * decoding rules — kept while the next one's schema has the same bytes
 * (Debezium repeats it in every message of a table, and reading it is most
 * of a row's work). */
typedef struct typed_schema {
    char *text;                 /* the schema's bytes (in mem) */
    size_t len;
    int valid;
    arena mem;
    tm_column *cols;
    size_t n;
    const dbzt_table *before, *after;   /* dbz_types' decoding rules of both images */
    char error[240];            /* why the schema describes no row, or "" */
} typed_schema;

typedef struct typed_state {
    typed_columns decl;
    typed_schema schema;
    typed_row_state r;
} typed_state;

static int typed_configure(void *self, int argc, char **argv, udf_signature *sig, char *why, size_t cap) {
    typed_state *st = self;
    memset(st, 0, sizeof(*st));
    arena_init(&st->decl.mem);
    arena_init(&st->schema.mem);
    if (argc > 1) {   /* the view passes everything it needs in `columns` */
        snprintf(why, cap, "unknown option '%s'", argv[1]);
        return -1;
    }
    udf_sig_arg(sig, "message", "String");
    udf_sig_arg(sig, "columns", "String");
    sig->tuple = 1;
    for (size_t i = 0; i < sizeof(typed_fields) / sizeof(typed_fields[0]); i++)
        udf_sig_result(sig, typed_fields[i][0], typed_fields[i][1]);
    return 0;
}

/* The declared columns of this row's argument: parsed again only when its bytes changed. */
static const typed_columns *typed_declared(typed_state *st, const udf_value *arg) {
    typed_columns *d = &st->decl;
    if (d->valid && d->len == arg->n && (arg->n == 0 || !memcmp(d->text, arg->s, arg->n))) return d;
    arena_reset(&d->mem);
    d->text = arena_strdup(&d->mem, arg->n ? arg->s : "", arg->n);
    d->len = arg->n;
    d->valid = 1;
    d->error[0] = 0;
    if (tm_parse_columns(d->text, d->len, &d->mem, &d->cols, &d->n, d->error, sizeof(d->error)) < 0) d->n = 0;
    return d;
}

/* The row columns of a message's envelope schema (typemap.h), from the
 * cache when the bytes repeat; NULL with why when there are none. */
static const typed_schema *typed_message_columns(typed_state *st, const json_value *schema, char *why, size_t cap) {
    static const tm_options defaults = {0, 0};
    typed_schema *m = &st->schema;
    json_value v = *schema;
    json_error e = {0, 0};
    if (schema->type != JSON_OBJECT) {   /* no envelope: typemap says so */
        tm_column *cols;
        size_t n;
        tm_envelope_columns(schema, &defaults, NULL, &cols, &n, why, cap);
        return NULL;
    }
    if (json_finish(&v, &e) < 0) return snprintf(why, cap, "invalid JSON in schema: %s", e.msg), NULL;
    size_t len = json_raw_len(&v);
    if (!m->valid || m->len != len || memcmp(m->text, v.start, len)) {
        arena_reset(&m->mem);
        m->text = arena_strdup(&m->mem, v.start, len);
        m->len = len;
        m->valid = 1;
        m->error[0] = 0;
        if (json_open(m->text, len, &v, &e) < 0 ||
            tm_envelope_columns(&v, &defaults, &m->mem, &m->cols, &m->n, m->error, sizeof(m->error)) < 0 ||
            dbzt_tables(&v, &m->mem, &m->before, &m->after, m->error, sizeof(m->error)) < 0)
            m->n = 0;
    }
    if (m->error[0]) return snprintf(why, cap, "%s", m->error), NULL;
    return m;
}

/* ------------------------------------------------------------ output pieces */

static const char *typed_dup(arena *a, const buf *b) { return arena_strdup(a, b->len ? b->p : "", b->len); }

static void typed_change_add(typed_row_state *r, arena *a, const tm_column *c, const char *change, const char *alter,
                             const char *backfill) {
    if (r->nchanges == r->changes_cap) r->changes = arena_grow(a, r->changes, r->nchanges, &r->changes_cap, sizeof(*r->changes));
    typed_change *ch = &r->changes[r->nchanges++];
    ch->column = arena_strdup(a, c->name, c->name_len);
    ch->change = change, ch->alter = alter, ch->backfill = backfill;
}

/* "UPDATE `c` = JSONExtract(_extra, 'c', 'T') WHERE JSONHas(_extra, 'c')":
 * the rows that landed with the value in _extra get it in the column. */
static const char *typed_backfill(typed_row_state *r, arena *a, const tm_column *c, const tm_type *t) {
    buf *b = &r->tmp;
    b->len = 0;
    buf_put(b, "UPDATE ", 7);
    tm_put_ident(b, c->name, c->name_len);
    buf_put(b, " = ", 3);
    if (t->base64) buf_put(b, "base64Decode(", 13);
    buf_put(b, "JSONExtract(_extra, ", 20);
    tm_put_literal(b, c->name, c->name_len);
    buf_put(b, ", ", 2);
    tm_put_literal(b, t->text, t->text_len);
    buf_putc(b, ')');
    if (t->base64) buf_putc(b, ')');
    buf_put(b, " WHERE JSONHas(_extra, ", 23);
    tm_put_literal(b, c->name, c->name_len);
    buf_putc(b, ')');
    return typed_dup(a, b);
}

/* "<VERB> `c`[ <type>]" */
static const char *typed_alter(typed_row_state *r, arena *a, const char *verb, const tm_column *c, const tm_type *t) {
    buf *b = &r->tmp;
    b->len = 0;
    buf_put(b, verb, strlen(verb));
    tm_put_ident(b, c->name, c->name_len);
    if (t) {
        buf_putc(b, ' ');
        buf_put(b, t->text, t->text_len);
    }
    return typed_dup(a, b);
}

static const char *typed_text2(arena *a, const char *p1, const tm_type *t1, const char *p2, const tm_type *t2) {
    size_t n1 = strlen(p1), n2 = p2 ? strlen(p2) : 0, len = n1 + t1->text_len + n2 + (t2 ? t2->text_len : 0);
    char *s = arena_alloc(a, len + 1);
    memcpy(s, p1, n1);
    memcpy(s + n1, t1->text, t1->text_len);
    if (p2) memcpy(s + n1 + t1->text_len, p2, n2);
    if (t2) memcpy(s + n1 + t1->text_len + n2, t2->text, t2->text_len);
    s[len] = 0;
    return s;
}

/* "name": */
static void typed_member(buf *b, const tm_column *c) {
    buf_putc(b, b->len ? ',' : '{');
    jc_string(b, c->name, c->name_len);
    buf_putc(b, ':');
}

/* The value into extra, in its own type's row text where that holds it, else as decoded. */
static void typed_extra(typed_row_state *r, const tm_column *c, const tm_type *t, const json_value *v, arena *a) {
    typed_member(&r->extra, c);
    if (tm_value(&r->extra, t, v, a) != TM_FIT) buf_put(&r->extra, v->start, json_raw_len(v));
}

/* ------------------------------------------------------------ the row */

static const tm_column *typed_find(const tm_column *cols, size_t n, const char *name, size_t len, size_t hint) {
    if (hint < n && cols[hint].name_len == len && !memcmp(cols[hint].name, name, len)) return &cols[hint];
    for (size_t i = 0; i < n; i++)
        if (cols[i].name_len == len && !memcmp(cols[i].name, name, len)) return &cols[i];
    return NULL;
}

/* The message's type of a field, made with the options the declared column
 * shows were used (LowCardinality for Enum, JSON for Json). */
static const tm_type *typed_message_type(const tm_column *mc, const tm_column *dc, arena *a) {
    if (!dc || tm_same(&mc->type, &dc->type) || (dc->type.kind != TM_LOWCARD && dc->type.kind != TM_JSON))
        return &mc->type;
    tm_options o = {dc->type.kind == TM_JSON, dc->type.kind == TM_LOWCARD};
    tm_type *t = arena_alloc(a, sizeof(*t));
    char why[64];
    json_value field = mc->schema;
    if (tm_from_schema(&field, &o, 0, a, t, why, sizeof(why)) < 0) return &mc->type;
    return t;
}

/* The member `name` of a decoded image; JSON_NONE when absent. */
static json_value typed_lookup(const char *img, size_t n, const tm_column *c) {
    json_value root, v = {0};
    json_error e;
    if (n && json_open(img, n, &root, &e) == 0 && json_find(&root, c->name, c->name_len, &v, &e) == JSON_FOUND &&
        json_finish(&v, &e) == 0)
        return v;
    memset(&v, 0, sizeof(v));
    return v;
}

static void typed_field(typed_row_state *r, const typed_columns *d, const tm_column *mc, size_t idx, json_value *v,
                        const char *before, size_t before_n, int *seen, arena *a) {
    const tm_column *dc = typed_find(d->cols, d->n, mc->name, mc->name_len, idx);
    const tm_type *mt = typed_message_type(mc, dc, a);
    if (dbzt_is_unavailable(v)) {
        json_value old = typed_lookup(before, before_n, mc);
        if (old.type == JSON_NONE || dbzt_is_unavailable(&old)) {
            if (r->nunavailable == r->unavailable_cap)   /* an image may repeat a member */
                r->unavailable = arena_grow(a, r->unavailable, r->nunavailable, &r->unavailable_cap, sizeof(*r->unavailable));
            dbz_text *u = &r->unavailable[r->nunavailable++];
            u->s = mc->name, u->n = mc->name_len;
            if (dc) seen[dc - d->cols] |= TYPED_IN_SCHEMA;
            return;
        }
        *v = old;
    }
    if (!dc) {
        typed_change_add(r, a, mc, typed_text2(a, "added: ", mt, NULL, NULL),
                         typed_alter(r, a, "ADD COLUMN IF NOT EXISTS ", mc, mt), typed_backfill(r, a, mc, mt));
        typed_extra(r, mc, mt, v, a);
        return;
    }
    seen[dc - d->cols] |= TYPED_IN_SCHEMA;
    if (!tm_same(mt, &dc->type))
        typed_change_add(r, a, mc, typed_text2(a, "type ", &dc->type, " -> ", mt),
                         typed_alter(r, a, "MODIFY COLUMN ", mc, mt), typed_backfill(r, a, mc, mt));
    size_t mark = r->row.len;
    typed_member(&r->row, dc);
    if (tm_value(&r->row, &dc->type, v, a) == TM_FIT) {
        seen[dc - d->cols] |= TYPED_IN_ROW;
        return;
    }
    r->row.len = mark;
    typed_extra(r, mc, mt, v, a);
}

/* Declared columns the message's schema lacks: dropped at the source
 * (reported when `report`).  A non-Nullable Enum left out of the row gets
 * its first label, since JSONExtract throws on an Enum it cannot fill (the
 * value, if there is one, is in extra). */
static void typed_declared_rest(typed_row_state *r, const typed_columns *d, const int *seen, int report, arena *a) {
    for (size_t i = 0; i < d->n; i++) {
        const tm_column *dc = &d->cols[i];
        if (report && !(seen[i] & TYPED_IN_SCHEMA))
            typed_change_add(r, a, dc, "dropped", typed_alter(r, a, "DROP COLUMN IF EXISTS ", dc, NULL), "");
        if (dc->type.kind == TM_ENUM && !dc->type.nullable && dc->type.nlabels && !(seen[i] & TYPED_IN_ROW)) {
            typed_member(&r->row, dc);
            jc_string(&r->row, dc->type.labels[0], dc->type.label_len[0]);
        }
    }
}

static int *typed_seen(const typed_columns *d, arena *a) {
    int *seen = arena_alloc(a, (d->n + 1) * sizeof(*seen));
    memset(seen, 0, (d->n + 1) * sizeof(*seen));
    return seen;
}

/* The event's row (after; before for a delete) decoded and sorted out. */
static int typed_image(typed_state *st, dbz_event *ev, const typed_columns *d, arena *a) {
    typed_row_state *r = &st->r;
    const tm_column *mcols;
    size_t nm;
    const char *row, *before;
    size_t row_n, before_n;
    const typed_schema *ms = typed_message_columns(st, &ev->schema, r->error, sizeof(r->error));
    if (!ms) return -1;
    mcols = ms->cols, nm = ms->n;
    if (dbzt_decode(ms->before, &ev->before, a, &before, &before_n, r->error, sizeof(r->error)) < 0 ||
        dbzt_decode(ms->after, &ev->after, a, &row, &row_n, r->error, sizeof(r->error)) < 0)
        return -1;
    if (ev->op == 'd') row = before, row_n = before_n, before_n = 0;
    int *seen = typed_seen(d, a);
    json_value root, k, v;
    json_iter it;
    json_error e = {0, 0};
    int rc;
    if (json_open(row, row_n, &root, &e) < 0 || json_iter_init(&it, &root, &e) < 0) {
        snprintf(r->error, sizeof(r->error), "the row image is not a JSON object");
        return -1;
    }
    while ((rc = json_iter_member(&it, &k, &v)) > 0) {
        const char *name;
        size_t len;
        if (json_finish(&v, &e) < 0 || json_string(&k, a, &name, &len, &e) < 0) break;
        json_iter_resume(&it, &v);
        const tm_column *mc = typed_find(mcols, nm, name, len, (size_t)it.count - 1);
        if (!mc) {   /* a member the schema does not describe: kept as it is */
            tm_column loose = {name, len, {0}, {0}};
            typed_member(&r->extra, &loose);
            buf_put(&r->extra, v.start, json_raw_len(&v));
            continue;
        }
        typed_field(r, d, mc, (size_t)(mc - mcols), &v, before, before_n, seen, a);
    }
    if (rc < 0 || e.msg) {
        snprintf(r->error, sizeof(r->error), "invalid JSON in the row image: %s", e.msg ? e.msg : "?");
        return -1;
    }
    /* Declared columns the schema lacks are dropped ones; those it has but
     * the image lacks are not (the value is simply absent). */
    for (size_t i = 0; i < d->n; i++)
        if (typed_find(mcols, nm, d->cols[i].name, d->cols[i].name_len, i)) seen[i] |= TYPED_IN_SCHEMA;
    typed_declared_rest(r, d, seen, 1, a);
    return 0;
}

static void typed_strings(res_writer *out, const typed_change *ch, size_t n, size_t which) {
    res_array_begin(out);
    for (size_t i = 0; i < n; i++) {
        const char *s = which == 0 ? ch[i].column : which == 1 ? ch[i].change : which == 2 ? ch[i].alter : ch[i].backfill;
        res_array_string(out, s, strlen(s));
    }
    res_array_end(out);
}

static void typed_text(res_writer *out, const dbz_text *t) { res_string(out, t->s ? t->s : "", t->s ? t->n : 0); }

static void typed_emit(typed_state *st, const dbz_event *ev, res_writer *out, int ok) {
    typed_row_state *r = &st->r;
    if (r->row.len) buf_putc(&r->row, '}');
    if (r->extra.len) buf_putc(&r->extra, '}');
    res_string(out, &ev->op, ok && ev->op ? 1 : 0);
    res_string(out, r->row.len ? r->row.p : "", r->row.len);
    res_string(out, r->extra.len ? r->extra.p : "", r->extra.len);
    res_uint(out, ok ? ev->version : 0);
    res_uint(out, ok && (ev->kind == DBZ_TOMBSTONE || ev->op == 'd'));
    typed_text(out, ok ? &ev->source_schema : &(dbz_text){"", 0});
    typed_text(out, ok ? &ev->source_table : &(dbz_text){"", 0});
    res_int(out, ok ? ev->source_ts_ms : 0);
    for (size_t w = 0; w < 4; w++) typed_strings(out, r->changes, r->nchanges, w);
    res_array_begin(out);
    for (size_t i = 0; i < r->nunavailable; i++) res_array_string(out, r->unavailable[i].s, r->unavailable[i].n);
    res_array_end(out);
    res_string(out, r->error, strlen(r->error));
}

static void typed_row(void *self, const udf_value *args, res_writer *out, arena *a) {
    typed_state *st = self;
    typed_row_state *r = &st->r;
    dbz_event ev;
    r->row.len = r->extra.len = 0;
    r->nchanges = r->changes_cap = r->nunavailable = r->unavailable_cap = 0;
    r->changes = NULL;
    r->unavailable = NULL;
    r->error[0] = 0;
    const typed_columns *d = typed_declared(st, &args[1]);
    dbz_kind kind = dbz_decode(args[0].s, args[0].n, a, &ev);
    int ok = 1;
    if (d->error[0]) snprintf(r->error, sizeof(r->error), "%s", d->error), ok = 0;
    else if (kind == DBZ_NOT_CHANGE) snprintf(r->error, sizeof(r->error), "%s", ev.error), ok = 0;
    else if (kind == DBZ_CHANGE && ev.decoded_message)
        snprintf(r->error, sizeof(r->error), "a logical decoding message, not a row of a table"), ok = 0;
    else if (kind == DBZ_CHANGE && dbz_missing_image(&ev, r->error, sizeof(r->error))) ok = 0;
    else if (kind == DBZ_CHANGE && ev.op != 't' && typed_image(st, &ev, d, a) < 0) ok = 0;
    if (!ok) {   /* a dead letter: no row, no change, only the reason */
        r->row.len = r->extra.len = 0;
        r->nchanges = r->nunavailable = 0;
        typed_declared_rest(r, d, typed_seen(d, a), 0, a);
    } else if (kind == DBZ_TOMBSTONE || ev.op == 't') {
        typed_declared_rest(r, d, typed_seen(d, a), 0, a);
    }
    typed_emit(st, &ev, out, ok);
}

static typed_state typed_self;

const udf_function debezium_typed_udf = {
    .name = "debezium_typed",
    .summary = "a Debezium change event's row as text JSONExtract reads exactly into a replica's declared columns",
    .options_help = NULL,
    .configure = typed_configure,
    .row = typed_row,
    .self = &typed_self,
};
