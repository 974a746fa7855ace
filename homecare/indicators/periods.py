"""The fixed four-week periods in which section leaders and administrators see figures.

A count over a window can be worked out from other windows: a 56-day window minus the
28 days before gives the last 28, and windows that slide a week at a time give each
week, and so any small number hidden in one of them (issue 33, N2). Leaders therefore
see windowed figures only for whole periods of ``PERIOD_DAYS`` days that never overlap,
ending on ``GRID_EPOCH`` and every ``PERIOD_DAYS`` days from it: no period is a sum or a
difference of others. The period ends are Mondays, so each is also the date of a weekly
snapshot (``snapshots.week_of``), and the leader's trend reads every fourth one.

Coordinators and team members see their own team as it is, for any day and window.
See docs/suppression.md.
"""

from __future__ import annotations

from datetime import date, timedelta

from flask_babel import gettext as _

from homecare.core.dates import day_text
from homecare.core.errors import ValidationFailed

#: The length of a period, and the window of every figure a leader sees.
PERIOD_DAYS = 28
#: A Monday on which a period ends; every period ends a multiple of 28 days from it.
GRID_EPOCH = date(2024, 1, 1)


def is_period_end(day: date) -> bool:
    """Whether ``day`` ends a period."""
    return (day - GRID_EPOCH).days % PERIOD_DAYS == 0


def period_end_on_or_before(day: date) -> date:
    """The last day of the latest period ending on or before ``day``."""
    return day - timedelta(days=(day - GRID_EPOCH).days % PERIOD_DAYS)


def period_ends(last: date, count: int) -> list[date]:
    """The ends of ``count`` periods up to the one ending on or before ``last``, oldest
    first (the points of a leader's trend)."""
    newest = period_end_on_or_before(last)
    return [newest - timedelta(days=PERIOD_DAYS * i) for i in reversed(range(count))]


def leaders_window(day: date | None, window_days: int | None, today: date) -> date:
    """The reference day a leader's request names (``day``, default: the end of the
    latest period), refused unless it ends a period and the window is one period long.

    Raises ValidationFailed naming the periods on either side of a day that is not an end.
    """
    if window_days is not None and window_days != PERIOD_DAYS:
        raise ValidationFailed.single("window_days", _(
            "Section leaders see figures for four-week periods: the window is %(days)d "
            "days.", days=PERIOD_DAYS))
    if day is None:
        return period_end_on_or_before(today)
    if not is_period_end(day):
        before = period_end_on_or_before(day)
        raise ValidationFailed.single("date", _(
            "Section leaders see figures for whole four-week periods. Choose a day on which "
            "one ends, such as %(before)s or %(after)s.", before=day_text(before),
            after=day_text(before + timedelta(days=PERIOD_DAYS))))
    return day
