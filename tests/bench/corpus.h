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
 * (our functions return the JSON text as it is in the message). */
#ifndef CDC_BENCH_CORPUS_H
#define CDC_BENCH_CORPUS_H

#include <stddef.h>
#include <stdint.h>

#include "itest.h"

/* Appends message `row` (without / with the schema envelope) to out; the
 * row's values in *o when o != NULL. */
void corpus_message(uint64_t row, int envelope, itest_buf *out, itest_outbox *o);

#endif
