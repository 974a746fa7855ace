"""Browser sessions kept on the server, so that they can be ended there.

The session cookie holds a random secret; the server keeps its SHA-256 with when the
session started and was last used. A session ends when the person signs out, after an
idle time (``HOMECARE_SESSION_IDLE_MINUTES``, default 30 — shared tablets in people's
homes), after a lifetime (``HOMECARE_SESSION_MAX_HOURS``, default 12), and when the
account's password is reset or it is deactivated. A copied cookie replayed after any of
these opens nothing.
"""

from __future__ import annotations

import enum
import functools
import hashlib
import secrets
from datetime import datetime, timedelta

import sqlalchemy as sa
from flask import current_app, g, request, session
from sqlalchemy.orm import Mapped, joinedload, mapped_column

from homecare.auth.tokens import ApiToken, bearer_token
from homecare.core.extensions import db
from homecare.core.model_base import str_enum
from homecare.core.timeutil import utcnow
from homecare.org.models import Staff

#: The key in Flask's signed cookie that carries the session secret.
SESSION_KEY = "sid"
#: ``last_seen_at`` is written at most this often, not on every request.
TOUCH_EVERY = timedelta(seconds=60)


class EndReason(enum.StrEnum):
    """Why a session ended."""

    SIGNED_OUT = "signed_out"
    IDLE = "idle"
    EXPIRED = "expired"
    PASSWORD_CHANGED = "password_changed"  # noqa: S105 - a reason, not a secret
    DEACTIVATED = "deactivated"


class SignInSession(db.Model):
    """One signed-in browser: the server's half of the session cookie."""

    __tablename__ = "sign_in_sessions"

    id: Mapped[int] = mapped_column(primary_key=True)
    staff_id: Mapped[int] = mapped_column(sa.ForeignKey("staff.id"), index=True)
    #: SHA-256 of the secret in the cookie, hex; the secret itself is never stored.
    secret_hash: Mapped[str] = mapped_column(sa.String(64), unique=True)
    started_at: Mapped[datetime] = mapped_column(default=utcnow)
    last_seen_at: Mapped[datetime] = mapped_column(default=utcnow)
    ended_at: Mapped[datetime | None]
    end_reason: Mapped[EndReason | None] = mapped_column(str_enum(EndReason, "end_reason"))
    #: The client's address at sign-in (after ProxyFix, when a proxy is configured).
    client_address: Mapped[str | None] = mapped_column(sa.String(45))


def _digest(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def idle_limit() -> timedelta:
    """How long a session may go unused."""
    return timedelta(minutes=current_app.config["HOMECARE_SESSION_IDLE_MINUTES"])


def lifetime_limit() -> timedelta:
    """How long a session may last at most, however busy."""
    return timedelta(hours=current_app.config["HOMECARE_SESSION_MAX_HOURS"])


def start(staff: Staff) -> None:
    """Begin a server-side session for ``staff`` and put its secret in the cookie.

    The cookie's old contents (and its CSRF token) are dropped first, so that nothing
    planted in the browser before sign-in carries over.
    """
    session.clear()
    secret = secrets.token_urlsafe(32)
    db.session.add(SignInSession(staff_id=staff.id, secret_hash=_digest(secret),
                                 client_address=(request.remote_addr or "")[:45] or None))
    db.session.flush()
    session[SESSION_KEY] = secret


def _expiry(row: SignInSession, now: datetime) -> EndReason | None:
    if now - row.started_at >= lifetime_limit():
        return EndReason.EXPIRED
    if now - row.last_seen_at >= idle_limit():
        return EndReason.IDLE
    return None


def current() -> SignInSession | None:
    """This request's open session row, if its cookie names one."""
    secret = session.get(SESSION_KEY)
    if not isinstance(secret, str):
        return None
    return db.session.scalar(sa.select(SignInSession).where(
        SignInSession.secret_hash == _digest(secret), SignInSession.ended_at.is_(None)))


@functools.cache
def _session_query() -> sa.Select:
    """The account, its teams and the open session, in one round trip; built once (it
    is on the path of every page)."""
    return (sa.select(Staff, SignInSession)
            .join(SignInSession, SignInSession.staff_id == Staff.id)
            .options(joinedload(Staff.teams))
            .where(Staff.session_token == sa.bindparam("session_token"),
                   Staff.active.is_(True),
                   SignInSession.secret_hash == sa.bindparam("secret_hash"),
                   SignInSession.ended_at.is_(None)))


def load_staff(session_token: str) -> Staff | None:
    """flask-login's user loader: the staff member of a live server-side session.

    One query joins the account, its teams and the session. A request that carries a bearer token
    is authenticated by that token alone, never by a cookie that came with it. A session
    past its idle time or lifetime is ended here; ``g.session_ended`` tells the sign-in
    page why.
    """
    secret = session.get(SESSION_KEY)
    if bearer_token() is not None or not isinstance(secret, str):
        return None
    found = db.session.execute(_session_query(), {
        "session_token": session_token, "secret_hash": _digest(secret)}).unique().first()
    if found is None:
        return None
    staff, row = found
    now = utcnow()
    reason = _expiry(row, now)
    if reason is not None:
        _end(row, reason, now)
        g.session_ended = reason
        return None
    if now - row.last_seen_at >= TOUCH_EVERY:
        row.last_seen_at = now
    g.sign_in_session = row
    return staff


def time_left() -> timedelta | None:
    """How long this request's session may still last at most (its lifetime left), or
    None without one: the tablet forgets its pages by then, signal or not."""
    row = g.get("sign_in_session")
    if row is None:
        return None
    return row.started_at + lifetime_limit() - utcnow()


def _end(row: SignInSession, reason: EndReason, now: datetime) -> None:
    row.ended_at, row.end_reason = now, reason
    db.session.flush()


def end_current(reason: EndReason = EndReason.SIGNED_OUT) -> None:
    """End this browser's session on the server and empty its cookie."""
    row = current()
    if row is not None:
        _end(row, reason, utcnow())
    session.clear()


def end_all(staff: Staff, reason: EndReason, *, keep_current: bool = False) -> None:
    """End every session of ``staff`` (optionally all but this browser's) and every API
    token: after a password reset, a deactivation or a change of one's own password."""
    now = utcnow()
    keep = current() if keep_current else None
    open_sessions = sa.update(SignInSession).where(
        SignInSession.staff_id == staff.id, SignInSession.ended_at.is_(None))
    if keep is not None:
        open_sessions = open_sessions.where(SignInSession.id != keep.id)
    db.session.execute(open_sessions.values(ended_at=now, end_reason=reason))
    db.session.execute(sa.update(ApiToken).where(
        ApiToken.staff_id == staff.id, ApiToken.revoked_at.is_(None)).values(revoked_at=now))
    staff.end_sessions()
    if keep is not None:
        session["_user_id"] = staff.get_id()  # flask-login's copy of the account's token
