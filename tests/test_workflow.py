"""The GitHub Pages workflow: its structure, and that the commands it runs exist."""

from __future__ import annotations

import re
import shlex
import tomllib
from pathlib import Path
from typing import Any

import pytest
import yaml

REPO = Path(__file__).resolve().parents[1]
WORKFLOW = REPO / ".github" / "workflows" / "pages.yml"
INSTALL = "python3 -m venv .venv && .venv/bin/pip install -e '.[search]'"
BUILD = '.venv/bin/python build.py --base-url "${{ steps.pages.outputs.base_url }}/"'


@pytest.fixture(scope="module")
def workflow() -> dict[str, Any]:
    data = yaml.safe_load(WORKFLOW.read_text(encoding="utf-8"))
    assert isinstance(data, dict)
    # YAML 1.1 reads the bare key `on` as the boolean True.
    if True in data:
        data["on"] = data.pop(True)
    return data


def _steps(workflow: dict[str, Any]) -> list[dict[str, Any]]:
    return [step for job in workflow["jobs"].values() for step in job.get("steps", [])]


def _uses(workflow: dict[str, Any], action: str) -> list[dict[str, Any]]:
    return [s for s in _steps(workflow) if str(s.get("uses", "")).split("@")[0] == action]


def test_triggers_and_permissions(workflow: dict[str, Any]) -> None:
    assert workflow["on"]["push"]["branches"] == ["main"]
    assert "workflow_dispatch" in workflow["on"]
    assert workflow["permissions"]["pages"] == "write"
    assert workflow["permissions"]["id-token"] == "write"
    assert workflow["permissions"].get("contents") == "read"
    assert workflow["concurrency"]["group"] == "pages"


def test_uses_the_three_official_pages_actions(workflow: dict[str, Any]) -> None:
    for action in ("actions/configure-pages", "actions/upload-pages-artifact",
                   "actions/deploy-pages"):
        found = _uses(workflow, action)
        assert len(found) == 1, action
        assert re.fullmatch(r"v\d+", found[0]["uses"].split("@")[1]), "pinned to a major"
    upload = _uses(workflow, "actions/upload-pages-artifact")[0]
    assert upload["with"]["path"].rstrip("/") == "site"
    assert upload["with"]["include-hidden-files"] is True, ".nojekyll and CNAME are dotfiles"
    deploy_job = workflow["jobs"]["deploy"]
    assert deploy_job["needs"] == "build"
    assert deploy_job["environment"]["name"] == "github-pages"
    assert deploy_job["steps"][0]["id"] == "deployment"
    assert deploy_job["environment"]["url"] == "${{ steps.deployment.outputs.page_url }}"


def test_builds_with_the_base_url_configure_pages_reports(workflow: dict[str, Any]) -> None:
    steps = workflow["jobs"]["build"]["steps"]
    names = [str(s.get("uses", s.get("run", ""))) for s in steps]
    configure = next(i for i, s in enumerate(steps)
                     if str(s.get("uses", "")).startswith("actions/configure-pages@"))
    assert steps[configure]["id"] == "pages"
    runs = [str(s.get("run", "")).strip() for s in steps]
    assert INSTALL in runs
    assert BUILD in runs
    build = runs.index(BUILD)
    upload = next(i for i, n in enumerate(names) if n.startswith("actions/upload-pages-artifact@"))
    assert configure < runs.index(INSTALL) < build < upload


def test_warns_when_the_site_nears_the_pages_limit(workflow: dict[str, Any]) -> None:
    runs = [str(s.get("run", "")) for s in workflow["jobs"]["build"]["steps"]]
    check = next(r for r in runs if "du -sb site" in r)
    assert "::warning" in check and "::error" in check and "exit 1" in check


def test_the_commands_it_runs_exist() -> None:
    assert (REPO / "build.py").is_file()
    pyproject = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))
    extras = pyproject["project"]["optional-dependencies"]
    for extra in re.findall(r"\.\[([\w,-]+)\]", INSTALL):
        for name in extra.split(","):
            assert name in extras, f"pip extra [{name}] is not in pyproject.toml"
    assert any(dep.startswith("pagefind") for dep in extras["search"])
    argv = shlex.split(BUILD.replace("${{ steps.pages.outputs.base_url }}", "https://x.test"))
    assert argv[1] == "build.py" and "--base-url" in argv
    from newsarchive.cli import _parser

    args = _parser().parse_args(["build", *argv[2:]])
    assert args.base_url == "https://x.test/"


def test_readme_gives_the_same_commands() -> None:
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    assert INSTALL in readme
    assert ".venv/bin/python build.py" in readme
