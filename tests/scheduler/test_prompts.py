"""The stored record of prompts, with frozen time: raised on the due day, once, settled
and moved by the next run of the job (what the worklist shows is derived: see
tests/test_one_rule.py)."""

from datetime import date, datetime, time, timedelta

import sqlalchemy as sa
import time_machine

from homecare.core.extensions import db
from homecare.core.timeutil import local_zone
from homecare.goals.services import change_goal_status, create_goal, record_check_in
from homecare.prompts.models import Prompt, PromptKind
from homecare.scheduler.runner import run_job
from homecare.service_users.services import assign_responsible_contact
from homecare.what_matters.services import record_conversation
from tests.factories import make_user

START = date(2026, 3, 2)


def at(day: date, hour: int = 6):
    return time_machine.travel(datetime.combine(day, time(hour), tzinfo=local_zone()),
                               tick=False)


def prompts(kind=PromptKind.CHECKIN_DUE, open_only=False):
    query = sa.select(Prompt).where(Prompt.kind == kind).order_by(Prompt.due_date)
    if open_only:
        query = query.where(Prompt.resolved_at.is_(None))
    return db.session.scalars(query).all()


def a_goal(org, interval=14):
    with at(START):
        user = make_user(org.team_a1, start=START - timedelta(days=30))
        assign_responsible_contact(user, org.staff_a1)
        return create_goal(user=user, created_by=org.staff_a1, description="Gå til butikken",
                           expressed_by="user", start_date=START,
                           checkin_interval_days=interval)


def test_a_prompt_appears_on_the_due_day_not_before_and_only_once(app, org):
    goal = a_goal(org)
    due = START + timedelta(days=14)
    with at(due - timedelta(days=1)):
        run_job("checkin_prompts", due - timedelta(days=1))
    assert prompts() == []
    for day in (due, due, due + timedelta(days=1), due + timedelta(days=5)):
        with at(day):
            run_job("checkin_prompts", day)
    [prompt] = prompts()
    assert (prompt.goal_id, prompt.due_date, prompt.addressed_to_id) == (
        goal.id, due, org.staff_a1.id)


def test_a_check_in_resolves_the_prompt_and_the_next_falls_due_an_interval_later(app, org):
    goal = a_goal(org)
    due = START + timedelta(days=14)
    with at(due):
        run_job("checkin_prompts", due)
    answered = due + timedelta(days=2)
    with at(answered):
        record_check_in(goal=goal, recorded_by=org.staff_a1, date=answered,
                        got_expected_help="yes", could_influence="yes", satisfied="yes")
        run_job("checkin_prompts", answered)
    assert prompts(open_only=True) == []
    next_due = answered + timedelta(days=14)
    with at(next_due - timedelta(days=1)):
        run_job("checkin_prompts", next_due - timedelta(days=1))
    assert len(prompts()) == 1
    with at(next_due):
        run_job("checkin_prompts", next_due)
    assert [p.due_date for p in prompts(open_only=True)] == [next_due]


def test_closed_and_on_hold_goals_get_no_new_prompts(app, org):
    closed, held = a_goal(org), a_goal(org)
    due = START + timedelta(days=14)
    with at(due):
        run_job("checkin_prompts", due)
        assert len(prompts(open_only=True)) == 2
        change_goal_status(closed, "achieved")
        change_goal_status(held, "on_hold")
    later = due + timedelta(days=20)
    with at(later):
        run_job("checkin_prompts", later)
    assert prompts(open_only=True) == []
    assert len(prompts()) == 2


def test_a_new_responsible_contact_takes_over_open_prompts(app, org):
    goal = a_goal(org)
    due = START + timedelta(days=14)
    with at(due):
        run_job("checkin_prompts", due)
        assign_responsible_contact(goal.service_user, org.coordinator_a1)
        run_job("checkin_prompts", due, trigger="manual")
    db.session.expire_all()
    assert [p.addressed_to_id for p in prompts()] == [org.coordinator_a1.id]


def test_what_matters_reminders_three_days_in_and_resolved_by_the_conversation(app, org):
    with at(START):
        user = make_user(org.team_a1, start=START)
    with at(START + timedelta(days=2)):
        run_job("what_matters_reminders", START + timedelta(days=2))
    assert prompts(PromptKind.WHAT_MATTERS_MISSING) == []
    day = START + timedelta(days=3)
    with at(day):
        run_job("what_matters_reminders", day)
        assert len(prompts(PromptKind.WHAT_MATTERS_MISSING, open_only=True)) >= 1
        record_conversation(user=user, recorded_by=org.staff_a1, conversation_date=day,
                            asked_by=org.staff_a1, present=["user"], in_own_words="Å gå ut")
        run_job("what_matters_reminders", day, trigger="manual")
    mine = [p for p in prompts(PromptKind.WHAT_MATTERS_MISSING) if p.service_user_id == user.id]
    assert len(mine) == 1 and mine[0].resolved_at is not None


def test_decision_reminders_after_fourteen_days_and_for_overdue_reviews(app, org):
    """The 14-day rule holds whatever the service was expected to be at intake."""
    from homecare.decisions.services import record_decision

    with at(START):
        long_term = make_user(org.team_a1, start=START, service_type="long_term")
        short_term = make_user(org.team_a1, start=START, service_type="short_term")
    with at(START + timedelta(days=13)):
        run_job("decision_reminders", START + timedelta(days=13))
    assert prompts(PromptKind.DECISION_MISSING) == []
    day = START + timedelta(days=14)
    with at(day):
        run_job("decision_reminders", day)
        missing = prompts(PromptKind.DECISION_MISSING)
        assert {p.service_user_id for p in missing} == {long_term.id, short_term.id}
        assert {p.addressed_to_id for p in missing} == {None}  # the team decides
        record_decision(user=long_term, created_by=org.coordinator_a1, decided_on=day,
                        participants=[org.coordinator_a1], user_participated=True,
                        goal_statement="Mål", services="T", reasons="G", valid_from=day,
                        review_on=day + timedelta(days=7))
    with at(day + timedelta(days=7)):
        run_job("decision_reminders", day + timedelta(days=7))
    assert prompts(PromptKind.DECISION_REVIEW_OVERDUE) == []  # the review day itself
    review_day = day + timedelta(days=8)
    with at(review_day):
        run_job("decision_reminders", review_day)
    [review] = prompts(PromptKind.DECISION_REVIEW_OVERDUE)
    assert review.due_date == review_day and review.resolved_at is None
    db.session.expire_all()
    settled = {p.service_user_id: p.resolved_at for p in prompts(PromptKind.DECISION_MISSING)}
    assert settled[long_term.id] is not None and settled[short_term.id] is None


def test_the_sweep_resolves_only_the_answered_goals_prompt(app, org):
    answered, waiting = a_goal(org), a_goal(org)
    due = START + timedelta(days=14)
    with at(due):
        run_job("checkin_prompts", due)
        record_check_in(goal=answered, recorded_by=org.staff_a1, date=due,
                        got_expected_help="yes", could_influence="yes", satisfied="yes")
    later = due + timedelta(days=1)
    with at(later):
        run_job("checkin_prompts", later)
    assert [p.goal_id for p in prompts(open_only=True)] == [waiting.id]


def test_a_prompt_whose_due_date_moved_is_settled_and_raised_again_when_due(app, org):
    from homecare.goals.services import update_goal

    goal = a_goal(org, interval=14)
    due = START + timedelta(days=14)
    with at(due):
        run_job("checkin_prompts", due)
        update_goal(goal, checkin_interval_days=28)
        run_job("checkin_prompts", due, trigger="manual")
    assert prompts(open_only=True) == []
    later = START + timedelta(days=28)
    with at(later):
        run_job("checkin_prompts", later)
    assert [p.due_date for p in prompts(open_only=True)] == [later]
