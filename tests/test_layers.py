"""The house's layers, as the contracts in ``.importlinter`` state them (import-linter).

The whole tree keeps every contract; and each contract is seen to break when an import
that it forbids is planted in a copy of the package, so that none of them passes for
want of checking anything.
"""

from __future__ import annotations

import configparser
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
CONFIG = ROOT / ".importlinter"
LINT = Path(sys.executable).with_name("lint-imports")

#: contract id -> (module to change, the import planted in it)
PLANTED = {
    "entries": ("homecare/care/views.py", "import homecare.goals.api"),
    "acyclic": ("homecare/service_users/services.py", "import homecare.flags.services"),
    "models": ("homecare/goals/models.py", "import homecare.goals.services"),
    "policy": ("homecare/policy/access.py", "import homecare.flags.rules"),
    "services": ("homecare/visits/services.py", "import homecare.visits.forms"),
    "scheduler": ("homecare/intake/services.py", "import homecare.scheduler.runner"),
    "definitions": ("homecare/indicators/definitions.py", "import homecare.org.models"),
    "core": ("homecare/core/dates.py", "import homecare.org.models"),
}


def _contracts() -> dict[str, str]:
    """Contract id -> its name, as the configuration file has them."""
    parser = configparser.ConfigParser()
    parser.read(CONFIG)
    return {section.split(":")[-1]: parser[section]["name"]
            for section in parser.sections() if section.startswith("importlinter:contract:")}


def _lint(tree: Path) -> subprocess.CompletedProcess:
    return subprocess.run(  # noqa: S603 - our own tool on our own code
        [str(LINT), str(CONFIG), "--no-cache"], cwd=tree,
        env={"PYTHONPATH": str(tree), "PATH": "/usr/bin:/bin"},
        capture_output=True, text=True, timeout=300)


def test_the_tree_keeps_every_contract():
    result = _lint(ROOT)
    assert result.returncode == 0, result.stdout[-4000:]
    for name in _contracts().values():
        assert f"{name} KEPT" in result.stdout


def test_every_contract_has_a_planted_import():
    assert set(PLANTED) == set(_contracts())


@pytest.mark.parametrize("contract", sorted(PLANTED))
def test_a_planted_import_breaks_its_contract(contract, tmp_path):
    shutil.copytree(ROOT / "homecare", tmp_path / "homecare",
                    ignore=shutil.ignore_patterns("__pycache__", "translations", "static"))
    module, planted = PLANTED[contract]
    target = tmp_path / module
    target.write_text(target.read_text() + f"\n{planted}  # planted by tests/test_layers.py\n")
    result = _lint(tmp_path)
    assert result.returncode != 0
    assert f"{_contracts()[contract]} BROKEN" in result.stdout, result.stdout[-3000:]
