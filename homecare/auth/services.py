"""Authentication: checking a username and password, throttled, and changing one's own."""

from __future__ import annotations

import math

import sqlalchemy as sa
from flask_babel import gettext as _
from werkzeug.security import check_password_hash, generate_password_hash

from homecare.auth import throttle
from homecare.auth.passwords import password_problem
from homecare.auth.sessions import EndReason, end_all
from homecare.core.errors import DomainError
from homecare.core.extensions import db
from homecare.core.timeutil import utcnow
from homecare.core.validation import FieldErrors
from homecare.org.models import Staff

# Checked when the username is unknown, so that a wrong username takes as long as a
# wrong password and usernames cannot be discovered by timing.
_DUMMY_HASH = generate_password_hash("not-a-real-password", method="scrypt")


class TooManyAttempts(DomainError):
    """Signing in is locked for a while for this account or address (429)."""

    status = 429

    def __init__(self, seconds: int):
        minutes = max(1, math.ceil(seconds / 60))
        super().__init__(_("Too many failed sign-ins. Try again in %(n)d minutes.", n=minutes))
        self.headers = {"Retry-After": str(seconds)}


def authenticate(username: str, password: str) -> Staff | None:
    """The active staff account with this username and password, or None (unthrottled:
    callers that take credentials from outside use ``sign_in``)."""
    if "\x00" in username or "\x00" in password:
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


def sign_in(username: str, password: str) -> Staff | None:
    """Check credentials from the sign-in page or the API, throttled and recorded.

    Raises TooManyAttempts while the account or the caller's address is locked — then the
    password is not even checked. Every attempt is kept for the administrator's review,
    and counted before its password is checked (``throttle.begin``), so that attempts
    sent at once cannot all be checked.
    """
    attempt = throttle.begin(username)
    if attempt is None:
        raise TooManyAttempts(throttle.retry_after(username) or 1)
    staff = authenticate(username, password)
    if staff is not None:
        throttle.succeeded(attempt)
    return staff


def change_own_password(staff: Staff, current: str, new: str) -> None:
    """A person chooses a new password: the current one must be right, the new one must
    pass the password rule and differ. Every other session and every token ends."""
    errors = FieldErrors()
    errors.require(staff.check_password(current or ""), "current_password",
                   _("This is not your current password."))
    problem = password_problem(new, staff.username)
    if problem is None and new == current:
        problem = _("Choose a password different from the current one.")
    if problem:
        errors.add("new_password", problem)
    errors.raise_if_any()
    staff.set_password(new)
    staff.must_change_password = False
    end_all(staff, EndReason.PASSWORD_CHANGED, keep_current=True)
    db.session.flush()
