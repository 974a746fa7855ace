"""Administration pages: accounts, teams and sections, only for administrators."""

import sqlalchemy as sa

from homecare.core.extensions import db
from homecare.org.models import Role, Section, Staff, Team
from tests.helpers import csrf_token_from, post_form, sign_in


def count(model) -> int:
    return db.session.scalar(sa.select(sa.func.count()).select_from(model))


def test_an_admin_creates_an_account_and_a_refusal_keeps_the_form(client, org):
    sign_in(client, "admin")
    before = count(Staff)
    refused = post_form(client, "/admin/staff/new", {
        "username": "Ny Person", "full_name": "Nina Nyansatt", "password": "kort",
        "role": "staff", "profession": "nurse", "section_id": "None"})
    assert refused.status_code == 422 and count(Staff) == before
    assert "Passordet må ha minst 10 tegn." in refused.text
    assert "Teammedlemmer og koordinatorer må høre til minst ett team." in refused.text
    assert 'value="Nina Nyansatt"' in refused.text
    created = post_form(client, "/admin/staff/new", {
        "username": "nina.nyansatt", "full_name": "Nina Nyansatt",
        "password": "et-langt-passord", "role": "staff", "profession": "nurse",
        "section_id": "None", "team_ids": [str(org.team_a1.id), str(org.team_a2.id)]})
    assert created.status_code == 302
    nina = db.session.scalar(sa.select(Staff).where(Staff.username == "nina.nyansatt"))
    assert nina.team_ids == {org.team_a1.id, org.team_a2.id} and nina.role is Role.STAFF
    assert "Nina Nyansatt" in client.get("/admin/staff?q=nina").text
    assert "Nina Nyansatt" not in client.get("/admin/staff?q=ingen-slik").text


def test_an_account_an_admin_creates_chooses_its_own_password_first(client, api_as, org):
    # Issue 33, L8: an administrator's new account kept the password the administrator
    # chose (a reset already made the person choose their own).
    sign_in(client, "admin")
    post_form(client, "/admin/staff/new", {
        "username": "nina.nyansatt", "full_name": "Nina Nyansatt",
        "password": "et-langt-passord", "role": "staff", "profession": "nurse",
        "section_id": "None", "team_ids": [str(org.team_a1.id)]})
    api_as(org.admin).post("/staff", json={
        "username": "ola.nyansatt", "password": "et-annet-langt-passord",
        "full_name": "Ola Nyansatt", "role": "staff", "team_ids": [org.team_a1.id]})
    for username, password in (("nina.nyansatt", "et-langt-passord"),
                               ("ola.nyansatt", "et-annet-langt-passord")):
        nurse = client.application.test_client()
        assert sign_in(nurse, username, password).headers["Location"] == "/account/password"
        assert nurse.get("/today").headers["Location"] == "/account/password"
        token = api_as().post("/tokens", json={"username": username, "password": password})
        assert token.status_code == 403, token.json


def test_an_admin_changes_role_and_teams_and_deactivates(client, org):
    sign_in(client, "admin")
    path = f"/admin/staff/{org.staff_a1.id}"
    assert 'value="Test staff.a1"' in client.get(path).text
    promoted = post_form(client, path, {
        "full_name": "Test staff.a1", "role": "coordinator", "profession": "nurse",
        "section_id": "None", "team_ids": [str(org.team_a1.id)], "active": "y"})
    assert promoted.status_code == 302
    db.session.expire_all()
    assert org.staff_a1.role is Role.COORDINATOR
    nurse = client.application.test_client()
    sign_in(nurse, "staff.a1")
    assert nurse.get("/today").status_code == 200
    deactivated = post_form(client, path, {
        "full_name": "Test staff.a1", "role": "coordinator", "profession": "nurse",
        "section_id": "None", "team_ids": [str(org.team_a1.id)]})
    assert deactivated.status_code == 302
    db.session.expire_all()
    assert not org.staff_a1.active
    assert nurse.get("/today").status_code == 302  # the session ended


def test_an_admin_resets_a_password(client, org):
    sign_in(client, "admin")
    path = f"/admin/staff/{org.staff_a1.id}"
    token = csrf_token_from(client.get(path).text)
    short = client.post(f"{path}/password", data={"new_password": "kort", "csrf_token": token})
    assert short.status_code == 422 and "Passordet må ha minst 10 tegn." in short.text
    done = client.post(f"{path}/password", data={"new_password": "helt-nytt-passord",
                                                  "csrf_token": token})
    assert done.status_code == 302
    nurse = client.application.test_client()
    signed_in = sign_in(nurse, "staff.a1", "helt-nytt-passord")
    assert signed_in.headers["Location"] == "/account/password"
    # Until the nurse has chosen a password of their own, every page leads back here.
    assert nurse.get("/today").headers["Location"] == "/account/password"
    token = csrf_token_from(nurse.get("/account/password").text)
    chosen = nurse.post("/account/password", data={
        "current_password": "helt-nytt-passord", "new_password": "mitt eget lange passord",
        "repeat_password": "mitt eget lange passord", "csrf_token": token})
    assert chosen.status_code == 302
    assert nurse.get("/today").status_code == 200


def test_an_admin_creates_and_renames_sections_and_teams(client, org):
    sign_in(client, "admin")
    assert post_form(client, "/admin/organisation", {"section-name": "Seksjon C"}
                     ).status_code == 302
    section = db.session.scalar(sa.select(Section).where(Section.name == "Seksjon C"))
    taken = post_form(client, "/admin/organisation", {"team-name": "Team A1",
                                                      "team-section_id": str(org.section_a.id)})
    assert taken.status_code == 422 and "Seksjonen har allerede et team med dette navnet." in (
        taken.text)
    assert post_form(client, "/admin/organisation", {
        "team-name": "Team C1", "team-section_id": str(section.id)}).status_code == 302
    team = db.session.scalar(sa.select(Team).where(Team.name == "Team C1"))
    blank = post_form(client, f"/admin/teams/{team.id}", {"name": " ",
                                                          "section_id": str(section.id)})
    assert blank.status_code == 422
    too_long = post_form(client, f"/admin/teams/{team.id}", {
        "name": "Team A3", "section_id": str(org.section_a.id), "phone": "1" * 41})
    assert too_long.status_code == 422 and "Høyst 40 tegn." in too_long.text
    assert post_form(client, f"/admin/teams/{team.id}", {
        "name": "Team A3", "section_id": str(org.section_a.id),
        "phone": "23 42 70 00"}).status_code == 302
    assert post_form(client, f"/admin/sections/{section.id}", {"name": "Seksjon Ny"}
                     ).status_code == 302
    db.session.expire_all()
    assert (team.name, team.section_id, team.phone, section.name) == (
        "Team A3", org.section_a.id, "23 42 70 00", "Seksjon Ny")
    page = client.get("/admin/organisation").text
    assert "Seksjon Ny" in page and "Team A3" in page


def test_only_administrators_reach_administration(client, org):
    for username in ("leader.a", "coord.a1", "staff.a1"):
        other = client.application.test_client()
        sign_in(other, username)
        for path in ("/admin/staff", "/admin/staff/new", "/admin/organisation",
                     f"/admin/staff/{org.staff_a1.id}", f"/admin/teams/{org.team_a1.id}",
                     f"/admin/sections/{org.section_a.id}"):
            assert other.get(path).status_code == 403, (username, path)
