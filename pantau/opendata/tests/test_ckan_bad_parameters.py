"""Bad parameters to the CKAN API and the catalogue are CKAN errors or plain pages, never a 500."""

import json

import pytest

from pantau.opendata.ids import resource_id

pytestmark = pytest.mark.django_db


API = "/api/3/action/"


@pytest.mark.parametrize(
    "path",
    [
        "package_search?rows=%C2%B2",
        "package_list?limit=%C2%B2",
        "package_search?fq=" + "(" * 400 + "name:x" + ")" * 400,
        "package_search?facet.field=[1]",
        "organization_list?organizations=[[1]]",
    ],
)
def test_bad_parameters_are_ckan_errors_not_500(client, catalogue, path):
    response = client.get(API + path)
    assert response.status_code in (400, 409)
    assert json.loads(response.content)["success"] is False


def test_datastore_bad_numbers_and_in(client, catalogue):
    rid = resource_id(catalogue.public[2].uid, "csv")
    for params in (
        {"offset": "99999999999999999999999"},
        {"filters": '{"nilai": 1e400}'},
        {"filters": '{"nilai": {"gt": 1e400}}'},
        {"filters": '{"nomor": {"in": "123"}}'},
    ):
        response = client.get(API + "datastore_search", {"resource_id": rid, **params})
        assert response.status_code == 409, (params, response.content[:200])
    big = client.get(API + "datastore_search", {"resource_id": rid, "offset": "999999999"})
    assert big.status_code == 200 and json.loads(big.content)["result"]["records"] == []


def test_catalog_page_with_unicode_digit(client, catalogue):
    assert client.get("/catalog.ttl?page=%C2%B2").status_code == 400
    assert client.get("/catalog.ttl?fq=" + "(" * 400).status_code == 400
