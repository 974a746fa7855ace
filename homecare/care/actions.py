"""The nurse's actions from the user page: each form calls the same service as the API."""

from __future__ import annotations

import uuid
from collections.abc import Callable, Mapping
from datetime import datetime, timedelta

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from wtforms import SelectChoice

from homecare.care.forms import (
    CheckInForm,
    CompleteVisitForm,
    GoalForm,
    MissedVisitForm,
    WhatMattersForm,
)
from homecare.care.services import active_goals
from homecare.core.audit import record_read
from homecare.core.timeutil import local_today, local_zone, to_local, utcnow
from homecare.flags.rules import Flag
from homecare.goals.api import CHECK_IN_CREATION
from homecare.goals.models import Goal
from homecare.goals.services import create_goal, where_the_user_stood
from homecare.policy.access import Action, permits
from homecare.policy.lookup import actor, load
from homecare.service_users.models import ServiceUser
from homecare.visits.care_given import load_for_care
from homecare.visits.models import Visit, VisitStatus
from homecare.visits.services import (
    RECORDING,
    UNDO_MISSED,
    change_visit,
    ensure_may_change,
    mark_missed,
    may_change,
    undo_missed,
)
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
               aliases: dict | None = None, then: Mapping[str, str] | None = None, **context):
    """Show a form; on a valid submit, save through the service and go back to the user,
    or on to the page ``then`` names for the button pressed (its ``then`` value).

    A refusal from the service rolls back, puts each message next to its field and shows
    the form again (422) with everything typed kept. Showing the form shows the user's
    name and record, so it is logged as a read.
    """
    if form.validate_on_submit() and saved(form, save, aliases):
        flash(_("Saved."), "success")
        if request.headers.get(POSTED_BY_SCRIPT):
            return "", 204   # the script opens the user's page, where "Saved." shows
        return redirect((then or {}).get(request.form.get("then", ""))
                        or url_for("care.user", user_id=user.id))
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
    form.spoken_for_by_id.choices = [SelectChoice("", _("Choose…"))] + [
        SelectChoice(str(kin.id), f"{kin.name} ({kin.relation})") for kin in user.next_of_kin]
    return form_page(form, "care/check_in.html", user, lambda: CHECK_IN_CREATION.put(
        _record_id(form), {
            "goal_id": goal.id, "date": form.date.data,
            "performance": _int(form.performance.data),
            "satisfaction": _int(form.satisfaction.data), "note": form.note.data or None,
            "got_expected_help": form.got_expected_help.data,
            "could_influence": form.could_influence.data, "satisfied": form.satisfied.data,
            "answered_by": form.answered_by.data,
            "spoken_for_by_id": form.spoken_for_by_id.data or None,
            "not_answered_reason": form.not_answered_reason.data or None}),
        goal=goal, title=_("Follow-up"), where=where_the_user_stood(goal))


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
    if correcting:
        start, end = to_local(visit.actual_start), to_local(visit.actual_end)
    else:
        start, end = as_it_went(visit, to_local(utcnow()))
    form = CompleteVisitForm(started=start.time(), ended=end.time(), note=visit.note)
    follow_ups = [] if correcting else _follow_ups_due(visit.service_user)
    return form_page(form, "care/complete_visit.html", visit.service_user, lambda: change_visit(
        actor(), visit, **_completion(visit, form.started.data, form.ended.data, form.note.data)),
        aliases={"actual_start": "started", "actual_end": "ended"}, visit=visit,
        follow_ups=follow_ups, then={str(goal.id): link for goal, link in follow_ups},
        planned_day=to_local(visit.planned_start).isoformat(timespec="minutes"),
        can_mark_missed=may_change(actor(), visit, {"status": VisitStatus.MISSED}),
        title=_("Correct the visit") if correcting else _("Complete the visit"))


def _follow_ups_due(user: ServiceUser) -> list[tuple[Goal, str]]:
    """The user's goals with a follow-up due or overdue, each with the page to record it:
    the completed visit goes straight on to it (a visit and a follow-up in nine taps)."""
    if not permits(actor(), Action.RECORD, user):
        return []
    return [(goal, url_for("care.check_in", user_id=user.id, goal_id=goal.id))
            for goal in active_goals(user, local_today())
            if goal.flag in (Flag.CHECKIN_DUE, Flag.CHECKIN_OVERDUE)]


def as_it_went(visit: Visit, now: datetime) -> tuple[datetime, datetime]:
    """The times to offer when a visit is completed: as planned once the planned end has
    passed; ending now if the visit is still under way by the plan; and, completed before
    its planned start (or on another day than planned, today), its planned length up to
    now. The same rule runs in the browser when a kept form is opened offline
    (``static/js/visit_times.js``)."""
    start = to_local(visit.planned_start)
    end = start + timedelta(minutes=visit.planned_minutes)
    minute = now.replace(second=0, microsecond=0)
    if end <= now or start.date() != now.date():
        return start, end
    if start <= now:
        return start, max(minute, start + timedelta(minutes=1))
    return minute - timedelta(minutes=visit.planned_minutes), minute


def visit_missed(visit_id):
    """Say that a planned visit did not take place (nobody home, the user declined): the
    reason is asked for, and saving it is the confirmation. The person may undo it for a
    while from the user's page."""
    visit = load(Visit, visit_id, Action.RECORD)
    ensure_may_change(actor(), visit, {"status": VisitStatus.MISSED})
    form = MissedVisitForm()
    if form.validate_on_submit() and saved(
            form, lambda: mark_missed(actor(), visit, form.missed_reason.data)):
        flash(_("The visit is marked as not taken place. You can undo it for %(minutes)d "
                "minutes on the user's page.", minutes=UNDO_MISSED.seconds // 60), "success")
        return redirect(url_for("care.user", user_id=visit.service_user_id))
    status = 422 if form.errors else 200
    record_read(visit.service_user_id, "form: visit missed")
    return render_template("care/visit_missed.html", form=form, visit=visit,
                           user=visit.service_user), status


def undo_visit_missed(visit_id):
    """Take back "did not take place" (the person who said it, within ``UNDO_MISSED``)."""
    visit = load(Visit, visit_id, Action.RECORD)
    undo_missed(actor(), visit)
    flash(_("The visit is planned again."), "success")
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
