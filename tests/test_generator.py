"""The benchmark data generator: repeatable, realistic, and valid by the API's rules."""

from contextlib import contextmanager
from datetime import UTC, datetime

import click
import pytest
import sqlalchemy as sa
from sqlalchemy.orm import selectinload

from homecare.core.extensions import db
from homecare.core.national_id import parse_national_id
from homecare.core.timeutil import local_date_of, local_today
from homecare.decisions.models import Decision
from homecare.decisions.services import record_decision
from homecare.flags.services import user_flags
from homecare.generator.care import plan_users, record_rows
from homecare.generator.cli import generate
from homecare.generator.people import Ids, build_world
from homecare.generator.scale import TINY
from homecare.goals.models import CheckIn, Goal, GoalStatus
from homecare.goals.services import create_goal, record_check_in
from homecare.indicators.compute import compute
from homecare.org.models import Staff, Team
from homecare.sections.thresholds import DEFAULT_SETTINGS
from homecare.service_users.models import ServiceUser, TeamPeriod
from homecare.visits.models import Visit
from homecare.visits.services import build_visit
from homecare.what_matters.models import WhatMattersConversation
from homecare.what_matters.services import record_conversation

SCALE = TINY.but(users=150, months=2)


@pytest.fixture
def generated(app):
    return generate(SCALE)


def test_the_same_seed_and_day_give_the_same_world():
    today, now = datetime(2026, 3, 2).date(), datetime(2026, 3, 2, 12, tzinfo=UTC)

    def rows(seed):
        scale = SCALE.but(seed=seed)
        world = build_world(scale, today)
        return record_rows(world, scale, plan_users(world, scale), today, now, Ids(seed))

    assert rows(1) == rows(1)
    assert rows(1)["goals"] != rows(2)["goals"]


def test_every_table_is_filled_and_users_are_spread_over_the_teams(generated):
    assert all(count > 0 for count in generated.values()), generated
    assert generated["visits"] > 30 * SCALE.users
    per_team = db.session.execute(sa.select(ServiceUser.team_id, sa.func.count())
                                  .group_by(ServiceUser.team_id)).all()
    assert len(per_team) == SCALE.teams
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Team)) == SCALE.teams


def test_the_gaps_a_coordinator_should_find_are_there(generated):
    ids = list(db.session.scalars(sa.select(ServiceUser.id)))
    flags, _contacts = user_flags(ids, day=local_today())
    seen = {flag for user_flags_ in flags.values() for flag in user_flags_}
    assert {"no_responsible_contact", "what_matters_missing", "checkin_overdue",
            "contact_breach"} <= seen


def test_the_indicators_compute_on_the_generated_data(generated):
    team_ids = list(db.session.scalars(sa.select(Team.id)))
    result = compute(team_ids, local_today(), 28, DEFAULT_SETTINGS)
    assert result.total["contact_share"].n > 0
    assert 0 < result.total["contact_share"].value < 100


@contextmanager
def leaving_nothing_behind():
    """Copies made through the services inside are rolled back at the end."""
    nested = db.session.begin_nested()
    try:
        yield
    finally:
        nested.rollback()


def staff(staff_id):
    return db.session.get(Staff, staff_id)


def test_the_data_passes_the_same_validation_as_the_api(generated):
    today = local_today()
    for user in db.session.scalars(sa.select(ServiceUser)):
        parse_national_id(user.national_id, allow_synthetic=True, today=today)
    periods = db.session.execute(sa.select(
        TeamPeriod.service_user_id, TeamPeriod.team_id, TeamPeriod.valid_from,
        TeamPeriod.valid_to)).all()
    for visit in db.session.scalars(sa.select(Visit).options(
            selectinload(Visit.service_user), selectinload(Visit.staff).selectinload(Staff.teams))):
        # A visit is checked against the team the user was in when it was made.
        day = local_date_of(visit.planned_start)
        user = visit.service_user
        current = user.team_id
        user.team_id = next(team for who, team, start, end in periods if who == user.id
                            and start <= day and (end is None or day < end))
        with db.session.no_autoflush:
            build_visit(user=user, staff=visit.staff, created_by=visit.staff,
                        kind=visit.kind, planned_start=visit.planned_start,
                        planned_minutes=visit.planned_minutes, status=visit.status,
                        actual_start=visit.actual_start, actual_end=visit.actual_end)
        user.team_id = current
    goals, check_ins = (db.session.scalars(sa.select(Goal)).all(),
                        db.session.scalars(sa.select(CheckIn)).all())
    talks = db.session.scalars(sa.select(WhatMattersConversation)).all()
    decisions = db.session.scalars(sa.select(Decision)).all()
    with leaving_nothing_behind():
        for g in goals:
            create_goal(user=g.service_user, created_by=staff(g.created_by_id),
                        description=g.description, expressed_by=g.expressed_by,
                        start_date=g.start_date, checkin_interval_days=g.checkin_interval_days,
                        baseline_performance=g.baseline_performance,
                        baseline_satisfaction=g.baseline_satisfaction,
                        what_matters=db.session.get(WhatMattersConversation, g.what_matters_id))
        for c in check_ins:
            # Recorded while the goal was open: replayed against it as it was then.
            goal = c.goal
            assert goal.closed_on is None or c.date <= goal.closed_on
            status, closed_on = goal.status, goal.closed_on
            with db.session.no_autoflush:
                goal.status, goal.closed_on = GoalStatus.ACTIVE, None
                record_check_in(goal=goal, recorded_by=staff(c.recorded_by_id), date=c.date,
                                performance=c.performance, satisfaction=c.satisfaction,
                                note=c.note, got_expected_help=c.got_expected_help,
                                could_influence=c.could_influence, satisfied=c.satisfied)
                goal.status, goal.closed_on = status, closed_on
        for t in talks:
            record_conversation(user=t.service_user, recorded_by=staff(t.recorded_by_id),
                                asked_by=t.asked_by, conversation_date=t.conversation_date,
                                present=t.present, in_own_words=t.in_own_words,
                                spoken_for_by=t.spoken_for_by)
        for d in decisions:
            record_decision(user=d.service_user, created_by=staff(d.created_by_id),
                            decided_on=d.decided_on, participants=d.participants,
                            user_participated=d.user_participated,
                            goal_statement=d.goal_statement, services=d.services,
                            reasons=d.reasons, valid_from=d.valid_from, valid_to=d.valid_to,
                            review_on=d.review_on)


def test_an_existing_organisation_is_never_overwritten(app, org):
    from click.testing import CliRunner

    from homecare.generator.cli import generate_command

    before = db.session.scalar(sa.select(sa.func.count()).select_from(Staff))
    result = CliRunner().invoke(generate_command, ["--scale", "tiny"], obj=None,
                                standalone_mode=False, catch_exceptions=True)
    assert isinstance(result.exception, click.ClickException)
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Staff)) == before
