"""The pages of a service user's record that coordinators keep: registering a user (from
a referral, or not), the responsible contact, the user's details (address, phone, next of
kin, whether someone must speak for them, a move to another team, the end of the
service), and the answer to another team's request to take the user over.

Each saves through the same service function the API calls (``services``,
``transfers``); team members read the details, coordinators change them."""

from __future__ import annotations

import uuid
from dataclasses import dataclass

import sqlalchemy as sa
from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _

from homecare.core.audit import record_read
from homecare.core.converters import record_id
from homecare.core.errors import NotFound, ValidationFailed
from homecare.core.extensions import db
from homecare.core.forms import form_page, options, saved
from homecare.core.timeutil import local_today
from homecare.flags.services import Caseload, staff_caseloads
from homecare.intake.models import Referral
from homecare.intake.services import record_referral_reads, update_referral
from homecare.org.models import Staff, Team
from homecare.org.services import team_members
from homecare.policy.access import Action, permits
from homecare.policy.lookup import actor, load
from homecare.sections.services import settings_row
from homecare.service_users import names
from homecare.service_users.forms import (
    DetailsForm,
    EndForm,
    KinForm,
    MoveForm,
    NewUserForm,
    chosen,
    yes_no,
)
from homecare.service_users.labels import KIN_LABELS, SERVICE_TYPE_LABELS
from homecare.service_users.models import NextOfKin, ServiceUser, TeamPeriod, TransferRequest
from homecare.service_users.services import (
    assign_responsible_contact,
    move_to_team,
    update_service_user,
)
from homecare.service_users.transfers import (
    decide_transfer,
    register_or_request_transfer,
    registration_waits_message,
)
from homecare.visits.series import stop_after_service_end

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


#: Where the contact page goes once saved, as its ``then`` argument names it: on from a
#: new registration to the first «what matters» conversation.
CONTACT_THEN = {"what_matters": "what_matters_pages.what_matters"}


@blueprint.route("/users/<uuid:user_id>/contact", methods=["GET", "POST"])
def choose_contact(user_id):
    """Choose the responsible contact, seeing each candidate's caseload against the cap;
    then back to the user, or on to the step ``then`` names (``CONTACT_THEN``)."""
    user = load(ServiceUser, user_id, Action.COORDINATE)
    then = CONTACT_THEN.get(request.args.get("then", ""))
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
            return redirect(url_for(then or "care.user", user_id=user.id))
    status = 422 if error else 200
    record_read(user.id, "form: contact")
    return render_template("service_users/contact.html", user=user, candidates=candidates,
                           cap=cap, error=error, then=then), status


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


@blueprint.context_processor
def labels() -> dict:
    """How relations and service types read."""
    return {"kin_labels": {k.value: v for k, v in KIN_LABELS.items()},
            "service_type_labels": {k.value: v for k, v in SERVICE_TYPE_LABELS.items()}}


def _open_referral(team: Team) -> Referral | None:
    """The referral named by ``?referral=``: an open one of ``team`` (404 otherwise, as
    for any record the caller may not change)."""
    raw = request.args.get("referral")
    if not raw:
        return None
    try:
        referral_id = uuid.UUID(raw)
    except ValueError:
        raise NotFound() from None
    referral = load(Referral, referral_id, Action.COORDINATE)
    if referral.team_id != team.id:
        raise NotFound()
    return referral


def _prefill(referral: Referral | None) -> dict:
    """What the referral tells of the new user: the name (in parts where it says them;
    the coordinator checks them) and the day services start."""
    prefill = {"service_start": local_today()}
    if referral is None:
        return prefill
    parts = names.read_parts(referral.person_name)
    words = referral.person_name.split()
    if parts.given is None and len(words) > 1:
        parts = names.NameParts(" ".join(words[:-1]), None, words[-1])
    prefill.update(given_name=parts.given or referral.person_name, family_name=parts.family,
                   service_start=max(local_today(), referral.received_on))
    return prefill


@blueprint.route("/teams/<id:team_id>/users/new", methods=["GET", "POST"])
def new_user(team_id):
    """Register a service user in the team, from an open referral (``?referral=``, the
    form filled from it) or without one; then on to the responsible contact and the first
    «what matters» conversation. A person held by a team the coordinator may not see
    becomes a transfer request (the API's 202), told in words that name no one."""
    team = load(Team, team_id, Action.COORDINATE)
    referral = _open_referral(team)
    if referral is not None:
        record_referral_reads([referral], "form: new user")
        if referral.closed_on is not None or referral.service_user_id is not None:
            flash(_("This referral is closed or has its user already."), "error")
            return redirect(url_for("intake.referral", referral_id=referral.id))
    form = NewUserForm(**_prefill(referral))
    done: list = []

    def register() -> None:
        registered = register_or_request_transfer(
            actor(), national_id=form.national_id.data or "", team=team,
            service_type=form.service_type.data, service_start=form.service_start.data,
            given_name=form.given_name.data or "", middle_name=form.middle_name.data or None,
            family_name=form.family_name.data or "", address_line=form.address_line.data or "",
            postal_code=form.postal_code.data or "", city=form.city.data or "",
            phone=form.phone.data, needs_proxy=chosen(form.needs_proxy.data))
        if isinstance(registered, ServiceUser) and referral is not None:
            update_referral(referral, today=local_today(), service_user=registered)
        done.append(registered)

    if form.validate_on_submit() and saved(form, register,
                                           aliases={"service_user_id": "service_start"}):
        registered = done[0]
        if isinstance(registered, TransferRequest):
            flash(registration_waits_message(), "info")
            return redirect(url_for("care.board", team_id=team.id))
        flash(_("%(name)s is registered. Now name the responsible contact.",
                name=registered.full_name), "success")
        return redirect(url_for("service_users_pages.choose_contact", user_id=registered.id,
                                then="what_matters"))
    return render_template("service_users/new_user.html", form=form, team=team,
                           referral=referral), 422 if form.errors or form.form_errors else 200


def _team_history(user: ServiceUser) -> list[TeamPeriod]:
    return list(db.session.scalars(
        sa.select(TeamPeriod).where(TeamPeriod.service_user_id == user.id)
        .order_by(TeamPeriod.valid_from)))


@blueprint.route("/users/<uuid:user_id>/details")
def user_details(user_id):
    """The user's details: address and phone, next of kin with their phones, whether
    someone must speak for them, the team and its history, the service's dates. Team
    members read them; coordinators change them from here."""
    user = load(ServiceUser, user_id)
    record_read(user.id, "details")
    return render_template("service_users/details.html", user=user,
                           history=_team_history(user),
                           can_coordinate=bool(permits(actor(), Action.COORDINATE, user)))


def _details_back(user: ServiceUser) -> str:
    return url_for("service_users_pages.user_details", user_id=user.id)


@blueprint.route("/users/<uuid:user_id>/details/edit", methods=["GET", "POST"])
def edit_details(user_id):
    """Change the address, the phone and whether the user needs someone to speak for
    them (the record's current answer shown)."""
    user = load(ServiceUser, user_id, Action.COORDINATE)
    form = DetailsForm(address_line=user.address_line, postal_code=user.postal_code,
                       city=user.city, district=user.district, phone=user.phone,
                       needs_proxy=yes_no(user.needs_proxy))

    def save() -> None:
        city = form.city.data or ""
        changes = {"address_line": form.address_line.data or "",
                   "postal_code": form.postal_code.data or "", "city": city,
                   "district": form.district.data or None, "phone": form.phone.data,
                   "needs_proxy": chosen(form.needs_proxy.data)}
        if " ".join(city.split()).casefold() != (user.city or "").casefold():
            changes["municipality_number"] = None   # read again from the new place
        update_service_user(user, **changes)

    return form_page(form, "service_users/edit_details.html", user, save,
                     back=_details_back(user))


def _kin_as_given(kin: NextOfKin) -> dict:
    """A next of kin as the service takes them (the list is given whole)."""
    return {"id": kin.id, "name": kin.name, "relation": kin.relation,
            "relationship": kin.relationship.value if kin.relationship else None,
            "phone": kin.phone, "may_speak_for": kin.may_speak_for}


def _one_kin(user: ServiceUser, kin_id: uuid.UUID) -> NextOfKin:
    kin = next((k for k in user.next_of_kin if k.id == kin_id), None)
    if kin is None:
        raise NotFound()
    return kin


def _kin_page(user: ServiceUser, form: KinForm, kin: NextOfKin | None):
    """Add (``kin`` None) or change a next of kin: the whole list, changed, goes to the
    service, as the API sends it."""
    def save() -> None:
        entered = {"name": form.name.data or "", "relation": form.relation.data or "",
                   "relationship": form.relationship.data or None,
                   "phone": form.phone.data or "",
                   "may_speak_for": chosen(form.may_speak_for.data)}
        people = [{**entered, "id": kin.id} if k is kin else _kin_as_given(k)
                  for k in user.next_of_kin]
        update_service_user(user, next_of_kin=people if kin else [*people, entered])

    index = user.next_of_kin.index(kin) if kin else len(user.next_of_kin)
    aliases = {f"next_of_kin.{index}.{field}": field
               for field in ("name", "relation", "relationship", "phone", "may_speak_for")}
    return form_page(form, "service_users/kin.html", user, save, back=_details_back(user),
                     aliases=aliases, kin=kin)


@blueprint.route("/users/<uuid:user_id>/kin/new", methods=["GET", "POST"])
def add_kin(user_id):
    """Add a next of kin."""
    user = load(ServiceUser, user_id, Action.COORDINATE)
    return _kin_page(user, KinForm(), None)


@blueprint.route("/users/<uuid:user_id>/kin/<uuid:kin_id>", methods=["GET", "POST"])
def edit_kin(user_id, kin_id):
    """Change a next of kin (what is recorded shown; a «may speak for» nobody answered
    stays unanswered until someone does)."""
    user = load(ServiceUser, user_id, Action.COORDINATE)
    kin = _one_kin(user, kin_id)
    form = KinForm(name=kin.name, relation=kin.relation,
                   relationship=kin.relationship.value if kin.relationship else "",
                   phone=kin.phone, may_speak_for=yes_no(kin.may_speak_for))
    return _kin_page(user, form, kin)


@blueprint.route("/users/<uuid:user_id>/kin/<uuid:kin_id>/remove", methods=["POST"])
def remove_kin(user_id, kin_id):
    """Remove a next of kin from the user's list."""
    user = load(ServiceUser, user_id, Action.COORDINATE)
    kin = _one_kin(user, kin_id)
    update_service_user(user, next_of_kin=[_kin_as_given(k) for k in user.next_of_kin
                                           if k is not kin])
    flash(_("%(name)s is removed from the next of kin.", name=kin.name), "success")
    return redirect(_details_back(user))


def _teams_to_move_to(user: ServiceUser) -> list[Team]:
    """The other teams the coordinator coordinates: a move needs a coordinator of both
    (as ``PATCH /service-users/{id}`` with ``team_id``)."""
    me = actor()
    return sorted((t for t in me.teams if t.id != user.team_id
                   and permits(me, Action.COORDINATE, t)), key=lambda t: t.name)


@blueprint.route("/users/<uuid:user_id>/move", methods=["GET", "POST"])
def move_user(user_id):
    """Move the user to another team the coordinator also coordinates, from a day on;
    the history is kept, and access follows the user to the new team. A team the
    coordinator does not coordinate takes the user over by asking (a transfer request,
    answered on this team's board)."""
    user = load(ServiceUser, user_id, Action.COORDINATE)
    teams = _teams_to_move_to(user)
    form = MoveForm(moved_on=local_today())
    form.team.choices = options(*((t.id, t.name) for t in teams))
    by_id = {t.id: t for t in teams}
    return form_page(form, "service_users/move.html", user,
                     lambda: move_to_team(user, by_id[form.team.data], form.moved_on.data),
                     back=_details_back(user), teams=teams, history=_team_history(user))


@blueprint.route("/users/<uuid:user_id>/end", methods=["GET", "POST"])
def end_service(user_id):
    """End the service: the last day and why. Prompts stop after that day; the record
    stays, readable by the team."""
    user = load(ServiceUser, user_id, Action.COORDINATE)
    form = EndForm(service_end=user.service_end or local_today(),
                   service_end_reason=user.service_end_reason)

    def save() -> None:
        update_service_user(user, service_end=form.service_end.data,
                            service_end_reason=form.service_end_reason.data or "")
        stop_after_service_end(user)

    return form_page(form, "service_users/end.html", user, save, back=_details_back(user))


@blueprint.route("/users/<uuid:user_id>/end/undo", methods=["POST"])
def resume_service(user_id):
    """Take back an end of service entered by mistake: the service goes on, its end and
    reason cleared (as ``PATCH`` with ``service_end: null``)."""
    user = load(ServiceUser, user_id, Action.COORDINATE)
    update_service_user(user, service_end=None)
    flash(_("The service goes on."), "success")
    return redirect(_details_back(user))
