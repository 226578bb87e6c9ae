#!/usr/bin/env bash
# The whole test suite, on a fresh machine: installs what it needs, builds
# twice (normal, and ASan+UBSan), runs the unit tests in both builds and the
# integration tests in the embedded ClickHouse engine against both the normal
# and the sanitized binaries, then the soak (10 million rows through one pool
# process; leak checks under LeakSanitizer and valgrind) and a short fuzz run
# of every libFuzzer target (tests/fuzz/run-fuzz.sh, ~55 s each, one core),
# the Debian package's install test (label install: as root, on a machine
# without a ClickHouse server of its own) and the arm64 build under qemu-user
# (tests/tools/test-arm64.sh).  Warnings are errors (-DCDC_WERROR=ON).
# `tests/run-tests.sh e2e` also runs the real PostgreSQL -> Debezium -> Kafka
# -> ClickHouse test (label e2e).
#
# The JSONTestSuite cases of test_json read ../shared/data/json-test-suite
# beside the clone: without it they are reported as skipped, with CI=true
# they fail.
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
jobs=$(nproc)
"$root/tests/tools/bootstrap.sh" --deb valgrind

tests=(-DCDC_BUILD_TESTS=ON -DCDC_WERROR=ON)
cmake -S "$root" -B "$root/build" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo "${tests[@]}" >/dev/null
cmake --build "$root/build" -j "$jobs"
cmake -S "$root" -B "$root/build-asan" -G Ninja -DCMAKE_BUILD_TYPE=Debug -DCDC_SANITIZE=ON "${tests[@]}" >/dev/null
cmake --build "$root/build-asan" -j "$jobs"

export ASAN_OPTIONS=abort_on_error=0:detect_leaks=1
export UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1

echo "== unit and binary tests (normal build)"
(cd "$root/build" && ctest -L "unit|binary" --output-on-failure -j "$jobs")
suite="$root/../shared/data/json-test-suite/test_parsing"
[ -d "$suite" ] || echo "== note: $suite is absent: test_json reported its JSONTestSuite cases as skipped"
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
echo "== install test: the .deb beside a foreign UDF, loaded with the stock server paths, upgraded, purged"
if [ "$(id -u)" -eq 0 ] || [ "${CI:-}" = true ]; then
    (cd "$root/build" && ctest -L install --output-on-failure)
else
    echo "skipped: needs root (it installs the package with dpkg)"
fi
echo "== arm64: cross build, unit and framing tests under qemu-user, arm64 .deb"
"$root/tests/tools/test-arm64.sh"
if [ "${1:-}" = "e2e" ] || [ -n "${CDC_RUN_E2E:-}" ]; then
    echo "== end to end: PostgreSQL -> Debezium -> Kafka -> ClickHouse"
    (cd "$root/build" && ctest -L e2e --output-on-failure)
fi
