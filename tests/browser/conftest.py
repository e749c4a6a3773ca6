"""Fixtures of the browser journeys: Debian's Chromium driven by Playwright."""

import os
import shutil

import pytest

from conftest import World
from tests.browser.support import layout_problems, watch

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


@pytest.fixture(scope="session")
def browser():
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"  # Playwright's sync API runs an event loop
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        new_context = b.new_context
        # every context a journey opens checks every page at its width (support.watch); it
        # bypasses the Content Security Policy unless it asks not to (test_csp_journey does),
        # because Playwright's wait_for_function and add_script_tag run code the policy refuses
        b.new_context = lambda **kw: watch(new_context(**{"bypass_csp": True, **kw}))
        yield b
        b.close()


@pytest.fixture(autouse=True)
def _layout_checked():
    """A journey fails when a page it opened scrolls sideways or has small touch targets."""
    layout_problems()
    yield
    problems = layout_problems()
    assert not problems, "layout at the phone's width:\n" + "\n".join(problems)


@pytest.fixture
def phone(browser):
    context = browser.new_context(
        viewport={"width": 360, "height": 760}, is_mobile=True, has_touch=True
    )
    page = context.new_page()
    yield page
    context.close()


@pytest.fixture
def live_world(transactional_db, nomen_csv, live_server):
    return World(nomen_csv)
