"""Keeping the index in step with the records.

``index_records(model, pks)`` writes the entries of those records again (or drops them when the
records are gone); the receivers connected for every source call it on each save and delete of a
record, of the rows its searchable paths read (a lesson's attachments, an engagement's country
shares) and of the records they read through (an action's plan). Bulk writes send
``core.signals.records_changed``; ``rebuild`` writes the whole index again.
"""

import datetime
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.db import connection, models, transaction
from django.db.models.signals import m2m_changed, post_delete, post_save
from django.utils import timezone

from partnerhub.core.signals import records_changed, update_per_record
from partnerhub.core.visibility import audience_of
from partnerhub.search import backends
from partnerhub.search.models import SearchEntry, SearchEntryCountry, SearchEntryTheme
from partnerhub.search.sources import Source, sources, sources_of_model
from partnerhub.search.text import folded_words, stemmed

BATCH_SIZE = 2000


@dataclass
class Document:
    entry: SearchEntry
    country_ids: set[int]
    theme_ids: set[int]
    audience: dict[str, Any] | None = None


# Reading a record's fields along dotted paths.


def values_at(record: Any, path: str) -> list[Any]:
    """What ``path`` ("plan.country", "attachments.extracted_text") leads to from ``record``,
    as a list: a to-many relation on the way gives one value for each of its rows."""
    values = [record]
    for name in path.split("."):
        following: list[Any] = []
        for value in values:
            if value is None:
                continue
            found = getattr(value, name)
            if isinstance(found, models.Manager):
                following += list(found.all())
            elif isinstance(found, list | tuple):
                following += list(found)
            else:
                following.append(found)
        values = following
    return [value for value in values if value is not None and value != ""]


def _text_at(record: Any, path: str) -> str:
    return "\n".join(str(value) for value in values_at(record, path))


def _ids_at(record: Any, path: str) -> set[int]:
    if not path:
        return set()
    return {value.pk if isinstance(value, models.Model) else value for value in values_at(record, path)}


def _date_at(record: Any, path: str) -> datetime.date | None:
    found = values_at(record, path) if path else []
    if not found:
        return None
    value = found[0]
    if isinstance(value, datetime.datetime):
        return timezone.localtime(value).date() if timezone.is_aware(value) else value.date()
    return value if isinstance(value, datetime.date) else None


def document_of(source: Source, record: Any, content_type: ContentType) -> Document:
    search = source.search
    title = search.describe(record) if search.describe is not None else _text_at(record, search.title)
    body = "\n".join(text for text in (_text_at(record, path) for path in search.body) if text)
    audience = audience_of(record) if source.has_audience else None
    entry = SearchEntry(
        kind=search.kind,
        content_type=content_type,
        object_id=record.pk,
        title=title or str(record),
        body=body,
        title_stems=stemmed(title),
        body_stems=stemmed(body),
        title_words=folded_words(title),
        date=_date_at(record, search.date),
        sharing_level=audience["level"] if audience is not None else None,
        owner_id=audience["owner"] if audience is not None else None,
    )
    return Document(entry, _ids_at(record, search.countries), _ids_at(record, search.themes), audience)


def _paths(source: Source) -> list[str]:
    """What an entry reads of its record: its texts, countries, themes, date and audience."""
    search = source.search
    paths = [*search.body, search.countries, search.themes, search.date, *source.audience_paths()]
    if search.describe is None:
        paths.append(search.title)
    return [path for path in paths if path]


def _records_to_index(source: Source) -> models.QuerySet[Any]:
    """Every record with what its paths read, in a fixed number of queries."""
    select, prefetch = set(), set()
    for path in _paths(source):
        relations = _relation_prefix(source.model, path)
        if not relations:
            continue
        if all(field.many_to_one or field.one_to_one for field in relations):
            select.add("__".join(field.name for field in relations))
        else:
            prefetch.add("__".join(field.name for field in relations))
    queryset = source.every_record()
    if select:
        queryset = queryset.select_related(*sorted(select))
    if prefetch:
        queryset = queryset.prefetch_related(*sorted(prefetch))
    return queryset


def _relation_prefix(model: type[models.Model], path: str) -> list[Any]:
    """The relations ``path`` follows (its last name included when it is one)."""
    relations = []
    for name in path.split("."):
        try:
            field = model._meta.get_field(name)
        except Exception:  # a property or method: what follows is read in Python  # noqa: BLE001
            break
        if not field.is_relation:
            break
        relations.append(field)
        model = field.related_model  # type: ignore[assignment]  # a relation's model, never None here
    return relations


# Writing entries.


def index_records(model: type[models.Model], pks: Iterable[Any]) -> int:
    """Writes again the entries of the records of ``model`` with these primary keys; returns how many."""
    pks = list({pk for pk in pks if pk is not None})
    written = 0
    for source in sources_of_model(model):
        for start in range(0, len(pks), BATCH_SIZE):
            chunk = pks[start : start + BATCH_SIZE]
            written += _write(source, _records_to_index(source).filter(pk__in=chunk), replace=chunk)
    return written


def _write(source: Source, records: Iterable[Any], *, replace: list[Any] | None) -> int:
    content_type = ContentType.objects.get_for_model(source.model)
    documents = [document_of(source, record, content_type) for record in records]
    with transaction.atomic():
        if replace is not None:
            _delete_entries(SearchEntry.objects.filter(content_type=content_type, object_id__in=replace))
        entries = SearchEntry.objects.bulk_create([document.entry for document in documents])
        SearchEntryCountry.objects.bulk_create(
            SearchEntryCountry(entry_id=entry.pk, country_id=country_id)
            for entry, document in zip(entries, documents, strict=True)
            for country_id in document.country_ids
        )
        SearchEntryTheme.objects.bulk_create(
            SearchEntryTheme(entry_id=entry.pk, theme_id=theme_id)
            for entry, document in zip(entries, documents, strict=True)
            for theme_id in document.theme_ids
        )
        _write_audiences(entries, documents)
    return len(documents)


# The audience's lists, as ``audience_of`` names them, and the entry's field keeping each.
_AUDIENCE_LISTS: dict[str, Any] = {
    "organisations": SearchEntry.shared_with_organisations,
    "member_states": SearchEntry.shared_with_countries,
    "countries": SearchEntry.partner_countries,
}


def _write_audiences(entries: list[SearchEntry], documents: list[Document]) -> None:
    for key, descriptor in _AUDIENCE_LISTS.items():
        through = descriptor.through
        target = descriptor.field.m2m_reverse_field_name() + "_id"
        through.objects.bulk_create(
            through(searchentry_id=entry.pk, **{target: target_id})
            for entry, document in zip(entries, documents, strict=True)
            if document.audience is not None
            for target_id in document.audience.get(key, ())
        )


def forget(model: type[models.Model], pks: Iterable[Any]) -> None:
    content_type = ContentType.objects.get_for_model(model)
    _delete_entries(SearchEntry.objects.filter(content_type=content_type, object_id__in=list(pks)))


def _delete_entries(entries: "models.QuerySet[SearchEntry]") -> None:
    """Deletes these entries and their rows of countries, themes and audience, without reading them
    back: Django's own delete would load every entry, texts included, before deleting it."""
    ids = list(entries.values_list("pk", flat=True))
    for start in range(0, len(ids), BATCH_SIZE):
        batch = ids[start : start + BATCH_SIZE]
        listed = ", ".join(["%s"] * len(batch))
        with connection.cursor() as cursor:
            for table, column in _ENTRY_ROWS:
                cursor.execute(f"DELETE FROM {table} WHERE {column} IN ({listed})", batch)  # noqa: S608 (our tables)


def rebuild(report: Callable[[str, int], None] | None = None) -> dict[str, int]:
    """Writes the whole index again, source by source, in batches; returns the count of each kind."""
    counts = {}
    with transaction.atomic():
        with connection.cursor() as cursor:
            for table, _column in _ENTRY_ROWS:
                cursor.execute(f"DELETE FROM {table}")  # noqa: S608 (our tables)
        for source in sources():
            counts[source.kind] = 0
            for batch in _batches(source):
                counts[source.kind] += _write(source, batch, replace=None)
            if report is not None:
                report(source.kind, counts[source.kind])
    _gather_statistics()
    return counts


# The tables holding an entry's rows, and the column naming the entry; the entries' own table last.
_ENTRY_ROWS = (
    (SearchEntryCountry._meta.db_table, "entry_id"),
    (SearchEntryTheme._meta.db_table, "entry_id"),
    *(
        (descriptor.through._meta.db_table, descriptor.field.m2m_column_name())
        for descriptor in _AUDIENCE_LISTS.values()
    ),
    (SearchEntry._meta.db_table, "id"),
)

INDEX_TABLES = (
    "search_searchentry",
    "search_searchentrycountry",
    "search_searchentrytheme",
    *(descriptor.through._meta.db_table for descriptor in _AUDIENCE_LISTS.values()),
)


def _gather_statistics() -> None:
    """Planner statistics of the index after a rebuild: SQLite keeps none until ANALYZE is run (PostgreSQL's
    autovacuum would gather them later)."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(f"ANALYZE {', '.join((*INDEX_TABLES, backends.MATCH_TABLE))}")
        else:
            for table in INDEX_TABLES:
                cursor.execute(f"ANALYZE {table}")


def _batches(source: Source) -> Iterator[list[Any]]:
    pks = list(source.every_record().order_by("pk").values_list("pk", flat=True))
    for start in range(0, len(pks), BATCH_SIZE):
        yield list(_records_to_index(source).filter(pk__in=pks[start : start + BATCH_SIZE]).order_by("pk"))


# Receivers, connected once for every source.


def connect_receivers() -> None:
    """Connects what keeps the index current; safe to call again (each receiver has its own uid)."""
    for source in sources():
        _connect_source(source)
    records_changed.connect(_on_records_changed, dispatch_uid="search-records-changed")


def _reindex(model: type[models.Model], pks: Iterable[Any]) -> None:
    """Writes the entries again now, or once at the end of the service's block
    (``one_update_per_record``)."""
    update_per_record(index_records, model, list(pks))


def _on_records_changed(sender: type[models.Model], pks: Iterable[Any] = (), **_: Any) -> None:
    _reindex(sender, pks)


def _connect_source(source: Source) -> None:
    model = source.model
    uid = f"search-{model._meta.label}"
    post_save.connect(_on_record_saved, sender=model, dispatch_uid=uid, weak=False)
    post_delete.connect(_on_record_deleted, sender=model, dispatch_uid=uid, weak=False)
    for path in _paths(source):
        _connect_path(model, path)


def _on_record_saved(sender: type[models.Model], instance: Any, raw: bool = False, **_: Any) -> None:
    if not raw:
        _reindex(sender, [instance.pk])


def _on_record_deleted(sender: type[models.Model], instance: Any, **_: Any) -> None:
    forget(sender, [instance.pk])


def _connect_path(model: type[models.Model], path: str) -> None:
    names = path.split(".")
    relations = _relation_prefix(model, path)
    if not relations:
        return
    first = relations[0]
    uid = f"search-{model._meta.label}-{path}"
    if first.many_to_many and not first.auto_created:  # a forward many-to-many field
        _connect_many_to_many(model, first, uid)
    elif first.one_to_many or (first.many_to_many and first.auto_created):  # rows pointing at the record
        _connect_rows_pointing_at(model, first, uid)
    elif len(names) > 1:  # read through the record a foreign key names: its changes change ours
        _connect_record_read_through(model, first, uid)


def _connect_many_to_many(model: type[models.Model], field: Any, uid: str) -> None:
    through = field.remote_field.through

    def changed(sender: Any, instance: Any, action: str, reverse: bool, pk_set: Any, **_: Any) -> None:
        if action not in ("post_add", "post_remove", "post_clear", "pre_clear"):
            return
        if not reverse:
            _reindex(model, [instance.pk])
        elif action == "pre_clear":
            _reindex(
                model,
                through.objects.filter(**{field.m2m_reverse_field_name(): instance.pk}).values_list(
                    field.m2m_field_name() + "_id", flat=True
                ),
            )
        elif pk_set:
            _reindex(model, pk_set)

    m2m_changed.connect(changed, sender=through, dispatch_uid=uid, weak=False)
    if not through._meta.auto_created:  # rows of a through model of its own are also written one by one
        column = field.m2m_field_name() + "_id"

        def reindex(row: Any) -> None:
            _reindex(model, [getattr(row, column)])

        _connect_row(through, reindex, uid)


def _connect_rows_pointing_at(model: type[models.Model], relation: Any, uid: str) -> None:
    column = relation.field.attname

    def reindex(row: Any) -> None:
        _reindex(model, [getattr(row, column)])

    _connect_row(relation.related_model, reindex, uid)


def _connect_record_read_through(model: type[models.Model], field: Any, uid: str) -> None:
    def reindex_readers(row: Any) -> None:
        readers = model._default_manager.all()
        if hasattr(readers, "unrestricted"):
            readers = readers.unrestricted("the index is written again for every record read through this one")
        _reindex(model, readers.filter(**{field.name: row.pk}).values_list("pk", flat=True))

    post_save.connect(_saved_row(reindex_readers), sender=field.related_model, dispatch_uid=uid, weak=False)


def _connect_row(row_model: type[models.Model], reindex: Callable[[Any], None], uid: str) -> None:
    post_save.connect(_saved_row(reindex), sender=row_model, dispatch_uid=uid, weak=False)
    post_delete.connect(lambda sender, instance, **_: reindex(instance), sender=row_model, dispatch_uid=uid, weak=False)


def _saved_row(reindex: Callable[[Any], None]) -> Callable[..., None]:
    def saved(sender: Any, instance: Any, raw: bool = False, **_: Any) -> None:
        if not raw:
            reindex(instance)

    return saved
