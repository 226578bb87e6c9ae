/* fnrun.h — a function object (udf.h) run in-process, as its binary would
 * run it, for the tests that compare functions or their two paths
 * (test_agreement.c, test_fast_slow.c); and the captured Debezium messages
 * of tests/fixtures they run it over.  Failures are cmocka failures of
 * the calling test. */
#ifndef CDC_TEST_FNRUN_H
#define CDC_TEST_FNRUN_H

#include <stddef.h>

#include "capture.h"
#include "udf.h"

/* One configured function (its own `self`), answering a row at a time in RowBinary. */
typedef struct fn_runner {
    const udf_function *fn;
    void *self;
    udf_signature sig;
    char *argv[64];       /* the configuration keeps pointers into them */
    capture cap;
    res_writer res;
} fn_runner;

/* args: the function's options, NULL-terminated (argv[0] is added). */
void fn_open(fn_runner *r, const udf_function *fn, void *self, const char *const *args);
void fn_close(fn_runner *r);

/* One message's answer: r->cap.data, r->cap.len (and the capture's file). */
void fn_answer(fn_runner *r, const char *msg, size_t n, arena *a);
/* The same for a function of several arguments (one per signature argument). */
void fn_answer_args(fn_runner *r, const udf_value *args, arena *a);

/* One record of a fixture file: its key's and value's bytes as the Kafka
 * engine hands them over (a null value, a tombstone, is no bytes). */
typedef struct fixture_record {
    const char *key;
    size_t key_len;
    int has_key;            /* 0: the key is null (a truncate) */
    const char *value;
    size_t value_len;
    int tombstone;          /* the value is null */
} fixture_record;

/* Every record of one .jsonl fixture file, in order (views valid during
 * the call).  A line that is not a record fails the test.  Returns the
 * number of records. */
size_t fixture_records(const char *path, void (*each)(void *ctx, const fixture_record *r), void *ctx);

/* The first record of tests/fixtures/debezium/with-schema/dbz.public.<table>.jsonl
 * that is not a tombstone: its key and value, malloc'd (free both). */
typedef struct fixture_change {
    char *key, *value;
} fixture_change;
fixture_change fixture_first_change(const char *fixtures_dir, const char *table);

/* A change event as the JSON converter writes it with schemas.enable=true:
 * before and after are structs of `fields` (the members of a JSON array of
 * field schemas), `before` and `after` JSON texts, source public.<table>
 * (`table` a JSON string, quotes included) at LSN `lsn`.  malloc'd. */
char *fixture_message(const char *fields, const char *before, const char *after, char op, const char *table,
                      unsigned long long lsn);

/* Every record of every .jsonl file in tests/fixtures/debezium/<sub>: its
 * value's bytes as the Kafka engine hands them over (a null value, a
 * tombstone, is no bytes), then its key's when `keys` and it has one.  A
 * line that is not a record fails the test.  Returns the number of values. */
size_t fixture_each(const char *fixtures_dir, const char *sub, int keys,
                    void (*each)(void *ctx, const char *msg, size_t n), void *ctx);

#endif
