"""The one declaration a confidential model needs: its registration.

Each app registers its confidential models in its ``AppConfig.ready()``::

    register("registry.MoneyLine", parents=("engagement",), factory="tests.core.factories.hidden_money_line")

From the registrations come the rest of the wiring, so that nothing is listed
by hand anywhere else:

* ``visible_to`` and ``hidden_from`` of child rows (``ChildQuerySet``): a child
  exists for a reader only when every record it is read through does;
* the audience kept with each change of a child's history
  (``core.history.audience_for_history``);
* the tables whose changes make kept figures stale (``analysis/figures/cache.py``);
* the hidden records the leak walker plants (``tests/core/test_no_leak_anywhere.py``),
  and the values it gives the URL parameters that name a record (``urls``);
* the permission tests every registered model passes
  (``tests/core/test_permissions_per_model.py``: ``factory``, ``urls``, ``edit``);
* how a record is found by the one search box (``search``: a ``Searchable``; models that are
  not confidential but searchable register with ``register_public_searchable``).
"""

from collections.abc import Callable
from dataclasses import dataclass
from operator import attrgetter
from typing import TYPE_CHECKING, Any, TypeVar, cast

from django.apps import apps
from django.core.exceptions import ImproperlyConfigured
from django.db import models
from django.urls import reverse
from django.utils.module_loading import import_string

from partnerhub.core.querysets import ConfidentialQuerySet, ScopedQuerySet
from partnerhub.core.types import AnyUser

if TYPE_CHECKING:
    from partnerhub.core.models import ConfidentialModel

_M = TypeVar("_M", bound=models.Model)


@dataclass(frozen=True)
class RecordUrls:
    """The addresses of one record, "" where it has none: its own ``page`` (hidden → 404), the
    ``change_page`` where it is changed (read-only → 403), and its ``api`` path (GET reads it, the
    other methods on it and on the paths below it change it). A child row without addresses is
    read on its parents' pages."""

    page: str = ""
    change_page: str = ""
    api: str = ""


# A URL name, reversed with the record's primary key; or (URL name, attribute, …), reversed with
# those attributes of the record, in order (dotted paths read through relations: "country.iso3").
Route = str | tuple[str, ...]


@dataclass(frozen=True)
class RecordRoutes:
    """The routes of a registration's records, reversed on demand (a search page needs only the pages)."""

    page: Route = ""
    change_page: Route = ""
    api: Route = ""

    def __call__(self, record: models.Model) -> RecordUrls:
        return RecordUrls(
            page=_reversed(self.page, record),
            change_page=_reversed(self.change_page, record),
            api=_reversed(self.api, record),
        )

    def page_of(self, record: models.Model) -> str:
        return _reversed(self.page, record)


def record_urls(*, page: Route = "", change_page: Route = "", api: Route = "") -> RecordRoutes:
    """The ``urls`` of a registration from the names of its routes::

    register("agenda.Meeting", urls=record_urls(page="agenda:meeting_detail", api="api:get_meeting"), …)
    """
    return RecordRoutes(page=page, change_page=change_page, api=api)


def _reversed(route: Route, record: models.Model) -> str:
    if not route:
        return ""
    name, *attributes = (route, "pk") if isinstance(route, str) else route
    return reverse(name, args=[attrgetter(attribute)(record) for attribute in attributes])


@dataclass(frozen=True)
class Searchable:
    """How the one search box finds a record of a registered model: the field read as its title
    (ranked above the rest), the fields read as its body, and the fields its filters read.

    Every field is a dotted path read from the record ("plan.country", "indicator.themes"); a
    path may cross a to-many relation ("attachments.extracted_text"), whose texts are joined.
    ``countries`` and ``themes`` end at countries and themes ("" where the record has none);
    ``date`` ends at a date or a date and time. ``describe(record) -> str`` builds the title of
    records that have no title field of their own (``title`` is then ignored). ``kind`` is the
    value of the type filter ("engagement", "lesson"); the type's name shown to readers is the
    model's verbose name.
    """

    kind: str
    title: str = ""
    body: tuple[str, ...] = ()
    countries: str = ""
    themes: str = ""
    date: str = ""
    describe: Callable[[Any], str] | None = None


@dataclass(frozen=True)
class PublicSearchable:
    """A searchable model that is not confidential (organisations): ``readable_by(user)`` is the
    queryset of its records that ``user`` may find (none for anonymous users, as a rule)."""

    label: str
    search: Searchable
    readable_by: Callable[[Any], Any]
    urls: Callable[[Any], RecordUrls] | None = None

    @property
    def model(self) -> type[models.Model]:
        return apps.get_model(self.label)


_public_searchables: dict[str, PublicSearchable] = {}


def register_public_searchable(
    label: str,
    search: Searchable,
    readable_by: Callable[[Any], Any],
    *,
    urls: Callable[[Any], RecordUrls] | None = None,
) -> PublicSearchable:
    """Makes a model that is not confidential searchable; called from its app's ``ready()``."""
    entry = PublicSearchable(label, search, readable_by, urls)
    _public_searchables[entry.model._meta.label] = entry
    return entry


def public_searchables() -> list[PublicSearchable]:
    return list(_public_searchables.values())


@dataclass(frozen=True)
class ConfidentialEntry:
    """One registered model: a record with a sharing level of its own (no ``parents``),
    or a child row read through the record(s) its ``parents`` foreign keys name."""

    label: str
    parents: tuple[str, ...] = ()
    partner_countries: str = ""
    # "module.function" building one record hidden from outsiders: ``factory(cast, secret=…)``.
    # A dotted path, so that the product never imports the tests.
    factory: str = ""
    # ``urls(record) -> RecordUrls``, for models with pages or API operations of their own.
    urls: Callable[[Any], RecordUrls] | None = None
    # "module.function" changing a record through its app's service: ``edit(cast, record)``.
    edit: str = ""
    search: Searchable | None = None

    @property
    def model(self) -> type[models.Model]:
        return apps.get_model(self.label)

    @property
    def is_child(self) -> bool:
        return bool(self.parents)

    def parent_models(self) -> "list[type[ConfidentialModel]]":
        # A parent is a confidential record: its manager has visible_to (checked when registered).
        return [
            cast("type[ConfidentialModel]", self.model._meta.get_field(path).related_model) for path in self.parents
        ]

    def build(self, cast: object, *, secret: str) -> models.Model:
        if not self.factory:
            raise ImproperlyConfigured(f"{self.label} is registered as confidential without a test factory")
        record: models.Model = import_string(self.factory)(cast, secret=secret)
        return record

    def urls_of(self, record: models.Model) -> RecordUrls:
        return self.urls(record) if self.urls is not None else RecordUrls()

    def page_of(self, record: models.Model) -> str:
        """The record's own page ("" where it has none), without reversing its other addresses."""
        if isinstance(self.urls, RecordRoutes):
            return self.urls.page_of(record)
        return self.urls_of(record).page

    def change(self, cast: object, record: models.Model) -> None:
        if not self.edit:
            raise ImproperlyConfigured(f"{self.label} is registered as confidential without a test edit")
        import_string(self.edit)(cast, record)


_entries: dict[str, ConfidentialEntry] = {}


def register(
    label: str,
    *,
    parents: tuple[str, ...] = (),
    partner_countries: str = "",
    factory: str = "",
    urls: Callable[[Any], RecordUrls] | None = None,
    edit: str = "",
    search: Searchable | None = None,
) -> ConfidentialEntry:
    """Declares ``label`` ("app.Model") confidential; called from the app's ``ready()``."""
    entry = ConfidentialEntry(label, tuple(parents), partner_countries, factory, urls, edit, search)
    if entry.is_child:
        _check_child(entry)
    else:
        _check_root(entry)
    _entries[entry.model._meta.label] = entry
    return entry


def _check_root(entry: ConfidentialEntry) -> None:
    from partnerhub.core.models import ConfidentialModel

    model = entry.model
    if not issubclass(model, ConfidentialModel):
        raise ImproperlyConfigured(f"{entry.label} has no parent and is no ConfidentialModel")
    _check_manager(entry, ConfidentialQuerySet)
    model._meta.get_field(entry.partner_countries)
    # visibility_q reads the partner countries' field from the model.
    model.PARTNER_COUNTRIES_FIELD = entry.partner_countries


def _check_child(entry: ConfidentialEntry) -> None:
    for path in entry.parents:
        if not entry.model._meta.get_field(path).many_to_one:
            raise ImproperlyConfigured(f"{entry.label}.{path} is no foreign key to the record it is read through")
    _check_no_other_way_from_a_parent(entry)
    _check_manager(entry, ChildQuerySet)


def _check_no_other_way_from_a_parent(entry: ConfidentialEntry) -> None:
    """A query from a parent instance passes as read through it (``ChildQuerySet._add_hints``):
    so every reverse relation from a parent model must be one of the registered parents."""
    parent_models = tuple(entry.parent_models())
    for field in entry.model._meta.get_fields():
        if not isinstance(field, models.ForeignKey) or field.name in entry.parents:
            continue
        if field.related_model in parent_models and not field.remote_field.hidden:
            raise ImproperlyConfigured(
                f"{entry.label}.{field.name} leads from a parent without being one of its "
                f"parents: register it, or give it related_name='+'"
            )


def _check_manager(entry: ConfidentialEntry, queryset_class: type) -> None:
    queryset_class_of_manager = entry.model._default_manager._queryset_class  # type: ignore[attr-defined]  # private attribute absent from the stubs
    if not issubclass(queryset_class_of_manager, queryset_class):
        raise ImproperlyConfigured(f"{entry.label}'s manager must be built on {queryset_class.__name__}")


def registered() -> list[ConfidentialEntry]:
    """Every registered model, in the order the apps registered them."""
    return list(_entries.values())


def entry_for(model: type[models.Model]) -> ConfidentialEntry | None:
    return _entries.get(model._meta.label)


def through_models() -> list[type[models.Model]]:
    """The many-to-many tables of the registered models (sharing and partner countries)."""
    throughs: list[type[models.Model]] = []
    for entry in registered():
        throughs += [
            cast("type[models.Model]", field.remote_field.through) for field in entry.model._meta.local_many_to_many
        ]
    return list(dict.fromkeys(throughs))


class ChildQuerySet(ScopedQuerySet[_M]):
    """Rows with no sharing level of their own (money, country shares, comments, overlap
    pairs): as confidential as the record(s) their registered ``parents`` name.

    Read through a parent instance (``engagement.money_lines``, ``prefetch_related``), a
    query is scoped already: the parent was fetched through a scope of its own.
    """

    def visible_to(self, user: AnyUser | None) -> "ChildQuerySet[_M]":
        return self.filter(self._all_parents_visible(user))._scoped("visible_to")

    def hidden_from(self, user: AnyUser | None) -> "ChildQuerySet[_M]":
        """Only ever asked whether something exists, never how much or how many."""
        return self.exclude(self._all_parents_visible(user))._scoped("hidden_from")

    def of(self, **parents: ScopedQuerySet[Any]) -> "ChildQuerySet[_M]":
        """The rows of the records in scoped queries of their parents, one for each
        registered parent (``of(engagement=visible)``): as scoped as those queries,
        without asking again who may see them."""
        entry = self._entry()
        if set(parents) != set(entry.parents):
            raise ValueError(f"{entry.label} is read through {', '.join(entry.parents)}, not {', '.join(parents)}")
        if len(parents) == 1:
            queryset = self.filter(**{f"{path}__in": parent.values("pk") for path, parent in parents.items()})
        else:  # Correlated: with two IN (subquery) lists SQLite compares every pair of parents.
            queryset = self.filter(
                *(models.Exists(parent.filter(pk=models.OuterRef(path))) for path, parent in parents.items())
            )
        scopes = [parent._scope for parent in parents.values()]
        if None in scopes:
            return queryset
        return queryset._scoped(f"through its parents ({'; '.join(dict.fromkeys(str(s) for s in scopes))})")

    def _add_hints(self, **hints: Any) -> None:
        # Django's related managers and prefetches hint the instance they read from.
        super()._add_hints(**hints)  # type: ignore[misc]  # private method absent from the stubs
        if self._scope is None and self._is_parent(hints.get("instance")):
            self._scope = "through its parent"

    def _is_parent(self, instance: models.Model | None) -> bool:
        entry = entry_for(self.model)
        return entry is not None and isinstance(instance, tuple(entry.parent_models()))

    def _entry(self) -> ConfidentialEntry:
        entry = entry_for(self.model)
        if entry is None or not entry.is_child:
            raise ImproperlyConfigured(f"{self.model._meta.label} is not registered as a confidential child")
        return entry

    def _all_parents_visible(self, user: AnyUser | None) -> models.Q:
        entry = self._entry()
        condition = models.Q()
        for path, parent in zip(entry.parents, entry.parent_models(), strict=True):
            condition &= models.Q(**{f"{path}__in": parent.objects.visible_to(user).values("pk")})
        return condition


class ConfidentialChild(models.Model):
    """The base of a child row: its manager reads through its registered parents."""

    objects = ChildQuerySet.as_manager()

    class Meta:
        abstract = True
