"""The user's own plan ("Min plan"): what a team member prints for the folder kept in
the user's home and for next of kin.

It says, in plain words, what matters to the user in their own words, their goals and
when each is followed up next, what the team decided, who their responsible contact is
and how to reach the team, and when the team comes in the week ahead. It holds no
national id, nothing about other users, and no staff names but the contact's.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from itertools import groupby

import sqlalchemy as sa

from homecare.care.user_page import latest_conversations, responsible_contact
from homecare.core.audit import record_read
from homecare.core.extensions import db
from homecare.core.timeutil import LocalDays, local_date_of, local_today, to_local
from homecare.decisions.models import Decision, DecisionStatus
from homecare.flags.services import active_goals
from homecare.goals.models import Goal
from homecare.org.models import Staff, Team
from homecare.service_users.models import ServiceUser
from homecare.visits.models import Visit, VisitKind, VisitStatus
from homecare.what_matters.models import WhatMattersConversation

#: How far ahead the plan lists the team's visits.
PLAN_DAYS = 7

#: How the access log names a printing of the plan.
PLAN_READ = "own plan (printed)"
#: A decision that starts within this many days is on the plan already, with its start.
STARTING_SOON_DAYS = 30


@dataclass(frozen=True)
class PlannedVisit:
    """One visit the team will make: when, how long, what kind."""

    start: datetime
    minutes: int
    kind: VisitKind


@dataclass(frozen=True)
class OwnPlan:
    """Everything printed on one user's plan."""

    user: ServiceUser
    printed_on: date
    what_matters: WhatMattersConversation | None
    goals: list[Goal]
    decisions: list[Decision]
    contact: Staff | None
    team: Team
    #: The coming week's visits, by local day, days without visits left out.
    week: list[tuple[date, list[PlannedVisit]]]


def own_plan(user: ServiceUser) -> OwnPlan:
    """The plan of a user the caller may view, with the printing logged.

    The decisions are those in force and those starting within ``STARTING_SOON_DAYS``
    (the user page already counts one valid from tomorrow). The caller has checked
    access; the read is logged here, where the data is gathered (every opening of the
    page is a printing as far as the log can tell).
    """
    today = local_today()
    latest_words = next(iter(latest_conversations(user, 1)), None)
    starting_soon = sa.and_(Decision.status != DecisionStatus.REVOKED,
                            Decision.valid_from > today,
                            Decision.valid_from <= today + timedelta(days=STARTING_SOON_DAYS))
    decisions = list(db.session.scalars(
        sa.select(Decision).where(Decision.service_user_id == user.id,
                                  sa.or_(Decision.in_force_on(today), starting_soon))
        .order_by(Decision.valid_from)))
    record_read(user.id, PLAN_READ)
    return OwnPlan(user=user, printed_on=today, what_matters=latest_words,
                   goals=active_goals(user, today), decisions=decisions,
                   contact=responsible_contact(user), team=user.team,
                   week=_coming_week(user, today))


def _coming_week(user: ServiceUser, today: date) -> list[tuple[date, list[PlannedVisit]]]:
    """The planned visits from now to the end of the ``PLAN_DAYS``-th day, by local day."""
    shown = LocalDays(today, today + timedelta(days=PLAN_DAYS - 1))
    rows = db.session.execute(
        sa.select(Visit.planned_start, Visit.planned_minutes, Visit.kind)
        .where(Visit.service_user_id == user.id, Visit.status == VisitStatus.PLANNED,
               shown.holds(Visit.planned_start))
        .order_by(Visit.planned_start))
    visits = [PlannedVisit(to_local(start), minutes, kind) for start, minutes, kind in rows]
    return [(day, list(same_day))
            for day, same_day in groupby(visits, key=lambda v: local_date_of(v.start))]
