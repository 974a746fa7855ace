"""A coordinator plans a main visit and sees the continuity warning before saving,
assigns a responsible contact from the team board, and records a team decision."""

from datetime import timedelta

import pytest

from homecare.core.timeutil import local_today
from tests.browser.checks import check, sign_in
from tests.browser.conftest import PASSWORD, screenshot

TEXT = {
    "nb": {
           "planner": "Ukeplan", "plan": "Planlegg et besøk", "user": "Bruker",
           "staff": "Hvem gjør besøket", "day": "Dag", "time": "Klokkeslett",
           "warning": "hovedbesøk nummer 7 på rad uten tjenesteansvarlig",
           "save": "Lagre", "planned": "Besøket er planlagt.", "board": "Teamoversikt",
           "assign": "Tildel", "now_contact": "er nå tjenesteansvarlig",
           "everyone": "Alle brukerne i teamet",
           "decision": "Registrer vedtak", "goal": "Målet, slik det er avtalt med brukeren",
           "services": "Tjenester, i grove trekk", "reasons": "Begrunnelse",
           "saved": "Lagret.", "took_part": "Deltok brukeren?", "yes": "Ja"},
    "en": {
           "planner": "Week planner", "plan": "Plan a visit", "user": "Service user",
           "staff": "Who makes the visit", "day": "Day", "time": "Time",
           "warning": "main visit number 7 in a row without the responsible contact",
           "save": "Save", "planned": "The visit is planned.", "board": "Team board",
           "assign": "Assign", "now_contact": "is now the responsible contact",
           "everyone": "Every user of the team",
           "decision": "Record a team decision", "goal": "The goal, as agreed with the user",
           "services": "Services, in broad terms", "reasons": "Reasons", "saved": "Saved.",
           "took_part": "Did the user take part?", "yes": "Yes"},
}


@pytest.mark.parametrize("language", ["nb", "en"])
@pytest.mark.parametrize("viewport", ["tablet", "desktop"])
def test_a_coordinator_plans_with_continuity_in_mind(live_server, open_page, viewport,
                                                      language):
    t = TEXT[language]
    case = live_server.coordinator_case()
    page = open_page(viewport, language)
    name = f"coordinator-{language}-{viewport}"
    sign_in(page, live_server.url, "koordinator.bjolsen", PASSWORD, language)

    # The week planner, then a main visit by someone other than the responsible contact.
    page.get_by_role("link", name=t["planner"], exact=True).click()
    check(page, language)
    screenshot(page, f"{name}-1-planner")
    page.get_by_role("link", name=t["plan"], exact=True).click()
    page.get_by_label(t["user"]).select_option(case["user_id"])
    page.get_by_label(t["staff"]).select_option(case["staff_id"])
    page.get_by_label(t["day"]).fill(str(local_today() + timedelta(days=1)))
    page.get_by_label(t["time"]).fill(case["free_at"])   # not booked twice
    warning = page.locator("#continuity .warning", has_text=t["warning"])
    warning.wait_for()
    assert case["nurse_name"] in warning.inner_text()
    check(page, language)
    screenshot(page, f"{name}-2-continuity-warning")
    page.get_by_role("button", name=t["save"]).click()
    assert t["planned"] in page.inner_text("main")
    assert case["name"] in page.inner_text("table.planner")

    # Assign a responsible contact to the user who has none, from the team board's list
    # of every user (folded away below the reminders).
    page.get_by_role("link", name=t["board"], exact=True).click()
    page.get_by_text(t["everyone"]).click()
    page.locator("tr", has_text=case["unassigned"]).get_by_role("link", name=t["assign"]).click()
    check(page, language)
    screenshot(page, f"{name}-3-contact")
    page.get_by_label(case["staff_name"]).check()
    page.get_by_role("button", name=t["save"]).click()
    assert f"{case['staff_name']} {t['now_contact']}" in page.inner_text("main")

    # Record the team's decision from the user's page.
    page.get_by_role("link", name=t["decision"]).click()
    page.get_by_label(t["goal"]).fill("Klare morgenstellet selv innen sommeren")
    page.get_by_label(t["services"]).fill("Hjemmesykepleie morgen, trening to ganger i uken")
    page.get_by_label(t["reasons"]).fill("Brukeren ønsker å klare seg selv")
    # Nothing is preselected: the coordinator ticks who took part, themself included, and
    # says whether the user did (issue 30).
    page.get_by_label(case["coordinator_name"], exact=True).check()
    page.locator("fieldset", has_text=t["took_part"]).get_by_text(t["yes"], exact=True).click()
    check(page, language)
    screenshot(page, f"{name}-4-decision")
    page.get_by_role("button", name=t["save"]).click()
    assert t["saved"] in page.inner_text("main")
    assert "Klare morgenstellet selv innen sommeren" in page.inner_text("main")
