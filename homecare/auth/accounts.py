"""Staff accounts: creating one, changing it, a new password, ending it.

Apart from ``org.services`` (sections and teams): an account is how a staff member signs
in, so its rules (a free username, a strong password, sessions ended with the account)
are the sign-in's; where the person works is checked against the organisation.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

import sqlalchemy as sa
from flask_babel import gettext as _

from homecare.auth.passwords import password_problem
from homecare.auth.sessions import EndReason, end_all
from homecare.core import registries
from homecare.core.database import save
from homecare.core.extensions import db
from homecare.core.validation import FieldErrors
from homecare.org.models import (
    TEAM_ROLES,
    Profession,
    Role,
    Section,
    Staff,
    Team,
)
from homecare.org.services import check_register_number

USERNAME_PATTERN = re.compile(r"^[a-z0-9][a-z0-9._-]{1,79}$")


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
    number = check_register_number(errors, "hpr_number", value, registries.hpr_number_problem)
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
