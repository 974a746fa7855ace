"""Deny by default: every route needs a signed-in user unless marked ``@public``.

The access policy then decides what a signed-in user may do; this guard makes sure a
route someone forgets to protect is closed rather than open.
"""

from __future__ import annotations

from collections.abc import Callable
from urllib.parse import urlsplit

from flask import Flask, current_app, request, url_for
from flask_login import current_user

from homecare.extensions import login_manager

#: Endpoints Flask itself adds that need no sign-in.
_BUILTIN_PUBLIC = {"static"}


def public(view: Callable) -> Callable:
    """Mark a view as reachable without signing in (sign-in page, language choice)."""
    view.is_public = True  # type: ignore[attr-defined]
    return view


def is_public(endpoint: str | None) -> bool:
    """Whether the endpoint was marked public (unknown endpoints are not)."""
    if endpoint in _BUILTIN_PUBLIC:
        return True
    view = current_app.view_functions.get(endpoint or "")
    return bool(getattr(view, "is_public", False))


def safe_next(target: str | None, default_endpoint: str = "web.start") -> str:
    """A redirect target within this site only (no open redirects), else the default."""
    if target and target.startswith("/") and not target.startswith("//"):
        parts = urlsplit(target)
        if not parts.scheme and not parts.netloc:
            return target
    return url_for(default_endpoint)


def init_app(app: Flask) -> None:
    """Install the guard in front of every request."""

    @app.before_request
    def require_sign_in():
        if request.endpoint is None or is_public(request.endpoint):
            return None
        if not current_user.is_authenticated:
            return login_manager.unauthorized()
        return None
