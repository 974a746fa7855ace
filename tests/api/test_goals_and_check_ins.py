"""What-matters conversations, goals and check-ins over the API."""

import uuid
from datetime import timedelta

import pytest
import sqlalchemy as sa

from homecare.core.extensions import db
from homecare.core.timeutil import local_today
from homecare.goals.models import CheckIn


def test_recording_what_matters(api_as, org):
    staff = api_as(org.staff_a1)
    path = f"/service-users/{org.user_a1.id}/what-matters"
    body = {"conversation_date": str(local_today()), "asked_by": org.staff_a1.id,
            "present": ["user", "next_of_kin"], "in_own_words": "Å gå tur langs elva."}
    created = staff.post(path, json=body)
    assert created.status_code == 201, created.json
    assert created.json["recorded_by"] == org.staff_a1.id
    assert staff.get(path).json[0]["in_own_words"] == "Å gå tur langs elva."
    user = staff.get(f"/service-users/{org.user_a1.id}").json
    assert "what_matters_missing" not in user["flags"]


@pytest.mark.parametrize(("overrides", "field"), [
    ({"present": ["next_of_kin"]}, "spoken_for_by"),
    ({"present": []}, "present"),
    ({"present": ["cat"]}, "present"),
    ({"in_own_words": ""}, "in_own_words"),
    ({"asked_by": 999999}, "asked_by"),
    ({"conversation_date": "tomorrow"}, "conversation_date"),
])
def test_bad_conversations_are_422s(api_as, org, overrides, field):
    body = {"conversation_date": str(local_today()), "asked_by": org.staff_a1.id,
            "present": ["user"], "in_own_words": "Å klare meg selv."} | overrides
    response = api_as(org.staff_a1).post(f"/service-users/{org.user_a1.id}/what-matters",
                                         json=body)
    assert response.status_code == 422
    assert field in response.json["errors"]["json"]


def test_what_matters_of_another_team_is_404(api_as, org):
    assert api_as(org.staff_a2).get(f"/service-users/{org.user_a1.id}/what-matters"
                                    ).status_code == 404


def goal_body(org, **overrides):
    return {"service_user_id": str(org.user_a1.id), "description": "Gå til butikken selv",
            "expressed_by": "user", "start_date": str(local_today() - timedelta(days=30)),
            "baseline_performance": 3, "baseline_satisfaction": 4} | overrides


def test_goals_are_created_with_next_due_and_flag(api_as, org):
    staff = api_as(org.staff_a1)
    response = staff.post("/goals", json=goal_body(org))
    assert response.status_code == 201, response.json
    goal = response.json
    assert goal["status"] == "active" and goal["closed_on"] is None
    assert goal["next_due"] == str(local_today() - timedelta(days=2))
    assert goal["flag"] == "checkin_due"  # due two days ago, within the 7-day grace
    assert staff.get(f"/goals?service_user_id={org.user_a1.id}").json[0]["id"] == goal["id"]
    user = staff.get(f"/service-users/{org.user_a1.id}").json
    assert "checkin_due" in user["flags"]


@pytest.mark.parametrize(("overrides", "field"), [
    ({"description": "  "}, "description"),
    ({"description": "x" * 1001}, "description"),
    ({"baseline_performance": 11}, "baseline_performance"),
    ({"baseline_satisfaction": 0}, "baseline_satisfaction"),
    ({"baseline_performance": 5.5}, "baseline_performance"),
    ({"checkin_interval_days": 3}, "checkin_interval_days"),
    ({"expressed_by": "doctor"}, "expressed_by"),
    ({"status": "achieved"}, "status"),
    ({"service_user_id": str(uuid.uuid4())}, "service_user_id"),
    ({"what_matters_id": str(uuid.uuid4())}, "what_matters_id"),
])
def test_bad_goals_are_422s(api_as, org, overrides, field):
    response = api_as(org.staff_a1).post("/goals", json=goal_body(org, **overrides))
    assert response.status_code == 422, response.json
    assert field in response.json["errors"]["json"]


def test_another_teams_user_cannot_be_given_a_goal(api_as, org):
    response = api_as(org.staff_a2).post("/goals", json=goal_body(org))
    assert response.status_code == 422
    assert response.json["errors"]["json"]["service_user_id"] == [
        "Det finnes ingen slik registrering i dine team."]


def test_closing_a_goal_with_if_match(api_as, org):
    staff = api_as(org.staff_a1)
    goal = staff.post("/goals", json=goal_body(org)).json
    path = f"/goals/{goal['id']}"
    assert staff.patch(path, json={"status": "achieved"}).status_code == 428
    closed = staff.patch(path, json={"status": "achieved"}, headers={"If-Match": '"1"'})
    assert closed.status_code == 200
    assert closed.json["closed_on"] == str(local_today()) and closed.json["flag"] is None
    assert closed.headers["ETag"] == '"2"'
    assert staff.patch(path, json={"description": "x"}, headers={"If-Match": '"1"'}
                       ).status_code == 412
    assert api_as(org.staff_a2).get(path).status_code == 404


def check_in_body(goal, **overrides):
    return {"goal_id": goal, "date": str(local_today()), "performance": 6,
            "satisfaction": 7, "note": "Bedre nå", "got_expected_help": "yes",
            "could_influence": "partly", "satisfied": "yes"} | overrides


def count_check_ins():
    return db.session.scalar(sa.select(sa.func.count()).select_from(CheckIn))


def test_check_in_put_is_idempotent(api_as, org):
    staff = api_as(org.staff_a1)
    goal = staff.post("/goals", json=goal_body(org)).json
    path = f"/check-ins/{uuid.uuid4()}"
    body = check_in_body(goal["id"])
    first = staff.put(path, json=body)
    assert first.status_code == 201, first.json
    assert first.json["recorded_by"] == org.staff_a1.id
    for _ in range(9):
        again = staff.put(path, json=body)
        assert again.status_code == 200 and again.json == first.json
    assert count_check_ins() == 1
    assert staff.put(path, json=check_in_body(goal["id"], performance=2)).status_code == 409
    assert count_check_ins() == 1
    refreshed = staff.get(f"/goals/{goal['id']}").json
    assert refreshed["next_due"] == str(local_today() + timedelta(days=28))
    assert refreshed["flag"] is None
    assert staff.get(f"/goals/{goal['id']}/check-ins").json[0]["id"] == first.json["id"]
    assert api_as(org.staff_a2).put(path, json=body).status_code == 404


@pytest.mark.parametrize(("overrides", "field"), [
    ({"date": str(local_today() + timedelta(days=1))}, "date"),
    ({"performance": 0}, "performance"),
    ({"satisfaction": 11}, "satisfaction"),
    ({"got_expected_help": "maybe"}, "got_expected_help"),
    ({"satisfied": None}, "satisfied"),
    ({"goal_id": str(uuid.uuid4())}, "goal_id"),
])
def test_bad_check_ins_are_422s_and_write_nothing(api_as, org, overrides, field):
    staff = api_as(org.staff_a1)
    goal = staff.post("/goals", json=goal_body(org)).json
    response = staff.put(f"/check-ins/{uuid.uuid4()}", json=check_in_body(goal["id"],
                                                                           **overrides))
    assert response.status_code == 422, response.json
    assert field in response.json["errors"]["json"]
    assert count_check_ins() == 0


def test_a_goal_links_only_to_its_own_users_conversation(api_as, org):
    from homecare.what_matters.services import record_conversation
    from tests.factories import make_user

    neighbour = make_user(org.team_a1)
    theirs = record_conversation(user=neighbour, recorded_by=org.staff_a1,
                                 conversation_date=local_today(), asked_by=org.staff_a1,
                                 present=["user"], in_own_words="Noe annet")
    response = api_as(org.staff_a1).post("/goals", json=goal_body(
        org, what_matters_id=str(theirs.id)))
    assert response.status_code == 422
    assert response.json["errors"]["json"]["what_matters_id"] == [
        "Den samtalen tilhører en annen bruker."]
