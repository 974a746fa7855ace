"""The nurse's pages: today's work and the user page, through the access policy."""

import html
from datetime import datetime, time, timedelta

import pytest
import sqlalchemy as sa
import time_machine

from homecare.core.audit import AuditEntry
from homecare.core.extensions import db
from homecare.core.timeutil import local_today, local_zone
from homecare.goals.services import create_goal
from homecare.scheduler.runner import run_job
from homecare.service_users.services import assign_responsible_contact
from homecare.visits.services import create_visit
from homecare.what_matters.services import record_conversation
from tests.factories import make_user
from tests.helpers import post_form, sign_in


def a_day_of_work(org):
    today = local_today()
    astrid = make_user(org.team_a1, full_name="Astrid Berg", address="Iladalen 4",
                       start=today - timedelta(days=40))
    assign_responsible_contact(astrid, org.staff_a1)
    record_conversation(user=astrid, recorded_by=org.staff_a1, conversation_date=today,
                        asked_by=org.staff_a1, present=["user"],
                        in_own_words="Å komme meg på kirkekaffen igjen.")
    create_goal(user=astrid, created_by=org.staff_a1, description="Gå til kirken på søndag",
                expressed_by="user", start_date=today - timedelta(days=30))
    create_visit(user=astrid, staff=org.staff_a1, created_by=org.coordinator_a1, kind="main",
                 planned_start=datetime.combine(today, time(23, 0), tzinfo=local_zone()),
                 planned_minutes=30)
    run_job("checkin_prompts", today)
    return astrid


def test_today_lists_visits_follow_ups_and_users_not_asked(client, org):
    a_day_of_work(org)
    sign_in(client, "staff.a1")
    page = client.get("/today").text
    assert "Astrid Berg" in page and "Iladalen 4" in page
    assert "«Gå til kirken på søndag»" in page
    assert "2 dager etter fristen" in page
    assert "Hovedbesøk" in page and "Planlagt" in page


def test_the_user_page_puts_what_matters_first_and_logs_the_read(client, org):
    astrid = a_day_of_work(org)
    sign_in(client, "staff.a1")
    page = client.get(f"/users/{astrid.id}").text
    words = page.index("«Å komme meg på kirkekaffen igjen.»")
    journal = page.index('<h2 id="journal-heading">')
    assert words < page.index("«Gå til kirken på søndag»") < journal
    assert "Tjenesteansvarlig: Test staff.a1" in page
    assert "Oppfølging forsinket" not in page and "Oppfølging forfalt" in page
    reads = db.session.scalars(sa.select(AuditEntry.detail).where(
        AuditEntry.service_user_id == astrid.id, AuditEntry.action == "read")).all()
    assert "user page" in reads


def test_pages_speak_english_when_chosen(client, org):
    astrid = a_day_of_work(org)
    sign_in(client, "staff.a1")
    client.get("/language/en")
    assert "Follow-ups due" in client.get("/today").text
    assert "What matters to Astrid" in client.get(f"/users/{astrid.id}").text


def test_another_teams_user_is_not_found_and_leaders_have_no_today(client, org):
    astrid = a_day_of_work(org)
    sign_in(client, "staff.b1")
    assert client.get(f"/users/{astrid.id}").status_code == 404
    assert "Astrid" not in client.get("/today").text
    leader = client.application.test_client()
    sign_in(leader, "leader.a")
    assert leader.get("/today").status_code == 403
    assert leader.get(f"/users/{astrid.id}").status_code == 403


def test_recent_visits_are_the_ones_up_to_now(client, org):
    today = local_today()
    someone = make_user(org.team_a1, start=today - timedelta(days=10))
    shown = {}
    for name, offset in (("yesterday", -1), ("tomorrow", 1)):
        start = datetime.combine(today + timedelta(days=offset), time(9), tzinfo=local_zone())
        create_visit(user=someone, staff=org.staff_a1, created_by=org.coordinator_a1,
                     kind="main", planned_start=start, planned_minutes=30)
        shown[name] = start
    sign_in(client, "staff.a1")
    page = client.get(f"/users/{someone.id}").text
    yesterday, tomorrow = (shown[n].strftime("%d.%m.%Y %H:%M") for n in ("yesterday",
                                                                        "tomorrow"))
    assert yesterday in page and tomorrow not in page


def test_recording_a_follow_up_from_the_user_page(client, org):
    from homecare.goals.models import CheckIn, Goal

    astrid = a_day_of_work(org)
    goal = db.session.scalar(sa.select(Goal).where(Goal.service_user_id == astrid.id))
    sign_in(client, "staff.a1")
    path = f"/users/{astrid.id}/goals/{goal.id}/check-in"
    assert path in client.get("/today").text  # the follow-up is due
    form = client.get(path).text
    assert "«Gå til kirken på søndag»" in form and "Fikk du den hjelpen du forventet?" in form
    response = post_form(client, path, {"date": str(local_today()), "performance": "6",
                                        "satisfaction": "7", "got_expected_help": "yes",
                                        "could_influence": "partly", "satisfied": "yes",
                                        "note": "Går bedre", "answered_by": "user"})
    assert response.status_code == 302
    saved = db.session.scalar(sa.select(CheckIn).where(CheckIn.goal_id == goal.id))
    assert (saved.performance, saved.could_influence, saved.recorded_by_id) == (
        6, "partly", org.staff_a1.id)
    assert "Lagret." in client.get(response.headers["Location"]).text
    assert path not in client.get("/today").text  # answered, at once


def test_a_refused_follow_up_says_why_next_to_the_field_and_keeps_the_input(client, org):
    from homecare.goals.models import CheckIn, Goal

    astrid = a_day_of_work(org)
    goal = db.session.scalar(sa.select(Goal).where(Goal.service_user_id == astrid.id))
    sign_in(client, "staff.a1")
    tomorrow = str(local_today() + timedelta(days=1))
    response = post_form(client, f"/users/{astrid.id}/goals/{goal.id}/check-in", {
        "date": tomorrow, "performance": "6", "got_expected_help": "no",
        "could_influence": "no", "satisfied": "no", "note": "Beholdes",
        "answered_by": "user"})
    assert response.status_code == 422
    assert "En oppfølging kan ikke dateres fram i tid." in response.text
    assert f'value="{tomorrow}"' in response.text and "Beholdes" in response.text
    assert db.session.scalar(sa.select(sa.func.count()).select_from(CheckIn)) == 0


def test_completing_a_visit_with_times_prefilled_from_the_plan(client, org):
    from homecare.visits.models import Visit

    astrid = a_day_of_work(org)
    start = datetime.combine(local_today() - timedelta(days=1), time(9, 30), tzinfo=local_zone())
    visit = create_visit(user=astrid, staff=org.staff_a1, created_by=org.coordinator_a1,
                         kind="main", planned_start=start, planned_minutes=45)
    sign_in(client, "staff.a1")
    path = f"/visits/{visit.id}/complete"
    form = client.get(path).text
    assert 'value="09:30"' in form and 'value="10:15"' in form
    refused = post_form(client, path, {"started": "10:00", "ended": "09:00"})
    assert refused.status_code == 422
    assert "Besøket kan ikke slutte før det starter." in refused.text
    assert post_form(client, path, {"started": "09:35", "ended": "10:20"}).status_code == 302
    db.session.expire_all()
    done = db.session.get(Visit, visit.id)
    assert done.status == "completed" and done.actual_start.astimezone(
        local_zone()).time() == time(9, 35)
    other = client.application.test_client()
    sign_in(other, "staff.a2")
    assert other.get(path).status_code == 404


@pytest.fixture
def at_noon():
    """Noon today, local time: this morning's visit is over whatever hour the tests run."""
    with time_machine.travel(datetime.combine(local_today(), time(12), tzinfo=local_zone())):
        yield


def _someone_elses_user_visited_today(org):
    """A user whose responsible contact is the coordinator, never asked what matters,
    with a follow-up overdue, visited this morning by staff.a1."""
    today = local_today()
    user = make_user(org.team_a1, full_name="Olga Dahl", start=today - timedelta(days=400))
    assign_responsible_contact(user, org.coordinator_a1)
    goal = create_goal(user=user, created_by=org.coordinator_a1, description="Strikke igjen",
                       expressed_by="user", start_date=today - timedelta(days=365))
    visit = create_visit(user=user, staff=org.staff_a1, created_by=org.coordinator_a1,
                         kind="main", planned_start=datetime.combine(
                             today, time(7, 0), tzinfo=local_zone()), planned_minutes=30)
    db.session.commit()
    return user, goal, visit


def test_a_visit_row_of_the_day_says_what_the_nurse_can_do_whoever_the_contact_is(
        client, org, api_as):
    """Issue 31: a follow-up a year overdue was invisible to the nurse visiting daily."""
    _someone_elses_user_visited_today(org)
    sign_in(client, "staff.a1")
    page = html.unescape(client.get("/today").text)
    row = page[page.index("Olga Dahl"):page.index("</li>", page.index("Olga Dahl"))]
    assert "Oppfølging forsinket" in row and "Ikke spurt hva som er viktig ennå" in row
    visits = api_as(org.staff_a1).get("/worklist").get_json()["visits"]
    assert visits[0]["flags"] == ["checkin_overdue", "what_matters_missing"]


def test_completing_a_visit_can_go_straight_on_to_the_follow_up_due(client, org, at_noon):
    user, goal, visit = _someone_elses_user_visited_today(org)
    sign_in(client, "staff.a1")
    path = f"/visits/{visit.id}/complete"
    form = html.unescape(client.get(path).text)
    assert "Lagre og følg opp «Strikke igjen»" in form
    done = post_form(client, path, {"started": "07:00", "ended": "07:30", "then": str(goal.id)})
    assert done.status_code == 302
    assert done.headers["Location"] == f"/users/{user.id}/goals/{goal.id}/check-in"


def test_completing_a_visit_goes_to_no_page_the_form_did_not_offer(client, org, at_noon):
    _user, _goal, visit = _someone_elses_user_visited_today(org)
    other_goal = create_goal(user=org.user_a1, created_by=org.staff_a1, description="Annen",
                             expressed_by="user", start_date=local_today() - timedelta(days=60))
    db.session.commit()
    sign_in(client, "staff.a1")
    done = post_form(client, f"/visits/{visit.id}/complete",
                     {"started": "07:00", "ended": "07:30", "then": str(other_goal.id)})
    assert done.headers["Location"] == f"/users/{visit.service_user_id}"


def test_recording_what_matters_and_a_goal(client, org):
    from homecare.goals.models import Goal
    from homecare.what_matters.models import WhatMattersConversation

    sign_in(client, "staff.a1")
    user = org.user_a1
    refused = post_form(client, f"/users/{user.id}/what-matters/new", {
        "conversation_date": str(local_today()), "present": "next_of_kin",
        "in_own_words": "Å være hjemme"})
    assert refused.status_code == 422
    assert "Brukeren deltok ikke: oppgi hvem som svarte for brukeren." in refused.text
    assert post_form(client, f"/users/{user.id}/what-matters/new", {
        "conversation_date": str(local_today()), "present": "next_of_kin",
        "in_own_words": "Å være hjemme", "spoken_for_by": "Kari, datter"}).status_code == 302
    words = db.session.scalar(sa.select(WhatMattersConversation.in_own_words).where(
        WhatMattersConversation.service_user_id == user.id))
    assert words == "Å være hjemme"
    blank = post_form(client, f"/users/{user.id}/goals/new", {
        "description": "   ", "expressed_by": "user", "start_date": str(local_today()),
        "checkin_interval_days": "28"})
    assert blank.status_code == 422 and "Feltet kan ikke være tomt." in blank.text
    assert post_form(client, f"/users/{user.id}/goals/new", {
        "description": "Gå tur langs elva", "expressed_by": "user",
        "start_date": str(local_today()), "checkin_interval_days": "14",
        "baseline_performance": "3"}).status_code == 302
    goal = db.session.scalar(sa.select(Goal).where(Goal.service_user_id == user.id))
    assert (goal.description, goal.checkin_interval_days, goal.baseline_performance) == (
        "Gå tur langs elva", 14, 3)


def test_the_team_board_shows_every_user_with_flags_and_filters(client, org):
    a_day_of_work(org)
    sign_in(client, "coord.a1")
    board = client.get(f"/teams/{org.team_a1.id}/board").text
    assert "Astrid Berg" in board and "Nordmann" in board
    assert "Ingen tjenesteansvarlig" in board
    only = client.get(f"/teams/{org.team_a1.id}/board?flag=no_responsible_contact").text
    table = only[only.index("<table"):]
    assert "Astrid Berg" not in table and "Nordmann" in table
    assert client.get(f"/teams/{org.team_a1.id}/board?flag=nonsense").status_code == 400
    assert client.get(f"/teams/{org.team_a2.id}/board").status_code == 404  # not theirs
    staff = client.application.test_client()
    sign_in(staff, "staff.a1")
    assert staff.get(f"/teams/{org.team_a1.id}/board").status_code == 403


def test_choosing_a_contact_shows_caseloads_against_the_cap(client, org):
    from homecare.sections.services import update_settings

    update_settings(org.section_a, caseload_cap=1)
    a_day_of_work(org)  # staff.a1 already holds Astrid: one user
    sign_in(client, "coord.a1")
    page = client.get(f"/users/{org.user_a1.id}/contact").text
    assert "1 bruker" in page and "Ville vært over grensen på 1" in page
    refused = post_form(client, f"/users/{org.user_a1.id}/contact", {})
    assert refused.status_code == 422 and "Velg et teammedlem." in refused.text
    done = post_form(client, f"/users/{org.user_a1.id}/contact",
                     {"staff_id": str(org.staff_a1.id)})
    assert done.status_code == 302
    assert "Test staff.a1 er nå tjenesteansvarlig." in client.get(done.headers["Location"]).text


def test_recording_a_team_decision_from_the_user_page(client, org):
    from homecare.decisions.models import Decision

    sign_in(client, "coord.a1")
    user_page = client.get(f"/users/{org.user_a1.id}").text
    assert "Ingen vedtak ennå." in user_page and "Registrer vedtak" in user_page
    path = f"/users/{org.user_a1.id}/decisions/new"
    today = local_today()
    fields = {"decided_on": str(today), "user_participated": "yes",
              "goal_statement": "Klare seg selv hjemme", "services": "Hjemmesykepleie morgen",
              "reasons": "Trenger hjelp med medisiner", "valid_from": str(today),
              "review_on": str(today - timedelta(days=1))}
    refused = post_form(client, path, fields)
    assert refused.status_code == 422
    assert "Oppgi hvem i teamet som deltok." in refused.text
    assert "Revurderingsdatoen kan ikke være før vedtaket trer i kraft." in refused.text
    assert "Klare seg selv hjemme" in refused.text
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Decision)) == 0
    saved = post_form(client, path, fields | {
        "participants": [str(org.coordinator_a1.id), str(org.staff_a1.id)],
        "review_on": str(today + timedelta(days=90))})
    assert saved.status_code == 302
    decision = db.session.scalar(sa.select(Decision))
    assert {p.id for p in decision.participants} == {org.coordinator_a1.id, org.staff_a1.id}
    assert decision.user_participated and decision.created_by_id == org.coordinator_a1.id
    assert "Hjemmesykepleie morgen" in client.get(saved.headers["Location"]).text
    staff = client.application.test_client()
    sign_in(staff, "staff.a1")
    assert staff.get(path).status_code == 403
    assert "Registrer vedtak" not in staff.get(f"/users/{org.user_a1.id}").text
