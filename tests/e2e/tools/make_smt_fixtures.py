#!/usr/bin/env python3
"""Pair every record of Debezium's SMT connectors with the raw change event it came from.

  make_smt_fixtures.py --in all.jsonl --out tests/fixtures/smt --connectors tests/e2e/connectors \
                       --versions KEY=VALUE...

Input: the dump of `capture.sh smt` (DumpTopics.java --timestamps): every record of every
topic, the connectors dbz and dbzplain (raw change events) and smt* (the same changes
through a Debezium SMT, connectors/smt*.properties).

Output, one file per SMT connector, <connector>.jsonl, one JSON object per line and per raw
change event the connector's SMT saw (its scope, below), in the raw topic's order:
  {"raw": <dbzplain record>, "raw_with_schema": <dbz record>|null, "smt": <SMT record>|null}
A record is {"topic","partition","offset","key","value","timestamp"[,"headers"]}: key and value
are the exact bytes (UTF-8 JSON) in a JSON string, null for a null key or a tombstone;
headers [{"key","value"}] in the record's order.  "smt": null means the SMT dropped the event.
manifest.json describes each file: the transform's configuration, the matching rule, counts.

Matching (the same change in two connectors; each connector has its own slot, and all
stream the same WAL, so LSNs agree, except in the snapshot each connector takes at its
own LSN):
  change event     (table, source.lsn, key)      snapshot rows (op "r"): (table, key)
  tombstone        (table, key, n): the n-th tombstone of that key in the topic
  truncate         (table, source.lsn)
  message (op m)   source.lsn
  BEGIN / END      (status, transaction id)
  outbox event     the event id: header "id" of the EventRouter's record = after.id
The SMT record's table is its topic's, its LSN and op come from the value (envelopes,
smtnew's __lsn/__op fields) or the headers (smtdrop's cdc.lsn/cdc.op).  Every SMT record must
match exactly one raw event and no two raw events may share an identity, else this fails.

Fields that depend on the connector and not on the change differ between the raw event
and the SMT's input, and so between our function's output and the SMT record: the
envelope's top-level ts_ms/ts_us/ts_ns (when Debezium processed it), source.name (the
topic.prefix), and the EventRouter's default record timestamp (that ts_ms).

Trimming: the SMT parity tables (outbox, outbox_text, profiles, accounts) and the
messages are kept whole, with the dbz twin of the first event of each op per topic (not
in smtdrop and smtchanged, whose input is smtnew's); for
the other tables, per raw topic, a pair is kept when its shape (the raw shape as
make_fixtures.py sees it, the SMT record's header names, whether it was dropped) is new,
without its dbz twin (tests/fixtures/debezium has those).  The markers
(e2e_marker rows, the outbox marker, the "smt.marker" message) are left out.
"""
import argparse
import collections
import json
import os
import re
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from make_fixtures import classify  # noqa: E402  (the shape signature of a raw record)

MAX_TOTAL_BYTES = 1200 * 1024
TWINS = {"smtoutbox", "smtoutboxx", "smtnew", "smtlmsg"}   # same input in smtdrop, smtchanged
WHOLE_TABLES = {"public.outbox", "public.outbox_text", "public.profiles", "public.accounts"}
OUTBOX_TABLES = {"public.outbox", "public.outbox_text"}
SMT_CONNECTORS = ["smtoutbox", "smtoutboxx", "smtnew", "smtdrop", "smtlmsg", "smtchanged"]
MESSAGE_PREFIX_INCLUDE = {"smtlmsg": re.compile(r"smt\..*", re.I)}   # message.prefix.include.list


def canon(raw_json):
    return None if raw_json is None else json.dumps(json.loads(raw_json), sort_keys=True, separators=(",", ":"))


def payload_of(rec, with_schema):
    if rec["value"] is None:
        return None
    doc = json.loads(rec["value"])
    return doc.get("payload") if with_schema else doc


def key_of(rec, with_schema):
    if rec["key"] is None:
        return None
    doc = json.loads(rec["key"])
    return canon(json.dumps(doc.get("payload") if with_schema else doc))


def table_of(topic):
    """dbzplain.public.outbox -> public.outbox; dbzplain.message -> None."""
    parts = topic.split(".", 1)
    return parts[1] if len(parts) == 2 and "." in parts[1] else None


def header(rec, name):
    for h in rec.get("headers", []):
        if h["key"] == name:
            return h["value"]
    return None


def smt_owner(topic):
    """Which SMT connector wrote `topic` (None: a raw connector or internal)."""
    for c in ("smtoutboxx", "smtoutbox", "smtnew", "smtdrop", "smtlmsg", "smtchanged"):
        if topic.startswith(c + "."):
            return c
    if topic.startswith("outbox.event."):
        return "smtoutbox"
    if topic.startswith("outboxx."):
        return "smtoutboxx"
    if topic.startswith(("dbz.", "dbzplain.", "__")):
        return None
    # route.topic.regex did not match: the EventRouter of smtoutboxx kept the aggregatetype as the topic
    return "smtoutboxx"


def envelope_identity(rec, with_schema, tomb_seen):
    """Identity of a change event, tombstone, truncate or message (raw or envelope-keeping SMT)."""
    table = table_of(rec["topic"])
    key = key_of(rec, with_schema)
    if rec["value"] is None:
        n = tomb_seen[(rec["topic"], key)]
        tomb_seen[(rec["topic"], key)] += 1
        return ("tombstone", table, key, n)
    p = payload_of(rec, with_schema)
    if rec["topic"].endswith(".transaction"):
        return ("transaction", p["status"], p["id"])
    op = p.get("op")
    src = p.get("source") or {}
    if op == "m" or (table is None and rec["topic"].endswith(".message")):
        return ("message", src.get("lsn"))
    if op == "t":
        return ("truncate", table, src.get("lsn"))
    if op == "r":
        return ("snapshot", table, key)
    return ("change", table, src.get("lsn"), key)


def in_scope(conn, rec, payload):
    """Did connector `conn` hand this raw (dbzplain) event to its SMT?"""
    table = table_of(rec["topic"])
    if rec["topic"].startswith("__"):
        return False
    if rec["topic"] == "dbzplain.transaction":   # transaction metadata: passes through where enabled
        return conn in ("smtnew", "smtdrop", "smtchanged")
    if conn in ("smtoutbox", "smtoutboxx"):   # table.include.list, default skipped.operations=t
        return table in OUTBOX_TABLES and not (payload and payload.get("op") == "t")
    if conn == "smtlmsg":                     # message.prefix.include.list=smt\..*
        return (rec["topic"] == "dbzplain.message"
                and MESSAGE_PREFIX_INCLUDE[conn].fullmatch(payload["message"]["prefix"]) is not None)
    return table is not None and table.startswith("public.") or rec["topic"] == "dbzplain.message"


def raw_identity(conn, rec, ident):
    """What the SMT record of this raw event is identified by, for connector conn."""
    if conn in ("smtoutbox", "smtoutboxx"):
        p = payload_of(rec, False)
        if p is not None and p.get("op") in ("c", "r"):
            return ("event", p["after"]["id"])
    return ident


def smt_identity(conn, rec, tomb_seen):
    topic = rec["topic"]
    if conn in ("smtoutbox", "smtoutboxx"):
        return ("event", header(rec, "id"))
    if conn in ("smtlmsg", "smtchanged") or topic.endswith((".message", ".transaction")):
        return envelope_identity(rec, False, tomb_seen)
    table = table_of(topic)
    key = key_of(rec, False)
    if conn == "smtnew":
        v = json.loads(rec["value"])
        op, lsn = v["__op"], v["__lsn"]
    else:   # smtdrop: add.headers=op,lsn,table with prefix "cdc."
        op, lsn = header(rec, "cdc.op"), int(header(rec, "cdc.lsn"))
    if op == "r":
        return ("snapshot", table, key)
    return ("change", table, lsn, key)


def is_marker(rec, payload):
    if rec["topic"].endswith(".e2e_marker"):
        return True
    if payload is None:
        return False
    if payload.get("op") == "m":
        return payload["message"]["prefix"] == "smt.marker"
    return (payload.get("after") or payload.get("before") or {}).get("aggregatetype") == "e2e_marker"


def kind_of(payload):
    if payload is None:
        return "tombstone"
    return payload.get("op") or payload.get("status")


def connector_config(path):
    """The connector's SMT-related properties (transforms.*, predicates.* and the options
    that decide which events reach the SMT)."""
    keep = ("transforms", "predicates", "table.include.list", "schema.include.list", "message.prefix.",
            "skipped.operations", "tombstones.on.delete", "provide.transaction.metadata", "topic.prefix",
            "topic.creation.")
    out = {}
    with open(path, encoding="utf-8") as f:
        for line in f:
            line = line.strip()
            if not line or line.startswith("#") or "=" not in line:
                continue
            k, v = line.split("=", 1)
            if k.startswith(keep):
                out[k] = v.replace("\\\\", "\\")
    return out


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--in", dest="inp", required=True)
    ap.add_argument("--out", required=True)
    ap.add_argument("--connectors", required=True)
    ap.add_argument("--versions", nargs="*", default=[])
    a = ap.parse_args()

    by_topic = collections.OrderedDict()
    with open(a.inp, encoding="utf-8") as f:
        for line in f:
            rec = json.loads(line)
            by_topic.setdefault(rec["topic"], []).append(rec)
    for recs in by_topic.values():
        recs.sort(key=lambda r: (r["partition"], r["offset"]))

    problems = []
    # raw events of dbzplain (and their dbz twins), each with its identity
    raws = []                       # (rec, payload, identity)
    tomb = collections.Counter()
    for topic, recs in by_topic.items():
        if topic.startswith("dbzplain."):
            for rec in recs:
                raws.append((rec, payload_of(rec, False), envelope_identity(rec, False, tomb)))
    twins = {}
    tomb = collections.Counter()
    for topic, recs in by_topic.items():
        if topic.startswith("dbz."):
            for rec in recs:
                ident = envelope_identity(rec, True, tomb)
                twins[(topic.replace("dbz.", "dbzplain.", 1), ident)] = rec

    for f in os.listdir(a.out) if os.path.isdir(a.out) else []:
        if f.endswith(".jsonl"):
            os.remove(os.path.join(a.out, f))
    os.makedirs(a.out, exist_ok=True)

    files, total = [], 0
    for conn in SMT_CONNECTORS:
        # the SMT's records, by identity
        smt_recs = {}
        tomb = collections.Counter()
        n_smt = 0
        topics = []
        for topic, recs in by_topic.items():
            if smt_owner(topic) != conn:
                continue
            topics.append(topic)
            for rec in recs:
                n_smt += 1
                ident = smt_identity(conn, rec, tomb)
                if ident in smt_recs:
                    problems.append("%s: two records with identity %s" % (conn, ident))
                smt_recs[ident] = rec

        pairs, seen_raw = [], set()
        dropped = collections.Counter()
        for rec, payload, ident in raws:
            if not in_scope(conn, rec, payload):
                continue
            rid = raw_identity(conn, rec, ident)
            if rid in seen_raw:
                problems.append("%s: raw events share identity %s" % (conn, rid))
            seen_raw.add(rid)
            smt = smt_recs.pop(rid, None)
            if smt is None:
                dropped[kind_of(payload)] += 1
            pairs.append((rec, payload, ident, smt))
        for ident, rec in smt_recs.items():
            problems.append("%s: SMT record %s/%d/%d matches no raw event (%s)"
                            % (conn, rec["topic"], rec["partition"], rec["offset"], ident))

        # trim and write
        kept, shapes, per_kind = [], set(), collections.Counter()
        kept_kinds, twin_kinds = collections.Counter(), set()
        for rec, payload, ident, smt in pairs:
            if is_marker(rec, payload):
                continue
            table = table_of(rec["topic"])
            kind = kind_of(payload)
            if rec["topic"] == "dbzplain.transaction":
                keep = kind not in kept_kinds   # one BEGIN and one END
            elif table in WHOLE_TABLES or table is None:
                keep = True
            else:
                _, sig = classify(rec, False)
                sig = (rec["topic"], sig, smt is None, tuple(h["key"] for h in (smt or {}).get("headers", [])))
                keep = sig not in shapes
                shapes.add(sig)
            if keep:
                per_kind[(rec["topic"], kind)] += 1
                kept_kinds[kind] += 1
                twin = None
                # with-schema: 3-5 KB each, one per topic and op of the SMT tables and messages
                if conn in TWINS and (table in WHOLE_TABLES or table is None) and (rec["topic"], kind) not in twin_kinds:
                    twin = twins.get((rec["topic"], ident))
                    if twin is not None:
                        twin_kinds.add((rec["topic"], kind))
                kept.append({"raw": rec, "raw_with_schema": twin, "smt": smt})
        path = os.path.join(a.out, conn + ".jsonl")
        with open(path, "w", encoding="utf-8", newline="\n") as f:
            for p in kept:
                f.write(json.dumps(p, ensure_ascii=False, separators=(",", ":")) + "\n")
        size = os.path.getsize(path)
        total += size
        files.append({
            "file": conn + ".jsonl",
            "connector": conn,
            "config": connector_config(os.path.join(a.connectors, conn + ".properties")),
            "smt_topics": sorted(topics),
            "raw_events_in_scope": len(pairs),
            "smt_records": n_smt,
            "dropped_by_smt": dict(sorted(dropped.items(), key=lambda kv: str(kv[0]))),
            "pairs_kept": len(kept),
            "kinds_kept": dict(sorted(kept_kinds.items(), key=lambda kv: str(kv[0]))),
            "with_schema_twins_kept": sum(1 for p in kept if p["raw_with_schema"] is not None),
            "bytes": size,
        })
        if n_smt == 0:
            problems.append("%s: no SMT record at all" % conn)

    if total > MAX_TOTAL_BYTES:
        problems.append("fixtures total %d bytes > %d" % (total, MAX_TOTAL_BYTES))
    manifest = {
        "description": "Every record of Debezium's SMT connectors paired with the raw change event it came from; "
                       "see README.md and tests/e2e/tools/make_smt_fixtures.py for the matching rule.",
        "versions": dict(kv.split("=", 1) for kv in a.versions),
        "raw_connectors": {
            "dbzplain": "raw: JsonConverter schemas.enable=false, provide.transaction.metadata=true, "
                        "skipped.operations=none (tests/e2e/connectors/dbzplain.properties)",
            "dbz": "raw_with_schema: JsonConverter schemas.enable=true, no transaction metadata, truncates "
                   "skipped (tests/e2e/connectors/dbz.properties)",
        },
        "connector_dependent_fields": ["value.ts_ms", "value.ts_us", "value.ts_ns", "value.source.name",
                                       "EventRouter record timestamp without table.field.event.timestamp"],
        "total_bytes": total,
        "files": files,
    }
    with open(os.path.join(a.out, "manifest.json"), "w", encoding="utf-8", newline="\n") as f:
        json.dump(manifest, f, indent=2, ensure_ascii=False)
        f.write("\n")
    for fi in files:
        print("  %-18s %4d raw events, %4d SMT records, dropped %s; %4d pairs kept, %7d bytes"
              % (fi["file"], fi["raw_events_in_scope"], fi["smt_records"], fi["dropped_by_smt"],
                 fi["pairs_kept"], fi["bytes"]), file=sys.stderr)
    print("  total %d bytes" % total, file=sys.stderr)
    for p in problems:
        print("[make-smt-fixtures] ERROR: " + p, file=sys.stderr)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
