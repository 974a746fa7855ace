"""Authentication: checking a username and password."""

from __future__ import annotations

import sqlalchemy as sa
from werkzeug.security import check_password_hash, generate_password_hash

from homecare.core.timeutil import utcnow
from homecare.extensions import db
from homecare.org.models import Staff

# Checked when the username is unknown, so that a wrong username takes as long as a
# wrong password and usernames cannot be discovered by timing.
_DUMMY_HASH = generate_password_hash("not-a-real-password", method="scrypt")


def authenticate(username: str, password: str) -> Staff | None:
    """The active staff account with this username and password, or None."""
    if "\x00" in username:
        return None
    staff = db.session.scalar(
        sa.select(Staff).where(Staff.username == username.strip().lower())
    )
    if staff is None:
        check_password_hash(_DUMMY_HASH, password)
        return None
    if not staff.check_password(password) or not staff.active:
        return None
    staff.last_login_at = utcnow()
    return staff


def load_by_session_token(token: str) -> Staff | None:
    """flask-login's user loader: the active account whose session token this is."""
    return db.session.scalar(
        sa.select(Staff).where(Staff.session_token == token, Staff.active.is_(True))
    )
