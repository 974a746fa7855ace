"""The scheduler process: APScheduler 3's BlockingScheduler, in a process of its own.

Never started by ``create_app`` or a web worker. On start it catches up: any job whose
current period has no run yet, and whose time has come, runs once (a machine that was
off for three days runs each daily job once, for today).
"""

from __future__ import annotations

import logging
from datetime import datetime

from apscheduler.schedulers.blocking import BlockingScheduler
from apscheduler.triggers.cron import CronTrigger
from flask import Flask

from homecare.core.timeutil import local_today, local_zone, utcnow
from homecare.scheduler.jobs import JOBS, Job
from homecare.scheduler.runner import Outcome, run_for, run_job

#: A run missed while the process slept (not stopped) still runs within this time.
MISFIRE_GRACE_SECONDS = 12 * 3600


def trigger_for(job: Job) -> CronTrigger:
    """The job's schedule in the service's time zone."""
    return CronTrigger(timezone=local_zone(), **job.cron)


def next_run(job: Job, now: datetime | None = None) -> datetime | None:
    """When the job runs next."""
    now = now or utcnow()
    return trigger_for(job).get_next_fire_time(None, now.astimezone(local_zone()))


def due_since_period_start(job: Job, now: datetime) -> bool:
    """Whether the job's scheduled time in the current period has passed."""
    local_now = now.astimezone(local_zone())
    period = job.period(local_now.date())
    start = datetime.combine(period, datetime.min.time(), tzinfo=local_zone())
    fire = trigger_for(job).get_next_fire_time(None, start)
    return fire is not None and fire <= local_now


def catch_up(now: datetime | None = None) -> list[Outcome]:
    """Run, once, every job whose time this period has come but that has not run."""
    now = now or utcnow()
    today = now.astimezone(local_zone()).date()
    outcomes = []
    for job in JOBS.values():
        if due_since_period_start(job, now) and run_for(job.name, job.period(today)) is None:
            outcomes.append(run_job(job.name, today, trigger="catch-up"))
    return outcomes


def _scheduled(app: Flask, name: str) -> None:
    """One scheduled run. A failure is logged here, as a JSON line without the error's
    message (``core.logs``), and the job runs again at its next time."""
    with app.app_context():
        try:
            outcome = run_job(name, local_today(), trigger="schedule")
        except Exception:
            app.logger.exception("job failed", extra={"fields": {"job": name}})
            return
        if not outcome.ran:
            app.logger.info("job skipped", extra={"fields": {
                "job": name, "period": outcome.period.isoformat(), "reason": outcome.reason}})


def _log_like(app: Flask) -> None:
    """APScheduler's own warnings (a run missed) go out as the app's JSON lines."""
    logger = logging.getLogger("apscheduler")
    for handler in app.logger.handlers:
        if handler not in logger.handlers:
            logger.addHandler(handler)
    logger.setLevel(logging.WARNING)
    logger.propagate = False


def build_scheduler(app: Flask) -> BlockingScheduler:
    """A scheduler with the four jobs; each run in its own app context and transaction."""
    _log_like(app)
    scheduler = BlockingScheduler(timezone=local_zone())
    for job in JOBS.values():
        scheduler.add_job(_scheduled, trigger_for(job), args=[app, job.name], id=job.name,
                          name=job.description, replace_existing=True, coalesce=True,
                          max_instances=1, misfire_grace_time=MISFIRE_GRACE_SECONDS)
    return scheduler
