/* gen.c — generator core: bytes, time, UUIDs, message lists, Debezium envelope (see gen.h). */
#include "gen.h"

#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

/* --------------------------------------------------------------- bytes */

void gen_json_str(gen_buf *b, const char *s) {
    if (!s) {
        gen_puts(b, "null");
        return;
    }
    gen_put(b, "\"", 1);
    for (; *s; s++) {
        unsigned char c = (unsigned char)*s;
        if (c == '"' || c == '\\') {
            char esc[2] = {'\\', (char)c};
            gen_put(b, esc, 2);
        } else if (c == '\n') {
            gen_puts(b, "\\n");
        } else if (c == '\t') {
            gen_puts(b, "\\t");
        } else if (c < 0x20) {
            gen_printf(b, "\\u%04x", c);
        } else {
            gen_put(b, s, 1);
        }
    }
    gen_put(b, "\"", 1);
}

/* ---------------------------------------------------------------- time */

/* Howard Hinnant's days_from_civil / civil_from_days. */
int64_t gen_days_from_civil(int64_t y, int m, int d) {
    y -= m <= 2;
    int64_t era = gen_floor_div(y, 400);
    int64_t yoe = y - era * 400;
    int64_t doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
    int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + doe - 719468;
}

static void gen_civil(int64_t z, int64_t *y, int *m, int *d) {
    z += 719468;
    int64_t era = gen_floor_div(z, 146097);
    int64_t doe = z - era * 146097;
    int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    int64_t mp = (5 * doy + 2) / 153;
    *d = (int)(doy - (153 * mp + 2) / 5 + 1);
    *m = (int)(mp < 10 ? mp + 3 : mp - 9);
    *y = yoe + era * 400 + (*m <= 2);
}

int64_t gen_utc(int y, int mo, int d, int h, int mi, int s) {
    return ((gen_days_from_civil(y, mo, d) * 24 + h) * 60 + mi) * 60 * GEN_US_PER_SEC + s * GEN_US_PER_SEC;
}

void gen_date(char *out, int64_t day) {
    int64_t y;
    int m, d;
    gen_civil(day, &y, &m, &d);
    snprintf(out, 24, "%04d-%02d-%02d", (int)(y % 10000), m % 100, d % 100);
}

void gen_iso(char *out, int64_t us, int frac) {
    int64_t day = gen_floor_div(us, GEN_US_PER_DAY);
    int64_t in_day = us - day * GEN_US_PER_DAY;
    int64_t sec = in_day / GEN_US_PER_SEC, micro = in_day % GEN_US_PER_SEC;
    char date[24], fr[16] = "";
    gen_date(date, day);
    if (frac > 0) {
        char six[8];
        snprintf(six, sizeof(six), "%06lld", (long long)micro);
        fr[0] = '.';
        memcpy(fr + 1, six, (size_t)frac);
        fr[1 + frac] = 0;
    }
    unsigned h = (unsigned)(sec / 3600) % 24, mi = (unsigned)(sec / 60 % 60), se = (unsigned)(sec % 60);
    snprintf(out, 40, "%.10sT%02u:%02u:%02u%.7sZ", date, h, mi, se, fr);
}

void gen_json_decimal(gen_buf *b, int64_t unscaled) {
    static const char b64[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    unsigned char bytes[8];
    int n = 8;
    for (int i = 7; i >= 0; i--) bytes[i] = (unsigned char)((uint64_t)unscaled >> (8 * (7 - i)));
    /* drop leading bytes that only repeat the sign */
    int start = 0;
    while (start < 7 && ((bytes[start] == 0x00 && !(bytes[start + 1] & 0x80)) ||
                         (bytes[start] == 0xFF && (bytes[start + 1] & 0x80))))
        start++;
    n -= start;
    gen_put(b, "\"", 1);
    for (int i = 0; i < n; i += 3) {
        uint32_t v = (uint32_t)bytes[start + i] << 16;
        if (i + 1 < n) v |= (uint32_t)bytes[start + i + 1] << 8;
        if (i + 2 < n) v |= bytes[start + i + 2];
        char q[4] = {b64[v >> 18], b64[(v >> 12) & 63], i + 1 < n ? b64[(v >> 6) & 63] : '=', i + 2 < n ? b64[v & 63] : '='};
        gen_put(b, q, 4);
    }
    gen_put(b, "\"", 1);
}

void gen_uuid(gen_rng *r, char out[37]) {
    uint64_t hi = gen_next(r), lo = gen_next(r);
    hi = (hi & ~0xF000ULL) | 0x4000ULL;                     /* version 4 */
    lo = (lo & ~(3ULL << 62)) | (2ULL << 62);               /* RFC 4122 variant */
    snprintf(out, 37, "%08llx-%04llx-%04llx-%04llx-%012llx", (unsigned long long)(hi >> 32),
             (unsigned long long)((hi >> 16) & 0xFFFF), (unsigned long long)(hi & 0xFFFF),
             (unsigned long long)(lo >> 48), (unsigned long long)(lo & 0xFFFFFFFFFFFFULL));
}

/* ------------------------------------------------------------ messages */

void gen_msgs_add(gen_msgs *m, int64_t order, gen_kind kind, const char *s, size_t n) {
    if (m->n == m->cap) {
        m->cap = m->cap ? m->cap * 2 : 1024;
        m->off = realloc(m->off, m->cap * sizeof(*m->off));
        m->len = realloc(m->len, m->cap * sizeof(*m->len));
        m->kind = realloc(m->kind, m->cap * sizeof(*m->kind));
        m->order = realloc(m->order, m->cap * sizeof(*m->order));
        if (!m->off || !m->len || !m->kind || !m->order) abort();
    }
    m->off[m->n] = m->data.n;
    m->len[m->n] = n;
    m->kind[m->n] = (unsigned char)kind;
    m->order[m->n] = order;
    gen_put(&m->data, s, n);
    m->n++;
}

const char *gen_msg(const gen_msgs *m, size_t i, size_t *n) {
    if (n) *n = m->len[i];
    return m->data.p + m->off[i];
}

typedef struct gen_slot { int64_t order; size_t index; } gen_slot;

static int gen_slot_cmp(const void *a, const void *b) {
    const gen_slot *x = a, *y = b;
    if (x->order != y->order) return x->order < y->order ? -1 : 1;
    return x->index < y->index ? -1 : x->index > y->index;
}

void gen_msgs_sort(gen_msgs *m) {
    size_t cap = m->cap ? m->cap : 1;   /* keep the capacity: more messages may be added */
    gen_slot *slot = malloc(cap * sizeof(*slot));
    size_t *off = malloc(cap * sizeof(*off)), *len = malloc(cap * sizeof(*len));
    unsigned char *kind = malloc(cap);
    if (!slot || !off || !len || !kind) abort();
    for (size_t i = 0; i < m->n; i++) slot[i] = (gen_slot){m->order[i], i};
    qsort(slot, m->n, sizeof(*slot), gen_slot_cmp);
    for (size_t i = 0; i < m->n; i++) {
        off[i] = m->off[slot[i].index];
        len[i] = m->len[slot[i].index];
        kind[i] = m->kind[slot[i].index];
        m->order[i] = slot[i].order;
    }
    free(m->off);
    free(m->len);
    free(m->kind);
    free(slot);
    m->off = off, m->len = len, m->kind = kind;
}

size_t gen_msgs_count(const gen_msgs *m, gen_kind kind) {
    size_t c = 0;
    for (size_t i = 0; i < m->n; i++) c += m->kind[i] == kind;
    return c;
}

int gen_msgs_write_tsv(const gen_msgs *m, FILE *f) {
    for (size_t i = 0; i < m->n; i++) {
        size_t n;
        const char *s = gen_msg(m, i, &n);
        for (size_t j = 0; j < n; j++) {
            switch (s[j]) {
            case '\\': fputs("\\\\", f); break;
            case '\t': fputs("\\t", f); break;
            case '\n': fputs("\\n", f); break;
            case '\r': fputs("\\r", f); break;
            case '\0': fputs("\\0", f); break;
            default: fputc(s[j], f);
            }
        }
        fputc('\n', f);
    }
    return ferror(f) ? -1 : 0;
}

void gen_msgs_free(gen_msgs *m) {
    gen_buf_free(&m->data);
    free(m->off);
    free(m->len);
    free(m->kind);
    free(m->order);
    memset(m, 0, sizeof(*m));
}

/* ------------------------------------------------- Debezium (PostgreSQL) */

void gen_dbz_init(gen_dbz *c, const char *name, const char *db, uint64_t first_lsn, uint64_t first_txid) {
    c->name = name;
    c->db = db;
    c->lsn = first_lsn;
    c->txid = first_txid;
    c->commit_lsn = 0;
}

void gen_dbz_begin(gen_dbz *c, gen_change *ch) {
    c->commit_lsn = c->lsn;
    c->txid++;
    c->lsn += 120;
    ch->txid = c->txid;
    ch->lsn = c->lsn;
}

void gen_dbz_next(gen_dbz *c, gen_change *ch) {
    c->lsn += 8 * (20 + (c->lsn >> 3) % 50);   /* WAL records are 8-byte aligned and vary in size */
    ch->txid = c->txid;
    ch->lsn = c->lsn;
}

static void gen_dbz_times(gen_buf *out, const char *key, int64_t us) {
    gen_printf(out, "\"%s_ms\":%lld,\"%s_us\":%lld,\"%s_ns\":%lld", key, (long long)(us / 1000), key, (long long)us,
               key, (long long)us * 1000 + (us % 997));
}

void gen_dbz_write(gen_buf *out, const gen_dbz *c, const gen_change *ch) {
    int snapshot = strcmp(ch->snapshot, "false") != 0;
    gen_printf(out, "{\"before\":%s,\"after\":%s,", ch->before ? ch->before : "null", ch->after ? ch->after : "null");
    gen_printf(out, "\"source\":{\"version\":\"3.1.3.Final\",\"connector\":\"postgresql\",\"name\":\"%s\",", c->name);
    gen_printf(out, "\"ts_ms\":%lld,\"snapshot\":\"%s\",\"db\":\"%s\",", (long long)(ch->source_us / 1000), ch->snapshot,
               c->db);
    if (snapshot || !c->commit_lsn)
        gen_printf(out, "\"sequence\":\"[null,\\\"%llu\\\"]\",", (unsigned long long)ch->lsn);
    else
        gen_printf(out, "\"sequence\":\"[\\\"%llu\\\",\\\"%llu\\\"]\",", (unsigned long long)c->commit_lsn,
                   (unsigned long long)ch->lsn);
    gen_printf(out, "\"ts_us\":%lld,\"ts_ns\":%lld,", (long long)ch->source_us, (long long)ch->source_us * 1000);
    gen_printf(out, "\"schema\":\"%s\",\"table\":\"%s\",\"txId\":%llu,\"lsn\":%llu,\"xmin\":null},", ch->schema,
               ch->table, (unsigned long long)ch->txid, (unsigned long long)ch->lsn);
    gen_printf(out, "\"transaction\":null,\"op\":\"%c\",", ch->op);
    gen_dbz_times(out, "ts", ch->ts_us);
    gen_puts(out, "}");
}

const char *gen_dbz_snapshot_marker(size_t i, size_t n, int first_table, int last_table) {
    if (i == 0 && first_table) return "first";
    if (i + 1 == n && last_table) return "last";
    if (i == 0) return "first_in_data_collection";
    if (i + 1 == n) return "last_in_data_collection";
    return "true";
}

void gen_junk_common(gen_buf *out, unsigned variant, uint64_t serial) {
    switch (variant % GEN_JUNK_COMMON_KINDS) {
    case 0:   /* a producer cut off mid-message */
        gen_printf(out, "{\"before\":null,\"after\":{\"id\":%llu,\"note\":\"truncated", (unsigned long long)serial);
        break;
    case 1:   /* someone typed into kafka-console-producer */
        gen_printf(out, "hello from kafka-console-producer #%llu", (unsigned long long)serial);
        break;
    case 2:
        gen_printf(out, "[%llu,\"not an object\"]", (unsigned long long)serial);
        break;
    case 3:   /* a heartbeat routed to the wrong topic */
        gen_printf(out, "{\"ts_ms\":%llu}", (unsigned long long)(1711958400000ULL + serial));
        break;
    default:  /* transaction metadata routed to the wrong topic */
        gen_printf(out,
                   "{\"status\":\"BEGIN\",\"id\":\"%llu:%llu\",\"event_count\":null,\"data_collections\":null,"
                   "\"ts_ms\":%llu}",
                   (unsigned long long)(900 + serial), (unsigned long long)(26574256 + serial * 8),
                   (unsigned long long)(1711958400000ULL + serial));
        break;
    }
}
