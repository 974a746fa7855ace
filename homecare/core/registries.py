"""Norwegian register numbers other than national ids (``core.national_id``): organisation
numbers (Enhetsregisteret), HPR numbers (Helsepersonellregisteret), postal codes,
municipality numbers, and the districts (bydeler) of the municipalities that have them.

Each check answers a message in the caller's language, or None when the value is good.
"""

from __future__ import annotations

import re

from flask_babel import gettext as _

#: The municipality numbers (kommunenummer, SSB) this service knows by name.
MUNICIPALITY_NAMES = {"0301": "Oslo"}
#: Oslo's districts (bydeler) by their number (bydelsnummer, SSB): municipality number and
#: the district's two digits. Sentrum and Marka are served by neighbouring districts but
#: keep numbers of their own.
DISTRICTS = {"0301": {
    "030101": "Gamle Oslo", "030102": "Grünerløkka", "030103": "Sagene",
    "030104": "St. Hanshaugen", "030105": "Frogner", "030106": "Ullern",
    "030107": "Vestre Aker", "030108": "Nordre Aker", "030109": "Bjerke",
    "030110": "Grorud", "030111": "Stovner", "030112": "Alna", "030113": "Østensjø",
    "030114": "Nordstrand", "030115": "Søndre Nordstrand", "030116": "Sentrum",
    "030117": "Marka"}}
#: A postal place (poststed) that lies wholly in one municipality.
POSTAL_PLACE_MUNICIPALITY = {"oslo": "0301"}

_ORGANISATION_WEIGHTS = (3, 2, 7, 6, 5, 4, 3, 2)
_FOUR_DIGITS = re.compile(r"^[0-9]{4}$")
_HPR = re.compile(r"^[0-9]{4,9}$")


def organisation_number_problem(value: str) -> str | None:
    """An organisation number has nine digits, the last a mod-11 check digit."""
    if not re.fullmatch(r"[0-9]{9}", value):
        return _("An organisation number has exactly 9 digits.")
    remainder = sum(int(d) * w for d, w in zip(value, _ORGANISATION_WEIGHTS, strict=False)) % 11
    check = 0 if remainder == 0 else 11 - remainder
    if check == 10 or check != int(value[8]):
        return _("The check digit of the organisation number is wrong; check for a typo.")
    return None


def with_organisation_check_digit(first_eight: str) -> str | None:
    """The organisation number for eight leading digits, or None when none is valid (the
    demo makes its numbers with it)."""
    remainder = sum(int(d) * w for d, w in zip(first_eight, _ORGANISATION_WEIGHTS,
                                               strict=True)) % 11
    check = 0 if remainder == 0 else 11 - remainder
    return None if check == 10 else f"{first_eight}{check}"


def hpr_number_problem(value: str) -> str | None:
    """An HPR number (helsepersonellnummer) is 4 to 9 digits."""
    return None if _HPR.match(value) else _("An HPR number has 4 to 9 digits.")


def postal_code_problem(value: str) -> str | None:
    """A Norwegian postal code has four digits."""
    return None if _FOUR_DIGITS.match(value) else _("A postal code has exactly 4 digits.")


def municipality_number_problem(value: str) -> str | None:
    """A municipality number (kommunenummer) has four digits, e.g. 0301 for Oslo."""
    return None if _FOUR_DIGITS.match(value) else _(
        "A municipality number has exactly 4 digits (Oslo is 0301).")


def district_code(municipality_number: str | None, district: str | None) -> str | None:
    """The district's number, when the municipality's districts are known here."""
    for code, name in DISTRICTS.get(municipality_number or "", {}).items():
        if district and name.casefold() == district.strip().casefold():
            return code
    return None


def canonical_district(municipality_number: str, district: str) -> str | None:
    """The district's name as the municipality writes it, if it is one of its districts;
    None if it is not (the municipality's districts are known and this is not one).
    A municipality whose districts are not known here takes the name as given."""
    known = DISTRICTS.get(municipality_number)
    if known is None:
        return district.strip()
    code = district_code(municipality_number, district)
    return known[code] if code else None


def municipality_of_postal_place(city: str | None) -> str | None:
    """The municipality a postal place lies in, where it lies wholly in one we know."""
    return POSTAL_PLACE_MUNICIPALITY.get((city or "").strip().casefold())
