"""Marshmallow's and webargs' own error messages, in the catalogue and translated.

Marshmallow formats some messages before we see them ("Must be one of: a, b."), so those
are matched by pattern and rebuilt from a translated template.
"""

from __future__ import annotations

import re

from flask_babel import gettext


def N_(message: str) -> str:
    """Mark a message for the catalogue without translating it here."""
    return message


EXACT = (
    N_("Missing data for required field."),
    N_("Field may not be null."),
    N_("Unknown field."),
    N_("Invalid input type."),
    N_("Invalid value."),
    N_("Not a valid string."),
    N_("Not a valid integer."),
    N_("Not a valid number."),
    N_("Number too large."),
    N_("Not a valid boolean."),
    N_("Not a valid date."),
    N_("Not a valid datetime."),
    N_("Not a valid aware datetime."),
    N_("Not a valid UUID."),
    N_("Not a valid list."),
    N_("Not a valid mapping type."),
    N_("Invalid type."),
    N_("Invalid JSON body."),
    N_("Too long."),
)

PATTERNS = (
    (re.compile(r"^Must be one of: (?P<choices>.*)\.$"), N_("Choose one of: %(choices)s.")),
    (re.compile(r"^Must be greater than or equal to (?P<min>\S+) and less than or equal to "
                r"(?P<max>\S+)\.$"), N_("Must be from %(min)s to %(max)s.")),
    (re.compile(r"^Must be greater than or equal to (?P<min>\S+)\.$"),
     N_("Must be at least %(min)s.")),
    (re.compile(r"^Must be less than or equal to (?P<max>\S+)\.$"),
     N_("Must be at most %(max)s.")),
    (re.compile(r"^Longer than maximum length (?P<max>\d+)\.$"), N_("At most %(max)s characters.")),
    (re.compile(r"^Shorter than minimum length (?P<min>\d+)\.$"),
     N_("Give at least %(min)s.")),
    (re.compile(r"^Length must be between (?P<min>\d+) and (?P<max>\d+)\.$"),
     N_("Give from %(min)s to %(max)s.")),
)


def translate(message: str) -> str:
    """The message in the user's language, if the catalogue knows it."""
    for pattern, template in PATTERNS:
        match = pattern.match(message)
        if match:
            return gettext(template, **match.groupdict())
    return gettext(message)
