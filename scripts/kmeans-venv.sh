#!/usr/bin/env bash
# Creates (once) the pinned Python environment with scikit-learn 1.3.2 that `segflow-bench kmeans`
# compares against, from PyPI, and prints the interpreter's path on stdout.
# SEGFLOW_KMEANS_VENV overrides where it goes; PYTHON picks the interpreter (CPython 3.11).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

REQUIREMENTS=$PWD/scripts/kmeans/requirements.txt
VENV=${SEGFLOW_KMEANS_VENV:-${XDG_CACHE_HOME:-${HOME:-/tmp}/.cache}/segflow/scikit-learn-1.3.2}
PYTHON=${PYTHON:-python3.11}
command -v "$PYTHON" >/dev/null || PYTHON=python3

# The stamp holds the requirements the venv was built from: a changed pin rebuilds it.
stamp="$VENV/.segflow-requirements"
if [[ ! -x "$VENV/bin/python" ]] || ! cmp -s "$REQUIREMENTS" "$stamp"; then
    echo "kmeans-venv: installing $(grep -c '==' "$REQUIREMENTS") pinned packages into $VENV" >&2
    rm -rf "$VENV"
    mkdir -p "$(dirname "$VENV")"
    "$PYTHON" -m venv "$VENV"
    "$VENV/bin/pip" install -q --disable-pip-version-check --no-input -r "$REQUIREMENTS" >&2
    cp "$REQUIREMENTS" "$stamp"
fi
"$VENV/bin/python" -c 'import sklearn; assert sklearn.__version__ == "1.3.2", sklearn.__version__' >&2
echo "$VENV/bin/python"
