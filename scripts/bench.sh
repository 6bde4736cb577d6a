#!/usr/bin/env bash
# `make bench`: builds the benchmarks in release mode, runs them on a throwaway
# PostgreSQL cluster and writes BENCHMARKS.md with the machine and the date.
# BENCH_ONLY="copy pipeline backfill models" picks benchmarks; BENCH_COPY_ROWS sizes copy,
# BENCH_CUSTOMERS (comma-separated, k/M suffixes: 100k,300k,1M) and BENCH_ROUNDS size pipeline,
# BENCH_BACKFILL_CUSTOMERS and BENCH_BACKFILL_SNAPSHOTS size backfill, BENCH_MODELS_CUSTOMERS and
# BENCH_MODELS_ROUNDS size models (SegflowModels vs lifetimes 0.11.3 in a pinned venv, docs/models.md);
# BENCH_KMEANS_ROWS and BENCH_KMEANS_ROUNDS size kmeans (SegflowClusters vs scikit-learn 1.3.2 in a
# pinned venv, scripts/kmeans-venv.sh);
# BENCH_ONLY=baseline BENCH_BASELINE=<rev> times `segflow run` of <rev> and HEAD side by side
# (scripts/compare-speed.sh; SPEED_CUSTOMERS, default 1M).
# (The Makefile's CUSTOMERS is the demo's size and is not used here.)
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

SWIFT=${SWIFT:-swift}
SCRATCH=${SCRATCH:-.build}
COPY_ROWS=${BENCH_COPY_ROWS:-5000000}
PIPELINE_CUSTOMERS=${BENCH_CUSTOMERS:-100k,300k,1M}
PIPELINE_ROUNDS=${BENCH_ROUNDS:-2}
BACKFILL_CUSTOMERS=${BENCH_BACKFILL_CUSTOMERS:-100k,1M}
BACKFILL_SNAPSHOTS=${BENCH_BACKFILL_SNAPSHOTS:-12}
MODELS_CUSTOMERS=${BENCH_MODELS_CUSTOMERS:-1M}
MODELS_ROUNDS=${BENCH_MODELS_ROUNDS:-3}
KMEANS_ROWS=${BENCH_KMEANS_ROWS:-1M}
KMEANS_ROUNDS=${BENCH_KMEANS_ROUNDS:-3}
ONLY=${BENCH_ONLY:-copy pipeline backfill models kmeans}
# BENCH_ONLY=none measures nothing and only rewrites BENCHMARKS.md from bench/sections/.
[[ $ONLY != none ]] || ONLY=

[[ -z $ONLY ]] || "$SWIFT" build -c release --scratch-path "$SCRATCH" --product segflow-bench
# pipeline runs the release segflow binary as a child process.
case " $ONLY " in *" pipeline "*|*" backfill "*|*" models "*) "$SWIFT" build -c release --scratch-path "$SCRATCH" --product segflow ;; esac
bench="$SCRATCH/release/segflow-bench"

cpu=$(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ *//' || echo unknown)
memory=$(free -g | awk '/Mem:/ {print $2 " GiB"}')
pgbin=$(printf '%s\n' /usr/lib/postgresql/*/bin | sort -V | tail -1)
postgres=$("$pgbin/postgres" --version 2>/dev/null || echo "PostgreSQL (version unknown)")

# Each benchmark writes its own section, bench/sections/<name>.md, stamped with the date and
# the machine; BENCHMARKS.md is the header plus every section there is, so running one
# benchmark (BENCH_ONLY=backfill) refreshes its section and keeps the others' figures.
sections=bench/sections
mkdir -p "$sections"
stamp="Measured $(date -u '+%Y-%m-%d %H:%M UTC') on $(nproc) cores ($cpu), $memory, $(uname -sr), $postgres, $(${SWIFT} --version 2>/dev/null | head -1); load average at start: $(cut -d' ' -f1-3 /proc/loadavg)."
for name in $ONLY; do
    out=$(mktemp)
    case $name in
        copy) "$bench" copy --rows "$COPY_ROWS" | tee "$out" ;;
        pipeline) "$bench" pipeline --customers "$PIPELINE_CUSTOMERS" --rounds "$PIPELINE_ROUNDS" \
            --segflow "$SCRATCH/release/segflow" | tee "$out" ;;
        backfill) "$bench" backfill --customers "$BACKFILL_CUSTOMERS" --snapshots "$BACKFILL_SNAPSHOTS" \
            --segflow "$SCRATCH/release/segflow" | tee "$out" ;;
        baseline) [[ -n ${BENCH_BASELINE:-} ]] || { echo "baseline needs BENCH_BASELINE=<rev>" >&2; exit 2; }
            SWIFT="$SWIFT" bash scripts/compare-speed.sh "$BENCH_BASELINE" | tee "$out" ;;
        models) "$bench" models --customers "$MODELS_CUSTOMERS" --rounds "$MODELS_ROUNDS" \
            --segflow "$SCRATCH/release/segflow" | tee "$out" ;;
        kmeans) "$bench" kmeans --rows "$KMEANS_ROWS" --rounds "$KMEANS_ROUNDS" | tee "$out" ;;
        *) echo "unknown benchmark $name" >&2; rm -f "$out"; exit 2 ;;
    esac
    { echo "<!-- section: $name -->"; echo "_${stamp}_"; echo; cat "$out"; } > "$sections/$name.md"
    rm -f "$out"
done

{
    echo "# Benchmarks"
    echo
    echo "Written by \`make bench\` (scripts/bench.sh); each section says when and where it was measured."
    echo "Each comparison runs both sides in the same process and cluster, rounds alternating,"
    echo "so the noise of this shared machine falls on both. The cluster is a throwaway one tuned for"
    echo "bulk work (fsync off, wal_level minimal); ratios, not absolute times, are the claim."
    # The benchmarks' sections in this order, then hand-written ones (one-off measurements
    # such as before/after checks, bench/sections/<name>.md), which make bench never rewrites.
    standard=(copy pipeline backfill models kmeans baseline)
    for name in "${standard[@]}"; do
        if [[ -f "$sections/$name.md" ]]; then
            echo
            cat "$sections/$name.md"
        fi
    done
    for file in "$sections"/*.md; do
        case " ${standard[*]} " in *" $(basename "$file" .md) "*) continue ;; esac
        echo
        cat "$file"
    done
} > BENCHMARKS.md
echo "wrote BENCHMARKS.md"
