/* timestamp.h — timestamps as signed microseconds (or any 10^-P tick) since
 * the Unix epoch, UTC.
 *
 * Debezium and application payloads write instants many ways: ISO-8601 with
 * 'T' or space, 0–9 fraction digits, 'Z', "+hh:mm", "+hhmm", "+hh" or no zone
 * (taken as UTC); and epoch numbers in seconds, milliseconds, microseconds
 * or nanoseconds.  This module turns every one of them into one integer so
 * comparisons are exact, and formats ticks back for ClickHouse.  Pure
 * arithmetic: no libc time functions (no locale, no TZ, no tables). */
#ifndef CDC_TIMESTAMP_H
#define CDC_TIMESTAMP_H

#include <stddef.h>
#include <stdint.h>

/* Days since 1970-01-01 of a proleptic Gregorian date (any year -9999..9999). */
int64_t ts_days_from_civil(int64_t y, unsigned m, unsigned d);
/* Inverse of ts_days_from_civil. */
void ts_civil_from_days(int64_t days, int64_t *y, unsigned *m, unsigned *d);

/* Parse ISO-8601 text [s, s+n) into ticks of 10^-precision seconds
 * (precision 0..9) in UTC.  Accepted:
 *   YYYY-MM-DD                                   (midnight UTC)
 *   YYYY-MM-DD[T| ]hh:mm[:ss[.f{1,9}]][zone]     zone = Z | z | ±hh:mm | ±hhmm | ±hh
 * Fields are range-checked (month 1-12, day within the month incl. leap years,
 * hour 0-23 (24:00:00 allowed as end of day), minute 0-59, second 0-60).
 * Extra fraction digits beyond `precision` are truncated (toward the past for
 * negative epochs too: floor).  Leading/trailing whitespace is not accepted.
 * Returns 0, or -1 with *why set to a static reason. */
int ts_parse_iso(const char *s, size_t n, int precision, int64_t *ticks, const char **why);

/* The day of ISO-8601 text as ts_parse_iso reads it: days since
 * 1970-01-01 of the instant's UTC date (a date alone is its own day; a
 * timestamp with a zone may fall on the day before or after its text's).
 * Returns 0, or -1 with *why as ts_parse_iso sets it. */
int ts_parse_iso_day(const char *s, size_t n, int64_t *days, const char **why);

/* Interpret an epoch number given as text ("1700000000", "1700000000123",
 * "1700000000.25", "-5") with the unit chosen by magnitude of the integer
 * part: |v| < 1e11 seconds, < 1e14 milliseconds, < 1e17 microseconds, else
 * nanoseconds.  A fraction is allowed.  Returns 0 or -1 (*why). */
int ts_parse_epoch_text(const char *s, size_t n, int precision, int64_t *ticks, const char **why);

/* Same rule for an integer already parsed. */
int64_t ts_from_epoch_int(int64_t v, int precision);

/* Either form: epoch text when [s, s+n) is a plain number, else ISO-8601. */
int ts_parse(const char *s, size_t n, int precision, int64_t *ticks, const char **why);

/* Convert ticks between precisions (floor division when reducing). */
int64_t ts_rescale(int64_t ticks, int from_precision, int to_precision);

/* Write v in decimal, zero-padded to at least `width` digits (at most 20
 * bytes); returns the number of bytes written.  Shared by every formatter of
 * dates and times. */
size_t ts_put_uint(char *p, uint64_t v, int width);

/* Format days since 1970-01-01 as "YYYY-MM-DD" into buf (at least 24
 * bytes; a year outside 0000..9999 is printed whole, with its sign).
 * Returns the length. */
size_t ts_format_date(int64_t days, char *buf);

/* Format ticks as "YYYY-MM-DD hh:mm:ss[.fff…]" (precision fraction digits) in
 * UTC into buf (at least 40 bytes).  Returns the length. */
size_t ts_format(int64_t ticks, int precision, char *buf);

#endif
