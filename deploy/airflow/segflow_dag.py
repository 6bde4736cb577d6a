"""segflow's daily snapshot as an Airflow DAG (Airflow 3; Airflow 2.9+ works too).

**The as-of day.** The schedule is an explicit ``CronDataIntervalTimetable`` at 03:30 in the
pipeline's time zone: the run for day D covers [D 03:30, D+1 03:30), starts after D has ended,
and its logical date is the start of that interval, so the as-of day is the logical date's
calendar day *in the pipeline's time zone* (``segflow_as_of``; not ``{{ ds }}``, which is a UTC
day). (Airflow 3's default for a cron string is a ``CronTriggerTimetable`` whose logical date is
the trigger time: ``{{ ds }}`` would be the day that has just begun.) Consequences:

- a scheduled run builds yesterday, on Airflow 2 and 3 alike;
- ``airflow dags test segflow_daily 2026-06-30`` and a manual run with logical date 2026-06-30
  build exactly 2026-06-30; clearing a past run rebuilds its day;
- a manual run without a logical date (Airflow 3 allows that) needs ``{"as_of": "YYYY-MM-DD"}``
  in its conf, and a day that has not ended yet is refused: both fail at once, no retry.
For long ranges prefer ``segflow backfill``, which shares one extraction between many days.

**Retries** follow segflow's exit codes (docs/operations.md): only 75, a temporary failure
(database unavailable after segflow's own retries, or the pipeline lock held), is retried. 0
succeeds; 2 (configuration), 65 (a data-quality gate failed, nothing published), 1, a missing
binary, a missing day fail the task at once without using up retries.

**Retry budget** (one per integration, docs/operations.md): Airflow's. segflow retries a lost
database for ``--retry-for 300`` seconds per try, and Airflow tries 4 times 10 minutes apart
(no exponential back-off): an outage is reported after about 50 minutes.

**Logs**: segflow writes one JSON object per line to stderr (``--log-format json``); each line
is forwarded to the task log at its own level (``level``), with its keys.

Two variants: ``segflow_daily`` runs the binary on the worker; ``segflow_daily_k8s`` runs the
container image in a pod (needs apache-airflow-providers-cncf-kubernetes).
"""

from __future__ import annotations

import json
import logging
import os
import re
import subprocess
import threading
from datetime import date, datetime, timedelta

import pendulum

try:  # Airflow 3
    from airflow.sdk import DAG
except ImportError:  # Airflow 2
    from airflow import DAG
try:  # Airflow 3.1+
    from airflow.sdk import CronDataIntervalTimetable
except ImportError:  # Airflow 2, 3.0
    from airflow.timetables.interval import CronDataIntervalTimetable
try:  # Airflow 3: airflow.exceptions' names are deprecated there
    from airflow.sdk.exceptions import AirflowException, AirflowFailException
except ImportError:  # Airflow 2
    from airflow.exceptions import AirflowException, AirflowFailException
try:  # Airflow 3
    from airflow.providers.standard.operators.python import PythonOperator
except ImportError:  # Airflow 2
    from airflow.operators.python import PythonOperator

SEGFLOW = os.environ.get("SEGFLOW_BIN", "/opt/segflow/segflow")
PIPELINE = os.environ.get("SEGFLOW_PIPELINE", "/opt/segflow/pipelines/default.yml")
# The pipeline file's `timezone`: its calendar days are the as-of days.
PIPELINE_TZ = "Europe/Berlin"
# 03:30, not 02:xx: in Europe/Berlin 02:00-03:00 is skipped in March and repeated in October
# (`make lint-deploy` checks this).
SCHEDULE = "30 3 * * *"
# A version tag, never :latest (docs/operations.md, "Containers").
IMAGE = "registry.example.com/segflow:0.1.0"
# segflow's own retry window for a lost database, per try (seconds).
RETRY_FOR = "300"
LOCK_TIMEOUT = "600"
# Between Airflow's tries: 10 minutes (the variable only shortens it for `make airflow-check`).
RETRY_DELAY = timedelta(seconds=int(os.environ.get("SEGFLOW_AIRFLOW_RETRY_DELAY_SECONDS", "600")))
RETRYABLE_EXIT_CODE = 75
EXIT_CODES = {
    0: "ok",
    1: "failed",
    2: "usage or configuration error",
    65: "a data-quality gate failed; nothing was published",
    75: "temporary failure worth retrying",
}
LEVELS = {
    "trace": logging.DEBUG,
    "debug": logging.DEBUG,
    "info": logging.INFO,
    "notice": logging.INFO,
    "warning": logging.WARNING,
    "error": logging.ERROR,
    "critical": logging.CRITICAL,
}

log = logging.getLogger("segflow")


def segflow_as_of(logical_date, params=None) -> str:
    """The as-of day of a run: ``params.as_of`` if given, else the logical date's calendar day
    in the pipeline's time zone; "" when there is neither (``run_segflow`` then fails)."""
    explicit = (params or {}).get("as_of")
    if explicit:
        explicit = str(explicit)
        # Rendered into a shell command in the pod variant: never pass anything but a date
        # through; a malformed value stays recognisable, and check_as_of or segflow refuse it.
        return explicit if re.fullmatch(r"\d{4}-\d{2}-\d{2}", explicit) \
            else "invalid-" + re.sub(r"[^0-9A-Za-z-]", "_", explicit)[:40]
    if logical_date is None:
        return ""
    return pendulum.instance(logical_date).in_timezone(PIPELINE_TZ).to_date_string()


def check_as_of(as_of: str, now: datetime | None = None) -> str:
    """Fails at once (no retry) for a missing, malformed or not yet ended day."""
    if not as_of:
        raise AirflowFailException(
            "no as-of day: this run has no logical date; trigger it with a logical date or with "
            'conf {"as_of": "YYYY-MM-DD"}')
    if not re.fullmatch(r"\d{4}-\d{2}-\d{2}", as_of):
        raise AirflowFailException(f"as-of day {as_of!r} is not YYYY-MM-DD")
    try:
        day = date.fromisoformat(as_of)
    except ValueError as error:
        raise AirflowFailException(f"as-of day {as_of!r}: {error}") from None
    today = pendulum.instance(now or pendulum.now("UTC")).in_timezone(PIPELINE_TZ).date()
    if day >= today:
        raise AirflowFailException(
            f"as-of day {as_of} has not ended yet in {PIPELINE_TZ} (today is {today}): "
            "a snapshot of a partial day is never built")
    return as_of


def segflow_command(as_of: str) -> list[str]:
    return [
        SEGFLOW, "run",
        "--as-of", as_of,
        "--pipeline", PIPELINE,
        "--log-format", "json",
        "--lock-timeout", LOCK_TIMEOUT,
        "--retry-for", RETRY_FOR,
        "--metrics-job", "segflow-airflow",
    ]


def forward_line(line: str, logger: logging.Logger = log, default: int = logging.WARNING) -> dict | None:
    """Logs one line of segflow's stderr at its own level; returns the JSON record, if any."""
    line = line.rstrip("\r\n")
    if not line:
        return None
    try:
        record = json.loads(line)
    except ValueError:
        record = None
    if not isinstance(record, dict):
        logger.log(default, "%s", line)
        return None
    level = LEVELS.get(str(record.get("level", "")).lower(), logging.INFO)
    keys = " ".join(f"{k}={record[k]}" for k in sorted(record)
                    if k not in ("ts", "level", "logger", "msg"))
    logger.log(level, "%s%s", record.get("msg", ""), f" ({keys})" if keys else "")
    return {**record, "_level": level}


def outcome(code: int) -> str:
    """'ok', 'retry' (only 75) or 'fail' (everything else, including death by a signal)."""
    if code == 0:
        return "ok"
    return "retry" if code == RETRYABLE_EXIT_CODE else "fail"


def run_segflow(as_of: str, **context) -> None:
    """Runs ``segflow run --as-of <day>``; maps its exit code to retry or fail."""
    as_of = check_as_of(as_of)
    command = segflow_command(as_of)
    log.info("segflow run --as-of %s", as_of)
    # DATABASE_URL (or PG* variables) and SEGFLOW_PUSHGATEWAY_URL come from the worker's
    # environment or a secrets backend; segflow never prints the password.
    try:
        process = subprocess.Popen(command, env=dict(os.environ), stdin=subprocess.DEVNULL,
                                   stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                                   errors="replace")
    except OSError as error:  # missing binary, not executable: retrying cannot help
        raise AirflowFailException(f"cannot start {SEGFLOW}: {error.strerror or error} "
                                   "(set SEGFLOW_BIN to the installed binary)") from None
    with process:
        # stdout carries the run summary: forwarded at info, read beside stderr so neither fills up.
        summary = threading.Thread(
            target=lambda: [forward_line(line, default=logging.INFO) for line in process.stdout],
            daemon=True)
        summary.start()
        last_error = last_plain = None
        for line in process.stderr:
            record = forward_line(line)
            if record is not None and record["_level"] >= logging.ERROR:
                last_error = record.get("error") or record.get("msg")
            elif record is None and line.strip():
                # A segflow older than `--log-format json` for every line prints its final
                # reason as plain text: logged at warning, and still named in the exception.
                last_plain = line.strip()
        code = process.wait()
        summary.join(timeout=10)

    meaning = EXIT_CODES.get(code, "failed" if code >= 0 else f"killed by signal {-code}")
    reason = f": {last_error or last_plain}" if (last_error or last_plain) else ""
    result = outcome(code)
    if result == "ok":
        return
    if result == "retry":
        # A plain AirflowException uses the task's retries.
        raise AirflowException(f"segflow exited {code} ({meaning}){reason}; will retry")
    # AirflowFailException fails the task now, whatever retries are left.
    raise AirflowFailException(f"segflow exited {code} ({meaning}){reason}; not retried")


def timetable():
    # Explicit: Airflow 3 would turn a cron string into a CronTriggerTimetable (see above).
    return CronDataIntervalTimetable(SCHEDULE, timezone=PIPELINE_TZ)


# The as-of day, rendered into the task: "{{ segflow_as_of(logical_date, params) }}".
AS_OF_TEMPLATE = "{{ segflow_as_of(logical_date, params) }}"
MACROS = {"segflow_as_of": segflow_as_of}

default_args = {
    "owner": "data-engineering",
    # Airflow owns the retry budget: 4 tries, 10 minutes apart, each with --retry-for 300.
    "retries": 3,
    "retry_delay": RETRY_DELAY,
    "retry_exponential_backoff": False,
    "execution_timeout": timedelta(hours=4),
}

with DAG(
    dag_id="segflow_daily",
    description="Customer features, segments and KPIs of the previous day (segflow run).",
    # Days are the pipeline's calendar days: schedule in its time zone.
    start_date=pendulum.datetime(2026, 1, 1, tz=PIPELINE_TZ),
    schedule=timetable(),
    catchup=False,
    max_active_runs=1,
    default_args=default_args,
    user_defined_macros=MACROS,
    params={"as_of": None},
    tags=["segflow"],
) as dag:
    PythonOperator(
        task_id="segflow_run",
        python_callable=run_segflow,
        # op_kwargs is templated: the run's as-of day, YYYY-MM-DD.
        op_kwargs={"as_of": AS_OF_TEMPLATE},
    )


# The same in a pod, from the image built by the repository's Dockerfile. Airflow sees only
# "the pod failed", not its exit code, so the pod owns the retry budget: it retries exit 75
# itself (4 tries, 10 minutes apart, each with --retry-for 300) and ends at once on any other
# code; Airflow's own retries are 0. An empty as-of day (no logical date) ends it with 2.
POD_SCRIPT = (
    'as_of="' + AS_OF_TEMPLATE + '"; '
    '[ -n "$as_of" ] || { echo "segflow: no as-of day (no logical date and no conf as_of)" >&2; exit 2; }; '
    'for attempt in 1 2 3 4; do '
    '/app/segflow run --as-of "$as_of" --log-format json '
    f'--lock-timeout {LOCK_TIMEOUT} --retry-for {RETRY_FOR} --metrics-job segflow-airflow; code=$?; '
    '[ "$code" -ne 75 ] && exit "$code"; '
    '[ "$attempt" -lt 4 ] && sleep 600; '
    'done; exit 75'
)

try:
    from airflow.providers.cncf.kubernetes.operators.pod import KubernetesPodOperator
    from kubernetes.client import models as k8s
except ImportError:  # provider not installed: only the first DAG is defined
    KubernetesPodOperator = None

if KubernetesPodOperator is not None:
    with DAG(
        dag_id="segflow_daily_k8s",
        description="segflow run in a pod, the as-of day from the logical date.",
        start_date=pendulum.datetime(2026, 1, 1, tz=PIPELINE_TZ),
        schedule=timetable(),
        catchup=False,
        max_active_runs=1,
        default_args={**default_args, "retries": 0},
        user_defined_macros=MACROS,
        params={"as_of": None},
        tags=["segflow"],
    ) as dag_k8s:
        KubernetesPodOperator(
            task_id="segflow_run",
            name="segflow-run",
            image=IMAGE,
            cmds=["/bin/sh", "-c"],
            arguments=[POD_SCRIPT],  # templated
            env_vars=[
                k8s.V1EnvVar(
                    name="DATABASE_URL",
                    value_from=k8s.V1EnvVarSource(
                        secret_key_ref=k8s.V1SecretKeySelector(name="segflow-database", key="url")
                    ),
                ),
                k8s.V1EnvVar(name="SEGFLOW_PUSHGATEWAY_URL", value="http://pushgateway.monitoring.svc:9091"),
            ],
            get_logs=True,
            on_finish_action="delete_pod",
        )
