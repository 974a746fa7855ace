"""A person's name: the whole name and its parts (given, middle, family), kept as entered.

Norwegian names have a middle name (mellomnavn) between the given names and the family
name, and a name of three words does not say which of them it is: only the person (or
the national registry) can. So the parts are taken from what was entered; from a whole
name alone they are read only where it has exactly two words (a given name and a family
name), and otherwise left unknown.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class NameParts:
    """Given name(s), middle name and family name; any may be None (unknown)."""

    given: str | None = None
    middle: str | None = None
    family: str | None = None

    def composed(self) -> str:
        """The whole name, in the Norwegian order."""
        return " ".join(part for part in (self.given, self.middle, self.family) if part)


def _clean(value: str | None) -> str | None:
    return " ".join(value.split()) if value and value.strip() else None


def parts_of(given: str | None, middle: str | None, family: str | None) -> NameParts:
    """The parts as entered, trimmed (runs of spaces become one)."""
    return NameParts(_clean(given), _clean(middle), _clean(family))


def read_parts(full_name: str) -> NameParts:
    """What a whole name says of its parts: a two-word name is a given and a family name;
    any other name keeps its parts unknown."""
    words = full_name.split()
    if len(words) == 2:
        return NameParts(words[0], None, words[1])
    return NameParts()
