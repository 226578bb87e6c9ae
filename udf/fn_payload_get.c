/* fn_payload_get.c — payload_get(json String, path String) -> Nullable(String).
 *
 * The ad-hoc form of payload_extract for exploring a topic: one value by a
 * dot path (descending into JSON held in strings).  A string comes back
 * decoded, any other value as its JSON text; missing, null or unreadable
 * input gives NULL, and unreadable input is reported on stderr once per
 * block rather than per row.
 *
 * Unreadable means anywhere in the message, not only on the way to the
 * value: `{"a":1,!!!` answers NULL for `a`, as ClickHouse's JSONExtract
 * does.  JSON held in a string is a document of its own, read as far as
 * the path goes into it.
 *
 * One pass: the path's segments are the chain of a pick tree (json.h), so
 * the walk that validates the whole message also picks the value on the
 * way, members and array elements alike.  What the walk cannot pick — the
 * document inside a string (decoded on the way when it is plain), a path
 * deeper than picking follows — is looked up from the deepest value it did
 * pick.  The definition is
 * still "json_lookup, then the whole message valid"; tests/unit's
 * test_payload_get compares the two on every fixture and its mutations. */
#include "json.h"
#include "udf.h"

#include <stdio.h>
#include <string.h>

/* Segments picked in the walk: a container picked any deeper would not be
 * recorded (JSON_PICK_DEPTH). */
#define PG_CHAIN (JSON_PICK_DEPTH - 1)
/* Paths up to this long are kept with their tree between rows. */
#define PG_PATH_MAX 4096
#define PG_END ((size_t)-1)

typedef struct pg_state {
    long bad_rows;
    const char *first_reason;
    /* The path of the last row, its segments as a chain: node i (1..nseg)
     * is segment i, below node 0, the message. */
    char path[PG_PATH_MAX];
    size_t path_len;
    int cached;               /* path[] holds the tree's path */
    int nseg;                 /* segments in the chain */
    size_t rest[PG_CHAIN + 1];   /* rest[i]: where the path goes on after segment i (PG_END: it ends) */
    json_pick_tree tree;
    json_pick picks[PG_CHAIN + 1];
} pg_state;

static int pg_configure(void *self, int argc, char **argv, udf_signature *sig, char *why, size_t cap) {
    (void)self;
    if (argc > 1) {
        snprintf(why, cap, "unknown option '%s'", argv[1]);
        return -1;
    }
    udf_sig_arg(sig, "json", "String");
    udf_sig_arg(sig, "path", "String");
    udf_sig_result(sig, "value", "Nullable(String)");
    return 0;
}

/* The chain of [path, path+n) (bytes that stay put while the tree is used). */
static void pg_chain(pg_state *st, const char *path, size_t n) {
    json_pick_node *nodes = st->tree.nodes;
    const char *seg = path, *end = path + n;
    int i = 0;
    nodes[0] = (json_pick_node){.key = "", .first_child = -1, .next_sibling = -1};
    st->rest[0] = n ? 0 : PG_END;
    while (n && i < PG_CHAIN) {
        const char *dot = memchr(seg, '.', (size_t)(end - seg));
        const char *se = dot ? dot : end;
        nodes[i].first_child = i + 1;
        i++;
        nodes[i] = (json_pick_node){.key = seg, .key_len = (size_t)(se - seg), .first_child = -1, .next_sibling = -1};
        st->rest[i] = dot ? (size_t)(dot + 1 - path) : PG_END;
        if (!dot) break;
        seg = dot + 1;
    }
    st->nseg = i;
    st->tree.nnodes = i + 1;
    json_pick_index(&st->tree);    /* a chain never has too many links */
}

/* The tree for this row's path: the last row's when the path is the same. */
static void pg_tree(pg_state *st, const char *path, size_t n) {
    if (st->cached && st->path_len == n && (n == 0 || memcmp(st->path, path, n) == 0)) return;
    st->cached = n <= PG_PATH_MAX;
    if (st->cached) {
        if (n) memcpy(st->path, path, n);   /* an empty path may come as NULL */
        st->path_len = n;
        path = st->path;
    }
    pg_chain(st, path, n);
}

/* json_lookup(root, path), JSON_ERR as well when the message is not valid
 * JSON after the value, in one walk of the message. */
static int pg_lookup(pg_state *st, json_value *root, const char *path, size_t n, arena *a, json_value *out,
                     json_error *err) {
    pg_tree(st, path, n);
    for (int i = 0; i <= st->nseg; i++) {
        st->picks[i].count = 0;
        st->picks[i].val.type = JSON_NONE;
        st->picks[i].text = NULL;
    }
    if (st->nseg && (root->type == JSON_OBJECT || root->type == JSON_ARRAY) &&
        json_finish_pick(root, &st->tree, 0, st->picks, NULL, a, err) < 0)
        return JSON_ERR;
    if (json_close(root, err) < 0) return JSON_ERR;
    /* The deepest value picked, and what of the path is left below it. */
    json_value *cur = root;
    int i = 0;
    while (i < st->nseg && st->picks[i + 1].count) cur = &st->picks[++i].val;
    if (st->rest[i] == PG_END) {
        *out = *cur;
        return JSON_FOUND;
    }
    /* The walk went through the whole container: the member or element is not there. */
    if (i < st->nseg && (cur->type == JSON_OBJECT || cur->type == JSON_ARRAY)) return JSON_MISSING;
    /* JSON held in a string the walk decoded on its way (json_pick.text):
     * a document opening with a bracket is what json_lookup would descend
     * into; any other text is left to it. */
    json_value doc;
    if (cur->type == JSON_STRING && i > 0 && st->picks[i].text && st->rest[i] != n &&
        json_open(st->picks[i].text, st->picks[i].text_len, &doc, NULL) == 0 &&
        (doc.type == JSON_OBJECT || doc.type == JSON_ARRAY))
        cur = &doc;
    /* json_lookup reads an empty path as the value itself, not as one
     * empty segment: a path ending in '.' is looked up from a level up. */
    if (st->rest[i] == n) cur = --i ? &st->picks[i].val : root;
    return json_lookup(cur, path + st->rest[i], n - st->rest[i], a, out, err);
}

static void pg_row(void *self, const udf_value *args, res_writer *out, arena *a) {
    pg_state *st = self;
    json_value root, v;
    json_error err = {0, 0};
    const char *s;
    size_t n;
    int rc = json_open(args[0].s, args[0].n, &root, &err) < 0 ? JSON_ERR
                                                              : pg_lookup(st, &root, args[1].s, args[1].n, a, &v, &err);
    if (rc == JSON_FOUND && v.type == JSON_STRING && json_string(&v, a, &s, &n, &err) < 0) rc = JSON_ERR;
    if (rc == JSON_FOUND && v.type != JSON_STRING && json_finish(&v, &err) < 0) rc = JSON_ERR;
    if (rc == JSON_FOUND && v.type != JSON_NULL) {
        if (v.type != JSON_STRING) s = v.start, n = json_raw_len(&v);
        res_string(out, s, n);
        return;
    }
    if (rc == JSON_ERR && !st->bad_rows++) st->first_reason = err.msg ? err.msg : "malformed";
    res_null(out);
}

static void pg_block_end(void *self) {
    pg_state *st = self;
    if (st->bad_rows)
        warnx_line("%ld row(s) in this block were not valid JSON (first: %s); answered NULL", st->bad_rows, st->first_reason);
    st->bad_rows = 0;
}

static pg_state pg_state_of_process;

const udf_function payload_get_udf = {
    .name = "payload_get",
    .summary = "one value from JSON by a dot path, descending into JSON held in strings",
    .configure = pg_configure,
    .row = pg_row,
    .block_end = pg_block_end,
    .self = &pg_state_of_process,
};
