#!/usr/bin/env bash
# The load benchmark of the real pipeline in one command: builds Release, brings the
# e2e stack up with connector dbz only (tests/e2e/stack.sh: PostgreSQL, Kafka KRaft,
# Kafka Connect + Debezium on 127.0.0.1) and the change generator
# (tests/bench/e2e_load.sql), runs cdc_e2e_load, writes
# tests/bench/results-e2e-load.md and brings the stack down.
#
#   tests/bench/e2e-load.sh                  # the full run: search, 5-minute holds, both variants,
#                                            # one setting at a time: about 45 min, at most an hour (the
#                                            # driver prints its bound first)
#   tests/bench/e2e-load.sh --quick          # about 10 minutes: --rates 2000,8000,16000 --step 25 --hold 60
#                                            #   --no-attribution, into results-e2e-load-quick.md
#   tests/bench/e2e-load.sh --step 30 ...    # any cdc_e2e_load option passes through
#
# Numbers are printed, never asserted; run it on an otherwise idle machine.  The stack's
# run dir is CDC_E2E_RUN_DIR (default /tmp/cdc-load-<uid>), the build build-bench/
# (CDC_BENCH_BUILD_DIR).
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/../.." && pwd)"
build="${CDC_BENCH_BUILD_DIR:-$root/build-bench}"
export CDC_E2E_RUN_DIR="${CDC_E2E_RUN_DIR:-/tmp/cdc-load-$(id -u)}"
export CDC_E2E_CONNECTORS=dbz
# A few GB go through the broker: large segments, or their files exhaust the open-file limit.
export CDC_E2E_KAFKA_SEGMENT_BYTES="${CDC_E2E_KAFKA_SEGMENT_BYTES:-134217728}"

out="$here/results-e2e-load.md"
args=()
prev=
for a in "$@"; do
  if [[ "$prev" == --out ]]; then out="$a"; fi
  prev="$a"
  if [[ "$a" == --quick ]]; then
    out="$here/results-e2e-load-quick.md"
    args+=(--rates 2000,8000,16000 --step 25 --hold 60 --drain 40 --no-attribution)
  else
    args+=("$a")
  fi
done

cmake -S "$root" -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=Release -DCDC_BUILD_TESTS=ON >/dev/null
cmake --build "$build" --target cdc_e2e_load

SECONDS=0
"$root/tests/e2e/stack.sh" down >/dev/null 2>&1 || true
# The logs stay (Kafka Connect's above all: a task that failed under load says why there).
trap '"$root/tests/e2e/stack.sh" down --keep-logs; echo "e2e-load: the stack'"'"'s logs: $CDC_E2E_RUN_DIR/logs" >&2' EXIT
"$root/tests/e2e/stack.sh" up --init-sql "$root/tests/e2e/schema.sql" --init-sql "$here/e2e_load.sql"
eval "$("$root/tests/e2e/stack.sh" env)"
echo "e2e-load: load average before the run: $(cut -d' ' -f1-3 /proc/loadavg) on $(nproc) cores" >&2
"$build/tests/bench/cdc_e2e_load" --out "$out" "${args[@]}"   # a later --out wins
cat "$out"
echo "e2e-load: ${SECONDS}s in all (stack up and down included); results in $out" >&2
