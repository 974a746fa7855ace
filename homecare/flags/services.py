"""Computing flags for a page of users or goals: three queries, whatever the history."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from datetime import date, datetime
from typing import NamedTuple

import sqlalchemy as sa

from homecare.core.extensions import db
from homecare.core.timeutil import LocalDays, local_today, utcnow
from homecare.decisions.models import Decision
from homecare.flags.rules import (
    Flag,
    active_goals_on,
    caseload_of,
    contact_flag,
    goal_followups,
    has_what_matters,
    needs_decision_on,
    visits_since_contact,
)
from homecare.goals.models import Goal
from homecare.org.models import Staff
from homecare.sections.services import thresholds_by_team
from homecare.sections.thresholds import DEFAULT_SETTINGS
from homecare.service_users.models import ResponsibleContactAssignment, ServiceUser


def _record_flags(user_ids: list, day: date) -> dict:
    in_force = sa.exists().where(Decision.service_user_id == ServiceUser.id,
                                 Decision.in_force_on(day))
    review_overdue = sa.exists().where(Decision.service_user_id == ServiceUser.id,
                                       Decision.review_overdue_on(day))
    rows = db.session.execute(
        sa.select(ServiceUser.id, has_what_matters().label("asked"),
                  sa.and_(needs_decision_on(day), ~in_force).label("decision_missing"),
                  review_overdue.label("review_overdue"))
        .where(ServiceUser.id.in_(user_ids), ServiceUser.is_active_on(day))
    )
    flags = {}
    for user_id, asked, decision_missing, overdue in rows:
        flags[user_id] = {Flag.WHAT_MATTERS_MISSING: not asked,
                          Flag.DECISION_MISSING: bool(decision_missing),
                          Flag.DECISION_REVIEW_OVERDUE: bool(overdue)}
    return flags


def _thresholds_by_user(ids: list) -> dict:
    teams = dict(db.session.execute(
        sa.select(ServiceUser.id, ServiceUser.team_id).where(ServiceUser.id.in_(ids))).all())
    by_team = thresholds_by_team(set(teams.values()))
    return {user_id: by_team.get(team_id, DEFAULT_SETTINGS) for user_id, team_id in teams.items()}


def user_flags(user_ids: Sequence, *, day: date | None = None, now: datetime | None = None
               ) -> tuple[dict, dict]:
    """Flags per user (users not active on ``day`` have none) and current contacts, each
    judged by the thresholds of the user's section.

    Returns ``({user id: [flag, ...]}, {user id: responsible contact staff id})``.
    """
    day, now = day or local_today(), now or utcnow()
    ids = list(dict.fromkeys(user_ids))
    if not ids:
        return {}, {}
    settings = _thresholds_by_user(ids)
    flags = {user_id: {f for f, on in found.items() if on}
             for user_id, found in _record_flags(ids, day).items()}
    contacts = {}
    contact_rows = visits_since_contact(now).where(
        ResponsibleContactAssignment.service_user_id.in_(ids))
    for user_id, staff_id, since in db.session.execute(contact_rows):
        contacts[user_id] = staff_id
        flag = contact_flag(since, settings[user_id].contact_every_n)
        if flag and user_id in flags:
            flags[user_id].add(flag)
    for user_id in flags:
        if user_id not in contacts:
            flags[user_id].add(Flag.NO_RESPONSIBLE_CONTACT)
    for grace in {s.followup_grace_days for s in settings.values()}:
        same_grace = [u for u in ids if settings[u].followup_grace_days == grace]
        for _goal, user_id, _due, flag in db.session.execute(goal_followups(
                Goal.service_user_id.in_(same_grace), day, grace)):
            if flag and user_id in flags:
                flags[user_id].add(Flag(flag))
    return {user_id: sorted(found) for user_id, found in flags.items()}, contacts


def annotate_service_users(users: Sequence[ServiceUser]) -> list[ServiceUser]:
    """Attach ``responsible_contact`` and ``flags`` to each user for the API."""
    flags, contacts = user_flags([u.id for u in users])
    for user in users:
        user.responsible_contact = contacts.get(user.id)
        user.flags = flags.get(user.id, [])
    return list(users)


def annotate_goals(goals: Sequence[Goal], *, day: date | None = None) -> list[Goal]:
    """Attach ``next_due`` and ``flag`` to each goal (null for goals not active today),
    with the grace days of the goal's section."""
    day = day or local_today()
    found = defaultdict(lambda: (None, None))
    settings = _thresholds_by_user([g.service_user_id for g in goals]) if goals else {}
    for grace in {s.followup_grace_days for s in settings.values()}:
        same = [g.id for g in goals if settings[g.service_user_id].followup_grace_days == grace]
        rows = db.session.execute(goal_followups(Goal.id.in_(same), day, grace))
        found.update({goal_id: (due, flag) for goal_id, _user, due, flag in rows})
    for goal in goals:
        goal.next_due, goal.flag = found[goal.id]
    return list(goals)


class Caseload(NamedTuple):
    """How many users a person is responsible contact for, against their cap.

    The cap is about the person: the lowest cap of the sections their teams belong to
    (the strictest place they work), the section default when they have no team.
    """

    users: int
    cap: int

    @property
    def over_cap(self) -> bool:
        """Already above the cap."""
        return self.users > self.cap

    @property
    def full(self) -> bool:
        """One more user would put them above the cap (to warn, not block)."""
        return self.users + 1 > self.cap


def staff_caseloads(staff: Sequence) -> dict[int, Caseload]:
    """Staff id -> their caseload (users active today whose responsible contact they are
    as the day ends) and cap: the one definition, for the API, the flags and the board.

    Two queries, whatever the number of people.
    """
    if not staff:
        return {}
    today = LocalDays.ending(local_today(), 1)
    loads = dict(db.session.execute(
        sa.select(Staff.id, caseload_of(Staff.id, today.end_of_last_day, today.last))
        .where(Staff.id.in_([s.id for s in staff]))).all())
    caps = thresholds_by_team({t.id for s in staff for t in s.teams})
    return {person.id: Caseload(loads.get(person.id, 0), min(
        (caps[t.id].caseload_cap for t in person.teams if t.id in caps),
        default=DEFAULT_SETTINGS.caseload_cap)) for person in staff}


def annotate_staff(staff: Sequence) -> list:
    """Attach ``caseload`` and ``caseload_over_cap`` to each staff record for the API."""
    found = staff_caseloads(staff)
    for person in staff:
        person.caseload = found[person.id].users
        person.caseload_over_cap = found[person.id].over_cap
    return list(staff)


def active_goals(user: ServiceUser, day: date) -> list[Goal]:
    """The user's goals active on ``day``, oldest first, each with its next follow-up
    and flag (``flags.services.annotate_goals``)."""
    return annotate_goals(list(db.session.scalars(
        sa.select(Goal).where(Goal.service_user_id == user.id, active_goals_on(day))
        .order_by(Goal.start_date, Goal.created_at))), day=day)
