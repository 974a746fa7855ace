"""The nurse's actions from the user page: each form calls the same service as the API."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from datetime import datetime, timedelta

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _

from homecare.care.forms import (
    CheckInForm,
    CompleteVisitForm,
    GoalForm,
    WhatMattersForm,
)
from homecare.core.audit import record_read
from homecare.core.timeutil import local_today, local_zone, to_local
from homecare.goals.api import CHECK_IN_CREATION
from homecare.goals.models import Goal
from homecare.goals.services import create_goal
from homecare.policy.access import Action
from homecare.policy.lookup import actor, load
from homecare.service_users.models import ServiceUser
from homecare.visits.care_given import load_for_care
from homecare.visits.models import Visit, VisitStatus
from homecare.visits.services import RECORDING, change_visit, ensure_may_change, may_change
from homecare.web.forms import saved
from homecare.what_matters.api import CONVERSATION_CREATION


def _int(value: str | None) -> int | None:
    return int(value) if value else None


def _record_id(form) -> uuid.UUID:
    """The id the tablet chose for a new record, or a new one: saved as the API saves a
    record sent under its id (``Creation.put``), a form sent twice is stored once. Spaces
    are no id (the form's ``Optional`` lets them through unchecked)."""
    chosen = (form.record_id.data or "").strip()
    return uuid.UUID(chosen) if chosen else uuid.uuid4()


#: Sent by the tablet's script when it posts a form itself, to keep the record on the
#: tablet if no answer comes (``static/js/offline.js``); a saved form then answers 204.
POSTED_BY_SCRIPT = "X-Homecare-Form"


def form_page(form, template: str, user: ServiceUser, save: Callable[[], object], *,
               aliases: dict | None = None, **context):
    """Show a form; on a valid submit, save through the service and go back to the user.

    A refusal from the service rolls back, puts each message next to its field and shows
    the form again (422) with everything typed kept. Showing the form shows the user's
    name and record, so it is logged as a read.
    """
    if form.validate_on_submit() and saved(form, save, aliases):
        flash(_("Saved."), "success")
        if request.headers.get(POSTED_BY_SCRIPT):
            return "", 204   # the script opens the user's page, where "Saved." shows
        return redirect(url_for("care.user", user_id=user.id))
    status = 422 if form.errors or form.form_errors else 200
    record_read(user.id, f"form: {template.removeprefix('care/').removesuffix('.html')}")
    return render_template(template, form=form, user=user, **context), status


def check_in(user_id, goal_id):
    """Record a follow-up of one goal: the user's ratings and their own evaluation."""
    goal = load(Goal, goal_id, Action.RECORD, through="service_user")
    user = goal.service_user
    if user.id != user_id:
        return redirect(url_for("care.check_in", user_id=user.id, goal_id=goal.id))
    form = CheckInForm(date=local_today())
    return form_page(form, "care/check_in.html", user, lambda: CHECK_IN_CREATION.put(
        _record_id(form), {
            "goal_id": goal.id, "date": form.date.data,
            "performance": _int(form.performance.data),
            "satisfaction": _int(form.satisfaction.data), "note": form.note.data or None,
            "got_expected_help": form.got_expected_help.data,
            "could_influence": form.could_influence.data, "satisfied": form.satisfied.data}),
        goal=goal, title=_("Follow-up"))


def _completion(visit: Visit, started, ended, note) -> dict:
    """The changes that complete (or correct) a visit: times on its planned local day."""
    day = to_local(visit.planned_start).date()

    def at(clock):
        return datetime.combine(day, clock, tzinfo=local_zone())

    return {"status": VisitStatus.COMPLETED, "actual_start": at(started),
            "actual_end": at(ended), "note": note or None}


def complete_visit(visit_id):
    """Log a visit as carried out, with its times (prefilled from the plan), or correct a
    completed one while the visit rules still allow it."""
    if request.method == "GET" and request.args.get("queued"):
        visit = load_for_care(visit_id, actor(), None)   # a queued record to correct
    else:
        visit = load(Visit, visit_id, Action.RECORD)
        ensure_may_change(actor(), visit, RECORDING)
    correcting = visit.status is VisitStatus.COMPLETED
    start = to_local(visit.actual_start if correcting else visit.planned_start)
    end = (to_local(visit.actual_end) if correcting
           else start + timedelta(minutes=visit.planned_minutes))
    form = CompleteVisitForm(started=start.time(), ended=end.time(), note=visit.note)
    return form_page(form, "care/complete_visit.html", visit.service_user, lambda: change_visit(
        actor(), visit, **_completion(visit, form.started.data, form.ended.data, form.note.data)),
        aliases={"actual_start": "started", "actual_end": "ended"}, visit=visit,
        planned_day=to_local(visit.planned_start).isoformat(timespec="minutes"),
        can_mark_missed=may_change(actor(), visit, {"status": VisitStatus.MISSED}),
        title=_("Correct the visit") if correcting else _("Complete the visit"))


def visit_missed(visit_id):
    """Mark a planned visit as not carried out (nobody home, the user declined)."""
    visit = load(Visit, visit_id, Action.RECORD)
    change_visit(actor(), visit, status=VisitStatus.MISSED)
    flash(_("The visit is marked as not carried out."), "success")
    return redirect(url_for("care.user", user_id=visit.service_user_id))


def what_matters(user_id):
    """Record a «Hva er viktig for deg?» conversation, in the user's own words."""
    user = load(ServiceUser, user_id, Action.RECORD)
    form = WhatMattersForm(conversation_date=local_today())
    return form_page(form, "care/what_matters.html", user, lambda: CONVERSATION_CREATION.put(
        _record_id(form), {
            "service_user_id": user.id, "asked_by_id": actor().id,
            "conversation_date": form.conversation_date.data, "present": form.present.data,
            "in_own_words": form.in_own_words.data,
            "spoken_for_by": form.spoken_for_by.data or None}),
        title=_("What matters to you?"))


def new_goal(user_id):
    """Set a goal with the user, in their words."""
    user = load(ServiceUser, user_id, Action.RECORD)
    form = GoalForm(start_date=local_today())
    return form_page(form, "care/goal.html", user, lambda: create_goal(
        user=user, created_by=actor(), description=form.description.data,
        expressed_by=form.expressed_by.data, start_date=form.start_date.data,
        checkin_interval_days=int(form.checkin_interval_days.data),
        baseline_performance=_int(form.baseline_performance.data),
        baseline_satisfaction=_int(form.baseline_satisfaction.data)),
        title=_("New goal"))
