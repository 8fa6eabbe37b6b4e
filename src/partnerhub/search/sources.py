"""The searchable models, as the registrations declare them: nothing here names an app.

Each confidential registration with a ``search`` and each public searchable model becomes a
``Source``: what its records are titled, what the index keeps of them, who may find them.
"""

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from django.db import models
from django.utils.functional import cached_property

from partnerhub.core.confidential import (
    ConfidentialEntry,
    PublicSearchable,
    Searchable,
    entry_for,
    public_searchables,
    registered,
)


@dataclass(frozen=True)
class Source:
    search: Searchable
    confidential: ConfidentialEntry | None = None
    public: PublicSearchable | None = None

    @property
    def kind(self) -> str:
        return self.search.kind

    @cached_property
    def model(self) -> type[models.Model]:
        owner = self.confidential or self.public
        assert owner is not None
        return owner.model

    @property
    def label(self) -> str:
        return str(self.model._meta.verbose_name)

    def visible_to(self, user: Any) -> models.QuerySet[Any]:
        """The records ``user`` may find, through the model's own rule."""
        if self.public is not None:
            public: models.QuerySet[Any] = self.public.readable_by(user)
            return public
        visible: models.QuerySet[Any] = self.model.objects.visible_to(user)  # type: ignore[attr-defined]  # every registered manager has it
        return visible

    @property
    def has_audience(self) -> bool:
        """Whether the entries keep their record's audience: records with a sharing level of their own
        (a child row's is its parents', a public model's its own rule: those entries ask the record)."""
        return self.confidential is not None and not self.confidential.is_child

    def audience_paths(self) -> tuple[str, ...]:
        """What ``core.visibility.audience_of`` reads of a record beyond its own columns."""
        if not self.has_audience:
            return ()
        assert self.confidential is not None
        return ("shared_with_organisations", "shared_with_countries", self.confidential.partner_countries)

    def every_record(self) -> models.QuerySet[Any]:
        """All records, for the index, which says nothing about who reads them."""
        if self.public is not None:
            return self.model._default_manager.all()
        every: models.QuerySet[Any] = self.model.objects.unrestricted(  # type: ignore[attr-defined]  # every registered manager has it
            "the search index holds every record; each search joins it to the reader's visible_to"
        )
        return every

    def page_of(self, record: models.Model) -> str:
        """The record's page; a child without one is read on its first parent's page."""
        page = self._page(record)
        if page or self.confidential is None or not self.confidential.is_child:
            return page
        parent = getattr(record, self.confidential.parents[0])
        parent_entry = entry_for(type(parent))
        return parent_entry.page_of(parent) if parent_entry is not None else ""

    def _page(self, record: models.Model) -> str:
        if self.confidential is not None:
            return self.confidential.page_of(record)
        assert self.public is not None
        return self.public.urls(record).page if self.public.urls is not None else ""

    def parents_to_select(self) -> tuple[str, ...]:
        return self.confidential.parents if self.confidential is not None else ()


def sources() -> list[Source]:
    """Every searchable model, confidential ones in the order they were registered, then public ones."""
    return list(_sources())


def _sources() -> tuple[Source, ...]:
    # Read afresh each time (it is cheap): a test may register a model after the apps are ready.
    found = [Source(entry.search, confidential=entry) for entry in registered() if entry.search is not None]
    found += [Source(entry.search, public=entry) for entry in public_searchables()]
    return tuple(found)


def source_of_kind(kind: str) -> Source | None:
    return next((source for source in _sources() if source.kind == kind), None)


def sources_of_model(model: type[models.Model]) -> Iterator[Source]:
    return (source for source in _sources() if source.model is model)


def kinds() -> list[str]:
    return [source.kind for source in _sources()]
