#!/usr/bin/env bash
# Optional check of the Superset bundle with a real Superset (not in CI: the install takes
# minutes). Installs Apache Superset 6.1.0 from PyPI into a venv (6.1.0 needs rich,
# cachetools and flask-caching 2.3.1 beside it), creates a throwaway SQLite metadata
# database, imports deploy/superset/segflow_bi as a dataset bundle and checks that every
# dataset and metric of the YAML arrived. With BI_CHECK_DATABASE_URL (an SQLAlchemy URI of
# a published store, schema segflow, with several snapshots a month), it also points the
# imported database at it and runs charts through Superset's own query engine (month grain,
# grouped by segment, filtered on is_primary...) and checks each against the same
# question asked in SQL of the base tables. BILayerTests checks the metrics' SQL in CI.
#
#   make bi-check                         # venv in .bi-check/venv (reused on the next run)
#   BI_CHECK_DATABASE_URL='postgresql+psycopg2://etl@/shop?host=/var/run/postgresql' make bi-check
set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
work=${BI_CHECK_DIR:-$root/.bi-check}
venv=$work/venv
python=${PYTHON:-python3}
mkdir -p "$work"

if [[ ! -x $venv/bin/superset ]]; then
    "$python" -m venv "$venv"
    "$venv/bin/pip" install --quiet --upgrade pip
    "$venv/bin/pip" install --quiet 'apache-superset==6.1.0' rich cachetools 'flask-caching==2.3.1' psycopg2-binary
fi

export SUPERSET_CONFIG_PATH=$work/superset_config.py
cat >"$SUPERSET_CONFIG_PATH" <<CONFIG
SECRET_KEY = "segflow-bi-check-$RANDOM$RANDOM"
SQLALCHEMY_DATABASE_URI = "sqlite:///$work/superset.db"
CONFIG
export FLASK_APP=superset
rm -f "$work/superset.db" "$work/segflow_bi.zip"

"$venv/bin/superset" db upgrade >"$work/db-upgrade.log" 2>&1 || { cat "$work/db-upgrade.log"; exit 1; }
(cd "$root/deploy/superset" && "$python" -m zipfile -c "$work/segflow_bi.zip" segflow_bi/)
"$venv/bin/superset" fab create-admin --username bi-check --firstname bi --lastname check \
    --email bi-check@example.invalid --password "bi-check-$RANDOM$RANDOM" >"$work/create-admin.log" 2>&1 \
    || { cat "$work/create-admin.log"; exit 1; }
"$venv/bin/superset" init >"$work/init.log" 2>&1 || { cat "$work/init.log"; exit 1; }
"$venv/bin/superset" import-datasources -p "$work/segflow_bi.zip" -u bi-check

BUNDLE=$root/deploy/superset/segflow_bi "$venv/bin/python" - <<'CHECK'
import os, pathlib, sys
import yaml
from superset.app import create_app

app = create_app()
with app.app_context():
    from superset.connectors.sqla.models import SqlaTable
    problems = []
    files = sorted(pathlib.Path(os.environ["BUNDLE"], "datasets").rglob("*.yaml"))
    for path in files:
        expected = yaml.safe_load(path.read_text())
        from superset.extensions import db
        dataset = db.session.query(SqlaTable).filter_by(table_name=expected["table_name"], schema=expected["schema"]).one_or_none()
        if dataset is None:
            problems.append(f"{path.name}: dataset {expected['schema']}.{expected['table_name']} not imported")
            continue
        metrics = {m.metric_name: m.expression for m in dataset.metrics}
        for metric in expected.get("metrics") or []:
            if metrics.get(metric["metric_name"]) != metric["expression"]:
                problems.append(f"{path.name}: metric {metric['metric_name']} is {metrics.get(metric['metric_name'])!r}")
        columns = {c.column_name: c.description for c in dataset.columns}
        for column in expected.get("columns") or []:
            if columns.get(column["column_name"], "<missing>") != column["description"]:
                problems.append(f"{path.name}: column {column['column_name']} not imported with its description")
    if problems:
        print("\n".join(problems), file=sys.stderr)
        sys.exit(1)
    print(f"bi-check: {len(files)} datasets imported into Superset with their metrics and column descriptions")
CHECK

if [[ -z ${BI_CHECK_DATABASE_URL:-} ]]; then
    echo "bi-check: BI_CHECK_DATABASE_URL not set: charts not compared with SQL"
    exit 0
fi
"$venv/bin/python" "$root/scripts/bi-check-charts.py"
