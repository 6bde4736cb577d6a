"""segflow's daily snapshot as an Airflow DAG.

Each DAG run builds the snapshot of its logical day: ``{{ ds }}`` is passed as ``--as-of``.
With a daily schedule the run for day D starts after D has ended, so the day is complete.
A past day (``airflow dags backfill`` or clearing a run) rebuilds exactly that day; for long
ranges prefer ``segflow backfill``, which shares one extraction between many days.

Retries follow segflow's exit codes (docs/operations.md): only 75, a temporary failure
(database unavailable after segflow's own retries, or the pipeline lock held), is retried.
0 succeeds; 2 (configuration), 65 (a data-quality gate failed, nothing published) and 1
fail the task at once without using up retries.

Two variants: ``segflow_daily`` runs the binary on the worker; ``segflow_daily_k8s`` runs the
container image in a pod (needs apache-airflow-providers-cncf-kubernetes).
"""

from __future__ import annotations

import os
import subprocess
from datetime import timedelta

import pendulum
from airflow import DAG
from airflow.exceptions import AirflowException, AirflowFailException

try:  # Airflow 3
    from airflow.providers.standard.operators.python import PythonOperator
except ImportError:  # Airflow 2
    from airflow.operators.python import PythonOperator

SEGFLOW = os.environ.get("SEGFLOW_BIN", "/opt/segflow/segflow")
PIPELINE = os.environ.get("SEGFLOW_PIPELINE", "/opt/segflow/pipelines/default.yml")
RETRYABLE_EXIT_CODE = 75
EXIT_CODES = {
    0: "ok",
    1: "failed",
    2: "usage or configuration error",
    65: "a data-quality gate failed; nothing was published",
    75: "temporary failure worth retrying",
}


def run_segflow(as_of: str, **context) -> None:
    """Runs ``segflow run --as-of <ds>``; maps its exit code to retry or fail."""
    # DATABASE_URL (and SEGFLOW_PUSHGATEWAY_URL for metrics) come from the worker's
    # environment or a secrets backend; segflow never prints the password.
    env = dict(os.environ)
    command = [
        SEGFLOW, "run",
        "--as-of", as_of,
        "--pipeline", PIPELINE,
        "--log-format", "json",
        "--lock-timeout", "600",
        "--metrics-job", "segflow-airflow",
    ]
    # Logs (JSON lines on stderr) go to the task log as they come.
    code = subprocess.run(command, env=env, check=False).returncode
    meaning = EXIT_CODES.get(code, "failed")
    if code == 0:
        return
    if code == RETRYABLE_EXIT_CODE:
        # A plain AirflowException uses the task's retries.
        raise AirflowException(f"segflow exited {code} ({meaning}); will retry")
    # AirflowFailException fails the task now, whatever retries are left.
    raise AirflowFailException(f"segflow exited {code} ({meaning}); not retried")


default_args = {
    "owner": "data-engineering",
    "retries": 4,
    "retry_delay": timedelta(minutes=10),
    "retry_exponential_backoff": True,
    "max_retry_delay": timedelta(hours=1),
    "execution_timeout": timedelta(hours=4),
}

with DAG(
    dag_id="segflow_daily",
    description="Customer features, segments and KPIs of the previous day (segflow run).",
    # Days are the pipeline's calendar days: schedule in its time zone.
    start_date=pendulum.datetime(2026, 1, 1, tz="Europe/Berlin"),
    schedule="30 2 * * *",
    catchup=False,
    max_active_runs=1,
    default_args=default_args,
    tags=["segflow"],
) as dag:
    PythonOperator(
        task_id="segflow_run",
        python_callable=run_segflow,
        # op_kwargs is templated: {{ ds }} becomes the run's logical day, YYYY-MM-DD.
        op_kwargs={"as_of": "{{ ds }}"},
    )


# The same in a pod, from the image built by the repository's Dockerfile. Airflow sees only
# "the pod failed", not its exit code, so the pod retries exit 75 itself and ends at once on
# any other code; Airflow's own retries are 0.
try:
    from airflow.providers.cncf.kubernetes.operators.pod import KubernetesPodOperator
    from kubernetes.client import models as k8s
except ImportError:  # provider not installed: only the first DAG is defined
    KubernetesPodOperator = None

if KubernetesPodOperator is not None:
    with DAG(
        dag_id="segflow_daily_k8s",
        description="segflow run in a pod, the as-of day from {{ ds }}.",
        start_date=pendulum.datetime(2026, 1, 1, tz="Europe/Berlin"),
        schedule="30 2 * * *",
        catchup=False,
        max_active_runs=1,
        default_args={**default_args, "retries": 0},
        tags=["segflow"],
    ) as dag_k8s:
        KubernetesPodOperator(
            task_id="segflow_run",
            name="segflow-run",
            image="registry.example.com/segflow:latest",
            cmds=["/bin/sh", "-c"],
            # Retry exit 75 inside the pod (up to 4 times, 10 minutes apart); any other code ends
            # the pod, and so the task, at once. `arguments` is templated: {{ ds }} is the day.
            arguments=[
                'for attempt in 1 2 3 4 5; do '
                '/app/segflow run --as-of "{{ ds }}" --log-format json --lock-timeout 600 '
                '--metrics-job segflow-airflow; code=$?; '
                '[ "$code" -ne 75 ] && exit "$code"; '
                '[ "$attempt" -lt 5 ] && sleep 600; '
                'done; exit 75'
            ],
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
