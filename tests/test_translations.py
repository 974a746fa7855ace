"""Every text a user sees is in the catalogue, translated to bokmål."""

from pathlib import Path

from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po

ROOT = Path(__file__).resolve().parent.parent
KEYWORDS = {"_": None, "gettext": None, "ngettext": (1, 2), "lazy_gettext": None, "_l": None,
            "N_": None}
METHODS = [("homecare/**.py", "python"), ("homecare/**/templates/**.html", "jinja2")]


def source_messages() -> set[str]:
    found = set()
    for _file, _line, message, _comments, _context in extract_from_dir(
            str(ROOT), METHODS, keywords=KEYWORDS):
        found.add(message if isinstance(message, str) else message[0])
    return found


def catalogue(language: str):
    with open(ROOT / "homecare/translations" / language / "LC_MESSAGES/messages.po", "rb") as f:
        return read_po(f)


def test_every_message_in_the_source_is_in_the_catalogue():
    catalogued = {m.id if isinstance(m.id, str) else m.id[0] for m in catalogue("nb") if m.id}
    missing = source_messages() - catalogued
    assert not missing, f"run `make extract-messages` and translate: {sorted(missing)}"


def test_every_message_has_a_bokmal_translation():
    untranslated = [m.id for m in catalogue("nb") if m.id and (
        not m.string or (not isinstance(m.string, str) and not all(m.string))
        or m.fuzzy)]
    assert not untranslated
