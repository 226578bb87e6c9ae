/* format.h — the three wire formats a function speaks with ClickHouse.
 *
 * RowBinary is the recommended production form (no escaping, no number
 * parsing); Native is columnar, which ClickHouse parses in bulk instead of
 * value by value (native.h); TabSeparated is for the `executable` variants
 * and for people typing at a terminal. */
#ifndef CDC_FORMAT_H
#define CDC_FORMAT_H

#include <string.h>

typedef enum fmt_kind { FMT_TSV, FMT_ROWBINARY, FMT_NATIVE } fmt_kind;

/* Accepts ClickHouse's names (TabSeparated, TSV, RowBinary, Native); -1 if unknown. */
static inline int fmt_from_name(const char *s) {
    if (!strcmp(s, "TabSeparated") || !strcmp(s, "TSV")) return FMT_TSV;
    if (!strcmp(s, "RowBinary")) return FMT_ROWBINARY;
    if (!strcmp(s, "Native")) return FMT_NATIVE;
    return -1;
}

#endif
