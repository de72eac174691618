"""Where the default theme lives: the repository's top-level ``templates/`` and
``static/`` folders.

A wheel carries a copy of both inside the package (``default_theme/``, put
there by ``setup.py`` at build time), so an installed ``newsarchive`` has its
theme anywhere; a source checkout (``python build.py``, ``pip install -e``)
reads the top-level folders themselves, so editing ``templates/article.html``
changes the next build.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

__all__ = ["PREFIX", "static_dir", "templates_dir", "theme_root"]

#: Templates of the default theme are also reachable as ``theme/<name>``, so a
#: site's own ``base.html`` can ``{% extends "theme/base.html" %}``.
PREFIX = "theme"


@cache
def theme_root() -> Path:
    """The folder holding the default theme's ``templates/`` and ``static/``: the
    package's ``default_theme/`` when installed from a wheel, else the checkout.

    Raises RuntimeError when neither exists (a broken install).  Cached: a
    test that points it elsewhere calls ``theme_root.cache_clear()``.
    """
    here = Path(__file__).resolve().parent
    packaged = here / "default_theme"
    if (packaged / "templates").is_dir():
        return packaged
    checkout = here.parents[1]  # src/newsarchive -> the repository
    if (checkout / "templates" / "base.html").is_file():
        return checkout
    raise RuntimeError(  # an install without its theme: a packaging bug, not a user error
        f"the default theme is missing: neither {packaged} nor {checkout / 'templates'} exists")


def templates_dir() -> Path:
    """The default theme's Jinja templates (docs/theme.md describes each)."""
    return theme_root() / "templates"


def static_dir() -> Path:
    """The default theme's static files, copied to ``static/`` in the output."""
    return theme_root() / "static"
