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
* the text fields a search reads (``search_fields``).
"""

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.apps import apps
from django.core.exceptions import ImproperlyConfigured
from django.db import models
from django.utils.module_loading import import_string

from partnerhub.core.querysets import ConfidentialQuerySet


@dataclass(frozen=True)
class RecordUrls:
    """The addresses of one record, "" where it has none: its own ``page`` (hidden → 404), the
    ``change_page`` where it is changed (read-only → 403), and its ``api`` path (GET reads it, the
    other methods on it and on the paths below it change it). A child row without addresses is
    read on its parents' pages."""

    page: str = ""
    change_page: str = ""
    api: str = ""


@dataclass(frozen=True)
class ConfidentialEntry:
    """One registered model: a record with a sharing level of its own (no ``parents``),
    or a child row read through the record(s) its ``parents`` foreign keys name."""

    label: str
    parents: tuple[str, ...] = ()
    partner_countries: str = ""
    search_fields: tuple[str, ...] = ()
    # "module.function" building one record hidden from outsiders: ``factory(cast, secret=…)``.
    # A dotted path, so that the product never imports the tests.
    factory: str = ""
    # ``urls(record) -> RecordUrls``, for models with pages or API operations of their own.
    urls: Callable[[Any], RecordUrls] | None = None
    # "module.function" changing a record through its app's service: ``edit(cast, record)``.
    edit: str = ""

    @property
    def model(self) -> type[models.Model]:
        return apps.get_model(self.label)

    @property
    def is_child(self) -> bool:
        return bool(self.parents)

    def parent_models(self) -> list[type[models.Model]]:
        return [self.model._meta.get_field(path).related_model for path in self.parents]

    def build(self, cast, *, secret: str):
        if not self.factory:
            raise ImproperlyConfigured(f"{self.label} is registered as confidential without a test factory")
        return import_string(self.factory)(cast, secret=secret)

    def urls_of(self, record) -> RecordUrls:
        return self.urls(record) if self.urls is not None else RecordUrls()

    def change(self, cast, record) -> None:
        if not self.edit:
            raise ImproperlyConfigured(f"{self.label} is registered as confidential without a test edit")
        import_string(self.edit)(cast, record)


_entries: dict[str, ConfidentialEntry] = {}


def register(label: str, *, parents: tuple[str, ...] = (), partner_countries: str = "",
             search_fields: tuple[str, ...] = (), factory: str = "",
             urls: Callable[[Any], RecordUrls] | None = None, edit: str = "") -> ConfidentialEntry:
    """Declares ``label`` ("app.Model") confidential; called from the app's ``ready()``."""
    entry = ConfidentialEntry(label, tuple(parents), partner_countries, tuple(search_fields), factory, urls, edit)
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
    _check_manager(entry, ChildQuerySet)


def _check_manager(entry: ConfidentialEntry, queryset_class: type) -> None:
    if not issubclass(entry.model._default_manager._queryset_class, queryset_class):
        raise ImproperlyConfigured(f"{entry.label}'s manager must be built on {queryset_class.__name__}")


def registered() -> list[ConfidentialEntry]:
    """Every registered model, in the order the apps registered them."""
    return list(_entries.values())


def entry_for(model) -> ConfidentialEntry | None:
    return _entries.get(model._meta.label)


def through_models() -> list[type[models.Model]]:
    """The many-to-many tables of the registered models (sharing and partner countries)."""
    throughs = []
    for entry in registered():
        throughs += [field.remote_field.through for field in entry.model._meta.local_many_to_many]
    return list(dict.fromkeys(throughs))


class ChildQuerySet(models.QuerySet):
    """Rows with no sharing level of their own (money, country shares, comments, overlap
    pairs): as confidential as the record(s) their registered ``parents`` name."""

    def visible_to(self, user):
        return self.filter(self._all_parents_visible(user))

    def hidden_from(self, user):
        """Only ever asked whether something exists, never how much or how many."""
        return self.exclude(self._all_parents_visible(user))

    def _all_parents_visible(self, user) -> models.Q:
        entry = entry_for(self.model)
        if entry is None or not entry.is_child:
            raise ImproperlyConfigured(f"{self.model._meta.label} is not registered as a confidential child")
        condition = models.Q()
        for path, parent in zip(entry.parents, entry.parent_models(), strict=True):
            condition &= models.Q(**{f"{path}__in": parent.objects.visible_to(user).values("pk")})
        return condition


class ConfidentialChild(models.Model):
    """The base of a child row: its manager reads through its registered parents."""

    objects = ChildQuerySet.as_manager()

    class Meta:
        abstract = True
