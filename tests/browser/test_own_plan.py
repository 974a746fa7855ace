"""The user's own plan, printed from Chromium: one or two A4 pages, nothing of the app's
chrome on paper, accessible on screen."""

from __future__ import annotations

import io
import re

from axe_playwright_python.sync_playwright import Axe
from pypdf import PdfReader

from tests.browser.checks import sign_in
from tests.browser.conftest import PASSWORD, screenshot

NURSE = "sykepleier.bjolsen"
MAX_PAGES = 2


def _pdf_pages(pdf: bytes) -> int:
    """Pages in a PDF that Chromium wrote (each page object says ``/Type /Page``)."""
    return len(re.findall(rb"/Type\s*/Page[^s]", pdf))


def _page_fill(pdf: bytes) -> list[float]:
    """How far down each page the text reaches, as a share of the page's height."""
    fills = []
    for page in PdfReader(io.BytesIO(pdf)).pages:
        height = float(page.mediabox.height)
        lowest = [height]

        def seen(text, cm, tm, _font, _size, lowest=lowest):
            if text.strip():
                lowest[0] = min(lowest[0], cm[5] + tm[5] * cm[3])

        page.extract_text(visitor_text=seen)
        fills.append((height - lowest[0]) / height)
    return fills


def test_every_plan_on_a_nurses_day_prints_on_one_or_two_a4_pages(live_server, open_page):
    page = open_page("tablet", "nb")
    sign_in(page, live_server.url, NURSE, PASSWORD, "nb")
    page.goto(f"{live_server.url}/today")
    links = page.locator("a.work-item").evaluate_all(
        "links => links.map(link => link.getAttribute('href'))")
    users = sorted({found.group() for href in links
                    if (found := re.match(r"/users/[0-9a-f-]{36}", href))})
    assert len(users) >= 5, users
    printed = {}
    for user in users:
        page.goto(f"{live_server.url}{user}")
        page.get_by_role("link", name="Skriv ut brukerens egen plan («Min plan»)").click()
        page.get_by_role("heading", name="Min plan").wait_for()
        pdf = page.pdf(format="A4", print_background=False)
        printed[user] = (_pdf_pages(pdf), _page_fill(pdf))
    assert all(1 <= pages <= MAX_PAGES for pages, _fill in printed.values()), printed
    # Issue 31: page one half empty with the visit times alone on page two. Every page
    # but the last is at least a third full.
    assert all(fill >= 1 / 3 for _pages, fills in printed.values() for fill in fills[:-1]), \
        printed
    screenshot(page, "own-plan")


def test_the_plan_on_paper_has_no_buttons_and_on_screen_no_serious_violations(
        live_server, open_page):
    page = open_page("tablet", "nb")
    sign_in(page, live_server.url, NURSE, PASSWORD, "nb")
    journey = live_server.journey()
    page.goto(f"{live_server.url}/today")
    user = page.locator("ol.worklist li", has_text=journey["name"]).locator(
        "a.work-item").get_attribute("href").split("?")[0]
    page.goto(f"{live_server.url}{user}/plan")
    toolbar = page.get_by_role("navigation", name="Planen")
    assert toolbar.is_visible()
    violations = Axe().run(page).response["violations"]
    assert not [v["id"] for v in violations if v["impact"] in ("serious", "critical")]
    page.emulate_media(media="print")
    assert toolbar.is_hidden()
    page.emulate_media(media="screen")
    with page.expect_navigation():
        page.get_by_role("link", name="English").click()
    page.get_by_role("heading", name="My plan").wait_for()
