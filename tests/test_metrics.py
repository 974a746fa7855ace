"""Prometheus metrics: behind a token, counted per route template, sync result, job run
and reminder kind, following the connection pool, and with no personal data in labels.
(That gunicorn's processes are added up is shown on the installed release,
tests/test_packaging.py.)"""

from __future__ import annotations

import uuid
from datetime import timedelta

import pytest
import sqlalchemy as sa
from prometheus_client.parser import text_string_to_metric_families

from homecare.core.metrics import serve_on_port
from homecare.scheduler.jobs import JOBS, Job
from homecare.scheduler.runner import run_job
from tests.helpers import sign_in
from tests.processes import fetch, free_port
from tests.scheduler.test_prompts import START, a_goal, at

TOKEN = "a-scrapers-token-long-enough-to-keep"


@pytest.fixture
def scrape(app, monkeypatch):
    """``scrape()`` → {(name, frozen labels): value} as Prometheus would read /metrics."""
    monkeypatch.setitem(app.config, "HOMECARE_METRICS_TOKEN", TOKEN)

    def read() -> dict:
        answer = app.test_client().get("/metrics", headers={"Authorization": f"Bearer {TOKEN}"})
        assert answer.status_code == 200, answer.status_code
        assert answer.mimetype == "text/plain"
        read.text = answer.text
        return {(sample.name, frozenset(sample.labels.items())): sample.value
                for family in text_string_to_metric_families(answer.text)
                for sample in family.samples}

    return read


def _value(samples: dict, name: str, **labels) -> float:
    return samples.get((name, frozenset(labels.items())), 0.0)


@pytest.mark.parametrize("header", [None, "Bearer wrong-token-of-the-same-length!!!!", TOKEN,
                                    f"Basic {TOKEN}"])
def test_metrics_answer_404_without_the_token(app, client, monkeypatch, header):
    monkeypatch.setitem(app.config, "HOMECARE_METRICS_TOKEN", TOKEN)
    headers = {"Authorization": header} if header else {}
    assert client.get("/metrics", headers=headers).status_code == 404


def test_metrics_answer_404_to_everyone_when_no_token_is_set(app, client, org):
    assert app.config["HOMECARE_METRICS_TOKEN"] is None
    sign_in(client, org.admin.username)
    assert client.get("/metrics").status_code == 404
    assert client.get("/metrics", headers={"Authorization": "Bearer "}).status_code == 404


def test_requests_are_counted_by_route_template_with_no_person_in_any_label(
        app, org, scrape):
    user = org.user_a1
    route = "/users/<uuid:user_id>"
    before = scrape()
    client = app.test_client()
    sign_in(client, org.staff_a1.username)
    for _ in range(3):
        assert client.get(f"/users/{user.id}").status_code == 200
    assert client.get(f"/users/{org.user_b1.id}").status_code == 404
    assert client.get(f"/today?q={user.full_name}").status_code == 200
    after = scrape()
    assert _value(after, "homecare_http_requests_total", method="GET", route=route,
                  status="200") - _value(before, "homecare_http_requests_total",
                                         method="GET", route=route, status="200") == 3
    assert _value(after, "homecare_http_requests_total", method="GET", route=route,
                  status="404") - _value(before, "homecare_http_requests_total",
                                         method="GET", route=route, status="404") == 1
    timed = _value(after, "homecare_http_request_duration_seconds_count", method="GET",
                   route=route) - _value(before, "homecare_http_request_duration_seconds_count",
                                         method="GET", route=route)
    assert timed == 4
    text = scrape.text
    for personal in (str(user.id), str(org.user_b1.id), user.full_name, "Nordmann",
                     user.national_id, org.staff_a1.username, org.staff_a1.full_name):
        assert personal not in text


def test_sync_operations_are_counted_by_kind_and_status(app, org, api_as, scrape):
    today = START.isoformat()
    goal = a_goal(org)
    check_in = {"goal_id": str(goal.id), "date": today, "got_expected_help": "yes",
                "could_influence": "no", "satisfied": "partly"}
    before = scrape()
    answer = api_as(org.staff_a1).post("/sync", json={"operations": [
        {"id": str(uuid.uuid4()), "kind": "check_in", "body": check_in},
        {"id": str(uuid.uuid4()), "kind": "check_in", "body": {**check_in,
                                                                "goal_id": str(uuid.uuid4())}},
    ]})
    assert answer.status_code == 200
    statuses = sorted(str(result["status"]) for result in answer.json["results"])
    assert statuses == ["201", "422"]
    after = scrape()
    for status in statuses:
        assert _value(after, "homecare_sync_operations_total", kind="check_in",
                      status=status) - _value(before, "homecare_sync_operations_total",
                                              kind="check_in", status=status) == 1


def test_job_runs_durations_failures_and_raised_reminders_are_counted(
        app, org, scrape, monkeypatch):
    a_goal(org)
    due = START + timedelta(days=14)

    def fails(_day):
        raise RuntimeError("a failing job")

    monkeypatch.setitem(JOBS, "fails", Job("fails", "Fails", fails, {"hour": 1}))
    before = scrape()
    with at(due):
        assert run_job("checkin_prompts", due, trigger="schedule").ran
        assert not run_job("checkin_prompts", due, trigger="schedule").ran
        with pytest.raises(RuntimeError):
            run_job("fails", due, trigger="schedule")
    after = scrape()

    def grew(name, **labels):
        return _value(after, name, **labels) - _value(before, name, **labels)

    assert grew("homecare_scheduler_job_runs_total", job="checkin_prompts", outcome="ran") == 1
    assert grew("homecare_scheduler_job_runs_total", job="checkin_prompts",
                outcome="skipped") == 1
    assert grew("homecare_scheduler_job_duration_seconds_count", job="checkin_prompts") == 1
    assert grew("homecare_scheduler_job_runs_total", job="fails", outcome="failed") == 1
    assert grew("homecare_scheduler_job_failures_total", job="fails") == 1
    assert grew("homecare_prompts_raised_total", kind="checkin_due") == 1
    # The last finished run of each job, read from the database.
    assert _value(after, "homecare_scheduler_last_run_finished_timestamp_seconds",
                  job="checkin_prompts") > 0


def test_database_connections_in_use_and_open_follow_the_pool(tmp_path, scrape):
    engine = sa.create_engine(f"sqlite:///{tmp_path / 'pool.sqlite3'}")
    before = scrape()
    connection = engine.connect()
    during = scrape()
    connection.close()
    after = scrape()
    engine.dispose()
    disposed = scrape()
    in_use, opened = "homecare_db_connections_in_use", "homecare_db_connections_open"
    assert _value(during, in_use) - _value(before, in_use) == 1
    assert _value(after, in_use) == _value(before, in_use)
    assert _value(during, opened) - _value(before, opened) == 1
    assert _value(after, opened) - _value(before, opened) == 1  # kept open in the pool
    assert _value(disposed, opened) == _value(before, opened)


def test_the_schedulers_own_port_answers_the_token_holder_only():
    port = free_port()
    server = serve_on_port(port, "127.0.0.1", TOKEN)
    try:
        url = f"http://127.0.0.1:{port}/metrics"
        assert fetch(url)[0] == 404
        assert fetch(url, {"Authorization": "Bearer not-the-token"})[0] == 404
        status, _, body = fetch(url, {"Authorization": f"Bearer {TOKEN}"})
        assert status == 200 and b"homecare_scheduler_job_runs_total" in body
    finally:
        server.shutdown()
        server.server_close()


def test_a_short_metrics_token_is_refused(monkeypatch, tmp_path):
    from homecare.config import ConfigurationError, Settings

    monkeypatch.setenv("HOMECARE_METRICS_TOKEN", "too-short")
    with pytest.raises(ConfigurationError, match="at least 24"):
        Settings.from_environment(tmp_path)
