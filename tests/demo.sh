#!/usr/bin/env bash
# demo.sh — the whole project in one command.
#
#   tests/demo.sh [experiments|adtech] [--messages N] [--seed N]
#
# Installs the Debian packages it needs when they are missing
# (tests/tools/bootstrap.sh), builds the functions (cmake into ./build, or
# $CDC_BUILD_DIR, with the test tools: -DCDC_BUILD_TESTS=ON), gets the
# embedded ClickHouse engine (libchdb, fetched by the cmake configure step),
# applies sql/<pipeline> as written with the Kafka source swapped for a Null
# table (the swap sql/README.md describes), streams generated Debezium
# messages (default 300000) through the materialized views, and prints the
# pipeline's report and how many messages per second went through.
set -euo pipefail

pipeline=experiments
messages=300000
seed=1
while [ $# -gt 0 ]; do
    case "$1" in
        experiments|adtech) pipeline=$1 ;;
        --messages) messages=$2; shift ;;
        --seed) seed=$2; shift ;;
        *) echo "usage: tests/demo.sh [experiments|adtech] [--messages N] [--seed N]" >&2; exit 64 ;;
    esac
    shift
done

root=$(cd "$(dirname "$0")/.." && pwd)
build=${CDC_BUILD_DIR:-$root/build}
started=$(date +%s)
work=$(mktemp -d "${TMPDIR:-/tmp}/cdc-demo.XXXXXX")
trap 'rm -rf "$work"' EXIT
say() { printf '\n== %s\n' "$*"; }
# Runs a build step quietly; shows its output if it fails.
quiet() { "$@" >"$work/build.log" 2>&1 || { tail -40 "$work/build.log" >&2; exit 1; }; }

# --------------------------------------------------------------- build
"$root/tests/tools/bootstrap.sh"   # compiler, CMake, libseccomp, cmocka, npm: installed when missing
if [ ! -f "$build/CMakeCache.txt" ]; then
    say "configuring $build (fetches libchdb once, into ~/.cache/cdc-udfs)"
    generator=()
    command -v ninja >/dev/null && generator=(-G Ninja)
    quiet cmake -S "$root" -B "$build" "${generator[@]}" -DCMAKE_BUILD_TYPE=Release -DCDC_BUILD_TESTS=ON
elif ! grep -q '^CDC_BUILD_TESTS:BOOL=ON' "$build/CMakeCache.txt"; then
    say "reconfiguring $build with the test tools (fetches libchdb once, into ~/.cache/cdc-udfs)"
    quiet cmake "$build" -DCDC_BUILD_TESTS=ON
fi
say "building the functions, chsql and cdc_gen"
quiet cmake --build "$build" --parallel --target debezium_unwrap payload_extract payload_get is_valid_after_assignment \
    chsql cdc_gen

chsql=("$build/tests/chsql" --scripts "$build/user_scripts" --functions "$build/clickhouse-config/*_function.xml")

# ------------------------------------------------------------ pipeline
case "$pipeline" in
    experiments)
        source_table=raw_events_kafka
        refresh=(-q "SYSTEM REFRESH VIEW daily_stats_mv" -q "SYSTEM WAIT VIEW daily_stats_mv")
        report=(-q "SELECT * FROM experiment_performance"
                -q "SELECT * FROM user_journey_analysis"
                -q "SELECT count() AS dead_letters, uniqExact(error) AS distinct_errors FROM events_dead_letters FINAL")
        ;;
    adtech)
        source_table=adtech_kafka
        refresh=()
        report=(-q "SELECT * FROM advertiser_overview"
                -q "SELECT * FROM campaign_ctr ORDER BY ctr DESC LIMIT 5"
                -q "SELECT * FROM daily_performance ORDER BY day DESC LIMIT 7"
                -q "SELECT advertiser_id, advertiser_name, campaign_count, total_budget, impressions, clicks, overall_ctr
                    FROM mv_advertiser_performance ORDER BY overall_ctr DESC"
                -q "SELECT campaign_id, campaign_name, bid_amount, impressions, clicks, cost_per_click
                    FROM mv_campaign_efficiency ORDER BY cost_per_click ASC LIMIT 5"
                -q "SELECT count() AS dead_letters, uniqExact(error) AS distinct_errors FROM adtech_dead_letters FINAL")
        ;;
esac

say "generating $messages Debezium messages for $pipeline (seed $seed)"
"$build/tests/gen/cdc_gen" "$pipeline" --seed "$seed" --messages "$messages" >"$work/messages.tsv"

# The Kafka source becomes a Null table with the same columns: inserting
# into it fires the materialized views as a block read from Kafka would.
sql=()
mkdir "$work/sql"
for f in "$root/sql/$pipeline"/*.sql; do
    sed -z -E 's/ENGINE = Kafka[^;]*;/ENGINE = Null;/g' "$f" >"$work/sql/$(basename "$f")"
    sql+=(-f "$work/sql/$(basename "$f")")
done

say "applying sql/$pipeline and streaming the messages through its views"
input="file('$work/messages.tsv', 'TabSeparated', 'message String')"
"${chsql[@]}" --format TSV \
    -q "CREATE DATABASE demo ENGINE = Atomic" -q "USE demo" "${sql[@]}" \
    -q "CREATE TABLE demo_clock (at DateTime64(6), what String) ENGINE = Memory" \
    -q "INSERT INTO demo_clock SELECT now64(6), 'start'" \
    -q "INSERT INTO $source_table SELECT message FROM $input" \
    -q "INSERT INTO demo_clock SELECT now64(6), 'end'" \
    "${refresh[@]}" \
    --format PrettyCompactMonoBlock \
    "${report[@]}" \
    -q "SELECT messages, seconds, round(messages / seconds) AS messages_per_second
        FROM (SELECT (SELECT count() FROM $input) AS messages,
                     round(dateDiff('microsecond', minIf(at, what = 'start'), maxIf(at, what = 'end')) / 1e6, 2) AS seconds
              FROM demo_clock)"

say "done in $(($(date +%s) - started)) s (build, generation, engine start, load and reports)"
