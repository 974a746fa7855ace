"""What a planned visit would do to continuity, so the coordinator sees it before saving.

Two consequences, both from INDICATORS.md and shown while planning:

- **every N-th main visit** (``contact_rule``): a main visit by someone other than the
  responsible contact extends the run of main visits without the contact. The run counts
  completed *and planned* main visits (a plan is the best guess of what will happen)
  after the contact's latest one, or since the assignment began. Reaching ``N`` is a
  breach, exactly as the live flag counts it.
- **a new face this fortnight** (``distinct_staff_14d``): the staff member has no
  completed or planned visit with the user in the 14 days ending on the visit's day.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime

import sqlalchemy as sa

from homecare.core.extensions import db
from homecare.core.timeutil import LocalDays, local_date_of
from homecare.org.models import Staff
from homecare.sections.services import thresholds_by_team
from homecare.service_users.models import ResponsibleContactAssignment, ServiceUser
from homecare.visits.models import Visit, VisitKind, VisitStatus

#: Visits that happened or are expected to happen.
_COUNTED = (VisitStatus.COMPLETED, VisitStatus.PLANNED)
FORTNIGHT_DAYS = 14


@dataclass(frozen=True)
class Continuity:
    """The consequences of one planned visit for the user's continuity."""

    contact: Staff | None
    every_n: int
    #: Main visits in a row without the contact once this one is made (None: not a main
    #: visit, or no contact to count against).
    without_contact: int | None
    new_face: bool
    faces_in_fortnight: int

    @property
    def breaches_contact_rule(self) -> bool:
        """The visit would make the run without the contact reach N."""
        return self.without_contact is not None and self.without_contact >= self.every_n

    @property
    def warnings(self) -> bool:
        """Anything the coordinator should see before saving."""
        return self.breaches_contact_rule or self.new_face or self.contact is None


def _moment() -> sa.ColumnElement:
    return sa.func.coalesce(Visit.actual_start, Visit.planned_start)


def _others(user: ServiceUser, before: datetime, ignore: uuid.UUID | None):
    """Conditions for the user's counted visits before ``before``, leaving out ``ignore``."""
    conditions = [Visit.service_user_id == user.id, Visit.status.in_(_COUNTED),
                  _moment() < before]
    if ignore is not None:
        conditions.append(Visit.id != ignore)
    return conditions


def _run_without_contact(user: ServiceUser, contact: ResponsibleContactAssignment,
                         start: datetime, ignore: uuid.UUID | None) -> int:
    """Main visits before ``start`` since the contact's last main visit (one query)."""
    main = [*_others(user, start, ignore), Visit.kind == VisitKind.MAIN]
    last_by_contact = (sa.select(sa.func.max(_moment()))
                       .where(*main, Visit.staff_id == contact.staff_id).scalar_subquery())
    since = sa.func.coalesce(last_by_contact, contact.valid_from)
    return db.session.scalar(sa.select(sa.func.count()).select_from(Visit)
                             .where(*main, _moment() > since)) or 0


def _fortnight_staff(user: ServiceUser, start: datetime, ignore: uuid.UUID | None) -> set[int]:
    """Staff with a counted visit to the user in the 14 local days ending on start's day."""
    fortnight = LocalDays.ending(local_date_of(start), FORTNIGHT_DAYS)
    return set(db.session.scalars(
        sa.select(Visit.staff_id).distinct()
        .where(*_others(user, fortnight.ends, ignore), _moment() >= fortnight.starts)))


def continuity_of(user: ServiceUser, staff: Staff, kind: VisitKind, start: datetime, *,
                  ignore: uuid.UUID | None = None) -> Continuity:
    """What a visit by ``staff`` at ``start`` would mean for the user's continuity.

    ``ignore`` is the visit being moved or reassigned, so that it is not counted twice.
    A constant number of queries, whatever the user's history.
    """
    assignment = db.session.scalar(
        sa.select(ResponsibleContactAssignment)
        .where(ResponsibleContactAssignment.service_user_id == user.id,
               ResponsibleContactAssignment.covers(start)))
    every_n = thresholds_by_team([user.team_id])[user.team_id].contact_every_n
    without = None
    if assignment is not None and kind is VisitKind.MAIN:
        without = 0 if assignment.staff_id == staff.id else (
            _run_without_contact(user, assignment, start, ignore) + 1)
    seen = _fortnight_staff(user, start, ignore)
    return Continuity(
        contact=db.session.get(Staff, assignment.staff_id) if assignment else None,
        every_n=every_n, without_contact=without, new_face=staff.id not in seen,
        faces_in_fortnight=len(seen | {staff.id}))
