"""The phone layout check that every journey runs on every page it opens (support.watch) finds
sideways scrolling and small touch targets, and lets links inside running text be."""

import pytest

from tests.browser.support import layout_problems

pytestmark = pytest.mark.browser

PAGE = """<!doctype html><html><head><meta name="viewport" content="width=device-width">
<style>body { margin: 0; font: 16px sans-serif; }</style></head><body>
<div style="width: 550px">a table or a long name that does not wrap</div>
<button style="width: 30px; height: 20px; padding: 0">x</button>
<p>A sentence with <a href="#a">a link inside it</a>, which WCAG 2.5.8 allows.</p>
<div><a href="#b">a link standing alone</a></div>
<label style="display: block; min-height: 44px"><input type="checkbox"> a checkbox with its label</label>
<input type="checkbox" id="alone" aria-label="a checkbox without a label">
<button style="min-width: 44px; min-height: 44px">ok</button>
<a href="#c" style="position: absolute; width: 1px; height: 1px; overflow: hidden">hidden</a>
</body></html>"""


def test_watch_reports_sideways_scrolling_and_small_targets(phone):
    phone.route(
        "http://pantau.test/", lambda route: route.fulfill(body=PAGE, content_type="text/html")
    )
    phone.goto("http://pantau.test/")
    phone.wait_for_timeout(300)
    phone.evaluate("1")  # let the page's report reach the test
    ((url, problems),) = [line.split(": ", 1) for line in layout_problems()]
    assert url == "http://pantau.test/"
    found = problems.split("; ")
    assert found[0].startswith("scrollWidth 550 > 360: div")
    small = [p.split(" px: ", 1)[1] for p in found[1:]]
    assert small == ['button "x"', 'a "a link standing alone"', 'input#alone "on"'], found
