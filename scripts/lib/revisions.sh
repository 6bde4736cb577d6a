# shellcheck shell=bash
# Shared by scripts/compare-output.sh and scripts/compare-speed.sh: release builds of two
# revisions, cached, and a throwaway PostgreSQL cluster on a Unix socket. Sourced, not run;
# the caller sets `set -euo pipefail`, SWIFT and CACHE, and has cd'd to the repository root.

started=${started:-$SECONDS}
log() { printf '[%4ds] %s\n' "$((SECONDS - started))" "$*"; }
die() { echo "${0##*/}: $*" >&2; exit 2; }

# revisions BASE_REV [HEAD_REV]: checks the script's arguments and sets base_sha and
# head_sha (HEAD_REV defaults to HEAD) for the sourcing script.
# shellcheck disable=SC2034  # base_sha and head_sha are read by the sourcing script
revisions() {
    if [[ $# -lt 1 || $# -gt 2 ]]; then
        echo "usage: $0 BASE_REV [HEAD_REV]" >&2
        exit 2
    fi
    base_sha=$(git rev-parse --verify "$1^{commit}") || die "unknown revision $1"
    head_sha=$(git rev-parse --verify "${2:-HEAD}^{commit}") || die "unknown revision ${2:-HEAD}"
}

# build_key SHA: a digest of the files the binary is built from (everything but scripts,
# docs, deployment, tests, benchmarks, fuzzers and top-level docs), so commits that differ
# only in those share one build.
build_key() {
    git ls-tree -r "$1" \
        | grep -vE $'\t''((scripts|docs|deploy|bench|\.ci|Tests|Fuzz)/|[^/]*\.md$|Makefile$|Dockerfile$|docker-compose\.yml$|\.[a-z]*ignore$)' \
        | git hash-object --stdin
}

# build SHA: prints the path of the release segflow of SHA, building it when needed
# (in its own worktree $CACHE/<key>/src with scratch path $CACHE/<key>/scratch).
build() {
    local sha=$1 dir
    dir=$(pwd)/$CACHE/$(build_key "$sha")
    if [[ -x $dir/scratch/release/segflow && -f $dir/built ]]; then
        log "reusing $(basename "$dir") for $(git rev-parse --short "$sha") (built from $(cat "$dir/commit"))" >&2
    else
        mkdir -p "$dir"
        git worktree prune >&2
        if [[ ! -e $dir/src/.git ]]; then
            rm -rf "$dir/src"
            git worktree add --detach "$dir/src" "$sha" >&2
        fi
        log "building $(git log -1 --format='%h %s' "$sha" | cut -c1-70) (release)" >&2
        local t0=$SECONDS
        "$SWIFT" build -c release --product segflow --package-path "$dir/src" \
            --scratch-path "$dir/scratch" >"$dir/build.log" 2>&1 \
            || { tail -30 "$dir/build.log" >&2; die "build of $sha failed (log: $dir/build.log)"; }
        echo "$((SECONDS - t0))" >"$dir/built"
        git rev-parse --short "$sha" >"$dir/commit"
        log "built in $((SECONDS - t0)) s" >&2
    fi
    echo "$dir/scratch/release/segflow"
}

# source_dir BINARY: the worktree a binary printed by `build` was built from.
source_dir() { echo "$(dirname "$(dirname "$(dirname "$1")")")/src"; }

# start_cluster: a throwaway PostgreSQL in a temp dir (Unix socket only, durability off as
# in LocalPostgres, as the `postgres` user when run as root); sets tmp, pgbin, as_server,
# PGHOST and PGUSER, and stops and removes it on exit (COMPARE_KEEP=1 keeps the directory).
start_cluster() {
    pgbin=${SEGFLOW_PG_BIN:-}
    if [[ -z $pgbin ]]; then
        pgbin=$(printf '%s\n' /usr/lib/postgresql/*/bin | sort -V | tail -1)
        [[ -x $pgbin/initdb ]] || pgbin=$(dirname "$(command -v initdb || echo /nonexistent/initdb)")
    fi
    [[ -x $pgbin/initdb && -x $pgbin/pg_ctl ]] || die "no initdb/pg_ctl (set SEGFLOW_PG_BIN)"

    tmp=$(mktemp -d "${TMPDIR:-/tmp}/segflow-compare.XXXXXX")
    chmod 755 "$tmp"
    mkdir -p "$tmp/data" "$tmp/socket" "$tmp/logs"
    as_server=()
    if [[ $(id -u) -eq 0 ]]; then
        # PostgreSQL refuses to run as root.
        id postgres >/dev/null 2>&1 || die "running as root and there is no postgres user"
        chown postgres "$tmp/data" "$tmp/socket" "$tmp/logs"
        as_server=(runuser -u postgres --)
    fi
    trap stop_cluster EXIT

    "${as_server[@]}" "$pgbin/initdb" -D "$tmp/data" -U segflow --encoding=UTF8 --locale=C \
        --auth-local=trust --no-sync >"$tmp/logs/initdb.log" 2>&1 || { cat "$tmp/logs/initdb.log" >&2; die "initdb failed"; }
    # No TCP port to collide with; durability off as in LocalPostgres.
    "${as_server[@]}" "$pgbin/pg_ctl" start -w -D "$tmp/data" -l "$tmp/logs/server.log" -o \
        "-c listen_addresses='' -c unix_socket_directories='$tmp/socket' -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c timezone=UTC -c shared_buffers=256MB -c work_mem=64MB -c maintenance_work_mem=256MB" \
        >/dev/null || { cat "$tmp/logs/server.log" >&2; die "PostgreSQL did not start"; }
    export PGHOST=$tmp/socket PGUSER=segflow
    unset PGPORT PGPASSWORD PGDATABASE DATABASE_URL PGSERVICE
    log "PostgreSQL $("$pgbin/postgres" --version | awk '{print $3}') in $tmp"
}

# shellcheck disable=SC2317,SC2329  # called by the EXIT trap (newer shellcheck says SC2329)
stop_cluster() {
    "${as_server[@]}" "$pgbin/pg_ctl" stop -D "$tmp/data" -m immediate -w >/dev/null 2>&1 || true
    if [[ ${COMPARE_KEEP:-0} == 1 ]]; then echo "kept $tmp" >&2; else rm -rf "$tmp"; fi
}

conn() { echo "host=$tmp/socket user=segflow dbname=$1"; }
psql_q() { "$pgbin/psql" -X -q -v ON_ERROR_STOP=1 -d "$1" -At "${@:2}" </dev/null; }

# step NAME LOGFILE CMD...: runs CMD, its output to LOGFILE, the tail of it on failure.
step() {
    local name=$1 logfile=$2
    shift 2
    local t0=$SECONDS
    if ! "$@" >"$logfile" 2>&1; then
        tail -30 "$logfile" >&2
        die "$name failed (log above)"
    fi
    log "$name ($((SECONDS - t0)) s)"
}
