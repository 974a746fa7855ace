"""A coordinator on a tablet, in bokmål, keeps a user's record without the API (issue 30,
items 1 and 2): a referral taken to a registered user with a responsible contact and a
first «what matters» conversation; a next of kin added and changed. Each journey counts
its taps (clicks and typed fields) and checks the result through the API."""

from __future__ import annotations

import uuid
from datetime import timedelta

from axe_playwright_python.sync_playwright import Axe

from homecare.core.extensions import db
from homecare.core.timeutil import local_today
from homecare.intake.services import record_referral, update_referral
from homecare.org.models import Staff
from tests.browser.checks import check, sign_in
from tests.browser.conftest import PASSWORD, screenshot
from tests.browser.test_offline_care_given import api
from tests.factories import synthetic_national_id

COORDINATOR = "koordinator.bjolsen"
#: The taps each journey takes (reported to the lead; a change shows here).
TAPS = {"referral_to_first_conversation": 14, "next_of_kin_added_and_changed": 11}


def assert_accessible(page) -> None:
    """No serious or critical axe-core violation on the page."""
    violations = Axe().run(page).response["violations"]
    assert not [v["id"] for v in violations if v["impact"] in ("serious", "critical")]


class Taps:
    """Counts what a person does on the page: each click, check or typed field."""

    def __init__(self, page):
        self.page, self.count = page, 0

    def click(self, locator):
        self.count += 1
        locator.click()

    def check(self, locator):
        self.count += 1
        locator.check()

    def fill(self, locator, text: str):
        self.count += 1
        locator.fill(text)


def _assessed_referral(live_server, name: str) -> dict:
    with live_server.database():
        coordinator = db.session.query(Staff).filter_by(username=COORDINATOR).one()
        team = coordinator.teams[0]
        today = local_today()
        referral = record_referral(team=team, created_by=coordinator,
                                   received_on=today - timedelta(days=1), source="hospital",
                                   person_name=name, need="Sårstell og hjelp med medisiner.",
                                   today=today)
        update_referral(referral, today=today, assessed_on=today, assessed_by=coordinator)
        db.session.commit()
        return {"id": str(referral.id), "team_id": team.id}


def test_a_referral_is_taken_to_a_user_with_a_contact_and_a_first_conversation(
        live_server, open_page):
    name = f"Aud Henvist{uuid.uuid4().hex[:5].upper()}"
    referral = _assessed_referral(live_server, name)
    with live_server.database():
        nurse = db.session.query(Staff).filter_by(username="sykepleier.bjolsen").one()
        nurse = {"id": nurse.id, "name": nurse.full_name}
    page = open_page("tablet", "nb")
    sign_in(page, live_server.url, COORDINATOR, PASSWORD, "nb")
    page.get_by_role("link", name="Teamoversikt", exact=True).click()
    taps = Taps(page)

    # From the board's intake card to the referral, and on to register the user.
    taps.click(page.locator("section.card.intake").get_by_role("link", name=name))
    taps.click(page.get_by_role("link", name="Registrer brukeren"))
    assert page.get_by_label("Fornavn").input_value() == "Aud"
    assert "Sårstell og hjelp med medisiner." in page.inner_text("main")
    check(page, "nb")
    screenshot(page, "user-record-1-register")
    assert_accessible(page)
    taps.fill(page.get_by_label("Fødselsnummer (11 siffer)"), synthetic_national_id())
    taps.fill(page.get_by_label("Gate og nummer"), "Bjølsengata 40")
    taps.fill(page.get_by_label("Postnummer"), "0468")
    taps.fill(page.get_by_label("Poststed"), "Oslo")
    taps.check(page.get_by_label("Langtid"))
    taps.check(page.get_by_label("Nei"))
    taps.click(page.get_by_role("button", name="Registrer", exact=True))
    assert "er registrert. Velg nå tjenesteansvarlig." in page.inner_text("main")

    # The responsible contact, then straight on to «what matters».
    check(page, "nb")
    screenshot(page, "user-record-2-contact")
    taps.check(page.locator("label.candidate", has_text=nurse["name"]).get_by_role("radio"))
    taps.click(page.get_by_role("button", name="Lagre", exact=True))
    assert "Hva er viktig for deg?" in page.inner_text("h1")
    taps.check(page.get_by_label("Brukeren", exact=True))
    taps.fill(page.get_by_label("Hva er viktig for deg? (med brukerens egne ord)"),
              "Å kunne gå til butikken selv igjen.")
    taps.click(page.get_by_role("button", name="Lagre", exact=True))
    page.get_by_role("heading", name=name, exact=True).wait_for()   # the user's page
    assert "Å kunne gå til butikken selv igjen." in page.inner_text("main")
    check(page, "nb")
    assert taps.count == TAPS["referral_to_first_conversation"], taps.count

    # Through the API: the user, the referral linked, the contact and the conversation.
    _status, found = api(live_server, "GET", f"/service-users?q={name.split()[-1]}")
    user = found[0]
    _status, record = api(live_server, "GET", f"/service-users/{user['id']}")
    assert (record["full_name"], record["address"], record["needs_proxy"],
            record["service_type"], record["responsible_contact"]) == (
        name, "Bjølsengata 40, 0468 Oslo", False, "long_term", nurse["id"])
    _status, linked = api(live_server, "GET", f"/referrals/{referral['id']}")
    assert linked["service_user_id"] == user["id"]
    _status, said = api(live_server, "GET", f"/service-users/{user['id']}/what-matters")
    assert [c["in_own_words"] for c in said] == ["Å kunne gå til butikken selv igjen."]

    # The board shows the new user's intake with the next step as a link: goals.
    page.goto(f"{live_server.url}/teams/{referral['team_id']}/board")
    row = page.locator("section.card.intake tr", has_text=name)
    assert row.get_by_role("link", name="Sett mål sammen med brukeren").count() == 1


def test_a_next_of_kin_is_added_and_changed(live_server, open_page):
    case = live_server.coordinator_case()
    page = open_page("tablet", "nb")
    sign_in(page, live_server.url, COORDINATOR, PASSWORD, "nb")
    page.goto(f"{live_server.url}/users/{case['user_id']}")
    taps = Taps(page)
    kin = f"Siri Datter{uuid.uuid4().hex[:4].upper()}"

    taps.click(page.get_by_role("link", name="Opplysninger: adresse, pårørende, team"))
    check(page, "nb")
    taps.click(page.get_by_role("link", name="Legg til pårørende"))
    taps.fill(page.get_by_label("Navn"), kin)
    taps.fill(page.get_by_label("Relasjon, med ord (f.eks. «eldste datter»)"), "datter")
    taps.fill(page.get_by_label("Telefon"), "913 45 678")
    taps.check(page.get_by_label("Ja"))
    check(page, "nb")
    screenshot(page, "user-record-3-kin")
    assert_accessible(page)
    taps.click(page.get_by_role("button", name="Lagre", exact=True))
    assert kin in page.inner_text("main") and "kan snakke for brukeren" in page.inner_text(
        "main")

    taps.click(page.get_by_role("link", name=f"Endre {kin}"))
    taps.fill(page.get_by_label("Telefon"), "922 22 222")
    taps.check(page.get_by_label("Nei"))
    taps.click(page.get_by_role("button", name="Lagre", exact=True))
    assert "922 22 222" in page.inner_text("main")
    check(page, "nb")
    screenshot(page, "user-record-4-details")
    assert_accessible(page)
    assert taps.count == TAPS["next_of_kin_added_and_changed"], taps.count

    _status, record = api(live_server, "GET", f"/service-users/{case['user_id']}")
    assert [(k["name"], k["relation"], k["relationship"], k["phone"], k["may_speak_for"])
            for k in record["next_of_kin"]] == [
        (kin, "datter", "daughter", "922 22 222", False)]

    # The nurse sees the phone on the user's page, as a number to call.
    nurse = open_page("tablet", "nb")
    sign_in(nurse, live_server.url, "sykepleier.bjolsen", PASSWORD, "nb")
    nurse.goto(f"{live_server.url}/users/{case['user_id']}")
    call = nurse.locator("ul.next-of-kin a", has_text="922 22 222")
    assert call.get_attribute("href") == "tel:92222222"
