/* itest.c — shared support for the integration tests (see itest.h). */
#include "itest.h"
#include "udfproc.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <dirent.h>
#include <unistd.h>
#include <cmocka.h>

#ifndef SCRIPTS_DIR
#error "SCRIPTS_DIR must be defined (tests/integration/CMakeLists.txt)"
#endif
#ifndef FUNCTIONS_GLOB
#error "FUNCTIONS_GLOB must be defined (tests/integration/CMakeLists.txt)"
#endif

/* ------------------------------------------------------------- session */

const char *itest_scripts_dir(void) {
    return udfproc_dir();
}

const char *itest_functions_glob(void) {
    return FUNCTIONS_GLOB;
}

chs_session *itest_open(void) {
    const char *dir = itest_scripts_dir();
    if (strcmp(dir, SCRIPTS_DIR) != 0) fprintf(stderr, "itest: running the binaries in %s (CDC_TEST_SCRIPTS_DIR)\n", dir);
    char probe[4096];
    snprintf(probe, sizeof(probe), "%s/debezium_unwrap", dir);
    if (access(probe, X_OK) != 0) {
        fprintf(stderr, "itest: %s is not an executable: wrong CDC_TEST_SCRIPTS_DIR, or not built\n", probe);
        return NULL;
    }
    return chs_open(dir, FUNCTIONS_GLOB, NULL);
}

void itest_close(chs_session *s) {
    chs_close(s);
}

/* ------------------------------------------------------------- queries */

static char *itest_vformat(const char *fmt, va_list ap) {
    itest_buf b = {0};
    itest_buf_vprintf(&b, fmt, ap);
    return itest_buf_take(&b);
}

/* Long SQL (bulk literals) is cut in failure messages. */
static void itest_print_sql(const char *sql) {
    size_t n = strlen(sql);
    if (n <= 4000) print_error("SQL: %s\n", sql);
    else print_error("SQL (%zu bytes): %.2000s … %s\n", n, sql, sql + n - 1000);
}

static void itest_fail_query(const char *file, int line, const char *sql, const char *err) {
    print_error("%s:%d: query failed\n", file, line);
    itest_print_sql(sql);
    print_error("ClickHouse: %s\n", err ? err : "(no message)");
    _fail(file, line);
}

char *itest_try_query(chs_session *s, char **error, const char *fmt, ...) {
    va_list ap;
    va_start(ap, fmt);
    char *sql = itest_vformat(fmt, ap);
    va_end(ap);
    char *out = chs_query(s, sql, "TabSeparated", NULL, error);
    free(sql);
    return out;
}

static char *itest_vquery(const char *file, int line, chs_session *s, const char *format, size_t *len, const char *fmt,
                          va_list ap) {
    char *sql = itest_vformat(fmt, ap);
    char *err = NULL;
    char *out = chs_query(s, sql, format ? format : "TabSeparated", len, &err);
    if (!out) {
        itest_fail_query(file, line, sql, err);
        free(err);
        free(sql);
        return NULL;   /* not reached: _fail leaves the test */
    }
    free(sql);
    return out;
}

char *itest_query_at(const char *file, int line, chs_session *s, const char *format, size_t *len, const char *fmt, ...) {
    va_list ap;
    va_start(ap, fmt);
    char *out = itest_vquery(file, line, s, format, len, fmt, ap);
    va_end(ap);
    return out;
}

static long long itest_parse_scalar(const char *file, int line, const char *out) {
    char *end;
    long long v = strtoll(out, &end, 10);
    if (end == out || (*end && *end != '\n' && *end != '\t')) {
        print_error("%s:%d: expected an integer, got: %.200s\n", file, line, out);
        _fail(file, line);
    }
    return v;
}

long long itest_scalar_at(const char *file, int line, chs_session *s, const char *fmt, ...) {
    va_list ap;
    va_start(ap, fmt);
    char *out = itest_vquery(file, line, s, NULL, NULL, fmt, ap);
    va_end(ap);
    long long v = itest_parse_scalar(file, line, out);
    free(out);
    return v;
}

char *itest_query_error_at(const char *file, int line, chs_session *s, const char *fmt, ...) {
    va_list ap;
    va_start(ap, fmt);
    char *sql = itest_vformat(fmt, ap);
    va_end(ap);
    char *err = NULL;
    char *out = chs_query(s, sql, "TabSeparated", NULL, &err);
    if (out) {
        print_error("%s:%d: query succeeded but an error was expected\n", file, line);
        itest_print_sql(sql);
        print_error("output: %.500s\n", out);
        free(out);
        free(sql);
        _fail(file, line);
        return NULL;
    }
    free(sql);
    return err ? err : strdup("");
}

/* Shows the first line where `got` and `want` differ. */
static void itest_show_diff(const char *got, const char *want) {
    size_t lineno = 1;
    const char *g = got, *w = want;
    while (*g && *w) {
        const char *ge = strchr(g, '\n'), *we = strchr(w, '\n');
        size_t gl = ge ? (size_t)(ge - g) : strlen(g), wl = we ? (size_t)(we - w) : strlen(w);
        if (gl != wl || memcmp(g, w, gl) != 0 || !ge != !we) break;
        g += gl + 1;
        w += wl + 1;
        lineno++;
    }
    const char *ge = strchr(g, '\n'), *we = strchr(w, '\n');
    print_error("first difference at line %zu:\n  got:  %.*s%s\n  want: %.*s%s\n", lineno,
                (int)(ge ? ge - g : (long)strlen(g)), g, *g ? "" : "(end of output)",
                (int)(we ? we - w : (long)strlen(w)), w, *w ? "" : "(end of expected)");
}

void itest_assert_query_at(const char *file, int line, chs_session *s, const char *expected, const char *fmt, ...) {
    va_list ap;
    va_start(ap, fmt);
    char *sql = itest_vformat(fmt, ap);
    va_end(ap);
    char *err = NULL;
    char *out = chs_query(s, sql, "TabSeparated", NULL, &err);
    if (!out) {
        itest_fail_query(file, line, sql, err);
        free(err);
        free(sql);
        return;
    }
    if (strcmp(out, expected) != 0) {
        print_error("%s:%d: unexpected query output\n", file, line);
        itest_print_sql(sql);
        itest_show_diff(out, expected);
        free(out);
        free(sql);
        _fail(file, line);
        return;
    }
    free(out);
    free(sql);
}

const char *const itest_variants[ITEST_NVARIANTS] = {"", "_tsv", "_pool_tsv", "_exec_rb", "_pool_native", "_exec_native"};

void itest_assert_every_variant_at(const char *file, int line, chs_session *s, const char *expected, const char *fn,
                                   const char *query) {
    for (size_t v = 0; v < ITEST_NVARIANTS; v++) {
        char name[128];
        snprintf(name, sizeof(name), "%s%s", fn, itest_variants[v]);
        itest_buf b = {0};
        itest_buf_printf(&b, query, name);
        char *sql = itest_buf_take(&b);
        itest_assert_query_at(file, line, s, expected, "%s", sql);
        fprintf(stderr, "%s: answers as expected\n", name);
        free(sql);
    }
}

void itest_assert_scalar_at(const char *file, int line, chs_session *s, long long expected, const char *fmt, ...) {
    va_list ap;
    va_start(ap, fmt);
    char *sql = itest_vformat(fmt, ap);
    va_end(ap);
    char *err = NULL;
    char *out = chs_query(s, sql, "TabSeparated", NULL, &err);
    if (!out) {
        itest_fail_query(file, line, sql, err);
        free(err);
        free(sql);
        return;
    }
    long long got = itest_parse_scalar(file, line, out);
    free(out);
    if (got != expected) {
        print_error("%s:%d: got %lld, want %lld\n", file, line, got, expected);
        itest_print_sql(sql);
        free(sql);
        _fail(file, line);
        return;
    }
    free(sql);
}

/* TabSeparated unescaping of one field [p, e) into out; returns its length. */
static size_t itest_tsv_unescape(const char *p, const char *e, char *out) {
    size_t n = 0;
    while (p < e) {
        char c = *p++;
        if (c == '\\' && p < e) {
            char x = *p++;
            switch (x) {
            case 't': c = '\t'; break;
            case 'n': c = '\n'; break;
            case 'r': c = '\r'; break;
            case '0': c = '\0'; break;
            case 'b': c = '\b'; break;
            case 'f': c = '\f'; break;
            case 'a': c = '\a'; break;
            case 'v': c = '\v'; break;
            case 'e': c = 27; break;
            case 'x':
                if (e - p >= 2) {
                    char hex[3] = {p[0], p[1], 0};
                    c = (char)strtol(hex, NULL, 16);
                    p += 2;
                }
                break;
            default: c = x; break;   /* \\ \' and anything else: the character itself */
            }
        }
        out[n++] = c;
    }
    out[n] = 0;
    return n;
}

itest_table *itest_parse_tsv(const char *text, size_t n) {
    itest_table *t = calloc(1, sizeof(*t));
    size_t cap = 0, cells = 0;
    const char *p = text, *end = text + n;
    while (p < end) {
        const char *eol = memchr(p, '\n', (size_t)(end - p));
        if (!eol) eol = end;
        size_t cols = 0;
        const char *f = p;
        for (;;) {
            const char *tab = memchr(f, '\t', (size_t)(eol - f));
            const char *fe = tab ? tab : eol;
            if (cells == cap) {
                cap = cap ? cap * 2 : 64;
                t->cell = realloc(t->cell, cap * sizeof(*t->cell));
                t->len = realloc(t->len, cap * sizeof(*t->len));
            }
            char *c = malloc((size_t)(fe - f) + 1);
            t->len[cells] = itest_tsv_unescape(f, fe, c);
            t->cell[cells++] = c;
            cols++;
            if (!tab) break;
            f = tab + 1;
        }
        if (t->nrows == 0) t->ncols = cols;
        t->nrows++;
        if (cols != t->ncols) {
            t->nrows = cells / (t->ncols ? t->ncols : 1);   /* free what we have */
            for (size_t i = 0; i < cells; i++) free(t->cell[i]);
            free(t->cell);
            free(t->len);
            free(t);
            return NULL;
        }
        p = eol + 1;
    }
    return t;
}

itest_table *itest_query_table_at(const char *file, int line, chs_session *s, const char *fmt, ...) {
    va_list ap;
    va_start(ap, fmt);
    size_t n = 0;
    char *out = itest_vquery(file, line, s, "TabSeparated", &n, fmt, ap);
    va_end(ap);
    itest_table *t = itest_parse_tsv(out, n);
    if (!t) {
        print_error("%s:%d: output rows have differing column counts: %.300s\n", file, line, out);
        free(out);
        _fail(file, line);
        return NULL;
    }
    free(out);
    return t;
}

const char *itest_cell(const itest_table *t, size_t row, size_t col) {
    if (row >= t->nrows || col >= t->ncols) {
        print_error("itest_cell(%zu, %zu) outside a %zu x %zu result\n", row, col, t->nrows, t->ncols);
        fail();
    }
    return t->cell[row * t->ncols + col];
}

void itest_table_free(itest_table *t) {
    if (!t) return;
    for (size_t i = 0; i < t->nrows * t->ncols; i++) free(t->cell[i]);
    free(t->cell);
    free(t->len);
    free(t);
}

/* --------------------------------------------------------- byte buffers */

/* Decodes one UTF-8 sequence at s (n bytes left); returns its length, or 0
 * when it is not valid UTF-8 (then the byte is copied as it is). */
static size_t itest_utf8(const unsigned char *s, size_t n, unsigned *cp) {
    if (s[0] < 0x80) return *cp = s[0], 1;
    size_t len = s[0] >= 0xF0 ? 4 : s[0] >= 0xE0 ? 3 : s[0] >= 0xC0 ? 2 : 0;
    if (!len || len > n || s[0] > 0xF4) return 0;
    unsigned c = s[0] & (0x7F >> len);
    for (size_t i = 1; i < len; i++) {
        if ((s[i] & 0xC0) != 0x80) return 0;
        c = c << 6 | (s[i] & 0x3F);
    }
    *cp = c;
    return len;
}

void itest_buf_json_string(itest_buf *b, const char *s, size_t n, int ascii_only) {
    const unsigned char *u = (const unsigned char *)s;
    itest_buf_putc(b, '"');
    for (size_t i = 0; i < n;) {
        unsigned char c = u[i];
        switch (c) {
        case '"': itest_buf_puts(b, "\\\""); i++; continue;
        case '\\': itest_buf_puts(b, "\\\\"); i++; continue;
        case '\n': itest_buf_puts(b, "\\n"); i++; continue;
        case '\t': itest_buf_puts(b, "\\t"); i++; continue;
        case '\r': itest_buf_puts(b, "\\r"); i++; continue;
        case '\b': itest_buf_puts(b, "\\b"); i++; continue;
        case '\f': itest_buf_puts(b, "\\f"); i++; continue;
        default: break;
        }
        if (c < 0x20) {
            itest_buf_printf(b, "\\u%04x", c);
            i++;
            continue;
        }
        unsigned cp;
        size_t len = c >= 0x80 && ascii_only ? itest_utf8(u + i, n - i, &cp) : 0;
        if (len > 1 && cp >= 0x10000) {
            cp -= 0x10000;
            itest_buf_printf(b, "\\u%04X\\u%04x", 0xD800 + (cp >> 10), 0xDC00 + (cp & 0x3FF));
            i += len;
        } else if (len > 1) {
            itest_buf_printf(b, "\\u%04x", cp);
            i += len;
        } else {
            itest_buf_putc(b, (char)c);
            i++;
        }
    }
    itest_buf_putc(b, '"');
}

char *itest_sql_string(const char *s, size_t n) {
    itest_buf b = {0};
    itest_buf_putc(&b, '\'');
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)s[i];
        if (c == '\'' || c == '\\') {
            itest_buf_putc(&b, '\\');
            itest_buf_putc(&b, (char)c);
        } else if (c < 0x20 || c >= 0x7F) {
            itest_buf_printf(&b, "\\x%02X", c);
        } else {
            itest_buf_putc(&b, (char)c);
        }
    }
    itest_buf_putc(&b, '\'');
    return itest_buf_take(&b);
}

/* ------------------------------------------------------------ row lists */

void itest_rows_add(itest_rows *r, const void *s, size_t n) {
    if (r->count == r->cap) {
        r->cap = r->cap ? r->cap * 2 : 256;
        r->off = realloc(r->off, r->cap * sizeof(*r->off));
        r->len = realloc(r->len, r->cap * sizeof(*r->len));
        if (!r->off || !r->len) abort();
    }
    r->off[r->count] = r->data.n;
    r->len[r->count] = n;
    r->count++;
    itest_buf_put(&r->data, s, n);
}

void itest_rows_adds(itest_rows *r, const char *s) {
    itest_rows_add(r, s, strlen(s));
}

void itest_rows_addf(itest_rows *r, const char *fmt, ...) {
    itest_buf b = {0};
    va_list ap;
    va_start(ap, fmt);
    itest_buf_vprintf(&b, fmt, ap);
    va_end(ap);
    itest_rows_add(r, b.p ? b.p : "", b.n);
    itest_buf_free(&b);
}

const char *itest_rows_get(const itest_rows *r, size_t i, size_t *n) {
    if (n) *n = r->len[i];
    return r->data.p + r->off[i];
}

void itest_rows_free(itest_rows *r) {
    itest_buf_free(&r->data);
    free(r->off);
    free(r->len);
    memset(r, 0, sizeof(*r));
}

/* ----------------------------------------------------------- bulk insert */

void itest_insert_rowbinary_at(const char *file, int line, chs_session *s, const char *target, const char *structure,
                               const itest_buf *rowbinary) {
    const char *tmp = getenv("TMPDIR");
    char path[4096];
    snprintf(path, sizeof(path), "%s/itest-insert-XXXXXX", tmp && *tmp ? tmp : "/tmp");
    int fd = mkstemp(path);
    if (fd < 0) {
        print_error("%s:%d: cannot create a temp file like %s\n", file, line, path);
        _fail(file, line);
        return;
    }
    size_t done = 0;
    while (done < rowbinary->n) {
        ssize_t w = write(fd, rowbinary->p + done, rowbinary->n - done);
        if (w <= 0) {
            close(fd);
            unlink(path);
            print_error("%s:%d: cannot write %s\n", file, line, path);
            _fail(file, line);
            return;
        }
        done += (size_t)w;
    }
    close(fd);
    char *sql_path = itest_sql_string(path, strlen(path));
    char *sql_structure = itest_sql_string(structure, strlen(structure));
    char *err = NULL;
    itest_buf sql = {0};
    itest_buf_printf(&sql, "INSERT INTO %s SELECT * FROM file(%s, 'RowBinary', %s)", target, sql_path, sql_structure);
    char *out = chs_query(s, sql.p, "TabSeparated", NULL, &err);
    unlink(path);
    free(sql_path);
    free(sql_structure);
    if (!out) {
        itest_fail_query(file, line, sql.p, err);
        free(err);
        itest_buf_free(&sql);
        return;
    }
    free(out);
    itest_buf_free(&sql);
}

size_t itest_insert_strings_at(const char *file, int line, chs_session *s, const char *table, const char *column,
                               const itest_rows *rows) {
    itest_buf rb = {0};
    for (size_t i = 0; i < rows->count; i++) itest_rb_string(&rb, rows->data.p + rows->off[i], rows->len[i]);
    char target[1024], structure[512];
    if (column) snprintf(target, sizeof(target), "%s (%s)", table, column);
    else snprintf(target, sizeof(target), "%s", table);   /* by position: its one column */
    snprintf(structure, sizeof(structure), "%s String", column ? column : "value");
    itest_insert_rowbinary_at(file, line, s, target, structure, &rb);
    itest_buf_free(&rb);
    return rows->count;
}

/* --------------------------------------------------------- outbox corpus */

/* The value schema Debezium 3.1 (PostgreSQL) writes for public.outbox_events
 * with schemas.enable=true, as captured in tests/fixtures/debezium. */
static const char itest_outbox_schema[] =
    "{\"type\":\"struct\",\"fields\":[{\"type\":\"struct\",\"fields\":[{\"type\":\"string\",\"optional\":false,"
    "\"name\":\"io.debezium.data.Uuid\",\"version\":1,\"field\":\"id\"},{\"type\":\"string\",\"optional\":false,"
    "\"field\":\"aggregate_type\"},{\"type\":\"string\",\"optional\":false,\"field\":\"aggregate_id\"},{\"type\":"
    "\"string\",\"optional\":false,\"field\":\"event_type\"},{\"type\":\"string\",\"optional\":false,\"field\":"
    "\"payload\"},{\"type\":\"string\",\"optional\":false,\"name\":\"io.debezium.time.ZonedTimestamp\",\"version\":1,"
    "\"field\":\"created_at\"}],\"optional\":true,\"name\":\"dbz.public.outbox_events.Value\",\"field\":\"before\"},"
    "{\"type\":\"struct\",\"fields\":[{\"type\":\"string\",\"optional\":false,\"name\":\"io.debezium.data.Uuid\","
    "\"version\":1,\"field\":\"id\"},{\"type\":\"string\",\"optional\":false,\"field\":\"aggregate_type\"},{\"type\":"
    "\"string\",\"optional\":false,\"field\":\"aggregate_id\"},{\"type\":\"string\",\"optional\":false,\"field\":"
    "\"event_type\"},{\"type\":\"string\",\"optional\":false,\"field\":\"payload\"},{\"type\":\"string\",\"optional\":"
    "false,\"name\":\"io.debezium.time.ZonedTimestamp\",\"version\":1,\"field\":\"created_at\"}],\"optional\":true,"
    "\"name\":\"dbz.public.outbox_events.Value\",\"field\":\"after\"},{\"type\":\"struct\",\"fields\":[{\"type\":"
    "\"string\",\"optional\":false,\"field\":\"version\"},{\"type\":\"string\",\"optional\":false,\"field\":"
    "\"connector\"},{\"type\":\"string\",\"optional\":false,\"field\":\"name\"},{\"type\":\"int64\",\"optional\":false,"
    "\"field\":\"ts_ms\"},{\"type\":\"string\",\"optional\":true,\"name\":\"io.debezium.data.Enum\",\"version\":1,"
    "\"parameters\":{\"allowed\":\"true,first,first_in_data_collection,last_in_data_collection,last,false,"
    "incremental\"},\"default\":\"false\",\"field\":\"snapshot\"},{\"type\":\"string\",\"optional\":false,\"field\":"
    "\"db\"},{\"type\":\"string\",\"optional\":true,\"field\":\"sequence\"},{\"type\":\"int64\",\"optional\":true,"
    "\"field\":\"ts_us\"},{\"type\":\"int64\",\"optional\":true,\"field\":\"ts_ns\"},{\"type\":\"string\",\"optional\":"
    "false,\"field\":\"schema\"},{\"type\":\"string\",\"optional\":false,\"field\":\"table\"},{\"type\":\"int64\","
    "\"optional\":true,\"field\":\"txId\"},{\"type\":\"int64\",\"optional\":true,\"field\":\"lsn\"},{\"type\":\"int64\","
    "\"optional\":true,\"field\":\"xmin\"}],\"optional\":false,\"name\":\"io.debezium.connector.postgresql.Source\","
    "\"version\":1,\"field\":\"source\"},{\"type\":\"struct\",\"fields\":[{\"type\":\"string\",\"optional\":false,"
    "\"field\":\"id\"},{\"type\":\"int64\",\"optional\":false,\"field\":\"total_order\"},{\"type\":\"int64\","
    "\"optional\":false,\"field\":\"data_collection_order\"}],\"optional\":true,\"name\":\"event.block\",\"version\":1,"
    "\"field\":\"transaction\"},{\"type\":\"string\",\"optional\":false,\"field\":\"op\"},{\"type\":\"int64\","
    "\"optional\":true,\"field\":\"ts_ms\"},{\"type\":\"int64\",\"optional\":true,\"field\":\"ts_us\"},{\"type\":"
    "\"int64\",\"optional\":true,\"field\":\"ts_ns\"}],\"optional\":false,\"name\":\"dbz.public.outbox_events."
    "Envelope\",\"version\":2}";

/* Pieces random strings are made of: plain text, JSON specials, control
 * characters, 2-, 3- and 4-byte UTF-8. */
static const char *const itest_pieces[] = {
    "a", "b", "x", "Z", "7", "-", "_", ".", " ", "user", "42", "/", "'", "\"", "\\", "\\\"", "\t", "\n", "\r",
    "\x01", "\x1f", "é", "ß", "ü", "Ω", "日本", "中文", "€", "😀", "𝄞", "{", "}", "[", ":", ",", "\\u0041",
};

static void itest_random_text(itest_rng *r, char *out, size_t cap, const char *prefix, unsigned max_pieces) {
    size_t n = (size_t)snprintf(out, cap, "%s", prefix);
    unsigned pieces = (unsigned)itest_rng_below(r, max_pieces + 1);
    for (unsigned i = 0; i < pieces; i++) {
        const char *p = itest_pieces[itest_rng_below(r, sizeof(itest_pieces) / sizeof(itest_pieces[0]))];
        size_t len = strlen(p);
        if (n + len + 1 > cap) break;
        memcpy(out + n, p, len + 1);
        n += len;
    }
}

static void itest_random_ts(itest_rng *r, char *out, size_t cap) {
    static const char *const zones[] = {"Z", "Z", "Z", "+00:00", "+02:00", "-05:00", "+05:30", "-09:30", "+14:00",
                                        "-12:00", "+0100", ""};
    unsigned year = 2020 + (unsigned)itest_rng_below(r, 7), month = 1 + (unsigned)itest_rng_below(r, 12);
    unsigned day = 1 + (unsigned)itest_rng_below(r, 28), hh = (unsigned)itest_rng_below(r, 24);
    unsigned mm = (unsigned)itest_rng_below(r, 60), ss = (unsigned)itest_rng_below(r, 60);
    int n = snprintf(out, cap, "%04u-%02u-%02u%c%02u:%02u:%02u", year, month, day, itest_rng_pct(r, 85) ? 'T' : ' ',
                     hh, mm, ss);
    unsigned digits = (unsigned)itest_rng_below(r, 10);   /* 0 = no fraction */
    if (digits) {
        out[n++] = '.';
        for (unsigned i = 0; i < digits; i++) out[n++] = (char)('0' + itest_rng_below(r, 10));
    }
    snprintf(out + n, cap - (size_t)n, "%s", zones[itest_rng_below(r, sizeof(zones) / sizeof(zones[0]))]);
}

static void itest_random_properties(itest_rng *r, char *out, size_t cap) {
    static const char *const pages[] = {"/home", "/checkout", "/pricing", "/", "/p?q=a&b=\\\"c\\\"", "/caf\\u00e9"};
    static const char *const devices[] = {"ios", "android", "web", "tv"};
    static const char *const values[] = {"0", "19.99", "-1", "1e3", "2.5E-3", "12345678901234", "0.001", "null"};
    itest_buf b = {0};
    itest_buf_puts(&b, "{");
    itest_buf_printf(&b, "\"page\":\"%s\"", pages[itest_rng_below(r, 6)]);
    if (itest_rng_pct(r, 90)) itest_buf_printf(&b, ",\"device\":\"%s\"", devices[itest_rng_below(r, 4)]);
    itest_buf_printf(&b, ",\"value\":%s", values[itest_rng_below(r, 8)]);
    if (itest_rng_pct(r, 70)) itest_buf_printf(&b, ",\"score\":0.%02u", (unsigned)itest_rng_below(r, 100));
    if (itest_rng_pct(r, 20)) itest_buf_puts(&b, ",\"tags\":[\"a\",1,true,null,{\"k\":[]}]");
    if (itest_rng_pct(r, 20)) itest_buf_puts(&b, ",\"utm\":{\"source\":\"news\\u2014letter\",\"nested\":{\"x\":false}}");
    if (itest_rng_pct(r, 10)) {
        char t[64];
        itest_random_text(r, t, sizeof(t), "", 5);
        itest_buf_puts(&b, ",\"note\":");
        itest_buf_json_string(&b, t, strlen(t), 0);
    }
    itest_buf_puts(&b, "}");
    snprintf(out, cap, "%s", b.p);
    itest_buf_free(&b);
}

void itest_outbox_random(itest_rng *r, itest_outbox *o) {
    static const char *const event_types[] = {"exposure", "conversion", "click", "purchase", "view"};
    static const char *const variants[] = {"control", "treatment", "B", "variant \"x\"", "ünïcode"};
    memset(o, 0, sizeof(*o));
    unsigned k = (unsigned)itest_rng_below(r, 100);
    o->op = k < 50 ? 'c' : k < 70 ? 'r' : k < 90 ? 'u' : 'd';
    o->envelope = itest_rng_pct(r, 33);
    o->tx_metadata = o->op != 'r' && itest_rng_pct(r, 50);
    o->lsn = itest_rng_pct(r, 5) ? (1ULL << 62) + itest_rng_below(r, 1ULL << 61) : 26000000 + itest_rng_below(r, 1ULL << 36);
    o->tx_id = 700 + itest_rng_below(r, 1000000);
    o->source_ts_ms = 1700000000000LL + (int64_t)itest_rng_below(r, 100000000000ULL);
    o->ts_ms = o->source_ts_ms + (int64_t)itest_rng_below(r, 5000);
    o->aggregate_id = (unsigned)itest_rng_below(r, 1000000);
    uint64_t a = itest_rng_next(r), b = itest_rng_next(r);
    snprintf(o->id, sizeof(o->id), "%08x-%04x-4%03x-%04x-%012llx", (unsigned)(a >> 32), (unsigned)(a >> 16) & 0xFFFF,
             (unsigned)a & 0xFFF, 0x8000 | ((unsigned)(b >> 48) & 0x3FFF), (unsigned long long)(b & 0xFFFFFFFFFFFFULL));
    o->experiment_id = itest_rng_pct(r, 3) ? 4294967295U : (uint32_t)itest_rng_below(r, 100000);
    o->variant_id = (uint32_t)itest_rng_below(r, 5);
    itest_random_text(r, o->user_id, sizeof(o->user_id), "user-", 6);
    snprintf(o->variant_key, sizeof(o->variant_key), "%s", variants[itest_rng_below(r, 5)]);
    snprintf(o->event_type, sizeof(o->event_type), "%s", event_types[itest_rng_below(r, 5)]);
    if (itest_rng_pct(r, 85)) itest_random_text(r, o->session_id, sizeof(o->session_id), "sess-", 3);
    itest_random_ts(r, o->timestamp, sizeof(o->timestamp));
    if (itest_rng_pct(r, 70)) itest_random_ts(r, o->assignment_at, sizeof(o->assignment_at));
    itest_random_properties(r, o->properties, sizeof(o->properties));
    o->payload_pretty = itest_rng_pct(r, 60);
    o->payload_shuffle = itest_rng_pct(r, 30);
    o->ascii_escapes = itest_rng_pct(r, 30);
}

/* The experiment event as the application wrote it (JSON text). */
static void itest_outbox_payload(itest_rng *r, const itest_outbox *o, itest_buf *out) {
    itest_buf m[10] = {{0}};
    const char *sep = o->payload_pretty ? " : " : ":";
    int i = 0;
#define STR_MEMBER(name, val)                                                  \
    do {                                                                       \
        itest_buf_printf(&m[i], "\"%s\"%s", name, sep);                        \
        itest_buf_json_string(&m[i], (val), strlen(val), o->ascii_escapes);    \
        i++;                                                                   \
    } while (0)
    STR_MEMBER("id", o->id);
    itest_buf_printf(&m[i++], "\"experiment_id\"%s%u", sep, o->experiment_id);
    STR_MEMBER("user_id", o->user_id);
    itest_buf_printf(&m[i++], "\"variant_id\"%s%u", sep, o->variant_id);
    STR_MEMBER("variant_key", o->variant_key);
    STR_MEMBER("event_type", o->event_type);
    STR_MEMBER("timestamp", o->timestamp);
    if (o->assignment_at[0]) STR_MEMBER("assignment_at", o->assignment_at);
    else itest_buf_printf(&m[i++], "\"assignment_at\"%snull", sep);
    itest_buf_printf(&m[i++], "\"properties\"%s%s", sep, o->properties);
    if (o->session_id[0]) STR_MEMBER("session_id", o->session_id);
    else itest_buf_printf(&m[i++], "\"session_id\"%snull", sep);
#undef STR_MEMBER
    int order[10];
    for (int j = 0; j < i; j++) order[j] = j;
    if (o->payload_shuffle) {
        for (int j = i - 1; j > 0; j--) {
            int x = (int)itest_rng_below(r, (uint64_t)j + 1), t = order[j];
            order[j] = order[x];
            order[x] = t;
        }
    }
    itest_buf_putc(out, '{');
    for (int j = 0; j < i; j++) {
        if (j) itest_buf_puts(out, o->payload_pretty ? ", " : ",");
        itest_buf_put(out, m[order[j]].p, m[order[j]].n);
    }
    itest_buf_putc(out, '}');
    for (int j = 0; j < i; j++) itest_buf_free(&m[j]);
}

/* The outbox row: every column for after; for before (REPLICA IDENTITY
 * DEFAULT) the key with the other columns at their defaults. */
static void itest_outbox_row(itest_rng *r, const itest_outbox *o, int full, itest_buf *out) {
    if (!full) {
        itest_buf_printf(out,
                         "{\"id\":\"%s\",\"aggregate_type\":\"\",\"aggregate_id\":\"\",\"event_type\":\"\","
                         "\"payload\":\"\",\"created_at\":\"1970-01-01T00:00:00Z\"}",
                         o->id);
        return;
    }
    itest_buf_printf(out, "{\"id\":\"%s\",\"aggregate_type\":\"assignment\",\"aggregate_id\":\"%u\",\"event_type\":",
                     o->id, o->aggregate_id);
    itest_buf_json_string(out, o->event_type, strlen(o->event_type), 0);
    itest_buf_puts(out, ",\"payload\":");
    itest_buf payload = {0};
    itest_outbox_payload(r, o, &payload);
    itest_buf_json_string(out, payload.p, payload.n, 0);
    itest_buf_free(&payload);
    /* created_at: the event's date and time of day, as a ZonedTimestamp */
    itest_buf_printf(out, ",\"created_at\":\"%.10sT%.8s.000000Z\"}", o->timestamp, o->timestamp + 11);
}

void itest_outbox_write(itest_rng *r, const itest_outbox *o, itest_buf *out) {
    static const char *const snapshots[] = {"first_in_data_collection", "true", "last_in_data_collection", "last"};
    if (o->envelope) itest_buf_printf(out, "{\"schema\":%s,\"payload\":", itest_outbox_schema);
    itest_buf_puts(out, "{\"before\":");
    if (o->op == 'd') itest_outbox_row(r, o, 0, out);
    else itest_buf_puts(out, "null");
    itest_buf_puts(out, ",\"after\":");
    if (o->op == 'd') itest_buf_puts(out, "null");
    else itest_outbox_row(r, o, 1, out);
    const char *snapshot = o->op == 'r' ? snapshots[o->lsn % 4] : "false";
    itest_buf_printf(out,
                     ",\"source\":{\"version\":\"3.1.3.Final\",\"connector\":\"postgresql\",\"name\":\"%s\","
                     "\"ts_ms\":%lld,\"snapshot\":\"%s\",\"db\":\"cdc\",\"sequence\":\"[null,\\\"%llu\\\"]\","
                     "\"ts_us\":%lld,\"ts_ns\":%lld,\"schema\":\"public\",\"table\":\"outbox_events\","
                     "\"txId\":%llu,\"lsn\":%llu,\"xmin\":null}",
                     o->envelope ? "dbz" : "dbzplain", (long long)o->source_ts_ms, snapshot,
                     (unsigned long long)o->lsn, (long long)o->source_ts_ms * 1000 + 719,
                     (long long)o->source_ts_ms * 1000000 + 719000, (unsigned long long)o->tx_id,
                     (unsigned long long)o->lsn);
    if (o->tx_metadata)
        itest_buf_printf(out, ",\"transaction\":{\"id\":\"%llu:%llu\",\"total_order\":%u,\"data_collection_order\":%u}",
                         (unsigned long long)o->tx_id, (unsigned long long)o->lsn, 1 + (unsigned)(o->lsn % 7),
                         1 + (unsigned)(o->lsn % 3));
    else
        itest_buf_puts(out, ",\"transaction\":null");
    itest_buf_printf(out, ",\"op\":\"%c\",\"ts_ms\":%lld,\"ts_us\":%lld,\"ts_ns\":%lld}", o->op, (long long)o->ts_ms,
                     (long long)o->ts_ms * 1000 + 391, (long long)o->ts_ms * 1000000 + 391762);
    if (o->envelope) itest_buf_putc(out, '}');
}

/* ------------------------------------------------------------ processes */

void itest_for_each_child(void (*fn)(void *ctx, const itest_child *c), void *ctx) {
    itest_for_each_child_of(getpid(), fn, ctx);
}

void itest_for_each_child_of(long parent, void (*fn)(void *ctx, const itest_child *c), void *ctx) {
    DIR *d = opendir("/proc");
    if (!d) return;
    long self = parent;
    long hz = sysconf(_SC_CLK_TCK);
    struct dirent *e;
    while ((e = readdir(d))) {
        if (e->d_name[0] < '0' || e->d_name[0] > '9') continue;
        char path[300], buf[1024];
        snprintf(path, sizeof(path), "/proc/%s/stat", e->d_name);
        FILE *f = fopen(path, "r");
        if (!f) continue;
        size_t n = fread(buf, 1, sizeof(buf) - 1, f);
        fclose(f);
        buf[n] = 0;
        char *open = strchr(buf, '('), *close = strrchr(buf, ')');
        if (!open || !close) continue;
        int ppid;
        unsigned long ut, st;
        /* after ") ": state ppid pgrp session tty tpgid flags minflt cminflt majflt cmajflt utime stime */
        if (sscanf(close + 2, "%*c %d %*d %*d %*d %*d %*u %*u %*u %*u %*u %lu %lu", &ppid, &ut, &st) != 3) continue;
        if (ppid != self) continue;
        itest_child c = {atoi(e->d_name), "", (double)(ut + st) / (double)hz, 0, 0};
        snprintf(c.comm, sizeof(c.comm), "%.*s", (int)(close - open - 1), open + 1);
        snprintf(path, sizeof(path), "/proc/%s/status", e->d_name);
        f = fopen(path, "r");
        if (f) {
            while (fgets(buf, sizeof(buf), f))
                if (!strncmp(buf, "VmHWM:", 6)) c.hwm_kb = atol(buf + 6);
                else if (!strncmp(buf, "VmRSS:", 6)) c.rss_kb = atol(buf + 6);
            fclose(f);
        }
        fn(ctx, &c);
    }
    closedir(d);
}
