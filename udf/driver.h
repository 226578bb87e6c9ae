/* driver.h — the one loop every function runs.
 *
 * A function is a type signature plus a row callback.  The driver owns
 * everything else: the command line common to all functions (--format
 * TabSeparated|RowBinary|Native, --chunked, --return-name, --help,
 * --version, --signature, --no-sandbox), the process
 * set-up (closing inherited descriptors, pipe sizes, then the seccomp
 * sandbox of sandbox.h), the two execution modes — `executable`
 * (rows until end of input) and `executable_pool` with send_chunk_header
 * (each chunk starts with "N\n"; answer exactly N rows, flush, wait) — and
 * the row-count invariant: exactly one result row per input row, always.
 *
 * Bad row data never stops the loop: callbacks report it in their result
 * (an `error` field, a NULL, a 0).  Only broken framing ends the process,
 * with one stderr line and EXIT_FRAMING. */
#ifndef CDC_DRIVER_H
#define CDC_DRIVER_H

#include "arena.h"
#include "chtype.h"
#include "input.h"
#include "result.h"

#define UDF_MAX_RESULTS 64

typedef struct udf_signature {
    int nargs;
    chtype args[UDF_MAX_ARGS];
    const char *arg_names[UDF_MAX_ARGS];
    int tuple;                              /* result is a named Tuple of the fields below */
    int nresults;
    chtype results[UDF_MAX_RESULTS];
    const char *result_names[UDF_MAX_RESULTS];
} udf_signature;

typedef struct udf_function {
    const char *name;
    const char *summary;        /* one line for --help */
    const char *options_help;   /* the function's own options, or NULL */
    /* Parse the function's own options (the driver's are already removed)
     * and fill the signature.  Return 0, or -1 after writing why to `why`. */
    int (*configure)(void *self, int argc, char **argv, udf_signature *sig, char *why, size_t whycap);
    /* Decode one row; must write exactly sig->nresults fields to out. */
    void (*row)(void *self, const udf_value *args, res_writer *out, arena *scratch);
    /* Called after each block (pool chunk, or end of input); may be NULL. */
    void (*block_end)(void *self);
    void *self;
} udf_function;

/* Helpers for configure callbacks. */
void udf_sig_arg(udf_signature *sig, const char *name, const char *type);
void udf_sig_result(udf_signature *sig, const char *name, const char *type);

/* main() of every function binary. */
int udf_run(const udf_function *fn, int argc, char **argv);

/* "Tuple(op String, …)" or the single result type; returns length. */
size_t udf_signature_return_type(const udf_signature *sig, char *buf, size_t cap);

#endif
