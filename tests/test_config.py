import pytest
import sqlalchemy as sa

from homecare import create_app
from homecare.config import ConfigurationError, Settings
from homecare.core.extensions import db


def test_production_refuses_to_start_without_secret_key(monkeypatch, tmp_path):
    monkeypatch.setenv("HOMECARE_ENV", "production")
    monkeypatch.delenv("SECRET_KEY", raising=False)
    with pytest.raises(ConfigurationError, match="SECRET_KEY"):
        Settings.from_environment(tmp_path)


def test_development_generates_and_keeps_a_secret_key(monkeypatch, tmp_path):
    monkeypatch.setenv("HOMECARE_ENV", "development")
    monkeypatch.delenv("SECRET_KEY", raising=False)
    first = Settings.from_environment(tmp_path).secret_key
    assert len(first) >= 32
    assert (tmp_path / "secret_key").read_text() == first
    assert Settings.from_environment(tmp_path).secret_key == first


def test_defaults_sqlite_under_instance_and_switches_to_postgres(monkeypatch, tmp_path):
    monkeypatch.delenv("DATABASE_URL", raising=False)
    assert Settings.from_environment(tmp_path).database_url == (
        f"sqlite:///{tmp_path / 'homecare.sqlite3'}")
    monkeypatch.setenv("DATABASE_URL", "postgresql://db.example/homecare")
    assert Settings.from_environment(tmp_path).database_url == (
        "postgresql+psycopg://db.example/homecare")


def test_unknown_timezone_is_refused(monkeypatch, tmp_path):
    monkeypatch.setenv("HOMECARE_TIMEZONE", "Europe/Atlantis")
    with pytest.raises(ConfigurationError, match="HOMECARE_TIMEZONE"):
        Settings.from_environment(tmp_path)


def test_production_cookies_are_secure(monkeypatch, tmp_path):
    monkeypatch.setenv("HOMECARE_ENV", "production")
    monkeypatch.setenv("SECRET_KEY", "x" * 40)
    monkeypatch.setenv("HOMECARE_BASE_URL", "https://hjemmetjeneste.example.no")
    config = Settings.from_environment(tmp_path).flask_config()
    assert config["SESSION_COOKIE_SECURE"] is True
    assert config["SESSION_COOKIE_HTTPONLY"] is True
    assert config["SESSION_COOKIE_SAMESITE"] == "Lax"


def test_production_requires_an_https_base_url(monkeypatch, tmp_path):
    monkeypatch.setenv("HOMECARE_ENV", "production")
    monkeypatch.setenv("SECRET_KEY", "x" * 40)
    monkeypatch.delenv("HOMECARE_BASE_URL", raising=False)
    with pytest.raises(ConfigurationError, match="HOMECARE_BASE_URL must be set"):
        Settings.from_environment(tmp_path)
    for bad in ("http://hjemmetjeneste.example.no", "https://", "hjemmetjeneste.example.no",
                "https://x.example.no/?a=1", "https://user:pw@x.example.no"):
        monkeypatch.setenv("HOMECARE_BASE_URL", bad)
        with pytest.raises(ConfigurationError, match="HOMECARE_BASE_URL"):
            Settings.from_environment(tmp_path)
    monkeypatch.setenv("HOMECARE_BASE_URL", "https://hjemmetjeneste.example.no/")
    assert Settings.from_environment(tmp_path).flask_config()["HOMECARE_BASE_URL"] == \
        "https://hjemmetjeneste.example.no"


def test_development_defaults_the_base_url_to_make_runs_address(monkeypatch, tmp_path):
    monkeypatch.setenv("HOMECARE_ENV", "development")
    monkeypatch.delenv("HOMECARE_BASE_URL", raising=False)
    assert Settings.from_environment(tmp_path).base_url == "http://127.0.0.1:5000"


def test_create_app_touches_no_database(tmp_path):
    """Building the app and serving the sign-in page opens no database connection."""
    database = tmp_path / "untouched.sqlite3"
    connections = []
    app = create_app({"SQLALCHEMY_DATABASE_URI": f"sqlite:///{database}"})
    with app.app_context():
        from homecare.core.extensions import db

        sa.event.listen(db.engine, "connect", lambda *args: connections.append(args))
    response = app.test_client().get("/login")
    assert response.status_code == 200
    assert connections == []
    assert not database.exists()


def test_create_app_starts_no_threads():
    """No new thread appears (other tests' servers may finish theirs meanwhile)."""
    import threading

    before = set(threading.enumerate())
    create_app({"SQLALCHEMY_DATABASE_URI": "sqlite://"})
    assert set(threading.enumerate()) - before == set()


def test_postgresql_sessions_get_the_measured_settings(app, dialect):
    """Without JIT and with 16 MB to sort in (see ``POSTGRES_OPTIONS`` for the figures)."""
    options = app.config["SQLALCHEMY_ENGINE_OPTIONS"]
    assert options["pool_pre_ping"] is True
    if dialect == "sqlite":
        assert "connect_args" not in options
        return
    with app.app_context():
        assert db.session.execute(sa.text("SHOW jit")).scalar() == "off"
        assert db.session.execute(sa.text("SHOW work_mem")).scalar() == "16MB"
