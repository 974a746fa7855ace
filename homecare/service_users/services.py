"""Registering service users, moving them between teams, and responsible contacts."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import date, datetime

import sqlalchemy as sa
from flask import current_app
from flask_babel import format_date, format_datetime
from flask_babel import gettext as _

from homecare.core.audit import record_refusal
from homecare.core.database import save
from homecare.core.errors import ValidationFailed
from homecare.core.extensions import db
from homecare.core.national_id import InvalidNationalId, NationalId, parse_national_id
from homecare.core.timeutil import local_today, utcnow
from homecare.core.validation import FieldErrors, is_blank, refuse_unknown
from homecare.org.models import PHONE_LENGTH, TEAM_ROLES, Staff, Team
from homecare.service_users import addresses, names
from homecare.service_users.kin import read_relationship
from homecare.service_users.models import (
    END_REASON_LENGTH,
    Gender,
    KinRelationship,
    NextOfKin,
    ResponsibleContactAssignment,
    ServiceType,
    ServiceUser,
    TeamPeriod,
    locking_histories,
)


class AlreadyRegistered(Exception):
    """The national id is held by ``user``: who may be told so is the caller's to decide
    (``transfers.register_or_request_transfer``)."""

    def __init__(self, user: ServiceUser) -> None:
        super().__init__("national id already registered")
        self.user = user


def _check_national_id(errors: FieldErrors, raw: str) -> NationalId | None:
    try:
        return parse_national_id(
            raw, allow_synthetic=current_app.config["HOMECARE_ALLOW_SYNTHETIC_IDS"],
            today=local_today(),
        )
    except InvalidNationalId as exc:
        errors.add("national_id", str(exc))
        return None


def _holder(national_id: str, *, other_than: ServiceUser | None = None) -> ServiceUser | None:
    """The user who holds ``national_id`` already (deleted ones too: the id stays theirs)."""
    query = sa.select(ServiceUser).where(ServiceUser.national_id == national_id)
    if other_than is not None:
        query = query.where(ServiceUser.id != other_than.id)
    return db.session.scalar(query)


def _check_next_of_kin(errors: FieldErrors, people: Iterable[Mapping]) -> list[NextOfKin]:
    result = []
    for index, person in enumerate(people):
        for field, limit in (("name", 200), ("relation", 100), ("phone", PHONE_LENGTH)):
            value = person.get(field)
            errors.text(f"next_of_kin.{index}.{field}", None if value is None else str(value),
                        max_length=limit)
        relation = str(person.get("relation", "")).strip()
        coded = person.get("relationship")
        if coded is not None:
            coded = errors.choice(KinRelationship, f"next_of_kin.{index}.relationship", coded,
                                  _("Unknown relationship."))
        speaks = person.get("may_speak_for")
        errors.require(speaks is None or isinstance(speaks, bool),
                       f"next_of_kin.{index}.may_speak_for", _("Answer yes or no."))
        result.append(NextOfKin(position=index, name=str(person.get("name", "")).strip(),
                                relation=relation,
                                relationship=coded or read_relationship(relation),
                                phone=str(person.get("phone", "")).strip(),
                                may_speak_for=speaks))
    return result


#: The name parts' fields, as the API and the services name them.
NAME_FIELDS = ("given_name", "middle_name", "family_name")


def _checked_name(errors: FieldErrors, full_name: str | None, given: dict) -> tuple:
    """(full name, parts) from input: the parts as entered, the given and family names
    together, and the whole name made of them unless it was given too; or a whole name
    alone, whose parts are read where it tells them (``names.read_parts``)."""
    if any(given.get(field) is not None for field in NAME_FIELDS):
        part_errors = FieldErrors()
        for field in NAME_FIELDS:
            part_errors.text(field, given.get(field), max_length=200,
                             required=field != "middle_name")
        errors.merge(part_errors)
        parts = names.parts_of(*(given.get(field) for field in NAME_FIELDS))
        if full_name is None and part_errors:
            return "", parts
        full_name = parts.composed() if full_name is None else full_name
        errors.text("full_name", full_name, max_length=200)
        return full_name.strip(), parts
    errors.text("full_name", full_name, max_length=200)
    return (full_name or "").strip(), names.read_parts(full_name or "")


def _checked_address(errors: FieldErrors, address: str | None, given: dict):
    """(address line, parts) from input: the parts as given, with the line made of them
    unless it was given too; or a line alone, read into parts where it has the
    Norwegian form (``addresses.read_line``)."""
    if any(given.get(field) is not None for field in addresses.PART_FIELDS):
        part_errors = FieldErrors()
        parts = addresses.checked_parts(part_errors, given)
        errors.merge(part_errors)
        if address is None and part_errors:
            return "", parts
        address = parts.composed() if address is None else address
        errors.text("address", address, max_length=300)
        return address.strip(), parts
    errors.text("address", address, max_length=300)
    return (address or "").strip(), addresses.read_line(address or "")


def _checked_phone(errors: FieldErrors, phone: str | None) -> str | None:
    """The user's own phone as entered, or None (they need not have one)."""
    errors.text("phone", phone, max_length=PHONE_LENGTH, required=False)
    return None if is_blank(phone) else phone.strip()


def _name_fields(full_name: str, parts: names.NameParts) -> dict:
    return {"full_name": full_name, "given_name": parts.given, "middle_name": parts.middle,
            "family_name": parts.family}


def register_service_user(*, national_id: str, team: Team,
                          service_type: ServiceType | str, service_start: date,
                          full_name: str | None = None, address: str | None = None,
                          service_end: date | None = None, needs_proxy: bool = False,
                          next_of_kin: Iterable[Mapping] = (), gender: Gender | str | None = None,
                          phone: str | None = None, **parts) -> ServiceUser:
    """Register a person receiving care in a team, with the first period of team history.

    The name is given whole (``full_name``) or in parts (``given_name``, ``middle_name``,
    ``family_name``), or both; the address as one line (``address``) or in parts
    (``address_line``, ``postal_code``, ``city``, ``municipality_number``, ``district``),
    or both (see ``_checked_name`` and ``_checked_address``). The birth date comes from
    the validated national id; every problem with the input is reported at once and
    nothing is written unless all of it is valid. A national id held already raises
    AlreadyRegistered (once the rest is valid).
    """
    refuse_unknown(parts, frozenset(NAME_FIELDS + addresses.PART_FIELDS))
    errors = FieldErrors()
    parsed = _check_national_id(errors, national_id)
    name, name_parts = _checked_name(errors, full_name, parts)
    line, address_parts = _checked_address(errors, address, parts)
    if gender is not None:
        gender = errors.choice(Gender, "gender", gender, _("Unknown gender."))
    service_type = errors.choice(ServiceType, "service_type", service_type,
                                 _("Choose short term or long term."))
    if service_end is not None and service_end < service_start:
        errors.add("service_end", _("The service cannot end before it starts."))
    kin = _check_next_of_kin(errors, next_of_kin)
    phone = _checked_phone(errors, phone)
    errors.raise_if_any()
    holder = _holder(parsed.value)
    if holder is not None:
        raise AlreadyRegistered(holder)
    user = ServiceUser(
        national_id=parsed.value, birth_date=parsed.birth_date,
        **_name_fields(name, name_parts), gender=gender, address=line,
        **address_parts.as_fields(), team=team, service_type=service_type,
        service_start=service_start, service_end=service_end, needs_proxy=needs_proxy,
        next_of_kin=kin, phone=phone,
    )
    db.session.add(user)
    db.session.add(TeamPeriod(service_user=user, team=team, valid_from=service_start))
    db.session.flush()
    return user


def lock_service_user(user: ServiceUser) -> None:
    """Serialise changes to one user's histories (row lock on PostgreSQL).

    Two coordinators assigning a contact at the same moment would otherwise both pass the
    overlap check; SQLite serialises writers by itself.
    """
    db.session.execute(locking_histories([user.id]))


#: What ``update_service_user`` changes (team moves go through ``move_to_team``).
EDITABLE = frozenset({"national_id", "full_name", "address", "gender", "service_type",
                      "service_end", "service_end_reason", "needs_proxy", "next_of_kin",
                      "phone", *NAME_FIELDS,
                      *addresses.PART_FIELDS})


def _changed_name(errors: FieldErrors, user: ServiceUser, changes: dict) -> dict:
    """The name fields after ``changes``: new parts (merged with the stored ones) make the
    whole name unless it changes too; a new whole name alone brings the parts it tells."""
    if any(field in changes for field in NAME_FIELDS):
        merged = {field: changes.get(field, getattr(user, field)) for field in NAME_FIELDS}
        name, parts = _checked_name(errors, changes.get("full_name"), merged)
        return _name_fields(name, parts)
    if "full_name" in changes:
        return _name_fields(*_checked_name(errors, changes["full_name"], {}))
    return {}


def _changed_address(errors: FieldErrors, user: ServiceUser, changes: dict) -> dict:
    """The address fields after ``changes``, as for the name; a new line alone keeps the
    district when it is read as the same municipality."""
    if any(field in changes for field in addresses.PART_FIELDS):
        merged = {field: changes.get(field, getattr(user, field))
                  for field in addresses.PART_FIELDS}
        line, parts = _checked_address(errors, changes.get("address"), merged)
        return {"address": line, **parts.as_fields()}
    if "address" in changes:
        line, parts = _checked_address(errors, changes["address"], {})
        fields = {"address": line, **parts.as_fields()}
        if parts.municipality_number and parts.municipality_number == user.municipality_number:
            fields["district"] = user.district
        return fields
    return {}


def update_service_user(user: ServiceUser, **changes) -> ServiceUser:
    """Change a user's details; a new national id is validated like a new one, and names
    and addresses as on registration (``_changed_name``, ``_changed_address``).

    Team moves go through ``move_to_team`` (they keep history); ``next_of_kin`` replaces
    the whole list.
    """
    refuse_unknown(changes, EDITABLE)
    errors = FieldErrors()
    parsed = None
    if "national_id" in changes and changes["national_id"] != user.national_id:
        parsed = _check_national_id(errors, changes["national_id"])
        holder = _holder(parsed.value, other_than=user) if parsed else None
        if holder is not None:
            # Held by someone: whose, the caller may not know. The attempt is logged on
            # the holder's record, so that trying numbers leaves a trace.
            record_refusal("service_users", holder.id, holder.id, "national id given to "
                           "another user")
            errors.add("national_id", _("This national identity number cannot be given to "
                                        "this user. Check it for a typo."))
    new = {**_changed_name(errors, user, changes), **_changed_address(errors, user, changes)}
    if changes.get("gender") is not None:
        new["gender"] = errors.choice(Gender, "gender", changes["gender"], _("Unknown gender."))
    elif "gender" in changes:
        new["gender"] = None
    end = changes.get("service_end", user.service_end)
    if end is not None and end < user.service_start:
        errors.add("service_end", _("The service cannot end before it starts."))
    if "service_end_reason" in changes:
        reason = changes["service_end_reason"]
        if reason is not None:   # null clears it; a text given must say something
            errors.text("service_end_reason", reason, max_length=END_REASON_LENGTH)
            errors.require(end is not None, "service_end_reason",
                           _("A reason is given with the end of the service."))
        new["service_end_reason"] = None if is_blank(reason) else reason.strip()
    elif "service_end" in changes and end is None:
        new["service_end_reason"] = None   # the service goes on: no reason it ended
    if "phone" in changes:
        new["phone"] = _checked_phone(errors, changes["phone"])
    kin = _check_next_of_kin(errors, changes["next_of_kin"]) if "next_of_kin" in changes \
        else None
    errors.raise_if_any()
    if parsed is not None:
        user.national_id, user.birth_date = parsed.value, parsed.birth_date
    for field, value in new.items():
        setattr(user, field, value)
    for field in ("service_type", "service_end", "needs_proxy"):
        if field in changes:
            setattr(user, field, changes[field])
    if kin is not None:
        user.next_of_kin = _same_people_kept(user.next_of_kin, kin, changes["next_of_kin"])
    db.session.flush()
    return user


def _same_people_kept(stored: list[NextOfKin], wanted: list[NextOfKin],
                      given: Iterable[Mapping]) -> list[NextOfKin]:
    """The new list of next of kin, each person already stored kept as the same row
    (matched by the ``id`` a page sends, else by name), changed in place: a follow-up
    that names who spoke for the user (``check_ins.spoken_for_by_id``) keeps pointing at
    them when someone else on the list is added, changed or removed."""
    by_id = {person.id: person for person in stored}
    by_name: dict[str, list[NextOfKin]] = {}
    for person in stored:
        by_name.setdefault(person.name.casefold(), []).append(person)
    kept = []
    for new, entry in zip(wanted, given, strict=True):
        same = by_id.pop(entry.get("id"), None) if entry.get("id") else None
        candidates = by_name.get(new.name.casefold(), [])
        if same is None:
            same = next((p for p in candidates if p.id in by_id), None)
            by_id.pop(getattr(same, "id", None), None)
        if same is None:
            kept.append(new)
            continue
        for field in ("position", "name", "relation", "relationship", "phone",
                      "may_speak_for"):
            setattr(same, field, getattr(new, field))
        kept.append(same)
    return kept


def current_contacts(user_ids: list, at: datetime | None = None) -> dict:
    """Service user id -> staff id of the responsible contact at ``at`` (one query)."""
    if not user_ids:
        return {}
    at = at or utcnow()
    rows = db.session.execute(
        sa.select(ResponsibleContactAssignment.service_user_id,
                  ResponsibleContactAssignment.staff_id).where(
            ResponsibleContactAssignment.service_user_id.in_(user_ids),
            ResponsibleContactAssignment.covers(at)))
    return dict(rows.all())


def current_team_period(user: ServiceUser) -> TeamPeriod | None:
    """The open period of the user's team history."""
    return db.session.scalar(
        sa.select(TeamPeriod).where(
            TeamPeriod.service_user_id == user.id, TeamPeriod.valid_to.is_(None)
        )
    )


def teams_on(user: ServiceUser, day: date) -> frozenset[int]:
    """The teams the user belonged to on a local date (their team history): one, or two
    on the day they moved (care given that morning was the first team's)."""
    return frozenset(db.session.scalars(sa.select(TeamPeriod.team_id).where(
        TeamPeriod.service_user_id == user.id, TeamPeriod.valid_from <= day,
        sa.or_(TeamPeriod.valid_to.is_(None), TeamPeriod.valid_to >= day))))


def move_to_team(user: ServiceUser, team: Team, on: date) -> None:
    """Move a user to another team from a local date on, keeping the history.

    A move on the first day of the current period corrects that period's team instead
    (a user registered in the wrong team the same day). Responsible-contact assignments
    are left alone: the coordinator of the new team assigns a new contact.
    """
    if team.id == user.team_id:
        return
    lock_service_user(user)
    period = current_team_period(user)
    if period is not None and on < period.valid_from:
        raise ValidationFailed.single("moved_on", _(
            "The move must be on or after %(day)s, when the user joined the current team.",
            day=format_date(period.valid_from)))
    if period is not None and on == period.valid_from:
        period.team = team
    else:
        if period is not None:
            period.valid_to = on
        db.session.add(TeamPeriod(service_user=user, team=team, valid_from=on))
    user.team = team
    db.session.flush()


def responsible_contact_at(user: ServiceUser, moment: datetime
                           ) -> ResponsibleContactAssignment | None:
    """The assignment covering an instant, if any."""
    return db.session.scalar(
        sa.select(ResponsibleContactAssignment).where(
            ResponsibleContactAssignment.service_user_id == user.id,
            ResponsibleContactAssignment.covers(moment)))


def _check_contact_candidate(errors: FieldErrors, user: ServiceUser, staff: Staff) -> None:
    errors.require(staff.active, "staff_id", _("This staff account is deactivated."))
    errors.require(staff.role in TEAM_ROLES and user.team_id in staff.team_ids, "staff_id",
                   _("The responsible contact must be a member of the user's team."))


def assign_responsible_contact(user: ServiceUser, staff: Staff, starting: datetime | None = None,
                               assigned_by: Staff | None = None) -> ResponsibleContactAssignment:
    """Make ``staff`` the user's responsible contact from ``starting`` (default now).

    The previous assignment ends where the new one begins, so that exactly one covers
    every instant from then on. Assignments cannot be slipped in before the start of a
    later one: the history is only ever extended forwards. Assigning the current contact
    again changes nothing.
    """
    starting = starting or utcnow()
    lock_service_user(user)
    errors = FieldErrors()
    _check_contact_candidate(errors, user, staff)
    later = db.session.scalar(
        sa.select(sa.func.max(ResponsibleContactAssignment.valid_from)).where(
            ResponsibleContactAssignment.service_user_id == user.id,
        )
    )
    if later is not None and starting <= later:
        errors.add("from", _("The new assignment must start after %(moment)s, when the "
                             "latest assignment began.", moment=format_datetime(later)))
    current = responsible_contact_at(user, starting) if not errors else None
    if current is not None and current.staff_id == staff.id and current.valid_to is None:
        return current
    errors.raise_if_any()
    open_assignment = db.session.scalar(
        sa.select(ResponsibleContactAssignment).where(
            ResponsibleContactAssignment.service_user_id == user.id,
            ResponsibleContactAssignment.valid_to.is_(None),
        )
    )
    if open_assignment is not None:
        open_assignment.valid_to = starting
        db.session.flush()  # end it before the new open one exists (unique open index)
    assignment = ResponsibleContactAssignment(
        service_user=user, staff=staff, valid_from=starting, assigned_by_id=getattr(
            assigned_by, "id", None))
    return save(assignment)


def contact_history(user: ServiceUser) -> list[ResponsibleContactAssignment]:
    """Every assignment of the user, oldest first."""
    return list(db.session.scalars(
        sa.select(ResponsibleContactAssignment)
        .where(ResponsibleContactAssignment.service_user_id == user.id)
        .order_by(ResponsibleContactAssignment.valid_from)
    ))


def team_users(team: Team, day: date) -> list[ServiceUser]:
    """The team's users receiving services on ``day``, by name."""
    return list(db.session.scalars(
        sa.select(ServiceUser).where(ServiceUser.team_id == team.id,
                                     ServiceUser.is_active_on(day))
        .order_by(ServiceUser.full_name)))
