"""Start-up checks, /health, and the production settings, as a real process sees them."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from homecare import create_app
from homecare.config import ConfigurationError, Settings

ROOT = Path(__file__).resolve().parent.parent
UNREACHABLE = "postgresql://postgres@127.0.0.1:1/nowhere"
LONG_KEY = "k" * 48


def _environment(**extra) -> dict:
    env = {key: value for key, value in os.environ.items()
           if not key.startswith(("HOMECARE_", "DATABASE_URL", "SECRET_KEY"))}
    return {**env, "HOMECARE_ENV": "production", "SECRET_KEY": LONG_KEY,
            "HOMECARE_BASE_URL": "https://hjemmetjeneste.example.no", **extra}


def _run(args: list[str], **env) -> subprocess.CompletedProcess:
    return subprocess.run(args, cwd=ROOT, env=_environment(**env), capture_output=True,  # noqa: S603 - our own commands
                          text=True, timeout=60, check=False)


def _migrated_sqlite(tmp_path) -> str:
    url = f"sqlite:///{tmp_path / 'prod.sqlite3'}"
    done = _run([sys.executable, "-m", "flask", "--app", "homecare", "db", "upgrade"],
                DATABASE_URL=url)
    assert done.returncode == 0, done.stderr
    return url


def test_health_answers_200_when_the_database_is_current(client):
    answer = client.get("/health")
    assert answer.status_code == 200 and answer.json == {"status": "ok"}


def test_health_answers_503_when_the_schema_is_missing(tmp_path):
    app = create_app({"SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'empty.sqlite3'}"})
    answer = app.test_client().get("/health")
    assert answer.status_code == 503 and answer.json == {"status": "unavailable"}


@pytest.mark.parametrize("command", [
    [sys.executable, "-c", "import wsgi"],
    [sys.executable, "-m", "flask", "--app", "homecare", "scheduler"],
])
def test_the_web_server_and_scheduler_exit_with_one_line_when_the_database_is_away(command):
    done = _run(command, DATABASE_URL=UNREACHABLE)
    assert done.returncode == 4
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1 and "does not answer" in lines[0], done.stderr
    assert "Traceback" not in done.stderr


def _migrations_head() -> str:
    """The newest migration, read from the scripts (not written down twice)."""
    from alembic.config import Config
    from alembic.script import ScriptDirectory

    config = Config()
    config.set_main_option("script_location", str(ROOT / "migrations"))
    return ScriptDirectory.from_config(config).get_current_head()


def test_the_web_server_exits_with_one_line_when_not_migrated(tmp_path):
    done = _run([sys.executable, "-c", "import wsgi"],
                DATABASE_URL=f"sqlite:///{tmp_path / 'new.sqlite3'}")
    assert done.returncode == 4
    assert done.stderr.strip().splitlines() == [
        "homecare web server cannot start: the database is at an empty schema, the code "
        f"needs {_migrations_head()}: run `flask --app homecare init` (or `db upgrade`)."]


def test_production_refuses_a_short_secret_key(monkeypatch, tmp_path):
    monkeypatch.setenv("HOMECARE_ENV", "production")
    monkeypatch.setenv("SECRET_KEY", "s" * 31)
    with pytest.raises(ConfigurationError, match="at least 32 bytes"):
        Settings.from_environment(tmp_path)


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def test_gunicorn_in_production_sends_hsts_and_no_software_banner(tmp_path):
    url = _migrated_sqlite(tmp_path)
    port = _free_port()
    server = subprocess.Popen(  # noqa: S603 - our own server
        [sys.executable, "-m", "gunicorn", "--bind", f"127.0.0.1:{port}", "--workers", "1",
         "wsgi:app"], cwd=ROOT, env=_environment(DATABASE_URL=url),
        stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/health",
                                            timeout=2) as answer:
                    headers, status = answer.headers, answer.status
                break
            except OSError:   # refused, reset or no answer yet: still starting
                assert time.monotonic() < deadline and server.poll() is None, \
                    server.stderr.read().decode() if server.poll() is not None else "timeout"
                time.sleep(0.2)
        assert status == 200
        assert headers["Server"] == "homecare"
        assert headers["Strict-Transport-Security"].startswith("max-age=31536000")
    finally:
        server.terminate()
        server.wait(timeout=30)
        server.stderr.close()
