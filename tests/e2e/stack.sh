#!/usr/bin/env bash
# Real end-to-end CDC stack on 127.0.0.1: PostgreSQL (logical decoding, pgoutput),
# Apache Kafka (KRaft, single node) and Kafka Connect standalone running the
# Debezium PostgreSQL connectors of connectors/*.properties, each with its own slot:
#   dbz       Debezium defaults: JSON converter with schemas (schema+payload envelope)
#   dbzplain  JSON converter without schemas (bare payload), transaction metadata,
#             heartbeats, truncate events
#   smt*      Debezium's single message transforms applied by Connect (EventRouter,
#             ExtractNewRecordState, ExtractChangedRecordState,
#             DecodeLogicalDecodingMessageContent), JSON without schemas
#
# Usage:
#   tests/e2e/stack.sh up [--init-sql FILE]...   start everything; FILEs are run (psql,
#                                                ON_ERROR_STOP) before the connectors
#                                                start, so their rows end up in the snapshot
#   tests/e2e/stack.sh env                       print the stack's settings as shell vars
#                                                (eval "$(tests/e2e/stack.sh env)")
#   tests/e2e/stack.sh psql [psql args...]       psql connected to the stack's database
#   tests/e2e/stack.sh status                    processes, connector states, slots
#   tests/e2e/stack.sh down [--keep-logs]        stop everything, delete the run dir
#                                                (--keep-logs keeps <run>/logs)
#   tests/e2e/stack.sh stop|kill|start COMPONENT  faults (test_e2e_faults): stop postgres, kafka
#                                                or connect cleanly, kill it with SIGKILL, or
#                                                start it again on the same ports and data and
#                                                wait until it is ready
#
# Environment:
#   CDC_E2E_RUN_DIR      run directory (default ${TMPDIR:-/tmp}/cdc-udfs-e2e-<uid>)
#   CDC_E2E_TIMEOUT      readiness timeout per component in seconds (default 180)
#   CDC_E2E_CONNECTORS   the connectors to run, names of connectors/*.properties
#                        separated by blanks (default: all of them)
#   CDC_E2E_KAFKA_SEGMENT_BYTES  the broker's log.segment.bytes (default 1 MiB: the tests'
#                        few messages; the load benchmark sets 128 MiB, since each segment
#                        keeps three files open and a sustained run at 1 MiB segments
#                        exhausts the open-file limit: "Too many open files" stops the broker)
#   PG_BIN               PostgreSQL bin dir (default: newest /usr/lib/postgresql/*/bin)
#   plus fetch-jars.sh's CDC_E2E_JARS_CACHE / CDC_E2E_M2_REPO
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
RUN_DIR="${CDC_E2E_RUN_DIR:-${TMPDIR:-/tmp}/cdc-udfs-e2e-$(id -u)}"
TIMEOUT="${CDC_E2E_TIMEOUT:-180}"
SEGMENT_BYTES="${CDC_E2E_KAFKA_SEGMENT_BYTES:-1048576}"
STATE="$RUN_DIR/stack.env"
LOG_DIR="$RUN_DIR/logs"
PID_DIR="$RUN_DIR/pids"
PG_DB=cdc
PG_USER=postgres
CONNECTORS=()

log()  { printf '[stack %(%H:%M:%S)T] %s\n' -1 "$*" >&2; }
err()  { printf '[stack %(%H:%M:%S)T] ERROR: %s\n' -1 "$*" >&2; }
die()  { err "$*"; exit 1; }

# ----------------------------------------------------------------------------- helpers
# Run a command as the PostgreSQL OS user (postgres refuses to run as root).
as_pg() {
  if [[ $EUID -eq 0 ]]; then (cd "$RUN_DIR" && runuser -u postgres -- "$@"); else (cd "$RUN_DIR" && "$@"); fi
}

# Running as root, PostgreSQL runs as user postgres, which must be able to walk
# every directory down to its binaries and the run dir.  A root directory of
# mode 0700 (a system unpacked from a tar of a mktemp directory, as some
# throw-away roots are) blocks every user but root: say so, and open it to the
# usual 0755 (only "/" itself, and only when it is the one blocking).
pg_user_can_reach() {
  local target
  if ! runuser -u postgres -- test -x /; then
    log "/ has mode $(stat -c %a /): user postgres cannot reach anything; setting / to 0755"
    chmod 0755 /
  fi
  for target in "$@"; do
    runuser -u postgres -- test -e "$target" || die "user postgres cannot reach $target (check the modes of its directories)"
  done
}

port_in_use() { ss -Htln "sport = :$1" 2>/dev/null | grep -q .; }
declare -A TAKEN_PORTS=()
free_port() {
  local p i
  for ((i = 0; i < 200; i++)); do
    p=$((20000 + RANDOM % 40000))
    [[ -n "${TAKEN_PORTS[$p]:-}" ]] && continue
    port_in_use "$p" && continue
    TAKEN_PORTS[$p]=1
    echo "$p"
    return 0
  done
  die "could not find a free TCP port"
}

tcp_open() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

pid_of() { local f="$PID_DIR/$1.pid"; if [[ -s "$f" ]]; then cat "$f"; fi; }
alive()  { local p; p="$(pid_of "$1")"; [[ -n "$p" ]] && kill -0 "$p" 2>/dev/null; }

show_log() { # file [lines]: first ERROR/FATAL/Caused-by lines, then the tail
  local f="$1" n="${2:-40}"
  if [[ -s "$f" ]] && grep -qE ' (ERROR|FATAL) |^Caused by' "$f"; then
    printf '%s\n' "----- first errors in $f -----" >&2
    grep -E ' (ERROR|FATAL) |^Caused by' "$f" | cut -c1-400 | head -n 15 >&2
  fi
  if [[ -s "$f" ]]; then
    printf '%s\n' "----- last $n lines of $f -----" >&2
    tail -n "$n" "$f" >&2
    printf '%s\n' "-----" >&2
  fi
}

# wait_until DESCRIPTION COMPONENT LOGFILE COMMAND...: polls COMMAND every 0.5 s until it
# succeeds; fails early if COMPONENT's process died, and after $TIMEOUT seconds.
wait_until() {
  local what="$1" comp="$2" logf="$3"; shift 3
  local deadline=$((SECONDS + TIMEOUT))
  while ! "$@"; do
    if [[ -n "$comp" ]] && ! alive "$comp"; then
      err "$comp exited while waiting for: $what"
      show_log "$logf" 60
      return 1
    fi
    if ((SECONDS >= deadline)); then
      err "timed out after ${TIMEOUT}s waiting for: $what"
      show_log "$logf" 60
      return 1
    fi
    sleep 0.5
  done
}

ensure_tools() {
  local pkgs=()
  command -v java >/dev/null 2>&1 || pkgs+=(openjdk-17-jdk-headless)
  command -v mvn  >/dev/null 2>&1 || pkgs+=(maven)
  command -v ss   >/dev/null 2>&1 || pkgs+=(iproute2)
  command -v curl >/dev/null 2>&1 || pkgs+=(curl)
  command -v flock >/dev/null 2>&1 || pkgs+=(util-linux)
  if [[ -z "${PG_BIN:-}" ]]; then
    PG_BIN="$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n1 || true)"
  fi
  if [[ -z "${PG_BIN:-}" || ! -x "$PG_BIN/postgres" ]]; then
    pkgs+=(postgresql-15)
    PG_BIN=/usr/lib/postgresql/15/bin
  fi
  if ((${#pkgs[@]})); then
    if [[ $EUID -ne 0 ]] || ! command -v apt-get >/dev/null 2>&1; then
      die "missing ${pkgs[*]}: install them (or run as root on Debian so this script can)"
    fi
    log "installing ${pkgs[*]} with apt-get"
    if [[ " ${pkgs[*]} " == *" postgresql-15 "* && ! -e /etc/postgresql-common/createcluster.conf ]]; then
      # we run our own throw-away cluster; don't let the package create/start one on 5432
      mkdir -p /etc/postgresql-common
      echo 'create_main_cluster = false' >/etc/postgresql-common/createcluster.conf
    fi
    DEBIAN_FRONTEND=noninteractive apt-get update -qq >&2
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${pkgs[@]}" >&2
  fi
  if [[ $EUID -eq 0 ]]; then
    id postgres >/dev/null 2>&1 || die "running as root but there is no 'postgres' OS user to run PostgreSQL"
  fi
}

# CONNECTORS = $CDC_E2E_CONNECTORS, or every connectors/*.properties (sorted).
pick_connectors() {
  local c f
  CONNECTORS=()
  if [[ -n "${CDC_E2E_CONNECTORS:-}" ]]; then
    read -r -a CONNECTORS <<<"$CDC_E2E_CONNECTORS"
  else
    for f in "$HERE"/connectors/*.properties; do CONNECTORS+=("$(basename "$f" .properties)"); done
  fi
  ((${#CONNECTORS[@]})) || die "no connectors to run"
  for c in "${CONNECTORS[@]}"; do
    [[ -f "$HERE/connectors/$c.properties" ]] || die "no connector config connectors/$c.properties"
  done
}

load_state() {
  [[ -f "$STATE" ]] || die "no stack state in $RUN_DIR (run: $0 up)"
  # shellcheck disable=SC1090
  source "$STATE"
}

psql_stack() {
  PGPASSWORD="$PGPASSWORD" "$PG_BIN/psql" -X -q -v ON_ERROR_STOP=1 \
    -h 127.0.0.1 -p "$PGPORT" -U "$PG_USER" -d "${PSQL_DB:-$PG_DB}" "$@"
}

# ----------------------------------------------------------------------------- down
stop_pid() { # name timeout
  local name="$1" t="$2" p
  p="$(pid_of "$name")"
  [[ -n "$p" ]] || return 0
  if kill -0 "$p" 2>/dev/null; then
    log "stopping $name (pid $p)"
    kill -TERM "$p" 2>/dev/null || true
    local deadline=$((SECONDS + t))
    while kill -0 "$p" 2>/dev/null && ((SECONDS < deadline)); do sleep 0.3; done
    if kill -0 "$p" 2>/dev/null; then
      log "$name did not stop within ${t}s, killing it"
      kill -KILL "$p" 2>/dev/null || true
      sleep 0.5
    fi
  fi
  rm -f "$PID_DIR/$name.pid"
}

teardown() { # keep_logs(0|1)
  local keep="${1:-0}"
  [[ -d "$RUN_DIR" ]] || return 0
  stop_pid connect 30
  stop_pid kafka 40
  local pgpid
  pgpid="$(pid_of postgres)"
  if [[ -f "$RUN_DIR/pg/data/postmaster.pid" ]]; then
    [[ -n "${PG_BIN:-}" ]] || PG_BIN="$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n1)"
    log "stopping postgres${pgpid:+ (pid $pgpid)}"
    as_pg "$PG_BIN/pg_ctl" -D "$RUN_DIR/pg/data" -m fast -w -t 30 stop >>"$LOG_DIR/pg_ctl-stop.log" 2>&1 \
      || err "pg_ctl stop failed (see $LOG_DIR/pg_ctl-stop.log)"
    # pg_ctl returns once postmaster.pid is gone; give the process a moment to exit
    local i
    for ((i = 0; i < 20; i++)); do
      if [[ -z "$pgpid" ]] || ! kill -0 "$pgpid" 2>/dev/null; then break; fi
      sleep 0.25
    done
  fi
  stop_pid postgres 10   # only does something if pg_ctl could not stop it
  if [[ "$keep" == 1 ]]; then
    rm -rf "$RUN_DIR/pg" "$RUN_DIR/kafka/data" "$RUN_DIR/connect/offsets.dat" "$STATE"
    log "logs kept in $LOG_DIR"
  else
    rm -rf "$RUN_DIR"
  fi
}

cmd_down() {
  local keep=0
  [[ "${1:-}" == --keep-logs ]] && keep=1
  # shellcheck disable=SC1090
  if [[ -f "$STATE" ]]; then source "$STATE"; fi
  teardown "$keep"
  log "stack is down"
}

# ----------------------------------------------------------------------------- up
write_log4j() { # file logfile
  cat >"$1" <<EOF
log4j.rootLogger=INFO, file
log4j.appender.file=org.apache.log4j.FileAppender
log4j.appender.file.File=$2
log4j.appender.file.Append=true
log4j.appender.file.layout=org.apache.log4j.PatternLayout
log4j.appender.file.layout.ConversionPattern=[%d] %p %X{connector.context}%m (%c:%L)%n
log4j.logger.org.apache.kafka.clients=WARN
log4j.logger.org.apache.kafka.common.utils.AppInfoParser=WARN
log4j.logger.org.apache.kafka.common.config.AbstractConfig=WARN
log4j.logger.org.reflections=ERROR
log4j.logger.org.eclipse.jetty=WARN
log4j.logger.kafka.log=WARN
log4j.logger.org.apache.kafka.storage.internals.log=WARN
log4j.logger.state.change.logger=WARN
EOF
}

start_postgres() {
  log "initialising PostgreSQL ($PG_BIN) on 127.0.0.1:$PGPORT"
  mkdir -p "$RUN_DIR/pg/data" "$RUN_DIR/pg/sock"
  printf '%s\n' "$PGPASSWORD" >"$RUN_DIR/pg/pwfile"
  if [[ $EUID -eq 0 ]]; then chown -R postgres: "$RUN_DIR/pg"; touch "$LOG_DIR/postgres.log"; chown postgres: "$LOG_DIR/postgres.log"; fi
  chmod 700 "$RUN_DIR/pg/data"
  [[ $EUID -eq 0 ]] && pg_user_can_reach "$PG_BIN/initdb" "$RUN_DIR/pg/data"
  as_pg "$PG_BIN/initdb" -D "$RUN_DIR/pg/data" -U "$PG_USER" --pwfile="$RUN_DIR/pg/pwfile" \
    --auth-local=trust --auth-host=scram-sha-256 -E UTF8 --no-locale --no-sync \
    >"$LOG_DIR/initdb.log" 2>&1 || { show_log "$LOG_DIR/initdb.log"; die "initdb failed"; }
  rm -f "$RUN_DIR/pg/pwfile"
  cat >>"$RUN_DIR/pg/data/postgresql.conf" <<EOF

# --- cdc-udfs e2e stack ---
listen_addresses = '127.0.0.1'
port = $PGPORT
unix_socket_directories = '$RUN_DIR/pg/sock'
wal_level = logical
max_wal_senders = 16
max_replication_slots = 16
fsync = off
synchronous_commit = off
full_page_writes = off
shared_buffers = 64MB
timezone = 'UTC'
log_timezone = 'UTC'
log_replication_commands = on
EOF
  run_postgres
  PSQL_DB=postgres psql_stack -c "CREATE DATABASE $PG_DB"
  log "PostgreSQL is up (pid $(pid_of postgres)), database '$PG_DB'"
}

# The server on its initialised data dir (start_postgres; `start postgres` after a fault).
run_postgres() {
  as_pg "$PG_BIN/pg_ctl" -D "$RUN_DIR/pg/data" -l "$LOG_DIR/postgres.log" -w -t "$TIMEOUT" start >/dev/null \
    || { show_log "$LOG_DIR/postgres.log"; die "PostgreSQL did not start"; }
  head -n1 "$RUN_DIR/pg/data/postmaster.pid" >"$PID_DIR/postgres.pid"
}

# The broker's second listener, SASL_PLAINTEXT with SCRAM-SHA-256 and PLAIN (test_e2e_credentials):
# its port and its one user, chosen once per run dir and kept in the state file.
# The user's credentials go into the KRaft metadata when the storage is formatted.
sasl_listener_state() {
  [[ -n "${KAFKA_SASL_PORT:-}" ]] && return 0
  KAFKA_SASL_PORT="$(free_port)"
  KAFKA_SASL_USER=cdc-e2e
  KAFKA_SASL_PASSWORD="scram-$(head -c8 /dev/urandom | od -An -tx1 | tr -d ' \n')"
  printf 'KAFKA_SASL_PORT=%s\nKAFKA_SASL_BOOTSTRAP=127.0.0.1:%s\nKAFKA_SASL_USER=%s\nKAFKA_SASL_PASSWORD=%q\n' \
    "$KAFKA_SASL_PORT" "$KAFKA_SASL_PORT" "$KAFKA_SASL_USER" "$KAFKA_SASL_PASSWORD" >>"$STATE"
}

start_kafka() {
  local props="$RUN_DIR/kafka/server.properties" cluster_id
  mkdir -p "$RUN_DIR/kafka/data"
  sasl_listener_state
  cat >"$props" <<EOF
process.roles=broker,controller
node.id=1
controller.quorum.voters=1@127.0.0.1:$KAFKA_CONTROLLER_PORT
listeners=PLAINTEXT://127.0.0.1:$KAFKA_PORT,CONTROLLER://127.0.0.1:$KAFKA_CONTROLLER_PORT,SASL_PLAINTEXT://127.0.0.1:$KAFKA_SASL_PORT
advertised.listeners=PLAINTEXT://127.0.0.1:$KAFKA_PORT,SASL_PLAINTEXT://127.0.0.1:$KAFKA_SASL_PORT
controller.listener.names=CONTROLLER
inter.broker.listener.name=PLAINTEXT
listener.security.protocol.map=PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT,SASL_PLAINTEXT:SASL_PLAINTEXT
# Clients of the SASL listener authenticate with SCRAM-SHA-256 (credentials in the KRaft
# metadata) or PLAIN (the same user and password, listed here): the embedded engine's
# librdkafka is built with PLAIN only (tests/e2e/README.md).  The broker has no authorizer,
# so an authenticated user may do anything; a wrong password is refused at the handshake.
listener.name.sasl_plaintext.sasl.enabled.mechanisms=SCRAM-SHA-256,PLAIN
listener.name.sasl_plaintext.scram-sha-256.sasl.jaas.config=org.apache.kafka.common.security.scram.ScramLoginModule required;
listener.name.sasl_plaintext.plain.sasl.jaas.config=org.apache.kafka.common.security.plain.PlainLoginModule required user_$KAFKA_SASL_USER="$KAFKA_SASL_PASSWORD";
log.dirs=$RUN_DIR/kafka/data
auto.create.topics.enable=true
num.partitions=1
default.replication.factor=1
min.insync.replicas=1
offsets.topic.replication.factor=1
offsets.topic.num.partitions=1
transaction.state.log.replication.factor=1
transaction.state.log.min.isr=1
transaction.state.log.num.partitions=1
group.initial.rebalance.delay.ms=0
num.network.threads=2
num.io.threads=2
num.recovery.threads.per.data.dir=1
background.threads=2
log.segment.bytes=$SEGMENT_BYTES
# No time-based retention: the EventRouter of connector smtoutboxx stamps its records with
# the events' own times (table.field.event.timestamp: 2024 dates), and the broker would
# delete them 30 s after it starts.  The run dir is thrown away anyway.
log.retention.ms=-1
log.retention.check.interval.ms=600000
log.cleaner.dedupe.buffer.size=4194304
log.cleaner.threads=1
EOF
  write_log4j "$RUN_DIR/kafka/log4j.properties" "$LOG_DIR/kafka.log"
  # random cluster id: 16 random bytes, URL-safe base64 without padding (Kafka's Uuid format).
  # Like Kafka's Uuid.randomUuid(), never one starting with '-': the tool would take it
  # for an option ("argument --cluster-id/-t: expected one argument").
  cluster_id=-
  while [[ "$cluster_id" == -* ]]; do
    cluster_id="$(head -c16 /dev/urandom | base64 | tr '+/' '-_' | tr -d '=\n')"
  done
  echo "KAFKA_CLUSTER_ID=$cluster_id" >>"$STATE"
  log "formatting Kafka KRaft storage (cluster id $cluster_id)"
  java -Xmx256m -XX:+UseSerialGC -XX:TieredStopAtLevel=1 \
    -Dlog4j.configuration="file:$RUN_DIR/kafka/log4j.properties" \
    -cp "$JARS/kafka/*" kafka.tools.StorageTool format -t "$cluster_id" -c "$props" \
    --add-scram "SCRAM-SHA-256=[name=$KAFKA_SASL_USER,password=$KAFKA_SASL_PASSWORD]" \
    >"$LOG_DIR/kafka-storage.log" 2>&1 || { show_log "$LOG_DIR/kafka-storage.log"; die "kafka storage format failed"; }
  run_kafka
}

# The broker on its formatted storage (start_kafka; `start kafka` after a fault).
run_kafka() {
  log "starting Kafka on 127.0.0.1:$KAFKA_PORT (SASL :$KAFKA_SASL_PORT, controller :$KAFKA_CONTROLLER_PORT)"
  setsid nohup java -Xms256m -Xmx512m -XX:+UseSerialGC -Djava.awt.headless=true \
    -Dlog4j.configuration="file:$RUN_DIR/kafka/log4j.properties" \
    -cp "$JARS/kafka/*" kafka.Kafka "$RUN_DIR/kafka/server.properties" \
    >>"$LOG_DIR/kafka.out" 2>&1 </dev/null &
  echo $! >"$PID_DIR/kafka.pid"
}

# Ready = the port answers and the broker logged its start (after the first
# KAFKA_STARTS_BEFORE such lines: the log is appended to when it restarts).
kafka_ready() {
  tcp_open "$KAFKA_PORT" && tcp_open "$KAFKA_SASL_PORT" || return 1
  (($(grep -c 'Kafka Server started' "$LOG_DIR/kafka.log" 2>/dev/null) > ${KAFKA_STARTS_BEFORE:-0}))
}

render_connector() { # name -> path of rendered properties
  local src="$HERE/connectors/$1.properties" dst="$RUN_DIR/connect/$1.properties"
  [[ -f "$src" ]] || die "missing connector config $src"
  sed -e "s|@PGPORT@|$PGPORT|g" -e "s|@PGUSER@|$PG_USER|g" -e "s|@PGPASSWORD@|$PGPASSWORD|g" \
      -e "s|@PGDATABASE@|$PG_DB|g" "$src" >"$dst"
  echo "$dst"
}

start_connect() {
  local worker="$RUN_DIR/connect/worker.properties" files=() c
  mkdir -p "$RUN_DIR/connect"
  cat >"$worker" <<EOF
bootstrap.servers=127.0.0.1:$KAFKA_PORT
# Worker-level converters = Debezium/Connect defaults (JSON with schemas). The
# dbzplain connector overrides them in its own config.
key.converter=org.apache.kafka.connect.json.JsonConverter
value.converter=org.apache.kafka.connect.json.JsonConverter
key.converter.schemas.enable=true
value.converter.schemas.enable=true
offset.storage.file.filename=$RUN_DIR/connect/offsets.dat
offset.flush.interval.ms=1000
listeners=http://127.0.0.1:$CONNECT_PORT
rest.advertised.host.name=127.0.0.1
rest.advertised.port=$CONNECT_PORT
plugin.path=$JARS/plugins
plugin.discovery=service_load
task.shutdown.graceful.timeout.ms=5000
EOF
  for c in "${CONNECTORS[@]}"; do files+=("$(render_connector "$c")"); done
  write_log4j "$RUN_DIR/connect/log4j.properties" "$LOG_DIR/connect.log"
  cat >>"$RUN_DIR/connect/log4j.properties" <<'EOF'
log4j.logger.org.apache.kafka.connect.runtime.isolation=WARN
EOF
  log "starting Kafka Connect standalone (REST 127.0.0.1:$CONNECT_PORT) with connectors: ${CONNECTORS[*]}"
  # file.encoding: DecodeLogicalDecodingMessageContent decodes the message bytes with
  # the JVM's default charset; UTF-8 as in Java 18+ and Debezium's images.
  setsid nohup java -Xms256m -Xmx1g -XX:+UseSerialGC -Djava.awt.headless=true -Dfile.encoding=UTF-8 \
    -Dlog4j.configuration="file:$RUN_DIR/connect/log4j.properties" \
    -cp "$JARS/kafka/*" org.apache.kafka.connect.cli.ConnectStandalone "$worker" "${files[@]}" \
    >>"$LOG_DIR/connect.out" 2>&1 </dev/null &
  echo $! >"$PID_DIR/connect.pid"
}

connect_rest_up() { curl -fsS -o /dev/null "http://127.0.0.1:$CONNECT_PORT/connectors" 2>/dev/null; }

connector_running() { # name: connector and its single task RUNNING (fails fast on FAILED)
  local s
  s="$(curl -fsS "http://127.0.0.1:$CONNECT_PORT/connectors/$1/status" 2>/dev/null)" || return 1
  if [[ "$s" == *'"FAILED"'* ]]; then
    err "connector $1 FAILED: $s"
    show_log "$LOG_DIR/connect.log" 60
    exit 1
  fi
  [[ "$(grep -o '"state":"RUNNING"' <<<"$s" | wc -l)" -ge 2 ]]
}

# Streaming = Debezium's streaming loop has started ("Processing messages", logged by
# PostgresStreamingChangeEventSource with the task's MDC context) and its slot is active.
connector_streaming() { # name (the log's lines after the first CONNECT_LOG_FROM: those of this start)
  # (a process substitution: with pipefail, grep -q ending first would fail a pipe from tail)
  grep -q "\[$1|task-0\].*Processing messages" <(tail -n +$((${CONNECT_LOG_FROM:-0} + 1)) "$LOG_DIR/connect.log" 2>/dev/null) \
    || return 1
  [[ "$(psql_stack -tA -c "SELECT active FROM pg_replication_slots WHERE slot_name = '${1}_slot'" 2>/dev/null)" == t ]]
}

# Until the REST API answers and every connector is RUNNING and streaming.
wait_connect() {
  wait_until "Kafka Connect REST API" connect "$LOG_DIR/connect.log" connect_rest_up
  local c
  for c in "${CONNECTORS[@]}"; do
    wait_until "connector $c RUNNING" connect "$LOG_DIR/connect.log" connector_running "$c"
  done
  for c in "${CONNECTORS[@]}"; do
    wait_until "connector $c streaming (snapshot done, replication slot ${c}_slot active)" \
      connect "$LOG_DIR/connect.log" connector_streaming "$c"
  done
}

on_up_exit() {
  local rc=$?
  if ((rc != 0)); then
    err "stack.sh up failed (exit $rc); tearing down, logs kept in $LOG_DIR"
    teardown 1
  fi
}

cmd_up() {
  local init_sql=()
  while (($#)); do
    case "$1" in
      --init-sql) [[ -f "${2:-}" ]] || die "--init-sql needs an existing file (got '${2:-}')"; init_sql+=("$(cd "$(dirname "$2")" && pwd)/$(basename "$2")"); shift 2 ;;
      *) die "unknown option for up: $1" ;;
    esac
  done
  if [[ -f "$STATE" ]]; then
    # shellcheck disable=SC1090
    source "$STATE"
    if alive postgres || alive kafka || alive connect; then
      die "a stack is already running in $RUN_DIR (run: $0 down)"
    fi
    log "removing stale run dir $RUN_DIR"
    teardown 0
  fi
  local t0=$SECONDS
  ensure_tools
  pick_connectors
  JARS="$("$HERE/fetch-jars.sh")"
  # shellcheck disable=SC1091
  source "$JARS/versions.env"

  rm -rf "$RUN_DIR"
  mkdir -p "$LOG_DIR" "$PID_DIR" "$RUN_DIR/kafka" "$RUN_DIR/connect"
  chmod 755 "$RUN_DIR"
  trap on_up_exit EXIT
  trap 'exit 130' INT TERM

  PGPORT="$(free_port)"; KAFKA_PORT="$(free_port)"; KAFKA_CONTROLLER_PORT="$(free_port)"; CONNECT_PORT="$(free_port)"
  PGPASSWORD="e2e-$(head -c8 /dev/urandom | od -An -tx1 | tr -d ' \n')"
  {
    printf 'CDC_E2E_RUN_DIR=%q\n' "$RUN_DIR"
    printf 'JARS=%q\n' "$JARS"
    printf 'PG_BIN=%q\n' "$PG_BIN"
    printf 'PGHOST=127.0.0.1\nPGPORT=%s\nPGUSER=%s\nPGPASSWORD=%q\nPGDATABASE=%s\n' "$PGPORT" "$PG_USER" "$PGPASSWORD" "$PG_DB"
    printf 'KAFKA_PORT=%s\nKAFKA_CONTROLLER_PORT=%s\nKAFKA_BOOTSTRAP=127.0.0.1:%s\n' "$KAFKA_PORT" "$KAFKA_CONTROLLER_PORT" "$KAFKA_PORT"
    printf 'CONNECT_PORT=%s\nCONNECT_URL=http://127.0.0.1:%s\n' "$CONNECT_PORT" "$CONNECT_PORT"
    printf 'KAFKA_VERSION=%s\nDEBEZIUM_VERSION=%s\n' "$KAFKA_VERSION" "$DEBEZIUM_VERSION"
    printf 'LOG_DIR=%q\n' "$LOG_DIR"
    printf 'CONNECTORS=(%s)\n' "${CONNECTORS[*]}"
  } >"$STATE"

  # Kafka (JVM start-up is the slow part) boots while PostgreSQL is prepared.
  start_kafka
  start_postgres
  local f
  for f in "${init_sql[@]}"; do
    log "loading $(basename "$f")"
    psql_stack -f "$f" >>"$LOG_DIR/init-sql.log" 2>&1 || { show_log "$LOG_DIR/init-sql.log"; die "loading $f failed"; }
  done
  wait_until "Kafka broker on 127.0.0.1:$KAFKA_PORT" kafka "$LOG_DIR/kafka.log" kafka_ready
  log "Kafka is up (pid $(pid_of kafka)) after $((SECONDS - t0))s"

  start_connect
  wait_connect
  trap - EXIT INT TERM
  log "stack is up and streaming after $((SECONDS - t0))s (Kafka $KAFKA_VERSION, Debezium $DEBEZIUM_VERSION); run dir $RUN_DIR"
}

# ----------------------------------------------------------------------------- misc
cmd_env() {
  load_state
  local v
  for v in CDC_E2E_RUN_DIR JARS PG_BIN PGHOST PGPORT PGUSER PGPASSWORD PGDATABASE KAFKA_PORT \
           KAFKA_CONTROLLER_PORT KAFKA_BOOTSTRAP KAFKA_CLUSTER_ID CONNECT_PORT CONNECT_URL \
           KAFKA_SASL_PORT KAFKA_SASL_BOOTSTRAP KAFKA_SASL_USER KAFKA_SASL_PASSWORD \
           KAFKA_VERSION DEBEZIUM_VERSION LOG_DIR; do
    printf 'export %s=%q\n' "$v" "${!v:-}"
  done
  printf 'export KAFKA_CLASSPATH=%q\n' "$JARS/kafka/*"
}

cmd_status() {
  load_state
  local n
  for n in postgres kafka connect; do
    if alive "$n"; then echo "$n: running (pid $(pid_of "$n"))"; else echo "$n: NOT running"; fi
  done
  for n in "${CONNECTORS[@]}"; do
    echo "connector $n: $(curl -fsS "$CONNECT_URL/connectors/$n/status" 2>/dev/null || echo unreachable)"
  done
  psql_stack -c "SELECT slot_name, plugin, active, confirmed_flush_lsn FROM pg_replication_slots" 2>/dev/null || true
}

cmd_psql() { load_state; psql_stack "$@"; }

# ----------------------------------------------------------------------------- faults
# stop|kill|start postgres|kafka|connect, on a running stack (test_e2e_faults).
cmd_fault() { # action component
  local action="$1" comp="${2:-}" p
  load_state
  case "$comp" in postgres | kafka | connect) ;; *) die "$action: postgres, kafka or connect (got '$comp')" ;; esac
  case "$action" in
    stop)
      if [[ "$comp" == postgres ]]; then
        log "stopping postgres (pg_ctl stop -m fast)"
        as_pg "$PG_BIN/pg_ctl" -D "$RUN_DIR/pg/data" -m fast -w -t 30 stop >>"$LOG_DIR/pg_ctl-stop.log" 2>&1 \
          || die "pg_ctl stop failed (see $LOG_DIR/pg_ctl-stop.log)"
        rm -f "$PID_DIR/postgres.pid"
      else
        stop_pid "$comp" 40
      fi
      ;;
    kill)
      p="$(pid_of "$comp")"
      [[ -n "$p" ]] && kill -0 "$p" 2>/dev/null || die "$comp is not running"
      log "killing $comp (pid $p) with SIGKILL"
      kill -KILL "$p"
      while kill -0 "$p" 2>/dev/null; do sleep 0.1; done
      rm -f "$PID_DIR/$comp.pid"
      ;;
    start)
      alive "$comp" && die "$comp is already running (pid $(pid_of "$comp"))"
      case "$comp" in
        postgres) run_postgres; log "PostgreSQL is up (pid $(pid_of postgres))" ;;
        kafka)
          KAFKA_STARTS_BEFORE="$(grep -c 'Kafka Server started' "$LOG_DIR/kafka.log" 2>/dev/null || true)"
          run_kafka
          wait_until "Kafka broker on 127.0.0.1:$KAFKA_PORT" kafka "$LOG_DIR/kafka.log" kafka_ready
          log "Kafka is up (pid $(pid_of kafka))"
          ;;
        connect)
          CONNECT_LOG_FROM="$(wc -l <"$LOG_DIR/connect.log" 2>/dev/null || echo 0)"
          start_connect
          wait_connect
          log "Kafka Connect is up and streaming (pid $(pid_of connect))"
          ;;
      esac
      ;;
  esac
}

case "${1:-}" in
  up)     shift; cmd_up "$@" ;;
  down)   shift; cmd_down "$@" ;;
  env)    shift; cmd_env ;;
  status) shift; cmd_status ;;
  psql)   shift; cmd_psql "$@" ;;
  stop | kill | start) cmd_fault "$@" ;;
  *) sed -n '2,/^set -euo/p' "$0" | sed '$d' | sed 's/^# \{0,1\}//' >&2; exit 2 ;;
esac
