"""The build steps pyproject.toml cannot declare: compile the translation catalogues, and
carry ``static/`` and ``migrations/`` inside the package.

The compiled catalogues (``.mo``) are not kept in git. Without this step a wheel would
ship only the ``.po`` sources and an installed homecare would show English text under
``lang="nb"``. ``static/`` and ``migrations/`` stay at the top of the repository, where
the project keeps them; the build copies them into the package (``homecare/static``,
``homecare/migrations``), where ``homecare.resource_folder`` finds them once installed.
With these steps ``pip install .`` gives the same app as ``make run``.

An editable install (``pip install -e .``) runs the package from the checkout: there
the catalogues are compiled next to their sources (as ``make`` does), and the app finds
``static/`` and ``migrations/`` at the top of the checkout.
"""

import shutil
from pathlib import Path

from setuptools import setup
from setuptools.command.build_py import build_py

#: Folders at the top of the repository that the installed package carries.
TOP_LEVEL_DATA = ("static", "migrations")


def _compile_catalogues(target_root: Path) -> list[str]:
    """Write each ``messages.po`` as ``messages.mo`` under ``target_root``."""
    from babel.messages.mofile import write_mo
    from babel.messages.pofile import read_po

    written = []
    for source in sorted(Path("homecare/translations").glob("*/LC_MESSAGES/messages.po")):
        target = target_root / source.with_suffix(".mo")
        target.parent.mkdir(parents=True, exist_ok=True)
        with source.open("rb") as po, target.open("wb") as mo:
            write_mo(mo, read_po(po))
        written.append(str(target))
    return written


class BuildWithCatalogues(build_py):
    """``build_py`` that also compiles the catalogues and copies the top-level data."""

    def run(self) -> None:
        super().run()
        if self.editable_mode:
            _compile_catalogues(Path("."))
            return
        build = Path(self.build_lib)
        _compile_catalogues(build)
        for name in TOP_LEVEL_DATA:
            target = build / "homecare" / name
            shutil.rmtree(target, ignore_errors=True)
            shutil.copytree(name, target,
                            ignore=shutil.ignore_patterns("__pycache__", "*.py[co]"))


setup(cmdclass={"build_py": BuildWithCatalogues})
