"""Building one person's worklist: a fixed number of queries, only their own teams."""

from __future__ import annotations

from datetime import date, timedelta

import sqlalchemy as sa

from homecare.core.access import visible_service_users
from homecare.core.audit import record_reads
from homecare.core.timeutil import start_of_local_day, utcnow
from homecare.extensions import db
from homecare.flags.rules import (
    active_goals_on,
    active_users_on,
    has_what_matters,
)
from homecare.flags.service import user_flags
from homecare.goals.models import Goal
from homecare.org.models import Role, Staff
from homecare.scheduler.models import Prompt, PromptKind
from homecare.service_users.models import ResponsibleContactAssignment as Contact
from homecare.service_users.models import ServiceUser
from homecare.visits.models import Visit


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


def _visits(actor: Staff, day: date) -> list[dict]:
    rows = db.session.execute(
        sa.select(Visit, ServiceUser).join(ServiceUser, ServiceUser.id == Visit.service_user_id)
        .where(Visit.staff_id == actor.id, visible_service_users(actor),
               Visit.planned_start >= start_of_local_day(day),
               Visit.planned_start < start_of_local_day(day + timedelta(days=1)))
        .order_by(Visit.planned_start)).all()
    goals = _first_goals([user.id for _visit, user in rows], day)
    return [{"id": v.id, "service_user": _ref(u), "kind": v.kind, "status": v.status,
             "planned_start": v.planned_start, "planned_minutes": v.planned_minutes,
             "actual_start": v.actual_start, "actual_end": v.actual_end,
             "first_goal": goals.get(u.id)} for v, u in rows]


def _addressed_to(actor: Staff):
    """Prompts for the actor: theirs, and for coordinators the team's unaddressed ones."""
    mine = Prompt.addressed_to_id == actor.id
    if actor.role is Role.COORDINATOR:
        return sa.or_(mine, sa.and_(Prompt.addressed_to_id.is_(None),
                                    Prompt.team_id.in_(sorted(actor.team_ids))))
    return mine


def _checkins_due(actor: Staff, day: date) -> list[dict]:
    rows = db.session.execute(
        sa.select(Prompt, Goal.description, ServiceUser)
        .join(Goal, Goal.id == Prompt.goal_id)
        .join(ServiceUser, ServiceUser.id == Prompt.service_user_id)
        .where(Prompt.kind == PromptKind.CHECKIN_DUE, Prompt.resolved_at.is_(None),
               Prompt.due_date <= day, _addressed_to(actor), visible_service_users(actor))
        .order_by(Prompt.due_date, ServiceUser.full_name)).all()
    return [{"prompt_id": p.id, "goal_id": p.goal_id, "service_user": _ref(u), "goal": text,
             "due_date": p.due_date, "days_overdue": max(0, (day - p.due_date).days)}
            for p, text, u in rows]


def _what_matters_missing(actor: Staff, day: date) -> list[dict]:
    query = (sa.select(ServiceUser).where(visible_service_users(actor), active_users_on(day),
                                          ~has_what_matters())
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
        sa.select(ServiceUser).where(visible_service_users(actor), active_users_on(day))
        .order_by(ServiceUser.full_name)))
    flags, _contacts = user_flags([u.id for u in users], day=day)
    return [{"service_user": _ref(u), "team_id": u.team_id, "flags": flags[u.id]}
            for u in users if flags.get(u.id)]


def worklist_for(actor: Staff, day: date) -> dict:
    """Today's visits, follow-ups due, users not yet asked, and (coordinators) every
    flagged user of their teams. Every user shown is logged as read."""
    body = {"date": day, "visits": _visits(actor, day), "checkins_due": _checkins_due(actor, day),
            "what_matters_missing": _what_matters_missing(actor, day),
            "team_flags": _team_flags(actor, day)}
    shown = [item["service_user"]["id"] for part in ("visits", "checkins_due",
                                                     "what_matters_missing", "team_flags")
             for item in body[part]]
    record_reads(shown, "worklist")
    return body
