"""A follow-up that shows where the user stood and records whose voice it is (issue 31).

An empty follow-up saved and cleared «Oppfølging på overtid»; the form chose «Ikke
spurt» for the person; nobody could tell whether the user or someone speaking for them
had answered.
"""

from __future__ import annotations

import re
import uuid
from datetime import timedelta

import sqlalchemy as sa

from homecare.core.extensions import db
from homecare.core.timeutil import local_today
from homecare.goals.models import CheckIn
from homecare.goals.services import create_goal, record_check_in
from homecare.service_users.services import update_service_user
from tests.factories import make_user
from tests.helpers import csrf_token_from, sign_in

NOT_ASKED = {"got_expected_help": "not_asked", "could_influence": "not_asked",
             "satisfied": "not_asked"}


def overdue_goal(org, user=None):
    """A goal started 50 days ago, followed up every 28: overdue."""
    return create_goal(user=user or org.user_a1, created_by=org.staff_a1,
                       description="Gå til postkassen", expressed_by="user",
                       start_date=local_today() - timedelta(days=50), baseline_performance=3,
                       baseline_satisfaction=4)


def put_check_in(api, goal, **body):
    return api.put(f"/check-ins/{uuid.uuid4()}", json={
        "goal_id": str(goal.id), "date": str(local_today()), **NOT_ASKED, **body})


def goal_flag(api, goal) -> str | None:
    return api.get(f"/goals/{goal.id}").json["flag"]


def test_an_empty_follow_up_is_refused_and_the_overdue_flag_stays(api_as, client, org):
    goal = overdue_goal(org)
    staff = api_as(org.staff_a1)
    assert goal_flag(staff, goal) == "checkin_overdue"
    refused = put_check_in(staff, goal, answered_by="user")
    assert refused.status_code == 422
    assert "Ingenting fra brukeren er registrert" in refused.json["errors"]["json"]["check_in"][0]
    sign_in(client, "staff.a1")
    path = f"/users/{org.user_a1.id}/goals/{goal.id}/check-in"
    page = client.post(path, data={"date": str(local_today()), "answered_by": "user",
                                   **NOT_ASKED, "csrf_token": csrf_token_from(
                                       client.get(path).text)})
    assert page.status_code == 422 and "Ingenting fra brukeren er registrert" in page.text
    assert db.session.scalar(sa.select(sa.func.count()).select_from(CheckIn)) == 0
    assert goal_flag(staff, goal) == "checkin_overdue"


def test_the_user_could_not_answer_needs_the_reason_and_is_a_follow_up(api_as, org):
    goal = overdue_goal(org)
    staff = api_as(org.staff_a1)
    no_reason = put_check_in(staff, goal, answered_by="could_not_answer")
    assert no_reason.status_code == 422 and "not_answered_reason" in no_reason.json[
        "errors"]["json"]
    saved = put_check_in(staff, goal, answered_by="could_not_answer",
                         not_answered_reason="Sov tungt etter ny medisin.")
    assert saved.status_code == 201
    assert saved.json["not_answered_reason"] == "Sov tungt etter ny medisin."
    assert goal_flag(staff, goal) is None


def test_a_next_of_kin_who_answers_is_one_registered_and_is_remembered(api_as, org):
    user = make_user(org.team_a1, next_of_kin=[
        {"name": "Kari Nordmann", "relation": "datter", "phone": "91234567"}])
    other = make_user(org.team_a1, next_of_kin=[
        {"name": "Per Olsen", "relation": "sønn", "phone": "92345678"}])
    goal = overdue_goal(org, user)
    staff = api_as(org.staff_a1)
    strangers = put_check_in(staff, goal, answered_by="next_of_kin", performance=5,
                             spoken_for_by_id=str(other.next_of_kin[0].id))
    assert strangers.status_code == 422 and "spoken_for_by_id" in strangers.json[
        "errors"]["json"]
    saved = put_check_in(staff, goal, answered_by="next_of_kin", performance=5,
                         spoken_for_by_id=str(user.next_of_kin[0].id))
    assert saved.status_code == 201
    assert saved.json["spoken_for_by"] == "Kari Nordmann (datter)"
    # Later the next of kin is no longer registered: who answered is not forgotten.
    update_service_user(user, next_of_kin=[])
    db.session.expire_all()
    kept = staff.get(f"/check-ins/{saved.json['id']}").json
    assert (kept["spoken_for_by_id"], kept["spoken_for_by"]) == (None,
                                                                 "Kari Nordmann (datter)")


def test_the_form_chooses_nothing_and_shows_where_the_user_stood(client, org):
    goal = overdue_goal(org)
    record_check_in(goal=goal, recorded_by=org.staff_a1,
                    date=local_today() - timedelta(days=20), performance=6,
                    answered_by="user", **NOT_ASKED)
    sign_in(client, "staff.a1")
    page = client.get(f"/users/{org.user_a1.id}/goals/{goal.id}/check-in").text
    radios = re.findall(r'<input[^>]*type="radio"[^>]*>', page)
    assert radios and not [radio for radio in radios if "checked" in radio]
    last_time = (local_today() - timedelta(days=20)).strftime("%d.%m.%Y")
    assert "Ved start: 3" in page and f"Sist ({last_time}): 6" in page
    assert "Ved start: 4" in page   # satisfaction: never rated since
    assert 'name="answered_by"' in page and "Brukeren kunne ikke svare" in page
