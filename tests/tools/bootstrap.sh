#!/usr/bin/env bash
# Installs what building and testing need on a fresh Debian 12 machine, from
# Debian's packages (the release pins their versions).  Does nothing when
# everything is present; needs root (or sudo) otherwise.
set -euo pipefail
need=()
have_cmd() { command -v "$1" >/dev/null 2>&1; }
have_pkg() { dpkg-query -W -f='${Status}' "$1" 2>/dev/null | grep -q "install ok installed"; }
have_cmd cc || need+=(gcc)
have_cmd cmake || need+=(cmake)
have_cmd ninja || need+=(ninja-build)
have_cmd npm || need+=(npm)
have_cmd python3 || need+=(python3)
have_pkg libcmocka-dev || need+=(libcmocka-dev)
have_pkg libseccomp-dev || need+=(libseccomp-dev)
for extra in "$@"; do have_pkg "$extra" || need+=("$extra"); done
[ ${#need[@]} -eq 0 ] && exit 0
echo "bootstrap: installing ${need[*]}" >&2
sudo=""
[ "$(id -u)" -eq 0 ] || sudo="sudo"
export DEBIAN_FRONTEND=noninteractive
$sudo apt-get update -qq
$sudo apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
