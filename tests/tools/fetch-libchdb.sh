#!/usr/bin/env bash
# Fetches the embedded ClickHouse engine (libchdb.so) from the npm registry,
# pinned, into a cache outside the repository, and prints the directory that
# holds libchdb.so.  Idempotent: a cached copy is reused.
set -euo pipefail
CHDB_NPM_PACKAGE="@chdb/lib-linux-x64-gnu"
CHDB_NPM_VERSION="26.7.3-stable.1"
CHDB_NPM_INTEGRITY="sha512-XP97mMqnc5tZp"   # prefix of the registry's integrity, checked below
cache="${CDC_CACHE_DIR:-$HOME/.cache/cdc-udfs}/chdb-$CHDB_NPM_VERSION"
if [ -s "$cache/package/libchdb.so" ]; then
    echo "$cache/package"
    exit 0
fi
command -v npm >/dev/null || { echo "fetch-libchdb: npm is required (apt-get install npm)" >&2; exit 1; }
mkdir -p "$cache"
tmp=$(mktemp -d "$cache/.fetch.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
(cd "$tmp" && npm pack --silent --json "$CHDB_NPM_PACKAGE@$CHDB_NPM_VERSION" >pack.json)
grep -q "\"integrity\": \"$CHDB_NPM_INTEGRITY" "$tmp/pack.json" || {
    echo "fetch-libchdb: integrity of $CHDB_NPM_PACKAGE@$CHDB_NPM_VERSION does not match the pinned value" >&2
    exit 1
}
tar -xzf "$tmp"/*.tgz -C "$tmp" package/libchdb.so
mkdir -p "$cache/package"
mv "$tmp/package/libchdb.so" "$cache/package/libchdb.so"
echo "$cache/package"
