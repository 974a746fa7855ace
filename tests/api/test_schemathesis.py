"""Property-based testing of the whole API against its own OpenAPI document.

Schemathesis generates requests (valid and invalid) for every operation in
``/api/v1/openapi.json``, sends them as a coordinator of the demo data, and checks that
no response is a server error and every response matches the document: status codes,
content types, headers and bodies. A bounded number of examples keeps it to minutes.
"""

from __future__ import annotations

import os

import pytest
import schemathesis
from flask_migrate import upgrade
from hypothesis import HealthCheck, given, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from homecare import create_app
from homecare.auth.tokens import issue_token
from homecare.core.extensions import db
from homecare.demo.loader import load_demo
from homecare.org.models import Staff
from tests.databases import database_kinds, fresh_database

#: Examples per operation: enough for CI in a few minutes; raise it for a deeper hunt.
MAX_EXAMPLES = int(os.environ.get("HOMECARE_SCHEMATHESIS_EXAMPLES", "25"))
CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance,
          response_headers_conformance, response_schema_conformance]


@pytest.fixture(scope="module", params=database_kinds())
def demo_app(request, tmp_path_factory):
    """The app on its own database with the demo loaded (changes are kept)."""
    with fresh_database(request.param, tmp_path_factory.mktemp("schemathesis")) as url:
        app = create_app({"SQLALCHEMY_DATABASE_URI": url, "TESTING": True,
                          "HOMECARE_ALLOW_SYNTHETIC_IDS": True})
        with app.app_context():
            upgrade()
            load_demo()
            coordinator = db.session.query(Staff).filter_by(
                username="koordinator.bjolsen").one()
            app.config["SCHEMATHESIS_TOKEN"] = issue_token(coordinator)[0]
            app.config["SCHEMATHESIS_STAFF_ID"] = coordinator.id
            db.session.commit()
        yield app
        with app.app_context():
            db.engine.dispose()


@pytest.fixture(scope="module")
def api_schema(demo_app):
    return schemathesis.openapi.from_wsgi("/api/v1/openapi.json", demo_app)


def throwaway_token(app) -> str:
    """A token of the same coordinator, for calls that revoke the token they use."""
    with app.app_context():
        token = issue_token(db.session.get(Staff, app.config["SCHEMATHESIS_STAFF_ID"]))[0]
        db.session.commit()
    return token


def operations(schema) -> list:
    return [result.ok() for result in schema.get_all_operations()]


def test_the_document_lists_every_api_route(demo_app, api_schema):
    documented = {(op.method.upper(), op.path) for op in operations(api_schema)}
    routes = {(method, rule.rule.replace("<id:", "{").replace("<uuid:", "{").replace(">", "}"))
              for rule in demo_app.url_map.iter_rules() if rule.rule.startswith("/api/v1/")
              and rule.endpoint.split(".")[0] not in ("api-docs", "api_reference")
              for method in rule.methods - {"HEAD", "OPTIONS"}}
    assert documented == routes


def test_api_conforms_to_its_document(demo_app, api_schema):
    """Each operation in turn (schemathesis's pytest plugin needs pytest internals that
    pytest 9.2 removed, so the strategies are driven with Hypothesis directly)."""
    statuses: dict[int, int] = {}
    for operation in operations(api_schema):
        check_operation(demo_app, operation, statuses)
    # The run means something only if most calls got past authentication.
    assert sum(n for status, n in statuses.items() if status != 401) > 0.9 * sum(
        statuses.values()), statuses
    assert any(200 <= status < 300 for status in statuses), statuses


def check_operation(demo_app, operation, statuses: dict[int, int]) -> None:
    """Generate examples for one operation and check every response."""
    revokes = operation.method.upper() == "DELETE" and operation.path.startswith(
        "/api/v1/tokens/")

    @given(case=operation.as_strategy())
    @settings(max_examples=MAX_EXAMPLES, deadline=None, database=None,
              suppress_health_check=list(HealthCheck))
    def conforms(case):
        # Schemathesis fills the documented bearer scheme with made-up tokens; the
        # coordinator's real one must replace it, or every call is a 401.
        token = throwaway_token(demo_app) if revokes else demo_app.config["SCHEMATHESIS_TOKEN"]
        case.headers = {**(case.headers or {}), "Authorization": f"Bearer {token}"}
        response = case.call_and_validate(checks=CHECKS)
        statuses[response.status_code] = statuses.get(response.status_code, 0) + 1
        if revokes:  # a generated id may have named the shared token: issue a fresh one
            demo_app.config["SCHEMATHESIS_TOKEN"] = throwaway_token(demo_app)

    conforms()
