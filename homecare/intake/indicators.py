"""The two intake indicators (issue 14, part 1), computed in SQL like the others.

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

from datetime import timedelta

import sqlalchemy as sa

from homecare.core.sqlfunc import add_days
from homecare.core.timeutil import start_of_local_day
from homecare.extensions import db
from homecare.flags.settings import ControlSettings
from homecare.indicators.parts import Parts
from homecare.indicators.scope import Window, users_in_teams
from homecare.intake.models import Referral
from homecare.service_users.models import ResponsibleContactAssignment
from homecare.what_matters.models import WhatMattersConversation


def _starting_in(users, window: Window):
    return sa.and_(users.c.service_start >= window.first_day,
                   users.c.service_start <= window.day)


def _end_of_day_after(start_column, days: int, window: Window) -> sa.ColumnElement:
    """The first instant after local day ``start + days``, for each start date in W: the
    window holds at most ``window.days`` start dates, each mapped to its exact instant
    (local midnight moves with summer time, which SQL cannot see)."""
    starts = [window.first_day + timedelta(days=i) for i in range(window.days)]
    return sa.case({day: start_of_local_day(day + timedelta(days=days + 1)) for day in starts},
                   value=start_column)


def intake_counted(users, window: Window, settings: ControlSettings) -> sa.ColumnElement[bool]:
    """The scope user counts for ``intake_on_time``: started in W, deadlines passed by D."""
    latest = max(settings.intake_contact_days, settings.intake_what_matters_days)
    return sa.and_(_starting_in(users, window),
                   users.c.service_start <= window.day - timedelta(days=latest))


def intake_in_time(users, window: Window, settings: ControlSettings) -> sa.ColumnElement[bool]:
    """A counted user got a responsible contact and was asked what matters in time.

    A condition on ``users`` (the scope subquery), so the indicator is one column of the
    query that reads the other per-user indicators in the same pass.
    """
    contact = ResponsibleContactAssignment
    named = sa.exists().where(
        contact.service_user_id == users.c.user_id,
        contact.valid_from < _end_of_day_after(users.c.service_start,
                                               settings.intake_contact_days, window))
    asked = sa.exists().where(
        WhatMattersConversation.service_user_id == users.c.user_id,
        WhatMattersConversation.conversation_date <= add_days(
            users.c.service_start, settings.intake_what_matters_days))
    return sa.and_(named, asked)


def referral_to_start(team_ids, window: Window, settings) -> dict[int, Parts]:
    """Per user starting in W through a referral, the days from referral to start (the
    database counts users per pair of dates; the median is taken from that)."""
    users = users_in_teams(window.day, team_ids)
    rows = db.session.execute(
        sa.select(users.c.team_id, Referral.received_on, users.c.service_start,
                  sa.func.count().label("users"))
        .join(Referral, Referral.service_user_id == users.c.user_id)
        .where(_starting_in(users, window))
        .group_by(users.c.team_id, Referral.received_on, users.c.service_start))
    result: dict[int, Parts] = {}
    for row in rows:
        days = (row.service_start - row.received_on).days
        result[row.team_id] = result.get(row.team_id, Parts()) + Parts(
            den=row.users, values=[days] * row.users)
    return result

