"""What counts as text with something in it: one rule for the API, the forms and services.

A goal or an answer made only of spaces, zero-width spaces, joiners, direction marks,
byte-order marks or other characters that draw nothing would look empty on every page,
so it is refused as empty.
"""

from __future__ import annotations

import unicodedata

#: Unicode categories that draw nothing: controls, format characters (zero-width space,
#: joiners, direction marks, BOM), separators, and combining marks standing alone.
_INVISIBLE_CATEGORIES = frozenset({"Cc", "Cf", "Zs", "Zl", "Zp", "Mn", "Me"})
#: Letters and symbols that are blank by design (Hangul fillers, Braille blank, …).
_BLANK_GLYPHS = frozenset("\u115f\u1160\u3164\uffa0\u2800\u180e")


def is_visible(character: str) -> bool:
    """Whether the character draws something on the page."""
    return (character not in _BLANK_GLYPHS
            and unicodedata.category(character) not in _INVISIBLE_CATEGORIES)


def is_blank(value: str | None) -> bool:
    """Whether the text is missing or has no visible character at all."""
    return not value or not any(is_visible(character) for character in value)
