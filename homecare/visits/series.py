"""Planning for continuity at scale: visits repeating every week, and a week's plan
copied to the next. The same functions serve the planner's pages and the API.

A series is a pattern (``VisitSeries``); its occurrences are ordinary visits, so the
indicators, offline completion, the care-given rules and the contact marks treat them as
any other. A single occurrence is moved, reassigned or cancelled as any visit is
(``services.change_visit``); "this and all following" changes or cancels every later
occurrence still planned. A visit carried out, missed or cancelled is never touched.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

import sqlalchemy as sa
from flask_babel import gettext as _
from sqlalchemy.orm import joinedload

from homecare.core.database import save
from homecare.core.dates import day_text
from homecare.core.errors import Conflict, ValidationFailed
from homecare.core.extensions import db
from homecare.core.timeutil import local_today, local_zone, start_of_local_day, to_local
from homecare.core.validation import FieldErrors
from homecare.org.models import Staff, Team
from homecare.service_users.models import ServiceUser
from homecare.visits.models import (
    PLANNED_MINUTES,
    SERIES_MAX_WEEKS,
    Visit,
    VisitKind,
    VisitSeries,
    VisitStatus,
)
from homecare.visits.services import (
    PLANNING,
    Overlap,
    build_visit,
    change_visit,
    ensure_may_change,
    overlaps,
    refuse_past_day,
    time_of,
)

#: ISO weekdays, Monday 1 to Sunday 7.
WEEKDAYS = tuple(range(1, 8))


class Overlapping(Conflict):
    """The plan books a staff member twice; it is saved only when the caller says so
    (``allow_overlap``). ``overlaps`` names each clash."""

    def __init__(self, found: list[Overlap]):
        super().__init__(_("The team member already has a visit at that time."))
        self.overlaps = found


def plan_one(*, allow_overlap: bool = False, **fields) -> Visit:
    """Plan one visit as the planner does (fields as for ``services.build_visit``): not
    on a day in the past, and booking its staff member twice only with
    ``allow_overlap`` (else Overlapping). The API's ``POST /visits`` keeps its contract
    and does neither (``create_visit``)."""
    refuse_past_day(to_local(fields["planned_start"]).date())
    visit = build_visit(**fields)
    found = overlaps(visit.staff, [time_of(visit)])
    if found and not allow_overlap:
        raise Overlapping(found)
    return save(visit)


def move_one(actor: Staff, visit: Visit, *, allow_overlap: bool = False, **changes) -> Visit:
    """Move or reassign one planned visit as the planner does (``services.change_visit``
    with the plan fields): not to a day in the past, and booking its staff member twice
    only with ``allow_overlap`` (else Overlapping)."""
    ensure_may_change(actor, visit, PLANNING)
    start = changes.get("planned_start", visit.planned_start)
    refuse_past_day(to_local(start).date(), unchanged=to_local(visit.planned_start).date())
    minutes = changes.get("planned_minutes", visit.planned_minutes)
    found = overlaps(changes.get("staff", visit.staff),
                     [(start, start + timedelta(minutes=minutes))], ignore=[visit.id])
    if found and not allow_overlap:
        raise Overlapping(found)
    return change_visit(actor, visit, **changes)


def occurrence_days(weekdays, first_day: date, until: date) -> list[date]:
    """The days from ``first_day`` to ``until`` (inclusive) that fall on ``weekdays``."""
    chosen = set(weekdays)
    count = (until - first_day).days + 1
    return [day for day in (first_day + timedelta(days=i) for i in range(max(count, 0)))
            if day.isoweekday() in chosen]


def at_local(day: date, clock: time) -> datetime:
    """The moment a local clock time falls on a day (summer time included)."""
    return datetime.combine(day, clock.replace(tzinfo=None), tzinfo=local_zone())


def last_allowed_day(first_day: date) -> date:
    """The last day a series from ``first_day`` may run to (``SERIES_MAX_WEEKS``)."""
    return first_day + timedelta(weeks=SERIES_MAX_WEEKS) - timedelta(days=1)


def check_series(*, user: ServiceUser, weekdays, first_day: date | None, until: date | None,
                 planned_minutes, field_names: dict | None = None) -> list[date]:
    """The days a series would have; raises ValidationFailed naming every problem (on
    ``weekdays``, ``first_day``, ``until``, or the names a page gives them)."""
    names = {"weekdays": "weekdays", "first_day": "first_day", "until": "until"}
    names |= field_names or {}
    errors = FieldErrors()
    days = sorted({int(d) for d in weekdays or () if str(d).isdigit()})
    if not days or any(d not in WEEKDAYS for d in days):
        errors.add(names["weekdays"], _("Choose the weekdays the visit repeats on."))
    if first_day is None:
        errors.add(names["first_day"], _("Choose a date."))
    elif first_day < local_today():
        errors.add(names["first_day"], _("You cannot plan a visit on a day in the past."))
    if until is None:
        errors.add(names["until"], _("Say until which day the visit repeats."))
    elif first_day is not None and until < first_day:
        errors.add(names["until"], _("The last day cannot be before the first."))
    elif first_day is not None and until > last_allowed_day(first_day):
        errors.add(names["until"], _(
            "A repeating visit is planned at most %(weeks)d weeks ahead, until %(day)s.",
            weeks=SERIES_MAX_WEEKS, day=day_text(last_allowed_day(first_day))))
    elif user.service_end is not None and until > user.service_end:
        errors.add(names["until"], _("The user's service ends on %(day)s.",
                                     day=day_text(user.service_end)))
    PLANNED_MINUTES.check(errors, "planned_minutes", planned_minutes)
    errors.raise_if_any()
    found = occurrence_days(days, first_day, until)
    if not found:
        raise ValidationFailed.single(
            names["weekdays"], _("None of the chosen weekdays falls between the two dates."))
    return found


def series_spans(days: list[date], clock: time, minutes: int) -> list[tuple[datetime, datetime]]:
    """Each occurrence's start and end."""
    return [(start, start + timedelta(minutes=minutes))
            for start in (at_local(day, clock) for day in days)]


def plan_series(actor: Staff, *, user: ServiceUser, staff: Staff, kind: VisitKind | str,
                weekdays, start_time: time, planned_minutes: int, first_day: date,
                until: date, allow_overlap: bool = False) -> tuple[VisitSeries, list[Visit]]:
    """Plan a visit repeating every week on ``weekdays`` from ``first_day`` to ``until``
    (at most ``SERIES_MAX_WEEKS``): each occurrence checked by the visit rules. Raises
    ValidationFailed, or Overlapping when ``staff`` has another visit at one of the
    times and ``allow_overlap`` is not given."""
    errors = FieldErrors()
    kind = errors.choice(VisitKind, "kind", kind, _("Choose a main visit or a short visit."))
    errors.raise_if_any()
    days = check_series(user=user, weekdays=weekdays, first_day=first_day, until=until,
                        planned_minutes=planned_minutes)
    visits = [build_visit(user=user, staff=staff, created_by=actor, kind=kind,
                          planned_start=start, planned_minutes=planned_minutes)
              for start, _end in series_spans(days, start_time, planned_minutes)]
    found = overlaps(staff, [(v.planned_start, v.planned_start
                              + timedelta(minutes=planned_minutes)) for v in visits])
    if found and not allow_overlap:
        raise Overlapping(found)
    series = save(VisitSeries(
        service_user_id=user.id, staff_id=staff.id, kind=kind,
        weekdays="".join(str(d) for d in sorted({d.isoweekday() for d in days})),
        start_time=start_time.replace(tzinfo=None, second=0, microsecond=0),
        planned_minutes=planned_minutes, first_day=first_day, until=until,
        created_by_id=actor.id))
    for visit in visits:
        visit.series_id = series.id
    db.session.add_all(visits)
    db.session.flush()
    return series, visits


def following(visit: Visit) -> list[Visit]:
    """This occurrence and every later one of its series still planned, in time order
    (one query); carried out, missed and cancelled ones are left as they are."""
    if visit.series_id is None:
        raise Conflict(_("This visit does not repeat."))
    return list(db.session.scalars(
        sa.select(Visit).where(Visit.series_id == visit.series_id,
                               Visit.planned_start >= visit.planned_start,
                               Visit.status == VisitStatus.PLANNED)
        .order_by(Visit.planned_start)))


def moved_following(visit: Visit, new_start: datetime
                    ) -> tuple[list[Visit], dict]:
    """This occurrence and all following still planned (``following``), and where each
    goes when this one moves to ``new_start``: the same number of days, to the new
    clock time (visit id -> new start)."""
    visits = following(visit)
    old, new = to_local(visit.planned_start), to_local(new_start)
    shift = new.date() - old.date()
    return visits, {v.id: at_local(to_local(v.planned_start).date() + shift, new.time())
                    for v in visits}


def change_following(actor: Staff, visit: Visit, *, staff: Staff | None = None,
                     kind: VisitKind | str | None = None,
                     planned_start: datetime | None = None,
                     planned_minutes: int | None = None,
                     allow_overlap: bool = False) -> list[Visit]:
    """Change this occurrence and all following ones still planned: each later one is
    given the same staff member, kind and length, and moved as this one is (the same
    number of days, to the new clock time). Raises Conflict, Forbidden, ValidationFailed,
    or Overlapping unless ``allow_overlap``. The series' pattern follows."""
    ensure_may_change(actor, visit, PLANNING)
    series = db.session.get(VisitSeries, visit.series_id) if visit.series_id else None
    old = to_local(visit.planned_start)
    new = to_local(planned_start) if planned_start is not None else old
    refuse_past_day(new.date(), unchanged=old.date())
    shift, clock = new.date() - old.date(), new.time()
    minutes = planned_minutes if planned_minutes is not None else visit.planned_minutes
    staff = staff or visit.staff
    visits, starts = moved_following(visit, new)
    found = overlaps(staff, [(s, s + timedelta(minutes=minutes)) for s in starts.values()],
                     ignore=starts)
    if found and not allow_overlap:
        raise Overlapping(found)
    changes = {"staff": staff, "planned_minutes": minutes}
    if kind is not None:
        changes["kind"] = kind
    for each in visits:
        change_visit(actor, each, planned_start=starts[each.id], **changes)
    if series is not None:
        series.staff_id, series.planned_minutes = staff.id, minutes
        series.kind = visit.kind
        series.start_time = clock.replace(tzinfo=None, second=0, microsecond=0)
        series.weekdays = "".join(sorted({str((int(d) - 1 + shift.days) % 7 + 1)
                                          for d in series.weekdays}))
        series.until += shift
        db.session.flush()
    return visits


def cancel_following(actor: Staff, visit: Visit) -> list[Visit]:
    """Cancel this occurrence and all following ones still planned (kept, marked
    cancelled); the series ends the day before this one."""
    ensure_may_change(actor, visit, {"status": VisitStatus.CANCELLED})
    visits = following(visit)
    for each in visits:
        change_visit(actor, each, status=VisitStatus.CANCELLED)
    series = db.session.get(VisitSeries, visit.series_id)
    series.until = min(series.until, to_local(visit.planned_start).date() - timedelta(days=1))
    db.session.flush()
    return visits


# -- A week copied to the next --------------------------------------------------------


@dataclass
class WeekCopy:
    """What copying a team's week to the next would do (or did)."""

    monday: date
    #: (the visit copied, its new start) for each visit to copy.
    to_copy: list[tuple[Visit, datetime]] = field(default_factory=list)
    #: Visits already planned the next week (same user, staff member and start).
    already: int = 0
    #: Visits that cannot be copied: the user's service ended, or the staff member left.
    refused: int = 0
    #: Visits copied (after ``copy_week``).
    copied: int = 0


def _week_visits(team: Team, monday: date, *, cancelled: bool = False) -> list[Visit]:
    """The team's visits of the week from ``monday`` (the cancelled only if asked)."""
    query = (sa.select(Visit).join(Visit.service_user)
             .options(joinedload(Visit.service_user), joinedload(Visit.staff))
             .where(ServiceUser.team_id == team.id, ServiceUser.deleted_at.is_(None),
                    Visit.planned_start >= start_of_local_day(monday),
                    Visit.planned_start < start_of_local_day(monday + timedelta(days=7)))
             .order_by(Visit.planned_start))
    if not cancelled:
        query = query.where(Visit.status != VisitStatus.CANCELLED)
    return list(db.session.scalars(query).unique())


def week_copy(team: Team, monday: date) -> WeekCopy:
    """What copying the team's visits of the week from ``monday`` (all but the cancelled)
    to the week after would do: each at the same weekday and clock time, skipping those
    the next week already holds (same user, staff member and start; one cancelled there
    was cancelled on purpose and is not planned again). A visit of a staff member no
    longer active is not copied. Two queries."""
    plan = WeekCopy(monday)
    next_monday = monday + timedelta(days=7)
    there = {(v.service_user_id, v.staff_id, v.planned_start)
             for v in _week_visits(team, next_monday, cancelled=True)}
    for visit in _week_visits(team, monday):
        local = to_local(visit.planned_start)
        start = at_local(local.date() + timedelta(days=7), local.time())
        if (visit.service_user_id, visit.staff_id, start) in there:
            plan.already += 1
        elif (not visit.service_user.is_active_on(start.date()) or not visit.staff.active
              or start.date() < local_today()):
            plan.refused += 1
        else:
            plan.to_copy.append((visit, start))
            there.add((visit.service_user_id, visit.staff_id, start))
    return plan


def copy_week(actor: Staff, team: Team, monday: date) -> WeekCopy:
    """Copy the team's week to the next as planned visits (``week_copy``); a visit whose
    staff member is no longer in the team is counted as refused, not copied."""
    plan = week_copy(team, monday)
    made = []
    for visit, start in plan.to_copy:
        try:
            made.append(build_visit(user=visit.service_user, staff=visit.staff,
                                    created_by=actor, kind=visit.kind, planned_start=start,
                                    planned_minutes=visit.planned_minutes))
        except ValidationFailed:
            plan.refused += 1
    db.session.add_all(made)
    db.session.flush()
    plan.copied = len(made)
    return plan


def series_of(visit: Visit) -> VisitSeries | None:
    """The series a visit was planned in."""
    return db.session.get(VisitSeries, visit.series_id) if visit.series_id else None


def stop_after_service_end(user: ServiceUser) -> int:
    """Cancel the user's visits planned after the last day of their service, and end their
    repeats on that day; how many visits were cancelled. An ended service must not leave
    visits on the team's days and tablets (the visits carried out stay as they are)."""
    if user.service_end is None:
        return 0
    after = start_of_local_day(user.service_end + timedelta(days=1))
    planned = db.session.scalars(sa.select(Visit).where(
        Visit.service_user_id == user.id, Visit.status == VisitStatus.PLANNED,
        Visit.planned_start >= after)).all()
    for visit in planned:
        visit.status = VisitStatus.CANCELLED
    for series in db.session.scalars(sa.select(VisitSeries).where(
            VisitSeries.service_user_id == user.id, VisitSeries.until > user.service_end,
            VisitSeries.first_day <= user.service_end)):
        series.until = user.service_end
    db.session.flush()
    return len(planned)
