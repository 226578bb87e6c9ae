#!/usr/bin/env bash
# Regenerate tests/fixtures/debezium/ (or, with `smt`, tests/fixtures/smt/) from a real stack:
#   1. stack.sh up with schema.sql + seed.sql loaded before the connectors start
#      (seed rows -> snapshot events, op "r"), waits until the connectors stream:
#      dbz and dbzplain; with `smt` every connector of connectors/ and seed_smt.sql too
#   2. workload.sql (inserts/updates/deletes/PK change/truncate in several
#      transactions), ending with a marker row; with `smt` then workload_smt.sql
#      (outbox events, REPLICA IDENTITY FULL updates, logical decoding messages),
#      ending with a marker for every SMT connector
#   3. DumpTopics.java waits for the markers, then dumps every topic from the
#      beginning with raw keys/values (with `smt`: and record timestamps)
#   4. make_fixtures.py splits per topic/envelope, trims, checks every needed shape
#      is there, writes manifest.json; with `smt`, make_smt_fixtures.py pairs every
#      SMT record with the raw change events it came from instead
#   5. stack.sh down (also on failure: then logs are kept and their path printed)
#
# Usage: tests/e2e/capture.sh [smt]
# Environment:
#   CDC_E2E_FIXTURES_DIR  output dir (default <repo>/tests/fixtures/debezium, or .../smt)
#   CDC_E2E_RAW_OUT       if set, also copy the untrimmed dump (all records) there
#   CDC_E2E_RUN_DIR       run dir (default ${TMPDIR:-/tmp}/cdc-udfs-capture-<pid>)
#   CDC_E2E_TIMEOUT       per-step readiness timeout, seconds (default 180)
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
REPO="$(cd "$HERE/../.." && pwd)"
MODE="${1:-debezium}"
case "$MODE" in
  debezium) export CDC_E2E_CONNECTORS="dbz dbzplain" ;;
  smt) unset CDC_E2E_CONNECTORS ;;   # every connector
  *) sed -n '2,20p' "$0" >&2; exit 2 ;;
esac
OUT="${CDC_E2E_FIXTURES_DIR:-$REPO/tests/fixtures/$MODE}"
export CDC_E2E_RUN_DIR="${CDC_E2E_RUN_DIR:-${TMPDIR:-/tmp}/cdc-udfs-capture-$$}"
TIMEOUT="${CDC_E2E_TIMEOUT:-180}"
STACK="$HERE/stack.sh"

log() { printf '[capture %(%H:%M:%S)T] %s\n' -1 "$*" >&2; }
die() { printf '[capture %(%H:%M:%S)T] ERROR: %s\n' -1 "$*" >&2; exit 1; }

STACK_STARTED=0
on_exit() {
  local rc=$?
  trap - EXIT INT TERM
  if ((STACK_STARTED)); then
    if ((rc != 0)); then
      log "capture failed (exit $rc): tearing the stack down, keeping logs"
      "$STACK" down --keep-logs || true
      log "logs: $CDC_E2E_RUN_DIR/logs"
    else
      "$STACK" down || true
    fi
  fi
  exit "$rc"
}
trap on_exit EXIT
trap 'exit 130' INT TERM

if ! command -v python3 >/dev/null 2>&1; then
  [[ $EUID -eq 0 ]] || die "python3 is required"
  DEBIAN_FRONTEND=noninteractive apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq python3 >&2
fi

T0=$SECONDS
ts() { echo $((SECONDS - T0)); }

log "resolving jars"
t=$SECONDS
JARS="$("$HERE/fetch-jars.sh")"
T_JARS=$((SECONDS - t))

log "bringing the stack up (run dir $CDC_E2E_RUN_DIR)"
t=$SECONDS
STACK_STARTED=1
INIT=(--init-sql "$HERE/schema.sql" --init-sql "$HERE/seed.sql")
[[ "$MODE" == smt ]] && INIT+=(--init-sql "$HERE/seed_smt.sql")
"$STACK" up "${INIT[@]}"
T_UP=$((SECONDS - t))
eval "$("$STACK" env)"

TOKEN="e2e-marker-$(date +%s)-$RANDOM"
log "running workload.sql"
t=$SECONDS
timeout "$TIMEOUT" "$STACK" psql -v marker_token="$TOKEN" -f "$HERE/workload.sql" \
  >"$LOG_DIR/workload.log" 2>&1 || { cat "$LOG_DIR/workload.log" >&2; die "workload.sql failed"; }
WAIT=(--wait-topic dbz.public.e2e_marker --wait-token "$TOKEN"
      --wait-topic dbzplain.public.e2e_marker --wait-token "$TOKEN")
DUMP_OPTS=()
if [[ "$MODE" == smt ]]; then
  SMT_TOKEN="e2e-smt-marker-$(date +%s)-$RANDOM"
  log "running workload_smt.sql"
  timeout "$TIMEOUT" "$STACK" psql -v marker_token="$SMT_TOKEN" -f "$HERE/workload_smt.sql" \
    >"$LOG_DIR/workload_smt.log" 2>&1 || { cat "$LOG_DIR/workload_smt.log" >&2; die "workload_smt.sql failed"; }
  # where each connector shows the last marker (workload_smt.sql's last statements)
  for topic in dbz.public.e2e_marker dbzplain.public.e2e_marker smtnew.public.e2e_marker smtdrop.public.e2e_marker \
               smtchanged.public.e2e_marker smtlmsg.message outbox.event.e2e_marker outboxx.e2e_marker; do
    WAIT+=(--wait-topic "$topic" --wait-token "$SMT_TOKEN")
  done
  DUMP_OPTS+=(--timestamps)
fi
T_WORK=$((SECONDS - t))

log "dumping topics"
t=$SECONDS
mkdir -p "$CDC_E2E_RUN_DIR/capture"
cat >"$CDC_E2E_RUN_DIR/capture/log4j.properties" <<'EOF'
log4j.rootLogger=WARN, err
log4j.appender.err=org.apache.log4j.ConsoleAppender
log4j.appender.err.Target=System.err
log4j.appender.err.layout=org.apache.log4j.PatternLayout
log4j.appender.err.layout.ConversionPattern=[%d] %p %m (%c)%n
EOF
RAW="$CDC_E2E_RUN_DIR/capture/all.jsonl"
timeout $((TIMEOUT + 30)) java -Xmx512m -XX:+UseSerialGC \
  -Dlog4j.configuration="file:$CDC_E2E_RUN_DIR/capture/log4j.properties" \
  -cp "$JARS/kafka/*" "$HERE/tools/DumpTopics.java" \
  --bootstrap "$KAFKA_BOOTSTRAP" --out "$RAW" --timeout "$TIMEOUT" \
  "${WAIT[@]}" "${DUMP_OPTS[@]}" --quiet-topic-prefix __debezium-heartbeat \
  || die "dumping topics failed"
T_DUMP=$((SECONDS - t))
if [[ -n "${CDC_E2E_RAW_OUT:-}" ]]; then cp "$RAW" "$CDC_E2E_RAW_OUT"; log "raw dump copied to $CDC_E2E_RAW_OUT"; fi

PG_VERSION="$("$STACK" psql -tA -c 'SHOW server_version')"
JAVA_VERSION="$(java -XshowSettings:properties -version 2>&1 | sed -n 's/^ *java.runtime.version = //p')"
log "writing fixtures to $OUT"
mkdir -p "$OUT"
VERSIONS=("kafka=$KAFKA_VERSION" "debezium=$DEBEZIUM_VERSION" "postgresql=$PG_VERSION"
          "java=$JAVA_VERSION" "postgres_plugin=pgoutput")
if [[ "$MODE" == smt ]]; then
  python3 "$HERE/tools/make_smt_fixtures.py" --in "$RAW" --out "$OUT" --connectors "$HERE/connectors" \
    --versions "${VERSIONS[@]}" || die "SMT fixture generation/validation failed (raw dump: $RAW)"
else
  python3 "$HERE/tools/make_fixtures.py" --in "$RAW" --out "$OUT" \
    --exclude-topic-suffix .public.e2e_marker --versions "${VERSIONS[@]}" \
    || die "fixture generation/validation failed (raw dump: $RAW)"
fi

t=$SECONDS
"$STACK" down
STACK_STARTED=0
T_DOWN=$((SECONDS - t))

log "done in $(ts)s: jars ${T_JARS}s, stack up (until streaming) ${T_UP}s, workload ${T_WORK}s, dump ${T_DUMP}s, down ${T_DOWN}s"
log "fixtures: $(find "$OUT" -type f -printf "%s\n" | awk "{s+=\$1} END {print s}") bytes in $(find "$OUT" -type f | wc -l) files under $OUT"
