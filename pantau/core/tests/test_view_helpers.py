"""Helpers of every view: the shared page links (core/_halaman.html) and integer parameters."""

from django.core.paginator import Paginator
from django.template.loader import render_to_string
from django.test import RequestFactory


def test_page_links_keep_filters_and_replace_the_page():
    request = RequestFactory().get("/dataset/", {"q": "air & sanitasi", "opd": "7", "halaman": 2})
    page = Paginator(range(120), 50).get_page(2)
    html = render_to_string("core/_halaman.html", {"page": page}, request=request)
    assert 'href="?q=air+%26+sanitasi&amp;opd=7&amp;halaman=1"' in html
    assert 'href="?q=air+%26+sanitasi&amp;opd=7&amp;halaman=3"' in html
    assert "halaman 2 dari 3" in html


def test_no_links_for_a_single_page():
    request = RequestFactory().get("/dataset/")
    html = render_to_string(
        "core/_halaman.html", {"page": Paginator(range(5), 50).get_page(1)}, request=request
    )
    assert html.strip() == ""


def test_int_param_takes_plain_ascii_integers_in_range_only():
    from pantau.core.numbers import int_param

    assert int_param("12") == 12 and int_param(" 7 ") == 7
    assert int_param("2026", lo=2000, hi=2100) == 2026
    for odd in ("²", "١٢", "-1", "1.5", "", None, "abc", "99999999999999999999"):
        assert int_param(odd) is None, odd
    assert int_param("13", 0, lo=1, hi=12) == 0
