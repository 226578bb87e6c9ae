/* javaregex.h — Kafka Connect's RegexRouter step: a java.util.regex
 * pattern that must match a whole topic name, and Matcher.replaceFirst with
 * a Java replacement string.
 *
 * Debezium's outbox EventRouter renames the topic this way
 * (route.topic.regex, route.topic.replacement), so the same pattern and
 * replacement must give the same name here.  Patterns run on PCRE2, whose
 * syntax and backtracking semantics are Java's for what topic patterns use:
 * groups, named groups (?<name>…), non-capturing and lookaround groups,
 * classes, \d \w \s (ASCII, as Java without UNICODE_CHARACTER_CLASS),
 * greedy, lazy and possessive quantifiers, inline flags.  Java's class
 * intersection ([a-z&&[^e]]) has no PCRE2 equivalent and is refused.
 *
 * RegexRouter renames only when the pattern matches the WHOLE name
 * (Matcher.matches), and then replaces the FIRST match found from the
 * start (Matcher.replaceFirst) — not necessarily the whole name: with
 * a|ab, "ab" matches whole, but the first match is "a", so "ab" becomes
 * the replacement followed by "b".  This module does exactly those two
 * steps.  The replacement is Java's: $n (as many digits as name a group),
 * ${name}, \x for a literal x; a group that did not take part adds
 * nothing; a reference to a group that does not exist fails only when a
 * name matches, with Java's message, as the SMT fails then. */
#ifndef CDC_JAVAREGEX_H
#define CDC_JAVAREGEX_H

#include <stddef.h>

#include "buf.h"

typedef struct jre jre;

/* Compile pattern and replacement.  NULL with `why` when the pattern does
 * not compile (the SMT's configuration is refused then too). */
jre *jre_compile(const char *pattern, const char *replacement, char *why, size_t cap);
void jre_free(jre *r);

enum { JRE_KEPT = 0, JRE_RENAMED = 1, JRE_ERROR = -1 };

/* Route `topic` [s, s+n) (valid UTF-8): JRE_RENAMED with the new name
 * appended to out, JRE_KEPT when the pattern does not match the whole name
 * (out untouched), JRE_ERROR with `why` when the replacement names a group
 * the pattern lacks or matching gives up (PCRE2's match limit). */
int jre_route(const jre *r, const char *s, size_t n, buf *out, char *why, size_t cap);

#endif
