"""A user's record kept on screen (issue 30, items 1 and 2): registering the user from a
referral and on to the contact and «what matters»; the details (address, phone, next of
kin, speaking for them, a move, the end of the service) read by the team and changed by
coordinators, through the same services as the API."""

from __future__ import annotations

from datetime import timedelta

import pytest
import sqlalchemy as sa

from homecare.core.extensions import db
from homecare.core.timeutil import local_today
from homecare.intake.models import Referral
from homecare.intake.services import record_referral, update_referral
from homecare.intake.steps import intake_rows
from homecare.org.models import Role
from homecare.prompts.rules import open_prompts
from homecare.sections.services import settings_row, thresholds
from homecare.service_users.models import ServiceUser, TeamPeriod, TransferRequest
from homecare.service_users.services import assign_responsible_contact, update_service_user
from tests.factories import make_staff, make_user, synthetic_national_id
from tests.helpers import csrf_token_from, post_form, sign_in

NEUTRAL = ("Registreringen må sjekkes med andre koordinatorer før den kan fullføres. Du "
           "finner svaret under overføringsforespørsler på teamets tavle.")


def _referral(org, name="Ola Henvist Nordmann"):
    today = local_today()
    return record_referral(team=org.team_a1, created_by=org.coordinator_a1,
                           received_on=today - timedelta(days=2), source="gp",
                           person_name=name, need="Sårstell to ganger i uken.", today=today)


def _intake_row(org, user):
    rows = intake_rows(org.team_a1, local_today(), thresholds(settings_row(org.team_a1.section)))
    return next(r for r in rows if r.user is not None and r.user.id == user.id)


def _coordinator(app, org):
    client = app.test_client()
    sign_in(client, "coord.a1")
    return client


def _new_user(**extra):
    return {"given_name": "Ola", "middle_name": "Henvist", "family_name": "Nordmann",
            "national_id": synthetic_national_id(), "address_line": "Bjølsengata 12",
            "postal_code": "0468", "city": "Oslo", "phone": "912 34 567",
            "service_type": "long_term", "service_start": str(local_today()),
            "needs_proxy": "no", **extra}


def test_a_referral_becomes_a_user_and_goes_on_to_the_contact_and_what_matters(app, org):
    referral = _referral(org)
    update_referral(referral, today=local_today(), assessed_on=local_today(),
                    assessed_by=org.staff_a1)
    client = _coordinator(app, org)
    page = client.get(f"/referrals/{referral.id}")
    register = f"/teams/{org.team_a1.id}/users/new?referral={referral.id}"
    assert register.replace("&", "&amp;") in page.text or register in page.text
    form = client.get(register)
    assert form.status_code == 200
    assert 'value="Ola Henvist"' in form.text and 'value="Nordmann"' in form.text
    assert "Sårstell to ganger i uken." in form.text
    # Nothing is preselected on the questions of fact.
    assert "checked" not in form.text
    answer = client.post(register, data={**_new_user(), "csrf_token": csrf_token_from(
        form.text)})
    assert answer.status_code == 302
    db.session.expire_all()
    user = db.session.scalar(sa.select(ServiceUser).where(
        ServiceUser.full_name == "Ola Henvist Nordmann"))
    assert (user.phone, user.address, user.needs_proxy, user.team_id) == (
        "912 34 567", "Bjølsengata 12, 0468 Oslo", False, org.team_a1.id)
    assert db.session.get(Referral, referral.id).service_user_id == user.id
    assert answer.headers["Location"].endswith(
        f"/users/{user.id}/contact?then=what_matters")
    # The board's intake card names the next step with the link to it.
    row = _intake_row(org, user)
    assert row.next_step().key == "contact"
    with app.test_request_context():
        assert row.next_link().endswith(f"/users/{user.id}/contact?then=what_matters")
    contact = post_form(client, f"/users/{user.id}/contact?then=what_matters",
                        {"staff_id": str(org.staff_a1.id)})
    assert contact.status_code == 302
    assert contact.headers["Location"].endswith(f"/users/{user.id}/what-matters/new")
    db.session.expire_all()
    row = _intake_row(org, user)
    assert row.next_step().key == "what_matters"
    with app.test_request_context():
        assert row.next_link().endswith(f"/users/{user.id}/what-matters/new")


def test_a_user_starting_later_stays_on_the_intake_card(app, org):
    user = make_user(org.team_a1, start=local_today() + timedelta(days=5), full_name="Snart Start")
    row = _intake_row(org, user)
    assert row.days(local_today()) == 0 and row.next_step().key == "contact"


def test_a_refused_registration_writes_nothing_and_says_why(app, org):
    referral = _referral(org)
    client = _coordinator(app, org)
    register = f"/teams/{org.team_a1.id}/users/new?referral={referral.id}"
    before = db.session.scalar(sa.select(sa.func.count()).select_from(ServiceUser))
    # Services cannot start before the referral came.
    early = str(local_today() - timedelta(days=10))
    answer = post_form(client, register, _new_user(service_start=early))
    assert answer.status_code == 422
    assert "Brukerens tjenester startet før henvisningen kom." in answer.text
    # A person already in the team: said so, next to the field.
    answer = post_form(client, register, _new_user(national_id=org.user_a1.national_id))
    assert answer.status_code == 422 and "allerede registrert i teamet ditt" in answer.text
    # No answer chosen to a question of fact.
    answer = post_form(client, register, {k: v for k, v in _new_user().items()
                                          if k != "needs_proxy"})
    assert answer.status_code == 422 and "Svar ja eller nei." in answer.text
    db.session.expire_all()
    assert db.session.scalar(sa.select(sa.func.count()).select_from(ServiceUser)) == before
    assert db.session.get(Referral, referral.id).service_user_id is None


def test_a_person_of_a_team_one_may_not_see_becomes_a_request_told_in_neutral_words(app, org):
    coordinator_b1 = make_staff(Role.COORDINATOR, teams=[org.team_b1], username="coord.b1")
    org.user_a1.full_name = "Hemmelig Person"
    db.session.flush()
    client = app.test_client()
    sign_in(client, "coord.b1")
    answer = post_form(client, f"/teams/{org.team_b1.id}/users/new",
                       _new_user(national_id=org.user_a1.national_id))
    assert answer.status_code == 302
    assert answer.headers["Location"].endswith(f"/teams/{org.team_b1.id}/board")
    board = client.get(answer.headers["Location"])
    assert NEUTRAL in board.text
    for secret in (org.user_a1.full_name, org.team_a1.name, str(org.user_a1.id)):
        assert secret not in board.text
    db.session.expire_all()
    transfer = db.session.scalar(sa.select(TransferRequest))
    assert (transfer.service_user_id, transfer.to_team_id, transfer.requested_by_id) == (
        org.user_a1.id, org.team_b1.id, coordinator_b1.id)


def test_team_members_read_the_details_and_coordinators_change_them(app, org, api_as):
    user = org.user_a1
    nurse = app.test_client()
    sign_in(nurse, "staff.a1")
    assert nurse.get(f"/users/{user.id}/details/edit").status_code == 403
    assert nurse.post(f"/users/{user.id}/kin/new").status_code in (400, 403)
    client = _coordinator(app, org)
    edit = client.get(f"/users/{user.id}/details/edit")
    assert 'value="no" checked' in edit.text or 'checked value="no"' in edit.text \
        or ('value="no"' in edit.text and "checked" in edit.text)
    answer = post_form(client, f"/users/{user.id}/details/edit", {
        "address_line": "Sandakerveien 5", "postal_code": "0477", "city": "Oslo",
        "district": "Sagene", "phone": "22 33 44 55", "needs_proxy": "yes"})
    assert answer.status_code == 302
    db.session.expire_all()
    record = api_as(org.coordinator_a1).get(f"/service-users/{user.id}").json
    assert (record["address"], record["district"], record["phone"], record["needs_proxy"]) == (
        "Sandakerveien 5, 0477 Oslo", "Sagene", "22 33 44 55", True)
    # A bad postal code is said next to its field, and nothing is changed.
    answer = post_form(client, f"/users/{user.id}/details/edit", {
        "address_line": "Vei 1", "postal_code": "12", "city": "Oslo", "phone": "",
        "needs_proxy": "no"})
    assert answer.status_code == 422
    db.session.expire_all()
    assert db.session.get(ServiceUser, user.id).address == "Sandakerveien 5, 0477 Oslo"


def test_next_of_kin_are_added_changed_and_removed(app, org, api_as):
    user = org.user_a1
    client = _coordinator(app, org)
    form = client.get(f"/users/{user.id}/kin/new")
    assert "checked" not in form.text
    answer = post_form(client, f"/users/{user.id}/kin/new", {
        "name": "Kari Datter", "relation": "eldste datter", "relationship": "",
        "phone": "913 00 000", "may_speak_for": "yes"})
    assert answer.status_code == 302
    answer = post_form(client, f"/users/{user.id}/kin/new", {
        "name": "Per Nabo", "relation": "nabo", "relationship": "", "phone": "",
        "may_speak_for": ""})
    assert answer.status_code == 422 and "Svar ja eller nei." in answer.text
    answer = post_form(client, f"/users/{user.id}/kin/new", {
        "name": "Per Nabo", "relation": "nabo", "relationship": "", "phone": "",
        "may_speak_for": "no"})
    assert answer.status_code == 422 and "Feltet kan ikke være tomt." in answer.text
    post_form(client, f"/users/{user.id}/kin/new", {
        "name": "Per Nabo", "relation": "nabo", "relationship": "", "phone": "22 00 00 00",
        "may_speak_for": "no"})
    db.session.expire_all()
    kin = api_as(org.coordinator_a1).get(f"/service-users/{user.id}").json["next_of_kin"]
    assert [(k["name"], k["relationship"], k["may_speak_for"]) for k in kin] == [
        ("Kari Datter", "daughter", True), ("Per Nabo", "neighbour", False)]
    first = db.session.get(ServiceUser, user.id).next_of_kin[0]
    answer = post_form(client, f"/users/{user.id}/kin/{first.id}", {
        "name": "Kari Datter", "relation": "datter", "relationship": "daughter",
        "phone": "913 11 111", "may_speak_for": "no"})
    assert answer.status_code == 302
    db.session.expire_all()
    second = db.session.get(ServiceUser, user.id).next_of_kin[1]
    details = client.get(f"/users/{user.id}/details").text
    # Removing asks once more: the button that removes is inside a folded confirmation.
    confirm = details[details.index('<details class="confirm">'):]
    confirm = confirm[:confirm.index("</details>")]
    assert "<summary" in confirm and "Ja, fjern Kari Datter" in confirm
    remove = client.post(f"/users/{user.id}/kin/{second.id}/remove", data={
        "csrf_token": csrf_token_from(client.get(f"/users/{user.id}/details").text)})
    assert remove.status_code == 302
    db.session.expire_all()
    kin = api_as(org.coordinator_a1).get(f"/service-users/{user.id}").json["next_of_kin"]
    assert [(k["name"], k["phone"], k["may_speak_for"]) for k in kin] == [
        ("Kari Datter", "913 11 111", False)]
    # The nurse sees the phone as a link to call.
    nurse = app.test_client()
    sign_in(nurse, "staff.a1")
    for page in (f"/users/{user.id}", f"/users/{user.id}/details"):
        text = nurse.get(page).text
        assert 'href="tel:91311111"' in text, page
    assert "Endre Kari Datter" not in nurse.get(f"/users/{user.id}/details").text


def test_a_move_keeps_the_history_and_access_follows(app, org):
    user = org.user_a1
    coordinator = make_staff(Role.COORDINATOR, teams=[org.team_a1, org.team_a2],
                             username="coord.both")
    client = app.test_client()
    sign_in(client, "coord.both")
    nurse_a1, nurse_a2 = app.test_client(), app.test_client()
    sign_in(nurse_a1, "staff.a1")
    sign_in(nurse_a2, "staff.a2")
    assert nurse_a2.get(f"/users/{user.id}").status_code == 404
    assert "checked" not in client.get(f"/users/{user.id}/move").text   # no team assumed
    answer = post_form(client, f"/users/{user.id}/move", {
        "team": str(org.team_a2.id), "moved_on": str(local_today())})
    assert answer.status_code == 302
    db.session.expire_all()
    periods = db.session.scalars(sa.select(TeamPeriod).where(
        TeamPeriod.service_user_id == user.id).order_by(TeamPeriod.valid_from)).all()
    assert [(p.team_id, p.valid_to) for p in periods] == [
        (org.team_a1.id, local_today()), (org.team_a2.id, None)]
    assert nurse_a2.get(f"/users/{user.id}/details").status_code == 200
    assert nurse_a1.get(f"/users/{user.id}/details").status_code == 404
    assert coordinator.id  # the coordinator of both sees the history on the page
    assert "Team A1" in client.get(f"/users/{user.id}/details").text
    # Only to a team one coordinates: another is not a choice.
    refused = post_form(client, f"/users/{user.id}/move", {
        "team": str(org.team_b1.id), "moved_on": str(local_today())})
    assert refused.status_code == 422


def test_a_coordinator_of_one_team_is_told_how_another_team_takes_over(app, org):
    client = _coordinator(app, org)
    page = client.get(f"/users/{org.user_a1.id}/move")
    assert page.status_code == 200 and 'name="team"' not in page.text
    assert "registrerer brukeren med fødselsnummeret" in page.text


def test_ending_the_service_stops_the_prompts_and_keeps_the_record(app, org, api_as):
    today = local_today()
    user = make_user(org.team_a1, start=today - timedelta(days=40), full_name="Slutt Bruker")
    assign_responsible_contact(user, org.staff_a1)
    def prompted():
        found = open_prompts(today)
        return set(db.session.scalars(sa.select(found.c.user_id)))
    assert user.id in prompted()   # no «what matters» yet
    client = _coordinator(app, org)
    refused = post_form(client, f"/users/{user.id}/end", {
        "service_end": str(today - timedelta(days=1)), "service_end_reason": " "})
    assert refused.status_code == 422
    db.session.expire_all()
    assert db.session.get(ServiceUser, user.id).service_end is None
    answer = post_form(client, f"/users/{user.id}/end", {
        "service_end": str(today - timedelta(days=1)),
        "service_end_reason": "Flyttet på sykehjem."})
    assert answer.status_code == 302
    db.session.expire_all()
    record = api_as(org.staff_a1).get(f"/service-users/{user.id}").json
    assert (record["service_end"], record["service_end_reason"]) == (
        str(today - timedelta(days=1)), "Flyttet på sykehjem.")
    assert user.id not in prompted()
    nurse = app.test_client()
    sign_in(nurse, "staff.a1")
    page = nurse.get(f"/users/{user.id}")
    assert page.status_code == 200 and "Flyttet på sykehjem." in page.text
    assert nurse.post(f"/users/{user.id}/end/undo", data={
        "csrf_token": csrf_token_from(page.text)}).status_code == 403
    # Ended by mistake: taken back, the end and its reason are gone.
    undo = client.post(f"/users/{user.id}/end/undo", data={
        "csrf_token": csrf_token_from(client.get(f"/users/{user.id}/end").text)})
    assert undo.status_code == 302
    db.session.expire_all()
    again = db.session.get(ServiceUser, user.id)
    assert (again.service_end, again.service_end_reason) == (None, None)
    assert user.id in prompted()


def test_the_api_records_phone_end_reason_and_who_may_speak(api_as, org):
    api = api_as(org.coordinator_a1)
    user = api.get(f"/service-users/{org.user_a1.id}")
    etag = user.headers["ETag"]
    answer = api.patch(f"/service-users/{org.user_a1.id}", headers={"If-Match": etag}, json={
        "phone": "22 11 22 11", "next_of_kin": [
            {"name": "Anne", "relation": "kone", "phone": "1", "may_speak_for": True}]})
    assert answer.status_code == 200, answer.json
    assert answer.json["phone"] == "22 11 22 11"
    assert answer.json["next_of_kin"][0]["may_speak_for"] is True
    # A reason without an end is refused.
    refused = api.patch(f"/service-users/{org.user_a1.id}",
                        headers={"If-Match": answer.headers["ETag"]},
                        json={"service_end_reason": "Flyttet."})
    assert refused.status_code == 422


def test_each_next_of_kin_stays_the_same_row_when_another_is_changed_or_removed(app, org):
    """A follow-up names who spoke for the user by their row: changing or removing one
    person on the list must not give the others new rows."""
    user = org.user_a1
    update_service_user(user, next_of_kin=[
        {"name": "Kari Datter", "relation": "datter", "phone": "913 00 000"},
        {"name": "Per Sønn", "relation": "sønn", "phone": "922 00 000"},
        {"name": "Ola Nabo", "relation": "nabo", "phone": "933 00 000"}])
    db.session.commit()
    kari, per, ola = (k.id for k in user.next_of_kin)
    client = _coordinator(app, org)
    answer = post_form(client, f"/users/{user.id}/kin/{ola}", {
        "name": "Ola Nabo", "relation": "nabo", "relationship": "", "phone": "944 00 000",
        "may_speak_for": "no"})
    assert answer.status_code == 302
    remove = client.post(f"/users/{user.id}/kin/{kari}/remove", data={
        "csrf_token": csrf_token_from(client.get(f"/users/{user.id}/details").text)})
    assert remove.status_code == 302
    db.session.expire_all()
    kept = db.session.get(ServiceUser, user.id).next_of_kin
    assert [(k.id, k.name, k.phone, k.position) for k in kept] == [
        (per, "Per Sønn", "922 00 000", 0), (ola, "Ola Nabo", "944 00 000", 1)]
    # The API sends the list without ids: the same people are found by name.
    update_service_user(db.session.get(ServiceUser, user.id), next_of_kin=[
        {"name": "Ola Nabo", "relation": "nabo", "phone": "944 00 000"},
        {"name": "Per Sønn", "relation": "sønn", "phone": "955 00 000"}])
    db.session.flush()
    assert [(k.id, k.phone) for k in db.session.get(ServiceUser, user.id).next_of_kin] == [
        (ola, "944 00 000"), (per, "955 00 000")]


@pytest.mark.parametrize("way", ["page", "api"])
def test_an_ended_service_leaves_no_visits_planned_after_its_last_day(app, org, api_as, way):
    from datetime import datetime, time

    from homecare.core.timeutil import local_zone
    from homecare.visits.models import Visit, VisitSeries, VisitStatus
    from homecare.visits.series import plan_series
    from homecare.visits.services import create_visit

    today = local_today()
    user = make_user(org.team_a1, start=today - timedelta(days=40), full_name="Slutt Besøk")

    def at(day):
        return datetime.combine(day, time(9), tzinfo=local_zone())

    kept = create_visit(user=user, staff=org.staff_a1, created_by=org.coordinator_a1,
                        kind="main", planned_start=at(today + timedelta(days=2)),
                        planned_minutes=30)
    after = create_visit(user=user, staff=org.staff_a1, created_by=org.coordinator_a1,
                         kind="main", planned_start=at(today + timedelta(days=4)),
                         planned_minutes=30)
    series, repeated = plan_series(org.coordinator_a1, user=user, staff=org.staff_a1,
                                   kind="short", weekdays=list(range(1, 8)),
                                   start_time=time(15), planned_minutes=20,
                                   first_day=today + timedelta(days=1),
                                   until=today + timedelta(days=14))
    db.session.commit()
    last_day = str(today + timedelta(days=3))
    if way == "page":
        answer = post_form(_coordinator(app, org), f"/users/{user.id}/end", {
            "service_end": last_day, "service_end_reason": "Flyttet på sykehjem."})
        assert answer.status_code == 302
    else:
        coordinator = api_as(org.coordinator_a1)
        etag = coordinator.get(f"/service-users/{user.id}").headers["ETag"]
        answer = coordinator.patch(f"/service-users/{user.id}", headers={"If-Match": etag},
                                   json={"service_end": last_day,
                                         "service_end_reason": "Flyttet på sykehjem."})
        assert answer.status_code == 200, answer.json
    db.session.expire_all()
    status = dict(db.session.execute(sa.select(Visit.id, Visit.status).where(
        Visit.service_user_id == user.id)).all())
    assert status[kept.id] is VisitStatus.PLANNED and status[after.id] is VisitStatus.CANCELLED
    assert [status[v.id] for v in repeated] == [VisitStatus.PLANNED] * 3 + [
        VisitStatus.CANCELLED] * 11
    assert str(db.session.get(VisitSeries, series.id).until) == last_day
