"""A coordinator records a referral from the board and follows it in the intake card, with
each step, the days taken and what is late (issue 14, part 1)."""

from __future__ import annotations

import uuid

from axe_playwright_python.sync_playwright import Axe

from tests.browser.checks import check, sign_in
from tests.browser.conftest import PASSWORD, screenshot


def test_a_referral_is_recorded_and_followed_on_the_board(live_server, open_page):
    page = open_page("tablet", "nb")
    sign_in(page, live_server.url, "koordinator.bjolsen", PASSWORD, "nb")
    page.get_by_role("link", name="Teamoversikt", exact=True).click()
    intake = page.locator("section.card.intake")
    assert "forsinket" in intake.inner_text()          # the demo's referral of 5 days ago
    assert "Tjenesteansvarlig utnevnt" in intake.inner_text()

    name = f"Henvist {uuid.uuid4().hex[:6].upper()}"
    intake.get_by_role("link", name="Ny henvisning").click()
    page.get_by_label("Personen som er henvist").fill(name)
    page.get_by_label("Fastlege").check()
    page.get_by_label("Behovet, kort").fill("Sårstell to ganger i uken.")
    page.get_by_label("Haster").check()
    check(page, "nb")
    page.get_by_role("button", name="Lagre", exact=True).click()
    assert "Henvisningen er registrert." in page.inner_text("main")
    assert name in page.inner_text("h1")
    violations = Axe().run(page).response["violations"]
    assert not [v["id"] for v in violations if v["impact"] in ("serious", "critical")]

    page.get_by_role("link", name="Team Bjølsen").first.click()
    row = page.locator("section.card.intake tr", has_text=name)
    assert "Kartlagt" in row.inner_text() and row.locator("td.num").inner_text() == "0"
    check(page, "nb")
    screenshot(page, "intake-board")
