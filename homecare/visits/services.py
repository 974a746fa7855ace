"""Planning visits and logging what happened: the one place that says how a visit
may change, used alike by the planner, the visit pages and the API.

A visit's life is a small state machine. A *planned* visit can be moved or given to
another team member (by a coordinator), completed or marked missed (by the person who
makes it, or a coordinator) or cancelled (by a coordinator). *Completed*, *missed* and
*cancelled* are final, except that a completed visit's times and note can be corrected
by its staff member or a coordinator for ``CORRECTION_DAYS`` after it ended; the values
a correction replaces are kept (``VisitCorrection``).
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from dataclasses import dataclass, replace
from datetime import date, datetime, timedelta

import sqlalchemy as sa
from flask_babel import gettext as _
from sqlalchemy.orm import joinedload

from homecare.core.database import save
from homecare.core.dates import day_text
from homecare.core.errors import Conflict, DomainError, Forbidden, ValidationFailed
from homecare.core.extensions import db
from homecare.core.timeutil import local_date_of, local_today, utcnow
from homecare.core.validation import FieldErrors, refuse_unknown
from homecare.org.models import TEAM_ROLES, Role, Staff
from homecare.policy.access import Action, permits
from homecare.service_users.models import ServiceUser
from homecare.service_users.services import teams_on
from homecare.visits.models import (
    PLANNED_MINUTES,
    Visit,
    VisitCorrection,
    VisitKind,
    VisitStatus,
)

#: Fields that place a visit in the plan: who, what kind, when, how long.
PLAN_FIELDS = frozenset({"staff", "kind", "planned_start", "planned_minutes"})
#: Fields that record what happened.
RECORD_FIELDS = frozenset({"actual_start", "actual_end", "note"})
#: Fields a visit update may change.
EDITABLE_FIELDS = PLAN_FIELDS | RECORD_FIELDS | {"status"}
#: The statuses a visit in each status may be given.
NEXT_STATUSES = {
    VisitStatus.PLANNED: frozenset(VisitStatus),
    VisitStatus.COMPLETED: frozenset({VisitStatus.COMPLETED}),
    VisitStatus.MISSED: frozenset({VisitStatus.MISSED}),
    VisitStatus.CANCELLED: frozenset({VisitStatus.CANCELLED}),
}
#: The change that records a visit: complete it, or correct it once completed.
RECORDING = dict.fromkeys(RECORD_FIELDS) | {"status": VisitStatus.COMPLETED}
#: The change that moves a visit or gives it to someone else.
PLANNING = dict.fromkeys(PLAN_FIELDS)
#: Days after a completed visit ended during which it can still be corrected.
CORRECTION_DAYS = 3
#: How long the person who marked a visit missed may undo it (a wrong tap, or the user
#: opened the door after all).
UNDO_MISSED = timedelta(minutes=30)


def _served_by_their_team(visit: Visit) -> bool:
    """Whether the visit's staff member is in the user's team, or was when a visit
    carried out took place (the user has moved on since: care given is kept)."""
    user, teams = visit.service_user, visit.staff.team_ids
    if user.team_id in teams:
        return True
    if visit.status is not VisitStatus.COMPLETED or visit.actual_start is None:
        return False
    return bool(teams_on(user, local_date_of(visit.actual_start)) & teams)


def _check_visit(errors: FieldErrors, visit: Visit) -> None:
    """Every rule a visit must satisfy, whether new or changed. (A message is looked up
    only when its rule fails: a run of hundreds of visits is checked in one request.)"""
    if not (visit.staff.role in TEAM_ROLES and _served_by_their_team(visit)):
        errors.add("staff_id", _("The visit must be made by a member of the user's team."))
    PLANNED_MINUTES.check(errors, "planned_minutes", visit.planned_minutes)
    start, end = visit.actual_start, visit.actual_end
    if start is not None and end is not None and end <= start:
        errors.add("actual_end", _("The visit cannot end before it starts."))
    if visit.status is VisitStatus.COMPLETED:
        if start is None:
            errors.add("actual_start", _("A completed visit needs the time it started."))
        if end is None:
            errors.add("actual_end", _("A completed visit needs the time it ended."))
        if end is not None and end > utcnow():
            errors.add("actual_end", _("A completed visit cannot end in the future."))
        service_start = visit.service_user.service_start
        if start is not None and local_date_of(start) < service_start:
            errors.add("actual_start", _(
                "A visit cannot have taken place before the user's service started "
                "(%(day)s).", day=day_text(service_start)))
    errors.text("note", visit.note, max_length=4000, required=False)


def correctable_until(visit: Visit) -> datetime:
    """The end of a completed visit's correction window: ``CORRECTION_DAYS`` after its end
    as first recorded (kept at the first completion, so that a correction moving the end
    does not move the window)."""
    return visit.correctable_until or visit.actual_end + timedelta(days=CORRECTION_DAYS)


def build_visit(*, user: ServiceUser, staff: Staff, created_by: Staff, kind: VisitKind | str,
                planned_start: datetime, planned_minutes: int,
                status: VisitStatus | str = VisitStatus.PLANNED,
                actual_start: datetime | None = None, actual_end: datetime | None = None,
                note: str | None = None, visit_id: uuid.UUID | None = None) -> Visit:
    """A checked, not yet saved visit; raises ValidationFailed listing every problem.

    Separate from ``create_visit`` so that bulk loaders can check each visit by the same
    rules and save many in one flush.
    """
    errors = FieldErrors()
    if not isinstance(kind, VisitKind) or not isinstance(status, VisitStatus):
        kind = errors.choice(VisitKind, "kind", kind, _("Choose a main visit or a short visit."))
        status = errors.choice(VisitStatus, "status", status, _("Unknown visit status."))
        errors.raise_if_any()
    visit = Visit(id=visit_id or uuid.uuid4(), service_user=user, staff=staff, kind=kind,
                  planned_start=planned_start, planned_minutes=planned_minutes, status=status,
                  actual_start=actual_start, actual_end=actual_end, note=note or None,
                  created_by_id=created_by.id)
    _check_visit(errors, visit)
    errors.raise_if_any()
    _fix_correction_window(visit, visit.actual_end)
    return visit


def _fix_correction_window(visit: Visit, first_end: datetime | None) -> None:
    """Keep the correction window of a completed visit that has none yet (one being
    completed, or one completed before the window was kept): ``CORRECTION_DAYS`` after
    ``first_end``, its end as first recorded."""
    if visit.status is VisitStatus.COMPLETED and visit.correctable_until is None:
        visit.correctable_until = first_end + timedelta(days=CORRECTION_DAYS)


def create_visit(**fields) -> Visit:
    """Plan a visit or log one already made (fields as for ``build_visit``)."""
    return save(build_visit(**fields))


def _new_status(visit: Visit, changes: dict) -> VisitStatus | None:
    try:
        return VisitStatus(changes.get("status", visit.status))
    except ValueError:
        return None  # an unknown status is a validation error, reported by _apply


def change_refusal(actor: Staff, visit: Visit, changes: dict) -> DomainError | None:
    """Why ``actor`` may not make ``changes`` to ``visit`` (a 409 or 403), or None.

    Who may act on a visit at all (its staff member, or a coordinator of the team) is the
    access policy's rule (RECORD on the visit), asked before this. Pages ask this to offer
    only what is allowed.
    """
    coordinator = actor.role is Role.COORDINATOR
    status = _new_status(visit, changes)
    if visit.status in (VisitStatus.MISSED, VisitStatus.CANCELLED):
        return Conflict(_("A missed or cancelled visit cannot be changed; plan a new one."))
    if status is not None and status not in NEXT_STATUSES[visit.status]:
        return Conflict(_("A completed visit stays completed; you can correct its times "
                          "and note."))
    if visit.status is VisitStatus.COMPLETED:
        if PLAN_FIELDS & changes.keys():
            return Conflict(_("Only a planned visit can be moved or given to someone else."))
        if utcnow() > correctable_until(visit):
            return Conflict(_("A visit can be corrected for %(days)d days after it ended.",
                              days=CORRECTION_DAYS))
    if not coordinator and PLAN_FIELDS & changes.keys():
        return Forbidden(_("Only a coordinator moves a visit or gives it to someone else."))
    if not coordinator and status is VisitStatus.CANCELLED and visit.status is not status:
        return Forbidden(_("Only a coordinator cancels a visit."))
    return None


def may_change(actor: Staff, visit: Visit, changes: dict) -> bool:
    """Whether the visit rules allow the change (for offering links and buttons)."""
    return change_refusal(actor, visit, changes) is None


def ensure_may_change(actor: Staff, visit: Visit, changes: dict) -> None:
    """Raise the visit rules' refusal of the change (409 or 403), if there is one: for a
    page that offers a change before it is made."""
    refusal = change_refusal(actor, visit, changes)
    if refusal is not None:
        raise refusal


def change_visit(actor: Staff, visit: Visit, **changes) -> Visit:
    """The one way a visit changes once it exists: the rules of the state machine and who
    may do what, then every field rule. A correction of a completed visit keeps the
    values it replaces. Raises Conflict, Forbidden or ValidationFailed."""
    ensure_may_change(actor, visit, changes)
    previous = {field: getattr(visit, field) for field in RECORD_FIELDS}
    correcting = visit.status is VisitStatus.COMPLETED
    _apply(visit, **changes)
    if correcting and any(getattr(visit, f) != value for f, value in previous.items()):
        db.session.add(VisitCorrection(visit_id=visit.id, service_user_id=visit.service_user_id,
                                       corrected_by_id=actor.id, **previous))
        db.session.flush()
    return visit


def force_record(visit: Visit, **changes) -> Visit:
    """Record what happened on a visit whatever its plan became, by every field rule but
    without the plan's permissions: care given is never lost (``visits.care_given``,
    which says when this applies and flags it for the coordinator)."""
    return _apply(visit, **changes)


def _apply(visit: Visit, **changes) -> Visit:
    """Change a visit's fields, re-checking every field rule; a refused change leaves
    the visit as it was."""
    refuse_unknown(changes, EDITABLE_FIELDS)
    errors = FieldErrors()
    if "kind" in changes:
        changes["kind"] = errors.choice(VisitKind, "kind", changes["kind"],
                                _("Choose a main visit or a short visit."))
    if "status" in changes:
        changes["status"] = errors.choice(VisitStatus, "status", changes["status"],
                                  _("Unknown visit status."))
    errors.raise_if_any()
    before = {field: getattr(visit, field) for field in changes}
    first_end = visit.actual_end if visit.status is VisitStatus.COMPLETED else None
    for field, value in changes.items():
        setattr(visit, field, value)
    _check_visit(errors, visit)
    if errors:
        for field, value in before.items():
            setattr(visit, field, value)
        errors.raise_if_any()
    _fix_correction_window(visit, first_end or visit.actual_end)
    db.session.flush()
    return visit


def mark_missed(actor: Staff, visit: Visit, reason: str | None) -> Visit:
    """Record that a planned visit did not take place, and why (required): the visit
    rules of ``change_visit`` apply. The same person may undo it for ``UNDO_MISSED``."""
    errors = FieldErrors()
    errors.text("missed_reason", reason, max_length=1000)
    errors.raise_if_any()
    change_visit(actor, visit, status=VisitStatus.MISSED)
    visit.missed_reason, visit.missed_by_id, visit.missed_at = reason.strip(), actor.id, utcnow()
    db.session.flush()
    return visit


def may_undo_missed(actor: Staff, visit: Visit) -> bool:
    """Whether ``actor`` may take back marking this visit missed (they did it, lately)."""
    return (visit.status is VisitStatus.MISSED and visit.missed_by_id == actor.id
            and visit.missed_at is not None and utcnow() - visit.missed_at <= UNDO_MISSED)


def undo_missed(actor: Staff, visit: Visit) -> Visit:
    """Make a visit marked missed a planned one again; Conflict unless ``may_undo_missed``."""
    if not may_undo_missed(actor, visit):
        raise Conflict(_("Only the person who marked the visit as not taken place can undo "
                         "it, within %(minutes)d minutes.",
                         minutes=UNDO_MISSED.seconds // 60))
    visit.status = VisitStatus.PLANNED
    visit.missed_reason = visit.missed_by_id = visit.missed_at = None
    db.session.flush()
    return visit


def refuse_past_day(day: date, *, field: str = "planned_start",
                    unchanged: date | None = None) -> None:
    """Refuse a plan on a day before today, in plain words (a visit that already took
    place is logged as carried out, not planned). ``unchanged``: the day the visit is
    planned on already, which may stay (a visit from yesterday given to someone else)."""
    if day < local_today() and day != unchanged:
        raise ValidationFailed.single(field, _("You cannot plan a visit on a day in the past."))


#: The visits that take a staff member's time: planned or carried out.
_BUSY = (VisitStatus.PLANNED, VisitStatus.COMPLETED)


@dataclass(frozen=True)
class Overlap:
    """A visit being planned at ``start`` (to ``end``) that overlaps ``visit``, another
    visit of the same staff member."""

    start: datetime
    end: datetime
    visit: Visit
    #: Whether the person asking may see whose visit it is (a staff member may work in
    #: several teams: another team's user is named to nobody outside it).
    shown: bool = True


def as_seen_by(viewer: Staff, found: Iterable[Overlap]) -> list[Overlap]:
    """The overlaps as ``viewer`` may see them: another team's visit stays a time only."""
    return [replace(overlap, shown=bool(permits(viewer, Action.VIEW, overlap.visit.service_user)))
            for overlap in found]


def time_of(visit: Visit) -> tuple[datetime, datetime]:
    """When a visit takes its staff member's time: as carried out, else as planned."""
    if visit.status is VisitStatus.COMPLETED and visit.actual_start and visit.actual_end:
        return visit.actual_start, visit.actual_end
    return visit.planned_start, visit.planned_start + timedelta(minutes=visit.planned_minutes)


def overlaps(staff: Staff, spans: Iterable[tuple[datetime, datetime]], *,
             ignore: Iterable[uuid.UUID] = ()) -> list[Overlap]:
    """Every planned or carried-out visit of ``staff`` overlapping one of ``spans`` (start,
    end), leaving out the visits in ``ignore`` (those being moved). One query, whatever
    the number of spans: a series of half a year is checked at once."""
    spans = sorted(spans)
    if not spans:
        return []
    longest = timedelta(minutes=PLANNED_MINUTES.high)
    first, last = spans[0][0] - longest, max(end for _, end in spans)
    query = (sa.select(Visit).options(joinedload(Visit.service_user))
             .where(Visit.staff_id == staff.id, Visit.status.in_(_BUSY),
                    sa.or_(sa.and_(Visit.planned_start >= first, Visit.planned_start < last),
                           sa.and_(Visit.actual_start >= first, Visit.actual_start < last)))
             .order_by(Visit.planned_start))
    ignored = set(ignore)
    taken = [(time_of(v), v) for v in db.session.scalars(query) if v.id not in ignored]
    return [Overlap(start, end, visit) for start, end in spans
            for (busy_start, busy_end), visit in taken
            if busy_start < end and start < busy_end]
