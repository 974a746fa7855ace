"""Who a prompt is for, and keeping the stored record of raised prompts in step.

A follow-up or a what-matters prompt goes to the user's responsible contact now (to the
team's coordinators while there is none); a missing or overdue decision goes to the
team's coordinators, who record decisions. Everyone reads the derived prompts
(``prompts.rules``); the daily jobs only write down what was raised and settled.
"""

from __future__ import annotations

import uuid
from collections import Counter, defaultdict
from datetime import date
from itertools import islice

import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import insert as postgresql_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import aliased

from homecare.core.extensions import db
from homecare.core.metrics import PROMPTS_RAISED
from homecare.core.timeutil import utcnow
from homecare.org.models import Role, Staff
from homecare.prompts.models import Prompt, PromptKind
from homecare.prompts.rules import TEAM_KINDS, dedupe_key, open_prompts
from homecare.service_users.models import ResponsibleContactAssignment

_BATCH = 500


def with_addressee(found: sa.Subquery) -> sa.Select:
    """The open prompts with ``addressed_to``: the staff member a prompt is for, or null
    for the team's coordinators."""
    contact = aliased(ResponsibleContactAssignment)
    addressed = sa.case((found.c.kind.in_([k.value for k in TEAM_KINDS]), sa.null()),
                        else_=contact.staff_id)
    return (sa.select(found, addressed.label("addressed_to"))
            .outerjoin(contact, sa.and_(contact.service_user_id == found.c.user_id,
                                        contact.covers(utcnow()))))


def for_actor(actor: Staff, rows: sa.Select) -> sa.Select:
    """Restrict ``with_addressee`` rows to those for ``actor``: their own, and for a
    coordinator those for the team (``visible`` users are filtered by the caller)."""
    prompts = rows.subquery("addressed")
    mine = prompts.c.addressed_to == actor.id
    if actor.role is Role.COORDINATOR:
        mine = sa.or_(mine, prompts.c.addressed_to.is_(None))
    return sa.select(prompts).where(mine)


def _chunks(items: list, size: int = _BATCH):
    iterator = iter(items)
    while chunk := list(islice(iterator, size)):
        yield chunk


def _insert_once(rows: list[dict]) -> int:
    """Insert prompts, skipping any whose key exists; how many were new."""
    dialect = db.session.get_bind().dialect.name
    insert = postgresql_insert if dialect == "postgresql" else sqlite_insert
    created = 0
    for chunk in _chunks(rows):
        statement = insert(Prompt).values(chunk).on_conflict_do_nothing(
            index_elements=["dedupe_key"]).returning(Prompt.kind)
        # Counted from RETURNING: a driver's rowcount is -1 for some multi-row inserts.
        kinds = db.session.scalars(statement).all()
        for kind, raised in Counter(kinds).items():
            PROMPTS_RAISED.labels(str(kind)).inc(raised)
        created += len(kinds)
    return created


def record_raised(day: date, kinds: frozenset[PromptKind]) -> int:
    """Make the stored record of ``kinds`` agree with the derived prompts on ``day``:
    raise the new ones, resolve those that no longer hold (done, or due on another date),
    and move open ones to the current addressee. Returns the rows written."""
    derived = {}
    for row in db.session.execute(with_addressee(open_prompts(day, kinds=kinds))):
        kind = PromptKind(row.kind)
        derived[dedupe_key(kind, row.user_id, row.goal_id, row.decision_id, row.due)] = row
    stored = dict(db.session.execute(
        sa.select(Prompt.dedupe_key, Prompt.addressed_to_id)
        .where(Prompt.kind.in_(kinds), Prompt.resolved_at.is_(None))).all())
    now = utcnow()
    created = _insert_once([
        {"id": uuid.uuid4(), "dedupe_key": key, "kind": PromptKind(row.kind),
         "service_user_id": row.user_id, "goal_id": row.goal_id, "decision_id": row.decision_id,
         "due_date": row.due, "addressed_to_id": row.addressed_to, "team_id": row.team_id,
         "created_at": now} for key, row in derived.items() if key not in stored])
    settled = [key for key in stored if key not in derived]
    moved = defaultdict(list)  # new addressee -> keys
    for key, staff_id in stored.items():
        if key in derived and derived[key].addressed_to != staff_id:
            moved[derived[key].addressed_to].append(key)
    touched = created
    for chunk in _chunks(settled):
        touched += db.session.execute(
            sa.update(Prompt).where(Prompt.dedupe_key.in_(chunk)).values(resolved_at=now)
            .execution_options(synchronize_session=False)).rowcount
    for staff_id, keys in moved.items():
        for chunk in _chunks(keys):
            touched += db.session.execute(
                sa.update(Prompt).where(Prompt.dedupe_key.in_(chunk))
                .values(addressed_to_id=staff_id)
                .execution_options(synchronize_session=False)).rowcount
    return touched


def checkin_prompts(day: date) -> int:
    """The daily job's work: record follow-up prompts raised and settled."""
    return record_raised(day, frozenset({PromptKind.CHECKIN_DUE}))


def what_matters_prompts(day: date) -> int:
    """The daily job's work: record what-matters reminders raised and settled."""
    return record_raised(day, frozenset({PromptKind.WHAT_MATTERS_MISSING}))


def decision_prompts(day: date) -> int:
    """The daily job's work: record missing-decision and overdue-review reminders."""
    return record_raised(day, TEAM_KINDS)
