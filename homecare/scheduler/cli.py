"""``flask --app homecare scheduler`` and ``flask --app homecare jobs list|run``."""

from __future__ import annotations

import click
from flask import current_app
from flask.cli import AppGroup, with_appcontext
from flask_babel import format_datetime
from flask_babel import gettext as _

from homecare.core.extensions import db
from homecare.core.health import exit_unless_ready
from homecare.core.metrics import serve_on_port
from homecare.core.timeutil import local_today
from homecare.scheduler.jobs import JOBS
from homecare.scheduler.process import build_scheduler, catch_up, next_run
from homecare.scheduler.runner import last_runs, run_job

jobs_group = AppGroup("jobs", help="Scheduled jobs.")


@click.command("scheduler")
@with_appcontext
def scheduler_command() -> None:
    """Run the scheduler in this process (catches up on start; stop with Ctrl-C)."""
    app = current_app._get_current_object()
    exit_unless_ready(app, "scheduler")
    for outcome in catch_up():
        click.echo(_("Caught up %(job)s for %(period)s: %(n)d rows.", job=outcome.job,
                     period=outcome.period, n=outcome.touched) if outcome.ran else
                   _("%(job)s for %(period)s: %(reason)s.", job=outcome.job,
                     period=outcome.period, reason=outcome.reason))
    # The catch-up's last read left a transaction open in this context's session. The
    # scheduler waits here for days; on SQLite that open read would let no web request
    # write ("database is locked"). Each scheduled run has a session of its own.
    db.session.remove()
    scheduler = build_scheduler(app)
    port = app.config.get("HOMECARE_SCHEDULER_METRICS_PORT")
    if port:
        serve_on_port(port, app.config["HOMECARE_SCHEDULER_METRICS_ADDRESS"],
                      app.config.get("HOMECARE_METRICS_TOKEN"))
    click.echo(_("Scheduler running with %(n)d jobs.", n=len(JOBS)))
    app.logger.info("scheduler started", extra={"fields": {"jobs": sorted(JOBS)}})
    try:
        scheduler.start()
    except (KeyboardInterrupt, SystemExit):
        click.echo(_("Scheduler stopped."))


@jobs_group.command("list")
def list_command() -> None:
    """Each job with its next run and what its last run did."""
    runs = last_runs()
    for job in JOBS.values():
        last = runs.get(job.name)
        done = _("never") if last is None else _(
            "%(period)s (%(trigger)s): %(n)d rows in %(seconds).2f s", period=last.period,
            trigger=last.trigger, n=last.touched, seconds=last.seconds)
        when = _("next: %(next)s   last: %(last)s", next=format_datetime(next_run(job)),
                 last=done)
        click.echo(f"{job.name:<24} {job.description}\n    {when}")


@jobs_group.command("run")
@click.argument("name", type=click.Choice(sorted(JOBS)))
@click.option("--date", "day", type=click.DateTime(formats=["%Y-%m-%d"]), default=None,
              help="The day to run for (default today).")
def run_command(name: str, day) -> None:
    """Run a job now for a day (safe to repeat: it creates nothing twice)."""
    outcome = run_job(name, day.date() if day else local_today(), trigger="manual")
    click.echo(_("%(job)s for %(period)s: %(n)d rows in %(seconds).2f s.", job=name,
                 period=outcome.period, n=outcome.touched, seconds=outcome.seconds))
