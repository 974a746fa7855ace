"""The demo loads the realistic picture the issue asks for, once; the CLI commands work."""

from datetime import timedelta

import sqlalchemy as sa

from homecare.core.extensions import db
from homecare.core.timeutil import local_today, utcnow
from homecare.decisions.models import Decision
from homecare.goals.models import CheckIn, Goal, GoalStatus
from homecare.org.models import Role, Section, Staff, Team
from homecare.service_users.models import ResponsibleContactAssignment, ServiceUser
from homecare.visits.models import Visit, VisitStatus
from homecare.what_matters.models import WhatMattersConversation


def count(model, *where):
    return db.session.scalar(sa.select(sa.func.count()).select_from(model).where(*where))


def scalar(query):
    return db.session.scalar(query)


def test_demo_loads_a_realistic_section_once(app):
    runner = app.test_cli_runner()
    result = runner.invoke(args=["demo"])
    assert result.exit_code == 0, result.output
    assert "Demo lastet" in result.output and "koordinator.bjolsen" in result.output
    today = local_today()

    assert count(Section) == 1
    team_sizes = db.session.execute(sa.select(Team.name, sa.func.count()).join(Team.members)
                                    .group_by(Team.name)).all()
    assert len(team_sizes) == 3 and all(8 <= size <= 12 for _name, size in team_sizes)
    professions = set(db.session.scalars(sa.select(Staff.profession).distinct()))
    assert len(professions - {None}) >= 5
    assert 110 <= count(ServiceUser) <= 130

    # Eight weeks of completed visits and planned ones ahead.
    first_visit = scalar(sa.select(sa.func.min(Visit.actual_start)))
    assert utcnow() - first_visit >= timedelta(days=54)
    assert count(Visit, Visit.status == VisitStatus.PLANNED, Visit.planned_start > utcnow()) > 0
    # Some visits repeat every week, and nobody is booked twice in the plan ahead.
    from itertools import pairwise

    from homecare.visits.models import VisitSeries

    assert count(VisitSeries) >= 3
    assert count(Visit, Visit.series_id.is_not(None)) >= 3 * 16
    ahead = db.session.execute(sa.select(Visit.staff_id, Visit.planned_start,
                                         Visit.planned_minutes)
                               .where(Visit.status == VisitStatus.PLANNED,
                                      Visit.planned_start > utcnow())
                               .order_by(Visit.staff_id, Visit.planned_start)).all()
    double = [(a, b) for a, b in pairwise(ahead) if a.staff_id == b.staff_id
              and b.planned_start < a.planned_start + timedelta(minutes=a.planned_minutes)]
    assert double == []

    # The gaps a coordinator should find.
    active_long = sa.and_(ServiceUser.service_start <= today - timedelta(days=3),
                          ServiceUser.service_end.is_(None))
    without_what_matters = count(ServiceUser, active_long, ~sa.exists().where(
        WhatMattersConversation.service_user_id == ServiceUser.id))
    assert without_what_matters >= 5
    no_contact = count(ServiceUser, ~sa.exists().where(
        ResponsibleContactAssignment.service_user_id == ServiceUser.id))
    assert no_contact >= 3
    caseloads = db.session.execute(
        sa.select(ResponsibleContactAssignment.staff_id, sa.func.count())
        .where(ResponsibleContactAssignment.valid_to.is_(None))
        .group_by(ResponsibleContactAssignment.staff_id)).all()
    assert max(n for _staff, n in caseloads) > 10  # one contact over the cap
    ended = ResponsibleContactAssignment.valid_to.is_not(None)
    assert count(ResponsibleContactAssignment, ended) > 0  # some contacts changed
    last_check_in = (sa.select(sa.func.max(CheckIn.date)).where(CheckIn.goal_id == Goal.id)
                     .scalar_subquery())
    overdue = count(Goal, Goal.status == GoalStatus.ACTIVE,
                    sa.func.coalesce(last_check_in, Goal.start_date)
                    < today - timedelta(days=28 + 7 + 14))
    assert overdue > 0
    assert count(Decision, Decision.review_on < today) > 0
    assert count(CheckIn, CheckIn.got_expected_help == "not_asked") > 0
    assert count(WhatMattersConversation, WhatMattersConversation.spoken_for_by.is_not(None)) > 0
    # Issue 30: closed goals with their history, decisions reviewed and one revised, and
    # no review left more than a month overdue.
    from homecare.decisions.models import DecisionReview, ReviewOutcome
    from homecare.goals.models import CLOSED_STATUSES, GoalStatusChange

    assert count(GoalStatusChange, GoalStatusChange.to_status.in_(CLOSED_STATUSES),
                 GoalStatusChange.reason.is_not(None)) > 0
    assert count(GoalStatusChange, GoalStatusChange.to_status == GoalStatus.ON_HOLD) > 0
    assert count(DecisionReview, DecisionReview.outcome == ReviewOutcome.NO_CHANGE) > 0
    assert count(Decision, Decision.supersedes_id.is_not(None)) > 0
    assert count(Decision, Decision.review_overdue_on(today),
                 Decision.review_on < today - timedelta(days=31)) == 0
    from homecare.indicators.models import IndicatorSnapshot

    weeks = db.session.scalars(sa.select(IndicatorSnapshot.date).distinct()).all()
    assert len(weeks) == 8 and all(week.weekday() == 0 for week in weeks)

    before = {model: count(model) for model in (ServiceUser, Visit, Goal, Staff)}
    again = runner.invoke(args=["demo"])
    assert again.exit_code == 0 and "allerede lastet" in again.output
    assert {model: count(model) for model in before} == before


def test_demo_if_empty_leaves_other_data_alone(app, org):
    result = app.test_cli_runner().invoke(args=["demo", "--if-empty"])
    assert result.exit_code == 0 and "ikke lastet" in result.output
    assert count(Section) == 2


def test_create_user_by_flags(app, org):
    result = app.test_cli_runner().invoke(args=[
        "create-user", "--username", "Nina.Nurse", "--password", "long-enough-password",
        "--role", "staff", "--full-name", "Nina Nurse", "--profession", "nurse",
        "--team", str(org.team_a1.id)])
    assert result.exit_code == 0, result.output
    staff = db.session.scalar(sa.select(Staff).where(Staff.username == "nina.nurse"))
    assert staff.role is Role.STAFF and staff.team_ids == {org.team_a1.id}
    assert staff.check_password("long-enough-password")
    assert staff.password_hash.startswith("scrypt:")


def test_create_user_refuses_bad_input_and_writes_nothing(app, org):
    before = count(Staff)
    result = app.test_cli_runner().invoke(args=[
        "create-user", "--username", "x", "--password", "short", "--role", "section_leader",
        "--full-name", "Bad"])
    assert result.exit_code == 1
    assert "username:" in result.output and "password:" in result.output
    assert "section_id:" in result.output
    assert count(Staff) == before


def test_create_user_prompts_for_what_is_missing(app, org):
    result = app.test_cli_runner().invoke(args=["create-user"], input="\n".join([
        "ada", "long-enough-password", "long-enough-password", "admin", "Ada Admin"]) + "\n")
    assert result.exit_code == 0, result.output
    assert db.session.scalar(sa.select(Staff.role).where(Staff.username == "ada")) is Role.ADMIN


def test_init_is_idempotent(app):
    result = app.test_cli_runner().invoke(args=["init"])
    assert result.exit_code == 0 and "oppdatert" in result.output
