"""The user's journal: everything written about one user, newest first, in one timeline.

Notes written at visits and follow-ups appeared on no screen: a colleague could not read
what happened at earlier visits (issue 31). The journal shows every kind of record in
the order it happened, a page at a time and by kind, in a fixed number of queries
whatever the record holds: the newest ``page * size + 1`` of each kind are read, merged
and cut.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass
from datetime import date, datetime, time

import sqlalchemy as sa
from sqlalchemy.orm import joinedload, selectinload

from homecare.core.extensions import db
from homecare.core.timeutil import local_zone, to_local, utcnow
from homecare.decisions.models import Decision
from homecare.goals.models import CheckIn, Goal
from homecare.org.models import Staff
from homecare.service_users.models import ResponsibleContactAssignment, ServiceUser
from homecare.visits.models import Visit
from homecare.what_matters.models import WhatMattersConversation

#: Entries on one page of the journal (the user page shows the first few).
PAGE_SIZE = 20


class EntryKind(enum.StrEnum):
    """The kinds of record the journal shows (and filters by)."""

    VISIT = "visit"
    CHECK_IN = "check_in"
    WHAT_MATTERS = "what_matters"
    GOAL = "goal"
    DECISION = "decision"
    CONTACT = "contact"


@dataclass(frozen=True)
class Entry:
    """One line of the journal: what kind, when, and the record it shows."""

    kind: EntryKind
    at: datetime
    record: object
    #: For a goal: whether this entry is its closing rather than its start.
    closing: bool = False


def _on(day: date, written: datetime | None) -> datetime:
    """When a record dated ``day`` happened, for ordering: the time it was written if that
    was on the same day, else midday."""
    if written is not None and to_local(written).date() == day:
        return to_local(written)
    return datetime.combine(day, time(12), tzinfo=local_zone())


def _visits(user: ServiceUser, limit: int) -> list[Entry]:
    rows = db.session.scalars(
        sa.select(Visit).options(joinedload(Visit.staff))
        .where(Visit.service_user_id == user.id, Visit.planned_start <= utcnow())
        .order_by(sa.func.coalesce(Visit.actual_start, Visit.planned_start).desc(),
                  Visit.id).limit(limit))
    return [Entry(EntryKind.VISIT, to_local(v.actual_start or v.planned_start), v)
            for v in rows]


def _check_ins(user: ServiceUser, limit: int) -> list[Entry]:
    rows = db.session.scalars(
        sa.select(CheckIn).options(joinedload(CheckIn.goal)).join(Goal)
        .where(Goal.service_user_id == user.id)
        .order_by(CheckIn.date.desc(), CheckIn.created_at.desc()).limit(limit))
    return [Entry(EntryKind.CHECK_IN, _on(c.date, c.created_at), c) for c in rows]


def _conversations(user: ServiceUser, limit: int) -> list[Entry]:
    rows = db.session.scalars(
        sa.select(WhatMattersConversation).options(joinedload(WhatMattersConversation.asked_by))
        .where(WhatMattersConversation.service_user_id == user.id)
        .order_by(WhatMattersConversation.conversation_date.desc(),
                  WhatMattersConversation.created_at.desc()).limit(limit))
    return [Entry(EntryKind.WHAT_MATTERS, _on(c.conversation_date, c.created_at), c)
            for c in rows]


def _goals(user: ServiceUser, limit: int) -> list[Entry]:
    """A goal's start, and its closing where it closed."""
    rows = list(db.session.scalars(
        sa.select(Goal).where(Goal.service_user_id == user.id)
        .order_by(sa.func.coalesce(Goal.closed_on, Goal.start_date).desc()).limit(limit)))
    entries = [Entry(EntryKind.GOAL, _on(g.start_date, g.created_at), g) for g in rows]
    entries += [Entry(EntryKind.GOAL, _on(g.closed_on, g.updated_at), g, closing=True)
                for g in rows if g.closed_on is not None]
    return entries


def _decisions(user: ServiceUser, limit: int) -> list[Entry]:
    rows = db.session.scalars(
        sa.select(Decision).options(selectinload(Decision.participants))
        .where(Decision.service_user_id == user.id)
        .order_by(Decision.decided_on.desc(), Decision.created_at.desc()).limit(limit))
    return [Entry(EntryKind.DECISION, _on(d.decided_on, d.created_at), d) for d in rows]


def _contacts(user: ServiceUser, limit: int) -> list[Entry]:
    rows = db.session.scalars(
        sa.select(ResponsibleContactAssignment)
        .options(joinedload(ResponsibleContactAssignment.staff))
        .where(ResponsibleContactAssignment.service_user_id == user.id)
        .order_by(ResponsibleContactAssignment.valid_from.desc()).limit(limit))
    return [Entry(EntryKind.CONTACT, to_local(a.valid_from), a) for a in rows]


_SOURCES = {EntryKind.VISIT: _visits, EntryKind.CHECK_IN: _check_ins,
            EntryKind.WHAT_MATTERS: _conversations, EntryKind.GOAL: _goals,
            EntryKind.DECISION: _decisions, EntryKind.CONTACT: _contacts}


@dataclass(frozen=True)
class JournalPage:
    """One page of a user's journal, and who wrote what on it."""

    entries: list[Entry]
    page: int
    has_more: bool
    kinds: list[EntryKind]
    #: Staff id -> name, for the follow-ups (who recorded them).
    names: dict[int, str]


def journal(user: ServiceUser, *, kinds: list[EntryKind] | None = None, page: int = 1,
            size: int = PAGE_SIZE) -> JournalPage:
    """Page ``page`` of the user's records of ``kinds`` (all when none), newest first.

    The caller has checked that the reader may view the user, and logs the read.
    """
    kinds = kinds or list(EntryKind)
    wanted = page * size + 1
    entries = sorted((entry for kind in kinds for entry in _SOURCES[kind](user, wanted)),
                     key=lambda entry: entry.at, reverse=True)
    shown = entries[(page - 1) * size: page * size]
    recorders = {e.record.recorded_by_id for e in shown if e.kind is EntryKind.CHECK_IN}
    names = dict(db.session.execute(sa.select(Staff.id, Staff.full_name).where(
        Staff.id.in_(recorders))).all()) if recorders else {}
    return JournalPage(shown, page, len(entries) > page * size, kinds, names)
