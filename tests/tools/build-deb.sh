#!/usr/bin/env bash
# Builds the Debian package clickhouse-cdc-udfs with CPack and prints its path.
#
#   tests/tools/build-deb.sh [--arch amd64|arm64] [--release N] [--out DIR]
#
# A Release build of the functions only (no tests, no engine, offline), in
# build-deb-<arch>/, then `cpack -G DEB`; dependencies computed by
# dpkg-shlibdeps.  arm64 is cross-compiled with Debian's gcc-aarch64-linux-gnu
# (tests/tools/aarch64-linux-gnu.cmake).  --release sets the Debian revision
# (the install test builds -1 and -2 to upgrade one to the other).  Installs
# the Debian packages it needs (tests/tools/bootstrap.sh --deb [--arm64]).
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
arch=$(dpkg --print-architecture)
release=1
out=""
while [ $# -gt 0 ]; do
    case "$1" in
        --arch) arch=$2; shift ;;
        --release) release=$2; shift ;;
        --out) out=$2; shift ;;
        *) sed -n '2,12p' "$0" >&2; exit 64 ;;
    esac
    shift
done
cross=()
case "$arch" in
    amd64) "$root/tests/tools/bootstrap.sh" --deb ;;
    arm64)
        "$root/tests/tools/bootstrap.sh" --deb --arm64
        [ "$(dpkg --print-architecture)" = arm64 ] || cross=(-DCMAKE_TOOLCHAIN_FILE="$root/tests/tools/aarch64-linux-gnu.cmake")
        ;;
    *) echo "build-deb: unsupported architecture '$arch' (amd64 or arm64)" >&2; exit 64 ;;
esac
build=${CDC_DEB_BUILD_DIR:-$root/build-deb-$arch}
out=${out:-$build/packages}
log=$(mktemp)
trap 'rm -f "$log"' EXIT
quiet() { "$@" >"$log" 2>&1 || { cat "$log" >&2; exit 1; }; }
quiet cmake -S "$root" -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=Release -DCDC_WERROR=ON \
    -DCDC_PACKAGE_RELEASE="$release" "${cross[@]}"
quiet cmake --build "$build" -j "$(nproc)"
mkdir -p "$out"
# dpkg-shlibdeps resolves the libraries of the package's architecture.
(cd "$build" && quiet env DEB_HOST_ARCH="$arch" cpack -G DEB -B "$out")
version=$(sed -n 's/^CMAKE_PROJECT_VERSION:STATIC=//p' "$build/CMakeCache.txt")
deb="$out/clickhouse-cdc-udfs_${version}-${release}_${arch}.deb"
[ -s "$deb" ] || { cat "$log" >&2; echo "build-deb: $deb was not made" >&2; exit 1; }
echo "$deb"
