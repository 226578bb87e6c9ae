/* fn_is_valid_after_assignment.c — is_valid_after_assignment(event_ts, assignment_at) -> UInt8.
 *
 * An A/B-test event counts only if it happened at or after the user's
 * assignment to the experiment.  1 when there is no assignment time (NULL
 * or ''); otherwise both instants are parsed (ISO-8601 in any zone, or epoch
 * numbers) and compared in UTC at microsecond precision.  An unparseable
 * event_ts or assignment_at gives 0; such rows are counted in one stderr
 * line per block, not per row, which names the first unparseable value of
 * the block and its argument (within a row, assignment_at is read first).
 *
 * `--args DateTime64` switches the signature to two Nullable(DateTime64(6,
 * 'UTC')) arguments, for columns that are already typed. */
#include "timestamp.h"
#include "udf.h"

#include <stdio.h>
#include <string.h>

typedef struct va_state {
    int typed;                  /* DateTime64 arguments instead of text */
    long bad_rows;
    char first_bad[160];
} va_state;

static int va_configure(void *self, int argc, char **argv, udf_signature *sig, char *why, size_t cap) {
    va_state *st = self;
    for (int i = 1; i < argc; i++) {
        if (!strcmp(argv[i], "--args") && i + 1 < argc && !strcmp(argv[i + 1], "DateTime64")) {
            st->typed = 1;
            i++;
        } else if (!strcmp(argv[i], "--args") && i + 1 < argc && !strcmp(argv[i + 1], "String")) {
            st->typed = 0;
            i++;
        } else {
            snprintf(why, cap, "unknown option '%s'", argv[i]);
            return -1;
        }
    }
    const char *t = st->typed ? "Nullable(DateTime64(6, 'UTC'))" : "Nullable(String)";
    udf_sig_arg(sig, "event_ts", t);
    udf_sig_arg(sig, "assignment_at", t);
    udf_sig_result(sig, "is_valid", "UInt8");
    return 0;
}

static void va_note_bad(va_state *st, const char *arg, const udf_value *v, const char *why) {
    if (st->bad_rows++) return;
    snprintf(st->first_bad, sizeof(st->first_bad), "%s '%.*s' (%s)", arg, (int)(v->n > 40 ? 40 : v->n), v->s, why);
}

/* 1 = parsed into *us, 0 = absent (NULL or empty), -1 = unparseable. */
static int va_instant(const va_state *st, const udf_value *v, int64_t *us, const char **why) {
    if (v->is_null) return 0;
    if (st->typed) {
        *us = v->ticks;
        return 1;
    }
    if (v->n == 0) return 0;
    return ts_parse(v->s, v->n, 6, us, why) == 0 ? 1 : -1;
}

static void va_row(void *self, const udf_value *args, res_writer *out, arena *a) {
    va_state *st = self;
    int64_t ev, as;
    const char *why = "";
    (void)a;
    int has_as = va_instant(st, &args[1], &as, &why);
    if (has_as == 0) {
        res_uint(out, 1);
        return;
    }
    if (has_as < 0) va_note_bad(st, "assignment_at", &args[1], why);
    int has_ev = va_instant(st, &args[0], &ev, &why);
    if (has_ev < 0) va_note_bad(st, "event_ts", &args[0], why);
    res_uint(out, has_as > 0 && has_ev > 0 && ev >= as);
}

static void va_block_end(void *self) {
    va_state *st = self;
    if (st->bad_rows)
        warnx_line("%ld unparseable timestamp(s) in this block, answered 0 (first: %s)", st->bad_rows, st->first_bad);
    st->bad_rows = 0;
}

static va_state va_state_of_process;

const udf_function is_valid_after_assignment_udf = {
    .name = "is_valid_after_assignment",
    .summary = "1 when an event happened at or after its assignment (or there is no assignment)",
    .options_help = "  --args String|DateTime64   argument types (default String)\n",
    .configure = va_configure,
    .row = va_row,
    .block_end = va_block_end,
    .self = &va_state_of_process,
};
