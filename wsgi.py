"""WSGI entry point for gunicorn from the checkout: ``gunicorn wsgi:app``. An installed
release serves ``homecare.wsgi:app`` (``homecare serve``)."""

from homecare.wsgi import app

__all__ = ["app"]
