/* debezium.c — one Debezium change event in one pass (see debezium.h). */
#include "debezium.h"
#include "dbz_types.h"
#include "jsonexpand.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#define KEY_IS(k, lit) json_key_equals((k), lit, sizeof(lit) - 1)

static void dbz_fail(dbz_event *ev, const char *fmt, const char *detail) {
    ev->kind = DBZ_NOT_CHANGE;
    snprintf(ev->error, sizeof(ev->error), fmt, detail);
}

static void dbz_json_fail(dbz_event *ev, const json_error *err, const char *base) {
    ev->kind = DBZ_NOT_CHANGE;
    ev->invalid = 1;
    long at = err->where ? (long)(err->where - base) : -1;
    if (at >= 0)
        snprintf(ev->error, sizeof(ev->error), "invalid JSON: %s at byte %ld", err->msg ? err->msg : "malformed", at);
    else
        snprintf(ev->error, sizeof(ev->error), "invalid JSON: %s", err->msg ? err->msg : "malformed");
}

/* Empty or whitespace only: a Kafka tombstone as the Kafka engine hands it over. */
static int dbz_is_blank(const char *s, size_t n) {
    for (size_t i = 0; i < n; i++)
        if (s[i] != ' ' && s[i] != '\t' && s[i] != '\n' && s[i] != '\r') return 0;
    return 1;
}

static void dbz_text_of(const json_value *v, arena *a, dbz_text *out) {
    json_error err;
    out->s = "";
    out->n = 0;
    if (v->type == JSON_STRING) {
        if (json_string(v, a, &out->s, &out->n, &err) < 0) out->n = 0;
    } else if (v->type == JSON_TRUE) {
        out->s = "true", out->n = 4;
    } else if (v->type == JSON_FALSE) {
        out->s = "false", out->n = 5;
    }
}

/* A malformed member keeps the event but is named in its error (the first one). */
static void dbz_note(dbz_event *ev, const char *fmt, const char *name) {
    if (!ev->error[0]) snprintf(ev->error, sizeof(ev->error), fmt, name);
}

/* Integer members: null gives 0; another type, a fraction or a value out of
 * the column's range gives 0 and a note. */
static uint64_t dbz_u64(dbz_event *ev, const json_value *v, const char *name) {
    uint64_t u = 0;
    if (v->type == JSON_NUMBER && json_number_u64(v, &u) == 0) return u;
    if (v->type != JSON_NULL) dbz_note(ev, "%s is not an integer in the UInt64 range (taken as 0)", name);
    return 0;
}

static int64_t dbz_i64(dbz_event *ev, const json_value *v, const char *name) {
    int64_t i = 0;
    if (v->type == JSON_NUMBER && json_number_i64(v, &i) == 0) return i;
    if (v->type != JSON_NULL) dbz_note(ev, "%s is not an integer in the Int64 range (taken as 0)", name);
    return 0;
}

/* "mysql-bin.000042" -> 42: the binlog sequence orders MySQL changes. */
static uint64_t dbz_binlog_seq(const dbz_text *file) {
    uint64_t seq = 0;
    const char *dot = file->n ? memchr(file->s, '.', file->n) : NULL;
    for (const char *p = dot ? dot + 1 : file->s + file->n; p < file->s + file->n && *p >= '0' && *p <= '9'; p++)
        seq = seq * 10 + (uint64_t)(*p - '0');
    return seq;
}

typedef struct dbz_source_extra { uint64_t pos; dbz_text file; } dbz_source_extra;

static int dbz_read_source(dbz_event *ev, json_value *src, arena *a, dbz_source_extra *x, json_error *err) {
    json_iter it;
    json_value k, v;
    int rc;
    if (src->type != JSON_OBJECT) {
        if (src->type != JSON_NULL) dbz_note(ev, "%s is not an object (ignored)", "\"source\"");
        return 0;
    }
    if (json_iter_init(&it, src, err) < 0) return -1;
    while ((rc = json_iter_member(&it, &k, &v)) > 0) {
        if (KEY_IS(&k, "db")) dbz_text_of(&v, a, &ev->source_db);
        else if (KEY_IS(&k, "schema")) dbz_text_of(&v, a, &ev->source_schema);
        else if (KEY_IS(&k, "table")) dbz_text_of(&v, a, &ev->source_table);
        else if (KEY_IS(&k, "snapshot")) dbz_text_of(&v, a, &ev->snapshot);
        else if (KEY_IS(&k, "lsn")) ev->source_lsn = dbz_u64(ev, &v, "source.lsn");
        else if (KEY_IS(&k, "txId")) ev->source_tx_id = dbz_u64(ev, &v, "source.txId");
        else if (KEY_IS(&k, "ts_ms")) ev->source_ts_ms = dbz_i64(ev, &v, "source.ts_ms");
        else if (KEY_IS(&k, "pos")) x->pos = dbz_u64(ev, &v, "source.pos");
        else if (KEY_IS(&k, "file")) dbz_text_of(&v, a, &x->file);
    }
    return rc;
}

/* PostgreSQL: the change's LSN.  MySQL: binlog sequence and position.
 * Others: the event time in microseconds — monotonic enough per row key. */
static uint64_t dbz_version(const dbz_event *ev, const dbz_source_extra *x) {
    if (ev->source_lsn) return ev->source_lsn;
    if (x->file.n) return dbz_binlog_seq(&x->file) << 40 | (x->pos & ((1ULL << 40) - 1));
    int64_t ms = ev->ts_ms ? ev->ts_ms : ev->source_ts_ms;
    return ms > 0 ? (uint64_t)ms * 1000 : 0;
}

typedef struct dbz_seen {
    int op, status, id, ts_ms, other;
    int before, after, source;
    int payload, schema;          /* top level only: the envelope's members */
    int message;
    const char *dup;              /* the first member seen twice, or NULL */
    dbz_text status_text;
    json_value op_value;          /* the first "op", for an error naming it */
} dbz_seen;

/* Duplicate members: the first is used (as ClickHouse's JSONExtract and
 * json_find do) and the repeat is named in the error.  1 = first time. */
static int dbz_once(dbz_seen *seen, int *flag, const char *name) {
    if (!*flag) return *flag = 1;
    if (!seen->dup) seen->dup = name;
    return 0;
}

/* What the members of one object said: the top level's, or the payload's. */
typedef struct dbz_level {
    dbz_event ev;
    dbz_seen seen;
    dbz_source_extra x;
} dbz_level;

/* Reads the members of a change object.  At the top level it also notes the
 * envelope members and reads "payload" in place, into `inner` — kept apart,
 * because only the envelope rule, once the whole top level is known, says
 * which of the two is the event — so a message is walked once whichever
 * shape it has. */
static int dbz_read_members(dbz_event *ev, json_value *obj, arena *a, dbz_seen *seen, dbz_source_extra *x,
                            dbz_level *inner, json_error *err) {
    int top = inner != NULL;
    json_iter it;
    json_value k, v;
    int rc;
    if (json_iter_init(&it, obj, err) < 0) return -1;
    while ((rc = json_iter_member(&it, &k, &v)) > 0) {
        if (KEY_IS(&k, "op")) {
            dbz_text op;
            if (!dbz_once(seen, &seen->op, "op")) continue;
            seen->op_value = v;
            dbz_text_of(&v, a, &op);
            ev->op = op.n == 1 ? op.s[0] : '?';
        } else if (KEY_IS(&k, "before") || KEY_IS(&k, "after")) {
            int before = KEY_IS(&k, "before");
            json_value *dst = before ? &ev->before : &ev->after;
            if (!dbz_once(seen, before ? &seen->before : &seen->after, before ? "before" : "after")) continue;
            *dst = v;
            if (json_finish(dst, err) < 0) return -1;
            json_iter_resume(&it, dst);
        } else if (KEY_IS(&k, "source")) {
            if (!dbz_once(seen, &seen->source, "source")) continue;
            ev->source = v;
            if (dbz_read_source(ev, &ev->source, a, x, err) < 0) return -1;
            json_iter_resume(&it, &ev->source);
        } else if (KEY_IS(&k, "ts_ms")) {
            if (!dbz_once(seen, &seen->ts_ms, "ts_ms")) continue;
            ev->ts_ms = dbz_i64(ev, &v, "ts_ms");
        } else if (KEY_IS(&k, "message")) {
            seen->other++;   /* not a member the envelope rule knows (debezium.h) */
            if (!dbz_once(seen, &seen->message, "message")) continue;
            ev->message = v;
            if (json_finish(&ev->message, err) < 0) return -1;
            json_iter_resume(&it, &ev->message);
        } else if (KEY_IS(&k, "status")) {
            seen->status = 1;
            dbz_text_of(&v, a, &seen->status_text);
        } else if (KEY_IS(&k, "id")) {
            seen->id = 1;
        } else if (top && KEY_IS(&k, "payload")) {
            if (!dbz_once(seen, &seen->payload, "payload")) continue;
            ev->payload = v;
            if (v.type == JSON_OBJECT) {
                if (dbz_read_members(&inner->ev, &ev->payload, a, &inner->seen, &inner->x, NULL, err) < 0) return -1;
                json_iter_resume(&it, &ev->payload);
            }
        } else if (top && KEY_IS(&k, "schema")) {
            if (!dbz_once(seen, &seen->schema, "schema")) continue;
            ev->schema = v;
            if (v.type == JSON_OBJECT && json_finish(&ev->schema, err) < 0) return -1;
            json_iter_resume(&it, &ev->schema);
        } else {
            seen->other++;
        }
    }
    return rc;
}

/* Explains a payload without "op": what kind of non-change message it is. */
static void dbz_classify(dbz_event *ev, const dbz_seen *seen, arena *a) {
    if (seen->status && seen->id) {
        char st[32];
        snprintf(st, sizeof(st), "%.*s", (int)(seen->status_text.n < 20 ? seen->status_text.n : 20), seen->status_text.s);
        dbz_fail(ev, "not a Debezium change event: transaction metadata (status %s)", st);
        return;
    }
    if (seen->ts_ms && !seen->other && !ev->source.type && !ev->before.type && !ev->after.type) {
        dbz_fail(ev, "not a Debezium change event: %s", "a heartbeat");
        return;
    }
    json_value name;
    json_error err;
    dbz_text sname = {"", 0};
    if (ev->schema.type == JSON_OBJECT && json_find(&ev->schema, "name", 4, &name, &err) == JSON_FOUND)
        dbz_text_of(&name, a, &sname);
    if (sname.n >= 4 && memcmp(sname.s + sname.n - 4, ".Key", 4) == 0)
        dbz_fail(ev, "not a Debezium change event: %s", "a record key");
    else
        dbz_fail(ev, "not a Debezium change event: %s", "no \"op\" field (a record key, or other JSON)");
}

static int dbz_op_known(char op) {
    return op && strchr("cudrtm", op) != NULL;
}

/* "unknown op value \"x\"": the op as the message spells it (a string's
 * text, another value's JSON), cut to a readable length. */
static void dbz_unknown_op(dbz_event *ev, const json_value *op, arena *a) {
    dbz_text t = {"", 0};
    int quoted = op->type == JSON_STRING;
    if (quoted) dbz_text_of(op, a, &t);
    else if (op->end) t.s = op->start, t.n = json_raw_len(op);
    else t.s = json_type_name(op->type), t.n = strlen(t.s);   /* an object or array */
    snprintf(ev->error, sizeof(ev->error), "not a Debezium change event: unknown op value %s%.*s%s%s (expected c, u, d, r, t or m)",
             quoted ? "\"" : "", (int)(t.n > 40 ? 40 : t.n), t.s, t.n > 40 ? "…" : "", quoted ? "\"" : "");
}

int dbz_missing_image(const dbz_event *ev, char *why, size_t cap) {
    int needs_after = ev->op == 'c' || ev->op == 'r' || ev->op == 'u';
    if (needs_after && ev->after.type != JSON_OBJECT)
        snprintf(why, cap, "op '%c' event without an \"after\" object", ev->op);
    else if (ev->op == 'd' && ev->before.type != JSON_OBJECT)
        snprintf(why, cap, "op 'd' event without a \"before\" object (REPLICA IDENTITY?)");
    else if (ev->op == 'm' && why != ev->error)
        snprintf(why, cap, "%s", ev->error[0] ? ev->error : "op 'm' event that is not a PostgreSQL logical decoding message");
    else
        return 0;
    return 1;
}

/* ------------------------------------------- logical decoding messages */

#define DBZ_MESSAGE_VALUE "io.debezium.connector.postgresql.MessageValue"

int dbz_option(const char *arg, dbz_options *o, char *why, size_t cap) {
    static const char name[] = "--fields.null.include";
    size_t n = sizeof(name) - 1;
    if (strncmp(arg, name, n) != 0 || (arg[n] != '=' && arg[n] != 0)) return 0;
    const char *v = arg[n] ? arg + n + 1 : "";
    if (!strcasecmp(v, "true")) o->fields_null_include = 1;
    else if (!strcasecmp(v, "false")) o->fields_null_include = 0;
    else return snprintf(why, cap, "%s: '%s' is not true or false", name, v), -1;
    return 1;
}

static int dbz_message_fail(dbz_event *ev, const char *fmt, ...) {
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(ev->error, sizeof(ev->error), fmt, ap);
    va_end(ap);
    return -1;
}

/* The schema of field `name` of a struct schema (its "fields" array). */
static int dbz_schema_field(json_value *st, const char *name, size_t n, json_value *out) {
    json_value fields, f, fname;
    json_iter it;
    json_error err;
    int rc;
    if (json_find(st, "fields", 6, &fields, &err) != JSON_FOUND || json_iter_init(&it, &fields, &err) < 0) return 0;
    while ((rc = json_iter_element(&it, &f)) > 0)
        if (json_find(&f, "field", 5, &fname, &err) == JSON_FOUND && json_key_equals(&fname, name, n)) return *out = f, 1;
    return 0;
}

/* With the schema envelope: 1 when the SMT takes the record (its value
 * schema is PostgreSQL's message value), 0 when it passes the record on
 * unchanged, -1 (the reason in ev->error) when the content is not bytes. */
static int dbz_message_schema(dbz_event *ev) {
    json_value name, message, content, type;
    json_error err;
    if (json_find(&ev->schema, "name", 4, &name, &err) != JSON_FOUND ||
        !json_key_equals(&name, DBZ_MESSAGE_VALUE, sizeof(DBZ_MESSAGE_VALUE) - 1))
        return 0;
    if (dbz_schema_field(&ev->schema, "message", 7, &message) && dbz_schema_field(&message, "content", 7, &content) &&
        json_find(&content, "type", 4, &type, &err) == JSON_FOUND && !json_key_equals(&type, "bytes", 5))
        return dbz_message_fail(ev, "the content of a logical decoding message is non-binary (type %.*s, not bytes: "
                             "binary.handling.mode must be bytes)", (int)(type.end && json_raw_len(&type) < 20 ? json_raw_len(&type) : 0),
                         type.start);
    return 1;
}

/* The decoded content's first bytes, for an error: controls as spaces, cut
 * at a character boundary. */
static int dbz_excerpt(const unsigned char *b, size_t n, char *out, size_t cap) {
    size_t k = n < cap - 1 ? n : cap - 1;
    while (k < n && k > 0 && (b[k] & 0xC0) == 0x80) k--;
    for (size_t i = 0; i < k; i++) out[i] = b[i] < 0x20 || b[i] == 0x7f ? ' ' : (char)b[i];
    out[k] = 0;
    return (int)k;
}

/* The SMT's record value: the event's members but "message" (and an
 * "after", which it replaces), op "c", then "after": the content. */
static int dbz_message_record(dbz_event *ev, const char *after, size_t after_n, arena *a) {
    json_value k, v, src = ev->payload;
    json_iter it;
    json_error err;
    size_t len = 0;
    char *p = arena_alloc(a, json_raw_len(&ev->payload) + after_n + 16);
    p[len++] = '{';
    if (json_iter_init(&it, &src, &err) == 0) {
        while (json_iter_member(&it, &k, &v) > 0) {
            if (KEY_IS(&k, "message") || KEY_IS(&k, "after")) continue;
            if (json_finish(&v, &err) < 0) break;   /* walked once already: cannot fail */
            json_iter_resume(&it, &v);
            if (len > 1) p[len++] = ',';
            memcpy(p + len, k.start, json_raw_len(&k)), len += json_raw_len(&k);
            p[len++] = ':';
            if (KEY_IS(&k, "op")) memcpy(p + len, "\"c\"", 3), len += 3;
            else memcpy(p + len, v.start, json_raw_len(&v)), len += json_raw_len(&v);
        }
    }
    if (len > 1) p[len++] = ',';
    memcpy(p + len, "\"after\":", 8), len += 8;
    memcpy(p + len, after, after_n), len += after_n;
    p[len++] = '}';
    if (json_open(p, len, &ev->payload, &err) < 0 || json_finish(&ev->payload, &err) < 0 ||
        json_find(&ev->payload, "after", 5, &ev->after, &err) != JSON_FOUND ||
        json_finish(&ev->after, &err) < 0)
        return dbz_message_fail(ev, "internal error: the decoded logical decoding message is not JSON");
    ev->op = 'c';
    ev->decoded_message = 1;
    return 0;
}

/* DecodeLogicalDecodingMessageContent (debezium.h): 0 decoded, or left as
 * the SMT leaves it; -1 where the SMT throws (the reason in ev->error). */
static int dbz_decode_message(dbz_event *ev, arena *a, const dbz_options *o) {
    json_value content;
    json_error err;
    const char *b64, *after;
    size_t b64_n, nb, after_n;
    char why[200], excerpt[48];
    int take = ev->schema.type == JSON_OBJECT ? dbz_message_schema(ev) : 1;
    if (take <= 0) return take;
    if (ev->message.type != JSON_OBJECT) return dbz_message_fail(ev, "op 'm' event without a \"message\" object");
    if (json_find(&ev->message, "content", 7, &content, &err) != JSON_FOUND || content.type == JSON_NULL)
        return dbz_message_fail(ev, "logical decoding message without content");
    if (content.type != JSON_STRING)
        return dbz_message_fail(ev, "logical decoding message content is a JSON %s, not base64 bytes",
                                json_type_name(content.type));
    if (json_string(&content, a, &b64, &b64_n, &err) < 0)
        return dbz_message_fail(ev, "logical decoding message content: %s", err.msg ? err.msg : "bad string");
    unsigned char *bytes = arena_alloc(a, b64_n / 4 * 3 + 3);
    if (dbzt_b64_decode(b64, b64_n, bytes, &nb) < 0)
        return dbz_message_fail(ev, "logical decoding message content is not base64");
    if (nb == 0 || (bytes[0] != '{' && bytes[0] != '[')) {
        int k = dbz_excerpt(bytes, nb, excerpt, sizeof(excerpt));
        return dbz_message_fail(ev, "Unable to parse logical decoding message content JSON string '%s%s'", excerpt,
                                (size_t)k < nb ? "…" : "");
    }
    /* The SMT throws where the EventRouter would keep the string or write a
     * broken record: every outcome but an expanded struct is this error. */
    jx_ctx jx;
    buf expanded = {0};
    jx_init(&jx);
    why[0] = 0;
    jx_result x = jx_expand(&jx, (const char *)bytes, nb, o && o->fields_null_include, a, &expanded, why, sizeof(why));
    jx_free(&jx);
    if (x != JX_EXPANDED) {
        buf_free(&expanded);
        return dbz_message_fail(ev, "logical decoding message content: %s", why);
    }
    char *copy = arena_alloc(a, expanded.len + 1);
    memcpy(copy, expanded.p, expanded.len);
    after = copy, after_n = expanded.len;
    buf_free(&expanded);
    return dbz_message_record(ev, after, after_n, a);
}

/* ------------------------------------------- ExtractChangedRecordState */

static void dbz_names_add(dbz_names *l, arena *a, const char *s, size_t n) {
    if (l->n == l->cap) {
        size_t cap = l->cap ? 2 * l->cap : 16;
        dbz_text *name = arena_alloc(a, cap * sizeof(*name));
        if (l->n) memcpy(name, l->name, l->n * sizeof(*name));
        l->name = name;
        l->cap = cap;
    }
    l->name[l->n].s = s;
    l->name[l->n++].n = n;
}

static int dbz_ws(char ch) {
    return ch == ' ' || ch == '\t' || ch == '\n' || ch == '\r';
}

/* The same JSON value, whitespace outside strings aside; absent is null. */
static int dbz_same_value(const json_value *x, const json_value *y) {
    int xnull = x->type == JSON_NONE || x->type == JSON_NULL, ynull = y->type == JSON_NONE || y->type == JSON_NULL;
    if (xnull || ynull) return xnull && ynull;
    if (x->type != y->type) return 0;
    const char *p = x->start, *pe = x->end, *q = y->start, *qe = y->end;
    if (pe - p == qe - q && memcmp(p, q, (size_t)(pe - p)) == 0) return 1;
    int in_string = 0;
    for (;;) {
        while (!in_string && p < pe && dbz_ws(*p)) p++;
        while (!in_string && q < qe && dbz_ws(*q)) q++;
        if (p == pe || q == qe) return p == pe && q == qe;
        if (*p != *q) return 0;
        if (*p == '"') in_string = !in_string;
        else if (*p == '\\' && in_string) {   /* the escaped byte is compared with it */
            if (++p == pe || ++q == qe || *p != *q) return 0;
        }
        p++, q++;
    }
}

/* placeholder_apart: TOAST placeholders in `unavailable` (debezium_unwrap);
 * else compared like any value, as the SMT compares them. */
static int dbz_changes_of(const dbz_event *ev, arena *a, dbz_changes *c, int placeholder_apart) {
    memset(c, 0, sizeof(*c));
    if (ev->before.type != JSON_OBJECT || ev->after.type != JSON_OBJECT) return 0;
    json_value after = ev->after, before = ev->before, k, v, bk, bv;
    json_iter it, bit;
    json_error err;
    int rc, brc = 1;
    if (json_iter_init(&it, &after, &err) < 0 || json_iter_init(&bit, &before, &err) < 0) return -1;
    while ((rc = json_iter_member(&it, &k, &v)) > 0) {
        const char *name;
        size_t name_n;
        if (json_finish(&v, &err) < 0 || json_string(&k, a, &name, &name_n, &err) < 0) return -1;
        json_iter_resume(&it, &v);
        /* before's column of that name: the next one when both images list
         * the columns in one order (Debezium's converter does), else found */
        json_value b = {0};
        if (brc > 0 && (brc = json_iter_member(&bit, &bk, &bv)) > 0 && json_key_equals(&bk, name, name_n)) {
            if (json_finish(&bv, &err) < 0) return -1;
            json_iter_resume(&bit, &bv);
            b = bv;
        } else {
            int found = json_find(&before, name, name_n, &b, &err);
            if (found == JSON_ERR || (found == JSON_FOUND && json_finish(&b, &err) < 0)) return -1;
            if (found != JSON_FOUND) b.type = JSON_NONE;
        }
        dbz_names *to = placeholder_apart && (dbzt_is_unavailable(&v) || dbzt_is_unavailable(&b)) ? &c->unavailable
                        : dbz_same_value(&v, &b)                          ? &c->unchanged
                                                                          : &c->changed;
        dbz_names_add(to, a, name, name_n);
    }
    return rc < 0 ? -1 : 0;
}

int dbz_changed_fields(const dbz_event *ev, arena *a, dbz_changes *c) {
    return dbz_changes_of(ev, a, c, 1);
}

int dbz_changed_fields_smt(const dbz_event *ev, arena *a, dbz_changes *c) {
    return dbz_changes_of(ev, a, c, 0);
}

int dbz_is_delete(const dbz_event *ev) {
    return ev->op == 'd' || ev->op == 't';
}

dbz_kind dbz_decode(const char *msg, size_t n, arena *a, dbz_event *ev) {
    return dbz_decode_with(msg, n, a, ev, NULL);
}

dbz_kind dbz_decode_with(const char *msg, size_t n, arena *a, dbz_event *ev, const dbz_options *o) {
    json_error err = {0, 0};
    dbz_seen seen;
    dbz_source_extra x;
    memset(ev, 0, sizeof(*ev));
    memset(&seen, 0, sizeof(seen));
    memset(&x, 0, sizeof(x));
    ev->kind = DBZ_CHANGE;
    if (dbz_is_blank(msg, n)) return ev->kind = DBZ_TOMBSTONE;
    if (json_open(msg, n, &ev->root, &err) < 0) return dbz_json_fail(ev, &err, msg), ev->kind;
    if (ev->root.type == JSON_NULL)  /* "null" and nothing else: "null x" is broken, not a delete */
        return json_close(&ev->root, &err) < 0 ? (dbz_json_fail(ev, &err, msg), ev->kind) : (ev->kind = DBZ_TOMBSTONE);
    ev->payload = ev->root;
    if (ev->root.type != JSON_OBJECT) {
        dbz_fail(ev, "not a Debezium change event: the message is a JSON %s, not an object", json_type_name(ev->root.type));
        return json_close(&ev->root, &err) < 0 ? (dbz_json_fail(ev, &err, msg), ev->kind) : ev->kind;
    }
    dbz_level inner;
    memset(&inner, 0, sizeof(inner));
    if (dbz_read_members(ev, &ev->root, a, &seen, &x, &inner, &err) < 0 || json_close(&ev->root, &err) < 0)
        return dbz_json_fail(ev, &err, msg), ev->kind;
    /* The envelope rule (debezium.h). */
    int env = seen.payload && !seen.op && !seen.other && !seen.ts_ms &&
              (ev->payload.type == JSON_OBJECT || ev->payload.type == JSON_NULL);
    if (env && ev->payload.type == JSON_NULL) {
        ev->error[0] = 0;
        return ev->kind = DBZ_TOMBSTONE;
    }
    const char *dup = env && inner.seen.dup ? inner.seen.dup : seen.dup;
    if (env) {
        inner.ev.root = ev->root;
        inner.ev.schema = ev->schema;
        inner.ev.payload = ev->payload;
        *ev = inner.ev;
        seen = inner.seen;
        x = inner.x;
    } else {
        ev->payload = ev->root;
        ev->schema.type = JSON_NONE;
    }
    if (!seen.op) {
        dbz_classify(ev, &seen, a);
        return ev->kind;
    }
    if (!dbz_op_known(ev->op)) {
        ev->kind = DBZ_NOT_CHANGE;
        dbz_unknown_op(ev, &seen.op_value, a);
        return ev->kind;
    }
    ev->version = dbz_version(ev, &x);
    if (ev->op == 'm') (void)dbz_decode_message(ev, a, o);
    else dbz_missing_image(ev, ev->error, sizeof(ev->error));
    if (dup && !ev->error[0]) snprintf(ev->error, sizeof(ev->error), "duplicate member \"%s\" in the change event (the first is used)", dup);
    return ev->kind;
}

const json_value *dbz_row_image(const dbz_event *ev) {
    return ev->op == 'd' ? &ev->before : &ev->after;
}
