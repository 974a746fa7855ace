"""Today's work ("I dag") and the user page, for team members on a tablet."""

from __future__ import annotations

from flask import current_app, render_template, request
from flask_babel import force_locale

from homecare.care.journal import EntryKind, journal
from homecare.care.labels import (
    ANSWER_LABELS,
    ANSWERED_BY_LABELS,
    CHECK_IN_QUESTIONS,
    EXPRESSED_LABELS,
    FLAG_LABELS,
    GOAL_STATUS_LABELS,
    JOURNAL_KIND_LABELS,
    KIND_LABELS,
    SETTLE_REASON_LABELS,
    SETTLEMENT_LABELS,
    STATUS_LABELS,
)
from homecare.care.own_plan import PLAN_DAYS, own_plan
from homecare.care.services import user_page
from homecare.core.audit import keep_ticket, record_read
from homecare.core.timeutil import local_today
from homecare.offline.versions import day_pages
from homecare.policy.access import Action, permits
from homecare.policy.lookup import actor, load
from homecare.prompts.rules import TEAM_KINDS
from homecare.service_users.models import ServiceUser
from homecare.visits.services import RECORDING, may_change, may_undo_missed
from homecare.worklist.service import users_shown, worklist_for


def labels() -> dict:
    """Translated value names for the care pages."""
    return {"kind_labels": KIND_LABELS, "status_labels": STATUS_LABELS,
            "answer_labels": ANSWER_LABELS, "expressed_labels": EXPRESSED_LABELS,
            "flag_labels": FLAG_LABELS, "answered_by_labels": ANSWERED_BY_LABELS,
            "check_in_questions": CHECK_IN_QUESTIONS, "goal_status_labels": GOAL_STATUS_LABELS,
            "settle_reason_labels": SETTLE_REASON_LABELS, "settlement_labels": SETTLEMENT_LABELS}


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
