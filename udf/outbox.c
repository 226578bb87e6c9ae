/* outbox.c — the outbox EventRouter's rules (outbox.h).
 *
 * outbox_route follows EventRouterDelegate.apply step by step, so that
 * every record it drops, every record it fails and every byte it emits is
 * the SMT's; the messages of the failures are the exceptions' own where
 * they say what went wrong. */
#include "outbox.h"

#include "debezium.h"
#include "hdrtext.h"
#include "json.h"
#include "jsonconv.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

/* ---- configuration --------------------------------------------------------- */

void outbox_config_defaults(outbox_config *c) {
    memset(c, 0, sizeof(*c));
    c->field_id = "id";
    c->field_key = "aggregateid";
    c->field_type = "type";
    c->field_payload = "payload";
    c->route_by_field = "aggregatetype";
    c->topic_regex = "(?<routedByValue>.*)";
    c->topic_replacement = "outbox.event.${routedByValue}";
    c->error_on_missing = 1;
    c->invalid_op = OB_WARN;
}

/* Java's String.trim: characters up to U+0020 off both ends. */
static void ob_trim(const char **s, size_t *n) {
    while (*n && (unsigned char)(*s)[0] <= ' ') (*s)++, (*n)--;
    while (*n && (unsigned char)(*s)[*n - 1] <= ' ') (*n)--;
}

static int ob_is(const char *s, size_t n, const char *lit) { return strlen(lit) == n && !memcmp(s, lit, n); }

static int ob_equals_ci(const char *s, size_t n, const char *lit) {
    return strlen(lit) == n && strncasecmp(s, lit, n) == 0;
}

static int ob_bool(const char *name, const char *v, int *out, char *why, size_t cap) {
    size_t n = strlen(v);
    ob_trim(&v, &n);
    if (ob_equals_ci(v, n, "true")) *out = 1;
    else if (ob_equals_ci(v, n, "false")) *out = 0;
    else {
        snprintf(why, cap, "--%s=%s: expected true or false", name, v);
        return -1;
    }
    return 0;
}

/* table.fields.additional.placement: "column:placement[:alias]", comma separated
 * (split as Java's String.split does: empty trailing parts dropped). */
static int ob_placements(outbox_config *c, const char *value, char *why, size_t cap) {
    free(c->placement_copy);
    c->placement_copy = strdup(value);
    if (!c->placement_copy) {
        snprintf(why, cap, "out of memory");
        return -1;
    }
    c->nextras = 0;
    char *p = c->placement_copy;
    size_t len = strlen(p);
    while (len && p[len - 1] == ',') p[--len] = 0;
    if (!len) return 0;
    for (char *item = p; item; ) {
        char *next = strchr(item, ',');
        if (next) *next++ = 0;
        char *parts[4];
        int np = 0;
        size_t il = strlen(item);
        while (il && item[il - 1] == ':') item[--il] = 0;
        for (char *q = item; q && np < 4; ) {
            char *colon = strchr(q, ':');
            if (colon) *colon++ = 0;
            parts[np++] = q;
            q = colon;
        }
        if (np != 2 && np != 3) {
            snprintf(why, cap, "--table.fields.additional.placement=%s: a comma-separated list of "
                               "column:placement[:alias] is expected", value);
            return -1;
        }
        if (c->nextras == OB_MAX_EXTRAS) {
            snprintf(why, cap, "--table.fields.additional.placement: more than %d columns", OB_MAX_EXTRAS);
            return -1;
        }
        for (int i = 0; i < np; i++) {
            size_t n = strlen(parts[i]);
            const char *t = parts[i];
            ob_trim(&t, &n);
            memmove(parts[i], t, n);
            parts[i][n] = 0;
        }
        ob_extra *e = &c->extras[c->nextras++];
        e->field = parts[0];
        e->alias = np == 3 ? parts[2] : parts[0];
        size_t pn = strlen(parts[1]);
        if (ob_equals_ci(parts[1], pn, "header")) e->place = OB_HEADER;
        else if (ob_equals_ci(parts[1], pn, "envelope")) e->place = OB_ENVELOPE;
        else if (ob_equals_ci(parts[1], pn, "partition")) e->place = OB_PARTITION;
        else {
            snprintf(why, cap, "--table.fields.additional.placement: unknown placement '%s' (header, envelope or partition)",
                     parts[1]);
            return -1;
        }
        item = next;
    }
    return 0;
}

int outbox_config_set(outbox_config *c, const char *name, const char *value, char *why, size_t cap) {
    static const struct { const char *name; size_t off; } strings[] = {
        {"table.field.event.id", offsetof(outbox_config, field_id)},
        {"table.field.event.key", offsetof(outbox_config, field_key)},
        {"table.field.event.type", offsetof(outbox_config, field_type)},
        {"table.field.event.payload", offsetof(outbox_config, field_payload)},
        {"table.field.event.timestamp", offsetof(outbox_config, field_timestamp)},
        {"table.field.event.schema.version", offsetof(outbox_config, field_schema_version)},
        {"route.by.field", offsetof(outbox_config, route_by_field)},
        {"route.topic.regex", offsetof(outbox_config, topic_regex)},
        {"route.topic.replacement", offsetof(outbox_config, topic_replacement)},
    };
    for (size_t i = 0; i < sizeof(strings) / sizeof(strings[0]); i++) {
        if (strcmp(name, strings[i].name)) continue;
        *(const char **)((char *)c + strings[i].off) = value;
        return 0;
    }
    if (!strcmp(name, "table.expand.json.payload")) return ob_bool(name, value, &c->expand_json, why, cap);
    if (!strcmp(name, "route.tombstone.on.empty.payload")) return ob_bool(name, value, &c->tombstone_on_empty, why, cap);
    if (!strcmp(name, "table.fields.additional.error.on.missing")) return ob_bool(name, value, &c->error_on_missing, why, cap);
    if (!strcmp(name, "table.fields.additional.placement")) return ob_placements(c, value, why, cap);
    size_t n = strlen(value);
    const char *v = value;
    ob_trim(&v, &n);
    if (!strcmp(name, "table.op.invalid.behavior")) {
        if (ob_equals_ci(v, n, "warn")) c->invalid_op = OB_WARN;
        else if (ob_equals_ci(v, n, "error")) c->invalid_op = OB_ERROR;
        else if (ob_equals_ci(v, n, "fatal")) c->invalid_op = OB_FATAL;
        else {
            snprintf(why, cap, "--%s=%s: expected warn, error or fatal", name, value);
            return -1;
        }
        return 0;
    }
    if (!strcmp(name, "table.json.payload.null.behavior")) {
        if (ob_equals_ci(v, n, "ignore")) c->nulls_as_bytes = 0;
        else if (ob_equals_ci(v, n, "optional_bytes")) c->nulls_as_bytes = 1;
        else {
            snprintf(why, cap, "--%s=%s: expected ignore or optional_bytes", name, value);
            return -1;
        }
        return 0;
    }
    snprintf(why, cap, "unknown option '--%s'", name);
    return -1;
}

int outbox_config_finish(outbox_config *c, char *why, size_t cap) {
    char re_why[200];
    c->only_headers = 1;
    for (int i = 0; i < c->nextras; i++) {
        if (c->extras[i].place != OB_ENVELOPE) continue;
        c->only_headers = 0;
        /* The value's struct cannot hold a field twice (SchemaBuilder refuses it on every record). */
        if (!strcmp(c->extras[i].alias, "payload")) {
            snprintf(why, cap, "--table.fields.additional.placement: envelope field name 'payload' is taken by the payload");
            return -1;
        }
        for (int j = 0; j < i; j++)
            if (c->extras[j].place == OB_ENVELOPE && !strcmp(c->extras[j].alias, c->extras[i].alias)) {
                snprintf(why, cap, "--table.fields.additional.placement: envelope field name '%s' given twice",
                         c->extras[i].alias);
                return -1;
            }
    }
    jre_free(c->regex);
    c->regex = jre_compile(c->topic_regex, c->topic_replacement, re_why, sizeof(re_why));
    if (!c->regex) {
        snprintf(why, cap, "--route.topic.regex=%s: %s", c->topic_regex, re_why);
        return -1;
    }
    return 0;
}

void outbox_config_free(outbox_config *c) {
    jre_free(c->regex);
    free(c->placement_copy);
    c->regex = NULL;
    c->placement_copy = NULL;
}

/* ---- one row ----------------------------------------------------------------- */

void outbox_row_init(outbox_row *r) {
    memset(r, 0, sizeof(*r));
    buf_init(&r->topic), buf_init(&r->key), buf_init(&r->value), buf_init(&r->event_id);
    buf_init(&r->event_type), buf_init(&r->hvals), buf_init(&r->payload);
    jx_init(&r->jx);
}

void outbox_row_free(outbox_row *r) {
    buf_free(&r->topic), buf_free(&r->key), buf_free(&r->value), buf_free(&r->event_id);
    buf_free(&r->event_type), buf_free(&r->hvals), buf_free(&r->payload);
    jx_free(&r->jx);
}

static void ob_reset(outbox_row *r) {
    r->topic.len = r->key.len = r->value.len = r->event_id.len = 0;
    r->event_type.len = r->hvals.len = r->payload.len = 0;
    r->timestamp = 0;
    r->nheaders = 0;
    r->has_partition = 0;
    r->partition = 0;
    r->is_tombstone = r->skip = 0;
    r->error[0] = 0;
}

/* An error row: every field at its default, the reason kept. */
__attribute__((format(printf, 2, 3))) static void ob_fail(outbox_row *r, const char *fmt, ...) {
    char why[sizeof(r->error)];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(why, sizeof(why), fmt, ap);
    va_end(ap);
    int skip = r->skip;
    ob_reset(r);
    r->skip = skip;
    memcpy(r->error, why, sizeof(why));
}

/* The outbox row's columns: the "after" object, and with the envelope the
 * schema of its struct (the schema decides which columns exist). */
typedef struct ob_cols {
    json_value after;
    json_value fields;    /* JSON_NONE without the envelope */
} ob_cols;

typedef struct ob_col {
    json_value v;         /* JSON_NULL when the row lacks the member */
    json_value schema;    /* JSON_NONE without the envelope */
} ob_col;

static int ob_key_is(const json_value *k, const char *name) { return json_key_equals(k, name, strlen(name)); }

/* The schema of field `name` in a struct schema's "fields" array. */
static int ob_schema_field(const json_value *fields, const char *name, json_value *out) {
    json_value arr = *fields, f, k, v;
    json_iter it, fit;
    json_error err;
    if (arr.type != JSON_ARRAY || json_iter_init(&it, &arr, &err) < 0) return 0;
    while (json_iter_element(&it, &f) > 0) {
        if (f.type != JSON_OBJECT || json_iter_init(&fit, &f, &err) < 0) continue;
        int rc, hit = 0;
        while ((rc = json_iter_member(&fit, &k, &v)) > 0)
            if (ob_key_is(&k, "field") && v.type == JSON_STRING && json_key_equals(&v, name, strlen(name))) hit = 1;
        if (rc < 0) return 0;
        json_iter_resume(&it, &f);
        if (hit) {
            *out = f;
            return 1;
        }
    }
    return 0;
}

/* Struct.get's lookup: 1 with the column, 0 when the row has no such
 * column.  A column of the schema that the row's JSON lacks is null. */
static int ob_col_find(const ob_cols *cols, const char *name, ob_col *out) {
    static const char null_text[] = "null";
    json_value after = cols->after;
    json_error err;
    out->schema.type = JSON_NONE;
    if (cols->fields.type != JSON_NONE && !ob_schema_field(&cols->fields, name, &out->schema)) return 0;
    if (json_find(&after, name, strlen(name), &out->v, &err) != JSON_FOUND) {
        if (cols->fields.type == JSON_NONE) return 0;
        out->v = (json_value){.type = JSON_NULL, .start = null_text, .end = null_text + 4, .limit = null_text + 4};
    }
    if (json_finish(&out->v, &err) < 0) return 0;
    return 1;
}

/* Whether the column's Connect type is `type` ("string", "int32", …); 0 without the envelope. */
static int ob_col_type_is(const ob_col *col, const char *type) {
    json_value s = col->schema, t;
    json_error err;
    if (s.type != JSON_OBJECT || json_find(&s, "type", 4, &t, &err) != JSON_FOUND) return 0;
    return t.type == JSON_STRING && json_key_equals(&t, type, strlen(type));
}

/* The column's logical type name ("" when none). */
static void ob_col_name(const ob_col *col, arena *a, const char **name, size_t *n) {
    json_value s = col->schema, t;
    json_error err;
    *name = "", *n = 0;
    if (s.type == JSON_OBJECT && json_find(&s, "name", 4, &t, &err) == JSON_FOUND && t.type == JSON_STRING)
        json_string(&t, a, name, n, &err);
}

/* Struct.getString: a string column (null allowed).  0, or -1 with r->error. */
static int ob_get_string(outbox_row *r, const ob_cols *cols, const char *field, ob_col *col) {
    if (!ob_col_find(cols, field, col)) {
        ob_fail(r, "%s is not a valid field name", field);
        return -1;
    }
    int ok = col->schema.type != JSON_NONE ? ob_col_type_is(col, "string")
                                           : col->v.type == JSON_STRING || col->v.type == JSON_NULL;
    if (!ok) {
        ob_fail(r, "Field '%s' is not of type STRING", field);
        return -1;
    }
    return 0;
}

/* Struct.getInt32: an INT32 column, or null (*is_null). */
static int ob_get_int32(outbox_row *r, const ob_cols *cols, const char *field, int32_t *v, int *is_null) {
    ob_col col;
    int64_t x = 0;
    if (!ob_col_find(cols, field, &col)) {
        ob_fail(r, "%s is not a valid field name", field);
        return -1;
    }
    *is_null = col.v.type == JSON_NULL;
    int ok = col.schema.type != JSON_NONE ? ob_col_type_is(&col, "int32") : 1;
    if (ok && !*is_null)
        ok = col.v.type == JSON_NUMBER && json_number_i64(&col.v, &x) == 0 && x >= INT32_MIN && x <= INT32_MAX;
    if (!ok) {
        ob_fail(r, "Field '%s' is not of type INT32", field);
        return -1;
    }
    *v = (int32_t)x;
    return 0;
}

/* getEventTimestampMs: the record's timestamp in ms. */
static int ob_timestamp(outbox_row *r, const outbox_config *c, const ob_cols *cols, const dbz_event *ev, arena *a) {
    json_value payload = ev->payload, ts;
    json_error err;
    int has_ts_ms = json_find(&payload, "ts_ms", 5, &ts, &err) == JSON_FOUND && ts.type == JSON_NUMBER;
    r->timestamp = has_ts_ms ? ev->ts_ms : 0;
    if (!c->field_timestamp) return 0;
    ob_col col;
    int64_t v;
    if (!ob_col_find(cols, c->field_timestamp, &col)) {
        ob_fail(r, "Unable to find timestamp field %s in event", c->field_timestamp);
        return -1;
    }
    if ((col.schema.type != JSON_NONE && !ob_col_type_is(&col, "int64")) ||
        (col.v.type != JSON_NULL && (col.v.type != JSON_NUMBER || json_number_i64(&col.v, &v) != 0))) {
        ob_fail(r, "Field '%s' is not of type INT64", c->field_timestamp);
        return -1;
    }
    if (col.v.type == JSON_NULL) return 0;
    if (col.schema.type == JSON_NONE) {
        /* No schema: Debezium's unit read from the magnitude.  ms between
         * 10^11 and 10^14 (1973 to 5138), ns from 10^17, else µs — the
         * MicroTimestamp of PostgreSQL's timestamp, near 1970 too.  Java's
         * division, toward zero. */
        uint64_t m = v < 0 ? (uint64_t)0 - (uint64_t)v : (uint64_t)v;
        r->timestamp = m >= UINT64_C(100000000000000000) ? v / 1000000
                       : m >= UINT64_C(100000000000) && m < UINT64_C(100000000000000) ? v
                                                                                     : v / 1000;
        return 0;
    }
    const char *name;
    size_t n;
    ob_col_name(&col, a, &name, &n);
    if (n == 0) {
        ob_fail(r, "Unsupported field type INT64 (without logical schema name) for event timestamp");
        return -1;
    }
    if (ob_is(name, n, "io.debezium.time.Timestamp")) r->timestamp = v;
    else if (ob_is(name, n, "io.debezium.time.MicroTimestamp")) r->timestamp = v / 1000;
    else if (ob_is(name, n, "io.debezium.time.NanoTimestamp")) r->timestamp = v / 1000000;
    else {
        ob_fail(r, "Unsupported field type %.*s for event timestamp", (int)n, name);
        return -1;
    }
    return 0;
}

/* A header: its text by SimpleHeaderConverter. */
static int ob_add_header(outbox_row *r, const char *name, const ob_col *col, arena *a) {
    char why[200];
    ob_header *h = &r->headers[r->nheaders];
    h->name = name;
    h->name_len = strlen(name);
    h->off = r->hvals.len;
    if (ht_text(&r->hvals, &col->v, &col->schema, a, &h->is_null, why, sizeof(why)) < 0) {
        ob_fail(r, "header '%s': %s", name, why);
        return -1;
    }
    h->len = r->hvals.len - h->off;
    r->nheaders++;
    return 0;
}

/* Kafka's Topic.validate, which the producer applies to the routed name. */
static int ob_valid_topic(outbox_row *r) {
    const char *t = r->topic.p;
    size_t n = r->topic.len;
    if (n == 0) {
        ob_fail(r, "Topic name is illegal, it can't be empty");
        return -1;
    }
    if ((n == 1 && t[0] == '.') || (n == 2 && t[0] == '.' && t[1] == '.')) {
        ob_fail(r, "Topic name cannot be \".\" or \"..\"");
        return -1;
    }
    if (n > 249) {
        ob_fail(r, "Topic name is illegal, it can't be longer than 249 characters, topic name: %.*s", (int)n, t);
        return -1;
    }
    for (size_t i = 0; i < n; i++) {
        char ch = t[i];
        if (!((ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') || (ch >= '0' && ch <= '9') || ch == '.' ||
              ch == '_' || ch == '-')) {
            ob_fail(r, "Topic name \"%.*s\" is illegal, it contains a character other than ASCII alphanumerics, "
                       "'.', '_' and '-'", (int)n, t);
            return -1;
        }
    }
    return 0;
}

/* The schema of the "after" struct in the envelope schema, or JSON_NONE. */
static json_value ob_after_fields(const dbz_event *ev) {
    json_value none = {.type = JSON_NONE}, env_fields, after, fields;
    json_value schema = ev->schema;
    json_error err;
    if (schema.type != JSON_OBJECT || json_find(&schema, "fields", 6, &env_fields, &err) != JSON_FOUND ||
        !ob_schema_field(&env_fields, "after", &after) || json_find(&after, "fields", 6, &fields, &err) != JSON_FOUND ||
        fields.type != JSON_ARRAY)
        return none;
    return fields;
}

/* The payload's value bytes (r->payload) and whether it is a delete
 * ("blank"): expanded or not, as the SMT has it before the envelope. */
typedef enum { OB_PAYLOAD_OK, OB_PAYLOAD_NO_SCHEMA, OB_PAYLOAD_BROKEN } ob_payload_state;

static ob_payload_state ob_payload(outbox_row *r, const outbox_config *c, const ob_col *col, arena *a, int *blank,
                                   char *why, size_t cap) {
    json_error err;
    const char *s = NULL;
    size_t n = 0;
    int is_string = col->schema.type != JSON_NONE ? ob_col_type_is(col, "string") : col->v.type == JSON_STRING;
    is_string = is_string && col->v.type == JSON_STRING;
    *blank = col->v.type == JSON_NULL;
    if (is_string) {
        if (json_string(&col->v, a, &s, &n, &err) < 0) {
            snprintf(why, cap, "the payload does not decode");
            return OB_PAYLOAD_BROKEN;
        }
        const char *t = s;
        size_t tn = n;
        ob_trim(&t, &tn);
        *blank = tn == 0;
    }
    if (c->expand_json && is_string) {
        jx_result x = jx_expand(&r->jx, s, n, c->nulls_as_bytes, a, &r->payload, why, cap);
        if (x == JX_EXPANDED) {
            *blank = 0;
            return OB_PAYLOAD_OK;
        }
        if (x == JX_BROKEN) return OB_PAYLOAD_BROKEN;
        jc_string(&r->payload, s, n);
        return x == JX_NO_SCHEMA ? OB_PAYLOAD_NO_SCHEMA : OB_PAYLOAD_OK;
    }
    if (jc_value(&r->payload, &col->v, a, &err) < 0) {
        snprintf(why, cap, "the payload does not decode");
        return OB_PAYLOAD_BROKEN;
    }
    return OB_PAYLOAD_OK;
}

/* Everything after the op checks: the event's record. */
static void ob_event(const outbox_config *c, const dbz_event *ev, arena *a, outbox_row *r) {
    ob_cols cols = {ev->after, ob_after_fields(ev)};
    ob_col payload, id, key, route, col;
    char why[240];
    json_error err;
    int blank;
    if (!ob_col_find(&cols, c->field_payload, &payload)) {
        ob_fail(r, "Unable to find payload field %s in event", c->field_payload);
        return;
    }
    if (ob_timestamp(r, c, &cols, ev, a) < 0) return;
    if (!ob_col_find(&cols, c->field_id, &id)) {
        ob_fail(r, "%s is not a valid field name", c->field_id);
        return;
    }
    if (ob_add_header(r, "id", &id, a) < 0) return;
    buf_put(&r->event_id, r->hvals.p + r->headers[0].off, r->headers[0].len);
    ob_payload_state ps = ob_payload(r, c, &payload, a, &blank, why, sizeof(why));
    if (!c->only_headers) {
        /* The value's schema: named after the routed-by value, versioned by its column. */
        if (ob_get_string(r, &cols, c->route_by_field, &route) < 0) return;
        if (c->field_schema_version) {
            int32_t version;
            int is_null;
            if (ob_get_int32(r, &cols, c->field_schema_version, &version, &is_null) < 0) return;
        }
        for (int i = 0; i < c->nextras; i++)
            if (c->extras[i].place == OB_ENVELOPE && !ob_col_find(&cols, c->extras[i].field, &col)) {
                ob_fail(r, "additional field %s is not in the event (the SMT fails with a NullPointerException)",
                        c->extras[i].field);
                return;
            }
        if (ps != OB_PAYLOAD_OK) {
            ob_fail(r, "the payload does not fit the value's schema: %s", why);
            return;
        }
        buf_put(&r->value, "{\"payload\":", 11);
        buf_put(&r->value, r->payload.p, r->payload.len);
    }
    for (int i = 0; i < c->nextras; i++) {
        const ob_extra *e = &c->extras[i];
        if (!ob_col_find(&cols, e->field, &col)) {
            if (!c->error_on_missing) continue;
            ob_fail(r, "%s is not a valid field name", e->field);
            return;
        }
        if (e->place == OB_ENVELOPE) {
            buf_putc(&r->value, ',');
            jc_string(&r->value, e->alias, strlen(e->alias));
            buf_putc(&r->value, ':');
            if (jc_value(&r->value, &col.v, a, &err) < 0) {
                ob_fail(r, "column %s does not decode", e->field);
                return;
            }
        } else if (e->place == OB_HEADER) {
            if (ob_add_header(r, e->alias, &col, a) < 0) return;
        } else {
            int32_t part;
            int is_null;
            if (ob_get_int32(r, &cols, e->field, &part, &is_null) < 0) return;
            r->has_partition = !is_null;
            r->partition = part;
        }
    }
    if (!c->only_headers) buf_putc(&r->value, '}');
    if (blank && c->tombstone_on_empty) {
        r->value.len = 0;
        r->is_tombstone = 1;
    } else if (c->only_headers) {
        if (ps == OB_PAYLOAD_BROKEN) {
            ob_fail(r, "the payload does not fit the value's schema: %s", why);
            return;
        }
        buf_put(&r->value, r->payload.p, r->payload.len);
    }
    if (!ob_col_find(&cols, c->field_key, &key)) {
        ob_fail(r, "%s is not a valid field name", c->field_key);
        return;
    }
    if (jc_value(&r->key, &key.v, a, &err) < 0) {
        ob_fail(r, "column %s does not decode", c->field_key);
        return;
    }
    /* The topic: the routed-by value through RegexRouter. */
    if (ob_get_string(r, &cols, c->route_by_field, &route) < 0) return;
    if (route.v.type == JSON_NULL) {
        ob_fail(r, "%s is null: RegexRouter fails on a null topic", c->route_by_field);
        return;
    }
    const char *s;
    size_t n;
    if (json_string(&route.v, a, &s, &n, &err) < 0) {
        ob_fail(r, "column %s does not decode", c->route_by_field);
        return;
    }
    int rc = jre_route(c->regex, s, n, &r->topic, why, sizeof(why));
    if (rc == JRE_ERROR) {
        ob_fail(r, "%s", why);
        return;
    }
    if (rc == JRE_KEPT) buf_put(&r->topic, s, n);
    if (ob_valid_topic(r) < 0) return;
    /* The event type: not part of the record, answered for convenience. */
    if (ob_col_find(&cols, c->field_type, &col) && col.v.type != JSON_NULL) {
        int is_null;
        if (ht_text(&r->event_type, &col.v, &col.schema, a, &is_null, why, sizeof(why)) < 0) r->event_type.len = 0;
    }
    /* The worker: a negative timestamp is refused by ConnectUtils.checkAndConvertTimestamp. */
    if (r->timestamp < 0) ob_fail(r, "Invalid record timestamp %lld", (long long)r->timestamp);
}

void outbox_route(const outbox_config *c, const char *msg, size_t n, arena *a, outbox_row *r) {
    dbz_event ev;
    char why[240];
    ob_reset(r);
    dbz_kind kind = dbz_decode(msg, n, a, &ev);
    if (kind == DBZ_TOMBSTONE) {
        r->skip = 1;   /* "Tombstone message ignored" */
        return;
    }
    if (kind != DBZ_CHANGE) {
        ob_fail(r, "%s", ev.error);
        return;
    }
    if (ev.op == 'd') {
        r->skip = 1;   /* deletes are not events */
        return;
    }
    if (ev.op == 'u') {
        if (c->invalid_op == OB_FATAL) {
            ob_fail(r, "Unexpected update message received, fail. (table.op.invalid.behavior=fatal)");
            return;
        }
        r->skip = 1;
        if (c->invalid_op == OB_ERROR)
            snprintf(r->error, sizeof(r->error), "Unexpected update message received and ignored "
                                                 "(table.op.invalid.behavior=error)");
        return;
    }
    if (ev.after.type != JSON_OBJECT) {
        snprintf(why, sizeof(why), "%s", ev.after.type == JSON_NONE ? "null" : json_type_name(ev.after.type));
        ob_fail(r, "Only Struct objects supported for [Read Outbox Event], found: %s", why);
        return;
    }
    ob_event(c, &ev, a, r);
}
