"""The pages of visits: the coordinator's week planner (plan, move, reassign, cancel),
completing a visit in the home or saying it did not take place, and settling care given
against a plan that changed meanwhile.

Continuity consequences are shown before a plan is saved: a plan with a warning is saved
only once the coordinator has seen the warning for exactly that plan (the page's
``confirm`` field carries a fingerprint of what was shown).
"""

from __future__ import annotations

import hashlib
import uuid
from datetime import date, datetime, timedelta

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from wtforms import SelectChoice

from homecare.core.audit import record_read, record_reads
from homecare.core.converters import record_id
from homecare.core.errors import DomainError, NotFound, ValidationFailed
from homecare.core.extensions import db
from homecare.core.forms import attach_errors, form_page, saved
from homecare.core.timeutil import local_today, local_zone, parse_day, to_local, utcnow
from homecare.flags.rules import Flag
from homecare.flags.services import active_goals
from homecare.goals.models import Goal
from homecare.org.models import Staff, Team
from homecare.org.services import team_members
from homecare.policy.access import Action, permits
from homecare.policy.lookup import actor, load
from homecare.service_users.models import ServiceUser
from homecare.service_users.services import current_contacts, team_users
from homecare.visits.care_given import load_for_care, settle
from homecare.visits.continuity import Continuity, continuity_of
from homecare.visits.forms import (
    CancelFollowingForm,
    CompleteVisitForm,
    MissedVisitForm,
    PlanVisitForm,
    ReplanVisitForm,
)
from homecare.visits.labels import (
    KIND_LABELS,
    SETTLE_REASON_LABELS,
    SETTLEMENT_LABELS,
    STATUS_LABELS,
    WEEKDAY_LABELS,
)
from homecare.visits.models import Visit, VisitKind, VisitStatus, VisitToSettle
from homecare.visits.series import (
    Overlapping,
    cancel_following,
    change_following,
    check_series,
    copy_week,
    move_one,
    moved_following,
    plan_one,
    plan_series,
    series_of,
    series_spans,
    week_copy,
)
from homecare.visits.services import (
    PLANNING,
    RECORDING,
    UNDO_MISSED,
    Overlap,
    as_seen_by,
    change_visit,
    ensure_may_change,
    mark_missed,
    may_change,
    overlaps,
    refuse_past_day,
    undo_missed,
)
from homecare.visits.week import monday_of, user_week, week_plan

blueprint = Blueprint("visits_pages", __name__, template_folder="templates")


@blueprint.app_context_processor
def labels() -> dict:
    """The names of visits' values, for every page that shows a visit."""
    return {"kind_labels": KIND_LABELS, "status_labels": STATUS_LABELS,
            "settle_reason_labels": SETTLE_REASON_LABELS, "settlement_labels": SETTLEMENT_LABELS}


def _completion(visit: Visit, started, ended, note) -> dict:
    """The changes that complete (or correct) a visit: times on its planned local day."""
    day = to_local(visit.planned_start).date()

    def at(clock):
        return datetime.combine(day, clock, tzinfo=local_zone())

    return {"status": VisitStatus.COMPLETED, "actual_start": at(started),
            "actual_end": at(ended), "note": note or None}


@blueprint.route("/visits/<uuid:visit_id>/complete", methods=["GET", "POST"])
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
    return form_page(form, "visits/complete_visit.html", visit.service_user, lambda: change_visit(
        actor(), visit, **_completion(visit, form.started.data, form.ended.data, form.note.data)),
        back=url_for("care.user", user_id=visit.service_user_id),
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
    return [(goal, url_for("goals_pages.check_in", user_id=user.id, goal_id=goal.id))
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


@blueprint.route("/visits/<uuid:visit_id>/missed", methods=["GET", "POST"])
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
    return render_template("visits/visit_missed.html", form=form, visit=visit,
                           user=visit.service_user), status


@blueprint.route("/visits/<uuid:visit_id>/missed/undo", methods=["POST"])
def undo_visit_missed(visit_id):
    """Take back "did not take place" (the person who said it, within ``UNDO_MISSED``)."""
    visit = load(Visit, visit_id, Action.RECORD)
    undo_missed(actor(), visit)
    flash(_("The visit is planned again."), "success")
    return redirect(url_for("care.user", user_id=visit.service_user_id))


@blueprint.route("/visits-to-settle/<uuid:item_id>", methods=["POST"])
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


#: The visit service's names for the plan form's fields, where they differ.
ALIASES = {"planned_minutes": "minutes", "planned_start": "day", "first_day": "day",
           "weekdays": "repeat_days"}


def _week_arg() -> date:
    return monday_of(parse_day(request.args.get("week")) or local_today())


@blueprint.route("/teams/<id:team_id>/planner")
def planner(team_id):
    """The team's week, a row per staff member; ``?week=`` any day of the week wanted."""
    team = load(Team, team_id, Action.COORDINATE)
    week = week_plan(team, _week_arg())
    users = team_users(team, local_today())   # for "a user's week"
    record_reads([u.id for u in users], "week planner: users")
    zone = local_zone()
    # A busy team has a thousand visits a week: translate each label once, not per visit.
    return render_template("visits/planner.html", week=week, today=local_today(),
                           previous=week.monday - timedelta(days=7),
                           following=week.monday + timedelta(days=7), teams=actor().teams,
                           kinds={k: str(v) for k, v in KIND_LABELS.items()},
                           statuses={k: str(v) for k, v in STATUS_LABELS.items()},
                           clock=lambda moment: moment.astimezone(zone).strftime("%H:%M"),
                           NO_ID=str(uuid.UUID(int=0)), users=users)


@blueprint.route("/teams/<id:team_id>/planner/copy", methods=["GET", "POST"])
def copy_planned_week(team_id):
    """Copy the week's visits (all but the cancelled) to the next week, after saying how
    many will be copied and skipped; the copy is made only by the button."""
    team = load(Team, team_id, Action.COORDINATE)
    monday = _week_arg()
    if request.method == "POST":
        result = copy_week(actor(), team, monday)
        flash(ngettext("%(num)d visit copied to the next week; %(already)d were already "
                       "planned there and %(refused)d could not be copied.",
                       "%(num)d visits copied to the next week; %(already)d were already "
                       "planned there and %(refused)d could not be copied.", result.copied,
                       already=result.already, refused=result.refused), "success")
        return redirect(url_for("visits_pages.planner", team_id=team.id,
                                week=(monday + timedelta(days=7)).isoformat()))
    plan = week_copy(team, monday)
    record_reads([v.service_user_id for v, _start in plan.to_copy], "week planner: copy")
    return render_template("visits/copy_week.html", team=team, plan=plan, monday=monday,
                           next_monday=monday + timedelta(days=7))


@blueprint.route("/users/<uuid:user_id>/week")
def user_week_page(user_id):
    """One user's week: who comes when, Monday to Sunday (``?week=`` any day of it)."""
    user = load(ServiceUser, user_id, Action.VIEW)
    week = user_week(user, _week_arg())
    record_read(user.id, "week")
    return render_template("visits/user_week.html", week=week, today=local_today(),
                           previous=week.monday - timedelta(days=7),
                           following=week.monday + timedelta(days=7),
                           can_coordinate=bool(permits(actor(), Action.COORDINATE, user)))


@blueprint.route("/teams/<id:team_id>/planner/user-week")
def user_week_redirect(team_id):
    """The planner's "a user's week" form (works without a script): on to that page."""
    team = load(Team, team_id, Action.COORDINATE)
    user = load(ServiceUser, _uuid(request.args.get("user")) or uuid.UUID(int=0),
                Action.VIEW)
    if user.team_id != team.id:
        raise NotFound()
    return redirect(url_for("visits_pages.user_week_page", user_id=user.id,
                            week=request.args.get("week") or None))


def _fill_choices(form, team: Team, day: date, visit: Visit | None) -> list[ServiceUser]:
    """Offer the team's users and members; the users offered (with name and address).

    The users are those served on the chosen day or today, so that a day in the past
    (refused in plain words) does not clear the chosen user. The members come with the
    chosen user's responsible contact first; each user's option names their contact, for
    the script that moves the contact to the top when another user is chosen.
    """
    users = {u.id: u for u in team_users(team, day)}
    if day != local_today():
        users |= {u.id: u for u in team_users(team, local_today())}
    users = sorted(users.values(), key=lambda u: (u.full_name, str(u.id)))
    staff = team_members(team)
    if visit is not None:
        users += [] if visit.service_user in users else [visit.service_user]
        staff += [] if visit.staff in staff else [visit.staff]
    contacts = current_contacts([u.id for u in users])
    chosen = visit.service_user_id if visit is not None else _uuid(form.service_user_id.data)
    contact = contacts.get(chosen)
    form.service_user_id.choices = [SelectChoice("", _("Choose…"))] + [
        SelectChoice(str(u.id), f"{u.full_name} · {u.address}",
                     render_kw={"data-contact": contacts.get(u.id, "")}) for u in users]
    suffix = _("responsible contact")
    form.staff_id.choices = [
        SelectChoice(s.id, f"{s.full_name} · {suffix}" if s.id == contact else s.full_name,
                     render_kw={"data-name": s.full_name})
        for s in sorted(staff, key=lambda s: s.id != contact)]
    return users


def _planned(form, team: Team):
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


def overlap_token(found: list[Overlap]) -> str:
    """A short token naming the visits a plan would book over: confirming a double
    booking holds for exactly these."""
    text = "|".join(sorted({f"{o.visit.id}@{o.start.isoformat()}" for o in found}))
    return hashlib.sha256(text.encode()).hexdigest()[:16] if found else ""


def _repeats(form) -> bool:
    return isinstance(form, PlanVisitForm) and bool(form.repeat_days.data or form.until.data)


def _occurrences(form, plan) -> int | None:
    """How many visits a repeat would plan (None: one visit, or a repeat not valid yet)."""
    if plan is None or not _repeats(form):
        return None
    try:
        return len(check_series(user=plan[0], weekdays=form.repeat_days.data,
                                first_day=form.day.data, until=form.until.data,
                                planned_minutes=form.minutes.data))
    except DomainError:
        return None


def _following(form, visit: Visit | None) -> bool:
    return (visit is not None and visit.series_id is not None
            and isinstance(form, ReplanVisitForm) and form.scope.data == "following")


def _overlaps_shown(form, plan, visit: Visit | None) -> list[Overlap]:
    """The double bookings the plan would make, as shown before saving (the services
    check them again when it is saved)."""
    user, staff, _kind, start = plan
    minutes = timedelta(minutes=form.minutes.data)
    ignore: list = [visit.id] if visit is not None else []
    try:
        if _following(form, visit):
            _visits, starts = moved_following(visit, start)
            spans, ignore = [(s, s + minutes) for s in starts.values()], list(starts)
        elif _repeats(form):
            days = check_series(user=user, weekdays=form.repeat_days.data,
                                first_day=form.day.data, until=form.until.data,
                                planned_minutes=form.minutes.data)
            spans = series_spans(days, start.time(), form.minutes.data)
        else:
            spans = [(start, start + minutes)]
    except DomainError:
        return []
    return as_seen_by(actor(), overlaps(staff, spans, ignore=ignore))


def _check_days(form, user: ServiceUser, unchanged: date | None) -> None:
    """Refuse a day in the past, and a repeat's days that do not hold, before anything
    else is shown (the continuity warnings would otherwise come first)."""
    refuse_past_day(form.day.data, unchanged=unchanged)
    if _repeats(form):
        check_series(user=user, weekdays=form.repeat_days.data, first_day=form.day.data,
                     until=form.until.data, planned_minutes=form.minutes.data)


def _attempt(form, save) -> tuple[str | None, list[Overlap]]:
    """Save through the services (``save(allow_overlap)`` answers the message to show);
    a double booking is saved only when the page was sent with ``allow_overlap`` ticked
    for exactly the visits it books over. What it saved (or None) and the overlaps."""
    try:
        return save(False), []
    except Overlapping as clash:
        db.session.rollback()
        found = as_seen_by(actor(), clash.overlaps)
    except ValidationFailed as refusal:
        db.session.rollback()
        attach_errors(form, refusal.errors, ALIASES)
        return None, []
    if not (request.form.get("allow_overlap") == "yes"
            and request.form.get("overlap_seen") == overlap_token(found)):
        return None, found
    try:
        return save(True), found
    except ValidationFailed as refusal:
        db.session.rollback()
        attach_errors(form, refusal.errors, ALIASES)
        return None, found


def _plan_page(form, team: Team, visit: Visit | None, save, offered: list[ServiceUser]):
    """Validate, show consequences, and save once they have been seen: the continuity
    warnings (``confirm``), and a double booking of the staff member, saved only with
    ``allow_overlap`` ticked for exactly the visits shown (``overlap_seen``). Drawing the
    form shows every offered user's name and address: a list read of each."""
    continuity: Continuity | None = None
    found: list[Overlap] = []
    plan = _planned(form, team) if form.validate_on_submit() else None
    unchanged = to_local(visit.planned_start).date() if visit is not None else None
    if plan is not None and not saved(form, lambda: _check_days(form, plan[0], unchanged),
                                      ALIASES):
        plan = None
    if plan is not None:
        user, staff, kind, start = plan
        continuity = continuity_of(user, staff, kind, start, ignore=visit.id if visit else None)
        seen = form.confirm.data == fingerprint(*plan)
        if continuity.warnings and not seen:
            found = _overlaps_shown(form, plan, visit)
        else:
            message, found = _attempt(form, lambda allow: save(*plan, allow_overlap=allow))
            if message:
                flash(message, "success")
                return redirect(url_for("visits_pages.planner", team_id=team.id,
                                        week=monday_of(start.date()).isoformat()))
        form.confirm.data = fingerprint(*plan)
    status = 422 if form.errors or form.form_errors else 200
    record_reads([u.id for u in offered], "form: plan visit")
    return render_template("visits/plan_visit.html", form=form, team=team, visit=visit,
                           continuity=continuity, overlaps=found,
                           overlap_token=overlap_token(found),
                           occurrences=_occurrences(form, plan),
                           staff_name=plan[1].full_name if plan else "",
                           series=series_of(visit) if visit is not None else None,
                           cancel_form=CancelFollowingForm() if visit is not None else None,
                           weekday_labels=WEEKDAY_LABELS), status


@blueprint.route("/teams/<id:team_id>/planner/new", methods=["GET", "POST"])
def plan_visit(team_id):
    """Plan a visit for one of the team's users, once or every week on chosen weekdays
    until a date (prefilled from the planner's cell, or from the board: the user and
    their responsible contact)."""
    team = load(Team, team_id, Action.COORDINATE)
    day = parse_day(request.args.get("day")) or local_today()
    chosen_user = request.args.get("service_user_id") or request.args.get("user")
    form = PlanVisitForm(day=day, staff_id=request.args.get("staff_id", type=record_id),
                         service_user_id=chosen_user)
    offered = _fill_choices(form, team, form.day.data or day, None)

    def save(user, staff, kind, start, *, allow_overlap):
        if _repeats(form):
            _series, visits = plan_series(
                actor(), user=user, staff=staff, kind=kind, weekdays=form.repeat_days.data,
                start_time=start.time(), planned_minutes=form.minutes.data,
                first_day=form.day.data, until=form.until.data, allow_overlap=allow_overlap)
            return ngettext("The visit is planned every week: %(num)d visit.",
                            "The visit is planned every week: %(num)d visits.", len(visits))
        plan_one(created_by=actor(), user=user, staff=staff, kind=kind, planned_start=start,
                 planned_minutes=form.minutes.data, allow_overlap=allow_overlap)
        return _("The visit is planned.")

    return _plan_page(form, team, None, save, offered)


def _plannable(visit_id) -> Visit:
    """A visit the coordinator may move or reassign, by the visit rules (else 409)."""
    visit = load(Visit, visit_id, Action.COORDINATE, through="service_user")
    ensure_may_change(actor(), visit, PLANNING)
    return visit


@blueprint.route("/visits/<uuid:visit_id>/plan", methods=["GET", "POST"])
def replan_visit(visit_id):
    """Move a planned visit to another time or give it to another team member; a
    repeating one alone, or with all following."""
    visit = _plannable(visit_id)
    team = visit.service_user.team
    start = to_local(visit.planned_start)
    form = ReplanVisitForm(service_user_id=str(visit.service_user_id), staff_id=visit.staff_id,
                           kind=visit.kind.value, day=start.date(), time=start.time(),
                           minutes=visit.planned_minutes)
    offered = _fill_choices(form, team, start.date(), visit)

    def save(user, staff, kind, start, *, allow_overlap):
        if user.id != visit.service_user_id:
            raise ValidationFailed.single(
                "service_user_id", _("A planned visit stays with its user; plan a new one."))
        if _following(form, visit):
            changed = change_following(actor(), visit, staff=staff, kind=kind,
                                       planned_start=start, planned_minutes=form.minutes.data,
                                       allow_overlap=allow_overlap)
            return ngettext("%(num)d visit changed.", "%(num)d visits changed.",
                            len(changed))
        move_one(actor(), visit, staff=staff, kind=kind, planned_start=start,
                 planned_minutes=form.minutes.data, allow_overlap=allow_overlap)
        return _("The visit is planned.")

    return _plan_page(form, team, visit, save, offered)


@blueprint.route("/visits/<uuid:visit_id>/cancel", methods=["POST"])
def cancel_visit(visit_id):
    """Cancel a planned visit (it is kept, marked cancelled, and never counts)."""
    visit = load(Visit, visit_id, Action.RECORD)
    change_visit(actor(), visit, status=VisitStatus.CANCELLED)
    flash(_("The visit is cancelled."), "success")
    return redirect(url_for("visits_pages.planner", team_id=visit.service_user.team_id,
                            week=monday_of(to_local(visit.planned_start).date()).isoformat()))


@blueprint.route("/visits/<uuid:visit_id>/cancel-following", methods=["POST"])
def cancel_following_visits(visit_id):
    """Cancel a repeating visit and every later one still planned (with the box ticked);
    those carried out or missed stay as they are."""
    visit = _plannable(visit_id)
    form = CancelFollowingForm()
    if not form.validate_on_submit():
        flash(_("Tick the box to confirm."), "error")
        return redirect(url_for("visits_pages.replan_visit", visit_id=visit.id))
    week = monday_of(to_local(visit.planned_start).date()).isoformat()
    cancelled = cancel_following(actor(), visit)
    flash(ngettext("%(num)d visit cancelled.", "%(num)d visits cancelled.", len(cancelled)),
          "success")
    return redirect(url_for("visits_pages.planner", team_id=visit.service_user.team_id,
                            week=week))


@blueprint.route("/teams/<id:team_id>/planner/continuity")
def continuity_preview(team_id):
    """The continuity warnings and double bookings for the plan being typed (fetched by
    the planner's script). Answers an empty fragment while the plan is incomplete."""
    team = load(Team, team_id, Action.COORDINATE)
    visit = None
    if request.args.get("visit"):
        visit_id = _uuid(request.args["visit"])
        if visit_id is None:
            raise NotFound()
        visit = _plannable(visit_id)
    form_class = ReplanVisitForm if visit is not None else PlanVisitForm
    form = form_class(request.args, meta={"csrf": False})
    day = parse_day(request.args.get("day")) or local_today()
    _fill_choices(form, team, day, visit)
    plan = _planned(form, team) if form.validate() else None
    if plan is None:
        return ""
    continuity = continuity_of(*plan, ignore=visit.id if visit else None)
    found = _overlaps_shown(form, plan, visit)
    record_read(plan[0].id, "continuity preview")  # the user's contact and recent visits
    record_reads([o.visit.service_user_id for o in found if o.shown],
                 "continuity preview: overlaps")
    return render_template("visits/_continuity.html", continuity=continuity,
                           fingerprint=fingerprint(*plan), overlaps=found,
                           overlap_token=overlap_token(found), staff_name=plan[1].full_name,
                           occurrences=_occurrences(form, plan))
