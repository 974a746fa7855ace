"""Running a job exactly once per period, however many schedulers are running.

A scheduled run claims its period by inserting the ``job_runs`` row in the same
transaction as its work: a second scheduler either sees the row and skips, or waits on
the unique index and skips when the first commits. On PostgreSQL an advisory lock per
job makes the second give up at once instead of waiting. The jobs' own writes are
idempotent too (prompts have unique keys), so a manual re-run changes nothing.
"""

from __future__ import annotations

import time
import zlib
from dataclasses import dataclass
from datetime import date

import sqlalchemy as sa
from flask import current_app
from sqlalchemy.exc import IntegrityError, OperationalError

from homecare.core.database import sqlite_turn
from homecare.core.extensions import db
from homecare.core.metrics import JOB_FAILURES, JOB_RUNS, JOB_SECONDS
from homecare.core.timeutil import utcnow
from homecare.scheduler.jobs import JOBS
from homecare.scheduler.models import JobRun


@dataclass(frozen=True)
class Outcome:
    """What a run attempt did."""

    job: str
    period: date
    ran: bool
    touched: int = 0
    seconds: float = 0.0
    reason: str = ""


def _advisory_lock(name: str) -> bool:
    """PostgreSQL: take the job's lock for this transaction, or learn someone holds it."""
    if db.session.get_bind().dialect.name != "postgresql":
        return True
    key = zlib.crc32(f"homecare-job:{name}".encode())
    return bool(db.session.scalar(sa.select(sa.func.pg_try_advisory_xact_lock(key))))


def run_for(name: str, period: date) -> JobRun | None:
    """The record of the job's run for a period, if it ran."""
    return db.session.scalar(sa.select(JobRun).where(JobRun.job == name, JobRun.period == period))


def run_job(name: str, day: date, *, trigger: str = "manual") -> Outcome:
    """Run ``name`` for the period containing ``day`` and commit.

    Scheduled and catch-up runs skip a period already done; a manual run does the
    (idempotent) work again and updates the record.
    """
    try:
        with sqlite_turn():   # two schedulers' threads would otherwise both fail on SQLite
            outcome = _run_job(name, day, trigger)
    except Exception:
        JOB_RUNS.labels(name, "failed").inc()
        JOB_FAILURES.labels(name).inc()
        raise
    JOB_RUNS.labels(name, "ran" if outcome.ran else "skipped").inc()
    if outcome.ran:
        JOB_SECONDS.labels(name).observe(outcome.seconds)
    return outcome


def _run_job(name: str, day: date, trigger: str) -> Outcome:
    job = JOBS[name]
    period = job.period(day)
    try:
        if trigger != "manual" and not _advisory_lock(name):
            db.session.rollback()
            return Outcome(name, period, False, reason="running elsewhere")
        run = run_for(name, period)
        if run is not None and trigger != "manual":
            db.session.rollback()
            return Outcome(name, period, False, reason="already done")
        if run is None:
            run = JobRun(job=name, period=period, trigger=trigger)
            db.session.add(run)
            db.session.flush()  # claims the period (unique) before doing the work
        started = time.monotonic()
        touched = job.work(period)
        run.finished_at, run.touched, run.trigger = utcnow(), touched, trigger
        run.seconds = round(time.monotonic() - started, 3)
        db.session.commit()
    except (IntegrityError, OperationalError) as error:
        db.session.rollback()
        if isinstance(error, OperationalError) and "locked" not in str(error).lower():
            raise
        return Outcome(name, period, False, reason="claimed by another scheduler")
    current_app.logger.info("job run", extra={"fields": {
        "job": name, "period": period.isoformat(), "trigger": trigger, "rows": touched,
        "seconds": run.seconds}})
    return Outcome(name, period, True, touched, run.seconds)


def last_runs() -> dict[str, JobRun]:
    """Each job's most recent run."""
    latest = (sa.select(JobRun.job, sa.func.max(JobRun.period).label("period"))
              .group_by(JobRun.job).subquery())
    runs = db.session.scalars(sa.select(JobRun).join(
        latest, sa.and_(JobRun.job == latest.c.job, JobRun.period == latest.c.period)))
    return {run.job: run for run in runs}
