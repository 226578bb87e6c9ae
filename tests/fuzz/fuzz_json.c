/* fuzz_json.c — libFuzzer target for the JSON scanner (udf/json.c).
 *
 * The input is one document.  Properties checked besides "no sanitizer
 * finding": the fast validator (json_validate) and a full walk with
 * iterators — once descending into every child, once letting the iterator
 * skip every other one — reach the same verdict; every key decodes to text
 * that json_key_equals accepts; and a set of dot-path lookups (including
 * descent into JSON held in strings) terminate with a consistent result.
 * And stage 1 changes nothing: every level this CPU has (udf/jsonidx.h)
 * gives json_answers.h's text exactly as the byte walker alone does. */
#include "fuzz_common.h"

#include "arena.h"
#include "json.h"
#include "jsonidx.h"

#define JSON_WALK_CHECK(cond, msg) do { if (!(cond)) fuzz_fail("%s", (msg)); } while (0)
#include "../support/json_walk.h"
#include "../support/json_answers.h"

static json_answers fuzz_reference, fuzz_answer;

static void fuzz_levels(const char *p, size_t n, arena *a) {
    jidx_use(JIDX_OFF);
    json_answers_of(&fuzz_reference, p, n, a);
    for (int l = 0; l < JIDX_NLEVELS; l++) {
        if (jidx_use((jidx_level)l) < 0) continue;
        json_answers_of(&fuzz_answer, p, n, a);
        if (fuzz_answer.n != fuzz_reference.n || memcmp(fuzz_answer.text, fuzz_reference.text, fuzz_answer.n))
            fuzz_fail("level %s answers differently from the byte walker:\n%s\n---\n%s", jidx_level_name((jidx_level)l),
                      fuzz_answer.text, fuzz_reference.text);
    }
}

static const char *const fuzz_paths[] = {
    "after.payload.id", "after.payload", "payload.after.id", "0", "0.0.a", "a.b.c",
    "payload", "after.payload.properties.page", "", "source.lsn", "1.x",
};

static void fuzz_lookups(const char *p, size_t n, arena *a) {
    for (size_t i = 0; i < sizeof(fuzz_paths) / sizeof(fuzz_paths[0]); i++) {
        json_value root, out;
        json_error err = {0, 0};
        if (json_open(p, n, &root, &err) < 0) return;
        int rc = json_lookup(&root, fuzz_paths[i], strlen(fuzz_paths[i]), a, &out, &err);
        if (rc == JSON_ERR && !err.msg) fuzz_fail("lookup error without a message");
        if (rc == JSON_FOUND) {
            if (out.type == JSON_NONE) fuzz_fail("lookup found a value of no type");
            if (json_finish(&out, &err) == 0 && json_walk_scalar(&out, a, &err) < 0)
                fuzz_fail("a value a lookup found failed to decode: %s", err.msg);
        }
        arena_reset(a);
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    const char *p = (const char *)data;
    json_error err = {0, 0};
    arena a;
    arena_init(&a);
    int valid = json_validate(p, size, &err) == 0;
    if (!valid && !err.msg) fuzz_fail("invalid without a message");
    json_error werr = {0, 0};
    int walked_all = json_walk_document(p, size, &a, 1, &werr) == 0;
    arena_reset(&a);
    int walked_some = json_walk_document(p, size, &a, 0, &werr) == 0;
    arena_reset(&a);
    if (valid != walked_all || valid != walked_some)
        fuzz_fail("verdicts differ: validate %d, full walk %d, partial walk %d", valid, walked_all, walked_some);
    fuzz_lookups(p, size, &a);
    fuzz_levels(p, size, &a);
    arena_free(&a);
    return 0;
}
