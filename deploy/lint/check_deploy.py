#!/usr/bin/env python3
"""Checks of the deployment files that the generic validators do not make.

Run by `make lint-deploy` (scripts/lint-deploy.sh) beside kubernetes-validate, hadolint,
shellcheck and `docker-compose config`. Each check names the file and what is wrong:

  kubernetes   podFailurePolicy: the Ignore rule for DisruptionTarget comes before any rule on
               exit codes (first match wins), every pod condition says status "True";
               seccompProfile RuntimeDefault; a versioned image, never :latest;
               the schedule exists exactly once on every day in its time zone (no DST gap/overlap)
  airflow      the DAGs' schedule, the same DST check (SCHEDULE and PIPELINE_TZ in the DAG file)
  dockerfile   every FROM pinned to a full version or a digest
  compose      (the output of `docker-compose config`) images pinned, readiness over TCP
               (`pg_isready -h`), no password spliced into a connection URL, METABASE_PORT passed
               to the Metabase setup

Usage: check_deploy.py [--compose-config FILE]...   (needs PyYAML; exit 1 on any finding)
"""

from __future__ import annotations

import argparse
import ast
import datetime as dt
import re
import sys
from pathlib import Path
from zoneinfo import ZoneInfo

import yaml

ROOT = Path(__file__).resolve().parents[2]
CRONJOB = ROOT / "deploy/kubernetes/cronjob.yaml"
DAG = ROOT / "deploy/airflow/segflow_dag.py"
DOCKERFILE = ROOT / "Dockerfile"
# Years checked for DST: the transitions follow the same rule every year, but a rule change
# in tzdata would show up here.
YEARS = range(2026, 2036)

findings: list[str] = []


def finding(where: str, message: str) -> None:
    findings.append(f"{where}: {message}")


# ---- cron schedules and DST -------------------------------------------------------------

def _field(text: str, low: int, high: int) -> list[int] | None:
    """The values of a numeric cron field ("30", "0,30", "1-3"); None for anything else."""
    values: list[int] = []
    for part in text.split(","):
        m = re.fullmatch(r"(\d+)(?:-(\d+))?", part)
        if not m:
            return None
        a, b = int(m.group(1)), int(m.group(2) or m.group(1))
        if not low <= a <= b <= high:
            return None
        values.extend(range(a, b + 1))
    return values


def dst_problems(schedule: str, zone: str) -> list[str]:
    """Days on which a daily `M H * * *` schedule does not exist or exists twice in `zone`."""
    fields = schedule.split()
    if len(fields) != 5 or fields[2:] != ["*", "*", "*"]:
        return [f"schedule {schedule!r} is not of the form 'M H * * *'; cannot check it for DST"]
    minutes, hours = _field(fields[0], 0, 59), _field(fields[1], 0, 23)
    if minutes is None or hours is None:
        return [f"schedule {schedule!r}: only numbers, lists and ranges are checked for DST"]
    tz = ZoneInfo(zone)
    problems = []
    for year in YEARS:
        day = dt.date(year, 1, 1)
        while day.year == year:
            for h in hours:
                for m in minutes:
                    local = dt.datetime(day.year, day.month, day.day, h, m, tzinfo=tz)
                    roundtrip = local.astimezone(dt.timezone.utc).astimezone(tz)
                    if roundtrip.replace(tzinfo=None) != local.replace(tzinfo=None):
                        problems.append(f"{local:%Y-%m-%d %H:%M} does not exist in {zone} "
                                        "(DST gap): that day's run is skipped")
                    elif local.utcoffset() != local.replace(fold=1).utcoffset():
                        problems.append(f"{local:%Y-%m-%d %H:%M} happens twice in {zone} (DST overlap)")
            day += dt.timedelta(days=1)
    return problems


def check_schedule(where: str, schedule: str | None, zone: str | None) -> None:
    if not schedule or not zone:
        finding(where, "no schedule and time zone to check (both must be set)")
        return
    for problem in dst_problems(schedule, zone)[:3]:
        finding(where, f"schedule {schedule!r}: {problem}")


# ---- Kubernetes -------------------------------------------------------------------------

def image_pinned(image: str) -> bool:
    """A digest, or a tag that is a version (has digits) and is not latest."""
    if "@sha256:" in image:
        return True
    name, _, tag = image.rpartition(":")
    if not name or "/" in tag:  # no tag at all (the colon was a registry port)
        return False
    return tag != "latest" and re.search(r"\d", tag) is not None


def check_cronjob(path: Path) -> None:
    where = str(path.relative_to(ROOT))
    docs = [d for d in yaml.safe_load_all(path.read_text()) if d]
    jobs = [d for d in docs if d.get("kind") == "CronJob"]
    if not jobs:
        finding(where, "no CronJob")
    for cj in jobs:
        spec = cj["spec"]
        check_schedule(where, spec.get("schedule"), spec.get("timeZone"))
        job = spec["jobTemplate"]["spec"]
        rules = (job.get("podFailurePolicy") or {}).get("rules") or []
        ignore_disruption = [
            i for i, r in enumerate(rules)
            if r.get("action") == "Ignore"
            and any(c.get("type") == "DisruptionTarget" for c in r.get("onPodConditions") or [])
        ]
        exit_code_rules = [i for i, r in enumerate(rules) if r.get("onExitCodes")]
        if not ignore_disruption:
            finding(where, "podFailurePolicy has no Ignore rule for the DisruptionTarget condition")
        elif exit_code_rules and min(exit_code_rules) < min(ignore_disruption):
            finding(where, f"podFailurePolicy rule {min(exit_code_rules)} (onExitCodes) comes before the "
                           f"Ignore rule for DisruptionTarget (rule {min(ignore_disruption)}): first match "
                           "wins, so an evicted pod (exit 143/137) would fail the Job")
        for i, r in enumerate(rules):
            for c in r.get("onPodConditions") or []:
                if c.get("status") != "True":
                    finding(where, f"podFailurePolicy rule {i}: onPodConditions {c.get('type')} needs "
                                   'status: "True" (required by Kubernetes < 1.35)')
        pod = job["template"]["spec"]
        pod_sc = pod.get("securityContext") or {}
        for c in pod.get("containers", []) + pod.get("initContainers", []):
            sc = c.get("securityContext") or {}
            seccomp = (sc.get("seccompProfile") or pod_sc.get("seccompProfile") or {}).get("type")
            if seccomp not in ("RuntimeDefault", "Localhost"):
                finding(where, f"container {c['name']}: seccompProfile RuntimeDefault is needed for a "
                               'Pod Security "restricted" namespace')
            if sc.get("allowPrivilegeEscalation") is not False:
                finding(where, f"container {c['name']}: allowPrivilegeEscalation must be false")
            if "ALL" not in ((sc.get("capabilities") or {}).get("drop") or []):
                finding(where, f"container {c['name']}: capabilities must drop ALL")
            if not (sc.get("runAsNonRoot") or pod_sc.get("runAsNonRoot")):
                finding(where, f"container {c['name']}: runAsNonRoot must be true")
            if not image_pinned(c.get("image", "")):
                finding(where, f"container {c['name']}: image {c.get('image')!r} is not a version tag "
                               "or digest (a node keeps an old :latest with IfNotPresent)")


# ---- Airflow ----------------------------------------------------------------------------

def module_constants(path: Path) -> dict[str, str]:
    """Module-level NAME = "string" assignments, read without importing Airflow."""
    out = {}
    for node in ast.parse(path.read_text()).body:
        if isinstance(node, ast.Assign) and isinstance(node.value, ast.Constant) \
                and isinstance(node.value.value, str):
            for t in node.targets:
                if isinstance(t, ast.Name):
                    out[t.id] = node.value.value
    return out


def check_dag(path: Path) -> None:
    where = str(path.relative_to(ROOT))
    consts = module_constants(path)
    check_schedule(where, consts.get("SCHEDULE"), consts.get("PIPELINE_TZ"))
    image = consts.get("IMAGE")
    if image is not None and not image_pinned(image):
        finding(where, f"IMAGE {image!r} is not a version tag or digest")


# ---- Dockerfile -------------------------------------------------------------------------

def full_version(image: str) -> bool:
    """name:1.2.3…, or debian:12.11… (a point release); a major-only tag moves under you."""
    name, _, tag = image.rpartition(":")
    if re.match(r"\d+\.\d+\.\d+(\D|$)", tag):
        return True
    return name.rsplit("/", 1)[-1] == "debian" and re.match(r"\d+\.\d+(\D|$)", tag) is not None


def check_dockerfile(path: Path) -> None:
    where = str(path.relative_to(ROOT))
    text = path.read_text()
    args = dict(re.findall(r"^ARG\s+(\w+)=(\S+)", text, re.M))
    stages = set()
    for line in re.findall(r"^FROM\s+(.+)$", text, re.M):
        words = [w for w in line.split() if not w.startswith("--")]
        image = re.sub(r"\$\{?(\w+)\}?", lambda m: args.get(m.group(1), m.group(0)), words[0])
        if len(words) >= 3 and words[1].lower() == "as":
            stages.add(words[2])
        if image in stages or "@sha256:" in image:
            continue
        if not full_version(image):
            finding(where, f"FROM {image}: pin the base image to a full version or a digest")


# ---- Compose ----------------------------------------------------------------------------

def check_compose(path: Path) -> None:
    where = f"docker-compose.yml (as rendered in {path.name})"
    config = yaml.safe_load(path.read_text())
    services = config.get("services", {})
    for name, svc in services.items():
        image = svc.get("image")
        if image and not svc.get("build") and not image_pinned(image):
            finding(where, f"service {name}: image {image!r} is not a version tag or digest")
        env = svc.get("environment") or {}
        if isinstance(env, list):
            env = dict(e.split("=", 1) if "=" in e else (e, "") for e in env)
        for key, value in env.items():
            if re.search(r"(URL|DSN)$", key) and re.search(r"://[^/@\s]*:[^/@\s]*@", str(value or "")):
                finding(where, f"service {name}: {key} carries a password: pass PGPASSWORD instead "
                               "(a password with @ : / # breaks a URL)")
    pg = services.get("postgres", {})
    test = (pg.get("healthcheck") or {}).get("test") or []
    test = " ".join(test) if isinstance(test, list) else str(test)
    if "pg_isready" not in test or not re.search(r"(-h|--host)[ =]", test):
        finding(where, "postgres health check must run pg_isready -h <host>: without -h it reports "
                       "ready while the image's init server listens only on its socket")
    setup = services.get("metabase-setup")
    if setup is not None:
        env = setup.get("environment") or {}
        if "METABASE_PORT" not in env:
            finding(where, "metabase-setup: pass METABASE_PORT (setup.sh prints the URL with it)")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--compose-config", type=Path, action="append", default=[],
                        help="output of `docker-compose config` (repeatable)")
    args = parser.parse_args()
    check_cronjob(CRONJOB)
    check_dag(DAG)
    check_dockerfile(DOCKERFILE)
    for path in args.compose_config:
        check_compose(path)
    for line in findings:
        print(f"check_deploy: {line}")
    print(f"check_deploy: {len(findings)} finding(s)")
    return 1 if findings else 0


if __name__ == "__main__":
    sys.exit(main())
