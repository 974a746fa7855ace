"""Creating and changing sections, teams and staff accounts."""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any

import sqlalchemy as sa
from flask_babel import gettext as _
from sqlalchemy.orm import selectinload

from homecare.auth.passwords import password_problem
from homecare.auth.sessions import EndReason, end_all
from homecare.core import registries
from homecare.core.database import save
from homecare.core.errors import ValidationFailed
from homecare.core.validation import FieldErrors
from homecare.extensions import db
from homecare.org.models import (
    PHONE_LENGTH,
    TEAM_ROLES,
    Profession,
    Role,
    Section,
    Staff,
    Team,
)

USERNAME_PATTERN = re.compile(r"^[a-z0-9][a-z0-9._-]{1,79}$")


def create_section(name: str) -> Section:
    """A new section; names are unique."""
    errors = FieldErrors()
    errors.text("name", name, max_length=120)
    if name and db.session.scalar(sa.select(Section.id).where(Section.name == name.strip())):
        errors.add("name", _("A section with this name already exists."))
    errors.raise_if_any()
    section = Section(name=name.strip())
    return save(section)


def _check_register_number(errors: FieldErrors, field: str, value: str | None,
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
    organisation_number = _check_register_number(
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


def check_password_strength(errors: FieldErrors, password: str | None,
                            username: str | None) -> None:
    """The one password rule (``auth.passwords``), reported on ``password``."""
    problem = password_problem(password, username)
    if problem:
        errors.add("password", problem)


def _check_placement(errors: FieldErrors, role: Role, teams: list[Team], section: Section | None
                     ) -> None:
    if role in TEAM_ROLES:
        errors.require(bool(teams), "team_ids",
                       _("Team members and coordinators belong to at least one team."))
        errors.require(section is None, "section_id",
                       _("Only section leaders are linked to a section."))
    elif role is Role.SECTION_LEADER:
        errors.require(section is not None, "section_id", _("A section leader needs a section."))
        errors.require(not teams, "team_ids", _("Section leaders are not team members."))
    else:
        errors.require(not teams and section is None, "role",
                       _("Administrators belong to no team or section."))


def _load_teams(errors: FieldErrors, team_ids: Iterable[int]) -> list[Team]:
    wanted = sorted(set(team_ids))
    teams = list(db.session.scalars(sa.select(Team).where(Team.id.in_(wanted)))) if wanted else []
    if len(teams) != len(wanted):
        errors.add("team_ids", _("One or more of the teams does not exist."))
    return teams


def _check_hpr_number(errors: FieldErrors, value: str | None, staff: Staff | None = None
                      ) -> str | None:
    """An optional HPR number: valid, and no other account's."""
    number = _check_register_number(errors, "hpr_number", value, registries.hpr_number_problem)
    if number is not None and "hpr_number" not in errors.fields():
        taken = sa.select(Staff.id).where(Staff.hpr_number == number)
        if staff is not None:
            taken = taken.where(Staff.id != staff.id)
        if db.session.scalar(taken):
            errors.add("hpr_number", _("Another account has this HPR number."))
    return number


def create_staff(*, username: str, password: str, full_name: str, role: Role | str,
                 profession: Profession | str | None = None, team_ids: Iterable[int] = (),
                 section_id: int | None = None, hpr_number: str | None = None,
                 temporary_password: bool = True) -> Staff:
    """A new staff account, checked for a free username, a strong password and placement;
    the HPR number, for authorised health personnel, must be valid and not another's.

    A password set by someone else is temporary (``temporary_password``): the person
    chooses their own at the first sign-in, as after a reset. Only an account whose
    owner set it (the operator's own, on the command line) and the demo's keep it.
    """
    errors = FieldErrors()
    username = (username or "").strip().lower()
    errors.require(bool(USERNAME_PATTERN.match(username)), "username",
                   _("Use 2–80 lower-case letters, digits, dots, dashes or underscores."))
    if db.session.scalar(sa.select(Staff.id).where(Staff.username == username)):
        errors.add("username", _("This username is taken."))
    errors.text("full_name", full_name, max_length=200)
    check_password_strength(errors, password, username)
    role = errors.choice(Role, "role", role, _("Unknown role."))
    if role is None:
        errors.raise_if_any()  # the placement rules below depend on the role
    if profession:
        profession = errors.choice(Profession, "profession", profession, _("Unknown profession."))
    teams = _load_teams(errors, team_ids)
    section = db.session.get(Section, section_id) if section_id is not None else None
    if section_id is not None and section is None:
        errors.add("section_id", _("This section does not exist."))
    _check_placement(errors, role, teams, section)
    hpr_number = _check_hpr_number(errors, hpr_number)
    errors.raise_if_any()
    staff = Staff(username=username, full_name=full_name.strip(), role=role,
                  profession=profession, section=section, teams=teams, hpr_number=hpr_number)
    staff.set_password(password)
    staff.must_change_password = temporary_password
    return save(staff)


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
        organisation_number = _check_register_number(
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


def update_staff(staff: Staff, **changes) -> Staff:
    """Change an account: name, role, profession, HPR number, placement, active, password.

    The placement rules of ``create_staff`` are checked on the result. Deactivating or
    resetting the password ends every session and API token of the account.
    """
    errors = FieldErrors()
    role = staff.role
    if "role" in changes:
        role = errors.choice(Role, "role", changes["role"], _("Unknown role."))
        errors.raise_if_any()
    teams = _load_teams(errors, changes["team_ids"]) if "team_ids" in changes else staff.teams
    section = staff.section
    if "section_id" in changes:
        section = db.session.get(Section, changes["section_id"]) \
            if changes["section_id"] is not None else None
        if changes["section_id"] is not None and section is None:
            errors.add("section_id", _("This section does not exist."))
    if "full_name" in changes:
        errors.text("full_name", changes["full_name"], max_length=200)
    if changes.get("password") is not None:
        check_password_strength(errors, changes["password"], staff.username)
    _check_placement(errors, role, teams, section)
    hpr_number = _check_hpr_number(errors, changes.get("hpr_number"), staff)
    errors.raise_if_any()
    staff.role, staff.teams, staff.section = role, teams, section
    if "full_name" in changes:
        staff.full_name = changes["full_name"].strip()
    if "profession" in changes:
        staff.profession = changes["profession"]
    if "hpr_number" in changes:
        staff.hpr_number = hpr_number
    if changes.get("password") is not None:
        reset_password(staff, changes["password"])
    if changes.get("active") is False and staff.active:
        deactivate_staff(staff)
    elif changes.get("active") is True:
        # Reactivation revives nothing: the old sessions and tokens stay ended.
        staff.active = True
    db.session.flush()
    return staff


def reset_password(staff: Staff, password: str) -> None:
    """An administrator sets a password: every session and token of the account ends, and
    the person must choose a password of their own at the next sign-in."""
    staff.set_password(password)
    staff.must_change_password = True
    end_all(staff, EndReason.PASSWORD_CHANGED)


def deactivate_staff(staff: Staff) -> None:
    """Stop an account from signing in and end its sessions and tokens; its history stays."""
    staff.active = False
    end_all(staff, EndReason.DEACTIVATED)


def team_members(team: Team) -> list[Staff]:
    """The team's active members who make visits, by name."""
    members = db.session.scalars(
        sa.select(Staff).join(Staff.teams).where(Team.id == team.id, Staff.active.is_(True))
        .options(selectinload(Staff.teams)).order_by(Staff.full_name))
    return [s for s in members if s.role in TEAM_ROLES]
