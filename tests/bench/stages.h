/* stages.h — the benchmark's stage profile (stages.c says how it is made). */
#ifndef CDC_BENCH_STAGES_H
#define CDC_BENCH_STAGES_H

#include <stdio.h>

enum { STAGE_INDEX, STAGE_WALK, STAGE_DECODE, STAGE_CONVERT, STAGE_OUTPUT, STAGE_PIPE, STAGE_OTHER, STAGES_N };

typedef struct stages_result {
    double share[STAGES_N];   /* of the samples, 0..1 */
    double cpu_s;             /* the run's CPU time */
    double bytes;             /* the input's size */
    double ghz;               /* the TSC's nominal rate (cycles per byte = ns per byte x ghz) */
    char why[256];            /* set when there is no profile */
} stages_result;

/* Runs argv (a function binary and its options) with stdin = input under
 * perf; work: a directory for perf's files.  0, or -1 with r->why. */
int stages_profile(char *const *argv, const char *input, const char *work, stages_result *r);
const char *stages_name(int stage);
/* The table: its head, then one row per profile (share, ns and cycles per input byte). */
void stages_md_head(FILE *md);
void stages_md(FILE *md, const char *what, const stages_result *r);

#endif
