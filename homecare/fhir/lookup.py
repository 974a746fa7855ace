"""Finding the user a FHIR id or search belongs to, through the access policy, and the
parameters of ``$everything``.

By id, another team's record answers 404 (``policy.lookup.load``); by search it is found
by no search. Either way the attempt goes to the access log (``policy.access.judge``).
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime

from flask_babel import gettext as _
from werkzeug.exceptions import NotFound

from homecare.core.extensions import db
from homecare.decisions.models import Decision
from homecare.fhir import record, search
from homecare.fhir.record import Item
from homecare.goals.models import CheckIn, Goal
from homecare.policy.access import Action, Verdict, judge
from homecare.policy.lookup import actor, load
from homecare.service_users.models import NextOfKin, ServiceUser
from homecare.visits.models import Visit

#: Type → (model, path to its user for the policy, suffix of the id after the UUID).
_OWNED = {"Patient": (ServiceUser, None), "Goal": (Goal, "service_user"),
          "CarePlan": (Decision, "service_user"), "Encounter": (Visit, None),
          "QuestionnaireResponse": (CheckIn, "goal.service_user"),
          "Observation": (CheckIn, "goal.service_user"),
          "RelatedPerson": (NextOfKin, "service_user")}


def _record_id(kind: str, rid: str) -> uuid.UUID | None:
    """The stored record's id within a FHIR id (an Observation's is ``<check-in>-<kind>``,
    a CareTeam's ``team-<team>-<user>``), or None for an id of another shape."""
    raw = rid
    if kind == "Observation":
        raw, _dash, rating = rid.rpartition("-")
        if rating not in ("performance", "satisfaction"):
            return None
    elif kind == "CareTeam":
        raw = rid.split("-", 2)[2] if rid.startswith("team-") and rid.count("-") >= 2 else ""
    try:
        return uuid.UUID(raw)
    except ValueError:
        return None


def _user_of(kind: str, found) -> ServiceUser:
    if isinstance(found, ServiceUser):
        return found
    if isinstance(found, CheckIn):
        return found.goal.service_user
    return found.service_user


def owner(kind: str, rid: str) -> tuple[ServiceUser, str, object]:
    """The user whose record holds ``kind``/``rid`` if the caller may view it, with the
    stored record's table and id for the access log; 404 otherwise (logged when hidden)."""
    record_id = _record_id(kind, rid)
    if record_id is None:
        raise NotFound()
    if kind == "CareTeam":
        user = load(ServiceUser, record_id)
        if rid != f"team-{user.team_id}-{user.id}":
            raise NotFound()
        return user, "service_users", user.id
    model, through = _OWNED[kind]
    found = load(model, record_id, through=through)
    return _user_of(kind, found), model.__tablename__, found.id


def _quiet_owner(kind: str, rid: str) -> ServiceUser | None:
    """The user whose record holds ``rid`` if the caller may view it; None otherwise, the
    refusal logged for another team's."""
    record_id = _record_id(kind, rid)
    if record_id is None:
        return None
    model = _OWNED.get(kind, (ServiceUser, None))[0]
    found = db.session.get(model, record_id)
    user = None if found is None else _user_of(kind, found)
    if user is not None and kind == "CareTeam" and rid != f"team-{user.team_id}-{user.id}":
        return None
    return user if user is not None and _viewable(user) else None


def _viewable(user: ServiceUser) -> bool:
    return judge(actor(), Action.VIEW, user) is Verdict.ALLOWED


def record_search(kind: str, criteria: search.Criteria) -> tuple[list[Item], list[Item]]:
    """The matching items of the users the search names that the caller may view (each
    search logged against its user), and those users' Patients for ``_include``."""
    users: dict = {}
    if criteria.patient is not None:
        user = db.session.get(ServiceUser, criteria.patient)
        if user is not None and _viewable(user):
            users[user.id] = user
    else:
        for rid in sorted(criteria.ids):
            user = _quiet_owner(kind, rid)
            if user is not None:
                users.setdefault(user.id, user)
    items, patients = [], []
    for user in users.values():
        found = record.load_record(user, actor())
        items += [item for item in record.ITEMS[kind](found) if criteria.matches(item)]
        patients += record.patient_items(found)
        record_read(user.id, f"FHIR {kind} search")
    return items, patients


def record_read(user_id, what: str) -> None:
    """The access log's entry for a search of the user's record."""
    from homecare.core.audit import record_read as log

    log(user_id, what)


@dataclass
class Everything:
    """The parameters of ``$everything``."""

    paging: search.Paging
    types: set[str] | None
    since: datetime | None
    start: datetime | None
    end: datetime | None
    used: list[tuple[str, str]]

    def matches(self, item: Item) -> bool:
        """Changed since ``_since``; care within ``start`` to ``end`` where it has dates
        (the Patient, the team and the people are always in)."""
        if self.since is not None and (item.updated is None or item.updated < self.since):
            return False
        if item.period is None:
            return True
        begins, ends = item.period
        return (self.start is None or ends > self.start) and (
            self.end is None or begins < self.end)


def parse_everything(pairs: list[tuple[str, str]], strict: bool) -> Everything:
    """``_count``, ``_offset``, ``_type``, ``_since``, ``start``, ``end`` (and ``_summary``,
    ``_elements``); anything else ignored, or refused under strict handling."""
    paging = search.parse_paging(pairs)
    used, unknown = [], []
    types = since = start = end = None
    for name, value in pairs:
        if name in ("_count", "_offset", "_summary", "_elements", "_format"):
            continue
        if name == "_type":
            asked = {t.strip() for t in value.split(",") if t.strip()}
            strange = asked - set(record.RECORD_TYPES + record.REFERRED_TYPES)
            if strange:
                raise search.refuse(_("This server has no %(types)s.",
                                      types=", ".join(sorted(strange))), "_type")
            types = asked if types is None else types & asked
        elif name == "_since":
            since = search.parse_instant(name, value)[1]
        elif name == "start":
            start = search.parse_instant(name, value)[1]
        elif name == "end":
            end = search.parse_instant(name, value)[2]
        else:
            unknown.append(name)
            continue
        used.append((name, value))
    if strict and unknown:
        raise search.refuse_unknown(unknown)
    return Everything(paging, types, since, start, end, used)
