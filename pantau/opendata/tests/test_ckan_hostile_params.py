"""Issue 10 §2: hostile parameters of the CKAN Action API answer CKAN's error envelope (409
Validation Error / 400 Search Query Error), never 500: malformed types in JSON bodies, deep
nesting in q/fq, huge lists; and the time limit covers the whole call, parsing included."""

import json

import pytest

from pantau.opendata import api, ckan
from pantau.opendata.ids import resource_id

pytestmark = pytest.mark.django_db
API = "/api/3/action/"


def _post(client, action, body):
    return client.post(API + action, json.dumps(body), content_type="application/json")


def _is_envelope_error(response, status):
    assert response.status_code == status, response.content[:300]
    body = json.loads(response.content)
    assert body["success"] is False and body["error"]["__type"], body
    return body["error"]


@pytest.mark.parametrize(
    "body",
    [
        {"rows": []},
        {"start": []},
        {"rows": {}},
        {"rows": 1.5},
        {"facet": []},
        {"facet.limit": []},
        {"facet.mincount": []},
        {"facet.field": {}},
        {"facet.field": [[]]},
        {"q": []},
        {"fq": []},
        {"q": {}},
        {"fq": {"a": 1}},
        {"fq_list": [{}]},
        {"sort": []},
        {"sort": {}},
    ],
)
def test_package_search_malformed_json_types(client, catalogue, body):
    _is_envelope_error(_post(client, "package_search", body), 409)


@pytest.mark.parametrize(
    "body",
    [
        {"filters": []},
        {"filters": "[]"},
        {"limit": []},
        {"offset": []},
        {"include_total": []},
        {"include_total": {}},
        {"records_format": []},
        {"fields": {}},
        {"fields": [[]]},
        {"sort": []},
        {"q": []},
        {"q": {"nama": []}},
        {"include_next_page": []},
    ],
)
def test_datastore_search_malformed_json_types(client, catalogue, body):
    rid = resource_id(catalogue.public[2].uid, "csv")
    _is_envelope_error(_post(client, "datastore_search", {"resource_id": rid, **body}), 409)


@pytest.mark.parametrize(
    ("action", "body"),
    [
        ("package_show", {"id": []}),
        ("package_show", {"id": {}}),
        ("package_list", {"limit": []}),
        ("package_list", {"offset": {}}),
        ("organization_list", {"limit": []}),
        ("organization_list", {"all_fields": []}),
        ("organization_list", {"organizations": {}}),
        ("organization_list", {"sort": []}),
        ("organization_show", {"id": [[]]}),
        ("group_list", {"all_fields": {}}),
        ("group_show", {"id": {}}),
        ("help_show", {"name": []}),
    ],
)
def test_other_actions_malformed_json_types(client, catalogue, action, body):
    _is_envelope_error(_post(client, action, body), 409)


@pytest.mark.parametrize(
    "param",
    [
        "fq=tags:" + "(" * 330 + "x" + ")" * 330,
        "q=tags:" + "(" * 330 + "x" + ")" * 330,
        "fq=" + "(" * 330 + "name:x" + ")" * 330,
        "fq=" + "-(" * 330 + "name:x" + ")" * 330,
        "fq=tags:" + "(x OR " * 200 + "x" + ")" * 200,
    ],
)
def test_deep_nesting_is_a_search_query_error(client, catalogue, param):
    error = _is_envelope_error(client.get(API + "package_search?" + param), 400)
    assert error["__type"] == "Search Query Error"
    assert "nested" in error["message"]


def test_nesting_within_the_limit_still_works(client, catalogue):
    name = catalogue.public[0].nama
    fq = "(" * 5 + f"name:({name} OR x)" + ")" * 5
    body = json.loads(client.get(API + "package_search", {"fq": fq}).content)
    assert body["success"] and body["result"]["count"] == 1


def test_a_huge_facet_field_list_is_refused(client, catalogue):
    fields = ["organization"] * 200_000
    error = _is_envelope_error(_post(client, "package_search", {"facet.field": fields}), 409)
    assert "facet.field" in error
    again = client.get(API + "package_search", {"facet.field": json.dumps(fields[:1000])})
    assert _is_envelope_error(again, 409)["facet.field"]


def test_every_list_parameter_is_bounded(client, catalogue):
    rid = resource_id(catalogue.public[2].uid, "csv")
    body = {"resource_id": rid, "fields": ["_id"] * 5000}
    assert "fields" in _is_envelope_error(_post(client, "datastore_search", body), 409)
    body = {"fq_list": ["name:x"] * 5000}
    assert "fq_list" in _is_envelope_error(_post(client, "package_search", body), 409)


def test_a_handful_of_facet_fields_still_works(client, catalogue):
    body = json.loads(
        client.get(
            API + "package_search", {"facet.field": '["organization","groups","tags"]'}
        ).content
    )
    assert body["success"] and set(body["result"]["facets"]) == {"organization", "groups", "tags"}


def test_too_many_query_parameters_is_a_ckan_error(client, catalogue):
    query = "&".join(f"p{i}=1" for i in range(2000))
    response = client.get(API + "package_search?" + query)
    assert response.status_code == 400
    assert "Bad request" in json.loads(response.content)


class FakeClock:
    """Monotonic time that moves only when told (no wall clock in the test)."""

    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def test_the_time_limit_covers_parameter_parsing(client, catalogue, monkeypatch, settings):
    clock = FakeClock()
    monkeypatch.setattr(ckan.base, "now", clock)
    real = api._params

    def slow_params(request):
        clock.now += settings.OPENDATA_API_TIME_LIMIT_S + 1  # parsing took longer than allowed
        return real(request)

    monkeypatch.setattr(api, "_params", slow_params)
    error = _is_envelope_error(client.get(API + "package_search", {"q": "a"}), 409)
    assert error["__type"] == "Search Error" and "too long" in error["message"]


def test_the_time_limit_covers_facets(client, catalogue, monkeypatch, settings):
    clock = FakeClock()
    monkeypatch.setattr(ckan.base, "now", clock)
    real = ckan.search._facet_counts

    def slow(pkgs, field):
        clock.now += settings.OPENDATA_API_TIME_LIMIT_S / 2
        return real(pkgs, field)

    monkeypatch.setattr(ckan.search, "_facet_counts", slow)
    fields = '["organization","groups","tags","res_format","license_id"]'
    error = _is_envelope_error(client.get(API + "package_search", {"facet.field": fields}), 409)
    assert error["__type"] == "Search Error"
    fine = client.get(API + "package_search", {"facet.field": '["organization"]'})
    assert json.loads(fine.content)["success"]
