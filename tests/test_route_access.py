"""Every route in the app, for every role: a new route without an expectation fails here."""

from __future__ import annotations

import pytest

from tests.conftest import csrf_token_from, sign_in

ROLES = ("anonymous", "admin", "leader_a", "coordinator_a1", "staff_a1", "staff_b1")
SIGNED_IN = {role: 200 for role in ROLES if role != "anonymous"}

#: endpoint -> (method, path, {role: status}); "anonymous" is always listed.
MATRIX: dict[str, tuple[str, str, dict[str, int]]] = {
    "static": ("GET", "/static/css/app.css", {role: 200 for role in ROLES}),
    "auth.login": ("GET", "/login", {"anonymous": 200} | {r: 302 for r in SIGNED_IN}),
    "auth.logout": ("POST", "/logout", {role: 302 for role in ROLES}),
    "web.start": ("GET", "/", {"anonymous": 302} | SIGNED_IN),
    "web.choose_language": ("GET", "/language/en", {role: 302 for role in ROLES}),
}


def test_every_route_has_an_expectation(app):
    endpoints = {rule.endpoint for rule in app.url_map.iter_rules()}
    missing = endpoints - set(MATRIX)
    assert not missing, f"routes without an access expectation: {sorted(missing)}"
    assert set(MATRIX) <= endpoints, "the matrix names routes that no longer exist"


@pytest.mark.parametrize("role", ROLES)
def test_each_route_answers_each_role_as_expected(app, org, role):
    client = app.test_client()
    if role != "anonymous":
        assert sign_in(client, getattr(org, role).username).status_code == 302
    got, expected = {}, {}
    for endpoint, (method, path, statuses) in MATRIX.items():
        token = csrf_token_from(client.get("/login" if role == "anonymous" else "/").text)
        with client.open(path, method=method, data={"csrf_token": token}) as response:
            got[endpoint], expected[endpoint] = response.status_code, statuses[role]
        if endpoint == "auth.logout" and role != "anonymous":
            sign_in(client, getattr(org, role).username)
    assert got == expected
