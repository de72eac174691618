"""Every page the generator writes, and the theme's CSS, pass the Nu HTML checker (vnu.jar)."""

from __future__ import annotations

import json
import shutil
import subprocess

from browser_fixtures import NODE_MODULES, BuiltSite, require

VNU = NODE_MODULES / "vnu-jar" / "build" / "dist" / "vnu.jar"


def test_every_page_passes_the_nu_checker(built_site: BuiltSite) -> None:
    java = shutil.which("java")
    require(java is not None, "java is missing: apt-get install default-jre-headless")
    require(VNU.is_file(), f"{VNU} is missing: run npm ci")
    assert java is not None
    pages = built_site.html_files()
    assert len(pages) > 30
    css = sorted((built_site.output / "static").glob("*.css"))
    done = subprocess.run(
        [java, "-jar", str(VNU), "--skip-non-html", "--also-check-css", "--errors-only",
         "--format", "json", *map(str, pages), *map(str, css)],
        capture_output=True, text=True, timeout=300, check=False)
    messages = json.loads(done.stderr or done.stdout or '{"messages": []}')["messages"]
    problems = [f"{m.get('url', '').rsplit('/archive/', 1)[-1]}:{m.get('lastLine', 0)}: "
                f"{m['type']}: {m['message']}" for m in messages]
    assert not problems and done.returncode == 0, "\n".join(problems) or done.stderr
