"""Small builders for indicator fixtures, all relative to a reference day D in the past."""

from __future__ import annotations

from datetime import datetime, time, timedelta

from homecare.core.timeutil import local_today, local_zone
from homecare.goals.services import change_goal_status, create_goal, record_check_in
from homecare.indicators.compute import compute
from homecare.indicators.periods import period_end_on_or_before
from homecare.sections.thresholds import ControlSettings
from homecare.service_users.services import assign_responsible_contact
from homecare.visits.services import create_visit
from tests.factories import make_user

#: Two days ago, so that everything "after D" is still in the past.
D = local_today() - timedelta(days=2)
#: The end of the four-week period D falls in or after: the days a section leader sees
#: (``indicators.periods``), 0 to 27 days before D.
PERIOD_END = period_end_on_or_before(D)
#: ``PERIOD_END`` as an offset from D, for the builders below.
AT_PERIOD_END = (PERIOD_END - D).days


def day(offset: int):
    return D + timedelta(days=offset)


def at(offset: int, hour: int = 10) -> datetime:
    """Local time on D + offset."""
    return datetime.combine(day(offset), time(hour), tzinfo=local_zone())


def user(team, start=-60, **fields):
    return make_user(team, start=day(start), **fields)


def contact(service_user, staff, from_offset, hour=8):
    return assign_responsible_contact(service_user, staff, at(from_offset, hour))


def visit(service_user, staff, offset, *, kind="main", status="completed", hour=10, by=None):
    start = at(offset, hour)
    fields = {}
    if status == "completed":
        fields = {"actual_start": start, "actual_end": start + timedelta(minutes=30)}
    return create_visit(user=service_user, staff=staff, created_by=by or staff, kind=kind,
                        planned_start=start, planned_minutes=30, status=status, **fields)


def goal(service_user, staff, start, *, interval=28, baseline=None, status=None, closed=None):
    made = create_goal(user=service_user, created_by=staff, description="Mål",
                       expressed_by="user", start_date=day(start),
                       checkin_interval_days=interval, baseline_performance=baseline)
    if status:
        change_goal_status(made, status, on=day(closed) if closed is not None else None)
    return made


def check_in(of_goal, staff, offset, *, performance=None, satisfaction=None,
             answers=("yes", "yes", "yes")):
    return record_check_in(goal=of_goal, recorded_by=staff, date=day(offset),
                           performance=performance, satisfaction=satisfaction,
                           got_expected_help=answers[0], could_influence=answers[1],
                           satisfied=answers[2])


def indicators(*teams, window_days=28, **settings):
    """Each team's results and the total, computed with the given thresholds."""
    computed = compute([t.id for t in teams], D, window_days, ControlSettings(**settings))
    return computed.teams, computed.total
