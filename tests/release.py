"""The release as an operator gets it, built once per test session: ``python -m build``
on the files of a clean clone (an sdist, and the wheel built from that sdist), the wheel
installed into a fresh virtual environment outside the checkout."""

from __future__ import annotations

import shutil
import subprocess
import sys
import venv
from dataclasses import dataclass
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


def run(*command, cwd=None, env=None, timeout=900) -> subprocess.CompletedProcess:
    """Run one of our own commands to the end; its output is kept for the assertion."""
    return subprocess.run(command, cwd=cwd, env=env, capture_output=True, text=True,  # noqa: S603 - our own commands
                          timeout=timeout, check=False)


def clean_clone(target: Path) -> Path:
    """The files a clean clone has (tracked or new, never what git ignores, such as the
    compiled catalogues ``make`` leaves in the checkout), copied to ``target``."""
    listed = run("git", "ls-files", "--cached", "--others", "--exclude-standard", "-z", cwd=ROOT)
    assert listed.returncode == 0, listed.stderr
    for name in filter(None, listed.stdout.split("\0")):
        source = ROOT / name
        if source.is_file():
            (target / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, target / name)
    return target


def fresh_venv(target: Path) -> Path:
    """A new virtual environment with pip; its ``bin`` folder."""
    venv.create(target, with_pip=True, clear=True)
    return target / "bin"


@dataclass(frozen=True)
class Release:
    sdist: Path
    wheel: Path


@dataclass(frozen=True)
class Installed:
    """The wheel installed in a virtual environment of its own."""

    bin: Path
    home: Path

    def environment(self, **settings: str) -> dict[str, str]:
        """An operator's environment: the venv's commands first, no PYTHONPATH, nothing
        of the test run's own settings, and ``settings``."""
        return {"PATH": f"{self.bin}:/usr/bin:/bin", "HOME": str(Path.home()),
                "LANG": "C.UTF-8", **settings}


@pytest.fixture(scope="session")
def release(tmp_path_factory) -> Release:
    """``python -m build`` on a clean clone: the sdist, and the wheel built from it."""
    work = tmp_path_factory.mktemp("release")
    source = clean_clone(work / "source")
    assert not list(source.glob("homecare/translations/*/LC_MESSAGES/*.mo"))
    built = run(sys.executable, "-m", "build", "--outdir", str(work / "dist"), str(source))
    assert built.returncode == 0, built.stderr[-3000:]
    [sdist] = (work / "dist").glob("homecare-*.tar.gz")
    [wheel] = (work / "dist").glob("homecare-*.whl")
    return Release(sdist, wheel)


@pytest.fixture(scope="session")
def installed_release(release, tmp_path_factory) -> Installed:
    """The wheel with its dependencies in a fresh virtual environment, away from the
    checkout (so that nothing of the checkout can be what is imported)."""
    place = tmp_path_factory.mktemp("installed")
    bin_dir = fresh_venv(place / "venv")
    done = run(str(bin_dir / "python"), "-m", "pip", "install", "--quiet", str(release.wheel),
               cwd=place)
    assert done.returncode == 0, done.stderr[-3000:]
    home = place / "operator"
    home.mkdir()
    return Installed(bin_dir, home)
