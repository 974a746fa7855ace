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
from homecare.core.national_id import InvalidNationalId, NationalId, parse_national_id
from homecare.core.timeutil import local_today, utcnow
from homecare.core.validation import FieldErrors
from homecare.extensions import db
from homecare.flags.rules import active_users_on
from homecare.org.models import PHONE_LENGTH, TEAM_ROLES, Staff, Team
from homecare.service_users.models import (
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
        result.append(NextOfKin(position=index, name=str(person.get("name", "")).strip(),
                                relation=str(person.get("relation", "")).strip(),
                                phone=str(person.get("phone", "")).strip()))
    return result


def register_service_user(*, national_id: str, full_name: str, address: str, team: Team,
                          service_type: ServiceType | str, service_start: date,
                          service_end: date | None = None, needs_proxy: bool = False,
                          next_of_kin: Iterable[Mapping] = ()) -> ServiceUser:
    """Register a person receiving care in a team, with the first period of team history.

    The birth date comes from the validated national id; every problem with the input is
    reported at once and nothing is written unless all of it is valid. A national id
    held already raises AlreadyRegistered (once the rest is valid).
    """
    errors = FieldErrors()
    parsed = _check_national_id(errors, national_id)
    errors.text("full_name", full_name, max_length=200)
    errors.text("address", address, max_length=300)
    service_type = errors.choice(ServiceType, "service_type", service_type,
                                 _("Choose short term or long term."))
    if service_end is not None and service_end < service_start:
        errors.add("service_end", _("The service cannot end before it starts."))
    kin = _check_next_of_kin(errors, next_of_kin)
    errors.raise_if_any()
    holder = _holder(parsed.value)
    if holder is not None:
        raise AlreadyRegistered(holder)
    user = ServiceUser(
        national_id=parsed.value, birth_date=parsed.birth_date, full_name=full_name.strip(),
        address=address.strip(), team=team, service_type=service_type,
        service_start=service_start, service_end=service_end, needs_proxy=needs_proxy,
        next_of_kin=kin,
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


def update_service_user(user: ServiceUser, **changes) -> ServiceUser:
    """Change a user's details; a new national id is validated like a new one.

    Team moves go through ``move_to_team`` (they keep history); ``next_of_kin`` replaces
    the whole list.
    """
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
    for field, limit in (("full_name", 200), ("address", 300)):
        if field in changes:
            errors.text(field, changes[field], max_length=limit)
    end = changes.get("service_end", user.service_end)
    if end is not None and end < user.service_start:
        errors.add("service_end", _("The service cannot end before it starts."))
    kin = _check_next_of_kin(errors, changes["next_of_kin"]) if "next_of_kin" in changes \
        else None
    errors.raise_if_any()
    if parsed is not None:
        user.national_id, user.birth_date = parsed.value, parsed.birth_date
    for field in ("full_name", "address"):
        if field in changes:
            setattr(user, field, changes[field].strip())
    for field in ("service_type", "service_end", "needs_proxy"):
        if field in changes:
            setattr(user, field, changes[field])
    if kin is not None:
        user.next_of_kin = kin
    db.session.flush()
    return user


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
                                     ServiceUser.deleted_at.is_(None), active_users_on(day))
        .order_by(ServiceUser.full_name)))
