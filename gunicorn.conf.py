"""gunicorn's settings for production; ``gunicorn wsgi:app`` reads this file by itself.

The server banner names no software: whoever probes learns nothing to look up.
"""

import gunicorn.http.wsgi

gunicorn.http.wsgi.SERVER = "homecare"
