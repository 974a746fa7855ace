"""What a plain ``pip install -e '.[dev]' && pytest`` needs beyond the packages.

``make test`` compiles the translation catalogues and installs Debian's Chromium; a
plain ``pytest`` does neither. The catalogues are compiled here when missing or older
than their source, so a plain run tests the same pages; a missing Chromium stops the run
at once with one line saying what to install, instead of every browser test failing.
"""

from __future__ import annotations

import os
from pathlib import Path

from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po

ROOT = Path(__file__).resolve().parent.parent
CATALOGUES = ROOT / "homecare" / "translations"
#: Browser tests drive Debian's Chromium (Playwright's own download cannot work here).
CHROMIUM = os.environ.get("HOMECARE_CHROMIUM", "/usr/bin/chromium")
BROWSER_TESTS = ROOT / "tests" / "browser"


def compile_stale_catalogues() -> list[Path]:
    """Compile every ``messages.po`` whose ``.mo`` is missing or older; returns those written."""
    written = []
    for source in sorted(CATALOGUES.glob("*/LC_MESSAGES/messages.po")):
        compiled = source.with_suffix(".mo")
        if compiled.exists() and compiled.stat().st_mtime >= source.stat().st_mtime:
            continue
        with source.open("rb") as po:
            catalogue = read_po(po, locale=source.parent.parent.name)
        with compiled.open("wb") as mo:
            write_mo(mo, catalogue)
        written.append(compiled)
    return written


def missing_chromium(paths: list[Path]) -> str | None:
    """The one line to print when browser tests are collected but Chromium is absent."""
    wants_browser = any(BROWSER_TESTS in path.parents for path in paths)
    if not wants_browser or os.access(CHROMIUM, os.X_OK):
        return None
    return (f"The browser tests need Chromium at {CHROMIUM}: run `make test` (it installs "
            "Debian's chromium), or `apt-get install chromium`, or set HOMECARE_CHROMIUM.")
