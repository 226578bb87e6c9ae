#!/usr/bin/env python3
"""make-seeds.py — writes the fuzz seed corpus tests/fuzz/corpus/<target>/.

Seeds come from the unit tests' inputs: the string literals of
tests/unit/test_json.c and test_timestamp.c, the recorded Debezium messages
in tests/fixtures/debezium, plus a few hand-made edge cases per format.
Deterministic; rerun after changing the sources, then commit the result
(`make-seeds.py fuzz_native …` rewrites only the targets named).
Past fuzz findings (regress-*) are kept.
(run-fuzz.sh adds JSONTestSuite, when present, as extra JSON seeds.)"""
import base64, hashlib, json, pathlib, re, struct, sys

root = pathlib.Path(__file__).resolve().parents[2]
out = root / "tests/fuzz/corpus"
MAX = 16384
ONLY = set(sys.argv[1:])


def literals(path):
    text = (root / path).read_text()
    found = []
    for m in re.finditer(r'"((?:[^"\\\n]|\\.)*)"', text):
        raw = m.group(1)
        if "%" in raw:
            continue
        try:
            found.append(bytes(raw, "utf-8").decode("unicode_escape").encode("latin-1", "replace"))
        except (UnicodeDecodeError, UnicodeEncodeError):
            pass
    return found


def messages():
    msgs = []
    for f in sorted((root / "tests/fixtures/debezium").glob("*/*.jsonl")):
        lines = [l for l in f.read_text().splitlines() if l.strip()]
        for line in lines[:2] + lines[-1:]:
            v = json.loads(line).get("value")
            if v is not None and len(v) <= MAX:
                msgs.append(v.encode())
    return msgs


def leb(n):
    b = bytearray()
    while True:
        c = n & 0x7F
        n >>= 7
        b.append(c | (0x80 if n else 0))
        if not n:
            return bytes(b)


def rb_str(s):
    return leb(len(s)) + s


def write(target, seeds):
    """Replaces the generated seeds; past findings (regress-*) are kept."""
    if ONLY and target not in ONLY:
        return
    d = out / target
    d.mkdir(parents=True, exist_ok=True)
    for old in d.iterdir():
        if not old.name.startswith("regress-"):
            old.unlink()
    for s in dict.fromkeys(seeds):
        if len(s) <= MAX:
            (d / hashlib.sha1(s).hexdigest()[:16]).write_bytes(s)


msgs = messages()
outbox = [m for m in msgs if b"payload" in m]
deep = b"[" * 2000 + b"]" * 2000
edge_json = [b"", b"null", b'"\\ud800"', b'"\\ud83d\\ude00"', b'{"a":1,"a":2}', b'"\x00"', b'"\xff"',
             b'{"after":{"payload":"{\\"id\\":1}"}}', b"1e999", b"-0", b"18446744073709551616", deep,
             b'{"a":[1,{"b":"c"}]}', b'"abc\\', b'{"x":"\\u00e9\\n"}']
write("fuzz_json", literals("tests/unit/test_json.c") + msgs + edge_json)

ts = [l for l in literals("tests/unit/test_timestamp.c") if len(l) < 64]
write("fuzz_timestamp", [bytes([p]) + t for t in ts for p in (6,)] + [bytes([p]) + b"2024-04-01T08:00:30.123456789+05:30" for p in range(10)])

tsv = [b"\x00abc\n", b"\x00a\\tb\\nc\\\\d\\x41\\N\n", b"\x01{\"a\":1}\tafter.a\n", b"\x02\\N\t2024-01-01\n",
       b"\x03" + b"2024-01-01 00:00:00\t1700000000\n", b"\x04" + b"2\nx\ny\n0\n", b"\x05" + b"1\n{}\tp\n",
       b"\x06" + b"1\n\\N\t\\N\n", b"\x07" + b"1\n2024-01-01\t\\N\n", b"\x00no newline", b"\x01one field\n"]
tsv += [b"\x00" + m.replace(b"\\", b"\\\\") + b"\n" for m in msgs[:6]]
write("fuzz_tsv", tsv)

rb = [b"\x00" + rb_str(b"abc"), b"\x01" + rb_str(b'{"a":1}') + rb_str(b"a"), b"\x02\x01\x00" + rb_str(b"x"),
      b"\x03\x00" + struct.pack("<q", 1700000000000000) + b"\x01", b"\x04" + b"2\n" + rb_str(b"x") + rb_str(b"y"),
      b"\x04" + b"0\n", b"\x05" + b"1\n" + rb_str(b"j") + rb_str(b"p"), b"\x00" + b"\xff" * 11, b"\x00\x05ab",
      b"\x06" + b"1\n\x00" + rb_str(b"2024-01-01") + b"\x01"]
rb += [b"\x04" + b"1\n" + rb_str(m) for m in msgs[:6]]
write("fuzz_rowbinary", rb)



def native_block(cols, nrows):
    """One Native block: cols = [(name, type, column bytes)]."""
    b = leb(len(cols)) + leb(nrows)
    for name, typ, data in cols:
        b += rb_str(name) + rb_str(typ) + data
    return b


def strings(*vals):
    return b"".join(rb_str(v) for v in vals)


dt = lambda *ticks: b"".join(struct.pack("<q", t) for t in ticks)
nat = [b"\x00" + native_block([(b"message", b"String", strings(b"abc", b""))], 2),
       b"\x01" + native_block([(b"json", b"String", strings(b'{"a":1}', b"x")), (b"path", b"String", strings(b"a", b""))], 2),
       b"\x02" + native_block([(b"event_ts", b"Nullable(String)", b"\x00\x01" + strings(b"2024-01-01", b"")),
                               (b"assignment_at", b"Nullable(String)", b"\x01\x00" + strings(b"", b"1700000000"))], 2),
       b"\x03" + native_block([(b"event_ts", b"Nullable(DateTime64(6, 'UTC'))", b"\x00\x01" + dt(1700000000000000, 0)),
                               (b"assignment_at", b"Nullable(DateTime64(6, 'UTC'))", b"\x00\x00" + dt(-1, 2))], 2),
       b"\x04" + b"2\n" + native_block([(b"message", b"String", strings(b"x", b"y"))], 2),
       b"\x04" + b"3\n" + native_block([(b"message", b"String", strings(b"x"))], 1)
       + native_block([(b"message", b"String", strings(b"y", b"z"))], 2) + b"0\n",
       b"\x04" + b"1\n" + native_block([(b"message", b"String", strings(b"x", b"y"))], 2),
       b"\x00" + native_block([(b"message", b"String", strings(b"x"))], 1) + native_block([(b"message", b"String", b"")], 0),
       b"\x00" + native_block([(b"message", b"LowCardinality(String)", strings(b"x"))], 1),
       b"\x01" + native_block([(b"json", b"String", strings(b"x"))], 1),
       b"\x00" + native_block([(b"message", b"String", strings(b"abc"))], 1)[:-2],
       b"\x06" + b"1\n" + native_block([(b"a", b"Nullable(String)", b"\x01\x00"), (b"b", b"Nullable(String)", b"\x00\x01z")], 1)]
nat += [b"\x00" + native_block([(b"message", b"String", strings(m))], 1) for m in msgs[:6]]
write("fuzz_native", nat)

# logical decoding messages (content base64 of JSON: decoded through jsonexpand) and updates with both images
ldm = [b'{"op":"m","ts_ms":1,"source":{"lsn":5},"message":{"prefix":"p","content":"%s"}}' % base64.b64encode(c)
       for c in (b'{"id":1,"n":null,"a":[1,2],"o":[{"x":1},{"y":"s"}],"d":1.5e-4}', b'{"a":[1,2.5]}', b"hi", b"[1]",
                 b'{"a":1,"a":null,"b":[[],[1]]}')]
ldm += [b'{"schema":{"name":"io.debezium.connector.postgresql.MessageValue"},"payload":{"op":"m","message":{"content":"e30="}}}',
        b'{"op":"u","before":{"id":1,"t":"x","b":[1]},"after":{"id":1,"t":"__debezium_unavailable_value","b":[2],"n":3}}']
write("fuzz_fn_debezium_unwrap", msgs + ldm + [b"", b"null", b'{"payload":null}', b'{"op":"d","before":{"id":1}}', b"[1]", deep])
write("fuzz_fn_payload_extract", outbox + [b'{"op":"c","after":{"payload":{"id":"x","experiment_id":"7","properties":{"i8":300,"b":"yes","a":[{"b":1}]}}}}',
                                           b'{"after":{"payload":"{\\"experiment_id\\":1e3}"}}', b"", b"not json",
                                           b'{"op":"c","after":{"order_date":"2025-09-03","payload":{"properties":{"day":19969}}}}',
                                           b'{"op":"u","after":{"order_date":-25568,"payload":{"properties":{"day":"2149-06-07"}}}}'] + ldm[:2])
paths = [b"after.payload.id", b"after.payload.properties.page", b"op", b"source.lsn", b"", b"after.0"]
write("fuzz_fn_payload_get", [m + b"\n" + p for m in msgs[:10] for p in paths[:3]] + [b'{"a":"{\\"b\\":[1,2]}"}\na.b.1', b"x\n\\N"])
# outbox_route: the EventRouter fixtures' messages (with and without the envelope, every rule's edges).
outbox_cases = [json.loads(l) for l in (root / "tests/fixtures/outbox/eventrouter.jsonl").read_text().split("\n") if l]
write("fuzz_fn_outbox_route", [c[k].encode() for c in outbox_cases[::3] for k in ("plain", "message") if c.get(k)]
      + [b"", b'{"op":"c","after":{"id":"e","aggregatetype":"order-eu","aggregateid":"1","payload":"[]","shard":2}}'])
write("fuzz_fn_is_valid_after_assignment", [a + b"\n" + b for a in (b"2024-01-01T00:00:00Z", b"1700000000123", b"\\N", b"")
                                            for b in (b"2024-01-01 00:00:00.000001+01:00", b"\\N", b"", b"garbage")])
# debezium_typed: every captured with-schema message, then (after the last
# newline) a `columns` argument: type_zoo's, as debezium_ddl declares it
# (tests/fixtures/ddl/type_zoo.sql), or a short list the message disagrees with.
zoo_sql = (root / "tests/fixtures/ddl/type_zoo.sql").read_text()
zoo_cols = re.search(r"debezium_typed\(`__k`\.`message`, '((?:[^'\\]|\\.)*)'\)", zoo_sql).group(1)
zoo_cols = re.sub(r"\\(.)", r"\1", zoo_cols).encode()
typed_msgs = []
for f in sorted((root / "tests/fixtures/debezium/with-schema").glob("*.jsonl")):
    for line in f.read_text().splitlines():
        v = json.loads(line).get("value")
        if v is not None and len(v) <= MAX:
            typed_msgs.append(v.encode())
zoo_json = zoo_cols.replace(b"`doc` Nullable(String)", b"`doc` JSON").replace(
    b"`mood` Nullable(Enum8('sad' = 1, 'ok' = 2, 'happy' = 3))", b"`mood` LowCardinality(Nullable(String))")
write("fuzz_fn_debezium_typed", [m + b"\n" + c for m in typed_msgs
                                 for c in (zoo_cols, zoo_json, b"`id` Int32, `gone` Enum8('a' = 1), `big` Nullable(Int8)")]
      + [b"\n`id` Int32", b"{\n`id` Nope", b"\n"])
# debezium_ddl: a record key, then (after the last newline) its message.
ddl_seeds = []
for f in sorted((root / "tests/fixtures/debezium/with-schema").glob("*.jsonl")):
    for line in f.read_text().splitlines()[:2]:
        r = json.loads(line)
        if r.get("value") is not None and len(r["value"]) <= MAX:
            ddl_seeds.append((r.get("key") or "").encode() + b"\n" + r["value"].encode())
write("fuzz_fn_debezium_ddl", ddl_seeds + [b"\n", b'{"id":1}\n{"payload":null}', b"null\n" + typed_msgs[0]])

