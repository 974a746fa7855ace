"""Visit rules: times in order, completed visits with times and not in the future."""

from datetime import timedelta

import pytest
import sqlalchemy as sa

from homecare.core.errors import ValidationFailed
from homecare.core.extensions import db
from homecare.core.timeutil import utcnow
from homecare.visits.models import Visit, VisitStatus
from homecare.visits.services import change_visit, create_visit


def visit_fields(org, **overrides):
    start = utcnow() - timedelta(hours=3)
    fields = dict(user=org.user_a1, staff=org.staff_a1, created_by=org.coordinator_a1,
                  kind="main", planned_start=start, planned_minutes=45)
    fields.update(overrides)
    return fields


def count_visits():
    return db.session.scalar(sa.select(sa.func.count()).select_from(Visit))


def test_a_completed_visit_is_logged(org):
    start = utcnow() - timedelta(hours=2)
    visit = create_visit(**visit_fields(org, status="completed", actual_start=start,
                                        actual_end=start + timedelta(minutes=40)))
    assert visit.status is VisitStatus.COMPLETED
    assert visit.version == 1


def test_a_visit_ending_before_it_starts_is_refused_and_nothing_is_written(org):
    start = utcnow() - timedelta(hours=2)
    with pytest.raises(ValidationFailed) as error:
        create_visit(**visit_fields(org, status="completed", actual_start=start,
                                    actual_end=start - timedelta(minutes=5)))
    assert error.value.errors == {"actual_end": ["Besøket kan ikke slutte før det starter."]}
    assert count_visits() == 0


def test_every_problem_is_reported_at_once(org):
    with pytest.raises(ValidationFailed) as error:
        create_visit(**visit_fields(org, staff=org.staff_a2, planned_minutes=0,
                                    status="completed"))
    assert set(error.value.errors) == {"staff_id", "planned_minutes", "actual_start",
                                       "actual_end"}


def test_a_completed_visit_cannot_end_in_the_future(org):
    start = utcnow() - timedelta(minutes=10)
    with pytest.raises(ValidationFailed, match="fram i tid"):
        create_visit(**visit_fields(org, status="completed", actual_start=start,
                                    actual_end=utcnow() + timedelta(hours=1)))


def test_unknown_kind_and_status_are_refused(org):
    with pytest.raises(ValidationFailed) as error:
        create_visit(**visit_fields(org, kind="long", status="done"))
    assert set(error.value.errors) == {"kind", "status"}


def test_a_refused_update_leaves_the_visit_as_it_was(org):
    visit = create_visit(**visit_fields(org))
    with pytest.raises(ValidationFailed):
        change_visit(org.staff_a1, visit, status="completed")
    assert visit.status is VisitStatus.PLANNED
    start = utcnow() - timedelta(hours=1)
    change_visit(org.staff_a1, visit, status="completed", actual_start=start,
                 actual_end=start + timedelta(minutes=30))
    db.session.flush()
    assert visit.version == 2


def test_the_database_refuses_a_visit_ending_before_it_starts(org):
    start = utcnow() - timedelta(hours=2)
    with pytest.raises(sa.exc.IntegrityError), db.session.begin_nested():
        db.session.add(Visit(service_user_id=org.user_a1.id, staff_id=org.staff_a1.id,
                             kind="main", planned_start=start, planned_minutes=30,
                             status="completed", actual_start=start,
                             actual_end=start - timedelta(minutes=1),
                             created_by_id=org.staff_a1.id))
        db.session.flush()


def test_naive_timestamps_are_refused(org):
    from datetime import datetime

    with pytest.raises(sa.exc.StatementError, match="timezone-aware"):
        create_visit(**visit_fields(org, planned_start=datetime(2026, 1, 1, 9, 0)))


def test_timestamps_come_back_aware_and_in_utc(org):
    start = utcnow().replace(microsecond=0) - timedelta(hours=1)
    visit = create_visit(**visit_fields(org, planned_start=start))
    db.session.expire(visit)
    assert visit.planned_start == start
    assert visit.planned_start.utcoffset() == timedelta(0)
