"""Who counts where: the reference day, the window, and the users of a set of teams."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

import sqlalchemy as sa

from homecare.core.timeutil import start_of_local_day
from homecare.service_users.models import ServiceUser, TeamPeriod


@dataclass(frozen=True)
class Window:
    """Reference day ``D`` and the ``days`` ending at it, inclusive."""

    day: date
    days: int = 28

    @property
    def first_day(self) -> date:
        return self.day - timedelta(days=self.days - 1)

    @property
    def starts(self) -> datetime:
        """The first instant of the window (local midnight, in UTC)."""
        return start_of_local_day(self.first_day)

    @property
    def ends(self) -> datetime:
        """The first instant after the window."""
        return start_of_local_day(self.day + timedelta(days=1))

    @property
    def end_of_day(self) -> datetime:
        """The last instant of ``D``: "on D" for contacts means as the day ends."""
        return self.ends - timedelta(microseconds=1)


def users_in_teams(day: date, team_ids: list[int]):
    """Subquery (user_id, team_id, needs_proxy, service_start, service_end): users who
    belong to one of the teams on ``day`` (by team history), not deleted."""
    return (
        sa.select(TeamPeriod.service_user_id.label("user_id"), TeamPeriod.team_id,
                  ServiceUser.needs_proxy, ServiceUser.service_start, ServiceUser.service_end)
        .join(ServiceUser, ServiceUser.id == TeamPeriod.service_user_id)
        .where(TeamPeriod.team_id.in_(team_ids), TeamPeriod.covers(day),
               ServiceUser.deleted_at.is_(None))
        .subquery("scope_users")
    )


def active_on(users, day: date) -> sa.ColumnElement[bool]:
    """The scope user was active on ``day``."""
    return sa.and_(users.c.service_start <= day,
                   sa.or_(users.c.service_end.is_(None), users.c.service_end >= day))
