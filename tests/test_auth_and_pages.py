"""Sign-in, sign-out, the start page per role, language and error pages."""

import pytest

from homecare.auth.accounts import deactivate_staff
from homecare.core.extensions import db
from tests.helpers import csrf_token_from, sign_in


def test_the_sign_in_page_is_norwegian_by_default(client):
    page = client.get("/login")
    assert page.status_code == 200
    assert "Logg inn" in page.text and 'lang="nb"' in page.text


def test_english_follows_the_browser_or_the_users_choice(client):
    assert "Sign in" in client.get("/login", headers={"Accept-Language": "en"}).text
    client.get("/language/en?next=/login")
    assert "Sign in" in client.get("/login").text
    client.get("/language/nb")
    assert "Logg inn" in client.get("/login", headers={"Accept-Language": "en"}).text


def test_norwegian_browser_languages_get_bokmal(client):
    assert "Logg inn" in client.get("/login", headers={"Accept-Language": "nn, en;q=0.5"}).text


def test_wrong_password_says_so_and_keeps_the_username(client, org):
    response = sign_in(client, "staff.a1", "wrong-password")
    assert response.status_code == 422
    assert "Feil brukernavn eller passord." in response.text
    assert 'value="staff.a1"' in response.text


def test_empty_fields_are_named(client):
    page = client.get("/login")
    response = client.post("/login", data={"csrf_token": csrf_token_from(page.text)})
    assert response.status_code == 422
    assert "Skriv inn brukernavnet ditt." in response.text
    assert "Skriv inn passordet ditt." in response.text


def test_sign_in_and_the_start_page_for_a_team_member(client, org):
    response = sign_in(client, "Staff.A1")  # usernames ignore case
    assert response.status_code == 302 and response.headers["Location"] == "/today"
    page = client.get("/")
    assert page.status_code == 200
    assert "Test staff.a1" in page.text and "Teammedlem" in page.text
    assert "Team A1" in page.text and "Team A2" not in page.text


def test_the_section_leader_sees_their_sections_teams_and_no_users(client, org):
    sign_in(client, "leader.a")
    page = client.get("/").text
    assert "Seksjonsleder" in page and "Seksjon A" in page
    assert "Team A1" in page and "Team A2" in page and "Team B1" not in page
    assert org.user_a1.full_name not in page


def test_the_admin_sees_every_section(client, org):
    sign_in(client, "admin")
    page = client.get("/").text
    assert "Seksjon A" in page and "Seksjon B" in page and "Team B1" in page


def test_the_session_cookie_is_httponly_and_samesite(client, org):
    response = sign_in(client, "staff.a1")
    [cookie] = [c for c in response.headers.getlist("Set-Cookie") if c.startswith("session=")]
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie


def test_sign_out_needs_a_post_with_the_csrf_token(client, org):
    sign_in(client, "staff.a1")
    assert client.get("/logout").status_code == 405
    assert client.post("/logout").status_code == 400
    token = csrf_token_from(client.get("/").text)
    response = client.post("/logout", data={"csrf_token": token})
    assert response.status_code == 302
    assert client.get("/").status_code == 302


def test_a_deactivated_account_is_signed_out_and_cannot_sign_in(client, org):
    sign_in(client, "staff.a1")
    deactivate_staff(org.staff_a1)
    db.session.flush()
    assert client.get("/").status_code == 302
    assert sign_in(client, "staff.a1").status_code == 422


def test_after_sign_in_only_local_redirects_are_followed(client, org):
    page = client.get("/login")
    token = csrf_token_from(page.text)
    response = client.post("/login?next=https://evil.example/", data={
        "username": "staff.a1", "password": "correct-horse-battery", "csrf_token": token})
    assert response.headers["Location"] == "/today"   # where their work is, not evil


@pytest.mark.parametrize("path", ["/no-such-page", "/api/v1/no-such-thing"])
def test_not_found_speaks_the_callers_language(client, org, path):
    sign_in(client, "staff.a1")
    response = client.get(path)
    assert response.status_code == 404
    if path.startswith("/api/"):
        message = "Vi fant ikke siden, eller du har ikke tilgang til den."
        assert response.json == {"code": 404, "status": "Not Found", "message": message}
    else:
        assert "Vi fant ikke siden" in response.text


def test_anonymous_api_requests_are_not_redirected_to_a_page(client):
    response = client.get("/api/v1/anything")
    assert response.status_code == 404 and response.is_json


def test_pages_carry_security_headers_and_are_not_cached(client, org):
    sign_in(client, "staff.a1")
    response = client.get("/")
    assert response.headers["X-Frame-Options"] == "DENY"
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert "default-src 'self'" in response.headers["Content-Security-Policy"]
    assert response.headers["Cache-Control"] == "no-store"


def test_each_role_lands_where_its_work_is(app, org):
    """A team member on today's work, a coordinator on the team board, a section leader
    on the section's dashboard; an administrator on the start page."""
    expected = {"staff.a1": "/today", "coord.a1": f"/teams/{org.team_a1.id}/board",
                "leader.a": f"/sections/{org.section_a.id}/dashboard", "admin": "/"}
    for username, landing in expected.items():
        client = app.test_client()
        assert sign_in(client, username).headers["Location"] == landing, username
        assert client.get(landing).status_code == 200, username
        assert client.get("/login").headers["Location"] == landing, username


def test_a_local_next_still_wins_over_the_landing(client, org):
    page = client.get("/login")
    response = client.post(f"/login?next=/users/{org.user_a1.id}", data={
        "username": "staff.a1", "password": "correct-horse-battery",
        "csrf_token": csrf_token_from(page.text)})
    assert response.headers["Location"] == f"/users/{org.user_a1.id}"
