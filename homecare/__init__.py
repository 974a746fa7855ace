"""homecare: home-care coordination under the trust model.

``create_app`` builds the Flask application as a short list of register steps. It never
touches the database and never starts background work: migrations run from the CLI
(``flask --app homecare init``) and the scheduler runs in its own process.
"""

from __future__ import annotations

from pathlib import Path

from flask import Flask

from homecare.config import Settings, engine_options, instance_folder

PACKAGE_DIR = Path(__file__).resolve().parent
PROJECT_ROOT = PACKAGE_DIR.parent


def resource_folder(name: str) -> Path:
    """``static`` or ``migrations``: inside the package when installed from a wheel (the
    build copies them there, ``setup.py``), else at the top of the checkout, where the
    project keeps them (``make run``, ``pip install -e .``)."""
    packaged = PACKAGE_DIR / name
    return packaged if packaged.is_dir() else PROJECT_ROOT / name


def create_app(config: dict | None = None) -> Flask:
    """Build the application; ``config`` overrides settings read from the environment."""
    app = Flask(__name__, instance_path=instance_folder(),
                static_folder=str(resource_folder("static")))
    app.config.from_mapping(Settings.from_environment(Path(app.instance_path)).flask_config())
    app.config.from_mapping(config or {})
    # The engine's options follow the database finally chosen (tests override the URL).
    app.config.setdefault("SQLALCHEMY_ENGINE_OPTIONS",
                          engine_options(app.config["SQLALCHEMY_DATABASE_URI"]))
    register_proxy(app)
    register_extensions(app)
    register_blueprints(app)
    register_errorhandlers(app)
    register_commands(app)
    return app


def register_proxy(app: Flask) -> None:
    """Behind ``HOMECARE_PROXY_COUNT`` proxies, take the client's address and scheme from
    their X-Forwarded-* headers; with none configured, such headers are ignored (anyone
    could send them), so that throttling and session protection see real addresses."""
    hops = app.config.get("HOMECARE_PROXY_COUNT", 0)
    if hops:
        from werkzeug.middleware.proxy_fix import ProxyFix

        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=hops, x_proto=hops, x_host=hops)


def register_extensions(app: Flask) -> None:
    """Bind the extensions and the per-request session handling."""
    from homecare import models  # noqa: F401 - every model must be mapped before use
    from homecare.core import (
        api_setup,
        database,
        i18n,
        logs,
        metrics,
        request_log,
        routing,
        security_headers,
    )
    from homecare.core.extensions import api, csrf, db, login_manager, migrate
    from homecare.core.migration_support import ALEMBIC_OPTIONS

    logs.init_app(app)
    request_log.init_app(app)  # first: it times and logs what all the others do
    metrics.init_app(app)
    db.init_app(app)
    migrate.init_app(app, db, directory=str(resource_folder("migrations")), **ALEMBIC_OPTIONS)
    csrf.init_app(app)
    login_manager.init_app(app)
    i18n.init_app(app)
    database.init_app(app)
    routing.init_app(app)
    api_setup.init_app(app, api)
    security_headers.init_app(app)


def register_blueprints(app: Flask) -> None:
    """The feature blueprints: each feature's pages (``views``) and API (``api``); only
    this module imports them (here and in ``api_blueprints``)."""
    from homecare.access_review.views import blueprint as access_review
    from homecare.admin.views import blueprint as admin
    from homecare.auth.sso_views import blueprint as single_sign_on
    from homecare.auth.views import blueprint as auth
    from homecare.care.views import blueprint as care
    from homecare.core.api_docs import blueprint as api_reference
    from homecare.core.extensions import api
    from homecare.core.health import blueprint as health
    from homecare.core.metrics import blueprint as metrics
    from homecare.dashboard.views import blueprint as dashboard
    from homecare.decisions.views import blueprint as decision_pages
    from homecare.fhir.api import blueprint as fhir
    from homecare.goals.views import blueprint as goal_pages
    from homecare.intake.views import blueprint as intake
    from homecare.offline.views import blueprint as offline
    from homecare.service_users.views import blueprint as service_user_pages
    from homecare.visits.views import blueprint as visit_pages
    from homecare.web.views import blueprint as web
    from homecare.what_matters.views import blueprint as what_matters_pages

    app.register_blueprint(auth)
    app.register_blueprint(single_sign_on)
    app.register_blueprint(web)
    app.register_blueprint(care)
    for pages in (service_user_pages, what_matters_pages, goal_pages, visit_pages,
                  decision_pages):
        app.register_blueprint(pages)
    app.register_blueprint(dashboard)
    app.register_blueprint(admin)
    app.register_blueprint(access_review)
    app.register_blueprint(api_reference)
    app.register_blueprint(health)
    app.register_blueprint(metrics)
    app.register_blueprint(offline)
    app.register_blueprint(fhir)
    app.register_blueprint(intake)
    for blueprint in api_blueprints():
        api.register_blueprint(blueprint)


def api_blueprints() -> list:
    """The JSON API, one blueprint per feature."""
    from homecare.access_review.api import blueprint as access_log
    from homecare.auth.api import blueprint as tokens
    from homecare.decisions.api import blueprint as decisions
    from homecare.goals.api import blueprint as goals
    from homecare.indicators.api import blueprint as indicators
    from homecare.intake.api import blueprint as referrals
    from homecare.org.api import blueprint as organisation
    from homecare.readings.api import blueprint as readings
    from homecare.service_users.api import blueprint as service_users
    from homecare.service_users.transfers_api import blueprint as transfers
    from homecare.sync.api import blueprint as sync
    from homecare.visits.api import blueprint as visits
    from homecare.visits.settle_api import blueprint as visit_conflicts
    from homecare.what_matters.api import blueprint as what_matters
    from homecare.worklist.api import blueprint as worklist

    return [tokens, organisation, service_users, what_matters, goals, visits, decisions,
            indicators, readings, referrals, worklist, sync, transfers, visit_conflicts,
            access_log]


def register_errorhandlers(app: Flask) -> None:
    """HTML error pages for the browser, JSON errors for the API."""
    from homecare.core.error_pages import init_app

    init_app(app)


def register_commands(app: Flask) -> None:
    """The ``flask --app homecare ...`` commands."""
    from homecare.cli import register

    register(app)
