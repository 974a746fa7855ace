"""The screens that cross features: today's work ("I dag") and the user page for team
members on a tablet, the user's journal and own plan, and the coordinator's team board."""

from __future__ import annotations

from collections import Counter

from flask import Blueprint, abort, current_app, render_template, request
from flask_babel import force_locale

from homecare.care.board import (
    GROUP_ORDER,
    SHORT_LIST,
    team_board,
    team_reminders,
    with_flag,
)
from homecare.care.journal import EntryKind, journal
from homecare.care.labels import JOURNAL_KIND_LABELS, REMINDER_LABELS
from homecare.care.own_plan import PLAN_DAYS, own_plan
from homecare.care.user_page import user_page
from homecare.core.audit import keep_ticket, record_read, record_reads
from homecare.core.timeutil import local_today
from homecare.flags.labels import FLAG_LABELS
from homecare.flags.rules import Flag
from homecare.indicators.services import team_evaluation
from homecare.intake.services import record_referral_reads
from homecare.intake.steps import intake_rows
from homecare.offline.versions import day_pages
from homecare.org.models import Team
from homecare.policy.access import Action, permits
from homecare.policy.lookup import actor, load
from homecare.prompts.rules import TEAM_KINDS
from homecare.readings.services import open_questions, recent_readings
from homecare.sections.services import settings_row, thresholds
from homecare.service_users.models import ServiceUser
from homecare.service_users.transfers import incoming_requests, outgoing_requests
from homecare.visits.care_given import CHOICES, open_to_settle
from homecare.visits.services import RECORDING, may_change, may_undo_missed
from homecare.worklist.services import users_shown, worklist_for

blueprint = Blueprint("care", __name__, template_folder="templates")


@blueprint.app_context_processor
def labels() -> dict:
    """The names of the flags, for every page that shows what needs attention."""
    return {"flag_labels": FLAG_LABELS}


@blueprint.route("/today")
def today():
    """Today's visits in time order, follow-ups due, and users not yet asked.

    Leaders and administrators get 403 from the access policy inside the worklist.
    """
    day = local_today()
    work = worklist_for(actor(), day)
    shown = users_shown(work)
    return render_template("care/today.html", day=day, work=work,
                           keep_ticket=keep_ticket(actor().id, shown),
                           day_pages=day_pages(actor().id, shown),
                           team_kinds=[kind.value for kind in TEAM_KINDS])


@blueprint.route("/users/<uuid:user_id>")
def user(user_id):
    """One user's page: what matters to them, in their own words, at the top."""
    page = user_page(load(ServiceUser, user_id, Action.VIEW))
    me = actor()
    completable = {v.id for v in page.today
                   if permits(me, Action.RECORD, v) and may_change(me, v, RECORDING)}
    undoable = {v.id for v in page.today if may_undo_missed(me, v)}
    return render_template("care/user.html", page=page, completable=completable,
                           undoable=undoable,
                           can_coordinate=bool(permits(actor(), Action.COORDINATE, page.user)),
                           back=request.args.get("from"))


@blueprint.route("/users/<uuid:user_id>/plan")
def plan(user_id):
    """The user's own plan ("Min plan") to print: in bokmål unless ``?lang=en`` (the
    person it is for reads it, whatever language the team member works in)."""
    page = own_plan(load(ServiceUser, user_id, Action.VIEW))
    language = request.args.get("lang")
    if language not in current_app.config["LANGUAGES"]:
        language = current_app.config["BABEL_DEFAULT_LOCALE"]
    with force_locale(language):
        return render_template("care/own_plan.html", plan=page, language=language,
                               plan_days=PLAN_DAYS)


@blueprint.route("/users/<uuid:user_id>/journal")
def journal_page(user_id):
    """The user's journal: every record, newest first, a page at a time, by kind."""
    user = load(ServiceUser, user_id, Action.VIEW)
    chosen = _kinds(request.args.getlist("kind"))
    page = max(1, min(request.args.get("page", 1, type=int) or 1, 1000))
    found = journal(user, kinds=chosen, page=page)
    record_read(user.id, "journal")
    return render_template("care/journal.html", user=user, journal=found, chosen=chosen,
                           chosen_values=[k.value for k in chosen],
                           kind_choices=list(JOURNAL_KIND_LABELS.items()))


def _kinds(asked: list[str]) -> list[EntryKind]:
    """The kinds a reader asked for, unknown ones left out (none: every kind)."""
    known = {kind.value: kind for kind in EntryKind}
    return [known[value] for value in dict.fromkeys(asked) if value in known]


@blueprint.route("/teams/<id:team_id>/board")
def board(team_id):
    """The team meeting: what to settle and the intake steps first, then every reminder
    of the team grouped by kind (``?show=<kind>`` lists a kind in full), then every user
    with what needs attention (``?flag=`` keeps those with one flag)."""
    team = load(Team, team_id, Action.COORDINATE)
    flag = request.args.get("flag") or None
    if flag is not None and flag not in {f.value for f in Flag}:
        abort(400)
    shown = [kind for kind in dict.fromkeys(request.args.getlist("show")) if kind in GROUP_ORDER]
    rows = team_board(team)
    groups = team_reminders(actor(), team, rows, full=shown)
    listed = with_flag(rows, flag)
    record_reads([row.user.id for row in listed], "team board")
    intake = intake_rows(team, local_today(), thresholds(settings_row(team.section)))
    record_referral_reads([row.referral for row in intake if row.referral],
                          "team board: intake")
    record_reads([row.user.id for row in intake if row.user], "team board: intake")
    incoming = incoming_requests([team.id])
    record_reads([t.service_user_id for t in incoming], "team board: transfer requests")
    to_settle = open_to_settle([team.id])
    return render_template("care/board.html", team=team, rows=listed,
                           to_settle=to_settle, settle_choices=CHOICES,
                           groups=groups, shown=shown, short_list=SHORT_LIST,
                           reminder_labels=REMINDER_LABELS,
                           flag_counts=Counter(f for row in rows for f in row.flags),
                           user_count=len(rows),
                           readings=recent_readings(team, local_today()),
                           questions=open_questions(team),
                           intake=intake, today=local_today(), incoming=incoming,
                           evaluation=team_evaluation(team, local_today()),
                           outgoing=outgoing_requests([team.id], local_today()),
                           flag=flag, teams=actor().teams, flags=list(Flag))
