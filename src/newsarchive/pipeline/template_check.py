"""What goes wrong in templates, said where it is: ``templates/x.html:LINE:COL``.

:func:`template_diagnostic` turns an exception a build raised while rendering
into a located diagnostic; :func:`check_templates` finds, without writing,
what a build of the plan would stop at (for ``newsarchive check``).
"""

from __future__ import annotations

import re
import traceback
from collections.abc import Mapping
from pathlib import Path

import jinja2

from newsarchive import theme
from newsarchive.config import Config
from newsarchive.errors import Diagnostic
from newsarchive.model import Entry
from newsarchive.pipeline.plan import PageSpec
from newsarchive.pipeline.render import (
    CardValues,
    card_values,
    closure_sources,
    environment,
    page_context_cards,
    render_job,
)

__all__ = ["check_templates", "template_diagnostic"]


_TEMPLATE_FRAME = re.compile(r'File "([^"]+)", line (\d+), in (?:top-level template code|block '
                             r'["\'][^"\']*["\']|template|macro|root)')


def template_diagnostic(exc: BaseException, config: Config) -> Diagnostic | None:
    """A ``templates/x.html:LINE:COL: error: …`` diagnostic for a template problem
    raised by a build (a syntax error, an undefined variable, a missing template,
    a filter that failed), or None when ``exc`` is not one.  Works on exceptions
    that crossed a process pool too: their remote traceback names the frame.

    Jinja gives only a line; the column is found in that line of the template:
    for an undefined variable, where the missing name is written; for a syntax
    error, the ``{%``/``{{`` tag Jinja names (else the line's first tag).  It
    is 0 when the line cannot be read or holds no such place.
    """
    if not isinstance(exc, jinja2.TemplateError):
        return None

    def shown(path: str) -> str:
        for root in (config.templates_dir.parent if config.templates_dir else None,
                     theme.templates_dir().parent):
            if root is not None and Path(path).is_relative_to(root):
                return Path(path).relative_to(root).as_posix()
        return path

    if isinstance(exc, jinja2.TemplateSyntaxError):
        where = shown(exc.filename or exc.name or "templates")
        line = exc.lineno or 0
        column = _syntax_column(exc.source, exc.filename, line, exc.message or "")
        return Diagnostic(where, line, column, f"template syntax error: {exc.message}",
                          "fix the template's tags ({% %}, {{ }}) at that line")
    if isinstance(exc, jinja2.TemplateNotFound):
        return Diagnostic(shown(str(config.templates_dir or "templates")), 0, 0,
                          f"template not found: {exc.name}",
                          "add the template or fix the name in extends/include/import")
    text = "".join(traceback.format_exception(exc))
    for cause in (exc.__cause__, exc.__context__):
        if cause is not None:
            text += str(cause)
    frames = _TEMPLATE_FRAME.findall(text)
    path, line = (shown(frames[-1][0]), int(frames[-1][1])) if frames else ("templates", 0)
    message = str(exc.message or exc)
    column = 0
    if frames and isinstance(exc, jinja2.UndefinedError):
        column = _name_column(_template_line(None, frames[-1][0], line), message)
    hint = ("every variable a template uses must exist in its context (docs/theme.md lists "
            "them); use `is defined` or `| default(...)` for optional ones"
            if isinstance(exc, jinja2.UndefinedError) else "fix the template at that line")
    return Diagnostic(path, line, column, f"template error: {type(exc).__name__}: {message}",
                      hint)


#: Where a Jinja tag starts (``{{``, ``{%``, ``{#``) and, lazily, where it ends.
_TAG = re.compile(r"\{([{%#])(.*?)(?:[}%#]\}|$)")
#: The piece of a syntax error's message that names what Jinja stumbled on.
_NAMED_TAG = re.compile(r"\btag '([^']+)'")
_NAMED_TOKEN = re.compile(r"\b(?:got|unexpected(?: char)?|named) '([^']+)'")
_LEXER_OFFSET = re.compile(r"^unexpected char '.*' at (\d+)$")
_UNDEFINED_NAME = re.compile(r"^'([^']+)' is undefined$")
_UNDEFINED_ATTRIBUTE = re.compile(r"has no attribute '([^']+)'$")
_UNDEFINED_ELEMENT = re.compile(r"has no element (.+)$")


def _template_line(source: str | None, filename: str | None, line: int) -> str:
    """Line ``line`` (1-based) of a template, from its source or else its file; empty
    when neither can be read."""
    if source is None and filename:
        try:
            source = Path(filename).read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError):
            return ""
    lines = (source or "").splitlines()
    return lines[line - 1] if 0 < line <= len(lines) else ""


def _syntax_column(source: str | None, filename: str | None, line: int, message: str) -> int:
    """1-based column of the tag a syntax error is about, on its line; 0 if unknown."""
    if (offset := _LEXER_OFFSET.match(message)) and source is not None:
        # The lexer names the character's offset in the whole source.
        return int(offset.group(1)) - (source.rfind("\n", 0, int(offset.group(1))) + 1) + 1
    text = _template_line(source, filename, line)
    tags = list(_TAG.finditer(text))
    if not tags:
        return 0
    if named := _NAMED_TAG.search(message):
        for tag in tags:
            words = tag.group(2).lstrip("-+ \t").split(maxsplit=1)
            if tag.group(1) == "%" and words and words[0] == named.group(1):
                return tag.start() + 1
    elif token := _NAMED_TOKEN.search(message):
        for tag in tags:
            if token.group(1) in tag.group(2):
                return tag.start() + 1
    return tags[0].start() + 1


def _name_column(text: str, message: str) -> int:
    """1-based column, in the template line ``text``, of the name an UndefinedError's
    ``message`` says is missing (inside a tag when it is written there); 0 if not found."""
    if match := _UNDEFINED_ATTRIBUTE.search(message):
        name = re.escape(match.group(1))
        pattern = rf"\.\s*(?P<at>{name})\b|\[\s*(?P<quoted>['\"]{name}['\"])\s*\]"
    elif match := _UNDEFINED_ELEMENT.search(message):
        pattern = rf"\[\s*(?P<at>{re.escape(match.group(1))})\s*\]"
    elif match := _UNDEFINED_NAME.match(message):
        pattern = rf"(?<![\w.])(?P<at>{re.escape(match.group(1))})\b"
    else:
        return 0
    spans = [(tag.start(), tag.end()) for tag in _TAG.finditer(text)] or [(0, len(text))]
    for start, end in spans:
        if found := re.search(pattern, text[start:end]):
            group = "at" if found.group("at") is not None else "quoted"
            return start + found.start(group) + 1
    return 0


def check_templates(config: Config, specs: list[PageSpec] | tuple[PageSpec, ...],
                    entries: Mapping[str, Entry],
                    cards: Mapping[str, CardValues] | None = None) -> list[Diagnostic]:
    """Template problems a build of ``specs`` would stop at, found without writing
    (for ``newsarchive check``).

    Compiles every template the plan uses and all they extend, include and
    import, then renders the first planned page of each template (light
    entries are enough: an empty body renders as well as a full one).
    ``cards`` holds the :func:`card_values` of the listed entries; when None
    they are made from ``entries``.  Returns one diagnostic per problem (see
    :func:`template_diagnostic`), in plan order; raises what a build would
    raise for an error that is not a template's.
    """
    templates_dir = str(config.templates_dir) if config.templates_dir else None
    env = environment(templates_dir, config.plugins)
    first: dict[str, PageSpec] = {}
    for spec in specs:
        if spec.template:
            first.setdefault(spec.template, spec)
    found: dict[tuple[str, int, int, str], Diagnostic] = {}

    def report(exc: jinja2.TemplateError) -> None:
        problem = template_diagnostic(exc, config)
        assert problem is not None  # every TemplateError has a diagnostic
        # A broken base.html breaks every page: say so once.
        found.setdefault((problem.path, problem.line, problem.column, problem.message), problem)

    for name, spec in first.items():
        try:
            for part in closure_sources(env, name, set()):  # parses the whole closure
                env.get_template(part.split("\0", 1)[0])  # compiles: unknown filters, tests
        except jinja2.TemplateError as exc:
            report(exc)
            continue
        shown = cards if cards is not None else {
            key: card_values(entries[key]) for key in (*spec.keys, *spec.links)}
        try:
            render_job(templates_dir, (spec.output_path, name,
                                       page_context_cards(spec, entries, shown, config)),
                       config.plugins)
        except jinja2.TemplateError as exc:
            report(exc)
    return list(found.values())
