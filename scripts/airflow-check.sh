#!/usr/bin/env bash
# `make airflow-check` (optional, not in CI): deploy/airflow/segflow_dag.py imported and run by a
# real Apache Airflow 3 (SQLite metadata, `airflow dags test`), with a stand-in segflow that
# records its arguments and exits with the code it is told:
#   - the DAG file imports without errors or deprecation warnings, both DAGs are listed;
#   - `airflow tasks render` of both DAGs for 2026-06-30 shows that day (the pod's script too);
#   - deploy/lint/test_segflow_dag.py with the real timetable (scheduled runs' as-of days);
#   - `airflow dags test segflow_daily 2026-06-30` runs `segflow run --as-of 2026-06-30` once;
#   - exit 65 and a missing binary: one try, failed; exit 75: every try (retries + 1), failed;
#   - a run whose day has not ended (logical date now): failed before segflow starts.
# SEGFLOW_AIRFLOW_BIN=/path/to/segflow (with DATABASE_URL or PG* set, and SEGFLOW_PIPELINE
# naming the pipeline file) also runs the real binary for 2026-06-30 through Airflow and requires
# success and a published 2026-06-30 in `segflow status --json`. Airflow is installed once into a venv:
#   SEGFLOW_AIRFLOW_VENV (default ${XDG_CACHE_HOME:-~/.cache}/segflow/airflow-$AIRFLOW_VERSION)
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."
root=$PWD

AIRFLOW_VERSION=${AIRFLOW_VERSION:-3.3.2}
VENV=${SEGFLOW_AIRFLOW_VENV:-${XDG_CACHE_HOME:-${HOME:-/tmp}/.cache}/segflow/airflow-$AIRFLOW_VERSION}
PYTHON=${PYTHON:-python3}

started=$SECONDS
if [[ ! -x "$VENV/bin/airflow" ]]; then
    echo "airflow-check: installing apache-airflow==$AIRFLOW_VERSION into $VENV (a few minutes)"
    rm -rf "$VENV"
    mkdir -p "$(dirname "$VENV")"
    "$PYTHON" -m venv "$VENV"
    "$VENV/bin/pip" install -q --disable-pip-version-check --no-input "apache-airflow==$AIRFLOW_VERSION" \
        apache-airflow-providers-cncf-kubernetes
fi
echo "airflow-check: Airflow $("$VENV/bin/airflow" version 2>/dev/null | tail -n 1) ready in $((SECONDS - started)) s"

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
export AIRFLOW_HOME="$work/home"
export AIRFLOW__CORE__DAGS_FOLDER="$root/deploy/airflow"
export AIRFLOW__CORE__LOAD_EXAMPLES=False
export SEGFLOW_AIRFLOW_RETRY_DELAY_SECONDS=1
export FAKE_CALLS="$work/calls"
airflow=("$VENV/bin/airflow")

cat >"$work/segflow" <<'SH'
#!/bin/sh
# Stand-in for segflow: records its arguments, logs like `--log-format json`, exits $FAKE_CODE.
printf '%s\n' "$*" >>"$FAKE_CALLS"
printf '%s\n' '{"level":"info","logger":"segflow","msg":"cleaned","source":"orders"}' >&2
printf '%s\n' '{"level":"warning","logger":"segflow","msg":"slow source","source":"chats"}' >&2
[ "${FAKE_CODE:-0}" = 0 ] || printf '%s\n' '{"level":"error","logger":"segflow","msg":"run finished","error":"stand-in failure"}' >&2
echo "run summary"
exit "${FAKE_CODE:-0}"
SH
chmod +x "$work/segflow"

failed=()
check() {
    local name=$1
    shift
    if "$@"; then echo "airflow-check: ok    $name"; else echo "airflow-check: FAIL  $name" >&2; failed+=("$name"); fi
}

"${airflow[@]}" db migrate >"$work/migrate.log" 2>&1 || { cat "$work/migrate.log" >&2; exit 1; }

imports() {
    "$VENV/bin/python" -W error::DeprecationWarning -c '
import importlib.util, sys
spec = importlib.util.spec_from_file_location("segflow_dag", sys.argv[1])
spec.loader.exec_module(importlib.util.module_from_spec(spec))' "$root/deploy/airflow/segflow_dag.py" \
        && "${airflow[@]}" dags list-import-errors 2>&1 | grep -q "No data found"
}
check "DAG file imports (no errors, no deprecation warnings)" imports

both_dags() {
    "${airflow[@]}" dags reserialize >"$work/reserialize.log" 2>&1 || { cat "$work/reserialize.log" >&2; return 1; }
    "${airflow[@]}" dags list >"$work/list.log" 2>&1
    if ! { grep -q "^segflow_daily " "$work/list.log" && grep -q "^segflow_daily_k8s " "$work/list.log"; }; then
        cat "$work/list.log" >&2
        return 1
    fi
}
check "both DAGs listed (segflow_daily, segflow_daily_k8s)" both_dags

rendered_day() {
    if ! { "${airflow[@]}" tasks render segflow_daily segflow_run 2026-06-30 >"$work/render.log" 2>&1 \
        && "${airflow[@]}" tasks render segflow_daily_k8s segflow_run 2026-06-30 >>"$work/render.log" 2>&1 \
        && grep -q "'as_of': '2026-06-30'" "$work/render.log" \
        && grep -q 'as_of="2026-06-30"' "$work/render.log"; }; then
        tail -n 40 "$work/render.log" >&2
        return 1
    fi
}
check "tasks render 2026-06-30: both DAGs' as-of day is 2026-06-30" rendered_day
check "unit tests with the real timetable" \
    "$VENV/bin/python" -m unittest -q deploy/lint/test_segflow_dag.py

# dags_test CODE LOGICAL_DATE [BIN]: runs `airflow dags test`; sets $rc and $calls.
dags_test() {
    : >"$FAKE_CALLS"
    rc=0
    SEGFLOW_BIN=${3:-$work/segflow} FAKE_CODE=$1 timeout 300 \
        "${airflow[@]}" dags test segflow_daily ${2:+"$2"} >"$work/dags-test.log" 2>&1 || rc=$?
    calls=$(wc -l <"$FAKE_CALLS")
}
explain() { echo "  exit $rc, $calls segflow run(s): $(cat "$FAKE_CALLS")" >&2; tail -n 30 "$work/dags-test.log" >&2; return 1; }

fixed_day() {
    dags_test 0 2026-06-30
    if ! { ((rc == 0 && calls == 1)) && grep -q -- "--as-of 2026-06-30 " "$FAKE_CALLS" \
        && grep -q "slow source" "$work/dags-test.log"; }; then explain; fi
}
check "dags test 2026-06-30 runs segflow run --as-of 2026-06-30 once" fixed_day

gate_failed() { dags_test 65 2026-06-30; ((rc != 0 && calls == 1)) || explain; }
check "exit 65: failed at once, one try" gate_failed

temporary() {
    local tries
    tries=$( ("$VENV/bin/python" -c "import importlib.util,sys; s=importlib.util.spec_from_file_location('d',sys.argv[1]); m=importlib.util.module_from_spec(s); s.loader.exec_module(m); print(m.default_args['retries'] + 1)" "$root/deploy/airflow/segflow_dag.py") 2>/dev/null)
    dags_test 75 2026-06-30
    ((rc != 0 && calls == tries)) || explain
}
check "exit 75: retried, every try used, then failed" temporary

missing_binary() {
    dags_test 0 2026-06-30 "$work/no-such-segflow"
    if ! { ((rc != 0)) && grep -q "cannot start" "$work/dags-test.log" \
        && ! grep -q "up_for_retry" "$work/dags-test.log"; }; then explain; fi
}
check "missing binary: failed at once" missing_binary

unfinished_day() {
    dags_test 0 ""
    if ! { ((rc != 0 && calls == 0)) && grep -q "has not ended yet" "$work/dags-test.log" \
        && ! grep -q "up_for_retry" "$work/dags-test.log"; }; then explain; fi
}
check "logical date now: refused before segflow starts, no retry" unfinished_day

if [[ -n ${SEGFLOW_AIRFLOW_BIN:-} ]]; then
    real_binary() {
        : >"$FAKE_CALLS"
        SEGFLOW_BIN=$SEGFLOW_AIRFLOW_BIN "${airflow[@]}" dags test segflow_daily 2026-06-30 >"$work/real.log" 2>&1 \
            || { tail -n 40 "$work/real.log" >&2; return 1; }
        grep -q "state=success" "$work/real.log" || { tail -n 40 "$work/real.log" >&2; return 1; }
        "$SEGFLOW_AIRFLOW_BIN" status --json >"$work/status.json" || return 1
        "$VENV/bin/python" - "$work/status.json" <<'PY'
import json, sys
status = json.load(open(sys.argv[1]))
text = json.dumps(status)
sys.exit(0 if "2026-06-30" in text else "segflow status shows no 2026-06-30 snapshot")
PY
    }
    check "the real segflow publishes 2026-06-30" real_binary
fi

echo "airflow-check: $((SECONDS - started)) s in all"
if ((${#failed[@]} != 0)); then
    echo "airflow-check: failed: ${failed[*]}" >&2
    exit 1
fi
echo "airflow-check: all checks passed"
