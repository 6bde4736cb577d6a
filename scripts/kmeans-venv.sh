#!/usr/bin/env bash
# Creates (once) the pinned Python environment with scikit-learn 1.3.2 that `segflow-bench kmeans`
# compares against, from PyPI, and prints the interpreter's path on stdout.
# SEGFLOW_KMEANS_VENV overrides where it goes; PYTHON picks the interpreter (CPython 3.11).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
# shellcheck source=scripts/lib/python-venv.sh
source scripts/lib/python-venv.sh

python_venv kmeans-venv "$PWD/scripts/kmeans/requirements.txt" \
    "${SEGFLOW_KMEANS_VENV:-${XDG_CACHE_HOME:-${HOME:-/tmp}/.cache}/segflow/scikit-learn-1.3.2}" \
    'import sklearn; assert sklearn.__version__ == "1.3.2", sklearn.__version__'
