"""A postal address: the one line pages show, and its parts (street line, postal code and
place, municipality number, district) that other systems need.

The parts are the record where they were given; the line is made of them. An address
given as one line in the Norwegian form "Street 12, 0468 Oslo" is read into its parts;
any other line keeps its parts unknown. The municipality is read from the postal place
only where the place lies wholly in one municipality (Oslo, 0301), and the district is
never guessed.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace

from flask_babel import gettext as _

from homecare.core import registries
from homecare.core.validation import FieldErrors

#: The fields of an address's parts, as the API and the services name them.
PART_FIELDS = ("address_line", "postal_code", "city", "municipality_number", "district")
_ONE_LINE = re.compile(r"^\s*(?P<line>[^,]*\S)\s*,\s*(?P<postal>[0-9]{4})\s+(?P<city>\S.*?)\s*$")


@dataclass(frozen=True)
class AddressParts:
    """The parts of an address; any may be None (unknown)."""

    address_line: str | None = None
    postal_code: str | None = None
    city: str | None = None
    municipality_number: str | None = None
    district: str | None = None

    def composed(self) -> str:
        """The address on one line: "Bjølsengata 12, 0468 Oslo"."""
        return f"{self.address_line}, {self.postal_code} {self.city}"

    def as_fields(self) -> dict:
        """The parts by field name."""
        return {name: getattr(self, name) for name in PART_FIELDS}


def read_line(text: str) -> AddressParts:
    """The parts a one-line address tells: street line, postal code and place, and the
    municipality where the place lies in one; no parts for any other line."""
    found = _ONE_LINE.match(text or "")
    if found is None:
        return AddressParts()
    city = " ".join(found["city"].split())
    return AddressParts(" ".join(found["line"].split()), found["postal"], city,
                        registries.municipality_of_postal_place(city))


def _clean(value) -> str | None:
    return " ".join(str(value).split()) if value is not None and str(value).strip() else None


def checked_parts(errors: FieldErrors, given: dict) -> AddressParts:
    """Address parts from input (``given`` by field name), every problem recorded on its
    field: street line, postal code and place are needed together; the municipality is
    read from the place where it can be; a district needs a municipality and must be one
    of its districts where those are known."""
    parts = AddressParts(**{name: _clean(given.get(name)) for name in PART_FIELDS})
    for field, limit in (("address_line", 200), ("city", 100)):
        errors.text(field, getattr(parts, field), max_length=limit)
    if parts.postal_code is None:
        errors.add("postal_code", _("This field cannot be empty."))
    elif problem := registries.postal_code_problem(parts.postal_code):
        errors.add("postal_code", problem)
    municipality = parts.municipality_number or registries.municipality_of_postal_place(
        parts.city)
    if parts.municipality_number and (
            problem := registries.municipality_number_problem(parts.municipality_number)):
        errors.add("municipality_number", problem)
    district = parts.district
    if district is not None:
        errors.text("district", district, max_length=100)
        if municipality is None:
            errors.add("municipality_number", _("Give the municipality number with the "
                                                "district."))
        else:
            district = registries.canonical_district(municipality, district)
            if district is None:
                errors.add("district", _("This is not one of the municipality's districts."))
    return replace(parts, municipality_number=municipality, district=district)
