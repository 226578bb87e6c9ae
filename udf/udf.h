/* udf.h — the one header a function includes: what it is made of and what
 * it may call.
 *
 * A function is a library object, `const udf_function <name>_udf` in
 * udf/fn_<name>.c: its command-line configuration (which fills the type
 * signature) and its row callback.  udf/main.c turns one into a binary
 * (driver.h runs it); tests and fuzz targets link the same objects and call
 * configure and row themselves.
 *
 * A row callback gets the row's arguments as udf_value views, writes
 * exactly one value per result field with the typed writers of result.h
 * (res_string, res_uint, res_null, …) and borrows per-row memory from the
 * arena, which the caller resets between rows.  Bad row data never stops a
 * function: it answers defaults, NULL or an `error` field, and may say so
 * once per block on stderr with warnx_line(). */
#ifndef CDC_UDF_H
#define CDC_UDF_H

#include <stddef.h>
#include <stdint.h>

#include "arena.h"
#include "chtype.h"
#include "fatal.h"
#include "result.h"

#define UDF_MAX_ARGS 8
#define UDF_MAX_RESULTS 64

/* One argument of a row: a view valid until the next row is read. */
typedef struct udf_value {
    int is_null;
    const char *s;        /* String: the bytes (not NUL-terminated) */
    size_t n;
    int64_t ticks;        /* DateTime64: ticks at the declared precision */
} udf_value;

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
    /* Parse the function's own options (the driver's are already removed;
     * argv[0] is the program) and fill the signature.  Return 0, or -1
     * after writing why to `why`. */
    int (*configure)(void *self, int argc, char **argv, udf_signature *sig, char *why, size_t whycap);
    /* Decode one row; must write exactly sig->nresults fields to out. */
    void (*row)(void *self, const udf_value *args, res_writer *out, arena *scratch);
    /* Called after each block (pool chunk, or end of input); may be NULL. */
    void (*block_end)(void *self);
    void *self;                 /* the function's state, handed to the calls above */
} udf_function;

/* For configure callbacks: append an argument or a result field by its SQL
 * type.  A type that does not parse, or one field too many, ends the
 * process with EXIT_USAGE (fatal.h): the command line is wrong. */
void udf_sig_arg(udf_signature *sig, const char *name, const char *type);
void udf_sig_result(udf_signature *sig, const char *name, const char *type);

/* The functions, one per udf/fn_<name>.c. */
extern const udf_function debezium_unwrap_udf;
extern const udf_function debezium_flatten_udf;
extern const udf_function payload_extract_udf;
extern const udf_function payload_get_udf;
extern const udf_function is_valid_after_assignment_udf;
extern const udf_function outbox_route_udf;
extern const udf_function debezium_ddl_udf;
extern const udf_function debezium_typed_udf;

#endif
