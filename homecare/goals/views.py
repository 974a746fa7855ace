"""The pages of goals: setting one with the user (and changing it), recording a follow-up,
and a goal's life: achieved, paused, stopped, resumed, with the day and why."""

from __future__ import annotations

import uuid

from flask import Blueprint, redirect, url_for
from flask_babel import format_date
from flask_babel import gettext as _
from wtforms import SelectChoice

from homecare.core.forms import chosen_record_id, form_page, int_or_none
from homecare.core.timeutil import local_today
from homecare.goals.forms import CheckInForm, GoalForm, GoalStatusForm
from homecare.goals.labels import (
    ANSWER_LABELS,
    ANSWERED_BY_LABELS,
    CHECK_IN_QUESTIONS,
    EXPRESSED_LABELS,
    GOAL_STATUS_LABELS,
    STATUS_ACTIONS,
    WHOSE_WORDS_LABELS,
)
from homecare.goals.models import Goal
from homecare.goals.services import (
    CHECK_IN_CREATION,
    conversations_of,
    create_goal,
    goal_history,
    record_status_change,
    update_goal,
    where_the_user_stood,
)
from homecare.policy.access import Action
from homecare.policy.lookup import actor, load
from homecare.service_users.models import ServiceUser

blueprint = Blueprint("goals_pages", __name__, template_folder="templates")


@blueprint.app_context_processor
def labels() -> dict:
    """The names of goals' values, for every page that shows a goal or a follow-up."""
    return {"answer_labels": ANSWER_LABELS, "expressed_labels": EXPRESSED_LABELS,
            "answered_by_labels": ANSWERED_BY_LABELS, "check_in_questions": CHECK_IN_QUESTIONS,
            "goal_status_labels": GOAL_STATUS_LABELS, "whose_words_labels": WHOSE_WORDS_LABELS}


def _user_page(user: ServiceUser) -> str:
    return url_for("care.user", user_id=user.id)


def _goal_of(user_id, goal_id) -> Goal | None:
    """The goal, if the caller may record for its user; None if the address names
    another user (the caller is sent to the right one)."""
    goal = load(Goal, goal_id, Action.RECORD, through="service_user")
    return goal if goal.service_user_id == user_id else None


def _offer_conversations(form: GoalForm, user: ServiceUser) -> dict:
    """The user's «what matters» conversations to choose from; id -> conversation."""
    conversations = {str(c.id): c for c in conversations_of(user)}
    form.what_matters_id.choices = [SelectChoice("", _("None"))] + [
        SelectChoice(key, f"{format_date(c.conversation_date)}: «{_shorten(c.in_own_words)}»")
        for key, c in conversations.items()]
    return conversations


def _shorten(words: str, most: int = 80) -> str:
    return words if len(words) <= most else words[:most - 1].rstrip() + "…"


def _goal_fields(form: GoalForm, conversations: dict) -> dict:
    return {"description": form.description.data, "expressed_by": form.expressed_by.data,
            "start_date": form.start_date.data,
            "checkin_interval_days": int(form.checkin_interval_days.data),
            "baseline_performance": int_or_none(form.baseline_performance.data),
            "baseline_satisfaction": int_or_none(form.baseline_satisfaction.data),
            "what_matters": conversations.get(form.what_matters_id.data or "")}


@blueprint.route("/users/<uuid:user_id>/goals/new", methods=["GET", "POST"])
def new_goal(user_id):
    """Set a goal with the user, in their words."""
    user = load(ServiceUser, user_id, Action.RECORD)
    form = GoalForm(start_date=local_today())
    conversations = _offer_conversations(form, user)
    return form_page(form, "goals/goal.html", user, lambda: create_goal(
        user=user, created_by=actor(), **_goal_fields(form, conversations)),
        back=_user_page(user), title=_("New goal"))


@blueprint.route("/users/<uuid:user_id>/goals/<uuid:goal_id>/edit", methods=["GET", "POST"])
def edit_goal(user_id, goal_id):
    """Change a goal: its words, whose it is, the conversation it came from, the
    follow-up interval and the ratings at the start."""
    goal = _goal_of(user_id, goal_id)
    if goal is None:
        return redirect(url_for("goals_pages.edit_goal", user_id=_owner(goal_id),
                                goal_id=goal_id))
    user = goal.service_user
    form = GoalForm(obj=goal)
    interval = str(goal.checkin_interval_days)
    if interval not in {choice.value for choice in form.checkin_interval_days.choices}:
        form.checkin_interval_days.choices = [*form.checkin_interval_days.choices, SelectChoice(
            interval, _("%(days)s days", days=goal.checkin_interval_days))]
    conversations = _offer_conversations(form, user)
    return form_page(form, "goals/goal.html", user, lambda: update_goal(
        goal, recorded_by=actor(), **_goal_fields(form, conversations)),
        back=_user_page(user), title=_("Change the goal"), goal=goal)


def _owner(goal_id) -> uuid.UUID:
    return load(Goal, goal_id, Action.RECORD, through="service_user").service_user_id


@blueprint.route("/users/<uuid:user_id>/goals/<uuid:goal_id>/status", methods=["GET", "POST"])
def goal_status(user_id, goal_id):
    """A goal achieved, paused, stopped or resumed: the day, and why in whose words;
    with the goal's history of such changes."""
    goal = _goal_of(user_id, goal_id)
    if goal is None:
        return redirect(url_for("goals_pages.goal_status", user_id=_owner(goal_id),
                                goal_id=goal_id))
    user = goal.service_user
    form = GoalStatusForm(changed_on=local_today())
    form.status.choices = [SelectChoice(status.value, label)
                           for status, label in STATUS_ACTIONS.items() if status != goal.status]
    return form_page(form, "goals/status.html", user, lambda: record_status_change(
        goal, status=form.status.data, changed_on=form.changed_on.data, recorded_by=actor(),
        reason=form.reason.data or None, reason_by=form.reason_by.data or None),
        back=_user_page(user), title=_("What happened to the goal"), goal=goal,
        history=goal_history(goal))


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
