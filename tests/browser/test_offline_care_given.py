"""Issue 32 on the tablet: care given offline is never lost when the office changes the
plan meanwhile; the queue is readable and every action it offers works; the day is
signalled ready offline, and kept once however often «I dag» is opened."""

from __future__ import annotations

import json
import re
import urllib.request
import uuid
from datetime import datetime, time, timedelta

import pytest
import sqlalchemy as sa
from playwright.sync_api import expect

from homecare.core.audit import KEPT_SUFFIX, AuditAction, AuditEntry
from homecare.core.extensions import db
from homecare.core.timeutil import local_today, local_zone
from homecare.org.models import Staff
from homecare.service_users.models import ServiceUser
from homecare.visits.models import Visit
from tests.browser.conftest import PASSWORD
from tests.browser.test_offline import (
    NURSE,
    signed_in_with_the_day_kept,
    status,
    wait_for_status,
)

COORDINATOR = "koordinator.bjolsen"


def api(live_server, method: str, path: str, body=None, headers=None,
        username: str = COORDINATOR):
    """The JSON API as another person, online (another context than the tablet)."""
    def call(method, path, body, headers, token=None):
        request = urllib.request.Request(  # noqa: S310 - our own server
            f"{live_server.url}/api/v1{path}", method=method,
            data=json.dumps(body).encode() if body is not None else None,
            headers={"Content-Type": "application/json", **(headers or {}),
                     **({"Authorization": f"Bearer {token}"} if token else {})})
        with urllib.request.urlopen(request) as response:   # noqa: S310 - our server
            return response.status, json.loads(response.read() or "null")

    _status, answer = call("POST", "/tokens", {"username": username, "password": PASSWORD},
                           None)
    return call(method, path, body, headers, answer["token"])


def journey_visit(live_server, journey: dict) -> dict:
    with live_server.database():
        visit = db.session.scalar(sa.select(Visit).join(ServiceUser).where(
            ServiceUser.full_name == journey["name"]))
        nurse = db.session.scalar(sa.select(Staff).where(Staff.username == NURSE))
        colleague = next(s for s in nurse.teams[0].members
                         if s.id != nurse.id and s.role.value == "staff")
        return {"id": str(visit.id), "version": visit.version, "nurse": nurse.id,
                "colleague": colleague.id, "user": str(visit.service_user_id),
                "planned": visit.planned_start}


def complete_offline(page, journey: dict, started: str = "07:05", ended: str = "07:35"):
    page.context.set_offline(True)
    page.reload()   # «I dag», kept
    page.locator("ol.worklist li", has_text=journey["name"]).get_by_role(
        "link", name="Fullfør besøket").click()
    page.get_by_label("Startet").fill(started)
    page.get_by_label("Sluttet").fill(ended)
    page.get_by_role("button", name="Lagre", exact=True).click()
    page.wait_for_selector("text=Lagret på nettbrettet")
    wait_for_status(page, "1 venter")


def office_changes(live_server, visit: dict, how: str) -> None:
    changes = {"reassigned": {"staff_id": visit["colleague"]},
               "cancelled": {"status": "cancelled"},
               "re-timed": {"planned_start": (visit["planned"] + timedelta(hours=3))
                            .isoformat()}}[how]
    code, _body = api(live_server, "PATCH", f"/visits/{visit['id']}", changes,
                      {"If-Match": f'"{visit["version"]}"'})
    assert code == 200


@pytest.mark.parametrize("how", ["reassigned", "cancelled", "re-timed"])
def test_a_visit_completed_offline_is_kept_whatever_the_office_did_meanwhile(
        live_server, open_page, how):
    journey = live_server.journey()
    visit = journey_visit(live_server, journey)
    page = signed_in_with_the_day_kept(live_server, open_page)
    complete_offline(page, journey)
    queue = page.locator("#offline-queue").inner_text()
    # The queue names the user, the kind and the time.
    assert journey["name"] in queue and "Besøk fullført" in queue and "07:05–07:35" in queue
    office_changes(live_server, visit, how)

    page.goto(f"{live_server.url}/today")   # offline: the kept day
    assert "Planlagt" in page.locator("ol.worklist li", has_text=journey["name"]).inner_text()
    page.context.set_offline(False)
    wait_for_status(page, "0 venter", timeout=30000)
    assert "avvist" not in status(page)
    # The kept day shows what the server now holds, without a reload.
    page.wait_for_function(
        "name => [...document.querySelectorAll('ol.worklist li')].some(li => "
        "li.innerText.includes(name) && li.innerText.includes('Gjennomført'))",
        arg=journey["name"], timeout=20000)

    _code, stored = api(live_server, "GET", f"/visits/{visit['id']}")
    assert stored["status"] == "completed" and stored["staff_id"] == visit["nurse"]
    start = datetime.fromisoformat(stored["actual_start"]).astimezone(local_zone())
    assert (start.hour, start.minute) == (7, 5)
    _code, to_settle = api(live_server, "GET", "/visit-conflicts")
    flagged = [item for item in to_settle if item["visit_id"] == visit["id"]]
    assert [item["reason"] for item in flagged] == (["cancelled"] if how == "cancelled"
                                                    else [])


def test_care_given_to_a_user_moved_to_another_team_meanwhile_is_kept(
        live_server, open_page):
    from homecare.org.models import Team
    from homecare.service_users.services import move_to_team

    journey = live_server.journey()
    visit = journey_visit(live_server, journey)
    page = signed_in_with_the_day_kept(live_server, open_page)
    complete_offline(page, journey)
    with live_server.database():   # meanwhile, at the office
        user = db.session.get(ServiceUser, uuid.UUID(visit["user"]))
        other = db.session.scalar(sa.select(Team).where(Team.id != user.team_id))
        move_to_team(user, other, local_today())
        db.session.commit()
    page.context.set_offline(False)
    wait_for_status(page, "0 venter", timeout=30000)
    assert "avvist" not in status(page)
    _code, to_settle = api(live_server, "GET", "/visit-conflicts")
    kept = [item for item in to_settle if item["visit_id"] == visit["id"]]
    assert [item["reason"] for item in kept] == ["moved_team"]
    board = open_page("desktop", "nb")
    from tests.browser.checks import sign_in
    sign_in(board, live_server.url, COORDINATOR, PASSWORD, "nb")
    board.goto(f"{live_server.url}/teams/{kept[0]['team_id']}/board")
    card = board.locator("#to-settle").inner_text()
    assert journey["name"] in card and "flyttet til et annet team" in card


def test_a_refused_record_offers_only_what_works(live_server, open_page):
    journey = live_server.journey()
    visit = journey_visit(live_server, journey)
    page = signed_in_with_the_day_kept(live_server, open_page)
    complete_offline(page, journey, started="07:30", ended="07:00")   # ends before it starts
    office_changes(live_server, visit, "reassigned")
    page.context.set_offline(False)
    wait_for_status(page, "1 avvist", timeout=30000)
    refused = page.locator("#offline-queue li.refused")
    assert journey["name"] in refused.inner_text() and "07:30–07:00" in refused.inner_text()
    assert "kan ikke slutte før det starter" in refused.inner_text()
    links = refused.get_by_role("link", name="Rett opp")
    assert links.count() == 1
    with page.expect_navigation() as opened:
        links.click()
    assert opened.value.status == 200   # a page the nurse may use, though reassigned
    # Filled in with what was queued (read from the tablet once the page has the key).
    expect(page.get_by_label("Startet")).to_have_value("07:30", timeout=20000)
    page.get_by_label("Sluttet").fill("07:50")
    page.get_by_role("button", name="Lagre", exact=True).click()
    wait_for_status(page, "0 venter", timeout=30000)
    _code, stored = api(live_server, "GET", f"/visits/{visit['id']}")
    assert stored["status"] == "completed" and stored["staff_id"] == visit["nurse"]


def kept_reads_by(live_server, username: str, since: datetime) -> int:
    with live_server.database():
        staff = db.session.scalar(sa.select(Staff.id).where(Staff.username == username))
        return db.session.scalar(sa.select(sa.func.count()).select_from(AuditEntry).where(
            AuditEntry.action == AuditAction.READ, AuditEntry.actor_id == staff,
            AuditEntry.at >= since, AuditEntry.detail.endswith(KEPT_SUFFIX)))


def test_ready_offline_is_shown_and_a_second_visit_starts_no_second_keeping(
        live_server, open_page):
    from homecare.core.timeutil import utcnow

    live_server.journey()
    since = utcnow()
    page = open_page("tablet", "nb")
    from tests.browser.checks import sign_in
    sign_in(page, live_server.url, NURSE, PASSWORD, "nb")   # lands on «I dag»: keeping
    page.goto(f"{live_server.url}/today")   # a second visit while it keeps
    page.goto(f"{live_server.url}/today")   # and a third
    page.wait_for_selector("html[data-day-kept=yes]", timeout=30000)
    assert re.search(r"Klar uten nett \(lagret kl\. \d\d[:.]\d\d\)", status(page))
    kept_pages = page.evaluate("""async () => (await (await caches.open('homecare-pages'))
                                   .keys()).filter(r => !r.url.endsWith('/today')).length""")
    # Each page was fetched to be kept once: no second keeping ran beside the first.
    assert kept_reads_by(live_server, NURSE, since) == kept_pages
    # Opened again later, nothing changed: nothing is fetched again.
    page.goto(f"{live_server.url}/today")
    page.wait_for_selector("html[data-ready-offline=yes]", timeout=30000)
    assert kept_reads_by(live_server, NURSE, since) == kept_pages


def test_a_planned_time_is_kept_as_typed(live_server):
    # Guards the helpers above: the journey's visit is at 07:00 local time.
    journey = live_server.journey()
    planned = journey_visit(live_server, journey)["planned"].astimezone(local_zone())
    assert planned.time() == time(7, 0) and planned.date() == local_today()
