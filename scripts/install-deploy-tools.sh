#!/usr/bin/env bash
# Installs the tools of `make lint-deploy` and prints the venv that holds them:
#   - Debian: docker-compose (validates docker-compose.yml), python3-venv, curl (setup.sh's test)
#   - PyPI, into a venv (deploy/lint/requirements.txt, pinned): kubernetes-validate, hadolint,
#     ShellCheck, podman-compose, PyYAML, Jinja2, pendulum
#
# Idempotent and quick when everything is there: apt-get update runs once, and only when a
# Debian package is missing; the venv is rebuilt only when requirements.txt changed.
# The venv lives outside the checkout so clones share it:
#   SEGFLOW_DEPLOY_TOOLS (default ${XDG_CACHE_HOME:-~/.cache}/segflow/deploy-tools)
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."

readonly REQUIREMENTS=deploy/lint/requirements.txt
readonly VENV=${SEGFLOW_DEPLOY_TOOLS:-${XDG_CACHE_HOME:-${HOME:-/tmp}/.cache}/segflow/deploy-tools}
PYTHON=${PYTHON:-python3}

have() { command -v "$1" >/dev/null 2>&1; }
say() { echo "install-deploy-tools: $*" >&2; }

missing=()
have docker-compose || missing+=(docker-compose)
have curl || missing+=(curl)
have "$PYTHON" || missing+=(python3)
if have "$PYTHON" && ! "$PYTHON" -c 'import ensurepip, venv' >/dev/null 2>&1; then
    missing+=(python3-venv)
fi

if ((${#missing[@]} != 0)); then
    if ! have apt-get; then
        say "please install: ${missing[*]} (apt-get not found)"
        exit 1
    fi
    as_root=()
    if ((EUID != 0)); then
        have sudo || { say "not root and no sudo: please install ${missing[*]}"; exit 1; }
        if [[ -t 0 ]]; then as_root=(sudo); else as_root=(sudo -n); fi
    fi
    say "apt-get update"
    "${as_root[@]}" env DEBIAN_FRONTEND=noninteractive apt-get update -qq
    say "apt-get install ${missing[*]}"
    "${as_root[@]}" env DEBIAN_FRONTEND=noninteractive \
        apt-get install -y -qq --no-install-recommends -o Dpkg::Use-Pty=0 "${missing[@]}" >&2
fi

stamp="$VENV/.requirements"
if [[ ! -x "$VENV/bin/python" ]] || ! cmp -s "$REQUIREMENTS" "$stamp"; then
    say "creating $VENV from $REQUIREMENTS"
    rm -rf "$VENV"
    mkdir -p "$(dirname "$VENV")"
    "$PYTHON" -m venv "$VENV"
    "$VENV/bin/pip" install -q --disable-pip-version-check --no-input -r "$REQUIREMENTS" >&2
    cp "$REQUIREMENTS" "$stamp"
fi
echo "$VENV"
