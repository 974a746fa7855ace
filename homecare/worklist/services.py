"""Building one person's worklist: a fixed number of queries, only their own teams."""

from __future__ import annotations

from datetime import date

import sqlalchemy as sa
from flask import url_for
from flask_babel import lazy_gettext as _l

from homecare.core.audit import record_read, record_reads
from homecare.core.extensions import db
from homecare.core.timeutil import LocalDays, utcnow
from homecare.flags.rules import (
    Flag,
    active_goals_on,
    has_what_matters,
)
from homecare.flags.services import user_flags
from homecare.goals.models import Goal
from homecare.intake.steps import late_steps
from homecare.org.models import Role, Staff
from homecare.policy.access import visible_service_users
from homecare.prompts.models import PromptKind
from homecare.prompts.rules import open_prompts
from homecare.prompts.services import for_actor, with_addressee
from homecare.sections.services import thresholds_by_team
from homecare.service_users.models import ResponsibleContactAssignment as Contact
from homecare.service_users.models import ServiceUser
from homecare.visits.models import Visit
from homecare.visits.services import RECORDING, may_change


def _ref(user: ServiceUser) -> dict:
    return {"id": user.id, "full_name": user.full_name, "address": user.address}


def _first_goals(user_ids, day: date) -> dict:
    """Each user's earliest active goal, in their words (one query)."""
    ranked = (sa.select(Goal.service_user_id, Goal.description, sa.func.row_number().over(
        partition_by=Goal.service_user_id, order_by=(Goal.start_date, Goal.created_at))
        .label("rank")).where(Goal.service_user_id.in_(user_ids), active_goals_on(day))
        .subquery())
    return dict(db.session.execute(sa.select(ranked.c.service_user_id, ranked.c.description)
                                   .where(ranked.c.rank == 1)).all())


#: The flags a visit row carries: what the nurse can do in the home, whoever's user it is
#: (a follow-up a year overdue was invisible to the nurse who visits daily).
VISIT_FLAGS = (Flag.CHECKIN_OVERDUE, Flag.CHECKIN_DUE, Flag.WHAT_MATTERS_MISSING)


def _visits(actor: Staff, day: date) -> list[dict]:
    """The caller's visits of ``day``, each with the user's first goal and the flags the
    nurse can act on at the visit (a fixed number of queries)."""
    rows = db.session.execute(
        sa.select(Visit, ServiceUser).join(ServiceUser, ServiceUser.id == Visit.service_user_id)
        .where(Visit.staff_id == actor.id, visible_service_users(actor),
               LocalDays(day, day).holds(Visit.planned_start))
        .order_by(Visit.planned_start)).all()
    goals = _first_goals([user.id for _visit, user in rows], day)
    flags, _contacts = user_flags([user.id for _visit, user in rows], day=day)
    # Only the caller's own visits, which the policy lets them record: the visit rules
    # decide the rest.
    return [{"id": v.id, "service_user": _ref(u), "kind": v.kind, "status": v.status,
             "planned_start": v.planned_start, "planned_minutes": v.planned_minutes,
             "actual_start": v.actual_start, "actual_end": v.actual_end,
             "first_goal": goals.get(u.id),
             "flags": [flag for flag in VISIT_FLAGS if flag in flags.get(u.id, ())],
             "can_record": may_change(actor, v, RECORDING)} for v, u in rows]


#: What each prompt asks for, as the worklist says it.
ACTIONS = {
    PromptKind.CHECKIN_DUE: (_l("Follow up the goal with the user"), "goals_pages.check_in"),
    PromptKind.WHAT_MATTERS_MISSING: (_l("Ask «What matters to you?»"),
                                      "what_matters_pages.what_matters"),
    PromptKind.DECISION_MISSING: (_l("Make the team decision with the user"),
                                  "decisions_pages.new_decision"),
    PromptKind.DECISION_REVIEW_OVERDUE: (_l("Review the team decision with the user"),
                                         "decisions_pages.decision"),
}


def _link(kind: PromptKind, user_id, goal_id, decision_id=None) -> str:
    endpoint = ACTIONS[kind][1]
    if kind is PromptKind.CHECKIN_DUE:
        return url_for(endpoint, user_id=user_id, goal_id=goal_id)
    if kind is PromptKind.DECISION_REVIEW_OVERDUE:
        # The decision to review: kept as it is, revised or ended from its page.
        return url_for(endpoint, decision_id=decision_id)
    return url_for(endpoint, user_id=user_id)


def prompts_for(actor: Staff, day: date) -> list[dict]:
    """Every prompt open for ``actor`` on ``day`` (one query): the user's responsible
    contact's, and for a coordinator the team's; each with what to do and a link."""
    found = open_prompts(day, visible_service_users(actor))
    rows = for_actor(actor, with_addressee(found)).subquery("mine")
    query = (sa.select(rows, ServiceUser, Goal.description)
             .join(ServiceUser, ServiceUser.id == rows.c.user_id)
             .outerjoin(Goal, Goal.id == rows.c.goal_id)
             .order_by(rows.c.due, ServiceUser.full_name, rows.c.kind))
    items = []
    for row in db.session.execute(query):
        kind = PromptKind(row.kind)
        items.append({"kind": kind, "service_user": _ref(row.ServiceUser), "goal_id": row.goal_id,
                      "goal": row.description, "decision_id": row.decision_id,
                      "due_date": row.due, "days_overdue": max(0, (day - row.due).days),
                      "action": str(ACTIONS[kind][0]),
                      "link": _link(kind, row.user_id, row.goal_id, row.decision_id)})
    return items


def _checkins_due(prompts: list[dict]) -> list[dict]:
    """The follow-up prompts, in the worklist's contract shape."""
    return [{key: item[key] for key in ("goal_id", "service_user", "goal", "due_date",
                                        "days_overdue")}
            for item in prompts if item["kind"] is PromptKind.CHECKIN_DUE]


def _what_matters_missing(actor: Staff, day: date) -> list[dict]:
    query = (sa.select(ServiceUser).where(visible_service_users(actor),
                                          ServiceUser.is_active_on(day), ~has_what_matters())
             .order_by(ServiceUser.service_start, ServiceUser.full_name))
    if actor.role is not Role.COORDINATOR:
        mine = sa.select(Contact.service_user_id).where(Contact.staff_id == actor.id,
                                                         Contact.covers(utcnow()))
        query = query.where(ServiceUser.id.in_(mine))
    return [{"service_user": _ref(u), "service_start": u.service_start,
             "days_since_start": (day - u.service_start).days}
            for u in db.session.scalars(query)]


def _team_flags(actor: Staff, day: date) -> list[dict]:
    if actor.role is not Role.COORDINATOR:
        return []
    users = list(db.session.scalars(
        sa.select(ServiceUser).where(visible_service_users(actor), ServiceUser.is_active_on(day))
        .order_by(ServiceUser.full_name)))
    flags, _contacts = user_flags([u.id for u in users], day=day)
    return [{"service_user": _ref(u), "team_id": u.team_id, "flags": flags[u.id]}
            for u in users if flags.get(u.id)]


def _intake_late(actor: Staff, day: date) -> list[dict]:
    """Coordinators: the late intake steps of their teams (each referral read logged)."""
    if actor.role is not Role.COORDINATOR:
        return []
    late = late_steps(actor.teams, day, thresholds_by_team(t.id for t in actor.teams))
    for item in late:
        if item["referral_id"] is not None:
            record_read(item["service_user_id"], "worklist: intake", entity="referrals",
                        entity_id=item["referral_id"])
    return late


def worklist_for(actor: Staff, day: date) -> dict:
    """Today's visits, every prompt for the caller (follow-ups due among them), users not
    yet asked, and (coordinators) every flagged user of their teams and every late intake
    step. Every user shown is logged as read."""
    prompts = prompts_for(actor, day)
    body = {"date": day, "visits": _visits(actor, day), "prompts": prompts,
            "checkins_due": _checkins_due(prompts),
            "what_matters_missing": _what_matters_missing(actor, day),
            "team_flags": _team_flags(actor, day), "intake_late": _intake_late(actor, day)}
    record_reads(users_shown(body), "worklist")
    return body


def users_shown(worklist: dict) -> list:
    """The ids of every user a worklist shows (``worklist_for``'s answer)."""
    shown = [item["service_user"]["id"] for part in ("visits", "prompts",
                                                     "what_matters_missing", "team_flags")
             for item in worklist[part]]
    return shown + [item["service_user_id"] for item in worklist["intake_late"]
                    if item["service_user_id"] is not None]
