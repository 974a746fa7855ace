"""The worklist for a nurse, a coordinator, and staff of another team."""

from datetime import datetime, time, timedelta

from homecare.core.timeutil import local_today, local_zone
from homecare.goals.services import create_goal
from homecare.scheduler.runner import run_job
from homecare.service_users.services import assign_responsible_contact
from homecare.visits.services import create_visit
from tests.factories import make_user


def setup_day(org):
    today = local_today()
    mine = make_user(org.team_a1, full_name="Astrid Berg", start=today - timedelta(days=40))
    assign_responsible_contact(mine, org.staff_a1)
    create_goal(user=mine, created_by=org.staff_a1, description="Gå til kirken på søndag",
                expressed_by="user", start_date=today - timedelta(days=30))
    nobodys = make_user(org.team_a1, full_name="Per Hansen", start=today - timedelta(days=40))
    create_goal(user=nobodys, created_by=org.staff_a1, description="Lage middag selv",
                expressed_by="user", start_date=today - timedelta(days=30))
    later = datetime.combine(today, time(23, 30), tzinfo=local_zone())
    create_visit(user=mine, staff=org.staff_a1, created_by=org.coordinator_a1, kind="main",
                 planned_start=later, planned_minutes=20)
    for name in ("checkin_prompts", "what_matters_reminders", "decision_reminders"):
        run_job(name, today)
    return mine, nobodys


def test_the_nurse_sees_her_visits_her_follow_ups_and_her_users_not_asked(api_as, org):
    mine, _nobodys = setup_day(org)
    body = api_as(org.staff_a1).get("/worklist").json
    assert [v["service_user"]["full_name"] for v in body["visits"]] == ["Astrid Berg"]
    assert body["visits"][0]["first_goal"] == "Gå til kirken på søndag"
    [due] = body["checkins_due"]
    assert (due["goal"], due["days_overdue"]) == ("Gå til kirken på søndag", 2)
    assert due["service_user"]["id"] == str(mine.id)
    assert [u["service_user"]["full_name"] for u in body["what_matters_missing"]] == [
        "Astrid Berg"]
    assert body["team_flags"] == []


def test_the_coordinator_also_gets_unaddressed_prompts_and_every_flagged_user(api_as, org):
    _mine, nobodys = setup_day(org)
    body = api_as(org.coordinator_a1).get("/worklist").json
    assert [d["service_user"]["full_name"] for d in body["checkins_due"]] == ["Per Hansen"]
    flagged = {f["service_user"]["full_name"]: f["flags"] for f in body["team_flags"]}
    assert "no_responsible_contact" in flagged["Per Hansen"]
    assert "checkin_due" in flagged["Astrid Berg"]
    assert {u["service_user"]["full_name"] for u in body["what_matters_missing"]} >= {
        "Astrid Berg", "Per Hansen"}
    assert str(nobodys.id) in str(body)


def test_staff_of_another_team_see_nothing_of_this_team(api_as, org):
    setup_day(org)
    body = api_as(org.staff_b1).get("/worklist").json
    text = str(body)
    assert "Astrid" not in text and "Per Hansen" not in text
    assert body["visits"] == body["checkins_due"] == body["team_flags"] == []


def test_leaders_have_no_worklist(api_as, org):
    assert api_as(org.leader_a).get("/worklist").status_code == 403
