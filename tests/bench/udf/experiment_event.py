#!/usr/bin/python3
# experiment_event in Python: what users write when they reach for an
# executable UDF (json + datetime from the standard library).  Same protocol
# and result as our experiment_event_tsv, but in executable_pool mode with
# send_chunk_header (one long-lived interpreter, one flush per block): the
# fairest form for Python.
import io
import json
import sys
from datetime import datetime, timezone

EPOCH = datetime(1970, 1, 1, tzinfo=timezone.utc)
ESC_IN = {'t': '\t', 'n': '\n', 'r': '\r', '0': '\0', 'b': '\b', 'f': '\f', '\\': '\\', "'": "'"}
ESC_OUT = str.maketrans({'\\': '\\\\', "'": "\\'", '\t': '\\t', '\n': '\\n', '\r': '\\r', '\0': '\\0',
                         '\b': '\\b', '\f': '\\f'})


def unescape(s):
    if '\\' not in s:
        return s
    out, i, n = [], 0, len(s)
    while i < n:
        j = s.find('\\', i)
        if j < 0 or j + 1 == n:
            out.append(s[i:])
            break
        out.append(s[i:j])
        out.append(ESC_IN.get(s[j + 1], s[j + 1]))
        i = j + 2
    return ''.join(out)


def q(v):
    if v is None:
        return "''"
    if not isinstance(v, str):
        v = json.dumps(v, separators=(',', ':'), ensure_ascii=False)
    return "'" + v.translate(ESC_OUT) + "'"


def ticks(s):
    if s is None:
        return None
    dt = datetime.fromisoformat(s)
    if dt.tzinfo is None:
        dt = dt.replace(tzinfo=timezone.utc)
    d = dt - EPOCH
    return (d.days * 86400 + d.seconds) * 1000000 + d.microseconds


def row(line):
    m = json.loads(unescape(line))
    if 'payload' in m and 'schema' in m:
        m = m['payload']
    after = m.get('after') or {}
    p = json.loads(after.get('payload') or '{}')
    ts, aa = ticks(p.get('timestamp')), ticks(p.get('assignment_at'))
    return '(%s,%d,%s,%d,%s,%s,%d,%s,%s,%s,%s,%s,\'\')' % (
        q(p.get('id')), int(p.get('experiment_id') or 0), q(p.get('user_id')), int(p.get('variant_id') or 0),
        q(p.get('variant_key')), q(p.get('event_type')), ts or 0, 'NULL' if aa is None else str(aa),
        q(p.get('properties')), q(p.get('session_id')), q(m.get('op')), q(after.get('aggregate_id')))


def main():
    stdin = io.TextIOWrapper(sys.stdin.buffer, encoding='utf-8', newline='\n')
    stdout = io.TextIOWrapper(sys.stdout.buffer, encoding='utf-8', newline='\n')
    while True:
        header = stdin.readline()
        if not header:
            return
        n = int(header)
        out = [row(stdin.readline()[:-1]) for _ in range(n)]
        out.append('')
        stdout.write('\n'.join(out))
        stdout.flush()


if __name__ == '__main__':
    main()
