"""Bad input gets a clear 4xx in the caller's language, never a 500 (issue 11)."""

from __future__ import annotations

import json
import re
from datetime import timedelta

import pytest
import sqlalchemy as sa

from homecare.core.extensions import db
from homecare.core.timeutil import local_today, utcnow
from homecare.goals.models import Goal
from homecare.service_users.models import ServiceUser
from homecare.visits.services import create_visit
from tests.helpers import csrf_token_from, sign_in

EXTREME_TIMESTAMPS = ("0001-01-01T00:00:00+01:00", "9999-12-31T23:59:59-05:00")
EXTREME_DAYS = ("0001-01-01", "9999-12-31")


def _visit_body(org, start: str) -> dict:
    return {"service_user_id": str(org.user_a1.id), "staff_id": org.staff_a1.id,
            "kind": "short", "planned_start": start, "planned_minutes": 20}


@pytest.mark.parametrize("moment", EXTREME_TIMESTAMPS)
def test_extreme_timestamps_in_api_bodies_are_422(api_as, org, moment):
    answer = api_as(org.staff_a1).post("/visits", json=_visit_body(org, moment))
    assert answer.status_code == 422
    assert answer.json["errors"]["json"]["planned_start"] == ["Velg en dato fra 01.01.1900 til "
                                                               "31.12.2199."]


@pytest.mark.parametrize("day", EXTREME_DAYS)
def test_extreme_days_in_query_strings_are_422(api_as, org, day):
    api = api_as(org.coordinator_a1)
    for path in (f"/visits?from={day}", f"/visits?to={day}", f"/worklist?date={day}",
                 f"/indicators?team_id={org.team_a1.id}&date={day}"):
        assert api.get(path).status_code == 422, path


@pytest.mark.parametrize("day", EXTREME_DAYS)
def test_extreme_days_on_the_pages_fall_back_or_are_refused(client, org, day):
    sign_in(client, "coord.a1")
    planner = f"/teams/{org.team_a1.id}/planner"
    for path in (f"{planner}?week={day}", f"{planner}/new?day={day}",
                 f"{planner}/continuity?day={day}",
                 f"/users/{org.user_a1.id}/access-log?from={day}&to={day}"):
        assert client.get(path).status_code < 500, path
    goal_page = f"/users/{org.user_a1.id}/goals/new"
    token = csrf_token_from(client.get(goal_page).text)
    refused = client.post(goal_page, data={
        "description": "Gå tur", "expressed_by": "user", "start_date": day,
        "checkin_interval_days": "28", "csrf_token": token})
    assert refused.status_code == 422 and "Velg en dato fra 01.01.1900" in refused.text


def test_a_lone_surrogate_is_refused_as_invalid_json(api_as, org):
    body = json.dumps({"service_user_id": str(org.user_a1.id), "description": "@",
                       "expressed_by": "user", "start_date": str(local_today())}
                      ).replace('"@"', '"\\ud800x"')
    answer = api_as(org.staff_a1).post("/goals", data=body,
                                       content_type="application/json")
    assert answer.status_code == 400
    assert answer.json["errors"]["json"] == ["Ugyldig JSON i forespørselen."]


def test_json_nested_50000_deep_is_refused(api_as, org):
    body = "[" * 50_000 + "]" * 50_000
    answer = api_as(org.staff_a1).post("/goals", data=body,
                                       content_type="application/json")
    assert answer.status_code == 400


def test_a_nul_byte_in_a_form_is_refused_and_nothing_is_written(client, org):
    sign_in(client, "staff.a1")
    page = f"/users/{org.user_a1.id}/goals/new"
    token = csrf_token_from(client.get(page).text)
    answer = client.post(page, data={
        "description": "Gå\x00tur", "expressed_by": "user", "start_date": str(local_today()),
        "checkin_interval_days": "28", "csrf_token": token})
    assert answer.status_code == 400 and "tegn som ikke er tillatt" in answer.text
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Goal)) == 0


def test_a_blank_text_error_is_one_message_not_characters(api_as, org):
    answer = api_as(org.admin).post("/staff", json={
        "username": "ny.person", "password": "et langt og godt passord", "full_name": "   ",
        "role": "admin"})
    assert answer.status_code == 422
    assert answer.json["errors"]["json"]["full_name"] == ["Feltet kan ikke være tomt."]


@pytest.mark.parametrize("invisible", ["\u200b\u200b", "\u200d", "\ufeff \u2060", "\u3164",
                                       "\u200e\u202e"])
def test_invisible_text_is_refused_as_empty(api_as, client, org, invisible):
    answer = api_as(org.staff_a1).post("/goals", json={
        "service_user_id": str(org.user_a1.id), "description": invisible,
        "expressed_by": "user", "start_date": str(local_today())})
    assert answer.status_code == 422
    assert answer.json["errors"]["json"]["description"] == ["Feltet kan ikke være tomt."]
    sign_in(client, "staff.a1")
    page = f"/users/{org.user_a1.id}/goals/new"
    token = csrf_token_from(client.get(page).text)
    form = client.post(page, data={"description": invisible, "expressed_by": "user",
                                   "start_date": str(local_today()),
                                   "checkin_interval_days": "28", "csrf_token": token})
    assert form.status_code == 422 and "Feltet kan ikke være tomt." in form.text
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Goal)) == 0


def test_length_messages_are_translated(api_as, org):
    visit = create_visit(user=org.user_a1, staff=org.staff_a1, created_by=org.staff_a1,
                         kind="main", planned_start=utcnow() + timedelta(hours=1),
                         planned_minutes=30)
    answer = api_as(org.staff_a1).patch(f"/visits/{visit.id}", json={"note": "x" * 4001},
                                                headers={"If-Match": '"1"'})
    assert answer.status_code == 422
    assert answer.json["errors"]["json"]["note"] == ["Høyst 4000 tegn."]


def test_ids_beyond_the_database_range_in_pages_are_refused_not_500(client, org):
    """The form fuzz test found the contact form overflowing PostgreSQL's int4."""
    too_big = "2147483648"
    sign_in(client, "coord.a1")
    contact = f"/users/{org.user_a1.id}/contact"
    token = csrf_token_from(client.get(contact).text)
    assert client.post(contact, data={"staff_id": too_big, "csrf_token": token}
                       ).status_code == 422
    for path in (f"/teams/{org.team_a1.id}/planner/new?staff_id={too_big}",
                 f"/users/{org.user_a1.id}/access-log?staff_id={too_big}"):
        assert client.get(path).status_code == 200, path
    leader = client.application.test_client()
    sign_in(leader, "leader.a")
    assert leader.get(f"/sections/{org.section_a.id}/dashboard?team={too_big}"
                      ).status_code == 404


# --- Issue 33: national ids in other scripts, numbers too long, bodies too large -------

ARABIC_INDIC = str.maketrans("0123456789", "٠١٢٣٤٥٦٧٨٩")
SUPERSCRIPT = str.maketrans("0123456789", "⁰¹²³⁴⁵⁶⁷⁸⁹")


def _user_body(org, national_id: str) -> dict:
    return {"national_id": national_id, "full_name": "Ola Nordmann",
            "address": "Sandakerveien 5, 0477 Oslo", "team_id": org.team_a1.id,
            "service_type": "long_term", "service_start": str(local_today())}


def test_a_national_id_in_another_digit_script_is_refused_everywhere(api_as, org):
    # N5: Arabic-Indic digits with ASCII check digits passed validation and the duplicate
    # check, and made a second person; N6: superscript digits passed isdigit() and int()
    # failed with a 500.
    coordinator = api_as(org.coordinator_a1)
    number = org.user_a1.national_id
    for spelled in (number[:9].translate(ARABIC_INDIC) + number[9:],
                    "¹" * 11, number.translate(SUPERSCRIPT)):
        created = coordinator.post("/service-users", json=_user_body(org, spelled))
        assert created.status_code == 422, (spelled, created.json)
        assert "national_id" in created.json["errors"]["json"]
        etag = coordinator.get(f"/service-users/{org.user_a1.id}").headers["ETag"]
        changed = coordinator.patch(f"/service-users/{org.user_a1.id}",
                                    json={"national_id": spelled}, headers={"If-Match": etag})
        assert changed.status_code == 422, (spelled, changed.json)
        searched = coordinator.post("/service-users/search", json={"national_id": spelled})
        assert searched.status_code == 422
        by_header = coordinator.get("/service-users", headers={"X-National-Id": spelled})
        assert by_header.status_code == 422
    db.session.expire_all()
    assert db.session.get(ServiceUser, org.user_a1.id).national_id == number
    assert db.session.scalar(sa.select(sa.func.count()).select_from(ServiceUser).where(
        ServiceUser.full_name == "Ola Nordmann")) == 0


def _json_routes(app) -> list[tuple[str, str]]:
    """Every (method, path) of the JSON API that takes a body, with its ids filled in."""
    routes = []
    for rule in app.url_map.iter_rules():
        if not rule.rule.startswith("/api/v1"):
            continue
        path = re.sub(r"<uuid:[^>]+>", "00000000-0000-0000-0000-000000000001", rule.rule)
        path = re.sub(r"<[^>]+>", "1", path)
        routes += [(method, path) for method in sorted(rule.methods & {"POST", "PUT", "PATCH"})]
    return routes


def test_an_integer_of_5000_digits_is_a_400_on_every_json_endpoint(app, api_as, org):
    # N6: Python refuses to convert an integer of over 4,300 digits; the error reached
    # the caller as a 500, even on the unauthenticated POST /tokens.
    body = '{"page_size": ' + "1" * 5000 + "}"
    routes = _json_routes(app)
    assert ("POST", "/api/v1/tokens") in routes and len(routes) > 10
    for who in (None, org.coordinator_a1):
        client = api_as(who)
        for method, path in routes:
            answer = client._call(method, path.removeprefix("/api/v1"), data=body,
                                  content_type="application/json",
                                  headers={"If-Match": '"1"'})
            assert answer.status_code < 500, (method, path, answer.status_code)
    answer = api_as().post("/tokens", data=body, content_type="application/json")
    assert answer.status_code == 400
    assert answer.json["message"] == "Et tall i forespørselen har for mange sifre."


def test_a_body_over_the_limit_is_refused_unread_with_413(client, api_as, org):
    # L2: 40 MB of JSON to /tokens was read and hashed, and a 38 MB /sync answered 200.
    big = '{"username": "x", "password": "' + "a" * (2 * 1024 * 1024) + '"}'
    tokens = api_as().post("/tokens", data=big, content_type="application/json")
    assert tokens.status_code == 413
    assert tokens.json["message"] == "Det som ble sendt, er for stort. Send mindre om gangen."
    staff = api_as(org.staff_a1)
    huge = '{"operations": [], "pad": "' + "a" * (40 * 1024 * 1024) + '"}'
    assert staff.post("/sync", data=huge, content_type="application/json").status_code == 413
    # A full day's queue fits: 2 MB reaches the schema, which answers for its content.
    large = '{"operations": [], "pad": "' + "a" * (2 * 1024 * 1024) + '"}'
    assert staff.post("/sync", data=large, content_type="application/json").status_code == 422
    sign_in(client, "staff.a1")
    page = f"/users/{org.user_a1.id}/goals/new"
    form = client.post(page, data={"description": "x" * (2 * 1024 * 1024)})
    assert form.status_code == 413 and "for stort" in form.text
