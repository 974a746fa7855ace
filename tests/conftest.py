"""Fixtures: the app on each database (built by the migrations), rollback per test."""

from __future__ import annotations

import contextvars
import os

os.environ["HOMECARE_ENV"] = "testing"
os.environ.setdefault("SECRET_KEY", "test-secret-key-not-for-production")
os.environ["HOMECARE_ALLOW_SYNTHETIC_IDS"] = "1"

import pytest
import sqlalchemy as sa
from flask.testing import FlaskClient, FlaskCliRunner
from flask_migrate import upgrade
from flask_sqlalchemy.session import Session

from homecare import create_app
from homecare.core.extensions import db
from tests import factories
from tests.databases import database_kinds, fresh_database
from tests.release import installed_release, release  # noqa: F401 - session fixtures
from tests.setup_checks import compile_stale_catalogues, missing_chromium

#: The fault test restarts the local PostgreSQL server: collected only when allowed.
collect_ignore = [] if os.environ.get("HOMECARE_TEST_RESTART_POSTGRES") == "1" else [
    "test_faults.py"]
#: Backup and restore are PostgreSQL's tools (pg_dump, pg_restore): they need its server.
if "postgresql" not in database_kinds():
    collect_ignore.append("test_backup_restore.py")


def pytest_configure(config):
    """A plain ``pytest`` tests the pages as ``make test`` does: catalogues compiled."""
    compile_stale_catalogues()


def pytest_collection_finish(session):
    """Stop at once, in one line, when browser tests are chosen and Chromium is missing."""
    problem = missing_chromium([item.path for item in session.items])
    if problem:
        pytest.exit(problem, returncode=pytest.ExitCode.USAGE_ERROR)


@pytest.fixture(scope="session", params=database_kinds())
def database_url(request, tmp_path_factory):
    """A migrated database per kind; every test runs once on each."""
    with fresh_database(request.param, tmp_path_factory.mktemp("db")) as url:
        yield url


class RequestPerContextClient(FlaskClient):
    """Each request gets its own app context (and so its own ``g`` and session), as in
    production. Flask would otherwise reuse the context the test fixture pushed, so that
    ``g`` — the signed-in user, the locale — would leak from one request to the next."""

    def open(self, *args, **kwargs):
        return contextvars.Context().run(super().open, *args, **kwargs)


class ContextPerCommandRunner(FlaskCliRunner):
    """Commands get their own app context too, so that a command's rollback cannot undo
    the test's fixtures (in production a command never shares a context)."""

    def invoke(self, *args, **kwargs):
        return contextvars.Context().run(super().invoke, *args, **kwargs)


@pytest.fixture(scope="session")
def app(database_url):
    """The application on the session's database, schema built by running the migrations."""
    application = create_app({"SQLALCHEMY_DATABASE_URI": database_url, "TESTING": True})
    application.test_client_class = RequestPerContextClient
    application.test_cli_runner_class = ContextPerCommandRunner
    with application.app_context():
        upgrade()
        db.engine.dispose()
    yield application
    with application.app_context():
        db.engine.dispose()


@pytest.fixture
def dialect(app) -> str:
    """``sqlite`` or ``postgresql``."""
    with app.app_context():
        return db.engine.dialect.name


class ConnectionBoundSession(Session):
    """Flask-SQLAlchemy's session picks an engine by bind key and ignores ``bind``;
    the tests need every session on the one connection that holds the outer transaction."""

    def get_bind(self, *args, **kwargs):
        return self.bind


@pytest.fixture(autouse=True)
def _db_transaction(request):
    """Run each test inside one outer transaction that is rolled back afterwards.

    The session joins the transaction with savepoints, so the code under test can commit
    as it does in production while nothing outlives the test.
    """
    if "app" not in request.fixturenames:
        yield
        return
    app = request.getfixturevalue("app")
    with app.app_context():
        connection = db.engine.connect()
        transaction = connection.begin()
        original = db.session
        db.session = db._make_scoped_session(
            {"bind": connection, "join_transaction_mode": "create_savepoint",
             "class_": ConnectionBoundSession}
        )
        request.node.db_connection = connection
        try:
            yield
            _contact_marks_are_current(connection)
        finally:
            db.session.remove()
            db.session = original
            transaction.rollback()
            connection.close()


def _contact_marks_are_current(connection) -> None:
    """After every test, whatever wrote its visits and contacts (pages, API, sync,
    services, factories): the kept contact marks equal a recomputation from scratch
    (``homecare.visits.contact_marks``)."""
    from homecare.visits.contact_marks import ContactMark, numbered

    stored = sa.select(*ContactMark.__table__.c)
    expected = numbered().subquery()
    expected = sa.select(*expected.c)
    try:
        with connection.begin_nested():
            stale = connection.execute(stored.except_(expected)).all()
            missing = connection.execute(expected.except_(stored)).all()
    except sa.exc.DBAPIError:
        return  # the test left its transaction failed, and fails for that already
    assert not stale and not missing, f"contact marks: stale {stale}, missing {missing}"


@pytest.fixture
def undo(request, app):
    """``with undo(): ...`` rolls back whatever happens inside (requests included)."""
    from contextlib import contextmanager

    connection = request.node.db_connection

    @contextmanager
    def savepoint():
        nested = connection.begin_nested()
        try:
            yield
        finally:
            nested.rollback()

    return savepoint


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def org(app):
    """A small organisation: two sections, three teams, one account of each role."""
    return factories.organisation()


class ApiClient:
    """A test client speaking the JSON API as one staff member (bearer token)."""

    def __init__(self, client, token: str | None):
        self.client = client
        self.headers = {"Authorization": f"Bearer {token}"} if token else {}

    def _call(self, method: str, path: str, headers=None, **kwargs):
        merged = {**self.headers, **(headers or {})}
        return self.client.open(f"/api/v1{path}", method=method, headers=merged, **kwargs)

    def get(self, path, **kwargs):
        return self._call("GET", path, **kwargs)

    def post(self, path, json=None, **kwargs):
        return self._call("POST", path, json=json, **kwargs)

    def put(self, path, json=None, **kwargs):
        return self._call("PUT", path, json=json, **kwargs)

    def patch(self, path, json=None, **kwargs):
        return self._call("PATCH", path, json=json, **kwargs)

    def delete(self, path, **kwargs):
        return self._call("DELETE", path, **kwargs)


@pytest.fixture
def api_as(app):
    """``api_as(staff)`` → an ApiClient signed in as that staff member (None: anonymous)."""
    from homecare.auth.tokens import issue_token

    def make(staff=None):
        token = issue_token(staff)[0] if staff is not None else None
        return ApiClient(app.test_client(), token)

    return make
