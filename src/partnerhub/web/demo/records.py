"""How the demo writes a record of the plans and the calendar: found by what names it, or created
through its app's service, and counted either way."""

from collections import Counter
from collections.abc import Callable
from typing import TypeVar

R = TypeVar("R")


class Tally(Counter[str]):
    """How many records of each kind the demo created, and how many it found already there."""

    def created(self, kind: str) -> int:
        return self[f"{kind} created"]


def kept_or_created(existing: R | None, create: Callable[[], R], tally: Tally, kind: str) -> R:
    if existing is not None:
        tally[f"{kind} kept"] += 1
        return existing
    tally[f"{kind} created"] += 1
    return create()
