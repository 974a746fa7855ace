"""The team reads its numbers and writes what they mean; the section leader reads the
comment beside the number and answers it; the team sees the answer (issue 14, part 2)."""

from __future__ import annotations

import uuid

import pytest
from axe_playwright_python.sync_playwright import Axe

from tests.browser.checks import check, sign_in
from tests.browser.conftest import PASSWORD, screenshot

TEXT = {
    "nb": {"numbers": "Våre tall", "coverage": "Brukere spurt «Hva er viktig for deg?»",
           "label": "Hva tallet betyr hos oss, og hva vi vil gjøre (ingen navn)",
           "save": "Lagre vår lesning", "saved": "Kommentaren er lagret.",
           "dashboard": "Oversikt", "answer": "Svar", "from": "Svar fra",
           "proxy": "Trenger stedfortreder"},
    "en": {"numbers": "Our numbers", "coverage": "Users asked \"What matters to you?\"",
           "label": "What the number means here, and what we will do (no names)",
           "save": "Save our reading", "saved": "Your comment is saved.",
           "dashboard": "Dashboard", "answer": "Answer", "from": "Answer from",
           "proxy": "Need someone to speak for them"},
}


def serious(page) -> list[str]:
    violations = Axe().run(page).response["violations"]
    return [v["id"] for v in violations if v["impact"] in ("serious", "critical")]


@pytest.mark.parametrize("language", ["nb", "en"])
def test_a_team_comment_is_read_and_answered_by_the_leader(live_server, open_page, language):
    t = TEXT[language]
    comment = f"Vi har spurt færre nye brukere denne uken ({uuid.uuid4().hex[:6]})."
    answer = f"Takk, vi tar det på ledermøtet ({uuid.uuid4().hex[:6]})."

    nurse = open_page("tablet", language)
    sign_in(nurse, live_server.url, "sykepleier.bjolsen", PASSWORD, language)
    nurse.get_by_role("link", name=t["numbers"], exact=True).click()
    card = nurse.locator("section.card.indicator", has_text=t["coverage"])
    assert t["proxy"] in card.inner_text()  # the equity split beside the value
    card.get_by_label(t["label"]).fill(comment)
    card.get_by_role("button", name=t["save"]).click()
    assert t["saved"] in nurse.inner_text("main")
    card = nurse.locator("section.card.indicator", has_text=t["coverage"])
    assert comment in card.locator(".readings").inner_text()
    check(nurse, language)
    assert not serious(nurse)
    screenshot(nurse, f"team-reading-{language}-1-numbers")

    leader = open_page("desktop", language)
    sign_in(leader, live_server.url, "leder", PASSWORD, language)
    leader.get_by_role("link", name=t["dashboard"], exact=True).click()
    card = leader.locator("section.card.indicator", has_text=t["coverage"])
    thread = card.locator("article.reading", has_text=comment)
    assert thread.count() == 1
    form = thread.locator("xpath=following-sibling::form[1]")  # its answer form
    form.locator("textarea").fill(answer)
    form.get_by_role("button", name=t["answer"]).click()
    assert t["saved"] in leader.inner_text("main")
    check(leader, language)
    assert not serious(leader)
    screenshot(leader, f"team-reading-{language}-2-dashboard")

    nurse.reload()
    readings = nurse.locator("section.card.indicator", has_text=t["coverage"]).locator(
        ".readings").inner_text()
    assert comment in readings and answer in readings and t["from"] in readings

