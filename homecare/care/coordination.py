"""Pages for coordinators: the team board, the responsible contact, team decisions."""

from __future__ import annotations

from datetime import timedelta

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from wtforms import SelectChoice

from homecare.care.actions import form_page
from homecare.care.board import contact_candidates, team_board
from homecare.care.forms import DecisionForm
from homecare.core.audit import record_read, record_reads
from homecare.core.converters import record_id
from homecare.core.errors import DomainError, ValidationFailed
from homecare.core.timeutil import local_today
from homecare.decisions.services import record_decision
from homecare.extensions import db
from homecare.flags.rules import Flag
from homecare.indicators.service import team_evaluation
from homecare.indicators.settings import settings_row, thresholds
from homecare.intake.services import record_referral_reads
from homecare.intake.steps import intake_rows
from homecare.org.models import Staff, Team
from homecare.org.services import team_members
from homecare.policy.access import Action
from homecare.policy.lookup import actor, load
from homecare.readings.services import open_questions, recent_readings
from homecare.service_users.models import ServiceUser, TransferRequest
from homecare.service_users.services import assign_responsible_contact
from homecare.service_users.transfers import (
    decide_transfer,
    incoming_requests,
    outgoing_requests,
)
from homecare.visits.care_given import CHOICES, open_to_settle, settle
from homecare.visits.models import VisitToSettle
from homecare.worklist.service import prompts_for


def board(team_id):
    """Every user of the team with what needs attention; filter by one flag."""
    team = load(Team, team_id, Action.COORDINATE)
    flag = request.args.get("flag") or None
    if flag is not None and flag not in {f.value for f in Flag}:
        abort(400)
    prompts = prompts_for(actor(), local_today(), team.id)
    record_reads([item["service_user"]["id"] for item in prompts], "team board: reminders")
    intake = intake_rows(team, local_today(), thresholds(settings_row(team.section)))
    record_referral_reads([row.referral for row in intake if row.referral],
                          "team board: intake")
    record_reads([row.user.id for row in intake if row.user], "team board: intake")
    incoming = incoming_requests([team.id])
    record_reads([t.service_user_id for t in incoming], "team board: transfer requests")
    to_settle = open_to_settle([team.id])
    return render_template("care/board.html", team=team, rows=team_board(team, flag),
                           to_settle=to_settle, settle_choices=CHOICES,
                           prompts=prompts, readings=recent_readings(team, local_today()),
                           questions=open_questions(team),
                           intake=intake, today=local_today(), incoming=incoming,
                           evaluation=team_evaluation(team, local_today()),
                           outgoing=outgoing_requests([team.id], local_today()),
                           flag=flag, teams=actor().teams, flags=list(Flag))


def settle_visit(item_id):
    """One tap on the board: how care given against a changed plan is settled (back to
    the board of the team that gave it)."""
    item = load(VisitToSettle, item_id, Action.COORDINATE)
    try:
        settle(item, actor(), request.form.get("choice", ""))
    except DomainError as refusal:
        db.session.rollback()
        flash(str(refusal.message or _("This could not be settled.")), "error")
    else:
        flash(_("Settled."), "success")
    return redirect(url_for("care.board", team_id=item.team_id))


def answer_transfer(transfer_id):
    """The user's team answers a request from another team to take the user over: move
    the user there, or decline with a reason (back to the board either way)."""
    transfer = load(TransferRequest, transfer_id, Action.COORDINATE)
    board_of = transfer.service_user.team_id
    accept = request.form.get("decision") == "accept"
    try:
        decide_transfer(transfer, actor(), accept=accept, reason=request.form.get("reason"))
    except ValidationFailed:
        db.session.rollback()
        flash(_("Say why the request is declined: the team that asked reads it."), "error")
    else:
        flash(_("The user is moved to %(team)s.", team=transfer.to_team.name) if accept
              else _("The request is declined."), "success")
    return redirect(url_for("care.board", team_id=board_of))


def choose_contact(user_id):
    """Choose the responsible contact, seeing each candidate's caseload against the cap."""
    user = load(ServiceUser, user_id, Action.COORDINATE)
    candidates = contact_candidates(user)
    cap = settings_row(user.team.section).caseload_cap
    error = None
    if request.method == "POST":
        staff = db.session.get(Staff, request.form.get("staff_id", type=record_id) or 0)
        try:
            if staff is None:
                raise ValidationFailed.single("staff_id", _("Choose a team member."))
            assign_responsible_contact(user, staff, assigned_by=actor())
        except ValidationFailed as failure:
            db.session.rollback()
            error = "; ".join(m for msgs in failure.errors.values() for m in msgs)
        else:
            flash(_("%(name)s is now the responsible contact.", name=staff.full_name), "success")
            return redirect(url_for("care.user", user_id=user.id))
    status = 422 if error else 200
    record_read(user.id, "form: contact")
    return render_template("care/contact.html", user=user, candidates=candidates, cap=cap,
                           error=error), status


#: How far ahead the review date is proposed (the team can choose any date).
REVIEW_AFTER = timedelta(days=91)


def new_decision(user_id):
    """Record the team meeting's decision: who took part, the goal, services and reasons."""
    user = load(ServiceUser, user_id, Action.COORDINATE)
    today = local_today()
    members = team_members(user.team)
    form = DecisionForm(decided_on=today, valid_from=today, review_on=today + REVIEW_AFTER,
                        participants=[actor().id])
    form.participants.choices = [SelectChoice(s.id, s.full_name) for s in members]
    chosen = {s.id: s for s in members}
    return form_page(form, "care/decision.html", user, lambda: record_decision(
        user=user, created_by=actor(), decided_on=form.decided_on.data,
        participants=[chosen[i] for i in form.participants.data or []],
        user_participated=form.user_participated.data == "yes",
        goal_statement=form.goal_statement.data, services=form.services.data,
        reasons=form.reasons.data, valid_from=form.valid_from.data,
        valid_to=form.valid_to.data, review_on=form.review_on.data),
        title=_("Team decision"))
