"""Browser tests: Playwright drives Debian's Chromium (never a downloaded browser).

The browser starts after the live server and its data are ready and stops before the database
is cleaned, so Django's ORM never runs inside Playwright's event loop."""

from __future__ import annotations

import os

import pytest

from motcua.org.demo import load_demo

CHROMIUM_ARGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
    "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-quic",
]


@pytest.fixture
def demo_server(transactional_db, live_server):
    load_demo()
    return live_server


@pytest.fixture
def browser(demo_server):
    from playwright.sync_api import sync_playwright

    executable = os.environ.get("CHROMIUM", "/usr/bin/chromium")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=executable, args=CHROMIUM_ARGS)
        yield browser
        browser.close()
