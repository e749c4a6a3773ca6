"""ckanext-dcat's own RDF parser and serializer (DCAT-AP 3 profile) on Pantau's output: what a
CKAN 2.11 stores when it harvests Pantau, and what it publishes again. Runs in .venv-ckan
(make setup-ckan) as a subprocess of pantau/opendata/tests/test_ckanext_dcat.py; needs no
CKAN configuration or database.

    ckan_dcat.py parse FORMAT < document      -> JSON list of CKAN package dicts
    ckan_dcat.py serialize < package.json     -> Turtle of that package dict
"""

import json
import sys

from ckanext.dcat.processors import RDFParser, RDFSerializer

PROFILES = ["euro_dcat_ap_3"]


def main() -> None:
    mode = sys.argv[1]
    if mode == "parse":
        parser = RDFParser(profiles=PROFILES)
        parser.parse(sys.stdin.read(), _format=sys.argv[2])
        json.dump(list(parser.datasets()), sys.stdout, default=str)
    elif mode == "serialize":
        serializer = RDFSerializer(profiles=PROFILES)
        sys.stdout.write(serializer.serialize_dataset(json.load(sys.stdin), _format="turtle"))
    else:
        raise SystemExit(f"unknown mode {mode!r}")


if __name__ == "__main__":
    main()
