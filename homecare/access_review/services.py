"""Queries over the access log (innsynslogg) for the people who must review it.

- A coordinator sees who read or changed one of their users' records, filtered by
  period and person, and can print it for the user, who is entitled to that report.
- An administrator sees what deserves a look: staff who opened a user's record without
  any visit, prompt or responsible-contact role with that user in the period, and failed
  sign-ins. Administrators see user ids and teams, never users' names.
"""

from __future__ import annotations

import uuid
from datetime import timedelta

import sqlalchemy as sa

from homecare.core.audit import LIST_READ_PREFIX, AuditAction, AuditEntry
from homecare.core.extensions import db
from homecare.core.timeutil import LocalDays
from homecare.org.models import Role, Staff, Team
from homecare.prompts.models import Prompt
from homecare.service_users.models import ResponsibleContactAssignment, ServiceUser
from homecare.visits.models import Visit

#: Rows shown on one page of a user's access log.
PAGE_SIZE = 100
#: The longest period one review may cover (keeps each query bounded).
MAX_PERIOD = timedelta(days=366)


def access_log_query(service_user_id: uuid.UUID) -> sa.Select:
    """Who read or changed a user's record, newest first, with the staff member's name.

    ``what`` is the kind of record and, for updates, the fields changed or, for reads,
    the part shown — never any content; ``entity`` and ``detail`` are its two parts,
    which ``labels.describe`` turns into words.
    """
    what = sa.case((AuditEntry.detail.is_(None), AuditEntry.entity),
                   else_=AuditEntry.entity + ": " + AuditEntry.detail)
    return (
        sa.select(AuditEntry.at, AuditEntry.actor_id, Staff.full_name.label("staff_name"),
                  AuditEntry.actor_role, AuditEntry.action, what.label("what"),
                  AuditEntry.entity, AuditEntry.detail)
        .outerjoin(Staff, Staff.id == AuditEntry.actor_id)
        .where(AuditEntry.service_user_id == service_user_id)
        .order_by(AuditEntry.at.desc(), AuditEntry.id.desc())
    )

def _in_period(user_id: uuid.UUID, period: LocalDays) -> sa.Select:
    return access_log_query(user_id).where(AuditEntry.at >= period.starts,
                                           AuditEntry.at < period.ends)


def user_entries(user_id: uuid.UUID, period: LocalDays, staff_id: int | None = None,
                 page: int = 1) -> tuple[list, bool]:
    """One page of who read or changed the user's record in the period, newest first,
    and whether there are more."""
    query = _in_period(user_id, period)
    if staff_id is not None:
        query = query.where(AuditEntry.actor_id == staff_id)
    rows = list(db.session.execute(query.limit(PAGE_SIZE + 1).offset((page - 1) * PAGE_SIZE)))
    return rows[:PAGE_SIZE], len(rows) > PAGE_SIZE


def all_user_entries(user_id: uuid.UUID, period: LocalDays) -> list:
    """Every entry in the period, oldest first, for the printable report."""
    return list(db.session.execute(
        _in_period(user_id, period).order_by(None).order_by(AuditEntry.at, AuditEntry.id)))


def people_in_log(user_id: uuid.UUID) -> list:
    """The staff who appear in the user's log, for the filter (id and name)."""
    return list(db.session.execute(
        sa.select(Staff.id, Staff.full_name).where(Staff.id.in_(
            sa.select(AuditEntry.actor_id).where(AuditEntry.service_user_id == user_id)
            .distinct())).order_by(Staff.full_name)))


def _no_reason(period: LocalDays):
    """SQL: the reader had no visit, prompt or contact role with the user in the period."""
    entry = AuditEntry
    visit = sa.exists().where(
        Visit.service_user_id == entry.service_user_id, Visit.staff_id == entry.actor_id,
        Visit.planned_start >= period.starts - timedelta(days=1),
        Visit.planned_start < period.ends + timedelta(days=1))
    prompt = sa.exists().where(
        Prompt.service_user_id == entry.service_user_id, Prompt.addressed_to_id == entry.actor_id,
        Prompt.created_at < period.ends,
        sa.or_(Prompt.resolved_at.is_(None), Prompt.resolved_at >= period.starts))
    contact = sa.exists().where(
        ResponsibleContactAssignment.service_user_id == entry.service_user_id,
        ResponsibleContactAssignment.staff_id == entry.actor_id,
        ResponsibleContactAssignment.overlaps(period.starts, period.ends))
    return sa.and_(~visit, ~prompt, ~contact)


def unusual_reads(period: LocalDays, limit: int = 200) -> list:
    """Records opened by team members (not coordinators, whose role covers the team) with
    no visit, prompt or contact role with the user in the period; per reader and user,
    most reads first. Users shown in lists (today's work, the team's list) are not
    counted: only records opened one by one."""
    entry = AuditEntry
    return list(db.session.execute(
        sa.select(entry.actor_id, Staff.full_name.label("staff_name"),
                  entry.service_user_id, Team.name.label("team_name"),
                  sa.func.count().label("reads"), sa.func.min(entry.at).label("first_at"),
                  sa.func.max(entry.at).label("last_at"))
        .join(Staff, Staff.id == entry.actor_id)
        .join(ServiceUser, ServiceUser.id == entry.service_user_id)
        .join(Team, Team.id == ServiceUser.team_id)
        .where(entry.action == AuditAction.READ, entry.at >= period.starts,
               entry.at < period.ends, entry.actor_role == Role.STAFF.value,
               sa.or_(entry.detail.is_(None), ~entry.detail.startswith(LIST_READ_PREFIX)),
               _no_reason(period))
        .group_by(entry.actor_id, Staff.full_name, entry.service_user_id, Team.name)
        .order_by(sa.func.count().desc(), sa.func.max(entry.at).desc())
        .limit(limit)))


def refusals(period: LocalDays, limit: int = 200) -> list:
    """Attempts the access policy refused in the period, per person: probing shows here."""
    entry = AuditEntry
    return list(db.session.execute(
        sa.select(entry.actor_id, Staff.full_name.label("staff_name"),
                  entry.actor_role, sa.func.count().label("attempts"),
                  sa.func.count(sa.distinct(entry.service_user_id)).label("users"),
                  sa.func.max(entry.at).label("last_at"))
        .join(Staff, Staff.id == entry.actor_id)
        .where(entry.action == AuditAction.REFUSED, entry.at >= period.starts,
               entry.at < period.ends)
        .group_by(entry.actor_id, Staff.full_name, entry.actor_role)
        .order_by(sa.func.count().desc()).limit(limit)))
