"""deploy/airflow/segflow_dag.py: the as-of day of a scheduled run, exit-code handling, logs.

Runs with Apache Airflow installed (`make airflow-check`: the real timetable computes the
scheduled runs) or without it (`make lint-deploy`: minimal stand-ins for the few Airflow names
the DAG file imports, and CronDataIntervalTimetable's documented rule: a run's logical date is
the start of its interval). Needs pendulum and Jinja2.
"""

from __future__ import annotations

import importlib.util
import logging
import os
import shutil
import stat
import subprocess
import sys
import tempfile
import types
import unittest
from datetime import timedelta
from pathlib import Path

import jinja2
import pendulum

DAG_FILE = Path(__file__).resolve().parents[2] / "deploy/airflow/segflow_dag.py"


def have_airflow() -> bool:
    try:
        import airflow  # noqa: F401
    except ImportError:
        return False
    return True


REAL_AIRFLOW = have_airflow()


def install_stand_ins() -> None:
    """The names the DAG file imports, as small recording stand-ins."""

    class AirflowException(Exception):
        pass

    class AirflowFailException(AirflowException):
        pass

    class CronDataIntervalTimetable:
        def __init__(self, cron, timezone):
            self.expression, self.timezone = cron, timezone

    class DAG:
        current = None

        def __init__(self, dag_id, **kwargs):
            self.dag_id, self.kwargs, self.tasks = dag_id, kwargs, []
            self.timetable = kwargs.get("schedule")
            self.user_defined_macros = kwargs.get("user_defined_macros") or {}
            self.params = kwargs.get("params") or {}

        def __enter__(self):
            DAG.current = self
            return self

        def __exit__(self, *exc):
            DAG.current = None

    class PythonOperator:
        def __init__(self, task_id, python_callable, op_kwargs=None, **kwargs):
            self.task_id, self.python_callable, self.op_kwargs = task_id, python_callable, op_kwargs or {}
            self.dag = DAG.current
            DAG.current.tasks.append(self)

    modules = {
        "airflow": {},
        "airflow.sdk": {"DAG": DAG, "CronDataIntervalTimetable": CronDataIntervalTimetable},
        "airflow.sdk.exceptions": {"AirflowException": AirflowException,
                                   "AirflowFailException": AirflowFailException},
        "airflow.providers": {},
        "airflow.providers.standard": {},
        "airflow.providers.standard.operators": {},
        "airflow.providers.standard.operators.python": {"PythonOperator": PythonOperator},
    }
    for name, attrs in modules.items():
        module = types.ModuleType(name)
        module.__dict__.update(attrs)
        module.__path__ = []  # a package, so submodules import
        sys.modules[name] = module


def load_dag_module():
    if not REAL_AIRFLOW:
        install_stand_ins()
    spec = importlib.util.spec_from_file_location("segflow_dag", DAG_FILE)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


m = load_dag_module()
TZ = m.PIPELINE_TZ


def scheduled_run_logical_date(as_of_day: str):
    """The logical date of the scheduled run that follows day D (built after D has ended)."""
    d = pendulum.parse(as_of_day, tz=TZ)
    if REAL_AIRFLOW:
        from airflow.timetables.base import DataInterval, TimeRestriction
        from airflow.serialization.encoders import coerce_to_core_timetable

        timetable = coerce_to_core_timetable(m.dag.timetable)
        previous = DataInterval(start=d.subtract(days=1).at(3, 30), end=d.at(3, 30))
        info = timetable.next_dagrun_info(
            last_automated_data_interval=previous,
            restriction=TimeRestriction(earliest=None, latest=None, catchup=True))
        # The run starts after its interval has ended, i.e. after day D.
        assert pendulum.instance(info.run_after) >= d.add(days=1), info
        return info.logical_date
    # CronDataIntervalTimetable: the logical date is the start of the interval [D 03:30, D+1 03:30).
    hour, minute = int(m.SCHEDULE.split()[1]), int(m.SCHEDULE.split()[0])
    return d.at(hour, minute).in_timezone("UTC")


def render(template: str, logical_date, params=None) -> str:
    env = jinja2.Environment(undefined=jinja2.StrictUndefined)
    context = {"logical_date": logical_date, "params": params or {}, **m.dag.user_defined_macros}
    return env.from_string(template).render(context)


class AsOfDayTest(unittest.TestCase):
    def test_timetable_is_explicitly_cron_data_interval_in_the_pipeline_time_zone(self):
        timetable = m.dag.timetable
        self.assertEqual(type(timetable).__name__, "CronDataIntervalTimetable")
        # Airflow 3's SDK timetable: expression, timezone; Airflow 2's: _expression, _timezone.
        expression = getattr(timetable, "expression", getattr(timetable, "_expression", None))
        zone = getattr(timetable, "timezone", getattr(timetable, "_timezone", None))
        self.assertEqual(expression, m.SCHEDULE)
        self.assertIn("Berlin", str(zone))

    def test_scheduled_run_renders_the_day_that_has_just_ended(self):
        task = m.dag.tasks[0]
        # Ordinary days, both DST changes, New Year.
        for day in ["2026-06-30", "2026-03-28", "2026-03-29", "2026-03-30", "2026-10-24",
                    "2026-10-25", "2026-10-26", "2026-12-31", "2027-01-01"]:
            with self.subTest(day=day):
                logical_date = scheduled_run_logical_date(day)
                self.assertEqual(render(task.op_kwargs["as_of"], logical_date), day)

    def test_a_fixed_logical_date_renders_that_day_in_the_pipeline_time_zone(self):
        template = m.dag.tasks[0].op_kwargs["as_of"]
        # `airflow dags test segflow_daily 2026-06-30`: midnight UTC is 02:00 in Berlin.
        self.assertEqual(render(template, pendulum.datetime(2026, 6, 30, tz="UTC")), "2026-06-30")
        # 00:30 in Berlin is still the previous day in UTC ({{ ds }} would say 2026-06-29).
        self.assertEqual(render(template, pendulum.datetime(2026, 6, 29, 22, 30, tz="UTC")), "2026-06-30")

    def test_conf_as_of_wins_and_no_logical_date_renders_empty(self):
        template = m.dag.tasks[0].op_kwargs["as_of"]
        self.assertEqual(render(template, None, {"as_of": "2026-05-31"}), "2026-05-31")
        self.assertEqual(render(template, None, {"as_of": None}), "")
        # Conf reaches a shell command in the pod variant: only a date passes through.
        hostile = render(template, None, {"as_of": '2026-06-30"; rm -rf / #'})
        self.assertRegex(hostile, r"^invalid-[0-9A-Za-z_-]*$")
        with self.assertRaises(m.AirflowFailException):
            m.check_as_of(hostile)

    def test_missing_malformed_or_unfinished_day_fails_at_once(self):
        now = pendulum.datetime(2026, 7, 1, 1, 0, tz=TZ)
        self.assertEqual(m.check_as_of("2026-06-30", now), "2026-06-30")
        for bad in ["", "2026-7-1", "2026-02-30", "2026-07-01", "2026-07-02"]:
            with self.subTest(as_of=bad), self.assertRaises(m.AirflowFailException):
                m.check_as_of(bad, now)
        # 23:30 UTC on June 30 is already July 1 in Berlin: June 30 has ended.
        self.assertEqual(m.check_as_of("2026-06-30", pendulum.datetime(2026, 6, 30, 23, 30, tz="UTC")),
                         "2026-06-30")

    def test_pod_script_renders_the_day_and_passes_the_retry_budget(self):
        script = render(m.POD_SCRIPT, scheduled_run_logical_date("2026-06-30"))
        self.assertIn('as_of="2026-06-30"', script)
        self.assertIn("--retry-for 300", script)
        if shutil.which("shellcheck"):  # on PATH under make lint-deploy
            result = subprocess.run(["shellcheck", "--shell=sh", "-"], input=script, text=True,
                                    capture_output=True)
            self.assertEqual(result.returncode, 0, result.stdout)


FAKE_SEGFLOW = """#!/bin/sh
printf '%s\\n' "$@" > "$FAKE_ARGS"
printf '%s\\n' '{"level":"info","logger":"segflow","msg":"cleaned","source":"orders","ts":"x"}' >&2
printf '%s\\n' '{"level":"notice","msg":"published"}' >&2
printf '%s\\n' '{"level":"warning","msg":"slow source","source":"chats"}' >&2
printf '%s\\n' 'not json' >&2
[ "$FAKE_CODE" = 0 ] || [ -n "${FAKE_PLAIN_ONLY:-}" ] || printf '%s\\n' '{"level":"error","msg":"run failed","error":"gate max_quarantine_rate"}' >&2
echo "run summary"
exit "$FAKE_CODE"
"""


class RunSegflowTest(unittest.TestCase):
    def setUp(self):
        self.tmp = tempfile.TemporaryDirectory()
        self.addCleanup(self.tmp.cleanup)
        self.binary = Path(self.tmp.name) / "segflow"
        self.binary.write_text(FAKE_SEGFLOW)
        self.binary.chmod(self.binary.stat().st_mode | stat.S_IXUSR)
        self.args = Path(self.tmp.name) / "args"
        os.environ["FAKE_ARGS"] = str(self.args)
        self.saved = m.SEGFLOW
        m.SEGFLOW = str(self.binary)
        self.addCleanup(setattr, m, "SEGFLOW", self.saved)
        self.day = pendulum.now(TZ).subtract(days=2).to_date_string()

    def run_with(self, code: int):
        os.environ["FAKE_CODE"] = str(code)
        m.run_segflow(as_of=self.day)

    def test_exit_0_succeeds_and_each_line_keeps_its_level(self):
        with self.assertLogs("segflow", level="DEBUG") as logs:
            self.run_with(0)
        levels = {r.getMessage().split(" (")[0]: r.levelno for r in logs.records}
        self.assertEqual(levels["cleaned"], logging.INFO)
        self.assertEqual(levels["published"], logging.INFO)
        self.assertEqual(levels["slow source"], logging.WARNING)
        self.assertEqual(levels["not json"], logging.WARNING)
        self.assertEqual(levels["run summary"], logging.INFO)
        self.assertIn("source=orders", [r.getMessage() for r in logs.records if "cleaned" in r.getMessage()][0])
        args = self.args.read_text().split("\n")
        self.assertEqual(args[args.index("--as-of") + 1], self.day)
        self.assertEqual(args[args.index("--retry-for") + 1], m.RETRY_FOR)
        self.assertEqual(args[args.index("--log-format") + 1], "json")

    def test_only_75_is_retried(self):
        with self.assertLogs("segflow", level="DEBUG") as logs:
            with self.assertRaises(m.AirflowException) as caught:
                self.run_with(75)
        self.assertNotIsInstance(caught.exception, m.AirflowFailException)
        self.assertIn("gate max_quarantine_rate", str(caught.exception))
        self.assertIn(logging.ERROR, [r.levelno for r in logs.records])
        # Without a JSON error line, the last plain line is the reason.
        os.environ["FAKE_PLAIN_ONLY"] = "1"
        self.addCleanup(os.environ.pop, "FAKE_PLAIN_ONLY", None)
        with self.assertLogs("segflow", level="DEBUG"), self.assertRaises(m.AirflowFailException) as caught:
            self.run_with(65)
        self.assertIn("not json", str(caught.exception))
        os.environ.pop("FAKE_PLAIN_ONLY")
        for code in (1, 2, 65, 143):
            with self.subTest(code=code), self.assertLogs("segflow", level="DEBUG"):
                with self.assertRaises(m.AirflowFailException):
                    self.run_with(code)

    def test_missing_binary_and_missing_day_fail_at_once(self):
        m.SEGFLOW = str(Path(self.tmp.name) / "no-such-segflow")
        with self.assertRaises(m.AirflowFailException) as caught, self.assertLogs("segflow"):
            m.run_segflow(as_of=self.day)
        self.assertIn("SEGFLOW_BIN", str(caught.exception))
        with self.assertRaises(m.AirflowFailException):
            m.run_segflow(as_of="")

    def test_outcome(self):
        self.assertEqual([m.outcome(c) for c in (0, 75, 1, 2, 65, -9)],
                         ["ok", "retry", "fail", "fail", "fail", "fail"])


if __name__ == "__main__":
    unittest.main()
