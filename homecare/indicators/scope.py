"""Who counts where: the reference day, the window, and the users of a set of teams.

The indicator statements are built once and bound to each call's values: building a
statement and working out its cache key had cost more of the server's time than the
database spent on some of them (bench/RESULTS.md, "Measurements behind the code"). The
parameters below stand for the scope and the window; ``Window.values`` gives them.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

import sqlalchemy as sa

from homecare.core.model_base import UTCDateTime
from homecare.core.timeutil import LocalDays
from homecare.service_users.models import ServiceUser, TeamPeriod, in_service_on

#: The scope's team ids.
TEAMS = sa.bindparam("teams", expanding=True)
#: ``D``, the first day of the window, and the instants of ``Window``'s properties.
DAY = sa.bindparam("day", type_=sa.Date())
FIRST_DAY = sa.bindparam("first_day", type_=sa.Date())
STARTS = sa.bindparam("starts", type_=UTCDateTime())
ENDS = sa.bindparam("ends", type_=UTCDateTime())
END_OF_DAY = sa.bindparam("end_of_day", type_=UTCDateTime())


@dataclass(frozen=True)
class Window:
    """Reference day ``D`` and the ``days`` ending at it, inclusive."""

    day: date
    days: int = 28

    @property
    def local_days(self) -> LocalDays:
        """The window's days."""
        return LocalDays.ending(self.day, self.days)

    @property
    def first_day(self) -> date:
        return self.local_days.first

    @property
    def starts(self) -> datetime:
        """The first instant of the window (local midnight, in UTC)."""
        return self.local_days.starts

    @property
    def ends(self) -> datetime:
        """The first instant after the window."""
        return self.local_days.ends

    @property
    def end_of_day(self) -> datetime:
        """The last instant of ``D``: "on D" for contacts means as the day ends."""
        return self.local_days.end_of_last_day

    def values(self, team_ids) -> dict:
        """The values of ``TEAMS``, ``DAY`` and the rest for this window and these teams."""
        return {TEAMS.key: list(team_ids), DAY.key: self.day, FIRST_DAY.key: self.first_day,
                STARTS.key: self.starts, ENDS.key: self.ends,
                END_OF_DAY.key: self.end_of_day}


def users_in_teams():
    """Subquery (user_id, team_id, needs_proxy, service_start, service_end): users who
    belong to one of ``TEAMS`` on ``DAY`` (by team history), not deleted."""
    return (
        sa.select(TeamPeriod.service_user_id.label("user_id"), TeamPeriod.team_id,
                  ServiceUser.needs_proxy, ServiceUser.service_start, ServiceUser.service_end)
        .join(ServiceUser, ServiceUser.id == TeamPeriod.service_user_id)
        .where(TeamPeriod.team_id.in_(TEAMS), TeamPeriod.covers(DAY),
               ServiceUser.deleted_at.is_(None))
        .subquery("scope_users")
    )


def active_on(users, day) -> sa.ColumnElement[bool]:
    """The scope user was active on ``day`` (a date or ``DAY``)."""
    return in_service_on(users.c.service_start, users.c.service_end, day)
