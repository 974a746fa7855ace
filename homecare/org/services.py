"""Creating and changing sections and teams (staff accounts: ``auth.accounts``)."""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from flask_babel import gettext as _
from sqlalchemy.orm import selectinload

from homecare.core import registries
from homecare.core.database import save
from homecare.core.errors import ValidationFailed
from homecare.core.extensions import db
from homecare.core.validation import FieldErrors
from homecare.org.models import (
    PHONE_LENGTH,
    TEAM_ROLES,
    Section,
    Staff,
    Team,
)


def create_section(name: str) -> Section:
    """A new section; names are unique."""
    errors = FieldErrors()
    errors.text("name", name, max_length=120)
    if name and db.session.scalar(sa.select(Section.id).where(Section.name == name.strip())):
        errors.add("name", _("A section with this name already exists."))
    errors.raise_if_any()
    section = Section(name=name.strip())
    return save(section)


def check_register_number(errors: FieldErrors, field: str, value: str | None,
                           problem_of) -> str | None:
    """An optional register number, without spaces (people write "974 760 673"); its
    problem recorded on ``field``; None when empty."""
    if value is None or not str(value).strip():
        return None
    number = "".join(str(value).split())
    problem = problem_of(number)
    if problem:
        errors.add(field, problem)
    return number


def create_team(name: str, section: Section, phone: str | None = None,
                organisation_number: str | None = None) -> Team:
    """A new team in a section; names are unique within the section; the organisation
    number, where the team has one, must be a valid one."""
    errors = FieldErrors()
    errors.text("name", name, max_length=120)
    errors.text("phone", phone, max_length=PHONE_LENGTH, required=False)
    organisation_number = check_register_number(
        errors, "organisation_number", organisation_number,
        registries.organisation_number_problem)
    taken = sa.select(Team.id).where(Team.section_id == section.id,
                                     Team.name == (name or "").strip())
    if name and db.session.scalar(taken):
        errors.add("name", _("This section already has a team with this name."))
    errors.raise_if_any()
    team = Team(name=name.strip(), section=section, phone=_phone(phone),
                organisation_number=organisation_number)
    return save(team)


def update_section(section: Section, *, name: str | None = None) -> Section:
    """Rename a section (names stay unique)."""
    if name is not None and name.strip() != section.name:
        errors = FieldErrors()
        errors.text("name", name, max_length=120)
        errors.raise_if_any()
        if db.session.scalar(sa.select(Section.id).where(Section.name == name.strip())):
            errors.add("name", _("A section with this name already exists."))
        errors.raise_if_any()
        section.name = name.strip()
    db.session.flush()
    return section


#: ``update_team``'s phone when the caller does not change it (None removes it).
_UNCHANGED: Any = object()


def _phone(phone: str | None) -> str | None:
    return (phone or "").strip() or None


def update_team(team: Team, *, name: str | None = None, section: Section | None = None,
                phone: str | None = _UNCHANGED,
                organisation_number: str | None = _UNCHANGED) -> Team:
    """Rename a team, move it to another section (names stay unique per section) or
    change its phone number or organisation number (empty removes either)."""
    errors = FieldErrors()
    if name is not None:
        errors.text("name", name, max_length=120)
    if phone is not _UNCHANGED:
        errors.text("phone", phone, max_length=PHONE_LENGTH, required=False)
    if organisation_number is not _UNCHANGED:
        organisation_number = check_register_number(
            errors, "organisation_number", organisation_number,
            registries.organisation_number_problem)
    errors.raise_if_any()
    new_name = name.strip() if name is not None else team.name
    new_section = section or team.section
    if (new_name, new_section.id) != (team.name, team.section_id):
        taken = sa.select(Team.id).where(Team.section_id == new_section.id,
                                         Team.name == new_name, Team.id != team.id)
        if db.session.scalar(taken):
            raise ValidationFailed.single("name", _("This section already has a team with "
                                                    "this name."))
    team.name, team.section = new_name, new_section
    if phone is not _UNCHANGED:
        team.phone = _phone(phone)
    if organisation_number is not _UNCHANGED:
        team.organisation_number = organisation_number
    db.session.flush()
    return team


def team_members(team: Team) -> list[Staff]:
    """The team's active members who make visits, by name."""
    members = db.session.scalars(
        sa.select(Staff).join(Staff.teams).where(Team.id == team.id, Staff.active.is_(True))
        .options(selectinload(Staff.teams)).order_by(Staff.full_name))
    return [s for s in members if s.role in TEAM_ROLES]
