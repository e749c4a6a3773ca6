"""Django's `flush`, able to empty the audit tables: the refusing triggers are lifted for the
flush's own statements and put back afterwards. TransactionTestCase and the live-server browser
journeys flush every table between tests; an operator's flush of a real database is caught by
`pantau audit verify` against the latest head file (decision 0030)."""

from django.core.management.commands.flush import Command as FlushCommand
from django.db import DEFAULT_DB_ALIAS, connections

from pantau.audit import triggers


class Command(FlushCommand):
    def handle(self, **options):
        connection = connections[options.get("database") or DEFAULT_DB_ALIAS]
        triggers.drop(connection)
        try:
            return super().handle(**options)
        finally:
            triggers.create(connection)
