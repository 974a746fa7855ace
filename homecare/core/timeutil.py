"""Time in one place: stored in UTC, shown and reasoned about in the service's zone."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from flask import current_app, has_app_context

DEFAULT_TIMEZONE = "Europe/Oslo"


def local_zone() -> ZoneInfo:
    """The service's time zone (``HOMECARE_TIMEZONE``), used for every local date."""
    name = DEFAULT_TIMEZONE
    if has_app_context():
        name = current_app.config.get("HOMECARE_TIMEZONE", DEFAULT_TIMEZONE)
    return ZoneInfo(name)


def utcnow() -> datetime:
    """The current instant, timezone-aware in UTC (the form every timestamp is stored in)."""
    return datetime.now(UTC)


def local_today() -> date:
    """Today's date where the service runs, not in UTC."""
    return utcnow().astimezone(local_zone()).date()


def to_local(moment: datetime) -> datetime:
    """An aware instant expressed in the service's zone."""
    return moment.astimezone(local_zone())


def local_date_of(moment: datetime) -> date:
    """The local calendar date an instant falls on (e.g. a visit's date)."""
    return to_local(moment).date()


def start_of_local_day(day: date) -> datetime:
    """The UTC instant at which a local date begins (midnight, DST-correct)."""
    return datetime.combine(day, time.min, tzinfo=local_zone()).astimezone(UTC)


@dataclass(frozen=True)
class LocalDays:
    """Whole local days ``first``..``last`` (inclusive), and the UTC instants that bound
    them: the one type for "these days" as the database compares them (the access log's
    period, an indicator's window, a day's caseload)."""

    first: date
    last: date

    @classmethod
    def ending(cls, day: date, days: int) -> LocalDays:
        """The ``days`` days ending on ``day``, inclusive."""
        return cls(day - timedelta(days=days - 1), day)

    @property
    def starts(self) -> datetime:
        """The first instant of ``first`` (local midnight, in UTC)."""
        return start_of_local_day(self.first)

    @property
    def ends(self) -> datetime:
        """The first instant after ``last``."""
        return start_of_local_day(self.last + timedelta(days=1))

    def holds(self, instant_column) -> sa.ColumnElement[bool]:
        """SQL: ``instant_column`` (a UTC timestamp) falls on one of these days."""
        return sa.and_(instant_column >= self.starts, instant_column < self.ends)

    @property
    def end_of_last_day(self) -> datetime:
        """The last instant of ``last`` ("on D" for a responsible contact means as the day
        ends)."""
        return self.ends - timedelta(microseconds=1)


#: The days the service accepts anywhere (API bodies, query strings, forms). Input
#: outside is a typo or a probe; near year 1 or 9999 a date overflows when it is moved
#: between time zones or shifted by a window, so it is refused where it comes in.
EARLIEST_DAY = date(1900, 1, 1)
LATEST_DAY = date(2199, 12, 31)


def in_service_range(day: date | datetime) -> bool:
    """Whether a date (or a timestamp's date) lies within the days the service accepts."""
    if isinstance(day, datetime):
        day = day.date()
    return EARLIEST_DAY <= day <= LATEST_DAY


def parse_day(raw: str | None) -> date | None:
    """An ISO date from a query string, or None when it is missing, malformed or outside
    the accepted days."""
    try:
        day = date.fromisoformat(raw) if raw else None
    except ValueError:
        return None
    return day if day is not None and in_service_range(day) else None
