"""``pip install .`` gives the same app as ``make run``: built as a wheel, installed into a
fresh virtual environment, it serves the sign-in page in Norwegian."""

from __future__ import annotations

import shutil
import subprocess
import sys
import venv
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

SIGN_IN_PAGE = """
import os
os.environ["HOMECARE_ENV"] = "development"
from homecare import create_app
app = create_app()
page = app.test_client().get("/login")
print(page.status_code)
print(page.get_data(as_text=True))
"""


def _run(*command, cwd=None, env=None) -> subprocess.CompletedProcess:
    return subprocess.run(command, cwd=cwd, env=env, capture_output=True, text=True,  # noqa: S603 - our own commands
                          timeout=600, check=False)


def _source_copy(target: Path) -> Path:
    """The files a clean clone has (tracked or new, never what git ignores, such as the
    compiled catalogues ``make`` leaves in the checkout), copied to ``target``."""
    listed = _run("git", "ls-files", "--cached", "--others", "--exclude-standard", "-z",
                  cwd=ROOT)
    assert listed.returncode == 0, listed.stderr
    for name in filter(None, listed.stdout.split("\0")):
        source = ROOT / name
        if source.is_file():
            (target / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, target / name)
    return target


def test_an_installed_wheel_speaks_norwegian(tmp_path):
    source = _source_copy(tmp_path / "source")
    assert not list(source.glob("homecare/translations/*/LC_MESSAGES/*.mo"))
    wheels = tmp_path / "wheels"
    built = _run(sys.executable, "-m", "pip", "wheel", "--no-deps", "--wheel-dir",
                 str(wheels), str(source))
    assert built.returncode == 0, built.stderr[-2000:]
    [wheel] = wheels.glob("homecare-*.whl")
    target = tmp_path / "venv"
    venv.create(target, with_pip=True)
    python = target / "bin" / "python"
    installed = _run(str(python), "-m", "pip", "install", "--quiet", str(wheel))
    assert installed.returncode == 0, installed.stderr[-2000:]
    # Run away from the checkout, so that the installed package is the one imported.
    served = _run(str(python), "-c", SIGN_IN_PAGE, cwd=tmp_path, env={
        "PATH": "/usr/bin:/bin", "SECRET_KEY": "packaging-test",
        "DATABASE_URL": f"sqlite:///{tmp_path / 'app.sqlite3'}"})
    assert served.returncode == 0, served.stderr[-2000:]
    status, page = served.stdout.split("\n", 1)
    assert status == "200"
    assert 'lang="nb"' in page
    assert "Logg inn" in page and "Brukernavn" in page
