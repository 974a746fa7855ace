"""The indicators' SQL, grouped by team: the database does the counting.

Every function takes the connection to read on, the scope's teams, the window and the
settings, and returns ``{family: {team_id: Parts}}``. Indicator families that read the
same rows share one statement (one pass over the scope's users, goals, check-ins or
visits). The number of statements is fixed; the data only makes them return
more or larger numbers. Each statement is built once, on the parameters of
``indicators.scope``, and bound to the call's values.
"""

from __future__ import annotations

import functools
from collections import defaultdict

import sqlalchemy as sa
from sqlalchemy.orm import aliased

from homecare.core.model_base import UTCDateTime
from homecare.core.sqlfunc import add_days
from homecare.decisions.models import Decision
from homecare.flags.rules import (
    active_goals_on,
    caseload_of,
    goal_next_due,
    needs_decision_on,
)
from homecare.goals.models import Answer, CheckIn, Goal
from homecare.indicators.intake import (
    intake_counted,
    intake_in_time,
    intake_values,
    referral_to_start,
)
from homecare.indicators.parts import Parts, group_of
from homecare.indicators.scope import (
    DAY,
    END_OF_DAY,
    ENDS,
    FIRST_DAY,
    STARTS,
    TEAMS,
    Window,
    active_on,
    users_in_teams,
)
from homecare.sections.thresholds import ControlSettings
from homecare.service_users.models import ResponsibleContactAssignment, TeamPeriod
from homecare.visits.contact_marks import ContactMark
from homecare.visits.continuity import FORTNIGHT_DAYS
from homecare.visits.models import Visit, VisitStatus
from homecare.what_matters.models import WhatMattersConversation

QUESTIONS = ("got_expected_help", "could_influence", "satisfied")
ANSWERS = (Answer.YES, Answer.PARTLY, Answer.NO)


def answer_key(question: str, answer: str) -> str:
    """The name under which the check-ins statement counts one answer to one question,
    and ``user_voice`` keeps it (e.g. ``satisfied_partly``)."""
    return f"{question}_{answer}"


#: Every answer count the check-ins statement returns.
ANSWER_KEYS = tuple(answer_key(q, a) for q in QUESTIONS for a in ANSWERS)
#: The section's N of the contact rule.
EVERY_N = sa.bindparam("contact_every_n", type_=sa.Integer())
#: The section's days of grace before a follow-up counts as late.
GRACE_DAYS = sa.bindparam("followup_grace_days", type_=sa.Integer())
#: The first instant of the 14 days that ``distinct_staff_14d`` reads.
FORTNIGHT_STARTS = sa.bindparam("fortnight_starts", type_=UTCDateTime())
#: Users count for ``what_matters_coverage`` once active this many days.
SETTLED_DAYS = 14


def _by_team(rows, build) -> dict[int, Parts]:
    """``{team_id: Parts}``: each row built into parts, and a team's rows added up."""
    per_team: dict[int, list[Parts]] = defaultdict(list)
    for row in rows:
        per_team[row.team_id].append(build(row))
    return {team_id: many[0] if len(many) == 1 else Parts.total(many)
            for team_id, many in per_team.items()}


def _by_team_and_group(rows, build) -> dict[int, Parts]:
    """As ``_by_team`` for rows grouped by team and ``needs_proxy``: each row's
    ``num``/``den`` is also kept under its equity group."""
    def with_group(row) -> Parts:
        parts = build(row)
        parts.groups = {group_of(row.needs_proxy): (parts.num, parts.den)}
        return parts
    return _by_team(rows, with_group)


def _count_if(condition) -> sa.ColumnElement[int]:
    """How many of the group's rows meet ``condition``."""
    return sa.func.sum(sa.case((condition, 1), else_=0))


def _found_for_each(*conditions) -> sa.ColumnElement[bool]:
    """Whether a row meets ``conditions`` (correlated to the scope's user), looked up
    for each user by index. ``EXISTS`` means the same, but in a select list PostgreSQL
    may answer it by hashing the whole table once: every conversation or contact period
    in the city, for one section's users (measured: bench/RESULTS.md, "Measurements
    behind the code")."""
    return sa.select(sa.literal(1)).where(*conditions).limit(1).scalar_subquery().is_not(None)


def _completed_between(starts, ends) -> sa.ColumnElement[bool]:
    """The visit was completed, and started in ``[starts, ends)``."""
    return sa.and_(Visit.status == VisitStatus.COMPLETED, Visit.actual_start >= starts,
                   Visit.actual_start < ends)


def _users_of_teams() -> sa.Select:
    """The ids of the users of ``TEAMS`` on D, by team history alone. Visits are
    filtered by it as a semi-join: their rows stay narrow, and the user's team and group
    are joined once per user after aggregating, which also leaves out deleted users.
    Reading the team periods only spares a scan of every user in the city."""
    return (sa.select(TeamPeriod.service_user_id)
            .where(TeamPeriod.team_id.in_(TEAMS), TeamPeriod.covers(DAY)))


def _per_user_to_team(per_user, users, *columns):
    """``per_user`` (one row per user) with its user's team and equity group."""
    return (sa.select(users.c.team_id, users.c.needs_proxy, *columns)
            .join(users, users.c.user_id == per_user.c.user_id))


def contact_continuity(connection, team_ids, window: Window,
                       settings: ControlSettings) -> dict[str, dict[int, Parts]]:
    """``contact_share`` and ``contact_rule`` from one pass over the main visits in W.

    Each completed main visit is kept marked with whether the contact at that instant
    made it, and the run without the contact it ends (``visits.contact_marks``). Per
    user, from the rows in W alone: the contact's share of the visits; the longest run
    without the contact, which is the largest ``since_made`` among runs that began in W,
    or the run that began before W and leads it, counted by its visits in W; and the
    number of visits (users with fewer than N are not counted for the rule). Both
    indicators read the same rows, so they share the query; both are split by the
    user's ``needs_proxy``.
    """
    rows = connection.execute(_contact_statement(), window.values(team_ids)
                              | {EVERY_N.key: settings.contact_every_n}).all()
    return {
        "contact_share": _by_team_and_group(
            rows, lambda r: Parts(num=float(r.share_num), den=r.share_den)),
        "contact_rule": _by_team_and_group(
            rows, lambda r: Parts(num=int(r.rule_num), den=int(r.rule_den))),
    }


@functools.cache
def _contact_statement() -> sa.Select:
    users = users_in_teams()
    visits = ContactMark.__table__
    began_in_window = visits.c.run_started_at >= STARTS
    per_user = (sa.select(visits.c.service_user_id.label("user_id"),
                          sa.func.max(sa.case((began_in_window, visits.c.since_made), else_=0))
                          .label("longest_begun"),
                          _count_if(~began_in_window).label("leading"),
                          sa.func.count().label("total"),
                          sa.func.sum(visits.c.made).label("by_contact"))
                .where(visits.c.actual_start >= STARTS, visits.c.actual_start < ENDS,
                       visits.c.service_user_id.in_(_users_of_teams()))
                .group_by(visits.c.service_user_id).subquery("per_user"))
    counted = per_user.c.total >= EVERY_N
    no_run_of_n = sa.and_(per_user.c.longest_begun < EVERY_N, per_user.c.leading < EVERY_N)
    share = sa.cast(per_user.c.by_contact, sa.Float) / sa.cast(per_user.c.total, sa.Float)
    return (_per_user_to_team(per_user, users,
                              sa.func.sum(share).label("share_num"),
                              sa.func.count().label("share_den"),
                              _count_if(sa.and_(counted, no_run_of_n)).label("rule_num"),
                              _count_if(counted).label("rule_den"))
            .group_by(users.c.team_id, users.c.needs_proxy))


def distinct_staff_14d(connection, team_ids, window: Window,
                       settings: ControlSettings) -> dict[str, dict[int, Parts]]:
    """Per user with a completed visit in the 14 days to D: how many different staff.

    The distinct (user, staff) pairs are counted per user (a hashable DISTINCT, where
    ``count(DISTINCT ...)`` would sort), and the database returns how many users met
    each number of faces, per team (a small histogram); the median is taken from it.
    """
    fortnight = Window(window.day, FORTNIGHT_DAYS)
    rows = connection.execute(_faces_statement(), window.values(team_ids)
                              | {FORTNIGHT_STARTS.key: fortnight.starts})
    return {"distinct_staff_14d": _by_team(
        rows, lambda r: Parts(den=r.users, values=[r.staff] * r.users))}


@functools.cache
def _faces_statement() -> sa.Select:
    users = users_in_teams()
    pairs = (sa.select(Visit.service_user_id.label("user_id"), Visit.staff_id).distinct()
             .where(_completed_between(FORTNIGHT_STARTS, ENDS),
                    Visit.service_user_id.in_(_users_of_teams()))
             .subquery("pairs"))
    per_user = (sa.select(pairs.c.user_id, sa.func.count().label("staff"))
                .group_by(pairs.c.user_id).subquery("per_user"))
    faces = (_per_user_to_team(per_user, users, per_user.c.staff).subquery("faces"))
    return (sa.select(faces.c.team_id, faces.c.staff, sa.func.count().label("users"))
            .group_by(faces.c.team_id, faces.c.staff))


def users_on_day(connection, team_ids, window: Window,
                 settings: ControlSettings) -> dict[str, dict[int, Parts]]:
    """The indicators counted over the scope's users, from one pass over them.

    - ``what_matters_coverage``: users active on D for 14 days or more, and how many have
      been asked by D (split by ``needs_proxy``).
    - ``users_without_contact``: users active on D with no responsible contact as D ends.
    - ``decision_coverage``: users active on D for 14 days or more with a decision in
      force on D; extra ``reviews_overdue`` counts decisions in force (of users active on
      D) whose review date has passed.
    - ``intake_on_time``: see ``homecare.indicators.intake``.
    """
    rows = connection.execute(_users_statement(window.days), window.values(team_ids)
                              | intake_values(window, settings)).all()
    return {
        "what_matters_coverage": _by_team_and_group(
            rows, lambda r: Parts(num=r.asked, den=r.settled)),
        "users_without_contact": _by_team(
            rows, lambda r: Parts(num=r.without_contact, den=r.active)),
        "decision_coverage": _by_team(
            rows, lambda r: Parts(num=r.decided, den=r.needs_decision,
                                  extra={"reviews_overdue": r.overdue or 0})),
        "intake_on_time": _by_team(rows, lambda r: Parts(num=r.intake_in_time, den=r.intake)),
    }


@functools.lru_cache(maxsize=8)
def _users_statement(window_days: int) -> sa.Select:
    """``users_on_day``'s statement; intake's deadlines make it one per window length."""
    users = users_in_teams()
    active = active_on(users, DAY)
    settled = sa.and_(active, users.c.service_start <= add_days(DAY, -SETTLED_DAYS))
    asked = _found_for_each(WhatMattersConversation.service_user_id == users.c.user_id,
                            WhatMattersConversation.conversation_date <= DAY)
    contact, covering = _contacts_at_end_of_day()
    has_contact = _found_for_each(contact.service_user_id == users.c.user_id, covering)
    in_force = sa.exists().where(Decision.service_user_id == users.c.user_id,
                                 Decision.in_force_on(DAY))
    overdue = (sa.select(sa.func.count()).where(Decision.service_user_id == users.c.user_id,
                                                Decision.review_overdue_on(DAY))
               .scalar_subquery())
    needs_decision = sa.and_(active, needs_decision_on(DAY, users.c.service_start))
    intake = intake_counted(users)
    return (sa.select(users.c.team_id, users.c.needs_proxy,
                      _count_if(sa.and_(settled, asked)).label("asked"),
                      _count_if(settled).label("settled"),
                      _count_if(sa.and_(active, ~has_contact)).label("without_contact"),
                      _count_if(active).label("active"),
                      _count_if(sa.and_(needs_decision, in_force)).label("decided"),
                      _count_if(needs_decision).label("needs_decision"),
                      sa.func.sum(sa.case((active, overdue), else_=0)).label("overdue"),
                      _count_if(sa.and_(intake, intake_in_time(users, window_days)))
                      .label("intake_in_time"),
                      _count_if(intake).label("intake"))
            .where(sa.or_(active, intake))
            .group_by(users.c.team_id, users.c.needs_proxy))


def goals_on_day(connection, team_ids, window: Window,
                 settings: ControlSettings) -> dict[str, dict[int, Parts]]:
    """The goal indicators from one pass over the scope's goals, split by ``needs_proxy``.

    - ``followups``: active goals on D and how many are up to date.
    - ``goal_progress``: goals with a baseline and a rated check-in by D; progressed when
      the latest rating is at least two points above the baseline. The latest rating is
      looked up per goal (a backward scan of the check-ins index on goal and date), so the
      cost follows the section asked for.
    """
    rows = connection.execute(_goals_statement(), window.values(team_ids)
                              | {GRACE_DAYS.key: settings.followup_grace_days}).all()
    return {
        "followups": _by_team_and_group(
            rows, lambda r: Parts(num=r.up_to_date, den=r.active)),
        "goal_progress": _by_team_and_group(
            rows, lambda r: Parts(num=r.progressed, den=r.rated)),
    }


@functools.cache
def _goals_statement() -> sa.Select:
    users = users_in_teams()
    active = active_goals_on(DAY)
    up_to_date = add_days(goal_next_due(DAY), GRACE_DAYS) >= DAY
    has_baseline = Goal.baseline_performance.is_not(None)
    latest = (sa.select(CheckIn.performance)
              .where(CheckIn.goal_id == Goal.id, CheckIn.performance.is_not(None),
                     CheckIn.date <= DAY)
              .order_by(CheckIn.date.desc(), CheckIn.created_at.desc(), CheckIn.id.desc())
              .limit(1).correlate(Goal).scalar_subquery())
    goals = (sa.select(users.c.team_id, users.c.needs_proxy,
                       sa.case((active, 1), else_=0).label("active"),
                       sa.case((sa.and_(active, up_to_date), 1), else_=0).label("up_to_date"),
                       Goal.baseline_performance.label("baseline"),
                       sa.case((has_baseline, latest)).label("latest"))
             .join(users, users.c.user_id == Goal.service_user_id)
             .where(sa.or_(active, has_baseline))
             # Materialized: the outer query names ``latest`` three times, and inlined,
             # the look-up ran once for each (bench/RESULTS.md, "Measurements ...").
             .cte("scope_goals").prefix_with("MATERIALIZED"))
    rated = goals.c.latest.is_not(None)
    return (sa.select(goals.c.team_id, goals.c.needs_proxy,
                      sa.func.sum(goals.c.up_to_date).label("up_to_date"),
                      sa.func.sum(goals.c.active).label("active"),
                      _count_if(sa.and_(rated, goals.c.latest >= goals.c.baseline + 2))
                      .label("progressed"),
                      _count_if(rated).label("rated"))
            .group_by(goals.c.team_id, goals.c.needs_proxy))


def check_ins_in_window(connection, team_ids, window: Window,
                        settings: ControlSettings) -> dict[str, dict[int, Parts]]:
    """The check-in indicators from one pass over the check-ins dated in W.

    - ``followups_done``: how many check-ins, for goals of the scope's users.
    - ``user_voice``: those where the user was asked at least one of the three questions,
      and the yes/partly/no counts of each question (split by ``needs_proxy``).
    """
    rows = connection.execute(_check_ins_statement(), window.values(team_ids)).all()
    return {
        "followups_done": _by_team(rows, lambda r: Parts(num=r.den, den=r.den)),
        "user_voice": _by_team_and_group(
            rows, lambda r: Parts(num=r.num, den=r.den,
                                  extra={k: getattr(r, k) for k in ANSWER_KEYS})),
    }


@functools.cache
def _check_ins_statement() -> sa.Select:
    users = users_in_teams()
    asked = sa.or_(*(getattr(CheckIn, q) != Answer.NOT_ASKED for q in QUESTIONS))
    answers = [_count_if(getattr(CheckIn, q) == a).label(answer_key(q, a))
               for q in QUESTIONS for a in ANSWERS]
    return (sa.select(users.c.team_id, users.c.needs_proxy, _count_if(asked).label("num"),
                      sa.func.count().label("den"), *answers)
            .select_from(CheckIn).join(Goal, Goal.id == CheckIn.goal_id)
            .join(users, users.c.user_id == Goal.service_user_id)
            .where(CheckIn.date >= FIRST_DAY, CheckIn.date <= DAY)
            .group_by(users.c.team_id, users.c.needs_proxy))


def _contacts_at_end_of_day():
    contact = aliased(ResponsibleContactAssignment)
    return contact, contact.covers(END_OF_DAY)


def caseloads(connection, team_ids, window: Window, settings) -> dict[str, dict[int, Parts]]:
    """Staff who are responsible contact of a scope user active on D, each with their
    whole caseload of users active on D (the cap is about the person, not the team)."""
    rows = connection.execute(_caseloads_statement(), window.values(team_ids))
    loads: dict[int, dict[int, int]] = defaultdict(dict)
    for row in rows:
        loads[row.team_id][row.staff_id] = row.caseload
    return {"caseloads": {team_id: Parts(staff=staff) for team_id, staff in loads.items()}}


@functools.cache
def _caseloads_statement() -> sa.Select:
    users = users_in_teams()
    contact, covering = _contacts_at_end_of_day()
    in_scope = (sa.select(users.c.team_id, contact.staff_id).distinct()
                .join(users, users.c.user_id == contact.service_user_id)
                .where(covering, active_on(users, DAY)).subquery("in_scope"))
    return sa.select(in_scope.c.team_id, in_scope.c.staff_id,
                     caseload_of(in_scope.c.staff_id, END_OF_DAY, DAY).label("caseload"))


#: The queries, each run once per scope. Each answers one or more indicator families as
#: ``{family: {team_id: Parts}}``; a shared query answers several from one pass over the
#: same rows. On PostgreSQL the two lanes run side by side (``compute``), so they are
#: split for about equal time (bench/RESULTS.md, "Measurements behind the code").
LANES = (
    (distinct_staff_14d, contact_continuity, check_ins_in_window),
    (users_on_day, goals_on_day, caseloads, referral_to_start),
)
