"""Command line: argument parsing and printing only; the work is done by the builder.

Exit status: 0 ok; 1 when any source file was skipped (every valid article is
still built); 2 for usage or configuration errors.
"""

from __future__ import annotations

import argparse
import dataclasses
import gc
import sys
import time
from collections import Counter
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any, TextIO

from newsarchive import __version__
from newsarchive.config import Config, line_of_key, load_config
from newsarchive.errors import ConfigError, Diagnostic, OutputError, build_os_hint

if TYPE_CHECKING:  # the builder is imported when a build runs, not at start-up
    from newsarchive.model import BuildReport

__all__ = ["main", "run"]

_SHOWN_PER_KIND = 20
#: Warn when the output passes 80% of GitHub Pages' 1 GB site limit.


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="newsarchive",
        description="Build a static, searchable HTML archive from a folder of news articles.")
    parser.add_argument("--version", action="version", version=f"newsarchive {__version__}")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")

    def common(sub: argparse.ArgumentParser) -> None:
        sub.add_argument("--source", type=Path, help="folder of articles (default: seeds/)")
        sub.add_argument("--output", type=Path, help="output folder (default: site/)")
        sub.add_argument("--config", type=Path,
                         help="config file (default: archive.yaml if present)")
        sub.add_argument("--base-url", help="absolute URL the site is served from")
        sub.add_argument("--quiet", "-q", action="store_true",
                         help="print only errors and the summary line")
        sub.add_argument("--verbose", "-v", action="store_true", help="print every warning")
        sub.add_argument("--force", action="store_true",
                         help="build into a non-empty output folder that no build wrote, "
                         "replacing files in the way")
        sub.add_argument("--include-drafts", action="store_true",
                         help="build drafts too (WordPress drafts, private and future "
                         "posts, front-matter drafts; also `read.include_drafts: true`)")

    build = commands.add_parser("build", help="build the archive (the default command)")
    common(build)
    build.add_argument("--full", action="store_true",
                       help="render every page again, ignoring the page fingerprints")
    build.add_argument("--no-search", action="store_true",
                       help="skip the Pagefind search index (also `search: false`)")
    build.add_argument("--lock-timeout", type=float, default=600.0, metavar="SECONDS",
                       help="how long to wait for another build of the same output "
                            "folder to finish (default 600)")
    build.add_argument("--executor", default=None,
                       help="where work runs: local (default), serial, dask://HOST:PORT")
    check = commands.add_parser("check", help="read, index and plan without writing")
    common(check)
    serve = commands.add_parser("serve", help="build, serve and rebuild on every change")
    common(serve)
    serve.add_argument("--host", default="127.0.0.1", help="address to bind (default 127.0.0.1)")
    serve.add_argument("--port", type=int, default=8000, help="port (default 8000)")
    imp = commands.add_parser("import", help="write sources as front-matter Markdown pages")
    imp.add_argument("sources", nargs="+", type=Path, help="files or folders to import")
    imp.add_argument("--to", type=Path, required=True, help="folder to write pages into")
    imp.add_argument("--config", type=Path, help="config file (default: archive.yaml)")
    imp.add_argument("--include-drafts", action="store_true",
                     help="import drafts too (WordPress drafts, private and future posts)")
    imp.add_argument("--quiet", "-q", action="store_true")
    imp.add_argument("--verbose", "-v", action="store_true")
    return parser


def _config(args: argparse.Namespace) -> Config:
    cwd = Path.cwd()
    path: Path | None = args.config
    if path is None and (cwd / "archive.yaml").is_file():
        path = cwd / "archive.yaml"
    root = path.resolve().parent if path is not None else cwd
    overrides: dict[str, Any] = {}
    if getattr(args, "base_url", None) is not None:
        overrides["base_url"] = args.base_url
    config = load_config(path, root, overrides)
    changes: dict[str, Any] = {}
    if getattr(args, "source", None) is not None:
        changes["source_dir"] = args.source.resolve()
    if getattr(args, "output", None) is not None:
        changes["output_dir"] = args.output.resolve()
    if getattr(args, "include_drafts", False):
        changes["read"] = dataclasses.replace(config.read, include_drafts=True)
    return dataclasses.replace(config, **changes) if changes else config


def print_diagnostics(diagnostics: Sequence[Diagnostic], verbose: bool, out: TextIO) -> None:
    """Every error, and warnings up to a few per kind unless ``verbose``."""
    shown: Counter[str] = Counter()
    hidden = 0
    for diag in diagnostics:
        kind = diag.message.split(";")[0].split(":")[0][:40]
        if diag.severity == "warning" and not verbose and shown[kind] >= _SHOWN_PER_KIND:
            hidden += 1
            continue
        shown[kind] += 1
        print(diag.format(), file=out)
    if hidden:
        print(f"... and {hidden} more warnings (--verbose shows them all)", file=out)


class _ProgressBar:
    """A one-line progress bar on a terminal, shown once a build passes one second."""

    def __init__(self, out: TextIO) -> None:
        self.out = out
        self.start = time.monotonic()
        self.drawn = False

    def __call__(self, stage: str, done: int, total: int) -> None:
        if time.monotonic() - self.start < 1.0 or not total:
            return
        width = 30
        filled = width * done // total
        self.out.write(f"\r{stage:<10} [{'#' * filled}{'.' * (width - filled)}] {done}/{total}")
        self.out.flush()
        self.drawn = True

    def clear(self) -> None:
        if self.drawn:
            self.out.write("\r" + " " * 70 + "\r")
            self.out.flush()


def _build(args: argparse.Namespace, dry_run: bool) -> int:
    """``build`` and ``check``: build (or only read and plan) and print the outcome."""
    from newsarchive.run.executor import WorkerLost, make_executor
    from newsarchive.run.lock import LockTimeout
    from newsarchive.run.session import build

    config = _config(args)
    if not config.source_dir.is_dir():
        print(_missing_source(args, config).format(), file=sys.stderr)
        return 2
    bar = _ProgressBar(sys.stderr) if sys.stderr.isatty() and not args.quiet else None
    try:
        executor = make_executor(getattr(args, "executor", None))
    except ValueError as exc:
        print(f"newsarchive: error: {exc}", file=sys.stderr)
        return 2
    try:
        report = build(config, full=getattr(args, "full", False), dry_run=dry_run,
                       executor=executor, progress=bar, force=args.force,
                       search=config.search and not getattr(args, "no_search", False),
                       lock_timeout=getattr(args, "lock_timeout", 0.0),
                       on_wait=lambda message: print(f"newsarchive: {message}", file=sys.stderr))
    except LockTimeout as exc:
        print(f"newsarchive: error: {exc}", file=sys.stderr)
        return 2
    except OutputError as exc:
        print(f"newsarchive: error: {exc}", file=sys.stderr)
        return 1
    except WorkerLost as exc:
        print(Diagnostic(str(config.output_dir), 0, 0, str(exc), exc.hint).format(),
              file=sys.stderr)
        return 1
    except Exception as exc:
        from newsarchive.pipeline.template_check import template_diagnostic

        problem = template_diagnostic(exc, config)
        if problem is None and isinstance(exc, OSError):
            problem = _os_error(exc, config)
        if problem is None:
            raise
        print(problem.format(), file=sys.stderr)
        return 1
    finally:
        executor.close()
        if bar:
            bar.clear()
    diagnostics = list(report.diagnostics if not args.quiet else report.errors)
    print_diagnostics(diagnostics, args.verbose, sys.stderr)
    if report.search == "indexed" and not args.quiet:
        print(f"Search index: {report.search_pages} pages indexed by Pagefind; "
              f"{report.search_seconds:.2f} s")
    print(summary(report, config))
    for path, reason in sorted(report.skipped.items()):
        print(f"  skipped {path}: {reason}")
    return report.exit_status


def _missing_source(args: argparse.Namespace, config: Config) -> Diagnostic:
    """The source folder is not there: where it was named (``--source``, the config's
    ``source_dir`` line, or the default ``seeds/``) and what to do."""
    folder = config.source_dir
    problem = " is not a folder" if folder.exists() else " does not exist"
    if getattr(args, "source", None) is not None:
        return Diagnostic(str(folder), 0, 0, f"the source folder {folder}{problem}",
                          "check the --source path")
    line = line_of_key(config, "source_dir")
    if line and config.config_path is not None:
        return Diagnostic(config.config_path.as_posix(), line, 0,
                          f"source_dir is {folder}, which{problem}",
                          "correct source_dir (it is relative to the config's folder)")
    return Diagnostic(str(folder), 0, 0, f"the source folder {folder}{problem}",
                      "put the articles in seeds/ beside archive.yaml, or name their folder "
                      "with source_dir in archive.yaml or --source")


def _os_error(exc: OSError, config: Config) -> Diagnostic:
    """A failure of the file system during a build (disk full, read-only, permissions)."""
    where = exc.filename if isinstance(exc.filename, str) else str(config.output_dir)
    reason = exc.strerror or type(exc).__name__
    return Diagnostic(where, 0, 0, f"cannot write: {reason}",
                      build_os_hint(exc, "check the output folder and build again"))


def summary(report: BuildReport, config: Config) -> str:
    """The closing summary line of a build."""
    head = "Checked" if report.dry_run else "Built"
    pages = (f"{report.pages} pages planned" if report.dry_run else
             f"pages {report.written} written, {report.unchanged} unchanged, "
             f"{report.removed} removed")
    if report.images:
        pages += f" (with {report.images} images)"
    return (f"{head} {report.articles} articles ({report.undated} undated, "
            f"{report.duplicates} duplicates, {len(report.skipped)} skipped files, "
            f"{len(report.not_read)} files not read) into {config.output_dir}: {pages}; "
            f"{len(report.warnings)} warnings, {len(report.errors)} errors; "
            f"{report.seconds:.2f} s")


def _import(args: argparse.Namespace) -> int:
    from newsarchive.importer import import_archive

    config = _config(args)
    report = import_archive(args.sources, args.to, config)
    diagnostics = report.diagnostics
    if args.quiet:
        diagnostics = tuple(d for d in diagnostics if d.severity == "error")
    print_diagnostics(diagnostics, args.verbose, sys.stderr)
    errors = sum(1 for d in report.diagnostics if d.severity == "error")
    print(f"Imported {report.articles} articles ({report.undated} undated, "
          f"{report.duplicates} duplicates, {len(report.skipped)} skipped files, "
          f"{len(report.not_read)} files not read) into "
          f"{args.to}: pages {len(report.written)} written, {report.unchanged} unchanged; "
          f"{len(report.diagnostics) - errors} warnings, {errors} errors")
    for path in sorted(report.skipped):
        reason = next((d.message for d in report.diagnostics
                       if d.path == path and d.severity == "error"), "")
        print(f"  skipped {path}: {reason}")
    return 1 if errors else 0


def _serve(args: argparse.Namespace) -> int:
    from newsarchive.run.session import check_output
    from newsarchive.serve.server import serve

    config = _config(args)
    if not config.source_dir.is_dir():
        print(_missing_source(args, config).format(), file=sys.stderr)
        return 2
    check_output(config, args.force)  # a ConfigError: exit 2 before serving anything
    return serve(config, host=args.host, port=args.port, quiet=args.quiet,
                 reload_config=lambda: _config(args), force=args.force)


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the ``newsarchive`` command; returns the exit status."""
    parser = _parser()
    argv = list(sys.argv[1:] if argv is None else argv)
    if not argv or (argv[0].startswith("-") and argv[0] not in ("-h", "--help", "--version")):
        argv.insert(0, "build")
    args = parser.parse_args(argv)
    try:
        if args.command == "build":
            return _build(args, dry_run=False)
        if args.command == "check":
            return _build(args, dry_run=True)
        if args.command == "import":
            return _import(args)
        if args.command == "serve":
            return _serve(args)
    except ConfigError as exc:
        print_diagnostics(exc.diagnostics, True, sys.stderr)
        return 2
    except KeyboardInterrupt:
        return 130
    parser.print_help()
    return 2


def run(argv: Sequence[str] | None = None) -> int:
    """The ``newsarchive`` command (and ``build.py``): :func:`main`, in a process
    that ends when it returns.

    What the build held is left to the end of the process: Python's collector
    would walk it once more on the way out (0.3 s after a build of 10,000
    articles whose plan changed), for memory the system takes back anyway.
    Nothing is lost by it: open files were closed by the build itself, and
    exit handlers (temporary folders, worker processes) still run.
    """
    status = main(argv)
    gc.freeze()
    return status


if __name__ == "__main__":
    raise SystemExit(run())
