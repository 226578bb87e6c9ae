#!/usr/bin/env bash
# run-fuzz.sh — builds the libFuzzer targets (clang, ASan+UBSan, from
# Debian's packages) and runs each for a fixed time, one at a time (one core).
#
#   tests/fuzz/run-fuzz.sh [SECONDS_PER_TARGET] [fuzz_target ...]
#
# SECONDS_PER_TARGET defaults to $CDC_FUZZ_SECONDS or 55 (CI: 13 targets,
# about 12 minutes).  New inputs go to build-fuzz/corpus/<target> (kept
# between local runs); the committed seeds in tests/fuzz/corpus/<target> —
# which include every past finding — and JSONTestSuite are read-only
# inputs, all replayed first.  A finding stops the script with a non-zero
# status and the reproducer under build-fuzz/artifacts/; turn it into a seed
# file and a test in tests/unit/test_regressions.c.  Per-target totals
# (executions, exec/s, coverage) are printed at the end and kept in
# build-fuzz/fuzz-summary.txt.  $CDC_FUZZ_BUILD_DIR moves the build (e.g. for
# a long local run beside CI's), $CDC_FUZZ_BUILD_JOBS sets its parallelism.
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
seconds=${1:-${CDC_FUZZ_SECONDS:-55}}
shift || true
"$root/tests/tools/bootstrap.sh" clang libclang-rt-14-dev

build="${CDC_FUZZ_BUILD_DIR:-$root/build-fuzz}"
CC=clang cmake -S "$root" -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo \
    -DCDC_FUZZ=ON -DCDC_BUILD_TESTS=OFF -DCDC_WERROR=ON >/dev/null
cmake --build "$build" -j "${CDC_FUZZ_BUILD_JOBS:-2}" >/dev/null

targets=("$@")
if [ ${#targets[@]} -eq 0 ]; then
    targets=(fuzz_json fuzz_timestamp fuzz_tsv fuzz_rowbinary fuzz_native fuzz_fn_debezium_unwrap fuzz_fn_debezium_flatten
             fuzz_fn_payload_extract fuzz_fn_payload_get fuzz_fn_is_valid_after_assignment fuzz_fn_outbox_route
             fuzz_fn_debezium_typed fuzz_fn_debezium_ddl)
fi
suite="$root/../shared/data/json-test-suite/test_parsing"
export ASAN_OPTIONS=detect_leaks=1:abort_on_error=1
export UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1
mkdir -p "$build/artifacts" "$build/logs"
summary="$build/fuzz-summary.txt"
: >"$summary"
for t in "${targets[@]}"; do
    work="$build/corpus/$t"
    mkdir -p "$work"
    inputs=("$work" "$root/tests/fuzz/corpus/$t")
    extra=()
    case "$t" in
        fuzz_json) [ -d "$suite" ] && inputs+=("$suite"); extra+=(-dict="$root/tests/fuzz/json.dict") ;;
        fuzz_fn_debezium_unwrap|fuzz_fn_debezium_flatten|fuzz_fn_payload_extract|fuzz_fn_payload_get|fuzz_fn_debezium_typed|fuzz_fn_debezium_ddl) extra+=(-dict="$root/tests/fuzz/json.dict") ;;
    esac
    log="$build/logs/$t.log"
    echo "== fuzz $t for ${seconds}s"
    if ! "$build/tests/fuzz/$t" -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 \
            -print_final_stats=1 -artifact_prefix="$build/artifacts/$t-" "${extra[@]}" "${inputs[@]}" >"$log" 2>&1; then
        tail -n 60 "$log" >&2
        echo "run-fuzz: $t found a failure; reproducer: $(ls -t "$build/artifacts/$t-"* 2>/dev/null | head -1)" >&2
        exit 1
    fi
    execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log")
    rate=$(sed -n 's/^stat::average_exec_per_sec: *//p' "$log")
    cov=$(grep -o 'cov: [0-9]*' "$log" | tail -1 | cut -d' ' -f2)
    ft=$(grep -o 'ft: [0-9]*' "$log" | tail -1 | cut -d' ' -f2)
    printf '%-36s %12s execs %8s exec/s  cov %5s  ft %6s  corpus %s\n' "$t" "$execs" "$rate" "$cov" "$ft" \
        "$(ls "$work" | wc -l)" | tee -a "$summary"
done
