"""The WSGI application as gunicorn serves it (``homecare serve``, or ``gunicorn wsgi:app``
from the checkout): built once per process, and only once the database is ready."""

import gc

from homecare import create_app
from homecare.core.health import exit_unless_ready

app = create_app()
# One clear line and exit, not a traceback per request, if the database is not ready.
exit_unless_ready(app, "web server")

# Everything imported and built so far lives as long as the process. Freezing it keeps
# the garbage collector's full collections from walking it again and again (measured on
# the week planner: bench/RESULTS.md, "Measurements behind the code").
gc.freeze()
