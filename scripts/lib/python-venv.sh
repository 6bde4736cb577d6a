# shellcheck shell=bash
# One pinned Python environment for a benchmark peer, created once from PyPI.
# python_venv NAME REQUIREMENTS VENV CHECK: NAME labels messages, REQUIREMENTS is the pinned
# requirements file, VENV where it goes, CHECK a Python statement that asserts the peer's version.
# Prints the interpreter's path on stdout. PYTHON picks the interpreter (CPython 3.11).
python_venv() {
    local name=$1 requirements=$2 venv=$3 check=$4
    local python=${PYTHON:-python3.11}
    command -v "$python" >/dev/null || python=python3
    # The stamp holds the requirements the venv was built from: a changed pin rebuilds it.
    local stamp="$venv/.segflow-requirements"
    if [[ ! -x "$venv/bin/python" ]] || ! cmp -s "$requirements" "$stamp"; then
        echo "$name: installing $(grep -c '==' "$requirements") pinned packages into $venv" >&2
        rm -rf "$venv"
        mkdir -p "$(dirname "$venv")"
        "$python" -m venv "$venv"
        "$venv/bin/pip" install -q --disable-pip-version-check --no-input -r "$requirements" >&2
        cp "$requirements" "$stamp"
    fi
    "$venv/bin/python" -c "$check" >&2
    echo "$venv/bin/python"
}
