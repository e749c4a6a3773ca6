"""CKAN read actions that real clients call (issue 10 §4): current_package_list_with_resources,
tag_show, package_autocomplete, group_show with its datasets, tag_list's all_fields and query,
and `q` matching words of the text fields and the organisation's name, as Solr does."""

import pytest

from pantau.opendata import ckan

pytestmark = pytest.mark.django_db


def _call(client, action, **params):
    response = client.post(f"/api/3/action/{action}", data=params, content_type="application/json")
    return response.status_code, response.json()


def _result(client, action, **params):
    status, body = _call(client, action, **params)
    assert status == 200, body
    return body["result"]


def test_current_package_list_with_resources(client, catalogue):
    got = _result(client, "current_package_list_with_resources")
    assert len(got) == 3
    assert all(p["resources"] and "format" in p["resources"][0] for p in got)
    stamps = [p["metadata_modified"] for p in got]
    assert stamps == sorted(stamps, reverse=True)
    assert got[0] == _result(client, "package_show", id=got[0]["id"])
    assert [
        p["id"] for p in _result(client, "current_package_list_with_resources", limit=1, page=2)
    ] == [got[1]["id"]]
    assert [
        p["id"] for p in _result(client, "current_package_list_with_resources", limit=2, offset=2)
    ] == [got[2]["id"]]
    status, body = _call(client, "current_package_list_with_resources", limit=-1)
    assert status == 409 and "limit" in body["error"]
    # GET as ckanapi's get_only sends it
    response = client.get("/api/action/current_package_list_with_resources?limit=2")
    assert len(response.json()["result"]) == 2


def test_tag_show_and_tag_list(client, catalogue):
    tag = _result(client, "tag_show", id="uji")
    assert tag["name"] == "uji" and tag["vocabulary_id"] is None and "packages" not in tag
    with_ds = _result(client, "tag_show", id="uji", include_datasets=True)
    assert sorted(p["name"] for p in with_ds["packages"]) == sorted(
        d.nama for d in catalogue.public
    )
    assert _result(client, "tag_show", id=tag["id"])["name"] == "uji"
    status, body = _call(client, "tag_show", id="tidak-ada")
    assert status == 404 and body["error"]["__type"] == "Not Found Error"
    assert _result(client, "tag_list") == ["kesehatan", "uji"]
    assert _result(client, "tag_list", query="KES") == ["kesehatan"]
    full = _result(client, "tag_list", all_fields=True)
    assert [t["name"] for t in full] == ["kesehatan", "uji"]
    assert set(full[0]) == {"id", "name", "display_name", "vocabulary_id"}
    # a canary tag of a restricted dataset exists nowhere
    for text in catalogue.canaries:
        assert _call(client, "tag_show", id=text)[0] == 404


def test_package_autocomplete(client, catalogue):
    got = _result(client, "package_autocomplete", q="wisata")
    assert got == [
        {
            "name": "kunjungan-wisatawan-2025",
            "title": "Kunjungan Wisatawan 2025",
            "match_field": "title",
            "match_displayed": "Kunjungan Wisatawan 2025",
        }
    ]
    by_name = _result(client, "package_autocomplete", q="harian-2025")
    assert [(p["name"], p["match_field"]) for p in by_name] == [("realisasi-harian-2025", "name")]
    assert len(_result(client, "package_autocomplete", q="2025", limit=2)) == 2
    assert _result(client, "package_autocomplete", q="") == []
    assert _result(client, "package_autocomplete", q="terbatas") == []


def test_group_show_includes_its_datasets(client, catalogue):
    assert _result(client, "group_show", id="kesehatan")["packages"] == []
    got = _result(client, "group_show", id="kesehatan", include_datasets=True)
    assert sorted(p["name"] for p in got["packages"]) == sorted(d.nama for d in catalogue.public)
    assert all("resources" in p for p in got["packages"])


def test_q_matches_words_of_text_fields_and_the_organisation_name(client, catalogue):
    def names(q):
        return sorted(p["name"] for p in _result(client, "package_search", q=q)["results"])

    assert names("title:realisasi") == ["realisasi-harian-2025"]
    assert names("title:Realisasi title:2025") == ["realisasi-harian-2025"]
    assert names('title:"harian 2025"') == ["realisasi-harian-2025"]
    assert names('title:"2025 harian"') == []
    assert names("title:realis") == []  # words, not parts of words
    assert names("notes:pengujian") == sorted(d.nama for d in catalogue.public)
    assert names("text:wisatawan") == ["kunjungan-wisatawan-2025"]
    dinkes = ckan.opd_name(catalogue.world.a.dinkes)
    assert names(dinkes) == sorted(
        d.nama for d in catalogue.public if d.opd_id == catalogue.world.a.dinkes.pk
    )
    # the same grammar on the DCAT catalogue
    body = client.get("/catalog.ttl", {"q": "title:realisasi"}).content.decode()
    assert "Realisasi Harian 2025" in body and "Kunjungan Wisatawan" not in body
    status, body = _call(client, "package_search", q="title:real*")
    assert status == 400 and body["error"]["__type"] == "Search Query Error"


def test_help_names_the_new_actions(client, catalogue):
    for name in ("current_package_list_with_resources", "tag_show", "package_autocomplete"):
        assert "Params" in _result(client, "help_show", name=name)
