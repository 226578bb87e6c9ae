/* chtype.h — the ClickHouse column types our functions accept and return.
 *
 * One descriptor serves three jobs: parsing the types a user writes in a
 * `--field name:Type` option, choosing how a value is encoded in each
 * format, and printing the SQL signature (`--signature`) that the function's
 * XML must declare.
 *
 * Two containers exist, both of strings only: Array(String) and
 * Map(String, String) (a list of names, a header map).  They are result
 * types: no function takes one as an argument, and, as in ClickHouse,
 * neither can be inside Nullable. */
#ifndef CDC_CHTYPE_H
#define CDC_CHTYPE_H

#include <stddef.h>
#include <stdint.h>

typedef enum chtype_kind {
    CT_STRING,
    CT_INT8, CT_INT16, CT_INT32, CT_INT64,
    CT_UINT8, CT_UINT16, CT_UINT32, CT_UINT64,
    CT_FLOAT32, CT_FLOAT64,
    CT_BOOL,
    CT_DATE,              /* days since 1970-01-01 as UInt16: 1970-01-01..2149-06-06 */
    CT_DATE32,            /* days since 1970-01-01 as Int32: 1900-01-01..2299-12-31 */
    CT_DATETIME64,
    CT_ARRAY_STRING,      /* Array(String) */
    CT_MAP_STRING         /* Map(String, String) */
} chtype_kind;

typedef struct chtype {
    chtype_kind kind;
    int nullable;
    int precision;        /* DateTime64 only: 0..9 */
    char tz[48];          /* DateTime64 only: optional time zone name, "" if none */
} chtype;

/* Parse "Nullable(DateTime64(6, 'UTC'))" and friends; whitespace tolerant.
 * Returns 0, or -1 with *why. */
int chtype_parse(const char *s, size_t n, chtype *t, const char **why);
/* Write the canonical SQL spelling into buf; returns its length. */
size_t chtype_format(const chtype *t, char *buf, size_t cap);
/* The type of a function's result: types[0] alone, or with `tuple`
 * "Tuple(name1 T1, …)" — "Tuple(T1, …)" when names is NULL.  As snprintf:
 * returns the full length, and a result of cap or more means buf holds
 * only its start (buf may be NULL when cap is 0, to measure). */
size_t chtype_format_result(const chtype *types, const char *const *names, int n, int tuple, char *buf,
                            size_t cap);
/* The same, whole, in memory from malloc (the caller frees it).  Field
 * names come from the command line and have no length limit, so there is
 * no fixed-size buffer to cut them. */
char *chtype_result_type(const chtype *types, const char *const *names, int n, int tuple);

static inline int chtype_is_signed(chtype_kind k) { return k >= CT_INT8 && k <= CT_INT64; }
/* Width in bytes of a fixed-size type (Bool 1, Date 2, Date32 4, DateTime64 8);
 * 0 for String and the containers. */
int chtype_width(chtype_kind k);
/* Array(String) or Map(String, String). */
static inline int chtype_is_container(chtype_kind k) { return k == CT_ARRAY_STRING || k == CT_MAP_STRING; }
/* Date and Date32: the first and last day the type holds, as days since
 * 1970-01-01 (ClickHouse saturates beyond them; we refuse). */
void chtype_day_range(chtype_kind k, int64_t *first, int64_t *last);

#endif
