"""The user's own plan ("Min plan"), printed for the folder in the home."""

from __future__ import annotations

import html
from datetime import datetime, time, timedelta

import pytest
import sqlalchemy as sa

from homecare.core.audit import AuditAction, AuditEntry
from homecare.core.extensions import db
from homecare.core.timeutil import local_today, local_zone
from homecare.decisions.services import record_decision
from homecare.goals.services import create_goal, update_goal
from homecare.org.services import update_team
from homecare.service_users.services import assign_responsible_contact
from homecare.visits.services import change_visit, create_visit
from homecare.what_matters.services import record_conversation
from tests.factories import make_user
from tests.helpers import sign_in

OWN_WORDS = "At jeg kan drikke kaffe & lese Aftenposten i fred hver morgen."
GOAL_WORDS = "Gå til postkassen selv – «uten rullator» innen jul."


def _at(day, hour, minute):
    return datetime.combine(day, time(hour, minute), tzinfo=local_zone())


@pytest.fixture
def plan(org):
    """user_a1 with a full plan, and what must stay off it."""
    today = local_today()
    tomorrow = today + timedelta(days=1)
    user, nurse, coordinator = org.user_a1, org.staff_a1, org.coordinator_a1
    for day, words in ((today - timedelta(days=40), "Et gammelt svar"), (today, OWN_WORDS)):
        record_conversation(user=user, recorded_by=nurse, asked_by=nurse, conversation_date=day,
                            present=["user"], in_own_words=words)
    create_goal(user=user, created_by=nurse, description=GOAL_WORDS, expressed_by="user",
                start_date=today - timedelta(days=7), checkin_interval_days=14)
    reached = create_goal(user=user, created_by=nurse, description="Et mål som er nådd",
                          expressed_by="user", start_date=today - timedelta(days=60))
    update_goal(reached, status="achieved")
    for statement, status in (("Bo hjemme trygt", "in_force"), ("Et opphevet vedtak", "revoked")):
        record_decision(user=user, created_by=coordinator, decided_on=today,
                        participants=[coordinator], user_participated=True,
                        goal_statement=statement, services="Morgenstell og kveldsbesøk",
                        reasons="Behov", valid_from=today - timedelta(days=5),
                        review_on=today + timedelta(days=85), status=status)
    assign_responsible_contact(user, nurse)
    update_team(org.team_a1, phone="23 42 70 00")
    neighbour = make_user(org.team_a1, full_name="Per Naboen")
    for who, start in ((user, _at(tomorrow, 8, 5)), (user, _at(tomorrow, 20, 35)),
                       (user, _at(today + timedelta(days=9), 13, 45)),
                       (neighbour, _at(tomorrow, 9, 55))):
        create_visit(user=who, staff=nurse, created_by=coordinator, kind="main",
                     planned_start=start, planned_minutes=30)
    cancelled = create_visit(user=user, staff=nurse, created_by=coordinator, kind="short",
                             planned_start=_at(tomorrow, 11, 15), planned_minutes=15)
    change_visit(coordinator, cancelled, status="cancelled")
    db.session.commit()
    return {"user": user, "neighbour": neighbour}


def test_the_plan_says_what_matters_goals_decision_contact_and_the_week(client, org, plan):
    sign_in(client, "staff.a1")
    response = client.get(f"/users/{org.user_a1.id}/plan")
    assert response.status_code == 200
    page = html.unescape(response.text)
    assert '<html lang="nb">' in page and "Min plan" in page
    assert f"«{OWN_WORDS}»" in page and "Et gammelt svar" not in page
    assert f"«{GOAL_WORDS}»" in page and "Et mål som er nådd" not in page
    assert "Bo hjemme trygt" in page and "Morgenstell og kveldsbesøk" in page
    assert "Et opphevet vedtak" not in page
    assert org.staff_a1.full_name in page
    assert "Team A1" in page and "23 42 70 00" in page
    assert "08:05" in page and "20:35" in page
    assert "13:45" not in page, "a visit beyond the coming week"
    assert "11:15" not in page, "a cancelled visit"


def test_the_plan_shows_no_national_id_and_nothing_of_other_users(client, org, plan):
    sign_in(client, "staff.a1")
    page = html.unescape(client.get(f"/users/{org.user_a1.id}/plan").text)
    national_id = org.user_a1.national_id
    assert national_id not in page and national_id[:6] not in page
    assert "Per Naboen" not in page and "09:55" not in page
    assert org.coordinator_a1.full_name not in page


def test_printing_the_plan_is_logged_as_a_read_of_the_user(client, org, plan):
    sign_in(client, "staff.a1")
    client.get(f"/users/{org.user_a1.id}/plan")
    logged = db.session.scalars(sa.select(AuditEntry.detail).where(
        AuditEntry.action == AuditAction.READ, AuditEntry.actor_id == org.staff_a1.id,
        AuditEntry.service_user_id == org.user_a1.id)).all()
    assert logged == ["own plan (printed)"]


def test_the_plan_is_in_bokmal_whatever_language_the_nurse_works_in(client, org, plan):
    sign_in(client, "staff.a1")
    client.get("/language/en")
    assert "Today" in client.get("/today").text, "the nurse's pages are in English now"
    page = client.get(f"/users/{org.user_a1.id}/plan").text
    assert "Min plan" in page and "Det som er viktig for meg" in page
    english = client.get(f"/users/{org.user_a1.id}/plan?lang=en").text
    assert '<html lang="en">' in english and "My plan" in english
    assert "What matters to me" in english and "Min plan" not in english
    unknown = client.get(f"/users/{org.user_a1.id}/plan?lang=xx")
    assert unknown.status_code == 200 and "Min plan" in unknown.text


def test_a_plan_with_nothing_yet_says_so_plainly(client, org):
    sign_in(client, "staff.a1")
    page = client.get(f"/users/{org.user_a1.id}/plan").text
    assert "Ikke skrevet ned ennå." in page
    assert "Ingen mål skrevet ned ennå." in page
    assert "Ikke valgt ennå." in page
    assert "Ingen besøk planlagt de neste dagene." in page


def test_the_user_page_links_to_the_plan(client, org):
    sign_in(client, "staff.a1")
    assert f'href="/users/{org.user_a1.id}/plan"' in client.get(f"/users/{org.user_a1.id}").text


def test_a_decision_starting_soon_is_on_the_plan_with_its_start_and_a_late_review_says_so(
        client, org):
    today = local_today()
    user, coordinator = org.user_a1, org.coordinator_a1
    for statement, starts, review in (
            ("Nytt vedtak fra neste uke", today + timedelta(days=7), today + timedelta(days=90)),
            ("Vedtak langt fram i tid", today + timedelta(days=60), today + timedelta(days=150)),
            ("Vedtak som skulle vært vurdert", today - timedelta(days=100),
             today - timedelta(days=3))):
        record_decision(user=user, created_by=coordinator, decided_on=today - timedelta(days=1),
                        participants=[coordinator], user_participated=True,
                        goal_statement=statement, services="Hjelp", reasons="Behov",
                        valid_from=starts, review_on=review, status="in_force")
    db.session.commit()
    sign_in(client, "staff.a1")
    page = html.unescape(client.get(f"/users/{user.id}/plan").text)
    start = (today + timedelta(days=7)).strftime("%-d.")
    assert "Nytt vedtak fra neste uke" in page and "Starter " + start in page
    assert "Vedtak langt fram i tid" not in page
    assert "Vedtak som skulle vært vurdert" in page
    assert "Det skulle vært sett på igjen innen" in page
