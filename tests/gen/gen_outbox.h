/* gen_outbox.h — change events of Debezium's default outbox table (id uuid,
 * aggregatetype, aggregateid, type, payload jsonb), as the PostgreSQL
 * connector writes them without the EventRouter SMT, and the numbers
 * sql/outbox must report.
 *
 * The application inserts events (snapshot rows first) and deletes each
 * row once published (a delete and its tombstone); now and then it updates
 * a row, which the SMT drops.  Aggregate types: order, customer and
 * shipment (the pipeline's tables) and invoice (routed to no table).  A few
 * events carry a null payload.  Redeliveries, and junk that must end in the
 * dead letters: the common CDC junk, events whose aggregatetype is null (no
 * topic) or makes a topic name Kafka refuses. */
#ifndef CDC_GEN_OUTBOX_H
#define CDC_GEN_OUTBOX_H

#include "gen.h"

#define GEN_OBX_TYPES 4
extern const char *const gen_obx_type_name[GEN_OBX_TYPES];   /* order customer shipment invoice */

typedef struct gen_obx_config {
    uint64_t seed;
    size_t events;
    double junk_rate, duplicate_rate, update_rate, null_payload_rate;
} gen_obx_config;

gen_obx_config gen_obx_config_for(uint64_t seed, size_t messages);

typedef struct gen_obx_result {
    gen_msgs msgs;
    uint64_t events[GEN_OBX_TYPES];       /* distinct events by aggregate type */
    uint64_t aggregates[GEN_OBX_TYPES];   /* distinct aggregate ids by type */
    uint64_t null_payloads;               /* events whose payload is null */
    uint64_t updates, deletes;            /* changes the SMT drops */
} gen_obx_result;

void gen_obx_generate(const gen_obx_config *cfg, gen_obx_result *out);
void gen_obx_result_free(gen_obx_result *r);

#endif
