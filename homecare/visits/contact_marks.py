"""Whether the responsible contact made each completed main visit, kept beside it.

``contact_share`` and ``contact_rule`` (INDICATORS.md) read each user's completed main
visits in order of actual start, each marked by whether the responsible contact at that
instant made it. Worked out on every dashboard request, that is a join to the contact
history, a sort and a window over every main visit in the window: most of the
dashboard's cost. So each such visit has a row here, written in the transaction that
changes the visit or the user's contacts, never later (the numbers stay current to the
last logged visit):

- ``made``: 1 if the user's responsible contact at the visit's actual start made it;
- ``since_made``: how many of the user's visits in a row, up to and including this one
  (by actual start, then id), were made without the contact; 0 when the contact made it;
- ``run_started_at``: the actual start of the first visit of that run (for a visit the
  contact made, its own start).

So the longest run without the contact in a stretch of time is read from the stretch's
rows alone, grouped by user: a run that began inside the stretch is its largest
``since_made``; the one that began before it (it can only lead the stretch) is counted
by its visits in the stretch (``indicators.queries.contact_continuity``).

A change at instant ``t`` (a visit logged, completed or corrected, a contact assigned or
ended) changes the rows of that user from ``t`` on; ``renumber`` rewrites exactly those,
continuing the run of the last row before ``t``. Every write calls it through the one
write-time listener below (``core.writes``: a flush, or a batch of new visits). The
test suite checks after every test that the rows equal a recomputation from scratch.
"""

from __future__ import annotations

import functools
import uuid
from collections.abc import Iterable
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy import inspect
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Mapped, mapped_column

from homecare.core.database import GENERIC_PLANS, planned_as
from homecare.core.extensions import db
from homecare.core.writes import Written, when_written
from homecare.service_users.models import ResponsibleContactAssignment, locking_histories
from homecare.visits.models import Visit, VisitKind, VisitStatus


class ContactMark(db.Model):
    """A completed main visit's contact mark: whether the responsible contact made it,
    and the run of visits without the contact it ends."""

    __tablename__ = "contact_marks"
    __table_args__ = (
        sa.CheckConstraint("made IN (0, 1)", name="made_flag"),
        # A section's users (by user and time) or the whole city (by time), index-only
        # on PostgreSQL.
        sa.Index("ix_contact_marks_user_start", "service_user_id", "actual_start",
                 postgresql_include=["made", "since_made", "run_started_at"]),
        sa.Index("ix_contact_marks_start", "actual_start",
                 postgresql_include=["service_user_id", "made", "since_made",
                                     "run_started_at"]),
    )

    visit_id: Mapped[uuid.UUID] = mapped_column(sa.ForeignKey("visits.id", ondelete="CASCADE"),
                                                primary_key=True)
    service_user_id: Mapped[uuid.UUID] = mapped_column(sa.ForeignKey("service_users.id"))
    actual_start: Mapped[datetime]
    made: Mapped[int] = mapped_column(sa.SmallInteger)
    since_made: Mapped[int]
    run_started_at: Mapped[datetime]


#: The visits that have a row here (in SQL and in Python): completed main visits.
COUNTED_STATUS, COUNTED_KIND = VisitStatus.COMPLETED, VisitKind.MAIN
_COLUMNS = ("visit_id", "service_user_id", "actual_start", "made", "since_made",
            "run_started_at")
#: What a row's visit changes in it once written (the user and start are the visit's).
_WRITTEN_OVER = ("made", "since_made", "run_started_at")
#: The visit attributes that decide whether and how a visit counts here.
_VISIT_FIELDS = ("status", "kind", "staff_id", "actual_start", "service_user_id")
#: The assignment attributes that decide who the contact was when.
_CONTACT_FIELDS = ("staff_id", "valid_from", "valid_to", "service_user_id")


def numbered(user_ids=None, since=None) -> sa.Select:
    """The rows this table should hold for the users' visits from ``since`` on (every
    user, all time, when both are None; values or bound parameters): the definition the
    stored rows are checked against, and what ``renumber`` writes.

    The visits are numbered by how many of the user's visits so far the contact made;
    the visits sharing a number are one by the contact (or none, before the first) and
    the run without the contact after it. From ``since`` on, the visits before the
    contact's next one continue the run of the last stored row before ``since``.
    """
    contact = ResponsibleContactAssignment
    made = sa.case((contact.staff_id == Visit.staff_id, 1), else_=0)
    conditions = [Visit.status == COUNTED_STATUS, Visit.kind == COUNTED_KIND]
    if user_ids is not None:
        conditions.append(Visit.service_user_id.in_(user_ids))
    if since is not None:
        conditions.append(Visit.actual_start >= since)
    marked = (sa.select(Visit.id.label("visit_id"), Visit.service_user_id, Visit.actual_start,
                        made.label("made"),
                        sa.func.sum(made).over(partition_by=Visit.service_user_id,
                                               order_by=(Visit.actual_start, Visit.id))
                        .label("made_so_far"))
              .outerjoin(contact, sa.and_(contact.service_user_id == Visit.service_user_id,
                                          contact.covers(Visit.actual_start)))
              .where(*conditions).subquery("marked"))
    run = (marked.c.service_user_id, marked.c.made_so_far)
    since_made = sa.func.sum(1 - marked.c.made).over(
        partition_by=run, order_by=(marked.c.actual_start, marked.c.visit_id))
    started = sa.func.min(sa.case((marked.c.made == 0, marked.c.actual_start))).over(
        partition_by=run)
    if since is not None:
        carried = sa.func.coalesce(_before(since, marked, "since_made"), 0)
        continues = marked.c.made_so_far == 0
        since_made = since_made + sa.case((continues, carried), else_=0)
        started = sa.case((sa.and_(continues, carried > 0),
                           _before(since, marked, "run_started_at")), else_=started)
    return sa.select(marked.c.visit_id, marked.c.service_user_id, marked.c.actual_start,
                     marked.c.made, since_made.label("since_made"),
                     sa.case((marked.c.made == 1, marked.c.actual_start), else_=started)
                     .label("run_started_at"))


def _before(since: datetime, marked, column: str) -> sa.ScalarSelect:
    """``column`` of the visit's user's last stored row before ``since``."""
    stored = ContactMark.__table__
    return (sa.select(stored.c[column])
            .where(stored.c.service_user_id == marked.c.service_user_id,
                   stored.c.actual_start < since)
            .order_by(stored.c.actual_start.desc(), stored.c.visit_id.desc())
            .limit(1).correlate(marked).scalar_subquery())


def renumber(user_ids: Iterable, since: datetime | None,
             connection: sa.Connection | None = None, *, only_added: bool = False) -> None:
    """Rewrite the users' rows from ``since`` on (all of them when None), in the
    transaction of ``connection`` (the session's by default).

    ``only_added``: the change only added visits that count, so no row goes away and the
    rows are written over in one statement (an upsert) instead of deleted and inserted.

    On PostgreSQL the users' rows are locked first (``FOR NO KEY UPDATE``, which still
    lets other transactions insert visits for them), in one order: two transactions
    changing one user's visits at once would otherwise each number without the other's.
    """
    users = sorted(set(user_ids))
    if not users:
        return
    connection = connection or db.session.connection()
    parameters = {"users": users, "since": since}
    statements = _renumbering(connection.dialect.name, since is not None, only_added)
    # Their generic plans: PostgreSQL would plan the upsert anew on every call (its
    # custom plan is estimated cheaper, a recent ``since`` leaving few rows), but both
    # are the same index scans, and planning cost far more than running (bench/RESULTS.md,
    # "Measurements behind the code").
    with planned_as(connection, GENERIC_PLANS):
        for statement in statements:
            connection.execute(statement, parameters)


@functools.cache
def _renumbering(dialect: str, from_instant: bool, only_added: bool) -> tuple:
    """``renumber``'s statements, built once (building them cost more than running them,
    on the path of every visit logged), with the parameters ``users`` and ``since``."""
    users = sa.bindparam("users", expanding=True)
    since = sa.bindparam("since", type_=Visit.actual_start.type) if from_instant else None
    statements = []
    if dialect == "postgresql":
        statements.append(locking_histories(users, key_share=True))
    stored = ContactMark.__table__
    rows = numbered(users, since)
    if only_added:
        # SQLite reads an upsert's SELECT without a WHERE as ambiguous ("ON" could
        # begin a join's condition), so it gets one that is always true.
        return (*statements,
                _written_over(dialect).from_select(_COLUMNS, rows.where(sa.true())))
    later = [stored.c.service_user_id.in_(users)]
    if from_instant:
        later.append(stored.c.actual_start >= since)
    return (*statements, sa.delete(stored).where(*later),
            sa.insert(stored).from_select(_COLUMNS, rows))


def _written_over(dialect: str) -> sa.Insert:
    """``INSERT … ON CONFLICT (visit_id) DO UPDATE``, changing only rows that differ."""
    stored = ContactMark.__table__
    insert = {"postgresql": postgresql.insert, "sqlite": sqlite.insert}[dialect](stored)
    return insert.on_conflict_do_update(
        index_elements=[stored.c.visit_id],
        set_={column: insert.excluded[column] for column in _WRITTEN_OVER},
        where=sa.or_(*(stored.c[column] != insert.excluded[column]
                       for column in _WRITTEN_OVER)))


def rebuild() -> None:
    """Every row anew, from every completed main visit (the bulk generator's last step)."""
    stored = ContactMark.__table__
    connection = db.session.connection()
    connection.execute(sa.delete(stored))
    connection.execute(sa.insert(stored).from_select(_COLUMNS, numbered()))


def _counts(visit: Visit) -> bool:
    return visit.status == COUNTED_STATUS and visit.kind == COUNTED_KIND


class _Changes:
    """The users whose rows a write (a flush or ``save_new``) changes, and the earliest
    instant it touches."""

    def __init__(self):
        self.users: set = set()
        self.since: datetime | None = None

    def add(self, users: Iterable, instants: Iterable) -> None:
        self.users.update(user for user in users if user is not None)
        for instant in instants:
            if instant is not None and (self.since is None or instant < self.since):
                self.since = instant


def _old_and_new(record, fields: tuple[str, ...], created_or_deleted: bool) -> dict | None:
    """Each field's old and current values, or None when none of them changed."""
    state = inspect(record)
    values, changed = {}, created_or_deleted
    for name in fields:
        history = state.attrs[name].history
        changed = changed or history.has_changes()
        values[name] = [*history.deleted, *history.unchanged, *history.added] or [
            getattr(record, name)]  # not loaded, so not changed: its stored value
    return values if changed else None


def _visit_changed(changes: _Changes, visit: Visit, created_or_deleted: bool) -> None:
    values = _old_and_new(visit, _VISIT_FIELDS, created_or_deleted)
    if values is None:
        return
    counted_before = COUNTED_STATUS in values["status"] and COUNTED_KIND in values["kind"]
    if counted_before or _counts(visit):
        changes.add(values["service_user_id"], values["actual_start"])


def _contact_changed(changes: _Changes, assignment, created_or_deleted: bool) -> None:
    values = _old_and_new(assignment, _CONTACT_FIELDS, created_or_deleted)
    if values is not None:
        changes.add(values["service_user_id"], values["valid_from"] + values["valid_to"])


@when_written
def _after_write(written: Written) -> None:
    """Renumber the users whose completed main visits or contacts the write changed
    (a changed record still holds its old values, so a visit that stopped counting is
    seen too). A write that only added records rewrites the rows in one upsert."""
    changes = _Changes()
    for record, whole in written.of(Visit, ResponsibleContactAssignment):
        if isinstance(record, Visit):
            _visit_changed(changes, record, whole)
        else:
            _contact_changed(changes, record, whole)
    if changes.users:
        renumber(changes.users, changes.since, written.connection,
                 only_added=written.only_added)
