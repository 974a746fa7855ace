"""Prometheus metrics (the official ``prometheus_client``), for an operator's scraper.

What is counted: requests and their latency per route *template*, method and status;
the records ``POST /sync`` applied, by kind and status; scheduler runs by job and
outcome, their durations and failures; reminders raised, by kind; database connections
in use and open. No label holds a person, an id or a path: labels take their values from
short fixed lists (route templates, statuses, job names, record kinds).

Protected by a token: ``GET /metrics`` answers only with ``Authorization: Bearer
<HOMECARE_METRICS_TOKEN>``, and 404 to anyone else or when no token is set. The
scheduler serves its own on ``HOMECARE_SCHEDULER_METRICS_PORT``, with the same token.

gunicorn runs several processes: its settings give them a shared folder
(``PROMETHEUS_MULTIPROC_DIR``), and ``/metrics`` adds up every process's counts there.
"""

from __future__ import annotations

import hmac
import os
import threading
from wsgiref.simple_server import WSGIRequestHandler, WSGIServer, make_server

import sqlalchemy as sa
from flask import Blueprint, Flask, Response, abort, current_app, request
from prometheus_client import (
    CONTENT_TYPE_LATEST,
    REGISTRY,
    CollectorRegistry,
    Counter,
    Gauge,
    Histogram,
    generate_latest,
    make_wsgi_app,
    multiprocess,
)
from prometheus_client.core import GaugeMetricFamily
from sqlalchemy.pool import Pool

from homecare.core.extensions import db
from homecare.core.request_log import elapsed_seconds, route_template
from homecare.core.routing import public

blueprint = Blueprint("metrics", __name__)

REQUESTS = Counter("homecare_http_requests_total",
                   "Requests answered, by method, route template and status.",
                   ["method", "route", "status"])
REQUEST_SECONDS = Histogram("homecare_http_request_duration_seconds",
                            "Time to answer a request, by method and route template.",
                            ["method", "route"],
                            buckets=(0.01, 0.025, 0.05, 0.1, 0.15, 0.25, 0.5, 1, 2.5, 5, 10))
SYNC_OPERATIONS = Counter("homecare_sync_operations_total",
                          "Queued offline records sent with POST /sync, by kind and the "
                          "status each was answered with.", ["kind", "status"])
JOB_RUNS = Counter("homecare_scheduler_job_runs_total",
                   "Scheduled job runs, by job and outcome (ran, skipped, failed).",
                   ["job", "outcome"])
JOB_SECONDS = Histogram("homecare_scheduler_job_duration_seconds",
                        "Time a job's run took, by job.", ["job"],
                        buckets=(0.1, 0.5, 1, 2.5, 5, 10, 20, 60, 300, 900))
JOB_FAILURES = Counter("homecare_scheduler_job_failures_total",
                       "Scheduled job runs that failed, by job.", ["job"])
PROMPTS_RAISED = Counter("homecare_prompts_raised_total",
                         "Reminders raised by the daily jobs, by kind.", ["kind"])
SIGN_INS = Counter("homecare_sign_ins_total",
                   "Sign-in attempts, by method (password, sso) and outcome.",
                   ["method", "outcome"])
CONNECTIONS_IN_USE = Gauge("homecare_db_connections_in_use",
                           "Database connections checked out of the pool now.",
                           multiprocess_mode="livesum")
CONNECTIONS_OPEN = Gauge("homecare_db_connections_open",
                         "Database connections the pool holds open now.",
                         multiprocess_mode="livesum")

#: Methods counted by name; anything else is counted as OTHER (labels stay few).
_METHODS = frozenset({"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"})
MULTIPROCESS_FOLDER = "PROMETHEUS_MULTIPROC_DIR"


def authorised(header: str, token: str | None) -> bool:
    """Whether an Authorization header carries the metrics token (compared in constant
    time); never without a token set."""
    scheme, _, given = header.partition(" ")
    return bool(token) and scheme.lower() == "bearer" and hmac.compare_digest(
        given.strip().encode(), token.encode())


def _registry() -> CollectorRegistry:
    """This process's metrics, or every gunicorn process's when they share a folder."""
    if not os.environ.get(MULTIPROCESS_FOLDER):
        return REGISTRY
    registry = CollectorRegistry()
    multiprocess.MultiProcessCollector(registry)
    return registry


class LastJobRuns:
    """When each job last ran, read from the database at each scrape: the scheduler may
    run elsewhere, and a job that stopped running shows here without it."""

    def collect(self):
        runs = db.metadata.tables["job_runs"]  # the scheduler's table (core cannot import it)
        finished = GaugeMetricFamily(
            "homecare_scheduler_last_run_finished_timestamp_seconds",
            "When each job's latest run finished (Unix time), from the database.",
            labels=["job"])
        rows = db.session.execute(sa.select(runs.c.job, sa.func.max(runs.c.finished_at))
                                  .group_by(runs.c.job)).all()
        for job, at in rows:
            if at is not None:
                finished.add_metric([job], at.timestamp())
        yield finished


@blueprint.route("/metrics")
@public
def metrics():
    """The metrics in Prometheus's text format, for the holder of the metrics token."""
    if not authorised(request.headers.get("Authorization", ""),
                      current_app.config.get("HOMECARE_METRICS_TOKEN")):
        abort(404)
    return Response(generate_latest(_Union(_registry(), LastJobRuns())),
                    mimetype=CONTENT_TYPE_LATEST)


class _Union:
    """Several collectors (or registries) collected as one."""

    def __init__(self, *collectors):
        self.collectors = collectors

    def collect(self):
        for collector in self.collectors:
            yield from collector.collect()


def count_sync(results: list[dict]) -> None:
    """Count the operations of one ``POST /sync`` by kind and status."""
    for result in results:
        SYNC_OPERATIONS.labels(result["kind"], str(result["status"])).inc()


def _checked_out(*_args) -> None:
    CONNECTIONS_IN_USE.inc()


def _checked_in(*_args) -> None:
    CONNECTIONS_IN_USE.dec()


def _opened(*_args) -> None:
    CONNECTIONS_OPEN.inc()


def _closed(*_args) -> None:
    CONNECTIONS_OPEN.dec()


#: Pool events and what each does to the gauges.
_POOL_EVENTS = (("checkout", _checked_out), ("checkin", _checked_in), ("connect", _opened),
                ("close", _closed), ("close_detached", _closed))


def _follow_connection_pools() -> None:
    """Follow every connection pool of the process (the side-by-side lane's too), once
    however many apps the process builds."""
    for name, listener in _POOL_EVENTS:
        if not sa.event.contains(Pool, name, listener):
            sa.event.listen(Pool, name, listener)


def init_app(app: Flask) -> None:
    """Count every request by its route template, method and status."""
    _follow_connection_pools()

    @app.after_request
    def count_request(response):
        method = request.method if request.method in _METHODS else "OTHER"
        route = route_template()
        REQUESTS.labels(method, route, str(response.status_code)).inc()
        REQUEST_SECONDS.labels(method, route).observe(elapsed_seconds())
        return response


class _Quiet(WSGIRequestHandler):
    def log_message(self, *_args) -> None:
        """Scrapes are not logged (they would be one line every few seconds)."""


def serve_on_port(port: int, address: str, token: str | None) -> WSGIServer:
    """Serve this process's metrics on a port of its own, in a background thread (the
    scheduler, which has no web server), to the holder of the metrics token."""
    exposed = make_wsgi_app(_registry())

    def guarded(environ, start_response):
        if not authorised(environ.get("HTTP_AUTHORIZATION", ""), token):
            start_response("404 Not Found", [("Content-Type", "text/plain")])
            return [b""]
        return exposed(environ, start_response)

    server = make_server(address, port, guarded, handler_class=_Quiet)
    threading.Thread(target=server.serve_forever, name="metrics", daemon=True).start()
    return server
