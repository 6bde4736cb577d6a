#!/bin/sh
# Daily segflow snapshot from cron: builds yesterday (in the pipeline's time zone) and
# retries only a temporary failure (exit 75). No flock needed: segflow takes a PostgreSQL
# advisory lock per pipeline, and a second run waits --lock-timeout, then exits 75.
#
# crontab (crontab -e as the segflow user; % must be escaped in crontab lines):
#   MAILTO=data-alerts@example.com
#   30 2 * * *  /opt/segflow/deploy/cron/segflow-daily.sh >>/var/log/segflow/daily.log 2>&1 || echo "segflow daily failed (exit $?), see /var/log/segflow/daily.log"
#
# /etc/segflow/env (mode 0600) holds the connection, e.g.
#   DATABASE_URL='postgresql://etl:…@db.internal/shop'
# Exit status: segflow's (0, 2, 65, 75, 1). Only the crontab's `|| echo` prints to cron's
# stdout, so cron mails on failure only.
set -u

SEGFLOW_HOME=${SEGFLOW_HOME:-/opt/segflow}
PIPELINE=${PIPELINE:-$SEGFLOW_HOME/pipelines/default.yml}
METRICS_FILE=${METRICS_FILE:-/var/lib/prometheus/node-exporter/segflow.prom}
PIPELINE_TZ=${PIPELINE_TZ:-Europe/Berlin}
ATTEMPTS=${ATTEMPTS:-4}
RETRY_DELAY=${RETRY_DELAY:-600}

set -a
# shellcheck source=/dev/null  # the operator's file, not in the repository
[ -r /etc/segflow/env ] && . /etc/segflow/env
set +a

as_of=$(TZ=$PIPELINE_TZ date -d yesterday +%F)
cd "$SEGFLOW_HOME" || exit 1

attempt=1
while :; do
    "$SEGFLOW_HOME/segflow" run --as-of "$as_of" --pipeline "$PIPELINE" \
        --log-format json --lock-timeout 600 --metrics-file "$METRICS_FILE"
    code=$?
    [ "$code" -ne 75 ] && break
    [ "$attempt" -ge "$ATTEMPTS" ] && break
    attempt=$((attempt + 1))
    sleep "$RETRY_DELAY"
done

case $code in
    0) ;;
    2) echo "segflow $as_of: configuration error (exit 2): fix the pipeline file or flags" >&2 ;;
    65) echo "segflow $as_of: a data-quality gate failed (exit 65): nothing published, check the sources" >&2 ;;
    75) echo "segflow $as_of: still failing temporarily after $ATTEMPTS attempts (exit 75)" >&2 ;;
    *) echo "segflow $as_of: failed (exit $code)" >&2 ;;
esac
exit "$code"
