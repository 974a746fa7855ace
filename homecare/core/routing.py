"""Deny by default: every route needs a signed-in user unless marked ``@public``.

The access policy then decides what a signed-in user may do; this guard makes sure a
route someone forgets to protect is closed rather than open. It also decides when CSRF
applies: to every state-changing request except those authenticated by a *valid* bearer
token, which a foreign site cannot forge. A request that carries a bearer token is
authenticated by the token alone (the session cookie is ignored, see
``auth.sessions.load_staff``), so a junk ``Authorization`` header gets past nothing.

Someone whose password an administrator reset is held on the change-password page until
they have chosen their own.
"""

from __future__ import annotations

from collections.abc import Callable
from urllib.parse import urlsplit

from flask import Flask, current_app, g, redirect, request, session, url_for
from flask_babel import gettext as _
from flask_login import current_user

from homecare.core.error_pages import error_response, for_programs
from homecare.core.extensions import csrf, login_manager

#: Where the bearer token that authenticated a request is kept (``auth.tokens`` puts it
#: there); a cookie session has none.
BEARER_TOKEN_KEY = "api_token"  # noqa: S105 - the name of a g attribute, not a secret
#: Where the session says how its owner signed in; ``SINGLE_SIGN_ON`` for the identity
#: provider (``auth.oidc``), absent for a password.
SIGN_IN_METHOD_KEY = "signed_in_with"
SINGLE_SIGN_ON = "sso"
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
    """Whether the view — or, for a MethodView, the method this request calls — is marked."""
    view = current_app.view_functions.get(endpoint or "")
    view = getattr(view, "view_class", view)
    method = getattr(view, request.method.lower(), None) if isinstance(view, type) else None
    return bool(getattr(view, marker, False) or getattr(method, marker, False))


def is_public(endpoint: str | None) -> bool:
    """Whether the endpoint was marked public (unknown endpoints are not)."""
    return endpoint in _BUILTIN_PUBLIC or _marked(endpoint, "is_public")


def is_local(target: str | None) -> bool:
    """Whether ``target`` is an address within this site (no open redirects)."""
    if target and target.startswith("/") and not target.startswith("//"):
        parts = urlsplit(target)
        return not parts.scheme and not parts.netloc
    return False


def safe_next(target: str | None, default_endpoint: str = "web.start") -> str:
    """A redirect target within this site only (no open redirects), else the default."""
    return target if is_local(target) else url_for(default_endpoint)


def _by_bearer_token() -> bool:
    return g.get(BEARER_TOKEN_KEY) is not None


def _needs_csrf(endpoint: str | None) -> bool:
    if endpoint is None or request.method in _SAFE_METHODS or _marked(endpoint, "csrf_exempt"):
        return False
    return not _by_bearer_token()


#: Where someone who must choose a new password may still go.
_WHILE_CHANGING_PASSWORD = {"auth.change_password", "auth.logout", "static"}


def _must_change_password(endpoint: str | None) -> bool:
    """A password set by someone else must be replaced before anything else: not when
    the person signed in through the identity provider (they have not used it), nor
    when passwords are turned off."""
    return (current_user.is_authenticated and current_user.must_change_password
            and endpoint not in _WHILE_CHANGING_PASSWORD and not _by_bearer_token()
            and session.get(SIGN_IN_METHOD_KEY) != SINGLE_SIGN_ON
            and current_app.config.get("HOMECARE_PASSWORD_SIGN_IN", True))


def _holds_nul() -> bool:
    """Whether a page's query or form holds a NUL character (no database can store it;
    the API refuses it per field in its schemas)."""
    if for_programs():
        return False
    return any("\x00" in value for source in (request.args, request.form)
               for values in source.listvalues() for value in values)


def init_app(app: Flask) -> None:
    """Install the guard in front of every request."""

    @app.before_request
    def refuse_nul():
        if _holds_nul():
            return error_response(400, _("This text contains a character that is not "
                                         "allowed."))
        return None

    @app.before_request
    def require_sign_in():
        endpoint = request.endpoint
        signed_in = current_user.is_authenticated  # loads the user: token or cookie
        if endpoint is not None and not is_public(endpoint) and not signed_in:
            return login_manager.unauthorized()
        if _needs_csrf(endpoint):
            csrf.protect()
        if _must_change_password(endpoint):
            return redirect(url_for("auth.change_password"))
        return None
