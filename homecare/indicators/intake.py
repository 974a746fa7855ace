"""The two intake indicators (issue 14, part 1), computed in SQL like the others (kept with
the indicators; ``intake`` keeps the referrals and their steps).

Definitions (the reading a home-care leader would expect, kept here as INDICATORS.md is
a shared contract this issue adds to):

- ``intake_on_time``: users in scope whose ``service_start`` is in W and whose deadlines
  have passed by D (start + the later of the contact and what-matters days <= D). On time
  when a responsible contact was named by the end of start + contact days (local time),
  *and* a "what matters" conversation is dated on or before start + what-matters days.
  Value: percentage on time; ``n`` = users counted.
- ``referral_to_start_days``: users in scope whose ``service_start`` is in W and who came
  through a referral: days from the referral's ``received_on`` to ``service_start``.
  Value: the median; ``n`` = users counted.
"""

from __future__ import annotations

import functools
from datetime import timedelta

import sqlalchemy as sa

from homecare.core.model_base import UTCDateTime
from homecare.core.sqlfunc import add_days
from homecare.core.timeutil import start_of_local_day
from homecare.indicators.parts import Parts
from homecare.indicators.scope import DAY, FIRST_DAY, Window, users_in_teams
from homecare.intake.models import Referral
from homecare.sections.thresholds import ControlSettings
from homecare.service_users.models import ResponsibleContactAssignment
from homecare.what_matters.models import WhatMattersConversation

#: The last start date whose deadlines have passed by ``D`` (``intake_values``).
DUE_BY = sa.bindparam("intake_due_by", type_=sa.Date())
#: The section's days for asking what matters.
WHAT_MATTERS_DAYS = sa.bindparam("intake_what_matters_days", type_=sa.Integer())


def _start_key(i: int) -> str:
    """The parameter for the window's ``i``-th start date."""
    return f"intake_start_{i}"


def _deadline_key(i: int) -> str:
    """The parameter for the contact deadline of a user starting on that date."""
    return f"intake_deadline_{i}"


def _starting_in(users):
    return sa.and_(users.c.service_start >= FIRST_DAY, users.c.service_start <= DAY)


def _contact_deadline(start_column, window_days: int) -> sa.ColumnElement:
    """The first instant after local day ``start + contact days``, for each start date
    in W: the window holds at most ``window_days`` start dates, each mapped to its exact
    instant (local midnight moves with summer time, which SQL cannot see). The dates and
    instants are parameters (``intake_values``)."""
    return sa.case(*[(start_column == sa.bindparam(_start_key(i), type_=sa.Date()),
                      sa.bindparam(_deadline_key(i), type_=UTCDateTime()))
                     for i in range(window_days)])


def intake_values(window: Window, settings: ControlSettings) -> dict:
    """The values of the intake parameters for this window and these settings."""
    latest = max(settings.intake_contact_days, settings.intake_what_matters_days)
    values = {DUE_BY.key: window.day - timedelta(days=latest),
              WHAT_MATTERS_DAYS.key: settings.intake_what_matters_days}
    for i in range(window.days):
        start = window.first_day + timedelta(days=i)
        values[_start_key(i)] = start
        values[_deadline_key(i)] = start_of_local_day(
            start + timedelta(days=settings.intake_contact_days + 1))
    return values


def intake_counted(users) -> sa.ColumnElement[bool]:
    """The scope user counts for ``intake_on_time``: started in W, deadlines passed by D."""
    return sa.and_(_starting_in(users), users.c.service_start <= DUE_BY)


def intake_in_time(users, window_days: int) -> sa.ColumnElement[bool]:
    """A counted user got a responsible contact and was asked what matters in time.

    A condition on ``users`` (the scope subquery), so the indicator is one column of the
    query that reads the other per-user indicators in the same pass.
    """
    contact = ResponsibleContactAssignment
    named = sa.exists().where(
        contact.service_user_id == users.c.user_id,
        contact.valid_from < _contact_deadline(users.c.service_start, window_days))
    asked = sa.exists().where(
        WhatMattersConversation.service_user_id == users.c.user_id,
        WhatMattersConversation.conversation_date <= add_days(users.c.service_start,
                                                              WHAT_MATTERS_DAYS))
    return sa.and_(named, asked)


@functools.cache
def _referral_statement() -> sa.Select:
    users = users_in_teams()
    return (sa.select(users.c.team_id, Referral.received_on, users.c.service_start,
                      sa.func.count().label("users"))
            .join(Referral, Referral.service_user_id == users.c.user_id)
            .where(_starting_in(users))
            .group_by(users.c.team_id, Referral.received_on, users.c.service_start))


def referral_to_start(connection, team_ids, window: Window,
                      settings) -> dict[str, dict[int, Parts]]:
    """Per user starting in W through a referral, the days from referral to start (the
    database counts users per pair of dates; the median is taken from that)."""
    rows = connection.execute(_referral_statement(), window.values(team_ids))
    result: dict[int, Parts] = {}
    for row in rows:
        days = (row.service_start - row.received_on).days
        result[row.team_id] = result.get(row.team_id, Parts()) + Parts(
            den=row.users, values=[days] * row.users)
    return {"referral_to_start": result}
