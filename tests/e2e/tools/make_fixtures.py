#!/usr/bin/env python3
"""Turn a raw topic dump (DumpTopics.java output) into the committed fixtures.

  make_fixtures.py --in all.jsonl --out tests/fixtures/debezium \
                   --versions KEY=VALUE... [--exclude-topic-suffix .public.e2e_marker]

Writes one JSON-lines file per topic, under a sub-directory per envelope kind:
  with-schema/<topic>.jsonl   connector "dbz"      (JsonConverter, schemas.enable=true)
  plain/<topic>.jsonl         connector "dbzplain" (JsonConverter, schemas.enable=false)
and manifest.json describing every file. Each line is the record exactly as dumped:
  {"topic","partition","offset","key":<raw string|null>,"value":<raw string|null>[,"headers"]}

Trimming (to stay well under 300 KB): a record is kept when its *shape* has not been
seen yet in that topic, or while fewer than `cap` records of its kind (op / tombstone /
BEGIN / END / heartbeat) were kept. The shape covers op, tombstone, header names, the
Connect schema (with-schema), the snapshot marker (plain only), and for before/after
every field's JSON type, null-ness and the TOAST placeholder. Offsets are kept, so
trimmed records show up as gaps. Plain topics with <= `small` records are kept whole;
with-schema messages repeat their whole schema (3-5 KB each) so that envelope keeps
one record per shape. Heartbeats are cut to HEARTBEATS records (their count depends
on timing anyway); transaction-metadata topics are kept whole.

Then checks that every shape the UDF tests need is present and fails otherwise.
"""
import argparse
import collections
import hashlib
import json
import os
import sys

POLICY = {
    "json-with-schema": {"cap": 1, "small": 0, "snapshot_in_shape": False},
    "json-plain": {"cap": 2, "small": 12, "snapshot_in_shape": True},
}
HEARTBEATS = 3
PLACEHOLDER = "__debezium_unavailable_value"
MAX_TOTAL_BYTES = 300 * 1024

ENVELOPES = {
    "dbz": ("with-schema", "json-with-schema"),
    "dbzplain": ("plain", "json-plain"),
}


def connector_of(topic):
    if topic.startswith("__debezium-heartbeat."):
        return topic.split(".", 1)[1]
    return topic.split(".", 1)[0]


def type_name(v):
    if v is None:
        return "null"
    if isinstance(v, bool):
        return "bool"
    if isinstance(v, (int, float)):
        return "num"
    if isinstance(v, str):
        return "placeholder" if v == PLACEHOLDER else "str"
    if isinstance(v, list):
        return "list"
    return "obj"


def unwrap(raw, with_schema):
    """-> (payload, schema) of a raw JSON converter message."""
    if raw is None:
        return None, None
    doc = json.loads(raw)
    if with_schema:
        return doc.get("payload"), doc.get("schema")
    return doc, None


def classify(rec, with_schema, snapshot_in_shape=True):
    """-> (kind, shape signature) of one record."""
    topic = rec["topic"]
    headers = tuple(sorted(h["key"] for h in rec.get("headers", [])))
    if rec["value"] is None:
        return "tombstone", ("tombstone", headers)
    payload, schema = unwrap(rec["value"], with_schema)
    schema_hash = hashlib.sha1(json.dumps(schema, sort_keys=True).encode()).hexdigest() if schema else None
    if topic.startswith("__debezium-heartbeat."):
        return "heartbeat", ("heartbeat", schema_hash)
    if topic.endswith(".transaction"):
        return payload["status"], (payload["status"], schema_hash)
    op = payload.get("op")
    snap = (payload.get("source") or {}).get("snapshot") if snapshot_in_shape else None
    sig = [op, headers, schema_hash, snap]
    for side in ("before", "after"):
        row = payload.get(side)
        sig.append(None if row is None else tuple(sorted((k, type_name(v)) for k, v in row.items())))
    return op, tuple(sig)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--in", dest="inp", required=True)
    ap.add_argument("--out", required=True)
    ap.add_argument("--versions", nargs="*", default=[])
    ap.add_argument("--exclude-topic-suffix", action="append", default=[])
    a = ap.parse_args()

    by_topic = collections.OrderedDict()
    with open(a.inp, encoding="utf-8") as f:
        for line in f:
            rec = json.loads(line)
            if any(rec["topic"].endswith(s) for s in a.exclude_topic_suffix):
                continue
            by_topic.setdefault(rec["topic"], []).append(rec)

    # Clear only what this script owns.
    for sub, _ in ENVELOPES.values():
        d = os.path.join(a.out, sub)
        os.makedirs(d, exist_ok=True)
        for name in os.listdir(d):
            if name.endswith(".jsonl"):
                os.remove(os.path.join(d, name))

    files = []
    problems = []
    seen_kinds = collections.defaultdict(set)          # envelope -> kinds
    placeholder_files, header_files = [], []
    nonnull_cols = collections.defaultdict(set)        # envelope -> type_zoo columns seen non-null
    zoo_cols = collections.defaultdict(set)
    total_bytes = 0
    for topic, recs in by_topic.items():
        conn = connector_of(topic)
        if conn not in ENVELOPES:
            problems.append("unexpected topic %s" % topic)
            continue
        sub, envelope = ENVELOPES[conn]
        with_schema = envelope == "json-with-schema"
        pol = POLICY[envelope]
        kept, shapes, per_kind = [], set(), collections.Counter()
        kinds_total = collections.Counter()
        for rec in recs:
            kind, sig = classify(rec, with_schema, pol["snapshot_in_shape"])
            kinds_total[kind] += 1
            if kind == "heartbeat":
                keep = per_kind[kind] < HEARTBEATS
            elif topic.endswith(".transaction"):
                keep = True   # small, and BEGIN/END counts must match the change events
            else:
                keep = len(recs) <= pol["small"] or sig not in shapes or per_kind[kind] < pol["cap"]
            if keep:
                kept.append(rec)
                shapes.add(sig)
                per_kind[kind] += 1

        rel = os.path.join(sub, topic + ".jsonl")
        path = os.path.join(a.out, rel)
        with open(path, "w", encoding="utf-8", newline="\n") as f:
            for rec in kept:
                f.write(json.dumps(rec, ensure_ascii=False, separators=(",", ":")) + "\n")
        size = os.path.getsize(path)
        total_bytes += size

        has_placeholder = any(r["value"] and PLACEHOLDER in r["value"] for r in kept)
        has_headers = sorted({h["key"] for r in kept for h in r.get("headers", [])})
        if has_placeholder:
            placeholder_files.append(rel)
        if has_headers:
            header_files.append(rel)
        for r in kept:
            kind, _ = classify(r, with_schema)
            seen_kinds[envelope].add(kind)
            if topic.endswith(".public.type_zoo") and r["value"] is not None:
                payload, _ = unwrap(r["value"], with_schema)
                for side in ("before", "after"):
                    for k, v in (payload.get(side) or {}).items():
                        zoo_cols[envelope].add(k)
                        if v is not None:
                            nonnull_cols[envelope].add(k)
        files.append({
            "file": rel,
            "topic": topic,
            "connector": conn,
            "envelope": envelope,
            "records_total": len(recs),
            "records_kept": len(kept),
            "kinds_total": dict(sorted(kinds_total.items())),
            "kinds_kept": dict(sorted(per_kind.items())),
            "toast_placeholder": has_placeholder,
            "header_names": has_headers,
            "bytes": size,
        })

    # ------------------------------------------------------------- completeness checks
    for envelope, want in (("json-with-schema", {"r", "c", "u", "d", "tombstone"}),
                           ("json-plain", {"r", "c", "u", "d", "t", "tombstone", "heartbeat", "BEGIN", "END"})):
        missing = want - seen_kinds[envelope]
        if missing:
            problems.append("%s: missing kinds %s" % (envelope, sorted(missing)))
        if not any(f["envelope"] == envelope for f in files if f["toast_placeholder"]):
            problems.append("%s: no %s placeholder" % (envelope, PLACEHOLDER))
        if not any(f["envelope"] == envelope for f in files if f["header_names"]):
            problems.append("%s: no record with __debezium.newkey/oldkey headers" % envelope)
        nulls = zoo_cols[envelope] - nonnull_cols[envelope]
        if not zoo_cols[envelope] or nulls:
            problems.append("%s: type_zoo columns never non-null: %s" % (envelope, sorted(nulls) or "no type_zoo"))
    if total_bytes > MAX_TOTAL_BYTES:
        problems.append("fixtures total %d bytes > %d" % (total_bytes, MAX_TOTAL_BYTES))

    versions = dict(kv.split("=", 1) for kv in a.versions)
    manifest = {
        "description": "Real Debezium PostgreSQL messages captured from Kafka by tests/e2e/capture.sh. "
                       "One JSON object per line: topic, partition, offset, key and value as the exact raw "
                       "message bytes in a JSON string (null = tombstone value / null key), headers when present "
                       "(header value raw string). Trimmed: see records_total vs records_kept; offsets are original.",
        "versions": versions,
        "envelopes": {
            "json-with-schema": "connector dbz: Debezium defaults, JsonConverter schemas.enable=true "
                                "({\"schema\",\"payload\"}), decimal.handling.mode=precise, no transaction metadata",
            "json-plain": "connector dbzplain: JsonConverter schemas.enable=false (bare envelope), "
                          "provide.transaction.metadata=true, heartbeat.interval.ms=2000, skipped.operations=none",
        },
        "toast_placeholder": PLACEHOLDER,
        "total_bytes": total_bytes,
        "files": files,
    }
    with open(os.path.join(a.out, "manifest.json"), "w", encoding="utf-8", newline="\n") as f:
        json.dump(manifest, f, indent=2, ensure_ascii=False)
        f.write("\n")

    for fi in files:
        print("  %-62s %3d/%-3d records %7d bytes" % (fi["file"], fi["records_kept"], fi["records_total"], fi["bytes"]),
              file=sys.stderr)
    print("  total %d bytes in %d files" % (total_bytes, len(files)), file=sys.stderr)
    if problems:
        for p in problems:
            print("[make-fixtures] ERROR: " + p, file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
