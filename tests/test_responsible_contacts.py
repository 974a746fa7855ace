"""Responsible contacts: a history in which at most one assignment covers any instant."""

from datetime import timedelta

import pytest
import sqlalchemy as sa

from homecare.auth.accounts import deactivate_staff
from homecare.core.errors import ValidationFailed
from homecare.core.extensions import db
from homecare.core.timeutil import utcnow
from homecare.org.models import Role
from homecare.service_users.models import ResponsibleContactAssignment
from homecare.service_users.services import (
    assign_responsible_contact,
    contact_history,
    responsible_contact_at,
)
from tests.factories import make_staff


def count_assignments():
    return db.session.scalar(sa.select(sa.func.count()).select_from(ResponsibleContactAssignment))


def test_a_new_contact_ends_the_previous_assignment_where_it_begins(org):
    t0 = utcnow() - timedelta(days=10)
    t1 = utcnow() - timedelta(days=2)
    first = assign_responsible_contact(org.user_a1, org.staff_a1, t0)
    second = assign_responsible_contact(org.user_a1, org.coordinator_a1, t1)
    assert first.valid_to == t1
    assert second.valid_to is None
    assert [a.staff_id for a in contact_history(org.user_a1)] == [org.staff_a1.id,
                                                                  org.coordinator_a1.id]
    just_before = t1 - timedelta(seconds=1)
    assert responsible_contact_at(org.user_a1, just_before).staff_id == org.staff_a1.id
    assert responsible_contact_at(org.user_a1, t1).staff_id == org.coordinator_a1.id
    assert responsible_contact_at(org.user_a1, t0 - timedelta(seconds=1)) is None


def test_an_assignment_cannot_be_slipped_in_before_a_later_one(org):
    assign_responsible_contact(org.user_a1, org.staff_a1, utcnow() - timedelta(days=5))
    before = count_assignments()
    with pytest.raises(ValidationFailed) as error:
        assign_responsible_contact(org.user_a1, org.coordinator_a1, utcnow() - timedelta(days=6))
    assert "må starte etter" in error.value.errors["from"][0]
    assert count_assignments() == before
    assert contact_history(org.user_a1)[-1].valid_to is None


def test_the_contact_must_be_an_active_member_of_the_users_team(org):
    with pytest.raises(ValidationFailed) as error:
        assign_responsible_contact(org.user_a1, org.staff_a2)
    assert error.value.errors["staff_id"] == [
        "Tjenesteansvarlig må være medlem av brukerens team."]
    leader = org.leader_a
    with pytest.raises(ValidationFailed):
        assign_responsible_contact(org.user_a1, leader)
    colleague = make_staff(Role.STAFF, teams=[org.team_a1])
    deactivate_staff(colleague)
    with pytest.raises(ValidationFailed, match="deaktivert"):
        assign_responsible_contact(org.user_a1, colleague)
    assert count_assignments() == 0


def test_assigning_the_current_contact_again_changes_nothing(org):
    first = assign_responsible_contact(org.user_a1, org.staff_a1, utcnow() - timedelta(days=1))
    again = assign_responsible_contact(org.user_a1, org.staff_a1)
    assert again is first
    assert count_assignments() == 1


def test_the_database_refuses_two_open_assignments(org):
    assign_responsible_contact(org.user_a1, org.staff_a1, utcnow() - timedelta(days=1))
    with pytest.raises(sa.exc.IntegrityError), db.session.begin_nested():
        db.session.add(ResponsibleContactAssignment(
            service_user_id=org.user_a1.id, staff_id=org.coordinator_a1.id,
            valid_from=utcnow()))
        db.session.flush()


def test_the_database_refuses_an_assignment_ending_before_it_starts(org):
    with pytest.raises(sa.exc.IntegrityError), db.session.begin_nested():
        db.session.add(ResponsibleContactAssignment(
            service_user_id=org.user_a1.id, staff_id=org.staff_a1.id,
            valid_from=utcnow(), valid_to=utcnow() - timedelta(hours=1)))
        db.session.flush()
