"""The audit log: every change and every read, who and when; never rewritten."""

import pytest
import sqlalchemy as sa

from homecare.core.audit import AuditAction, AuditEntry, acting_as, record_read
from homecare.core.extensions import db
from homecare.core.timeutil import local_today
from homecare.goals.models import ExpressedBy
from homecare.goals.services import change_goal_status, create_goal


def entries(**where):
    query = sa.select(AuditEntry).order_by(AuditEntry.id)
    for field, value in where.items():
        query = query.where(getattr(AuditEntry, field) == value)
    return db.session.scalars(query).all()


def test_creating_a_care_record_logs_who_what_and_which_user(org):
    with acting_as(org.staff_a1):
        goal = create_goal(user=org.user_a1, created_by=org.staff_a1, description="Gå til butikken",
                           expressed_by=ExpressedBy.USER, start_date=local_today())
    [entry] = entries(entity="goals", entity_id=str(goal.id))
    assert entry.action is AuditAction.CREATE
    assert entry.actor_id == org.staff_a1.id
    assert entry.actor_role == "staff"
    assert entry.service_user_id == org.user_a1.id
    assert entry.at is not None and entry.at.tzinfo is not None


def test_an_update_logs_the_changed_fields_but_not_their_values(org):
    goal = create_goal(user=org.user_a1, created_by=org.staff_a1, description="Dusje selv",
                       expressed_by=ExpressedBy.USER, start_date=local_today())
    with acting_as(org.coordinator_a1):
        change_goal_status(goal, "achieved")
    [update] = entries(entity="goals", action=AuditAction.UPDATE)
    assert update.detail == "closed_on, status"
    assert update.actor_id == org.coordinator_a1.id
    assert "Dusje" not in (update.detail or "")


def test_registering_a_user_is_logged_against_that_user(org):
    creates = entries(service_user_id=org.user_a1.id, action=AuditAction.CREATE)
    assert {e.entity for e in creates} >= {"service_users", "service_user_teams"}
    assert all(e.actor_id is None for e in creates)  # made by the test, not by a person


def test_reads_are_logged(org):
    with acting_as(org.staff_a1):
        record_read(org.user_a1.id, "record")
    [read] = entries(action=AuditAction.READ)
    assert (read.actor_id, read.service_user_id, read.detail) == (
        org.staff_a1.id, org.user_a1.id, "record")


def test_the_orm_refuses_to_change_or_delete_log_rows(org):
    entry = entries()[0]
    entry.detail = "tampered"
    with pytest.raises(RuntimeError, match="append-only"):
        db.session.flush()
    db.session.rollback()


@pytest.mark.parametrize("statement", [
    "UPDATE audit_log SET detail = 'tampered'",
    "DELETE FROM audit_log",
])
def test_the_database_refuses_to_change_or_delete_log_rows(org, statement):
    assert entries()
    with pytest.raises(sa.exc.DatabaseError, match="append-only"), db.session.begin_nested():
        db.session.execute(sa.text(statement))
    assert entries()
