/* simdjson_ref.cpp — the reference row of the standalone benchmark (issue 14).
 *
 * Issue 14 sets the target "faster than simdjson On Demand on the same job in
 * the same run".  This program is that job done with simdjson (Debian's
 * libsimdjson-dev): it reads the very input file cdc_bench gives
 * experiment_event's payload_extract (chunked RowBinary of Debezium messages)
 * and, per message, parses the message, takes `after.payload` (with
 * --envelope: `payload.after.payload`), parses that JSON string and reads the
 * ten event fields with simdjson's own getters.  No conversion beyond the
 * getters, no output: a checksum folded from every field keeps the compiler
 * from dropping any of it, and is printed at the end with the message and
 * error counts (messages simdjson rejected: invalid JSON, a missing member or
 * a member of another type).
 *
 *   simdjson_ref --dom|--ondemand [--envelope] < file  ->  messages N errors E checksum H
 *   simdjson_ref --version                              ->  3.0.1 haswell haswell
 *
 * --version prints SIMDJSON_VERSION, the kernel simdjson picked at run time
 * (all of DOM, and On Demand's stage 1) and the one On Demand's inline code
 * was compiled for (its stage 2; CMake builds this file for the machine, as
 * simdjson advises for On Demand).
 *
 * Built only for the benchmark (tests/bench/CMakeLists.txt), never linked
 * into the functions: they stay C with no dependency. */
#include <simdjson.h>

#include <cerrno>
#include <cinttypes>
#include <cstdio>
#include <cstring>
#include <string_view>
#include <vector>

#include <unistd.h>

using namespace simdjson;

namespace {

#define REF_STR2(x) #x
#define REF_STR(x) REF_STR2(x)

/* ------------------------------------------------------------------ input */

/* stdin read in large blocks into one buffer that always has SIMDJSON_PADDING
 * readable bytes after its data, so a message is parsed where it lies (as our
 * decoders do: no copy). */
struct reader {
    std::vector<char> buf = std::vector<char>((1 << 20) + SIMDJSON_PADDING);
    size_t beg = 0, end = 0;

    size_t cap() const { return buf.size() - SIMDJSON_PADDING; }

    /* Makes n bytes available at buf[beg]; false if the input ends first. */
    bool need(size_t n) {
        while (end - beg < n) {
            if (beg + n > cap()) {
                std::memmove(buf.data(), buf.data() + beg, end - beg);
                end -= beg;
                beg = 0;
                if (n > cap()) buf.resize(2 * n + SIMDJSON_PADDING);
            }
            ssize_t r = read(0, buf.data() + end, cap() - end);
            if (r < 0 && errno == EINTR) continue;
            if (r <= 0) return false;
            end += size_t(r);
        }
        return true;
    }
};

[[noreturn]] void fail(const char *what) {
    std::fprintf(stderr, "simdjson_ref: %s\n", what);
    std::exit(1);
}

/* The framing of payload_extract --chunked (send_chunk_header): per chunk the
 * row count in decimal and '\n'; per row a RowBinary String, i.e. its length
 * in unsigned LEB128 and its bytes.  false at the end of input. */
bool read_chunk_header(reader &in, uint64_t *rows) {
    if (!in.need(1)) return false;
    uint64_t n = 0;
    for (;;) {
        if (!in.need(1)) fail("input ends inside a chunk header");
        char c = in.buf[in.beg++];
        if (c == '\n') break;
        if (c < '0' || c > '9') fail("bad chunk header");
        n = n * 10 + uint64_t(c - '0');
    }
    *rows = n;
    return true;
}

uint64_t read_leb128(reader &in) {
    uint64_t v = 0;
    for (int shift = 0; shift < 64; shift += 7) {
        if (!in.need(1)) fail("input ends inside a string length");
        unsigned char b = static_cast<unsigned char>(in.buf[in.beg++]);
        v |= uint64_t(b & 0x7F) << shift;
        if (!(b & 0x80)) return v;
    }
    fail("bad string length");
}

/* ---------------------------------------------------------------- checksum */

/* FNV-1a style folding.  A string contributes its length and its first and
 * last bytes: the parser has unescaped all of it already. */
void fold(uint64_t &h, uint64_t v) { h = (h ^ v) * 0x100000001b3ULL; }
void fold(uint64_t &h, std::string_view s) {
    fold(h, s.size());
    if (!s.empty()) fold(h, uint64_t(static_cast<unsigned char>(s.front())) << 8 | static_cast<unsigned char>(s.back()));
}

/* The payload string copied out of the parser's string buffer into a buffer
 * with padding: simdjson parses only padded input (our decoders validate and
 * unescape it in the same pass, with no copy). */
struct padded {
    std::vector<char> buf;
    const char *assign(std::string_view s) {
        if (buf.size() < s.size() + SIMDJSON_PADDING) buf.resize(s.size() + SIMDJSON_PADDING);
        std::memcpy(buf.data(), s.data(), s.size());
        return buf.data();
    }
};

/* ---------------------------------------------------------------- the job */

/* DOM: the whole message parsed and validated into a tape, then looked up.
 * DOM keeps no source text: `properties` is read as the object on the tape
 * (its member count folded).  Serialising it back (simdjson::minify) would
 * be output, which neither row does. */
struct dom_job {
    dom::parser outer, inner;
    padded pl;

    bool run(const char *msg, size_t n, bool envelope, uint64_t &h) {
        dom::element doc;
        if (outer.parse(msg, n, false).get(doc)) return false;
        if (envelope && doc["payload"].get(doc)) return false;
        std::string_view payload;
        if (doc["after"]["payload"].get_string().get(payload)) return false;
        const char *text = pl.assign(payload);
        dom::object o;
        if (inner.parse(text, payload.size(), false).get_object().get(o)) return false;
        std::string_view s;
        uint64_t u;
        dom::element e;
        dom::object props;
        if (o["id"].get_string().get(s)) return false;
        fold(h, s);
        if (o["experiment_id"].get_uint64().get(u)) return false;
        fold(h, u);
        if (o["user_id"].get_string().get(s)) return false;
        fold(h, s);
        if (o["variant_id"].get_uint64().get(u)) return false;
        fold(h, u);
        if (o["variant_key"].get_string().get(s)) return false;
        fold(h, s);
        if (o["event_type"].get_string().get(s)) return false;
        fold(h, s);
        if (o["timestamp"].get_string().get(s)) return false;
        fold(h, s);
        if (o["assignment_at"].get(e)) return false;
        if (e.is_null()) fold(h, uint64_t(0));
        else if (e.get_string().get(s)) return false;
        else fold(h, s);
        if (o["properties"].get_object().get(props)) return false;
        fold(h, uint64_t(props.size()));
        if (o["session_id"].get(e)) return false;
        if (e.is_null()) fold(h, uint64_t(0));
        else if (e.get_string().get(s)) return false;
        else fold(h, s);
        return true;
    }
};

/* On Demand: stage 1 indexes the whole message; only what is looked up is
 * then walked (and so validated) — the members after `after` are not.
 * `properties` is its raw text (object::raw_json). */
struct ondemand_job {
    ondemand::parser outer, inner;
    padded pl;

    /* a nullable string member: 0 folded for null */
    static bool nullable(ondemand::object &o, const char *key, uint64_t &h) {
        ondemand::value v;
        bool null;
        std::string_view s;
        if (o[key].get(v) || v.is_null().get(null)) return false;
        if (null) fold(h, uint64_t(0));
        else if (v.get_string().get(s)) return false;
        else fold(h, s);
        return true;
    }

    bool run(const char *msg, size_t n, size_t capacity, bool envelope, uint64_t &h) {
        ondemand::document doc;
        if (outer.iterate(msg, n, capacity).get(doc)) return false;
        std::string_view payload;
        auto p = envelope ? doc["payload"]["after"]["payload"] : doc["after"]["payload"];
        if (p.get_string().get(payload)) return false;
        const char *text = pl.assign(payload);   /* before pl.buf.size() is taken */
        ondemand::document pdoc;
        ondemand::object o;
        if (inner.iterate(text, payload.size(), pl.buf.size()).get(pdoc)) return false;
        if (pdoc.get_object().get(o)) return false;
        std::string_view s;
        uint64_t u;
        ondemand::object props;
        if (o["id"].get_string().get(s)) return false;
        fold(h, s);
        if (o["experiment_id"].get_uint64().get(u)) return false;
        fold(h, u);
        if (o["user_id"].get_string().get(s)) return false;
        fold(h, s);
        if (o["variant_id"].get_uint64().get(u)) return false;
        fold(h, u);
        if (o["variant_key"].get_string().get(s)) return false;
        fold(h, s);
        if (o["event_type"].get_string().get(s)) return false;
        fold(h, s);
        if (o["timestamp"].get_string().get(s)) return false;
        fold(h, s);
        if (!nullable(o, "assignment_at", h)) return false;
        if (o["properties"].get_object().get(props) || props.raw_json().get(s)) return false;
        fold(h, s);
        return nullable(o, "session_id", h);
    }
};

} // namespace

int main(int argc, char **argv) {
    bool dom = false, od = false, envelope = false;
    for (int i = 1; i < argc; i++) {
        std::string_view a = argv[i];
        if (a == "--dom") dom = true;
        else if (a == "--ondemand") od = true;
        else if (a == "--envelope") envelope = true;
        else if (a == "--version") {
            std::printf("%s %s %s\n", REF_STR(SIMDJSON_VERSION), get_active_implementation()->name().c_str(),
                        REF_STR(SIMDJSON_BUILTIN_IMPLEMENTATION));
            return 0;
        } else {
            fail("usage: simdjson_ref --dom|--ondemand [--envelope] < chunked RowBinary | --version");
        }
    }
    if (dom == od) fail("give one of --dom and --ondemand");
    reader in;
    dom_job dj;
    ondemand_job oj;
    uint64_t messages = 0, errors = 0, h = 0xcbf29ce484222325ULL, rows;
    while (read_chunk_header(in, &rows)) {
        for (uint64_t r = 0; r < rows; r++) {
            size_t n = size_t(read_leb128(in));
            if (!in.need(n)) fail("input ends inside a message");
            const char *msg = in.buf.data() + in.beg;
            /* the bytes after the message up to the buffer's end are readable padding */
            size_t capacity = in.buf.size() - in.beg;
            bool ok = dom ? dj.run(msg, n, envelope, h) : oj.run(msg, n, capacity, envelope, h);
            messages++;
            if (!ok) errors++;
            in.beg += n;
        }
    }
    if (in.beg != in.end) fail("trailing bytes after the last chunk");
    std::printf("messages %" PRIu64 " errors %" PRIu64 " checksum %016" PRIx64 "\n", messages, errors, h);
    return 0;
}
