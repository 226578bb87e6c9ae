/* ddl.c — debezium_ddl's statements (ddl.h).
 *
 * One pass: decode the event (debezium.h), read its row columns
 * (typemap.h), take the key columns from the record key, choose metadata
 * names no source column has, then write the statements.  The SELECT of
 * the Kafka view is written once and used twice: in CREATE MATERIALIZED
 * VIEW and in ALTER … MODIFY QUERY (which swaps it in on a later run). */
#include "ddl.h"

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
static void ddl_table(const ddl_ctx *c, buf *b, const buf *name, const char *suffix) {
    if (c->o->database) {
        tm_put_ident(b, c->o->database, strlen(c->o->database));
        buf_putc(b, '.');
    }
    size_t len = name->len + strlen(suffix);
    char *s = arena_alloc(c->a, len + 1);
    memcpy(s, name->p, name->len);
    memcpy(s + name->len, suffix, strlen(suffix));
    tm_put_ident(b, s, len);
}

/* A shared table: `db`.`name` */
static void ddl_shared(const ddl_ctx *c, buf *b, const char *name) {
    buf n = {(char *)name, strlen(name), strlen(name)};
    ddl_table(c, b, &n, "");
}

static void ddl_meta(buf *b, const ddl_ctx *c, int m) { tm_put_ident(b, c->meta[m].s, c->meta[m].n); }

static void ddl_puts(buf *b, const char *s) { buf_put(b, s, strlen(s)); }

/* ------------------------------------------------------------ keys */

static int ddl_add_key(ddl_ctx *c, const char *s, size_t n, size_t *room) {
    if (!ddl_is_column(c, s, n)) {
        char why[200];
        snprintf(why, sizeof(why), "key column \"%.*s\" is not a field of the row", (int)(n > 64 ? 64 : n), s);
        return ddl_fail(c, why);
    }
    if (c->nkeys == *room) {
        ddl_name *more = arena_alloc(c->a, *room * 2 * sizeof(*more));
        memcpy(more, c->keys, *room * sizeof(*more));
        c->keys = more, *room *= 2;
    }
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
    size_t room = 8;
    c->keys = arena_alloc(c->a, room * sizeof(*c->keys));
    if (c->o->order_by ? ddl_keys_from_option(c, &room) : ddl_keys_from_record(c, key, kn, &room)) return -1;
    if (!c->nkeys) return ddl_fail(c, "--order-by names no column");
    for (size_t k = 0; k < c->nkeys; k++)   /* never Nullable: an ORDER BY column */
        for (size_t i = 0; i < c->ncols; i++)
            if (c->cols[i].name_len == c->keys[k].n && !memcmp(c->cols[i].name, c->keys[k].s, c->keys[k].n))
                tm_drop_nullable(&c->cols[i].type, c->a);
    return 0;
}

/* ------------------------------------------------------------ statements */

static void ddl_sep(buf *b) {
    if (b->len) ddl_puts(b, ";\n");
}

/* `a` T, `b` U, … then metadata columns [from, to). */
static void ddl_column_defs(const ddl_ctx *c, buf *b, int to) {
    buf_putc(b, '(');
    tm_format_columns(b, c->cols, c->ncols);
    for (int m = 0; m < to; m++) {
        ddl_puts(b, ", ");
        ddl_meta(b, c, m);
        buf_putc(b, ' ');
        ddl_puts(b, ddl_meta_types[m]);
    }
    buf_putc(b, ')');
}

/* AND `_source_schema` = 's' AND `_source_table` = 't' */
static void ddl_source_filter(const ddl_ctx *c, buf *b) {
    ddl_puts(b, " AND ");
    ddl_meta(b, c, M_SRC_SCHEMA);
    ddl_puts(b, " = ");
    tm_put_literal(b, c->schema.s, c->schema.n);
    ddl_puts(b, " AND ");
    ddl_meta(b, c, M_SRC_TABLE);
    ddl_puts(b, " = ");
    tm_put_literal(b, c->table.s, c->table.n);
}

static void ddl_create_table(ddl_ctx *c, buf *b) {
    ddl_puts(b, "CREATE TABLE IF NOT EXISTS ");
    ddl_table(c, b, &c->name, "");
    buf_putc(b, ' ');
    ddl_column_defs(c, b, M_TABLE_END);
    ddl_puts(b, " ENGINE = ReplacingMergeTree(");
    ddl_meta(b, c, M_VERSION);
    ddl_puts(b, ", ");
    ddl_meta(b, c, M_IS_DELETED);
    ddl_puts(b, ") ORDER BY (");
    for (size_t k = 0; k < c->nkeys; k++) {
        if (k) ddl_puts(b, ", ");
        tm_put_ident(b, c->keys[k].s, c->keys[k].n);
    }
    buf_putc(b, ')');
}

static void ddl_shared_tables(ddl_ctx *c, buf *b) {
    ddl_sep(b);
    ddl_puts(b, "CREATE TABLE IF NOT EXISTS ");
    ddl_shared(c, b, "schema_changes");
    ddl_puts(b, " (`database` String, `table` String, `column` String, `change` String, `alter` String, "
                "`backfill` String, `key` String, `message` String, `seen_at` DateTime64(3, 'UTC') DEFAULT now64(3)) "
                "ENGINE = ReplacingMergeTree ORDER BY (`database`, `table`, `column`, `change`)");
    ddl_sep(b);
    ddl_puts(b, "CREATE TABLE IF NOT EXISTS ");
    ddl_shared(c, b, "dbz_dead_letters");
    ddl_puts(b, " (`table` String, `topic` String, `partition` UInt64, `offset` UInt64, `message` String, "
                "`error` String, `received_at` DateTime64(3, 'UTC') DEFAULT now64(3)) "
                "ENGINE = MergeTree ORDER BY (`table`, `received_at`)");
    ddl_sep(b);
    ddl_puts(b, "CREATE TABLE IF NOT EXISTS ");
    ddl_shared(c, b, "dbz_truncates");
    ddl_puts(b, " (`database` String, `table` String, `version` UInt64) ENGINE = MergeTree ORDER BY (`database`, `table`)");
}

/* Replaced on every run: a view's columns are fixed when it is created,
 * and after a schema change the table has others. */
static void ddl_current_view(ddl_ctx *c, buf *b) {
    ddl_sep(b);
    ddl_puts(b, "CREATE OR REPLACE VIEW ");
    ddl_table(c, b, &c->name, "_current");
    ddl_puts(b, " AS SELECT * FROM ");
    ddl_table(c, b, &c->name, "");
    ddl_puts(b, " FINAL WHERE ");
    ddl_meta(b, c, M_IS_DELETED);
    ddl_puts(b, " = 0 AND ");
    ddl_meta(b, c, M_VERSION);
    ddl_puts(b, " > (SELECT max(`version`) FROM ");
    ddl_shared(c, b, "dbz_truncates");
    ddl_puts(b, " WHERE `database` = ");
    tm_put_literal(b, c->schema.s, c->schema.n);
    ddl_puts(b, " AND `table` = ");
    tm_put_literal(b, c->table.s, c->table.n);
    buf_putc(b, ')');
}

/* The stage: created, then brought up to the current columns (a no-op on
 * the first run; after a schema change, the new and retyped columns). */
static void ddl_stage(ddl_ctx *c, buf *b) {
    ddl_puts(b, "CREATE TABLE IF NOT EXISTS ");
    ddl_table(c, b, &c->name, "_stage");
    buf_putc(b, ' ');
    ddl_column_defs(c, b, M_STAGE_END);
    ddl_puts(b, " ENGINE = Null");
    if (!c->ncols) return;
    ddl_sep(b);
    ddl_puts(b, "ALTER TABLE ");
    ddl_table(c, b, &c->name, "_stage");
    for (size_t i = 0; i < c->ncols; i++) {
        const tm_column *col = &c->cols[i];
        ddl_puts(b, i ? ", ADD COLUMN IF NOT EXISTS " : " ADD COLUMN IF NOT EXISTS ");
        tm_put_ident(b, col->name, col->name_len);
        buf_putc(b, ' ');
        buf_put(b, col->type.text, col->type.text_len);
        ddl_puts(b, ", MODIFY COLUMN ");
        tm_put_ident(b, col->name, col->name_len);
        buf_putc(b, ' ');
        buf_put(b, col->type.text, col->type.text_len);
    }
}

/* CREATE MATERIALIZED VIEW IF NOT EXISTS <view> TO <target> AS <q>; ALTER TABLE <view> MODIFY QUERY <q> */
static void ddl_view(ddl_ctx *c, buf *b, const char *suffix, const buf *target, const buf *query, int modify) {
    ddl_sep(b);
    ddl_puts(b, "CREATE MATERIALIZED VIEW IF NOT EXISTS ");
    ddl_table(c, b, &c->name, suffix);
    ddl_puts(b, " TO ");
    buf_put(b, target->p, target->len);
    ddl_puts(b, " AS ");
    buf_put(b, query->p, query->len);
    if (!modify) return;
    ddl_sep(b);
    ddl_puts(b, "ALTER TABLE ");
    ddl_table(c, b, &c->name, suffix);
    ddl_puts(b, " MODIFY QUERY ");
    buf_put(b, query->p, query->len);
}

/* stage -> replica: the typed columns and the replica's metadata. */
static void ddl_replica_query(ddl_ctx *c, buf *q) {
    ddl_puts(q, "SELECT ");
    for (size_t i = 0; i < c->ncols; i++) {
        tm_put_ident(q, c->cols[i].name, c->cols[i].name_len);
        ddl_puts(q, ", ");
    }
    for (int m = 0; m < M_TABLE_END; m++) {
        if (m) ddl_puts(q, ", ");
        ddl_meta(q, c, m);
    }
    ddl_puts(q, " FROM ");
    ddl_table(c, q, &c->name, "_stage");
    ddl_puts(q, " WHERE ");
    ddl_meta(q, c, M_ERROR);
    ddl_puts(q, " = '' AND ");
    ddl_meta(q, c, M_OP);
    ddl_puts(q, " IN ('c', 'r', 'u', 'd')");
    ddl_source_filter(c, q);
}

static void ddl_dead_letters_query(ddl_ctx *c, buf *q) {
    ddl_puts(q, "SELECT ");
    tm_put_literal(q, c->name.p, c->name.len);
    ddl_puts(q, " AS `table`, ");
    ddl_meta(q, c, M_TOPIC);
    ddl_puts(q, " AS `topic`, ");
    ddl_meta(q, c, M_PARTITION);
    ddl_puts(q, " AS `partition`, ");
    ddl_meta(q, c, M_OFFSET);
    ddl_puts(q, " AS `offset`, ");
    ddl_meta(q, c, M_MESSAGE);
    ddl_puts(q, " AS `message`, ");
    ddl_meta(q, c, M_ERROR);
    ddl_puts(q, " AS `error` FROM ");
    ddl_table(c, q, &c->name, "_stage");
    ddl_puts(q, " WHERE ");
    ddl_meta(q, c, M_ERROR);
    ddl_puts(q, " != ''");
}

/* concat('ALTER TABLE <t> ', clause) */
static void ddl_complete(ddl_ctx *c, buf *q, int element) {
    buf *t = &c->tmp;
    t->len = 0;
    ddl_puts(t, "ALTER TABLE ");
    ddl_table(c, t, &c->name, "");
    buf_putc(t, ' ');
    ddl_puts(q, "concat(");
    tm_put_literal(q, t->p, t->len);
    ddl_puts(q, ", tupleElement(");
    ddl_meta(q, c, M_C);
    char n[16];
    snprintf(n, sizeof(n), ", %d))", element);
    ddl_puts(q, n);
}

static void ddl_schema_changes_query(ddl_ctx *c, buf *q) {
    ddl_puts(q, "SELECT ");
    if (c->o->database) tm_put_literal(q, c->o->database, strlen(c->o->database));
    else ddl_puts(q, "currentDatabase()");
    ddl_puts(q, " AS `database`, ");
    tm_put_literal(q, c->name.p, c->name.len);
    ddl_puts(q, " AS `table`, tupleElement(");
    ddl_meta(q, c, M_C);
    ddl_puts(q, ", 1) AS `column`, tupleElement(");
    ddl_meta(q, c, M_C);
    ddl_puts(q, ", 2) AS `change`, ");
    ddl_complete(c, q, 3);
    ddl_puts(q, " AS `alter`, if(tupleElement(");
    ddl_meta(q, c, M_C);
    ddl_puts(q, ", 4) = '', '', ");
    ddl_complete(c, q, 4);
    ddl_puts(q, ") AS `backfill`, ");
    ddl_meta(q, c, M_KEY);
    ddl_puts(q, " AS `key`, ");
    ddl_meta(q, c, M_MESSAGE);
    ddl_puts(q, " AS `message` FROM ");
    ddl_table(c, q, &c->name, "_stage");
    ddl_puts(q, " ARRAY JOIN ");
    ddl_meta(q, c, M_CHANGES);
    ddl_puts(q, " AS ");
    ddl_meta(q, c, M_C);
    ddl_puts(q, " WHERE ");
    ddl_meta(q, c, M_ERROR);
    ddl_puts(q, " = ''");
    ddl_source_filter(c, q);
}

static void ddl_truncates_query(ddl_ctx *c, buf *q) {
    ddl_puts(q, "SELECT ");
    ddl_meta(q, c, M_SRC_SCHEMA);
    ddl_puts(q, " AS `database`, ");
    ddl_meta(q, c, M_SRC_TABLE);
    ddl_puts(q, " AS `table`, ");
    ddl_meta(q, c, M_VERSION);
    ddl_puts(q, " AS `version` FROM ");
    ddl_table(c, q, &c->name, "_stage");
    ddl_puts(q, " WHERE ");
    ddl_meta(q, c, M_ERROR);
    ddl_puts(q, " = '' AND ");
    ddl_meta(q, c, M_OP);
    ddl_puts(q, " = 't'");
    ddl_source_filter(c, q);
}

/* tupleElement(__d, 'name') */
static void ddl_d(ddl_ctx *c, buf *q, const char *field) {
    ddl_puts(q, "tupleElement(");
    ddl_meta(q, c, M_D);
    ddl_puts(q, ", '");
    ddl_puts(q, field);
    ddl_puts(q, "')");
}

/* __k.`column` of the Kafka table */
static void ddl_k(ddl_ctx *c, buf *q, const char *column) {
    ddl_meta(q, c, M_K);
    buf_putc(q, '.');
    tm_put_ident(q, column, strlen(column));
}

/* A typed column out of the tuple: bytes (base64 in the row) decoded. */
static void ddl_typed_column(ddl_ctx *c, buf *q, const tm_column *col) {
    const tm_type *t = &col->type;
    int arr = t->kind == TM_ARRAY && t->item->base64;
    if (t->base64) ddl_puts(q, "base64Decode(");
    if (arr) ddl_puts(q, "arrayMap(x -> base64Decode(x), ");
    ddl_puts(q, "tupleElement(");
    ddl_meta(q, c, M_R);
    ddl_puts(q, ", ");
    tm_put_literal(q, col->name, col->name_len);
    buf_putc(q, ')');
    if (t->base64 || arr) buf_putc(q, ')');
    ddl_puts(q, " AS ");
    tm_put_ident(q, col->name, col->name_len);
    ddl_puts(q, ", ");
}

static void ddl_as(ddl_ctx *c, buf *q, int m, int last) {
    ddl_puts(q, " AS ");
    ddl_meta(q, c, m);
    if (!last) ddl_puts(q, ", ");
}

/* Kafka table -> stage: one debezium_typed call per message. */
static void ddl_kafka_query(ddl_ctx *c, buf *q) {
    c->tmp.len = 0;
    tm_format_columns(&c->tmp, c->cols, c->ncols);
    ddl_puts(q, "WITH debezium_typed(");
    ddl_k(c, q, "message");
    ddl_puts(q, ", ");
    tm_put_literal(q, c->tmp.p, c->tmp.len);
    ddl_puts(q, ") AS ");
    ddl_meta(q, c, M_D);
    ddl_puts(q, ", JSONExtract(");
    ddl_d(c, q, "row");
    ddl_puts(q, ", ");
    c->tmp.len = 0;
    ddl_puts(&c->tmp, "Tuple(");
    tm_format_columns(&c->tmp, c->cols, c->ncols);
    buf_putc(&c->tmp, ')');
    tm_put_literal(q, c->tmp.p, c->tmp.len);
    ddl_puts(q, ") AS ");
    ddl_meta(q, c, M_R);
    ddl_puts(q, " SELECT ");
    for (size_t i = 0; i < c->ncols; i++) ddl_typed_column(c, q, &c->cols[i]);
    ddl_d(c, q, "version"), ddl_as(c, q, M_VERSION, 0);
    ddl_d(c, q, "is_deleted"), ddl_as(c, q, M_IS_DELETED, 0);
    ddl_d(c, q, "op"), ddl_as(c, q, M_OP, 0);
    ddl_puts(q, "fromUnixTimestamp64Milli(");
    ddl_d(c, q, "source_ts_ms");
    ddl_puts(q, ", 'UTC')"), ddl_as(c, q, M_SOURCE_TS, 0);
    ddl_d(c, q, "extra"), ddl_as(c, q, M_EXTRA, 0);
    ddl_d(c, q, "unavailable"), ddl_as(c, q, M_UNAVAILABLE, 0);
    ddl_d(c, q, "error"), ddl_as(c, q, M_ERROR, 0);
    ddl_puts(q, "arrayZip(");
    ddl_d(c, q, "change_columns");
    ddl_puts(q, ", ");
    ddl_d(c, q, "changes");
    ddl_puts(q, ", ");
    ddl_d(c, q, "change_alters");
    ddl_puts(q, ", ");
    ddl_d(c, q, "change_backfills");
    buf_putc(q, ')'), ddl_as(c, q, M_CHANGES, 0);
    ddl_k(c, q, "_key"), ddl_as(c, q, M_KEY, 0);
    ddl_k(c, q, "message"), ddl_as(c, q, M_MESSAGE, 0);
    ddl_k(c, q, "_topic"), ddl_as(c, q, M_TOPIC, 0);
    ddl_k(c, q, "_partition"), ddl_as(c, q, M_PARTITION, 0);
    ddl_k(c, q, "_offset"), ddl_as(c, q, M_OFFSET, 0);
    ddl_d(c, q, "source_schema"), ddl_as(c, q, M_SRC_SCHEMA, 0);
    ddl_d(c, q, "source_table"), ddl_as(c, q, M_SRC_TABLE, 1);
    ddl_puts(q, " FROM ");
    if (c->o->database) {
        tm_put_ident(q, c->o->database, strlen(c->o->database));
        buf_putc(q, '.');
    }
    tm_put_ident(q, c->kafka.p, c->kafka.len);
    ddl_puts(q, " AS ");
    ddl_meta(q, c, M_K);
}

static void ddl_create_view(ddl_ctx *c, buf *b) {
    buf q, target;
    buf_init(&q);
    buf_init(&target);
    ddl_stage(c, b);

    ddl_table(c, &target, &c->name, "");
    ddl_replica_query(c, &q);
    ddl_view(c, b, "_mv", &target, &q, 1);

    q.len = target.len = 0;
    ddl_shared(c, &target, "dbz_dead_letters");
    ddl_dead_letters_query(c, &q);
    ddl_view(c, b, "_dead_letters_mv", &target, &q, 0);

    q.len = target.len = 0;
    ddl_shared(c, &target, "schema_changes");
    ddl_schema_changes_query(c, &q);
    ddl_view(c, b, "_schema_changes_mv", &target, &q, 0);

    q.len = target.len = 0;
    ddl_shared(c, &target, "dbz_truncates");
    ddl_truncates_query(c, &q);
    ddl_view(c, b, "_truncates_mv", &target, &q, 0);

    q.len = target.len = 0;   /* last: consumption starts once everything downstream exists */
    ddl_table(c, &target, &c->name, "_stage");
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
    ddl_shared_tables(&c, &r->create_table);
    ddl_create_view(&c, &r->create_view);
    buf_free(&c.name);
    buf_free(&c.kafka);
    buf_free(&c.tmp);
}
