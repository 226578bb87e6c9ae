/* driver.h — the one loop every function runs.
 *
 * A function is a type signature plus a row callback: the udf_function
 * object of udf.h, which udf/main.c hands to udf_run().  The driver owns
 * everything else: the command line common to all functions (--format
 * TabSeparated|RowBinary|Native, --chunked, --return-name, --help,
 * --version — which also says which sandbox the process runs under —,
 * --signature, --no-sandbox), the process
 * set-up (closing inherited descriptors, pipe sizes, then the seccomp
 * sandbox of sandbox.h), the two execution modes — `executable`
 * (rows until end of input) and `executable_pool` with send_chunk_header
 * (each chunk starts with "N\n"; answer exactly N rows, flush, wait) — and
 * the row-count invariant: exactly one result row per input row, always.
 *
 * Bad row data never stops the loop: callbacks report it in their result
 * (an `error` field, a NULL, a 0).  Only broken framing ends the process,
 * with one stderr line and EXIT_FRAMING; fatal.h lists every exit status. */
#ifndef CDC_DRIVER_H
#define CDC_DRIVER_H

#include "input.h"
#include "udf.h"

/* main() of every function binary. */
int udf_run(const udf_function *fn, int argc, char **argv);

/* "Tuple(op String, …)" or the single result type, whole, from malloc. */
char *udf_return_type(const udf_signature *sig);

#endif
