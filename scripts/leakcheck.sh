#!/usr/bin/env bash
# Runs segflow-leakcheck (every PGconn/PGresult/PGcancel owner path of PostgresClient)
# under valgrind and fails on any definitely or indirectly lost block.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

SWIFT=${SWIFT:-swift}
SCRATCH=${SCRATCH:-.build}

"$SWIFT" build --product segflow-leakcheck --scratch-path "$SCRATCH"
report=$(mktemp)
trap 'rm -f "$report"' EXIT
status=0
valgrind --leak-check=full --errors-for-leak-kinds=definite,indirect --error-exitcode=99 \
    "$SCRATCH/debug/segflow-leakcheck" >"$report" 2>&1 || status=$?
grep -E "^leakcheck:|definitely lost|indirectly lost|ERROR SUMMARY" "$report" | sed 's/^==[0-9]*== //'
if [[ $status -ne 0 ]]; then
    echo "leakcheck: FAILED (exit $status); full valgrind report:" >&2
    cat "$report" >&2
    exit 1
fi
echo "leakcheck: no definite or indirect leaks"
