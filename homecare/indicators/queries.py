"""One SQL query per indicator, grouped by team: the database does the counting.

Every function takes the scope's teams, the window and the settings, and returns
``{team_id: Parts}``. The number of statements is fixed; the data only makes them
return more or larger numbers.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import replace
from datetime import timedelta

import sqlalchemy as sa
from sqlalchemy.orm import aliased

from homecare.core.sqlfunc import add_days
from homecare.decisions.models import Decision
from homecare.extensions import db
from homecare.flags.rules import (
    active_goals_on,
    caseloads_at,
    decision_in_force_on,
    goal_next_due,
    needs_decision_on,
)
from homecare.flags.settings import ControlSettings
from homecare.goals.models import Answer, CheckIn, Goal
from homecare.indicators.parts import Parts, group_of
from homecare.indicators.scope import Window, active_on, users_in_teams
from homecare.intake.indicators import intake_on_time, referral_to_start
from homecare.service_users.models import ResponsibleContactAssignment
from homecare.visits.models import Visit, VisitKind, VisitStatus
from homecare.what_matters.models import WhatMattersConversation

QUESTIONS = ("got_expected_help", "could_influence", "satisfied")


def _by_team(rows, build) -> dict[int, Parts]:
    result: dict[int, Parts] = defaultdict(Parts)
    for row in rows:
        result[row.team_id] = result[row.team_id] + build(row)
    return result


def _by_team_and_group(rows, build) -> dict[int, Parts]:
    """As ``_by_team`` for rows grouped by team and ``needs_proxy``: each row's
    ``num``/``den`` is also kept under its equity group."""
    def with_group(row) -> Parts:
        parts = build(row)
        return replace(parts, groups={group_of(row.needs_proxy): (parts.num, parts.den)})
    return _by_team(rows, with_group)


def _completed(visit, kind: VisitKind | None, starts, ends) -> sa.ColumnElement[bool]:
    conditions = [visit.status == VisitStatus.COMPLETED, visit.actual_start >= starts,
                  visit.actual_start < ends]
    if kind is not None:
        conditions.append(visit.kind == kind)
    return sa.and_(*conditions)


def _main_visits_with_contact(team_ids, window: Window):
    """Completed main visits in W with whether the contact at that instant made them."""
    users = users_in_teams(window.day, team_ids)
    contact = ResponsibleContactAssignment
    by_contact = sa.case((contact.staff_id == Visit.staff_id, 1), else_=0)
    return (
        sa.select(users.c.team_id, users.c.needs_proxy, Visit.service_user_id.label("user_id"),
                  Visit.actual_start, Visit.id.label("visit_id"),
                  by_contact.label("by_contact"))
        .join(users, users.c.user_id == Visit.service_user_id)
        .outerjoin(contact, sa.and_(contact.service_user_id == Visit.service_user_id,
                                    contact.covers(Visit.actual_start)))
        .where(_completed(Visit, VisitKind.MAIN, window.starts, window.ends))
        .subquery("main_visits")
    )


def contact_continuity(team_ids, window: Window,
                       settings: ControlSettings) -> dict[str, dict[int, Parts]]:
    """``contact_share`` and ``contact_rule`` from one pass over the main visits in W.

    Per user, the visits are numbered into islands that each begin with a visit by the
    contact (a running sum, in order of actual start); the visits without the contact in
    an island are one run. From the islands: the contact's share of the user's visits,
    the longest run, and the number of visits (users with fewer than N are not counted
    for the rule). Both indicators read the same rows, so they share the query; both are
    split by the user's ``needs_proxy``.
    """
    visits = _main_visits_with_contact(team_ids, window)
    numbered = sa.select(
        visits.c.team_id, visits.c.needs_proxy, visits.c.user_id, visits.c.by_contact,
        sa.func.sum(visits.c.by_contact).over(
            partition_by=visits.c.user_id, order_by=(visits.c.actual_start, visits.c.visit_id))
        .label("island"),
    ).subquery()
    islands = (sa.select(numbered.c.team_id, numbered.c.needs_proxy, numbered.c.user_id,
                         sa.func.sum(1 - numbered.c.by_contact).label("run"),
                         sa.func.sum(numbered.c.by_contact).label("by_contact"),
                         sa.func.count().label("size"))
               .group_by(numbered.c.team_id, numbered.c.needs_proxy, numbered.c.user_id,
                         numbered.c.island).subquery())
    per_user = (sa.select(islands.c.team_id, islands.c.needs_proxy,
                          sa.func.max(islands.c.run).label("longest"),
                          sa.func.sum(islands.c.size).label("total"),
                          sa.func.sum(islands.c.by_contact).label("by_contact"))
                .group_by(islands.c.team_id, islands.c.needs_proxy, islands.c.user_id)
                .subquery())
    every_n = settings.contact_every_n
    counted = per_user.c.total >= every_n
    share = sa.cast(per_user.c.by_contact, sa.Float) / sa.cast(per_user.c.total, sa.Float)
    rows = db.session.execute(
        sa.select(per_user.c.team_id, per_user.c.needs_proxy,
                  sa.func.sum(share).label("share_num"),
                  sa.func.count().label("share_den"),
                  sa.func.sum(sa.case((sa.and_(counted, per_user.c.longest < every_n), 1),
                                      else_=0)).label("rule_num"),
                  sa.func.sum(sa.case((counted, 1), else_=0)).label("rule_den"))
        .group_by(per_user.c.team_id, per_user.c.needs_proxy)).all()
    return {
        "contact_share": _by_team_and_group(
            rows, lambda r: Parts(num=float(r.share_num), den=r.share_den)),
        "contact_rule": _by_team_and_group(
            rows, lambda r: Parts(num=int(r.rule_num), den=int(r.rule_den))),
    }


def distinct_staff_14d(team_ids, window: Window, settings: ControlSettings) -> dict[int, Parts]:
    """Per user with a completed visit in the 14 days to D: how many different staff.

    The database returns how many users met each number of faces, per team (a small
    histogram), rather than one row per user; the median is taken from it.
    """
    users = users_in_teams(window.day, team_ids)
    fortnight = Window(window.day, 14)
    per_user = (sa.select(users.c.team_id,
                          sa.func.count(sa.distinct(Visit.staff_id)).label("staff"))
                .join(users, users.c.user_id == Visit.service_user_id)
                .where(_completed(Visit, None, fortnight.starts, fortnight.ends))
                .group_by(users.c.team_id, Visit.service_user_id).subquery())
    rows = db.session.execute(
        sa.select(per_user.c.team_id, per_user.c.staff, sa.func.count().label("users"))
        .group_by(per_user.c.team_id, per_user.c.staff))
    return _by_team(rows, lambda r: Parts(den=r.users, values=[r.staff] * r.users))


def what_matters_coverage(team_ids, window: Window, settings) -> dict[int, Parts]:
    """Users active on D for 14 days or more, and how many have been asked by D (split by
    ``needs_proxy``)."""
    users = users_in_teams(window.day, team_ids)
    asked = sa.exists().where(WhatMattersConversation.service_user_id == users.c.user_id,
                              WhatMattersConversation.conversation_date <= window.day)
    rows = db.session.execute(
        sa.select(users.c.team_id, users.c.needs_proxy,
                  sa.func.sum(sa.case((asked, 1), else_=0)).label("num"),
                  sa.func.count().label("den"))
        .where(active_on(users, window.day),
               users.c.service_start <= window.day - timedelta(days=14))
        .group_by(users.c.team_id, users.c.needs_proxy))
    return _by_team_and_group(rows, lambda r: Parts(num=r.num, den=r.den))


def followups(team_ids, window: Window, settings: ControlSettings) -> dict[int, Parts]:
    """Active goals on D and how many are up to date, split by the user's ``needs_proxy``."""
    users = users_in_teams(window.day, team_ids)
    next_due = goal_next_due(window.day)
    up_to_date = sa.literal(window.day, sa.Date) <= add_days(next_due,
                                                             settings.followup_grace_days)
    rows = db.session.execute(
        sa.select(users.c.team_id, users.c.needs_proxy,
                  sa.func.sum(sa.case((up_to_date, 1), else_=0)).label("num"),
                  sa.func.count().label("den"))
        .join(users, users.c.user_id == Goal.service_user_id)
        .where(active_goals_on(window.day))
        .group_by(users.c.team_id, users.c.needs_proxy))
    return _by_team_and_group(rows, lambda r: Parts(num=r.num, den=r.den))


def followups_done(team_ids, window: Window, settings) -> dict[int, Parts]:
    """Check-ins dated in W for goals of the scope's users."""
    users = users_in_teams(window.day, team_ids)
    rows = db.session.execute(
        sa.select(users.c.team_id, sa.func.count().label("num"))
        .select_from(CheckIn).join(Goal, Goal.id == CheckIn.goal_id)
        .join(users, users.c.user_id == Goal.service_user_id)
        .where(CheckIn.date >= window.first_day, CheckIn.date <= window.day)
        .group_by(users.c.team_id))
    return _by_team(rows, lambda r: Parts(num=r.num, den=r.num))


def user_voice(team_ids, window: Window, settings) -> dict[int, Parts]:
    """Check-ins in W where the user was asked at least one of the three questions, and
    the yes/partly/no counts of each question (split by ``needs_proxy``)."""
    users = users_in_teams(window.day, team_ids)
    asked = sa.or_(*(getattr(CheckIn, q) != Answer.NOT_ASKED for q in QUESTIONS))
    answers = [sa.func.sum(sa.case((getattr(CheckIn, q) == a, 1), else_=0)).label(f"{q}_{a}")
               for q in QUESTIONS for a in (Answer.YES, Answer.PARTLY, Answer.NO)]
    rows = db.session.execute(
        sa.select(users.c.team_id, users.c.needs_proxy,
                  sa.func.sum(sa.case((asked, 1), else_=0)).label("num"),
                  sa.func.count().label("den"), *answers)
        .select_from(CheckIn).join(Goal, Goal.id == CheckIn.goal_id)
        .join(users, users.c.user_id == Goal.service_user_id)
        .where(CheckIn.date >= window.first_day, CheckIn.date <= window.day)
        .group_by(users.c.team_id, users.c.needs_proxy))
    keys = [f"{q}_{a}" for q in QUESTIONS for a in (Answer.YES, Answer.PARTLY, Answer.NO)]
    return _by_team_and_group(rows, lambda r: Parts(num=r.num, den=r.den,
                                          extra={k: getattr(r, k) for k in keys}))


def goal_progress(team_ids, window: Window, settings) -> dict[int, Parts]:
    """Goals with a baseline and a rated check-in by D; progressed when the latest rating
    is at least two points above the baseline.

    The latest rating is looked up per goal of the scope (a backward scan of the
    check-ins index on goal and date), so the cost follows the section asked for. Split
    by ``needs_proxy``.
    """
    users = users_in_teams(window.day, team_ids)
    latest = (sa.select(CheckIn.performance)
              .where(CheckIn.goal_id == Goal.id, CheckIn.performance.is_not(None),
                     CheckIn.date <= window.day)
              .order_by(CheckIn.date.desc(), CheckIn.created_at.desc(), CheckIn.id.desc())
              .limit(1).correlate(Goal).scalar_subquery())
    rated = (sa.select(users.c.team_id, users.c.needs_proxy, Goal.baseline_performance,
                       latest.label("latest"))
             .join(users, users.c.user_id == Goal.service_user_id)
             .where(Goal.baseline_performance.is_not(None)).subquery())
    progressed = rated.c.latest >= rated.c.baseline_performance + 2
    rows = db.session.execute(
        sa.select(rated.c.team_id, rated.c.needs_proxy,
                  sa.func.sum(sa.case((progressed, 1), else_=0)).label("num"),
                  sa.func.count().label("den"))
        .where(rated.c.latest.is_not(None))
        .group_by(rated.c.team_id, rated.c.needs_proxy))
    return _by_team_and_group(rows, lambda r: Parts(num=r.num, den=r.den))


def _contacts_at_end_of(window: Window):
    contact = aliased(ResponsibleContactAssignment)
    return contact, contact.covers(window.end_of_day)


def caseloads(team_ids, window: Window, settings) -> dict[int, Parts]:
    """Staff who are responsible contact of a scope user active on D, each with their
    whole caseload of users active on D (the cap is about the person, not the team)."""
    users = users_in_teams(window.day, team_ids)
    contact, covering = _contacts_at_end_of(window)
    totals = caseloads_at(window.end_of_day, window.day)
    in_scope = (sa.select(users.c.team_id, contact.staff_id).distinct()
                .join(users, users.c.user_id == contact.service_user_id)
                .where(covering, active_on(users, window.day)).subquery())
    rows = db.session.execute(
        sa.select(in_scope.c.team_id, in_scope.c.staff_id, totals.c.caseload)
        .join(totals, totals.c.staff_id == in_scope.c.staff_id))
    return _by_team(rows, lambda r: Parts(staff={r.staff_id: r.caseload}))


def users_without_contact(team_ids, window: Window, settings) -> dict[int, Parts]:
    """Users active on D with no responsible contact as D ends."""
    users = users_in_teams(window.day, team_ids)
    contact, covering = _contacts_at_end_of(window)
    has_contact = sa.exists().where(contact.service_user_id == users.c.user_id, covering)
    rows = db.session.execute(
        sa.select(users.c.team_id, sa.func.sum(sa.case((has_contact, 0), else_=1)).label("num"),
                  sa.func.count().label("den"))
        .where(active_on(users, window.day)).group_by(users.c.team_id))
    return _by_team(rows, lambda r: Parts(num=r.num, den=r.den))


def decision_coverage(team_ids, window: Window, settings) -> dict[int, Parts]:
    """Users active on D for 14 days or more with a decision in force on D; extra
    ``reviews_overdue`` counts decisions in force whose review date has passed."""
    users = users_in_teams(window.day, team_ids)
    day = window.day
    in_force = sa.exists().where(Decision.service_user_id == users.c.user_id,
                                 decision_in_force_on(day))
    overdue = (sa.select(sa.func.count()).where(Decision.service_user_id == users.c.user_id,
                                                decision_in_force_on(day),
                                                Decision.review_on < day)
               .scalar_subquery())
    counted = needs_decision_on(day, users.c.service_start)
    rows = db.session.execute(
        sa.select(users.c.team_id,
                  sa.func.sum(sa.case((sa.and_(counted, in_force), 1), else_=0)).label("num"),
                  sa.func.sum(sa.case((counted, 1), else_=0)).label("den"),
                  sa.func.sum(overdue).label("overdue"))
        .where(active_on(users, day)).group_by(users.c.team_id))
    return _by_team(rows, lambda r: Parts(num=r.num or 0, den=r.den or 0,
                                          extra={"reviews_overdue": r.overdue or 0}))


#: The queries, each run once per scope (followups feeds three indicators).
#: Queries that answer more than one indicator family at once.
SHARED_QUERIES = (contact_continuity,)
QUERIES = {
    "distinct_staff_14d": distinct_staff_14d,
    "what_matters_coverage": what_matters_coverage,
    "followups": followups,
    "followups_done": followups_done,
    "user_voice": user_voice,
    "goal_progress": goal_progress,
    "caseloads": caseloads,
    "users_without_contact": users_without_contact,
    "decision_coverage": decision_coverage,
    "intake_on_time": intake_on_time,
    "referral_to_start": referral_to_start,
}
