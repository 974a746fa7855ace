"""The build step pyproject.toml cannot declare: compile the translation catalogues.

The compiled catalogues (``.mo``) are not kept in git. Without this step a wheel would
ship only the ``.po`` sources and an installed homecare would show English text under
``lang="nb"``; with it, ``pip install .`` gives the same app as ``make run``.
"""

from pathlib import Path

from setuptools import setup
from setuptools.command.build_py import build_py


class BuildWithCatalogues(build_py):
    """``build_py`` that also writes each ``messages.po`` as ``messages.mo`` into the build."""

    def run(self) -> None:
        super().run()
        from babel.messages.mofile import write_mo
        from babel.messages.pofile import read_po

        for source in Path("homecare/translations").glob("*/LC_MESSAGES/messages.po"):
            target = Path(self.build_lib) / source.with_suffix(".mo")
            target.parent.mkdir(parents=True, exist_ok=True)
            with source.open("rb") as po, target.open("wb") as mo:
                write_mo(mo, read_po(po))


setup(cmdclass={"build_py": BuildWithCatalogues})
