"""Tokens, ``me`` and the organisation endpoints."""

import json
from datetime import timedelta

import sqlalchemy as sa

from homecare.auth.tokens import ApiToken
from homecare.core.extensions import db
from homecare.core.timeutil import utcnow
from tests.factories import PASSWORD


def test_sign_in_with_a_password_and_use_the_token(api_as, org):
    anonymous = api_as()
    response = anonymous.post("/tokens", json={"username": "staff.a1", "password": PASSWORD})
    assert response.status_code == 201
    body = response.json
    assert set(body) == {"token", "expires_at"}
    stored = db.session.scalars(sa.select(ApiToken.token_hash)).all()
    assert body["token"] not in stored  # only the hash is kept
    me = anonymous.get("/me", headers={"Authorization": f"Bearer {body['token']}"})
    assert me.status_code == 200
    assert me.json["username"] == "staff.a1" and "password" not in me.json


def test_a_wrong_password_gets_401_with_a_message(api_as, org):
    response = api_as().post("/tokens", json={"username": "staff.a1", "password": "nope"})
    assert response.status_code == 401
    assert response.json["message"] == "Feil brukernavn eller passord."


def test_the_token_request_is_validated(api_as):
    response = api_as().post("/tokens", json={"username": "x", "extra": 1})
    assert response.status_code == 422
    assert response.json["errors"]["json"] == {"password": ["Feltet må fylles ut."],
                                               "extra": ["Ukjent felt."]}


def test_messages_follow_the_callers_language(api_as):
    response = api_as().post("/tokens", json={}, headers={"Accept-Language": "en"})
    assert response.json["errors"]["json"]["username"] == ["Missing data for required field."]


def test_malformed_json_is_a_400(api_as):
    response = api_as().post("/tokens", data="{not json", content_type="application/json")
    assert response.status_code == 400


def test_without_a_token_the_api_answers_401(api_as):
    response = api_as().get("/me")
    assert response.status_code == 401
    assert response.json["code"] == 401 and response.headers["WWW-Authenticate"].startswith(
        "Bearer")


def test_revoked_expired_and_deactivated_tokens_stop_working(api_as, org):
    client = api_as(org.staff_a1)
    assert client.get("/me").status_code == 200
    assert client.delete("/tokens/current").status_code == 204
    assert client.get("/me").status_code == 401

    expiring = api_as(org.staff_a1)
    db.session.execute(sa.update(ApiToken).values(expires_at=utcnow() - timedelta(seconds=1)))
    assert expiring.get("/me").status_code == 401

    fresh = api_as(org.staff_a2)
    assert fresh.get("/me").status_code == 200
    admin = api_as(org.admin)
    assert admin.patch(f"/staff/{org.staff_a2.id}", json={"active": False}).status_code == 200
    assert fresh.get("/me").status_code == 401


def test_cookie_sessions_need_csrf_for_writes_bearer_requests_do_not(app, org, api_as):
    from tests.helpers import sign_in

    browser = app.test_client()
    sign_in(browser, "admin")
    assert browser.get("/api/v1/me").status_code == 200
    assert browser.post("/api/v1/sections", json={"name": "Ny"}).status_code == 400
    assert api_as(org.admin).post("/sections", json={"name": "Ny"}).status_code == 201


def test_admins_manage_sections_teams_and_staff(api_as, org):
    admin = api_as(org.admin)
    section = admin.post("/sections", json={"name": "Seksjon C"})
    assert section.status_code == 201
    team = admin.post("/teams", json={"name": "Team C1", "section_id": section.json["id"]})
    assert team.status_code == 201
    staff = admin.post("/staff", json={
        "username": "nina", "password": "long-enough-password", "full_name": "Nina N",
        "role": "staff", "profession": "nurse", "team_ids": [team.json["id"]]})
    assert staff.status_code == 201
    assert staff.json["team_ids"] == [team.json["id"]] and staff.json["active"] is True
    renamed = admin.patch(f"/teams/{team.json['id']}", json={"name": "Team C-1"})
    assert renamed.json["name"] == "Team C-1"
    assert renamed.json["phone"] is None
    phoned = admin.patch(f"/teams/{team.json['id']}", json={"phone": " 23 42 70 00 "})
    assert (phoned.json["name"], phoned.json["phone"]) == ("Team C-1", "23 42 70 00")
    too_long = admin.patch(f"/teams/{team.json['id']}", json={"phone": "1" * 41})
    assert too_long.status_code == 422 and "phone" in too_long.json["errors"]["json"]
    assert admin.patch(f"/teams/{team.json['id']}", json={"phone": None}).json["phone"] is None
    with_phone = admin.post("/teams", json={"name": "Team C2", "section_id": section.json["id"],
                                            "phone": "23 42 71 00"})
    assert with_phone.status_code == 201 and with_phone.json["phone"] == "23 42 71 00"
    listed = admin.get("/sections?page_size=2")
    assert json.loads(listed.headers["X-Pagination"]) == {
        "total": 3, "total_pages": 2, "page": 1, "page_size": 2}


def test_staff_placement_rules_are_422s(api_as, org):
    response = api_as(org.admin).post("/staff", json={
        "username": "leader2", "password": "long-enough-password", "full_name": "L",
        "role": "section_leader"})
    assert response.status_code == 422
    assert "section_id" in response.json["errors"]["json"]


def test_who_sees_which_part_of_the_organisation(api_as, org):
    leader = api_as(org.leader_a)
    assert [s["name"] for s in leader.get("/sections").json] == ["Seksjon A"]
    assert {t["name"] for t in leader.get("/teams").json} == {"Team A1", "Team A2"}
    assert leader.get(f"/sections/{org.section_b.id}").status_code == 404  # as for none
    assert leader.get("/staff").status_code == 403

    coordinator = api_as(org.coordinator_a1)
    assert coordinator.get("/sections").status_code == 403
    assert [t["name"] for t in coordinator.get("/teams").json] == ["Team A1"]
    assert {s["username"] for s in coordinator.get("/staff").json} == {"coord.a1", "staff.a1"}
    assert coordinator.get(f"/staff/{org.staff_a2.id}").status_code == 404  # as for no one
    assert coordinator.post("/teams", json={"name": "X", "section_id": org.section_a.id}
                            ).status_code == 403

    staff = api_as(org.staff_a1)
    # Team members see their teammates (names and professions): they work together.
    assert {s["username"] for s in staff.get("/staff").json} == {"coord.a1", "staff.a1"}
    assert staff.get(f"/staff/{org.staff_a1.id}").status_code == 200
    assert staff.patch(f"/staff/{org.staff_a1.id}", json={"role": "admin"}).status_code == 403


def test_a_nul_character_is_a_422_not_a_server_error(api_as, org):
    response = api_as().post("/tokens", json={"username": "a\x00b", "password": "x"})
    assert response.status_code == 422
    assert "username" in response.json["errors"]["json"]
    listed = api_as(org.staff_a1).get("/service-users?q=a%00b")
    assert listed.status_code == 422


def test_the_sign_in_form_refuses_a_nul_character_quietly(client, org):
    from tests.helpers import sign_in

    refused = sign_in(client, "staff.a1\x00")
    assert refused.status_code == 400 and "tegn som ikke er tillatt" in refused.text
