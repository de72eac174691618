"""Compiled templates kept in the cache folder, so a build does not compile them again.

Jinja compiles each template to Python code the first time a process uses it:
the default theme's 32 templates take 0.15 s here, paid by the build process
and by every render worker of every build, and by an edit's build that renders
only a few pages.  Loading the compiled code from :data:`FOLDER` in the cache
folder takes 5 ms (Jinja's own file cache, like Python's ``__pycache__``).

An entry is found by the template's name and file, the version of Jinja and the
options the environment compiles with (given by
:func:`newsarchive.pipeline.render.environment`), and used only
while the template's source is the one it was compiled from (Jinja checks its
digest) and the Python version is the one that wrote it.  It only saves time:
an entry that cannot be read is compiled again, and one that cannot be written
(a read-only or full disk) is not kept, which the build's own writes report.
"""

from __future__ import annotations

import hashlib
import pickle
from pathlib import Path

import jinja2
from jinja2.bccache import Bucket

__all__ = ["FOLDER", "CompiledTemplates", "folder_for"]

#: The folder of the compiled templates inside the cache folder.
FOLDER = "templates"


def folder_for(cache_dir: Path) -> str:
    """The folder of the compiled templates of the cache in ``cache_dir``."""
    return str(cache_dir / FOLDER)


class CompiledTemplates(jinja2.FileSystemBytecodeCache):
    """Jinja's file cache of compiled templates in a folder (made when first written);
    ``options`` names what the environment compiles with."""

    def __init__(self, directory: str, options: str) -> None:
        super().__init__(directory, "%s.jinja")
        self.options = options

    def get_cache_key(self, name: str, filename: str | None = None) -> str:
        key = f"{jinja2.__version__}\0{self.options}\0{name}\0{filename or ''}"
        return hashlib.sha256(key.encode("utf-8")).hexdigest()[:40]

    def load_bytecode(self, bucket: Bucket) -> None:
        try:
            super().load_bytecode(bucket)
        except (OSError, EOFError, ValueError, TypeError, pickle.UnpicklingError):
            bucket.reset()  # damaged: compiled again

    def dump_bytecode(self, bucket: Bucket) -> None:
        try:
            Path(self.directory).mkdir(parents=True, exist_ok=True)
            super().dump_bytecode(bucket)
        except OSError:
            return  # not kept; the next build compiles it again
