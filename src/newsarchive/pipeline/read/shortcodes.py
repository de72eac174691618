"""Hugo shortcodes, Liquid tags and images in Markdown bodies, turned into content.

:func:`convert_body` reads a body once, left to right, outside fenced code:

- image shortcodes and tags (``{{< figure src= alt= caption= >}}``,
  ``{{< imgproc x.jpg Resize "800x" >}}``, ``{{< image >}}``, any name with
  ``img``/``image``, a Liquid ``{% image "src" "alt" %}``) and Markdown images
  become images: an HTML ``<figure>`` when alone on their line, a Markdown
  image inside text; each is also listed in ``images``.  A file beside the
  article is written as an asset marker (:mod:`newsarchive.pipeline.assets`),
  an ``http(s)`` image passes :func:`newsarchive.urls.safe_url`;
- ``{{< ref >}}``/``{{< relref >}}`` and Liquid ``{% link %}``/``{% post_url %}``
  become a ref marker the build turns into a link to the target's page;
- ``{{< youtube ID >}}``, ``vimeo`` and ``tweet`` become links;
  ``{{< highlight go >}}``/``{% highlight %}`` a fenced block; ``{% raw %}``
  keeps its text as written, ``{% comment %}`` drops its text;
- ``{{ "text" | filter }}`` becomes its text, ``{{ site.baseurl }}`` the
  source site's root (nothing), ``{{ page.key }}`` that front-matter value;
- any other shortcode keeps its inner text (a lone one its ``text``/``label``
  argument, or a link to its URL argument); a Liquid tag that cannot be
  evaluated is removed (``if``, ``for``: the text around it is kept) or left as
  written (``include``, unknown tags and variables).  Each is reported as a
  warning, once per name and file, located at its first use.

Each delimiter is found once, so hostile input (thousands of unclosed
shortcodes) is read in linear time.
"""

from __future__ import annotations

import html
import re
from bisect import bisect_right
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from newsarchive.errors import Diagnostic
from newsarchive.model import Image
from newsarchive.pipeline.assets import asset_marker, local_image_path, ref_marker
from newsarchive.urls import safe_url

__all__ = ["Converted", "convert_body", "reduce_shortcodes"]

_TOKEN = re.compile(r"\{\{[<%]|\{%|\{\{|!\[")
_CLOSE = {"{{<": ">}}", "{{%": "%}}", "{%": "%}", "{{": "}}"}
_FENCE = re.compile(r"^[ \t]{0,3}(```|~~~)", re.MULTILINE)
_ARG = re.compile(r'\s*(?:([\w-]+)\s*=\s*)?'
                  r'(?:"((?:[^"\\]|\\.)*)"|`([^`]*)`|\'([^\']*)\'|([^\s"\'`]+))')
_MD_IMAGE = re.compile(r'!\[([^\[\]\n]{0,1000})\]\(\s*(<[^<>\[\]\n]{1,2000}>|[^\s()\[\]]{1,2000})'
                       r'(?:\s+(?:"([^"\n]{0,1000})"|\'([^\'\n]{0,1000})\'))?\s*\)')
_LIQUID_STRING = re.compile(r"""-?\s*["']([^"'{}]*)["']\s*(?:\|[^{}]*)?-?""")
_SITE_ROOT = re.compile(r"-?\s*site\.(baseurl|url)\s*(?:\|[^{}]*)?-?")
_PAGE_KEY = re.compile(r"-?\s*page\.(\w+)\s*-?")
_END_RAW = re.compile(r"\{%-?\s*endraw\s*-?%\}")
_END_COMMENT = re.compile(r"\{%-?\s*endcomment\s*-?%\}")
_CONTROL = frozenset({"if", "elsif", "else", "endif", "unless", "endunless", "for", "endfor",
                      "case", "when", "endcase", "assign", "capture", "endcapture", "break",
                      "continue", "cycle", "increment", "decrement", "tablerow", "endtablerow"})
_LANG = re.compile(r"[^\w+#.-]")
_TEXT_ARGS = ("text", "label", "title", "caption", "alt", "name", "content")
_URL_ARGS = ("href", "url", "link", "src", "file")
_VIDEOS = {"youtube": "https://www.youtube.com/watch?v=", "vimeo": "https://vimeo.com/"}


@dataclass(frozen=True, slots=True)
class Converted:
    """A converted body, the images it shows (in order) and what could not be converted."""

    body: str
    images: tuple[Image, ...] = ()
    diagnostics: tuple[Diagnostic, ...] = ()


def convert_body(body: str, source_path: str, first_line: int = 1,
                 meta: Mapping[str, Any] | None = None) -> Converted:
    """Turn the shortcodes, Liquid tags and images of a Markdown ``body`` into content.

    ``first_line`` is the file line the body starts on (for the diagnostics'
    locations); ``meta`` the page's front matter (for ``{{ page.key }}``).
    Never raises.
    """
    if "{{" not in body and "{%" not in body and "![" not in body:
        return Converted(body)
    converter = _Converter(source_path, body, first_line, meta or {})
    return Converted(converter.run(), tuple(converter.images), converter.diagnostics())


def reduce_shortcodes(body: str) -> str:
    """``body`` converted by :func:`convert_body`, without its images and diagnostics."""
    return convert_body(body, "").body


@dataclass
class _Args:
    positional: list[str] = field(default_factory=list)
    named: dict[str, str] = field(default_factory=dict)

    def first(self, *names: str, index: int | None = None) -> str:
        for name in names:
            if self.named.get(name, "").strip():
                return self.named[name].strip()
        if index is not None and index < len(self.positional):
            return self.positional[index].strip()
        return ""


def _parse(inner: str) -> tuple[str, _Args]:
    """The name and arguments of a shortcode's or tag's inside."""
    inner = inner.strip().rstrip("/").strip()
    name, _, rest = inner.partition(" ")
    args = _Args()
    for match in _ARG.finditer(rest):
        value = next((v for v in match.groups()[1:] if v is not None), "")
        if match[2] is not None:
            value = value.replace('\\"', '"')
        if match[1]:
            args.named[match[1].lower()] = value
        else:
            args.positional.append(value)
    return name.strip().lower(), args


class _Converter:
    """One pass over one body; collects images and (aggregated) warnings."""

    def __init__(self, source_path: str, body: str, first_line: int,
                 meta: Mapping[str, Any]) -> None:
        self.path, self.body, self.first_line, self.meta = source_path, body, first_line, meta
        self.starts = [0] + [m.end() for m in re.finditer("\n", body)]
        self.images: list[Image] = []
        self.reported: dict[str, tuple[int, int, str, str, int]] = {}
        self.dead: set[str] = set()
        self.code = [m.start() for m in _FENCE.finditer(body)]
        self.closers = {m[1].lower() for m in
                        re.finditer(r"\{\{[<%]\s*/\s*([\w.-]+)\s*[>%]\}\}", body)}

    def where(self, position: int) -> tuple[int, int]:
        index = bisect_right(self.starts, position) - 1
        return self.first_line + index, position - self.starts[index] + 1

    def report(self, key: str, position: int, message: str, hint: str = "") -> None:
        line, column, first, first_hint, count = self.reported.get(
            key, (*self.where(position), message, hint, 0))
        self.reported[key] = (line, column, first, first_hint, count + 1)

    def diagnostics(self) -> tuple[Diagnostic, ...]:
        found = []
        for line, column, message, hint, count in self.reported.values():
            more = f" ({count} times in this file)" if count > 1 else ""
            found.append(Diagnostic(self.path, line, column, message + more, hint, "warning"))
        return tuple(sorted(found, key=lambda d: (d.line, d.column)))

    def run(self) -> str:
        body, out, position = self.body, [], 0
        fence_index = 0
        while (token := _TOKEN.search(body, position)) is not None:
            start = token.start()
            while fence_index < len(self.code) and self.code[fence_index] < start:
                fence_index += 1
            if fence_index % 2 == 1:  # inside fenced code: skip to its closing fence
                end = self.code[fence_index] if fence_index < len(self.code) else len(body)
                out.append(body[position:end])
                position = end
                continue
            replaced = self.token(token[0], start, token.end())
            if replaced is None:
                out.append(body[position:token.end()])
                position = token.end()
                continue
            text, position_after = replaced
            out.append(body[position:start] + text)
            position = position_after
        out.append(body[position:])
        return "".join(out)

    def token(self, kind: str, start: int, after: int) -> tuple[str, int] | None:
        """The replacement of the token opened at ``start`` and where it ends."""
        if kind == "![":
            return self.markdown_image(start)
        if kind in self.dead:
            return None
        closer = _CLOSE[kind]
        close = self.body.find(closer, after)
        if close < 0:
            self.dead.add(kind)  # no later opener of this kind can be closed either
            return None
        end = close + len(closer)
        inner = self.body[after:close]
        if kind in ("{{<", "{{%"):
            return self.shortcode(kind, inner, start, end), end
        if kind == "{%":
            return self.liquid_tag(inner, start, end)
        output = self.liquid_output(inner, start, end)
        return None if output is None else (output, end)

    def lone(self, start: int, end: int) -> bool:
        """Whether the text from ``start`` to ``end`` is alone on its line(s)."""
        line_start = self.body.rfind("\n", 0, start) + 1
        line_end = self.body.find("\n", end)
        line_end = len(self.body) if line_end < 0 else line_end
        return not self.body[line_start:start].strip() and not self.body[end:line_end].strip()

    def image(self, src: str, alt: str, caption: str, start: int, end: int) -> str:
        """An image at ``start``: a figure when alone on its line, else a Markdown image."""
        line, column = self.where(start)
        if src.lower().startswith(("http:", "https:")) or src.startswith("//"):
            url = safe_url(src, "image")
            if url is None:
                self.report("unsafe-image", start, f"dropped the image {src[:60]!r}: only "
                            "http and https images are kept", "write its address as https://...")
                return alt
            self.images.append(Image(url, alt, caption))
        else:
            path = local_image_path(self.path, src)
            if path is None:
                self.report(f"image:{src}", start, f"the image {src[:60]!r} is not an image file "
                            "beside the article; its alt text kept",
                            "copy the image beside the article, with its file suffix")
                return alt
            url = asset_marker(path, line, column)
            self.images.append(Image(path, alt, caption))
        if not self.lone(start, end):
            shown = alt.replace("\\", "\\\\").replace("]", "\\]").replace("[", "\\[")
            title = f' "{caption.replace(chr(34), "&quot;")}"' if caption else ""
            return f"![{shown}](<{url}>{title})"
        figcaption = f"<figcaption>{html.escape(caption)}</figcaption>" if caption else ""
        return (f'\n<figure><img src="{html.escape(url)}" alt="{html.escape(alt)}" '
                f'loading="lazy">{figcaption}</figure>\n')

    def markdown_image(self, start: int) -> tuple[str, int] | None:
        match = _MD_IMAGE.match(self.body, start)
        if match is None:
            return None
        src = match[2].strip("<>")
        if src.lower().startswith(("http:", "https:")):
            url = safe_url(src, "image")
            if url is not None:
                self.images.append(Image(url, match[1].strip(), match[3] or match[4] or ""))
            return None  # left as written: the body shows it
        path = local_image_path(self.path, src)
        if path is None:
            return None
        line, column = self.where(start)
        self.images.append(Image(path, match[1].strip(), match[3] or match[4] or ""))
        marked = self.body[start:match.start(2)] + f"<{asset_marker(path, line, column)}>"
        return marked + self.body[match.end(2):match.end()], match.end()

    def ref(self, target: str, start: int) -> str:
        """A link to another source file: its marker URL inside a link (``[text](...)``,
        ``href="..."``), else a Markdown link named after the target."""
        if not target:
            return ""
        marker = ref_marker(target, *self.where(start))
        before = self.body[max(0, start - 7):start].rstrip(" \t\"'")
        if before.endswith(("](", "href=", "src=")) or before.endswith("]:"):
            return marker
        name = target.rstrip("/").rsplit("/", 1)[-1].rsplit(".", 1)[0]
        return f"[{name.replace(']', '')}]({marker})"

    def fence(self, lang: str, start: int, end: int) -> str:
        """A code fence (opening with ``lang``) standing for the tag from ``start`` to ``end``,
        on a line of its own."""
        before = "" if start == 0 or self.body[start - 1] == "\n" else "\n"
        after = "" if end == len(self.body) or self.body[end] in "\r\n" else "\n"
        return f"{before}```{_LANG.sub('', lang)[:30]}{after}"

    def shortcode(self, kind: str, inner: str, start: int, end: int) -> str:
        """What a ``{{< ... >}}`` or ``{{% ... %}}`` shortcode becomes."""
        stripped = inner.strip()
        if stripped.startswith("/*") and stripped.endswith("*/"):  # Hugo's escaped shortcode
            return f"{kind} {stripped[2:-2].strip()} {_CLOSE[kind]}"
        if stripped.startswith("/"):
            return self.fence("", start, end) if stripped[1:].strip().lower() == "highlight" \
                else ""
        name, args = _parse(stripped)
        if name in ("ref", "relref"):
            return self.ref(args.first("path", index=0), start)
        if name == "figure" or name == "imgproc" or "img" in name or "image" in name:
            return self.image(args.first("src", "link", "url", index=0),
                              args.first("alt"), args.first("caption", "title"), start, end)
        if name in _VIDEOS:
            video = args.first("id", index=0)
            return f"[Video]({_VIDEOS[name]}{video})" if re.fullmatch(r"[\w-]{1,40}", video) \
                else ""
        if name == "tweet":
            user, post = args.first("user", index=0), args.first("id", index=1)
            if len(args.positional) == 1 and not args.named:
                user, post = "i", args.positional[0]
            if re.fullmatch(r"\w{1,40}", user) and post.isdigit():
                return f"[Post on X](https://x.com/{user}/status/{post})"
        if name == "highlight" and "highlight" in self.closers:
            return self.fence(args.first("lang", index=0), start, end)
        if name == "param":
            value = self.meta.get(args.first("name", index=0))
            if isinstance(value, str | int | float):
                return str(value)
        return self.unknown(name, args, start)

    def unknown(self, name: str, args: _Args, start: int) -> str:
        """An unknown shortcode: its inner text stays; alone, its text or URL argument."""
        shown = f"{{{{< {name} >}}}}"
        if name in self.closers:
            self.report(f"pair:{name}", start, f"unknown shortcode {shown}: its inner text kept")
            return ""
        url = next((safe_url(v, "link") for v in [args.first(*_URL_ARGS), *args.positional]
                    if v and safe_url(v, "link")), None)
        text = args.first(*_TEXT_ARGS) or next((v for v in args.positional if " " in v.strip()),
                                               "")
        if url and text:
            result, done = f"[{text}]({url})", "written as a link"
        elif url:
            result, done = f"<{url}>", "written as a link"
        elif text:
            result, done = text, "its text kept"
        else:
            result, done = "", "removed"
        self.report(f"one:{name}", start, f"unknown shortcode {shown}: {done}",
                    "write its content as Markdown")
        return result

    def liquid_tag(self, inner: str, start: int, end: int) -> tuple[str, int] | None:
        """What a ``{% ... %}`` tag becomes, and where the text after it starts."""
        name, args = _parse(inner.strip().strip("-"))
        written = " ".join(self.body[start:end].split())[:80]
        if name in ("raw", "comment"):
            closing = None if name in self.dead else (
                _END_RAW if name == "raw" else _END_COMMENT).search(self.body, end)
            if closing is None:
                self.dead.add(name)
                self.report(f"open:{name}", start, f"Liquid tag {written} is not closed; removed")
                return "", end
            return (self.body[end:closing.start()] if name == "raw" else ""), closing.end()
        if name in ("post_url", "link"):
            return self.ref(args.first(index=0), start), end
        if name in ("image", "img", "figure", "image_with_class"):
            src = args.first("src", index=0)
            if src and not src.startswith("/") and "/_posts/" in "/" + self.path:
                # A Jekyll site's paths start at its root, the folder holding _posts/.
                root = ("/" + self.path)[:("/" + self.path).index("/_posts/")].strip("/")
                src = f"/{root}/{src}" if root else f"/{src}"
            alt = args.first("alt") or (args.positional[-1] if len(args.positional) > 1 else "")
            return self.image(src, alt, args.first("caption"), start, end), end
        if name in ("highlight", "endhighlight"):
            return self.fence(args.first(index=0) if name == "highlight" else "", start, end), end
        if name in _CONTROL:
            self.report(f"tag:{name}", start, f"Liquid tag {written} cannot be evaluated; "
                        "the tag removed, the text around it kept")
            return "", end
        self.report(f"tag:{name}", start, f"Liquid tag {written} left as text",
                    "replace it with the content it stands for")
        return None

    def liquid_output(self, inner: str, start: int, end: int) -> str | None:
        """What a ``{{ ... }}`` output becomes; None to leave it as written."""
        literal = _LIQUID_STRING.fullmatch(inner)
        if literal:
            return literal[1]
        if _SITE_ROOT.fullmatch(inner):
            return ""
        page_key = _PAGE_KEY.fullmatch(inner)
        if page_key and isinstance(self.meta.get(page_key[1]), str | int | float):
            return str(self.meta[page_key[1]])
        written = " ".join(self.body[start:end].split())[:80]
        self.report(f"out:{written}", start, f"Liquid output {written} left as text",
                    "replace it with the text it stands for")
        return None
