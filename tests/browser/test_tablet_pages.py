"""The tablet pages: accessible (axe-core), usable by keyboard, light, quick on slow 4G.

The weights and timings measured are written to ``bench/results/tablet_pages.json`` for
bench/RESULTS.md.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

from axe_playwright_python.sync_playwright import Axe

from tests.browser.checks import sign_in
from tests.browser.conftest import PASSWORD

NURSE = "sykepleier.bjolsen"
RESULTS = Path(__file__).resolve().parents[2] / "bench" / "results" / "tablet_pages.json"
#: Chromium DevTools' "Slow 4G" preset: 562.5 ms round trip, 1.44 Mbit/s down,
#: 675 kbit/s up (bytes per second below).
SLOW_4G = {"offline": False, "latency": 562.5, "downloadThroughput": 1_440_000 / 8,
           "uploadThroughput": 675_000 / 8}
MAX_PAGE_BYTES = 100 * 1024
MAX_FIRST_CONTENT_MS = 2000


def tablet_pages(live_server, page) -> dict[str, str]:
    """The pages a nurse uses at a visit: today, a user's page, the four forms and the
    journal."""
    journey = live_server.journey()
    page.goto(f"{live_server.url}/today")
    item = page.locator("ol.worklist li", has_text=journey["name"])
    visit = item.get_by_role("link", name="Fullfør besøket").get_attribute("href")
    user = item.locator("a.work-item").get_attribute("href").split("?")[0]
    page.goto(f"{live_server.url}{user}")
    check_in = page.locator("li", has_text=journey["goal"]).get_by_role(
        "link", name="Registrer oppfølging").get_attribute("href")
    return {"today": "/today", "user page": f"{user}?from=today", "complete visit": visit,
            "follow-up": check_in, "what matters": f"{user}/what-matters/new",
            "visit missed": visit.replace("/complete", "/missed"),
            "journal": f"{user}/journal"}


def test_the_tablet_pages_have_no_serious_accessibility_violations(live_server, nurse_page):
    axe = Axe()
    found = {}
    for name, path in tablet_pages(live_server, nurse_page).items():
        nurse_page.goto(f"{live_server.url}{path}")
        violations = axe.run(nurse_page).response["violations"]
        serious = [f"{v['id']}: {v['help']} ({len(v['nodes'])})" for v in violations
                   if v["impact"] in ("serious", "critical")]
        if serious:
            found[name] = serious
    assert not found, found


def test_every_action_on_the_tablet_pages_is_reachable_by_keyboard(live_server, nurse_page):
    unreachable = {}
    for name, path in tablet_pages(live_server, nurse_page).items():
        nurse_page.goto(f"{live_server.url}{path}")
        actions = nurse_page.evaluate("""() => [...document.querySelectorAll(
            'main a[href], main button, main input:not([type=hidden]), main textarea, main select')]
            .filter((e) => e.offsetParent !== null).map((e, i) => (e.dataset.probe = i, i))""")
        assert actions, f"no actions found on {name}"
        reached = set()
        for _ in range(len(actions) + 40):
            nurse_page.keyboard.press("Tab")
            probe = nurse_page.evaluate("document.activeElement.dataset.probe")
            if probe is not None:
                reached.add(int(probe))
        # A group of radio buttons is one tab stop: the arrow keys move within it.
        radios = nurse_page.evaluate("""() => [...document.querySelectorAll(
            'main input[type=radio]')].map((e) => Number(e.dataset.probe))""")
        missing = set(actions) - reached - set(radios)
        if missing:
            unreachable[name] = sorted(missing)
    assert not unreachable, unreachable


def _measure(context, url: str) -> dict:
    """One cold load over slow 4G: bytes of the page itself, and when content showed."""
    page = context.new_page()
    cdp = context.new_cdp_session(page)
    cdp.send("Network.enable")
    cdp.send("Network.setCacheDisabled", {"cacheDisabled": True})
    cdp.send("Network.emulateNetworkConditions", SLOW_4G)
    sizes: dict[str, float] = {}
    urls: dict[str, str] = {}
    cdp.on("Network.responseReceived",
           lambda event: urls.__setitem__(event["requestId"], event["response"]["url"]))
    cdp.on("Network.loadingFinished",
           lambda event: sizes.__setitem__(event["requestId"], event["encodedDataLength"]))
    page.goto(url, wait_until="load")
    paint = page.evaluate("""() => new Promise((done) => {
        const found = () => performance.getEntriesByName('first-contentful-paint')[0];
        const wait = () => found() ? done(found().startTime) : setTimeout(wait, 50);
        wait(); })""")
    document_bytes = sum(size for rid, size in sizes.items()
                         if urls.get(rid, "").split("?")[0] == url.split("?")[0])
    static_bytes = sum(size for rid, size in sizes.items() if "/static/" in urls.get(rid, ""))
    page.close()
    return {"page_bytes": int(document_bytes), "static_bytes": int(static_bytes),
            "first_content_ms": round(paint)}


def test_the_tablet_pages_are_light_and_show_content_quickly_on_slow_4g(
        live_server, browser, open_page):
    """Each page cold (nothing cached, no service worker), so every file crosses the
    throttled link: the slowest case a tablet meets."""
    first = open_page("tablet", "nb")
    sign_in(first, live_server.url, NURSE, PASSWORD, "nb")
    paths = tablet_pages(live_server, first)
    measured = {}
    context = browser.new_context(viewport={"width": 768, "height": 1024}, locale="nb-NO",
                                  service_workers="block",
                                  storage_state=first.context.storage_state())
    try:
        for name in ("today", "user page"):
            measured[name] = _measure(context, f"{live_server.url}{paths[name]}")
    finally:
        context.close()
    RESULTS.parent.mkdir(exist_ok=True)
    RESULTS.write_text(json.dumps({"profile": SLOW_4G, "pages": measured}, indent=2))
    for name, figures in measured.items():
        assert 0 < figures["page_bytes"] <= MAX_PAGE_BYTES, (name, figures)
        assert figures["first_content_ms"] <= MAX_FIRST_CONTENT_MS, (name, figures)
        assert re.match(r"^\d+$", str(figures["static_bytes"]))
