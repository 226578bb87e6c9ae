/* debezium.c — one Debezium change event in one pass (see debezium.h). */
#include "debezium.h"

#include <stdio.h>
#include <string.h>

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
    else
        return 0;
    return 1;
}

int dbz_is_delete(const dbz_event *ev) {
    return ev->op == 'd' || ev->op == 't';
}

dbz_kind dbz_decode(const char *msg, size_t n, arena *a, dbz_event *ev) {
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
    dbz_missing_image(ev, ev->error, sizeof(ev->error));
    if (dup && !ev->error[0]) snprintf(ev->error, sizeof(ev->error), "duplicate member \"%s\" in the change event (the first is used)", dup);
    return ev->kind;
}

const json_value *dbz_row_image(const dbz_event *ev) {
    return ev->op == 'd' ? &ev->before : &ev->after;
}
