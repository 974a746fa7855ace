"""The ``homecare`` command of an installed release, which works from any folder.

It holds every ``flask --app homecare`` command (``init``, ``create-user``, ``demo``,
``scheduler``, ``jobs``, ``indicators``, ``generate``, ``fhir export``, ``db`` …) and
``serve``: gunicorn with the production settings of ``homecare/gunicorn_settings.py``.
"""

from __future__ import annotations

import os
import sys

import click
from flask import Flask
from flask.cli import FlaskGroup

#: What ``homecare serve`` runs: the package's settings and WSGI application, so that
#: it needs no file from the checkout.
GUNICORN_SETTINGS = "python:homecare.gunicorn_settings"
WSGI_APPLICATION = "homecare.wsgi:app"


def _create_app() -> Flask:
    from homecare import create_app

    return create_app()


@click.group(cls=FlaskGroup, create_app=_create_app, load_dotenv=False,
             set_debug_flag=False)
def main() -> None:
    """homecare: home-care coordination under the trust model.

    Settings come from the environment (HOMECARE_ENV, DATABASE_URL, SECRET_KEY …; see
    docs/operations.md).
    """


@main.command("serve", with_appcontext=False,
              context_settings={"ignore_unknown_options": True, "allow_extra_args": True})
@click.argument("gunicorn_options", nargs=-1, type=click.UNPROCESSED)
def serve_command(gunicorn_options: tuple[str, ...]) -> None:
    """Serve the web application with gunicorn and the production settings.

    Other gunicorn options pass through, e.g. ``homecare serve --bind 0.0.0.0:8000``
    (gunicorn's default is 127.0.0.1:8000).
    """
    command = [sys.executable, "-m", "gunicorn", "--config", GUNICORN_SETTINGS,
               *gunicorn_options, WSGI_APPLICATION]
    # gunicorn takes this process's place, so that a service manager's signals reach it.
    os.execv(sys.executable, command)  # noqa: S606 - our own interpreter and arguments
