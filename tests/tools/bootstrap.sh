#!/usr/bin/env bash
# Installs what building and testing need on a fresh Debian 12 machine, from
# Debian's packages (the release pins their versions).  Does nothing when
# everything is present; needs root (or sudo) otherwise.
#
#   tests/tools/bootstrap.sh [--deb] [--arm64] [PACKAGE...]
#
# Always: a C compiler with its C library headers, CMake, Ninja, libseccomp,
# libpcre2 and cmocka, npm (fetches the embedded engine), python3.
#   --deb     what `cpack -G DEB` needs: dpkg-dev (dpkg-shlibdeps) and file
#   --arm64   the arm64 cross build: Debian's gcc-aarch64-linux-gnu, the
#             arm64 libseccomp, libpcre2 and cmocka (multiarch), qemu-user-static
#   PACKAGE   any further Debian package (e.g. valgrind)
set -euo pipefail
need=()
arm64=0
have_cmd() { command -v "$1" >/dev/null 2>&1; }
have_pkg() { dpkg-query -W -f='${Status}' "$1" 2>/dev/null | grep -q "install ok installed"; }
have_cmd cc || need+=(gcc)
have_pkg libc6-dev || need+=(libc6-dev)   # crt1.o, crti.o, the headers: gcc alone cannot link
have_cmd cmake || need+=(cmake)
have_cmd ninja || need+=(ninja-build)
have_cmd npm || need+=(npm)               # any npm will do (a non-Debian nodejs ships its own)
have_cmd python3 || need+=(python3)
have_pkg libcmocka-dev || need+=(libcmocka-dev)
have_pkg libseccomp-dev || need+=(libseccomp-dev)
have_pkg libpcre2-dev || need+=(libpcre2-dev)   # outbox_route's route.topic.regex
for arg in "$@"; do
    case "$arg" in
        --deb) have_cmd dpkg-shlibdeps || need+=(dpkg-dev); have_cmd file || need+=(file) ;;
        --arm64)
            arm64=1
            have_cmd aarch64-linux-gnu-gcc || need+=(gcc-aarch64-linux-gnu)
            have_pkg libc6-dev-arm64-cross || need+=(libc6-dev-arm64-cross)
            have_pkg libseccomp-dev:arm64 || need+=(libseccomp-dev:arm64)
            have_pkg libpcre2-dev:arm64 || need+=(libpcre2-dev:arm64)
            have_pkg libcmocka-dev:arm64 || need+=(libcmocka-dev:arm64)
            have_cmd qemu-aarch64-static || need+=(qemu-user-static)
            ;;
        *) have_pkg "$arg" || need+=("$arg") ;;
    esac
done
[ ${#need[@]} -eq 0 ] && exit 0
echo "bootstrap: installing ${need[*]}" >&2
sudo=""
[ "$(id -u)" -eq 0 ] || sudo="sudo"
export DEBIAN_FRONTEND=noninteractive
if [ "$arm64" = 1 ] && ! dpkg --print-foreign-architectures | grep -qx arm64; then
    $sudo dpkg --add-architecture arm64
fi
$sudo apt-get update -qq
$sudo apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
