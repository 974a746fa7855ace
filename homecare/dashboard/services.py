"""What a section's dashboard shows: the chosen indicators for the section or one team."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

import sqlalchemy as sa

from homecare.core.extensions import db
from homecare.dashboard.charts import Chart, trend_chart
from homecare.indicators.definitions import BY_ID, DEFAULT_DASHBOARD, Indicator
from homecare.indicators.periods import PERIOD_DAYS
from homecare.indicators.services import (
    indicators_for,
    section_trends,
    suppressed_for,
    trend_dates,
)
from homecare.org.models import Section, Staff, Team
from homecare.policy.access import Action, ReadingsOf, permits
from homecare.readings.services import CONVERSATION_DAYS, Thread, conversations, threads_for
from homecare.sections.services import settings_row

WINDOW_DAYS = 28
#: How many points a trend shows: weeks for the team, four-week periods for leaders.
TREND_POINTS = 12


@dataclass(frozen=True)
class TeamFigure:
    """One team's value of an indicator, as the viewer may see it."""

    team: Team
    figure: dict


@dataclass(frozen=True)
class Card:
    """One indicator on the dashboard: value, n, why, trend, and (for a section) its teams."""

    indicator: Indicator
    figure: dict
    trend: list[dict]
    chart: Chart
    teams: list[TeamFigure]
    #: The conversation of the last four weeks with the teams shown (their comments,
    #: the leader's questions, the answers), with their team.
    threads: list[tuple[Team, Thread]] = field(default_factory=list)
    #: For one team: each week's comments, for the trend's table.
    weekly_threads: dict[date, list[Thread]] = field(default_factory=dict)


@dataclass(frozen=True)
class Dashboard:
    """The cards for a section or one of its teams on a reference day."""

    section: Section
    team: Team | None
    teams: list[Team]
    day: date
    window_days: int
    cards: list[Card]


def chosen_indicators(section: Section) -> list[Indicator]:
    """The section's dashboard indicators (at most six), in the order it chose them."""
    ids = settings_row(section).dashboard_indicators or list(DEFAULT_DASHBOARD)
    return [BY_ID[i] for i in ids if i in BY_ID]


def section_teams(section: Section) -> list[Team]:
    """The section's teams by name."""
    return list(db.session.scalars(
        sa.select(Team).where(Team.section_id == section.id).order_by(Team.name)))


def dashboard_for(actor: Staff, section: Section, team: Team | None, day: date) -> Dashboard:
    """The section's chosen indicators on ``day`` with weekly trends, suppressed for the
    viewer; never anything about one user. The caller has checked access to the section
    (or, for a team's own view, to the team) and that ``team`` belongs to it."""
    chosen = chosen_indicators(section)
    # A team's view asks for the team alone: its members may see it, not the section.
    asked = {"team_id": team.id} if team else {"section_id": section.id}
    # Leaders see the latest whole four-week period, and a trend of such periods.
    aggregates_only = suppressed_for(actor)
    live = indicators_for(actor, **asked, day=None if aggregates_only else day,
                          window_days=WINDOW_DAYS, today=day)
    figures = {f["id"]: f for f in live["indicators"]}
    by_team = {entry["team_id"]: {f["id"]: f for f in entry["indicators"]}
               for entry in live["teams"]}
    teams = section_teams(section)
    weeks = TREND_POINTS * (PERIOD_DAYS // 7 if aggregates_only else 1)
    dates = trend_dates(actor, day, weeks)
    trends = section_trends(actor, section, [i.id for i in chosen], weeks=weeks, today=day)
    scope = ("team", team.id) if team else ("section", section.id)
    readers = [t for t in ([team] if team else teams)
               if permits(actor, Action.VIEW, ReadingsOf(t))]
    threads = threads_for([t.id for t in readers], weeks=TREND_POINTS, today=day)
    talk = conversations([t.id for t in readers], days=CONVERSATION_DAYS, today=day)
    cards = []
    for indicator in chosen:
        trend = trends.get((*scope, indicator.id), [])
        cards.append(Card(
            indicator=indicator,
            figure=figures.get(indicator.id, {}),
            trend=trend, chart=trend_chart(trend, dates, indicator.kind,
                                           by_period=aggregates_only),
            teams=[] if team else [TeamFigure(t, by_team.get(t.id, {}).get(indicator.id, {}))
                                   for t in teams],
            threads=[(t, thread) for t in readers
                     for thread in talk.get((t.id, indicator.id), [])],
            weekly_threads={week: threads.get((team.id, indicator.id, week), [])
                            for week in dates} if team in readers else {}))
    return Dashboard(section, team, teams, live["date"], WINDOW_DAYS, cards)
