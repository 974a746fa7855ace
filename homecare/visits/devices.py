"""Visits recorded under an id the device chose: one at a time (``PUT /visits/{id}``) or
queued on a tablet and sent later (``POST /sync``), by the same rules either way."""

from __future__ import annotations

from flask_babel import gettext as _

from homecare.core.errors import ValidationFailed
from homecare.core.extensions import db
from homecare.org.models import Role, Staff
from homecare.policy.access import Action
from homecare.policy.idempotency import Creation
from homecare.policy.lookup import (
    actor,
    by_ids,
    named_staff,
    referenced,
)
from homecare.service_users.models import ServiceUser
from homecare.visits.care_given import (
    CareRecord,
    load_for_care,
    record_care_given,
    referenced_for_care,
)
from homecare.visits.models import Visit, VisitStatus
from homecare.visits.services import (
    build_visit,
)


def _visiting_staff(staff_id: int) -> Staff:
    """The staff member a new visit is for: coordinators plan anyone, staff log their own."""
    me = actor()
    if me.role is not Role.COORDINATOR and staff_id != me.id:
        raise ValidationFailed.single("staff_id", _(
            "You can only log your own visits; a coordinator plans visits for others."))
    return named_staff_member(staff_id)


def named_staff_member(staff_id: int) -> Staff:
    """The staff member a body names (whether they may be given the visit is the visit
    service's rule: a member of the user's team)."""
    staff = db.session.get(Staff, staff_id)
    if staff is None:
        raise ValidationFailed.single("staff_id", _("The visit must be made by a member of "
                                                    "the user's team."))
    return staff


def visit_arguments(data: dict, visit_id=None) -> dict:
    """``build_visit``'s arguments from a body: the user and staff it names, as the caller
    may use them (a user outside the caller's teams is a 422 on ``service_user_id``)."""
    if data.get("status") == VisitStatus.COMPLETED and data.get("actual_start"):
        user = referenced_for_care(data["service_user_id"], "service_user_id",
                                   data["actual_start"])
    else:
        user = referenced(ServiceUser, data["service_user_id"], "service_user_id",
                          Action.RECORD)
    fields = {k: v for k, v in data.items() if k not in ("service_user_id", "staff_id")}
    return {"user": user, "staff": _visiting_staff(data["staff_id"]), "created_by": actor(),
            "visit_id": visit_id, **fields}


def _named_in_visits(bodies: list[dict]) -> list:
    """The users and staff that visit bodies name, in two queries (staff with their
    teams, which the visit rules read)."""
    users = {body["service_user_id"] for body in bodies}
    staff = {body["staff_id"] for body in bodies}
    return [*by_ids(ServiceUser, users),
            *named_staff(staff)]


#: A visit logged under an id its device chose (``PUT /visits/{id}``, ``POST /sync``).
VISIT_CREATION = Creation(
    model=Visit, through="service_user",
    as_stored=lambda data: {**data, "note": data["note"] or None},
    build=lambda visit_id, data: build_visit(**visit_arguments(data, visit_id)),
    load_named=_named_in_visits)


def complete_queued(record_id, data: dict) -> tuple[Visit, int]:
    """Complete a planned visit from a queued offline record (``POST /sync``), by the
    rules of ``visits.care_given``: stored as carried out by the sender at their times
    whatever the plan became meanwhile (200), or kept beside another version for the
    coordinator to settle (202). Sent again after a lost answer, it stores nothing twice.
    """
    me = actor()
    visit = load_for_care(data["visit_id"], me, data["actual_start"])
    return record_care_given(me, visit, CareRecord(
        data["actual_start"], data["actual_end"], data["note"], data["version"], record_id))
