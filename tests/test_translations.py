"""The English catalogue is complete: no empty or fuzzy entries, and it is compiled."""

import re
from pathlib import Path

from django.utils import translation

PO = (
    Path(__file__).resolve().parent.parent
    / "pantau"
    / "locale"
    / "en"
    / "LC_MESSAGES"
    / "django.po"
)


def _entries(text: str):
    for block in text.split("\n\n"):
        if block.startswith("#~") or 'msgid ""\nmsgstr ""\n"Project-Id' in block:
            continue
        if "msgid" in block:
            yield block


def test_no_untranslated_or_fuzzy_entries():
    problems = []
    for block in _entries(PO.read_text(encoding="utf-8")):
        if "#, fuzzy" in block:
            problems.append(block)
        if re.search(r'msgstr(\[\d\])? ""\n(?!")', block + "\n"):
            problems.append(block)
    assert not problems, problems[:5]


def test_compiled_catalogue_is_used():
    with translation.override("en"):
        assert translation.gettext("Laporan bulanan") != "Laporan bulanan"
        assert (
            translation.gettext("Simpan dan ajukan ke kepala OPD")
            == "Save and submit to head of OPD"
        )


def test_english_request_does_not_leak_into_the_thread(client, db):
    from django.conf import settings

    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    response = client.get("/masuk/")
    assert 'lang="en"' in response.text
    assert translation.get_language() == "id"
