"""Care records for the generated users, as rows ready for bulk loading.

The shape follows DOMAIN.md: long-term users get one to four visits a day, the first a
main visit; short-term users fewer. Most main visits are made by a handful of familiar
staff, among them the responsible contact, who for some users rarely comes; some users
meet many faces. Contacts change now and then, what matters is missing for some, goals
have follow-up intervals and some follow-ups are overdue, decisions come up for review
and some are overdue. Each user's records come from their own seeded generator, so the
visits can be streamed after the other records without holding them in memory.
"""

from __future__ import annotations

import random
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta

from homecare.core.timeutil import local_zone
from homecare.demo import texts
from homecare.generator.people import (
    Ids,
    StaffMember,
    UserPlan,
    World,
    address,
    district_of,
    hpr_number,
    organisation_number,
)
from homecare.generator.scale import Scale
from homecare.service_users.kin import read_relationship

#: Local minutes after midnight of each day's visits (the first is the main visit).
SLOTS = (8 * 60, 11 * 60 + 30, 15 * 60, 20 * 60)
VISITS_PER_DAY = ((1, 2, 3, 4), (45, 30, 15, 10))
PLANNED_AHEAD_DAYS = 7
ANSWERS = ("yes", "yes", "yes", "partly", "no", "not_asked")


@dataclass
class Period:
    """A stretch of the user's service in one team, with its contact and familiar staff."""

    team_id: int
    start: date
    end: date | None
    familiar: list[StaffMember]
    contacts: list[tuple[StaffMember, datetime, datetime | None]]


@dataclass
class Plan:
    """What the user's visits are drawn from."""

    periods: list[Period]
    contact_share: float
    many_faces: bool
    visits_per_day: int
    every_days: int


def _rng(scale: Scale, index: int, salt: int) -> random.Random:
    return random.Random(scale.seed * 1_000_003 + index * 7 + salt)  # noqa: S311 - not secret


def _at(day: date, minutes: int) -> datetime:
    local = datetime.combine(day, time.min, tzinfo=local_zone()) + timedelta(minutes=minutes)
    return local.astimezone(UTC)


def _periods(world: World, user: UserPlan, rng: random.Random) -> list[Period]:
    """The user's team periods; contacts change now and then, and one in twenty users
    never got one."""
    spans = ([(user.moved[0], user.start, user.moved[1]), (user.team_id, user.moved[1], None)]
             if user.moved else [(user.team_id, user.start, None)])
    periods = []
    for team_id, start, end in spans:
        visitors = world.team(team_id).visitors
        familiar = rng.sample(visitors, min(len(visitors), rng.randint(3, 5)))
        contacts = []
        if rng.random() >= 0.05:
            begin = _at(start, 7 * 60)
            if rng.random() < 0.25 and (end or date.max) > start + timedelta(days=40):
                change = _at(start + timedelta(days=rng.randint(20, 40)), 7 * 60)
                contacts.append((familiar[-1], begin, change))
                begin = change
            contacts.append((familiar[0], begin, _at(end, 7 * 60) if end else None))
        periods.append(Period(team_id, start, end, familiar, contacts))
    return periods


def plan_users(world: World, scale: Scale) -> list[Plan]:
    """Each user's visiting pattern, in the order of ``world.users``."""
    plans = []
    for index, user in enumerate(world.users):
        rng = _rng(scale, index, 1)
        plans.append(Plan(
            periods=_periods(world, user, rng),
            contact_share=rng.choice((0.05, 0.1, 0.2, 0.3, 0.4)),
            many_faces=rng.random() < 0.15,
            visits_per_day=rng.choices(*VISITS_PER_DAY)[0] if user.long_term else 1,
            every_days=1 if user.long_term else rng.randint(1, 3)))
    return plans


def org_rows(world: World, now: datetime, password_hash: str, rng: random.Random) -> dict:
    """Sections, teams, staff and their team memberships."""
    return {
        "sections": [(sid, name, now, now) for sid, name in world.sections],
        "teams": [(t.id, t.name, t.section_id, organisation_number(t.id), now, now)
                  for t in world.teams],
        "staff": [(s.id, s.username, s.full_name, s.role.value,
                   s.profession.value if s.profession else None, hpr_number(s), s.section_id,
                   password_hash,
                   True, f"{rng.getrandbits(256):064x}", None, now, now) for s in world.staff],
        "staff_teams": [(s.id, t) for s in world.staff for t in s.team_ids],
    }


def _user_rows(world: World, user: UserPlan, plan: Plan, rng: random.Random, ids: Ids,
               now: datetime, out: dict) -> None:
    given, family = user.full_name.split()
    line, postal_code, city = address(rng)
    district = district_of(world.team(user.team_id).section_id)
    out["service_users"].append((
        user.id, user.national_id, user.full_name, given, family,
        "female" if given in texts.FEMALE_FIRST_NAMES else "male", user.born,
        f"{line}, {postal_code} {city}", line, postal_code, city, "0301", district,
        user.team_id, "long_term" if user.long_term else "short_term", user.start, user.end,
        user.needs_proxy, None, now, now, 1))
    for period in plan.periods:
        out["service_user_teams"].append((ids(), user.id, period.team_id, period.start,
                                          period.end, now, now))
        coordinator = world.team(period.team_id).coordinator or period.familiar[0]
        for staff, start, end in period.contacts:
            out["responsible_contacts"].append((ids(), user.id, staff.id, start, end,
                                                coordinator.id, now, now))
    if rng.random() < 0.7:
        name = f"{rng.choice(texts.FIRST_NAMES)} {user.full_name.split()[-1]}"
        relation = rng.choice(texts.NEXT_OF_KIN_RELATIONS)
        coded = read_relationship(relation)
        out["next_of_kin"].append((ids(), user.id, 0, name, relation,
                                   coded.value if coded else None,
                                   f"9{rng.randint(1000000, 9999999)}", now, now))


def _current(plan: Plan) -> Period:
    return plan.periods[-1]


def _goals_and_check_ins(user: UserPlan, plan: Plan, rng: random.Random, ids: Ids,
                         today: date, now: datetime, out: dict) -> None:
    """What matters (missing for some), goals from it, and follow-ups (late for some)."""
    period = _current(plan)
    asked_on = period.start + timedelta(days=rng.randint(0, 10))
    if rng.random() < 0.15 or asked_on > today:
        return
    staff = period.familiar[0]
    source = texts.PROXY_WHAT_MATTERS if user.needs_proxy else texts.WHAT_MATTERS
    words, goal_texts = rng.choice(source)
    conversation = ids()
    present = ["next_of_kin"] if user.needs_proxy else ["user"]
    out["what_matters"].append((conversation, user.id, asked_on, staff.id, present,
                                words, "Pårørende" if user.needs_proxy else None, staff.id,
                                now, now))
    diligence = rng.choice((1.0, 0.9, 0.8, 0.6))
    for description in goal_texts[:rng.randint(1, 3)]:
        start = asked_on + timedelta(days=rng.randint(0, 7))
        if start > today:
            continue
        interval = rng.choice((14, 28, 28, 42, 56))
        status, closed = rng.choices((("active", None), ("achieved", True),
                                      ("on_hold", None), ("proposed", None)),
                                     (80, 10, 5, 5))[0]
        closed_on = None
        if closed and (today - start).days > interval:
            closed_on = start + timedelta(days=rng.randint(interval, (today - start).days))
        elif closed:
            status = "active"
        goal = ids()
        baseline = rng.randint(2, 6)
        out["goals"].append((goal, user.id, conversation, description,
                             "next_of_kin" if user.needs_proxy else "user", start, interval,
                             baseline, rng.randint(2, 6), status, closed_on, staff.id, now, now,
                             1))
        day, score = start + timedelta(days=interval), baseline
        last = min(today, closed_on or today)
        while day <= last and status != "proposed":
            if rng.random() < diligence:
                score = min(10, score + rng.choice((0, 0, 1, 1, 2)))
                out["check_ins"].append((
                    ids(), goal, day, score, max(1, min(10, score + rng.randint(-1, 2))),
                    rng.choice(texts.CHECKIN_NOTES) if rng.random() < 0.3 else None,
                    rng.choice(ANSWERS), rng.choice(ANSWERS), rng.choice(ANSWERS),
                    staff.id, now, now))
            day += timedelta(days=interval + rng.randint(-3, 3))


def _decisions(user: UserPlan, plan: Plan, rng: random.Random, ids: Ids, today: date,
               now: datetime, out: dict) -> None:
    """Long-term users get a decision in their first weeks, renewed every six months;
    one in seven is overdue for review."""
    if not user.long_term or rng.random() < 0.1:
        return
    period = _current(plan)
    decided = user.start + timedelta(days=rng.randint(3, 14))
    lapses = rng.random() < 0.15
    while decided <= today:
        review = decided + timedelta(days=182)
        decision = ids()
        out["decisions"].append((decision, user.id, decided, rng.random() < 0.8,
                                 "Bo trygt hjemme og mestre mer selv",
                                 rng.choice(texts.DECISION_SERVICES),
                                 rng.choice(texts.DECISION_REASONS), decided, None, review,
                                 "in_force", period.familiar[0].id, now, now, 1))
        for member in {m.id for m in period.familiar[:3]}:
            out["decision_participants"].append((decision, member))
        if lapses or review > today:
            break
        decided = review


def record_rows(world: World, scale: Scale, plans: list[Plan], today: date, now: datetime,
                ids: Ids) -> dict[str, list[tuple]]:
    """Every care record except visits, table by table."""
    out: dict[str, list[tuple]] = {name: [] for name in (
        "service_users", "service_user_teams", "next_of_kin", "responsible_contacts",
        "what_matters", "goals", "check_ins", "decisions", "decision_participants")}
    for index, (user, plan) in enumerate(zip(world.users, plans, strict=True)):
        rng = _rng(scale, index, 2)
        _user_rows(world, user, plan, rng, ids, now, out)
        _goals_and_check_ins(user, plan, rng, ids, today, now, out)
        _decisions(user, plan, rng, ids, today, now, out)
    return out


def _contact_at(period: Period, moment: datetime) -> StaffMember | None:
    for staff, start, end in period.contacts:
        if start <= moment and (end is None or moment < end):
            return staff
    return None


def _visitor(plan: Plan, period: Period, visitors: list, moment: datetime, main: bool,
             rng: random.Random) -> StaffMember:
    if plan.many_faces:
        return rng.choice(visitors)
    draw = rng.random()
    if main and draw < plan.contact_share:
        return _contact_at(period, moment) or rng.choice(period.familiar)
    if draw < (0.85 if main else 0.6):
        return rng.choice(period.familiar)
    return rng.choice(visitors)


def visit_rows(world: World, scale: Scale, plans: list[Plan], today: date, now: datetime,
               ids: Ids) -> Iterator[tuple]:
    """Every visit of every user over the history and the week ahead, streamed."""
    first = today - timedelta(days=scale.months * 30)
    last = today + timedelta(days=PLANNED_AHEAD_DAYS)
    midnight = {first + timedelta(days=i): _at(first + timedelta(days=i), 0)
                for i in range((last - first).days + 1)}
    for index, (user, plan) in enumerate(zip(world.users, plans, strict=True)):
        rng = _rng(scale, index, 3)
        for period in plan.periods:
            visitors = world.team(period.team_id).visitors
            day = max(period.start, first)
            # A team period ends the day before ``end``; the service, on ``user.end``.
            end = min(period.end - timedelta(days=1) if period.end else last,
                      user.end or last, last)
            while day <= end:
                for slot in SLOTS[:plan.visits_per_day]:
                    yield _visit(user, plan, period, visitors, midnight[day], slot, now, rng,
                                 ids)
                day += timedelta(days=plan.every_days)


def _visit(user, plan, period, visitors, midnight, slot, now, rng, ids) -> tuple:
    main = slot == SLOTS[0]
    planned = midnight + timedelta(minutes=slot + rng.choice((0, 15, 30)))
    minutes = rng.choice((30, 45, 60)) if main else rng.choice((10, 15, 20))
    staff = _visitor(plan, period, visitors, planned, main, rng)
    status, start, end = "planned", None, None
    if planned < now:
        status = rng.choices(("completed", "missed", "cancelled"), (96, 2, 2))[0]
        if status == "completed":
            start = planned + timedelta(minutes=rng.randint(-10, 20))
            end = start + timedelta(minutes=minutes + rng.randint(-5, 10))
            if end > now:
                status, start, end = "planned", None, None
    return (ids(), user.id, staff.id, "main" if main else "short", planned, minutes, status,
            start, end, None, staff.id, now, now, 1)
