"""What a commit does, inside the transaction a test runs in.

A test's writes are never committed (the test's transaction is rolled back), so the
callbacks a real commit would run wait forever; among them, the move of the data
version after which kept figures are read and kept again (``core.dataversion``).
"""

from django.db import DEFAULT_DB_ALIAS, connections


def as_if_committed(using: str = DEFAULT_DB_ALIAS) -> None:
    """Run, once, what the commit of the writes so far would run, as if they were committed:
    the pages that follow read and keep figures as they do in a request after the commit."""
    connection = connections[using]
    while connection.run_on_commit:
        pending, connection.run_on_commit = connection.run_on_commit, []
        for _savepoints, callback, _robust in pending:
            callback()
