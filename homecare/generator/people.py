"""The organisation and the people in it: sections, teams, staff and service users.

Everything comes from one seeded random generator, so a seed and a day give the same
world. Ids are chosen here (integers from 1, UUIDs that ascend) so that rows can be
bulk-loaded without asking the database for them, and the ascending UUIDs keep the
primary-key indexes append-only while millions of rows go in.
"""

from __future__ import annotations

import random
import uuid
from dataclasses import dataclass, field
from datetime import date, timedelta

from homecare.core.national_id import with_check_digits
from homecare.core.registries import with_organisation_check_digit
from homecare.demo import texts
from homecare.generator.scale import DISTRICTS, Scale
from homecare.org.models import Profession, Role

#: Team makeup (as in DOMAIN.md): nurses, health workers and home helpers visit; a case
#: officer, an occupational therapist and a physiotherapist complete the team.
MAKEUP = (Profession.NURSE, Profession.NURSE, Profession.HEALTH_WORKER,
          Profession.HEALTH_WORKER, Profession.HOME_HELPER, Profession.NURSE,
          Profession.HEALTH_WORKER, Profession.CASE_OFFICER, Profession.HEALTH_WORKER,
          Profession.NURSE, Profession.OCCUPATIONAL_THERAPIST, Profession.HOME_HELPER,
          Profession.PHYSIOTHERAPIST, Profession.HEALTH_WORKER)
VISITING = {Profession.NURSE, Profession.HEALTH_WORKER, Profession.HOME_HELPER}
#: Professions registered in Helsepersonellregisteret with an authorisation.
AUTHORISED = {Profession.NURSE, Profession.HEALTH_WORKER, Profession.OCCUPATIONAL_THERAPIST,
              Profession.PHYSIOTHERAPIST}
STREETS = [street for streets in texts.STREETS.values() for street in streets]


class Ids:
    """Ascending, seed-dependent UUIDs (version 4 layout), one sequence per run."""

    def __init__(self, seed: int):
        self._prefix = (seed * 2654435761 + 12345) & 0xFFFFFFFF
        self._next = 0

    def __call__(self) -> uuid.UUID:
        self._next += 1
        return uuid.UUID(int=(self._prefix << 96) | self._next, version=4)


@dataclass
class StaffMember:
    """One account."""

    id: int
    username: str
    full_name: str
    role: Role
    profession: Profession | None
    section_id: int | None = None
    team_ids: list[int] = field(default_factory=list)


@dataclass
class TeamPlan:
    """A team, its members, and those of them who make visits."""

    id: int
    section_id: int
    name: str
    coordinator: StaffMember | None = None
    members: list[StaffMember] = field(default_factory=list)

    @property
    def visitors(self) -> list[StaffMember]:
        """Members who make visits (never empty: a team of only therapists still visits)."""
        return [m for m in self.members if m.profession in VISITING] or self.members


@dataclass
class UserPlan:
    """A service user and the facts their care history is drawn from."""

    id: uuid.UUID
    national_id: str
    full_name: str
    born: date
    team_id: int
    long_term: bool
    start: date
    end: date | None
    needs_proxy: bool
    #: (old team, day of the move) for users who moved team.
    moved: tuple[int, date] | None = None


@dataclass
class World:
    """The organisation and the people, before any care record."""

    sections: list[tuple[int, str]]
    teams: list[TeamPlan]
    staff: list[StaffMember]
    users: list[UserPlan]

    def team(self, team_id: int) -> TeamPlan:
        """A team by id (ids are 1..n in order)."""
        return self.teams[team_id - 1]


def _staff(world_staff: list, role: Role, name: str, *, username: str,
           profession: Profession | None = None, section_id: int | None = None) -> StaffMember:
    member = StaffMember(len(world_staff) + 1, username, name, role, profession, section_id)
    world_staff.append(member)
    return member


def _name(rng: random.Random, first_names: list[str]) -> str:
    return f"{rng.choice(first_names)} {rng.choice(texts.LAST_NAMES)}"


def _organisation(scale: Scale, rng: random.Random):
    sections = [(i + 1, f"{DISTRICTS[i % len(DISTRICTS)]}"
                 + (f" {i // len(DISTRICTS) + 1}" if i >= len(DISTRICTS) else ""))
                for i in range(scale.sections)]
    staff: list[StaffMember] = []
    _staff(staff, Role.ADMIN, "Ada Admin", username="admin")
    for section_id, _section_name in sections:
        _staff(staff, Role.SECTION_LEADER, _name(rng, texts.STAFF_FIRST_NAMES),
               username=f"leder{section_id}", section_id=section_id)
    teams = [TeamPlan(i + 1, sections[i // scale.teams_per_section][0],
                      f"Team {i % scale.teams_per_section + 1:02d}")
             for i in range(scale.teams)]
    return sections, staff, teams


def _team_members(scale: Scale, rng: random.Random, staff: list, teams: list[TeamPlan]) -> None:
    """Spread the staff over the teams: a coordinator first, then the team's makeup; one
    in twenty also helps out in a neighbouring team of the same section."""
    members = max(scale.staff - len(staff), 2 * len(teams))
    for index in range(members):
        team = teams[index % len(teams)]
        if team.coordinator is None:
            person = _staff(staff, Role.COORDINATOR, _name(rng, texts.STAFF_FIRST_NAMES),
                            username=f"koordinator{team.id}", profession=Profession.NURSE)
            team.coordinator = person
        else:
            profession = MAKEUP[len(team.members) % len(MAKEUP)]
            person = _staff(staff, Role.STAFF, _name(rng, texts.STAFF_FIRST_NAMES),
                            username=f"ansatt{len(staff) + 1}", profession=profession)
        person.team_ids.append(team.id)
        team.members.append(person)
    for person in staff:
        if person.role is Role.STAFF and rng.random() < 0.05:
            team = teams[person.team_ids[0] - 1]
            siblings = [t for t in teams if t.section_id == team.section_id and t is not team]
            if siblings:
                other = rng.choice(siblings)
                person.team_ids.append(other.id)
                other.members.append(person)


def _national_id(rng: random.Random, taken: set[str]) -> tuple[str, date]:
    """A synthetic national id (month + 80) for someone born 1920 to 1960."""
    while True:
        born = date(rng.randint(1920, 1960), rng.randint(1, 12), rng.randint(1, 28))
        nine = f"{born:%d}{born.month + 80:02d}{born:%y}{rng.randint(0, 499):03d}"
        value = with_check_digits(nine)
        if value and value not in taken:
            taken.add(value)
            return value, born


def _users(scale: Scale, rng: random.Random, ids: Ids, teams: list[TeamPlan], today: date):
    """Users spread over the teams; three in four long-term. Long-term users started up to
    three years ago; short-term ones within the history, for two to eight weeks."""
    history = scale.months * 30
    taken: set[str] = set()
    users = []
    for index in range(scale.users):
        team = teams[index % len(teams)]
        national_id, born = _national_id(rng, taken)
        long_term = rng.random() < 0.75
        if long_term:
            start = today - timedelta(days=rng.randint(0, 3 * 365))
            end = None
        else:
            start = today - timedelta(days=rng.randint(0, history))
            end = start + timedelta(days=rng.randint(14, 56))
        moved = None
        siblings = [t for t in teams if t.section_id == team.section_id and t is not team]
        if siblings and (today - start).days > 60 and rng.random() < 0.03:
            moved = (rng.choice(siblings).id,
                     today - timedelta(days=rng.randint(1, min(history, (today - start).days
                                                                - 30))))
        users.append(UserPlan(ids(), national_id, _name(rng, texts.FIRST_NAMES), born, team.id,
                              long_term, start, end, rng.random() < 0.08, moved))
    return users


def build_world(scale: Scale, today: date) -> World:
    """The organisation and its people for a scale and seed."""
    rng = random.Random(scale.seed)  # noqa: S311 - repeatable test data, not secrets
    sections, staff, teams = _organisation(scale, rng)
    _team_members(scale, rng, staff, teams)
    users = _users(scale, rng, Ids(scale.seed), teams, today)
    return World(sections, teams, staff, users)


def address(rng: random.Random) -> tuple[str, str, str]:
    """A street address in Oslo: street line, postal code, postal place."""
    return f"{rng.choice(STREETS)} {rng.randint(1, 80)}", f"0{rng.randint(450, 599)}", "Oslo"


def district_of(section_id: int) -> str:
    """The Oslo district (bydel) a generated section serves (sections are named by them)."""
    return DISTRICTS[(section_id - 1) % len(DISTRICTS)]


def hpr_number(member: StaffMember) -> str | None:
    """A made-up HPR number for authorised health personnel (unique per account)."""
    return f"{8_000_000 + member.id}" if member.profession in AUTHORISED else None


def organisation_number(team_id: int) -> str | None:
    """A made-up organisation number with a valid check digit, or none for this team."""
    return with_organisation_check_digit(f"98{team_id:06d}")
