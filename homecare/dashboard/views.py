"""The section leader's dashboard, its CSV download, and the settings page."""

from __future__ import annotations

import sqlalchemy as sa
from flask import Blueprint, Response, flash, redirect, render_template, request, url_for
from flask_babel import force_locale
from flask_babel import gettext as _

from homecare.core.converters import record_id
from homecare.core.errors import NotFound
from homecare.core.extensions import db
from homecare.core.forms import saved
from homecare.core.timeutil import local_today
from homecare.dashboard.forms import SettingsForm
from homecare.dashboard.readings import posted_reading, posted_team
from homecare.dashboard.services import dashboard_for
from homecare.dashboard.spreadsheet import dashboard_spreadsheet
from homecare.goals.labels import CHECK_IN_QUESTIONS
from homecare.indicators.definitions import BY_ID
from homecare.org.models import Role, Section, Staff, Team
from homecare.policy.access import Action, ReadingsOf, SettingsOf, permits
from homecare.policy.lookup import actor, load
from homecare.readings.models import MAX_READING_LENGTH
from homecare.sections.services import (
    FIELDS,
    history_query,
    load_section,
    settings_row,
    update_settings,
)

blueprint = Blueprint("dashboard", __name__, template_folder="templates")


def describe(field: str, value) -> str:
    """A setting's value as a person reads it (indicator names, not ids)."""
    if field == "dashboard_indicators":
        return ", ".join(str(BY_ID[i].name) for i in value or [] if i in BY_ID) or "–"
    return str(value)


@blueprint.context_processor
def setting_names() -> dict:
    """Field labels for the change history, from the form itself."""
    form = SettingsForm(meta={"csrf": False}, formdata=None)
    return {"setting_labels": {f: getattr(form, f).label.text for f in FIELDS},
            "describe": describe}


def _dashboard(section_id: int):
    section = load(Section, section_id, Action.VIEW)
    team = None
    if request.args.get("team"):
        team = db.session.get(Team, request.args.get("team", type=record_id) or 0)
        if team is None or team.section_id != section.id:
            raise NotFound()
    return dashboard_for(actor(), section, team, local_today())


@blueprint.context_processor
def reading_limits() -> dict:
    """The longest comment, for the comment forms."""
    return {"max_reading_length": MAX_READING_LENGTH}


@blueprint.route("/sections/<id:section_id>/dashboard", methods=["GET", "POST"])
def dashboard(section_id):
    """The section's chosen indicators, for the section and per team, with trends and
    the conversation with the teams; a leader answers a comment, or asks a team a
    question about a number from the team's view, here (POST)."""
    failed, status = None, 200
    if request.method == "POST":
        load(Section, section_id, Action.VIEW)
        form, ok = posted_reading(posted_team())
        if ok:
            return redirect(request.full_path)
        failed, status = form, 422
    board = _dashboard(section_id)
    return render_template("dashboard/dashboard.html", board=board, failed=failed,
                           can_ask=_may_ask(board.team),
                           can_manage=bool(permits(actor(), Action.MANAGE,
                                                   SettingsOf(board.section)))), status


def _may_ask(team: Team | None) -> bool:
    """Whether the caller opens questions to teams here: the section's leader (for the
    section view, whether to say that a question is asked from a team's view)."""
    me = actor()
    return me.role is Role.SECTION_LEADER and (
        team is None or bool(permits(me, Action.RECORD, ReadingsOf(team))))


@blueprint.route("/teams/<id:team_id>/numbers", methods=["GET", "POST"])
def team_numbers(team_id):
    """The team's own view of the section's chosen indicators, for its members: the same
    figures and equity split the leader sees for the team (unsuppressed, as coordinators
    and staff see their own team), with weekly trends, and the team's reading of each
    number this week with the leader's answers; a member writes one here (POST)."""
    team = load(Team, team_id, Action.RECORD)  # its members: who may also write readings
    failed, status = None, 200
    if request.method == "POST":
        form, ok = posted_reading(team)
        if ok:
            return redirect(url_for("dashboard.team_numbers", team_id=team.id))
        failed, status = form, 422
    board = dashboard_for(actor(), team.section, team, local_today())
    return render_template("dashboard/team.html", board=board, failed=failed), status


@blueprint.route("/sections/<id:section_id>/dashboard.csv")
def dashboard_csv(section_id):
    """What the dashboard shows, as a spreadsheet for Norwegian Excel: each card's value,
    its teams' values, its trend points, the equity groups and the users' answers."""
    board = _dashboard(section_id)
    with force_locale("nb"):
        questions = {key: str(text) for key, text in CHECK_IN_QUESTIONS.items()}
    filename = f"oversikt-{board.section.id}-{board.day.isoformat()}.csv"
    return Response(dashboard_spreadsheet(board, questions), mimetype="text/csv", headers={
        "Content-Disposition": f'attachment; filename="{filename}"'})


@blueprint.route("/sections/<id:section_id>/settings", methods=["GET", "POST"])
def settings(section_id):
    """Choose the dashboard's indicators and the thresholds; every change is shown with
    who made it and when. Coordinators of the section may read, not change."""
    section = load_section(section_id,
                           Action.MANAGE if request.method == "POST" else Action.VIEW)
    row = settings_row(section)
    form = SettingsForm(obj=row)
    status = 200
    if form.validate_on_submit() and saved(form, lambda: update_settings(
            section, **{field: getattr(form, field).data for field in FIELDS})):
        flash(_("Saved."), "success")
        return redirect(url_for("dashboard.settings", section_id=section.id))
    if form.errors:
        status = 422
    history = list(db.session.scalars(history_query(section).limit(50)))
    names = {s.id: s.full_name for s in db.session.scalars(
        sa.select(Staff).where(Staff.id.in_({h.changed_by_id for h in history})))}
    return render_template("dashboard/settings.html", section=section, form=form,
                           history=history, names=names,
                           can_manage=bool(permits(actor(), Action.MANAGE, SettingsOf(section)))
                           ), status
