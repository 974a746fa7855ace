"""A user's whole record, loaded in a fixed number of queries, as FHIR resources and
Bundles. The callers have checked access; each says what it logs."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date

import sqlalchemy as sa
from fhir.resources.R4B.bundle import Bundle
from fhir.resources.R4B.resource import Resource
from flask_babel import force_locale
from sqlalchemy.orm import selectinload

from homecare.core.timeutil import local_today, utcnow
from homecare.decisions.models import Decision
from homecare.extensions import db
from homecare.fhir import mapping
from homecare.flags.service import annotate_goals
from homecare.goals.models import CheckIn, Goal
from homecare.org.models import Staff
from homecare.service_users.models import ResponsibleContactAssignment, ServiceUser
from homecare.visits.models import Visit

#: The language of the texts in the resources (the service's labels, in bokmål).
RESOURCE_LANGUAGE = "nb"


@dataclass(frozen=True)
class UserRecord:
    """Everything of one user that the FHIR resources carry."""

    user: ServiceUser
    contacts: list[ResponsibleContactAssignment]
    goals: list[Goal]
    check_ins: dict  # goal id → that goal's follow-ups, oldest first
    decisions: list[Decision]
    visits: list[Visit]
    staff_names: dict[int, str]
    today: date


def _goals(user: ServiceUser, today: date) -> list[Goal]:
    goals = list(db.session.scalars(sa.select(Goal).where(Goal.service_user_id == user.id)
                                    .order_by(Goal.start_date, Goal.created_at)))
    return annotate_goals(goals, day=today)


def load_record(user: ServiceUser, *, visits: bool = True) -> UserRecord:
    """The user's record; ``visits=False`` leaves the visits out (a search for goals or
    care plans does not need them)."""
    today = local_today()
    goals = _goals(user, today)
    by_goal = defaultdict(list)
    for check_in in db.session.scalars(
            sa.select(CheckIn).join(CheckIn.goal).where(Goal.service_user_id == user.id)
            .order_by(CheckIn.date, CheckIn.created_at)):
        by_goal[check_in.goal_id].append(check_in)
    contacts = list(db.session.scalars(
        sa.select(ResponsibleContactAssignment)
        .where(ResponsibleContactAssignment.service_user_id == user.id)
        .options(selectinload(ResponsibleContactAssignment.staff))
        .order_by(ResponsibleContactAssignment.valid_from)))
    decisions = list(db.session.scalars(
        sa.select(Decision).where(Decision.service_user_id == user.id)
        .options(selectinload(Decision.participants))
        .order_by(Decision.valid_from, Decision.decided_on)))
    visit_list = list(db.session.scalars(
        sa.select(Visit).where(Visit.service_user_id == user.id)
        .options(selectinload(Visit.staff)).order_by(Visit.planned_start))) if visits else []
    named = {g.created_by_id for g in goals} | {
        c.recorded_by_id for found in by_goal.values() for c in found}
    staff_names = dict(db.session.execute(
        sa.select(Staff.id, Staff.full_name).where(Staff.id.in_(named))).all()) if named else {}
    return UserRecord(user, contacts, goals, dict(by_goal), decisions, visit_list,
                      staff_names, today)


def patient(user: ServiceUser) -> Resource:
    """The Patient resource of a user."""
    with force_locale(RESOURCE_LANGUAGE):
        return mapping.patient(user)


def goals(record: UserRecord) -> list[Resource]:
    """Every goal of the user, oldest first."""
    with force_locale(RESOURCE_LANGUAGE):
        return [mapping.goal(g, record.check_ins.get(g.id, []), record.staff_names)
                for g in record.goals]


def care_plans(record: UserRecord) -> list[Resource]:
    """Every team decision of the user, oldest first."""
    with force_locale(RESOURCE_LANGUAGE):
        return [mapping.care_plan(d, record.goals, record.today) for d in record.decisions]


def everything(record: UserRecord) -> list[Resource]:
    """All of the record's resources, the Provenance last (it names all the others)."""
    with force_locale(RESOURCE_LANGUAGE):
        resources = [mapping.patient(record.user),
                     mapping.care_team(record.user, record.contacts)]
        resources += goals(record)
        for found in record.check_ins.values():
            for check_in in found:
                resources += mapping.observations(check_in, record.staff_names)
                resources.append(mapping.questionnaire_response(check_in, record.staff_names))
        resources += care_plans(record)
        resources += [mapping.encounter(v) for v in record.visits]
        targets = [mapping.ref(r.get_resource_type(), r.id) for r in resources]
        return [*resources, mapping.provenance(targets, utcnow())]


def _full_url(resource: Resource, base_url: str) -> str:
    """The resource's address; the Provenance of an export is not served, so it is named
    by its UUID."""
    if resource.get_resource_type() == "Provenance":
        return f"urn:uuid:{resource.id}"
    return f"{base_url}/{resource.get_resource_type()}/{resource.id}"


def export_bundle(record: UserRecord, base_url: str) -> Bundle:
    """The whole record as a ``collection`` Bundle for a file: every entry with its
    ``fullUrl``."""
    return bundle(everything(record), "collection", base_url)


def bundle(resources: list[Resource], kind: str, base_url: str) -> Bundle:
    """A Bundle of ``kind`` (``collection`` or ``searchset``); each entry's ``fullUrl``
    is its address under ``base_url``."""
    entries = []
    for resource in resources:
        entry = {"resource": resource, "fullUrl": _full_url(resource, base_url)}
        if kind == "searchset":
            entry["search"] = {"mode": "match"}
        entries.append(entry)
    return Bundle(type=kind, timestamp=utcnow().isoformat(), entry=entries,
                  **({"total": len(entries)} if kind == "searchset" else {}))
