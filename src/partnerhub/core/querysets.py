"""The queryset every confidential model's manager is built from.

A query on a confidential model states how it is scoped before it runs:
``visible_to(user)`` (what a reader may see), ``hidden_from(user)`` (only ever
asked whether something exists) or ``unrestricted("why")`` (imports, the
overlap finder, the admin: the reason says why no reader is involved). A query
that runs without one raises ``UnscopedQuery`` when ``STRICT_SCOPES`` is on
(the tests) and logs a warning otherwise (production), so that a forgotten
``visible_to`` shows up in the tests instead of leaking.

Creating a record is not reading one and needs no scope. Django's own reads
through the base manager (a related object, ``save``, ``refresh_from_db``, the
deletion collector) stay unscoped: they only ever fetch rows already in hand.
"""

import contextlib
import contextvars
import logging
from collections.abc import Iterator
from typing import TYPE_CHECKING, Any, Self, TypeVar, cast

from django.conf import settings
from django.db import models

from partnerhub.core.types import AnyUser
from partnerhub.core.visibility import circle_of, editing_organisation_ids, visibility_q

if TYPE_CHECKING:
    from partnerhub.core.models import ConfidentialModel

logger = logging.getLogger(__name__)

_M = TypeVar("_M", bound=models.Model)

_unscoped_block: contextvars.ContextVar[str | None] = contextvars.ContextVar("unscoped_block", default=None)


class UnscopedQuery(Exception):
    """A query on a confidential model ran without visible_to, hidden_from or unrestricted."""


@contextlib.contextmanager
def unrestricted_block(reason: str) -> Iterator[None]:
    """Lets the queries Django builds itself inside this block run unscoped (unique checks of a form)."""
    _require_reason(reason)
    token = _unscoped_block.set(reason)
    try:
        yield
    finally:
        _unscoped_block.reset(token)


def _require_reason(reason: str) -> None:
    if not isinstance(reason, str) or not reason.strip():
        raise ValueError("unrestricted() needs the reason why the query may read every record")


class ScopedQuerySet(models.QuerySet[_M]):
    """Runs only once scoped: a subclass's ``visible_to`` and ``hidden_from`` end with ``_scoped``."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._scope: str | None = None

    # Django's private QuerySet methods below are missing from django-stubs.
    def _clone(self) -> Self:
        clone: Self = super()._clone()  # type: ignore[misc]  # private method absent from the stubs
        clone._scope = self._scope
        return clone

    def _scoped(self, scope: str) -> Self:
        clone: Self = self._chain()  # type: ignore[attr-defined]  # private method absent from the stubs
        clone._scope = scope
        return clone

    def unrestricted(self, reason: str) -> Self:
        """Every record, for work no reader sees directly; ``reason`` tells a reader of the code why."""
        _require_reason(reason)
        return self._scoped(f"unrestricted: {reason}")

    def _combinator_query(self, combinator: str, *other_qs: models.QuerySet[Any], all: bool = False) -> Self:  # noqa: A002 (Django's own signature)
        """A union is scoped only when every query in it is."""
        combined: Self = super()._combinator_query(  # type: ignore[misc]  # private method absent from the stubs
            combinator, *other_qs, all=all
        )
        if any(getattr(other, "_scope", "") is None for other in other_qs):
            combined._scope = None
        return combined

    # -- every way a query reaches the database checks its scope first --------

    def _check_scope(self) -> None:
        if self._scope is not None or _unscoped_block.get() is not None:
            return
        message = (
            f"Unscoped query on {self.model._meta.label}: use visible_to(user), hidden_from(user) "
            f"or unrestricted('why')"
        )
        if getattr(settings, "STRICT_SCOPES", False):
            raise UnscopedQuery(message)
        logger.warning(message, stack_info=True)

    def _fetch_all(self) -> None:
        if self._result_cache is None:
            self._check_scope()
        super()._fetch_all()

    def _iterator(self, use_chunked_fetch: bool, chunk_size: int | None) -> Iterator[Any]:
        self._check_scope()
        iterator: Iterator[Any] = super()._iterator(  # type: ignore[misc]  # private method absent from the stubs
            use_chunked_fetch, chunk_size
        )
        return iterator

    def count(self) -> int:
        if self._result_cache is None:
            self._check_scope()
        return super().count()

    def exists(self) -> bool:
        if self._result_cache is None:
            self._check_scope()
        return super().exists()

    def contains(self, obj: models.Model) -> bool:
        if self._result_cache is None:
            self._check_scope()
        return super().contains(obj)

    def aggregate(self, *args: Any, **kwargs: Any) -> dict[str, Any]:
        self._check_scope()
        return super().aggregate(*args, **kwargs)

    def update(self, **kwargs: Any) -> int:
        self._check_scope()
        updated = super().update(**kwargs)
        _data_changed()
        return updated

    def delete(self) -> tuple[int, dict[str, int]]:
        self._check_scope()
        deleted = super().delete()
        _data_changed()
        return deleted

    # Bulk writes send no signals: they move the data version themselves (core.dataversion).
    def bulk_create(self, *args: Any, **kwargs: Any) -> list[_M]:
        created = super().bulk_create(*args, **kwargs)
        _data_changed()
        return created

    def bulk_update(self, *args: Any, **kwargs: Any) -> int:
        updated = super().bulk_update(*args, **kwargs)
        _data_changed()
        return updated

    def explain(self, *, format: str | None = None, **options: Any) -> str:
        self._check_scope()
        return super().explain(format=format, **options)


def _data_changed() -> None:
    from partnerhub.core.dataversion import data_changed  # here: core.models imports this module

    data_changed()


class ConfidentialQuerySet(ScopedQuerySet[_M]):
    @property
    def _confidential_model(self) -> "type[ConfidentialModel]":
        return cast("type[ConfidentialModel]", self.model)

    def visible_to(self, user: AnyUser | None) -> Self:
        """The only way pages, API, exports, searches and totals reach these records."""
        return self.filter(visibility_q(circle_of(user), self._confidential_model))._scoped("visible_to")

    def hidden_from(self, user: AnyUser | None) -> Self:
        """What ``user`` may not read: only ever asked whether it exists, so that
        a total can say "+ undisclosed" without telling how much or how many."""
        return self.exclude(visibility_q(circle_of(user), self._confidential_model))._scoped("hidden_from")

    def editable_by(self, user: AnyUser | None) -> Self:
        return self.visible_to(user).filter(owner_id__in=editing_organisation_ids(user))
