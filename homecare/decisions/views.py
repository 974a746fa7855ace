"""The page where the team meeting's decision (vedtak) is written down."""

from __future__ import annotations

from datetime import timedelta

from flask import Blueprint, url_for
from flask_babel import gettext as _
from wtforms import SelectChoice

from homecare.core.forms import form_page
from homecare.core.timeutil import local_today
from homecare.decisions.forms import DecisionForm
from homecare.decisions.services import record_decision
from homecare.org.services import team_members
from homecare.policy.access import Action
from homecare.policy.lookup import actor, load
from homecare.service_users.models import ServiceUser

blueprint = Blueprint("decisions_pages", __name__, template_folder="templates")

#: How far ahead the review date is proposed (the team can choose any date).
REVIEW_AFTER = timedelta(days=91)


@blueprint.route("/users/<uuid:user_id>/decisions/new", methods=["GET", "POST"])
def new_decision(user_id):
    """Record the team meeting's decision: who took part, the goal, services and reasons."""
    user = load(ServiceUser, user_id, Action.COORDINATE)
    today = local_today()
    members = team_members(user.team)
    form = DecisionForm(decided_on=today, valid_from=today, review_on=today + REVIEW_AFTER,
                        participants=[actor().id])
    form.participants.choices = [SelectChoice(s.id, s.full_name) for s in members]
    chosen = {s.id: s for s in members}
    return form_page(form, "decisions/decision.html", user, lambda: record_decision(
        user=user, created_by=actor(), decided_on=form.decided_on.data,
        participants=[chosen[i] for i in form.participants.data or []],
        user_participated=form.user_participated.data == "yes",
        goal_statement=form.goal_statement.data, services=form.services.data,
        reasons=form.reasons.data, valid_from=form.valid_from.data,
        valid_to=form.valid_to.data, review_on=form.review_on.data),
        back=url_for("care.user", user_id=user.id), title=_("Team decision"))
