#!/bin/sh
# Runs the reference models (every NNN_*.sql here, in name order) in one psql session.
#
#   PGOPTIONS='-c segflow.as_of=2024-06-30 -c segflow.timezone=Europe/Berlin
#              -c segflow.base_currency=EUR -c segflow.max_order_total=10000
#              -c segflow.valid_statuses=completed,cancelled,refunded,pending' \
#   sql/reference/run.sh [psql connection options...]
#
# The segflow.* settings can come from PGOPTIONS (as above), from ALTER DATABASE/ROLE ...
# SET, or from postgresql.conf. Extra arguments go to psql (-h, -p, -d, ...).
set -eu
dir=$(cd "$(dirname "$0")" && pwd)
files=""
for f in "$dir"/[0-9][0-9][0-9]_*.sql; do files="$files -f $f"; done
# shellcheck disable=SC2086
exec psql -X -q -v ON_ERROR_STOP=1 "$@" $files
