"""A user's record as FHIR resources: loaded in a fixed number of queries (one per part,
each when first needed), offered as items a search filters, sorts and pages before any
resource is built. The callers have checked access; each says what it logs."""

from __future__ import annotations

import uuid
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from functools import cached_property

import sqlalchemy as sa
from fhir.resources.R4B.bundle import Bundle
from fhir.resources.R4B.resource import Resource
from flask_babel import force_locale
from sqlalchemy.orm import selectinload

from homecare.core.extensions import db
from homecare.core.timeutil import local_today, local_zone, utcnow
from homecare.decisions.models import Decision
from homecare.fhir import mapping, people
from homecare.fhir.links import full_url
from homecare.flags.services import annotate_goals
from homecare.goals.models import CheckIn, Goal
from homecare.org.models import Staff, staff_teams
from homecare.service_users.models import ResponsibleContactAssignment, ServiceUser
from homecare.visits.models import Visit, VisitStatus

#: The language of the texts in the resources (the service's labels, in bokmål).
RESOURCE_LANGUAGE = "nb"
#: The types of a user's record, in the order ``$everything`` lists them.
RECORD_TYPES = ("Patient", "RelatedPerson", "CareTeam", "Goal", "Observation",
                "QuestionnaireResponse", "CarePlan", "Encounter")
#: What the record refers to, listed after it (``search.mode`` include).
REFERRED_TYPES = ("Organization", "Practitioner")
FAR_FUTURE = datetime(9999, 12, 30, tzinfo=UTC)


def day_range(start: date, end: date | None = None, *, open_ended: bool = False
              ) -> tuple[datetime, datetime]:
    """Local days ``start`` to ``end`` (inclusive; default ``start`` alone, or without
    end when ``open_ended``) as [from, to) instants."""
    low = datetime.combine(start, time(), tzinfo=local_zone())
    if open_ended and end is None:
        return low, FAR_FUTURE
    return low, datetime.combine((end or start) + timedelta(days=1), time(), tzinfo=local_zone())


@dataclass
class Item:
    """One resource of a record before it is built: what searches look at, and how to
    build it (``build``, under bokmål)."""

    type: str
    id: str
    build: Callable[[], Resource]
    updated: datetime | None = None
    #: The care dates it concerns, [from, to) (None: none, e.g. a Patient).
    period: tuple[datetime, datetime] | None = None
    #: Search parameter → the values it matches: a set of tokens or references.
    values: dict[str, set[str]] = field(default_factory=dict)
    #: Date search parameter → the [from, to) instants it is matched against.
    dates: dict[str, tuple[datetime, datetime]] = field(default_factory=dict)
    #: Sort parameter → the value sorted by.
    sort: dict[str, object] = field(default_factory=dict)
    referred: bool = False

    def resource(self) -> Resource:
        """The resource, its texts in bokmål."""
        with force_locale(RESOURCE_LANGUAGE):
            return self.build()


class StaffRefs:
    """References to staff members: a Practitioner reference where the reader may read
    that Practitioner (a teammate, or anyone for an export without a reader), else the
    name alone, so that every reference a reader gets can be followed."""

    def __init__(self, visible: Callable[[int], bool], names: Callable[[], dict]):
        self._visible, self._names = visible, names

    def __call__(self, staff_id: int | None, name: str | None = None) -> dict:
        name = name or self._names().get(staff_id) or "?"
        if staff_id is not None and self._visible(staff_id):
            return people.ref("Practitioner", staff_id, name)
        return {"display": name}


class UserRecord:
    """Everything of one user that the FHIR resources carry, each part loaded (one query)
    when first asked for. ``reader`` is the staff member reading (None: an export)."""

    def __init__(self, user: ServiceUser, reader: Staff | None):
        self.user, self.reader, self.today = user, reader, local_today()
        self.staff_ref = StaffRefs(self.may_read_staff, lambda: self.staff_names)

    @cached_property
    def goals(self) -> list[Goal]:
        goals = list(db.session.scalars(sa.select(Goal).where(Goal.service_user_id == self.user.id)
                                        .order_by(Goal.start_date, Goal.created_at)))
        return annotate_goals(goals, day=self.today)

    @cached_property
    def check_ins(self) -> dict:
        """Goal id → that goal's follow-ups, oldest first."""
        by_goal = defaultdict(list)
        for check_in in db.session.scalars(
                sa.select(CheckIn).join(CheckIn.goal).where(Goal.service_user_id == self.user.id)
                .options(selectinload(CheckIn.goal))
                .order_by(CheckIn.date, CheckIn.created_at)):
            by_goal[check_in.goal_id].append(check_in)
        return dict(by_goal)

    @cached_property
    def contacts(self) -> list[ResponsibleContactAssignment]:
        return list(db.session.scalars(
            sa.select(ResponsibleContactAssignment)
            .where(ResponsibleContactAssignment.service_user_id == self.user.id)
            .options(selectinload(ResponsibleContactAssignment.staff))
            .order_by(ResponsibleContactAssignment.valid_from)))

    @cached_property
    def decisions(self) -> list[Decision]:
        return list(db.session.scalars(
            sa.select(Decision).where(Decision.service_user_id == self.user.id)
            .options(selectinload(Decision.participants))
            .order_by(Decision.valid_from, Decision.decided_on)))

    @cached_property
    def visits(self) -> list[Visit]:
        return list(db.session.scalars(
            sa.select(Visit).where(Visit.service_user_id == self.user.id)
            .options(selectinload(Visit.staff)).order_by(Visit.planned_start, Visit.id)))

    @cached_property
    def staff_names(self) -> dict[int, str]:
        """Names of the staff who made the goals and recorded the follow-ups."""
        named = {g.created_by_id for g in self.goals} | {
            c.recorded_by_id for found in self.check_ins.values() for c in found}
        named.discard(None)
        return dict(db.session.execute(sa.select(Staff.id, Staff.full_name)
                                       .where(Staff.id.in_(named))).all()) if named else {}

    @cached_property
    def _teammates(self) -> frozenset[int]:
        if not self.reader.team_ids:
            return frozenset({self.reader.id})
        return frozenset(db.session.scalars(sa.select(staff_teams.c.staff_id).where(
            staff_teams.c.team_id.in_(sorted(self.reader.team_ids))))) | {self.reader.id}

    def may_read_staff(self, staff_id: int) -> bool:
        """Whether the reader may read this staff member as a Practitioner (the access
        policy's rule for staff: teammates)."""
        return self.reader is None or staff_id in self._teammates

    def referred_staff_ids(self) -> set[int]:
        """Every staff member the whole record names, whom the reader may read."""
        ids = {c.staff_id for c in self.contacts} | {v.staff_id for v in self.visits} | {
            s.id for d in self.decisions for s in d.participants} | set(self.staff_names)
        return {i for i in ids if i is not None and self.may_read_staff(i)}


def _tokens(*values: str | None) -> set[str]:
    return {value for value in values if value}


def patient_items(record: UserRecord) -> list[Item]:
    """The Patient."""
    user = record.user
    return [Item("Patient", str(user.id), lambda: people.patient(user), user.updated_at)]


def related_person_items(record: UserRecord) -> list[Item]:
    """The next of kin, in the order entered."""
    return [Item("RelatedPerson", str(kin.id), lambda kin=kin: people.related_person(kin),
                 kin.updated_at, values={"relationship": _tokens(
                     kin.relationship.value if kin.relationship else None,
                     people.RELATIONSHIP_CODES.get(kin.relationship, (None,))[0])})
            for kin in record.user.next_of_kin]


def care_team_items(record: UserRecord) -> list[Item]:
    """The user's team with the responsible contacts."""
    user = record.user
    status = "active" if user.deleted_at is None else "inactive"
    return [Item("CareTeam", mapping.care_team_id(user),
                 lambda: mapping.care_team(user, record.contacts, record.staff_ref),
                 user.updated_at, values={"status": {status}})]


def goal_items(record: UserRecord) -> list[Item]:
    """The goals, oldest first."""
    return [Item("Goal", str(goal.id),
                 lambda goal=goal: mapping.goal(goal, record.check_ins.get(goal.id, []),
                                                record.staff_ref),
                 goal.updated_at, day_range(goal.start_date, goal.closed_on, open_ended=True),
                 values={"lifecycle-status": {mapping.LIFECYCLE[goal.status]}},
                 dates={"start-date": day_range(goal.start_date)},
                 sort={"start-date": goal.start_date})
            for goal in record.goals]


def _check_ins(record: UserRecord) -> list[CheckIn]:
    return sorted((c for found in record.check_ins.values() for c in found),
                  key=lambda c: (c.date, c.created_at))


def observation_items(record: UserRecord) -> list[Item]:
    """The self-ratings of the follow-ups, oldest first."""
    items = []
    for check_in in _check_ins(record):
        for kind in ("performance", "satisfaction"):
            if getattr(check_in, kind) is None:
                continue
            items.append(Item(
                "Observation", f"{check_in.id}-{kind}",
                lambda c=check_in, k=kind: next(o for o in mapping.observations(
                    c, record.staff_ref) if o.id == f"{c.id}-{k}"),
                check_in.updated_at, day_range(check_in.date),
                values={"code": {kind, f"{mapping.SYSTEM}:self-rating|{kind}"},
                        "focus": {f"Goal/{check_in.goal_id}", str(check_in.goal_id)}},
                dates={"date": day_range(check_in.date)}, sort={"date": check_in.date}))
    return items


def questionnaire_response_items(record: UserRecord) -> list[Item]:
    """The user's own evaluations at the follow-ups, oldest first."""
    return [Item("QuestionnaireResponse", str(c.id),
                 lambda c=c: mapping.questionnaire_response(c, record.staff_ref),
                 c.updated_at, day_range(c.date), values={"status": {"completed"}},
                 dates={"authored": day_range(c.date)}, sort={"authored": c.date})
            for c in _check_ins(record)]


def care_plan_items(record: UserRecord) -> list[Item]:
    """The team decisions, oldest first."""
    return [Item("CarePlan", str(d.id),
                 lambda d=d: mapping.care_plan(d, record.goals, record.today, record.staff_ref),
                 d.updated_at, day_range(d.valid_from, d.valid_to, open_ended=True),
                 values={"status": {mapping.plan_status(d, record.today)}},
                 dates={"date": day_range(d.valid_from, d.valid_to, open_ended=True)},
                 sort={"date": d.valid_from})
            for d in record.decisions]


def _visit_period(visit: Visit) -> tuple[datetime, datetime]:
    if visit.status is VisitStatus.COMPLETED and visit.actual_start:
        return visit.actual_start, visit.actual_end or visit.actual_start
    return visit.planned_start, visit.planned_start + timedelta(minutes=visit.planned_minutes)


def encounter_items(record: UserRecord) -> list[Item]:
    """The visits, by their planned start."""
    return [Item("Encounter", str(v.id), lambda v=v: mapping.encounter(v, record.staff_ref),
                 v.updated_at, _visit_period(v),
                 values={"status": {mapping.ENCOUNTER_STATUS[v.status]}},
                 dates={"date": _visit_period(v)}, sort={"date": _visit_period(v)[0]})
            for v in record.visits]


#: Each type of a user's record and how its items are made.
ITEMS = {"Patient": patient_items, "RelatedPerson": related_person_items,
         "CareTeam": care_team_items, "Goal": goal_items, "Observation": observation_items,
         "QuestionnaireResponse": questionnaire_response_items, "CarePlan": care_plan_items,
         "Encounter": encounter_items}


def referred_items(record: UserRecord) -> list[Item]:
    """The team (Organization) and the staff the record names whom the reader may read."""
    team = record.user.team
    items = [Item("Organization", str(team.id), lambda: people.organization(team),
                  team.updated_at, referred=True)]
    ids = sorted(record.referred_staff_ids())
    if ids:
        staff = db.session.scalars(sa.select(Staff).where(Staff.id.in_(ids)).order_by(Staff.id))
        items += [Item("Practitioner", str(s.id), lambda s=s: people.practitioner(s),
                       s.updated_at, referred=True) for s in staff]
    return items


def everything(record: UserRecord, types: set[str] | None = None) -> list[Item]:
    """The whole record in ``RECORD_TYPES`` order, then what it refers to; only ``types``
    when given."""
    wanted = types or set(RECORD_TYPES + REFERRED_TYPES)
    items = [item for kind in RECORD_TYPES if kind in wanted for item in ITEMS[kind](record)]
    if wanted & set(REFERRED_TYPES):
        items += [item for item in referred_items(record) if item.type in wanted]
    return items


def export_bundle(record: UserRecord, base_url: str) -> Bundle:
    """The whole record as a ``collection`` Bundle for a file, with a Provenance naming
    every resource; every entry with its ``fullUrl`` (the Provenance, which is not
    served, as a ``urn:uuid``)."""
    resources = [item.resource() for item in everything(record)]
    targets = [people.ref(r.get_resource_type(), r.id) for r in resources]
    provenance = mapping.provenance(targets, utcnow())
    entries = [{"resource": r, "fullUrl": full_url(base_url, r.get_resource_type(), r.id)}
               for r in resources]
    entries.append({"resource": provenance, "fullUrl": f"urn:uuid:{provenance.id}"})
    return Bundle(id=str(uuid.uuid4()), type="collection", timestamp=utcnow().isoformat(),
                  entry=entries)


def load_record(user: ServiceUser, reader: Staff | None = None) -> UserRecord:
    """The user's record as ``reader`` sees it (None: an export, which names everyone)."""
    return UserRecord(user, reader)
