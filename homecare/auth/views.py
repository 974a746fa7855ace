"""Sign-in, sign-out and changing one's own password."""

from __future__ import annotations

from flask import (
    Blueprint,
    abort,
    flash,
    g,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required, login_user, logout_user

from homecare.auth import oidc, sessions
from homecare.auth.forms import ChangePasswordForm, LoginForm
from homecare.auth.landing import landing_for
from homecare.auth.services import TooManyAttempts, change_own_password, sign_in
from homecare.auth.tokens import staff_for_request
from homecare.core.error_pages import error_response, for_programs
from homecare.core.extensions import login_manager
from homecare.core.forms import saved
from homecare.core.metrics import SIGN_INS
from homecare.core.routing import is_local, public
from homecare.policy.lookup import actor

blueprint = Blueprint("auth", __name__, template_folder="templates")

login_manager.login_view = "auth.login"
login_manager.login_message = _l("Please sign in to see this page.")
login_manager.login_message_category = "info"
login_manager.session_protection = "strong"
login_manager.user_loader(sessions.load_staff)
login_manager.request_loader(staff_for_request)


def _why_signed_out() -> str:
    ended = g.get("session_ended")
    if ended is sessions.EndReason.IDLE:
        return _("You were signed out after %(n)d minutes without activity. Please sign in "
                 "again.", n=int(sessions.idle_limit().total_seconds() // 60))
    if ended is sessions.EndReason.EXPIRED:
        return _("You were signed out because the session reached its maximum length. "
                 "Please sign in again.")
    return str(login_manager.login_message)


@login_manager.unauthorized_handler
def unauthorized():
    """API callers get 401 with the error as their API writes it (``for_programs``);
    people are sent to the sign-in page."""
    if for_programs():
        response, status, headers = error_response(401)
        return response, status, {**headers, "WWW-Authenticate": 'Bearer realm="homecare"'}
    flash(_why_signed_out(), login_manager.login_message_category)
    return redirect(url_for("auth.login", next=request.full_path))


@blueprint.route("/login", methods=["GET", "POST"])
@public
def login():
    """Show the sign-in form; sign the user in when the name and password match.

    Failed attempts are counted (``auth.throttle``): after too many, the form answers 429
    with when to try again, and the password is not checked.
    """
    if current_user.is_authenticated:
        return redirect(landing_for(actor()))
    if request.method == "POST" and not oidc.password_sign_in():
        abort(404)
    form = LoginForm()
    if form.validate_on_submit():
        try:
            staff = sign_in(form.username.data, form.password.data)
        except TooManyAttempts as refusal:
            SIGN_INS.labels("password", "throttled").inc()
            form.password.errors.append(refusal.message)
            return render_template("auth/login.html", form=form), 429, refusal.headers
        SIGN_INS.labels("password", "succeeded" if staff else "failed").inc()
        if staff is not None:
            sessions.start(staff)
            login_user(staff)
            if staff.must_change_password:
                return redirect(url_for("auth.change_password"))
            wanted = request.args.get("next")
            return redirect(wanted if is_local(wanted) else landing_for(staff))
        form.password.errors.append(_("Wrong username or password."))
    status = 422 if form.errors else 200
    return render_template("auth/login.html", form=form), status


@blueprint.route("/logout", methods=["POST"])
@login_required
def logout():
    """Sign out (POST with CSRF, so that a link elsewhere cannot sign anyone out): the
    session ends on the server too, so a copy of the cookie opens nothing afterwards.
    Signed in through the identity provider, the browser goes on to end the provider's
    session as well (``oidc.provider_sign_out_url``)."""
    provider_url = oidc.provider_sign_out_url(session.get(oidc.ID_TOKEN_KEY))
    sessions.end_current()
    logout_user()
    flash(_("You are signed out."), "info")
    if provider_url:
        return render_template("auth/signed_out.html", provider_url=provider_url)
    return redirect(url_for("auth.login"))


@blueprint.route("/account/password", methods=["GET", "POST"])
@login_required
def change_password():
    """Choose a new password; required after an administrator has reset it. Every other
    session and API token of the account ends. Not while passwords are turned off."""
    if not oidc.password_sign_in():
        abort(404)
    form = ChangePasswordForm()
    if form.validate_on_submit() and saved(form, lambda: change_own_password(
            actor(), form.current_password.data, form.new_password.data)):
        flash(_("Your password is changed. Other sessions and API tokens have ended."),
              "success")
        return redirect(landing_for(actor()))
    status = 422 if form.errors else 200
    return render_template("auth/change_password.html", form=form), status
