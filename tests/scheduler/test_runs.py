"""Exactly once: job runs per period, catch-up after downtime, concurrent schedulers."""

import threading
from datetime import date, datetime, time, timedelta

import sqlalchemy as sa
import time_machine
from flask_migrate import upgrade

from homecare import create_app
from homecare.core.extensions import db
from homecare.core.timeutil import local_zone
from homecare.goals.services import create_goal
from homecare.org.models import Role
from homecare.org.services import create_section, create_team
from homecare.prompts.models import Prompt
from homecare.scheduler.jobs import JOBS
from homecare.scheduler.models import JobRun
from homecare.scheduler.process import build_scheduler, catch_up, next_run
from homecare.scheduler.runner import run_job
from homecare.service_users.services import assign_responsible_contact
from tests.databases import database_kinds, fresh_database
from tests.factories import make_staff, make_user

MONDAY = date(2026, 3, 2)
DAILY = [name for name, job in JOBS.items() if not job.weekly]


def moment(day: date, hour: int):
    return datetime.combine(day, time(hour), tzinfo=local_zone())


def runs(job=None):
    query = sa.select(JobRun.job, JobRun.period).order_by(JobRun.job, JobRun.period)
    if job:
        query = query.where(JobRun.job == job)
    return db.session.execute(query).all()


def test_a_scheduled_run_skips_a_period_already_done(app, org):
    first = run_job("checkin_prompts", MONDAY, trigger="schedule")
    second = run_job("checkin_prompts", MONDAY, trigger="schedule")
    assert first.ran and not second.ran and second.reason == "already done"
    manual = run_job("checkin_prompts", MONDAY)
    assert manual.ran and manual.touched == 0
    assert runs("checkin_prompts") == [("checkin_prompts", MONDAY)]


def test_the_weekly_job_covers_the_week_of_its_monday(app, org):
    run_job("weekly_snapshot", MONDAY + timedelta(days=3), trigger="schedule")
    assert runs("weekly_snapshot") == [("weekly_snapshot", MONDAY)]
    assert not run_job("weekly_snapshot", MONDAY + timedelta(days=5), trigger="schedule").ran


def test_catch_up_after_three_days_off_runs_each_daily_job_once(app, org):
    with time_machine.travel(moment(MONDAY, 6), tick=False):
        assert {o.job for o in catch_up() if o.ran} == set(DAILY)
    # Off on Tuesday, Wednesday and Thursday; back on Friday at 04:00, then 06:00.
    friday = MONDAY + timedelta(days=4)
    with time_machine.travel(moment(friday, 4), tick=False):
        # Before today's 05:00 runs; only Monday night's weekly job is due.
        assert [o.job for o in catch_up() if o.ran] == ["weekly_snapshot"]
    with time_machine.travel(moment(friday, 6), tick=False):
        assert sorted(o.job for o in catch_up() if o.ran) == sorted(DAILY)
        assert [o for o in catch_up() if o.ran] == []
    for name in DAILY:
        assert runs(name) == [(name, MONDAY), (name, friday)]


def test_catch_up_runs_the_weekly_job_after_monday_night(app, org):
    with time_machine.travel(moment(MONDAY + timedelta(days=1), 6), tick=False):
        ran = {o.job for o in catch_up() if o.ran}
    assert "weekly_snapshot" in ran
    assert runs("weekly_snapshot") == [("weekly_snapshot", MONDAY)]


def test_the_schedule(app):
    with app.app_context(), time_machine.travel(moment(MONDAY, 6), tick=False):
        assert next_run(JOBS["checkin_prompts"]) == moment(MONDAY + timedelta(days=1), 5)
        assert next_run(JOBS["weekly_snapshot"]) == moment(MONDAY, 23)
        scheduler = build_scheduler(app)
        jobs = {job.id: job for job in scheduler.get_jobs()}
    assert set(jobs) == set(JOBS)
    assert all(job.coalesce and job.max_instances == 1 and job.misfire_grace_time >= 3600
               for job in jobs.values())


def test_jobs_list_and_run_commands(app, org):
    runner = app.test_cli_runner()
    listed = runner.invoke(args=["jobs", "list"])
    assert listed.exit_code == 0
    assert all(name in listed.output for name in JOBS) and listed.output.count("neste") == 4
    first = runner.invoke(args=["jobs", "run", "what_matters_reminders", "--date", "2026-03-02"])
    again = runner.invoke(args=["jobs", "run", "what_matters_reminders", "--date", "2026-03-02"])
    assert first.exit_code == again.exit_code == 0
    assert ": 0 rader" in again.output


def _seed(app) -> int:
    """A team with goals falling due on different days of the week; returns how many
    distinct follow-up prompts the week should make."""
    with app.app_context():
        section = create_section("Seksjon")
        team = create_team("Team", section)
        nurse = make_staff(Role.STAFF, teams=[team], username="nurse")
        for offset in range(7):
            user = make_user(team, start=MONDAY - timedelta(days=60))
            assign_responsible_contact(user, nurse, moment(MONDAY - timedelta(days=50), 9))
            create_goal(user=user, created_by=nurse, description="Mål", expressed_by="user",
                        start_date=MONDAY - timedelta(days=14) + timedelta(days=offset),
                        checkin_interval_days=14)
        db.session.commit()
    return 7


def test_two_schedulers_for_a_simulated_week_do_each_thing_once(tmp_path):
    for kind in database_kinds():
        with fresh_database(kind, tmp_path) as url:
            app = create_app({"SQLALCHEMY_DATABASE_URI": url, "TESTING": True})
            with app.app_context():
                upgrade()
            expected_prompts = _seed(app)
            ran = []

            def scheduler(day, barrier, app=app, ran=ran):
                barrier.wait()
                with app.app_context():
                    for name in DAILY:
                        ran.append(run_job(name, day, trigger="schedule"))

            for offset in range(7):
                day = MONDAY + timedelta(days=offset)
                barrier = threading.Barrier(2)
                threads = [threading.Thread(target=scheduler, args=(day, barrier))
                           for _ in range(2)]
                with time_machine.travel(moment(day, 5), tick=False):
                    for thread in threads:
                        thread.start()
                    for thread in threads:
                        thread.join()
            with app.app_context():
                checkins = db.session.scalar(sa.select(sa.func.count()).select_from(Prompt)
                                             .where(Prompt.kind == "checkin_due"))
                job_runs = db.session.execute(sa.select(JobRun.job, JobRun.period)).all()
                db.session.remove()  # give the connection back before the pool goes
                db.engine.dispose()
            assert checkins == expected_prompts, kind
            assert sorted(job_runs) == sorted({(o.job, o.period) for o in ran}), kind
            assert len(job_runs) == 7 * len(DAILY), kind
            assert sum(1 for o in ran if o.ran) == 7 * len(DAILY), kind


def test_the_scheduler_holds_no_lock_while_it_waits_after_catching_up(
        tmp_path, monkeypatch):
    """`make run` runs the scheduler beside the web server on one SQLite file. The
    catch-up's read transaction stayed open while the scheduler waited, and SQLite let
    no web request write past it ("database is locked", every sign-in a 500)."""
    import sqlite3

    from homecare.scheduler import cli

    with fresh_database("sqlite", tmp_path) as url:
        app = create_app({"SQLALCHEMY_DATABASE_URI": url, "TESTING": True})
        with app.app_context():
            upgrade()
        writes = []

        class WaitingScheduler:
            def start(self):
                other = sqlite3.connect(url.removeprefix("sqlite:///"), timeout=0.5)
                try:
                    other.execute("CREATE TABLE probe (x INTEGER)")
                    other.commit()
                    writes.append("written")
                finally:
                    other.close()

        monkeypatch.setattr(cli, "build_scheduler", lambda _app: WaitingScheduler())
        with time_machine.travel(moment(MONDAY, 6), tick=False):
            result = app.test_cli_runner().invoke(args=["scheduler"])
        assert "Tok igjen" in result.output, result.output   # the catch-up ran
        assert result.exception is None, result.exception
        assert writes == ["written"]
