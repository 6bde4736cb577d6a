#!/usr/bin/env bash
# `make bench`: builds the benchmarks in release mode, runs them on a throwaway
# PostgreSQL cluster and writes BENCHMARKS.md with the machine and the date.
# BENCH_ONLY="copy pipeline" picks benchmarks; BENCH_COPY_ROWS and CUSTOMERS size them.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

SWIFT=${SWIFT:-swift}
SCRATCH=${SCRATCH:-.build}
COPY_ROWS=${BENCH_COPY_ROWS:-5000000}
ONLY=${BENCH_ONLY:-copy}

"$SWIFT" build -c release --scratch-path "$SCRATCH" --product segflow-bench
bench="$SCRATCH/release/segflow-bench"

cpu=$(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ *//' || echo unknown)
memory=$(free -g | awk '/Mem:/ {print $2 " GiB"}')
pgbin=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1)
postgres=$("$pgbin/postgres" --version 2>/dev/null || echo "PostgreSQL (version unknown)")

body=$(mktemp)
trap 'rm -f "$body"' EXIT
for name in $ONLY; do
    case $name in
        copy) "$bench" copy --rows "$COPY_ROWS" | tee -a "$body" ;;
        *) echo "unknown benchmark $name" >&2; exit 2 ;;
    esac
done

{
    echo "# Benchmarks"
    echo
    echo "Written by \`make bench\` ($(date -u '+%Y-%m-%d %H:%M UTC')) on $(nproc) cores ($cpu), $memory,"
    echo "$(uname -sr), $postgres, $(${SWIFT} --version 2>/dev/null | head -1)."
    echo "Each comparison runs both sides in the same process and cluster, rounds alternating,"
    echo "so the noise of this shared machine falls on both. The cluster is a throwaway one tuned for"
    echo "bulk work (fsync off, wal_level minimal); ratios, not absolute times, are the claim."
    echo
    cat "$body"
} > BENCHMARKS.md
echo "wrote BENCHMARKS.md"
