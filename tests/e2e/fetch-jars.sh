#!/usr/bin/env bash
# Resolve the pinned Kafka / Kafka Connect / Debezium jars from Maven Central into
# a cache directory outside the repository. Idempotent: a complete cache entry is
# reused as is (the key includes a hash of pom.xml, so a version bump re-resolves).
#
# Usage: tests/e2e/fetch-jars.sh        # prints the jar directory on stdout
#
# Layout of the printed directory:
#   kafka/                                  broker, Connect runtime, converters, logging
#   plugins/debezium-connector-postgres/    Debezium connector (Connect plugin.path), plus
#                                           the manifest jar Kafka's own `connect-plugin-path
#                                           sync-manifests` writes for the plugins the jars do
#                                           not declare (DecodeLogicalDecodingMessageContent):
#                                           the worker runs with plugin.discovery=service_load
#
# Environment:
#   CDC_E2E_JARS_CACHE  cache root   (default ~/.cache/cdc-udfs/e2e-jars)
#   CDC_E2E_M2_REPO     Maven local repository (default ~/.cache/cdc-udfs/m2)
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
POM="$HERE/pom.xml"
CACHE_ROOT="${CDC_E2E_JARS_CACHE:-$HOME/.cache/cdc-udfs/e2e-jars}"
M2_REPO="${CDC_E2E_M2_REPO:-$HOME/.cache/cdc-udfs/m2}"

log() { printf '[fetch-jars] %s\n' "$*" >&2; }
die() { printf '[fetch-jars] ERROR: %s\n' "$*" >&2; exit 1; }

# --- tools ------------------------------------------------------------------
need_apt=()
command -v java >/dev/null 2>&1 || need_apt+=(openjdk-17-jdk-headless)
command -v mvn  >/dev/null 2>&1 || need_apt+=(maven)
if ((${#need_apt[@]})); then
  if [[ $EUID -eq 0 ]] && command -v apt-get >/dev/null 2>&1; then
    log "installing ${need_apt[*]} with apt-get"
    DEBIAN_FRONTEND=noninteractive apt-get update -qq >&2
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${need_apt[@]}" >&2
  else
    die "missing ${need_apt[*]} (install them, or run as root on Debian so this script can)"
  fi
fi
java_major="$(java -XshowSettings:properties -version 2>&1 | sed -n 's/^ *java.specification.version = //p')"
[[ "${java_major:-0}" -ge 17 ]] || die "Java >= 17 required (found ${java_major:-unknown})"

# --- cache key --------------------------------------------------------------
prop() { sed -n "s:.*<$1>\(.*\)</$1>.*:\1:p" "$POM" | head -n1; }
KAFKA_VERSION="$(prop version.kafka)"
DEBEZIUM_VERSION="$(prop version.debezium)"
# the key covers pom.xml and this script (the cache layout it builds)
POM_HASH="$(cat "$POM" "${BASH_SOURCE[0]}" | sha256sum | cut -c1-12)"
KEY="kafka-${KAFKA_VERSION}_debezium-${DEBEZIUM_VERSION}_${POM_HASH}"
DEST="$CACHE_ROOT/$KEY"

if [[ -f "$DEST/.complete" ]]; then
  log "cache hit: $DEST"
  printf '%s\n' "$DEST"
  exit 0
fi

mkdir -p "$CACHE_ROOT" "$M2_REPO"
exec 9>"$CACHE_ROOT/.lock"
flock -w 900 9 || die "timed out waiting for another fetch-jars.sh"
if [[ -f "$DEST/.complete" ]]; then   # someone else finished while we waited
  printf '%s\n' "$DEST"
  exit 0
fi

TMP="$(mktemp -d "$CACHE_ROOT/.tmp.$KEY.XXXXXX")"
trap 'rm -rf "$TMP"' EXIT

resolve() { # profile outdir
  log "resolving profile '$1' (Maven repo: $M2_REPO)"
  if ! mvn -B -q -Dstyle.color=never -f "$POM" -P "$1" -Dmaven.repo.local="$M2_REPO" \
      dependency:copy-dependencies \
      -DincludeScope=runtime -DoutputDirectory="$2" >"$TMP/mvn-$1.log" 2>&1; then
    sed 's/\x1b\[[0-9;]*m//g' "$TMP/mvn-$1.log" >&2
    die "mvn dependency:copy-dependencies failed for profile $1"
  fi
  rm -f "$TMP/mvn-$1.log"
}
start=$(date +%s)
resolve kafka "$TMP/kafka"
resolve debezium "$TMP/plugins/debezium-connector-postgres"

# Debezium 3.1.3's jars do not list every plugin in META-INF/services (e.g.
# DecodeLogicalDecodingMessageContent), and the worker discovers plugins with the
# ServiceLoader only.  Kafka's tool writes the missing manifests (a shim jar).
log "writing the missing plugin manifests (connect-plugin-path sync-manifests)"
if ! java -Xmx256m -XX:+UseSerialGC -Dlog4j.configuration=file:/dev/null -cp "$TMP/kafka/*" \
    org.apache.kafka.tools.ConnectPluginPath sync-manifests --plugin-path "$TMP/plugins" >"$TMP/sync-manifests.log" 2>&1; then
  cat "$TMP/sync-manifests.log" >&2
  die "connect-plugin-path sync-manifests failed"
fi
grep -q 'DecodeLogicalDecodingMessageContent' "$TMP/sync-manifests.log" \
  || { cat "$TMP/sync-manifests.log" >&2; die "sync-manifests did not add DecodeLogicalDecodingMessageContent"; }
rm -f "$TMP/sync-manifests.log"

# sanity checks: the main classes we start must be there
for jar in "kafka/kafka_2.13-$KAFKA_VERSION.jar" "kafka/connect-runtime-$KAFKA_VERSION.jar" \
           "plugins/debezium-connector-postgres/debezium-connector-postgres-$DEBEZIUM_VERSION.jar"; do
  [[ -f "$TMP/$jar" ]] || die "$jar missing after resolution"
done

{
  echo "KAFKA_VERSION=$KAFKA_VERSION"
  echo "DEBEZIUM_VERSION=$DEBEZIUM_VERSION"
  echo "POM_SHA256_12=$POM_HASH"
} >"$TMP/versions.env"
( cd "$TMP" && find . -name '*.jar' | LC_ALL=C sort ) >"$TMP/jars.txt"
touch "$TMP/.complete"

rm -rf "$DEST"
mv "$TMP" "$DEST"
trap - EXIT
log "resolved $(wc -l <"$DEST/jars.txt") jars in $(( $(date +%s) - start ))s into $DEST"
printf '%s\n' "$DEST"
