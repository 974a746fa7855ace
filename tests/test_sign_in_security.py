"""Sessions, tokens and sign-in as an intruder would try them (issue 11, items 1 to 4)."""

from __future__ import annotations

from datetime import timedelta

import pytest
import sqlalchemy as sa
import time_machine

from homecare.auth.accounts import update_staff
from homecare.auth.sessions import SignInSession
from homecare.auth.throttle import ACCOUNT_FAILURES, SignInAttempt
from homecare.auth.tokens import ApiToken, issue_token
from homecare.core.extensions import db
from homecare.core.timeutil import utcnow
from homecare.visits.models import Visit
from homecare.visits.services import create_visit
from tests.factories import PASSWORD
from tests.helpers import csrf_token_from, sign_in


def _planned_visit(org) -> Visit:
    return create_visit(user=org.user_a1, staff=org.staff_a1, created_by=org.coordinator_a1,
                        kind="main", planned_start=utcnow() + timedelta(hours=3),
                        planned_minutes=30)


# 1. CSRF cannot be skipped with a junk bearer header -------------------------------------

def test_a_junk_bearer_header_does_not_skip_csrf_on_a_page(client, org):
    visit = _planned_visit(org)
    sign_in(client, "coord.a1")
    answer = client.post(f"/visits/{visit.id}/cancel", headers={"Authorization": "Bearer junk"})
    assert answer.status_code in (302, 401)
    assert answer.headers.get("Location", "").startswith("/login")
    db.session.expire_all()
    assert db.session.get(Visit, visit.id).status == "planned"


def test_a_junk_bearer_header_does_not_skip_csrf_in_the_api(client, org):
    sign_in(client, "staff.a1")
    answer = client.post("/api/v1/goals", headers={"Authorization": "Bearer junk"}, json={
        "service_user_id": str(org.user_a1.id), "description": "Gå tur",
        "expressed_by": "user", "start_date": "2026-11-01"})
    assert answer.status_code == 401
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Visit)) == 0


def test_a_valid_bearer_token_decides_who_acts_whatever_the_cookie(client, org):
    sign_in(client, "coord.a1")
    token = issue_token(org.staff_b1)[0]
    answer = client.get(f"/api/v1/service-users/{org.user_a1.id}",
                        headers={"Authorization": f"Bearer {token}"})
    assert answer.status_code == 404  # staff_b1 may not see team A1's user


# 2. Sessions end on the server -------------------------------------------------------------

def test_a_copied_cookie_opens_nothing_after_sign_out(client, org):
    sign_in(client, "staff.a1")
    copy = client.application.test_client()
    copy.set_cookie("session", client.get_cookie("session").value)
    assert copy.get("/today").status_code == 200
    client.post("/logout", data={"csrf_token": csrf_token_from(client.get("/today").text)})
    assert copy.get("/today").status_code == 302
    row = db.session.scalar(sa.select(SignInSession))
    assert row.end_reason == "signed_out" and row.ended_at is not None


def test_a_session_ends_after_30_idle_minutes(client, org):
    with time_machine.travel(utcnow(), tick=False) as clock:
        sign_in(client, "staff.a1")
        clock.shift(timedelta(minutes=29))
        assert client.get("/today").status_code == 200  # use keeps it alive
        clock.shift(timedelta(minutes=29))
        assert client.get("/today").status_code == 200
        clock.shift(timedelta(minutes=31))
        ended = client.get("/today")
        assert ended.status_code == 302
        assert "30 minutter uten aktivitet" in client.get(ended.headers["Location"]).text


def test_a_busy_session_still_ends_after_its_lifetime(client, org):
    with time_machine.travel(utcnow(), tick=False) as clock:
        sign_in(client, "staff.a1")
        for _ in range(12 * 3):
            clock.shift(timedelta(minutes=20))
            reply = client.get("/today")
            if reply.status_code != 200:
                break
        assert reply.status_code == 302
        assert db.session.scalar(sa.select(SignInSession.end_reason)) == "expired"


def test_the_idle_time_is_configurable(app, org):
    app.config["HOMECARE_SESSION_IDLE_MINUTES"] = 5
    try:
        client = app.test_client()
        with time_machine.travel(utcnow(), tick=False) as clock:
            sign_in(client, "staff.a1")
            clock.shift(timedelta(minutes=6))
            assert client.get("/today").status_code == 302
    finally:
        app.config["HOMECARE_SESSION_IDLE_MINUTES"] = 30


def test_forwarded_for_is_ignored_unless_a_proxy_is_configured(org):
    from homecare import create_app

    def address_seen(proxies: int) -> str:
        application = create_app({"HOMECARE_PROXY_COUNT": proxies, "TESTING": True})
        with application.test_request_context(
                "/", headers={"X-Forwarded-For": "203.0.113.9"},
                environ_base={"REMOTE_ADDR": "10.0.0.1"}):
            from flask import request
            return request.remote_addr

    assert address_seen(0) == "10.0.0.1"
    # ProxyFix rewrites the WSGI environ on the way in: exercise it through a request.
    application = create_app({"HOMECARE_PROXY_COUNT": 1, "TESTING": True})
    seen = {}

    @application.get("/_probe")
    def _probe():
        from flask import request
        seen["address"] = request.remote_addr
        return ""

    from homecare.core.routing import public
    public(_probe)
    application.test_client().get("/_probe", headers={"X-Forwarded-For": "203.0.113.9"})
    assert seen["address"] == "203.0.113.9"


# 3. Tokens end with a password reset or deactivation, and stay ended ---------------------

def test_a_password_reset_ends_tokens_and_sessions(client, api_as, org):
    api = api_as(org.staff_a1)
    sign_in(client, "staff.a1")
    assert api.get("/worklist").status_code == 200
    update_staff(org.staff_a1, password="et helt nytt passord")
    assert api.get("/worklist").status_code == 401
    assert client.get("/today").status_code == 302


def test_reactivation_does_not_revive_tokens(api_as, org):
    api = api_as(org.staff_a1)
    update_staff(org.staff_a1, active=False)
    update_staff(org.staff_a1, active=True)
    assert api.get("/worklist").status_code == 401
    assert db.session.scalar(sa.select(sa.func.count()).select_from(ApiToken).where(
        ApiToken.staff_id == org.staff_a1.id, ApiToken.revoked_at.is_(None))) == 0


def test_people_list_and_revoke_their_own_tokens(api_as, org):
    tablet, phone = api_as(org.staff_a1), api_as(org.staff_a1)
    listed = tablet.get("/tokens").json
    assert len(listed) == 2 and sum(t["current"] for t in listed) == 1
    assert all("token" not in t and "token_hash" not in t for t in listed)
    phone_id = next(t["id"] for t in listed if not t["current"])
    assert api_as(org.staff_a2).delete(f"/tokens/{phone_id}").status_code == 404
    assert tablet.delete(f"/tokens/{phone_id}").status_code == 204
    assert phone.get("/worklist").status_code == 401
    assert tablet.get("/worklist").status_code == 200


# 4. Brute force is throttled across workers, and failures are kept -----------------------

def _api_sign_in(client, password):
    return client.post("/api/v1/tokens", json={"username": "staff.a1", "password": password})


def test_the_right_password_is_refused_after_too_many_wrong_ones(client, org):
    for _ in range(ACCOUNT_FAILURES):
        assert _api_sign_in(client, "wrong password").status_code == 401
    refused = _api_sign_in(client, PASSWORD)
    assert refused.status_code == 429
    assert 800 < int(refused.headers["Retry-After"]) <= 900
    assert "Prøv igjen om 15 minutter" in refused.json["message"]
    page = sign_in(client, "staff.a1")
    assert page.status_code == 429 and "For mange mislykkede" in page.text
    outcomes = db.session.scalars(sa.select(SignInAttempt.outcome).order_by(SignInAttempt.id))
    assert list(outcomes) == ["failed"] * ACCOUNT_FAILURES + ["throttled", "throttled"]


def test_the_lock_lifts_when_the_failures_leave_the_window(client, org):
    with time_machine.travel(utcnow(), tick=False) as clock:
        for _ in range(ACCOUNT_FAILURES):
            _api_sign_in(client, "wrong password")
        clock.shift(timedelta(minutes=16))
        assert _api_sign_in(client, PASSWORD).status_code == 201


def test_a_success_clears_the_account_count(client, org):
    for _ in range(ACCOUNT_FAILURES - 1):
        _api_sign_in(client, "wrong password")
    assert _api_sign_in(client, PASSWORD).status_code == 201
    assert _api_sign_in(client, "wrong password").status_code == 401
    assert _api_sign_in(client, PASSWORD).status_code == 201


def test_one_address_is_throttled_across_many_usernames(client, org):
    from homecare.auth.throttle import ADDRESS_FAILURES

    for n in range(ADDRESS_FAILURES):
        client.post("/api/v1/tokens", json={"username": f"guess{n}", "password": "x"})
    assert _api_sign_in(client, PASSWORD).status_code == 429


# Hardening: passwords and the CSRF token ------------------------------------------------

@pytest.mark.parametrize(("password", "message"), [
    ("password123", "for vanlig"), ("Passord2024!", "for vanlig"), ("qwertyuiop", "for vanlig"),
    ("staff.a1-er-meg", "brukernavnet"), ("kort", "minst 10 tegn")])
def test_weak_passwords_are_refused_everywhere(api_as, org, password, message):
    answer = api_as(org.admin).patch(f"/staff/{org.staff_a1.id}", json={"password": password})
    assert answer.status_code == 422
    assert message in answer.json["errors"]["json"]["password"][0]


def test_changing_ones_own_password_ends_other_sessions_and_tokens(client, api_as, org):
    tablet = api_as(org.staff_a1)
    other_browser = client.application.test_client()
    sign_in(other_browser, "staff.a1")
    sign_in(client, "staff.a1")
    token = csrf_token_from(client.get("/account/password").text)
    wrong = client.post("/account/password", data={
        "current_password": "not it", "new_password": "et nytt langt passord",
        "repeat_password": "et nytt langt passord", "csrf_token": token})
    assert wrong.status_code == 422 and "ikke det nåværende passordet" in wrong.text
    done = client.post("/account/password", data={
        "current_password": PASSWORD, "new_password": "et nytt langt passord",
        "repeat_password": "et nytt langt passord", "csrf_token": token})
    assert done.status_code == 302
    assert client.get("/today").status_code == 200          # this browser stays signed in
    assert other_browser.get("/today").status_code == 302   # the other one does not
    assert tablet.get("/worklist").status_code == 401


def test_the_csrf_token_changes_at_sign_in(client, org):
    before = csrf_token_from(client.get("/login").text)
    sign_in(client, "staff.a1")
    after = csrf_token_from(client.get("/today").text)
    assert before != after
    # The token planted before sign-in no longer works.
    answer = client.post("/logout", data={"csrf_token": before})
    assert answer.status_code == 400
