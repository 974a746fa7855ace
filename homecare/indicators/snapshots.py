"""Weekly snapshots: every indicator for every team and section, stored for trends.

Derived data: ``build_snapshot`` replaces whatever was stored for that date, and the
same records give the same numbers.
"""

from __future__ import annotations

import time
from datetime import date, timedelta

import sqlalchemy as sa
from flask import current_app

from homecare.core.extensions import db
from homecare.indicators.compute import compute
from homecare.indicators.models import IndicatorSnapshot
from homecare.org.models import Section, Team
from homecare.sections.services import settings_row, thresholds

WINDOW_DAYS = 28


def _rows(day: date, scope_type: str, scope_id: int, section_id: int, results) -> list[dict]:
    return [{"date": day, "scope_type": scope_type, "scope_id": scope_id,
             "section_id": section_id, "indicator": indicator, "value": result.value,
             "n": result.n, "extras": result.extras, "window_days": WINDOW_DAYS}
            for indicator, result in results.items()]


def week_of(day: date) -> date:
    """The reference date of the weekly snapshot ``day`` belongs to: its week's Monday."""
    return day - timedelta(days=day.weekday())


def weekly_dates(today: date, weeks: int) -> list[date]:
    """The reference dates of the last ``weeks`` weekly snapshots: Mondays, oldest first."""
    monday = week_of(today)
    return [monday - timedelta(weeks=w) for w in reversed(range(weeks))]


def build_snapshot(day: date) -> int:
    """Compute and store every team's and section's indicators for ``day``; returns the
    number of rows written. Flushes; the caller commits."""
    started = time.monotonic()
    db.session.execute(sa.delete(IndicatorSnapshot).where(IndicatorSnapshot.date == day))
    rows: list[dict] = []
    for section in db.session.scalars(sa.select(Section).order_by(Section.id)):
        team_ids = list(db.session.scalars(sa.select(Team.id).where(
            Team.section_id == section.id).order_by(Team.id)))
        if not team_ids:
            continue
        computed = compute(team_ids, day, WINDOW_DAYS, thresholds(settings_row(section)))
        rows += _rows(day, "section", section.id, section.id, computed.total)
        for team_id, results in computed.teams.items():
            rows += _rows(day, "team", team_id, section.id, results)
    if rows:
        db.session.execute(sa.insert(IndicatorSnapshot), rows)
    db.session.flush()
    current_app.logger.info("Indicator snapshot for %s: %d rows in %.1f s", day, len(rows),
                            time.monotonic() - started)
    return len(rows)
