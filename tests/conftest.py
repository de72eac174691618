"""Shared pytest fixtures.  Browser fixtures live in ``browser_fixtures.py``."""

from browser_fixtures import browser, built_site, page, site_url

__all__ = ["browser", "built_site", "page", "site_url"]
