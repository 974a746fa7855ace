"""Goals in the user's own words, and check-ins."""

from datetime import timedelta

import pytest
import sqlalchemy as sa

from homecare.core.errors import ValidationFailed
from homecare.core.extensions import db
from homecare.core.timeutil import local_today
from homecare.goals.models import CheckIn, Goal, GoalStatus
from homecare.goals.services import change_goal_status, create_goal, record_check_in


def goal_for(org, **overrides):
    fields = dict(user=org.user_a1, created_by=org.staff_a1,
                  description="  Gå til Kiwi og hjem igjen med rullator  ",
                  expressed_by="user", start_date=local_today() - timedelta(days=30))
    fields.update(overrides)
    return create_goal(**fields)


def test_the_description_is_kept_verbatim(org):
    goal = goal_for(org)
    db.session.expire(goal)
    assert goal.description == "  Gå til Kiwi og hjem igjen med rullator  "
    assert goal.status is GoalStatus.ACTIVE and goal.checkin_interval_days == 28


@pytest.mark.parametrize(("overrides", "field"), [
    ({"description": "   "}, "description"),
    ({"description": "x" * 1001}, "description"),
    ({"expressed_by": "doctor"}, "expressed_by"),
    ({"checkin_interval_days": 6}, "checkin_interval_days"),
    ({"checkin_interval_days": 183}, "checkin_interval_days"),
    ({"baseline_performance": 0}, "baseline_performance"),
    ({"baseline_satisfaction": 11}, "baseline_satisfaction"),
    ({"status": "achieved"}, "status"),
])
def test_invalid_goals_are_refused(org, overrides, field):
    with pytest.raises(ValidationFailed) as error:
        goal_for(org, **overrides)
    assert field in error.value.errors
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Goal)) == 0


def test_closing_sets_closed_on_and_reopening_clears_it(org):
    goal = goal_for(org)
    change_goal_status(goal, "achieved", on=local_today())
    assert goal.closed_on == local_today()
    change_goal_status(goal, "on_hold")
    assert goal.closed_on is None and goal.status is GoalStatus.ON_HOLD


def test_the_database_keeps_status_and_closed_on_consistent(org):
    goal = goal_for(org)
    with pytest.raises(sa.exc.IntegrityError), db.session.begin_nested():
        db.session.execute(sa.update(Goal).where(Goal.id == goal.id)
                           .values(status="achieved"))


def test_a_check_in_records_the_users_own_evaluation(org):
    goal = goal_for(org)
    check_in = record_check_in(goal=goal, recorded_by=org.staff_a1, date=local_today(),
                               performance=6, satisfaction=7, got_expected_help="yes",
                               could_influence="partly", satisfied="not_asked")
    assert check_in.service_user_id == org.user_a1.id
    assert goal.check_ins == [check_in]


def test_invalid_check_ins_are_refused_whole(org):
    goal = goal_for(org)
    with pytest.raises(ValidationFailed) as error:
        record_check_in(goal=goal, recorded_by=org.staff_a1,
                        date=local_today() + timedelta(days=1), performance=11,
                        satisfaction=0, got_expected_help="maybe", could_influence="yes",
                        satisfied="no")
    assert set(error.value.errors) == {"date", "performance", "satisfaction",
                                       "got_expected_help"}
    assert db.session.scalar(sa.select(sa.func.count()).select_from(CheckIn)) == 0
