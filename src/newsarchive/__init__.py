"""newsarchive: a static news-archive website generator.

The public API, for library callers::

    from newsarchive import build, load_config

    config = load_config(Path("archive.yaml"), Path("."))
    report = build(config)          # a BuildReport: counts, diagnostics, exit status

:class:`Session` builds one archive repeatedly (what ``serve`` uses), and
:class:`Config` is the frozen configuration.  Everything else is internal.
The names are imported on first use, so ``import newsarchive`` stays cheap.
"""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING, Any

__version__ = "0.1.0"

__all__ = ["BuildReport", "Config", "Session", "__version__", "build", "load_config"]

_HOMES = {"BuildReport": "newsarchive.model", "Config": "newsarchive.config",
          "Session": "newsarchive.run.session", "build": "newsarchive.run.session",
          "load_config": "newsarchive.config"}

if TYPE_CHECKING:
    from newsarchive.config import Config, load_config
    from newsarchive.model import BuildReport
    from newsarchive.run.session import Session, build


def __getattr__(name: str) -> Any:
    home = _HOMES.get(name)
    if home is None:
        raise AttributeError(f"module 'newsarchive' has no attribute {name!r}")
    return getattr(import_module(home), name)
