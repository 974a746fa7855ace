"""A visit in a minute (issue 31): the taps a practised nurse needs to complete a visit
and record one follow-up, and every target on the tablet pages at least 44 by 44 CSS px.

The sizes measured are written to ``bench/results/tablet_targets.json``.
"""

from __future__ import annotations

import json
from pathlib import Path

from tests.browser.test_tablet_pages import tablet_pages

RESULTS = Path(__file__).resolve().parents[2] / "bench" / "results" / "tablet_targets.json"
MIN_TARGET = 44

#: Every link, button and field of the page (the top bar's too), measured as the finger
#: meets it: a radio button or checkbox by its label, which is what is drawn and tapped.
TARGETS = """() => {
  const found = [], seen = new Set();
  const selector = 'a[href], button, select, textarea, summary, input:not([type=hidden])';
  for (const element of document.querySelectorAll(selector)) {
    const target = element.matches('input[type=radio], input[type=checkbox]')
      ? (element.closest('label') || element) : element;
    const box = target.getBoundingClientRect();
    if (seen.has(target) || box.width === 0 || box.height === 0) continue;
    seen.add(target);
    found.push({name: (target.innerText || target.getAttribute('aria-label') || target.name
                       || '').trim().replace(/\\s+/g, ' ').slice(0, 50),
                width: Math.round(box.width * 10) / 10, height: Math.round(box.height * 10) / 10});
  }
  return found;
}"""


def test_every_target_on_the_tablet_pages_is_at_least_44_px_square(live_server, nurse_page):
    measured, small = {}, {}
    for name, path in tablet_pages(live_server, nurse_page).items():
        nurse_page.goto(f"{live_server.url}{path}")
        targets = nurse_page.evaluate(TARGETS)
        assert targets, name
        measured[name] = {"targets": len(targets),
                          "smallest_width": min(t["width"] for t in targets),
                          "smallest_height": min(t["height"] for t in targets)}
        too_small = [t for t in targets if t["width"] < MIN_TARGET or t["height"] < MIN_TARGET]
        if too_small:
            small[name] = too_small
    RESULTS.parent.mkdir(exist_ok=True)
    RESULTS.write_text(json.dumps({"minimum_px": MIN_TARGET, "pages": measured}, indent=2))
    assert not small, small


class Taps:
    """Taps on the page, counted: only what the nurse's finger does."""

    def __init__(self, page):
        self.page, self.count = page, 0

    def on(self, locator) -> None:
        locator.click()
        self.count += 1


def test_a_visit_completed_and_one_follow_up_take_at_most_nine_taps(live_server, nurse_page):
    journey = live_server.journey()
    page, taps = nurse_page, Taps(nurse_page)
    page.goto(f"{live_server.url}/today")   # where the nurse's day starts

    row = page.locator("li.visit-row", has_text=journey["name"])
    taps.on(row.get_by_role("link", name="Fullfør besøket"))
    taps.on(page.get_by_role("button", name=f"Lagre og følg opp «{journey['goal']}»"))
    page.get_by_role("heading", name="Oppfølging").wait_for()
    assert journey["goal"] in page.inner_text("main")
    for question, answer in (("Hvem svarte?", "Brukeren"),
                             ("Hvor godt mestrer du det nå?", "6"),
                             ("Hvor fornøyd er du med det?", "7"),
                             ("Fikk du den hjelpen du forventet?", "Ja"),
                             ("Fikk du påvirke hjelpen?", "Delvis"),
                             ("Er du fornøyd med hjelpen?", "Ja")):
        taps.on(page.locator("fieldset", has_text=question).get_by_text(answer, exact=True))
    taps.on(page.get_by_role("button", name="Lagre", exact=True))
    page.get_by_role("heading", name=journey["name"]).wait_for()   # saved, on the user page

    assert taps.count <= 9, taps.count
    with live_server.database():
        visit, check_in = _what_was_saved(journey["name"])
    assert visit.status == "completed" and visit.actual_end is not None
    assert (check_in.performance, check_in.satisfaction) == (6, 7)
    assert (check_in.got_expected_help, check_in.could_influence, check_in.satisfied) == (
        "yes", "partly", "yes")
    assert check_in.answered_by == "user"
    RESULTS.with_name("visit_taps.json").write_text(json.dumps({"taps": taps.count}))


def _what_was_saved(name: str):
    import sqlalchemy as sa

    from homecare.core.extensions import db
    from homecare.goals.models import CheckIn, Goal
    from homecare.service_users.models import ServiceUser
    from homecare.visits.models import Visit

    db.session.expire_all()
    user = db.session.scalar(sa.select(ServiceUser).where(ServiceUser.full_name == name))
    visit = db.session.scalar(sa.select(Visit).where(Visit.service_user_id == user.id))
    check_in = db.session.scalar(sa.select(CheckIn).join(Goal).where(
        Goal.service_user_id == user.id))
    return visit, check_in


def test_the_action_on_a_visit_row_sits_inside_its_row(live_server, nurse_page):
    """«Fullfør besøket» under the row's divider read as belonging to the next visit."""
    journey = live_server.journey()
    page = nurse_page
    page.goto(f"{live_server.url}/today")
    rows = page.locator("ol.worklist > li")
    assert rows.count() >= 2
    outside = page.evaluate("""() => [...document.querySelectorAll('ol.worklist > li')]
      .flatMap((row) => [...row.querySelectorAll('.row-actions a, .row-actions button')]
        .filter((action) => { const r = row.getBoundingClientRect(),
                                     a = action.getBoundingClientRect();
          return a.top < r.top || a.bottom > r.bottom || a.left < r.left || a.right > r.right; })
        .map((action) => row.innerText.split('\\n')[0]))""")
    assert not outside, outside
    # The user page's rows, the same.
    page.locator("li.visit-row", has_text=journey["name"]).locator("a.work-item").click()
    page.get_by_role("heading", name="Besøk i dag").wait_for()
    row = page.locator("li.visit-row").first
    box, action = row.bounding_box(), row.get_by_role("link", name="Fullfør besøket").bounding_box()
    assert box["y"] <= action["y"] and action["y"] + action["height"] <= box["y"] + box["height"]
