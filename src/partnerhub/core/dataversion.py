"""The version of the data, shared by every server process through the database.

Figures computed from the data are kept in a cache shared by all workers under
a key that includes this version (``analysis.figures.cache``). Every write that
may change a figure calls ``data_changed()``; the version moves once the
writing transaction has committed, so:

* a long transaction (an IATI import) never holds a lock on the version row
  that other writers would wait for: the bump is a short statement of its own
  after the commit;
* a figure computed from data before the commit is kept under the old version
  at most, which no reader asks for once the version has moved;
* until the commit, the writing connection sees data no other one sees:
  ``has_unshared_changes()`` tells the cache to neither read nor keep figures
  there.

Registered confidential models call ``data_changed()`` from their querysets'
bulk writes (``core.querysets``); single saves and deletes reach it through
signals connected by the analysis app, which knows what the figures read.
"""

import uuid

from django.db import connection, transaction
from django.db.models import F

from partnerhub.core.models import DataVersion

ROW_ID = 1


def current_version() -> str:
    """One primary-key read (and, the first time in a database, the row's creation)."""
    row = DataVersion.objects.filter(pk=ROW_ID).values_list("epoch", "number").first()
    if row is None:
        created, _ = DataVersion.objects.get_or_create(pk=ROW_ID, defaults={"epoch": uuid.uuid4().hex})
        row = (created.epoch, created.number)
    return f"{row[0]}.{row[1]}"


def data_changed() -> None:
    """Move the version once the current transaction commits (at once outside one)."""
    if not has_unshared_changes():
        transaction.on_commit(bump_version)


def has_unshared_changes() -> bool:
    """Whether this connection's open transaction holds changes not yet committed."""
    # Django keeps the callbacks of the open transaction (and drops those of a rolled
    # back savepoint) in run_on_commit: a pending bump there is an uncommitted change.
    return any(pending[1] is bump_version for pending in connection.run_on_commit)  # (savepoints, callback, robust)


def bump_version() -> None:
    updated = DataVersion.objects.filter(pk=ROW_ID).update(number=F("number") + 1)
    if not updated:
        # A new or emptied database (flush): a new epoch, never a version a shared cache may still hold.
        DataVersion.objects.get_or_create(pk=ROW_ID, defaults={"epoch": uuid.uuid4().hex, "number": 1})
