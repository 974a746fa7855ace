"""The flag rules as SQL expressions, shared by the API, the worklist and the indicators.

Each function returns a SELECT over a set of users (or goals) for a reference day, so
that a page of users costs the same few queries whatever their history.
"""

from __future__ import annotations

import enum
from datetime import date, datetime

import sqlalchemy as sa
from sqlalchemy.orm import aliased

from homecare.core.sqlfunc import add_days
from homecare.goals.models import CheckIn, Goal, GoalStatus, GoalStatusChange
from homecare.service_users.models import ResponsibleContactAssignment, ServiceUser
from homecare.visits.models import Visit, VisitKind, VisitStatus
from homecare.what_matters.models import WhatMattersConversation


class Flag(enum.StrEnum):
    """A reason to act, shown to coordinators and in the worklist."""

    NO_RESPONSIBLE_CONTACT = "no_responsible_contact"
    CONTACT_DUE = "contact_due"
    CONTACT_BREACH = "contact_breach"
    WHAT_MATTERS_MISSING = "what_matters_missing"
    CHECKIN_DUE = "checkin_due"
    CHECKIN_OVERDUE = "checkin_overdue"
    DECISION_MISSING = "decision_missing"
    DECISION_REVIEW_OVERDUE = "decision_review_overdue"


INACTIVE_GOAL_STATUSES = (GoalStatus.PROPOSED, GoalStatus.ON_HOLD)
#: A team decision is expected once a service has lasted this many days (DOMAIN.md:
#: decisions are written for services lasting more than 14 days), whatever was expected
#: at intake.
DECISION_AFTER_DAYS = 14


def active_goals_on(day: date) -> sa.ColumnElement[bool]:
    """Started, not closed by then, and neither proposed nor on hold."""
    return sa.and_(Goal.start_date <= day,
                   sa.or_(Goal.closed_on.is_(None), Goal.closed_on > day),
                   Goal.status.not_in(INACTIVE_GOAL_STATUSES))


def goal_next_due(day: date) -> sa.ColumnElement:
    """``next_due``: the last check-in on or before ``day`` (else the start) + interval;
    a goal resumed after a pause counts from the day it was resumed, if that is later
    (a pause is no follow-up missed)."""
    last = (sa.select(sa.func.max(CheckIn.date))
            .where(CheckIn.goal_id == Goal.id, CheckIn.date <= day)
            .scalar_subquery())
    resumed = (sa.select(sa.func.max(GoalStatusChange.changed_on))
               .where(GoalStatusChange.goal_id == Goal.id,
                      GoalStatusChange.to_status == GoalStatus.ACTIVE,
                      GoalStatusChange.changed_on <= day)
               .scalar_subquery())
    since = sa.func.coalesce(last, Goal.start_date)
    since = sa.case((resumed > since, resumed), else_=since)
    return add_days(since, Goal.checkin_interval_days)


def followup_flag(next_due: sa.ColumnElement, day: date, grace_days: int) -> sa.ColumnElement:
    """``checkin_due`` from ``next_due`` to ``next_due + grace``, ``checkin_overdue`` after."""
    return sa.case(
        (sa.literal(day, sa.Date) > add_days(next_due, grace_days), Flag.CHECKIN_OVERDUE.value),
        (sa.literal(day, sa.Date) >= next_due, Flag.CHECKIN_DUE.value),
        else_=sa.null(),
    )


def goal_followups(goal_filter: sa.ColumnElement[bool], day: date, grace_days: int) -> sa.Select:
    """Rows (goal id, service user id, next_due, flag) for the active goals matched."""
    next_due = goal_next_due(day)
    inner = (sa.select(Goal.id.label("goal_id"), Goal.service_user_id.label("service_user_id"),
                       next_due.label("next_due"))
             .where(goal_filter, active_goals_on(day)).subquery())
    return sa.select(inner.c.goal_id, inner.c.service_user_id, inner.c.next_due,
                     followup_flag(inner.c.next_due, day, grace_days).label("flag"))


def visits_since_contact(moment: datetime) -> sa.Select:
    """Rows (user id, contact staff id, visits since the contact's last main visit).

    Counts completed main visits after the most recent completed main visit made by the
    *current* responsible contact; if they have made none, all completed main visits
    since their assignment began (INDICATORS.md, ``contact_rule``).
    """
    contact = ResponsibleContactAssignment
    by_contact, counted = aliased(Visit), aliased(Visit)

    def main_done(visit):
        return sa.and_(visit.service_user_id == contact.service_user_id,
                       visit.status == VisitStatus.COMPLETED, visit.kind == VisitKind.MAIN,
                       visit.actual_start <= moment)

    last_by_contact = (sa.select(sa.func.max(by_contact.actual_start))
                       .where(main_done(by_contact), by_contact.staff_id == contact.staff_id)
                       .correlate(contact).scalar_subquery())
    since = sa.func.coalesce(last_by_contact, contact.valid_from)
    count = (sa.select(sa.func.count())
             .where(main_done(counted), counted.actual_start > since)
             .correlate(contact).scalar_subquery())
    return sa.select(contact.service_user_id, contact.staff_id, count.label("since")).where(
        contact.covers(moment))


def caseload_of(staff_id, moment, day) -> sa.ScalarSelect:
    """How many users active on ``day`` the staff member ``staff_id`` (a column of the
    enclosing query) is responsible contact for at ``moment``. The cap is about the
    person, whatever the team.

    A count per person asked about, by the index on the contact's staff member, so the
    cost follows the people asked about rather than the city's contact periods (faster
    at Oslo scale, a little slower in a city of one section, where hashing every
    contact period was cheaper: bench/RESULTS.md, "Measurements behind the code").
    """
    contact = aliased(ResponsibleContactAssignment)
    return (sa.select(sa.func.count()).select_from(contact)
            .join(ServiceUser, ServiceUser.id == contact.service_user_id)
            .where(contact.staff_id == staff_id, contact.covers(moment),
                   ServiceUser.is_active_on(day))
            .scalar_subquery())


def contact_flag(visits_since: int, every_n: int) -> Flag | None:
    """``contact_due`` when the next main visit should be the contact's, ``breach`` past it."""
    if visits_since >= every_n:
        return Flag.CONTACT_BREACH
    if visits_since == every_n - 1:
        return Flag.CONTACT_DUE
    return None


def needs_decision_on(day, service_start=ServiceUser.service_start) -> sa.ColumnElement[bool]:
    """Users whose service has lasted ``DECISION_AFTER_DAYS`` or more by ``day``: the one
    definition for the flag, the prompt and the ``decision_coverage`` indicator (which
    passes its own ``service_start`` column, and a parameter for ``day``)."""
    return service_start <= add_days(day, -DECISION_AFTER_DAYS)


def has_what_matters() -> sa.ColumnElement[bool]:
    """The user has at least one what-matters conversation."""
    return sa.exists().where(WhatMattersConversation.service_user_id == ServiceUser.id)
