"""Deny by default: every route needs a signed-in user unless marked ``@public``.

The access policy then decides what a signed-in user may do; this guard makes sure a
route someone forgets to protect is closed rather than open. It also decides when CSRF
applies: to every state-changing request authenticated by the session cookie (and to
public forms such as sign-in), never to bearer-token requests, which a foreign site
cannot forge.
"""

from __future__ import annotations

from collections.abc import Callable
from urllib.parse import urlsplit

from flask import Flask, current_app, request, url_for
from flask_login import current_user

from homecare.auth.tokens import bearer_token
from homecare.extensions import csrf, login_manager

#: Endpoints Flask and flask-smorest add that need no sign-in.
_BUILTIN_PUBLIC = {"static", "api-docs.openapi_json"}
_SAFE_METHODS = {"GET", "HEAD", "OPTIONS", "TRACE"}


def public(view: Callable) -> Callable:
    """Mark a view (function or MethodView class) as reachable without signing in."""
    view.is_public = True  # type: ignore[attr-defined]
    return view


def csrf_exempt(view: Callable) -> Callable:
    """Mark a public view that takes no CSRF token (it exchanges credentials for a token)."""
    view.csrf_exempt = True  # type: ignore[attr-defined]
    return view


def _marked(endpoint: str | None, marker: str) -> bool:
    view = current_app.view_functions.get(endpoint or "")
    view = getattr(view, "view_class", view)
    return bool(getattr(view, marker, False))


def is_public(endpoint: str | None) -> bool:
    """Whether the endpoint was marked public (unknown endpoints are not)."""
    return endpoint in _BUILTIN_PUBLIC or _marked(endpoint, "is_public")


def safe_next(target: str | None, default_endpoint: str = "web.start") -> str:
    """A redirect target within this site only (no open redirects), else the default."""
    if target and target.startswith("/") and not target.startswith("//"):
        parts = urlsplit(target)
        if not parts.scheme and not parts.netloc:
            return target
    return url_for(default_endpoint)


def _needs_csrf(endpoint: str | None) -> bool:
    if endpoint is None or request.method in _SAFE_METHODS or _marked(endpoint, "csrf_exempt"):
        return False
    return bearer_token() is None


def init_app(app: Flask) -> None:
    """Install the guard in front of every request."""

    @app.before_request
    def require_sign_in():
        endpoint = request.endpoint
        if endpoint is not None and not is_public(endpoint) and not current_user.is_authenticated:
            return login_manager.unauthorized()
        if _needs_csrf(endpoint):
            csrf.protect()
        return None
