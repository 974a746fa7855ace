"""Issue 30, items 3 and 4, on a tablet in bokmål (820 x 1180 and 1180 x 820): a goal
achieved and shown among the closed goals; a decision reviewed with no change (its
reminder leaves the board) and one revised (the earlier version readable). Each journey
counts the taps (clicks and typed fields) and checks the result through the API."""

from __future__ import annotations

import itertools
from datetime import timedelta

import pytest
import sqlalchemy as sa

from homecare.core.extensions import db
from homecare.core.timeutil import local_today
from tests.browser.checks import check, sign_in
from tests.browser.conftest import PASSWORD, screenshot
from tests.browser.test_offline_care_given import api

NURSE, COORDINATOR = "sykepleier.bjolsen", "koordinator.bjolsen"
TABLET = {"portrait": (820, 1180), "landscape": (1180, 820)}
_serial = itertools.count(1)
#: The taps of each journey, as last measured (printed with ``-s``).
TAPS: dict[str, int] = {}


class Taps:
    """What the person's finger does: a tap, or a field typed into."""

    def __init__(self):
        self.count = 0

    def tap(self, locator) -> None:
        locator.click()
        self.count += 1

    def type(self, locator, text: str) -> None:
        locator.fill(text)
        self.count += 1


@pytest.fixture
def tablet(browser):
    contexts = []

    def make(orientation: str, username: str, live_server):
        width, height = TABLET[orientation]
        context = browser.new_context(viewport={"width": width, "height": height},
                                      locale="nb-NO")
        contexts.append(context)
        page = context.new_page()
        sign_in(page, live_server.url, username, PASSWORD, "nb")
        return page

    yield make
    for context in contexts:
        context.close()


def _user_with_overdue_decision(live_server) -> dict:
    """A user of the demo coordinator's team whose decision's review is ten days overdue."""
    from homecare.decisions.services import record_decision
    from homecare.org.models import Staff
    from homecare.service_users.services import assign_responsible_contact
    from tests.factories import make_user

    n = next(_serial)
    with live_server.database():
        coordinator = db.session.scalar(sa.select(Staff).where(Staff.username == COORDINATOR))
        nurse = db.session.scalar(sa.select(Staff).where(Staff.username == NURSE))
        today = local_today()
        user = make_user(coordinator.teams[0], full_name=f"Vedtak Evaluering{n}",
                         start=today - timedelta(days=220))
        assign_responsible_contact(user, nurse)
        decision = record_decision(
            user=user, created_by=coordinator, decided_on=today - timedelta(days=200),
            participants=[coordinator, nurse], user_participated=True,
            goal_statement=f"Bo trygt hjemme, runde {n}",
            services=f"Morgenstell hver dag, runde {n}", reasons="Brukeren vil bo hjemme.",
            valid_from=today - timedelta(days=200), review_on=today - timedelta(days=10))
        db.session.commit()
        return {"user_id": str(user.id), "name": user.full_name,
                "decision_id": str(decision.id), "team_id": coordinator.teams[0].id,
                "services": decision.services, "coordinator": coordinator.full_name}


@pytest.mark.parametrize("orientation", ["portrait", "landscape"])
def test_a_goal_achieved_is_shown_among_the_closed_goals(live_server, tablet, orientation):
    journey = live_server.journey()
    page, taps = tablet(orientation, NURSE, live_server), Taps()
    page.goto(f"{live_server.url}/today")

    taps.tap(page.locator("a.work-item", has_text=journey["name"]).first)
    goal = page.locator("ul.goals > li", has_text=journey["goal"])
    taps.tap(goal.get_by_role("link", name="Nådd, på pause eller avsluttet"))
    page.get_by_role("heading", name="Hva skjedde med målet").wait_for()
    check(page, "nb")
    screenshot(page, f"goal-life-{orientation}-1-status")
    taps.tap(page.locator("fieldset", has_text="Hva skjedde med målet?")
             .get_by_text("Nådd", exact=True))
    taps.type(page.get_by_label("Hvorfor, med brukerens egne ord"),
              "Nå går jeg til postkassa selv hver dag")
    taps.tap(page.locator("fieldset", has_text="Hvem sine ord er dette?")
             .get_by_text("Brukerens egne ord", exact=True))
    taps.tap(page.get_by_role("button", name="Lagre", exact=True))

    page.get_by_role("heading", name=journey["name"]).wait_for()
    assert "Lagret." in page.inner_text("main")
    closed = page.locator("details.closed-goals")
    taps.tap(closed.locator("summary"))
    assert "1 avsluttet mål" in closed.inner_text()
    assert journey["goal"] in closed.inner_text()
    assert "«Nå går jeg til postkassa selv hver dag»" in closed.inner_text()
    # Shown once, among the closed goals only.
    assert page.locator("ul.goals > li", has_text=journey["goal"]).count() == 1
    check(page, "nb")
    screenshot(page, f"goal-life-{orientation}-2-closed")

    with live_server.database():
        from homecare.service_users.models import ServiceUser

        user_id = db.session.scalar(sa.select(ServiceUser.id).where(
            ServiceUser.full_name == journey["name"]))
    _status, goals = api(live_server, "GET",
                         f"/goals?service_user_id={user_id}&status=achieved", username=NURSE)
    [achieved] = goals
    assert achieved["description"] == journey["goal"]
    assert achieved["closed_on"] == str(local_today()) and achieved["flag"] is None
    _status, history = api(live_server, "GET", f"/goals/{achieved['id']}/status-changes",
                           username=NURSE)
    assert [(h["from_status"], h["status"], h["reason_by"]) for h in history] == [
        ("active", "achieved", "user")]
    TAPS[f"goal achieved ({orientation})"] = taps.count
    print(f"\ngoal achieved, {orientation}: {taps.count} taps")
    assert taps.count <= 7, taps.count


def _review_reminder(page, name: str):
    """The board's reminder to review the user's decision, as a locator for its link:
    the reminder list of this branch's board, or the grouped one of the team meeting
    board (issue 30, part 6), whichever the board draws."""
    grouped = page.locator("section.reminder-group[data-kind=decision_review_overdue] "
                           "li.reminder", has_text=name)
    listed = page.locator("ul.prompts a.work-item", has_text=name)
    return grouped.locator("a.button").or_(listed)


def _board(live_server, page, team_id) -> None:
    """The team board with every review reminder shown (``show`` opens the whole group
    where the board shortens it)."""
    page.goto(f"{live_server.url}/teams/{team_id}/board?show=decision_review_overdue")


@pytest.mark.parametrize("orientation", ["portrait", "landscape"])
def test_a_decision_reviewed_with_no_change_leaves_the_board(live_server, tablet, orientation):
    case = _user_with_overdue_decision(live_server)
    page, taps = tablet(orientation, COORDINATOR, live_server), Taps()
    _board(live_server, page, case["team_id"])
    reminder = _review_reminder(page, case["name"])
    assert reminder.count() == 1
    _status, before = api(live_server, "GET", f"/service-users/{case['user_id']}")
    assert "decision_review_overdue" in before["flags"]

    taps.tap(reminder)   # the board's one-tap action opens the review itself
    page.get_by_role("heading", name=f"Evaluert – ingen endring · {case['name']}").wait_for()
    check(page, "nb")
    screenshot(page, f"decision-life-{orientation}-2-review")
    assert page.locator("input[name=user_participated]:checked").count() == 0
    assert page.locator("input[name=participants]:checked").count() == 0   # nobody assumed
    taps.tap(page.get_by_label(case["coordinator"], exact=True))
    taps.tap(page.locator("fieldset", has_text="Deltok brukeren?").get_by_text("Ja", exact=True))
    taps.type(page.get_by_label("Brukerens eget syn"), "Jeg er fornøyd, det kan fortsette")
    taps.tap(page.get_by_role("button", name="Lagre", exact=True))

    page.get_by_role("heading", name=case["name"]).wait_for()
    card = page.locator("section.decision-card").inner_text()
    assert "Siste evaluering" in card and "«Jeg er fornøyd, det kan fortsette»" in card
    _board(live_server, page, case["team_id"])
    assert _review_reminder(page, case["name"]).count() == 0

    _status, decision = api(live_server, "GET", f"/decisions/{case['decision_id']}")
    assert decision["review_on"] == str(local_today() + timedelta(days=91))
    assert decision["status"] == "in_force"
    _status, [review] = api(live_server, "GET", f"/decisions/{case['decision_id']}/reviews")
    assert (review["outcome"], review["user_participated"], review["user_view"]) == (
        "no_change", True, "Jeg er fornøyd, det kan fortsette")
    _status, after = api(live_server, "GET", f"/service-users/{case['user_id']}")
    assert "decision_review_overdue" not in after["flags"]
    TAPS[f"decision reviewed ({orientation})"] = taps.count
    print(f"\ndecision reviewed, {orientation}: {taps.count} taps")
    assert taps.count <= 5, taps.count


@pytest.mark.parametrize("orientation", ["portrait", "landscape"])
def test_a_decision_revised_keeps_the_old_version_readable(live_server, tablet, orientation):
    case = _user_with_overdue_decision(live_server)
    page, taps = tablet(orientation, COORDINATOR, live_server), Taps()
    page.goto(f"{live_server.url}/users/{case['user_id']}")

    taps.tap(page.locator("section.decision-card").get_by_role("link", name="Revider",
                                                                exact=True))
    page.get_by_role("heading", name=f"Revider vedtaket · {case['name']}").wait_for()
    check(page, "nb")
    screenshot(page, f"decision-life-{orientation}-3-revise")
    assert page.get_by_label("Tjenester, i grove trekk").input_value() == case["services"]
    assert page.locator("input[name=user_participated]:checked").count() == 0
    taps.tap(page.get_by_label(case["coordinator"], exact=True))
    taps.tap(page.locator("fieldset", has_text="Deltok brukeren?").get_by_text("Ja", exact=True))
    taps.type(page.get_by_label("Tjenester, i grove trekk"), "Morgenstell tre dager i uken")
    taps.type(page.get_by_label("Eventuell uenighet"), "Datteren vil ha besøk hver dag")
    taps.tap(page.get_by_role("button", name="Lagre", exact=True))

    page.get_by_role("heading", name=case["name"]).wait_for()
    card = page.locator("section.decision-card")
    assert "Morgenstell tre dager i uken" in card.inner_text()
    assert "Datteren vil ha besøk hver dag" in card.inner_text()
    taps.tap(card.get_by_role("link", name="Hele vedtaket, evalueringene og tidligere versjoner"))
    earlier = page.locator("details.earlier-version").first
    taps.tap(earlier.locator("summary"))
    assert case["services"] in earlier.inner_text()
    check(page, "nb")
    screenshot(page, f"decision-life-{orientation}-4-earlier-version")

    _status, old = api(live_server, "GET", f"/decisions/{case['decision_id']}")
    assert old["status"] == "revoked" and old["services"] == case["services"]
    _status, listed = api(live_server, "GET", f"/decisions?service_user_id={case['user_id']}")
    [new] = [d for d in listed if d["id"] != case["decision_id"]]
    assert old["superseded_by_id"] == new["id"] and new["supersedes_id"] == old["id"]
    assert new["services"] == "Morgenstell tre dager i uken" and new["user_participated"]
    assert new["disagreement"] == "Datteren vil ha besøk hver dag"
    TAPS[f"decision revised ({orientation})"] = taps.count
    print(f"\ndecision revised, {orientation}: {taps.count} taps")
    assert taps.count <= 8, taps.count
