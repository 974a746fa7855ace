"""Bad input gets a clear 4xx in the caller's language, never a 500 (issue 11)."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest
import sqlalchemy as sa

from homecare.core.timeutil import local_today, utcnow
from homecare.extensions import db
from homecare.goals.models import Goal
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
    assert answer.json["errors"]["json"]["planned_start"] == ["Velg en dato fra 1900-01-01 til "
                                                               "2199-12-31."]


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
    assert refused.status_code == 422 and "Velg en dato fra 1900-01-01" in refused.text


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
