"""The coordinator's week planner and the continuity consequences shown before saving."""

from datetime import datetime, time, timedelta

import sqlalchemy as sa

from homecare.core.extensions import db
from homecare.core.timeutil import local_today, local_zone, utcnow
from homecare.sections.services import update_settings
from homecare.service_users.services import assign_responsible_contact
from homecare.visits.continuity import continuity_of
from homecare.visits.models import Visit, VisitKind
from homecare.visits.services import create_visit
from tests.factories import make_staff
from tests.helpers import csrf_token_from, post_form, sign_in


def at(days: int, hour: int = 9) -> datetime:
    """A local time ``days`` from today."""
    return datetime.combine(local_today() + timedelta(days=days), time(hour), tzinfo=local_zone())


def visit(org, staff, days, *, kind="main", completed=True, user=None):
    start = at(days)
    done = completed and start < utcnow()
    return create_visit(
        user=user or org.user_a1, staff=staff, created_by=org.coordinator_a1, kind=kind,
        planned_start=start, planned_minutes=30, status="completed" if done else "planned",
        actual_start=start if done else None,
        actual_end=start + timedelta(minutes=30) if done else None)


def with_contact(org):
    """user_a1 with staff.a1 as contact for a month, N = 3, and a second team member."""
    update_settings(org.section_a, contact_every_n=3)
    assign_responsible_contact(org.user_a1, org.staff_a1, starting=at(-30))
    return make_staff(teams=[org.team_a1], username="other.a1")


def test_a_main_visit_without_the_contact_counts_completed_and_planned_visits(org):
    other = with_contact(org)
    visit(org, org.staff_a1, -5)
    visit(org, other, -3)
    visit(org, other, 1, completed=False)
    result = continuity_of(org.user_a1, other, VisitKind.MAIN, at(2))
    assert (result.contact, result.every_n, result.without_contact) == (org.staff_a1, 3, 3)
    assert result.breaches_contact_rule and not result.new_face
    by_contact = continuity_of(org.user_a1, org.staff_a1, VisitKind.MAIN, at(2))
    assert by_contact.without_contact == 0 and not by_contact.breaches_contact_rule
    earlier = continuity_of(org.user_a1, other, VisitKind.MAIN, at(0, hour=23))
    assert earlier.without_contact == 2 and not earlier.breaches_contact_rule


def test_short_visits_cancelled_ones_and_the_visit_being_moved_do_not_count(org):
    other = with_contact(org)
    visit(org, org.staff_a1, -5)
    visit(org, other, -3, kind="short")
    cancelled = visit(org, other, -2, completed=False)
    cancelled.status = "cancelled"
    moving = visit(org, other, 1, completed=False)
    result = continuity_of(org.user_a1, other, VisitKind.MAIN, at(2), ignore=moving.id)
    assert result.without_contact == 1
    assert continuity_of(org.user_a1, other, VisitKind.SHORT, at(2)).without_contact is None


def test_a_new_face_is_someone_without_a_visit_in_the_fortnight(org):
    other = with_contact(org)
    visit(org, other, -14)
    visit(org, org.staff_a1, -2)
    fresh = continuity_of(org.user_a1, other, VisitKind.SHORT, at(0, hour=23))
    assert fresh.new_face and fresh.faces_in_fortnight == 2
    visit(org, other, -13)
    familiar = continuity_of(org.user_a1, other, VisitKind.SHORT, at(0, hour=23))
    assert not familiar.new_face and familiar.faces_in_fortnight == 2


def test_no_contact_is_itself_a_warning(org):
    result = continuity_of(org.user_a1, org.staff_a1, VisitKind.MAIN, at(1))
    assert result.contact is None and result.without_contact is None and result.warnings


def test_the_week_shows_each_members_visits_by_day(client, org):
    other = with_contact(org)
    monday = local_today() - timedelta(days=local_today().weekday())
    offset = (monday - local_today()).days
    visit(org, other, offset + 2, completed=False)
    visit(org, org.staff_a1, offset + 9, completed=False)  # next week
    sign_in(client, "coord.a1")
    page = client.get(f"/teams/{org.team_a1.id}/planner?week={monday}").text
    assert "Test other.a1" in page and "Test staff.a1" in page
    assert page.count('<li><a class="visit-chip') == 1
    following = client.get(f"/teams/{org.team_a1.id}/planner?week={monday + timedelta(days=8)}")
    assert following.text.count('<li><a class="visit-chip') == 1
    assert client.get(f"/teams/{org.team_a1.id}/planner?week=nonsense").status_code == 200
    assert client.get(f"/teams/{org.team_a2.id}/planner").status_code == 404  # not theirs


def plan(client, org, staff, days, **extra):
    data = {"service_user_id": str(org.user_a1.id), "staff_id": str(staff.id), "kind": "main",
            "day": str(local_today() + timedelta(days=days)), "time": "10:00", "minutes": "30"}
    return post_form(client, f"/teams/{org.team_a1.id}/planner/new", data | extra)


def planned_count() -> int:
    return db.session.scalar(sa.select(sa.func.count()).select_from(Visit))


def test_a_plan_that_breaks_continuity_is_saved_only_after_the_warning_was_seen(client, org):
    other = with_contact(org)
    visit(org, org.staff_a1, -5)
    visit(org, other, -3)
    visit(org, other, -2)
    sign_in(client, "coord.a1")
    before = planned_count()
    warned = plan(client, org, other, 1)
    assert warned.status_code == 200 and planned_count() == before
    assert "hovedbesøk nummer 3 på rad uten tjenesteansvarlig" in warned.text
    assert "Planlegg likevel" in warned.text
    confirm = warned.text.split('name="confirm" type="hidden" value="')[1].split('"')[0]
    changed = plan(client, org, other, 2, confirm=confirm)  # another plan: warn again
    assert changed.status_code == 200 and planned_count() == before
    saved = plan(client, org, other, 1, confirm=confirm)
    assert saved.status_code == 302 and planned_count() == before + 1


def test_a_plan_by_the_contact_is_saved_at_once(client, org):
    with_contact(org)
    visit(org, org.staff_a1, -2)
    sign_in(client, "coord.a1")
    assert plan(client, org, org.staff_a1, 1).status_code == 302


def test_a_bad_plan_says_what_is_wrong_and_writes_nothing(client, org):
    with_contact(org)
    sign_in(client, "coord.a1")
    before = planned_count()
    refused = plan(client, org, org.staff_a1, 1, minutes="0", time="")
    assert refused.status_code == 422 and planned_count() == before
    assert "Planlagt varighet er 1 til 1440 minutter." in refused.text
    assert "Oppgi klokkeslett." in refused.text
    outsider = plan(client, org, org.staff_a2, 1)
    assert outsider.status_code == 422 and planned_count() == before


def test_the_live_preview_shows_the_same_warnings(client, org):
    other = with_contact(org)
    visit(org, org.staff_a1, -5)
    sign_in(client, "coord.a1")
    path = f"/teams/{org.team_a1.id}/planner/continuity"
    query = {"service_user_id": str(org.user_a1.id), "staff_id": str(other.id), "kind": "main",
             "day": str(local_today() + timedelta(days=1)), "time": "10:00", "minutes": "30"}
    preview = client.get(path, query_string=query).text
    assert "nytt ansikt" in preview and "data-fingerprint" in preview
    assert client.get(path, query_string=query | {"staff_id": ""}).text == ""
    staff = client.application.test_client()
    sign_in(staff, "staff.a1")
    assert staff.get(path, query_string=query).status_code == 403


def test_moving_reassigning_and_cancelling_a_planned_visit(client, org):
    other = with_contact(org)
    visit(org, org.staff_a1, -1)
    planned = visit(org, org.staff_a1, 2, completed=False)
    sign_in(client, "coord.a1")
    path = f"/visits/{planned.id}/plan"
    assert "Flytt eller gi besøket til en annen" in client.get(path).text
    moved = post_form(client, path, {
        "service_user_id": str(org.user_a1.id), "staff_id": str(org.staff_a1.id),
        "kind": "main", "day": str(local_today() + timedelta(days=3)), "time": "11:00",
        "minutes": "45"})
    assert moved.status_code == 302
    db.session.expire_all()
    assert (planned.planned_start, planned.planned_minutes) == (at(3, hour=11), 45)
    reassigned = post_form(client, path, {
        "service_user_id": str(org.user_a1.id), "staff_id": str(other.id), "kind": "short",
        "day": str(local_today() + timedelta(days=3)), "time": "11:00", "minutes": "45"})
    assert reassigned.status_code == 200  # a new face: saved once the warning was seen
    confirm = reassigned.text.split('name="confirm" type="hidden" value="')[1].split('"')[0]
    assert post_form(client, path, {
        "service_user_id": str(org.user_a1.id), "staff_id": str(other.id), "kind": "short",
        "day": str(local_today() + timedelta(days=3)), "time": "11:00", "minutes": "45",
        "confirm": confirm}).status_code == 302
    db.session.expire_all()
    assert planned.staff_id == other.id
    cancelled = client.post(f"/visits/{planned.id}/cancel",
                            data={"csrf_token": csrf_token_from(client.get(path).text)})
    assert cancelled.status_code == 302
    db.session.expire_all()
    assert planned.status == "cancelled"
    assert client.get(path).status_code == 409  # a cancelled visit is final


def test_the_planner_and_board_cost_the_same_for_few_or_many_users(app, client, org):
    from homecare.core.timeutil import local_date_of
    from tests.api.test_query_counts import add_users_with_records, counted

    sign_in(client, "coord.a1")
    week = local_date_of(utcnow() - timedelta(hours=2))
    pages = (f"/teams/{org.team_a1.id}/planner?week={week}", f"/teams/{org.team_a1.id}/board")

    def cost():
        found = {}
        for path in pages:
            with counted(app) as statements:
                assert client.get(path).status_code == 200
            found[path] = len(statements)
        return found

    add_users_with_records(org, 2)
    few = cost()
    add_users_with_records(org, 20)
    make_staff(teams=[org.team_a1])
    assert cost() == few
