"""The visit rules, asked the same way through the API and through the pages.

One state machine (``visits.services``): planned → completed / missed / cancelled; those
are final, except a completed visit's times and note, which its staff member or a
coordinator may correct for a few days, keeping what they said before.
"""

from datetime import datetime, timedelta

import pytest
import sqlalchemy as sa
import time_machine

from homecare.core.extensions import db
from homecare.core.timeutil import to_local, utcnow
from homecare.visits.models import Visit, VisitCorrection, VisitStatus
from homecare.visits.services import CORRECTION_DAYS, create_visit
from tests.helpers import csrf_token_from, post_form, sign_in


def a_visit(org, *, status="planned", ended_days_ago=0, staff=None):
    """A main visit of user_a1 by staff.a1 (or ``staff``), an hour long."""
    end = utcnow().replace(microsecond=0) - timedelta(days=ended_days_ago, minutes=5)
    start = end - timedelta(hours=1)
    done = status == "completed"
    return create_visit(user=org.user_a1, staff=staff or org.staff_a1,
                        created_by=org.coordinator_a1, kind="main", planned_start=start,
                        planned_minutes=60, status=status, actual_start=start if done else None,
                        actual_end=end if done else None, note="Før" if done else None)


def patch(api_as, who, visit, body):
    """PATCH the visit as ``who`` with the version just read."""
    client = api_as(who)
    etag = client.get(f"/visits/{visit.id}").headers["ETag"]
    return client.patch(f"/visits/{visit.id}", json=body, headers={"If-Match": etag})


def post_button(client, page, action):
    """Press a button on ``page`` that posts to ``action`` (the page's CSRF token)."""
    return client.post(action, data={"csrf_token": csrf_token_from(client.get(page).text)})


def status_of(visit) -> VisitStatus:
    return db.session.scalar(sa.select(Visit.status).where(Visit.id == visit.id))


# --- Who may cancel -----------------------------------------------------------------

def test_a_team_member_cannot_cancel_their_own_visit_in_the_api(api_as, org):
    visit = a_visit(org)
    answer = patch(api_as, org.staff_a1, visit, {"status": "cancelled"})
    assert answer.status_code == 403
    assert answer.json["message"] == "Bare en koordinator kan avlyse et besøk."
    assert status_of(visit) is VisitStatus.PLANNED


def test_a_team_member_cannot_cancel_their_own_visit_on_the_page(client, org):
    visit = a_visit(org)
    sign_in(client, "staff.a1")
    answer = post_button(client, f"/users/{org.user_a1.id}", f"/visits/{visit.id}/cancel")
    assert answer.status_code == 403
    assert status_of(visit) is VisitStatus.PLANNED


def test_a_coordinator_cancels_a_planned_visit_in_both(api_as, client, org):
    by_api, by_page = a_visit(org), a_visit(org)
    assert patch(api_as, org.coordinator_a1, by_api, {"status": "cancelled"}).status_code == 200
    sign_in(client, "coord.a1")
    answer = post_button(client, f"/visits/{by_page.id}/plan", f"/visits/{by_page.id}/cancel")
    assert answer.status_code == 302
    assert status_of(by_api) is status_of(by_page) is VisitStatus.CANCELLED


# --- Who may move a visit -----------------------------------------------------------

def test_a_team_member_cannot_move_their_visit_in_the_api(api_as, org):
    visit = a_visit(org)
    later = (visit.planned_start + timedelta(hours=2)).isoformat()
    assert patch(api_as, org.staff_a1, visit, {"planned_start": later}).status_code == 403
    assert patch(api_as, org.coordinator_a1, visit, {"planned_start": later}).status_code == 200


def test_a_team_member_cannot_give_their_visit_to_a_colleague_in_the_api(api_as, org):
    from tests.factories import make_staff

    colleague = make_staff(teams=[org.team_a1], username="colleague.a1")
    visit = a_visit(org)
    answer = patch(api_as, org.staff_a1, visit, {"staff_id": colleague.id})
    assert answer.status_code == 403  # as on the page: the planner is the coordinator's
    assert patch(api_as, org.coordinator_a1, visit, {"staff_id": colleague.id}
                 ).status_code == 200


def test_a_team_member_cannot_move_their_visit_on_the_page(client, org):
    visit = a_visit(org)
    sign_in(client, "staff.a1")
    assert client.get(f"/visits/{visit.id}/plan").status_code == 403


# --- Final states -------------------------------------------------------------------

def test_a_completed_visit_cannot_go_back_to_planned_in_the_api(api_as, org):
    visit = a_visit(org, status="completed")
    for who in (org.staff_a1, org.coordinator_a1):
        answer = patch(api_as, who, visit, {"status": "planned"})
        assert answer.status_code == 409, answer.json
    assert status_of(visit) is VisitStatus.COMPLETED


def test_a_completed_visit_cannot_be_cancelled_in_either(api_as, client, org):
    visit = a_visit(org, status="completed")
    assert patch(api_as, org.coordinator_a1, visit, {"status": "cancelled"}).status_code == 409
    sign_in(client, "coord.a1")
    answer = post_button(client, f"/users/{org.user_a1.id}", f"/visits/{visit.id}/cancel")
    assert answer.status_code == 409
    assert client.get(f"/visits/{visit.id}/plan").status_code == 409
    assert status_of(visit) is VisitStatus.COMPLETED


@pytest.mark.parametrize("final", ["missed", "cancelled"])
def test_missed_and_cancelled_are_final_in_both(api_as, client, org, final):
    visit = a_visit(org, status=final)
    done = {"status": "completed", "actual_start": visit.planned_start.isoformat(),
            "actual_end": (visit.planned_start + timedelta(minutes=30)).isoformat()}
    assert patch(api_as, org.coordinator_a1, visit, done).status_code == 409
    assert patch(api_as, org.coordinator_a1, visit, {"note": "x"}).status_code == 409
    sign_in(client, "staff.a1")
    assert client.get(f"/visits/{visit.id}/complete").status_code == 409
    assert status_of(visit) is VisitStatus(final)


def test_the_visits_own_staff_member_marks_it_missed_in_both(api_as, client, org):
    by_api, by_page = a_visit(org), a_visit(org)
    no_reason = patch(api_as, org.staff_a1, by_api, {"status": "missed"})
    assert no_reason.status_code == 422 and "missed_reason" in no_reason.json["errors"]["json"]
    assert patch(api_as, org.staff_a1, by_api, {"status": "missed",
                                                "missed_reason": "Ingen hjemme"}
                 ).status_code == 200
    sign_in(client, "staff.a1")
    page = f"/visits/{by_page.id}/complete"
    assert "Besøket ble ikke gjennomført" in client.get(page).text
    confirm = f"/visits/{by_page.id}/missed"
    asked = client.get(confirm).text
    assert "Hvorfor ble besøket ikke gjennomført?" in asked
    refused = client.post(confirm, data={"csrf_token": csrf_token_from(asked)})
    assert refused.status_code == 422 and status_of(by_page) is VisitStatus.PLANNED
    assert client.post(confirm, data={"missed_reason": "Brukeren var på sykehus.",
                                      "csrf_token": csrf_token_from(asked)}).status_code == 302
    assert status_of(by_api) is status_of(by_page) is VisitStatus.MISSED
    reason = db.session.scalar(sa.select(Visit.missed_reason).where(Visit.id == by_page.id))
    assert reason == "Brukeren var på sykehus."


def test_did_not_take_place_can_be_undone_for_a_while_by_the_same_person(api_as, client, org):
    # Issue 31: «Besøket ble ikke gjennomført» was one tap, final.
    visit = a_visit(org)
    patch(api_as, org.staff_a1, visit, {"status": "missed", "missed_reason": "Ingen hjemme"})
    sign_in(client, "staff.a1")
    user_page = client.get(f"/users/{org.user_a1.id}").text
    assert "Angre: det ble gjennomført" in user_page
    assert patch(api_as, org.coordinator_a1, visit, {"status": "planned"}).status_code == 409
    with time_machine.travel(utcnow() + timedelta(minutes=31), tick=False):
        assert patch(api_as, org.staff_a1, visit, {"status": "planned"}).status_code == 409
    undone = client.post(f"/visits/{visit.id}/missed/undo",
                         data={"csrf_token": csrf_token_from(user_page)})
    assert undone.status_code == 302 and status_of(visit) is VisitStatus.PLANNED
    assert db.session.scalar(sa.select(Visit.missed_reason).where(Visit.id == visit.id)) is None


def test_someone_elses_visit_is_neither_completed_nor_missed_by_a_team_member(api_as, client,
                                                                           org):
    from tests.factories import make_staff

    colleague = make_staff(teams=[org.team_a1], username="colleague.a1")
    visit = a_visit(org, staff=colleague)
    assert patch(api_as, org.staff_a1, visit, {"status": "missed"}).status_code == 403
    sign_in(client, "staff.a1")
    assert client.get(f"/visits/{visit.id}/complete").status_code == 403
    assert f"/visits/{visit.id}/complete" not in client.get(f"/users/{org.user_a1.id}").text
    assert status_of(visit) is VisitStatus.PLANNED


# --- Corrections --------------------------------------------------------------------

def test_a_correction_in_the_api_keeps_what_the_visit_said_before(api_as, org):
    visit = a_visit(org, status="completed", ended_days_ago=1)
    before = (visit.actual_start, visit.actual_end, visit.note)
    new_end = visit.actual_end - timedelta(minutes=15)
    answer = patch(api_as, org.staff_a1, visit, {"actual_end": new_end.isoformat(),
                                                 "note": "Etter"})
    assert answer.status_code == 200, answer.json
    kept = db.session.scalars(sa.select(VisitCorrection)).one()
    assert (kept.actual_start, kept.actual_end, kept.note) == before
    assert kept.corrected_by_id == org.staff_a1.id and kept.visit_id == visit.id


def test_a_correction_on_the_page_keeps_what_the_visit_said_before(client, org):
    visit = a_visit(org, status="completed", ended_days_ago=1)
    before = (visit.actual_start, visit.actual_end, visit.note)
    sign_in(client, "staff.a1")
    page = f"/visits/{visit.id}/complete"
    assert "Rett opp besøket" in client.get(page).text
    start = to_local(visit.actual_start)
    answer = post_form(client, page, {"started": start.strftime("%H:%M"),
                                      "ended": (start + timedelta(minutes=20)).strftime("%H:%M"),
                                      "note": "Etter"})
    assert answer.status_code == 302
    kept = db.session.scalars(sa.select(VisitCorrection)).one()
    assert (kept.actual_start, kept.actual_end, kept.note) == before


def test_after_the_correction_days_a_completed_visit_is_final_in_both(api_as, client, org):
    visit = a_visit(org, status="completed", ended_days_ago=CORRECTION_DAYS + 1)
    assert patch(api_as, org.coordinator_a1, visit, {"note": "Senere"}).status_code == 409
    sign_in(client, "staff.a1")
    assert client.get(f"/visits/{visit.id}/complete").status_code == 409
    assert db.session.scalar(sa.select(sa.func.count()).select_from(VisitCorrection)) == 0


def test_correcting_the_end_to_now_does_not_restart_the_correction_window(api_as, org):
    # Issue 33, L3: the window was counted from the current end, so moving the end to
    # "now" gave three more days, again and again.
    visit = a_visit(org, status="completed", ended_days_ago=CORRECTION_DAYS - 1)
    now = utcnow().replace(microsecond=0)
    moved = patch(api_as, org.staff_a1, visit, {"actual_end": now.isoformat()})
    assert moved.status_code == 200
    with time_machine.travel(now + timedelta(days=2), tick=False):
        again = patch(api_as, org.staff_a1, visit, {"note": "Etter vinduet"})
    assert again.status_code == 409
    db.session.expire_all()
    assert db.session.get(Visit, visit.id).note != "Etter vinduet"


def test_a_completed_visit_before_the_service_started_is_refused(api_as, org):
    # Issue 33, L3: a completed visit dated 1900 was accepted.
    start = datetime(1900, 1, 1, 9, tzinfo=utcnow().tzinfo)
    answer = api_as(org.staff_a1).post("/visits", json={
        "service_user_id": str(org.user_a1.id), "staff_id": org.staff_a1.id, "kind": "main",
        "planned_start": start.isoformat(), "planned_minutes": 30, "status": "completed",
        "actual_start": start.isoformat(),
        "actual_end": (start + timedelta(minutes=30)).isoformat()})
    assert answer.status_code == 422
    message = answer.json["errors"]["json"]["actual_start"][0]
    assert "før brukerens tjeneste startet" in message
    assert org.user_a1.service_start.strftime("(%d.%m.%Y)") in message
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Visit)) == 0


def test_if_match_star_is_refused_where_a_version_is_required(api_as, org):
    # Issue 33, L4: «If-Match: *» matched any version and skipped the lost-update check.
    visit = a_visit(org)
    answer = api_as(org.staff_a1).patch(f"/visits/{visit.id}", json={"note": "x"},
                                        headers={"If-Match": "*"})
    assert answer.status_code == 428
    both = api_as(org.staff_a1).patch(f"/visits/{visit.id}", json={"note": "x"},
                                      headers={"If-Match": '"1", *'})
    assert both.status_code == 428
    db.session.expire_all()
    assert db.session.get(Visit, visit.id).note is None


# --- Concurrency --------------------------------------------------------------------

def test_visits_carry_an_etag_and_patch_requires_if_match(api_as, org):
    visit = a_visit(org)
    client = api_as(org.staff_a1)
    read = client.get(f"/visits/{visit.id}")
    assert read.headers["ETag"] == f'"{read.json["version"]}"'
    assert client.patch(f"/visits/{visit.id}", json={"note": "x"}).status_code == 428
    stale = client.patch(f"/visits/{visit.id}", json={"note": "x"},
                         headers={"If-Match": '"99"'})
    assert stale.status_code == 412
    fresh = client.patch(f"/visits/{visit.id}", json={"note": "x"},
                         headers={"If-Match": read.headers["ETag"]})
    assert fresh.status_code == 200 and fresh.headers["ETag"] == '"2"'
