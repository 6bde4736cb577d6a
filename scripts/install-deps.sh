#!/usr/bin/env bash
# Installs the system packages segflow needs beyond the Swift toolchain:
#   - PostgreSQL server binaries (initdb, pg_ctl): LocalPostgres runs throwaway clusters
#   - libpq-dev and pkg-config: the CLibPQ module links libpq through pkg-config
#   - valgrind: `make leakcheck`
#
# Idempotent and silent when everything is present. Otherwise it says what is
# missing, then apt-get installs the missing ones among
#   postgresql libpq-dev pkg-config valgrind
# (through sudo when not root). Where that is not possible, it prints what to
# install and exits 1.
set -euo pipefail

readonly PACKAGES=(postgresql libpq-dev pkg-config valgrind)

have() { command -v "$1" >/dev/null 2>&1; }

# "a; b; c"
joined() {
    local out="" item
    for item in "$@"; do out+="${out:+; }$item"; done
    printf '%s' "$out"
}

have_postgres_server() {
    local dir
    for dir in /usr/lib/postgresql/*/bin; do
        [[ -x "$dir/initdb" && -x "$dir/pg_ctl" ]] && return 0
    done
    have initdb && have pg_ctl
}

have_libpq_dev() {
    if have pkg-config; then
        pkg-config --exists libpq
    else
        compgen -G '/usr/lib/*/pkgconfig/libpq.pc' >/dev/null || [[ -f /usr/include/postgresql/libpq-fe.h ]]
    fi
}

missing=()
missing_packages=()
# Fills `missing` (what, for people) and `missing_packages` (what to apt-get).
find_missing() {
    missing=()
    missing_packages=()
    if ! have_postgres_server; then
        missing+=("PostgreSQL server (initdb, pg_ctl)")
        missing_packages+=(postgresql)
    fi
    if ! have pkg-config; then
        missing+=("pkg-config")
        missing_packages+=(pkg-config)
    fi
    if ! have_libpq_dev; then
        missing+=("libpq development files (pkg-config libpq)")
        missing_packages+=(libpq-dev)
    fi
    if ! have valgrind; then
        missing+=("valgrind")
        missing_packages+=(valgrind)
    fi
}

print_manual_instructions() {
    local packages=("${missing_packages[@]:-${PACKAGES[@]}}")
    echo "install-deps: please install: ${packages[*]}" >&2
    echo "install-deps:   Debian/Ubuntu: sudo apt-get install -y --no-install-recommends ${packages[*]}" >&2
    if [[ " ${packages[*]} " == *" postgresql "* ]]; then
        echo "install-deps:   (or set SEGFLOW_PG_BIN to a directory holding initdb and pg_ctl)" >&2
    fi
}

find_missing
if ((${#missing[@]} == 0)); then
    exit 0
fi

echo "install-deps: missing: $(joined "${missing[@]}")"

if ! have apt-get; then
    echo "install-deps: apt-get not found, cannot install automatically." >&2
    print_manual_instructions
    exit 1
fi

as_root=()
if ((EUID != 0)); then
    if ! have sudo; then
        echo "install-deps: not root and sudo is not available." >&2
        print_manual_instructions
        exit 1
    fi
    # Without a terminal (CI, scripts) sudo must not wait for a password that never comes.
    if [[ -t 0 ]]; then as_root=(sudo); else as_root=(sudo -n); fi
fi

echo "install-deps: apt-get update"
"${as_root[@]}" env DEBIAN_FRONTEND=noninteractive apt-get update -qq
# Only what is missing: naming an installed package would upgrade it under running servers.
echo "install-deps: apt-get install -y --no-install-recommends ${missing_packages[*]}"
"${as_root[@]}" env DEBIAN_FRONTEND=noninteractive \
    apt-get install -y -qq --no-install-recommends -o Dpkg::Use-Pty=0 "${missing_packages[@]}"

find_missing
if ((${#missing[@]} != 0)); then
    echo "install-deps: still missing after apt-get: $(joined "${missing[@]}")" >&2
    print_manual_instructions
    exit 1
fi
echo "install-deps: done"
