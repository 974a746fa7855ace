"""Dates as the reader writes them in messages: 06.11.2026 in bokmål, 6 Nov 2026 in
English (never the ISO form, which reads as a code).

Apart from ``core.i18n`` (which binds Flask-Babel to the app) so that the schemas and
forms can word a date without importing the app's extensions.
"""

from __future__ import annotations

from datetime import date

from flask_babel import format_date, get_locale
from flask_babel import gettext as _

from homecare.core.timeutil import EARLIEST_DAY, LATEST_DAY

_DAY_PATTERNS = {"nb": "dd.MM.yyyy", "en": "d MMM yyyy"}


def day_text(day: date) -> str:
    """``day`` as the reader writes a date, for messages and sentences."""
    locale = str(get_locale() or "nb")
    return format_date(day, _DAY_PATTERNS.get(locale, _DAY_PATTERNS["nb"]))


def out_of_range_message() -> str:
    """What to tell someone whose date is outside the accepted days, in their language."""
    return _("Choose a date from %(first)s to %(last)s.", first=day_text(EARLIEST_DAY),
             last=day_text(LATEST_DAY))
