#!/usr/bin/env bash
# The whole test suite, on a fresh machine: installs what it needs, builds
# twice (normal, and ASan+UBSan), runs the unit tests in both builds and the
# integration tests in the embedded ClickHouse engine against both the normal
# and the sanitized binaries, then the soak (10 million rows through one pool
# process; leak checks under LeakSanitizer and valgrind) and a short fuzz run
# of every libFuzzer target (tests/fuzz/run-fuzz.sh, ~55 s each, one core).
# `tests/run-tests.sh e2e` also runs the real PostgreSQL -> Debezium -> Kafka
# -> ClickHouse test (label e2e).
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
jobs=$(nproc)
"$root/tests/tools/bootstrap.sh" valgrind

cmake -S "$root" -B "$root/build" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
cmake --build "$root/build" -j "$jobs"
cmake -S "$root" -B "$root/build-asan" -G Ninja -DCMAKE_BUILD_TYPE=Debug -DCDC_SANITIZE=ON >/dev/null
cmake --build "$root/build-asan" -j "$jobs"

export ASAN_OPTIONS=abort_on_error=0:detect_leaks=1
export UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1

echo "== unit and binary tests (normal build)"
(cd "$root/build" && ctest -L "unit|binary" --output-on-failure -j "$jobs")
echo "== unit and binary tests (ASan+UBSan build)"
(cd "$root/build-asan" && ctest -L "unit|binary" --output-on-failure -j "$jobs")
echo "== integration tests in ClickHouse (normal binaries)"
(cd "$root/build" && ctest -L integration --output-on-failure)
echo "== integration tests in ClickHouse (ASan+UBSan binaries)"
(cd "$root/build" && CDC_TEST_SCRIPTS_DIR="$root/build-asan/user_scripts" \
    ctest -L integration -R '^(test_clickhouse_|test_adversarial)' --output-on-failure)
echo "== soak: 10 million rows through one pool process, RSS flat; valgrind and LeakSanitizer leak checks"
(cd "$root/build" && ctest -L soak --output-on-failure)
(cd "$root/build-asan" && ctest -L soak --output-on-failure)
echo "== fuzz smoke: every libFuzzer target, ASan+UBSan (tests/fuzz/run-fuzz.sh)"
"$root/tests/fuzz/run-fuzz.sh" "${CDC_FUZZ_SECONDS:-55}"
if [ "${1:-}" = "e2e" ] || [ -n "${CDC_RUN_E2E:-}" ]; then
    echo "== end to end: PostgreSQL -> Debezium -> Kafka -> ClickHouse"
    (cd "$root/build" && ctest -L e2e --output-on-failure)
fi
