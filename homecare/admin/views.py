"""Administration pages: staff accounts, teams and sections, through the org services."""

from __future__ import annotations

import secrets

import sqlalchemy as sa
from flask import (
    Blueprint,
    abort,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import gettext as _
from sqlalchemy.orm import selectinload
from wtforms import SelectChoice

from homecare.admin.forms import NameForm, PasswordResetForm, StaffForm, TeamForm
from homecare.auth import oidc
from homecare.auth.accounts import create_staff, update_staff
from homecare.auth.identities import ExternalIdentity
from homecare.core.extensions import db
from homecare.core.forms import saved
from homecare.org.models import Section, Staff, Team
from homecare.org.services import create_section, create_team, update_section, update_team
from homecare.policy.access import ORGANISATION, Action, ensure
from homecare.policy.lookup import actor, load

blueprint = Blueprint("admin", __name__, url_prefix="/admin", template_folder="templates")
PAGE_SIZE = 50


@blueprint.before_request
def administrators_only():
    """The whole area is for administrators: anyone else gets 403 before any record is
    looked up, so an id in the URL reveals nothing."""
    ensure(actor(), Action.MANAGE, ORGANISATION)


def _organisation() -> tuple[list[Section], list[Team]]:
    sections = list(db.session.scalars(sa.select(Section).order_by(Section.name)))
    teams = list(db.session.scalars(sa.select(Team).order_by(Team.name)))
    return sections, teams


def _saved(save, form, message: str, target: str, **values):
    """Save through the service and go on, or None with the refusal shown on the form."""
    if not saved(form, save):
        return None
    flash(message, "success")
    return redirect(url_for(target, **values))


@blueprint.route("/staff")
def staff_list():
    """Staff accounts by name, 50 a page, optionally only those whose name matches ``q``."""
    query = sa.select(Staff).order_by(Staff.full_name, Staff.id)
    q = (request.args.get("q") or "").strip()
    if q:
        like = f"%{q.lower()}%"
        query = query.where(sa.or_(sa.func.lower(Staff.full_name).like(like),
                                   Staff.username.like(like)))
    page = max(1, min(request.args.get("page", 1, type=int), 100_000))
    total = db.session.scalar(sa.select(sa.func.count()).select_from(query.subquery()))
    people = list(db.session.scalars(query.options(selectinload(Staff.teams))
                                     .limit(PAGE_SIZE).offset((page - 1) * PAGE_SIZE)))
    return render_template("admin/staff_list.html", people=people, q=q, page=page,
                           pages=max(1, -(-total // PAGE_SIZE)), total=total)


@blueprint.route("/staff/new", methods=["GET", "POST"])
def new_staff():
    """Create an account with its role and placement."""
    sections, teams = _organisation()
    form = StaffForm()
    form.fill_choices(sections, teams)
    if form.validate_on_submit():
        # With passwords turned off, the account gets one nobody knows: it signs in
        # through the identity provider, after an invitation (below).
        password = form.password.data if oidc.password_sign_in() else secrets.token_urlsafe(32)
        done = _saved(lambda: create_staff(
            username=form.username.data, password=password,
            full_name=form.full_name.data, role=form.role.data,
            profession=form.profession.data or None, team_ids=form.team_ids.data or [],
            section_id=form.section_id.data, hpr_number=form.hpr_number.data), form,
            _("The account is created."), "admin.staff_list", q=form.username.data)
        if done:
            return done
    return render_template("admin/staff_form.html", form=form, person=None), (
        422 if form.errors else 200)


def _account_form(person: Staff, **kwargs) -> StaffForm:
    """The account form filled from the record (and from the request unless told not to)."""
    sections, teams = _organisation()
    form = StaffForm(obj=person, team_ids=person.team_ids, role=person.role.value,
                     profession=person.profession.value if person.profession else "", **kwargs)
    form.fill_choices(sections, teams)
    return form


@blueprint.route("/staff/<id:staff_id>", methods=["GET", "POST"])
def edit_staff(staff_id):
    """Change an account's name, role, placement, or deactivate it (its sessions end)."""
    person = load(Staff, staff_id, Action.MANAGE)
    form = _account_form(person)
    if form.validate_on_submit():
        done = _saved(lambda: update_staff(
            person, full_name=form.full_name.data, role=form.role.data,
            profession=form.profession.data or None, team_ids=form.team_ids.data or [],
            section_id=form.section_id.data, active=form.active.data,
            hpr_number=form.hpr_number.data), form,
            _("Saved."), "admin.edit_staff", staff_id=person.id)
        if done:
            return done
    return render_template("admin/staff_form.html", form=form, person=person,
                           password_form=PasswordResetForm(),
                           identity=_identity(person)), 422 if form.errors else 200


def _identity(person: Staff):
    """The account's link to the identity provider, if single sign-on is set up."""
    if not oidc.configured():
        return None
    return db.session.scalar(sa.select(ExternalIdentity).where(
        ExternalIdentity.staff_id == person.id,
        ExternalIdentity.issuer == current_app.config["HOMECARE_OIDC_ISSUER"]))


@blueprint.route("/staff/<id:staff_id>/invitation", methods=["POST"])
def invite_staff(staff_id):
    """A one-time link for the person to link their account at the identity provider
    to this account (shown once; valid for a week). Only with single sign-on set up."""
    if not oidc.configured():
        abort(404)
    person = load(Staff, staff_id, Action.MANAGE)
    code, invitation = oidc.invite(person, actor())
    return render_template("admin/staff_form.html", form=_account_form(person, formdata=None),
                           person=person, password_form=PasswordResetForm(),
                           identity=_identity(person), invitation=invitation,
                           invitation_url=oidc.external_url("sso.invitation", code=code))


@blueprint.route("/staff/<id:staff_id>/password", methods=["POST"])
def reset_password(staff_id):
    """Set a new password for someone who lost theirs; every session of theirs ends.
    Not while passwords are turned off."""
    if not oidc.password_sign_in():
        abort(404)
    person = load(Staff, staff_id, Action.MANAGE)
    password_form = PasswordResetForm()
    if password_form.validate_on_submit() and saved(
            password_form, lambda: update_staff(person, password=password_form.new_password.data),
            {"password": "new_password"}):
        flash(_("The password is changed. Tell %(name)s in person.", name=person.full_name),
              "success")
        return redirect(url_for("admin.edit_staff", staff_id=person.id))
    return render_template("admin/staff_form.html", form=_account_form(person, formdata=None),
                           person=person, password_form=password_form,
                           identity=_identity(person)), 422


@blueprint.route("/organisation", methods=["GET", "POST"])
def organisation():
    """Sections and their teams; create a section or a team here."""
    sections, teams = _organisation()
    section_form, team_form = NameForm(prefix="section"), TeamForm(prefix="team")
    team_form.section_id.choices = [SelectChoice(s.id, s.name) for s in sections]
    if request.method == "POST":
        adding_team = "team-name" in request.form
        form = team_form if adding_team else section_form
        if form.validate_on_submit():
            done = _saved(
                (lambda: create_team(team_form.name.data,
                                     db.session.get(Section, team_form.section_id.data),
                                     team_form.phone.data, team_form.organisation_number.data))
                if adding_team else (lambda: create_section(section_form.name.data)),
                form, _("Saved."), "admin.organisation")
            if done:
                return done
    return render_template("admin/organisation.html", sections=sections, teams=teams,
                           section_form=section_form, team_form=team_form), (
        422 if section_form.errors or team_form.errors else 200)


@blueprint.route("/sections/<id:section_id>", methods=["GET", "POST"])
def edit_section(section_id):
    """Rename a section."""
    section = load(Section, section_id, Action.MANAGE)
    form = NameForm(obj=section)
    if form.validate_on_submit():
        done = _saved(lambda: update_section(section, name=form.name.data), form, _("Saved."),
                      "admin.organisation")
        if done:
            return done
    return render_template("admin/name_form.html", form=form, title=section.name), (
        422 if form.errors else 200)


@blueprint.route("/teams/<id:team_id>", methods=["GET", "POST"])
def edit_team(team_id):
    """Rename a team, move it to another section, or change its phone or organisation
    number."""
    team = load(Team, team_id, Action.MANAGE)
    sections, _teams = _organisation()
    form = TeamForm(obj=team)
    form.section_id.choices = [SelectChoice(s.id, s.name) for s in sections]
    if form.validate_on_submit():
        done = _saved(lambda: update_team(team, name=form.name.data,
                                          section=db.session.get(Section, form.section_id.data),
                                          phone=form.phone.data,
                                          organisation_number=form.organisation_number.data),
                      form, _("Saved."), "admin.organisation")
        if done:
            return done
    return render_template("admin/name_form.html", form=form, title=team.name), (
        422 if form.errors else 200)
