"""The pages of a service user's record that coordinators keep: the responsible contact,
and the answer to another team's request to take the user over."""

from __future__ import annotations

from dataclasses import dataclass

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _

from homecare.core.audit import record_read
from homecare.core.converters import record_id
from homecare.core.errors import ValidationFailed
from homecare.core.extensions import db
from homecare.flags.services import Caseload, staff_caseloads
from homecare.org.models import Staff
from homecare.org.services import team_members
from homecare.policy.access import Action
from homecare.policy.lookup import actor, load
from homecare.sections.services import settings_row
from homecare.service_users.models import ServiceUser, TransferRequest
from homecare.service_users.services import assign_responsible_contact
from homecare.service_users.transfers import decide_transfer

blueprint = Blueprint("service_users_pages", __name__, template_folder="templates")


@dataclass(frozen=True)
class Candidate:
    """A team member who could become the responsible contact."""

    staff: Staff
    caseload: Caseload


def contact_candidates(user: ServiceUser) -> list[Candidate]:
    """Active team members with their caseloads and caps (to warn, not block)."""
    members = team_members(user.team)
    loads = staff_caseloads(members)
    return [Candidate(s, loads[s.id]) for s in members]


@blueprint.route("/users/<uuid:user_id>/contact", methods=["GET", "POST"])
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
    return render_template("service_users/contact.html", user=user, candidates=candidates,
                           cap=cap, error=error), status


@blueprint.route("/transfers/<uuid:transfer_id>/answer", methods=["POST"])
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
