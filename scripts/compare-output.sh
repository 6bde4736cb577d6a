#!/usr/bin/env bash
# `make compare-output BASE=<rev> [HEAD=<rev>]`: do two revisions of segflow publish the
# same output? (issue 9: a redesign must not change a published byte.)
#
#   scripts/compare-output.sh BASE_REV [HEAD_REV]     (HEAD_REV defaults to HEAD)
#
# 1. Builds `segflow` (release, the binary users run and the one the benchmarks time) of
#    each revision in its own git worktree, .build-compare/<key>/src, with its own scratch
#    path .build-compare/<key>/scratch; <key> digests the files the binary is built from, so
#    a later comparison, or a commit that only touches scripts or docs, reuses the build
#    (delete the directory to rebuild). Release, not debug: it is the binary that ships (and
#    the one with the release-only flags); measured on 2 shared cores, a release build takes
#    4.5-7 min (debug 2.7 min), but debug runs 3-9x slower (generate 27 s vs 3 s, run 18 s
#    vs 3 s, backfill 31 s vs 9 s per 20k store), so the totals are close and a cached base
#    makes release the cheaper one. With both builds cached the script takes 1.5-2 min.
# 2. Starts a throwaway PostgreSQL (initdb + pg_ctl, Unix socket only, in a temp dir,
#    as the `postgres` user when run as root, like LocalPostgres) and generates two stores
#    with HEAD's `segflow generate`: clean and --dirty 0.03, same seed.
# 3. Per store, both databases are created from the store as a template (`createdb -T`), so
#    both binaries read the same source rows and each migrates with its own migrations.
#    Each binary runs from its own worktree (its pipelines/default.yml, quality gates'
#    max_quarantine_rate raised to 1 so the dirty store publishes): `migrate`,
#    `run --as-of 2026-06-30`, then `backfill` of 4 month ends (2026-02-28 .. 2026-05-31).
# 4. Copies the base database's output schemas (every schema generate did not create)
#    into the head database under the prefix cmpbase__ and compares every table and view
#    of the base side (from the catalog; partitions are compared through their parent)
#    with `except all` both ways, every column cast to text.
#
# Columns excluded from the comparison, because they differ between any two runs:
#    run_id, batch_id                                 random uuids of a run / backfill batch
#    started_at, finished_at, published_at, applied_at  wall-clock time of the run or migration
#    stage_timings                                    seconds per stage (durations)
#    fit_seconds                                      seconds of a model fit (model_fits, a duration)
#    segflow_version                                  the version string of the binary
#    host, pid                                        the machine and process that ran it
#    config_hash                                      only when the two pipeline files differ
# schema_migrations is additive: migrations only the head side has are reported, not a
# difference; so is the count of them in the row_counts of the `migrate` row of runs. A table, view or column only the head side has is reported, not a difference;
# one the head side lacks, or a column whose type changed, is a difference.
#
# Exit: 0 identical, 1 differences (summary at the end), 2 usage or a step failed.
# Environment: COMPARE_CUSTOMERS (20000), COMPARE_SEED (42), COMPARE_DIRTY (0.03),
# COMPARE_STORES ("clean dirty"), SWIFT, SEGFLOW_PG_BIN (directory with initdb, pg_ctl),
# COMPARE_SHOW (3) differing rows shown each way, COMPARE_KEEP=1 keeps the cluster's temp dir (its path is printed).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

SWIFT=${SWIFT:-swift}
CUSTOMERS=${COMPARE_CUSTOMERS:-20000}
SEED=${COMPARE_SEED:-42}
DIRTY=${COMPARE_DIRTY:-0.03}
STORES=${COMPARE_STORES:-clean dirty}
END_DAY=2026-06-30
BACKFILL_FROM=2026-02-28
BACKFILL_TO=2026-05-31
CACHE=.build-compare
PREFIX=cmpbase__

started=$SECONDS
# shellcheck source=scripts/lib/revisions.sh
source scripts/lib/revisions.sh

revisions "$@"
[[ $base_sha != "$head_sha" ]] || log "note: both revisions are $base_sha"

# One build at a time: the machine is shared.
base_bin=$(build "$base_sha")
head_bin=$(build "$head_sha")
base_src=$(source_dir "$base_bin")
head_src=$(source_dir "$head_bin")

start_cluster

# Each side runs its own pipelines/default.yml with the quality gates' max_quarantine_rate
# raised to 1: the 3% dirty store fails the default 2% gate on orders, and nothing would be
# published. Written into each worktree under the same relative path, so runs.pipeline_file
# is equal. The config hash is compared only when both sides run the same pipeline text.
for src in "$base_src" "$head_src"; do
    sed -E 's/max_quarantine_rate: *[0-9.]+/max_quarantine_rate: 1/g' "$src/pipelines/default.yml" \
        >"$src/pipelines/compare-output.yml"
done
compare_hash=1
if ! cmp -s "$base_src/pipelines/compare-output.yml" "$head_src/pipelines/compare-output.yml"; then
    compare_hash=0
    log "pipelines/default.yml differs between the revisions: config_hash not compared"
fi
excluded="'run_id','batch_id','started_at','finished_at','published_at','applied_at','stage_timings','fit_seconds','segflow_version','host','pid'"
[[ $compare_hash == 1 ]] || excluded="$excluded,'config_hash'"

# run_side SIDE BINARY SRC DB: migrate, run and backfill into DB, from SRC's directory.
run_side() {
    local side=$1 bin=$2 src=$3 db=$4 url
    url=$(conn "$db")
    (
        cd "$src"
        step "$db: $side migrate" "$tmp/logs/$db-migrate.log" "$bin" migrate -d "$url"
        step "$db: $side run --as-of $END_DAY" "$tmp/logs/$db-run.log" \
            "$bin" run -d "$url" -p pipelines/compare-output.yml --as-of "$END_DAY"
        step "$db: $side backfill $BACKFILL_FROM..$BACKFILL_TO monthly" "$tmp/logs/$db-backfill.log" \
            "$bin" backfill -d "$url" -p pipelines/compare-output.yml --from "$BACKFILL_FROM" --to "$BACKFILL_TO" --every month
    )
}

# compare_store STORE: compares the output of STORE_base (copied in) with STORE_head.
# Prints one line per relation; sets differs=1 when something differs.
differs=0
compare_store() {
    local store=$1 base_db=${1}_base head_db=${1}_head
    # Output schemas: whatever migrate and the runs created, i.e. not in the generated store.
    local store_schemas base_schemas schemas
    store_schemas=$(psql_q "store_$store" -c "select string_agg(quote_literal(nspname), ',') from pg_namespace")
    base_schemas=$(psql_q "$base_db" -c "select nspname from pg_namespace where nspname not in ($store_schemas) and nspname not like 'pg\_%' order by 1")
    schemas=$( { echo "$base_schemas"; psql_q "$head_db" -c "select nspname from pg_namespace where nspname not in ($store_schemas) and nspname not like 'pg\_%'"; } | sort -u)
    log "output schemas: base $(echo "$base_schemas" | paste -sd' '), both sides $(echo "$schemas" | paste -sd' ')"
    local schema_list s dump_args=()
    schema_list=$(sed "s/.*/'&'/" <<<"$schemas" | paste -sd,)
    for s in $base_schemas; do
        psql_q "$base_db" -c "alter schema \"$s\" rename to \"$PREFIX$s\""
        dump_args+=(-n "$PREFIX$s")
    done
    "$pgbin/pg_dump" --no-owner --no-privileges "${dump_args[@]}" -d "$base_db" >"$tmp/$base_db.sql"
    psql_q "$head_db" -f "$tmp/$base_db.sql" >"$tmp/logs/$base_db-restore.log" 2>&1 \
        || { tail -20 "$tmp/logs/$base_db-restore.log" >&2; die "restoring $base_db's output into $head_db failed"; }

    # One row per relation of either side: schema, name, its compared columns (text casts),
    # then the structural findings. Parents only: partitions are compared through them.
    local report
    report=$(psql_q "$head_db" -F $'\x1f' -c "
        with rel as (
            select case when n.nspname like '$PREFIX%' then 'base' else 'head' end as side,
                   regexp_replace(n.nspname, '^$PREFIX', '') as schema, c.relname as name, c.oid
            from pg_class c join pg_namespace n on n.oid = c.relnamespace
            where c.relkind in ('r', 'p', 'v', 'm', 'f') and not c.relispartition
              and regexp_replace(n.nspname, '^$PREFIX', '') in ($schema_list)
        ), col as (
            select r.side, r.schema, r.name, a.attname, a.attnum, format_type(a.atttypid, a.atttypmod) as type
            from rel r join pg_attribute a on a.attrelid = r.oid and a.attnum > 0 and not a.attisdropped
        )
        select coalesce(b.schema, h.schema), coalesce(b.name, h.name),
               case when b.oid is null then 'added' when h.oid is null then 'removed' else 'both' end,
               coalesce((select string_agg(format('%I::text', bc.attname), ', ' order by bc.attnum)
                         from col bc join col hc on hc.side = 'head' and hc.schema = bc.schema
                              and hc.name = bc.name and hc.attname = bc.attname
                         where bc.side = 'base' and bc.schema = b.schema and bc.name = b.name
                           and bc.attname not in ($excluded)), ''),
               coalesce((select string_agg(bc.attname, ',' order by bc.attnum) from col bc
                         where bc.side = 'base' and bc.schema = b.schema and bc.name = b.name
                           and bc.attname in ($excluded)), ''),
               coalesce((select string_agg(hc.attname, ',' order by hc.attnum) from col hc
                         where hc.side = 'head' and hc.schema = h.schema and hc.name = h.name
                           and not exists (select from col bc where bc.side = 'base' and bc.schema = hc.schema
                                           and bc.name = hc.name and bc.attname = hc.attname)), ''),
               coalesce((select string_agg(bc.attname, ',' order by bc.attnum) from col bc
                         where bc.side = 'base' and bc.schema = b.schema and bc.name = b.name
                           and not exists (select from col hc where hc.side = 'head' and hc.schema = bc.schema
                                           and hc.name = bc.name and hc.attname = bc.attname)), ''),
               coalesce((select string_agg(format('%s %s->%s', bc.attname, bc.type, hc.type), ',' order by bc.attnum)
                         from col bc join col hc on hc.side = 'head' and hc.schema = bc.schema
                              and hc.name = bc.name and hc.attname = bc.attname
                         where bc.side = 'base' and bc.schema = b.schema and bc.name = b.name
                           and bc.type <> hc.type), '')
        from (select * from rel where side = 'base') b
        full join (select * from rel where side = 'head') h on h.schema = b.schema and h.name = b.name
        order by 1, 2")

    printf '  %-44s %9s %9s %9s %9s  %s\n' "$store: table or view" "rows base" "rows head" "base only" "head only" "notes"
    local schema name presence cols skipped added removed retyped
    while IFS=$'\x1f' read -r schema name presence cols skipped added removed retyped; do
        local q="\"$schema\".\"$name\"" bq="\"$PREFIX$schema\".\"$name\"" notes="" verdict=same
        case $presence in
            added)
                printf '  %-44s %9s %9s %9s %9s  %s\n' "$schema.$name" "-" \
                    "$(psql_q "$head_db" -c "select count(*) from $q")" "-" "-" "only in head (added; not a difference)"
                continue ;;
            removed)
                printf '  %-44s %9s %9s %9s %9s  %s\n' "$schema.$name" \
                    "$(psql_q "$head_db" -c "select count(*) from $bq")" "-" "-" "-" "DIFFERENT: missing in head"
                differs=1
                continue ;;
        esac
        if [[ $name == runs ]]; then
            # The migrate run's row_counts is {"migrations_applied": N}: additive like
            # schema_migrations, so not compared on that row.
            cols=${cols/row_counts::text/case when command = \'migrate\' then null else row_counts::text end}
        fi
        local counts base_rows head_rows base_only head_only
        if [[ -n $cols ]]; then
            counts=$(psql_q "$head_db" -F ' ' -c "
                select (select count(*) from $bq), (select count(*) from $q),
                       (select count(*) from (select $cols from $bq except all select $cols from $q) d),
                       (select count(*) from (select $cols from $q except all select $cols from $bq) d)")
        else
            counts=$(psql_q "$head_db" -F ' ' -c "select (select count(*) from $bq), (select count(*) from $q), 0, 0")
        fi
        read -r base_rows head_rows base_only head_only <<<"$counts"
        if [[ -n $skipped ]]; then notes+=" excluded: $skipped;"; fi
        if [[ -n $added ]]; then notes+=" added columns: $added;"; fi
        if [[ -n $removed ]]; then notes+=" removed columns: $removed;"; verdict=different; fi
        if [[ -n $retyped ]]; then notes+=" type changed: $retyped;"; verdict=different; fi
        if [[ $name == schema_migrations ]]; then
            # Additive: the head side may have more migrations, never other or fewer ones.
            if [[ $base_only != 0 ]]; then verdict=different; fi
            if [[ $head_only != 0 ]]; then notes+=" $head_only newer migrations in head;"; fi
        elif [[ $base_only != 0 || $head_only != 0 ]]; then
            verdict=different
        fi
        if [[ $verdict == same ]]; then notes="same;$notes"; else notes="DIFFERENT;$notes"; differs=1; fi
        printf '  %-44s %9s %9s %9s %9s  %s\n' "$schema.$name" "$base_rows" "$head_rows" "$base_only" "$head_only" "${notes%;}"
        if [[ $verdict != same && -n $cols && ${COMPARE_SHOW:-3} -gt 0 ]]; then
            # A few of the differing rows each way, to start looking.
            psql_q "$head_db" -c "select 'base only: ' || d::text from (select $cols from $bq except all select $cols from $q) d limit ${COMPARE_SHOW:-3}" | cut -c1-400 | sed 's/^/      /'
            psql_q "$head_db" -c "select 'head only: ' || d::text from (select $cols from $q except all select $cols from $bq) d limit ${COMPARE_SHOW:-3}" | cut -c1-400 | sed 's/^/      /'
        fi
    done <<<"$report"
}

summary=()
for store in $STORES; do
    case $store in
        clean) rate=0 ;;
        dirty) rate=$DIRTY ;;
        *) die "unknown store $store (clean or dirty)" ;;
    esac
    "$pgbin/createdb" "store_$store"
    step "store_$store: generate $CUSTOMERS customers, dirty $rate, seed $SEED (head binary)" "$tmp/logs/generate-$store.log" \
        "$head_bin" generate -d "$(conn "store_$store")" --customers "$CUSTOMERS" --seed "$SEED" --dirty "$rate" --end "$END_DAY"
    "$pgbin/createdb" -T "store_$store" "${store}_base"
    "$pgbin/createdb" -T "store_$store" "${store}_head"
    run_side base "$base_bin" "$base_src" "${store}_base"
    run_side head "$head_bin" "$head_src" "${store}_head"
    log "comparing $store: base $(git rev-parse --short "$base_sha") vs head $(git rev-parse --short "$head_sha")"
    differs=0
    compare_store "$store"
    if [[ $differs == 0 ]]; then
        summary+=("$store: identical")
    else
        summary+=("$store: DIFFERENT (rows above marked DIFFERENT)")
    fi
done

log "done"
status=0
for line in "${summary[@]}"; do
    echo "  $line"
    [[ $line == *DIFFERENT* ]] && status=1
done
exit "$status"
