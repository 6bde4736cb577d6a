#!/usr/bin/env bash
# Creates (once) the pinned Python environment with lifetimes 0.11.3 that `segflow-bench models`
# compares against, from PyPI, and prints the interpreter's path on stdout.
# SEGFLOW_LIFETIMES_VENV overrides where it goes; PYTHON picks the interpreter (CPython 3.11).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

REQUIREMENTS=$PWD/scripts/lifetimes/requirements.txt
VENV=${SEGFLOW_LIFETIMES_VENV:-${XDG_CACHE_HOME:-${HOME:-/tmp}/.cache}/segflow/lifetimes-0.11.3}
PYTHON=${PYTHON:-python3.11}
command -v "$PYTHON" >/dev/null || PYTHON=python3

# The stamp holds the requirements the venv was built from: a changed pin rebuilds it.
stamp="$VENV/.segflow-requirements"
if [[ ! -x "$VENV/bin/python" ]] || ! cmp -s "$REQUIREMENTS" "$stamp"; then
    echo "lifetimes-venv: installing $(grep -c '==' "$REQUIREMENTS") pinned packages into $VENV" >&2
    rm -rf "$VENV"
    mkdir -p "$(dirname "$VENV")"
    "$PYTHON" -m venv "$VENV"
    "$VENV/bin/pip" install -q --disable-pip-version-check --no-input -r "$REQUIREMENTS" >&2
    cp "$REQUIREMENTS" "$stamp"
fi
"$VENV/bin/python" -c 'import lifetimes, sys; assert lifetimes.__version__ == "0.11.3", lifetimes.__version__' >&2
echo "$VENV/bin/python"
