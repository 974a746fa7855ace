"""Brute-force protection for signing in, shared by every web worker.

Every sign-in attempt is a row in the database (not per-process memory), so that all
workers count the same attempts, and an administrator can review failed sign-ins. An
account is locked after ``ACCOUNT_FAILURES`` failures within ``WINDOW`` since its last
success; a client address after ``ADDRESS_FAILURES`` (several nurses can share one
address behind the municipality's network). While locked, even the right password is
refused, and the caller is told when to try again.
"""

from __future__ import annotations

import enum
import math
from datetime import datetime, timedelta

import sqlalchemy as sa
from flask import request
from sqlalchemy.orm import Mapped, mapped_column

from homecare.core.database import keep_even_if_refused
from homecare.core.extensions import db
from homecare.core.model_base import str_enum
from homecare.core.timeutil import utcnow

WINDOW = timedelta(minutes=15)
ACCOUNT_FAILURES = 5
ADDRESS_FAILURES = 30


class Outcome(enum.StrEnum):
    """What became of a sign-in attempt."""

    SUCCEEDED = "succeeded"
    FAILED = "failed"
    #: Refused unchecked, because the account or address was locked.
    THROTTLED = "throttled"


class SignInAttempt(db.Model):
    """One attempt to sign in, through the page or the API."""

    __tablename__ = "sign_in_attempts"
    __table_args__ = (
        sa.Index("ix_sign_in_attempts_username_at", "username", "at"),
        sa.Index("ix_sign_in_attempts_address_at", "client_address", "at"),
        sa.Index("ix_sign_in_attempts_at", "at"),
    )

    id: Mapped[int] = mapped_column(
        sa.BigInteger().with_variant(sa.Integer(), "sqlite"), primary_key=True)
    at: Mapped[datetime] = mapped_column(default=utcnow)
    #: The username as typed (lower-cased, cut to 80), whether or not the account exists.
    username: Mapped[str] = mapped_column(sa.String(80))
    client_address: Mapped[str] = mapped_column(sa.String(45))
    outcome: Mapped[Outcome] = mapped_column(str_enum(Outcome, "sign_in_outcome"))


def _address() -> str:
    return (request.remote_addr or "unknown")[:45]


def normalised(username: str) -> str:
    """The username as attempts are counted: trimmed, lower-case, at most 80 characters,
    without NUL (which PostgreSQL cannot store)."""
    return (username or "").replace("\x00", "").strip().lower()[:80]


def _locked_until(condition, limit: int, now: datetime) -> datetime | None:
    """When the ``limit``-th most recent failure matching ``condition`` leaves the window."""
    nth_latest = db.session.scalar(
        sa.select(SignInAttempt.at).where(condition, SignInAttempt.outcome == Outcome.FAILED,
                                          SignInAttempt.at > now - WINDOW)
        .order_by(SignInAttempt.at.desc()).offset(limit - 1).limit(1))
    return nth_latest + WINDOW if nth_latest is not None else None


def retry_after(username: str) -> int | None:
    """Seconds until this account and address may try again, or None if not locked."""
    username, now = normalised(username), utcnow()
    last_success = sa.select(sa.func.max(SignInAttempt.at)).where(
        SignInAttempt.username == username, SignInAttempt.outcome == Outcome.SUCCEEDED
    ).scalar_subquery()
    account = sa.and_(SignInAttempt.username == username,
                      SignInAttempt.at > sa.func.coalesce(last_success, now - WINDOW))
    ends = [end for end in (_locked_until(account, ACCOUNT_FAILURES, now),
                            _locked_until(SignInAttempt.client_address == _address(),
                                          ADDRESS_FAILURES, now)) if end is not None]
    if not ends:
        return None
    return max(1, math.ceil((max(ends) - now).total_seconds()))


def _serialise_checks(username: str) -> None:
    """On PostgreSQL, hold this account's and this address's turn until the transaction
    ends (advisory locks, always taken in this order so that two attempts cannot wait on
    each other). SQLite takes one request at a time already (``core.database``)."""
    if db.session.get_bind().dialect.name != "postgresql":
        return
    for kind, key in ((1, username), (2, _address())):
        db.session.execute(sa.select(sa.func.pg_advisory_xact_lock(kind, sa.func.hashtext(key))))


def begin(username: str) -> int | None:
    """Start an attempt: return its id, counted as a failure until ``succeeded`` says
    otherwise; or None, when the account or address is locked (kept as THROTTLED).

    Deciding and counting happen in one turn per account and address, committed before
    the password is checked: 24 wrong passwords sent at once had each been checked,
    since none was counted until its check ended. Now the sixth waits for the fifth to be
    counted, and finds the account locked. An attempt whose check never ends (a crash)
    stays counted as failed.
    """
    _serialise_checks(normalised(username))
    if retry_after(username) is not None:
        db.session.commit()  # the turn ends here too
        record(username, Outcome.THROTTLED)
        return None
    attempt = db.session.scalar(sa.insert(SignInAttempt).values(
        at=utcnow(), username=normalised(username), client_address=_address(),
        outcome=Outcome.FAILED).returning(SignInAttempt.id))
    db.session.commit()
    return attempt


def succeeded(attempt: int) -> None:
    """The attempt's password was right (saved with the request's other changes)."""
    db.session.execute(sa.update(SignInAttempt).where(SignInAttempt.id == attempt)
                       .values(outcome=Outcome.SUCCEEDED))


def record(username: str, outcome: Outcome) -> None:
    """Keep the attempt, even though a failed sign-in's request is rolled back."""
    keep_even_if_refused(SignInAttempt.__table__, [{
        "at": utcnow(), "username": normalised(username), "client_address": _address(),
        "outcome": outcome}])


def failed_sign_ins(since: datetime, limit: int = 100) -> list:
    """Failed and throttled attempts since ``since``, per username and address, for the
    administrator's review: most attempts first."""
    bad = SignInAttempt.outcome.in_([Outcome.FAILED, Outcome.THROTTLED])
    return list(db.session.execute(
        sa.select(SignInAttempt.username, SignInAttempt.client_address,
                  sa.func.count().label("attempts"),
                  sa.func.sum(sa.case((SignInAttempt.outcome == Outcome.THROTTLED, 1),
                                      else_=0)).label("throttled"),
                  sa.func.max(SignInAttempt.at).label("last_at"))
        .where(bad, SignInAttempt.at >= since)
        .group_by(SignInAttempt.username, SignInAttempt.client_address)
        .order_by(sa.func.count().desc(), sa.func.max(SignInAttempt.at).desc())
        .limit(limit)))
