"""The index follows the records: every registered type, saves, deletes, children, bulk writes, rebuilds."""

from datetime import date

import pytest
from django.core.management import call_command
from django.core.management.color import no_style
from django.db import connection
from django.test.utils import CaptureQueriesContext

from partnerhub.core.confidential import registered
from partnerhub.core.signals import one_update_per_record, records_changed, update_per_record
from partnerhub.registry.models import Engagement
from partnerhub.registry.services import delete_engagement, input_from_engagement, update_engagement
from partnerhub.search.indexer import INDEX_TABLES, forget, index_records, rebuild
from partnerhub.search.models import SearchEntry
from partnerhub.search.services import SearchRequest, search
from partnerhub.search.sources import sources
from tests.agenda.factories import meeting
from tests.plans.factories import action_for, plan_for
from tests.support.builders import record
from tests.toyapp.factories import hidden_toy_record
from tests.toyapp.models import ToyNote
from tests.toyapp.services import retitle_toy_record, rewrite_toy_note

SECRET = "Zanzibarian"


def kinds_found(user, text):
    return sorted(hit.kind for hit in search(user, SearchRequest(text=text)).hits)


def snapshot():
    """What the index holds, independent of ids: every entry with its countries and themes."""
    return sorted(
        (
            entry.kind,
            entry.object_id,
            entry.title,
            entry.body,
            entry.title_stems,
            entry.body_stems,
            entry.date,
            tuple(sorted(entry.countries.values_list("iso3", flat=True))),
            tuple(sorted(entry.themes.values_list("code", flat=True))),
        )
        for entry in SearchEntry.objects.all()
    )


def test_every_registered_type_is_indexed_by_its_factory_and_found_by_its_owner_only(cast):
    searchable = [entry for entry in registered() if entry.search is not None]
    assert {entry.search.kind for entry in searchable} >= {
        "engagement",
        "plan",
        "action",
        "event",
        "line",
        "fact",
        "partnership",
    }
    for entry in searchable:
        entry.build(cast, secret=f"{SECRET} {entry.search.kind}")
    owner_finds = kinds_found(cast.german_ministry_editor, SECRET)
    # A figure's factory puts no text of its own in a searched field: its title is made of indicator, country, period.
    assert set(owner_finds) >= {"engagement", "plan", "action", "event", "line", "partnership", "toy"}
    assert kinds_found(cast.french_embassy_viewer, SECRET) == []
    assert kinds_found(cast.outsider, SECRET) == []
    assert kinds_found(None, SECRET) == []


def test_changes_through_the_services_keep_the_index_as_a_rebuild_would_write_it(cast):
    for entry in registered():
        if entry.search is not None:
            record = entry.build(cast, secret=f"{SECRET} {entry.search.kind}")
            entry.change(cast, record)
    incremental = snapshot()
    assert incremental
    rebuild()
    assert snapshot() == incremental


def test_a_record_changed_through_its_service_is_found_by_its_new_words(cast):
    record = hidden_toy_record(cast, secret="Original wording")
    retitle_toy_record(record, "Brand new heading", acting_user=cast.german_ministry_editor)
    editor = cast.german_ministry_editor
    assert kinds_found(editor, "heading") == ["toy"]
    assert kinds_found(editor, "original") == []


def test_a_child_feeds_its_parent_and_its_changes_reindex_the_parent(cast):
    record = hidden_toy_record(cast, secret="Toy record")
    note = ToyNote.objects.create(record=record, text="Extracted text of an attachment about seasonal work")
    editor = cast.german_ministry_editor
    assert kinds_found(editor, "seasonal") == ["toy"]
    rewrite_toy_note(note, "Now about circular migration", acting_user=editor)
    assert kinds_found(editor, "seasonal") == []
    assert kinds_found(editor, "circular") == ["toy"]
    note.delete()
    assert kinds_found(editor, "circular") == []


def test_a_deleted_record_disappears(cast):
    engagement = cast.engagement(cast.commission, cast.commission_desk_officer, title="Ephemeral engagement")
    user = cast.commission_desk_officer
    assert kinds_found(user, "ephemeral") == ["engagement"]
    delete_engagement(engagement, acting_user=user)
    assert kinds_found(user, "ephemeral") == []
    assert not SearchEntry.objects.filter(kind="engagement", object_id=engagement.pk).exists()


def test_a_stale_entry_of_a_deleted_record_is_never_shown(cast):
    """An entry left behind by a write behind the hub's back names a record that is gone: the page
    reads its hits' records through visible_to, so nothing of it is shown. (Its audience still
    counts it: the entries are written in the transaction that writes their record.)"""
    engagement = cast.engagement(cast.commission, cast.commission_desk_officer, title="Vanishing engagement")
    SearchEntry.objects.filter(kind="engagement", object_id=engagement.pk).update(object_id=987_654)
    found = search(cast.commission_desk_officer, SearchRequest(text="vanishing"))
    assert found.hits == []


def test_an_entry_from_before_audiences_were_kept_asks_its_record(cast):
    """Entries written before the index kept audiences have none: their record's rule decides."""
    author = cast.commission_desk_officer
    cast.engagement(cast.commission, author, title="Unstamped internal note", sharing_level="originator")
    cast.engagement(cast.commission, author, title="Unstamped public programme", sharing_level="public")
    SearchEntry.objects.filter(kind="engagement").update(sharing_level=None, owner=None)
    outsider = search(cast.german_ministry_editor, SearchRequest(text="unstamped"))
    assert [hit.title for hit in outsider.hits] == ["Unstamped public programme"] and outsider.total == 1
    assert search(author, SearchRequest(text="unstamped")).total == 2


def test_an_action_takes_its_country_from_its_plan_and_follows_the_plan(cast):
    plan = plan_for(cast, title="Plan for Morocco")
    action_for(cast, plan, description="Open a counselling centre")
    user = cast.commission_desk_officer
    found = search(user, SearchRequest(text="counselling", country="MAR"))
    assert [hit.kind for hit in found.hits] == ["action"]
    assert found.hits[0].url.endswith(f"/plans/{plan.pk}/")  # no page of its own: its plan's


def test_a_meeting_is_found_with_its_themes_and_date(cast):
    meeting(cast.commission, cast.commission_desk_officer, title="Mission on reintegration", themes=("LEGAL-LABOUR",))
    found = search(cast.commission_desk_officer, SearchRequest(text="mission", theme="LEGAL-LABOUR"))
    assert [hit.kind for hit in found.hits] == ["event"]
    assert found.hits[0].date == date(2027, 3, 1)


def test_organisations_are_found_by_everyone_signed_in(cast):
    assert "organisation" in kinds_found(cast.outsider, "GIZ")
    assert "organisation" in kinds_found(cast.french_embassy_viewer, "Zusammenarbeit")
    assert kinds_found(None, "GIZ") == []


def test_records_changed_reindexes_rows_written_in_bulk(cast):
    engagement = cast.engagement(cast.commission, cast.commission_desk_officer, title="Before the import")
    Engagement.objects.unrestricted("the test writes as an import does").filter(pk=engagement.pk).update(
        title="After the import"
    )
    user = cast.commission_desk_officer
    assert kinds_found(user, "after") == []
    records_changed.send(sender=Engagement, pks=[engagement.pk])
    assert kinds_found(user, "after") == ["engagement"]


def test_the_rebuild_command_prints_the_count_of_each_type(cast, capsys):
    cast.engagement(cast.commission, cast.commission_desk_officer, title="Counted engagement")
    SearchEntry.objects.all().delete()
    call_command("rebuild-search-index")
    printed = capsys.readouterr().out
    engagements = Engagement.objects.unrestricted("the test counts every engagement").count()
    assert f"engagement: {engagements} indexed" in printed
    assert "Search index rebuilt" in printed
    assert SearchEntry.objects.filter(kind="engagement").count() == engagements
    assert {source.kind for source in sources()} <= {line.split(":")[0] for line in printed.splitlines()} | {
        "Search index rebuilt"
    }


def test_an_engagement_changed_through_its_service_has_its_entry_written_once(cast):
    engagement = cast.engagement(cast.commission, cast.commission_desk_officer, title="Border management support")
    data = input_from_engagement(engagement)
    data.fields["title"] = "Border and coast guard support"
    with CaptureQueriesContext(connection) as queries:
        update_engagement(engagement, data, acting_user=cast.commission_desk_officer)
    entry_writes = [query for query in queries if query["sql"].startswith('INSERT INTO "search_searchentry"')]
    # The record, its countries, themes and money lines are saved; its entry is written once, at the end.
    assert len(entry_writes) == 1
    assert kinds_found(cast.commission_desk_officer, "coast") == ["engagement"]
    assert kinds_found(cast.commission_desk_officer, "management") == []


def test_a_failed_service_block_writes_no_entry_and_nested_blocks_write_once(cast):
    written = []

    def write(model, pks):
        written.append((model, sorted(pks)))

    with pytest.raises(RuntimeError), one_update_per_record():
        update_per_record(write, Engagement, [1])
        raise RuntimeError("the service's transaction is rolled back")
    assert written == []
    with one_update_per_record():
        update_per_record(write, Engagement, [2, 1])
        with one_update_per_record():
            update_per_record(write, Engagement, [1, 3])
        assert written == []
    assert written == [(Engagement, [1, 2, 3])]
    update_per_record(write, Engagement, [4])
    assert written[-1] == (Engagement, [4])


def full_text_rows() -> list[tuple]:
    """What the database's own full-text index holds of each entry, read from it (SQLite: the stems kept
    in ``search_fts``; PostgreSQL: the narrow ``search_match`` table, with the audience)."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                "SELECT m.entry_id, m.kind, m.object_id, m.date, m.sharing_level, m.owner_id, m.title_tsv::text <> '',"
                " m.body_tsv = to_tsvector('simple', e.body_stems) FROM search_match AS m"
                " LEFT JOIN search_searchentry AS e ON e.id = m.entry_id ORDER BY m.entry_id"
            )
        else:
            cursor.execute(
                "SELECT f.rowid, e.kind, e.object_id, e.date, e.sharing_level, e.owner_id, f.title_stems <> '',"
                " f.body_stems = e.body_stems FROM search_fts AS f JOIN search_searchentry AS e ON e.id = f.rowid"
                " ORDER BY f.rowid"
            )
        return [tuple(row) for row in cursor.fetchall()]


def entry_rows() -> list[tuple]:
    return [
        (entry.pk, entry.kind, entry.object_id, entry.date, entry.sharing_level, entry.owner_id, True, True)
        for entry in SearchEntry.objects.order_by("pk")
    ]


def test_the_full_text_index_follows_every_entry_written_changed_or_deleted(cast):
    author = cast.commission_desk_officer
    kept = cast.engagement(cast.commission, author, title="Ferry terminal works", sharing_level="public")
    gone = cast.engagement(cast.commission, author, title="Ferry pier survey", sharing_level="restricted")
    change = input_from_engagement(kept)
    change.fields["sharing_level"] = "eu"
    update_engagement(kept, change, acting_user=author)
    delete_engagement(gone, acting_user=author)
    assert SearchEntry.objects.filter(kind="engagement", sharing_level="eu").count() == 1
    assert full_text_rows() == entry_rows() and len(entry_rows()) > 1
    rebuild()
    assert full_text_rows() == entry_rows()
    SearchEntry.objects.all().delete()
    assert full_text_rows() == []


def test_the_full_text_index_is_emptied_with_the_entries_when_a_database_is_flushed(cast):
    """Django's flush (a test database between tests, ``partnerhub flush``) empties the tables at once."""
    cast.engagement(cast.commission, cast.commission_desk_officer, title="Ferry tickets")
    assert full_text_rows() == entry_rows() != []
    if connection.vendor == "postgresql":  # the test's transaction holds deferred key checks; a flush has none
        with connection.cursor() as cursor:
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
    connection.ops.execute_sql_flush(connection.ops.sql_flush(no_style(), list(INDEX_TABLES)))
    assert full_text_rows() == entry_rows() == []


def test_entries_are_rewritten_without_reading_them_back(cast):
    """The index deletes an entry and its rows by their ids: Django's own delete would load every entry,
    texts included, before deleting it (most of a PostgreSQL run's time went there in one real-file test)."""
    engagement = record(cast.commission, cast.commission_desk_officer, title="Reintegration of returnees")
    with CaptureQueriesContext(connection) as queries:
        index_records(Engagement, [engagement.pk])
        forget(Engagement, [engagement.pk])
    read_back = [sql for sql in (query["sql"] for query in queries.captured_queries) if "SELECT" in sql]
    assert not [sql for sql in read_back if '"search_searchentry"."body"' in sql]
    assert not SearchEntry.objects.filter(object_id=engagement.pk, kind="engagement").exists()
