#!/usr/bin/env bash
# Creates (once) the pinned Python environment with lifetimes 0.11.3 that `segflow-bench models`
# compares against, from PyPI, and prints the interpreter's path on stdout.
# SEGFLOW_LIFETIMES_VENV overrides where it goes; PYTHON picks the interpreter (CPython 3.11).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
# shellcheck source=scripts/lib/python-venv.sh
source scripts/lib/python-venv.sh

python_venv lifetimes-venv "$PWD/scripts/lifetimes/requirements.txt" \
    "${SEGFLOW_LIFETIMES_VENV:-${XDG_CACHE_HOME:-${HOME:-/tmp}/.cache}/segflow/lifetimes-0.11.3}" \
    'import lifetimes; assert lifetimes.__version__ == "0.11.3", lifetimes.__version__'
