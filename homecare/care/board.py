"""The coordinator's team board, run as the team meeting: every reminder of the team
grouped by what is to be done, the most overdue first, each with the tap that does it;
and every user of the team with what needs attention."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date

import sqlalchemy as sa
from flask import url_for

from homecare.core.audit import record_reads
from homecare.core.extensions import db
from homecare.core.timeutil import local_today
from homecare.flags.rules import Flag
from homecare.flags.services import user_flags
from homecare.goals.models import Goal
from homecare.org.models import Staff, Team
from homecare.policy.access import visible_service_users
from homecare.prompts.models import PromptKind
from homecare.prompts.rules import open_prompts
from homecare.prompts.services import with_addressee
from homecare.service_users.models import ServiceUser
from homecare.service_users.services import team_users

#: How many reminders of a kind the board shows before "show all".
SHORT_LIST = 5

#: The reminders' kinds in the order the meeting takes them: the prompts' kinds, and two
#: the flags raise for the responsible contact (none named; the contact's visit due).
NO_CONTACT = Flag.NO_RESPONSIBLE_CONTACT.value
CONTACT_VISIT = "contact_visit"
GROUP_ORDER = (NO_CONTACT, PromptKind.WHAT_MATTERS_MISSING.value,
               PromptKind.DECISION_MISSING.value, PromptKind.CHECKIN_DUE.value,
               PromptKind.DECISION_REVIEW_OVERDUE.value, CONTACT_VISIT)


@dataclass(frozen=True)
class BoardRow:
    """One user on the board."""

    user: ServiceUser
    contact: Staff | None
    flags: list[str]


@dataclass(frozen=True)
class Reminder:
    """One thing to do for one user: by whom (None: the team), since when, and where."""

    user: ServiceUser
    link: str
    due: date | None = None
    days_overdue: int = 0
    goal: str | None = None
    holder: Staff | None = None
    flag: Flag | None = None


@dataclass
class ReminderGroup:
    """The reminders of one kind, the most overdue first; all of them shown when ``full``,
    else the first ``SHORT_LIST``."""

    kind: str
    items: list[Reminder] = field(default_factory=list)
    full: bool = False

    @property
    def count(self) -> int:
        return len(self.items)

    @property
    def shown(self) -> list[Reminder]:
        return self.items if self.full else self.items[:SHORT_LIST]


def team_board(team: Team) -> list[BoardRow]:
    """Every active user of the team with their flags and responsible contact.

    Four queries whatever the team's size (the caller logs the users it shows).
    """
    today = local_today()
    users = team_users(team, today)
    flags, contacts = user_flags([u.id for u in users], day=today)
    staff = {s.id: s for s in db.session.scalars(
        sa.select(Staff).where(Staff.id.in_(set(contacts.values()))))}
    return [BoardRow(u, staff.get(contacts.get(u.id)), flags.get(u.id, [])) for u in users]


def with_flag(rows: list[BoardRow], flag: str | None) -> list[BoardRow]:
    """The rows carrying ``flag`` (every row when None)."""
    return [row for row in rows if flag in row.flags] if flag else rows


def _prompt_link(kind: PromptKind, user_id, goal_id, decision_id) -> str:
    if kind is PromptKind.CHECKIN_DUE:
        return url_for("goals_pages.check_in", user_id=user_id, goal_id=goal_id)
    if kind is PromptKind.WHAT_MATTERS_MISSING:
        return url_for("what_matters_pages.what_matters", user_id=user_id)
    if kind is PromptKind.DECISION_MISSING:
        return url_for("decisions_pages.new_decision", user_id=user_id)
    return url_for("decisions_pages.review", decision_id=decision_id)


def _prompts(actor: Staff, team: Team, day: date) -> Iterable[tuple[str, Reminder]]:
    """Every prompt open for the team's users on ``day``, whoever holds it (one query)."""
    found = open_prompts(day, sa.and_(ServiceUser.team_id == team.id,
                                      visible_service_users(actor)))
    rows = with_addressee(found).subquery("addressed")
    query = (sa.select(rows, ServiceUser, Goal.description, Staff)
             .join(ServiceUser, ServiceUser.id == rows.c.user_id)
             .outerjoin(Goal, Goal.id == rows.c.goal_id)
             .outerjoin(Staff, Staff.id == rows.c.addressed_to)
             .order_by(rows.c.due, ServiceUser.full_name, rows.c.goal_id))
    for row in db.session.execute(query):
        kind = PromptKind(row.kind)
        link = _prompt_link(kind, row.user_id, row.goal_id, row.decision_id)
        yield kind.value, Reminder(
            user=row.ServiceUser, link=link,
            due=row.due, days_overdue=max(0, (day - row.due).days), goal=row.description,
            holder=row.Staff)


def _flagged(team: Team, rows: list[BoardRow]) -> Iterable[tuple[str, Reminder]]:
    """The reminders the flags raise about the responsible contact: none named (the
    longest-served first), and the contact's main visit overdue, then due."""
    no_contact = sorted((r for r in rows if Flag.NO_RESPONSIBLE_CONTACT in r.flags),
                        key=lambda r: (r.user.service_start, r.user.full_name))
    for row in no_contact:
        yield NO_CONTACT, Reminder(
            user=row.user, due=row.user.service_start,
            link=url_for("service_users_pages.choose_contact", user_id=row.user.id))
    for flag in (Flag.CONTACT_BREACH, Flag.CONTACT_DUE):
        for row in rows:
            if flag in row.flags and row.contact is not None:
                yield CONTACT_VISIT, Reminder(
                    user=row.user, holder=row.contact, flag=flag,
                    link=url_for("visits_pages.plan_visit", team_id=team.id,
                                 staff_id=row.contact.id, service_user_id=row.user.id))


def team_reminders(actor: Staff, team: Team, rows: list[BoardRow], full: Iterable[str] = (),
                   day: date | None = None) -> list[ReminderGroup]:
    """The team's reminders for its meeting, grouped by kind in ``GROUP_ORDER`` (kinds
    with none left out), the most overdue first in each (prompts by due date), the kinds
    in ``full`` in full. One query beside ``rows`` (``team_board``); every user shown is
    logged as read (those beyond the short list only once listed in full)."""
    day, full = day or local_today(), set(full)
    groups = {kind: ReminderGroup(kind, full=kind in full) for kind in GROUP_ORDER}
    for kind, reminder in (*_prompts(actor, team, day), *_flagged(team, rows)):
        groups[kind].items.append(reminder)
    found = [group for group in groups.values() if group.items]
    record_reads([r.user.id for group in found for r in group.shown], "team board: reminders")
    return found
