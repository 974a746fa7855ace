"""Single sign-on pages: going to the identity provider, coming back, invitation links.

Each answers 404 while no provider is set up (``HOMECARE_OIDC_ISSUER``).
"""

from __future__ import annotations

from flask import Blueprint, abort, redirect, render_template, request, session
from flask_login import current_user

from homecare.auth import oidc, sessions
from homecare.auth.landing import landing_for
from homecare.auth.services import TooManyAttempts
from homecare.core.routing import is_local, public
from homecare.policy.lookup import actor

blueprint = Blueprint("sso", __name__, url_prefix="/login/sso", template_folder="templates")
#: Where to go after signing in, kept in the session across the provider's pages.
NEXT_KEY = "sso_next"


@blueprint.before_request
def only_when_configured():
    """No provider, no single sign-on pages."""
    if not oidc.configured():
        abort(404)


@blueprint.app_context_processor
def single_sign_on():
    """What the sign-in page and the account pages show of single sign-on."""
    enabled = oidc.configured()
    return {"single_sign_on": {"enabled": enabled,
                               "name": oidc.provider_name() if enabled else None,
                               "passwords": oidc.password_sign_in()}}


def _refused_page(refusal: oidc.SignInRefused | TooManyAttempts):
    status = 429 if isinstance(refusal, TooManyAttempts) else refusal.status
    headers = getattr(refusal, "headers", None) or {}
    return render_template("auth/sso_refused.html", message=refusal.message), status, headers


@blueprint.route("")
@public
def start():
    """Go to the provider to sign in (a link, not a form: nothing changes here yet)."""
    if current_user.is_authenticated:
        return redirect(landing_for(actor()))
    wanted = request.args.get("next")
    session[NEXT_KEY] = wanted if is_local(wanted) else None
    try:
        return oidc.authorization_redirect()
    except oidc.SignInRefused as refusal:
        return _refused_page(refusal)


@blueprint.route("/invitation/<code>")
@public
def invitation(code: str):
    """An administrator's invitation: go to the provider, and link the account used
    there to the invited staff account on the way back."""
    if oidc.open_invitation(code) is None:
        return render_template("auth/sso_refused.html", message=oidc.invalid_invitation()), 404
    sessions.end_current()  # whoever was signed in on this browser is signed out first
    session[oidc.INVITATION_KEY] = code
    try:
        return oidc.authorization_redirect()
    except oidc.SignInRefused as refusal:
        return _refused_page(refusal)


@blueprint.route("/callback")
@public
def callback():
    """The provider's answer: signed in, or told why not."""
    wanted = session.pop(NEXT_KEY, None)
    try:
        staff = oidc.complete_sign_in()
    except (oidc.SignInRefused, TooManyAttempts) as refusal:
        return _refused_page(refusal)
    return redirect(wanted if is_local(wanted) else landing_for(staff))
