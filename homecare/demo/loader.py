"""Loads the demo through the same services (and so the same rules) as the API.

Repeatable for a seed and the moment it runs (visits before "now" are completed).
Includes the gaps a coordinator should find: users with no responsible contact or no
what-matters conversation yet, overdue follow-ups, a decision overdue for review, a
contact over the caseload cap, users whose responsible contact rarely visits.
"""

from __future__ import annotations

import random
import unicodedata
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

import sqlalchemy as sa

from homecare.auth.accounts import create_staff
from homecare.core.errors import DomainError
from homecare.core.extensions import db
from homecare.core.national_id import with_check_digits
from homecare.core.registries import with_organisation_check_digit
from homecare.core.timeutil import local_today, local_zone, utcnow
from homecare.decisions.services import record_decision
from homecare.demo import texts
from homecare.demo.life import goal_and_decision_life
from homecare.flags.rules import DECISION_AFTER_DAYS
from homecare.goals.models import Answer, AnsweredBy, ExpressedBy, GoalStatus
from homecare.goals.services import change_goal_status, create_goal, record_check_in
from homecare.indicators.snapshots import build_snapshot, weekly_dates
from homecare.intake.services import record_referral, update_referral
from homecare.org.models import Profession, Role, Section, Staff, Team
from homecare.org.services import create_section, create_team
from homecare.readings.services import write_reading
from homecare.service_users.models import ServiceType, ServiceUser
from homecare.service_users.services import assign_responsible_contact, register_service_user
from homecare.visits.models import VisitKind, VisitStatus
from homecare.visits.series import plan_series
from homecare.visits.services import build_visit
from homecare.what_matters.services import record_conversation

SECTION_NAME = "Sagene hjemmetjeneste"
#: Where the demo's users live: Oslo (municipality 0301), district Sagene.
MUNICIPALITY, DISTRICT = "0301", "Sagene"
#: Professions registered in Helsepersonellregisteret (HPR) with an authorisation.
AUTHORISED = {Profession.NURSE, Profession.HEALTH_WORKER, Profession.OCCUPATIONAL_THERAPIST,
              Profession.PHYSIOTHERAPIST}
DEMO_PASSWORD = "hva-er-viktig"  # noqa: S105 - the published demo password
TEAMS = (("Team Bjølsen", "bjolsen", 10), ("Team Iladalen", "iladalen", 8),
         ("Team Sandaker", "sandaker", 12))
USERS_PER_TEAM = 40
HISTORY_DAYS = 56
PLANNED_AHEAD_DAYS = 7
#: The professions of a team, in the order members are created (the first coordinates).
TEAM_MAKEUP = (Profession.NURSE, Profession.NURSE, Profession.HEALTH_WORKER,
               Profession.HEALTH_WORKER, Profession.HOME_HELPER, Profession.CASE_OFFICER,
               Profession.NURSE, Profession.HEALTH_WORKER, Profession.OCCUPATIONAL_THERAPIST,
               Profession.PHYSIOTHERAPIST, Profession.HEALTH_WORKER, Profession.NURSE)
VISITING = {Profession.NURSE, Profession.HEALTH_WORKER, Profession.HOME_HELPER}


@dataclass(frozen=True)
class DemoLogin:
    """A demo account to print for whoever starts the demo."""

    username: str
    role: Role
    team: str | None = None


@dataclass
class DemoResult:
    """What ``load_demo`` did."""

    created: bool
    logins: list[DemoLogin]
    counts: dict[str, int] = field(default_factory=dict)


def demo_logins() -> list[DemoLogin]:
    """The accounts the demo creates, one per role (and one coordinator per team)."""
    logins = [DemoLogin("admin", Role.ADMIN), DemoLogin("leder", Role.SECTION_LEADER)]
    for name, slug, _size in TEAMS:
        logins.append(DemoLogin(f"koordinator.{slug}", Role.COORDINATOR, name))
    logins.append(DemoLogin("sykepleier.bjolsen", Role.STAFF, TEAMS[0][0]))
    return logins


def _organisation_number(number: int) -> str:
    """A made-up organisation number (valid check digit) for the demo's team ``number``."""
    return next(value for first in range(10) if (
        value := with_organisation_check_digit(f"99{number:02d}4{first}12")))


def _ascii(text: str) -> str:
    text = text.lower().replace("ø", "o").replace("æ", "ae").replace("å", "a")
    return unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()


def _at(day: date, hour: int, minute: int = 0) -> datetime:
    return datetime.combine(day, time(hour, minute), tzinfo=local_zone())


class _Demo:
    def __init__(self, seed: int, today: date):
        self.rng = random.Random(seed)  # noqa: S311 - repeatable demo data, not secrets
        # The words the team writes (visit notes, whose voice a follow-up is) come from a
        # stream of their own: adding them changed nothing else the demo draws.
        self.words = random.Random(seed + 1)  # noqa: S311
        self.today = today
        self.now = utcnow()
        self.used_ids: set[str] = set()
        self.staff_names: set[str] = set()
        self.staff_count = 0
        #: Staff id -> the (start, end) of the visits planned ahead, so that nobody is
        #: booked twice in the plan (the planner warns of a double booking).
        self.booked: dict[int, list[tuple[datetime, datetime]]] = {}

    # organisation ---------------------------------------------------------------------
    def organisation(self) -> tuple[Section, list[Team], Staff]:
        section = create_section(SECTION_NAME)
        admin = create_staff(username="admin", password=DEMO_PASSWORD, full_name="Ada Admin",
                             role=Role.ADMIN, temporary_password=False)
        create_staff(username="leder", password=DEMO_PASSWORD, full_name="Liv Leder",
                     role=Role.SECTION_LEADER, section_id=section.id,
                     temporary_password=False)
        teams = []
        for number, (name, slug, size) in enumerate(TEAMS):
            team = create_team(name, section, phone=f"23 42 {70 + number} 00",
                               organisation_number=_organisation_number(number))
            for index, profession in enumerate(TEAM_MAKEUP[:size]):
                self._member(team, slug, index, profession)
            teams.append(team)
        return section, teams, admin

    def _member(self, team: Team, slug: str, index: int, profession: Profession) -> Staff:
        first = self.rng.choice(texts.STAFF_FIRST_NAMES)
        last = self.rng.choice(texts.LAST_NAMES)
        while f"{first} {last}" in self.staff_names:
            last = self.rng.choice(texts.LAST_NAMES)
        self.staff_names.add(f"{first} {last}")
        if index == 0:
            username, role = f"koordinator.{slug}", Role.COORDINATOR
        elif index == 1 and slug == "bjolsen":
            username, role = "sykepleier.bjolsen", Role.STAFF
        else:
            username, role = _ascii(f"{first}.{last}"), Role.STAFF
        self.staff_count += 1
        hpr = f"{9_100_000 + self.staff_count * 37}" if profession in AUTHORISED else None
        return create_staff(username=username, password=DEMO_PASSWORD, temporary_password=False,
                            full_name=f"{first} {last}", role=role, profession=profession,
                            team_ids=[team.id], hpr_number=hpr)

    # service users ------------------------------------------------------------------
    def national_id(self) -> tuple[str, date]:
        while True:
            born = date(self.rng.randint(1928, 1958), self.rng.randint(1, 12),
                        self.rng.randint(1, 28))
            nine = f"{born:%d}{born.month + 80:02d}{born:%y}{self.rng.randint(0, 499):03d}"
            value = with_check_digits(nine)
            if value and value not in self.used_ids:
                self.used_ids.add(value)
                return value, born

    def of_gender(self, value: str, female: bool) -> str:
        """The national id with the same birth date whose individual number tells the
        gender (its last digit even for women, as the registry assigns them): the next
        free one with valid check digits (no random draw, so the demo stays as it was)."""
        start = int(value[6:9])
        for step in range(500):
            individual = (start + step) % 500
            candidate = with_check_digits(f"{value[:6]}{individual:03d}")
            if candidate and individual % 2 == (0 if female else 1) and (
                    candidate == value or candidate not in self.used_ids):
                self.used_ids.discard(value)
                self.used_ids.add(candidate)
                return candidate
        return value

    def users(self, team: Team, slug: str) -> list[ServiceUser]:
        users = []
        streets = texts.STREETS[team.name.removeprefix("Team ")]
        for index in range(USERS_PER_TEAM):
            long_term = self.rng.random() < 0.8
            if index < 3:  # just started: nothing is due yet
                start = self.today - timedelta(days=index)
            elif long_term:
                start = self.today - timedelta(days=self.rng.randint(20, 700))
            else:
                start = self.today - timedelta(days=self.rng.randint(4, 50))
            end = None
            if not long_term and index % 13 == 5:
                end = min(self.today - timedelta(days=1), start + timedelta(days=20))
                end = max(end, start)
            national_id, _born = self.national_id()
            kin = [{"name": f"{self.rng.choice(texts.FIRST_NAMES)} "
                            f"{self.rng.choice(texts.LAST_NAMES)}",
                    "relation": self.rng.choice(texts.NEXT_OF_KIN_RELATIONS),
                    "phone": f"9{self.rng.randint(1000000, 9999999)}",
                    # The first named may speak for the user: the family has said so.
                    "may_speak_for": position == 0}
                   for position in range(self.rng.choice((0, 1, 1, 1, 2)))]
            given = self.rng.choice(texts.FIRST_NAMES)
            family = self.rng.choice(texts.LAST_NAMES)
            female = given in texts.FEMALE_FIRST_NAMES
            users.append(register_service_user(
                national_id=self.of_gender(national_id, female),
                given_name=given, family_name=family, gender="female" if female else "male",
                # One in six carries a middle name (mellomnavn).
                middle_name=texts.MIDDLE_NAMES[index % len(texts.MIDDLE_NAMES)]
                if index % 6 == 4 else None,
                address_line=f"{self.rng.choice(streets)} {self.rng.randint(1, 80)}",
                postal_code=f"04{self.rng.randint(51, 89)}", city="Oslo",
                municipality_number=MUNICIPALITY, district=DISTRICT,
                team=team, service_type=ServiceType.LONG_TERM if long_term
                else ServiceType.SHORT_TERM,
                service_start=start, service_end=end,
                needs_proxy=self.rng.random() < 0.08, next_of_kin=kin,
            ))
        return users

    # responsible contacts -------------------------------------------------------------
    def contacts(self, team: Team, users: list[ServiceUser]) -> dict:
        """Assign contacts; returns user id -> list of (from, staff) for the visit plan."""
        carers = [s for s in team.members if s.profession in (Profession.NURSE,
                                                                Profession.HEALTH_WORKER)]
        overloaded = carers[1] if team.name == TEAMS[0][0] else None
        history: dict = {}
        for index, user in enumerate(users):
            if index in (3, 17):  # no responsible contact yet
                history[user.id] = []
                continue
            if overloaded is not None and index < 28 and index % 2 == 0:
                staff = overloaded  # 14 users: over the cap of 10
            else:
                staff = self.rng.choice([c for c in carers if c is not overloaded])
            start = _at(user.service_start, 11)
            if start > self.now:
                start = self.now - timedelta(minutes=5)
            assign_responsible_contact(user, staff, start)
            history[user.id] = [(start, staff)]
            change_day = self.today - timedelta(days=self.rng.randint(10, 40))
            if (staff is not overloaded and self.rng.random() < 0.2
                    and change_day > user.service_start + timedelta(days=2)):
                successor = self.rng.choice([c for c in carers if c not in (staff, overloaded)])
                moment = _at(change_day, 12)
                assign_responsible_contact(user, successor, moment)
                history[user.id].append((moment, successor))
        return history

    # visits ---------------------------------------------------------------------------
    def visits(self, team: Team, users: list[ServiceUser], history: dict) -> int:
        visitors = [s for s in team.members if s.profession in VISITING]
        coordinator = next(s for s in team.members if s.role is Role.COORDINATOR)
        created = 0
        plans = {u.id: self._visit_plan(u, visitors) for u in users}
        for offset in range(-HISTORY_DAYS, PLANNED_AHEAD_DAYS + 1):
            day = self.today + timedelta(days=offset)
            for user in users:
                if not user.is_active_on(day):
                    continue
                for visit in self._day_visits(user, day, plans[user.id], history[user.id],
                                              visitors, coordinator):
                    db.session.add(visit)
                    created += 1
            db.session.flush()
        return created

    def _visit_plan(self, user: ServiceUser, visitors: list[Staff]) -> dict:
        contact_weight = self.rng.choice((0.4, 0.3, 0.25, 0.2, 0.08))
        return {"familiar": self.rng.sample(visitors, min(3, len(visitors))),
                "contact_weight": contact_weight,
                "short_visits": self.rng.choice((0, 1, 1, 2)),
                "every_other_day": user.service_type is ServiceType.SHORT_TERM}

    def _visitor(self, plan: dict, contacts: list, moment: datetime, visitors: list[Staff]):
        current = None
        for start, staff in contacts:
            if start <= moment:
                current = staff
        roll = self.rng.random()
        if current is not None and roll < plan["contact_weight"]:
            return current
        if roll < 0.85:
            return self.rng.choice(plan["familiar"])
        return self.rng.choice(visitors)

    def _day_visits(self, user, day, plan, contacts, visitors, coordinator):
        if plan["every_other_day"] and day.toordinal() % 2:
            return
        slots = [(VisitKind.MAIN, 8 + self.rng.randint(0, 2), 45)]
        slots += [(VisitKind.SHORT, hour, 20) for hour in (13, 19)[: plan["short_visits"]]]
        for kind, hour, minutes in slots:
            planned = _at(day, hour, self.rng.choice((0, 15, 30, 45)))
            staff = self._visitor(plan, contacts, planned, visitors)
            if planned + timedelta(minutes=minutes + 30) > self.now:   # planned ahead
                staff, planned = self._free(staff, planned, minutes,
                                            [*plan["familiar"], *visitors])
            yield build_visit(user=user, staff=staff, created_by=coordinator, kind=kind,
                              planned_start=planned, planned_minutes=minutes,
                              **self._outcome(planned, minutes))

    def _free(self, staff: Staff, start: datetime, minutes: int, others: list[Staff]
              ) -> tuple[Staff, datetime]:
        """The drawn visitor if free then, else the first free of ``others``, else the
        same a quarter of an hour later or earlier (up to two hours earlier and four
        later): booked for that time. No draw, so the rest of the demo stays as it was."""
        for quarters in sorted(range(-8, 17), key=lambda q: (abs(q), q < 0)):
            begin = start + timedelta(minutes=15 * quarters)
            end = begin + timedelta(minutes=minutes)
            if end + timedelta(minutes=30) <= self.now:
                continue   # still ahead, as drawn: its outcome draws nothing
            for candidate in (staff, *others):
                taken = self.booked.setdefault(candidate.id, [])
                if all(end <= busy_start or busy_end <= begin for busy_start, busy_end in taken):
                    taken.append((begin, end))
                    return candidate, begin
        self.booked[staff.id].append((start, start + timedelta(minutes=minutes)))
        return staff, start

    def visit_series(self, team: Team, users: list[ServiceUser], history: dict) -> int:
        """A few users with a short visit by their responsible contact every Tuesday and
        Friday at 15:00 for eight weeks: repeating visits, planned as the planner does
        (a series that would book the contact twice is left out)."""
        coordinator = next(s for s in team.members if s.role is Role.COORDINATOR)
        first = max(self.today, local_today()) + timedelta(days=1)
        made = 0
        for user in [u for u in users if history[u.id] and u.service_end is None][:3]:
            try:
                _series, visits = plan_series(
                    coordinator, user=user, staff=history[user.id][-1][1],
                    kind=VisitKind.SHORT, weekdays=[2, 5], start_time=time(15),
                    planned_minutes=20, first_day=first,
                    until=first + timedelta(weeks=8, days=-1))
            except DomainError:
                continue
            made += len(visits)
        return made

    def _outcome(self, planned: datetime, minutes: int) -> dict:
        if planned + timedelta(minutes=minutes + 30) > self.now:
            return {"status": VisitStatus.PLANNED}
        roll = self.rng.random()
        if roll < 0.02:
            return {"status": VisitStatus.MISSED}
        if roll < 0.05:
            return {"status": VisitStatus.CANCELLED}
        start = planned + timedelta(minutes=self.rng.randint(-10, 20))
        end = start + timedelta(minutes=max(5, minutes + self.rng.randint(-10, 15)))
        note = self.words.choice(texts.VISIT_NOTES) if self.words.random() < 0.35 else None
        return {"status": VisitStatus.COMPLETED, "actual_start": start,
                "actual_end": min(end, self.now - timedelta(minutes=1)), "note": note}

    # what matters, goals, check-ins -----------------------------------------------------
    def care(self, team: Team, users: list[ServiceUser], history: dict) -> dict[str, int]:
        counts = {"what_matters": 0, "goals": 0, "check_ins": 0}
        carers = [s for s in team.members if s.profession in VISITING]
        for index, user in enumerate(users):
            if user.service_start > self.today - timedelta(days=3) or index % 9 == 4:
                continue  # not asked yet: shows up as "what matters missing"
            contact = history[user.id][-1][1] if history[user.id] else self.rng.choice(carers)
            counts["what_matters"] += 1
            conversation, goals = self._conversation(user, contact)
            for description in goals[: self.rng.choice((1, 1, 2))]:
                counts["goals"] += 1
                counts["check_ins"] += self._goal(user, contact, conversation, description)
        return counts

    def _conversation(self, user: ServiceUser, contact: Staff):
        day = min(user.service_end or self.today,
                  user.service_start + timedelta(days=self.rng.randint(0, 4)))
        if user.needs_proxy:
            words, goals = self.rng.choice(texts.PROXY_WHAT_MATTERS)
            kin = user.next_of_kin[0].name if user.next_of_kin else "nabo"
            present, spoken_for = ["next_of_kin"], f"{kin} (pårørende)"
        else:
            words, goals = self.rng.choice(texts.WHAT_MATTERS)
            present = ["user", "next_of_kin"] if user.next_of_kin and self.rng.random() < 0.4 \
                else ["user"]
            spoken_for = None
        conversation = record_conversation(
            user=user, recorded_by=contact, conversation_date=day, asked_by=contact,
            present=present, in_own_words=words, spoken_for_by=spoken_for)
        return conversation, goals

    def _goal(self, user: ServiceUser, contact: Staff, conversation, description: str) -> int:
        interval = self.rng.choice((28, 28, 28, 14, 42))
        baseline = self.rng.randint(2, 6)
        goal = create_goal(
            user=user, created_by=contact, description=description,
            expressed_by=ExpressedBy.NEXT_OF_KIN if user.needs_proxy else ExpressedBy.USER,
            start_date=conversation.conversation_date, checkin_interval_days=interval,
            baseline_performance=baseline, baseline_satisfaction=self.rng.randint(2, 6),
            what_matters=conversation)
        neglected = self.rng.random() < 0.25  # follow-ups stopped: overdue now
        day, level, made = goal.start_date, baseline, 0
        last_day = user.service_end or self.today
        while True:
            day += timedelta(days=interval + self.rng.randint(-3, 4))
            if day > last_day or (neglected and made >= 1):
                break
            level = min(10, level + self.rng.choice((0, 1, 1, 2)))
            self._check_in(goal, contact, day, level)
            made += 1
        if user.service_end is not None:
            change_goal_status(goal, self.rng.choice((GoalStatus.ACHIEVED,
                                                      GoalStatus.NOT_ACHIEVED)),
                               on=user.service_end)
        elif level - baseline >= 4 and self.rng.random() < 0.5:
            change_goal_status(goal, GoalStatus.ACHIEVED, on=min(self.today, day))
        elif self.rng.random() < 0.04:
            change_goal_status(goal, GoalStatus.ON_HOLD)
        return made

    def _check_in(self, goal, contact: Staff, day: date, level: int) -> None:
        asked = self.rng.random() < 0.7
        answers = [self.rng.choice((Answer.YES, Answer.YES, Answer.PARTLY, Answer.NO))
                   if asked else Answer.NOT_ASKED for _ in range(3)]
        kin = goal.service_user.next_of_kin
        spoken_for = self.words.choice(kin) if goal.service_user.needs_proxy and kin else None
        record_check_in(goal=goal, recorded_by=contact, date=day, performance=level,
                        satisfaction=min(10, level + self.rng.randint(-1, 2)),
                        note=self.rng.choice(texts.CHECKIN_NOTES),
                        got_expected_help=answers[0], could_influence=answers[1],
                        satisfied=answers[2],
                        answered_by=AnsweredBy.NEXT_OF_KIN if spoken_for else AnsweredBy.USER,
                        spoken_for_by_id=spoken_for.id if spoken_for else None)

    # decisions ------------------------------------------------------------------------
    def referrals(self, team: Team, users: list[ServiceUser]) -> int:
        """The users who started in the last month came through a referral (received up
        to six days before their start, and assessed); two more wait to be assessed."""
        coordinator = next(s for s in team.members if s.role is Role.COORDINATOR)
        recent = [u for u in users if u.service_start >= self.today - timedelta(days=28)]
        for user in recent:
            received = user.service_start - timedelta(days=self.rng.randint(0, 6))
            made = record_referral(team=team, created_by=coordinator, received_on=received,
                                   source=self.rng.choice(["hospital", "gp", "next_of_kin"]),
                                   person_name=user.full_name, need=self.rng.choice(
                                       texts.REFERRAL_NEEDS), today=self.today)
            assessed = min(received + timedelta(days=self.rng.randint(0, 4)), self.today)
            update_referral(made, service_user=user, assessed_on=assessed,
                            assessed_by=coordinator, today=self.today)
        for days_ago in (1, 5):
            record_referral(team=team, created_by=coordinator,
                            received_on=self.today - timedelta(days=days_ago), source="hospital",
                            person_name=f"{self.rng.choice(texts.FIRST_NAMES)} "
                                        f"{self.rng.choice(texts.LAST_NAMES)}",
                            need=self.rng.choice(texts.REFERRAL_NEEDS), today=self.today,
                            urgency="urgent" if days_ago == 1 else "routine")
        return len(recent) + 2

    def decisions(self, team: Team, users: list[ServiceUser], history: dict) -> int:
        coordinator = next(s for s in team.members if s.role is Role.COORDINATOR)
        therapists = [s for s in team.members if s.profession in (
            Profession.OCCUPATIONAL_THERAPIST, Profession.PHYSIOTHERAPIST)]
        made = 0
        for index, user in enumerate(users):
            old_enough = user.service_start <= self.today - timedelta(days=DECISION_AFTER_DAYS)
            if not old_enough or index % 8 == 6:
                continue  # index % 8 == 6: decision missing
            decided = user.service_start + timedelta(days=self.rng.randint(3, 12))
            review = decided + timedelta(days=180)
            if index % 10 == 1:
                review = self.today - timedelta(days=self.rng.randint(1, 30))  # overdue
            participants = [coordinator] + [c for _f, c in history[user.id][-1:]]
            participants += self.rng.sample(therapists, min(1, len(therapists)))
            record_decision(
                user=user, created_by=coordinator, decided_on=decided,
                participants=participants, user_participated=self.rng.random() < 0.8,
                goal_statement=f"Mål for {user.full_name.split()[0]}: å mestre hverdagen "
                               "hjemme så selvstendig som mulig.",
                services=self.rng.choice(texts.DECISION_SERVICES),
                reasons=self.rng.choice(texts.DECISION_REASONS),
                valid_from=decided, review_on=max(review, decided))
            made += 1
        return made


    # the team's reading of its numbers ---------------------------------------------------
    def readings(self, teams: list[Team]) -> int:
        """A few comments of each team on its numbers, the leader's answers, and the
        leader's questions: one of them still waiting for the team's answer."""
        leader = db.session.scalar(sa.select(Staff).where(Staff.username == "leder"))
        made = 0
        for team in teams:
            coordinator = next(s for s in team.members if s.role is Role.COORDINATOR)
            member = next(s for s in team.members if s.role is Role.STAFF)
            authors = {"leader": leader, "coordinator": coordinator, "member": member}
            written = []
            for indicator, who, text, days_ago, answers in texts.READINGS.get(team.name, ()):
                reading = write_reading(
                    team=team, author=authors[who], indicator=indicator, text=text,
                    today=self.today - timedelta(days=days_ago), no_names=True,
                    answers_id=written[answers].id if answers is not None else None)
                reading.written_at = self.now - timedelta(days=days_ago, hours=2)
                written.append(reading)
            made += len(written)
        return made


def demo_present() -> bool:
    """Whether the demo section exists already."""
    return db.session.scalar(sa.select(Section.id).where(Section.name == SECTION_NAME)) is not None


def load_demo(seed: int = 2026, today: date | None = None) -> DemoResult:
    """Load the demo unless it is there already (then change nothing); flushes only."""
    if demo_present():
        return DemoResult(created=False, logins=demo_logins())
    demo = _Demo(seed, today or local_today())
    _section, teams, _admin = demo.organisation()
    counts = {"service_users": 0, "visits": 0, "what_matters": 0, "goals": 0, "check_ins": 0,
              "decisions": 0}
    for team, (_name, slug, _size) in zip(teams, TEAMS, strict=True):
        users = demo.users(team, slug)
        history = demo.contacts(team, users)
        counts["service_users"] += len(users)
        counts["visits"] += demo.visits(team, users, history)
        for key, value in demo.care(team, users, history).items():
            counts[key] += value
        counts["decisions"] += demo.decisions(team, users, history)
        counts["visits_repeating"] = (counts.get("visits_repeating", 0)
                                      + demo.visit_series(team, users, history))
        counts["referrals"] = counts.get("referrals", 0) + demo.referrals(team, users)
    counts["readings"] = demo.readings(teams)
    counts.update(goal_and_decision_life(teams, demo.today, seed))
    for monday in weekly_dates(demo.today, HISTORY_DAYS // 7):
        counts["indicator_values"] = counts.get("indicator_values", 0) + build_snapshot(monday)
    return DemoResult(created=True, logins=demo_logins(), counts=counts)
