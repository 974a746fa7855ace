"""Command line: ``flask --app homecare init | create-user | demo``."""

from __future__ import annotations

import click
import sqlalchemy as sa
from flask import Flask, current_app
from flask.cli import AppGroup, with_appcontext
from flask_babel import gettext as _
from flask_migrate import upgrade

from homecare.auth.accounts import create_staff
from homecare.core.errors import ValidationFailed
from homecare.core.extensions import db
from homecare.core.timeutil import local_today
from homecare.demo.loader import DEMO_PASSWORD, demo_present, load_demo
from homecare.org.models import Profession, Role, Section


def _fail_on_validation(error: ValidationFailed) -> None:
    for field, messages in error.errors.items():
        for message in messages:
            click.echo(f"{field}: {message}", err=True)
    raise SystemExit(1)


@click.command("init")
@with_appcontext
def init_command() -> None:
    """Create or upgrade the database schema by running the migrations."""
    upgrade()
    click.echo(_("The database schema is up to date."))


@click.command("create-user")
@click.option("--username", prompt=True)
@click.option("--password", prompt=True, hide_input=True, confirmation_prompt=True)
@click.option("--role", type=click.Choice([r.value for r in Role]), prompt=True)
@click.option("--full-name", prompt=True)
@click.option("--profession", type=click.Choice([p.value for p in Profession]), default=None)
@click.option("--team", "team_ids", type=int, multiple=True, help="Team id (repeatable).")
@click.option("--section", "section_id", type=int, default=None, help="Section id (leaders).")
@click.option("--temporary", is_flag=True,
              help="The person chooses their own password at the first sign-in.")
@with_appcontext
def create_user_command(username, password, role, full_name, profession, team_ids, section_id,
                        temporary):
    """Create a staff account (prompts for what is not given as a flag)."""
    try:
        staff = create_staff(username=username, password=password, full_name=full_name,
                             role=role, profession=profession, team_ids=team_ids,
                             section_id=section_id, temporary_password=temporary)
    except ValidationFailed as error:
        db.session.rollback()
        _fail_on_validation(error)
    db.session.commit()
    click.echo(_("Created %(role)s %(username)s (id %(id)d).", role=staff.role,
                 username=staff.username, id=staff.id))


@click.command("demo")
@click.option("--if-empty", is_flag=True, help="Only load when the database has no sections.")
@click.option("--seed", type=int, default=2026, show_default=True)
@with_appcontext
def demo_command(if_empty: bool, seed: int) -> None:
    """Load the demo (idempotent) and print the demo logins."""
    if if_empty and not demo_present() and db.session.scalar(sa.select(Section.id).limit(1)):
        click.echo(_("The database already has data; the demo was not loaded."))
        return
    current_app.config["HOMECARE_ALLOW_SYNTHETIC_IDS"] = True  # demo ids are synthetic
    result = load_demo(seed=seed)
    db.session.commit()
    if result.created:
        summary = ", ".join(f"{name}={count}" for name, count in result.counts.items())
        click.echo(_("Demo loaded: %(summary)s.", summary=summary))
    else:
        click.echo(_("The demo is already loaded."))
    click.echo("\n" + _("Demo logins (the password for all: %(password)s):",
                        password=DEMO_PASSWORD))
    for login in result.logins:
        team = f" — {login.team}" if login.team else ""
        click.echo(f"  {login.username:<24} {login.role}{team}")


indicators_group = AppGroup("indicators", help="Control indicators.")


@indicators_group.command("snapshot")
@click.option("--date", "day", type=click.DateTime(formats=["%Y-%m-%d"]), default=None,
              help="Reference date (default today).")
def snapshot_command(day) -> None:
    """Store every team's and section's indicators for a date (replaces that date)."""
    from homecare.indicators.snapshots import build_snapshot

    day = day.date() if day else local_today()
    rows = build_snapshot(day)
    db.session.commit()
    click.echo(_("Stored %(rows)d indicator values for %(day)s.", rows=rows, day=day))


def register(app: Flask) -> None:
    """Add the commands to ``flask --app homecare``."""
    from homecare.auth.oidc_cli import invite_command
    from homecare.fhir.cli import fhir_group
    from homecare.generator.cli import generate_command
    from homecare.scheduler.cli import jobs_group, scheduler_command

    for command in (init_command, create_user_command, demo_command, indicators_group,
                    scheduler_command, jobs_group, generate_command, fhir_group,
                    invite_command):
        app.cli.add_command(command)
