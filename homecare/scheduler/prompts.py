"""Creating, resolving and re-addressing prompts.

Created by the daily jobs from the same rules as the flags (INDICATORS.md); resolved
when the thing is done (a check-in, a conversation, a decision) and by each job's sweep
for what changed otherwise (a goal closed or put on hold, a service ended).
"""

from __future__ import annotations

import uuid
from datetime import date, timedelta

import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import insert as postgresql_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert

from homecare.core.sqlfunc import add_days
from homecare.core.timeutil import utcnow
from homecare.decisions.models import Decision
from homecare.extensions import db
from homecare.flags.rules import (
    active_goals_on,
    active_users_on,
    decision_in_force_on,
    goal_next_due,
    has_what_matters,
)
from homecare.goals.models import CheckIn, Goal
from homecare.scheduler.models import Prompt, PromptKind
from homecare.service_users.models import ServiceType, ServiceUser

#: Days after the start of a service before a missing what-matters conversation prompts.
WHAT_MATTERS_AFTER_DAYS = 3
#: Days after the start of a service before a missing team decision prompts.
DECISION_AFTER_DAYS = 14
_BATCH = 500


def _insert_once(rows: list[dict]) -> int:
    """Insert prompts, skipping any whose dedupe key exists; returns how many were new."""
    if not rows:
        return 0
    dialect = db.session.get_bind().dialect.name
    insert = postgresql_insert if dialect == "postgresql" else sqlite_insert
    created = 0
    for start in range(0, len(rows), _BATCH):
        statement = insert(Prompt).values(rows[start:start + _BATCH]).on_conflict_do_nothing(
            index_elements=["dedupe_key"]).returning(Prompt.id)
        # Counted from RETURNING: a driver's rowcount is -1 for some multi-row inserts.
        created += len(db.session.execute(statement).all())
    return created


def _prompt_rows(found, kind: PromptKind, key) -> list[dict]:
    """Rows for new prompts, addressed to each user's responsible contact right now."""
    from homecare.service_users.services import current_contacts

    found = list(found)
    contacts = current_contacts([row.user_id for row in found])
    return [{"id": uuid.uuid4(), "dedupe_key": key(row), "kind": kind,
             "service_user_id": row.user_id, "goal_id": getattr(row, "goal_id", None),
             "decision_id": getattr(row, "decision_id", None), "due_date": row.due,
             "addressed_to_id": contacts.get(row.user_id), "team_id": row.team_id,
             "created_at": utcnow()} for row in found]


def _resolve(where) -> int:
    statement = (sa.update(Prompt).where(Prompt.resolved_at.is_(None), where)
                 .values(resolved_at=utcnow()).execution_options(synchronize_session=False))
    return db.session.execute(statement).rowcount


def checkin_prompts(day: date) -> int:
    """One prompt per active goal and due date, from the day its follow-up falls due."""
    next_due = goal_next_due(day)
    due = (sa.select(Goal.id.label("goal_id"), Goal.service_user_id.label("user_id"),
                     ServiceUser.team_id, next_due.label("due"))
           .join(ServiceUser, ServiceUser.id == Goal.service_user_id)
           .where(active_goals_on(day), active_users_on(day)).subquery())
    rows = db.session.execute(sa.select(due).where(due.c.due <= day))
    created = _insert_once(_prompt_rows(rows, PromptKind.CHECKIN_DUE,
                                        lambda r: f"checkin:{r.goal_id}:{r.due}"))
    # A check-in after the one the due date was counted from answers the prompt. One flat
    # EXISTS, so that it correlates with the prompt being updated.
    answered = sa.exists().where(
        Goal.id == Prompt.goal_id, CheckIn.goal_id == Goal.id,
        CheckIn.date > add_days(Prompt.due_date, -Goal.checkin_interval_days))
    inactive = ~sa.exists().where(Goal.id == Prompt.goal_id, active_goals_on(day))
    resolved = _resolve(sa.and_(Prompt.kind == PromptKind.CHECKIN_DUE,
                                sa.or_(inactive, answered)))
    return created + resolved


def what_matters_prompts(day: date) -> int:
    """A prompt for each active user still without a what-matters conversation three
    days after the service started."""
    start_by = day - timedelta(days=WHAT_MATTERS_AFTER_DAYS)
    rows = db.session.execute(
        sa.select(ServiceUser.id.label("user_id"), ServiceUser.team_id,
                  add_days(ServiceUser.service_start, WHAT_MATTERS_AFTER_DAYS).label("due"))
        .where(active_users_on(day), ServiceUser.service_start <= start_by, ~has_what_matters()))
    created = _insert_once(_prompt_rows(rows, PromptKind.WHAT_MATTERS_MISSING,
                                        lambda r: f"what_matters:{r.user_id}"))
    done = sa.exists().where(ServiceUser.id == Prompt.service_user_id,
                             sa.or_(has_what_matters(), ~active_users_on(day)))
    return created + _resolve(sa.and_(Prompt.kind == PromptKind.WHAT_MATTERS_MISSING, done))


def decision_prompts(day: date) -> int:
    """Prompts for long-term users without a decision in force 14 days after the start,
    and for decisions in force whose review date has passed."""
    start_by = day - timedelta(days=DECISION_AFTER_DAYS)
    in_force = sa.exists().where(Decision.service_user_id == ServiceUser.id,
                                 decision_in_force_on(day))
    missing = db.session.execute(
        sa.select(ServiceUser.id.label("user_id"), ServiceUser.team_id,
                  add_days(ServiceUser.service_start, DECISION_AFTER_DAYS).label("due"))
        .where(active_users_on(day), ServiceUser.service_type == ServiceType.LONG_TERM,
               ServiceUser.service_start <= start_by, ~in_force))
    created = _insert_once(_prompt_rows(missing, PromptKind.DECISION_MISSING,
                                        lambda r: f"decision:{r.user_id}"))
    reviews = db.session.execute(
        sa.select(Decision.id.label("decision_id"), Decision.service_user_id.label("user_id"),
                  ServiceUser.team_id, Decision.review_on.label("due"))
        .join(ServiceUser, ServiceUser.id == Decision.service_user_id)
        .where(active_users_on(day), decision_in_force_on(day), Decision.review_on < day))
    created += _insert_once(_prompt_rows(reviews, PromptKind.DECISION_REVIEW_OVERDUE,
                                         lambda r: f"review:{r.decision_id}:{r.due}"))
    decided = sa.exists().where(ServiceUser.id == Prompt.service_user_id,
                                sa.or_(in_force, ~active_users_on(day)))
    reviewed = ~sa.exists().where(Decision.id == Prompt.decision_id, decision_in_force_on(day),
                                  Decision.review_on == Prompt.due_date)
    return created + _resolve(sa.or_(
        sa.and_(Prompt.kind == PromptKind.DECISION_MISSING, decided),
        sa.and_(Prompt.kind == PromptKind.DECISION_REVIEW_OVERDUE, reviewed)))


def resolve_for_goal(goal_id) -> int:
    """A check-in was recorded: the goal's open follow-up prompts are answered."""
    return _resolve(sa.and_(Prompt.kind == PromptKind.CHECKIN_DUE, Prompt.goal_id == goal_id))


def resolve_for_user(user_id, kind: PromptKind) -> int:
    """The thing a user's prompt asked for was done (a conversation, a decision)."""
    return _resolve(sa.and_(Prompt.kind == kind, Prompt.service_user_id == user_id))


def readdress(user_id, staff_id: int) -> int:
    """The responsible contact changed: the user's open prompts go to the new one."""
    statement = (sa.update(Prompt).where(Prompt.service_user_id == user_id,
                                         Prompt.resolved_at.is_(None))
                 .values(addressed_to_id=staff_id).execution_options(synchronize_session=False))
    return db.session.execute(statement).rowcount
