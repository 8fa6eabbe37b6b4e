"""Signals that apps send and apps above them listen to, so that no app imports the one above it."""

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar

from django.dispatch import Signal

# Sent by paths that write many records at once without save() (imports): ``sender`` is the
# model, ``pks`` the primary keys written or changed. The search index listens.
records_changed = Signal()

# Sent when a run of many writes (``many_writes()``) ends: what is derived from the records
# (the counted-once figures) is brought up to date once, not after each of its transactions.
many_writes_done = Signal()

_in_many_writes: ContextVar[bool] = ContextVar("in_many_writes", default=False)


@contextmanager
def many_writes() -> Iterator[None]:
    """A run of many committed transactions (an import of many files): listeners that would
    update derived data after each commit wait for the end of the run."""
    if _in_many_writes.get():
        yield
        return
    token = _in_many_writes.set(True)
    try:
        yield
    finally:
        _in_many_writes.reset(token)
        many_writes_done.send(sender=None)


def in_many_writes() -> bool:
    return _in_many_writes.get()
