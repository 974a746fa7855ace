"""The access policy, for every role against own team, other team and other section."""

import pytest
import sqlalchemy as sa

from homecare.auth.accounts import deactivate_staff
from homecare.core.errors import Forbidden, NotFound
from homecare.core.extensions import db
from homecare.policy.access import (
    ORGANISATION,
    Action,
    Verdict,
    ensure,
    permits,
    visible_service_users,
)
from homecare.service_users.models import ServiceUser

A, F, H = Verdict.ALLOWED, Verdict.FORBIDDEN, Verdict.HIDDEN

#: actor -> (view, record, coordinate) on user_a1 (own team for the A1 people),
#: user_a2 (other team, same section) and user_b1 (other section).
SERVICE_USER_RULES = {
    "coordinator_a1": {"user_a1": (A, A, A), "user_a2": (H, H, H), "user_b1": (H, H, H)},
    "staff_a1": {"user_a1": (A, A, F), "user_a2": (H, H, H), "user_b1": (H, H, H)},
    "staff_a2": {"user_a1": (H, H, H), "user_a2": (A, A, F), "user_b1": (H, H, H)},
    "leader_a": {"user_a1": (F, F, F), "user_a2": (F, F, F), "user_b1": (F, F, F)},
    "admin": {"user_a1": (F, F, F), "user_a2": (F, F, F), "user_b1": (F, F, F)},
}


@pytest.mark.parametrize("actor", SERVICE_USER_RULES)
def test_service_users_are_need_to_know(org, actor):
    for target, expected in SERVICE_USER_RULES[actor].items():
        got = tuple(permits(getattr(org, actor), action, getattr(org, target))
                    for action in (Action.VIEW, Action.RECORD, Action.COORDINATE))
        assert got == expected, f"{actor} on {target}"


#: actor -> (view, coordinate, manage) on team_a1, team_a2, team_b1. A team one may not
#: see is hidden (404 as for no team), so that team ids cannot be probed.
TEAM_RULES = {
    "coordinator_a1": {"team_a1": (A, A, F), "team_a2": (H, H, H), "team_b1": (H, H, H)},
    "staff_a1": {"team_a1": (A, F, F), "team_a2": (H, H, H), "team_b1": (H, H, H)},
    "leader_a": {"team_a1": (A, F, F), "team_a2": (A, F, F), "team_b1": (H, H, H)},
    "leader_b": {"team_a1": (H, H, H), "team_a2": (H, H, H), "team_b1": (A, F, F)},
    "admin": {"team_a1": (A, F, A), "team_a2": (A, F, A), "team_b1": (A, F, A)},
}


@pytest.mark.parametrize("actor", TEAM_RULES)
def test_teams(org, actor):
    for target, expected in TEAM_RULES[actor].items():
        got = tuple(permits(getattr(org, actor), action, getattr(org, target))
                    for action in (Action.VIEW, Action.COORDINATE, Action.MANAGE))
        assert got == expected, f"{actor} on {target}"


#: actor -> (view, manage) on section_a, section_b.
SECTION_RULES = {
    "coordinator_a1": {"section_a": (F, F), "section_b": (H, H)},
    "staff_a1": {"section_a": (F, F), "section_b": (H, H)},
    "leader_a": {"section_a": (A, F), "section_b": (H, H)},
    "admin": {"section_a": (A, A), "section_b": (A, A)},
}


@pytest.mark.parametrize("actor", SECTION_RULES)
def test_sections(org, actor):
    for target, expected in SECTION_RULES[actor].items():
        got = tuple(permits(getattr(org, actor), action, getattr(org, target))
                    for action in (Action.VIEW, Action.MANAGE))
        assert got == expected, f"{actor} on {target}"


def test_staff_records_visible_to_self_teammates_and_admins(org):
    assert permits(org.staff_a1, Action.VIEW, org.staff_a1)
    assert permits(org.coordinator_a1, Action.VIEW, org.staff_a1)
    # Teammates see each other: they work together, and forms name who asked.
    assert permits(org.staff_a1, Action.VIEW, org.coordinator_a1)
    # Outside one's teams a person is not known to exist: hidden, not forbidden.
    assert permits(org.coordinator_a1, Action.VIEW, org.staff_a2) is H
    assert permits(org.leader_a, Action.VIEW, org.staff_a1) is H
    assert permits(org.staff_a1, Action.MANAGE, org.staff_a1) is F
    assert permits(org.admin, Action.MANAGE, org.staff_b1)


def test_naming_a_person_one_may_not_see_is_a_422_like_no_one(api_as, org):
    from datetime import date

    body = {"conversation_date": str(date.today()), "present": ["user"],
            "in_own_words": "Å gå tur"}
    api, path = api_as(org.staff_a1), f"/service-users/{org.user_a1.id}/what-matters"
    teammate = api.post(path, json={**body, "asked_by": org.coordinator_a1.id})
    assert teammate.status_code == 201
    answers = [api.post(path, json={**body, "asked_by": staff_id})
               for staff_id in (org.staff_b1.id, 999_999)]
    assert [a.status_code for a in answers] == [422, 422]
    assert answers[0].json["errors"] == answers[1].json["errors"]


def test_only_admins_manage_the_organisation(org):
    for actor in ("coordinator_a1", "staff_a1", "leader_a"):
        assert not permits(getattr(org, actor), Action.MANAGE, ORGANISATION)
    assert permits(org.admin, Action.MANAGE, ORGANISATION)


def test_anonymous_and_deactivated_accounts_get_nothing(org):
    assert permits(None, Action.VIEW, org.user_a1) is F
    deactivate_staff(org.staff_a1)
    assert permits(org.staff_a1, Action.VIEW, org.user_a1) is F


def test_deleted_users_are_hidden(org):
    from homecare.core.timeutil import utcnow

    org.user_a1.deleted_at = utcnow()
    assert permits(org.coordinator_a1, Action.VIEW, org.user_a1) is H


def test_ensure_raises_404_for_hidden_and_403_for_forbidden(org):
    with pytest.raises(NotFound):
        ensure(org.staff_a1, Action.VIEW, org.user_b1)
    with pytest.raises(Forbidden):
        ensure(org.staff_a1, Action.COORDINATE, org.user_a1)
    with pytest.raises(Forbidden):
        ensure(org.leader_a, Action.VIEW, org.user_a1)
    ensure(org.staff_a1, Action.RECORD, org.user_a1)


def test_the_policy_refuses_targets_it_has_no_rule_for(org):
    with pytest.raises(TypeError):
        permits(org.admin, Action.VIEW, object())


@pytest.mark.parametrize("actor", ["leader_a", "admin"])
def test_leaders_and_admins_cannot_list_users(org, actor):
    with pytest.raises(Forbidden):
        visible_service_users(getattr(org, actor))


@pytest.mark.parametrize("actor", ["coordinator_a1", "staff_a1", "staff_a2", "staff_b1"])
def test_sql_filter_matches_the_policy(org, actor):
    staff = getattr(org, actor)
    users = db.session.scalars(sa.select(ServiceUser)).all()
    listed = set(db.session.scalars(sa.select(ServiceUser.id).where(
        visible_service_users(staff))))
    assert listed == {u.id for u in users if permits(staff, Action.VIEW, u)}


def test_a_visit_is_changed_by_its_staff_member_or_a_coordinator(org):
    from datetime import timedelta

    from homecare.core.timeutil import utcnow
    from homecare.org.models import Role
    from homecare.visits.services import create_visit
    from tests.factories import make_staff

    colleague = make_staff(Role.STAFF, teams=[org.team_a1])
    visit = create_visit(user=org.user_a1, staff=org.staff_a1, created_by=org.coordinator_a1,
                         kind="main", planned_start=utcnow() - timedelta(hours=1),
                         planned_minutes=30)
    assert permits(org.staff_a1, Action.RECORD, visit) is A
    assert permits(org.coordinator_a1, Action.RECORD, visit) is A
    assert permits(colleague, Action.RECORD, visit) is F
    assert permits(colleague, Action.VIEW, visit) is A
    assert permits(org.staff_a2, Action.VIEW, visit) is H
    assert permits(org.leader_a, Action.VIEW, visit) is F
