"""The coordinator's week: a row per staff member, a column per day, the visits in it."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, timedelta

import sqlalchemy as sa
from sqlalchemy.orm import joinedload

from homecare.core.audit import record_reads
from homecare.core.extensions import db
from homecare.core.timeutil import local_zone, start_of_local_day
from homecare.org.models import Staff, Team
from homecare.org.services import team_members
from homecare.service_users.models import ServiceUser
from homecare.visits.models import Visit, VisitStatus


def monday_of(day: date) -> date:
    """The Monday of the week ``day`` falls in (Norwegian weeks start on Monday)."""
    return day - timedelta(days=day.weekday())


@dataclass
class Week:
    """One team's week: who visits whom, when."""

    team: Team
    monday: date
    staff: list[Staff]
    cells: dict[tuple[int, date], list] = field(default_factory=dict)

    @property
    def days(self) -> list[date]:
        """Monday to Sunday."""
        return [self.monday + timedelta(days=i) for i in range(7)]

    def cell(self, staff: Staff, day: date) -> list:
        """The visits one staff member has on one day, in time order."""
        return self.cells.get((staff.id, day), [])


def week_plan(team: Team, monday: date) -> Week:
    """The team's visits (not cancelled) from Monday to Sunday, grouped by staff and day.

    Three queries whatever the team's size; every user shown is logged as read. The
    visits are read as plain rows with the user's name (a busy week holds a thousand, and
    the grid needs no more). Staff who left the team but still hold visits that week keep
    a row, so nothing is hidden.
    """
    visits = db.session.execute(
        sa.select(Visit.id, Visit.service_user_id, Visit.staff_id, Visit.kind, Visit.status,
                  Visit.planned_start, Visit.series_id,
                  ServiceUser.full_name.label("user_name"))
        .join(Visit.service_user)
        .where(ServiceUser.team_id == team.id, ServiceUser.deleted_at.is_(None),
               Visit.planned_start >= start_of_local_day(monday),
               Visit.planned_start < start_of_local_day(monday + timedelta(days=7)),
               Visit.status != VisitStatus.CANCELLED)
        .order_by(Visit.planned_start)).all()
    staff = team_members(team)
    others = {v.staff_id for v in visits} - {s.id for s in staff}
    if others:
        staff += list(db.session.scalars(sa.select(Staff).where(Staff.id.in_(others))
                                         .order_by(Staff.full_name)))
    cells: dict[tuple[int, date], list] = defaultdict(list)
    zone = local_zone()
    for visit in visits:
        cells[(visit.staff_id, visit.planned_start.astimezone(zone).date())].append(visit)
    record_reads([v.service_user_id for v in visits], "week planner")
    return Week(team, monday, staff, dict(cells))


@dataclass
class UserWeek:
    """One user's week: who comes when, Monday to Sunday."""

    user: ServiceUser
    monday: date
    visits: dict[date, list[Visit]]

    @property
    def days(self) -> list[date]:
        """Monday to Sunday."""
        return [self.monday + timedelta(days=i) for i in range(7)]


def user_week(user: ServiceUser, monday: date) -> UserWeek:
    """The user's visits from Monday to Sunday (cancelled ones too, marked so), with the
    staff member of each: one query, whatever the week holds."""
    visits = db.session.scalars(
        sa.select(Visit).options(joinedload(Visit.staff))
        .where(Visit.service_user_id == user.id,
               Visit.planned_start >= start_of_local_day(monday),
               Visit.planned_start < start_of_local_day(monday + timedelta(days=7)))
        .order_by(Visit.planned_start)).all()
    days: dict[date, list[Visit]] = defaultdict(list)
    zone = local_zone()
    for visit in visits:
        days[visit.planned_start.astimezone(zone).date()].append(visit)
    return UserWeek(user, monday, dict(days))
