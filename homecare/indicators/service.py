"""Indicators for a viewer: the scope they may see, computed, suppressed as they must be."""

from __future__ import annotations

from collections import defaultdict
from datetime import date, timedelta

import sqlalchemy as sa
from flask_babel import gettext as _

from homecare.core.errors import NotFound, ValidationFailed
from homecare.extensions import db
from homecare.indicators.compute import combine, compute, compute_many
from homecare.indicators.definitions import DEFAULT_DASHBOARD
from homecare.indicators.models import IndicatorSnapshot
from homecare.indicators.parts import Result
from homecare.indicators.presenting import present
from homecare.indicators.settings import settings_row, thresholds
from homecare.indicators.suppression import show, show_siblings
from homecare.org.models import Role, Section, Staff, Team
from homecare.policy.access import ORGANISATION, Action, ensure


def _suppresses(actor: Staff) -> bool:
    """Leaders and administrators see aggregates with small numbers hidden."""
    return actor.role in (Role.SECTION_LEADER, Role.ADMIN)


def _team_ids(section: Section) -> list[int]:
    return list(db.session.scalars(sa.select(Team.id).where(Team.section_id == section.id)
                                   .order_by(Team.id)))


def _resolve(actor: Staff, team_id: int | None, section_id: int | None):
    """The team or section asked for, if the actor may see its indicators."""
    if team_id is not None and section_id is not None:
        raise ValidationFailed.single("team_id", _("Ask for a team or a section, not both."))
    if team_id is not None:
        team = db.session.get(Team, team_id)
        if team is None:
            raise NotFound()
        ensure(actor, Action.VIEW, team)
        return team, team.section
    if section_id is not None:
        section = db.session.get(Section, section_id)
        if section is None:
            raise NotFound()
        ensure(actor, Action.VIEW, section)
        return None, section
    ensure(actor, Action.VIEW, ORGANISATION)
    return None, None


def _for_section(section: Section, day: date, window_days: int):
    row = settings_row(section)
    return compute(_team_ids(section), day, window_days, thresholds(row)), row


def indicators_for(actor: Staff, *, team_id=None, section_id=None, day: date,
                   window_days: int) -> dict:
    """The indicators of a team, a section (with its teams) or all sections (admins)."""
    team, section = _resolve(actor, team_id, section_id)
    suppress = _suppresses(actor)
    body = {"date": day, "window_days": window_days, "teams": [], "sections": []}
    if section is None:
        return body | _all_sections(day, window_days)
    computed, row = _for_section(section, day, window_days)
    dashboard = list(row.dashboard_indicators or DEFAULT_DASHBOARD)
    teams = show_siblings(computed.teams, suppress=suppress)
    if team is not None:
        return body | {"scope": {"type": "team", "id": team.id},
                       "indicators": present(teams[team.id], dashboard)}
    total = {i: show(r, suppress=suppress) for i, r in computed.total.items()}
    return body | {
        "scope": {"type": "section", "id": section.id},
        "indicators": present(total, dashboard),
        "teams": [{"team_id": t, "indicators": present(shown, dashboard)}
                  for t, shown in teams.items()],
    }


def _all_sections(day: date, window_days: int) -> dict:
    sections = list(db.session.scalars(sa.select(Section).order_by(Section.id)))
    team_ids: dict[int, list[int]] = defaultdict(list)
    for team_id, section_id in db.session.execute(
            sa.select(Team.id, Team.section_id).order_by(Team.id)):
        team_ids[section_id].append(team_id)
    rows = {s.id: settings_row(s) for s in sections if team_ids[s.id]}
    results = compute_many({sid: (team_ids[sid], thresholds(row)) for sid, row in rows.items()},
                           day, window_days)
    computed = {sid: (results[sid], row) for sid, row in rows.items()}
    total = combine([(c, thresholds(row)) for c, row in computed.values()])
    per_section = show_siblings({sid: c.total for sid, (c, _row) in computed.items()},
                                suppress=True)
    dashboard = list(DEFAULT_DASHBOARD)
    return {"scope": {"type": "all", "id": None},
            "indicators": present({i: show(r, suppress=True) for i, r in total.items()},
                                  dashboard),
            "sections": [{"section_id": sid, "indicators": present(shown, dashboard)}
                         for sid, shown in per_section.items()]}


def _point(day: date, shown) -> dict:
    return {"date": day, "value": shown.value, "n": shown.n, "suppressed": shown.suppressed}


def section_trends(actor: Staff, section: Section, indicators: list[str], *, weeks: int,
                   today: date) -> dict[tuple, list[dict]]:
    """Stored weekly values of several indicators for a section and each of its teams.

    ``{(scope_type, scope_id, indicator): [points, oldest first]}`` from one query, each
    week suppressed for the viewer as the live values are (siblings compared per week).
    The caller has checked that the actor may view the section.
    """
    since = today - timedelta(weeks=weeks)
    rows = db.session.scalars(
        sa.select(IndicatorSnapshot).where(
            IndicatorSnapshot.section_id == section.id,
            IndicatorSnapshot.indicator.in_(indicators),
            IndicatorSnapshot.date > since, IndicatorSnapshot.date <= today)
        .order_by(IndicatorSnapshot.date))
    by_date: dict = defaultdict(lambda: defaultdict(dict))
    for row in rows:
        by_date[row.date][(row.scope_type, row.scope_id)][row.indicator] = Result(
            row.value, row.n, row.extras)
    suppress = _suppresses(actor)
    trends: dict[tuple, list[dict]] = defaultdict(list)
    for day, scopes in sorted(by_date.items()):
        teams = {key: results for key, results in scopes.items() if key[0] == "team"}
        shown = show_siblings(teams, suppress=suppress)
        for (scope_type, scope_id), results in scopes.items():
            for indicator, result in results.items():
                value = (show(result, suppress=suppress) if scope_type == "section"
                         else shown[(scope_type, scope_id)][indicator])
                trends[(scope_type, scope_id, indicator)].append(_point(day, value))
    return trends


def trend_for(actor: Staff, *, team_id=None, section_id=None, indicator: str, weeks: int,
              today: date) -> list[dict]:
    """Stored weekly values of one indicator, oldest first, suppressed for the viewer."""
    team, section = _resolve(actor, team_id, section_id)
    if section is None:
        raise ValidationFailed.single("section_id", _("Ask for a team or a section."))
    key = ("team", team.id) if team is not None else ("section", section.id)
    return section_trends(actor, section, [indicator], weeks=weeks, today=today).get(
        (*key, indicator), [])
