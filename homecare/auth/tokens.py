"""Bearer tokens for API clients (tablets, integrations).

A token is 32 random bytes shown once; only its SHA-256 is stored (a fast hash is enough
for a secret that cannot be guessed). Tokens expire (``HOMECARE_TOKEN_HOURS``, default
12) and can be revoked, by their owner or, for all of an account's tokens at once, by a
password reset or deactivation (``auth.sessions.end_all``); reactivating an account
does not bring them back.
"""

from __future__ import annotations

import functools
import hashlib
import secrets
from datetime import datetime, timedelta

import sqlalchemy as sa
from flask import current_app, g, request
from sqlalchemy.orm import Mapped, contains_eager, mapped_column, relationship

from homecare.core.database import save
from homecare.core.errors import NotFound
from homecare.core.extensions import db
from homecare.core.model_base import TimestampMixin
from homecare.core.routing import BEARER_TOKEN_KEY
from homecare.core.timeutil import utcnow
from homecare.org.models import Staff

DEFAULT_TOKEN_HOURS = 12


class ApiToken(TimestampMixin, db.Model):
    """A bearer token issued to a staff member."""

    __tablename__ = "api_tokens"

    id: Mapped[int] = mapped_column(primary_key=True)
    staff_id: Mapped[int] = mapped_column(sa.ForeignKey("staff.id"), index=True)
    #: SHA-256 of the token, hex; the token itself is never stored.
    token_hash: Mapped[str] = mapped_column(sa.String(64), unique=True)
    expires_at: Mapped[datetime]
    revoked_at: Mapped[datetime | None]

    staff: Mapped[Staff] = relationship()


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def issue_token(staff: Staff) -> tuple[str, ApiToken]:
    """A new token for ``staff``: the secret (shown once) and its stored record."""
    hours = current_app.config.get("HOMECARE_TOKEN_HOURS", DEFAULT_TOKEN_HOURS)
    secret = secrets.token_urlsafe(32)
    record = ApiToken(staff=staff, token_hash=_digest(secret),
                      expires_at=utcnow() + timedelta(hours=hours))
    return secret, save(record)


def bearer_token() -> str | None:
    """The bearer token sent with this request, if any."""
    scheme, _, value = request.headers.get("Authorization", "").partition(" ")
    if scheme.lower() != "bearer":
        return None
    return value.strip() or None


@functools.cache
def _token_query() -> sa.Select:
    """The token, its account and the account's teams (which every access decision
    reads) in one round trip. Built once: on the path of every API request, building
    the statement cost as much as running it."""
    return (sa.select(ApiToken).join(ApiToken.staff)
            .options(contains_eager(ApiToken.staff).joinedload(Staff.teams))
            .where(ApiToken.token_hash == sa.bindparam("token_hash"),
                   ApiToken.revoked_at.is_(None), ApiToken.expires_at > sa.bindparam("now"),
                   Staff.active.is_(True)))


def staff_for_request(_request=None) -> Staff | None:
    """flask-login's request loader: the active staff member behind a valid bearer token."""
    secret = bearer_token()
    if not secret:
        return None
    record = db.session.scalars(_token_query(), {"token_hash": _digest(secret),
                                                 "now": utcnow()}).unique().first()
    if record is None:
        return None
    setattr(g, BEARER_TOKEN_KEY, record)
    return record.staff


def current_token() -> ApiToken | None:
    """The token that authenticated this request (None for cookie sessions)."""
    return g.get(BEARER_TOKEN_KEY)


def own_tokens(staff: Staff) -> list[ApiToken]:
    """Every token issued to ``staff``, newest first."""
    return list(db.session.scalars(sa.select(ApiToken).where(ApiToken.staff_id == staff.id)
                                   .order_by(ApiToken.id.desc())))


def own_token(staff: Staff, token_id: int) -> ApiToken:
    """One of ``staff``'s own tokens; NotFound for anyone else's or none."""
    record = db.session.get(ApiToken, token_id)
    if record is None or record.staff_id != staff.id:
        raise NotFound()
    return record


def revoke(record: ApiToken) -> None:
    """End a token now (a revoked token stays revoked)."""
    record.revoked_at = record.revoked_at or utcnow()
    db.session.flush()
