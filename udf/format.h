/* format.h — the two wire formats a function speaks with ClickHouse.
 *
 * RowBinary is the recommended production form (no escaping, no number
 * parsing); TabSeparated is for the `executable` variants and for people
 * typing at a terminal. */
#ifndef CDC_FORMAT_H
#define CDC_FORMAT_H

#include <string.h>

typedef enum fmt_kind { FMT_TSV, FMT_ROWBINARY } fmt_kind;

/* Accepts ClickHouse's names (TabSeparated, TSV, RowBinary); -1 if unknown. */
static inline int fmt_from_name(const char *s) {
    if (!strcmp(s, "TabSeparated") || !strcmp(s, "TSV")) return FMT_TSV;
    if (!strcmp(s, "RowBinary")) return FMT_ROWBINARY;
    return -1;
}

#endif
