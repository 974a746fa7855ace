"""What every page must satisfy: no sideways scrolling, no untranslated text."""

from __future__ import annotations

import re
from functools import cache
from pathlib import Path

from babel.messages.pofile import read_po

CATALOGUE = (Path(__file__).resolve().parents[2] / "homecare/translations/nb/LC_MESSAGES"
             / "messages.po")


@cache
def english_only() -> list[re.Pattern]:
    """English source texts of two words or more whose bokmål differs (placeholders cut)."""
    with open(CATALOGUE, "rb") as file:
        catalogue = read_po(file)
    patterns = []
    for message in catalogue:
        if not message.id or not isinstance(message.id, str) or message.id == message.string:
            continue
        fixed = [part.strip() for part in re.split(r"%\(\w+\)\w|«.*?»", message.id)]
        for part in fixed:
            if len(part.split()) >= 2:
                patterns.append(re.compile(rf"(?<!\w){re.escape(part)}(?!\w)"))
    return patterns


def assert_fits_the_width(page) -> None:
    # A click that navigates returns once the new page commits, maybe before its
    # stylesheet applies; measure the page as the user sees it.
    page.wait_for_load_state("load")
    overflow = page.evaluate(
        "document.documentElement.scrollWidth - document.documentElement.clientWidth")
    assert overflow <= 0, f"{page.url} scrolls sideways by {overflow}px"


def assert_translated(page) -> None:
    """A Norwegian page shows no English text from the catalogue."""
    text = page.inner_text("body")
    leaked = [p.pattern for p in english_only() if p.search(text)]
    assert not leaked, f"untranslated on {page.url}: {leaked[:5]}"


def check(page, language: str) -> None:
    """Every page of a journey: no sideways scrolling; in bokmål, no English left."""
    assert_fits_the_width(page)
    if language == "nb":
        assert_translated(page)


SIGN_IN = {"nb": ("Brukernavn", "Passord", "Logg inn"),
           "en": ("Username", "Password", "Sign in")}


def sign_in(page, base_url: str, username: str, password: str, language: str) -> None:
    """Sign in through the form, as a person would, in the page's language."""
    user_label, password_label, button = SIGN_IN[language]
    page.goto(f"{base_url}/login")
    page.get_by_label(user_label).fill(username)
    page.get_by_label(password_label).fill(password)
    # The tablet makes its key from the password before the form goes (static/js/seal.js:
    # PBKDF2, a second or so): wait for the answer, as a person would.
    with page.expect_navigation(timeout=30000):
        page.get_by_role("button", name=button).click()
