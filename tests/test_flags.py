"""The per-user flags of INDICATORS.md, worked out by hand."""

from datetime import timedelta

import pytest

from homecare.core.timeutil import local_today, utcnow
from homecare.decisions.services import record_decision
from homecare.flags.rules import Flag, contact_flag
from homecare.flags.services import user_flags
from homecare.goals.services import change_goal_status, create_goal, record_check_in
from homecare.service_users.services import assign_responsible_contact
from homecare.visits.services import create_visit
from homecare.what_matters.services import record_conversation
from tests.factories import make_user


@pytest.mark.parametrize(("since", "flag"), [
    (0, None), (5, None), (6, Flag.CONTACT_DUE), (7, Flag.CONTACT_BREACH),
    (12, Flag.CONTACT_BREACH)])
def test_contact_flag_thresholds_for_n_7(since, flag):
    assert contact_flag(since, 7) == flag


def main_visit(org, user, staff, hours_ago):
    start = utcnow() - timedelta(hours=hours_ago)
    create_visit(user=user, staff=staff, created_by=org.coordinator_a1, kind="main",
                 planned_start=start, planned_minutes=30, status="completed",
                 actual_start=start, actual_end=start + timedelta(minutes=30))


def flags_of(user):
    return user_flags([user.id])[0][user.id]


def test_visits_since_the_contact_count_towards_due_and_breach(org):
    user = org.user_a1
    assign_responsible_contact(user, org.staff_a1, utcnow() - timedelta(days=20))
    main_visit(org, user, org.staff_a1, hours_ago=200)
    for hours in range(190, 130, -10):  # six main visits by someone else since then
        main_visit(org, user, org.coordinator_a1, hours_ago=hours)
    assert Flag.CONTACT_DUE in flags_of(user)
    main_visit(org, user, org.coordinator_a1, hours_ago=120)  # the seventh
    assert Flag.CONTACT_BREACH in flags_of(user)
    main_visit(org, user, org.staff_a1, hours_ago=100)  # the contact comes
    assert not {Flag.CONTACT_DUE, Flag.CONTACT_BREACH} & set(flags_of(user))


def test_without_a_contact_visit_the_count_starts_at_the_assignment(org):
    user = org.user_a1
    for hours in (300, 290, 280):  # before the assignment: not counted
        main_visit(org, user, org.coordinator_a1, hours_ago=hours)
    assign_responsible_contact(user, org.staff_a1, utcnow() - timedelta(hours=250))
    for hours in range(240, 180, -10):  # six after it
        main_visit(org, user, org.coordinator_a1, hours_ago=hours)
    assert Flag.CONTACT_DUE in flags_of(user)


def test_short_visits_do_not_count(org):
    user = org.user_a1
    assign_responsible_contact(user, org.staff_a1, utcnow() - timedelta(days=20))
    for hours in range(190, 100, -10):
        start = utcnow() - timedelta(hours=hours)
        create_visit(user=user, staff=org.coordinator_a1, created_by=org.coordinator_a1,
                     kind="short", planned_start=start, planned_minutes=15, status="completed",
                     actual_start=start, actual_end=start + timedelta(minutes=15))
    assert not {Flag.CONTACT_DUE, Flag.CONTACT_BREACH} & set(flags_of(user))


def test_decision_flags(org):
    today = local_today()
    old = make_user(org.team_a1, start=today - timedelta(days=14))
    new = make_user(org.team_a1, start=today - timedelta(days=13))
    assert Flag.DECISION_MISSING in flags_of(old)
    assert Flag.DECISION_MISSING not in flags_of(new)
    record_decision(user=old, created_by=org.coordinator_a1, decided_on=today - timedelta(days=10),
                    participants=[org.coordinator_a1], user_participated=True,
                    goal_statement="Mål", services="Tjenester", reasons="Grunner",
                    valid_from=today - timedelta(days=10), review_on=today - timedelta(days=1))
    flags = flags_of(old)
    assert Flag.DECISION_MISSING not in flags and Flag.DECISION_REVIEW_OVERDUE in flags


def test_what_matters_and_follow_up_flags(org):
    today = local_today()
    user = org.user_a1
    assert {Flag.WHAT_MATTERS_MISSING, Flag.NO_RESPONSIBLE_CONTACT} <= set(flags_of(user))
    record_conversation(user=user, recorded_by=org.staff_a1, conversation_date=today,
                        asked_by=org.staff_a1, present=["user"], in_own_words="Å gå tur")
    overdue = create_goal(user=user, created_by=org.staff_a1, description="Gå tur",
                          expressed_by="user", start_date=today - timedelta(days=36),
                          checkin_interval_days=28)  # due 8 days ago: past the grace
    flags = flags_of(user)
    assert Flag.WHAT_MATTERS_MISSING not in flags and Flag.CHECKIN_OVERDUE in flags
    record_check_in(goal=overdue, recorded_by=org.staff_a1, date=today,
                    got_expected_help="yes", could_influence="yes", satisfied="yes")
    assert not {Flag.CHECKIN_DUE, Flag.CHECKIN_OVERDUE} & set(flags_of(user))


def test_on_hold_and_closed_goals_raise_no_follow_up_flag(org):
    today = local_today()
    goal = create_goal(user=org.user_a1, created_by=org.staff_a1, description="Lage mat",
                       expressed_by="user", start_date=today - timedelta(days=60))
    change_goal_status(goal, "on_hold")
    assert Flag.CHECKIN_OVERDUE not in flags_of(org.user_a1)
    change_goal_status(goal, "achieved")
    assert Flag.CHECKIN_OVERDUE not in flags_of(org.user_a1)


def test_users_no_longer_active_have_no_flags(org):
    today = local_today()
    ended = make_user(org.team_a1, start=today - timedelta(days=40),
                      service_end=today - timedelta(days=1))
    assert user_flags([ended.id])[0] == {}


def test_staff_caseload_over_the_sections_cap(org, api_as):
    from homecare.flags.services import staff_caseloads
    from homecare.sections.services import update_settings

    for _ in range(3):
        assign_responsible_contact(make_user(org.team_a1), org.staff_a1,
                                   utcnow() - timedelta(days=1))
    found = staff_caseloads([org.staff_a1, org.coordinator_a1])
    assert found == {org.staff_a1.id: (3, 10), org.coordinator_a1.id: (0, 10)}
    assert not found[org.staff_a1.id].over_cap
    update_settings(org.section_a, caseload_cap=2)
    assert staff_caseloads([org.staff_a1])[org.staff_a1.id].over_cap
    listed = {s["id"]: s for s in api_as(org.coordinator_a1).get("/staff").json}
    assert listed[org.staff_a1.id]["caseload"] == 3
    assert listed[org.staff_a1.id]["caseload_over_cap"] is True
