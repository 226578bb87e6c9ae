/* json.h — single-pass, zero-copy JSON scanner.
 *
 * Why hand-written: Debian's C JSON libraries (json-c, jansson, cJSON) all
 * build a DOM of every message — one malloc per node and a copy of every
 * string — and read integers through `double` or `long long` with no way to
 * get the exact unsigned 64-bit value of an LSN.  A UDF that decodes a few
 * fields of a 900-byte message per row needs the opposite: walk only the
 * members a lookup asks for, skip the rest with a fast validating scan, and
 * hand back views into the caller's bytes.
 *
 * Model.  A json_value is a view [start, end) of one value inside a buffer
 * that ends at `limit`.  Scalars (null, true, false, numbers, strings) are
 * always fully validated when a value is produced.  Objects and arrays are
 * produced lazily: `end` is NULL until something walks them (an iterator that
 * reaches the closing bracket, or json_finish()).  Walking always validates:
 * structure, string contents (control characters, escapes, \uXXXX with
 * surrogate pairs — a lone surrogate is an error), number grammar, and
 * nesting depth (JSON_MAX_DEPTH; no recursion anywhere, so depth cannot
 * overflow the C stack).
 *
 * JSON inside a string.  The outbox pattern stores `payload` as JSON text in
 * a string; json_lookup() descends into such a string transparently when the
 * path continues below it, decoding the string into the caller's arena and
 * scanning the decoded text.
 *
 * Errors carry a static message and the byte offset into the buffer where
 * scanning stopped; no error path allocates. */
#ifndef CDC_JSON_H
#define CDC_JSON_H

#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "arena.h"

#define JSON_MAX_DEPTH 1024

typedef enum json_type {
    JSON_NONE = 0,     /* no value (not found / error) */
    JSON_NULL,
    JSON_FALSE,
    JSON_TRUE,
    JSON_NUMBER,
    JSON_STRING,
    JSON_OBJECT,
    JSON_ARRAY
} json_type;

typedef struct json_value {
    json_type type;
    const char *start;   /* first byte: '"' of a string, '{' or '[' of a container */
    const char *end;     /* one past the last byte; NULL for a container not yet walked */
    const char *limit;   /* end of the buffer this value lives in */
    int depth;           /* nesting depth of this value (root = 0) */
    int escaped;         /* strings: 1 if the contents hold a backslash escape */
} json_value;

typedef struct json_error {
    const char *msg;     /* static text, e.g. "unterminated string" */
    const char *where;   /* byte at which scanning stopped (may be NULL) */
} json_error;

/* Return codes of lookups. */
enum {
    JSON_ERR = -1,       /* malformed JSON (err filled) */
    JSON_MISSING = 0,    /* path does not exist */
    JSON_FOUND = 1
};

/* Name of a type for messages: "null", "boolean", "number", "string", "object", "array". */
const char *json_type_name(json_type t);

/* Open the document [p, p+n): skip leading whitespace, produce the root value
 * (scalar fully validated, container lazy).  Empty / whitespace-only input is
 * an error ("empty document").  Returns 0 or -1. */
int json_open(const char *p, size_t n, json_value *root, json_error *err);

/* Make sure v->end is known: walks (and validates) a container not yet walked.
 * No-op for scalars and already-walked containers.  Returns 0 or -1. */
int json_finish(json_value *v, json_error *err);

/* End of a document: walk root if needed, then require that only
 * whitespace follows it up to root->limit ("trailing characters after
 * document" otherwise).  Returns 0 or -1. */
int json_close(json_value *root, json_error *err);

/* Full validation of a document: json_open + json_finish + only whitespace
 * after the root.  Returns 0 or -1.  (JSONTestSuite's y_/n_ verdict.) */
int json_validate(const char *p, size_t n, json_error *err);

/* Iteration over an object's members or an array's elements.  Each produced
 * value follows json_value's rules (containers lazy).  The iterator skips an
 * un-walked container by itself before producing the next item, unless the
 * caller has walked it with a child iterator and called json_iter_resume(). */
typedef struct json_iter {
    const char *p;        /* next byte to scan */
    const char *limit;
    json_value *owner;    /* the container; its end is set when iteration reaches ']'/'}' */
    json_value pending;   /* last produced value (may be an un-walked container) */
    int depth;            /* depth of the items produced */
    int count;            /* items produced so far */
    json_error *err;
} json_iter;

/* c must be JSON_OBJECT or JSON_ARRAY.  Returns 0 or -1 (wrong type). */
int json_iter_init(json_iter *it, json_value *c, json_error *err);
/* Objects: 1 = produced (key is a JSON_STRING value, quotes included), 0 = end, -1 = error. */
int json_iter_member(json_iter *it, json_value *key, json_value *val);
/* Arrays: 1 = produced, 0 = end, -1 = error. */
int json_iter_element(json_iter *it, json_value *val);
/* The pending container was walked by the caller: continue after it. */
void json_iter_resume(json_iter *it, const json_value *walked);

/* json_key_equals' slow path: a key with escapes, compared as it decodes. */
int json_key_equals_decoded(const json_value *key, const char *s, size_t n);
/* 1 when the string value `key` (quotes included, escapes allowed) decodes to exactly [s, s+n).
 * Inline for the common unescaped key: a caller comparing with a literal
 * gets a length test and a fixed-size compare, no call. */
static inline int json_key_equals(const json_value *key, const char *s, size_t n) {
    if (key && key->type == JSON_STRING && !key->escaped && key->start && key->end && key->end - key->start >= 2)
        return (size_t)(key->end - key->start) - 2 == n && (n == 0 || memcmp(key->start + 1, s, n) == 0);
    return json_key_equals_decoded(key, s, n);
}

/* Find member `name` of object `obj` (first occurrence, like ClickHouse's
 * JSONExtract).  JSON_FOUND / JSON_MISSING / JSON_ERR.  A non-object `obj` is
 * JSON_MISSING. */
int json_find(json_value *obj, const char *name, size_t n, json_value *out, json_error *err);

/* Follow a dot-separated path ("after.payload.id") from `root`.  A segment
 * that is all digits also indexes arrays.  When the current value is a
 * string and segments remain, the string is decoded into `a` and scanned as
 * a JSON document (the outbox payload).  An empty path yields root.
 * JSON_FOUND / JSON_MISSING / JSON_ERR.  On JSON_MISSING, err->msg says why
 * when the path stopped at a value of the wrong type (e.g. "path step
 * reached a number"), else it is NULL. */
int json_lookup(json_value *root, const char *path, size_t n, arena *a, json_value *out, json_error *err);

/* The document held in string `v` when its text opens an object or array
 * (the outbox payload): decoded into `a` once and produced, lazily, in *doc
 * — what json_lookup does at each step that goes on below such a string.
 * JSON_FOUND, JSON_MISSING when the text is anything else (v is left for
 * json_lookup to judge), JSON_ERR when v is not a usable string. */
int json_string_document(const json_value *v, arena *a, json_value *doc, json_error *err);

/* Picking members during one validating walk.  A caller describes the
 * member names it wants as a tree (nodes[0] is the container walked; a
 * node's children are the names looked up in the object that node's value
 * is), and json_finish_pick() walks and validates the whole container
 * exactly as json_finish() does while filling, for every node, the value
 * of the FIRST member of that name (as json_find takes it) and how many
 * members had that name.  A name that is all digits also picks that
 * element of an array (as json_lookup's path steps do); containers of
 * picked nodes are recorded walked (end set), and the walk descends into a
 * container only where the tree goes deeper.
 * Nothing is decoded: JSON held in a string is the caller's next step. */
typedef struct json_pick_node {
    const char *key;          /* the member name, decoded (not NUL-terminated) */
    size_t key_len;
    int first_child, next_sibling;   /* node indices, -1 = none */
    /* set by json_pick_index() */
    int parent;
    uint64_t sig;
    size_t index;             /* the array element the name is (all digits), else SIZE_MAX */
} json_pick_node;

/* The tree plus a hash of (parent, name) -> child, so that matching a key
 * costs one probe whatever the number of names wanted. */
#define JSON_PICK_MAX_NODES 512
typedef struct json_pick_tree {
    json_pick_node nodes[JSON_PICK_MAX_NODES];
    int nnodes;
    int slot[2 * JSON_PICK_MAX_NODES];   /* node index or -1 */
} json_pick_tree;

/* Build the hash once the nodes are final: 0, or -1 when the tree has too
 * many links for the table (then it cannot be used). */
int json_pick_index(json_pick_tree *t);

typedef struct json_pick {
    json_value val;           /* the first occurrence (type JSON_NONE if none) */
    int count;                /* occurrences */
    /* A picked string whose node has children (JSON held in the string):
     * its decoded text when the walk decoded it on the way (given an arena),
     * else NULL — then json_string() decodes it. */
    const char *text;
    size_t text_len;
} json_pick;

/* Levels below the walked container that picking follows; deeper members are validated, never picked. */
#define JSON_PICK_DEPTH 32

/* v: an object or array (walked or not).  picks[] has one slot per node;
 * the caller clears the slots of the subtree (count 0, type JSON_NONE,
 * text NULL).  *others, when not NULL, gets the number of members of v
 * itself whose name matched no child of node `root`.  With an arena `a`,
 * strings holding JSON that the tree goes on into are decoded during the
 * walk when that is cheap (json_pick.text).  Returns 0, or -1 with err. */
int json_finish_pick(json_value *v, const json_pick_tree *t, int root, json_pick *picks, int *others, arena *a,
                     json_error *err);

/* One escape at p (*p == '\\') or one multi-byte UTF-8 sequence at p
 * (*p >= 0x80), checked exactly as the walker checks it: the byte after it,
 * or NULL (err, when not NULL, says why).  Stage 1 (jsonidx.c) checks with
 * these what its bitmasks leave open. */
const char *json_escape_end(const char *p, const char *lim, json_error *err);
const char *json_utf8_end(const char *p, const char *lim, json_error *err);

/* Walks of a container by stage 1's index so far, and how many of them
 * gave up to the byte walk (invalid JSON, or what stage 1 leaves to it). */
void json_index_counts(unsigned long *walks, unsigned long *give_ups);

/* The length of a value's JSON text, [start, end): a scalar, or a container
 * once walked.  A string's decoded bytes never exceed it. */
static inline size_t json_raw_len(const json_value *v) { return (size_t)(v->end - v->start); }

/* Decode a JSON_STRING's contents (no quotes) into UTF-8.  Zero-copy when the
 * string has no escapes: *out points into the original buffer.  Otherwise the
 * bytes are written to memory from `a`.  Returns 0, or -1 with err. */
int json_string(const json_value *v, arena *a, const char **out, size_t *len, json_error *err);

/* Exact number conversion of a JSON_NUMBER.  Return 0 on success; -1 when the
 * number is not an integer (has '.', 'e'), 1 when it is out of range. */
int json_number_i64(const json_value *v, int64_t *out);
int json_number_u64(const json_value *v, uint64_t *out);

#endif
