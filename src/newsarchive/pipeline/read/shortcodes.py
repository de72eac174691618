"""Hugo shortcodes and Liquid/Nunjucks tags in Markdown bodies, reduced to their text.

``{{< note >}}text{{< /note >}}`` and ``{{% x %}}text{{% /x %}}`` become their
inner text, a ``{{< youtube ID >}}`` becomes a link to the video, any other
shortcode or tag is removed, and a Liquid literal (``{{ "text" | filter }}``)
becomes its text; fenced code is left as written.  Every scan is one pass
over the text: hostile input (thousands of unclosed shortcodes) stays linear.
"""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right

__all__ = ["reduce_shortcodes"]

# Shortcodes are found by hand, not with one regular expression: a lazy
# ``(.*?)`` or ``[^}]*?`` rescans the rest of the text for every unclosed
# shortcode, which takes minutes on a hostile file.
_PAIR_OPEN = re.compile(r"\{\{([<%])\s*([\w.-]+)")
_PAIR_CLOSE = re.compile(r"\{\{([<%])\s*/\s*([\w.-]+)\s*\1\}\}")
_YOUTUBE = re.compile(r"\{\{[<%]\s*youtube\s+(?:id=)?[\"']?([\w-]{6,20})[\"']?[^}]*[>%]\}\}")
_SHORTCODE_OPEN = re.compile(r"\{\{[<%]")
_SHORTCODE_CLOSE = re.compile(r"[>%]\}\}")
_LIQUID_LITERAL = re.compile(r"\{\{-?\s*[\"']([^\"'{}]*)[\"']\s*(\|[^{}]*)?-?\}\}")
_LIQUID_OUTPUT = re.compile(r"\{\{-?[^{}]*-?\}\}")
_FENCE = re.compile(r"^(```|~~~)", re.MULTILINE)


def reduce_shortcodes(body: str) -> str:
    """Reduce Hugo shortcodes and Liquid tags to their inner text, outside code fences."""
    if "{{" not in body and "{%" not in body:
        return body
    pieces = _FENCE.split(body)
    # split() with one group yields text, fence, text ...; a fenced block is the
    # text between an odd and the next fence marker.
    out: list[str] = []
    inside = False
    for index, piece in enumerate(pieces):
        if index % 2 == 1:
            out.append(piece)
            inside = not inside
            continue
        if inside:
            out.append(piece)
            continue
        for _ in range(5):  # nested pairs unwrap one level per pass
            reduced = _unwrap_pairs(piece)
            if reduced == piece:
                break
            piece = reduced
        piece = _YOUTUBE.sub(lambda m: f"[Video](https://www.youtube.com/watch?v={m[1]})", piece)
        piece = _without_shortcodes(piece)
        piece = _LIQUID_LITERAL.sub(lambda m: m.group(1), piece)
        piece = _without_tags(_LIQUID_OUTPUT.sub("", piece))
        out.append(piece)
    return "".join(out)


def _unwrap_pairs(text: str) -> str:
    """Replace each ``{{< name ... >}}inner{{< /name >}}`` pair by its inner text, one level.

    What one ``re.sub`` did (opener ``{{([<%])\\s*([\\w.-]+)[^}]*?\\1}}``, lazy
    ``(.*?)``, then the matching closer), in linear time: the closers are
    indexed first, and the first ``}`` after an opener is found once.
    """
    closers: dict[tuple[str, str], list[re.Match[str]]] = {}
    for match in _PAIR_CLOSE.finditer(text):
        closers.setdefault((match[1], match[2]), []).append(match)
    if not closers:
        return text
    starts = {key: [match.start() for match in found] for key, found in closers.items()}
    # The expression may take a prefix of the name ("{{% xx %}}" ... "{{% /x %}}"),
    # longest first: only the lengths some closer has are worth trying.
    lengths = sorted({len(name) for _, name in closers})
    out: list[str] = []
    position = search_from = 0
    brace = -1
    while (opened := _PAIR_OPEN.search(text, search_from)) is not None:
        search_from = opened.start() + 1
        delimiter, name = opened[1], opened[2]
        if brace < opened.end():
            brace = text.find("}", opened.end())
            if brace < 0:
                break
        # The opener ends at its first "}", which must be the "}}" after its delimiter.
        if text[brace - 1] != delimiter or not text.startswith("}}", brace):
            continue
        closer = None
        for at in range(bisect_right(lengths, len(name)) - 1, -1, -1):
            key = (delimiter, name[:lengths[at]])
            if key not in closers:
                continue
            index = bisect_left(starts[key], brace + 2)
            if index < len(starts[key]):
                closer = closers[key][index]
                break
        if closer is None:
            continue
        out.append(text[position:opened.start()])
        out.append(text[brace + 2:closer.start()])
        position = search_from = closer.end()
    out.append(text[position:])
    return "".join(out)


def _without_shortcodes(text: str) -> str:
    """``text`` without shortcodes (``{{< x >}}``, ``{{% x %}}``), in one pass.

    Like ``re.sub(r"\\{\\{[<%].*?[>%]\\}\\}", "", text, flags=re.DOTALL)``, which
    is quadratic when many shortcodes are left unclosed.
    """
    out: list[str] = []
    position = 0
    while (opened := _SHORTCODE_OPEN.search(text, position)) is not None:
        closed = _SHORTCODE_CLOSE.search(text, opened.end())
        if closed is None:
            break
        out.append(text[position:opened.start()])
        position = closed.end()
    out.append(text[position:])
    return "".join(out)


def _without_tags(text: str) -> str:
    """``text`` without Liquid/Nunjucks tags (``{% ... %}``), in one pass.

    A regular expression with ``.*?`` rescans to the end of the text for each
    unclosed ``{%``: quadratic on hostile input.
    """
    out: list[str] = []
    position = 0
    while (start := text.find("{%", position)) >= 0:
        end = text.find("%}", start + 2)
        if end < 0:
            break
        out.append(text[position:start])
        position = end + 2
    out.append(text[position:])
    return "".join(out)
