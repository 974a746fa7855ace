"""Which prompts are open on a day, derived from the records by the flag rules.

One SELECT for all four kinds, so that the worklist, the pages and the daily jobs read
the same answer: a follow-up prompt is open exactly while its goal's flag says the
follow-up is due (``flags.rules.goal_next_due``), a missing decision exactly while the
user's flag says so (``needs_decision_on``), and so on.
"""

from __future__ import annotations

from datetime import date, timedelta

import sqlalchemy as sa

from homecare.core.sqlfunc import add_days
from homecare.decisions.models import Decision
from homecare.flags.rules import (
    DECISION_AFTER_DAYS,
    active_goals_on,
    goal_next_due,
    has_what_matters,
    needs_decision_on,
)
from homecare.goals.models import Goal
from homecare.prompts.models import PromptKind
from homecare.service_users.models import ServiceUser

#: Days after the start of a service before a missing what-matters conversation prompts.
WHAT_MATTERS_AFTER_DAYS = 3
#: Prompts the team decides on, addressed to its coordinators rather than the contact.
TEAM_KINDS = frozenset({PromptKind.DECISION_MISSING, PromptKind.DECISION_REVIEW_OVERDUE})

_NO_ID = sa.cast(sa.null(), sa.Uuid())


def _kind(kind: PromptKind) -> sa.ColumnElement:
    return sa.literal(kind.value, sa.String(40)).label("kind")


def _checkins(day: date, users) -> sa.Select:
    next_due = goal_next_due(day)
    return (sa.select(_kind(PromptKind.CHECKIN_DUE), ServiceUser.id.label("user_id"),
                      ServiceUser.team_id, Goal.id.label("goal_id"),
                      _NO_ID.label("decision_id"), next_due.label("due"))
            .join(ServiceUser, ServiceUser.id == Goal.service_user_id)
            .where(users, active_goals_on(day), ServiceUser.is_active_on(day)))


def _what_matters(day: date, users) -> sa.Select:
    return (sa.select(_kind(PromptKind.WHAT_MATTERS_MISSING), ServiceUser.id.label("user_id"),
                      ServiceUser.team_id, _NO_ID.label("goal_id"), _NO_ID.label("decision_id"),
                      add_days(ServiceUser.service_start, WHAT_MATTERS_AFTER_DAYS).label("due"))
            .where(users, ServiceUser.is_active_on(day), ~has_what_matters()))


def _decisions_missing(day: date, users) -> sa.Select:
    in_force = sa.exists().where(Decision.service_user_id == ServiceUser.id,
                                 Decision.in_force_on(day))
    return (sa.select(_kind(PromptKind.DECISION_MISSING), ServiceUser.id.label("user_id"),
                      ServiceUser.team_id, _NO_ID.label("goal_id"), _NO_ID.label("decision_id"),
                      add_days(ServiceUser.service_start, DECISION_AFTER_DAYS).label("due"))
            .where(users, ServiceUser.is_active_on(day), needs_decision_on(day), ~in_force))


def _reviews_overdue(day: date, users) -> sa.Select:
    # Overdue the day after the review date (``Decision.review_overdue_on``), as the flag.
    return (sa.select(_kind(PromptKind.DECISION_REVIEW_OVERDUE),
                      ServiceUser.id.label("user_id"), ServiceUser.team_id,
                      _NO_ID.label("goal_id"), Decision.id.label("decision_id"),
                      add_days(Decision.review_on, 1).label("due"))
            .join(ServiceUser, ServiceUser.id == Decision.service_user_id)
            .where(users, ServiceUser.is_active_on(day), Decision.review_overdue_on(day)))


def open_prompts(day: date, users: sa.ColumnElement[bool] | None = None,
                 kinds=frozenset(PromptKind)) -> sa.Subquery:
    """Subquery (kind, user_id, team_id, goal_id, decision_id, due): every prompt of
    ``kinds`` open on ``day`` for the service users ``users`` selects (default all)."""
    users = sa.true() if users is None else users
    builders = {PromptKind.CHECKIN_DUE: _checkins,
                PromptKind.WHAT_MATTERS_MISSING: _what_matters,
                PromptKind.DECISION_MISSING: _decisions_missing,
                PromptKind.DECISION_REVIEW_OVERDUE: _reviews_overdue}
    every = sa.union_all(*(builders[kind](day, users) for kind in PromptKind if kind in kinds)
                         ).subquery("every_prompt")
    return sa.select(every).where(every.c.due <= day).subquery("open_prompts")


def dedupe_key(kind: PromptKind, user_id, goal_id, decision_id, due: date) -> str:
    """The stored record's key: one prompt per goal and due date, per user (what-matters,
    missing decision), per decision and review date."""
    if kind is PromptKind.CHECKIN_DUE:
        return f"checkin:{goal_id}:{due}"
    if kind is PromptKind.WHAT_MATTERS_MISSING:
        return f"what_matters:{user_id}"
    if kind is PromptKind.DECISION_MISSING:
        return f"decision:{user_id}"
    return f"review:{decision_id}:{due - timedelta(days=1)}"  # by the review date itself
