"""Is the database there, and is its schema the one this code expects?

Used by ``GET /health`` (for load balancers: 200 or 503) and at start by the web server
(``wsgi.py``) and the scheduler, which exit with one clear line instead of a long
traceback when the database is unreachable or not migrated.
"""

from __future__ import annotations

import sys
from functools import cache

import sqlalchemy as sa
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from flask import Blueprint, Flask, jsonify

from homecare.core.extensions import db
from homecare.core.routing import public

blueprint = Blueprint("health", __name__)

#: gunicorn halts (rather than respawning workers for ever) when one exits with this.
APP_LOAD_ERROR = 4


@cache
def _expected_heads(directory: str) -> frozenset[str]:
    config = Config()
    config.set_main_option("script_location", directory)
    return frozenset(ScriptDirectory.from_config(config).get_heads())


def database_problem(app: Flask) -> str | None:
    """What is wrong with the database, in one line, or None when all is well."""
    directory = app.extensions["migrate"].directory
    try:
        with db.engine.connect() as connection:
            current = frozenset(MigrationContext.configure(connection).get_current_heads())
    except sa.exc.SQLAlchemyError as error:
        reason = str(getattr(error, "orig", None) or error).strip().splitlines()[0]
        return f"the database at {db.engine.url.render_as_string()} does not answer: {reason}"
    expected = _expected_heads(directory)
    if current != expected:
        found = ", ".join(sorted(current)) or "an empty schema"
        return (f"the database is at {found}, the code needs {', '.join(sorted(expected))}: "
                "run `flask --app homecare init` (or `db upgrade`)")
    return None


def exit_unless_ready(app: Flask, what: str) -> None:
    """At start: print one line and exit when the database is not ready for ``what``."""
    with app.app_context():
        problem = database_problem(app)
        db.engine.dispose()  # forked workers must not share the parent's connections
    if problem:
        print(f"homecare {what} cannot start: {problem}.", file=sys.stderr)
        raise SystemExit(APP_LOAD_ERROR)


@blueprint.route("/health")
@public
def health():
    """200 when the database answers and its schema is current, else 503 (no details:
    the page is public; the reason goes to the log)."""
    from flask import current_app

    problem = database_problem(current_app._get_current_object())
    if problem:
        current_app.logger.warning("Health check failed: %s", problem)
        return jsonify(status="unavailable"), 503
    return jsonify(status="ok")
