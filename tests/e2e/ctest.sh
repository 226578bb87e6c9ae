#!/usr/bin/env bash
# The e2e tests' ctest fixture (tests/e2e/CMakeLists.txt, label e2e):
#   ctest.sh up          stop whatever an interrupted run left in $CDC_E2E_RUN_DIR, then
#                        stack.sh up with schema.sql, expected.sql, seed.sql and seed_smt.sql
#   ctest.sh run PROG..  run a test program with the stack's settings in its environment
#                        (stack.sh env); a failing program leaves a "failed" mark
#   ctest.sh down        stack.sh down (logs kept in $CDC_E2E_RUN_DIR/logs when a test failed)
# CDC_E2E_RUN_DIR must be set (the CMake fixture sets it).
set -euo pipefail
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
: "${CDC_E2E_RUN_DIR:?CDC_E2E_RUN_DIR must be set}"
export CDC_E2E_RUN_DIR
STACK="$HERE/stack.sh"
MARK="${CDC_E2E_RUN_DIR}.failed"

case "${1:-}" in
  up)
    rm -f "$MARK"
    "$STACK" down >/dev/null 2>&1 || true
    SECONDS=0
    "$STACK" up --init-sql "$HERE/schema.sql" --init-sql "$HERE/expected.sql" --init-sql "$HERE/seed.sql" \
      --init-sql "$HERE/seed_smt.sql"
    echo "[e2e] stack up in ${SECONDS}s"
    ;;
  run)
    shift
    eval "$("$STACK" env)"
    rc=0
    "$@" || rc=$?
    if ((rc != 0)); then touch "$MARK"; fi
    exit "$rc"
    ;;
  down)
    if [[ -f "$MARK" ]]; then
      "$STACK" down --keep-logs
      echo "[e2e] a test failed: logs kept in $CDC_E2E_RUN_DIR/logs"
      rm -f "$MARK"
    else
      "$STACK" down
    fi
    ;;
  *)
    sed -n '2,8p' "$0" >&2
    exit 2
    ;;
esac
