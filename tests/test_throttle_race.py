"""Wrong passwords sent all at once are counted before they are checked (issue 33).

24 parallel wrong passwords for one account had each been checked — 8 guesses for an
account limited to 5 — because none was counted until its own check ended. This runs
the service in a real threaded HTTP server on a PostgreSQL database of its own (with
real commits, unlike the rest of the suite), where requests truly run side by side.
"""

from __future__ import annotations

import json
import threading
import time
import urllib.error
import urllib.request

import pytest
import sqlalchemy as sa
from flask_migrate import upgrade
from werkzeug.serving import make_server

from homecare import create_app
from homecare.auth.throttle import ACCOUNT_FAILURES, Outcome, SignInAttempt
from homecare.core.extensions import db
from tests import factories
from tests.databases import fresh_database, postgres_available

ATTEMPTS = 24

pytestmark = pytest.mark.skipif(not postgres_available(),
                                reason="needs PostgreSQL, where requests run side by side")


def _post_token(base: str, answers: list, start: threading.Barrier) -> None:
    request = urllib.request.Request(  # noqa: S310 - our own server on loopback
        f"{base}/api/v1/tokens", method="POST",
        data=json.dumps({"username": "staff.a1", "password": "not the password"}).encode(),
        headers={"Content-Type": "application/json"})
    start.wait()
    try:
        with urllib.request.urlopen(request, timeout=30) as answer:  # noqa: S310
            answers.append(answer.status)
    except urllib.error.HTTPError as error:
        answers.append(error.code)


def _wait_for_requests_to_end() -> None:
    """The server answers before a request's thread has put its connection back (and its
    threads are daemons, which shutting down does not wait for)."""
    deadline = time.monotonic() + 10
    while db.engine.pool.checkedout() and time.monotonic() < deadline:
        time.sleep(0.01)


def test_parallel_wrong_passwords_are_checked_no_more_than_the_limit(tmp_path):
    with fresh_database("postgresql", tmp_path) as url:
        app = create_app({"SQLALCHEMY_DATABASE_URI": url, "TESTING": True})
        with app.app_context():
            upgrade()
            factories.organisation()
            db.session.commit()
        server = make_server("127.0.0.1", 0, app, threaded=True)
        serving = threading.Thread(target=server.serve_forever, daemon=True)
        serving.start()
        try:
            base, answers = f"http://127.0.0.1:{server.server_port}", []
            start = threading.Barrier(ATTEMPTS)
            clients = [threading.Thread(target=_post_token, args=(base, answers, start))
                       for _ in range(ATTEMPTS)]
            for client in clients:
                client.start()
            for client in clients:
                client.join(60)
        finally:
            server.shutdown()
        with app.app_context():
            _wait_for_requests_to_end()
            outcomes = db.session.scalars(sa.select(SignInAttempt.outcome)).all()
            db.session.remove()
            db.engine.dispose()
    assert sorted(answers) == sorted([401] * ACCOUNT_FAILURES
                                     + [429] * (ATTEMPTS - ACCOUNT_FAILURES))
    assert outcomes.count(Outcome.FAILED) == ACCOUNT_FAILURES
    assert outcomes.count(Outcome.THROTTLED) == ATTEMPTS - ACCOUNT_FAILURES
