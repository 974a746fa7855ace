"""The indicator statements in two lanes side by side (PostgreSQL, committed data) give
exactly what they give one after the other on the session's connection.

The rest of the suite runs each test in a transaction that is rolled back, so its data is
never committed and the lanes always run one after the other there (a connection of their
own could not see it); this test commits generated data to a database of its own.
"""

from __future__ import annotations

import pytest
import sqlalchemy as sa
from flask_migrate import upgrade

from homecare import create_app
from homecare.core import database
from homecare.core.extensions import db
from homecare.core.timeutil import local_today
from homecare.generator.cli import generate
from homecare.generator.scale import TINY
from homecare.indicators.compute import compute, compute_many
from homecare.org.models import Section, Team
from homecare.sections.thresholds import DEFAULT_SETTINGS
from tests.databases import database_kinds, fresh_database


@pytest.fixture(scope="module")
def committed_app(tmp_path_factory):
    """An app on a PostgreSQL database of its own, filled with generated data, committed."""
    with fresh_database("postgresql", tmp_path_factory.mktemp("lanes")) as url:
        app = create_app({"SQLALCHEMY_DATABASE_URI": url, "TESTING": True})
        with app.app_context():
            upgrade()
            generate(TINY.but(users=120, months=2))
        yield app
        with app.app_context():
            db.engine.dispose()


def _connections_used(work):
    """``work()``'s result (in the app context pushed), and how many database
    connections its statements ran on."""
    used = set()
    listener = lambda conn, *_args: used.add(id(conn.connection.dbapi_connection))  # noqa: E731
    sa.event.listen(db.engine, "before_cursor_execute", listener)
    try:
        return work(), len(used)
    finally:
        sa.event.remove(db.engine, "before_cursor_execute", listener)


def _in_new_transaction(app, work):
    """``_connections_used(work)`` in an app context (and so a transaction) of its own."""
    with app.app_context():
        return _connections_used(work)


def _section_one():
    teams = list(db.session.scalars(sa.select(Team.id).where(Team.section_id == 1)))
    return compute(teams, local_today(), 28, DEFAULT_SETTINGS)


def _every_section():
    scopes = {}
    for section_id in db.session.scalars(sa.select(Section.id)):
        teams = list(db.session.scalars(sa.select(Team.id).where(Team.section_id == section_id)))
        scopes[section_id] = (teams, DEFAULT_SETTINGS)
    return compute_many(scopes, local_today(), 28)


def _one_after_the_other(monkeypatch):
    monkeypatch.setattr(database, "_can_read_beside", lambda _connection: False)


ON_POSTGRESQL = pytest.mark.parametrize(
    "kind", [kind for kind in database_kinds() if kind == "postgresql"])


@ON_POSTGRESQL
def test_side_by_side_gives_what_one_after_the_other_gives(committed_app, monkeypatch, kind):
    beside, connections = _in_new_transaction(committed_app, _section_one)
    assert connections == 2
    for lane_family in ("contact_share", "followups_done", "what_matters_coverage",
                        "followups_up_to_date"):
        assert beside.total[lane_family].n > 0, lane_family
    _one_after_the_other(monkeypatch)
    alone, connections = _in_new_transaction(committed_app, _section_one)
    assert connections == 1
    assert (beside.teams, beside.total) == (alone.teams, alone.total)


@ON_POSTGRESQL
def test_every_section_at_once_side_by_side(committed_app, monkeypatch, kind):
    beside, connections = _in_new_transaction(committed_app, _every_section)
    assert connections == 2
    _one_after_the_other(monkeypatch)
    alone, connections = _in_new_transaction(committed_app, _every_section)
    assert connections == 1
    assert beside.keys() == alone.keys() and len(beside) > 1
    for section_id, computed in beside.items():
        assert (computed.teams, computed.total) == (alone[section_id].teams,
                                                    alone[section_id].total)


@ON_POSTGRESQL
def test_after_a_write_the_lanes_read_on_the_writing_connection(committed_app, kind):
    """Visits deleted in this transaction, not committed, are gone for every lane: none
    may read on a connection that still sees them."""
    from homecare.visits.models import Visit

    with committed_app.app_context():
        before = _section_one()
        db.session.execute(sa.delete(Visit))
        try:
            after, connections = _connections_used(_section_one)
        finally:
            db.session.rollback()
    assert before.total["contact_share"].n > 0 and before.total["distinct_staff_14d"].n > 0
    assert connections == 1
    assert after.total["contact_share"].n == 0
    assert after.total["distinct_staff_14d"].n == 0


@ON_POSTGRESQL
def test_a_repeatable_read_transaction_keeps_its_lanes_on_its_snapshot(committed_app, kind):
    with committed_app.app_context():
        db.session.connection().exec_driver_sql(
            "SET TRANSACTION ISOLATION LEVEL REPEATABLE READ")
        computed, connections = _connections_used(_section_one)
        db.session.rollback()
    assert connections == 1 and computed.total["contact_share"].n > 0
