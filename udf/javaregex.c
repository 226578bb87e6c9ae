/* javaregex.c — RegexRouter's match-whole-then-replaceFirst on PCRE2 (javaregex.h). */
#define PCRE2_CODE_UNIT_WIDTH 8
#include "javaregex.h"

#include <pcre2.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fatal.h"

/* The replacement, parsed once: literal runs and group references. */
typedef struct jre_part {
    int group;            /* -1: the literal text below */
    size_t off, len;      /* literal: its bytes in jre.lit */
} jre_part;

struct jre {
    pcre2_code *code;
    pcre2_match_data *md;
    int ngroups;
    jre_part *parts;
    int nparts;
    char *lit;            /* the literal bytes of the replacement, unescaped */
    char bad[200];        /* Java's exception for this replacement, or "" */
};

static void *jre_alloc(size_t n) {
    void *p = malloc(n ? n : 1);
    if (!p) fatal_exit(EXIT_NOMEM, "out of memory");
    return p;
}

static int jre_is_alnum(char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
}

static void jre_add(jre *r, int group, size_t off, size_t len) {
    jre_part *p = &r->parts[r->nparts++];
    p->group = group, p->off = off, p->len = len;
}

/* Bytes of the UTF-8 sequence that starts with lead byte c. */
static size_t jre_utf8_len(unsigned char c) {
    return c < 0xC0 ? 1 : c < 0xE0 ? 2 : c < 0xF0 ? 3 : 4;
}

/* Matcher.appendExpandedReplacement's reading of the replacement, done at
 * configuration time: the parts, or the message Java throws on the first
 * name that matches (r->bad). */
static void jre_parse_replacement(jre *r, const char *s) {
    size_t n = strlen(s), i = 0, lit = 0;
    r->parts = jre_alloc((n + 1) * sizeof(*r->parts));
    r->lit = jre_alloc(n + 1);
    while (i < n) {
        if (s[i] == '\\') {
            if (++i == n) {
                snprintf(r->bad, sizeof(r->bad), "character to be escaped is missing");
                return;
            }
            size_t k = jre_utf8_len((unsigned char)s[i]);
            if (k > n - i) k = n - i;
            memcpy(r->lit + lit, s + i, k);
            jre_add(r, -1, lit, k);
            lit += k, i += k;
        } else if (s[i] == '$') {
            if (++i == n) {
                snprintf(r->bad, sizeof(r->bad), "Illegal group reference: group index is missing");
                return;
            }
            int group;
            if (s[i] == '{') {
                size_t b = ++i;
                while (i < n && jre_is_alnum(s[i])) i++;
                if (i == b) {
                    snprintf(r->bad, sizeof(r->bad), "named capturing group has 0 length name");
                    return;
                }
                if (i == n || s[i] != '}') {
                    snprintf(r->bad, sizeof(r->bad), "named capturing group is missing trailing '}'");
                    return;
                }
                char name[64];
                int len = (int)(i - b) < (int)sizeof(name) - 1 ? (int)(i - b) : (int)sizeof(name) - 1;
                memcpy(name, s + b, (size_t)len);
                name[len] = 0;
                if (name[0] >= '0' && name[0] <= '9') {
                    snprintf(r->bad, sizeof(r->bad), "capturing group name {%s} starts with digit character", name);
                    return;
                }
                group = pcre2_substring_number_from_name(r->code, (PCRE2_SPTR)name);
                if (group < 0) {
                    snprintf(r->bad, sizeof(r->bad), "No group with name {%s}", name);
                    return;
                }
                i++;
            } else {
                if (s[i] < '0' || s[i] > '9') {
                    snprintf(r->bad, sizeof(r->bad), "Illegal group reference");
                    return;
                }
                group = s[i++] - '0';
                /* As many more digits as still name a group. */
                while (i < n && s[i] >= '0' && s[i] <= '9' && group * 10 + (s[i] - '0') <= r->ngroups)
                    group = group * 10 + (s[i++] - '0');
                if (group > r->ngroups) {
                    snprintf(r->bad, sizeof(r->bad), "No group %d", group);
                    return;
                }
            }
            jre_add(r, group, 0, 0);
        } else {
            size_t b = i;
            while (i < n && s[i] != '\\' && s[i] != '$') i++;
            memcpy(r->lit + lit, s + b, i - b);
            jre_add(r, -1, lit, i - b);
            lit += i - b;
        }
    }
}

jre *jre_compile(const char *pattern, const char *replacement, char *why, size_t cap) {
    int code;
    PCRE2_SIZE at;
    if (strstr(pattern, "&&")) {
        snprintf(why, cap, "Java's character class intersection (&&) is not supported");
        return NULL;
    }
    pcre2_compile_context *cc = pcre2_compile_context_create(NULL);
    pcre2_set_newline(cc, PCRE2_NEWLINE_ANY);   /* '.' stops at every line terminator, as Java's does */
    pcre2_code *re = pcre2_compile((PCRE2_SPTR)pattern, PCRE2_ZERO_TERMINATED, PCRE2_UTF, &code, &at, cc);
    pcre2_compile_context_free(cc);
    if (!re) {
        PCRE2_UCHAR msg[120];
        pcre2_get_error_message(code, msg, sizeof(msg));
        snprintf(why, cap, "%s at offset %zu", (const char *)msg, (size_t)at);
        return NULL;
    }
    jre *r = jre_alloc(sizeof(*r));
    memset(r, 0, sizeof(*r));
    r->code = re;
    uint32_t groups = 0;
    pcre2_pattern_info(re, PCRE2_INFO_CAPTURECOUNT, &groups);
    r->ngroups = (int)groups;
    r->md = pcre2_match_data_create_from_pattern(re, NULL);
    if (!r->md) fatal_exit(EXIT_NOMEM, "out of memory");
    jre_parse_replacement(r, replacement);
    return r;
}

void jre_free(jre *r) {
    if (!r) return;
    pcre2_match_data_free(r->md);
    pcre2_code_free(r->code);
    free(r->parts);
    free(r->lit);
    free(r);
}

static int jre_match(const jre *r, const char *s, size_t n, uint32_t opts, char *why, size_t cap) {
    int rc = pcre2_match(r->code, (PCRE2_SPTR)s, n, 0, opts, r->md, NULL);
    if (rc >= 0) return 1;
    if (rc == PCRE2_ERROR_NOMATCH) return 0;
    PCRE2_UCHAR msg[120];
    pcre2_get_error_message(rc, msg, sizeof(msg));
    snprintf(why, cap, "route.topic.regex: %s", (const char *)msg);
    return -1;
}

int jre_route(const jre *r, const char *s, size_t n, buf *out, char *why, size_t cap) {
    int m = jre_match(r, s, n, PCRE2_ANCHORED | PCRE2_ENDANCHORED, why, cap);
    if (m <= 0) return m < 0 ? JRE_ERROR : JRE_KEPT;
    if (r->bad[0]) {
        snprintf(why, cap, "route.topic.replacement: %s", r->bad);
        return JRE_ERROR;
    }
    /* replaceFirst: the first match from the start, which may be shorter. */
    if (jre_match(r, s, n, 0, why, cap) <= 0) return JRE_ERROR;
    const PCRE2_SIZE *ov = pcre2_get_ovector_pointer(r->md);
    buf_put(out, s, ov[0]);
    for (int i = 0; i < r->nparts; i++) {
        const jre_part *p = &r->parts[i];
        if (p->group < 0) buf_put(out, r->lit + p->off, p->len);
        else if (ov[2 * p->group] != PCRE2_UNSET) buf_put(out, s + ov[2 * p->group], ov[2 * p->group + 1] - ov[2 * p->group]);
    }
    buf_put(out, s + ov[1], n - ov[1]);
    return JRE_RENAMED;
}
