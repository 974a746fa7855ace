"""Backup and restore, proven as docs/operations.md says to do them: a populated
PostgreSQL database dumped with ``pg_dump``, restored with ``pg_restore`` into a new
database, holds every row of every table; the app serves it (reads and new writes);
and its audit log still refuses UPDATE, DELETE and TRUNCATE."""

from __future__ import annotations

import json
import subprocess
import sys
import urllib.request
import uuid
from datetime import timedelta

import pytest
import sqlalchemy as sa
from flask_migrate import upgrade

from homecare import create_app
from homecare.core.extensions import db
from homecare.core.timeutil import local_today, utcnow
from homecare.demo.loader import DEMO_PASSWORD, load_demo
from homecare.scheduler.runner import run_job
from tests.databases import fresh_database
from tests.processes import Started, fetch, free_port
from tests.release import ROOT

COORDINATOR = "koordinator.bjolsen"


def _populated(url: str) -> None:
    """The demo (sections, teams, staff, users, a year of visits, goals, decisions, the
    audit log of it all) and a run of every job, written as the service writes them."""
    app = create_app({"SQLALCHEMY_DATABASE_URI": url, "HOMECARE_ALLOW_SYNTHETIC_IDS": True})
    with app.app_context():
        upgrade()
        load_demo()
        db.session.commit()
        for job in ("checkin_prompts", "what_matters_reminders", "decision_reminders",
                    "weekly_snapshot"):
            run_job(job, local_today(), trigger="manual")
        db.session.remove()  # its last read holds a connection, which must close here
        db.engine.dispose()


def _fingerprints(url: str) -> dict[str, tuple[int, str]]:
    """Every table's row count and a digest of all its rows, in a stable order."""
    engine = sa.create_engine(url)
    with engine.connect() as connection:
        tables = connection.scalars(sa.text(
            "SELECT tablename FROM pg_tables WHERE schemaname = 'public' ORDER BY 1")).all()
        prints = {table: tuple(connection.execute(sa.text(
            f'SELECT count(*), md5(coalesce(string_agg(t::text, \'|\' ORDER BY t::text), \'\')) '  # noqa: S608 - names from the catalogue
            f'FROM "{table}" t')).one()) for table in tables}
    engine.dispose()
    return prints


def _tool(*command: str) -> None:
    done = subprocess.run(command, capture_output=True, text=True, timeout=300, check=False)  # noqa: S603 - PostgreSQL's own tools
    assert done.returncode == 0, done.stderr


def _server_address(url: str) -> tuple[str, str, str]:
    parts = sa.engine.make_url(url)
    return parts.host or "127.0.0.1", str(parts.port or 5432), parts.username or "postgres"


def _dump_and_restore(source: str, target: str, dump_file) -> None:
    """The commands of docs/operations.md: a custom-format dump, restored into a new,
    empty database (made by createdb) with the same schema owner."""
    host, port, user = _server_address(source)
    connection = ["--host", host, "--port", port, "--username", user, "--no-password"]
    _tool("pg_dump", *connection, "--format=custom", "--file", str(dump_file),
          sa.engine.make_url(source).database)
    _tool("pg_restore", *connection, "--exit-on-error", "--no-owner",
          "--dbname", sa.engine.make_url(target).database, str(dump_file))


def _append_only(url: str) -> None:
    engine = sa.create_engine(url)
    for statement in ("UPDATE audit_log SET detail = 'changed'",
                      "DELETE FROM audit_log", "TRUNCATE audit_log"):
        with engine.connect() as connection, pytest.raises(sa.exc.DBAPIError,
                                                           match="append-only"):
            connection.execute(sa.text(statement))
    engine.dispose()


def _api(base: str, method: str, path: str, body=None, token: str | None = None):
    headers = {"Content-Type": "application/json"}
    if token:
        headers["Authorization"] = f"Bearer {token}"
    request = urllib.request.Request(f"{base}/api/v1{path}", method=method,  # noqa: S310 - our own server
                                     data=json.dumps(body).encode() if body else None,
                                     headers=headers)
    with urllib.request.urlopen(request, timeout=30) as answer:  # noqa: S310
        return answer.status, json.loads(answer.read() or b"null")


def _serves_every_user_and_takes_new_records(base: str, url: str) -> None:
    engine = sa.create_engine(url)
    with engine.connect() as connection:
        staff_id, team_users = connection.execute(sa.text(
            "SELECT s.id, count(u.id) FROM staff s JOIN staff_teams st ON st.staff_id = s.id "
            "JOIN service_users u ON u.team_id = st.team_id WHERE s.username = :name "
            "GROUP BY s.id"), {"name": COORDINATOR}).one()
        audit_rows = connection.scalar(sa.text("SELECT count(*) FROM audit_log"))
    status, body = _api(base, "POST", "/tokens", {"username": COORDINATOR,
                                                 "password": DEMO_PASSWORD})
    token = body["token"]
    status, users = _api(base, "GET", "/service-users?page_size=500", token=token)
    assert status == 200 and len(users) == team_users > 0
    user = users[0]
    status, record = _api(base, "GET", f"/service-users/{user['id']}", token=token)
    assert status == 200 and record["full_name"] == user["full_name"]
    visit = {"service_user_id": user["id"], "staff_id": staff_id, "kind": "short",
             "planned_start": (utcnow() + timedelta(hours=1)).isoformat(),
             "planned_minutes": 20}
    status, created = _api(base, "PUT", f"/visits/{uuid.uuid4()}", visit, token)
    assert status == 201 and created["service_user_id"] == user["id"]
    with engine.connect() as connection:
        # The new visit, the reads and the token were logged after the restored rows.
        assert connection.scalar(sa.text("SELECT count(*) FROM audit_log")) > audit_rows
    engine.dispose()


def test_a_dump_restored_into_a_new_database_holds_every_record_and_serves(tmp_path):
    with fresh_database("postgresql", tmp_path) as source, \
            fresh_database("postgresql", tmp_path) as restored:
        _populated(source)
        before = _fingerprints(source)
        assert before["audit_log"][0] > 1000 and before["visits"][0] > 1000
        _dump_and_restore(source, restored, tmp_path / "homecare.dump")
        assert _fingerprints(restored) == before  # every row of every table
        _append_only(restored)

        port = free_port()
        server = Started([sys.executable, "-m", "gunicorn", "--bind", f"127.0.0.1:{port}",
                          "--workers", "1", "wsgi:app"], tmp_path / "server.log", cwd=ROOT,
                         env={"PATH": "/usr/bin:/bin", "HOMECARE_ENV": "production",
                              "SECRET_KEY": "k" * 48, "DATABASE_URL": restored,
                              "HOMECARE_BASE_URL": "https://hjemmetjeneste.example.no"})
        try:
            base = f"http://127.0.0.1:{port}"
            server.wait_until_answering(f"{base}/health")
            assert fetch(f"{base}/health")[0] == 200  # its schema is the code's
            _serves_every_user_and_takes_new_records(base, restored)
        finally:
            server.stop()
        _append_only(restored)
