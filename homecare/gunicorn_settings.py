"""gunicorn's settings for production: ``homecare serve`` passes them to gunicorn, and
``gunicorn wsgi:app`` in the checkout reads them through ``gunicorn.conf.py``.

The server banner names no software: whoever probes learns nothing to look up.

One process per core, two threads each. The work is Python on the CPU between short
database waits: a second thread fills those waits, and more processes or threads than
that only take turns on the same cores (measured with ``make bench``: bench/RESULTS.md,
"Measurements behind the code").
A thread computing indicators uses a second database connection while it does (their
statements run in two lanes side by side, ``core.database.side_by_side``): at most four
per process, within SQLAlchemy's pool of five.

A process holds no more connections than it has threads, and closes each after its
answer: the next request goes to whichever process is free, in the order the clients
asked. With kept-alive connections, each tablet stayed with the process that first
took it, and the processes' shares were far from even, the busier waiting longer
(bench/RESULTS.md, "Measurements behind the code").
"""

import multiprocessing
import os
import shutil
import tempfile
from pathlib import Path

import gunicorn.http.wsgi

gunicorn.http.wsgi.SERVER = "homecare"

workers = multiprocessing.cpu_count()
worker_class = "gthread"
threads = 2
worker_connections = threads
keepalive = 0

# gunicorn's own lines (start, workers, errors) as JSON, like the app's (``core.logs``).
# Its access log stays off: the app writes one line per request itself, with the route
# template instead of the path (a path can hold a service user's id).
accesslog = None
logconfig_dict = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"json": {"()": "homecare.core.logs.JsonFormatter"}},
    "handlers": {"stderr": {"class": "homecare.core.logs.StderrHandler", "formatter": "json"}},
    "root": {"level": "WARNING", "handlers": ["stderr"]},
    "loggers": {
        "gunicorn.error": {"level": "INFO", "handlers": ["stderr"], "propagate": False},
        "gunicorn.access": {"level": "INFO", "handlers": [], "propagate": False},
    },
}

# Metrics: each worker counts in files of a folder they share, and GET /metrics adds up
# every worker's (``core.metrics``). Unless the operator names a folder, each start gets
# a new one, removed at exit. Set before any worker imports prometheus_client.
METRICS_FOLDER = "PROMETHEUS_MULTIPROC_DIR"
_own_metrics_folder = not os.environ.get(METRICS_FOLDER)
if _own_metrics_folder:
    os.environ[METRICS_FOLDER] = tempfile.mkdtemp(prefix="homecare-metrics-")


def on_starting(server) -> None:
    """Counts left by an earlier start in the operator's folder are not this one's."""
    for stale in Path(os.environ[METRICS_FOLDER]).glob("*.db"):
        stale.unlink()


def child_exit(server, worker) -> None:
    """A worker that ended no longer holds connections (its gauges drop out)."""
    from prometheus_client import multiprocess

    multiprocess.mark_process_dead(worker.pid)


def on_exit(server) -> None:
    """Remove the folder this start made for the metrics."""
    if _own_metrics_folder:
        shutil.rmtree(os.environ[METRICS_FOLDER], ignore_errors=True)
