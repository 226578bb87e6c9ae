/* javanum.h — numbers written as the JVM of a Kafka Connect worker writes them.
 *
 * Kafka Connect's JSON converter writes a FLOAT64 with Jackson, which uses
 * java.lang.Double.toString; SimpleHeaderConverter writes a Decimal with
 * java.math.BigDecimal.toString.  A function that must produce the same
 * bytes as Connect (outbox_route's expanded payload, its headers) needs
 * both texts exactly, not merely equivalent numbers.
 *
 * Double.toString is the one of Java 17, the Java of the Debezium 3.1 stack
 * (tests/e2e): its digit generation (FloatingDecimal) is not always the
 * shortest text that reads back (8.1401636603000003E18 for a value whose
 * shortest text is 8.1401636603E18); Java 19 changed it.  Our digits follow
 * Java 17's steps — the exact-integer case, the first-digit rule of the
 * E notation, int and long arithmetic that wraps as Java's does, the
 * rounding of the last digit — so the texts agree byte for byte
 * (test_jsonconv.c compares 16,000 values written by Java 17; two million
 * agreed while this was written).  Java 19 and later (JDK-4511638) print
 * the shortest text instead, which differs from this one for about 0.6% of
 * random doubles (like the one above): a worker on a newer Java writes
 * those differently.  This is the one implementation of Double.toString
 * here; the e2e stack runs Java 17. */
#ifndef CDC_JAVANUM_H
#define CDC_JAVANUM_H

#include <stddef.h>
#include <stdint.h>

/* Longest text of jn_double: "-1.2345678901234567E-308". */
#define JN_DOUBLE_MAX 32

/* Double.toString(d): "1.0", "0.001", "1.0E7", "-4.9E-324", "Infinity",
 * "NaN".  Returns the length written to out (no NUL). */
size_t jn_double(double d, char out[JN_DOUBLE_MAX]);

/* BigDecimal.toString of unscaled × 10^-scale, the unscaled value given as
 * its decimal digits (no sign, no leading zeros but for "0"): plain text
 * ("-12.30", "0.000001") while the adjusted exponent is at least -6 and
 * the scale not negative, else E notation ("1E-7", "1.23E+5").  out needs
 * ndigits + 16 bytes (plus -scale when scale < 0 would be plain: it is
 * not).  Returns the length. */
size_t jn_bigdecimal(int negative, const char *digits, size_t ndigits, int32_t scale, char *out);

#endif
