"""``flask generate``: fill an empty database with a realistic world, fast."""

from __future__ import annotations

import random
import time
from collections.abc import Callable

import click
import sqlalchemy as sa
from flask.cli import with_appcontext
from flask_babel import gettext as _

from homecare.core.extensions import db
from homecare.core.timeutil import local_today, utcnow
from homecare.demo.loader import DEMO_PASSWORD
from homecare.generator import bulk
from homecare.generator.care import (
    PLANNED_AHEAD_DAYS,
    org_rows,
    plan_users,
    record_rows,
    visit_rows,
)
from homecare.generator.people import Ids, build_world
from homecare.generator.scale import SCALES, Scale
from homecare.org.models import Section, Staff
from homecare.visits import contact_marks
from homecare.visits.contact_marks import ContactMark
from homecare.visits.models import Visit


def _password_hash() -> str:
    """One hash for every generated account (hashing thousands would take minutes)."""
    someone = Staff()
    someone.set_password(DEMO_PASSWORD)
    return someone.password_hash


def _expected_visits(world, plans, scale: Scale, today) -> int:
    days = scale.months * 30 + PLANNED_AHEAD_DAYS
    total = 0
    for user, plan in zip(world.users, plans, strict=True):
        span = min(days, ((user.end or today) - user.start).days + PLANNED_AHEAD_DAYS)
        total += max(0, span) * plan.visits_per_day // plan.every_days
    return total


def _load(table: str, rows, length: int) -> int:
    with click.progressbar(length=max(length, 1), label=f"{table:>22}", show_pos=True,
                           width=30) as bar:
        return bulk.write(table, rows, bar.update)


def _indexes_built_after(table: sa.Table, fill: Callable[[], int]) -> int:
    """``fill()`` the table; on PostgreSQL its secondary indexes are built once after
    loading rather than kept up to date row by row."""
    indexes = list(table.indexes)
    postgres = db.engine.dialect.name == "postgresql"
    if postgres:
        for index in indexes:
            index.drop(db.session.connection())
    count = fill()
    if postgres:
        click.echo(_("Building the indexes of %(table)s…", table=table.name))
        for index in indexes:
            index.create(db.session.connection())
    return count


def _load_visits(rows, length: int) -> int:
    """Visits are most of the data."""
    return _indexes_built_after(Visit.__table__, lambda: _load("visits", rows, length))


def _number_contact_visits() -> int:
    """Each completed main visit marked by whether the contact made it, from the visits
    and contacts just loaded (``visits.contact_marks``)."""
    def fill() -> int:
        contact_marks.rebuild()
        return db.session.scalar(sa.select(sa.func.count()).select_from(ContactMark))
    return _indexes_built_after(ContactMark.__table__, fill)


def generate(scale: Scale) -> dict[str, int]:
    """Generate ``scale`` into the (empty) database and commit; returns rows per table."""
    today, now = local_today(), utcnow()
    world = build_world(scale, today)
    plans = plan_users(world, scale)
    ids = Ids(scale.seed + 7919)
    counts = {}
    for table, rows in org_rows(world, now, _password_hash(),
                                random.Random(scale.seed)).items():  # noqa: S311
        counts[table] = _load(table, rows, len(rows))
    for table, rows in record_rows(world, scale, plans, today, now, ids).items():
        counts[table] = _load(table, rows, len(rows))
    counts["visits"] = _load_visits(visit_rows(world, scale, plans, today, now, ids),
                                    _expected_visits(world, plans, scale, today))
    counts["contact_marks"] = _number_contact_visits()
    bulk.reset_sequences()
    db.session.commit()
    return counts


def vacuum_analyze() -> None:
    """Statistics for the planner, and visibility maps so that covering indexes are read
    without visiting the table (what autovacuum would do in time). PostgreSQL only."""
    if db.engine.dialect.name == "postgresql":
        with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
            conn.exec_driver_sql("VACUUM ANALYZE")


@click.command("generate")
@click.option("--scale", "scale_name", type=click.Choice(sorted(SCALES)), default="section",
              show_default=True, help="A named size; the options below override its numbers.")
@click.option("--sections", type=click.IntRange(1, 1000), default=None)
@click.option("--teams-per-section", type=click.IntRange(1, 200), default=None)
@click.option("--users", type=click.IntRange(1, 1_000_000), default=None)
@click.option("--staff", type=click.IntRange(1, 100_000), default=None)
@click.option("--months", type=click.IntRange(1, 60), default=None)
@click.option("--seed", type=int, default=None)
@with_appcontext
def generate_command(scale_name, sections, teams_per_section, users, staff, months, seed):
    """Fill an empty database with realistic, repeatable data (for benchmarks)."""
    if db.session.scalar(sa.select(sa.func.count()).select_from(Section)):
        raise click.ClickException(_("The database is not empty; generate into a new one."))
    scale = SCALES[scale_name].but(sections=sections, teams_per_section=teams_per_section,
                                   users=users, staff=staff, months=months, seed=seed)
    started = time.monotonic()
    counts = generate(scale)
    vacuum_analyze()
    click.echo(_("Generated %(rows)d rows in %(seconds).0f s: %(counts)s.",
                 rows=sum(counts.values()), seconds=time.monotonic() - started,
                 counts=", ".join(f"{t} {n}" for t, n in counts.items())))
