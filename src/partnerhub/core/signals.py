"""Signals that apps send and apps above them listen to, so that no app imports the one above it."""

from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar

from django.db.models import Model
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


# What receivers write again per changed record while ``one_update_per_record()`` is open:
# (writer, model) → primary keys.
_gathered: ContextVar[dict[tuple[Callable, type[Model]], set] | None] = ContextVar("gathered", default=None)


@contextmanager
def one_update_per_record() -> Iterator[None]:
    """Within the block (a service writing one record, its rows and its history), what receivers
    derive per changed record (search entries) is written once per record at the end of the
    block, instead of once per save of the record and each of its rows. Nothing is written when
    the block fails: its transaction is rolled back anyway."""
    if _gathered.get() is not None:
        yield
        return
    gathered: dict[tuple[Callable, type[Model]], set] = {}
    token = _gathered.set(gathered)
    try:
        yield
    finally:
        _gathered.reset(token)
    for (write, model), pks in gathered.items():
        write(model, pks)


def update_per_record(write: Callable[[type[Model], Iterable], object], model: type[Model], pks: Iterable) -> None:
    """``write(model, pks)`` now, or once at the end of the open ``one_update_per_record()``."""
    gathered = _gathered.get()
    if gathered is None:
        write(model, pks)
    else:
        gathered.setdefault((write, model), set()).update(pks)
