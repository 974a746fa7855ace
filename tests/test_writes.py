"""One write path: a listener registered once sees flushed writes and batch saves alike."""

from __future__ import annotations

import uuid
from datetime import timedelta

import pytest
import sqlalchemy as sa

from homecare.core import writes
from homecare.core.audit import AuditAction, AuditEntry
from homecare.core.extensions import db
from homecare.core.timeutil import utcnow
from homecare.visits.models import Visit, VisitKind, VisitStatus


@pytest.fixture
def seen():
    """What a listener registered for the test saw (removed afterwards)."""
    written: list[writes.Written] = []
    listener = writes.when_written(written.append)
    yield written
    writes._LISTENERS.remove(listener)


def _visit(org, start) -> Visit:
    return Visit(id=uuid.uuid4(), service_user=org.user_a1, staff_id=org.staff_a1.id,
                 kind=VisitKind.MAIN, status=VisitStatus.COMPLETED,
                 planned_start=start, planned_minutes=30, created_by_id=org.staff_a1.id,
                 actual_start=start, actual_end=start + timedelta(minutes=30))


def test_a_listener_sees_a_flush_and_a_batch_the_same_way(app, org, seen):
    start = utcnow().replace(microsecond=0) - timedelta(days=2)
    flushed = _visit(org, start)
    db.session.add(flushed)
    db.session.flush()
    batch = [_visit(org, start + timedelta(hours=hour)) for hour in (1, 2)]
    saved = writes.save_new(batch)

    assert saved == batch
    visits_seen = [[r for r in w.created if isinstance(r, Visit)] for w in seen]
    assert [flushed] in visits_seen and batch in visits_seen
    assert all(w.only_added for w in seen)

    flushed.actual_start = start - timedelta(hours=1)
    db.session.flush()
    changed = seen[-1]
    assert changed.changed == [flushed] and not changed.only_added
    assert changed.of(Visit) == [(flushed, False)]


def test_the_audit_log_and_the_contact_marks_hold_for_a_batch_as_for_a_flush(app, org):
    start = utcnow().replace(microsecond=0) - timedelta(days=3)
    batch = [_visit(org, start + timedelta(hours=hour)) for hour in (0, 1)]
    writes.save_new(batch)
    logged = db.session.scalars(sa.select(AuditEntry.entity_id).where(
        AuditEntry.action == AuditAction.CREATE, AuditEntry.entity == "visits")).all()
    assert {str(v.id) for v in batch} <= set(logged)
    # The marks: tests/conftest.py checks after every test that they equal a recount.
