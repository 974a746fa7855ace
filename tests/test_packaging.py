"""The release is the app: ``python -m build`` gives an sdist and a wheel that carry the
static files, the migrations, the compiled catalogues and the gunicorn settings; the
wheel, installed in a fresh virtual environment, initialises a new database, serves with
gunicorn and runs the scheduler from any folder through the ``homecare`` command; and an
editable install speaks Norwegian too."""

from __future__ import annotations

import json
import tarfile
import zipfile
from pathlib import Path

import pytest
from prometheus_client.parser import text_string_to_metric_families

from tests.databases import database_kinds, fresh_database
from tests.processes import Started, fetch, free_port
from tests.release import ROOT, clean_clone, fresh_venv, run

SECRET_KEY = "an-operators-secret-key-of-enough-length"
METRICS_TOKEN = "the-operators-prometheus-token-0123456789"


def _tracked(folder: str) -> list[str]:
    listed = run("git", "ls-files", folder, cwd=ROOT)
    assert listed.returncode == 0, listed.stderr
    return listed.stdout.split()


def test_the_wheel_carries_static_files_migrations_catalogues_and_settings(release):
    names = set(zipfile.ZipFile(release.wheel).namelist())
    for path in _tracked("static") + _tracked("migrations"):
        assert f"homecare/{path}" in names, path
    for language in ("nb", "en"):
        assert f"homecare/translations/{language}/LC_MESSAGES/messages.mo" in names
    assert "homecare/gunicorn_settings.py" in names and "homecare/wsgi.py" in names
    [entry_points] = [n for n in names if n.endswith(".dist-info/entry_points.txt")]
    assert "homecare = homecare.console:main" in zipfile.ZipFile(release.wheel).read(
        entry_points).decode()


def test_the_sdist_holds_the_sources_the_wheel_is_built_from(release):
    with tarfile.open(release.sdist) as sdist:
        names = {name.split("/", 1)[1] for name in sdist.getnames() if "/" in name}
    for path in _tracked("static") + _tracked("migrations") + _tracked("homecare/translations"):
        assert path in names, path
    # Catalogues are compiled by the build, from the .po files; none is shipped stale.
    assert not [name for name in names if name.endswith(".mo")]


@pytest.fixture
def operator_database(tmp_path):
    """A new, empty database (PostgreSQL when it answers, as in production)."""
    kind = "postgresql" if "postgresql" in database_kinds() else "sqlite"
    with fresh_database(kind, tmp_path) as url:
        yield url


def test_an_installed_release_initialises_serves_and_schedules_from_any_folder(
        installed_release, operator_database, tmp_path):
    env = installed_release.environment(HOMECARE_ENV="production", SECRET_KEY=SECRET_KEY,
                                        DATABASE_URL=operator_database,
                                        HOMECARE_BASE_URL="https://hjemmetjeneste.example.no",
                                        HOMECARE_METRICS_TOKEN=METRICS_TOKEN)
    elsewhere = installed_release.home  # no checkout here or above
    initialised = run("homecare", "init", cwd=elsewhere, env=env, timeout=120)
    assert initialised.returncode == 0, initialised.stderr[-3000:]
    assert "Databaseskjemaet er oppdatert." in initialised.stdout

    port = free_port()
    server = Started(["homecare", "serve", "--bind", f"127.0.0.1:{port}", "--workers", "2"],
                     tmp_path / "server.log", cwd=elsewhere, env=env)
    try:
        base = f"http://127.0.0.1:{port}"
        server.wait_until_answering(f"{base}/health")
        _serves_the_app(base)
        _adds_up_the_metrics_of_every_worker(base)
    finally:
        server.stop()
    lines = [json.loads(line) for line in server.output().splitlines()]
    assert {"/health", "/login", "/static/<path:filename>", "/sw.js", "/metrics"} <= {
        line.get("route") for line in lines if line["logger"] == "homecare.request"}
    assert any(line["logger"] == "gunicorn.error" for line in lines)

    metrics_port = free_port()
    scheduler = Started(["homecare", "scheduler"], tmp_path / "scheduler.log", cwd=elsewhere,
                        env={**env, "HOMECARE_SCHEDULER_METRICS_PORT": str(metrics_port)})
    try:
        scheduler.wait_for_output("Planleggeren kjører med 4 jobber.")
        scheduler.wait_for_output('"message": "scheduler started"')
        status, _, body = fetch(f"http://127.0.0.1:{metrics_port}/metrics",
                                {"Authorization": f"Bearer {METRICS_TOKEN}"})
        assert status == 200 and b"homecare_scheduler_job_runs_total" in body
    finally:
        scheduler.stop()


def _serves_the_app(base: str) -> None:
    status, headers, body = fetch(f"{base}/health")
    assert (status, json.loads(body)) == (200, {"status": "ok"})
    assert headers["Server"] == "homecare"  # the package's gunicorn settings
    assert headers["X-Request-Id"]
    status, _, body = fetch(f"{base}/login")
    page = body.decode()
    assert status == 200 and 'lang="nb"' in page
    assert "Logg inn" in page and "Brukernavn" in page
    status, headers, body = fetch(f"{base}/static/css/app.css")
    assert status == 200 and headers["Content-Type"].startswith("text/css")
    assert body == (ROOT / "static/css/app.css").read_bytes()
    status, headers, body = fetch(f"{base}/sw.js")
    assert status == 200 and headers["Content-Type"].startswith("text/javascript")
    assert body == (ROOT / "static/js/sw.js").read_bytes()


def _health_checks_counted(base: str) -> float:
    status, _, body = fetch(f"{base}/metrics", {"Authorization": f"Bearer {METRICS_TOKEN}"})
    assert status == 200
    return sum(sample.value for family in text_string_to_metric_families(body.decode())
               for sample in family.samples
               if sample.name == "homecare_http_requests_total"
               and sample.labels["route"] == "/health")


def _adds_up_the_metrics_of_every_worker(base: str) -> None:
    """Each request goes to whichever of the two workers takes it: the count is right
    only if /metrics adds up both workers' counts."""
    assert fetch(f"{base}/metrics")[0] == 404  # not without the token
    before = _health_checks_counted(base)
    for _ in range(40):
        assert fetch(f"{base}/health")[0] == 200
    assert _health_checks_counted(base) - before == 40


def test_an_editable_install_speaks_norwegian(tmp_path):
    source = clean_clone(tmp_path / "source")
    assert not list(source.glob("homecare/translations/*/LC_MESSAGES/*.mo"))
    bin_dir = fresh_venv(tmp_path / "venv")
    # The dependencies come from the test run's own environment (installing them again
    # would only test pip); homecare itself is installed editable from the clone.
    [site_packages] = (tmp_path / "venv/lib").glob("python3*/site-packages")
    (site_packages / "dependencies.pth").write_text(f"{_site_packages()}\n")
    done = run(str(bin_dir / "python"), "-m", "pip", "install", "--quiet", "--no-deps", "-e",
               str(source), cwd=tmp_path)
    assert done.returncode == 0, done.stderr[-3000:]
    served = run(str(bin_dir / "python"), "-c", SIGN_IN_PAGE, cwd=tmp_path, env={
        "PATH": "/usr/bin:/bin", "SECRET_KEY": SECRET_KEY,
        "DATABASE_URL": f"sqlite:///{tmp_path / 'app.sqlite3'}"})
    assert served.returncode == 0, served.stderr[-3000:]
    origin, status, page = served.stdout.split("\n", 2)
    assert origin == str(source / "homecare" / "__init__.py")
    assert status == "200" and 'lang="nb"' in page
    assert "Logg inn" in page and "Brukernavn" in page


def _site_packages() -> str:
    import flask

    return str(Path(flask.__file__).resolve().parent.parent)


SIGN_IN_PAGE = """
import homecare
from homecare import create_app
page = create_app().test_client().get("/login")
print(homecare.__file__)
print(page.status_code)
print(page.get_data(as_text=True))
"""
