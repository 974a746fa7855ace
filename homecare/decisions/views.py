"""The pages of team decisions (vedtak): written down at the team meeting, read in full
with their versions and reviews, and reviewed: kept as they are, revised or ended."""

from __future__ import annotations

from datetime import timedelta

from flask import Blueprint, render_template, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from wtforms import SelectChoice

from homecare.core.audit import record_read
from homecare.core.forms import form_page
from homecare.core.timeutil import local_today
from homecare.decisions.forms import DecisionForm, EndForm, ReviewForm
from homecare.decisions.models import Decision, ReviewOutcome
from homecare.decisions.services import (
    earlier_versions,
    end_decision,
    record_decision,
    review_decision,
    revise_decision,
)
from homecare.org.services import team_members
from homecare.policy.access import Action, permits
from homecare.policy.lookup import actor, load
from homecare.service_users.models import ServiceUser

blueprint = Blueprint("decisions_pages", __name__, template_folder="templates")

#: How far ahead the review date is proposed (the team can choose any date).
REVIEW_AFTER = timedelta(days=91)
#: What each review came to, as the decision page says it.
OUTCOME_LABELS = {ReviewOutcome.NO_CHANGE: _l("Reviewed — no change"),
                  ReviewOutcome.REVISED: _l("Revised"), ReviewOutcome.ENDED: _l("Ended")}


@blueprint.app_context_processor
def labels() -> dict:
    """The names of review outcomes, for every page that shows a decision."""
    return {"review_outcome_labels": OUTCOME_LABELS}


def _offer_members(form, user: ServiceUser) -> dict:
    """The user's team members to tick as participants; id -> staff member."""
    members = team_members(user.team)
    form.participants.choices = [SelectChoice(s.id, s.full_name) for s in members]
    return {s.id: s for s in members}


def _took_part(form, chosen: dict) -> dict:
    """The answers every decision form shares: who took part, the user's voice."""
    return {"participants": [chosen[i] for i in form.participants.data or [] if i in chosen],
            "user_participated": {"yes": True, "no": False}.get(form.user_participated.data),
            "user_view": form.user_view.data or None,
            "disagreement": form.disagreement.data or None}


def _user_page(user: ServiceUser) -> str:
    return url_for("care.user", user_id=user.id)


@blueprint.route("/users/<uuid:user_id>/decisions/new", methods=["GET", "POST"])
def new_decision(user_id):
    """Record the team meeting's decision: who took part, the goal, services and reasons."""
    user = load(ServiceUser, user_id, Action.COORDINATE)
    today = local_today()
    # Who took part is ticked by the coordinator, never assumed (not even themself).
    form = DecisionForm(decided_on=today, valid_from=today, review_on=today + REVIEW_AFTER)
    chosen = _offer_members(form, user)
    return form_page(form, "decisions/decision.html", user, lambda: record_decision(
        user=user, created_by=actor(), decided_on=form.decided_on.data,
        goal_statement=form.goal_statement.data, services=form.services.data,
        reasons=form.reasons.data, valid_from=form.valid_from.data,
        valid_to=form.valid_to.data, review_on=form.review_on.data,
        **_took_part(form, chosen)),
        back=_user_page(user), title=_("Team decision"))


@blueprint.route("/decisions/<uuid:decision_id>")
def decision(decision_id):
    """One decision in full: reasons, who took part, the user's view, its reviews, and
    the earlier versions it revised, each readable."""
    found = load(Decision, decision_id, Action.VIEW, through="service_user")
    user = found.service_user
    record_read(user.id, "decision", "decisions", found.id)
    return render_template("decisions/show.html", decision=found, user=user,
                           earlier=earlier_versions(found), today=local_today(),
                           can_coordinate=bool(permits(actor(), Action.COORDINATE, user)))


def _to_review(decision_id) -> Decision:
    return load(Decision, decision_id, Action.COORDINATE, through="service_user")


@blueprint.route("/decisions/<uuid:decision_id>/review", methods=["GET", "POST"])
def review(decision_id):
    """"Reviewed — no change": the next review date, who took part, the user's view."""
    found = _to_review(decision_id)
    user = found.service_user
    today = local_today()
    form = ReviewForm(reviewed_on=today, next_review_on=today + REVIEW_AFTER)
    chosen = _offer_members(form, user)
    return form_page(form, "decisions/meeting.html", user, lambda: review_decision(
        found, recorded_by=actor(), reviewed_on=form.reviewed_on.data,
        next_review_on=form.next_review_on.data, **_took_part(form, chosen)),
        back=_user_page(user), title=_("Reviewed — no change"), decision=found,
        first=["reviewed_on"], last=["next_review_on"])


@blueprint.route("/decisions/<uuid:decision_id>/revise", methods=["GET", "POST"])
def revise(decision_id):
    """"Revise": a new version, filled from this one; this one is kept, revoked."""
    found = _to_review(decision_id)
    user = found.service_user
    today = local_today()
    form = DecisionForm(decided_on=today, valid_from=today, review_on=today + REVIEW_AFTER,
                        goal_statement=found.goal_statement,
                        services=found.services, reasons=found.reasons,
                        valid_to=found.valid_to)
    chosen = _offer_members(form, user)
    return form_page(form, "decisions/decision.html", user, lambda: revise_decision(
        found, recorded_by=actor(), decided_on=form.decided_on.data,
        goal_statement=form.goal_statement.data, services=form.services.data,
        reasons=form.reasons.data, valid_from=form.valid_from.data,
        valid_to=form.valid_to.data, review_on=form.review_on.data,
        **_took_part(form, chosen)),
        back=_user_page(user), title=_("Revise the team decision"), revising=found)


@blueprint.route("/decisions/<uuid:decision_id>/end", methods=["GET", "POST"])
def end(decision_id):
    """"End": the last day the decision is in force, and why."""
    found = _to_review(decision_id)
    user = found.service_user
    form = EndForm(ended_on=local_today())
    chosen = _offer_members(form, user)
    return form_page(form, "decisions/meeting.html", user, lambda: end_decision(
        found, recorded_by=actor(), ended_on=form.ended_on.data, reason=form.reason.data,
        **_took_part(form, chosen)),
        back=_user_page(user), title=_("End the team decision"), decision=found,
        first=["ended_on", "reason"], last=[])
