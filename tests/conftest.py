"""Shared pytest fixtures and options.  Browser fixtures live in ``browser_fixtures.py``."""

import pytest

from browser_fixtures import browser, built_site, page, site_url

__all__ = ["browser", "built_site", "page", "site_url"]


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption("--update-golden", action="store_true",
                     help="rewrite tests/golden/ from the current output instead of comparing")
