"""Settings read from the environment, one typed object per process.

Development needs nothing set: an embedded SQLite database and a generated secret key
both live under ``instance/``. Production refuses to start without ``SECRET_KEY``.
"""

from __future__ import annotations

import os
import secrets
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

ENVIRONMENTS = ("development", "production", "testing")


class ConfigurationError(RuntimeError):
    """The environment does not describe a service that can start safely."""


def _flag(value: str | None) -> bool:
    return (value or "").strip().lower() in {"1", "true", "yes", "on"}


#: PostgreSQL session settings, each measured on bench_oslo (bench/RESULTS.md,
#: "Measurements behind the code"):
#: - JIT compiles a query's expressions once its estimated cost passes a threshold: the
#:   all-sections indicators spent far longer compiling a statement than running it. Our
#:   statements are short and many; JIT never paid.
#: - The default work_mem sent the city-wide contact-continuity sort to disk; with 16 MB
#:   it stays in memory. Four app threads with a few sorts each stay far below the
#:   machine's memory.
POSTGRES_OPTIONS = "-c jit=off -c work_mem=16MB"


def engine_options(database_url: str) -> dict:
    """SQLAlchemy engine options: liveness checks, and PostgreSQL's session settings."""
    options: dict = {"pool_pre_ping": True}
    if database_url.startswith("postgresql"):
        options["connect_args"] = {"options": POSTGRES_OPTIONS}
    return options


def _postgres_driver(url: str) -> str:
    """Use psycopg 3 for plain ``postgresql://`` URLs (SQLAlchemy would pick psycopg2)."""
    for prefix in ("postgres://", "postgresql://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix) :]
    return url


def instance_folder() -> str | None:
    """Where the development defaults live (the SQLite file, the generated secret key):
    ``HOMECARE_INSTANCE_PATH``, else Flask's choice, ``instance/`` in a checkout and
    ``<prefix>/var/homecare-instance`` for an installed package."""
    return os.environ.get("HOMECARE_INSTANCE_PATH", "").strip() or None


#: The largest request body read (bytes); a larger one answers 413 before it is read or
#: parsed. The longest thing a page or an endpoint takes is a 4,000-character text; the
#: tablet's batch of queued records has a larger limit of its own (``sync.api``).
MAX_REQUEST_BYTES = 1024 * 1024

#: A production secret key shorter than this (in bytes) could be guessed offline.
MIN_SECRET_KEY_BYTES = 32


def _secret_key(env: str, instance_path: Path) -> str:
    key = os.environ.get("SECRET_KEY", "").strip()
    if env == "production" and len(key.encode()) < MIN_SECRET_KEY_BYTES:
        raise ConfigurationError(
            f"SECRET_KEY must be set in production, at least {MIN_SECRET_KEY_BYTES} bytes long.")
    if key:
        return key
    key_file = instance_path / "secret_key"
    if key_file.exists():
        return key_file.read_text().strip()
    instance_path.mkdir(parents=True, exist_ok=True)
    key = secrets.token_urlsafe(48)
    key_file.write_text(key)
    key_file.chmod(0o600)
    return key


#: Where ``make run`` serves: the default public address in development.
DEVELOPMENT_BASE_URL = "http://127.0.0.1:5000"
#: Flask's test client asks for this host.
TESTING_BASE_URL = "http://localhost"


def _base_url(env: str) -> str:
    """The service's public address (``HOMECARE_BASE_URL``), from which every absolute link
    it hands out is made (FHIR's ``fullUrl`` and paging links): never the request's Host
    header, which a client chooses. Required in production, and https there."""
    raw = os.environ.get("HOMECARE_BASE_URL", "").strip()
    if not raw:
        if env == "production":
            raise ConfigurationError(
                "HOMECARE_BASE_URL must be set in production: the service's public "
                "address, e.g. https://hjemmetjeneste.example.no.")
        return DEVELOPMENT_BASE_URL if env == "development" else TESTING_BASE_URL
    parts = urlsplit(raw)
    schemes = ("https",) if env == "production" else ("http", "https")
    if parts.scheme not in schemes or not parts.hostname or parts.query or parts.fragment \
            or parts.username or parts.password:
        raise ConfigurationError(
            f"HOMECARE_BASE_URL must be an {' or '.join(schemes)} address with a host and "
            "no query, e.g. https://hjemmetjeneste.example.no.")
    return raw.rstrip("/")


def _whole_number(name: str, default: int, lowest: int, highest: int) -> int:
    """An integer setting from the environment, refused outside [lowest, highest]."""
    raw = os.environ.get(name, "").strip() or str(default)
    try:
        value = int(raw)
    except ValueError as exc:
        raise ConfigurationError(f"{name} must be a whole number.") from exc
    if not lowest <= value <= highest:
        raise ConfigurationError(f"{name} must be between {lowest} and {highest}.")
    return value


#: A metrics token shorter than this could be guessed by a scraper's neighbours.
MIN_METRICS_TOKEN_LENGTH = 24


def _metrics_token() -> str | None:
    token = os.environ.get("HOMECARE_METRICS_TOKEN", "").strip()
    if token and len(token) < MIN_METRICS_TOKEN_LENGTH:
        raise ConfigurationError(
            f"HOMECARE_METRICS_TOKEN must be at least {MIN_METRICS_TOKEN_LENGTH} characters.")
    return token or None


def _single_sign_on(env: str) -> dict:
    """The identity provider's settings (OpenID Connect), and whether local passwords
    may still be used; checked so that nobody is left without a way to sign in."""
    issuer = os.environ.get("HOMECARE_OIDC_ISSUER", "").strip().rstrip("/") or None
    client_id = os.environ.get("HOMECARE_OIDC_CLIENT_ID", "").strip() or None
    secret = os.environ.get("HOMECARE_OIDC_CLIENT_SECRET", "").strip() or None
    passwords = os.environ.get("HOMECARE_PASSWORD_SIGN_IN", "on").strip().lower()
    if passwords not in {"on", "off"}:
        raise ConfigurationError("HOMECARE_PASSWORD_SIGN_IN must be on or off.")
    if issuer and not (client_id and secret):
        raise ConfigurationError("HOMECARE_OIDC_ISSUER needs HOMECARE_OIDC_CLIENT_ID and "
                                 "HOMECARE_OIDC_CLIENT_SECRET.")
    if issuer and env == "production" and not issuer.startswith("https://"):
        raise ConfigurationError("HOMECARE_OIDC_ISSUER must be an https:// address in "
                                 "production.")
    if passwords == "off" and not issuer:
        raise ConfigurationError("HOMECARE_PASSWORD_SIGN_IN=off needs HOMECARE_OIDC_ISSUER: "
                                 "nobody could sign in.")
    scopes = os.environ.get("HOMECARE_OIDC_SCOPES", "").split() or ["openid"]
    if "openid" not in scopes:
        scopes.insert(0, "openid")
    return {
        "HOMECARE_OIDC_ISSUER": issuer, "HOMECARE_OIDC_CLIENT_ID": client_id,
        "HOMECARE_OIDC_CLIENT_SECRET": secret, "HOMECARE_OIDC_SCOPES": " ".join(scopes),
        "HOMECARE_OIDC_NAME": os.environ.get("HOMECARE_OIDC_NAME", "").strip() or None,
        "HOMECARE_PASSWORD_SIGN_IN": passwords == "on",
        "HOMECARE_PUBLIC_URL": os.environ.get("HOMECARE_PUBLIC_URL", "").strip().rstrip("/")
        or None,
    }


@dataclass(frozen=True)
class Settings:
    """Everything the service reads from its environment, validated once at start."""

    env: str
    secret_key: str
    database_url: str
    timezone: str = "Europe/Oslo"
    allow_synthetic_ids: bool = False
    token_hours: int = 12
    session_idle_minutes: int = 30
    session_max_hours: int = 12
    proxy_count: int = 0
    base_url: str = DEVELOPMENT_BASE_URL
    metrics_token: str | None = None
    scheduler_metrics_port: int = 0
    scheduler_metrics_address: str = "127.0.0.1"
    #: Single sign-on (``_single_sign_on``): the HOMECARE_OIDC_* settings and more.
    single_sign_on: dict = field(default_factory=dict)
    extra: dict = field(default_factory=dict)

    @classmethod
    def from_environment(cls, instance_path: Path) -> Settings:
        """Read and check the settings; raise ConfigurationError on anything unsafe."""
        env = os.environ.get("HOMECARE_ENV", "development").strip().lower()
        if env not in ENVIRONMENTS:
            raise ConfigurationError(f"HOMECARE_ENV must be one of {', '.join(ENVIRONMENTS)}.")
        default_db = f"sqlite:///{instance_path / 'homecare.sqlite3'}"
        timezone = os.environ.get("HOMECARE_TIMEZONE", "Europe/Oslo").strip()
        try:
            ZoneInfo(timezone)
        except (ZoneInfoNotFoundError, ValueError) as exc:
            raise ConfigurationError(f"HOMECARE_TIMEZONE {timezone!r} is unknown.") from exc
        return cls(
            env=env,
            token_hours=_whole_number("HOMECARE_TOKEN_HOURS", 12, 1, 24 * 30),
            session_idle_minutes=_whole_number("HOMECARE_SESSION_IDLE_MINUTES", 30, 1, 12 * 60),
            session_max_hours=_whole_number("HOMECARE_SESSION_MAX_HOURS", 12, 1, 72),
            proxy_count=_whole_number("HOMECARE_PROXY_COUNT", 0, 0, 5),
            secret_key=_secret_key(env, instance_path),
            database_url=_postgres_driver(os.environ.get("DATABASE_URL", "").strip() or default_db),
            timezone=timezone,
            allow_synthetic_ids=_flag(os.environ.get("HOMECARE_ALLOW_SYNTHETIC_IDS")),
            base_url=_base_url(env),
            metrics_token=_metrics_token(),
            scheduler_metrics_port=_whole_number("HOMECARE_SCHEDULER_METRICS_PORT", 0, 0, 65535),
            scheduler_metrics_address=os.environ.get(
                "HOMECARE_SCHEDULER_METRICS_ADDRESS", "").strip() or "127.0.0.1",
            single_sign_on=_single_sign_on(env),
        )

    def flask_config(self) -> dict:
        """The Flask configuration mapping for these settings."""
        production = self.env == "production"
        return {
            "ENV_NAME": self.env,
            "TESTING": self.env == "testing",
            "SECRET_KEY": self.secret_key,
            "SQLALCHEMY_DATABASE_URI": self.database_url,
            "HOMECARE_TIMEZONE": self.timezone,
            "HOMECARE_ALLOW_SYNTHETIC_IDS": self.allow_synthetic_ids,
            # Werkzeug's scrypt (n=2^15); tests lower the cost to stay fast.
            "PASSWORD_HASH_METHOD": "scrypt:1024:8:1" if self.env == "testing" else "scrypt",
            "SESSION_COOKIE_HTTPONLY": True,
            "SESSION_COOKIE_SAMESITE": "Lax",
            "SESSION_COOKIE_SECURE": production,
            "REMEMBER_COOKIE_HTTPONLY": True,
            "REMEMBER_COOKIE_SAMESITE": "Lax",
            "REMEMBER_COOKIE_SECURE": production,
            # CSRF is checked by core.routing: for cookie sessions only, not bearer tokens.
            "WTF_CSRF_CHECK_DEFAULT": False,
            "HOMECARE_TOKEN_HOURS": self.token_hours,
            # Shared tablets: a session ends after this idle time and this lifetime.
            "HOMECARE_SESSION_IDLE_MINUTES": self.session_idle_minutes,
            "HOMECARE_SESSION_MAX_HOURS": self.session_max_hours,
            # How many proxies in front set X-Forwarded-For (0: trust no such header).
            "HOMECARE_PROXY_COUNT": self.proxy_count,
            "HOMECARE_HSTS": production,
            "MAX_CONTENT_LENGTH": MAX_REQUEST_BYTES,
            # The public address every absolute link is made from (never the Host header).
            "HOMECARE_BASE_URL": self.base_url,
            # GET /metrics answers only with this bearer token (404 without one set).
            "HOMECARE_METRICS_TOKEN": self.metrics_token,
            "HOMECARE_SCHEDULER_METRICS_PORT": self.scheduler_metrics_port,
            "HOMECARE_SCHEDULER_METRICS_ADDRESS": self.scheduler_metrics_address,
            "BABEL_DEFAULT_LOCALE": "nb",
            "BABEL_DEFAULT_TIMEZONE": self.timezone,
            "LANGUAGES": ("nb", "en"),
            **self.single_sign_on,
            **self.extra,
        }
