"""A section leader opens the dashboard: cards, a trend chart of four-week periods, a
small team's figures hidden, and changes which indicators the dashboard shows."""

import pytest

from tests.browser.checks import check, sign_in
from tests.browser.conftest import PASSWORD, screenshot

TEXT = {
    "nb": {
           "dashboard": "Oversikt", "fewer": "skjult: små tall",
           "coverage": "Brukere spurt «Hva er viktig for deg?»",
           "settings": "Velg indikatorer og terskler", "done": "Gjennomførte oppfølginger",
           "progress": "Mål med tydelig framgang", "save": "Lagre", "saved": "Lagret.",
           "figures": "Tallene for hver periode"},
    "en": {
           "dashboard": "Dashboard", "fewer": "hidden: small numbers",
           "coverage": "Users asked \"What matters to you?\"",
           "settings": "Choose indicators and thresholds", "done": "Follow-up evaluations done",
           "progress": "Goals with meaningful progress", "save": "Save", "saved": "Saved.",
           "figures": "The figures of each period"},
}


@pytest.mark.parametrize("language", ["nb", "en"])
@pytest.mark.parametrize("viewport", ["tablet", "desktop"])
def test_a_section_leader_reads_the_dashboard_and_chooses_its_indicators(
        live_server, open_page, viewport, language):
    t = TEXT[language]
    small = live_server.small_team()
    page = open_page(viewport, language)
    name = f"leader-{language}-{viewport}"
    sign_in(page, live_server.url, "leder", PASSWORD, language)

    page.get_by_role("link", name=t["dashboard"], exact=True).click()
    cards = page.locator("section.card.indicator")
    assert 1 <= cards.count() <= 6
    coverage = cards.filter(has_text=t["coverage"])
    assert coverage.locator(".figure .value").inner_text().strip()[0].isdigit()
    assert "n = " in coverage.locator(".figure").inner_text()
    chart = coverage.locator("svg.trend-chart")
    assert chart.is_visible() and chart.locator("polyline.line").count() >= 1
    assert chart.bounding_box()["width"] > 200
    small_row = coverage.locator("tr", has_text=small["team"])
    assert t["fewer"] in small_row.inner_text()
    coverage.get_by_text(t["figures"]).click()  # the numbers behind the chart
    assert coverage.locator("details table tbody tr").count() >= 8
    check(page, language)
    screenshot(page, f"{name}-1-dashboard")

    page.get_by_role("link", name=small["team"]).first.click()
    assert t["fewer"] in page.inner_text("main")
    check(page, language)
    screenshot(page, f"{name}-2-small-team")

    page.get_by_role("link", name=t["settings"]).click()
    page.get_by_label(t["done"]).check()
    page.get_by_label(t["progress"]).uncheck()
    check(page, language)
    page.get_by_role("button", name=t["save"]).click()
    assert t["saved"] in page.inner_text("main")
    assert "Liv Leder" in page.inner_text("main")  # the change, with who made it
    screenshot(page, f"{name}-3-settings")

    page.get_by_role("link", name=t["dashboard"], exact=True).first.click()
    titles = page.locator("section.card.indicator h2").all_inner_texts()
    assert t["done"] in titles and t["progress"] not in titles
