"""Test data built through the real services, so that it obeys the same rules."""

from __future__ import annotations

import itertools
from dataclasses import dataclass
from datetime import date, timedelta

from homecare.auth.accounts import create_staff
from homecare.core.national_id import with_check_digits
from homecare.core.timeutil import local_today
from homecare.org.models import Profession, Role, Section, Staff, Team
from homecare.org.services import create_section, create_team
from homecare.service_users.models import ServiceType, ServiceUser
from homecare.service_users.services import register_service_user

PASSWORD = "correct-horse-battery"
_serial = itertools.count(1)


def synthetic_national_id(born: date = date(1940, 5, 17)) -> str:
    """A fresh, valid synthetic national id (month + 80) for the given birth date."""
    while True:
        individual = next(_serial) % 500
        nine = f"{born:%d}{born.month + 80:02d}{born:%y}{individual:03d}"
        value = with_check_digits(nine)
        if value:
            return value


def make_staff(role: Role = Role.STAFF, *, teams: list[Team] = (), section: Section | None = None,
               username: str | None = None, profession: Profession | None = Profession.NURSE
               ) -> Staff:
    """A staff account with the shared test password."""
    username = username or f"{role.value.replace('_', '')}{next(_serial)}"
    return create_staff(username=username, password=PASSWORD, full_name=f"Test {username}",
                        temporary_password=False,
                        role=role, profession=profession if role in (Role.STAFF,
                                                                      Role.COORDINATOR) else None,
                        team_ids=[t.id for t in teams], section_id=section.id if section else None)


def make_user(team: Team, *, start: date | None = None, service_type=ServiceType.LONG_TERM,
              needs_proxy: bool = False, **fields) -> ServiceUser:
    """A service user in a team."""
    return register_service_user(
        national_id=fields.pop("national_id", None) or synthetic_national_id(),
        full_name=fields.pop("full_name", "Kari Nordmann"),
        address=fields.pop("address", "Bjølsengata 1, 0468 Oslo"), team=team,
        service_type=service_type,
        service_start=start or local_today() - timedelta(days=30), needs_proxy=needs_proxy,
        **fields)


@dataclass
class Org:
    """Two sections; section A has teams A1 and A2, section B has team B1."""

    section_a: Section
    section_b: Section
    team_a1: Team
    team_a2: Team
    team_b1: Team
    admin: Staff
    leader_a: Staff
    leader_b: Staff
    coordinator_a1: Staff
    staff_a1: Staff
    staff_a2: Staff
    staff_b1: Staff
    user_a1: ServiceUser
    user_a2: ServiceUser
    user_b1: ServiceUser


def organisation() -> Org:
    """The standard cast for access tests."""
    section_a, section_b = create_section("Seksjon A"), create_section("Seksjon B")
    team_a1, team_a2 = create_team("Team A1", section_a), create_team("Team A2", section_a)
    team_b1 = create_team("Team B1", section_b)
    return Org(
        section_a=section_a, section_b=section_b, team_a1=team_a1, team_a2=team_a2,
        team_b1=team_b1,
        admin=make_staff(Role.ADMIN, username="admin"),
        leader_a=make_staff(Role.SECTION_LEADER, section=section_a, username="leader.a"),
        leader_b=make_staff(Role.SECTION_LEADER, section=section_b, username="leader.b"),
        coordinator_a1=make_staff(Role.COORDINATOR, teams=[team_a1], username="coord.a1"),
        staff_a1=make_staff(teams=[team_a1], username="staff.a1"),
        staff_a2=make_staff(teams=[team_a2], username="staff.a2"),
        staff_b1=make_staff(teams=[team_b1], username="staff.b1"),
        user_a1=make_user(team_a1), user_a2=make_user(team_a2), user_b1=make_user(team_b1),
    )
