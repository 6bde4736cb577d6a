"""Charts of the segflow Superset bundle, run by Superset itself, against SQL on the base tables.

Run by scripts/bi-check.sh after the bundle is imported (BI_CHECK_DATABASE_URL: the
published store). Each chart is a Superset query object on one dataset; its expected
rows come from the base tables of the output schema (segflow), never from the BI views.
"""
import datetime
import decimal
import os
import sys

import sqlalchemy
from superset.app import create_app

URI = os.environ["BI_CHECK_DATABASE_URL"]

MONTH_ENDS = "select max(as_of) from segflow.snapshots group by date_trunc('month', as_of)"

CHARTS = [
    (
        "store KPIs at month grain, month-end snapshot (fct_store_kpis_monthly)",
        "fct_store_kpis_monthly", [], [], ["aov_30d", "customers", "revenue_30d"],
        f"""select date_trunc('month', as_of)::date, sum(monetary_30d) / nullif(sum(orders_30d), 0), count(*), sum(monetary_30d)
            from segflow.customer_features where as_of in ({MONTH_ENDS}) group by 1""",
    ),
    (
        "store customers at month grain over every snapshot: the largest, not the sum (fct_store_kpis)",
        "fct_store_kpis", [], [], ["customers_latest", "aov_30d"],
        """select date_trunc('month', as_of)::date, max(customers), sum(revenue_30d) / nullif(sum(orders_30d), 0)
           from (select as_of, count(*) as customers, sum(monetary_30d) as revenue_30d, sum(orders_30d) as orders_30d
                 from segflow.customer_features group by as_of) s group by 1""",
    ),
    (
        "primary segments' members at month grain add up to the month-end customers (fct_segment_kpis_monthly)",
        "fct_segment_kpis_monthly", [], [("is_primary", "==", True)], ["members"],
        f"""select date_trunc('month', as_of)::date, count(*) from segflow.customer_features
            where as_of in ({MONTH_ENDS}) group by 1""",
    ),
    (
        "members per primary segment at month grain, month-end (fct_segment_kpis_monthly)",
        "fct_segment_kpis_monthly", ["segment_key"], [("is_primary", "==", True)], ["members", "aov_30d"],
        f"""select date_trunc('month', m.as_of)::date, m.segment_key, count(*), sum(f.monetary_30d) / nullif(sum(f.orders_30d), 0)
            from segflow.customer_segments m join segflow.customer_features f using (as_of, customer_id)
            where m.is_primary and m.as_of in ({MONTH_ENDS}) group by 1, 2""",
    ),
    (
        "members per segment at month grain over every snapshot: the largest snapshot (fct_segment_kpis)",
        "fct_segment_kpis", ["segmentation_key", "segment_key"], [], ["members_latest"],
        """select date_trunc('month', as_of)::date, segmentation_key, segment_key, max(members)
           from segflow.segment_kpis group by 1, 2, 3""",
    ),
    (
        "customers moving between primary segments per month (fct_segment_moves)",
        "fct_segment_moves", [], [("is_stay", "==", False)], ["customers"],
        """select date_trunc('month', as_of)::date, sum(customers) from segflow.segment_transitions
           where from_segment is distinct from to_segment group by 1""",
    ),
]


def normal(value):
    if isinstance(value, (datetime.datetime, datetime.date)):
        return value.strftime("%Y-%m-%d")
    if hasattr(value, "to_pydatetime"):
        return value.to_pydatetime().strftime("%Y-%m-%d")
    if isinstance(value, (float, decimal.Decimal, int)) and not isinstance(value, bool):
        return round(float(value), 6)
    if hasattr(value, "item"):
        return normal(value.item())
    return value


def rows(records):
    return sorted((tuple(normal(v) for v in r) for r in records), key=repr)


app = create_app()
with app.app_context():
    from superset.connectors.sqla.models import SqlaTable
    from superset.extensions import db
    from superset.models.core import Database

    database = db.session.query(Database).filter_by(database_name="segflow").one()
    database.sqlalchemy_uri = URI
    db.session.commit()
    engine = sqlalchemy.create_engine(URI)
    failures = 0
    for title, table, columns, filters, metrics, sql in CHARTS:
        dataset = db.session.query(SqlaTable).filter_by(table_name=table, schema="segflow_bi").one()
        result = dataset.query({
            "granularity": dataset.main_dttm_col, "is_timeseries": True,
            "columns": columns, "metrics": metrics,
            "filter": [{"col": c, "op": op, "val": v} for c, op, v in filters],
            "extras": {"time_grain_sqla": "P1M"}, "from_dttm": None, "to_dttm": None,
            "row_limit": 100000, "orderby": [],
        })
        if result.error_message:
            print(f"FAIL {title}: {result.error_message}", file=sys.stderr)
            failures += 1
            continue
        frame = result.df[["__timestamp", *columns, *metrics]]
        charted = rows(frame.itertuples(index=False, name=None))
        with engine.connect() as connection:
            expected = rows(connection.execute(sqlalchemy.text(sql)).fetchall())
        if charted != expected:
            print(f"FAIL {title}\n  superset: {charted[:8]}\n  sql:      {expected[:8]}", file=sys.stderr)
            failures += 1
        else:
            print(f"ok   {title} ({len(charted)} rows)")
    sys.exit(1 if failures else 0)
