"""Sign-in and sign-out pages."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required, login_user, logout_user

from homecare.auth.forms import LoginForm
from homecare.auth.services import authenticate, load_by_session_token
from homecare.auth.tokens import staff_for_request
from homecare.core.error_pages import error_response
from homecare.core.routing import public, safe_next
from homecare.extensions import login_manager

blueprint = Blueprint("auth", __name__, template_folder="templates")

login_manager.login_view = "auth.login"
login_manager.login_message = _l("Please sign in to see this page.")
login_manager.login_message_category = "info"
login_manager.session_protection = "strong"
login_manager.user_loader(load_by_session_token)
login_manager.request_loader(staff_for_request)


@login_manager.unauthorized_handler
def unauthorized():
    """API callers get 401 with a JSON body; people are sent to the sign-in page."""
    if request.path.startswith("/api/"):
        response, status, headers = error_response(401)
        return response, status, {**headers, "WWW-Authenticate": 'Bearer realm="homecare"'}
    flash(login_manager.login_message, login_manager.login_message_category)
    return redirect(url_for("auth.login", next=request.full_path))


@blueprint.route("/login", methods=["GET", "POST"])
@public
def login():
    """Show the sign-in form; sign the user in when the name and password match."""
    if current_user.is_authenticated:
        return redirect(url_for("web.start"))
    form = LoginForm()
    if form.validate_on_submit():
        staff = authenticate(form.username.data, form.password.data)
        if staff is not None:
            login_user(staff)
            return redirect(safe_next(request.args.get("next")))
        form.password.errors.append(_("Wrong username or password."))
    status = 422 if form.errors else 200
    return render_template("auth/login.html", form=form), status


@blueprint.route("/logout", methods=["POST"])
@login_required
def logout():
    """Sign out (POST with CSRF, so that a link elsewhere cannot sign anyone out)."""
    logout_user()
    flash(_("You are signed out."), "info")
    return redirect(url_for("auth.login"))
