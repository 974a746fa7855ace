"""``gunicorn wsgi:app`` run from the checkout reads this file by itself: the settings are
the package's (``homecare/gunicorn_settings.py``), which ``homecare serve`` uses too."""

from homecare.gunicorn_settings import *  # noqa: F403 - gunicorn reads the names set there
