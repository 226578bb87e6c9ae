/* fn_payload_get.c — payload_get(json String, path String) -> Nullable(String).
 *
 * The ad-hoc form of payload_extract for exploring a topic: one value by a
 * dot path (descending into JSON held in strings).  A string comes back
 * decoded, any other value as its JSON text; missing, null or unreadable
 * input gives NULL, and unreadable input is reported on stderr once per
 * block rather than per row.
 *
 * Unreadable means anywhere in the message, not only on the way to the
 * value: `{"a":1,!!!` answers NULL for `a`, as ClickHouse's JSONExtract
 * does.  So the lookup, which stops at the member it wants, is followed by
 * a walk of the rest of the message.  JSON held in a string is a document
 * of its own, read as far as the path goes into it. */
#include "json.h"
#include "udf.h"

#include <stdio.h>

typedef struct pg_state { long bad_rows; const char *first_reason; } pg_state;

static int pg_configure(void *self, int argc, char **argv, udf_signature *sig, char *why, size_t cap) {
    (void)self;
    if (argc > 1) {
        snprintf(why, cap, "unknown option '%s'", argv[1]);
        return -1;
    }
    udf_sig_arg(sig, "json", "String");
    udf_sig_arg(sig, "path", "String");
    udf_sig_result(sig, "value", "Nullable(String)");
    return 0;
}

static void pg_row(void *self, const udf_value *args, res_writer *out, arena *a) {
    pg_state *st = self;
    json_value root, v;
    json_error err = {0, 0};
    const char *s;
    size_t n;
    int rc = json_open(args[0].s, args[0].n, &root, &err) < 0 ? JSON_ERR
                                                              : json_lookup(&root, args[1].s, args[1].n, a, &v, &err);
    if (rc == JSON_FOUND && v.type == JSON_STRING && json_string(&v, a, &s, &n, &err) < 0) rc = JSON_ERR;
    if (rc == JSON_FOUND && v.type != JSON_STRING && json_finish(&v, &err) < 0) rc = JSON_ERR;
    /* The lookup walked a copy of the root: the whole message is walked now. */
    if (rc != JSON_ERR && json_close(&root, &err) < 0) rc = JSON_ERR;
    if (rc == JSON_FOUND && v.type != JSON_NULL) {
        if (v.type != JSON_STRING) s = v.start, n = json_raw_len(&v);
        res_string(out, s, n);
        return;
    }
    if (rc == JSON_ERR && !st->bad_rows++) st->first_reason = err.msg ? err.msg : "malformed";
    res_null(out);
}

static void pg_block_end(void *self) {
    pg_state *st = self;
    if (st->bad_rows)
        warnx_line("%ld row(s) in this block were not valid JSON (first: %s); answered NULL", st->bad_rows, st->first_reason);
    st->bad_rows = 0;
}

static pg_state pg_state_of_process;

const udf_function payload_get_udf = {
    .name = "payload_get",
    .summary = "one value from JSON by a dot path, descending into JSON held in strings",
    .configure = pg_configure,
    .row = pg_row,
    .block_end = pg_block_end,
    .self = &pg_state_of_process,
};
