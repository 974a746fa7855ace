"""Indicators for a viewer: the scope they may see, computed, suppressed as they must be."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date, timedelta

import sqlalchemy as sa
from flask_babel import gettext as _

from homecare.core.errors import NotFound, ValidationFailed
from homecare.core.extensions import db
from homecare.indicators.compute import combine, compute, compute_many, user_voice
from homecare.indicators.definitions import DEFAULT_DASHBOARD
from homecare.indicators.models import IndicatorSnapshot
from homecare.indicators.parts import Parts, Result
from homecare.indicators.periods import PERIOD_DAYS, leaders_window, period_ends
from homecare.indicators.presenting import present
from homecare.indicators.queries import check_ins_in_window
from homecare.indicators.scope import Window
from homecare.indicators.snapshots import weekly_dates
from homecare.indicators.suppression import show_all, show_city
from homecare.org.models import Role, Section, Staff, Team
from homecare.policy.access import ORGANISATION, Action, ensure
from homecare.sections.services import settings_row, thresholds
from homecare.sections.thresholds import ControlSettings


def suppressed_for(actor: Staff) -> bool:
    """Leaders and administrators see aggregates with small numbers hidden, for whole
    four-week periods."""
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
                   window_days: int, today: date | None = None) -> dict:
    """The indicators of a team, a section (with its teams) or all sections (admins).

    Leaders and administrators see figures for whole four-week periods only
    (``periods.leaders_window``: ``day`` must end one, or is None for the latest), with
    small numbers hidden as ``suppression`` says, the same in every view.
    """
    team, section = _resolve(actor, team_id, section_id)
    suppress = suppressed_for(actor)
    if suppress:
        day, window_days = leaders_window(day, window_days, today or day), PERIOD_DAYS
    elif day is None:
        day = today
    body = {"date": day, "window_days": window_days, "teams": [], "sections": []}
    if section is None:
        return body | _all_sections(day, window_days)
    computed, row = _for_section(section, day, window_days)
    dashboard = list(row.dashboard_indicators or DEFAULT_DASHBOARD)
    total, teams = show_all(computed.total, computed.teams, suppress=suppress)
    if team is not None:
        return body | {"scope": {"type": "team", "id": team.id},
                       "indicators": present(teams[team.id], dashboard)}
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
    city: dict = {}
    per_section: dict = {sid: {} for sid in computed}
    for indicator, result in total.items():
        city[indicator], shown = show_city(indicator, result, {
            sid: c.total[indicator] for sid, (c, _row) in computed.items()})
        for sid, value in shown.items():
            per_section[sid][indicator] = value
    dashboard = list(DEFAULT_DASHBOARD)
    return {"scope": {"type": "all", "id": None},
            "indicators": present(city, dashboard),
            "sections": [{"section_id": sid, "indicators": present(shown, dashboard)}
                         for sid, shown in per_section.items()]}


def _point(day: date, shown) -> dict:
    return {"date": day, "value": shown.value, "n": shown.n, "suppressed": shown.suppressed}


def trend_dates(actor: Staff, today: date, weeks: int) -> list[date]:
    """The dates of a trend's points in the last ``weeks`` weeks up to ``today``: every
    weekly snapshot, or for leaders and administrators those that end a four-week period
    (``periods``)."""
    if suppressed_for(actor):
        return period_ends(today, max(1, weeks * 7 // PERIOD_DAYS))
    return weekly_dates(today, weeks)


def section_trends(actor: Staff, section: Section, indicators: list[str], *, weeks: int,
                   today: date) -> dict[tuple, list[dict]]:
    """Stored values of several indicators for a section and each of its teams over the
    last ``weeks`` weeks: every snapshot, or for leaders and administrators those on
    ``trend_dates`` (the ends of four-week periods).

    ``{(scope_type, scope_id, indicator): [points, oldest first]}`` from one query, each
    date suppressed for the viewer as the live values are (``show_scope``).
    The caller has checked that the actor may view the section.
    """
    if suppressed_for(actor):
        when = IndicatorSnapshot.date.in_(trend_dates(actor, today, weeks))
    else:
        when = sa.and_(IndicatorSnapshot.date > today - timedelta(weeks=weeks),
                       IndicatorSnapshot.date <= today)
    rows = db.session.scalars(
        sa.select(IndicatorSnapshot).where(
            IndicatorSnapshot.section_id == section.id,
            IndicatorSnapshot.indicator.in_(indicators), when)
        .order_by(IndicatorSnapshot.date))
    by_date: dict = defaultdict(lambda: defaultdict(dict))
    for row in rows:
        by_date[row.date][(row.scope_type, row.scope_id)][row.indicator] = Result(
            row.value, row.n, row.extras)
    suppress = suppressed_for(actor)
    trends: dict[tuple, list[dict]] = defaultdict(list)
    for day, scopes in sorted(by_date.items()):
        teams = {key: results for key, results in scopes.items() if key[0] == "team"}
        total, shown = show_all(scopes.get(("section", section.id), {}), teams,
                                suppress=suppress)
        shown[("section", section.id)] = total
        for (scope_type, scope_id), results in scopes.items():
            for indicator in results:
                trends[(scope_type, scope_id, indicator)].append(
                    _point(day, shown[(scope_type, scope_id)][indicator]))
    return trends


def trend_for(actor: Staff, *, team_id=None, section_id=None, indicator: str, weeks: int,
              today: date) -> list[dict]:
    """Stored values of one indicator over the last ``weeks`` weeks, oldest first,
    suppressed for the viewer: weekly, or for leaders and administrators at the end of
    each four-week period."""
    team, section = _resolve(actor, team_id, section_id)
    if section is None:
        raise ValidationFailed.single("section_id", _("Ask for a team or a section."))
    key = ("team", team.id) if team is not None else ("section", section.id)
    return section_trends(actor, section, [indicator], weeks=weeks, today=today).get(
        (*key, indicator), [])


@dataclass(frozen=True)
class Evaluation:
    """How a team's users answered at their follow-ups: in how many of the follow-ups
    they were asked, and each question's yes / partly / no."""

    asked: int
    follow_ups: int
    answers: dict


def team_evaluation(team: Team, day: date, window_days: int = 28) -> Evaluation:
    """The users' own evaluation in the team's follow-ups of the window ending ``day``,
    for the team's own board (its coordinators see their own team as it is). One
    statement, the one behind ``user_voice``."""
    rows = check_ins_in_window(db.session.connection(), [team.id], Window(day, window_days),
                               ControlSettings())
    parts = rows["user_voice"].get(team.id, Parts())
    return Evaluation(int(parts.num), parts.den, user_voice(parts).extras["answers"])
