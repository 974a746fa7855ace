"""One JSON line per request, and a request id that follows it.

The line says when, which request (``request_id``), the route *template* (never the
path: a service user's id in a URL is personal data), the method, the status, how long
it took and which staff member asked (their id, never a name). No query string, body,
header or address is logged. The request id comes from ``X-Request-Id`` when a proxy in
front set one that looks like an id (hex digits and dashes, as nginx's ``$request_id``
or a UUID), else it is made here; either way it is sent back in ``X-Request-Id``.
"""

from __future__ import annotations

import logging
import re
import time
import uuid

import sqlalchemy as sa
from flask import Flask, Response, g, request

#: The request log's own logger, below the app's (``core.logs`` formats it).
LOGGER = "homecare.request"
REQUEST_ID_HEADER = "X-Request-Id"
#: An incoming id is kept only in this shape: it cannot carry a name or a sentence.
_ID_SHAPE = re.compile(r"[0-9A-Fa-f-]{8,64}")
#: The route of a request no rule matched (a 404 for an unknown address).
NO_ROUTE = "(none)"


def request_id() -> str:
    """This request's id."""
    return g.get("request_id") or "-"


def route_template() -> str:
    """The matched rule, e.g. ``/users/<uuid:user_id>``, with no value of this request."""
    rule = request.url_rule
    return rule.rule if rule is not None else NO_ROUTE


def elapsed_seconds() -> float:
    """How long this request has taken so far."""
    return time.perf_counter() - g.get("request_started", time.perf_counter())


def _staff_id() -> int | None:
    """The signed-in staff member's id, read from the record's key: the request has been
    committed by now, and reading an attribute would load the record again. A request
    that never came as far as loading its user has none."""
    user = g.get("_login_user")  # flask-login's user of this request, once loaded
    if user is None or not user.is_authenticated:
        return None
    identity = sa.inspect(user).identity
    return identity[0] if identity else None


def init_app(app: Flask) -> None:
    """Time every request from its first step, and log it and send its id at the end."""
    logger = logging.getLogger(LOGGER)

    def begin() -> None:
        g.request_started = time.perf_counter()
        incoming = request.headers.get(REQUEST_ID_HEADER, "")
        g.request_id = incoming if _ID_SHAPE.fullmatch(incoming) else uuid.uuid4().hex

    def finish(response: Response) -> Response:
        response.headers[REQUEST_ID_HEADER] = request_id()
        logger.info("request", extra={"fields": {
            "request_id": request_id(), "method": request.method, "route": route_template(),
            "status": response.status_code,
            "duration_ms": round(elapsed_seconds() * 1000, 1), "staff_id": _staff_id()}})
        return response

    # First of all before-request steps, so that the time covers the sign-in checks too.
    app.before_request_funcs.setdefault(None, []).insert(0, begin)
    app.after_request(finish)
