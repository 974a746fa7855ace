"""A plain ``pip install -e '.[dev]' && pytest`` works, or says at once what is missing."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys

from babel.messages.mofile import read_mo

from tests import setup_checks

NB = setup_checks.CATALOGUES / "nb" / "LC_MESSAGES" / "messages.po"


def test_a_catalogue_changed_since_it_was_compiled_is_compiled_again(tmp_path, monkeypatch):
    folder = tmp_path / "nb" / "LC_MESSAGES"
    folder.mkdir(parents=True)
    shutil.copy(NB, folder / "messages.po")
    monkeypatch.setattr(setup_checks, "CATALOGUES", tmp_path)

    assert setup_checks.compile_stale_catalogues() == [folder / "messages.mo"]
    with (folder / "messages.mo").open("rb") as mo:
        assert read_mo(mo).get("Save").string == "Lagre"
    assert setup_checks.compile_stale_catalogues() == []   # up to date: left alone

    later = (folder / "messages.mo").stat().st_mtime + 5
    os.utime(folder / "messages.po", (later, later))
    assert setup_checks.compile_stale_catalogues() == [folder / "messages.mo"]


def test_browser_tests_without_chromium_stop_the_run_in_one_line(tmp_path):
    run = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider",
         "tests/browser/test_tablet_pages.py"],
        cwd=setup_checks.ROOT, capture_output=True, text=True, timeout=120,
        env={**os.environ, "HOMECARE_CHROMIUM": str(tmp_path / "no-chromium")})
    assert run.returncode == 4
    assert "run `make test`" in run.stdout
    assert "passed" not in run.stdout and "failed" not in run.stdout


def test_other_tests_do_not_need_chromium(tmp_path, monkeypatch):
    monkeypatch.setattr(setup_checks, "CHROMIUM", str(tmp_path / "no-chromium"))
    assert setup_checks.missing_chromium([setup_checks.ROOT / "tests" / "test_flags.py"]) is None
