"""What makes a password acceptable: one rule, used by every form, API and command.

Length matters most. On top of it, a password must not be one people commonly choose
(zxcvbn's list of the 30,000 most common, also with trailing digits and signs taken off:
«Passord123!» is «passord»), nor be or contain the username.
"""

from __future__ import annotations

import re
from functools import cache

from flask_babel import gettext as _

MIN_PASSWORD_LENGTH = 10
MAX_PASSWORD_LENGTH = 200
_TRAILING_DIGITS_AND_SIGNS = re.compile(r"[\d\W_]+$")


@cache
def _common() -> frozenset[str]:
    from zxcvbn.frequency_lists import FREQUENCY_LISTS

    return frozenset(FREQUENCY_LISTS["passwords"])


def is_common(password: str) -> bool:
    """Whether the password, or its letters before trailing digits and signs, is common."""
    lowered = password.lower()
    stem = _TRAILING_DIGITS_AND_SIGNS.sub("", lowered)
    return lowered in _common() or (len(stem) >= 4 and stem in _common())


def password_problem(password: str | None, username: str | None = None) -> str | None:
    """Why this password may not be used, in the user's language; None if it may."""
    if not password or len(password) < MIN_PASSWORD_LENGTH:
        return _("The password needs at least %(n)d characters.", n=MIN_PASSWORD_LENGTH)
    if len(password) > MAX_PASSWORD_LENGTH:
        return _("The password can have at most %(n)d characters.", n=MAX_PASSWORD_LENGTH)
    name = (username or "").strip().lower()
    if len(name) >= 3 and name in password.lower():
        return _("The password must not contain the username.")
    if is_common(password):
        return _("This password is too common and easy to guess. Choose another.")
    return None
