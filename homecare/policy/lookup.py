"""Loading a record named in a request, through the access policy."""

from __future__ import annotations

import functools
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from operator import attrgetter

import sqlalchemy as sa
from flask_login import current_user
from sqlalchemy.orm import selectinload

from homecare.core.audit import record_read
from homecare.core.errors import NotFound
from homecare.core.extensions import db
from homecare.org.models import Staff
from homecare.policy.access import Action, ensure


def actor():
    """The signed-in staff member (bearer token or session)."""
    return current_user._get_current_object()


def load(model, record_id, action: Action = Action.VIEW, *, through=None):
    """The record with this id if the caller may do ``action``; else 404 or 403.

    ``through`` names the (dotted) attribute holding the record the policy judges: a goal
    is judged by its ``service_user``, a check-in by its ``goal.service_user``. A missing
    record and a hidden one both answer 404.
    """
    record = db.session.get(model, record_id)
    if record is None:
        raise NotFound()
    ensure(actor(), action, attrgetter(through)(record) if through else record)
    return record


def filtered_to_user(args: dict, what: str):
    """The user a list is filtered to (``service_user_id`` in ``args``), or None.

    Such a list is one person's record, so it goes through the policy like opening it:
    another team's user answers 404 (the attempt logged), never an empty list; and it is
    logged as a read of that user (``what``), not as a list.
    """
    from homecare.service_users.models import ServiceUser

    if args.get("service_user_id") is None:
        return None
    user = load(ServiceUser, args["service_user_id"])
    record_read(user.id, what)
    return user


def read_one(model, record_id, *, through: str | None = None, what: str | None = None):
    """A care record the caller may view, with the read logged against its user (``what``
    defaults to the record's table): the one way an API shows a single record.
    ``through`` as for ``load`` (none: the record is judged itself, as a referral is)."""
    record = load(model, record_id, through=through)
    table = model.__tablename__
    record_read(record.service_user_id, what or table, table, record.id)
    return record


#: While ``one_verdict_per_record`` holds: each verdict of ``referenced`` and its record, by what
#: was asked.
_verdicts: ContextVar[dict | None] = ContextVar("referenced_verdicts", default=None)


@contextmanager
def one_verdict_per_record() -> Iterator[None]:
    """Within, ``referenced`` decides on each record once and answers the same record
    named again as it did the first time: a batch of records (``POST /sync``) names the
    same user in each, and gets one access decision per record touched, one refusal
    logged at most."""
    token = _verdicts.set({})
    try:
        yield
    finally:
        _verdicts.reset(token)


def _judged(model, record_id, action: Action, through):
    """The record with this id and the policy's verdict on ``action`` with it."""
    from homecare.policy.access import Verdict, judge

    record = db.session.get(model, record_id) if record_id is not None else None
    if record is None:
        return None, Verdict.HIDDEN
    return record, judge(actor(), action, attrgetter(through)(record) if through else record)


def referenced(model, record_id, field: str, action: Action = Action.VIEW, *, through=None):
    """A record named in a request body, if the caller may do ``action`` with it.

    A missing record and one of another team give the same 422 on ``field``, so that ids
    cannot be probed; a role that may see it but not do the action gets 403.
    """
    from flask_babel import gettext as _

    from homecare.core.errors import Forbidden, ValidationFailed
    from homecare.policy.access import Verdict

    verdicts = _verdicts.get()
    if verdicts is None:
        record, verdict = _judged(model, record_id, action, through)
    else:
        asked = (model, record_id, action, through)
        if asked not in verdicts:
            verdicts[asked] = _judged(model, record_id, action, through)
        record, verdict = verdicts[asked]
    if verdict is Verdict.FORBIDDEN:
        raise Forbidden()
    if verdict is Verdict.HIDDEN:
        raise ValidationFailed.single(field, _("There is no such record in your teams."))
    return record


@functools.cache
def _by_ids(model, *columns) -> sa.Select:
    return (sa.select(*columns) if columns else sa.select(model)).where(
        model.id.in_(sa.bindparam("ids", expanding=True)))


def by_ids(model, ids) -> list:
    """The records of ``model`` with these ids, in one query from a statement built once
    (building a statement costs about as much as running it; the write paths run this
    on every request)."""
    return list(db.session.scalars(_by_ids(model), {"ids": list(ids)}))


def stored_ids(model, ids) -> set:
    """Which of these ids ``model`` already holds, in one query (built once)."""
    return set(db.session.scalars(_by_ids(model, model.id), {"ids": list(ids)}))


def named_staff(staff_ids) -> list:
    """The staff members request bodies name, with their teams (which the rules read),
    in one query; the caller, loaded with the request, is not loaded again."""
    others = set(staff_ids) - {actor().id}
    if not others:
        return []
    return list(db.session.scalars(sa.select(Staff).where(Staff.id.in_(others))
                                   .options(selectinload(Staff.teams))))
