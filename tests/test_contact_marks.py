"""The contact marks kept beside each completed main visit (``visits.contact_marks``).

After every test the suite checks that the kept rows equal a recomputation
(``tests/conftest.py``); these tests drive the orders of events that make keeping them
hard, and check the indicators that read them against hand-worked values.
"""

import uuid
from datetime import UTC, timedelta

import sqlalchemy as sa

from homecare.core.extensions import db
from homecare.visits.contact_marks import ContactMark, renumber
from homecare.visits.models import VisitKind, VisitStatus
from tests.indicators.builders import at, contact, indicators, user, visit


def _synced_visit(service_user, staff, offset) -> dict:
    start = at(offset)
    return {"id": str(uuid.uuid4()), "kind": "visit", "body": {
        "service_user_id": str(service_user.id), "staff_id": staff.id, "kind": "main",
        "planned_start": start.isoformat(), "planned_minutes": 30, "status": "completed",
        "actual_start": start.isoformat(),
        "actual_end": (start + timedelta(minutes=30)).isoformat()}}


def _marks(service_user) -> list[tuple[int, int]]:
    """Each visit's (made, since_made), in order."""
    return [tuple(row) for row in db.session.execute(
        sa.select(ContactMark.made, ContactMark.since_made)
        .where(ContactMark.service_user_id == service_user.id)
        .order_by(ContactMark.actual_start))]


def test_a_visit_synced_late_splits_the_run_it_falls_in(api_as, org):
    a1, coord = org.staff_a1, org.coordinator_a1
    u = user(org.team_a1)
    contact(u, a1, -40)
    assert api_as(a1).post("/sync", json={"operations": [_synced_visit(u, a1, -14)]}
                           ).status_code == 200
    for offset in (-12, -10, -6, -4):
        visit(u, coord, offset)                       # four in a row without the contact
    assert _marks(u) == [(1, 0), (0, 1), (0, 2), (0, 3), (0, 4)]
    # The contact's visit on day -8 reaches the server only now, from the tablet.
    assert api_as(a1).post("/sync", json={"operations": [_synced_visit(u, a1, -8)]}
                           ).status_code == 200
    assert _marks(u) == [(1, 0), (0, 1), (0, 2), (1, 0), (0, 1), (0, 2)]
    starts = db.session.scalars(sa.select(ContactMark.run_started_at)
                                .where(ContactMark.service_user_id == u.id)
                                .order_by(ContactMark.actual_start))
    assert [s.astimezone(UTC) for s in starts] == [
        at(offset).astimezone(UTC) for offset in (-14, -12, -12, -8, -6, -6)]
    teams, _total = indicators(org.team_a1, contact_every_n=3)
    rule, share = teams[org.team_a1.id]["contact_rule"], teams[org.team_a1.id]["contact_share"]
    assert (rule.value, rule.n) == (100.0, 1)          # longest run 2 < 3
    assert (share.value, share.n) == (33.3, 1)         # 2 of 6


def test_a_contact_named_after_the_visits_counts_for_them(org):
    a1, coord = org.staff_a1, org.coordinator_a1
    u = user(org.team_a1)
    for offset, staff in ((-9, a1), (-6, coord), (-3, a1)):
        visit(u, staff, offset)
    assert _marks(u) == [(0, 1), (0, 2), (0, 3)]       # no contact yet
    contact(u, a1, -20)                                # named now, from before the visits
    assert _marks(u) == [(1, 0), (0, 1), (1, 0)]
    contact(u, coord, -5)                              # and changed before the last one
    assert _marks(u) == [(1, 0), (0, 1), (0, 2)]
    share = indicators(org.team_a1)[0][org.team_a1.id]["contact_share"]
    assert (share.value, share.n) == (33.3, 1)


def test_a_visit_that_stops_counting_leaves_no_mark(org):
    """A data repair through the ORM (the service never turns a completed visit back):
    a visit no longer a completed main visit loses its row, and the later ones the run
    it ended."""
    a1, coord = org.staff_a1, org.coordinator_a1
    u = user(org.team_a1)
    contact(u, a1, -20)
    first = visit(u, a1, -9)
    visit(u, coord, -6)
    assert _marks(u) == [(1, 0), (0, 1)]
    first.kind = VisitKind.SHORT
    db.session.flush()
    assert _marks(u) == [(0, 1)]
    first.kind, first.status = VisitKind.MAIN, VisitStatus.MISSED
    db.session.flush()
    assert _marks(u) == [(0, 1)]


def test_a_corrected_start_moves_the_visit_in_the_order(org):
    a1, coord = org.staff_a1, org.coordinator_a1
    u = user(org.team_a1)
    contact(u, a1, -20)
    visit(u, coord, -2, hour=9)
    late = visit(u, a1, -2, hour=15)
    assert _marks(u) == [(0, 1), (1, 0)]
    late.actual_start, late.actual_end = at(-2, 8), at(-2, 8) + timedelta(minutes=30)
    db.session.flush()
    assert _marks(u) == [(1, 0), (0, 1)]
    # Back after the other: the rows from where it was are renumbered, not from where
    # it goes.
    late.actual_start, late.actual_end = at(-2, 16), at(-2, 16) + timedelta(minutes=30)
    db.session.flush()
    assert _marks(u) == [(0, 1), (1, 0)]


def test_renumbering_locks_the_users_first_on_postgresql(dialect, org):
    """Two transactions renumbering one user at once would each number without the
    other's visits: on PostgreSQL the users' rows are locked first, in one order (the
    lock lets visits for them still be inserted: ``FOR NO KEY UPDATE``). Rows the test
    never commits cannot be contended from a second connection, so the statement is
    what is checked."""
    users = [user(org.team_a1).id for _ in range(3)]
    statements = []

    def listen(_connection, _cursor, statement, *_rest):
        statements.append(statement)

    sa.event.listen(db.engine, "before_cursor_execute", listen)
    try:
        renumber(users, None)
    finally:
        sa.event.remove(db.engine, "before_cursor_execute", listen)
    locks = [s for s in statements if "FOR NO KEY UPDATE" in s]
    if dialect == "sqlite":
        assert locks == []                             # SQLite serialises writers itself
        return
    assert len(locks) == 1 and "FROM service_users" in locks[0]
    assert "ORDER BY service_users.id" in locks[0]


def test_renumbering_leaves_the_plan_setting_as_it_found_it(dialect, org):
    """On PostgreSQL the renumbering runs on kept (generic) plans, and only it: the rest
    of the transaction plans as before."""
    if dialect != "postgresql":
        return
    u = user(org.team_a1)
    connection = db.session.connection()
    before = connection.exec_driver_sql("SHOW plan_cache_mode").scalar()
    seen = []

    def listen(_connection, _cursor, statement, *_rest):
        if statement.startswith("INSERT INTO contact_marks"):
            seen.append(_connection.exec_driver_sql("SHOW plan_cache_mode").scalar())

    sa.event.listen(db.engine, "before_cursor_execute", listen)
    try:
        renumber([u.id], at(-1), only_added=True)
    finally:
        sa.event.remove(db.engine, "before_cursor_execute", listen)
    assert seen == ["force_generic_plan"]
    assert connection.exec_driver_sql("SHOW plan_cache_mode").scalar() == before == "auto"
