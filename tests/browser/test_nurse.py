"""A nurse on a tablet: sign in, complete the morning's visit, record a follow-up."""

import re

import pytest

from tests.browser.checks import check, sign_in
from tests.browser.conftest import PASSWORD, screenshot

TEXT = {
    "nb": {"complete": "Fullfør besøket", "save": "Lagre",
           "saved": "Lagret.", "record": "Registrer oppfølging",
           "who": "Hvem svarte?", "user": "Brukeren",
           "perf": "Hvor godt mestrer du det nå?", "help": "Fikk du den hjelpen du forventet?",
           "influence": "Fikk du påvirke hjelpen?", "satisfied": "Er du fornøyd med hjelpen?",
           "yes": "Ja", "partly": "Delvis", "due": "Oppfølginger som er forfalt"},
    "en": {"complete": "Complete the visit", "save": "Save",
           "saved": "Saved.", "record": "Record a follow-up",
           "who": "Who answered?", "user": "The user",
           "perf": "How well do you manage it now?", "help": "Did you get the help you expected?",
           "influence": "Could you influence the help?", "satisfied":
           "Are you satisfied with the help?", "yes": "Yes", "partly": "Partly",
           "due": "Follow-ups due"},
}


def save_and_wait(page, t: dict) -> None:
    """Save, and wait for the user's page: the tablet's script posts the form itself
    (to keep it if no answer comes) and then opens the page."""
    page.get_by_role("button", name=t["save"], exact=True).click()
    page.get_by_text(t["saved"], exact=True).wait_for()


@pytest.mark.parametrize("language", ["nb", "en"])
@pytest.mark.parametrize("viewport", ["tablet", "desktop"])
def test_a_nurse_does_the_paperwork_of_a_visit(live_server, open_page, viewport, language):
    t = TEXT[language]
    journey = live_server.journey()
    page = open_page(viewport, language)
    name = f"nurse-{language}-{viewport}"

    sign_in(page, live_server.url, "sykepleier.bjolsen", PASSWORD, language)
    page.goto(f"{live_server.url}/today")
    check(page, language)
    screenshot(page, f"{name}-1-today")

    # This user's visit this morning (other tests may leave visits of their own); its
    # times are prefilled.
    mine = re.compile(re.escape(journey["name"]) + r"(?!\d)")
    page.locator("li", has_text=mine).get_by_role("link", name=t["complete"]).click()
    assert journey["name"] in page.inner_text("main")
    check(page, language)
    save_and_wait(page, t)
    assert t["saved"] in page.inner_text("main")
    assert journey["name"] in page.inner_text("h1")   # back on the user's page
    check(page, language)
    screenshot(page, f"{name}-2-user")

    # The overdue follow-up: the user's own words first, then ratings and their answers.
    page.locator("li", has_text=journey["goal"]).get_by_role("link", name=t["record"]).click()
    assert journey["goal"] in page.inner_text("main")
    page.locator("fieldset", has_text=t["who"]).get_by_text(t["user"], exact=True).click()
    page.locator("fieldset", has_text=t["perf"]).get_by_text("6", exact=True).click()
    page.locator("fieldset", has_text=t["help"]).get_by_text(t["yes"], exact=True).click()
    page.locator("fieldset", has_text=t["influence"]).get_by_text(t["partly"],
                                                                   exact=True).click()
    page.locator("fieldset", has_text=t["satisfied"]).get_by_text(t["yes"], exact=True).click()
    check(page, language)
    screenshot(page, f"{name}-3-follow-up")
    save_and_wait(page, t)
    assert t["saved"] in page.inner_text("main")

    page.goto(f"{live_server.url}/today")
    due = page.locator("section", has_text=t["due"]).first.inner_text()
    assert journey["name"] not in due
