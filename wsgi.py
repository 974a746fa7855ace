"""WSGI entry point for gunicorn: ``gunicorn wsgi:app``."""

from homecare import create_app

app = create_app()
