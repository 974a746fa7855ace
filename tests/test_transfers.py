"""Registering a person another team serves: no oracle, no lost case (issue 33, N3).

«…er allerede registrert» told any coordinator that a person received care elsewhere,
and nothing was logged. Now the coordinator gets a neutral answer and the user's own team
gets a transfer request, which is in the user's access log.
"""

from __future__ import annotations

import sqlalchemy as sa

from homecare.core.audit import AuditAction, AuditEntry
from homecare.core.extensions import db
from homecare.core.timeutil import local_today
from homecare.org.models import Role
from homecare.service_users.models import ServiceUser, TransferRequest, TransferStatus
from tests.factories import make_staff
from tests.helpers import csrf_token_from, sign_in

NEUTRAL = ("Registreringen må sjekkes med andre koordinatorer før den kan fullføres. Du "
           "finner svaret under overføringsforespørsler på teamets tavle.")


def _register(api, org, team, national_id, name="Ola Ny"):
    return api.post("/service-users", json={
        "national_id": national_id, "full_name": name, "address": "Vei 2, 0550 Oslo",
        "team_id": team.id, "service_type": "long_term",
        "service_start": str(local_today())})


def _users() -> int:
    return db.session.scalar(sa.select(sa.func.count()).select_from(ServiceUser))


def test_a_person_another_team_serves_gets_a_neutral_answer_and_a_request(api_as, org):
    coordinator_b1 = make_staff(Role.COORDINATOR, teams=[org.team_b1], username="coord.b1")
    before = _users()
    answer = _register(api_as(coordinator_b1), org, org.team_b1, org.user_a1.national_id)
    assert answer.status_code == 202
    assert answer.json["message"] == NEUTRAL
    said = str(answer.json)
    for secret in (str(org.user_a1.id), org.user_a1.full_name, org.team_a1.name,
                   "registrert"):
        assert secret not in said
    assert answer.json["transfer_request"]["service_user_id"] is None
    assert answer.json["transfer_request"]["typed_name"] == "Ola Ny"
    assert _users() == before
    transfer = db.session.scalar(sa.select(TransferRequest))
    assert (transfer.service_user_id, transfer.to_team_id, transfer.status) == (
        org.user_a1.id, org.team_b1.id, TransferStatus.OPEN)
    # Logged on the user's record: the access log says who asked.
    logged = db.session.scalar(sa.select(AuditEntry).where(
        AuditEntry.entity == "transfer_requests", AuditEntry.action == AuditAction.CREATE))
    assert (logged.service_user_id, logged.actor_id) == (org.user_a1.id, coordinator_b1.id)
    # Asking again answers the same request, not a second one.
    again = _register(api_as(coordinator_b1), org, org.team_b1, org.user_a1.national_id)
    assert again.status_code == 202
    assert again.json["transfer_request"]["id"] == str(transfer.id)
    assert db.session.scalar(sa.select(sa.func.count()).select_from(TransferRequest)) == 1


def test_a_person_in_ones_own_team_is_said_to_be_there(api_as, org):
    answer = _register(api_as(org.coordinator_a1), org, org.team_a1, org.user_a1.national_id)
    assert answer.status_code == 422
    assert "allerede registrert i teamet ditt" in answer.json["errors"]["json"]["national_id"][0]
    assert db.session.scalar(sa.select(sa.func.count()).select_from(TransferRequest)) == 0


def test_the_users_team_moves_the_user_from_its_board(client, api_as, org):
    coordinator_b1 = make_staff(Role.COORDINATOR, teams=[org.team_b1], username="coord.b1")
    _register(api_as(coordinator_b1), org, org.team_b1, org.user_a1.national_id)
    assert api_as(coordinator_b1).get(f"/service-users/{org.user_a1.id}").status_code == 404
    sign_in(client, "coord.a1")
    board = client.get(f"/teams/{org.team_a1.id}/board").text
    assert "Team B1 ber om å overta tjenestene" in board and org.user_a1.full_name in board
    transfer = db.session.scalar(sa.select(TransferRequest))
    moved = client.post(f"/transfers/{transfer.id}/answer", data={
        "decision": "accept", "csrf_token": csrf_token_from(board)})
    assert moved.status_code == 302
    db.session.expire_all()
    assert db.session.get(ServiceUser, org.user_a1.id).team_id == org.team_b1.id
    assert api_as(coordinator_b1).get(f"/service-users/{org.user_a1.id}").status_code == 200
    assert api_as(org.coordinator_a1).get(f"/service-users/{org.user_a1.id}").status_code == 404
    # The team that asked reads the answer on its board.
    other = client.application.test_client()
    sign_in(other, "coord.b1")
    assert "flyttet til dette teamet" in other.get(f"/teams/{org.team_b1.id}/board").text


def test_a_decline_needs_a_reason_which_the_asking_team_reads(api_as, org):
    coordinator_b1 = make_staff(Role.COORDINATOR, teams=[org.team_b1], username="coord.b1")
    _register(api_as(coordinator_b1), org, org.team_b1, org.user_a1.national_id)
    transfer = db.session.scalar(sa.select(TransferRequest))
    path = f"/transfer-requests/{transfer.id}"
    owner = api_as(org.coordinator_a1)
    assert owner.get(path).json["service_user_id"] == str(org.user_a1.id)
    no_reason = owner.patch(path, json={"status": "declined"}, headers={"If-Match": '"1"'})
    assert no_reason.status_code == 422 and "reason" in no_reason.json["errors"]["json"]
    declined = owner.patch(path, json={"status": "declined", "reason": "Flytter ikke ennå."},
                           headers={"If-Match": '"1"'})
    assert declined.status_code == 200
    seen = api_as(coordinator_b1).get("/transfer-requests?direction=outgoing").json
    assert [(t["status"], t["reason"], t["service_user_id"]) for t in seen] == [
        ("declined", "Flytter ikke ennå.", None)]
    db.session.expire_all()
    assert db.session.get(ServiceUser, org.user_a1.id).team_id == org.team_a1.id
    answered_twice = owner.patch(path, json={"status": "accepted"}, headers={"If-Match": '"2"'})
    assert answered_twice.status_code == 409


def test_giving_a_user_another_persons_national_id_is_refused_neutrally_and_logged(
        api_as, org):
    coordinator = api_as(org.coordinator_a1)
    etag = coordinator.get(f"/service-users/{org.user_a1.id}").headers["ETag"]
    answer = coordinator.patch(f"/service-users/{org.user_a1.id}",
                               json={"national_id": org.user_b1.national_id},
                               headers={"If-Match": etag})
    assert answer.status_code == 422
    message = answer.json["errors"]["json"]["national_id"][0]
    assert "registrert" not in message and org.user_b1.full_name not in message
    refused = db.session.scalar(sa.select(AuditEntry).where(
        AuditEntry.action == AuditAction.REFUSED, AuditEntry.service_user_id == org.user_b1.id))
    assert refused is not None and refused.actor_id == org.coordinator_a1.id
