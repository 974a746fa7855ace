"""A tablet's queued records: ``PUT /what-matters/{id}`` and the batch ``POST /sync``."""

import uuid
from datetime import datetime, time, timedelta

import pytest
import sqlalchemy as sa

from homecare.core.audit import AuditAction, AuditEntry
from homecare.core.extensions import db
from homecare.core.timeutil import local_today, local_zone
from homecare.goals.models import CheckIn, Goal
from homecare.goals.services import create_goal, update_goal
from homecare.sync.schemas import SyncResultSchema
from homecare.sync.services import MAX_OPERATIONS
from homecare.visits.models import Visit, VisitStatus
from homecare.visits.services import create_visit
from homecare.what_matters.models import WhatMattersConversation


def _count(model) -> int:
    return db.session.scalar(sa.select(sa.func.count()).select_from(model))


def _writes() -> int:
    return db.session.scalar(sa.select(sa.func.count()).select_from(AuditEntry).where(
        AuditEntry.action != AuditAction.READ))


def what_matters_body(org, **overrides) -> dict:
    return {"service_user_id": str(org.user_a1.id), "conversation_date": str(local_today()),
            "asked_by": org.staff_a1.id, "present": ["next_of_kin"],
            "in_own_words": "At jeg får være hjemme.", "spoken_for_by": "Datter"} | overrides


def test_what_matters_put_is_idempotent(api_as, org):
    staff = api_as(org.staff_a1)
    path = f"/what-matters/{uuid.uuid4()}"
    first = staff.put(path, json=what_matters_body(org))
    assert first.status_code == 201, first.json
    assert first.json["recorded_by"] == org.staff_a1.id
    # Sent again (the answer was lost), with blanks the service trims: the same record.
    again = staff.put(path, json=what_matters_body(org, spoken_for_by=" Datter ",
                                                   present=["next_of_kin", "next_of_kin"]))
    assert again.status_code == 200, again.json
    assert again.json["id"] == first.json["id"]
    assert _count(WhatMattersConversation) == 1
    assert staff.put(path, json=what_matters_body(org, in_own_words="Noe annet")
                     ).status_code == 409
    assert api_as(org.staff_a2).put(path, json=what_matters_body(org)).status_code == 404
    assert staff.get(path).json["in_own_words"] == "At jeg får være hjemme."


def test_what_matters_put_refuses_another_teams_user(api_as, org):
    response = api_as(org.staff_a2).put(f"/what-matters/{uuid.uuid4()}",
                                        json=what_matters_body(org, asked_by=org.staff_a2.id))
    assert response.status_code == 422
    assert "service_user_id" in response.json["errors"]["json"]
    assert _count(WhatMattersConversation) == 0


@pytest.fixture
def day(org):
    """A goal of user A1 and a visit to them planned for this morning, by staff A1."""
    today = local_today()
    goal = create_goal(user=org.user_a1, created_by=org.staff_a1, description="Gå ut",
                       expressed_by="user", start_date=today - timedelta(days=30))
    start = datetime.combine(today, time(0, 30), tzinfo=local_zone())
    visit = create_visit(user=org.user_a1, staff=org.staff_a1, created_by=org.coordinator_a1,
                         kind="main", planned_start=start, planned_minutes=30)
    db.session.commit()
    return {"goal": goal, "visit": visit, "start": start}


def operations(org, day) -> list[dict]:
    """One queued record of each kind, as the tablet sends them."""
    start, today = day["start"], str(local_today())
    return [
        {"id": str(uuid.uuid4()), "kind": "visit_completion", "body": {
            "visit_id": str(day["visit"].id), "version": day["visit"].version,
            "actual_start": start.isoformat(),
            "actual_end": (start + timedelta(minutes=25)).isoformat(), "note": "Fint"}},
        {"id": str(uuid.uuid4()), "kind": "check_in", "body": {
            "goal_id": str(day["goal"].id), "date": today, "performance": 6,
            "got_expected_help": "yes", "could_influence": "partly", "satisfied": "yes"}},
        {"id": str(uuid.uuid4()), "kind": "what_matters", "body": what_matters_body(org)},
        {"id": str(uuid.uuid4()), "kind": "visit", "body": {
            "service_user_id": str(org.user_a1.id), "staff_id": org.staff_a1.id,
            "kind": "short", "planned_start": start.isoformat(), "planned_minutes": 15,
            "status": "completed", "actual_start": start.isoformat(),
            "actual_end": (start + timedelta(minutes=10)).isoformat()}},
    ]


def test_a_batch_applies_each_record_and_refuses_only_the_bad_ones(api_as, org, day):
    bad_rating = {"id": str(uuid.uuid4()), "kind": "check_in", "body": {
        "goal_id": str(day["goal"].id), "date": str(local_today()), "performance": 11,
        "got_expected_help": "yes", "could_influence": "yes", "satisfied": "yes"}}
    other_team = {"id": str(uuid.uuid4()), "kind": "what_matters",
                  "body": what_matters_body(org, service_user_id=str(org.user_b1.id))}
    batch = operations(org, day)
    batch[2:2] = [bad_rating, other_team]
    response = api_as(org.staff_a1).post("/sync", json={"operations": batch})
    assert response.status_code == 200, response.json
    results = response.json["results"]
    assert [r["id"] for r in results] == [op["id"] for op in batch]
    assert [r["status"] for r in results] == [200, 201, 422, 422, 201, 201]
    assert "performance" in results[2]["errors"]
    assert "service_user_id" in results[3]["errors"]
    assert results[0]["record"]["status"] == "completed"
    assert results[1]["record"]["id"] == batch[1]["id"]
    # Sent without a second pass through its schema, the answer is still the documented
    # one: it loads through the schema (which refuses unknown names) and dumps the same.
    assert SyncResultSchema().dump(SyncResultSchema().load(response.json)) == response.json

    db.session.expire_all()
    assert day["visit"].status is VisitStatus.COMPLETED and day["visit"].note == "Fint"
    assert _count(CheckIn) == 1 and _count(WhatMattersConversation) == 1
    assert _count(Visit) == 2
    # One audit row for each record written, none for the refused ones.
    created = db.session.scalars(sa.select(AuditEntry.entity_id).where(
        AuditEntry.action == AuditAction.CREATE, AuditEntry.actor_id == org.staff_a1.id,
        AuditEntry.entity.in_(["check_ins", "what_matters", "visits"]))).all()
    assert sorted(created) == sorted(str(op["id"]) for op in (batch[1], batch[4], batch[5]))


def test_a_batch_decides_once_on_each_record_it_names(api_as, org, day):
    """Records naming the same user get one access decision: each is refused as the
    first was, and the refusal is logged once, not once per record."""
    batch = [{"id": str(uuid.uuid4()), "kind": "what_matters",
              "body": what_matters_body(org, service_user_id=str(org.user_b1.id))}
             for _ in range(3)]
    results = api_as(org.staff_a1).post("/sync", json={"operations": batch}).json["results"]
    assert [(r["status"], list(r["errors"])) for r in results] == \
        [(422, ["service_user_id"])] * 3
    assert db.session.scalar(sa.select(sa.func.count()).select_from(AuditEntry).where(
        AuditEntry.action == AuditAction.REFUSED,
        AuditEntry.service_user_id == org.user_b1.id)) == 1


def test_a_batch_sent_again_stores_nothing_twice(api_as, org, day):
    staff = api_as(org.staff_a1)
    batch = operations(org, day)
    assert [r["status"] for r in staff.post("/sync", json={"operations": batch}
                                            ).json["results"]] == [200, 201, 201, 201]
    writes = _writes()
    again = staff.post("/sync", json={"operations": batch}).json["results"]
    assert [r["status"] for r in again] == [200, 200, 200, 200]
    assert _count(CheckIn) == 1 and _count(WhatMattersConversation) == 1
    assert _count(Visit) == 2
    assert _writes() == writes


def test_a_follow_up_for_a_goal_closed_meanwhile_comes_back_refused(api_as, org, day):
    update_goal(db.session.get(Goal, day["goal"].id), status="achieved")
    db.session.commit()
    check_in = operations(org, day)[1]
    result = api_as(org.staff_a1).post("/sync", json={"operations": [check_in]}
                                       ).json["results"][0]
    assert result["status"] == 422
    assert "goal_id" in result["errors"] and "avsluttet" in result["message"]
    assert _count(CheckIn) == 0


def test_a_follow_up_stored_before_its_goal_closed_is_a_repeat_when_sent_again(
        api_as, org, day):
    """The tablet lost the answer, the goal was closed, the tablet sends again: the
    record is stored, so the answer is the stored record (200), not the rule (422)."""
    check_in = operations(org, day)[1]
    staff = api_as(org.staff_a1)
    assert staff.post("/sync", json={"operations": [check_in]}).json["results"][0][
        "status"] == 201
    update_goal(db.session.get(Goal, day["goal"].id), status="achieved")
    db.session.commit()
    synced = staff.post("/sync", json={"operations": [check_in]}).json["results"][0]
    assert synced["status"] == 200, synced
    put = staff.put(f"/check-ins/{check_in['id']}", json=check_in["body"])
    assert put.status_code == 200, put.json
    assert _count(CheckIn) == 1


def test_a_completion_of_a_visit_re_timed_since_is_stored_and_a_repeat_is_200(
        api_as, org, day):
    completion = operations(org, day)[0]
    coordinator = api_as(org.coordinator_a1)
    moved = coordinator.patch(f"/visits/{day['visit'].id}", json={"planned_minutes": 45},
                              headers={"If-Match": f'"{day["visit"].version}"'})
    assert moved.status_code == 200, moved.json
    staff = api_as(org.staff_a1)
    # A plan change and a completion are not a conflict: no 412 (issue 32).
    assert staff.post("/sync", json={"operations": [completion]}
                      ).json["results"][0]["status"] == 200
    # Sent again after the answer was lost: already so, nothing changes.
    db.session.expire_all()
    version = db.session.get(Visit, day["visit"].id).version
    assert staff.post("/sync", json={"operations": [completion]}
                      ).json["results"][0]["status"] == 200
    db.session.expire_all()
    assert db.session.get(Visit, day["visit"].id).version == version
    # The visit went back to the tablet: that is a read of the user's record.
    assert db.session.scalar(sa.select(sa.func.count()).select_from(AuditEntry).where(
        AuditEntry.action == AuditAction.READ, AuditEntry.entity_id == str(day["visit"].id),
        AuditEntry.detail == "visits (repeated completion)")) == 1


def test_another_teams_visit_is_404_in_a_batch(api_as, org, day):
    completion = operations(org, day)[0]
    result = api_as(org.staff_a2).post("/sync", json={"operations": [completion]}
                                       ).json["results"][0]
    assert result["status"] == 404
    db.session.expire_all()
    assert db.session.get(Visit, day["visit"].id).status is VisitStatus.PLANNED


@pytest.mark.parametrize("batch", [
    [], "not a list", [{"id": "x", "kind": "visit", "body": {}}],
    [{"id": str(uuid.uuid4()), "kind": "goal", "body": {}}],
    [{"id": str(uuid.uuid4()), "kind": "visit", "body": {}}] * (MAX_OPERATIONS + 1),
])
def test_a_malformed_batch_is_a_422_and_writes_nothing(api_as, org, batch):
    response = api_as(org.staff_a1).post("/sync", json={"operations": batch})
    assert response.status_code == 422, response.json
    assert _count(Visit) == 0


def test_the_sync_needs_a_team_role(api_as, org):
    assert api_as(None).post("/sync", json={"operations": []}).status_code == 401
    body = {"operations": [{"id": str(uuid.uuid4()), "kind": "what_matters",
                            "body": what_matters_body(org)}]}
    for outside_the_teams in (org.leader_a, org.admin):
        assert api_as(outside_the_teams).post("/sync", json=body).status_code == 403


def test_an_operation_refused_after_it_wrote_leaves_nothing_and_the_others_stay(
        api_as, org, day, monkeypatch):
    """The savepoint: an operation whose rule refuses it after its rows were flushed
    (as a database constraint would) is rolled back alone."""
    from homecare.core.errors import ValidationFailed
    from homecare.sync import services as service

    real = service.KINDS["what_matters"]

    def writes_then_refuses(conversation_id, data):
        real.apply(conversation_id, data)
        raise ValidationFailed.single("in_own_words", "refused after writing")

    monkeypatch.setitem(service.KINDS, "what_matters",
                        service.Kind(real.body, writes_then_refuses, real.record))
    batch = operations(org, day)
    results = api_as(org.staff_a1).post("/sync", json={"operations": batch}).json["results"]
    assert [r["status"] for r in results] == [200, 201, 422, 201]
    assert _count(WhatMattersConversation) == 0
    assert _count(CheckIn) == 1 and _count(Visit) == 2


def _new_records(org, day, how_many: int) -> list[dict]:
    """``how_many`` queued records of each creating kind, the kinds in runs."""
    batch = []
    for kind in ("visit", "check_in", "what_matters"):
        template = next(op for op in operations(org, day) if op["kind"] == kind)
        batch += [{**template, "id": str(uuid.uuid4())} for _ in range(how_many)]
    return batch


def test_a_run_of_new_records_costs_the_same_statements_however_long(
        app, api_as, org, day):
    from tests.api.test_query_counts import counted

    staff = api_as(org.staff_a1)
    sizes = {}
    for how_many in (2, 40):
        batch = _new_records(org, day, how_many)
        with counted(app) as statements:
            results = staff.post("/sync", json={"operations": batch}).json["results"]
        assert [r["status"] for r in results] == [201] * len(batch)
        sizes[how_many] = len(statements)
    assert sizes[40] == sizes[2], sizes
    assert _count(Visit) == 1 + 42 and _count(CheckIn) == 42
    assert _count(WhatMattersConversation) == 42


def test_records_saved_together_are_stored_and_logged_as_one_saved_alone(
        api_as, org, day):
    """``core.writes.save_new`` (a run of new records, and a lone PUT) writes the rows
    and audit rows that a flush of one would: the same columns, foreign keys and
    defaults. The records saved alone go through the services, which flush; the batch
    sends runs of two of each kind (on PostgreSQL, one array per column)."""
    from homecare.core.audit import acting_as
    from homecare.goals.services import record_check_in
    from homecare.what_matters.services import record_conversation

    start, today = day["start"], local_today()
    with acting_as(org.staff_a1):
        saved_alone = [
            create_visit(user=org.user_a1, staff=org.staff_a1, created_by=org.staff_a1,
                         kind="short", planned_start=start, planned_minutes=15,
                         status="completed", actual_start=start,
                         actual_end=start + timedelta(minutes=10)),
            record_check_in(goal=day["goal"], recorded_by=org.staff_a1, date=today,
                            performance=6, got_expected_help="yes",
                            could_influence="partly", satisfied="yes"),
            record_conversation(user=org.user_a1, recorded_by=org.staff_a1,
                                asked_by=org.staff_a1, conversation_date=today,
                                present=["next_of_kin"], in_own_words="At jeg får være hjemme.",
                                spoken_for_by="Datter"),
        ]
    db.session.commit()
    kinds = ("visit", "check_in", "what_matters")
    alone = {kind: {"id": str(record.id)}
             for kind, record in zip(kinds, saved_alone, strict=True)}
    together = {op["kind"]: [op, {**op, "id": str(uuid.uuid4())}]
                for op in operations(org, day)[1:]}
    runs = [op for pair in together.values() for op in pair]
    assert [r["status"] for r in api_as(org.staff_a1).post("/sync", json={
        "operations": [*runs, *runs]}).json["results"]] == [201] * 6 + [200] * 6
    db.session.expire_all()
    for model in (Visit, CheckIn, WhatMattersConversation):
        kind = next(k for k, op in alone.items()
                    if db.session.get(model, uuid.UUID(op["id"])) is not None)
        one, *others = (db.session.get(model, uuid.UUID(op["id"]))
                        for op in (alone[kind], *together[kind]))
        columns = [c.key for c in model.__table__.columns
                   if c.key not in ("id", "created_at", "updated_at")]
        for other in others:
            assert {c: getattr(one, c) for c in columns} == \
                {c: getattr(other, c) for c in columns}, model
            assert abs(other.updated_at - other.created_at) < timedelta(seconds=1)
        logged = [db.session.scalars(sa.select(AuditEntry).where(
            AuditEntry.entity_id == str(record.id),
            AuditEntry.action != AuditAction.READ)).all() for record in (one, *others)]
        assert [[(e.action, e.entity, e.actor_id, e.actor_role, e.service_user_id, e.detail)
                 for e in entries] for entries in logged] == \
            [[(AuditAction.CREATE, model.__tablename__, org.staff_a1.id, "staff",
               getattr(one, "service_user_id", None), None)]] * 3


def test_a_record_stored_by_another_request_meanwhile_is_answered_alone(
        api_as, org, day, monkeypatch):
    """Between the batch's look for existing ids and its insert, another request (the
    same tablet's earlier, lost attempt) stores one of the ids: the database refuses
    the run, and each operation is answered alone, none stored twice."""
    import dataclasses

    from homecare.sync import services as service

    batch = _new_records(org, day, 3)[:3]   # three new visits
    visit_kind = service.KINDS["visit"]
    creation = visit_kind.creation

    def stored_meanwhile(bodies):
        meanwhile = creation.as_stored(visit_kind.body.load(batch[1]["body"]))
        creation._put_alone(uuid.UUID(batch[1]["id"]), meanwhile)
        return creation.load_named(bodies)

    racing = dataclasses.replace(creation, load_named=stored_meanwhile)
    monkeypatch.setitem(service.KINDS, "visit", dataclasses.replace(visit_kind,
                                                                     creation=racing))
    results = api_as(org.staff_a1).post("/sync", json={"operations": batch}).json["results"]
    assert [r["status"] for r in results] == [201, 200, 201]
    assert _count(Visit) == 1 + 3
    created = db.session.scalars(sa.select(AuditEntry.entity_id).where(
        AuditEntry.action == AuditAction.CREATE, AuditEntry.entity == "visits",
        AuditEntry.actor_id == org.staff_a1.id)).all()
    assert sorted(created) == sorted(op["id"] for op in batch)
