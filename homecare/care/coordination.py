"""Pages for coordinators: the team board and assigning a responsible contact."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _

from homecare.care.board import contact_candidates, team_board
from homecare.care.views import blueprint
from homecare.core.access import Action
from homecare.core.errors import ValidationFailed
from homecare.core.lookup import actor, load
from homecare.extensions import db
from homecare.flags.rules import Flag
from homecare.org.models import Staff, Team
from homecare.service_users.models import ServiceUser
from homecare.service_users.services import assign_responsible_contact


@blueprint.route("/teams/<id:team_id>/board")
def board(team_id):
    """Every user of the team with what needs attention; filter by one flag."""
    team = load(Team, team_id, Action.COORDINATE)
    flag = request.args.get("flag") or None
    if flag is not None and flag not in {f.value for f in Flag}:
        abort(400)
    return render_template("care/board.html", team=team, rows=team_board(team, flag),
                           flag=flag, teams=actor().teams, flags=list(Flag))


@blueprint.route("/users/<uuid:user_id>/contact", methods=["GET", "POST"])
def choose_contact(user_id):
    """Choose the responsible contact, seeing each candidate's caseload against the cap."""
    user = load(ServiceUser, user_id, Action.COORDINATE)
    candidates, cap = contact_candidates(user)
    error = None
    if request.method == "POST":
        staff = db.session.get(Staff, request.form.get("staff_id", type=int) or 0)
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
    return render_template("care/contact.html", user=user, candidates=candidates, cap=cap,
                           error=error), status
