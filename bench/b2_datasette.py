"""Datasette's ASGI app over the B2 database, for `uvicorn --factory --workers N`."""

import os

from datasette.app import Datasette


def app():
    return Datasette(immutables=[os.environ["B2_DB"]], settings={"sql_time_limit_ms": 10000}).app()
