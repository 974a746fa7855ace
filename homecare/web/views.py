"""The start page and the language switch."""

from __future__ import annotations

from flask import Blueprint, current_app, redirect, render_template, request, session
from flask_login import current_user

from homecare.core.routing import public, safe_next
from homecare.org.labels import PROFESSION_LABELS, ROLE_LABELS
from homecare.web.services import sections_overview, teams_overview

blueprint = Blueprint("web", __name__, template_folder="templates")


@blueprint.app_context_processor
def labels() -> dict:
    """Translated names of roles and professions for every page."""
    return {"role_labels": ROLE_LABELS, "profession_labels": PROFESSION_LABELS}


@blueprint.route("/")
def start():
    """Who you are, and where to go from here, for your role."""
    actor = current_user._get_current_object()
    return render_template(
        "web/start.html",
        actor=actor,
        teams=teams_overview(actor),
        sections=sections_overview(actor),
    )


@blueprint.route("/language/<code>")
@public
def choose_language(code: str):
    """Remember the chosen language for this browser session and go back."""
    if code in current_app.config["LANGUAGES"]:
        session["language"] = code
    return redirect(safe_next(request.args.get("next")))
