/* cdc_gen.c — writes generated messages for one pipeline, one per line.
 *
 *   cdc_gen experiments|orders|campaigns|adtech [--seed N] [--messages N] [--summary]
 *
 * Lines are TabSeparated-escaped, ready for
 *   INSERT INTO <kafka table swapped for Null>
 *   SELECT * FROM file('messages.tsv', 'TabSeparated', 'message String')
 * With --summary, what was generated (message kinds, the expected numbers)
 * goes to stderr. */
#include "gen_adtech.h"
#include "gen_campaigns.h"
#include "gen_experiments.h"
#include "gen_orders.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct cg_options {
    const char *pipeline;
    uint64_t seed;
    size_t messages;
    int summary;
} cg_options;

static void cg_kinds(const gen_msgs *m) {
    fprintf(stderr, "messages %zu: changes %zu, tombstones %zu, ignored %zu, duplicates %zu, junk %zu\n", m->n,
            gen_msgs_count(m, GEN_CHANGE), gen_msgs_count(m, GEN_TOMBSTONE), gen_msgs_count(m, GEN_IGNORED),
            gen_msgs_count(m, GEN_DUPLICATE), gen_msgs_count(m, GEN_JUNK));
}

static int cg_experiments(const cg_options *o) {
    gen_exp_config c = gen_exp_config_for(o->seed, o->messages);
    gen_exp_result r;
    gen_exp_generate(&c, &r);
    int rc = gen_msgs_write_tsv(&r.msgs, stdout);
    if (o->summary) {
        cg_kinds(&r.msgs);
        for (int i = 0; i < GEN_EXP_VARIANTS; i++) {
            const gen_exp_variant *v = &r.variants[i];
            fprintf(stderr, "experiment %u variant %u %-9s users %llu converters %llu revenue %lld.%02lld\n",
                    v->experiment_id, v->variant_id, v->key, (unsigned long long)v->users,
                    (unsigned long long)v->converters, (long long)(v->revenue_cents / 100), (long long)(v->revenue_cents % 100));
        }
    }
    gen_exp_result_free(&r);
    return rc;
}

static int cg_orders(const cg_options *o) {
    gen_ord_config c = gen_ord_config_for(o->seed, o->messages);
    gen_ord_result r;
    gen_ord_generate(&c, &r);
    int rc = gen_msgs_write_tsv(&r.msgs, stdout);
    if (o->summary) {
        cg_kinds(&r.msgs);
        fprintf(stderr, "orders live %zu, deleted %zu\n", r.nlive, r.ndeleted);
    }
    gen_ord_result_free(&r);
    return rc;
}

static int cg_campaigns(const cg_options *o) {
    gen_cmp_config c = gen_cmp_config_for(o->seed, o->messages);
    gen_cmp_result r;
    gen_cmp_generate(&c, &r);
    int rc = gen_msgs_write_tsv(&r.msgs, stdout);
    if (o->summary) {
        cg_kinds(&r.msgs);
        fprintf(stderr, "email events %llu\n", (unsigned long long)r.events);
    }
    gen_cmp_result_free(&r);
    return rc;
}

static int cg_adtech(const cg_options *o) {
    gen_ad_config c = gen_ad_config_for(o->seed, o->messages);
    gen_ad_result r;
    gen_ad_generate(&c, &r);
    int rc = gen_msgs_write_tsv(&r.msgs, stdout);
    if (o->summary) {
        cg_kinds(&r.msgs);
        fprintf(stderr, "impressions %llu, clicks %llu (live)\n", (unsigned long long)r.impressions, (unsigned long long)r.clicks);
    }
    gen_ad_result_free(&r);
    return rc;
}

static int cg_usage(void) {
    fprintf(stderr, "usage: cdc_gen experiments|orders|campaigns|adtech [--seed N] [--messages N] [--summary]\n");
    return 64;
}

int main(int argc, char **argv) {
    cg_options o = {NULL, 1, 300000, 0};
    for (int i = 1; i < argc; i++) {
        if (!strcmp(argv[i], "--seed") && i + 1 < argc) o.seed = strtoull(argv[++i], NULL, 10);
        else if (!strcmp(argv[i], "--messages") && i + 1 < argc) o.messages = strtoull(argv[++i], NULL, 10);
        else if (!strcmp(argv[i], "--summary")) o.summary = 1;
        else if (argv[i][0] != '-' && !o.pipeline) o.pipeline = argv[i];
        else return cg_usage();
    }
    if (!o.pipeline || o.messages == 0) return cg_usage();
    int rc;
    if (!strcmp(o.pipeline, "experiments")) rc = cg_experiments(&o);
    else if (!strcmp(o.pipeline, "orders")) rc = cg_orders(&o);
    else if (!strcmp(o.pipeline, "campaigns")) rc = cg_campaigns(&o);
    else if (!strcmp(o.pipeline, "adtech")) rc = cg_adtech(&o);
    else return cg_usage();
    if (fflush(stdout) != 0 || rc != 0) {
        perror("cdc_gen: writing");
        return 74;
    }
    return 0;
}
