"""Helpers shared by the tests: signing in and posting forms as a browser does."""

from __future__ import annotations

import re

from tests import factories

CSRF_PATTERN = re.compile(r'name="csrf_token" type="hidden" value="([^"]+)"|'
                          r'name="csrf_token" value="([^"]+)"')


def csrf_token_from(html: str) -> str:
    """The CSRF token of the first form on a page."""
    match = CSRF_PATTERN.search(html)
    assert match, "no CSRF token on the page"
    return match.group(1) or match.group(2)


def sign_in(client, username: str, password: str = factories.PASSWORD):
    """Sign in through the real login form (CSRF token included)."""
    page = client.get("/login")
    return client.post("/login", data={"username": username, "password": password,
                                       "csrf_token": csrf_token_from(page.text)})


def post_form(client, path, data):
    """Post ``data`` to the form at ``path`` with the CSRF token of the page."""
    token = csrf_token_from(client.get(path).text)
    return client.post(path, data={**data, "csrf_token": token})


#: The intake thresholds as the section settings form posts them (the defaults).
INTAKE = {"intake_assess_days": "3", "intake_contact_days": "0",
          "intake_what_matters_days": "3", "intake_decision_days": "14"}
