/* stages.c — where a decoder's time goes: the benchmark's stage profile.
 *
 * One function binary runs on one input file under `perf record` (Debian's
 * linux-perf; cpu-clock samples, so it works in a VM without hardware
 * counters), and every sample is put in the stage its function belongs to,
 * by the module prefixes of udf/ (one prefix per module is what makes this
 * possible):
 *
 *   index       jidx_*            stage 1: the structural index (--simd)
 *   walk        json_* but the decoders below: the grammar, the picking
 *   decode      json_string, json_scan_decode, json_unescape*: strings
 *               unescaped (the outbox payload)
 *   convert     conv_*, ts_*, dbz_*, ex_*, javanum_*: typed values
 *   output      res_*, rb_*, tsv_*, native_*, io_write, io_reserve
 *   pipe        the kernel ([k] symbols: pipe copies, page faults), in_*, io_read
 *   other       everything else (libc's memmove and the like)
 *
 * Each stage gets its share of the samples and, from the run's CPU time,
 * nanoseconds and cycles per input byte (cycles at the TSC's nominal rate
 * from /proc/cpuinfo: a VM shows no cycle counter).  Numbers are printed,
 * never asserted. */
#include "stages.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

static const char *const stage_names[STAGES_N] = {"index", "walk", "decode", "convert", "output", "pipe", "other"};

const char *stages_name(int s) { return s >= 0 && s < STAGES_N ? stage_names[s] : "?"; }

static int starts(const char *s, const char *prefix) { return strncmp(s, prefix, strlen(prefix)) == 0; }

/* The stage of one symbol as perf prints it ("[.] json_skip_pick", "[k] ..."). */
static int stage_of(const char *kind, const char *sym) {
    if (!strcmp(kind, "[k]")) return STAGE_PIPE;
    if (starts(sym, "jidx_")) return STAGE_INDEX;
    if (starts(sym, "json_string") || starts(sym, "json_scan_decode") || starts(sym, "json_unescape"))
        return STAGE_DECODE;
    if (starts(sym, "json_")) return STAGE_WALK;
    if (starts(sym, "conv_") || starts(sym, "ts_") || starts(sym, "dbz_") || starts(sym, "ex_") ||
        starts(sym, "javanum_"))
        return STAGE_CONVERT;
    if (starts(sym, "res_") || starts(sym, "rb_") || starts(sym, "tsv_") || starts(sym, "native_") ||
        starts(sym, "io_write") || starts(sym, "io_reserve"))
        return STAGE_OUTPUT;
    if (starts(sym, "in_") || starts(sym, "io_read")) return STAGE_PIPE;
    return STAGE_OTHER;
}

/* The TSC's nominal rate in GHz (the first "cpu MHz" line), or 0. */
static double tsc_ghz(void) {
    FILE *f = fopen("/proc/cpuinfo", "r");
    char line[256];
    double mhz = 0;
    while (f && fgets(line, sizeof(line), f))
        if (!strncmp(line, "cpu MHz", 7) && strchr(line, ':')) {
            mhz = atof(strchr(line, ':') + 1);
            break;
        }
    if (f) fclose(f);
    return mhz / 1000;
}

static int run_shell(const char *cmd) {
    int st = system(cmd);
    return st != -1 && WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

int stages_profile(char *const *argv, const char *input, const char *work, stages_result *r) {
    memset(r, 0, sizeof(*r));
    struct stat sb;
    if (stat(input, &sb) != 0) return snprintf(r->why, sizeof(r->why), "no input %s", input), -1;
    r->bytes = (double)sb.st_size;
    if (run_shell("perf --version >/dev/null 2>&1") != 0)
        return snprintf(r->why, sizeof(r->why), "perf is not installed (Debian's linux-perf)"), -1;
    char cmd[8192], data[4096], report[4096];
    snprintf(data, sizeof(data), "%s/stages.perf", work);
    snprintf(report, sizeof(report), "%s/stages.txt", work);
    size_t n = (size_t)snprintf(cmd, sizeof(cmd), "perf record -q -e cpu-clock -F 10000 -o %s --", data);
    for (int i = 0; argv[i] && n < sizeof(cmd) - 256; i++) n += (size_t)snprintf(cmd + n, sizeof(cmd) - n, " '%s'", argv[i]);
    snprintf(cmd + n, sizeof(cmd) - n, " --no-sandbox < '%s' > /dev/null 2>%s.err", input, data);
    if (run_shell(cmd) != 0) return snprintf(r->why, sizeof(r->why), "perf record failed (see %s.err)", data), -1;
    /* -F period: a cpu-clock sample's period is the CPU nanoseconds it stands
     * for, so their sum is the run's CPU time. */
    snprintf(cmd, sizeof(cmd), "perf report -q -i %s --no-children --sort sym -F period,sym --stdio > %s 2>/dev/null", data,
             report);
    if (run_shell(cmd) != 0) return snprintf(r->why, sizeof(r->why), "perf report failed"), -1;
    FILE *f = fopen(report, "r");
    if (!f) return snprintf(r->why, sizeof(r->why), "no perf report"), -1;
    char line[1024];
    double ns[STAGES_N] = {0}, total = 0;
    while (fgets(line, sizeof(line), f)) {
        double period;
        char kind[8], sym[512];
        if (sscanf(line, " %lf %7s %511s", &period, kind, sym) != 3) continue;
        ns[stage_of(kind, sym)] += period;
        total += period;
    }
    fclose(f);
    for (int s = 0; s < STAGES_N && total > 0; s++) r->share[s] = ns[s] / total;
    r->cpu_s = total / 1e9;
    unlink(data);
    r->ghz = tsc_ghz();
    if (r->cpu_s <= 0) return snprintf(r->why, sizeof(r->why), "perf recorded no sample"), -1;
    return 0;
}

void stages_md(FILE *md, const char *what, const stages_result *r) {
    if (r->why[0]) {
        fprintf(md, "| %s | no profile: %s |\n", what, r->why);
        return;
    }
    fprintf(md, "| %s | %.2f GB/s |", what, r->bytes / r->cpu_s / 1e9);
    for (int s = 0; s < STAGES_N; s++) {
        double ns = r->share[s] * r->cpu_s * 1e9 / r->bytes;
        fprintf(md, " %.0f %% · %.3f ns · %.2f c |", r->share[s] * 100, ns, ns * r->ghz);
    }
    fprintf(md, "\n");
}

void stages_md_head(FILE *md) {
    fprintf(md, "| decoder, input | GB/s per core (profiled) |");
    for (int s = 0; s < STAGES_N; s++) fprintf(md, " %s |", stage_names[s]);
    fprintf(md, "\n|---|--:|");
    for (int s = 0; s < STAGES_N; s++) fprintf(md, "--:|");
    fprintf(md, "\n");
}
