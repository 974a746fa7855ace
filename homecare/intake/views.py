"""Referral pages: record one from the board, and follow it to the start of services."""

from __future__ import annotations

import uuid

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _

from homecare.core.extensions import db
from homecare.core.forms import options, saved
from homecare.core.timeutil import local_today
from homecare.intake.forms import (
    SOURCES,
    URGENCIES,
    AssessmentForm,
    CloseForm,
    ReferralForm,
    StartForm,
)
from homecare.intake.models import Referral
from homecare.intake.services import (
    record_referral,
    record_referral_reads,
    startable_users,
    update_referral,
)
from homecare.org.models import Team
from homecare.org.services import team_members
from homecare.policy.access import Action
from homecare.policy.lookup import actor, load
from homecare.service_users.models import ServiceUser

blueprint = Blueprint("intake", __name__, template_folder="templates")


@blueprint.context_processor
def labels() -> dict:
    """How sources and urgencies read."""
    return {"source_labels": {c.value: c.label for c in SOURCES},
            "urgency_labels": {c.value: c.label for c in URGENCIES}}


@blueprint.route("/teams/<id:team_id>/referrals/new", methods=["GET", "POST"])
def new_referral(team_id):
    """Record a referral as it arrives: who, from whom, the need, how urgent."""
    team = load(Team, team_id, Action.COORDINATE)
    form = ReferralForm(received_on=local_today())
    created: list[Referral] = []
    if form.validate_on_submit() and saved(form, lambda: created.append(record_referral(
            team=team, created_by=actor(), received_on=form.received_on.data,
            source=form.source.data, person_name=form.person_name.data or "",
            need=form.need.data or "", urgency=form.urgency.data,
            referred_by=form.referred_by.data, today=local_today()))):
        flash(_("The referral is recorded."), "success")
        return redirect(url_for("intake.referral", referral_id=created[0].id))
    return render_template("intake/new_referral.html", team=team, form=form), (
        422 if form.errors else 200)


def _forms(referral: Referral):
    assess = AssessmentForm(prefix="assess", assessed_on=referral.assessed_on or local_today(),
                            assessed_by=referral.assessed_by_id or actor().id)
    assess.assessed_by.choices = options(*((s.id, s.full_name)
                                          for s in team_members(referral.team)))
    start = StartForm(prefix="start")
    start.service_user.choices = options(*((str(u.id), u.full_name)
                                          for u in startable_users(referral)))
    return assess, start, CloseForm(prefix="close", closed_on=local_today())


def _change(form, referral: Referral) -> bool:
    """Save the one form that was posted, through the service."""
    today = local_today()
    if isinstance(form, AssessmentForm):
        staff = {s.id: s for s in team_members(referral.team)}
        return saved(form, lambda: update_referral(
            referral, today=today, assessed_on=form.assessed_on.data,
            assessed_by=staff.get(form.assessed_by.data)))
    if isinstance(form, StartForm):
        user = db.session.get(ServiceUser, uuid.UUID(form.service_user.data))
        return saved(form, lambda: update_referral(referral, today=today, service_user=user),
                     aliases={"service_user_id": "service_user"})
    return saved(form, lambda: update_referral(referral, today=today,
                                               closed_on=form.closed_on.data,
                                               closed_reason=form.closed_reason.data))


@blueprint.route("/referrals/<uuid:referral_id>", methods=["GET", "POST"])
def referral(referral_id):
    """A referral and its steps: record the assessment, the user it became, or close it."""
    referral = load(Referral, referral_id,
                    Action.COORDINATE if request.method == "POST" else Action.VIEW)
    record_referral_reads([referral], "referral")
    assess, start, close = _forms(referral)
    posted = {"assess": assess, "start": start, "close": close}.get(request.form.get("step"))
    if posted is not None and posted.validate_on_submit() and _change(posted, referral):
        flash(_("Saved."), "success")
        return redirect(url_for("intake.referral", referral_id=referral.id))
    failed = posted is not None
    return render_template("intake/referral.html", referral=referral, assess=assess,
                           start=start, close=close), 422 if failed else 200
