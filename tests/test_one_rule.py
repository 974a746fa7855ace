"""Rules that once lived in two places and disagreed: each asked through the API and the
pages, which must give the same answer."""

from datetime import timedelta

import pytest
import sqlalchemy as sa
import time_machine

from homecare.core.extensions import db
from homecare.core.timeutil import local_today, utcnow
from homecare.sections.services import update_settings
from homecare.service_users.models import ResponsibleContactAssignment
from homecare.service_users.services import assign_responsible_contact
from tests.factories import make_staff, make_user
from tests.helpers import INTAKE, post_form, sign_in

# --- The caseload cap ---------------------------------------------------------------


def test_the_caseload_cap_is_the_persons_in_the_api_and_on_the_contact_page(api_as, client,
                                                                            org):
    """Someone working in two sections is held to the stricter cap, wherever it is shown."""
    both = make_staff(teams=[org.team_a1, org.team_b1], username="both.ab")
    update_settings(org.section_b, caseload_cap=2)
    for _ in range(2):
        assign_responsible_contact(make_user(org.team_a1), both, utcnow() - timedelta(days=1))
    listed = {s["id"]: s for s in api_as(org.coordinator_a1).get("/staff").json}
    assert (listed[both.id]["caseload"], listed[both.id]["caseload_over_cap"]) == (2, False)
    sign_in(client, "coord.a1")
    page = client.get(f"/users/{org.user_a1.id}/contact").text
    candidate = page[page.index("Test both.ab"):].split("</label>")[0]
    assert "Ville vært over grensen på 2" in candidate
    assign_responsible_contact(make_user(org.team_a1), both, utcnow() - timedelta(days=1))
    listed = {s["id"]: s for s in api_as(org.coordinator_a1).get("/staff").json}
    assert listed[both.id]["caseload_over_cap"] is True


# --- Which contact covers a moment ----------------------------------------------------

@pytest.mark.parametrize(("offset", "covered"), [
    (timedelta(seconds=-1), False), (timedelta(0), True), (timedelta(hours=5), True),
    (timedelta(days=1) - timedelta(microseconds=1), True), (timedelta(days=1), False)])
def test_covers_means_the_same_in_python_and_in_sql(org, offset, covered):
    start = utcnow().replace(microsecond=0) - timedelta(days=3)
    assignment = ResponsibleContactAssignment(
        service_user_id=org.user_a1.id, staff_id=org.staff_a1.id, valid_from=start,
        valid_to=start + timedelta(days=1))
    db.session.add(assignment)
    db.session.flush()
    moment = start + offset
    in_sql = db.session.scalar(sa.select(ResponsibleContactAssignment.covers(moment)).where(
        ResponsibleContactAssignment.id == assignment.id))
    assert bool(in_sql) is assignment.covers(moment) is covered


# --- Follow-up prompts agree with the goal's flag -----------------------------------

def a_goal_due(org, interval=14, started_days_ago=20):
    """staff.a1's user with a goal whose follow-up fell due ``started - interval`` ago,
    after the daily job has recorded the prompt."""
    from homecare.goals.services import create_goal
    from homecare.scheduler.runner import run_job

    today = local_today()
    user = make_user(org.team_a1, full_name="Astrid Berg", start=today - timedelta(days=40))
    assign_responsible_contact(user, org.staff_a1, utcnow() - timedelta(days=30))
    goal = create_goal(user=user, created_by=org.staff_a1, description="Gå til butikken",
                       expressed_by="user", start_date=today - timedelta(days=started_days_ago),
                       checkin_interval_days=interval)
    run_job("checkin_prompts", today)
    return goal


def worklist_goals(api_as, who) -> list[str]:
    return [d["goal_id"] for d in api_as(who).get("/worklist").json["checkins_due"]]


def test_a_longer_interval_takes_the_follow_up_off_the_worklist_and_the_page(api_as, client,
                                                                           org):
    goal = a_goal_due(org)
    staff = api_as(org.staff_a1)
    assert worklist_goals(api_as, org.staff_a1) == [str(goal.id)]
    read = staff.get(f"/goals/{goal.id}")
    assert read.json["flag"] == "checkin_due"
    changed = staff.patch(f"/goals/{goal.id}", json={"checkin_interval_days": 28},
                          headers={"If-Match": read.headers["ETag"]})
    assert changed.status_code == 200 and changed.json["flag"] is None
    assert worklist_goals(api_as, org.staff_a1) == []
    sign_in(client, "staff.a1")
    assert f"/goals/{goal.id}/check-in" not in client.get("/today").text


def test_a_goal_on_hold_or_followed_up_early_has_no_prompt(api_as, client, org):
    from homecare.goals.services import change_goal_status, record_check_in

    held = a_goal_due(org)
    early = a_goal_due(org, interval=28, started_days_ago=25)  # due in three days
    change_goal_status(held, "on_hold")
    record_check_in(goal=early, recorded_by=org.staff_a1, date=local_today(),
                    got_expected_help="yes", could_influence="yes", satisfied="yes")
    with time_machine.travel(utcnow() + timedelta(days=4), tick=False):
        assert worklist_goals(api_as, org.staff_a1) == []
        assert api_as(org.staff_a1).get(f"/goals/{early.id}").json["flag"] is None
        sign_in(client, "staff.a1")
        page = client.get("/today").text
    assert f"/goals/{held.id}/check-in" not in page
    assert f"/goals/{early.id}/check-in" not in page


# --- Every kind of reminder reaches someone, with what to do ------------------------

def a_user_needing_everything(org, *, service_type="long_term"):
    """Twenty days in: no what-matters conversation and no decision; contact staff.a1."""
    user = make_user(org.team_a1, full_name="Per Hansen", service_type=service_type,
                     start=local_today() - timedelta(days=20))
    assign_responsible_contact(user, org.staff_a1, utcnow() - timedelta(days=19))
    return user


def prompts_of(api_as, who, user) -> dict[str, str]:
    """Kind -> link of the caller's prompts about ``user``."""
    return {p["kind"]: p["link"] for p in api_as(who).get("/worklist").json["prompts"]
            if p["service_user"]["id"] == str(user.id)}


def test_what_matters_reminders_reach_the_contact_in_the_api_and_on_the_page(api_as, client,
                                                                           org):
    user = a_user_needing_everything(org)
    link = f"/users/{user.id}/what-matters/new"
    assert prompts_of(api_as, org.staff_a1, user) == {"what_matters_missing": link}
    sign_in(client, "staff.a1")
    today = client.get("/today").text
    asked = today[today.index('id="asked-heading"'):]
    assert "Per Hansen" in asked and "badge warn" in asked.split("</li>")[0]


@pytest.mark.parametrize("service_type", ["long_term", "short_term"])
def test_decisions_missing_after_fourteen_days_agree_in_flag_prompt_and_pages(
        api_as, client, org, service_type):
    user = a_user_needing_everything(org, service_type=service_type)
    coordinator = api_as(org.coordinator_a1)
    assert "decision_missing" in coordinator.get(f"/service-users/{user.id}").json["flags"]
    link = f"/users/{user.id}/decisions/new"
    assert prompts_of(api_as, org.coordinator_a1, user)["decision_missing"] == link
    assert "decision_missing" not in prompts_of(api_as, org.staff_a1, user)  # the team's
    sign_in(client, "coord.a1")
    assert link in client.get("/today").text
    assert link in client.get(f"/teams/{org.team_a1.id}/board").text


def test_an_overdue_review_reaches_the_coordinators(api_as, client, org):
    from homecare.decisions.services import record_decision

    user = a_user_needing_everything(org)
    today = local_today()
    decision = record_decision(
        user=user, created_by=org.coordinator_a1, decided_on=today - timedelta(days=10),
        participants=[org.coordinator_a1], user_participated=True, goal_statement="Mål",
        services="T", reasons="G", valid_from=today - timedelta(days=10),
        review_on=today - timedelta(days=1))
    found = prompts_of(api_as, org.coordinator_a1, user)
    assert "decision_missing" not in found
    # The decision's own page, where it is kept as it is, revised or ended (issue 30).
    assert found["decision_review_overdue"] == f"/decisions/{decision.id}"
    sign_in(client, "coord.a1")
    board = client.get(f"/teams/{org.team_a1.id}/board").text
    assert "Evaluer teambeslutningen sammen med brukeren" in board


# --- One range, one message ---------------------------------------------------------

def test_a_threshold_out_of_range_says_the_same_in_the_api_and_on_the_page(api_as, client,
                                                                          org):
    answer = api_as(org.leader_a).put(f"/sections/{org.section_a.id}/settings",
                                      json={"caseload_cap": 0})
    [message] = answer.json["errors"]["json"]["caseload_cap"]
    assert answer.status_code == 422 and message == "Må være fra 1 til 100."
    sign_in(client, "leader.a")
    page = post_form(client, f"/sections/{org.section_a.id}/settings", {
        "dashboard_indicators": ["contact_share"], "contact_every_n": "7",
        "caseload_cap": "0", "followup_grace_days": "7", **INTAKE})
    assert page.status_code == 422 and message in page.text


def test_a_planned_duration_out_of_range_says_the_same_in_the_api_and_on_the_page(
        api_as, client, org):
    body = {"service_user_id": str(org.user_a1.id), "staff_id": org.staff_a1.id,
            "kind": "main", "planned_start": (utcnow() + timedelta(days=1)).isoformat(),
            "planned_minutes": 1441}
    answer = api_as(org.coordinator_a1).post("/visits", json=body)
    [message] = answer.json["errors"]["json"]["planned_minutes"]
    assert message == "Planlagt varighet er 1 til 1440 minutter."
    sign_in(client, "coord.a1")
    page = post_form(client, f"/teams/{org.team_a1.id}/planner/new", {
        "service_user_id": str(org.user_a1.id), "staff_id": str(org.staff_a1.id),
        "kind": "main", "day": str(local_today() + timedelta(days=1)), "time": "10:00",
        "minutes": "1441"})
    assert page.status_code == 422 and message in page.text


@pytest.mark.parametrize(("field", "value"), [("checkin_interval_days", 6),
                                              ("baseline_performance", 11)])
def test_goal_ranges_say_the_same_in_the_api_and_the_service(api_as, org, field, value):
    from homecare.core.errors import ValidationFailed
    from homecare.goals.services import create_goal

    body = {"service_user_id": str(org.user_a1.id), "description": "Gå ut",
            "expressed_by": "user", "start_date": str(local_today()), field: value}
    answer = api_as(org.staff_a1).post("/goals", json=body)
    [message] = answer.json["errors"]["json"][field]
    with pytest.raises(ValidationFailed) as refused:
        create_goal(user=org.user_a1, created_by=org.staff_a1, description="Gå ut",
                    expressed_by="user", start_date=local_today(), **{field: value})
    assert refused.value.errors[field] == [message]
