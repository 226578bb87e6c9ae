#!/usr/bin/env bash
# The benchmark in one command: installs gnuplot (Debian's gnuplot-nox),
# simdjson (libsimdjson-dev and g++, for the reference rows of the
# standalone table) and the build tools, builds Release, runs cdc_bench, and writes
# tests/bench/results.md, results.dat and chart.png.
#
#   tests/bench/run.sh                  # 1,000,000 rows per corpus, median of 3
#   tests/bench/run.sh --rows 200000    # quicker; any cdc_bench option passes through
#
# The machine should be otherwise idle: results.md records the load average.
# The build goes to build-bench/ (CDC_BENCH_BUILD_DIR to change), the
# corpora and the engine's data to a temporary directory ($TMPDIR), removed
# at the end (about 6 GB at the default size).
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/../.." && pwd)"
build="${CDC_BENCH_BUILD_DIR:-$root/build-bench}"
"$root/tests/tools/bootstrap.sh" gnuplot-nox libsimdjson-dev g++
cmake -S "$root" -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=Release -DCDC_BUILD_TESTS=ON >/dev/null
cmake --build "$build" --target cdc_bench
echo "bench: load average before the run: $(cut -d' ' -f1-3 /proc/loadavg) on $(nproc) cores" >&2
exec "$build/tests/bench/cdc_bench" --out "$here" "$@"
