"""Visits and decisions over the API."""

import uuid
from datetime import timedelta

import pytest
import sqlalchemy as sa

from homecare.core.extensions import db
from homecare.core.timeutil import local_today, utcnow
from homecare.visits.models import Visit


def visit_body(org, staff=None, **overrides):
    start = utcnow().replace(microsecond=0) - timedelta(hours=3)
    return {"service_user_id": str(org.user_a1.id), "staff_id": (staff or org.staff_a1).id,
            "kind": "main", "planned_start": start.isoformat(), "planned_minutes": 45,
            "status": "completed", "actual_start": start.isoformat(),
            "actual_end": (start + timedelta(minutes=40)).isoformat(), "note": "Gikk fint"
            } | overrides


def count_visits():
    return db.session.scalar(sa.select(sa.func.count()).select_from(Visit))


def test_staff_log_their_own_visits_coordinators_plan_for_others(api_as, org):
    assert api_as(org.staff_a1).post("/visits", json=visit_body(org)).status_code == 201
    other = api_as(org.staff_a1).post("/visits", json=visit_body(org, org.coordinator_a1))
    assert other.status_code == 422 and "staff_id" in other.json["errors"]["json"]
    planned = api_as(org.coordinator_a1).post("/visits", json=visit_body(
        org, org.staff_a1, status="planned", actual_start=None, actual_end=None))
    assert planned.status_code == 201 and planned.json["status"] == "planned"


@pytest.mark.parametrize(("overrides", "field"), [
    ({"actual_end": (utcnow() - timedelta(hours=4)).isoformat()}, "actual_end"),
    ({"actual_start": (utcnow() + timedelta(hours=1)).isoformat(),
      "actual_end": (utcnow() + timedelta(hours=2)).isoformat()}, "actual_end"),
    ({"actual_start": None}, "actual_start"),
    ({"planned_minutes": 0}, "planned_minutes"),
    ({"planned_start": "2026-01-01T09:00:00"}, "planned_start"),
    ({"kind": "long"}, "kind"),
    ({"service_user_id": "not-a-uuid"}, "service_user_id"),
])
def test_bad_visits_are_422s_and_write_nothing(api_as, org, overrides, field):
    response = api_as(org.staff_a1).post("/visits", json=visit_body(org, **overrides))
    assert response.status_code == 422, response.json
    assert field in response.json["errors"]["json"]
    assert count_visits() == 0


def test_a_team_member_of_another_team_cannot_be_the_visitor(api_as, org):
    response = api_as(org.coordinator_a1).post("/visits", json=visit_body(org, org.staff_b1))
    assert response.status_code == 422
    assert "staff_id" in response.json["errors"]["json"]


def test_visit_put_is_idempotent(api_as, org):
    staff = api_as(org.staff_a1)
    path = f"/visits/{uuid.uuid4()}"
    body = visit_body(org)
    first = staff.put(path, json=body)
    assert first.status_code == 201, first.json
    for _ in range(9):
        assert staff.put(path, json=body).status_code == 200
    assert count_visits() == 1
    assert staff.put(path, json=visit_body(org, planned_minutes=30)).status_code == 409
    assert count_visits() == 1
    assert api_as(org.staff_b1).put(path, json=body).status_code == 404


def test_completing_a_visit_by_patch(api_as, org):
    planned = api_as(org.coordinator_a1).post("/visits", json=visit_body(
        org, status="planned", actual_start=None, actual_end=None)).json
    path = f"/visits/{planned['id']}"
    start = utcnow().replace(microsecond=0) - timedelta(hours=1)
    done = {"status": "completed", "actual_start": start.isoformat(),
            "actual_end": (start + timedelta(minutes=30)).isoformat()}
    assert api_as(org.staff_a2).patch(path, json=done,
                                      headers={"If-Match": '"1"'}).status_code == 404
    response = api_as(org.staff_a1).patch(path, json=done, headers={"If-Match": '"1"'})
    assert response.status_code == 200 and response.json["status"] == "completed"
    assert response.json["version"] == 2
    assert api_as(org.staff_a1).patch(path, json={"note": "x"}, headers={"If-Match": '"1"'}
                                      ).status_code == 412


def test_listing_visits_by_local_date(api_as, org):
    staff = api_as(org.staff_a1)
    staff.post("/visits", json=visit_body(org))
    today = local_today()
    assert len(staff.get(f"/visits?from={today - timedelta(days=1)}&to={today}").json) == 1
    assert staff.get(f"/visits?from={today + timedelta(days=1)}").json == []
    assert staff.get("/visits?status=planned").json == []
    assert api_as(org.staff_a2).get("/visits").json == []


def decision_body(org, **overrides):
    today = local_today()
    return {"service_user_id": str(org.user_a1.id), "decided_on": str(today),
            "participants": [org.coordinator_a1.id, org.staff_a1.id],
            "user_participated": True, "goal_statement": "Å bo trygt hjemme.",
            "services": "Morgenstell.", "reasons": "Ønsker å mestre selv.",
            "valid_from": str(today), "review_on": str(today + timedelta(days=90))
            } | overrides


def test_coordinators_record_and_revoke_decisions(api_as, org):
    coordinator = api_as(org.coordinator_a1)
    created = coordinator.post("/decisions", json=decision_body(org))
    assert created.status_code == 201, created.json
    assert created.json["participants"] == sorted([org.coordinator_a1.id, org.staff_a1.id])
    path = f"/decisions/{created.json['id']}"
    assert api_as(org.staff_a1).get(path).status_code == 200
    assert api_as(org.staff_a1).patch(path, json={"status": "revoked"},
                                      headers={"If-Match": '"1"'}).status_code == 403
    assert coordinator.patch(path, json={"status": "revoked"}).status_code == 428
    revoked = coordinator.patch(path, json={"status": "revoked"}, headers={"If-Match": '"1"'})
    assert revoked.status_code == 200 and revoked.json["status"] == "revoked"
    assert api_as(org.staff_a1).post("/decisions", json=decision_body(org)).status_code == 403
    assert api_as(org.staff_a2).get(path).status_code == 404


@pytest.mark.parametrize(("overrides", "field"), [
    ({"participants": []}, "participants"),
    ({"participants": [999999]}, "participants"),
    ({"user_participated": "yes"}, "user_participated"),
    ({"reasons": " "}, "reasons"),
    ({"valid_to": str(local_today() - timedelta(days=1))}, "valid_to"),
    ({"review_on": str(local_today() - timedelta(days=1))}, "review_on"),
])
def test_bad_decisions_are_422s(api_as, org, overrides, field):
    response = api_as(org.coordinator_a1).post("/decisions", json=decision_body(org, **overrides))
    assert response.status_code == 422, response.json
    assert field in response.json["errors"]["json"]
