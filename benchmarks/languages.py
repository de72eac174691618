#!/usr/bin/env python3
"""Archives in Chinese and Arabic: read, tagged, searchable and accessible.

For each corpus of ``../shared/corpora/`` in another script (SogouCS, GBK
Chinese in ``<doc>`` records; SaudiNewsNet, Arabic JSON), when present, this
script:

1. counts the documents of the source that have text (a title or a body),
   with regular expressions and the standard library, never the project's
   readers;
2. builds the corpus with ``newsarchive build`` (search on, as by default;
   ``language:`` set to the corpus's language) in a child process, under a
   sub-path base URL, and reads the summary line: articles built and
   duplicates, which together must equal the documents with text;
3. scans every written page: pages holding U+FFFD (a replacement character:
   text decoded wrongly) and article pages whose ``<html lang>`` does not
   name the script of their headline and text (both must be 0);
4. serves the site on 127.0.0.1 under ``/archive/``, opens the search page in
   Chromium and asks for words taken from the headlines and from the bodies
   of a fixed sample of articles; a word counts as found when its article is
   among the first fifty results for it (the rarest word of a headline
   or a body: what a reader looking for that story would type);
5. runs axe (WCAG 2.1 A/AA) and Lighthouse's accessibility audit on an article
   page, a listing page and the search page of the site.

Words are chosen by rule at run time (for Chinese, whole runs of 2 to 4 Han
characters between punctuation; for Arabic, words of 4 letters or more), so no
text of the corpora is kept in the repository.  The table goes to
``benchmarks/LANGUAGES.md`` with the command and the date.

    python benchmarks/languages.py [--corpora DIR] [--words N] [--out FILE]

The Arabic corpus's records carry only the day they were collected
(``date_extracted``); its archive is built dating them by that
(``read.json_fields``), so it has day pages to check.
"""

from __future__ import annotations

import argparse
import datetime
import functools
import http.server
import json
import os
import re
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
CORPORA = ROOT.parent / "shared" / "corpora"
CHROMIUM = Path("/usr/bin/chromium")
LIGHTHOUSE = ROOT / "node_modules" / ".bin" / "lighthouse"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update",
                 "--disable-sync"]
SUMMARY = re.compile(r"^Built (\d+) articles \((\d+) undated, (\d+) duplicates", re.M)
HTML_LANG = re.compile(r'<html lang="([^"]*)"(?: dir="(\w+)")?')
H1 = re.compile(r'<h1[^>]*data-pagefind-meta="title"[^>]*>(.*?)</h1>', re.S)
BODY = re.compile(r'<div class="article-body">(.*?)</div>', re.S)
TAG = re.compile(r"<[^>]+>")
HAN = re.compile(r"[\u4e00-\u9fff]")
ARABIC = re.compile(r"[\u0600-\u06ff]")
#: A whole run of 2 to 4 Han characters between punctuation, spaces or other
#: scripts: a word or a name, never a slice cut out of a longer sentence.
HAN_RUN = re.compile(r"(?<![\u4e00-\u9fff])[\u4e00-\u9fff]{2,4}(?![\u4e00-\u9fff])")
ARABIC_WORD = re.compile(r"[\u0621-\u064a]{4,}")


@dataclass(frozen=True)
class Corpus:
    name: str
    language: str
    script: re.Pattern[str]
    words: re.Pattern[str]
    rtl: bool
    #: archive.yaml lines besides title, language and base_url
    config: str = ""

    def documents(self, folder: Path) -> int:
        """Documents with a title or a body, counted without the project's readers."""
        count = 0
        for path in sorted(folder.iterdir()):
            if path.suffix == ".dat":
                data = path.read_bytes().decode("gb18030", errors="replace")
                for doc in re.finditer(r"<doc>(.*?)</doc>", data, re.S):
                    fields = dict(re.findall(r"<(contenttitle|content)>(.*?)</\1>",
                                             doc.group(1), re.S))
                    count += any(value.strip() for value in fields.values())
            elif path.suffix == ".md":  # SOURCE.md and the like: the build reads them too
                count += 1
            elif path.suffix == ".json":
                records = json.loads(path.read_text(encoding="utf-8"))
                count += sum(1 for r in records
                             if str(r.get("title") or "").strip()
                             or str(r.get("content") or "").strip())
        return count


CORPUS_LIST = (
    Corpus("sogoucs-chinese", "zh-CN", HAN, HAN_RUN, rtl=False),
    # Its records carry only the day they were collected (date_extracted): an
    # archive of it dates them by that, as the README's read.json_fields shows.
    Corpus("saudinewsnet-arabic", "ar", ARABIC, ARABIC_WORD, rtl=True,
           config="read:\n  json_fields:\n    date: [date_extracted]\n"),
)


@dataclass
class Result:
    name: str
    documents: int = 0
    built: int = 0
    duplicates: int = 0
    pages: int = 0
    replacement: int = 0
    wrong_lang: int = 0
    wrong_dir: int = 0
    asked_title: int = 0
    found_title: int = 0
    asked_body: int = 0
    found_body: int = 0
    axe: dict[str, int] = field(default_factory=dict)
    lighthouse: dict[str, float] = field(default_factory=dict)
    seconds: float = 0.0
    misses: list[str] = field(default_factory=list)


def build(corpus: Corpus, source: Path, out: Path, base_url: str) -> tuple[str, float]:
    config = out.parent / "archive.yaml"
    config.write_text(f"title: {corpus.name}\nlanguage: {corpus.language}\n"
                      f"base_url: {base_url}\n{corpus.config}", encoding="utf-8")
    started = time.perf_counter()
    done = subprocess.run(
        [sys.executable, "-m", "newsarchive.cli", "build", "--source", str(source),
         "--output", str(out), "--config", str(config), "--quiet"],
        capture_output=True, text=True, check=False, cwd=ROOT)
    return done.stdout + done.stderr, time.perf_counter() - started


def scan(corpus: Corpus, site: Path, result: Result) -> list[tuple[str, str, str]]:
    """Count bad pages; return (url, title, body text) of every article page."""
    articles = []
    for path in sorted(site.rglob("*.html")):
        if "pagefind" in path.parts:
            continue
        text = path.read_text(encoding="utf-8")
        result.pages += 1
        result.replacement += "\ufffd" in text
        title = H1.search(text)
        if title is None:
            continue
        body = BODY.search(text)
        plain = TAG.sub(" ", body.group(1)) if body else ""
        head = HTML_LANG.search(text)
        lang = head.group(1) if head else ""
        sample = TAG.sub("", title.group(1)) + plain[:400]
        letters = sum(ch.isalpha() for ch in sample) or 1
        in_script = len(corpus.script.findall(sample)) / letters > 0.5
        expected = corpus.language.split("-")[0]
        if in_script and lang.split("-")[0] != expected:
            result.wrong_lang += 1
        if in_script and corpus.rtl != (head is not None and head.group(2) == "rtl"):
            result.wrong_dir += 1
        url = path.relative_to(site).parent.as_posix() + "/"
        articles.append((url, TAG.sub("", title.group(1)), plain))
    return articles


def pick_words(corpus: Corpus, articles: list[tuple[str, str, str]], count: int
               ) -> list[tuple[str, str, str]]:
    """(where, word, url): a fixed sample of headline words and body words.

    From each sampled article, the rarest word of its headline and of its body
    (fewest articles holding it, then the longest): what a reader looking for
    that story would type.
    """
    frequency: dict[str, int] = {}
    for _, title, body in articles:
        for word in set(corpus.words.findall(title + " " + body)):
            frequency[word] = frequency.get(word, 0) + 1
    chosen: list[tuple[str, str, str]] = []
    asked = {"title": 0, "body": 0}
    step = max(1, len(articles) // max(1, count))
    # spread over the archive first, then the articles in between, until each
    # kind has ``count`` words (few Chinese headlines hold a short whole run)
    order = [*range(0, len(articles), step),
             *(i for i in range(len(articles)) if i % step)]
    for index in order:
        url, title, body = articles[index]
        for where, text in (("title", title), ("body", body)):
            words = sorted(set(corpus.words.findall(text)),
                           key=lambda w: (frequency.get(w, 0), -len(w), w))
            if words and asked[where] < count:
                asked[where] += 1
                chosen.append((where, words[0], url))
        if min(asked.values()) >= count:
            break
    return chosen


class _Quiet(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: Any) -> None:
        pass


def serve(root: Path) -> tuple[http.server.ThreadingHTTPServer, str]:
    handler = functools.partial(_Quiet, directory=str(root))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server, f"http://127.0.0.1:{server.server_address[1]}/archive/"


def search(page: Any, base: str, word: str) -> list[str]:
    page.goto(f"{base}search/?q={word}")
    page.wait_for_function(
        "() => { const s = document.getElementById('search-status');"
        " return s && s.textContent.trim() && !/Searching|Loading/i.test(s.textContent); }",
        timeout=20000)
    page.wait_for_timeout(150)
    for _ in range(4):  # up to 50 results
        more = page.locator("#search-more")
        if not more.is_visible():
            break
        shown = page.locator("#search-results > li").count()
        more.click()
        page.wait_for_function(
            f"() => document.querySelectorAll('#search-results > li').length > {shown}",
            timeout=20000)
    hrefs = page.eval_on_selector_all("#search-results a", "els => els.map(e => e.href)")
    return [urllib.parse.unquote(str(h)) for h in hrefs]


def audit(browser: Any, base: str, pages: dict[str, str], result: Result, tmp: Path) -> None:
    from axe_playwright_python.sync_playwright import Axe

    tab = browser.new_page(viewport={"width": 1280, "height": 800})
    for name, url in pages.items():
        tab.goto(base + url)
        found = Axe().run(tab, options={"runOnly": {"type": "tag", "values": [
            "wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]}})
        result.axe[name] = found.violations_count
        if LIGHTHOUSE.is_file():
            report = tmp / f"lh-{name}.json"
            flags = ["--headless=new", *CHROMIUM_ARGS, f"--user-data-dir={tmp / 'profile'}"]
            subprocess.run(
                [str(LIGHTHOUSE), base + url, "--quiet", "--output=json",
                 "--only-categories=accessibility", f"--output-path={report}",
                 f"--chrome-flags={' '.join(flags)}"],
                env={**os.environ, "CHROME_PATH": str(CHROMIUM)},
                capture_output=True, text=True, timeout=180, check=False)
            if report.is_file():
                data = json.loads(report.read_text(encoding="utf-8"))
                result.lighthouse[name] = data["categories"]["accessibility"]["score"]
    tab.close()


def listing_page(site: Path) -> str:
    for candidate in sorted(site.glob("[12][0-9][0-9][0-9]/[01][0-9]/[0-3][0-9]/index.html")):
        return candidate.relative_to(site).parent.as_posix() + "/"
    return "undated/" if (site / "undated" / "index.html").is_file() else ""


def run(corpus: Corpus, folder: Path, words: int, browser: Any) -> Result:
    result = Result(corpus.name, documents=corpus.documents(folder))
    with tempfile.TemporaryDirectory(prefix="na-lang-") as tmp_name:
        tmp = Path(tmp_name)
        root = tmp / "root"
        root.mkdir()
        server, base = serve(root)
        try:
            log, result.seconds = build(corpus, folder, root / "archive", base)
            summary = SUMMARY.search(log)
            if summary is None:
                raise SystemExit(f"{corpus.name}: the build printed no summary:\n{log[-2000:]}")
            result.built, result.duplicates = int(summary[1]), int(summary[3])
            site = root / "archive"
            articles = scan(corpus, site, result)
            tab = browser.new_page()
            for where, word, url in pick_words(corpus, articles, words):
                hits = search(tab, base, word)
                found = base + url in hits
                if where == "title":
                    result.asked_title += 1
                    result.found_title += found
                else:
                    result.asked_body += 1
                    result.found_body += found
                if not found:
                    result.misses.append(f"{where}: {len(word)} characters, "
                                         f"{len(hits)} results shown")
            tab.close()
            audit(browser, base, {"article": articles[0][0], "listing": listing_page(site),
                                  "search": "search/"}, result, tmp)
        finally:
            server.shutdown()
    return result


def table(results: list[Result]) -> str:
    rows = ["| corpus | documents with text | articles built | duplicates | pages | "
            "pages with U+FFFD | wrong lang | wrong dir | headline words found | "
            "body words found | axe violations | Lighthouse a11y | build s |",
            "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|---|---:|"]
    for r in results:
        axe = ", ".join(f"{k} {v}" for k, v in r.axe.items())
        lh = ", ".join(f"{k} {round(v * 100)}" for k, v in r.lighthouse.items()) or "n/a"
        rows.append(f"| {r.name} | {r.documents:,} | {r.built:,} | {r.duplicates:,} | "
                    f"{r.pages:,} | {r.replacement} | {r.wrong_lang} | {r.wrong_dir} | "
                    f"{r.found_title}/{r.asked_title} | {r.found_body}/{r.asked_body} | "
                    f"{axe} | {lh} | {r.seconds:.1f} |")
    return "\n".join(rows) + "\n"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--corpora", type=Path, default=CORPORA)
    parser.add_argument("--words", type=int, default=20,
                        help="headline words and body words asked per corpus")
    parser.add_argument("--out", type=Path, default=ROOT / "benchmarks" / "LANGUAGES.md")
    args = parser.parse_args()
    present = [(c, args.corpora / c.name) for c in CORPUS_LIST
               if (args.corpora / c.name).is_dir()]
    for corpus in CORPUS_LIST:
        if (corpus, args.corpora / corpus.name) not in present:
            print(f"skipped {corpus.name}: {args.corpora / corpus.name} is not there")
    if not present:
        return 0
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), headless=True,
                                             args=CHROMIUM_ARGS)
        results = [run(corpus, folder, args.words, browser) for corpus, folder in present]
        browser.close()
    text = table(results)
    print(text)
    for r in results:
        for miss in r.misses:
            print(f"{r.name}: not found: {miss}")
    args.out.write_text(
        "# Archives in Chinese and Arabic\n\n"
        f"Measured {datetime.date.today().isoformat()} with `python benchmarks/languages.py` "
        "(search on, as by default; Chromium for search, axe and Lighthouse).\n\n"
        + text, encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
