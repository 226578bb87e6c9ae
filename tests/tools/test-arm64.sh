#!/usr/bin/env bash
# The arm64 build, on an amd64 machine: cross-compiles with Debian's
# gcc-aarch64-linux-gnu (tests/tools/aarch64-linux-gnu.cmake), runs the unit
# tests and the binaries' framing tests under qemu-user (qemu-aarch64-static),
# and builds the arm64 .deb.  tests/run-tests.sh runs it.
#
# qemu-user does not emulate seccomp (the sandbox cannot be installed there:
# the binaries exit 69, EXIT_NOSANDBOX), so under qemu the binaries run with --no-sandbox and
# test_sandbox is left out; test_hardening reads the ELF files themselves and
# runs in the amd64 build.  The README says what this leaves untested.
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
build=${CDC_ARM64_BUILD_DIR:-$root/build-arm64}
"$root/tests/tools/bootstrap.sh" --arm64 --deb

cmake -S "$root" -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo \
    -DCMAKE_TOOLCHAIN_FILE="$root/tests/tools/aarch64-linux-gnu.cmake" \
    -DCDC_BUILD_TESTS=ON -DCDC_WITH_CLICKHOUSE=OFF -DCDC_WERROR=ON >/dev/null
cmake --build "$build" -j "$(nproc)"

# What qemu-user does with the sandbox: refuses it, and the binary says so.
qemu=$(command -v qemu-aarch64-static)
if echo '{}' | "$qemu" "$build/user_scripts/debezium_unwrap" >/dev/null 2>"$build/qemu-seccomp.txt"; then
    echo "arm64: the seccomp sandbox installed under qemu-user: run test_sandbox here too" >&2
    exit 1
fi
echo "arm64: under qemu-user: $(head -n 1 "$build/qemu-seccomp.txt")"

echo "== arm64 unit and framing tests under qemu-user"
# The tests start the binaries through launchers that run them under qemu-user
# with --no-sandbox (tests/CMakeLists.txt, cross builds).
(cd "$build" && ctest -L "unit|binary" -E '^(test_sandbox|test_hardening)$' \
    --output-on-failure -j "$(nproc)")

echo "== arm64 package"
deb=$("$root/tests/tools/build-deb.sh" --arch arm64)
dpkg-deb -f "$deb" Architecture Depends
[ "$(dpkg-deb -f "$deb" Architecture)" = arm64 ] || { echo "arm64: $deb is not arm64" >&2; exit 1; }
dpkg-deb -f "$deb" Depends | grep -q libseccomp2 || { echo "arm64: $deb does not depend on libseccomp2" >&2; exit 1; }
echo "$deb"
