"""The coordinator's week planner: plan, move, reassign and cancel visits.

Continuity consequences are shown before anything is saved: a plan with a warning is
saved only once the coordinator has seen the warning for exactly that plan (the page's
``confirm`` field carries a fingerprint of what was shown).
"""

from __future__ import annotations

import hashlib
import uuid
from datetime import date, datetime, timedelta

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from wtforms import SelectChoice

from homecare.care.forms import PlanVisitForm
from homecare.care.labels import KIND_LABELS, STATUS_LABELS
from homecare.care.planner import monday_of, week_plan
from homecare.core.audit import record_read, record_reads
from homecare.core.converters import record_id
from homecare.core.errors import NotFound, ValidationFailed
from homecare.core.timeutil import local_today, local_zone, parse_day, to_local
from homecare.extensions import db
from homecare.org.models import Staff, Team
from homecare.org.services import team_members
from homecare.policy.access import Action
from homecare.policy.lookup import actor, load
from homecare.service_users.models import ServiceUser
from homecare.service_users.services import team_users
from homecare.visits.continuity import Continuity, continuity_of
from homecare.visits.models import Visit, VisitKind, VisitStatus
from homecare.visits.services import PLANNING, change_visit, create_visit, ensure_may_change
from homecare.web.forms import saved

#: The visit service's names for the plan form's fields, where they differ.
ALIASES = {"planned_minutes": "minutes"}


def _week_arg() -> date:
    return monday_of(parse_day(request.args.get("week")) or local_today())


def planner(team_id):
    """The team's week, a row per staff member; ``?week=`` any day of the week wanted."""
    team = load(Team, team_id, Action.COORDINATE)
    week = week_plan(team, _week_arg())
    zone = local_zone()
    # A busy team has a thousand visits a week: translate each label once, not per visit.
    return render_template("care/planner.html", week=week, today=local_today(),
                           previous=week.monday - timedelta(days=7),
                           following=week.monday + timedelta(days=7), teams=actor().teams,
                           kinds={k: str(v) for k, v in KIND_LABELS.items()},
                           statuses={k: str(v) for k, v in STATUS_LABELS.items()},
                           clock=lambda moment: moment.astimezone(zone).strftime("%H:%M"),
                           NO_ID=str(uuid.UUID(int=0)))


def _fill_choices(form: PlanVisitForm, team: Team, day: date, visit: Visit | None
                  ) -> list[ServiceUser]:
    """Offer the team's users and members; the users offered (with name and address)."""
    users = team_users(team, day)
    staff = team_members(team)
    if visit is not None:
        users += [] if visit.service_user in users else [visit.service_user]
        staff += [] if visit.staff in staff else [visit.staff]
    form.service_user_id.choices = [SelectChoice("", _("Choose…"))] + [
        SelectChoice(str(u.id), f"{u.full_name} · {u.address}") for u in users]
    form.staff_id.choices = [SelectChoice(s.id, s.full_name) for s in staff]
    return users


def _planned(form: PlanVisitForm, team: Team):
    """The user, staff, kind and start the form names, or None where it names none."""
    user = db.session.get(ServiceUser, _uuid(form.service_user_id.data))
    staff = db.session.get(Staff, form.staff_id.data) if form.staff_id.data else None
    if user is None or user.team_id != team.id or staff is None:
        return None
    start = datetime.combine(form.day.data, form.time.data, tzinfo=local_zone())
    return user, staff, VisitKind(form.kind.data), start


def _uuid(value) -> uuid.UUID | None:
    try:
        return uuid.UUID(str(value))
    except ValueError:
        return None


def fingerprint(user, staff, kind, start) -> str:
    """A short token naming one plan, so a confirmation cannot carry over to another."""
    text = f"{user.id}|{staff.id}|{kind}|{start.isoformat()}"
    return hashlib.sha256(text.encode()).hexdigest()[:16]


def _plan_page(form: PlanVisitForm, team: Team, visit: Visit | None, save,
               offered: list[ServiceUser]):
    """Validate, show consequences, and save once they have been seen. Drawing the form
    shows every offered user's name and address: a list read of each."""
    continuity: Continuity | None = None
    status = 200
    plan = _planned(form, team) if form.validate_on_submit() else None
    if plan is not None:
        user, staff, kind, start = plan
        continuity = continuity_of(user, staff, kind, start, ignore=visit.id if visit else None)
        seen = form.confirm.data == fingerprint(user, staff, kind, start)
        if (not continuity.warnings or seen) and saved(
                form, lambda: save(user, staff, kind, start), ALIASES):
            flash(_("The visit is planned."), "success")
            return redirect(url_for("care.planner", team_id=team.id,
                                    week=monday_of(start.date()).isoformat()))
        form.confirm.data = fingerprint(user, staff, kind, start)
    if form.errors:
        status = 422
    record_reads([u.id for u in offered], "form: plan visit")
    return render_template("care/plan_visit.html", form=form, team=team, visit=visit,
                           continuity=continuity), status


def plan_visit(team_id):
    """Plan a visit for one of the team's users (prefilled from the planner's cell)."""
    team = load(Team, team_id, Action.COORDINATE)
    day = parse_day(request.args.get("day")) or local_today()
    form = PlanVisitForm(day=day, staff_id=request.args.get("staff_id", type=record_id))
    offered = _fill_choices(form, team, form.day.data or day, None)

    def save(user, staff, kind, start):
        create_visit(user=user, staff=staff, created_by=actor(), kind=kind,
                     planned_start=start, planned_minutes=form.minutes.data)

    return _plan_page(form, team, None, save, offered)


def _plannable(visit_id) -> Visit:
    """A visit the coordinator may move or reassign, by the visit rules (else 409)."""
    visit = load(Visit, visit_id, Action.COORDINATE, through="service_user")
    ensure_may_change(actor(), visit, PLANNING)
    return visit


def replan_visit(visit_id):
    """Move a planned visit to another time or give it to another team member."""
    visit = _plannable(visit_id)
    team = visit.service_user.team
    start = to_local(visit.planned_start)
    form = PlanVisitForm(service_user_id=str(visit.service_user_id), staff_id=visit.staff_id,
                         kind=visit.kind.value, day=start.date(), time=start.time(),
                         minutes=visit.planned_minutes)
    offered = _fill_choices(form, team, start.date(), visit)

    def save(user, staff, kind, start):
        if user.id != visit.service_user_id:
            raise ValidationFailed.single(
                "service_user_id", _("A planned visit stays with its user; plan a new one."))
        change_visit(actor(), visit, staff=staff, kind=kind, planned_start=start,
                     planned_minutes=form.minutes.data)

    return _plan_page(form, team, visit, save, offered)


def cancel_visit(visit_id):
    """Cancel a planned visit (it is kept, marked cancelled, and never counts)."""
    visit = load(Visit, visit_id, Action.RECORD)
    change_visit(actor(), visit, status=VisitStatus.CANCELLED)
    flash(_("The visit is cancelled."), "success")
    return redirect(url_for("care.planner", team_id=visit.service_user.team_id,
                            week=monday_of(to_local(visit.planned_start).date()).isoformat()))


def continuity_preview(team_id):
    """The continuity warnings for the plan being typed (fetched by the planner's script).

    Answers an empty fragment while the plan is incomplete.
    """
    team = load(Team, team_id, Action.COORDINATE)
    visit = None
    if request.args.get("visit"):
        visit_id = _uuid(request.args["visit"])
        if visit_id is None:
            raise NotFound()
        visit = _plannable(visit_id)
    form = PlanVisitForm(request.args, meta={"csrf": False})
    day = parse_day(request.args.get("day")) or local_today()
    _fill_choices(form, team, day, visit)
    plan = _planned(form, team) if form.validate() else None
    if plan is None:
        return ""
    continuity = continuity_of(*plan, ignore=visit.id if visit else None)
    record_read(plan[0].id, "continuity preview")  # the user's contact and recent visits
    return render_template("care/_continuity.html", continuity=continuity,
                           fingerprint=fingerprint(*plan))
