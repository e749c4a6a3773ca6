"""The language selector at the foot of every page."""

import pytest


@pytest.mark.django_db
def test_the_language_list_names_each_language_in_itself(client):
    """A reader who does not understand the page's language finds their own by its name."""
    for url in ("/masuk/", "/publik/"):
        page = client.get(url, HTTP_ACCEPT_LANGUAGE="id").content.decode()
        assert '<option value="en" lang="en">English</option>' in page, url
        assert "Inggris" not in page
