"""Packaging hook: the wheel carries the top-level ``templates/`` and ``static/``
(the default theme) inside the package, as ``newsarchive/default_theme/``."""

from pathlib import Path

from setuptools import setup
from setuptools.command.build_py import build_py

ROOT = Path(__file__).resolve().parent


class BuildWithTheme(build_py):
    """``build_py`` that also copies the default theme into the package."""

    def run(self) -> None:
        super().run()
        if getattr(self, "editable_mode", False):
            return  # an editable install reads the checkout's folders (newsarchive.theme)
        for folder in ("templates", "static"):
            self.copy_tree(str(ROOT / folder),
                           str(Path(self.build_lib) / "newsarchive" / "default_theme" / folder))


if __name__ == "__main__":  # as run by pip's build backend; tests import BuildWithTheme
    setup(cmdclass={"build_py": BuildWithTheme})
