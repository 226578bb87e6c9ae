/* extract.c — the path tree, the one-pass fast path and the step-by-step
 * lookups of payload_extract (see extract.h). */
#include "extract.h"
#include "convert.h"
#include "debezium.h"

#include <stdio.h>
#include <string.h>

/* ------------------------------------------------------------ path tree */

static int ex_new_node(ex_plan *p, const char *k, size_t len) {
    if (p->tree.nnodes == EX_MAX_NODES) return -1;
    int id = p->tree.nnodes++;
    json_pick_node *nd = &p->tree.nodes[id];
    nd->key = k;
    nd->key_len = len;
    nd->first_child = nd->next_sibling = -1;
    p->depth[id] = 0;
    return id;
}

/* Child of node `n` with key [k, k+len), created if absent; -1 when the tree is full. */
static int ex_child_of(ex_plan *p, int n, const char *k, size_t len) {
    int last = -1;
    for (int ch = p->tree.nodes[n].first_child; ch >= 0; ch = p->tree.nodes[ch].next_sibling) {
        if (p->tree.nodes[ch].key_len == len && memcmp(p->tree.nodes[ch].key, k, len) == 0) return ch;
        last = ch;
    }
    int id = ex_new_node(p, k, len);
    if (id < 0) return -1;
    p->depth[id] = p->depth[n] + 1;
    if (last < 0) p->tree.nodes[n].first_child = id;
    else p->tree.nodes[last].next_sibling = id;
    return id;
}

/* The node a dot path leads to from node `from` (an empty path is `from`), or -1. */
static int ex_add_path(ex_plan *p, int from, const char *path, size_t n) {
    if (n == 0) return from;
    const char *seg = path, *end = path + n;
    int at = from;
    for (;;) {
        const char *dot = memchr(seg, '.', (size_t)(end - seg));
        const char *se = dot ? dot : end;
        at = ex_child_of(p, at, seg, (size_t)(se - seg));
        if (at < 0 || !dot) return at;
        seg = dot + 1;
    }
}

void ex_compile(ex_plan *p) {
    p->tree.nnodes = 0;
    ex_new_node(p, "", 0);
    p->fast = strcmp(p->path, "@row") != 0;
    if (!p->fast) return;
    p->base_node = ex_add_path(p, 0, p->path, strlen(p->path));
    if (p->base_node < 0) p->fast = 0;
    for (int i = 0; i < p->nfields && p->fast; i++) {
        const ex_field *f = &p->fields[i];
        p->field_node[i] = ex_add_path(p, f->from_root ? 0 : p->base_node, f->path, f->path_len);
        if (p->field_node[i] < 0) p->fast = 0;
    }
    /* What the envelope rule needs to know of a message walked as a bare event. */
    p->op_node = ex_child_of(p, 0, "op", 2);
    p->payload_node = ex_child_of(p, 0, "payload", 7);
    /* The envelope's nodes: "payload" shares the event's children. */
    p->env_node = ex_new_node(p, "", 0);
    p->env_payload = ex_new_node(p, "payload", 7);
    p->env_schema = ex_new_node(p, "schema", 6);
    if (p->op_node < 0 || p->payload_node < 0 || p->env_schema < 0) p->fast = 0;
    if (!p->fast) return;
    p->tree.nodes[p->env_node].first_child = p->env_payload;
    p->tree.nodes[p->env_payload].next_sibling = p->env_schema;
    p->tree.nodes[p->env_payload].first_child = p->tree.nodes[0].first_child;
    /* Picking follows JSON_PICK_DEPTH levels below a walked container
     * (the message, or a string's document): deeper trees take the lookups. */
    for (int i = 0; i < p->tree.nnodes; i++)
        if (p->depth[i] + 1 >= JSON_PICK_DEPTH) p->fast = 0;
    if (json_pick_index(&p->tree) < 0) p->fast = 0;
}

/* ------------------------------------------------------------ fast path */

/* The message's top level, walked with the picks.  The first key chooses
 * which tree to try (Debezium's converter writes "schema" or "payload"
 * first in an envelope); either way the envelope rule of debezium.h is
 * then checked on what was picked, and a message it does not settle is
 * left to the lookups.  1 = the event's picks are in place, 0 = not. */
static int ex_fast_top(ex_plan *p, json_value *root, arena *a, json_error *je) {
    const char *k = root->start + 1;
    while (k < root->limit && (*k == ' ' || *k == '\n' || *k == '\r' || *k == '\t')) k++;
    int env = (size_t)(root->limit - k) > 9 && (!memcmp(k, "\"schema\"", 8) || !memcmp(k, "\"payload\"", 9));
    if (!env && k < root->limit && *k == '"') {
        /* an escaped first key ("\u0073chema") is judged by the lookups */
        const char *q = k + 1;
        while (q < root->limit && *q != '"' && *q != '\\') q++;
        if (q < root->limit && *q == '\\') return 0;
    }
    if (env) {
        /* Only "schema" and "payload" members: an envelope exactly when the
         * one payload is an object (a null one is a tombstone). */
        int others = 0;
        if (json_finish_pick(root, &p->tree, p->env_node, p->picks, &others, a, je) < 0) return 0;
        const json_pick *pl = &p->picks[p->env_payload];
        if (others || pl->count != 1 || pl->val.type != JSON_OBJECT) return 0;
        p->picks[0] = *pl;
        return 1;
    }
    /* A bare event for certain: it has an "op", or no "payload" at all. */
    if (json_finish_pick(root, &p->tree, 0, p->picks, NULL, a, je) < 0) return 0;
    if (!p->picks[p->op_node].count && p->picks[p->payload_node].count) return 0;
    p->picks[0].val = *root;
    p->picks[0].count = 1;
    return 1;
}

/* One pass over the message.  1 = every field found (values in picks[]),
 * 0 = answer this row with the lookups. */
static int ex_fast(ex_plan *p, const char *msg, size_t len, arena *a) {
    json_value root;
    json_error je;
    for (int i = 0; i < p->tree.nnodes; i++) {
        p->picks[i].count = 0;
        p->picks[i].val.type = JSON_NONE;
        p->picks[i].text = NULL;
        p->inner[i] = 0;
    }
    if (json_open(msg, len, &root, &je) < 0 || root.type != JSON_OBJECT) return 0;
    if (!ex_fast_top(p, &root, a, &je)) return 0;
    if (json_close(&root, &je) < 0) return 0;   /* walked: only the trailing bytes are checked */
    /* A logical decoding message is read as the record it decodes to (debezium.h). */
    const json_pick *op = &p->picks[p->op_node];
    if (op->count && json_key_equals(&op->val, "m", 1)) return 0;
    /* JSON held in strings, where paths go on below them: a node's subtree
     * has higher indices than the node, so one forward sweep also handles
     * strings inside strings. */
    for (int i = 1; i < p->env_node; i++) {
        json_pick *pk = &p->picks[i];
        if (!pk->count || p->tree.nodes[i].first_child < 0 || pk->val.type == JSON_OBJECT) continue;
        if (pk->val.type != JSON_STRING) return 0;          /* a step into an array, a scalar, null */
        const char *s = pk->text;
        size_t n = pk->text_len;
        json_value inner;
        if ((!s && json_string(&pk->val, a, &s, &n, &je) < 0) || json_open(s, n, &inner, &je) < 0 ||
            inner.type != JSON_OBJECT || json_finish_pick(&inner, &p->tree, i, p->picks, NULL, a, &je) < 0)
            return 0;
        p->inner[i] = 1;
    }
    const json_pick *base = &p->picks[p->base_node];
    if (!base->count || (base->val.type != JSON_OBJECT && !p->inner[p->base_node])) return 0;
    for (int i = 0; i < p->nfields; i++)
        if (!p->picks[p->field_node[i]].count) return 0;
    return 1;
}

/* ------------------------------------------------------------ lookups */

/* Appends "field 'x': reason" to the row's error text. */
static void ex_note(char *err, size_t cap, const char *field, const char *why) {
    size_t len = strlen(err);
    if (len + 4 >= cap) return;
    snprintf(err + len, cap - len, "%sfield '%s': %s", len ? "; " : "", field, why);
}

/* Every field at its default (NULL for Nullable), then the error text. */
static void ex_default_row(const ex_plan *p, res_writer *out, const char *err) {
    json_value none = {0};
    const char *why;
    for (int i = 0; i < p->nfields; i++) conv_write(out, &p->types[i], &none, NULL, &why);
    res_string(out, err, strlen(err));
}

/* The value a path names, or JSON_NONE; -1 with `err` text on malformed JSON. */
static int ex_locate(json_value *from, const char *path, size_t n, arena *a, json_value *out, char *err, size_t cap) {
    json_error je = {0, 0};
    int rc = json_lookup(from, path, n, a, out, &je);
    if (rc == JSON_FOUND) return 0;
    out->type = JSON_NONE;
    if (rc == JSON_ERR) {
        snprintf(err, cap, "invalid JSON at '%.*s': %s", (int)n, path, je.msg ? je.msg : "malformed");
        return -1;
    }
    if (je.msg) snprintf(err, cap, "path '%.*s': %s", (int)n, path, je.msg);
    return 0;
}

/* The object the fields are read from: --path, or the row image for @row.
 * 0 found or not, -1 malformed JSON on the way, 1 a change without the
 * row image it must carry (err says why; "$." fields are still read). */
static int ex_find_base(const ex_plan *p, dbz_event *ev, arena *a, json_value *base, char *err, size_t cap) {
    if (strcmp(p->path, "@row") != 0) return ex_locate(&ev->payload, p->path, strlen(p->path), a, base, err, cap);
    *base = *dbz_row_image(ev);
    /* A row change must carry its image (a delete under REPLICA IDENTITY
     * NOTHING has none; a logical decoding message the SMT could not
     * decode): reported, as debezium_unwrap does. */
    if (ev->kind == DBZ_CHANGE && dbz_missing_image(ev, err, cap)) {
        base->type = JSON_NONE;
        return 1;
    }
    return 0;
}

/* Every row's exact answer, errors included. */
static void ex_row_lookups(const ex_plan *p, const char *msg, size_t n, res_writer *out, arena *a) {
    char err[1024] = "";
    dbz_event ev;
    json_value base;
    /* The whole message must be JSON, not only the part the fields come
     * from: a message cut short or damaged after them is not an event. */
    if (dbz_decode_with(msg, n, a, &ev, &p->dbz) == DBZ_TOMBSTONE || ev.invalid) {
        ex_default_row(p, out, ev.invalid ? ev.error : "");
        return;
    }
    int no_image = ex_find_base(p, &ev, a, &base, err, sizeof(err));
    if (no_image < 0) {
        ex_default_row(p, out, err);
        return;
    }
    /* --path naming the outbox payload string: decoded here once, not once
     * per field (a 60 MB payload would otherwise be decoded ten times over,
     * each copy kept until the row ends).  Non-JSON text stays a string, for
     * the field lookups to report as they always have. */
    if (base.type == JSON_STRING) {
        json_value doc;
        json_error de = {0, 0};
        if (json_string_document(&base, a, &doc, &de) == JSON_FOUND) base = doc;
    }
    /* No object where --path points (a record key, other JSON): say so
     * rather than answer a row of defaults that looks like an event.  A
     * Debezium delete or truncate has no after image by nature: no error. */
    int deleting = dbz_is_delete(&ev) && !no_image;
    if (base.type == JSON_NONE && deleting) err[0] = 0;
    else if (base.type == JSON_NONE && !err[0]) snprintf(err, sizeof(err), "path '%s' not found", p->path);
    for (int i = 0; i < p->nfields; i++) {
        const ex_field *f = &p->fields[i];
        json_value v = {0};
        json_value *from = f->from_root ? &ev.payload : &base;
        char ferr[256] = "";
        if (from->type != JSON_NONE) ex_locate(from, f->path, f->path_len, a, &v, ferr, sizeof(ferr));
        if (ferr[0] && !deleting) ex_note(err, sizeof(err), f->name, ferr);
        const char *why;
        if (conv_write(out, &p->types[i], &v, a, &why) < 0) ex_note(err, sizeof(err), f->name, why);
    }
    res_string(out, err, strlen(err));
}

void ex_row(ex_plan *p, const char *msg, size_t n, res_writer *out, arena *a) {
    if (p->lookups_only || !p->fast || !ex_fast(p, msg, n, a)) {
        arena_reset(a);
        ex_row_lookups(p, msg, n, out, a);
        return;
    }
    p->fast_rows++;
    char err[1024];
    err[0] = 0;
    for (int i = 0; i < p->nfields; i++) {
        const char *why;
        if (conv_write(out, &p->types[i], &p->picks[p->field_node[i]].val, a, &why) < 0)
            ex_note(err, sizeof(err), p->fields[i].name, why);
    }
    res_string(out, err, strlen(err));
}
