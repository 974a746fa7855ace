"""Time in one place: stored in UTC, shown and reasoned about in the service's zone."""

from __future__ import annotations

from datetime import UTC, date, datetime, time
from zoneinfo import ZoneInfo

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
