"""Checks around a build's writing: may it write into the output folder, which site
files it copies (and may every planned path be written), and is the result
still small enough to publish."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from newsarchive import theme
from newsarchive.config import Config
from newsarchive.errors import Diagnostic, OutputError
from newsarchive.incremental.store import Cache, open_cache
from newsarchive.model import BuildReport
from newsarchive.pipeline.output import check_output_folder, safe_target, static_files
from newsarchive.pipeline.write import Plan

__all__ = ["PAGES_WARN_BYTES", "check_output", "site_files", "size_check"]

#: GitHub Pages publishes sites of at most 1 GB: warn above this.
PAGES_WARN_BYTES = 800_000_000


def base_url_check(config: Config) -> list[Diagnostic]:
    """The warning of a config without ``base_url`` (feeds, sitemap and canonical
    links then name a local address)."""
    if config.base_url:
        return []
    from newsarchive.pipeline.render import DEFAULT_BASE_URL

    where = config.config_path.name if config.config_path else "archive.yaml"
    return [Diagnostic(
        where, 0, 0,
        f"base_url is not set; feeds, sitemap and canonical links use {DEFAULT_BASE_URL}",
        "set base_url in archive.yaml or pass --base-url before deploying", "warning")]


def size_check(config: Config, report: BuildReport) -> list[Diagnostic]:
    """A warning when the output nears GitHub Pages' 1 GB limit.  Walking a
    150,000-file output takes seconds: measured after builds that changed a
    sizeable share of it (a full build, a config change), not after every edit."""
    from newsarchive.pipeline.output import folder_size

    if report.written + report.removed <= report.pages // 100:
        return []
    size = folder_size(config.output_dir)
    if size <= PAGES_WARN_BYTES:
        return []
    return [Diagnostic(str(config.output_dir), 0, 0,
                       f"the output is {size / 2**30:.2f} GiB; GitHub Pages publishes at most 1 GB",
                       "split the archive or host it elsewhere", "warning")]


def check_output(config: Config, force: bool = False,
                 cache: Callable[[], Cache] | None = None) -> bool:
    """Refuse an output folder a build must not write into: raises ConfigError (see
    :func:`newsarchive.pipeline.output.check_output_folder`).  Returns whether the folder
    is absent or empty.  ``cache`` opens the cache, asked only whether it knows
    a build of a non-empty folder without an output manifest."""
    config_dir = config.config_path.parent if config.config_path else None

    def owned_by_cache() -> bool:
        if not config.cache_dir.is_dir():
            return False
        if cache is not None:
            return cache().knows_output(config.output_dir)
        opened, _ = open_cache(config.cache_dir)
        try:
            return opened.knows_output(config.output_dir)
        finally:
            opened.close()

    return check_output_folder(config.output_dir, source_dir=config.source_dir,
                               config_dir=config_dir, owned_by_cache=owned_by_cache,
                               force=force)


def _plain_relative(path: str) -> bool:
    """Whether ``path`` passes ``output.safe_target``'s checks (without making Paths)."""
    return bool(path) and path[0] != "/" and "\\" not in path and "//" not in path \
        and not path.endswith("/") and not any(p in (".", "..") for p in path.split("/"))


def site_files(config: Config, plan: Plan) -> tuple[dict[str, Path], int]:
    """The static files and the articles' image files to copy (output path to
    file), and how many are images, after checking that no two files claim one
    output path and none would land outside the output folder (raises
    OutputError)."""
    from newsarchive.pipeline.assets import plan_assets

    statics = static_files([theme.static_dir(),
                            *([config.static_dir] if config.static_dir else [])])
    images = plan_assets(plan.entries.values(), config.source_dir)
    statics.update(images)
    seen: set[str] = set()
    for path in [s.output_path for s in plan.specs] + list(statics):
        if path in seen:
            raise OutputError(f"two pages claim the output path {path}")
        seen.add(path)
        if not _plain_relative(path):
            safe_target(config.output_dir, path)  # raises OutputError
    return statics, len(images)
