#!/usr/bin/env bash
# `make lint-deploy`: the deployment files checked with real tools (tools installed by
# scripts/install-deploy-tools.sh from Debian and PyPI, pinned in deploy/lint/requirements.txt):
#   kubernetes-validate --strict   deploy/kubernetes/*.yaml against the oldest and newest
#                                  Kubernetes the docs support (K8S_VERSIONS)
#   hadolint                       Dockerfile
#   ShellCheck                     every shell script (deploy/, scripts/, .ci/run)
#   docker-compose config          Debian's; with and without the bi profile, with a password full
#   podman-compose config          of URL delimiters; podman-compose also shows which services
#                                  each profile starts (docker-compose 1.29's config ignores profiles)
#   deploy/lint/check_deploy.py    what the validators do not check (rule order, DST, pins, …)
#   deploy/lint/test_*.py          the Airflow DAG's as-of day and exit-code handling, setup.sh
# Runs every step, then exits 1 if any failed.
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."

K8S_VERSIONS=${K8S_VERSIONS:-"1.31.0 1.37.0"}

started=$SECONDS
tools=$(bash scripts/install-deploy-tools.sh)
export PATH="$tools/bin:$PATH"
echo "lint-deploy: tools ready in $((SECONDS - started)) s ($tools)"

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

failed=()
step() {
    local name=$1
    shift
    local t0=$SECONDS
    if "$@"; then
        echo "lint-deploy: ok    $name ($((SECONDS - t0)) s)"
    else
        echo "lint-deploy: FAIL  $name" >&2
        failed+=("$name")
    fi
}

kubernetes() {
    local version rc=0
    for version in $K8S_VERSIONS; do
        kubernetes-validate --strict --quiet -k "$version" deploy/kubernetes/*.yaml || rc=1
    done
    return "$rc"
}

scripts() {
    local files=(.ci/run)
    mapfile -t -O 1 files < <(find deploy scripts -type f \( -name '*.sh' -o -name '*.bash' \) | sort)
    shellcheck --severity=info "${files[@]}"
}

# A password with every URL delimiter: the rendered file must still carry it intact.
export POSTGRES_PASSWORD='p@ss:w/rd#1?%'
compose() {
    docker-compose -f docker-compose.yml config -q \
        && docker-compose -f docker-compose.yml --profile bi config -q
}

# podman-compose insists on asking `podman version` even for `config`, which needs no podman:
# a stand-in answers that one question (no container is ever started here).
compose_profiles() {
    mkdir -p "$work/bin"
    printf '#!/bin/sh\necho "podman version 4.3.1"\n' >"$work/bin/podman"
    chmod +x "$work/bin/podman"
    local pc=(podman-compose --podman-path "$work/bin/podman" -f docker-compose.yml)
    if ! "${pc[@]}" config >"$work/compose.yml" 2>"$work/compose.err" \
        || ! "${pc[@]}" --profile bi config >"$work/compose-bi.yml" 2>>"$work/compose.err"; then
        cat "$work/compose.err" >&2
        return 1
    fi
    python - "$work/compose.yml" "$work/compose-bi.yml" <<'PY'
import sys, yaml
plain, bi = (set(yaml.safe_load(open(p))["services"]) for p in sys.argv[1:])
want_plain, want_bi = {"postgres", "segflow"}, {"postgres", "segflow", "metabase", "metabase-setup"}
ok = plain == want_plain and bi == want_bi
if not ok:
    print(f"services without bi: {sorted(plain)}, with bi: {sorted(bi)}", file=sys.stderr)
sys.exit(0 if ok else 1)
PY
    python - "$work/compose-bi.yml" <<'PY'
import os, sys, yaml
env = yaml.safe_load(open(sys.argv[1]))["services"]["segflow"]["environment"]
if env.get("PGPASSWORD") != os.environ["POSTGRES_PASSWORD"]:
    sys.exit("segflow's PGPASSWORD is not the compose password, verbatim")
PY
}

step "kubernetes-validate --strict ($K8S_VERSIONS)" kubernetes
step "hadolint Dockerfile" hadolint Dockerfile
step "shellcheck" scripts
step "docker-compose config (with and without bi)" compose
step "podman-compose config (profiles, password)" compose_profiles
step "check_deploy.py" python deploy/lint/check_deploy.py \
    --compose-config "$work/compose.yml" --compose-config "$work/compose-bi.yml"
step "deploy tests (Airflow DAG, metabase setup)" \
    python -m unittest discover -s deploy/lint -p 'test_*.py'

echo "lint-deploy: $((SECONDS - started)) s in all"
if ((${#failed[@]} != 0)); then
    echo "lint-deploy: failed: ${failed[*]}" >&2
    exit 1
fi
echo "lint-deploy: all checks passed"
