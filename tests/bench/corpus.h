/* corpus.h — the benchmark's messages: seed-shaped outbox change events.
 *
 * Row i is generated from a generator seeded with i alone, so the corpus
 * without the schema envelope and the one with it hold the very same rows,
 * and any row can be rebuilt on its own.  The shape is the seed's
 * (tests/fixtures/debezium/…/outbox_events): op c/r/u, PostgreSQL source
 * block, `after.payload` a JSON string written the way PostgreSQL's jsonb
 * prints it (`"k" : v, `), holding id, experiment_id, user_id, variant_id,
 * variant_key, event_type, timestamp, assignment_at (null 20%), properties,
 * session_id (null 10%).  A few user ids hold a quote or an accent, so the
 * doubly escaped text of real payloads is exercised.
 *
 * `properties` is written compact with numbers in their shortest form:
 * that is the text ClickHouse's JSONExtractRaw and Python's json.dumps
 * print back, so every variant of the benchmark yields identical columns
 * (our functions return the JSON text as it is in the message).
 *
 * Two shapes of the same rows (issue 14: the decoders are sensitive to the
 * shape of the escapes): CORPUS_JSONB, the payload as PostgreSQL's jsonb
 * prints it, and CORPUS_COMPACT, every level as ClickHouse's toJSONString
 * writes it: no spaces, and '/' escaped as `\/` in the payload's strings
 * and again in the message, so a page path reads `\\\/home` there. */
#ifndef CDC_BENCH_CORPUS_H
#define CDC_BENCH_CORPUS_H

#include <stddef.h>
#include <stdint.h>

#include "itest.h"

typedef enum corpus_shape { CORPUS_JSONB, CORPUS_COMPACT, CORPUS_NSHAPES } corpus_shape;

/* Appends message `row` (without / with the schema envelope) in `shape` to
 * out; the row's values in *o when o != NULL (`properties` as the payload
 * holds it, so with `\/` in the compact shape). */
void corpus_message(uint64_t row, int envelope, corpus_shape shape, itest_buf *out, itest_outbox *o);

#endif
