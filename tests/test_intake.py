"""Intake on time (issue 14, part 1): referrals, their steps on the board, the two intake
indicators worked out by hand, and the referral API."""

import sqlalchemy as sa

from homecare.core.audit import AuditEntry
from homecare.core.extensions import db
from homecare.core.timeutil import local_today
from homecare.intake.models import Referral
from homecare.intake.services import record_referral, update_referral
from homecare.what_matters.services import record_conversation
from tests.helpers import post_form, sign_in
from tests.indicators.builders import contact, day, indicators, user


def referral(org, received, person="Ola Henvist", team=None):
    return record_referral(team=team or org.team_a1, created_by=org.coordinator_a1,
                           received_on=day(received), source="hospital", person_name=person,
                           need="Hjelp med medisiner og dusj", today=local_today())


def asked(service_user, staff, offset):
    record_conversation(user=service_user, recorded_by=staff, conversation_date=day(offset),
                        asked_by=staff, present=["user"], in_own_words="Å klare meg hjemme")


def test_intake_on_time_and_days_from_referral_to_start(org):
    a1 = org.staff_a1
    on_time = user(org.team_a1, start=-10)
    contact(on_time, a1, -10)                          # named the day services start
    asked(on_time, a1, -8)                             # asked within 3 days
    late_contact = user(org.team_a1, start=-10)
    contact(late_contact, a1, -9)                      # a day late
    asked(late_contact, a1, -10)
    late_asking = user(org.team_a1, start=-10)
    contact(late_asking, a1, -10)
    asked(late_asking, a1, -6)                         # four days after the start
    too_new = user(org.team_a1, start=-2)              # its deadline is after D
    short_stay = user(org.team_a1, start=-10, service_end=day(-1))  # ended: still counts
    contact(short_stay, a1, -10)
    asked(short_stay, a1, -9)
    user(org.team_a1, start=-40)                       # started before the window
    for started, received in ((on_time, -15), (late_contact, -12), (late_asking, -11),
                              (too_new, -2)):
        update_referral(referral(org, received), service_user=started, today=local_today())
    teams, _total = indicators(org.team_a1)
    result = teams[org.team_a1.id]["intake_on_time"]
    assert (result.value, result.n) == (50.0, 4)
    # 5, 2, 1 and 0 days from referral to start: the median of four.
    days = teams[org.team_a1.id]["referral_to_start_days"]
    assert (days.value, days.n) == (1.5, 4)


def test_the_thresholds_are_the_sections(org):
    late_contact = user(org.team_a1, start=-10)
    contact(late_contact, org.staff_a1, -9)
    asked(late_contact, org.staff_a1, -10)
    _teams, strict = indicators(org.team_a1)
    _teams, lenient = indicators(org.team_a1, intake_contact_days=1)
    assert strict["intake_on_time"].value == 0.0 and lenient["intake_on_time"].value == 100.0


def test_the_board_shows_each_referral_and_new_user_with_the_next_step(client, org):
    waiting = referral(org, -5, person="Åse Venter")
    started = user(org.team_a1, start=-3, full_name="Nils Nystartet")
    update_referral(referral(org, -6), service_user=started, assessed_on=day(-5),
                    assessed_by=org.staff_a1, today=local_today())
    contact(started, org.staff_a1, -3)
    sign_in(client, "coord.a1")
    page = client.get(f"/teams/{org.team_a1.id}/board").text
    intake = page.split('id="intake-heading"')[1].split("</section>")[0]
    assert "Åse Venter" in intake and "Nils Nystartet" in intake
    assert "forsinket" in intake                       # Åse: not assessed in 3 days
    assert f"/referrals/{waiting.id}" in intake
    assert f"/users/{started.id}/what-matters/new" in intake   # Nils: contact named, ask next
    logged = db.session.scalars(sa.select(AuditEntry.entity_id).where(
        AuditEntry.detail == "team board: intake")).all()
    assert str(waiting.id) in logged


def test_a_coordinator_records_a_referral_and_its_assessment_on_the_pages(client, org):
    sign_in(client, "coord.a1")
    path = f"/teams/{org.team_a1.id}/referrals/new"
    refused = post_form(client, path, {"person_name": "Per Pasient", "received_on":
                                       str(local_today()), "source": "gp", "need": "  ",
                                       "urgency": "urgent"})
    assert refused.status_code == 422 and "Feltet kan ikke være tomt." in refused.text
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Referral)) == 0
    saved = post_form(client, path, {"person_name": "Per Pasient", "received_on":
                                     str(local_today()), "source": "gp", "need": "Sårstell",
                                     "urgency": "urgent"})
    assert saved.status_code == 302
    made = db.session.scalars(sa.select(Referral)).one()
    page = client.get(saved.location).text
    assert "Per Pasient" in page and "Fastlege" in page and "Haster" in page
    assessed = post_form(client, saved.location, {
        "step": "assess", "assess-assessed_on": str(local_today()),
        "assess-assessed_by": str(org.staff_a1.id)})
    assert assessed.status_code == 302
    db.session.refresh(made)
    assert (made.assessed_on, made.assessed_by_id) == (local_today(), org.staff_a1.id)


def test_the_referral_api_is_team_scoped_validated_and_audited(api_as, org):
    coordinator = api_as(org.coordinator_a1)
    body = {"team_id": org.team_a1.id, "received_on": str(day(-3)), "source": "next_of_kin",
            "person_name": "Ola Henvist", "need": "Trygghet om natten"}
    made = coordinator.post("/referrals", json=body)
    assert made.status_code == 201 and made.json["urgency"] == "routine"
    for bad in ({**body, "source": "neighbour"}, {**body, "need": " "},
                {**body, "received_on": str(day(30))}, {**body, "person_name": "x" * 201}):
        assert coordinator.post("/referrals", json=bad).status_code == 422, bad
    assert api_as(org.staff_a1).post("/referrals", json=body).status_code == 403
    assert api_as(org.leader_a).get("/referrals").status_code == 403
    assert api_as(org.staff_a2).get(f"/referrals/{made.json['id']}").status_code == 404
    assert [r["id"] for r in api_as(org.staff_a1).get("/referrals?open=true").json] == [
        made.json["id"]]
    path = f"/referrals/{made.json['id']}"
    assert coordinator.patch(path, json={"assessed_on": str(day(-1))}).status_code == 428
    stale = coordinator.patch(path, json={"assessed_on": str(day(-5)),
                                          "assessed_by_id": org.staff_a1.id},
                              headers={"If-Match": '"1"'})
    assert stale.status_code == 422 and "assessed_on" in stale.json["errors"]["json"]
    started = coordinator.patch(path, json={"service_user_id": str(org.user_a2.id)},
                                headers={"If-Match": '"1"'})
    assert started.status_code == 422                  # another team's user
    assessed = coordinator.patch(path, json={"assessed_on": str(day(-1)),
                                             "assessed_by_id": org.staff_a1.id},
                                 headers={"If-Match": '"1"'})
    assert assessed.status_code == 200 and assessed.json["assessed_on"] == str(day(-1))
    reads = db.session.scalar(sa.select(sa.func.count()).select_from(AuditEntry).where(
        AuditEntry.entity == "referrals", AuditEntry.detail == "referral"))
    assert reads >= 1
    assert coordinator.get(path).status_code == 200     # opening one logs its read too
    assert db.session.scalar(sa.select(sa.func.count()).select_from(AuditEntry).where(
        AuditEntry.entity == "referrals", AuditEntry.detail == "referral",
        AuditEntry.entity_id == made.json["id"])) == reads + 1


def test_a_late_step_reminds_the_coordinator_in_the_worklist(api_as, client, org):
    waiting = referral(org, -5, person="Åse Venter")   # not assessed within 3 days
    referral(org, -1, person="Bo Ny")                  # not late yet
    late = api_as(org.coordinator_a1).get("/worklist").json["intake_late"]
    assert [(i["name"], i["step"], i["days_late"], i["referral_id"]) for i in late] == [
        ("Åse Venter", "assessed", (local_today() - day(-5)).days - 3, str(waiting.id))]
    assert api_as(org.staff_a1).get("/worklist").json["intake_late"] == []
    sign_in(client, "coord.a1")
    today = client.get("/today").text
    assert "Oppstartssteg som er forsinket" in today and "Åse Venter" in today


def test_a_user_comes_through_one_referral(api_as, org):
    """Linking a user that another referral became is refused with its reason (422),
    not left to the database's unique constraint; the start form no longer offers them."""
    from homecare.intake.services import startable_users

    coordinator = api_as(org.coordinator_a1)
    first, second = referral(org, -5), referral(org, -4, person="Kari Henvist")
    newcomer = user(org.team_a1, start=-1)
    db.session.commit()

    def start(made):
        path = f"/referrals/{made.id}"
        etag = coordinator.get(path).headers["ETag"]
        return coordinator.patch(path, json={"service_user_id": str(newcomer.id)},
                                 headers={"If-Match": etag})

    assert newcomer in startable_users(second)
    assert start(first).status_code == 200
    refused = start(second)
    assert refused.status_code == 422
    assert refused.json["errors"]["json"]["service_user_id"] == [
        "Brukeren kom gjennom en annen henvisning."]
    assert newcomer not in startable_users(second)
    assert start(first).status_code == 200          # its own user is no other's
    db.session.refresh(second)
    assert second.service_user_id is None


def test_a_closed_referral_changes_only_its_closing(api_as, client, org):
    """Closing is final: the service refuses an assessment or a start (the page hides
    their forms, a crafted post gets the reason), and lets the closing be corrected."""
    coordinator = api_as(org.coordinator_a1)
    made = referral(org, -5)
    path = f"/referrals/{made.id}"

    def patch(body):
        etag = coordinator.get(path).headers["ETag"]
        return coordinator.patch(path, json=body, headers={"If-Match": etag})

    closed = patch({"closed_on": str(day(-1)), "closed_reason": "Klarer seg selv"})
    assert closed.status_code == 200
    for step in ({"assessed_on": str(day(-2)), "assessed_by_id": org.staff_a1.id},
                 {"service_user_id": str(user(org.team_a1, start=-1).id)},
                 {"need": "Noe annet"}):
        refused = patch(step)
        assert refused.status_code == 422 and "closed_on" in refused.json["errors"]["json"]
    assert patch({"closed_reason": "Flyttet til datteren"}).status_code == 200
    sign_in(client, "coord.a1")
    crafted = post_form(client, path, {
        "step": "assess", "assess-assessed_on": str(day(-2)),
        "assess-assessed_by": str(org.staff_a1.id)})
    assert crafted.status_code == 422 and "bare avslutningen kan rettes" in crafted.text
    db.session.refresh(made)
    assert (made.assessed_on, made.service_user_id, made.closed_reason) == (
        None, None, "Flyttet til datteren")
