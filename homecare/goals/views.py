"""The pages of goals: setting one with the user, and recording a follow-up."""

from __future__ import annotations

from flask import Blueprint, redirect, url_for
from flask_babel import gettext as _
from wtforms import SelectChoice

from homecare.core.forms import chosen_record_id, form_page, int_or_none
from homecare.core.timeutil import local_today
from homecare.goals.forms import CheckInForm, GoalForm
from homecare.goals.labels import (
    ANSWER_LABELS,
    ANSWERED_BY_LABELS,
    CHECK_IN_QUESTIONS,
    EXPRESSED_LABELS,
    GOAL_STATUS_LABELS,
)
from homecare.goals.models import Goal
from homecare.goals.services import CHECK_IN_CREATION, create_goal, where_the_user_stood
from homecare.policy.access import Action
from homecare.policy.lookup import actor, load
from homecare.service_users.models import ServiceUser

blueprint = Blueprint("goals_pages", __name__, template_folder="templates")


@blueprint.app_context_processor
def labels() -> dict:
    """The names of goals' values, for every page that shows a goal or a follow-up."""
    return {"answer_labels": ANSWER_LABELS, "expressed_labels": EXPRESSED_LABELS,
            "answered_by_labels": ANSWERED_BY_LABELS, "check_in_questions": CHECK_IN_QUESTIONS,
            "goal_status_labels": GOAL_STATUS_LABELS}


def _user_page(user: ServiceUser) -> str:
    return url_for("care.user", user_id=user.id)


@blueprint.route("/users/<uuid:user_id>/goals/new", methods=["GET", "POST"])
def new_goal(user_id):
    """Set a goal with the user, in their words."""
    user = load(ServiceUser, user_id, Action.RECORD)
    form = GoalForm(start_date=local_today())
    return form_page(form, "goals/goal.html", user, lambda: create_goal(
        user=user, created_by=actor(), description=form.description.data,
        expressed_by=form.expressed_by.data, start_date=form.start_date.data,
        checkin_interval_days=int(form.checkin_interval_days.data),
        baseline_performance=int_or_none(form.baseline_performance.data),
        baseline_satisfaction=int_or_none(form.baseline_satisfaction.data)),
        back=_user_page(user), title=_("New goal"))


@blueprint.route("/users/<uuid:user_id>/goals/<uuid:goal_id>/check-in",
                 methods=["GET", "POST"])
def check_in(user_id, goal_id):
    """Record a follow-up of one goal: the user's ratings and their own evaluation."""
    goal = load(Goal, goal_id, Action.RECORD, through="service_user")
    user = goal.service_user
    if user.id != user_id:
        return redirect(url_for("goals_pages.check_in", user_id=user.id, goal_id=goal.id))
    form = CheckInForm(date=local_today())
    form.spoken_for_by_id.choices = [SelectChoice("", _("Choose…"))] + [
        SelectChoice(str(kin.id), f"{kin.name} ({kin.relation})") for kin in user.next_of_kin]
    return form_page(form, "goals/check_in.html", user, lambda: CHECK_IN_CREATION.put(
        chosen_record_id(form), {
            "goal_id": goal.id, "date": form.date.data,
            "performance": int_or_none(form.performance.data),
            "satisfaction": int_or_none(form.satisfaction.data), "note": form.note.data or None,
            "got_expected_help": form.got_expected_help.data,
            "could_influence": form.could_influence.data, "satisfied": form.satisfied.data,
            "answered_by": form.answered_by.data,
            "spoken_for_by_id": form.spoken_for_by_id.data or None,
            "not_answered_reason": form.not_answered_reason.data or None}),
        back=_user_page(user), goal=goal, title=_("Follow-up"),
        where=where_the_user_stood(goal))
