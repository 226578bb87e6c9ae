/* ddl.c — debezium_ddl's statements (ddl.h).
 *
 * One pass: decode the event (debezium.h), read its row columns
 * (typemap.h), take the key columns from the record key, choose metadata
 * names no source column has, then write the statements.  The SELECT of
 * the Kafka view is written once and used twice: in CREATE MATERIALIZED
 * VIEW and in ALTER … MODIFY QUERY (which swaps it in on a later run). */
#include "ddl.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "debezium.h"

/* The metadata columns, the stage's own columns and the query aliases, by
 * their preferred names; each gets '_' prefixes until no source column (nor
 * an earlier one of these) has its name. */
enum {
    M_VERSION, M_IS_DELETED, M_OP, M_SOURCE_TS, M_EXTRA, M_UNAVAILABLE,          /* the replica's */
    M_ERROR, M_CHANGES, M_KEY, M_MESSAGE, M_TOPIC, M_PARTITION, M_OFFSET,        /* the stage's */
    M_SRC_SCHEMA, M_SRC_TABLE,
    M_D, M_R, M_K, M_C,                                                          /* aliases */
    M_COUNT
};
#define M_TABLE_END M_ERROR
#define M_STAGE_END M_D

static const char *const ddl_meta_names[M_COUNT] = {
    "version", "is_deleted", "op", "source_ts_ms", "_extra", "_unavailable",
    "_error", "_schema_changes", "_key", "_message", "_topic", "_partition", "_offset",
    "_source_schema", "_source_table",
    "__d", "__r", "__k", "__c",
};

static const char *const ddl_meta_types[M_STAGE_END] = {
    "UInt64", "UInt8", "LowCardinality(String)", "DateTime64(3, 'UTC')", "String", "Array(String)",
    "String", "Array(Tuple(column String, change String, alter String, backfill String))", "String", "String",
    "String", "UInt64", "UInt64", "String", "String",
};

typedef struct ddl_name {
    const char *s;
    size_t n;
} ddl_name;

typedef struct ddl_ctx {
    const ddl_options *o;
    arena *a;
    tm_column *cols;
    size_t ncols;
    ddl_name *keys;
    size_t nkeys;
    ddl_name meta[M_COUNT];
    dbz_text schema, table;      /* the source's */
    buf name;                    /* the replica's name, unquoted */
    buf kafka;                   /* the Kafka table's name, unquoted */
    buf tmp;
    ddl_result *r;
} ddl_ctx;

void ddl_options_init(ddl_options *o) {
    memset(o, 0, sizeof(*o));
    o->table = "{table}";
    o->kafka_table = "{table}_kafka";
}

static int ddl_choice(const char *v, const char *a, const char *b, int *out) {
    if (!strcasecmp(v, a)) *out = 0;
    else if (!strcasecmp(v, b)) *out = 1;
    else return -1;
    return 0;
}

int ddl_option(const char *arg, ddl_options *o, char *why, size_t cap) {
    static const char *const names[] = {"--database=", "--table=", "--kafka-table=", "--order-by=", "--json-type=",
                                        "--enum-type="};
    size_t i, n = 0;
    for (i = 0; i < sizeof(names) / sizeof(names[0]); i++)
        if (!strncmp(arg, names[i], n = strlen(names[i]))) break;
    if (i == sizeof(names) / sizeof(names[0])) return 0;
    const char *v = arg + n;
    switch (i) {
    case 0: o->database = *v ? v : NULL; break;
    case 1: o->table = v; break;
    case 2: o->kafka_table = v; break;
    case 3: o->order_by = *v ? v : NULL; break;
    case 4:
        if (ddl_choice(v, "String", "JSON", &o->tm.json_type) < 0)
            return snprintf(why, cap, "--json-type: '%s' is not String or JSON", v), -1;
        break;
    default:
        if (ddl_choice(v, "Enum", "LowCardinality", &o->tm.enum_lowcard) < 0)
            return snprintf(why, cap, "--enum-type: '%s' is not Enum or LowCardinality", v), -1;
    }
    if ((i == 1 || i == 2) && !*v) return snprintf(why, cap, "%.*s needs a name pattern", (int)n - 1, names[i]), -1;
    return 1;
}

void ddl_result_init(ddl_result *r) {
    buf_init(&r->create_table);
    buf_init(&r->create_view);
    buf_init(&r->columns);
    r->error[0] = 0;
}

void ddl_result_free(ddl_result *r) {
    buf_free(&r->create_table);
    buf_free(&r->create_view);
    buf_free(&r->columns);
}

static int ddl_fail(ddl_ctx *c, const char *why) {
    snprintf(c->r->error, sizeof(c->r->error), "%s", why);
    return -1;
}

/* ------------------------------------------------------------ names */

static int ddl_is_column(const ddl_ctx *c, const char *s, size_t n) {
    for (size_t i = 0; i < c->ncols; i++)
        if (c->cols[i].name_len == n && !memcmp(c->cols[i].name, s, n)) return 1;
    return 0;
}

static void ddl_choose_meta(ddl_ctx *c) {
    for (int m = 0; m < M_COUNT; m++) {
        size_t base = strlen(ddl_meta_names[m]), pre = 0;
        char *s;
        for (;; pre++) {
            s = arena_alloc(c->a, pre + base + 1);
            memset(s, '_', pre);
            memcpy(s + pre, ddl_meta_names[m], base + 1);
            int taken = ddl_is_column(c, s, pre + base);
            for (int k = 0; k < m && !taken; k++) taken = c->meta[k].n == pre + base && !memcmp(c->meta[k].s, s, pre + base);
            if (!taken) break;
        }
        c->meta[m].s = s;
        c->meta[m].n = pre + base;
    }
}

/* {schema} and {table} of a pattern, with the source's names. */
static void ddl_expand(const ddl_ctx *c, const char *pattern, buf *out) {
    for (const char *p = pattern; *p;) {
        if (!strncmp(p, "{schema}", 8)) buf_put(out, c->schema.s, c->schema.n), p += 8;
        else if (!strncmp(p, "{table}", 7)) buf_put(out, c->table.s, c->table.n), p += 7;
        else buf_putc(out, *p++);
    }
}

/* `db`.`<name><suffix>` */
static void ddl_table(const ddl_ctx *c, buf *b, const char *name, size_t n, const char *suffix) {
    if (c->o->database) {
        tm_put_ident(b, c->o->database, strlen(c->o->database));
        buf_putc(b, '.');
    }
    size_t len = n + strlen(suffix);
    char *s = arena_alloc(c->a, len + 1);
    memcpy(s, name, n);
    memcpy(s + n, suffix, strlen(suffix));
    tm_put_ident(b, s, len);
}

static void ddl_meta(buf *b, const ddl_ctx *c, int m) { tm_put_ident(b, c->meta[m].s, c->meta[m].n); }

/* The statements' one writer: text with directives.
 *   %m (int) a metadata column or alias by its M_ index; %d %r %k %c the
 *   query aliases; %T the replica, %S its stage, %K the Kafka table;
 *   %t (const char *suffix) the replica's name with a suffix;
 *   %g (const char *) a shared table; %F the source filter
 *   (" AND `_source_schema` = 's' AND `_source_table` = 't'");
 *   %l (const char *, size_t) a SQL literal; %q (const char *, size_t) an
 *   identifier; %s (const char *), %n (const char *, size_t) and
 *   %b (const buf *) text as it is; %% '%'. */
static void ddl_w(ddl_ctx *c, buf *b, const char *fmt, ...) {
    va_list ap;
    va_start(ap, fmt);
    for (const char *p = fmt; *p; p++) {
        if (*p != '%') {
            const char *e = strchr(p, '%');
            size_t n = e ? (size_t)(e - p) : strlen(p);
            buf_put(b, p, n);
            p += n - 1;
            continue;
        }
        const char *s;
        size_t n;
        switch (*++p) {
        case 'm': ddl_meta(b, c, va_arg(ap, int)); break;
        case 'd': ddl_meta(b, c, M_D); break;
        case 'r': ddl_meta(b, c, M_R); break;
        case 'k': ddl_meta(b, c, M_K); break;
        case 'c': ddl_meta(b, c, M_C); break;
        case 'T': ddl_table(c, b, c->name.p, c->name.len, ""); break;
        case 'S': ddl_table(c, b, c->name.p, c->name.len, "_stage"); break;
        case 'K': ddl_table(c, b, c->kafka.p, c->kafka.len, ""); break;
        case 't': ddl_table(c, b, c->name.p, c->name.len, va_arg(ap, const char *)); break;
        case 'g':
            s = va_arg(ap, const char *);
            ddl_table(c, b, s, strlen(s), "");
            break;
        case 'F':
            ddl_w(c, b, " AND %m = %l AND %m = %l", M_SRC_SCHEMA, c->schema.s, c->schema.n, M_SRC_TABLE, c->table.s,
                  c->table.n);
            break;
        case 'l':
        case 'q':
        case 'n':
            s = va_arg(ap, const char *);
            n = va_arg(ap, size_t);
            if (*p == 'n') buf_put(b, s, n);
            else (*p == 'l' ? tm_put_literal : tm_put_ident)(b, s, n);
            break;
        case 's':
            s = va_arg(ap, const char *);
            buf_put(b, s, strlen(s));
            break;
        case 'b': {
            const buf *x = va_arg(ap, const buf *);
            buf_put(b, x->p, x->len);
            break;
        }
        default: buf_putc(b, '%');
        }
    }
    va_end(ap);
}

/* ------------------------------------------------------------ keys */

static int ddl_add_key(ddl_ctx *c, const char *s, size_t n, size_t *room) {
    if (!ddl_is_column(c, s, n)) {
        char why[200];
        snprintf(why, sizeof(why), "key column \"%.*s\" is not a field of the row", (int)(n > 64 ? 64 : n), s);
        return ddl_fail(c, why);
    }
    if (c->nkeys == *room) c->keys = arena_grow(c->a, c->keys, c->nkeys, room, sizeof(*c->keys));
    c->keys[c->nkeys].s = s;
    c->keys[c->nkeys++].n = n;
    return 0;
}

static int ddl_keys_from_option(ddl_ctx *c, size_t *room) {
    const char *p = c->o->order_by;
    while (*p) {
        const char *comma = strchr(p, ','), *end = comma ? comma : p + strlen(p), *s = p;
        while (s < end && *s == ' ') s++;
        const char *e = end;
        while (e > s && e[-1] == ' ') e--;
        if (e > s && ddl_add_key(c, s, (size_t)(e - s), room) < 0) return -1;
        p = comma ? comma + 1 : end;
    }
    return 0;
}

static int ddl_keys_from_record(ddl_ctx *c, const char *key, size_t kn, size_t *room) {
    json_value root, payload, k, v;
    json_error e = {0, 0};
    json_iter it;
    int rc;
    if (json_open(key, kn, &root, &e) < 0 || root.type == JSON_NULL)
        return ddl_fail(c, "no record key (a table without a primary key?): give the key columns with --order-by=a,b");
    if (root.type != JSON_OBJECT) return ddl_fail(c, "the record key is not a JSON object: give the key columns with --order-by=a,b");
    json_value r2 = root;
    if (json_find(&r2, "payload", 7, &payload, &e) == JSON_FOUND && payload.type == JSON_OBJECT &&
        json_find(&r2, "schema", 6, &v, &e) == JSON_FOUND)
        root = payload;   /* the key's own schema envelope */
    if (json_iter_init(&it, &root, &e) < 0) return ddl_fail(c, "the record key is not valid JSON");
    while ((rc = json_iter_member(&it, &k, &v)) > 0) {
        const char *s;
        size_t n;
        if (json_string(&k, c->a, &s, &n, &e) < 0) return ddl_fail(c, "the record key is not valid JSON");
        if (ddl_add_key(c, s, n, room) < 0) return -1;
    }
    if (rc < 0) return ddl_fail(c, "the record key is not valid JSON");
    if (!c->nkeys) return ddl_fail(c, "the record key has no members: give the key columns with --order-by=a,b");
    return 0;
}

static int ddl_keys(ddl_ctx *c, const char *key, size_t kn) {
    size_t room = 0;
    if (c->o->order_by ? ddl_keys_from_option(c, &room) : ddl_keys_from_record(c, key, kn, &room)) return -1;
    if (!c->nkeys) return ddl_fail(c, "--order-by names no column");
    for (size_t k = 0; k < c->nkeys; k++)   /* never Nullable: an ORDER BY column */
        for (size_t i = 0; i < c->ncols; i++)
            if (c->cols[i].name_len == c->keys[k].n && !memcmp(c->cols[i].name, c->keys[k].s, c->keys[k].n))
                tm_drop_nullable(&c->cols[i].type, c->a);
    return 0;
}

/* ------------------------------------------------------------ statements */

/* (`a` T, `b` U, …, then the metadata columns before `to`) */
static void ddl_column_defs(ddl_ctx *c, buf *b, int to) {
    buf_putc(b, '(');
    tm_format_columns(b, c->cols, c->ncols);
    for (int m = 0; m < to; m++) ddl_w(c, b, ", %m %s", m, ddl_meta_types[m]);
    buf_putc(b, ')');
}

static void ddl_create_table(ddl_ctx *c, buf *b) {
    ddl_w(c, b, "CREATE TABLE IF NOT EXISTS %T ");
    ddl_column_defs(c, b, M_TABLE_END);
    ddl_w(c, b, " ENGINE = ReplacingMergeTree(%m, %m) ORDER BY (", M_VERSION, M_IS_DELETED);
    for (size_t k = 0; k < c->nkeys; k++) ddl_w(c, b, k ? ", %q" : "%q", c->keys[k].s, c->keys[k].n);
    ddl_w(c, b,
          ");\nCREATE TABLE IF NOT EXISTS %g (`database` String, `table` String, `column` String, `change` String, "
          "`alter` String, `backfill` String, `key` String, `message` String, `seen_at` DateTime64(3, 'UTC') DEFAULT "
          "now64(3)) ENGINE = ReplacingMergeTree ORDER BY (`database`, `table`, `column`, `change`)"
          ";\nCREATE TABLE IF NOT EXISTS %g (`table` String, `topic` String, `partition` UInt64, `offset` UInt64, "
          "`message` String, `error` String, `received_at` DateTime64(3, 'UTC') DEFAULT now64(3)) "
          "ENGINE = MergeTree ORDER BY (`table`, `received_at`)"
          ";\nCREATE TABLE IF NOT EXISTS %g (`database` String, `table` String, `version` UInt64) "
          "ENGINE = MergeTree ORDER BY (`database`, `table`)",
          "schema_changes", "dbz_dead_letters", "dbz_truncates");
}

/* The stage: created, then brought up to the current columns (a no-op on
 * the first run; after a schema change, the new and retyped columns). */
static void ddl_stage(ddl_ctx *c, buf *b) {
    ddl_w(c, b, "CREATE TABLE IF NOT EXISTS %S ");
    ddl_column_defs(c, b, M_STAGE_END);
    ddl_w(c, b, " ENGINE = Null;\nALTER TABLE %S");
    for (size_t i = 0; i < c->ncols; i++) {
        const tm_column *col = &c->cols[i];
        ddl_w(c, b, "%s ADD COLUMN IF NOT EXISTS %q %n, MODIFY COLUMN %q %n", i ? "," : "", col->name,
              col->name_len, col->type.text, col->type.text_len, col->name, col->name_len, col->type.text,
              col->type.text_len);
    }
}

/* CREATE MATERIALIZED VIEW IF NOT EXISTS <view> TO <target> AS <q>, and
 * with `modify` ALTER TABLE <view> MODIFY QUERY <q> */
static void ddl_view(ddl_ctx *c, buf *b, const char *suffix, const buf *target, const buf *q, int modify) {
    ddl_w(c, b, ";\nCREATE MATERIALIZED VIEW IF NOT EXISTS %t TO %b AS %b", suffix, target, q);
    if (modify) ddl_w(c, b, ";\nALTER TABLE %t MODIFY QUERY %b", suffix, q);
}

/* stage -> replica: the typed columns and the replica's metadata. */
static void ddl_replica_query(ddl_ctx *c, buf *q) {
    ddl_w(c, q, "SELECT ");
    for (size_t i = 0; i < c->ncols; i++) ddl_w(c, q, "%q, ", c->cols[i].name, c->cols[i].name_len);
    for (int m = 0; m < M_TABLE_END; m++) ddl_w(c, q, m ? ", %m" : "%m", m);
    ddl_w(c, q, " FROM %S WHERE %m = '' AND %m IN ('c', 'r', 'u', 'd')%F", M_ERROR, M_OP);
}

/* Errors, and changes of another table (a topic shared by tables, a Kafka
 * table pointed at the wrong topic): never dropped without a trace. */
static void ddl_dead_letters_query(ddl_ctx *c, buf *q) {
    ddl_w(c, q,
          "SELECT %l AS `table`, %m AS `topic`, %m AS `partition`, %m AS `offset`, %m AS `message`, "
          "if(%m != '', %m, concat('a change of another table: ', %m, '.', %m)) AS `error` FROM %S "
          "WHERE %m != '' OR (%m IN ('c', 'r', 'u', 'd', 't') AND NOT (%m = %l AND %m = %l))",
          c->name.p, c->name.len, M_TOPIC, M_PARTITION, M_OFFSET, M_MESSAGE, M_ERROR, M_ERROR, M_SRC_SCHEMA,
          M_SRC_TABLE, M_ERROR, M_OP, M_SRC_SCHEMA, c->schema.s, c->schema.n, M_SRC_TABLE, c->table.s, c->table.n);
}

/* Each change's clauses completed into statements on the replica. */
static void ddl_schema_changes_query(ddl_ctx *c, buf *q) {
    buf backfill;
    buf_init(&backfill);
    c->tmp.len = 0;
    ddl_w(c, &c->tmp, "ALTER TABLE %T ");
    /* debezium_typed's backfills read `_extra`: under its other name here */
    if (c->meta[M_EXTRA].n == 6) {
        ddl_w(c, &backfill, "tupleElement(%c, 4)");
    } else {
        buf to;
        buf_init(&to);
        ddl_w(c, &to, "(%m, ", M_EXTRA);
        ddl_w(c, &backfill, "replaceAll(tupleElement(%c, 4), '(_extra, ', %l)", to.p, to.len);
        buf_free(&to);
    }
    if (c->o->database) ddl_w(c, q, "SELECT %l", c->o->database, strlen(c->o->database));
    else ddl_w(c, q, "SELECT currentDatabase()");
    ddl_w(c, q,
          " AS `database`, %l AS `table`, tupleElement(%c, 1) AS `column`, tupleElement(%c, 2) AS `change`, "
          "concat(%l, tupleElement(%c, 3)) AS `alter`, if(tupleElement(%c, 4) = '', '', concat(%l, %b)) "
          "AS `backfill`, %m AS `key`, %m AS `message` FROM %S ARRAY JOIN %m AS %c WHERE %m = ''%F",
          c->name.p, c->name.len, c->tmp.p, c->tmp.len, c->tmp.p, c->tmp.len, &backfill, M_KEY, M_MESSAGE, M_CHANGES,
          M_ERROR);
    buf_free(&backfill);
}

static void ddl_truncates_query(ddl_ctx *c, buf *q) {
    ddl_w(c, q, "SELECT %m AS `database`, %m AS `table`, %m AS `version` FROM %S WHERE %m = '' AND %m = 't'%F",
          M_SRC_SCHEMA, M_SRC_TABLE, M_VERSION, M_ERROR, M_OP);
}

/* Kafka table -> stage: one debezium_typed call per message, its row read
 * into the typed columns (bytes, base64 in the row, decoded). */
static void ddl_kafka_query(ddl_ctx *c, buf *q) {
    c->tmp.len = 0;
    tm_format_columns(&c->tmp, c->cols, c->ncols);
    ddl_w(c, q, "WITH debezium_typed(%k.`message`, %l) AS %d, ", c->tmp.p, c->tmp.len);
    c->tmp.len = 0;
    ddl_w(c, &c->tmp, "Tuple(");
    tm_format_columns(&c->tmp, c->cols, c->ncols);
    buf_putc(&c->tmp, ')');
    ddl_w(c, q, "JSONExtract(tupleElement(%d, 'row'), %l) AS %r SELECT ", c->tmp.p, c->tmp.len);
    for (size_t i = 0; i < c->ncols; i++) {
        const tm_column *col = &c->cols[i];
        const char *fn = col->type.base64 ? "base64Decode(tupleElement(%r, %l))"
                         : col->type.kind == TM_ARRAY && col->type.item->base64
                             ? "arrayMap(x -> base64Decode(x), tupleElement(%r, %l))"
                             : "tupleElement(%r, %l)";
        ddl_w(c, q, fn, col->name, col->name_len);
        ddl_w(c, q, " AS %q, ", col->name, col->name_len);
    }
    ddl_w(c, q,
          "tupleElement(%d, 'version') AS %m, tupleElement(%d, 'is_deleted') AS %m, tupleElement(%d, 'op') AS %m, "
          "fromUnixTimestamp64Milli(tupleElement(%d, 'source_ts_ms'), 'UTC') AS %m, tupleElement(%d, 'extra') AS %m, "
          "tupleElement(%d, 'unavailable') AS %m, tupleElement(%d, 'error') AS %m, "
          "arrayZip(tupleElement(%d, 'change_columns'), tupleElement(%d, 'changes'), tupleElement(%d, 'change_alters'), "
          "tupleElement(%d, 'change_backfills')) AS %m, ",
          M_VERSION, M_IS_DELETED, M_OP, M_SOURCE_TS, M_EXTRA, M_UNAVAILABLE, M_ERROR, M_CHANGES);
    ddl_w(c, q,
          "%k.`_key` AS %m, %k.`message` AS %m, %k.`_topic` AS %m, %k.`_partition` AS %m, %k.`_offset` AS %m, "
          "tupleElement(%d, 'source_schema') AS %m, tupleElement(%d, 'source_table') AS %m FROM %K AS %k",
          M_KEY, M_MESSAGE, M_TOPIC, M_PARTITION, M_OFFSET, M_SRC_SCHEMA, M_SRC_TABLE);
}

/* The table as it is now, replaced on every run: a view's columns are
 * fixed when it is created, and after a schema change the table has others. */
static void ddl_current_view(ddl_ctx *c, buf *b) {
    ddl_w(c, b,
          ";\nCREATE OR REPLACE VIEW %t AS SELECT * FROM %T FINAL WHERE %m = 0 AND %m > (SELECT max(`version`) FROM "
          "%g WHERE `database` = %l AND `table` = %l)",
          "_current", M_IS_DELETED, M_VERSION, "dbz_truncates", c->schema.s, c->schema.n, c->table.s, c->table.n);
}

static void ddl_create_view(ddl_ctx *c, buf *b) {
    static const struct {
        const char *suffix, *target;   /* target NULL: the replica */
        void (*query)(ddl_ctx *c, buf *q);
        int modify;
    } views[] = {
        {"_mv", NULL, ddl_replica_query, 1},
        {"_dead_letters_mv", "dbz_dead_letters", ddl_dead_letters_query, 0},
        {"_schema_changes_mv", "schema_changes", ddl_schema_changes_query, 0},
        {"_truncates_mv", "dbz_truncates", ddl_truncates_query, 0},
    };
    buf q, target;
    buf_init(&q);
    buf_init(&target);
    ddl_stage(c, b);
    for (size_t i = 0; i < sizeof(views) / sizeof(views[0]); i++) {
        q.len = target.len = 0;
        if (views[i].target) ddl_w(c, &target, "%g", views[i].target);
        else ddl_w(c, &target, "%T");
        views[i].query(c, &q);
        ddl_view(c, b, views[i].suffix, &target, &q, views[i].modify);
    }
    q.len = target.len = 0;   /* last: consumption starts once everything downstream exists */
    ddl_w(c, &target, "%S");
    ddl_kafka_query(c, &q);
    ddl_view(c, b, "_kafka_mv", &target, &q, 1);
    ddl_current_view(c, b);
    buf_free(&q);
    buf_free(&target);
}

/* ------------------------------------------------------------ entry */

static int ddl_event(ddl_ctx *c, const char *msg, size_t mn) {
    dbz_event ev;
    char why[sizeof(c->r->error)];
    dbz_kind kind = dbz_decode(msg, mn, c->a, &ev);
    if (kind == DBZ_TOMBSTONE)
        return ddl_fail(c, "a tombstone carries no schema: give debezium_ddl a change event of the table");
    if (kind == DBZ_NOT_CHANGE) return ddl_fail(c, ev.error);
    if (ev.op == 'm' || ev.op == 't') return ddl_fail(c, "this event has no row image: give debezium_ddl a change event of the table");
    if (tm_envelope_columns(&ev.schema, &c->o->tm, c->a, &c->cols, &c->ncols, why, sizeof(why)) < 0) return ddl_fail(c, why);
    if (!c->ncols) return ddl_fail(c, "the row schema has no fields");
    if (!ev.source_table.n) return ddl_fail(c, "the event's source block names no table");
    c->schema = ev.source_schema;
    c->table = ev.source_table;
    return 0;
}

void ddl_generate(const ddl_options *o, const char *key, size_t kn, const char *msg, size_t mn, arena *a,
                  ddl_result *r) {
    ddl_ctx c;
    memset(&c, 0, sizeof(c));
    c.o = o, c.a = a, c.r = r;
    r->error[0] = 0;
    r->create_table.len = r->create_view.len = r->columns.len = 0;
    if (ddl_event(&c, msg, mn) < 0 || ddl_keys(&c, key, kn) < 0) return;
    ddl_choose_meta(&c);
    ddl_expand(&c, o->table, &c.name);
    ddl_expand(&c, o->kafka_table, &c.kafka);
    tm_format_columns(&r->columns, c.cols, c.ncols);
    ddl_create_table(&c, &r->create_table);
    ddl_create_view(&c, &r->create_view);
    buf_free(&c.name);
    buf_free(&c.kafka);
    buf_free(&c.tmp);
}
