/* arena.c — bump allocator behind every row's scratch memory (see arena.h). */
#include "arena.h"
#include "fatal.h"

#include <stdlib.h>
#include <string.h>
#include <stdint.h>

#define ARENA_MIN_BLOCK (64 * 1024)
/* Blocks above this are returned to the system on reset, so one huge row does
 * not pin its memory for the life of the process. */
#define ARENA_KEEP_LIMIT (4 * 1024 * 1024)

struct arena_block {
    arena_block *next;
    size_t cap;
    _Alignas(max_align_t) unsigned char data[];
};

void arena_init(arena *a) {
    a->head = NULL;
    a->used = 0;
    a->total = 0;
}

static arena_block *arena_new_block(size_t cap, arena_block *next) {
    /* A request near SIZE_MAX would wrap the header's addition into a tiny block. */
    arena_block *b = cap <= SIZE_MAX - sizeof(*b) ? malloc(sizeof(*b) + cap) : NULL;
    if (!b) fatal_exit(EXIT_NOMEM, "out of memory allocating %zu bytes of row scratch", cap);
    b->next = next;
    b->cap = cap;
    return b;
}

void *arena_alloc(arena *a, size_t n) {
    size_t align = _Alignof(max_align_t);
    size_t off = (a->used + align - 1) & ~(align - 1);
    if (!a->head || off + n > a->head->cap || off + n < off) {
        size_t cap = a->head ? a->head->cap * 2 : ARENA_MIN_BLOCK;
        if (cap < n) cap = n;
        a->head = arena_new_block(cap, a->head);
        a->total += cap;
        off = 0;
    }
    a->used = off + n;
    return a->head->data + off;
}

char *arena_strdup(arena *a, const char *s, size_t n) {
    char *d = arena_alloc(a, n + 1);
    for (size_t i = 0; i < n; i++) d[i] = s[i];
    d[n] = 0;
    return d;
}

void *arena_grow(arena *a, const void *p, size_t used, size_t *cap, size_t size) {
    *cap = *cap ? *cap * 2 : 16;
    char *d = arena_alloc(a, *cap * size);
    if (used) memcpy(d, p, used * size);
    return d;
}

/* Keep only the newest (largest) block, and only if it is not oversized. */
void arena_reset(arena *a) {
    arena_block *b = a->head;
    if (!b) return;
    arena_block *rest = b->next;
    b->next = NULL;
    while (rest) {
        arena_block *n = rest->next;
        free(rest);
        rest = n;
    }
    if (b->cap > ARENA_KEEP_LIMIT) {
        free(b);
        a->head = NULL;
        a->total = 0;
    } else {
        a->total = b->cap;
    }
    a->used = 0;
}

void arena_free(arena *a) {
    arena_reset(a);
    free(a->head);
    arena_init(a);
}
