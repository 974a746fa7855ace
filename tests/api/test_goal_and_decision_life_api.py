"""Issue 30, items 3 and 4, in the JSON API: the same services as the pages. A goal's
status changes (``POST/GET /goals/{id}/status-changes``), and a decision reviewed
(``/decisions/{id}/reviews``), revised (``/revisions``) and ended (``/end``)."""

from __future__ import annotations

from datetime import timedelta

import sqlalchemy as sa

from homecare.core.extensions import db
from homecare.core.timeutil import local_today
from homecare.decisions.models import DecisionReview
from homecare.decisions.services import record_decision
from homecare.goals.models import GoalStatusChange
from homecare.goals.services import create_goal


def _goal(org):
    return create_goal(user=org.user_a1, created_by=org.staff_a1, description="Gå tur",
                       expressed_by="user", start_date=local_today() - timedelta(days=60))


def _decision(org, review_days=-20):
    today = local_today()
    return record_decision(
        user=org.user_a1, created_by=org.coordinator_a1, decided_on=today - timedelta(days=200),
        participants=[org.coordinator_a1], user_participated=True, goal_statement="Mål",
        services="Morgenstell", reasons="Grunner", valid_from=today - timedelta(days=200),
        review_on=today + timedelta(days=review_days))


def test_a_goal_achieved_through_the_api_is_closed_and_kept_in_its_history(api_as, org):
    goal = _goal(org)
    staff = api_as(org.staff_a1)
    day = str(local_today() - timedelta(days=1))
    made = staff.post(f"/goals/{goal.id}/status-changes", json={
        "status": "achieved", "changed_on": day, "reason": "Går hver dag nå",
        "reason_by": "user"})
    assert made.status_code == 201, made.json
    assert made.json["status"] == "achieved" and made.json["from_status"] == "active"
    assert made.json["recorded_by"] == org.staff_a1.id
    shown = staff.get(f"/goals/{goal.id}").json
    assert (shown["status"], shown["closed_on"], shown["flag"]) == ("achieved", day, None)
    history = staff.get(f"/goals/{goal.id}/status-changes").json
    assert [(h["status"], h["reason"], h["reason_by"]) for h in history] == [
        ("achieved", "Går hver dag nå", "user")]
    assert [g["id"] for g in staff.get(
        f"/goals?service_user_id={org.user_a1.id}&status=achieved").json] == [str(goal.id)]


def test_a_status_change_is_refused_with_a_field_message_and_writes_nothing(api_as, org):
    goal = _goal(org)
    staff = api_as(org.staff_a1)
    same = staff.post(f"/goals/{goal.id}/status-changes", json={"status": "active"})
    assert same.status_code == 422 and "status" in same.json["errors"]["json"]
    whose = staff.post(f"/goals/{goal.id}/status-changes",
                       json={"status": "on_hold", "reason": "Syk"})
    assert whose.status_code == 422 and "reason_by" in whose.json["errors"]["json"]
    future = staff.post(f"/goals/{goal.id}/status-changes", json={
        "status": "on_hold", "changed_on": str(local_today() + timedelta(days=1))})
    assert future.status_code == 422 and "changed_on" in future.json["errors"]["json"]
    unknown = staff.post(f"/goals/{goal.id}/status-changes", json={"status": "done"})
    assert unknown.status_code == 422
    assert db.session.scalar(sa.select(sa.func.count()).select_from(GoalStatusChange)) == 0
    assert api_as(org.staff_b1).post(f"/goals/{goal.id}/status-changes",
                                     json={"status": "on_hold"}).status_code == 404


def test_patching_a_goals_status_is_kept_in_its_history_too(api_as, org):
    goal = _goal(org)
    patched = api_as(org.coordinator_a1).patch(f"/goals/{goal.id}", json={"status": "on_hold"},
                                               headers={"If-Match": '"1"'})
    assert patched.status_code == 200 and patched.json["flag"] is None
    [change] = api_as(org.staff_a1).get(f"/goals/{goal.id}/status-changes").json
    assert (change["from_status"], change["status"]) == ("active", "on_hold")
    assert change["recorded_by"] == org.coordinator_a1.id


def _on_the_worklist(api_as, org) -> bool:
    """The coordinator's worklist names the user's overdue review."""
    worklist = api_as(org.coordinator_a1).get("/worklist").json
    return any("decision_review_overdue" in f["flags"]
               and f["service_user"]["id"] == str(org.user_a1.id)
               for f in worklist["team_flags"])


def _overdue_flags(api_as, org) -> list[str]:
    user = api_as(org.coordinator_a1).get(f"/service-users/{org.user_a1.id}").json
    return [f for f in user["flags"] if f == "decision_review_overdue"]


def test_a_review_with_no_change_moves_the_review_date_and_ends_the_overdue_flag(api_as, org):
    decision = _decision(org)
    coordinator = api_as(org.coordinator_a1)
    assert _overdue_flags(api_as, org) == ["decision_review_overdue"]
    assert _on_the_worklist(api_as, org)
    next_review = str(local_today() + timedelta(days=90))
    made = coordinator.post(f"/decisions/{decision.id}/reviews", json={
        "reviewed_on": str(local_today()), "participants": [org.coordinator_a1.id],
        "user_participated": False, "user_view": "Greit som det er",
        "disagreement": "Datteren vil ha mer hjelp", "next_review_on": next_review})
    assert made.status_code == 201, made.json
    assert made.json["outcome"] == "no_change" and made.json["participants"] == [
        org.coordinator_a1.id]
    assert coordinator.get(f"/decisions/{decision.id}").json["review_on"] == next_review
    assert _overdue_flags(api_as, org) == []
    [kept] = api_as(org.staff_a1).get(f"/decisions/{decision.id}/reviews").json
    assert (kept["user_view"], kept["disagreement"]) == ("Greit som det er",
                                                          "Datteren vil ha mer hjelp")
    assert not _on_the_worklist(api_as, org)


def test_a_review_needs_who_took_part_and_is_for_coordinators(api_as, org):
    decision = _decision(org)
    missing = api_as(org.coordinator_a1).post(f"/decisions/{decision.id}/reviews", json={
        "reviewed_on": str(local_today()), "participants": [org.coordinator_a1.id],
        "next_review_on": str(local_today())})
    assert missing.status_code == 422
    assert "user_participated" in missing.json["errors"]["json"]
    too_soon = api_as(org.coordinator_a1).post(f"/decisions/{decision.id}/reviews", json={
        "reviewed_on": str(local_today()), "participants": [org.coordinator_a1.id],
        "user_participated": True, "next_review_on": str(local_today())})
    assert too_soon.status_code == 422
    assert "next_review_on" in too_soon.json["errors"]["json"]
    staff = api_as(org.staff_a1).post(f"/decisions/{decision.id}/reviews", json={
        "reviewed_on": str(local_today()), "participants": [org.coordinator_a1.id],
        "user_participated": True, "next_review_on": str(local_today() + timedelta(days=9))})
    assert staff.status_code == 403
    assert db.session.scalar(sa.select(sa.func.count()).select_from(DecisionReview)) == 0


def test_a_revision_is_a_new_version_and_the_old_one_stays_readable(api_as, org):
    old = _decision(org)
    coordinator = api_as(org.coordinator_a1)
    today = str(local_today())
    revised = coordinator.post(f"/decisions/{old.id}/revisions", json={
        "decided_on": today, "participants": [org.coordinator_a1.id, org.staff_a1.id],
        "user_participated": True, "goal_statement": "Mål", "services": "Kveldsbesøk",
        "reasons": "Nye behov", "valid_from": today,
        "review_on": str(local_today() + timedelta(days=90)), "user_view": "Jeg vil ha kveld"})
    assert revised.status_code == 201, revised.json
    assert revised.json["supersedes_id"] == str(old.id)
    assert revised.json["status"] == "in_force" and revised.json["user_view"] == "Jeg vil ha kveld"
    earlier = coordinator.get(f"/decisions/{old.id}").json
    assert earlier["status"] == "revoked" and earlier["services"] == "Morgenstell"
    assert earlier["superseded_by_id"] == revised.json["id"]
    [review] = coordinator.get(f"/decisions/{old.id}/reviews").json
    assert (review["outcome"], review["revised_to_id"]) == ("revised", revised.json["id"])
    listed = coordinator.get(f"/decisions?service_user_id={org.user_a1.id}").json
    assert {d["id"] for d in listed} == {str(old.id), revised.json["id"]}
    again = coordinator.post(f"/decisions/{old.id}/revisions", json={
        "decided_on": today, "participants": [org.coordinator_a1.id],
        "user_participated": True, "goal_statement": "Mål", "services": "S", "reasons": "R",
        "valid_from": today, "review_on": today})
    assert again.status_code == 422 and "decision" in again.json["errors"]["json"]
    # Nor is the earlier version put back in force beside the new one.
    back = coordinator.patch(f"/decisions/{old.id}", json={"status": "in_force"},
                             headers={"If-Match": f'"{earlier["version"]}"'})
    assert back.status_code == 422 and "status" in back.json["errors"]["json"]


def test_ending_a_decision_keeps_the_day_and_the_reason(api_as, org):
    decision = _decision(org, review_days=30)
    coordinator = api_as(org.coordinator_a1)
    no_reason = coordinator.post(f"/decisions/{decision.id}/end", json={
        "ended_on": str(local_today()), "participants": [org.coordinator_a1.id],
        "user_participated": True})
    assert no_reason.status_code == 422
    ended = coordinator.post(f"/decisions/{decision.id}/end", json={
        "ended_on": str(local_today()), "reason": "Flytter til sykehjem",
        "participants": [org.coordinator_a1.id], "user_participated": True})
    assert ended.status_code == 200, ended.json
    assert ended.json["valid_to"] == str(local_today())
    [review] = coordinator.get(f"/decisions/{decision.id}/reviews").json
    assert (review["outcome"], review["reason"]) == ("ended", "Flytter til sykehjem")


def test_a_new_decision_still_needs_an_answer_on_whether_the_user_took_part(api_as, org):
    today = str(local_today())
    body = {"service_user_id": str(org.user_a1.id), "decided_on": today,
            "participants": [org.coordinator_a1.id], "goal_statement": "Mål",
            "services": "T", "reasons": "G", "valid_from": today, "review_on": today}
    refused = api_as(org.coordinator_a1).post("/decisions", json=body)
    assert refused.status_code == 422
    assert "user_participated" in refused.json["errors"]["json"]
    made = api_as(org.coordinator_a1).post("/decisions", json=body | {
        "user_participated": False, "disagreement": "Brukeren er uenig i omfanget"})
    assert made.status_code == 201 and made.json["disagreement"] == "Brukeren er uenig i omfanget"
    assert made.json["supersedes_id"] is None and made.json["superseded_by_id"] is None
