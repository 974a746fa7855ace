"""Logs for collection: one JSON line per request, with its id sent back in X-Request-Id;
the scheduler's runs and failures as JSON lines too; and no personal data in any line,
whatever the requests carried or the errors said."""

from __future__ import annotations

import json

import pytest

from homecare.auth.tokens import issue_token
from tests.helpers import csrf_token_from, sign_in
from tests.test_route_access import care_records, routes


class Walk:
    """Requests made as one staff member, each answer kept."""

    def __init__(self, app, staff):
        self.app = app
        self.page = app.test_client()
        self.token = issue_token(staff)[0]
        self.answers = []
        sign_in(_Recording(self.page, self.answers), staff.username)

    def call(self, method: str, path: str, body=None, headers=None) -> int:
        headers = dict(headers or {})
        if path.startswith(("/api/", "/fhir/")):
            headers["Authorization"] = f"Bearer {self.token}"
            # A program keeps no cookies (flask-login's strong session protection turns
            # away a bearer token sent with a cookie it did not sign in: a quirk of its own).
            answer = self.app.test_client().open(path, method=method, json=body,
                                                 headers=headers)
        else:
            data = None
            if method != "GET":
                form = self.page.get("/")
                self.answers.append(form)
                data = {**(body or {}), "csrf_token": csrf_token_from(form.text)}
            answer = self.page.open(path, method=method, data=data, headers=headers)
        self.answers.append(answer)
        return answer.status_code


class _Recording:
    """A client whose answers are kept (for the sign-in's own requests)."""

    def __init__(self, client, answers):
        self.client, self.answers = client, answers

    def get(self, *args, **kwargs):
        self.answers.append(answer := self.client.get(*args, **kwargs))
        return answer

    def post(self, *args, **kwargs):
        self.answers.append(answer := self.client.post(*args, **kwargs))
        return answer


def _lines(captured: str) -> list[dict]:
    lines = [json.loads(line) for line in captured.splitlines() if line.strip()]
    return lines


def test_no_log_line_holds_a_name_national_id_or_a_users_id(app, org, undo, capsys):
    user, coordinator = org.user_a1, org.coordinator_a1
    records = care_records(org)
    capsys.readouterr()
    walk = Walk(app, coordinator)
    for (endpoint, method), route in routes(org, records).items():
        if endpoint != "auth.logout":  # signing out comes last
            with undo():
                walk.call(method, route.path, route.body, route.headers)
    # Personal data sent in every place a request can carry it.
    walk.call("GET", f"/api/v1/service-users?q={user.full_name}")
    walk.call("GET", "/api/v1/service-users", headers={"X-National-Id": user.national_id})
    walk.call("POST", "/api/v1/service-users/search", {"national_id": user.national_id})
    walk.call("GET", f"/today?q={user.full_name}")
    walk.call("POST", "/api/v1/service-users", {
        "national_id": user.national_id, "full_name": user.full_name, "address": "Vei 1",
        "team_id": org.team_a1.id, "service_type": "long_term", "service_start": "2026-01-01"})
    walk.call("GET", f"/api/v1/service-users/{org.user_b1.id}")  # another team's: 404
    walk.call("POST", "/logout")
    lines = _lines(capsys.readouterr().err)

    requests = [line for line in lines if line["logger"] == "homecare.request"]
    assert len(walk.answers) > 150
    assert len(requests) == len(walk.answers)  # one line per request
    assert [line["request_id"] for line in requests] == [
        answer.headers["X-Request-Id"] for answer in walk.answers]
    assert [line["status"] for line in requests] == [a.status_code for a in walk.answers]
    signed_in = [line for line in requests if line["staff_id"] == coordinator.id]
    assert len(signed_in) > 150
    assert {"/users/<uuid:user_id>", "/api/v1/service-users/<uuid:user_id>"} <= {
        line["route"] for line in requests}
    forbidden = [user.full_name, *user.full_name.split(), user.national_id,
                 str(user.id), user.id.hex, coordinator.full_name, coordinator.username]
    for line in lines:
        text = json.dumps(line, ensure_ascii=False)
        assert not [word for word in forbidden if word in text], text


@pytest.mark.parametrize(("sent", "kept"), [
    ("4f9c2a1e-77aa-4c1e-9a3b-0d2e6f1a9b7c", True),   # a proxy's UUID
    ("0123456789abcdef0123456789abcdef", True),        # nginx's $request_id
    ("Kari-Nordmann", False),                          # not an id: replaced
    ("12345", False),                                  # too short to be one
])
def test_a_request_id_from_a_proxy_is_kept_only_when_it_looks_like_one(
        client, capsys, sent, kept):
    capsys.readouterr()
    answer = client.get("/health", headers={"X-Request-Id": sent})
    [line] = _lines(capsys.readouterr().err)
    assert line["request_id"] == answer.headers["X-Request-Id"]
    assert (answer.headers["X-Request-Id"] == sent) is kept
    assert set(line) == {"time", "level", "logger", "message", "request_id", "method",
                         "route", "status", "duration_ms", "staff_id"}
    assert (line["route"], line["status"], line["staff_id"]) == ("/health", 200, None)



def test_a_refusing_constraint_is_logged_by_name_without_the_values(database_url, capsys):
    """A database's message about a duplicate quotes the row ("Key (name)=(...) already
    exists"): the log keeps the constraint's name and the error's type only."""
    import sqlalchemy as sa
    from flask_migrate import upgrade

    from homecare import create_app
    from homecare.core.extensions import db
    from homecare.core.routing import public
    from homecare.org.models import Section

    app = create_app({"SQLALCHEMY_DATABASE_URI": database_url, "TESTING": True})
    personal = "Kari Nordmann 17054012345"

    @app.route("/twice")
    @public
    def twice():
        db.session.execute(sa.insert(Section.__table__), [{"name": personal}] * 2)
        return "never"

    with app.app_context():
        upgrade()  # a no-op when the session's app has migrated this database already
        capsys.readouterr()
        answer = app.test_client().get("/twice")
        db.engine.dispose()
    assert answer.status_code == 409
    lines = _lines(capsys.readouterr().err)
    [refusal] = [line for line in lines if line["message"] == "Refused by a database constraint"]
    if database_url.startswith("postgresql"):
        assert refusal["constraint"] == "uq_sections_name"
    assert not [line for line in lines if "17054012345" in json.dumps(line)]


def test_the_scheduler_logs_each_run_and_a_failure_without_its_message(
        app, org, capsys, monkeypatch):
    from homecare.scheduler import process
    from homecare.scheduler.jobs import JOBS, Job

    def fails(_day):
        raise ValueError(f"{org.user_a1.full_name} {org.user_a1.national_id}")

    monkeypatch.setitem(JOBS, "fails", Job("fails", "A job that fails", fails, {"hour": 1}))
    capsys.readouterr()
    process._scheduled(app, "checkin_prompts")
    process._scheduled(app, "checkin_prompts")
    process._scheduled(app, "fails")
    ran, skipped, failed = _lines(capsys.readouterr().err)
    assert (ran["message"], ran["job"], ran["trigger"]) == ("job run", "checkin_prompts",
                                                            "schedule")
    assert isinstance(ran["rows"], int) and isinstance(ran["seconds"], float)
    assert (skipped["message"], skipped["reason"]) == ("job skipped", "already done")
    assert (failed["level"], failed["message"], failed["job"]) == ("error", "job failed", "fails")
    assert failed["error"]["type"] == "builtins.ValueError"
    assert any("in fails" in frame for frame in failed["error"]["where"])
    assert org.user_a1.national_id not in json.dumps(failed)
    assert "Nordmann" not in json.dumps(failed)
