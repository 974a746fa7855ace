"""Planning for continuity at scale (issue 30, item 5): visits repeating weekly, changed
one at a time or all following; a week copied to the next; double bookings warned about
and saved only when confirmed; one user's week; a day in the past refused in plain words
with the form kept; the team list with the responsible contact first."""

from datetime import date, datetime, time, timedelta

import pytest
import sqlalchemy as sa

from homecare.core.errors import Conflict, ValidationFailed
from homecare.core.extensions import db
from homecare.core.timeutil import local_today, local_zone, to_local, utcnow
from homecare.service_users.services import assign_responsible_contact
from homecare.visits.models import Visit, VisitSeries, VisitStatus
from homecare.visits.series import (
    Overlapping,
    cancel_following,
    change_following,
    copy_week,
    occurrence_days,
    plan_series,
    week_copy,
)
from homecare.visits.services import change_visit, create_visit, overlaps
from homecare.visits.week import monday_of
from tests.factories import make_staff, make_user
from tests.helpers import csrf_token_from, post_form, sign_in


def next_monday() -> date:
    return monday_of(local_today()) + timedelta(days=7)


def at(day: date, hour: int = 8, minute: int = 0) -> datetime:
    return datetime.combine(day, time(hour, minute), tzinfo=local_zone())


def series(org, *, weeks=4, weekdays=(1, 3), staff=None, user=None, hour=8, **more):
    first = next_monday()
    return plan_series(org.coordinator_a1, user=user or org.user_a1,
                       staff=staff or org.staff_a1, kind="main", weekdays=weekdays,
                       start_time=time(hour), planned_minutes=30, first_day=first,
                       until=first + timedelta(weeks=weeks, days=-1), **more)


def visits_of(series_id) -> list[Visit]:
    db.session.expire_all()
    return list(db.session.scalars(sa.select(Visit).where(Visit.series_id == series_id)
                                   .order_by(Visit.planned_start)))


def count(model=Visit) -> int:
    return db.session.scalar(sa.select(sa.func.count()).select_from(model))


# -- The services -------------------------------------------------------------------


def test_occurrence_days_fall_on_the_chosen_weekdays_only():
    monday = date(2026, 3, 2)
    days = occurrence_days([1, 5], monday, monday + timedelta(days=13))
    assert days == [monday, monday + timedelta(days=4), monday + timedelta(days=7),
                    monday + timedelta(days=11)]


def test_a_weekly_series_is_ordinary_planned_visits(org):
    made, visits = series(org)
    assert len(visits) == 8
    assert all(v.status is VisitStatus.PLANNED and v.series_id == made.id for v in visits)
    assert {to_local(v.planned_start).isoweekday() for v in visits} == {1, 3}
    assert {to_local(v.planned_start).time() for v in visits} == {time(8)}
    assert made.days == [1, 3] and [v.id for v in made.visits] == [v.id for v in visits]


def test_summer_time_does_not_move_the_clock_time(org):
    # Weekly for 26 weeks crosses a change of summer time whenever it runs.
    _made, visits = series(org, weeks=26, weekdays=(2,))
    assert len(visits) == 26
    assert {to_local(v.planned_start).time() for v in visits} == {time(8)}


@pytest.mark.parametrize(("changes", "field"), [
    ({"weekdays": []}, "weekdays"),
    ({"weekdays": [8]}, "weekdays"),
    ({"first_day": date(2020, 1, 6)}, "first_day"),
    ({"until": date(2020, 1, 6)}, "until"),
    ({"weeks": 27}, "until"),
    ({"planned_minutes": 0}, "planned_minutes"),
])
def test_a_bad_series_says_what_is_wrong_and_writes_nothing(org, changes, field):
    first = next_monday()
    changes = dict(changes)   # the same dict serves each database's run
    weeks = changes.pop("weeks", 4)
    arguments = {"user": org.user_a1, "staff": org.staff_a1, "kind": "main",
                 "weekdays": [1], "start_time": time(8), "planned_minutes": 30,
                 "first_day": first, "until": first + timedelta(weeks=weeks, days=-1)}
    with pytest.raises(ValidationFailed) as refused:
        plan_series(org.coordinator_a1, **(arguments | changes))
    assert field in refused.value.errors
    assert count() == 0 and count(VisitSeries) == 0


def test_a_series_for_someone_outside_the_team_is_refused(org):
    with pytest.raises(ValidationFailed) as refused:
        series(org, staff=org.staff_a2)
    assert "staff_id" in refused.value.errors and count() == 0


def test_a_series_that_books_the_staff_member_twice_needs_allow_overlap(org):
    other = make_user(org.team_a1, full_name="Per Hansen")
    taken = create_visit(user=other, staff=org.staff_a1, created_by=org.coordinator_a1,
                         kind="main", planned_start=at(next_monday() + timedelta(days=7),
                                                       8, 15), planned_minutes=30)
    with pytest.raises(Overlapping) as clash:
        series(org)
    assert [o.visit.id for o in clash.value.overlaps] == [taken.id]
    assert count() == 1 and count(VisitSeries) == 0
    _made, visits = series(org, allow_overlap=True)
    assert len(visits) == 8


def test_overlaps_count_planned_and_completed_not_cancelled_or_touching(org):
    day = local_today()
    start = at(day, 8) - timedelta(days=1)
    done = create_visit(user=org.user_a1, staff=org.staff_a1, created_by=org.staff_a1,
                        kind="main", planned_start=start, planned_minutes=30,
                        status="completed", actual_start=start + timedelta(minutes=40),
                        actual_end=start + timedelta(minutes=70))
    assert [o.visit for o in overlaps(org.staff_a1, [(start + timedelta(minutes=60),
                                                      start + timedelta(minutes=90))])] == [done]
    # As carried out: 08:40-09:10; a visit 08:00-08:40 only touches it.
    assert overlaps(org.staff_a1, [(start, start + timedelta(minutes=40))]) == []
    done.status = VisitStatus.CANCELLED
    assert overlaps(org.staff_a1, [(start + timedelta(minutes=60),
                                    start + timedelta(minutes=90))]) == []


def test_changing_this_and_all_following_leaves_earlier_and_completed_visits(org):
    other = make_staff(teams=[org.team_a1], username="other.a1")
    made, visits = series(org)
    completed_later = visits[5]
    completed_later.status = VisitStatus.COMPLETED   # carried out ahead of time
    completed_later.actual_start = utcnow() - timedelta(hours=1)
    completed_later.actual_end = utcnow() - timedelta(minutes=30)
    third = visits[2]
    new_start = at(to_local(third.planned_start).date() + timedelta(days=1), 9, 30)
    changed = change_following(org.coordinator_a1, third, staff=other, planned_start=new_start,
                               planned_minutes=45)
    assert len(changed) == 5
    after = visits_of(made.id)
    assert [v.staff_id for v in after[:2]] == [org.staff_a1.id] * 2
    assert [to_local(v.planned_start).time() for v in after[:2]] == [time(8)] * 2
    assert after[5].staff_id == org.staff_a1.id and after[5].status is VisitStatus.COMPLETED
    moved = [v for v in after[2:] if v.id != completed_later.id]
    assert {v.staff_id for v in moved} == {other.id}
    assert {to_local(v.planned_start).time() for v in moved} == {time(9, 30)}
    assert {to_local(v.planned_start).isoweekday() for v in moved} == {2, 4}
    assert {v.planned_minutes for v in moved} == {45}
    db.session.refresh(made)
    assert (made.days, made.staff_id, made.start_time) == ([2, 4], other.id, time(9, 30))


def test_changing_one_occurrence_leaves_the_others(org):
    made, visits = series(org)
    change_visit(org.coordinator_a1, visits[1], planned_start=at(
        to_local(visits[1].planned_start).date(), 11))
    after = visits_of(made.id)
    assert [to_local(v.planned_start).hour for v in after] == [8, 11, 8, 8, 8, 8, 8, 8]


def test_all_following_refuses_a_double_booking_unless_allowed(org):
    other = make_staff(teams=[org.team_a1], username="other.a1")
    _made, visits = series(org)
    busy = create_visit(user=make_user(org.team_a1), staff=other,
                        created_by=org.coordinator_a1, kind="short",
                        planned_start=visits[-1].planned_start, planned_minutes=10)
    with pytest.raises(Overlapping) as clash:
        change_following(org.coordinator_a1, visits[0], staff=other)
    assert [o.visit.id for o in clash.value.overlaps] == [busy.id]
    assert change_following(org.coordinator_a1, visits[0], staff=other, allow_overlap=True)


def test_cancelling_all_following_keeps_what_took_place(org):
    made, visits = series(org)
    visits[4].status = VisitStatus.MISSED
    cancelled = cancel_following(org.coordinator_a1, visits[2])
    assert len(cancelled) == 5
    after = visits_of(made.id)
    assert [v.status for v in after] == [VisitStatus.PLANNED] * 2 + [
        VisitStatus.CANCELLED] * 2 + [VisitStatus.MISSED] + [VisitStatus.CANCELLED] * 3
    db.session.refresh(made)
    assert made.until == to_local(visits[2].planned_start).date() - timedelta(days=1)


def test_a_visit_that_does_not_repeat_has_no_following(org):
    single = create_visit(user=org.user_a1, staff=org.staff_a1, created_by=org.coordinator_a1,
                          kind="main", planned_start=at(next_monday()), planned_minutes=30)
    with pytest.raises(Conflict):
        cancel_following(org.coordinator_a1, single)


def test_copying_a_week_skips_what_is_there_and_what_was_cancelled(org):
    monday = next_monday()
    plans = [create_visit(user=org.user_a1, staff=org.staff_a1, created_by=org.coordinator_a1,
                          kind="main", planned_start=at(monday + timedelta(days=d), 8),
                          planned_minutes=30) for d in range(4)]
    plans[3].status = VisitStatus.CANCELLED
    create_visit(user=org.user_a1, staff=org.staff_a1, created_by=org.coordinator_a1,
                 kind="main", planned_start=at(monday + timedelta(days=7), 8),
                 planned_minutes=30)
    preview = week_copy(org.team_a1, monday)
    assert (len(preview.to_copy), preview.already, preview.refused) == (2, 1, 0)
    assert count() == 5   # the preview writes nothing
    done = copy_week(org.coordinator_a1, org.team_a1, monday)
    assert (done.copied, done.already) == (2, 1)
    starts = set(db.session.scalars(sa.select(Visit.planned_start).where(
        Visit.planned_start >= at(monday + timedelta(days=7), 0))))
    assert starts == {at(monday + timedelta(days=7 + d), 8) for d in range(3)}
    again = copy_week(org.coordinator_a1, org.team_a1, monday)
    assert (again.copied, again.already) == (0, 3)


# -- The pages -----------------------------------------------------------------------


def plan_form(org, day, **more):
    return {"service_user_id": str(org.user_a1.id), "staff_id": str(org.staff_a1.id),
            "kind": "main", "day": str(day), "time": "08:00", "minutes": "30"} | more


def with_contact(org):
    """staff.a1 is user_a1's contact and visited yesterday: no continuity warning."""
    assign_responsible_contact(org.user_a1, org.staff_a1,
                               starting=at(local_today() - timedelta(days=30)))
    start = at(local_today() - timedelta(days=1), 8)
    create_visit(user=org.user_a1, staff=org.staff_a1, created_by=org.staff_a1, kind="main",
                 planned_start=start, planned_minutes=30, status="completed",
                 actual_start=start, actual_end=start + timedelta(minutes=30))
    db.session.commit()


def test_the_plan_page_repeats_a_visit_every_week(client, org):
    with_contact(org)
    sign_in(client, "coord.a1")
    first = next_monday()
    path = f"/teams/{org.team_a1.id}/planner/new"
    answer = post_form(client, path, plan_form(org, first, repeat_days=["1", "4"],
                                               until=str(first + timedelta(days=27))))
    assert answer.status_code == 302, answer.text
    assert len(visits_of(db.session.scalar(sa.select(VisitSeries.id)))) == 8
    planner = client.get(answer.location).text
    assert "Besøket er planlagt hver uke: 8 besøk." in planner
    assert planner.count('<span aria-hidden="true">↻</span>') == 2   # this week's two


def test_a_day_in_the_past_is_refused_plainly_and_the_form_is_kept(client, org):
    # The user's service started 30 days ago: a day before it used to clear the choice.
    sign_in(client, "coord.a1")
    path = f"/teams/{org.team_a1.id}/planner/new"
    answer = post_form(client, path, plan_form(org, local_today() - timedelta(days=40)))
    assert answer.status_code == 422
    assert "Du kan ikke planlegge et besøk tilbake i tid." in answer.text
    assert "Ikke et gyldig valg" not in answer.text
    assert f'selected value="{org.user_a1.id}"' in answer.text
    assert count() == 0


def test_a_double_booking_is_saved_only_when_confirmed(client, org):
    with_contact(org)
    other = make_user(org.team_a1, full_name="Per Hansen")
    day = local_today() + timedelta(days=1)
    create_visit(user=other, staff=org.staff_a1, created_by=org.coordinator_a1, kind="main",
                 planned_start=at(day, 8, 15), planned_minutes=30)
    db.session.commit()
    sign_in(client, "coord.a1")
    path = f"/teams/{org.team_a1.id}/planner/new"
    page = client.get(path).text
    form = plan_form(org, day, csrf_token=csrf_token_from(page))
    warned = client.post(path, data=form)
    assert warned.status_code == 200 and "Per Hansen" in warned.text
    assert f"{org.staff_a1.full_name} har allerede et besøk på den tiden" in warned.text
    assert count() == 2
    token = warned.text.split('name="overlap_seen" value="')[1].split('"')[0]
    # Sent again without the box ticked: still only the warning.
    assert client.post(path, data=form | {"overlap_seen": token}).status_code == 200
    assert count() == 2
    saved = client.post(path, data=form | {"overlap_seen": token, "allow_overlap": "yes"})
    assert saved.status_code == 302
    assert count() == 3


def test_the_live_preview_names_the_double_booking(client, org):
    with_contact(org)
    day = local_today() + timedelta(days=1)
    create_visit(user=make_user(org.team_a1, full_name="Per Hansen"), staff=org.staff_a1,
                 created_by=org.coordinator_a1, kind="main", planned_start=at(day, 8),
                 planned_minutes=30)
    db.session.commit()
    sign_in(client, "coord.a1")
    answer = client.get(f"/teams/{org.team_a1.id}/planner/continuity",
                        query_string=plan_form(org, day))
    assert "Per Hansen" in answer.text and 'name="allow_overlap"' in answer.text
    first = next_monday()
    repeat = client.get(f"/teams/{org.team_a1.id}/planner/continuity", query_string=plan_form(
        org, first, repeat_days=["1", "3"], until=str(first + timedelta(days=13))))
    assert "Gjentas hver uke: 4 besøk blir planlagt." in repeat.text


def test_moving_this_and_all_following_from_the_page(client, org):
    with_contact(org)
    made, visits = series(org)
    db.session.commit()
    sign_in(client, "coord.a1")
    second = visits[1]
    path = f"/visits/{second.id}/plan"
    page = client.get(path).text
    assert "Dette og alle senere" in page
    day = to_local(second.planned_start).date()
    answer = post_form(client, path, plan_form(org, day, time="10:00", scope="following"))
    assert answer.status_code == 302, answer.text
    hours = [to_local(v.planned_start).hour for v in visits_of(made.id)]
    assert hours == [8] + [10] * 7


def test_cancelling_all_following_from_the_page_needs_the_box(client, org):
    made, visits = series(org)
    db.session.commit()
    sign_in(client, "coord.a1")
    path = f"/visits/{visits[6].id}/cancel-following"
    token = csrf_token_from(client.get(f"/visits/{visits[6].id}/plan").text)
    assert client.post(path, data={"csrf_token": token}).status_code == 302
    assert VisitStatus.CANCELLED not in {v.status for v in visits_of(made.id)}
    assert client.post(path, data={"csrf_token": token, "sure": "y"}).status_code == 302
    assert [v.status for v in visits_of(made.id)][5:] == [
        VisitStatus.PLANNED, VisitStatus.CANCELLED, VisitStatus.CANCELLED]


def test_copy_the_week_is_confirmed_first(client, org):
    monday = next_monday()
    create_visit(user=org.user_a1, staff=org.staff_a1, created_by=org.coordinator_a1,
                 kind="main", planned_start=at(monday, 8), planned_minutes=30)
    db.session.commit()
    sign_in(client, "coord.a1")
    path = f"/teams/{org.team_a1.id}/planner/copy?week={monday}"
    page = client.get(path)
    assert page.status_code == 200 and "1 besøk blir kopiert." in page.text
    assert count() == 1
    answer = client.post(path, data={"csrf_token": csrf_token_from(page.text)})
    assert answer.status_code == 302 and count() == 2
    assert "1 besøk kopiert til neste uke" in client.get(answer.location).text


def test_the_users_week_shows_who_comes_when(app, client, org):
    series(org, weeks=1)
    db.session.commit()
    sign_in(client, "staff.a1")
    monday = next_monday()
    page = client.get(f"/users/{org.user_a1.id}/week?week={monday}")
    assert page.status_code == 200
    days = page.text.split('class="plain user-week"')[1]
    assert days.count(org.staff_a1.full_name) == 2 and "08:00" in days
    assert f"/users/{org.user_a1.id}/week" in client.get(f"/users/{org.user_a1.id}").text
    client = app.test_client()
    sign_in(client, "coord.a1")
    picked = client.get(f"/teams/{org.team_a1.id}/planner/user-week",
                        query_string={"user": str(org.user_a1.id), "week": str(monday)})
    assert picked.status_code == 302 and picked.location.endswith(
        f"/users/{org.user_a1.id}/week?week={monday}")


def test_the_responsible_contact_comes_first_in_the_team_list(client, org):
    make_staff(teams=[org.team_a1], username="aaa.first")   # first by name
    with_contact(org)
    sign_in(client, "coord.a1")
    page = client.get(f"/teams/{org.team_a1.id}/planner/new?user={org.user_a1.id}").text
    staff_select = page.split('name="staff_id"')[1].split("</select>")[0]
    first_option = staff_select.split("<option")[1]
    assert org.staff_a1.full_name in first_option and "tjenesteansvarlig" in first_option
    without = client.get(f"/teams/{org.team_a1.id}/planner/new").text
    assert "Test aaa.first" in without.split('name="staff_id"')[1].split("<option")[1]


# -- The API -------------------------------------------------------------------------


def series_body(org, **more):
    first = next_monday()
    return {"service_user_id": str(org.user_a1.id), "staff_id": org.staff_a1.id,
            "kind": "main", "weekdays": [2, 4], "start_time": "08:00",
            "planned_minutes": 30, "first_day": str(first),
            "until": str(first + timedelta(days=27))} | more


def test_the_api_plans_a_series_and_refuses_a_double_booking(api_as, org):
    coordinator = api_as(org.coordinator_a1)
    made = coordinator.post("/visits/series", json=series_body(org))
    assert made.status_code == 201, made.json
    assert made.json["weekdays"] == [2, 4] and len(made.json["visits"]) == 8
    again = coordinator.post("/visits/series", json=series_body(org))
    assert again.status_code == 409
    assert len(again.json["overlaps"]) == 8 and count() == 8
    assert {o["visit_id"] for o in again.json["overlaps"]} == {
        v["id"] for v in made.json["visits"]}
    allowed = coordinator.post("/visits/series", json=series_body(org, allow_overlap=True))
    assert allowed.status_code == 201 and count() == 16
    assert api_as(org.staff_a1).post("/visits/series", json=series_body(
        org, start_time="12:00")).status_code == 403
    assert coordinator.get(f"/visits/series/{made.json['id']}").json["id"] == made.json["id"]
    assert api_as(org.staff_a2).get(f"/visits/series/{made.json['id']}").status_code == 404


@pytest.mark.parametrize(("changes", "field"), [
    ({"weekdays": []}, "weekdays"), ({"weekdays": [0]}, "weekdays"),
    ({"first_day": "2020-01-06"}, "first_day"), ({"start_time": "25:00"}, "start_time"),
    ({"until": str(next_monday() + timedelta(weeks=30))}, "until"),
])
def test_a_bad_series_over_the_api_is_a_422(api_as, org, changes, field):
    answer = api_as(org.coordinator_a1).post("/visits/series", json=series_body(org, **changes))
    assert answer.status_code == 422, answer.json
    assert field in answer.json["errors"]["json"] and count() == 0


def test_the_api_changes_and_cancels_all_following(api_as, org):
    coordinator = api_as(org.coordinator_a1)
    made = coordinator.post("/visits/series", json=series_body(org)).json
    third = made["visits"][2]
    start = datetime.fromisoformat(third["planned_start"])
    moved = coordinator.patch(f"/visits/{third['id']}/following", json={
        "planned_start": (start + timedelta(hours=2)).isoformat(), "planned_minutes": 40})
    assert moved.status_code == 200 and len(moved.json) == 6
    assert {to_local(datetime.fromisoformat(v["planned_start"])).hour
            for v in moved.json} == {10}
    series_now = coordinator.get(f"/visits/series/{made['id']}").json
    assert [to_local(datetime.fromisoformat(v["planned_start"])).hour
            for v in series_now["visits"]] == [8, 8] + [10] * 6
    cancelled = coordinator.patch(f"/visits/{made['visits'][6]['id']}/following",
                                  json={"status": "cancelled"})
    assert cancelled.status_code == 200 and len(cancelled.json) == 2
    assert api_as(org.staff_a1).patch(f"/visits/{third['id']}/following",
                                      json={"planned_minutes": 20}).status_code == 403


# -- What the pages cost -------------------------------------------------------------


def test_the_planning_pages_cost_the_same_for_few_or_many_visits(app, org):
    from tests.api.test_query_counts import counted

    monday = next_monday()
    series(org, weeks=1)   # the repeating visit's plan form shows its series

    def add(how_many):
        for _ in range(how_many):
            user = make_user(org.team_a1)
            assign_responsible_contact(user, org.staff_a1)
            create_visit(user=user, staff=org.staff_a1, created_by=org.coordinator_a1,
                         kind="main", planned_start=at(monday, 9), planned_minutes=30)
            create_visit(user=org.user_a1, staff=org.staff_a1, created_by=org.coordinator_a1,
                         kind="short", planned_start=at(monday + timedelta(days=2), 12),
                         planned_minutes=10)
        db.session.commit()

    repeating = visits_of(db.session.scalar(sa.select(VisitSeries.id)))[0]
    team = f"/teams/{org.team_a1.id}"
    day = monday + timedelta(days=2)
    pages = {"user week": f"/users/{org.user_a1.id}/week?week={monday}",
             "copy week": f"{team}/planner/copy?week={monday}",
             "plan form": f"{team}/planner/new?user={org.user_a1.id}",
             "repeating visit": f"/visits/{repeating.id}/plan",
             "preview with overlaps": f"{team}/planner/continuity?" + "&".join(
                 f"{k}={v}" for k, v in plan_form(org, day, time="12:00").items())}
    client = app.test_client()
    sign_in(client, "coord.a1")

    def cost():
        found = {}
        for name, path in pages.items():
            client.get(path)
            with counted(app) as statements:
                assert client.get(path).status_code == 200, name
            found[name] = len(statements)
        return found

    add(2)
    few = cost()
    add(12)
    assert cost() == few


def test_a_repeat_beyond_26_weeks_is_refused_before_any_warning(client, org):
    sign_in(client, "coord.a1")   # no contact: the continuity warning would come first
    first = next_monday()
    answer = post_form(client, f"/teams/{org.team_a1.id}/planner/new", plan_form(
        org, first, repeat_days=["2"], until=str(first + timedelta(weeks=27))))
    assert answer.status_code == 422
    assert "høyst 26 uker fram" in answer.text and count() == 0


def test_an_occurrence_is_completed_as_any_visit(api_as, org):
    _made, visits = series(org, weeks=1)
    db.session.commit()
    start = visits[0].planned_start
    answer = api_as(org.staff_a1).patch(f"/visits/{visits[0].id}", json={
        "status": "completed", "actual_start": (utcnow() - timedelta(hours=1)).isoformat(),
        "actual_end": (utcnow() - timedelta(minutes=30)).isoformat()},
        headers={"If-Match": '"1"'})
    assert answer.status_code == 200 and answer.json["series_id"] == str(visits[0].series_id)
    assert answer.json["status"] == "completed" and answer.json["planned_start"] == \
        start.isoformat()


def test_a_double_booking_in_another_team_names_nobody(client, api_as, org):
    """A nurse may work in two teams: the visit she has with the other team's user is
    shown as a time only, to the page and to the API, and is not logged as read."""
    from homecare.core.audit import AuditAction, AuditEntry

    with_contact(org)
    org.staff_a1.teams.append(org.team_b1)
    day = local_today() + timedelta(days=1)
    elsewhere = make_user(org.team_b1, full_name="Bodil Annetteam")
    create_visit(user=elsewhere, staff=org.staff_a1, created_by=org.staff_a1, kind="main",
                 planned_start=at(day, 8, 15), planned_minutes=30)
    db.session.commit()
    sign_in(client, "coord.a1")
    path = f"/teams/{org.team_a1.id}/planner/new"
    form = plan_form(org, day, csrf_token=csrf_token_from(client.get(path).text))
    warned = client.post(path, data=form)
    assert warned.status_code == 200 and "en bruker i et annet team" in warned.text
    assert "Annetteam" not in warned.text
    preview = client.get(f"/teams/{org.team_a1.id}/planner/continuity",
                         query_string={k: v for k, v in form.items() if k != "csrf_token"})
    assert "en bruker i et annet team" in preview.text
    assert "Annetteam" not in preview.text
    clash = api_as(org.coordinator_a1).post("/visits/series", json=series_body(
        org, first_day=str(day), until=str(day), weekdays=[day.isoweekday()],
        start_time="08:00"))
    assert clash.status_code == 409, clash.json
    assert [(o["service_user_id"], o["visit_id"]) for o in clash.json["overlaps"]] == [
        (None, None)]
    read = db.session.scalars(sa.select(AuditEntry.service_user_id).where(
        AuditEntry.action == AuditAction.READ, AuditEntry.service_user_id == elsewhere.id))
    assert list(read) == []


def test_copying_a_week_does_not_plan_again_what_was_cancelled_there_nor_a_leavers_visits(org):
    monday = next_monday()
    for day in (0, 1):
        create_visit(user=org.user_a1, staff=org.staff_a1, created_by=org.coordinator_a1,
                     kind="main", planned_start=at(monday + timedelta(days=day), 8),
                     planned_minutes=30)
    cancelled = create_visit(user=org.user_a1, staff=org.staff_a1, created_by=org.coordinator_a1,
                             kind="main", planned_start=at(monday + timedelta(days=7), 8),
                             planned_minutes=30)
    cancelled.status = VisitStatus.CANCELLED
    leaver = make_staff(teams=[org.team_a1], username="staff.leaving")
    create_visit(user=org.user_a1, staff=leaver, created_by=org.coordinator_a1, kind="main",
                 planned_start=at(monday + timedelta(days=2), 10), planned_minutes=30)
    leaver.active = False
    db.session.flush()
    preview = week_copy(org.team_a1, monday)
    assert (len(preview.to_copy), preview.already, preview.refused) == (1, 1, 1)
