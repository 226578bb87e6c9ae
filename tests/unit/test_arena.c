/* test_arena.c — unit tests for udf/arena.c, the per-row scratch memory.
 *
 * What the row decoders rely on: every allocation is aligned for any type
 * and stays intact until the reset, whatever is allocated after it (across
 * block boundaries too); a reset keeps the newest block, so rows of a size
 * already seen allocate nothing; and one huge row does not pin its memory
 * (blocks above 4 MiB, ARENA_KEEP_LIMIT in arena.c, are given back); a
 * request no block can hold is the out-of-memory exit, never a short block. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "arena.h"
#include "fatal.h"

#define KIB ((size_t)1024)
#define MIB (1024 * KIB)

static void fill(unsigned char *p, size_t n, unsigned seed) {
    for (size_t i = 0; i < n; i++) p[i] = (unsigned char)(seed * 131 + i);
}

static int intact(const unsigned char *p, size_t n, unsigned seed) {
    for (size_t i = 0; i < n; i++)
        if (p[i] != (unsigned char)(seed * 131 + i)) return 0;
    return 1;
}

/* 2000 allocations of odd sizes over several blocks: each aligned, none
 * overlapping another, every one still holding its bytes at the end. */
static void test_allocations_aligned_and_intact(void **state) {
    (void)state;
    enum { N = 2000 };
    static unsigned char *at[N];
    static size_t len[N];
    arena a;
    arena_init(&a);
    for (unsigned i = 0; i < N; i++) {
        len[i] = (size_t)(i * 37 % 501);
        if (i % 250 == 0) len[i] = 40 * KIB;          /* forces new blocks */
        at[i] = arena_alloc(&a, len[i]);
        assert_non_null(at[i]);
        assert_int_equal((uintptr_t)at[i] % _Alignof(max_align_t), 0);
        fill(at[i], len[i], i);
    }
    for (unsigned i = 0; i < N; i++) assert_true(intact(at[i], len[i], i));
    assert_true(a.total >= 2 * 64 * KIB);             /* it did take several blocks */
    arena_free(&a);
}

/* Zero bytes is a valid request: a usable pointer, distinct from the next. */
static void test_zero_bytes(void **state) {
    (void)state;
    arena a;
    arena_init(&a);
    void *p = arena_alloc(&a, 0);
    char *q = arena_alloc(&a, 1);
    assert_non_null(p);
    assert_non_null(q);
    *q = 'x';
    assert_int_equal(*q, 'x');
    arena_free(&a);
}

/* A copy with NUL bytes inside, terminated; the source may be unterminated. */
static void test_strdup(void **state) {
    (void)state;
    arena a;
    arena_init(&a);
    static const char src[] = {'a', 0, 'b', 'c'};
    char *d = arena_strdup(&a, src, sizeof src);
    assert_memory_equal(d, "a\0bc", 5);
    char *e = arena_strdup(&a, "", 0);
    assert_int_equal(e[0], 0);
    assert_memory_equal(d, "a\0bc", 5);               /* untouched by the next copy */
    arena_free(&a);
}

/* The first block is 64 KiB; a block that overflows doubles; a request
 * larger than that gets a block of exactly its size. */
/* arena_grow: the elements kept, the capacity doubled from 16. */
static void test_grow(void **state) {
    (void)state;
    arena a;
    arena_init(&a);
    size_t cap = 0, n = 0;
    uint32_t *v = NULL;
    for (uint32_t i = 0; i < 100; i++) {
        if (n == cap) v = arena_grow(&a, v, n, &cap, sizeof(*v));
        v[n++] = i * 7;
    }
    assert_int_equal(cap, 128);
    for (uint32_t i = 0; i < 100; i++) assert_int_equal(v[i], i * 7);
    arena_free(&a);
}

static void test_block_growth(void **state) {
    (void)state;
    arena a;
    arena_init(&a);
    assert_int_equal(a.total, 0);
    arena_alloc(&a, 10);
    assert_int_equal(a.total, 64 * KIB);
    arena_alloc(&a, 64 * KIB - 8);                    /* 16 (10 aligned) + 65528 > 65536: next block */
    assert_int_equal(a.total, 64 * KIB + 128 * KIB);
    arena_alloc(&a, 1 * MIB);                         /* more than double: its own size */
    assert_int_equal(a.total, 64 * KIB + 128 * KIB + 1 * MIB);
    arena_free(&a);
    assert_int_equal(a.total, 0);
    assert_null(a.head);
}

/* Reset keeps only the newest block: the next row of the same size reuses
 * it (nothing new is allocated, the same memory is handed out again). */
static void test_reset_reuses_memory(void **state) {
    (void)state;
    arena a;
    arena_init(&a);
    for (int i = 0; i < 100; i++) arena_alloc(&a, 3 * KIB);  /* 300 KiB over 64+128+256 KiB blocks */
    size_t newest = 256 * KIB;
    assert_int_equal(a.total, 64 * KIB + 128 * KIB + newest);
    arena_reset(&a);
    assert_int_equal(a.total, newest);
    assert_int_equal(a.used, 0);
    void *first = arena_alloc(&a, 3 * KIB);
    for (int i = 1; i < 80; i++) arena_alloc(&a, 3 * KIB);   /* 240 KiB: fits the kept block */
    assert_int_equal(a.total, newest);
    arena_reset(&a);
    assert_ptr_equal(arena_alloc(&a, 3 * KIB), first);
    arena_free(&a);
}

/* A huge row's block (over 4 MiB) is freed by the reset; a 4 MiB one is kept. */
static void test_reset_releases_huge_block(void **state) {
    (void)state;
    arena a;
    arena_init(&a);
    arena_alloc(&a, 5 * MIB);
    assert_true(a.total >= 5 * MIB);
    arena_reset(&a);
    assert_int_equal(a.total, 0);
    assert_null(a.head);
    char *p = arena_alloc(&a, 100);                   /* usable again: a fresh first block */
    memset(p, 1, 100);
    assert_int_equal(a.total, 64 * KIB);
    arena_free(&a);

    arena_init(&a);
    arena_alloc(&a, 4 * MIB);
    arena_reset(&a);
    assert_int_equal(a.total, 4 * MIB);
    arena_free(&a);
}

/* A size near SIZE_MAX once wrapped the block header's addition into a
 * tiny malloc that claimed to hold it; now it is the out-of-memory exit. */
static void test_impossible_size_is_out_of_memory(void **state) {
    (void)state;
    pid_t pid = fork();
    assert_true(pid >= 0);
    if (pid == 0) {
        arena a;
        arena_init(&a);
        arena_alloc(&a, SIZE_MAX - 8);
        _exit(0);                                        /* a short block was handed out */
    }
    int status = 0;
    assert_int_equal(waitpid(pid, &status, 0), pid);
    assert_true(WIFEXITED(status));
    assert_int_equal(WEXITSTATUS(status), EXIT_NOMEM);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_allocations_aligned_and_intact),
        cmocka_unit_test(test_zero_bytes),
        cmocka_unit_test(test_strdup),
        cmocka_unit_test(test_grow),
        cmocka_unit_test(test_block_growth),
        cmocka_unit_test(test_reset_reuses_memory),
        cmocka_unit_test(test_reset_releases_huge_block),
        cmocka_unit_test(test_impossible_size_is_out_of_memory),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
