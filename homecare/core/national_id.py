"""Norwegian national identity numbers: fødselsnummer, D-numbers and synthetic test numbers.

An 11-digit number ``DDMMYY III K1 K2``. The individual number ``III`` and the two-digit
year together give the century; ``K1`` and ``K2`` are mod-11 check digits. A D-number
(for people without a fødselsnummer) adds 40 to the day. Synthetic test numbers (used in
the national test environment) add 80 to the month; they are refused unless the service
is configured to accept them (demo data and tests).
"""

from __future__ import annotations

import enum
import re
from dataclasses import dataclass
from datetime import date

from flask_babel import gettext as _

_K1_WEIGHTS = (3, 7, 6, 1, 8, 9, 4, 5, 2)
#: Eleven ASCII digits. ``str.isdigit`` also accepts other scripts' digits (Arabic-Indic,
#: superscripts), which would make a second spelling of the same person or fail ``int``.
_ELEVEN_DIGITS = re.compile(r"[0-9]{11}", re.ASCII)
_K2_WEIGHTS = (5, 4, 3, 2, 7, 6, 5, 4, 3, 2)


class IdKind(enum.StrEnum):
    """Which kind of number it is."""

    BIRTH_NUMBER = "birth_number"
    D_NUMBER = "d_number"
    SYNTHETIC = "synthetic"


class InvalidNationalId(ValueError):
    """The number is not a valid national id; ``str(error)`` says what is wrong."""


@dataclass(frozen=True)
class NationalId:
    """A validated national id and what it tells."""

    value: str
    birth_date: date
    kind: IdKind


def _check_digit(digits: str, weights: tuple[int, ...]) -> int | None:
    remainder = sum(int(d) * w for d, w in zip(digits, weights, strict=True)) % 11
    check = 11 - remainder
    if check == 11:
        return 0
    return None if check == 10 else check


def _century(year2: int, individual: int) -> int | None:
    """The century from the individual number (Skatteetaten's allocation table)."""
    if individual <= 499:
        return 1900
    if individual <= 749 and year2 >= 54:
        return 1800
    if year2 <= 39:
        return 2000
    if individual >= 900:
        return 1900
    return None


def with_check_digits(first_nine: str) -> str | None:
    """The 11-digit number for nine leading digits, or None when no valid number exists.

    Used by the demo data to make valid numbers; validation uses the same arithmetic.
    """
    k1 = _check_digit(first_nine, _K1_WEIGHTS)
    if k1 is None:
        return None
    k2 = _check_digit(first_nine + str(k1), _K2_WEIGHTS)
    if k2 is None:
        return None
    return f"{first_nine}{k1}{k2}"


def normalised(raw: object) -> str:
    """The number as typed, without the spaces people put in it."""
    return "".join(str(raw or "").split())


def is_well_formed(raw: object) -> bool:
    """Whether ``raw`` is eleven ASCII digits once spaces are removed (the shape, not the
    check digits): what a search by national id may look up."""
    return _ELEVEN_DIGITS.fullmatch(normalised(raw)) is not None


def masked(value: str) -> str:
    """Only the birth-date part (the first six digits); the personal number hidden."""
    return value[:6] + "*****"


def parse_national_id(raw: str, *, allow_synthetic: bool, today: date | None = None) -> NationalId:
    """Validate a national id and derive its birth date.

    Raises InvalidNationalId with a message (in the request's language) that says which
    part is wrong: the length, the date, the check digits, or a synthetic number where
    those are not allowed.
    """
    value = normalised(raw)
    if not is_well_formed(value):
        raise InvalidNationalId(_("A national identity number has exactly 11 digits."))
    day, month, year2 = int(value[0:2]), int(value[2:4]), int(value[4:6])
    kind = IdKind.BIRTH_NUMBER
    if day > 40:
        day -= 40
        kind = IdKind.D_NUMBER
    if month > 80:
        if not allow_synthetic:
            raise InvalidNationalId(_("Synthetic test numbers are not accepted here."))
        month -= 80
        kind = IdKind.SYNTHETIC
    century = _century(year2, int(value[6:9]))
    birth_date = None
    if century is not None:
        try:
            birth_date = date(century + year2, month, day)
        except ValueError:
            birth_date = None
    if birth_date is None or birth_date > (today or date.today()):
        raise InvalidNationalId(
            _("The first six digits of the national identity number are not a real birth date.")
        )
    if with_check_digits(value[:9]) != value:
        raise InvalidNationalId(
            _("The check digits of the national identity number are wrong; check for a typo.")
        )
    return NationalId(value=value, birth_date=birth_date, kind=kind)
