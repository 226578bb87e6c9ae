/* arena.h — per-row scratch memory.
 *
 * A row decoder needs short-lived bytes: decoded JSON strings, the JSON text
 * held inside an outbox `payload` string, formatted numbers.  Allocating them
 * one by one with malloc would dominate the cost of a 900-byte row, so every
 * row borrows from a bump allocator that the driver resets between rows.
 * Memory is kept across rows (grown to the largest row seen), which is what
 * bounds a UDF process's resident size to a small constant plus a few times
 * the largest row. */
#ifndef CDC_ARENA_H
#define CDC_ARENA_H

#include <stddef.h>

typedef struct arena_block arena_block;

typedef struct arena {
    arena_block *head;    /* block currently served from */
    size_t used;          /* bytes used in head */
    size_t total;         /* bytes held in all blocks */
} arena;

void arena_init(arena *a);
/* Never returns NULL: out of memory aborts the process with a message,
 * because a UDF that cannot allocate cannot answer its rows either. */
void *arena_alloc(arena *a, size_t n);
char *arena_strdup(arena *a, const char *s, size_t n);
/* An array that grows in the arena: a copy of the `used` elements (each
 * `size` bytes) of p with room for twice *cap (16 when *cap is 0), which
 * becomes the new *cap.  The old copy stays until the arena is reset. */
void *arena_grow(arena *a, const void *p, size_t used, size_t *cap, size_t size);
/* Forget every allocation but keep (at most a bounded amount of) memory. */
void arena_reset(arena *a);
void arena_free(arena *a);

#endif
