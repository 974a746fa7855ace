"""The nurse's actions from the user page: each form calls the same service as the API."""

from __future__ import annotations

from datetime import datetime, timedelta

from flask import flash, redirect, render_template, url_for
from flask_babel import gettext as _

from homecare.care.forms import (
    CheckInForm,
    CompleteVisitForm,
    GoalForm,
    WhatMattersForm,
    attach_errors,
)
from homecare.care.views import blueprint
from homecare.core.access import Action
from homecare.core.errors import ValidationFailed
from homecare.core.lookup import actor, load
from homecare.core.timeutil import local_today, local_zone, to_local
from homecare.extensions import db
from homecare.goals.models import Goal
from homecare.goals.services import create_goal, record_check_in
from homecare.service_users.models import ServiceUser
from homecare.visits.models import Visit, VisitStatus
from homecare.visits.services import update_visit
from homecare.what_matters.services import record_conversation


def _int(value: str | None) -> int | None:
    return int(value) if value else None


def _done(user: ServiceUser):
    flash(_("Saved."), "success")
    return redirect(url_for("care.user", user_id=user.id))


def _refused(form, error: ValidationFailed, template: str, aliases=None, **context):
    db.session.rollback()
    attach_errors(form, error.errors, aliases)
    return render_template(template, form=form, **context), 422


@blueprint.route("/users/<uuid:user_id>/goals/<uuid:goal_id>/check-in", methods=["GET", "POST"])
def check_in(user_id, goal_id):
    """Record a follow-up of one goal: the user's ratings and their own evaluation."""
    goal = load(Goal, goal_id, Action.RECORD, through="service_user")
    user = goal.service_user
    if user.id != user_id:
        return redirect(url_for("care.check_in", user_id=user.id, goal_id=goal.id))
    form = CheckInForm(date=local_today())
    context = {"user": user, "goal": goal, "title": _("Follow-up")}
    if form.validate_on_submit():
        try:
            record_check_in(goal=goal, recorded_by=actor(), date=form.date.data,
                            performance=_int(form.performance.data),
                            satisfaction=_int(form.satisfaction.data),
                            note=form.note.data or None,
                            got_expected_help=form.got_expected_help.data,
                            could_influence=form.could_influence.data,
                            satisfied=form.satisfied.data)
        except ValidationFailed as error:
            return _refused(form, error, "care/check_in.html", **context)
        return _done(user)
    status = 422 if form.errors else 200
    return render_template("care/check_in.html", form=form, **context), status


@blueprint.route("/visits/<uuid:visit_id>/complete", methods=["GET", "POST"])
def complete_visit(visit_id):
    """Log a visit as carried out, with its times (prefilled from the plan)."""
    visit = load(Visit, visit_id, Action.RECORD)
    planned = to_local(visit.planned_start)
    form = CompleteVisitForm(started=planned.time(), ended=(
        planned + timedelta(minutes=visit.planned_minutes)).time(), note=visit.note)
    context = {"user": visit.service_user, "visit": visit, "title": _("Complete the visit")}
    if form.validate_on_submit():
        day = planned.date()
        started = datetime.combine(day, form.started.data, tzinfo=local_zone())
        ended = datetime.combine(day, form.ended.data, tzinfo=local_zone())
        try:
            update_visit(visit, status=VisitStatus.COMPLETED, actual_start=started,
                         actual_end=ended, note=form.note.data or None)
        except ValidationFailed as error:
            return _refused(form, error, "care/complete_visit.html",
                            {"actual_start": "started", "actual_end": "ended"}, **context)
        return _done(visit.service_user)
    status = 422 if form.errors else 200
    return render_template("care/complete_visit.html", form=form, **context), status


@blueprint.route("/users/<uuid:user_id>/what-matters/new", methods=["GET", "POST"])
def what_matters(user_id):
    """Record a «Hva er viktig for deg?» conversation, in the user's own words."""
    user = load(ServiceUser, user_id, Action.RECORD)
    form = WhatMattersForm(conversation_date=local_today())
    context = {"user": user, "title": _("What matters to you?")}
    if form.validate_on_submit():
        try:
            record_conversation(user=user, recorded_by=actor(), asked_by=actor(),
                                conversation_date=form.conversation_date.data,
                                present=form.present.data, in_own_words=form.in_own_words.data,
                                spoken_for_by=form.spoken_for_by.data or None)
        except ValidationFailed as error:
            return _refused(form, error, "care/what_matters.html", **context)
        return _done(user)
    status = 422 if form.errors else 200
    return render_template("care/what_matters.html", form=form, **context), status


@blueprint.route("/users/<uuid:user_id>/goals/new", methods=["GET", "POST"])
def new_goal(user_id):
    """Set a goal with the user, in their words."""
    user = load(ServiceUser, user_id, Action.RECORD)
    form = GoalForm(start_date=local_today())
    context = {"user": user, "title": _("New goal")}
    if form.validate_on_submit():
        try:
            create_goal(user=user, created_by=actor(), description=form.description.data,
                        expressed_by=form.expressed_by.data, start_date=form.start_date.data,
                        checkin_interval_days=int(form.checkin_interval_days.data),
                        baseline_performance=_int(form.baseline_performance.data),
                        baseline_satisfaction=_int(form.baseline_satisfaction.data))
        except ValidationFailed as error:
            return _refused(form, error, "care/goal.html", **context)
        return _done(user)
    status = 422 if form.errors else 200
    return render_template("care/goal.html", form=form, **context), status
