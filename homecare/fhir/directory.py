"""Searches over many records, in SQL: patients (within the caller's teams), staff
(Practitioner) and teams (Organization); and reading staff and teams by id.

A national id never goes in a URL: ``identifier`` is taken in the body of ``POST
Patient/_search`` only, and a GET naming it answers 400 pointing there.
"""

from __future__ import annotations

import uuid

import sqlalchemy as sa
from flask_babel import gettext as _
from sqlalchemy.orm import selectinload
from werkzeug.exceptions import NotFound

from homecare.core.audit import record_read, record_reads
from homecare.core.extensions import db
from homecare.core.national_id import normalised
from homecare.fhir import people, record
from homecare.fhir import search as searching
from homecare.fhir.record import Item
from homecare.org.models import Staff, Team
from homecare.policy.access import (
    Action,
    ensure_works_in_a_team,
    judge,
    visible_service_users,
    visible_staff,
    visible_teams,
)
from homecare.policy.lookup import actor, load
from homecare.service_users.models import ServiceUser

READ_TYPES = ("Practitioner", "Organization")
SEARCH_TYPES = ("Patient", "Practitioner", "Organization")
_CONTROLS = ("_count", "_offset", "_summary", "_elements", "_format")
NATIONAL_ID_SYSTEMS = set(people.NATIONAL_ID_SYSTEMS.values())


def _integer_id(rid: str) -> int:
    if not rid.isdigit() or int(rid) > 2**31 - 1:
        raise NotFound()
    return int(rid)


def read(kind: str, rid: str):
    """A staff member or a team by id, if the caller may see them (teammates, one's own
    teams; administrators all)."""
    if kind == "Practitioner":
        return people.practitioner(load(Staff, _integer_id(rid), Action.VIEW))
    return people.organization(load(Team, _integer_id(rid), Action.VIEW))


def _identifier(value: str, systems: set[str], name: str = "identifier") -> str:
    system, bar, code = value.rpartition("|")
    if not code.strip() or (bar and system and system not in systems):
        raise searching.refuse(_("Give the identifier as system|value, the system one of "
                              "%(systems)s.", systems=", ".join(sorted(systems))), name)
    return code.strip()


def _criteria(kind: str, pairs, strict: bool) -> tuple[list, list, list]:
    """(name, value) pairs this search uses, those it does not know, in order."""
    known = searching.PARAMETERS[kind]
    used, unknown = [], []
    for name, value in pairs:
        if name in _CONTROLS:
            continue
        (used if name in known else unknown).append((name, value))
    if strict and unknown:
        raise searching.refuse_unknown(name for name, _value in unknown)
    return used, unknown


def search(kind: str, pairs, strict: bool, *, by_post: bool):
    """A search of patients, staff or teams: a page and the path its links go to."""
    paging = searching.parse_paging(pairs)
    used, _unknown = _criteria(kind, pairs, strict)
    if kind == "Patient":
        query, shown = _patients(used, by_post)
    elif kind == "Practitioner":
        query, shown = _staff(used)
    else:
        query, shown = _teams(used)
    total = db.session.scalar(sa.select(sa.func.count()).select_from(query.subquery()))
    rows = [] if paging.summary_count else list(db.session.scalars(
        query.limit(paging.count).offset(paging.offset)))
    items = [Item(kind, str(row.id), lambda row=row: _resource(kind, row)) for row in rows]
    if kind == "Patient":
        _log(rows, used)
    found = searching.Page(items, total, paging, shown)
    return found, kind


def _resource(kind: str, row):
    if kind == "Patient":
        return record.Item("Patient", str(row.id), lambda: people.patient(row)).resource()
    return people.practitioner(row) if kind == "Practitioner" else people.organization(row)


def _uuids(value: str) -> list[uuid.UUID]:
    found = []
    for part in value.split(","):
        try:
            found.append(uuid.UUID(part.strip()))
        except ValueError:
            continue
    return found


def _patients(used, by_post: bool):
    """Patients of the caller's teams by ``_id``, ``name`` and (POST only) ``identifier``;
    a named patient of another team is found by none, and the attempt is logged."""
    caller = actor()
    ensure_works_in_a_team(caller)
    query = sa.select(ServiceUser).where(visible_service_users(caller))
    shown = []
    for name, value in used:
        if name == "_id":
            ids = _uuids(value)
            _log_hidden(sa.select(ServiceUser).where(ServiceUser.id.in_(ids)))
            query = query.where(ServiceUser.id.in_(ids))
            shown.append((name, value))
        elif name == "name":
            words = value.split()
            for word in words:
                like = word.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
                query = query.where(sa.or_(ServiceUser.full_name.ilike(f"{like}%", escape="\\"),
                                           ServiceUser.full_name.ilike(f"% {like}%",
                                                                       escape="\\")))
            shown.append((name, value))
        elif name == "identifier":
            if not by_post:
                raise searching.refuse(_(
                    "Do not put a national identity number in a web address: send "
                    "identifier=system|value in a form to POST /fhir/R4/Patient/_search."),
                    "identifier")
            number = normalised(_identifier(value, NATIONAL_ID_SYSTEMS))
            _log_hidden(sa.select(ServiceUser).where(ServiceUser.national_id == number))
            query = query.where(ServiceUser.national_id == number)
            # Left out of the links: it stays out of every URL.
    query = query.options(selectinload(ServiceUser.next_of_kin), selectinload(ServiceUser.team))
    return query.order_by(ServiceUser.full_name, ServiceUser.id), shown


def _log_hidden(query) -> None:
    """Log the refusal for each named patient the caller may not see (``judge``)."""
    caller = actor()
    for user in db.session.scalars(query.where(ServiceUser.deleted_at.is_(None))):
        if user.team_id not in caller.team_ids:
            judge(caller, Action.VIEW, user)


def _log(rows: list[ServiceUser], used) -> None:
    if any(name == "identifier" for name, _value in used):
        for user in rows:
            record_read(user.id, "FHIR Patient search (national id)")
    else:
        record_reads([user.id for user in rows], "FHIR Patient search")


def _staff(used):
    """Staff the caller may see, by ``_id`` and HPR ``identifier``."""
    query = sa.select(Staff).where(visible_staff(actor()))
    for name, value in used:
        if name == "_id":
            query = query.where(Staff.id.in_([int(v) for v in value.split(",")
                                              if v.strip().isdigit()]))
        else:
            query = query.where(Staff.hpr_number == _identifier(value, {people.HPR_SYSTEM}))
    return query.order_by(Staff.full_name, Staff.id), used


def _teams(used):
    """Teams the caller may see, by ``_id`` and organisation number (``identifier``)."""
    query = sa.select(Team).where(visible_teams(actor()))
    for name, value in used:
        if name == "_id":
            query = query.where(Team.id.in_([int(v) for v in value.split(",")
                                             if v.strip().isdigit()]))
        else:
            query = query.where(Team.organisation_number == _identifier(
                value, {people.ORGANISATION_SYSTEM}))
    return query.order_by(Team.name, Team.id), used

