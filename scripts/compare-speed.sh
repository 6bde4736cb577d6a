#!/usr/bin/env bash
# `make bench-compare BASE=<rev> [HEAD=<rev>]` (also `make bench BENCH_ONLY=baseline
# BENCH_BASELINE=<rev>`): is `segflow run` of HEAD as fast and as lean as BASE's?
# (issue 9: a redesign keeps wall time and peak RSS within 5% at 1M customers.)
#
#   scripts/compare-speed.sh BASE_REV [HEAD_REV]      (HEAD_REV defaults to HEAD)
#
# 1. Builds both revisions' release `segflow` (cached in .build-compare/, shared with
#    scripts/compare-output.sh; scripts/lib/revisions.sh).
# 2. Starts a throwaway PostgreSQL, generates one store with HEAD's `segflow generate`
#    and makes one migrated template database per side, each migrated by its own binary.
# 3. Rounds alternate the order (base, head / head, base ...); every run starts from a
#    fresh copy of its side's template (`createdb -T`), so both do the same work: extract,
#    clean, join, features, segments and the first publish of that as-of date.
#    Wall time, CPU time and peak RSS of the process come from wait4 (python's
#    resource.getrusage of the child); the stage split from the run ledger.
# 4. Prints a markdown table, the medians and the head/base ratios, and whether head is
#    within SPEED_TOLERANCE (5%) of base on wall time and peak RSS (exit 0) or not (exit 1).
#
# Environment: SPEED_CUSTOMERS (1000000), SPEED_ROUNDS (4: with 2, one slow round moved the median by 6%), SPEED_SEED (42), SPEED_DIRTY
# (0.01), SPEED_TOLERANCE (0.05), SPEED_WORKERS (segflow's default when empty), SWIFT,
# SEGFLOW_PG_BIN, COMPARE_KEEP=1. Progress goes to standard error, the markdown to standard output.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

SWIFT=${SWIFT:-swift}
CUSTOMERS=${SPEED_CUSTOMERS:-1000000}
ROUNDS=${SPEED_ROUNDS:-4}
SEED=${SPEED_SEED:-42}
DIRTY=${SPEED_DIRTY:-0.01}
TOLERANCE=${SPEED_TOLERANCE:-0.05}
WORKERS=${SPEED_WORKERS:-}
AS_OF=2026-06-30
CACHE=.build-compare

started=$SECONDS
# shellcheck source=scripts/lib/revisions.sh
source scripts/lib/revisions.sh
# Progress on standard error: standard output is the report.
log() { printf '[%4ds] %s\n' "$((SECONDS - started))" "$*" >&2; }

revisions "$@"
declare -A bin src
bin[base]=$(build "$base_sha")
bin[head]=$(build "$head_sha")
for side in base head; do src[$side]=$(source_dir "${bin[$side]}"); done
start_cluster

"$pgbin/createdb" store
step "generate $CUSTOMERS customers, dirty $DIRTY, seed $SEED (head binary)" "$tmp/logs/generate.log" \
    "${bin[head]}" generate -d "$(conn store)" --customers "$CUSTOMERS" --seed "$SEED" --dirty "$DIRTY" --end "$AS_OF"
psql_q store -c "vacuum analyze" >/dev/null
for side in base head; do
    "$pgbin/createdb" -T store "template_$side"
    (cd "${src[$side]}" && step "$side: migrate" "$tmp/logs/$side-migrate.log" "${bin[$side]}" migrate -d "$(conn "template_$side")")
done

# timed_run SIDE ROUND: one `segflow run` on a fresh copy; appends a line to $tmp/results:
# side round wall_s cpu_s max_rss_kib stage_timings_json
timed_run() {
    local side=$1 round=$2 db="run_${1}_$2"
    "$pgbin/createdb" -T "template_$side" "$db"
    local args=(run -d "$(conn "$db")" --as-of "$AS_OF")
    [[ -z $WORKERS ]] || args+=(--workers "$WORKERS")
    local measured
    measured=$(cd "${src[$side]}" && python3 - "${bin[$side]}" "${args[@]}" 2>"$tmp/logs/$db.log" <<'PY'
import resource, subprocess, sys, time
t0 = time.monotonic()
rc = subprocess.call(sys.argv[1:], stdout=sys.stderr)
wall = time.monotonic() - t0
usage = resource.getrusage(resource.RUSAGE_CHILDREN)
print(rc, f"{wall:.2f}", f"{usage.ru_utime + usage.ru_stime:.2f}", usage.ru_maxrss)
PY
    ) || true
    local rc wall cpu rss
    read -r rc wall cpu rss <<<"$measured"
    [[ ${rc:-1} == 0 ]] || { tail -20 "$tmp/logs/$db.log" >&2; die "$side run (round $round) failed"; }
    local stages
    stages=$(psql_q "$db" -c "select stage_timings from segflow.runs where command = 'run' order by started_at desc limit 1")
    echo "$side $round $wall $cpu $rss $stages" >>"$tmp/results"
    log "$side round $round: ${wall} s wall, ${cpu} s CPU, $((rss / 1024)) MiB peak RSS"
    "$pgbin/dropdb" "$db"
}

: >"$tmp/results"
for ((round = 1; round <= ROUNDS; round++)); do
    if ((round % 2)); then order=(base head); else order=(head base); fi
    for side in "${order[@]}"; do timed_run "$side" "$round"; done
done

python3 - "$tmp/results" "$(git rev-parse --short "$base_sha")" "$(git rev-parse --short "$head_sha")" \
    "$CUSTOMERS" "$DIRTY" "$SEED" "$TOLERANCE" "$(cut -d' ' -f1-3 /proc/loadavg)" <<'PY'
import json, statistics, sys
path, base, head, customers, dirty, seed, tolerance, load = sys.argv[1:]
tolerance = float(tolerance)
rows = []
for line in open(path):
    side, rnd, wall, cpu, rss, stages = line.split(" ", 5)
    rows.append(dict(side=side, round=int(rnd), wall=float(wall), cpu=float(cpu), rss=int(rss) / 1024,
                     stages=json.loads(stages or "{}")))
stage_names = sorted({k for r in rows for k in r["stages"]})
print(f"`segflow run --as-of 2026-06-30` of {base} (base) and {head} (head), {int(customers):,} customers "
      f"(dirty {dirty}, seed {seed}); each run on a fresh copy of its side's migrated store; load average at the end: {load}.")
print()
print("| round | side | wall (s) | CPU (s) | peak RSS (MiB) | " + " | ".join(f"{s} (s)" for s in stage_names) + " |")
print("|---|---|---|---|---|" + "---|" * len(stage_names))
for r in rows:
    cells = " | ".join(f"{r['stages'].get(s, 0):.1f}" for s in stage_names)
    print(f"| {r['round']} | {r['side']} | {r['wall']:.2f} | {r['cpu']:.2f} | {r['rss']:.0f} | {cells} |")
med = {side: {k: statistics.median(r[k] for r in rows if r["side"] == side) for k in ("wall", "cpu", "rss")}
       for side in ("base", "head")}
print()
verdict = True
for key, label in (("wall", "wall time"), ("cpu", "CPU time"), ("rss", "peak RSS")):
    ratio = med["head"][key] / med["base"][key]
    gated = key in ("wall", "rss")
    ok = ratio <= 1 + tolerance
    if gated:
        verdict = verdict and ok
    print(f"- {label}: median base {med['base'][key]:.2f}, head {med['head'][key]:.2f}, head/base {ratio:.3f}"
          + (f" ({'within' if ok else 'NOT within'} {tolerance:.0%})" if gated else ""))
print()
print(f"**{'Within' if verdict else 'NOT within'} {tolerance:.0%} of base on wall time and peak RSS.**")
sys.exit(0 if verdict else 1)
PY
