"""Single sign-on against a real OpenID provider (oidc-provider, started by the tests):
the code flow with PKCE, state and nonce; an account linked by an invitation and then by
its subject alone; every tampered or misplaced answer refused; the rules of a password
sign-in (throttle, sessions, attempts kept); sign-out at the provider too; and local
passwords turned off."""

from __future__ import annotations

from datetime import timedelta
from html import unescape
from urllib.parse import parse_qs, urlsplit

import pytest
import sqlalchemy as sa
import time_machine

from homecare.auth.identities import ExternalIdentity, SignInInvitation
from homecare.auth.oidc import UNIDENTIFIED, invite
from homecare.auth.sessions import SignInSession
from homecare.auth.throttle import SignInAttempt
from homecare.core.audit import AuditAction, AuditEntry
from homecare.core.extensions import db
from homecare.core.timeutil import utcnow
from tests.factories import PASSWORD
from tests.helpers import csrf_token_from, sign_in
from tests.oidc_provider import APP, CLIENT_ID, Browser, openid_provider  # noqa: F401

KARI = "kari.sso"
REFUSED = "Innloggingen kunne ikke fullføres. Prøv igjen."


@pytest.fixture
def provider(app, openid_provider, monkeypatch):  # noqa: F811 - the session fixture
    """The app set up for the test provider (settings are read per request)."""
    for name, value in openid_provider.settings().items():
        monkeypatch.setitem(app.config, name, value)
    return openid_provider


@pytest.fixture
def kari(org, provider):
    """staff_a1, linked to the provider's account ``kari.sso``."""
    db.session.add(ExternalIdentity(staff=org.staff_a1, issuer=provider.issuer, subject=KARI))
    db.session.flush()
    return org.staff_a1


def _start(client):
    started = client.get("/login/sso")
    assert started.status_code == 302
    return started.headers["Location"]


def sso_sign_in(client, browser, login):
    """Through the provider and back; the app's answer to the callback."""
    return client.get(browser.authorize(_start(client), login))


def _signed_in_as(client) -> int | None:
    answer = client.get("/api/v1/me", headers={"Accept": "application/json"})
    return answer.json["id"] if answer.status_code == 200 else None


def _attempts(username: str) -> list[str]:
    return [str(outcome) for outcome in db.session.scalars(
        sa.select(SignInAttempt.outcome).where(SignInAttempt.username == username)
        .order_by(SignInAttempt.id))]


def test_the_authorization_request_carries_state_nonce_and_pkce(app, provider):
    query = parse_qs(urlsplit(_start(app.test_client())).query)
    assert query["client_id"] == [CLIENT_ID] and query["response_type"] == ["code"]
    assert query["code_challenge_method"] == ["S256"] and len(query["code_challenge"][0]) >= 43
    assert len(query["state"][0]) >= 20 and len(query["nonce"][0]) >= 20
    assert query["redirect_uri"] == [f"{APP}/login/sso/callback"]
    assert "openid" in query["scope"][0].split()


def test_an_invitation_links_the_account_and_later_the_subject_alone_signs_in(
        app, org, provider):
    admin = app.test_client()
    sign_in(admin, org.admin.username)
    account = admin.get(f"/admin/staff/{org.staff_a1.id}")
    assert "Ikke koblet ennå" in account.text
    made = admin.post(f"/admin/staff/{org.staff_a1.id}/invitation",
                      data={"csrf_token": csrf_token_from(account.text)})
    assert made.status_code == 200
    link = made.text.split('<code id="invitation-link">')[1].split("</code>")[0]
    assert link.startswith(f"{APP}/login/sso/invitation/")

    person = app.test_client()
    sign_in(person, org.staff_a2.username)  # someone else was signed in on this browser
    invited = person.get(link.removeprefix(APP))
    assert db.session.scalar(sa.select(SignInSession.ended_at).where(
        SignInSession.staff_id == org.staff_a2.id)) is not None
    assert invited.status_code == 302
    back = person.get(Browser().authorize(invited.headers["Location"], KARI))
    assert back.status_code == 302 and _signed_in_as(person) == org.staff_a1.id
    [identity] = db.session.scalars(sa.select(ExternalIdentity)).all()
    assert (identity.staff_id, identity.issuer, identity.subject) == (
        org.staff_a1.id, provider.issuer, KARI)
    assert db.session.scalar(sa.select(SignInInvitation.used_at)) is not None
    [linked] = db.session.scalars(sa.select(AuditEntry).where(
        AuditEntry.entity == "staff_identities")).all()
    assert (linked.action, linked.actor_id) == (AuditAction.CREATE, org.staff_a1.id)
    assert _attempts(org.staff_a1.username) == ["succeeded"]

    # Used once: the link opens nothing now.
    assert app.test_client().get(link.removeprefix(APP)).status_code == 404
    # Another day, another browser: the subject alone signs in, as the same account.
    later = app.test_client()
    assert sso_sign_in(later, Browser(), KARI).status_code == 302
    assert _signed_in_as(later) == org.staff_a1.id
    assert db.session.scalar(sa.select(sa.func.count()).select_from(SignInSession).where(
        SignInSession.staff_id == org.staff_a1.id, SignInSession.ended_at.is_(None))) == 2


@pytest.mark.parametrize("tampering", ["wrong_audience", "wrong_issuer", "expired",
                                       "bad_signature"])
def test_a_tampered_id_token_is_refused(app, kari, provider, tampering):
    browser = Browser()
    provider.tamper_next_id_token(tampering)
    client = app.test_client()
    answer = sso_sign_in(client, browser, KARI)
    assert answer.status_code == 401 and REFUSED in answer.text
    assert _signed_in_as(client) is None
    assert _attempts(UNIDENTIFIED) == ["failed"] and _attempts(kari.username) == []
    # The same person, the same provider session, an honest token: signed in.
    again = app.test_client()
    assert sso_sign_in(again, browser, None).status_code == 302
    assert _signed_in_as(again) == kari.id


def test_an_unknown_subject_is_refused_even_with_a_staff_members_name(app, org, kari):
    for login in ("stranger", "namesake"):  # "namesake" is called "Test staff.a1" there
        client = app.test_client()
        answer = sso_sign_in(client, Browser(), login)
        assert answer.status_code == 403
        assert "er ikke koblet til en konto her" in answer.text
        assert _signed_in_as(client) is None
    assert org.staff_a1.full_name == "Test staff.a1"
    assert _attempts(UNIDENTIFIED) == ["failed", "failed"]
    assert db.session.scalar(sa.select(sa.func.count()).select_from(ExternalIdentity)) == 1


def test_a_replayed_nonce_or_callback_is_refused(app, kari):
    browser = Browser()
    first = app.test_client()
    authorization = _start(first)
    before_callback = first.get_cookie("session").value
    callback = browser.authorize(authorization, KARI)
    assert first.get(callback).status_code == 302 and _signed_in_as(first) == kari.id

    # The same callback again, from a copy of the browser's cookie before it was used:
    # the provider will not exchange a code twice.
    copy = app.test_client()
    copy.set_cookie("session", before_callback)
    assert copy.get(callback).status_code == 401 and _signed_in_as(copy) is None

    # A new code for the same request (same state, verifier and nonce): everything is
    # valid and fresh, but the nonce has signed someone in already.
    replay = app.test_client()
    replay.set_cookie("session", before_callback)
    fresh = browser.authorize(authorization, None)
    assert fresh != callback
    refused = replay.get(fresh)
    assert refused.status_code == 401 and REFUSED in refused.text
    assert _signed_in_as(replay) is None


def test_a_callback_this_browser_did_not_start_is_refused(app, kari):
    callback = Browser().authorize(_start(app.test_client()), KARI)
    other = app.test_client()  # another browser: its session holds no such state
    assert other.get(callback).status_code == 401 and _signed_in_as(other) is None


def test_a_deactivated_account_is_refused(app, kari):
    kari.active = False
    db.session.flush()
    client = app.test_client()
    assert sso_sign_in(client, Browser(), KARI).status_code == 403
    assert _signed_in_as(client) is None
    assert _attempts(kari.username) == ["failed"]


def test_a_locked_account_is_refused_through_the_provider_too(app, kari):
    for _ in range(5):
        assert sign_in(app.test_client(), kari.username, "wrong-password-1").status_code == 422
    client = app.test_client()
    answer = sso_sign_in(client, Browser(), KARI)
    assert answer.status_code == 429 and int(answer.headers["Retry-After"]) > 0
    assert _signed_in_as(client) is None
    assert _attempts(kari.username)[-1] == "throttled"


def test_the_session_ends_when_idle_as_any_other(app, kari):
    client = app.test_client()
    assert sso_sign_in(client, Browser(), KARI).status_code == 302
    assert client.get("/today").status_code == 200
    with time_machine.travel(utcnow() + timedelta(minutes=31), tick=False):
        assert client.get("/today").status_code == 302


def test_a_password_someone_else_set_does_not_hold_a_provider_sign_in(app, kari):
    kari.must_change_password = True
    db.session.flush()
    client = app.test_client()
    assert sso_sign_in(client, Browser(), KARI).status_code == 302
    assert client.get("/today").status_code == 200


def test_signing_out_ends_the_providers_session_too(app, kari, provider):
    browser = Browser()
    client = app.test_client()
    assert sso_sign_in(client, browser, KARI).status_code == 302
    assert not browser.asks_for_sign_in(_start(app.test_client()))  # one sign-in for all

    token = csrf_token_from(client.get("/today").text)
    page = client.post("/logout", data={"csrf_token": token})
    assert page.status_code == 200
    link = page.text.split('href="')[-1].split('"')[0]  # the page's last link
    assert 'id="provider-sign-out"' in page.text and f'content="0;url={link}"' in page.text
    provider_url = unescape(link)
    query = parse_qs(urlsplit(provider_url).query)
    assert provider_url.startswith(f"{provider.issuer}/session/end?")
    assert query["post_logout_redirect_uri"] == [f"{APP}/login"]
    assert query["client_id"] == [CLIENT_ID] and query["id_token_hint"][0].count(".") == 2
    assert _signed_in_as(client) is None  # our session ended first

    assert browser.sign_out_at_provider(provider_url) == "/login"
    assert browser.asks_for_sign_in(_start(app.test_client()))


def test_a_password_sign_in_signs_out_here_only(app, org, provider):
    client = app.test_client()
    sign_in(client, org.staff_a1.username)
    token = csrf_token_from(client.get("/today").text)
    signed_out = client.post("/logout", data={"csrf_token": token})
    assert signed_out.status_code == 302 and signed_out.headers["Location"] == "/login"


def test_with_passwords_turned_off_only_the_provider_signs_in(app, org, kari, monkeypatch):
    client = app.test_client()
    token = csrf_token_from(client.get("/login").text)  # a form shown before the change
    monkeypatch.setitem(app.config, "HOMECARE_PASSWORD_SIGN_IN", False)
    page = client.get("/login")
    assert page.status_code == 200 and 'id="single-sign-on"' in page.text
    assert 'name="password"' not in page.text
    assert client.post("/login", data={"username": kari.username, "password": PASSWORD,
                                       "csrf_token": token}).status_code == 404
    assert _signed_in_as(client) is None
    refused = client.post("/api/v1/tokens", json={"username": kari.username,
                                                  "password": PASSWORD})
    assert refused.status_code == 403
    assert sso_sign_in(client, Browser(), KARI).status_code == 302
    assert client.get("/account/password").status_code == 404

    admin = app.test_client()
    assert sso_sign_in(admin, Browser(), "admin.sso").status_code == 403  # not linked
    code, _invitation = invite(org.admin, None)
    invited = admin.get(f"/login/sso/invitation/{code}")
    assert admin.get(Browser().authorize(invited.headers["Location"], "admin.sso")
                     ).status_code == 302
    form = admin.get("/admin/staff/new")
    assert 'name="password"' not in form.text
    created = admin.post("/admin/staff/new", data={
        "csrf_token": csrf_token_from(form.text), "username": "ny.ansatt",
        "full_name": "Ny Ansatt", "role": "staff", "profession": "nurse",
        "team_ids": str(org.team_a1.id)})
    assert created.status_code == 302
    assert admin.post(f"/admin/staff/{org.staff_a1.id}/password", data={
        "csrf_token": csrf_token_from(form.text), "new_password": "x" * 12}).status_code == 404


def test_an_invitation_relinks_a_new_provider_account_but_never_takes_anothers(
        app, org, kari):
    code, _invitation = invite(org.staff_a2, None)
    client = app.test_client()
    invited = client.get(f"/login/sso/invitation/{code}")
    refused = client.get(Browser().authorize(invited.headers["Location"], KARI))
    assert refused.status_code == 403 and "allerede koblet til en annen konto" in refused.text
    assert _signed_in_as(client) is None

    code, _invitation = invite(kari, None)  # Kari has a new account at the provider
    client = app.test_client()
    invited = client.get(f"/login/sso/invitation/{code}")
    assert client.get(Browser().authorize(invited.headers["Location"], "kari.new")
                      ).status_code == 302
    assert _signed_in_as(client) == kari.id
    subjects = db.session.execute(sa.select(ExternalIdentity.staff_id,
                                            ExternalIdentity.subject)).all()
    assert subjects == [(kari.id, "kari.new")]
    assert sso_sign_in(app.test_client(), Browser(), KARI).status_code == 403


def test_an_expired_invitation_opens_nothing(app, org, provider):
    code, invitation = invite(org.staff_a1, None)
    invitation.expires_at = utcnow() - timedelta(seconds=1)
    db.session.flush()
    answer = app.test_client().get(f"/login/sso/invitation/{code}")
    assert answer.status_code == 404 and "kan ikke brukes" in answer.text


def test_the_invite_command_prints_a_working_link(app, org, provider, monkeypatch):
    monkeypatch.setitem(app.config, "HOMECARE_PUBLIC_URL", APP)
    done = app.test_cli_runner().invoke(args=["invite", org.staff_a1.username])
    assert done.exit_code == 0, done.output
    link = done.output.split()[-1]
    assert link.startswith(f"{APP}/login/sso/invitation/")
    client = app.test_client()
    invited = client.get(link.removeprefix(APP))
    assert client.get(Browser().authorize(invited.headers["Location"], KARI)
                      ).status_code == 302
    assert _signed_in_as(client) == org.staff_a1.id
    unknown = app.test_cli_runner().invoke(args=["invite", "nobody.here"])
    assert unknown.exit_code != 0 and "nobody.here" in unknown.output


@pytest.mark.parametrize(("settings", "problem"), [
    ({"HOMECARE_OIDC_ISSUER": "https://login.example"}, "HOMECARE_OIDC_CLIENT_ID"),
    ({"HOMECARE_OIDC_ISSUER": "http://login.example", "HOMECARE_OIDC_CLIENT_ID": "a",
      "HOMECARE_OIDC_CLIENT_SECRET": "b", "HOMECARE_ENV": "production",
      "HOMECARE_BASE_URL": "https://hjemmetjeneste.example.no"}, "https://"),
    ({"HOMECARE_PASSWORD_SIGN_IN": "off"}, "nobody could sign in"),
    ({"HOMECARE_PASSWORD_SIGN_IN": "maybe"}, "on or off"),
])
def test_settings_that_would_leave_sign_in_unsafe_or_impossible_are_refused(
        monkeypatch, tmp_path, settings, problem):
    from homecare.config import ConfigurationError, Settings

    monkeypatch.setenv("SECRET_KEY", "s" * 40)
    for name, value in settings.items():
        monkeypatch.setenv(name, value)
    with pytest.raises(ConfigurationError, match=problem):
        Settings.from_environment(tmp_path)


def test_a_provider_that_does_not_answer_gets_a_clear_page_not_an_error(
        app, provider, monkeypatch):
    from tests.processes import free_port

    monkeypatch.setitem(app.config, "HOMECARE_OIDC_ISSUER", f"http://127.0.0.1:{free_port()}")
    answer = app.test_client().get("/login/sso")
    assert answer.status_code == 503 and "svarer ikke" in answer.text
    callback = app.test_client().get("/login/sso/callback?code=x&state=y")
    assert callback.status_code == 503
