"""Care given is never lost: a visit carried out is stored as what happened, whatever
the plan became meanwhile.

A nurse completes a visit on a tablet without signal; by the time it reaches the server
the office may have moved, re-timed or reassigned the visit, cancelled it or marked it
missed, someone else may have completed it with other times, or the user may have moved
to another team. None of these erases the record of care given (documentation the
service is obliged to keep):

- moved, re-timed or reassigned: a plan change and a completion are not a conflict. The
  visit is stored as carried out by the person who did it, at their times (no 412);
- cancelled or marked missed: stored as carried out, and flagged for the coordinator;
- completed or corrected by someone else with other times: the stored version stays, the
  tablet's is kept beside it, and the coordinator settles which holds (or both);
- the user moved to another team: stored (the nurse's team served the user when the care
  was given, ``policy.access.CareGiven``), and shown to that team's coordinators.

What the coordinator must know or choose is a ``VisitToSettle``, shown at the top of the
team board until settled. The rules hold alike for ``POST /sync``, ``PUT /visits/{id}``
and ``PATCH /visits/{id}`` (a completion sent with a stale ``If-Match``).
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime

import sqlalchemy as sa
from flask_babel import gettext as _
from sqlalchemy.orm import selectinload

from homecare.core.audit import record_read, record_reads
from homecare.core.database import save
from homecare.core.errors import Conflict, NotFound
from homecare.core.extensions import db
from homecare.core.timeutil import local_date_of, utcnow
from homecare.org.models import Role, Staff
from homecare.policy.access import (
    Action,
    CareGiven,
    Verdict,
    ensure,
    judge,
    visible_visits_to_settle,
)
from homecare.service_users.services import teams_on
from homecare.visits.models import (
    Settlement,
    SettleReason,
    Visit,
    VisitCorrection,
    VisitStatus,
    VisitToSettle,
)
from homecare.visits.services import (
    RECORD_FIELDS,
    build_visit,
    change_visit,
    correctable_until,
    force_record,
)

#: Answered when both versions are kept for a coordinator: the care is stored (202).
KEPT_FOR_COORDINATOR = 202


@dataclass(frozen=True)
class CareRecord:
    """A visit carried out, as the person who made it recorded it."""

    start: datetime
    end: datetime
    note: str | None
    #: The visit's version when the person last saw it (None: not known).
    seen_version: int | None = None
    #: The id the device chose for this record (a queued operation's), if any.
    record_id: uuid.UUID | None = None

    def fields(self) -> dict:
        return {"status": VisitStatus.COMPLETED, "actual_start": self.start,
                "actual_end": self.end, "note": self.note or None}


def care_target(actor: Staff, visit: Visit, start: datetime) -> CareGiven:
    """What the access policy judges for recording care given on ``visit`` at ``start``:
    the user, and the team they belonged to then (looked up only if not the actor's)."""
    user = visit.service_user
    then = frozenset({user.team_id}) if user.team_id in actor.team_ids else teams_on(
        user, local_date_of(start))
    return CareGiven(user, then, visit)


def load_for_care(visit_id, actor: Staff, start: datetime | None) -> Visit:
    """The visit, if ``actor`` may record care they gave on it at ``start`` (default: its
    planned start); else 404 (logged) or 403."""
    visit = db.session.get(Visit, visit_id)
    if visit is None:
        raise NotFound()
    ensure(actor, Action.RECORD, care_target(actor, visit, start or visit.planned_start))
    return visit


def referenced_for_care(user_id, field: str, start: datetime):
    """The user a logged visit names, if the caller may record care given to them at
    ``start`` (their team then or now); else the 422 of ``policy.lookup.referenced``."""
    from homecare.policy.lookup import actor, referenced
    from homecare.service_users.models import ServiceUser

    me = actor()
    user = db.session.get(ServiceUser, user_id)
    if user is None or user.team_id in me.team_ids:
        return referenced(ServiceUser, user_id, field, Action.RECORD)
    verdict = judge(me, Action.RECORD, CareGiven(user, teams_on(user, local_date_of(start)),
                                                  user))
    if verdict is not Verdict.ALLOWED:
        return referenced(ServiceUser, user_id, field, Action.RECORD)
    return user


def may_record_care(actor: Staff, visit: Visit) -> bool:
    """Whether ``actor`` may record care they gave on ``visit`` (for offering the form)."""
    start = visit.actual_start or visit.planned_start
    return bool(judge(actor, Action.RECORD, care_target(actor, visit, start))
                is Verdict.ALLOWED)


def _kept(visit: Visit, actor: Staff, care: CareRecord, reason: SettleReason,
          status_before: VisitStatus) -> VisitToSettle:
    team = visit.service_user.team_id
    if team not in actor.team_ids:
        gave = teams_on(visit.service_user, local_date_of(care.start)) & actor.team_ids
        team = min(gave) if gave else team
    return save(VisitToSettle(
        id=care.record_id or uuid.uuid4(), visit=visit, service_user_id=visit.service_user_id,
        team_id=team, reason=reason, recorded_by_id=actor.id, actual_start=care.start,
        actual_end=care.end, note=care.note or None, status_before=status_before))


def _same_as_stored(visit: Visit, actor: Staff, care: CareRecord) -> bool:
    return visit.staff_id in (actor.id, _who_gave_it(actor, visit, care).id) and all(
        getattr(visit, name) == value for name, value in care.fields().items())


def _own_correction(visit: Visit, actor: Staff, care: CareRecord) -> bool:
    """A completed visit corrected by the one who made it, from the version they saw,
    within the correction window: an ordinary correction, not a second version."""
    return (visit.staff_id == actor.id and care.seen_version == visit.version
            and utcnow() <= correctable_until(visit))


def record_care_given(actor: Staff, visit: Visit, care: CareRecord) -> tuple[Visit, int]:
    """Store a visit ``actor`` carried out; (the visit, 200) or, with both versions kept
    for a coordinator, (the visit, 202). Raises ValidationFailed for times that cannot be
    (``visits.services`` rules). Sending the same record again stores nothing twice."""
    if care.record_id is not None and db.session.get(VisitToSettle, care.record_id):
        return _repeat(visit, 200 if visit.status is VisitStatus.COMPLETED
                       and visit.staff_id == actor.id else KEPT_FOR_COORDINATOR)
    if _same_as_stored(visit, actor, care):
        return _repeat(visit, 200)
    before = visit.status
    if before is VisitStatus.COMPLETED:
        if _own_correction(visit, actor, care):
            return change_visit(actor, visit, **care.fields()), 200
        _check_times(visit, actor, care)
        _kept(visit, actor, care, SettleReason.TWO_VERSIONS, before)
        return visit, KEPT_FOR_COORDINATOR
    force_record(visit, staff=_who_gave_it(actor, visit, care), **care.fields())
    if before in (VisitStatus.CANCELLED, VisitStatus.MISSED):
        reason = SettleReason(before.value)
        _kept(visit, actor, care, reason, before)
    elif visit.service_user.team_id not in actor.team_ids:
        _kept(visit, actor, care, SettleReason.MOVED_TEAM, before)
    return visit, 200


def _who_gave_it(actor: Staff, visit: Visit, care: CareRecord) -> Staff:
    """The sender, who carried the visit out; but a coordinator recording a team member's
    visit as it stood, unchanged since they saw it, records it for that member."""
    if (actor.role is Role.COORDINATOR and visit.staff_id != actor.id
            and care.seen_version == visit.version):
        return visit.staff
    return actor


def _repeat(visit: Visit, status: int) -> tuple[Visit, int]:
    # The stored visit goes back to the caller, as for a repeated PUT: a read.
    record_read(visit.service_user_id, "visits (repeated completion)", "visits", visit.id)
    return visit, status


def _check_times(visit: Visit, actor: Staff, care: CareRecord) -> None:
    """A second version is checked by the rules a visit's times must meet, on a copy
    that is never saved."""
    build_visit(user=visit.service_user, staff=actor, created_by=actor, kind=visit.kind,
                planned_start=visit.planned_start, planned_minutes=visit.planned_minutes,
                status=VisitStatus.COMPLETED, actual_start=care.start, actual_end=care.end,
                note=care.note)


# -- settling --------------------------------------------------------------------------


def open_to_settle(team_ids=None, *, settled: bool = False) -> list[VisitToSettle]:
    """The visits to settle the caller may see (coordinators of the team that gave the
    care), oldest first, with what their page shows loaded; each one shown is a read of
    its user's record."""
    from homecare.policy.lookup import actor

    query = (sa.select(VisitToSettle).where(visible_visits_to_settle(actor()))
             .options(selectinload(VisitToSettle.visit).selectinload(Visit.staff),
                      selectinload(VisitToSettle.service_user),
                      selectinload(VisitToSettle.recorded_by)))
    if team_ids is not None:
        query = query.where(VisitToSettle.team_id.in_(team_ids))
    if not settled:
        query = query.where(VisitToSettle.settled_at.is_(None))
    items = list(db.session.scalars(query.order_by(VisitToSettle.created_at,
                                                   VisitToSettle.id)))
    record_reads([item.service_user_id for item in items], "visits to settle")
    return items

#: The choices a coordinator has for each reason, the first one the usual.
CHOICES = {
    SettleReason.TWO_VERSIONS: (Settlement.KEPT, Settlement.REPLACED, Settlement.BOTH),
    SettleReason.CANCELLED: (Settlement.NOTED,),
    SettleReason.MISSED: (Settlement.NOTED,),
    SettleReason.MOVED_TEAM: (Settlement.NOTED,),
}


def settle(item: VisitToSettle, actor: Staff, choice: Settlement | str) -> VisitToSettle:
    """A coordinator's choice on a visit to settle (who may is the policy's call,
    COORDINATE on the item): keep the stored version, take the tablet's (the replaced
    values kept as a correction), record both as visits, or note it. 409 if settled."""
    if item.settled_at is not None:
        raise Conflict(_("This has been settled already."))
    try:
        choice = Settlement(choice)
    except ValueError:
        choice = None
    if choice not in CHOICES[item.reason]:
        from homecare.core.errors import ValidationFailed

        raise ValidationFailed.single("choice", _("Choose one of the offered answers."))
    if choice is Settlement.REPLACED:
        _replace(item, actor)
    elif choice is Settlement.BOTH:
        _both(item, actor)
    item.settlement, item.settled_at, item.settled_by_id = choice, utcnow(), actor.id
    db.session.flush()
    return item


def _replace(item: VisitToSettle, actor: Staff) -> None:
    visit = item.visit
    previous = {field: getattr(visit, field) for field in RECORD_FIELDS}
    db.session.add(VisitCorrection(visit_id=visit.id, service_user_id=visit.service_user_id,
                                   corrected_by_id=actor.id, **previous))
    force_record(visit, staff=db.session.get(Staff, item.recorded_by_id),
                 status=VisitStatus.COMPLETED, actual_start=item.actual_start,
                 actual_end=item.actual_end, note=item.note)


def _both(item: VisitToSettle, actor: Staff) -> None:
    visit = item.visit
    minutes = max(1, round((item.actual_end - item.actual_start).total_seconds() / 60))
    save(build_visit(user=visit.service_user, staff=item.recorded_by, created_by=actor,
                     kind=visit.kind, planned_start=item.actual_start,
                     planned_minutes=minutes, status=VisitStatus.COMPLETED,
                     actual_start=item.actual_start, actual_end=item.actual_end,
                     note=item.note))
