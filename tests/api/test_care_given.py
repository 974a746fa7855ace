"""Care given is never lost: a completion sent after the plan changed is stored as what
happened, and what a coordinator must know or choose is kept for them (issue 32)."""

import uuid
from datetime import datetime, time, timedelta

import pytest
import sqlalchemy as sa

from homecare.core.extensions import db
from homecare.core.timeutil import local_today, local_zone
from homecare.org.models import Role
from homecare.service_users.services import move_to_team
from homecare.visits.models import (
    SettleReason,
    Visit,
    VisitCorrection,
    VisitStatus,
    VisitToSettle,
)
from homecare.visits.services import change_visit, create_visit
from tests.factories import make_staff


@pytest.fixture
def planned(org):
    """A visit to user A1 this morning, planned for staff A1, and a colleague in A1."""
    start = datetime.combine(local_today(), time(0, 30), tzinfo=local_zone())
    visit = create_visit(user=org.user_a1, staff=org.staff_a1, created_by=org.coordinator_a1,
                         kind="main", planned_start=start, planned_minutes=30)
    colleague = make_staff(teams=[org.team_a1], username="colleague.a1")
    db.session.commit()
    return {"visit": visit, "start": start, "version": visit.version,
            "colleague": colleague}


def completion(planned, minutes=25, note="Dusj og frokost", **body) -> dict:
    start = planned["start"] + timedelta(minutes=5)
    return {"id": str(uuid.uuid4()), "kind": "visit_completion", "body": {
        "visit_id": str(planned["visit"].id), "version": planned["version"],
        "actual_start": start.isoformat(),
        "actual_end": (start + timedelta(minutes=minutes)).isoformat(), "note": note, **body}}


def sync(client, operation) -> dict:
    response = client.post("/sync", json={"operations": [operation]})
    assert response.status_code == 200, response.json
    return response.json["results"][0]


def stored(planned) -> Visit:
    db.session.expire_all()
    return db.session.get(Visit, planned["visit"].id)


def to_settle() -> list[VisitToSettle]:
    db.session.expire_all()
    return list(db.session.scalars(sa.select(VisitToSettle)))


def office(org, planned, **changes):
    """The coordinator changes the visit at the office, while the tablet is offline."""
    change_visit(org.coordinator_a1, planned["visit"], **changes)
    db.session.commit()


def test_a_visit_reassigned_meanwhile_is_stored_as_carried_out_by_who_made_it(
        api_as, org, planned):
    office(org, planned, staff=planned["colleague"])
    operation = completion(planned)
    result = sync(api_as(org.staff_a1), operation)
    assert result["status"] == 200, result
    visit = stored(planned)
    assert visit.status is VisitStatus.COMPLETED and visit.staff_id == org.staff_a1.id
    assert visit.actual_start.isoformat() == datetime.fromisoformat(
        operation["body"]["actual_start"]).astimezone(visit.actual_start.tzinfo).isoformat()
    assert visit.note == "Dusj og frokost"
    assert to_settle() == []   # a plan change is not a conflict
    # Sent again after a lost answer: stored once.
    assert sync(api_as(org.staff_a1), operation)["status"] == 200
    assert stored(planned).version == visit.version


def test_a_visit_re_timed_meanwhile_is_stored_without_412(api_as, org, planned):
    office(org, planned, planned_start=planned["start"] + timedelta(hours=2))
    assert sync(api_as(org.staff_a1), completion(planned))["status"] == 200
    assert stored(planned).status is VisitStatus.COMPLETED


@pytest.mark.parametrize("status", [VisitStatus.CANCELLED, VisitStatus.MISSED])
def test_a_visit_cancelled_or_missed_meanwhile_is_carried_out_and_flagged(
        api_as, org, planned, status):
    office(org, planned, status=status)
    operation = completion(planned)
    assert sync(api_as(org.staff_a1), operation)["status"] == 200
    visit = stored(planned)
    assert visit.status is VisitStatus.COMPLETED and visit.staff_id == org.staff_a1.id
    [flag] = to_settle()
    assert flag.reason is SettleReason(status.value) and flag.team_id == org.team_a1.id
    assert flag.status_before is status and flag.settled_at is None
    assert sync(api_as(org.staff_a1), operation)["status"] == 200
    assert len(to_settle()) == 1


def test_a_visit_completed_by_someone_else_keeps_both_versions(api_as, org, planned):
    colleague = planned["colleague"]
    office(org, planned, staff=colleague)
    other = completion(planned, minutes=40, note="Kollegaen var der")
    other["body"]["version"] = stored(planned).version
    assert sync(api_as(colleague), other)["status"] == 200
    mine = completion(planned)
    result = sync(api_as(org.staff_a1), mine)
    assert result["status"] == 202, result
    visit = stored(planned)
    assert visit.staff_id == colleague.id and visit.note == "Kollegaen var der"
    [flag] = to_settle()
    assert flag.reason is SettleReason.TWO_VERSIONS and flag.recorded_by_id == org.staff_a1.id
    assert flag.note == "Dusj og frokost" and str(flag.id) == mine["id"]
    assert sync(api_as(org.staff_a1), mine)["status"] == 202   # a repeat: kept once
    assert len(to_settle()) == 1


def test_an_own_correction_from_the_version_seen_is_a_correction(api_as, org, planned):
    first = completion(planned)
    sync(api_as(org.staff_a1), first)
    again = completion(planned, minutes=35, note="Rettet")
    again["body"]["version"] = stored(planned).version
    assert sync(api_as(org.staff_a1), again)["status"] == 200
    assert stored(planned).note == "Rettet" and to_settle() == []
    assert db.session.scalar(sa.select(sa.func.count()).select_from(VisitCorrection)) == 1


def test_care_given_while_the_user_was_the_teams_is_kept_after_a_move(api_as, org):
    yesterday = local_today() - timedelta(days=1)
    start = datetime.combine(yesterday, time(9), tzinfo=local_zone())
    from tests.factories import make_user
    user = make_user(org.team_a1, start=local_today() - timedelta(days=30))
    visit = create_visit(user=user, staff=org.staff_a1, created_by=org.coordinator_a1,
                         kind="main", planned_start=start, planned_minutes=30)
    db.session.commit()
    version = visit.version
    move_to_team(user, org.team_a2, local_today())
    db.session.commit()
    operation = {"id": str(uuid.uuid4()), "kind": "visit_completion", "body": {
        "visit_id": str(visit.id), "version": version, "actual_start": start.isoformat(),
        "actual_end": (start + timedelta(minutes=30)).isoformat(), "note": None}}
    assert sync(api_as(org.staff_a1), operation)["status"] == 200
    db.session.expire_all()
    assert db.session.get(Visit, visit.id).status is VisitStatus.COMPLETED
    [flag] = to_settle()
    assert flag.reason is SettleReason.MOVED_TEAM and flag.team_id == org.team_a1.id
    # The coordinator of the team that gave the care sees it; the user's new team's
    # staff see the visit in the user's record.
    listed = api_as(org.coordinator_a1).get("/visit-conflicts")
    assert listed.status_code == 200 and [f["id"] for f in listed.json] == [str(flag.id)]
    assert api_as(org.staff_a2).get(f"/visits/{visit.id}").status_code == 200
    # Another team's nurse, who never served the user, is refused as before.
    assert sync(api_as(org.staff_b1), {**operation, "id": str(uuid.uuid4())}
                )["status"] == 404


def test_patch_and_put_follow_the_same_rules(api_as, org, planned):
    office(org, planned, staff=planned["colleague"])
    start = planned["start"]
    body = {"status": "completed", "actual_start": start.isoformat(),
            "actual_end": (start + timedelta(minutes=20)).isoformat()}
    stale = {"If-Match": f'"{planned["version"]}"'}
    patched = api_as(org.staff_a1).patch(f"/visits/{planned['visit'].id}", json=body,
                                         headers=stale)
    assert patched.status_code == 200, patched.json
    assert stored(planned).staff_id == org.staff_a1.id
    assert api_as(org.staff_a1).patch(f"/visits/{planned['visit'].id}",
                                      json=body).status_code == 428
    # PUT of the visit's own id, recorded as carried out by the colleague: two versions.
    put = api_as(planned["colleague"]).put(f"/visits/{planned['visit'].id}", json={
        "service_user_id": str(org.user_a1.id), "staff_id": planned["colleague"].id,
        "kind": "main", "planned_start": start.isoformat(), "planned_minutes": 30, **body,
        "actual_end": (start + timedelta(minutes=45)).isoformat()})
    assert put.status_code == 202, put.json
    assert [f.reason for f in to_settle()] == [SettleReason.TWO_VERSIONS]


def test_a_coordinator_settles_two_versions_and_both_are_kept(api_as, org, planned, app):
    colleague = planned["colleague"]
    office(org, planned, staff=colleague)
    other = completion(planned, minutes=40, note="Kollegaen var der")
    other["body"]["version"] = stored(planned).version
    sync(api_as(colleague), other)
    sync(api_as(org.staff_a1), completion(planned))
    [flag] = to_settle()
    assert api_as(org.staff_a1).post(f"/visit-conflicts/{flag.id}/settlement",
                                     json={"choice": "replaced"}).status_code == 403
    assert api_as(org.coordinator_a1).post(f"/visit-conflicts/{flag.id}/settlement",
                                           json={"choice": "noted"}).status_code == 422
    settled = api_as(org.coordinator_a1).post(f"/visit-conflicts/{flag.id}/settlement",
                                              json={"choice": "replaced"})
    assert settled.status_code == 200, settled.json
    visit = stored(planned)
    assert visit.staff_id == org.staff_a1.id and visit.note == "Dusj og frokost"
    correction = db.session.scalar(sa.select(VisitCorrection))
    assert correction.note == "Kollegaen var der"   # the replaced version is kept
    assert api_as(org.coordinator_a1).get("/visit-conflicts").json == []
    assert api_as(org.coordinator_a1).post(f"/visit-conflicts/{flag.id}/settlement",
                                           json={"choice": "kept"}).status_code == 409


def test_both_took_place_records_a_second_visit(api_as, org, planned):
    colleague = planned["colleague"]
    office(org, planned, staff=colleague)
    other = completion(planned, minutes=40, note="Kollegaen var der")
    other["body"]["version"] = stored(planned).version
    sync(api_as(colleague), other)
    sync(api_as(org.staff_a1), completion(planned))
    [flag] = to_settle()
    assert api_as(org.coordinator_a1).post(f"/visit-conflicts/{flag.id}/settlement",
                                           json={"choice": "both"}).status_code == 200
    db.session.expire_all()
    visits = list(db.session.scalars(sa.select(Visit).where(
        Visit.service_user_id == org.user_a1.id, Visit.status == VisitStatus.COMPLETED)))
    assert sorted(v.staff_id for v in visits) == sorted([colleague.id, org.staff_a1.id])
    assert Role.COORDINATOR is org.coordinator_a1.role


def test_care_given_on_the_morning_the_user_moved_is_kept(api_as, org, planned):
    move_to_team(org.user_a1, org.team_a2, local_today())
    db.session.commit()
    assert sync(api_as(org.staff_a1), completion(planned))["status"] == 200
    assert stored(planned).status is VisitStatus.COMPLETED
    [flag] = to_settle()
    assert flag.reason is SettleReason.MOVED_TEAM and flag.team_id == org.team_a1.id
